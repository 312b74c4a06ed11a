"""Import plan targets: CSV or Excel, long (one row per year) or wide (one column per year)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from infra import settings
from infra.contract import TARGET_METRICS
from infra.i18n import _, listing, number
from infra.io.limits import Limits
from infra.io.report import ImportReport, UnreadableFile
from infra.io.tabular import map_columns, read_table

TARGET_ALIASES: dict[str, tuple[str, ...]] = {
    "layer": ("level", "cap", "cấp"),
    "unit_code": ("code", "unit", "ma", "mã", "ma don vi", "mã đơn vị"),
    "metric": ("indicator", "chi tieu", "chỉ tiêu"),
    "year": ("nam", "năm"),
    "target": ("value", "gia tri", "giá trị", "muc tieu", "mục tiêu"),
    "source": ("reference", "nguon", "nguồn", "can cu", "căn cứ"),
}


def read_targets_file(path: Path, *, columns: Mapping[str, str] | None = None, units: pd.DataFrame | None = None,
                      part: str | None = None, limits: Limits | None = None,
                      name: str | None = None) -> tuple[pd.DataFrame, ImportReport]:
    """Import targets in the long format, or a wide sheet with one column per year (``2020``, ``2025``…).

    In a wide sheet each (row, year) cell is one target; the report counts input
    rows. An empty ``source`` is reported and set to ``placeholder``. Given the
    dataset's ``units`` (``layer``, ``unit_code``), a target for an unknown layer or
    unit is rejected, a code that lost its leading zeros (``1`` for ``001``, as
    spreadsheets do) is repaired, and a metric the tracker does not measure is kept
    with a warning. A year must be a whole number in :data:`infra.settings.TARGET_YEARS`;
    a target a finite number, 0-100 for a percentage (``…_pct``), else 0-10^12.

    Parameters
    ----------
    path
        CSV (optionally gzipped) or Excel .xlsx.
    columns
        Explicit column mapping.
    units
        The dataset's units the targets are checked against.
    part, limits, name
        Sheet of a workbook, limits and the file name to report (see :func:`infra.io.inventory.read_sites`).

    Returns
    -------
    targets : pandas.DataFrame
        Canonical targets.
    report : ImportReport

    Raises
    ------
    UnreadableFile
        If the file cannot be read or lacks ``unit_code`` / ``metric``.
    """
    rep = ImportReport(name or path.name, "targets")
    table = read_table(path, rep, "targets", limits=limits, part=part)
    frame = table.frame
    rep.parts, rep.part, rep.columns = table.parts, table.part, table.columns
    cols = map_columns(frame, TARGET_ALIASES, columns)
    missing = [c for c in ("unit_code", "metric") if c not in cols]
    if missing:
        raise UnreadableFile(_("{file}: no {missing} column; columns are {columns}").format(
            file=rep.file, missing=", ".join(missing), columns=listing(frame.columns)))
    first, last = settings.TARGET_YEARS
    year_cols = [c for c in frame.columns if str(c).strip().isdigit() and first <= int(str(c).strip()) <= last]
    base = pd.DataFrame({"row": frame.index + 1, "layer": frame[cols["layer"]] if "layer" in cols else "district",
                         "unit_code": frame[cols["unit_code"]], "metric": frame[cols["metric"]],
                         "source": frame[cols["source"]] if "source" in cols else ""})
    if year_cols and "year" not in cols:
        long = base.loc[base.index.repeat(len(year_cols))].reset_index(drop=True)
        long["year"] = [y for _ in range(len(frame)) for y in year_cols]
        long["target"] = frame[year_cols].to_numpy().ravel()
        long["year_col"] = long["year"]
        long = long[long["target"] != ""]
    elif "year" in cols and "target" in cols:
        long = base.assign(year=frame[cols["year"]], target=frame[cols["target"]], year_col=cols["year"])
    else:
        raise UnreadableFile(_("{file}: neither 'year' and 'target' columns nor one column per year").format(
            file=rep.file))
    year = pd.to_numeric(long["year"], errors="coerce").astype(float)
    target = pd.to_numeric(long["target"].astype(str).str.replace(",", "."), errors="coerce").astype(float)
    bad_year = ~(np.isfinite(year) & (year == np.floor(year)) & (year >= first) & (year <= last))
    for r, v in long.loc[bad_year, ["row", "year"]].itertuples(index=False):
        rep.add(int(r), cols.get("year", "year"), v, _("not a year in {first}-{last}").format(
            first=first, last=last), _("write the year as e.g. 2025"))
    pct = long["metric"].astype(str).str.endswith("_pct")
    hi = np.where(pct, 100.0, 1e12)
    for r, c, v in long.loc[target.isna(), ["row", "year_col", "target"]].itertuples(index=False):
        rep.add(int(r), cols.get("target", str(c)), v, _("not a number"),
                _("write the target as a plain number"))
    out_of_range = target.notna() & ~(np.isfinite(target) & (target >= 0) & (target <= hi))
    for r, c, v, h in long.loc[out_of_range, ["row", "year_col", "target"]].assign(
            h=hi[out_of_range.to_numpy()]).itertuples(index=False):
        rep.add(int(r), cols.get("target", str(c)), v, _("not a target in [0, {most}]").format(
            most=number(h)), _("write a finite number ≥ 0 (a percentage at most 100)"))
    for r in long.loc[long["unit_code"] == "", "row"]:
        rep.add(int(r), cols["unit_code"], "", _("empty unit code"),
                _("use the official code, or * for the whole city"))
    for r in long.loc[long["source"] == "", "row"].unique():
        rep.add(int(r), cols.get("source", "source"), "", _("no source (marked placeholder)"),
                _("cite the decision or plan the target comes from"), severity="repaired")
    if units is not None:
        long = long.assign(unit_code=_check_units(long, units, rep, cols))
    _check_metrics(long, rep, cols)
    out = long.assign(year=year, target=target, source=long["source"].replace("", "placeholder"))
    dup = out.duplicated(["layer", "unit_code", "metric", "year"], keep="first") & out["year"].notna()
    for r in out.loc[dup, "row"]:
        rep.add(int(r), cols["metric"], "", _("duplicate target (first kept)"),
                _("keep one row per unit, metric and year"))
    out = out[~out["row"].isin(rep.rejected_rows())]
    out = out.assign(year=out["year"].astype("int64"))
    return out[["layer", "unit_code", "metric", "year", "target", "source"]].reset_index(drop=True), rep


def _check_units(long: pd.DataFrame, units: pd.DataFrame, rep: ImportReport, cols: Mapping[str, str]) -> pd.Series:
    """Unit codes checked against the dataset's layers; returns the codes with lost zeros restored."""
    codes = long["unit_code"].astype(str).str.strip()
    known = {lay: set(g) for lay, g in units.groupby("layer")["unit_code"]}
    for r, lay in long.loc[~long["layer"].isin(known), ["row", "layer"]].drop_duplicates().itertuples(index=False):
        rep.add(int(r), cols.get("layer", "layer"), lay, _("unknown layer"),
                _("use one of {values} (no layer column means district)").format(values=", ".join(sorted(known))))
    seen: set[int] = set()  # a wide sheet repeats a row per year: one problem per row
    for lay, have in known.items():
        widths = {len(c) for c in have}
        for i in long.index[(long["layer"] == lay) & ~codes.isin([*have, "*", ""])]:
            r, code = int(long.at[i, "row"]), codes.at[i]
            padded = code.zfill(max(widths)) if code.isdigit() and len(widths) == 1 else code
            if padded in have:  # spreadsheets drop leading zeros: 1 → 001
                codes.at[i] = padded
                what, fix, severity = (_("unit code read as {code}").format(code=padded),
                                       _("keep the leading zeros (format the column as text)"), "repaired")
            else:
                what, fix, severity = (_("no such unit in layer {layer}").format(layer=lay),
                                       _("use the unit's official code (e.g. {codes}…) or * for the whole city").format(
                                           codes=", ".join(sorted(have)[:3])), "rejected")
            if r not in seen:
                seen.add(r)
                rep.add(r, cols["unit_code"], code, what, fix, severity=severity)
    return codes


def _check_metrics(long: pd.DataFrame, rep: ImportReport, cols: Mapping[str, str]) -> None:
    for r, v in long.loc[~long["metric"].isin(TARGET_METRICS), ["row", "metric"]].drop_duplicates().itertuples(
            index=False):
        rep.add(int(r), cols["metric"], v, _("kept, but not a metric the tracker measures (no status)"),
                _("measured metrics: {metrics}").format(metrics=", ".join(TARGET_METRICS)), severity="warning")
