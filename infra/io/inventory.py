"""Import site and radio inventories (CSV / Excel) into canonical frames (OpenCelliD: :mod:`infra.io.opencellid`).

Every input row is either imported or reported (file, row, column, value,
what is wrong, how to fix it) in an :class:`~infra.io.report.ImportReport`.
Nothing read from a file is evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from infra import settings
from infra.i18n import _, interface, listing, option
from infra.io.cells import FALSE, MAST_NAMES, TRUE, by_value, dates, numbers, operator_of, technology_of
from infra.io.coords import in_hanoi, parse_angle, vn2000_to_lonlat
from infra.io.limits import Limits
from infra.io.names import fold
from infra.io.report import ImportReport, UnreadableFile
from infra.io.tabular import map_columns, read_table

#: Header aliases (English and Vietnamese, compared accent- and case-free). Documented in README.
SITE_ALIASES: dict[str, tuple[str, ...]] = {
    "site_id": ("id", "site", "site code", "station id", "ma tram", "mã trạm", "ma_tram", "mã trạm bts"),
    "name": ("site name", "ten tram", "tên trạm", "ten"),
    "owner": ("operator", "owner name", "chu so huu", "chủ sở hữu", "don vi", "nha mang", "nhà mạng"),
    "mast_class": ("mast", "mast type", "class", "loai cot", "loại cột", "phan loai", "phân loại"),
    "height_m": ("height", "chieu cao", "chiều cao", "do cao cot", "độ cao cột"),
    "built_on": ("built", "build date", "ngay xay dung", "ngày xây dựng", "nam xay dung", "năm xây dựng"),
    "removed_on": ("removed", "removal date", "ngay thao do", "ngày tháo dỡ"),
    "lat": ("latitude", "vi do", "vĩ độ", "y_wgs84"),
    "lon": ("longitude", "lng", "long", "kinh do", "kinh độ", "x_wgs84"),
    "x": ("x vn2000", "toa do x", "tọa độ x", "x_vn2000"),
    "y": ("y vn2000", "toa do y", "tọa độ y", "y_vn2000"),
}
RADIO_ALIASES: dict[str, tuple[str, ...]] = {
    "site_id": SITE_ALIASES["site_id"],
    "operator": ("nha mang", "nhà mạng", "carrier", "mnc", "net"),
    "technology": ("tech", "radio", "rat", "cong nghe", "công nghệ"),
    "band_mhz": ("band", "frequency", "freq", "bang tan", "băng tần", "tan so", "tần số"),
    "on_date": ("on", "start", "on air", "ngay phat song", "ngày phát sóng", "ngay bat", "ngày bật"),
    "off_date": ("off", "end", "switch off", "ngay tat", "ngày tắt", "ngay ngung", "ngày ngừng"),
    "pilot": ("trial", "test", "thu nghiem", "thử nghiệm"),
    "azimuth_deg": ("azimuth", "huong", "hướng", "goc phuong vi", "góc phương vị"),
    "beamwidth_deg": ("beamwidth", "beam width", "do rong bup song", "độ rộng búp sóng"),
    "range_m": ("range", "radius", "ban kinh", "bán kính"),
}


def _grid_option() -> str:
    """Where the VN-2000 grid is chosen: ``--grid vn2000_local or vn2000_utm48`` (CLI), the form's field (app)."""
    if interface() == "cli":
        return _("{a} or {b}").format(a=option("grid", "vn2000_local"), b="vn2000_utm48")
    return option("grid")


def _angles(text: pd.Series) -> np.ndarray:
    """Decimal degrees per cell: plain numbers at once, DMS and the rest one by one (NaN where not an angle)."""
    out = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce").to_numpy(float, copy=True)
    other = np.isnan(out) & (text != "").to_numpy()
    out[other] = text[other].map(parse_angle).to_numpy(float)
    return out


