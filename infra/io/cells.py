"""Cells of inventory files read as values: operators, technologies, dates and numbers, each in a documented range.

A cell that is not a value of its column rejects its row, reported with the row,
the column, the value and the fix; it never stops the file.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from infra import settings
from infra.i18n import _
from infra.io.limits import check_time
from infra.io.names import fold
from infra.io.report import ImportReport

_OPERATOR_NAMES = {fold(k): v for k, v in {
    "Viettel": "Viettel", "VNPT": "VinaPhone", "VinaPhone": "VinaPhone", "Vina Phone": "VinaPhone",
    "MobiFone": "MobiFone", "Mobi Fone": "MobiFone", "VMS": "MobiFone", "Vietnamobile": "Vietnamobile",
    "Gmobile": "Gmobile", "Gtel": "Gmobile", "Beeline": "Gmobile",
}.items()} | {fold(v): v for v in settings.OPERATORS}
_TECH_NAMES = {"2g": "2G", "gsm": "2G", "3g": "3G", "umts": "3G", "wcdma": "3G", "hspa": "3G", "4g": "4G",
               "lte": "4G", "5g": "5G", "nr": "5G", "5gnr": "5G"}
MAST_NAMES = {fold(c): c for c in settings.MAST_CLASSES} | {
    "camouflaged": "A1b", "nguytrang": "A1b", "rooftop": "A2a", "rooftoptower": "A2a", "ground": "A2b",
    "groundtower": "A2b", "cotdatdat": "A2b", "smallcell": "pole", "cotdien": "pole", "inbuilding": "indoor",
    "ibs": "indoor", "": "unknown",
}
TRUE = {"1", "true", "yes", "y", "co", "có", "x"}
FALSE = {"0", "false", "no", "n", "khong", "không", ""}


def by_value(values: pd.Series, read: Callable[[str], object]) -> pd.Series:
    """``read`` applied once per distinct value (a million rows hold a few operators, classes, angles)."""
    lookup = {v: read(v) for v in pd.unique(values)}
    return values.map(lookup).astype(object)


def operator_of(text: str) -> str | None:
    """Canonical operator from a name (``VNPT``, ``Mobifone``…) or an MCC 452 network code (``04``)."""
    t = str(text).strip()
    if t.isdigit():
        return settings.OPERATORS_BY_MNC.get(t.zfill(2))
    return _OPERATOR_NAMES.get(fold(t, strip_prefix=False))


def technology_of(text: str) -> str | None:
    """Canonical technology from ``GSM``, ``UMTS``, ``LTE``, ``NR``, ``2G`` and the like."""
    return _TECH_NAMES.get(fold(str(text), strip_prefix=False))


def parse_date(text: str) -> pd.Timestamp | None:
    """A date from ISO (``2024-10-16``), day-first (``16/10/2024``), a year or an Excel serial; ``None`` if empty.

    Raises
    ------
    ValueError
        If the text is not a date.
    """
    t = str(text).strip()
    if not t:
        return None
    if t.isdigit() and len(t) == 4:
        return pd.Timestamp(year=int(t), month=1, day=1)
    if len(t) > 40:
        raise ValueError(t)
    if t.replace(".", "", 1).isdigit() and 20000 < float(t) < 80000:  # Excel serial day
        return pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(float(t)))
    iso = pd.to_datetime(t, errors="coerce", format="ISO8601")
    if pd.notna(iso):
        return iso.tz_localize(None).normalize() if iso.tzinfo else iso.normalize()
    day_first = pd.to_datetime(t, errors="coerce", dayfirst=True, format="mixed")
    if pd.isna(day_first):
        raise ValueError(t)
    return day_first.normalize()


def dates(frame: pd.DataFrame, cols: Mapping[str, str], canon: str, rep: ImportReport) -> pd.Series:
    """The dates of column ``canon`` (NaT where empty); a cell that is not a date in :data:`IMPORT_DATES` is reported.

    The frame's index is the data row number − 1 (:class:`~infra.io.tabular.Table`).
    """
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    if canon not in cols:
        return out
    raw = frame[cols[canon]]
    iso = raw.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).astype(bool).to_numpy()
    parsed = pd.to_datetime(raw.where(iso, None), format="%Y-%m-%d", errors="coerce").astype("datetime64[s]")
    for i, v in raw[~iso & (raw != "").to_numpy()].items():  # other forms, one by one (few in practice)
        check_time()
        try:
            d = parse_date(v)
        except (ValueError, OverflowError):
            d = None
        if d is not None:
            parsed[i] = pd.Timestamp(d).as_unit("s")
    lo, hi = (pd.Timestamp(d) for d in settings.IMPORT_DATES)
    given = (raw != "").to_numpy()
    ok = parsed.notna().to_numpy() & (parsed >= lo).to_numpy() & (parsed < hi + pd.Timedelta(days=1)).to_numpy()
    for i in raw.index[given & parsed.isna().to_numpy()]:
        rep.add(i + 1, cols[canon], raw[i], _("not a date"), _("write dates as YYYY-MM-DD (or DD/MM/YYYY)"))
    for i in raw.index[given & parsed.notna().to_numpy() & ~ok]:
        rep.add(i + 1, cols[canon], raw[i], _("a date outside {first}-{last}").format(
            first=lo.year, last=hi.year),
                _("check the year; leave the cell empty for no date (9999-12-31 is not read as 'never')"))
    out[ok] = parsed[ok].astype("datetime64[ns]")
    return out


def numbers(frame: pd.DataFrame, cols: Mapping[str, str], canon: str, rep: ImportReport, *,
            lo: float, hi: float) -> pd.Series:
    """The numbers of column ``canon`` (NaN where empty); a cell not a finite number in [lo, hi] is reported."""
    if canon not in cols:
        return pd.Series(np.nan, index=frame.index)
    raw = frame[cols[canon]].str.replace(",", ".", regex=False)
    num = pd.to_numeric(raw, errors="coerce").astype(float)
    bad = (raw != "") & ~(np.isfinite(num) & (num >= lo) & (num <= hi))
    for i in frame.index[bad]:
        rep.add(i + 1, cols[canon], frame.at[i, cols[canon]], _("not a number in [{lo}, {hi}]").format(
            lo=lo, hi=hi), _("write a plain number (decimal point or comma)"))
    return num.where(~bad)
