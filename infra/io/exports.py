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

#: First characters that make a spreadsheet read a text cell as a formula (OWASP, CSV injection).
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell that a spreadsheet would run as a formula made plain text.

    OWASP's advice: such a cell (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
    return) gets a leading single quote. Numbers are left alone (−5 stays a number).

    Examples
    --------
    >>> neutralised(pd.DataFrame({"source": ["=1+2", "Plan 58"], "v": [-5, 1]}))["source"].tolist()
    ["'=1+2", 'Plan 58']
    """
    out = frame.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_string_dtype(s) or s.dtype == object:
            text = s.map(lambda v: f"'{v}" if isinstance(v, str) and v.startswith(FORMULA_STARTS) else v)
            out[col] = text.astype(s.dtype) if pd.api.types.is_string_dtype(s) else text
    return out


def write_table(table: gpd.GeoDataFrame, path: Path, *, fmt: Format, notices: list[str] | None = None) -> Path:
    """Write a unit table as CSV, Excel (with a ``notices`` sheet) or GeoPackage.

    In CSV and Excel every text cell a spreadsheet would run as a formula is written as
    text (:func:`neutralised`); a GeoPackage keeps the text as it is (no program runs it).

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
        neutralised(plain).to_csv(path, index=False, lineterminator="\n")
    elif fmt == "xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as xl:
            neutralised(plain).to_excel(xl, sheet_name="units", index=False)
            neutralised(pd.DataFrame({"notice": notices or []})).to_excel(xl, sheet_name="notices", index=False)
            for sheet in xl.book.worksheets:  # nothing the tracker writes is a formula: any left is text
                for row in sheet.iter_rows():
                    for cell in row:
                        if cell.data_type == "f":
                            cell.data_type = "s"
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