def _positions(frame: pd.DataFrame, cols: Mapping[str, str], rep: ImportReport, grid: str,
               territory: shapely.Geometry | None = None) -> tuple[np.ndarray, np.ndarray]:
    """lon/lat per row from lat/lon (decimal or DMS) or VN-2000 x/y; swapped pairs repaired."""
    n = len(frame)
    rows = frame.index.to_numpy() + 1  # the user's row numbers (rows rejected while reading are not here)
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    if "lat" in cols and "lon" in cols:
        lat, lon = _angles(frame[cols["lat"]]), _angles(frame[cols["lon"]])
        for i in np.flatnonzero(~(np.isfinite(lat) & np.isfinite(lon))):
            col = cols["lat"] if not np.isfinite(lat[i]) else cols["lon"]
            rep.add(rows[i], col, frame[col].iloc[i], _("not a coordinate"),
                    _("write decimal degrees (21.0285) or DMS (21°01'42.6\"N)"))
        swapped = ~in_hanoi(lon, lat) & in_hanoi(lat, lon)
        for i in np.flatnonzero(swapped):
            rep.add(rows[i], f"{cols['lat']}/{cols['lon']}", f"{lat[i]}, {lon[i]}", _("latitude and longitude swapped"),
                    _("swapped back; check the column order of the source"), severity="repaired")
        lon, lat = np.where(swapped, lat, lon), np.where(swapped, lon, lat)
    elif "x" in cols and "y" in cols:
        x = pd.to_numeric(frame[cols["x"]].str.replace(",", "."), errors="coerce").to_numpy(float)
        y = pd.to_numeric(frame[cols["y"]].str.replace(",", "."), errors="coerce").to_numpy(float)
        swapped = (x < 1e6) & (y > 1e6)  # VN-2000 X is the northing (~2.3e6 in Hanoi)
        for i in np.flatnonzero(swapped):
            rep.add(rows[i], f"{cols['x']}/{cols['y']}", f"{x[i]}, {y[i]}", _("X (northing) and Y (easting) swapped"),
                    _("swapped back; in VN-2000 X is the northing"), severity="repaired")
        x, y = np.where(swapped, y, x), np.where(swapped, x, y)
        ok = np.isfinite(x) & np.isfinite(y)
        lon[ok], lat[ok] = vn2000_to_lonlat(x[ok], y[ok], grid)
        for i in np.flatnonzero(~ok):
            rep.add(rows[i], cols["x"], frame[cols["x"]].iloc[i], _("not a VN-2000 coordinate"),
                    _("write X (northing) and Y (easting) in metres"))
    else:
        raise UnreadableFile(_("{file}: has no coordinate columns; add lat/lon (or vĩ độ/kinh độ) or VN-2000 x/y "
                               "columns, or map yours with {option}; its columns are {columns}").format(
            file=rep.file, columns=listing(frame.columns),
            option=option("column", "lat=... --column lon=..." if interface() == "cli" else "lat=..., lon=...")))
    finite = np.isfinite(lon) & np.isfinite(lat)
    outside = finite & ~in_hanoi(lon, lat)
    if territory is not None:  # the dataset's own territory, not just the rough extent
        outside |= finite & ~shapely.contains_xy(territory, np.nan_to_num(lon), np.nan_to_num(lat))
    for i in np.flatnonzero(outside):
        rep.add(rows[i], cols.get("lat", cols.get("x", "")), f"{lat[i]:.5f}, {lon[i]:.5f}", _("point outside Hanoi"),
                _("check the coordinates (and the VN-2000 zone: {option})").format(option=_grid_option()))
    return lon, lat


