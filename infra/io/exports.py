"""Files of what users export: tables as CSV, Excel or GeoPackage, maps as HTML."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd

from infra.contract import CITY
from infra.i18n import _
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


#: Excel number format of a column by its decimals; shares (``*_pct*``) also show their " %".
_NUMBER_FORMATS = {0: "#,##0", 1: "#,##0.0", 2: "#,##0.00"}


def _number_format(column: str, decimals: int) -> str:
    fmt = _NUMBER_FORMATS.get(decimals, "#,##0." + "0" * decimals)
    share = "_pct" in column and not column.endswith((":next_year",))
    return f'{fmt}" %"' if share else fmt


def _rounded(frame: pd.DataFrame, decimals: Mapping[str, int] | None) -> pd.DataFrame:
    if not decimals:
        return frame
    out = frame.copy()
    for col, n in decimals.items():
        if col in out.columns and pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(n)
    return out


def _excel(plain: pd.DataFrame, path: Path, *, notices: list[str], headers: Mapping[str, str],
           decimals: Mapping[str, int]) -> None:
    """The units sheet (headers people read, frozen panes, filters, number formats), its columns, its notices."""
    from openpyxl.utils import get_column_letter

    shown = neutralised(plain).rename(columns=dict(headers))
    names = pd.DataFrame({_("Column"): [headers.get(c, c) for c in plain.columns], _("Name in the file"):
                          list(plain.columns)})
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        shown.to_excel(xl, sheet_name="units", index=False)
        neutralised(names).to_excel(xl, sheet_name="columns", index=False)
        neutralised(pd.DataFrame({"notice": notices})).to_excel(xl, sheet_name="notices", index=False)
        for sheet in xl.book.worksheets:  # nothing the tracker writes is a formula: any left is text
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        cell.data_type = "s"
        units = xl.book["units"]
        units.freeze_panes = "C2" if len(plain.columns) > 2 else "A2"  # the header and the unit's code and name
        units.auto_filter.ref = units.dimensions
        for k, col in enumerate(plain.columns, start=1):
            letter = get_column_letter(k)
            units.column_dimensions[letter].width = min(40, max(10, len(str(headers.get(col, col))) // 2 + 4))
            if pd.api.types.is_numeric_dtype(plain[col]):
                fmt = _number_format(col, decimals.get(col, 2))
                for (cell,) in units.iter_rows(min_row=2, min_col=k, max_col=k):
                    cell.number_format = fmt
        for sheet in (xl.book["columns"], xl.book["notices"]):
            sheet.column_dimensions["A"].width = 60
            sheet.column_dimensions["B"].width = 40


def write_table(table: gpd.GeoDataFrame, path: Path, *, fmt: Format, notices: list[str] | None = None,
                headers: Mapping[str, str] | None = None, decimals: Mapping[str, int] | None = None) -> Path:
    """Write a unit table as CSV, Excel or GeoPackage.

    In CSV and Excel every text cell a spreadsheet would run as a formula is written as
    text (:func:`neutralised`); a GeoPackage keeps the text as it is (no program runs it).

    Parameters
    ----------
    table
        The table, with machine column names.
    path, fmt
        Where, and as what.
    notices
        What is approximate or synthetic about the data (Excel: a sheet; GeoPackage: a layer).
    headers
        Machine column name → the header people read. CSV: the header row (machine names without it);
        Excel: the header row of the ``units`` sheet, with the machine names beside each header in the
        ``columns`` sheet; GeoPackage: machine names for the fields (GIS field names), the headers in a
        ``columns`` layer.
    decimals
        Column → decimals: values are rounded to them (no 99.99999999999852), and Excel shows them so.

    CSV files are UTF-8 with a byte-order mark, so that Excel on Windows keeps "Đình".

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
    table = _rounded(table, decimals)
    plain = pd.DataFrame(table.drop(columns="geometry"))
    names = dict(headers or {})
    if fmt == "csv":
        neutralised(plain).rename(columns=names).to_csv(path, index=False, lineterminator="\n", encoding="utf-8-sig")
    elif fmt == "xlsx":
        _excel(plain, path, notices=list(notices or []), headers={c: names.get(c, c) for c in plain.columns},
               decimals=dict(decimals or {}))
    elif fmt == "gpkg":
        layers: dict[str, pd.DataFrame] = {"units": table[table.geometry.notna()].copy()}
        layers["city"] = plain[plain["unit_code"] == CITY]
        if names:
            layers["columns"] = pd.DataFrame({"column": list(plain.columns),
                                              "header": [names.get(c, c) for c in plain.columns]})
        if notices:
            layers["notices"] = pd.DataFrame({"notice": notices})
        write_gpkg_layers(path, layers)
    else:
        raise ValueError(f"unknown format {fmt!r}; use csv, xlsx or gpkg")
    return path


def table_bytes(table: gpd.GeoDataFrame, *, fmt: Format, notices: list[str] | None = None,
                headers: Mapping[str, str] | None = None, decimals: Mapping[str, int] | None = None) -> bytes:
    """A unit table as the bytes of a CSV, Excel or GeoPackage file (for a download; :func:`write_table`)."""
    with tempfile.TemporaryDirectory() as tmp:
        return write_table(table, Path(tmp) / f"table.{fmt}", fmt=fmt, notices=notices, headers=headers,
                           decimals=decimals).read_bytes()


def write_html(html: str, path: Path) -> Path:
    """Write a rendered page (a standalone map) as UTF-8; returns the path."""
    path = Path(path)
    path.write_text(html, encoding="utf-8")
    return path
