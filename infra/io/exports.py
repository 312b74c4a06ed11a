"""Files of what users export: tables as CSV, Excel or GeoPackage, maps as HTML."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd

from infra.contract import CITY
from infra.io.datasets import write_gpkg_layers

Format = Literal["csv", "xlsx", "gpkg"]


def write_table(table: gpd.GeoDataFrame, path: Path, *, fmt: Format, notices: list[str] | None = None) -> Path:
    """Write a unit table as CSV, Excel (with a ``notices`` sheet) or GeoPackage.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        For an unknown format.
    """
    path = Path(path)
    plain = pd.DataFrame(table.drop(columns="geometry"))
    if fmt == "csv":
        plain.to_csv(path, index=False, lineterminator="\n")
    elif fmt == "xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            plain.to_excel(xl, sheet_name="units", index=False)
            pd.DataFrame({"notice": notices or []}).to_excel(xl, sheet_name="notices", index=False)
    elif fmt == "gpkg":
        layers: dict[str, pd.DataFrame] = {"units": table[table.geometry.notna()].copy()}
        layers["city"] = plain[plain["unit_code"] == CITY]
        if notices:
            layers["notices"] = pd.DataFrame({"notice": notices})
        write_gpkg_layers(path, layers)
    else:
        raise ValueError(f"unknown format {fmt!r}; use csv, xlsx or gpkg")
    return path


def table_bytes(table: gpd.GeoDataFrame, *, fmt: Format, notices: list[str] | None = None) -> bytes:
    """A unit table as the bytes of a CSV, Excel or GeoPackage file (for a download)."""
    with tempfile.TemporaryDirectory() as tmp:
        return write_table(table, Path(tmp) / f"table.{fmt}", fmt=fmt, notices=notices).read_bytes()


def write_html(html: str, path: Path) -> Path:
    """Write a rendered page (a standalone map) as UTF-8; returns the path."""
    path = Path(path)
    path.write_text(html, encoding="utf-8")
    return path