def read_sites(path: Path, *, columns: Mapping[str, str] | None = None, grid: str = "vn2000_local",
               territory: shapely.Geometry | None = None, part: str | None = None, limits: Limits | None = None,
               name: str | None = None) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Import a site inventory (one row per site).

    Parameters
    ----------
    path
        CSV (UTF-8, UTF-8 with BOM, UTF-16, Windows-1258; optionally gzipped) or Excel .xlsx.
    columns
        Explicit mapping canonical column → input column, before the alias table.
    grid
        VN-2000 grid of ``x``/``y`` columns (``vn2000_local`` = EPSG:5897, ``vn2000_utm48``
        = EPSG:3405, or any CRS).
    territory
        Polygon (EPSG:4326) sites must lie in; ``None`` checks the rough Hanoi extent only.
    part
        Sheet of a workbook (default: the first; the others are reported).
    limits
        Size, count and time limits (default :class:`~infra.io.limits.Limits`).
    name
        The file name to report (default: the path's).

    Returns
    -------
    sites : geopandas.GeoDataFrame
        Canonical sites (EPSG:4326) of the imported rows.
    report : ImportReport

    Raises
    ------
    UnreadableFile
        If the file cannot be read at all or has no site id column.
    """
    rep = ImportReport(name or path.name, "sites")
    table = read_table(path, rep, "sites", limits=limits, part=part)
    frame = _described(table, rep)
    cols = map_columns(frame, SITE_ALIASES, columns)
    if "site_id" not in cols:
        raise UnreadableFile(_("{file}: no site id column (e.g. 'site_id' or 'Mã trạm'); columns are {columns} — "
                               "rename one or map it with {option}").format(
            file=rep.file, columns=listing(frame.columns), option=option("column", "site_id=COLUMN")))
    ids = frame[cols["site_id"]]
    for i in frame.index[ids == ""]:
        rep.add(i + 1, cols["site_id"], "", _("empty site id"), _("give every site an id"))
    for i in frame.index[ids.duplicated() & (ids != "")]:
        rep.add(i + 1, cols["site_id"], ids[i], _("duplicate site id (first occurrence kept)"),
                _("make site ids unique"))
    lon, lat = _positions(frame, cols, rep, grid, territory)
    mast = frame[cols["mast_class"]] if "mast_class" in cols else pd.Series("", index=frame.index)
    mast_class = by_value(mast, lambda v: MAST_NAMES.get(fold(v, strip_prefix=False)))
    for i in frame.index[mast_class.isna()]:
        rep.add(i + 1, cols["mast_class"], mast[i], _("unknown mast class (imported as 'unknown')"),
                _("use one of {values}").format(values=", ".join(settings.MAST_CLASSES)), severity="repaired")
    built, removed = dates(frame, cols, "built_on", rep), dates(frame, cols, "removed_on", rep)
    for i in frame.index[removed < built]:
        rep.add(i + 1, cols["removed_on"], frame.at[i, cols["removed_on"]], _("removed before built"),
                _("check the dates"))
    sites = gpd.GeoDataFrame({
        "site_id": ids, "name": frame[cols["name"]] if "name" in cols else ids,
        "owner": frame[cols["owner"]] if "owner" in cols else "",
        "mast_class": mast_class.fillna("unknown"),
        "height_m": numbers(frame, cols, "height_m", rep, lo=0, hi=400),
        "built_on": built, "removed_on": removed,
    }, geometry=gpd.points_from_xy(lon, lat), crs=settings.DEFAULT_CRS, index=frame.index)
    keep = ~frame.index.isin([r - 1 for r in rep.rejected_rows()])
    return sites[keep].reset_index(drop=True), rep


def _described(table, rep: ImportReport) -> pd.DataFrame:
    """The table's frame, its sheets and columns noted in the report."""
    rep.parts, rep.part, rep.columns = table.parts, table.part, table.columns
    return table.frame


def read_radios(path: Path, *, columns: Mapping[str, str] | None = None, site_ids: set[str] | None = None,
                part: str | None = None, limits: Limits | None = None,
                name: str | None = None) -> tuple[pd.DataFrame, ImportReport]:
    """Import a radio inventory (one row per operator × technology on a site, or per cell).

    Parameters
    ----------
    path
        CSV or Excel, see :func:`read_sites`.
    columns
        Explicit column mapping.
    site_ids
        Known site ids; radios of other sites are rejected.
    part, limits, name
        As :func:`read_sites`.

    Returns
    -------
    radios : pandas.DataFrame
    report : ImportReport
    """
    rep = ImportReport(name or path.name, "radios")
    frame = _described(read_table(path, rep, "radios", limits=limits, part=part), rep)
    cols = map_columns(frame, RADIO_ALIASES, columns)
    missing = [c for c in ("site_id", "operator", "technology") if c not in cols]
    if missing:
        raise UnreadableFile(_("{file}: no {missing} column; columns are {columns} — rename them or map them with "
                               "{option}").format(file=rep.file, missing=", ".join(missing),
                                                  columns=listing(frame.columns),
                                                  option=option("column", f"{missing[0]}=COLUMN")))
    op = by_value(frame[cols["operator"]], operator_of)
    for i in frame.index[op.isna()]:
        rep.add(i + 1, cols["operator"], frame.at[i, cols["operator"]], _("unknown operator"),
                _("use one of {values} or an MCC 452 network code").format(values=", ".join(settings.OPERATORS)))
    tech = by_value(frame[cols["technology"]], technology_of)
    for i in frame.index[tech.isna()]:
        rep.add(i + 1, cols["technology"], frame.at[i, cols["technology"]], _("unknown technology"),
                _("use 2G/3G/4G/5G (or GSM/UMTS/LTE/NR)"))
    if site_ids is not None:
        known = pd.Index(list(site_ids)).get_indexer(frame[cols["site_id"]].to_numpy(dtype=object)) >= 0
        for i in frame.index[~known]:
            rep.add(i + 1, cols["site_id"], frame.at[i, cols["site_id"]], _("unknown site"),
                    _("import the site first or fix the id"))
    on, off = dates(frame, cols, "on_date", rep), dates(frame, cols, "off_date", rep)
    for i in frame.index[off < on]:
        rep.add(i + 1, cols["off_date"], frame.at[i, cols["off_date"]], _("off date before on date"),
                _("check the dates"))
    pilot = frame[cols["pilot"]].str.lower() if "pilot" in cols else pd.Series("", index=frame.index)
    for i in frame.index[~pilot.isin(TRUE | FALSE)]:
        rep.add(i + 1, cols["pilot"], pilot[i], _("not true/false"), _("write true/false (or 1/0)"))
    radios = pd.DataFrame({
        "site_id": frame[cols["site_id"]], "operator": op, "technology": tech,
        "band_mhz": numbers(frame, cols, "band_mhz", rep, lo=1, hi=100_000), "on_date": on, "off_date": off,
        "pilot": pilot.isin(TRUE), "azimuth_deg": numbers(frame, cols, "azimuth_deg", rep, lo=0, hi=360),
        "beamwidth_deg": numbers(frame, cols, "beamwidth_deg", rep, lo=0, hi=360),
        "range_m": numbers(frame, cols, "range_m", rep, lo=0, hi=100_000),
    }, index=frame.index)
    keep = ~frame.index.isin([r - 1 for r in rep.rejected_rows()])
    return radios[keep].reset_index(drop=True), rep
