"""Import site and radio inventories (CSV / Excel) and OpenCelliD cell exports into canonical frames.

Every input row is either imported or reported (file, row, column, value,
what is wrong, how to fix it) in an :class:`~infra.validation.ImportReport`.
Nothing read from a file is evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from infra import settings
from infra.io.coords import in_hanoi, parse_angle, vn2000_to_lonlat
from infra.io.names import fold
from infra.io.report import ImportReport, UnreadableFile
from infra.io.safety import check_size
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
_OPERATOR_NAMES = {fold(k): v for k, v in {
    "Viettel": "Viettel", "VNPT": "VinaPhone", "VinaPhone": "VinaPhone", "Vina Phone": "VinaPhone",
    "MobiFone": "MobiFone", "Mobi Fone": "MobiFone", "VMS": "MobiFone", "Vietnamobile": "Vietnamobile",
    "Gmobile": "Gmobile", "Gtel": "Gmobile", "Beeline": "Gmobile",
}.items()} | {fold(v): v for v in settings.OPERATORS}
_TECH_NAMES = {"2g": "2G", "gsm": "2G", "3g": "3G", "umts": "3G", "wcdma": "3G", "hspa": "3G", "4g": "4G",
               "lte": "4G", "5g": "5G", "nr": "5G", "5gnr": "5G"}
_MAST_NAMES = {fold(c): c for c in settings.MAST_CLASSES} | {
    "camouflaged": "A1b", "nguytrang": "A1b", "rooftop": "A2a", "rooftoptower": "A2a", "ground": "A2b",
    "groundtower": "A2b", "cotdatdat": "A2b", "smallcell": "pole", "cotdien": "pole", "inbuilding": "indoor",
    "ibs": "indoor", "": "unknown",
}
_TRUE = {"1", "true", "yes", "y", "co", "có", "x"}
_FALSE = {"0", "false", "no", "n", "khong", "không", ""}


def by_value(values: pd.Series, fn) -> pd.Series:
    """``values.map(fn)``, calling ``fn`` once per distinct value (a 400,000-row file has a handful of them)."""
    uniq = pd.unique(values.to_numpy(dtype=object))
    return values.map(dict(zip(uniq, (fn(v) for v in uniq), strict=True)))


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
    if t.replace(".", "", 1).isdigit() and 20000 < float(t) < 80000:  # Excel serial day
        return pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(float(t)))
    iso = pd.to_datetime(t, errors="coerce", format="ISO8601")
    if pd.notna(iso):
        return iso.tz_localize(None).normalize() if iso.tzinfo else iso.normalize()
    day_first = pd.to_datetime(t, errors="coerce", dayfirst=True, format="mixed")
    if pd.isna(day_first):
        raise ValueError(t)
    return day_first.normalize()


def _dates(frame: pd.DataFrame, cols: Mapping[str, str], canon: str, rep: ImportReport) -> pd.Series:
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    if canon not in cols:
        return out
    raw = frame[cols[canon]]
    iso = raw.str.fullmatch(r"\d{4}-\d{2}-\d{2}")  # the common case, parsed at once
    out[iso] = pd.to_datetime(raw[iso], format="%Y-%m-%d", errors="coerce")
    for i in frame.index[iso & out.isna()]:
        rep.add(i + 1, cols[canon], raw[i], "not a date", "write dates as YYYY-MM-DD (or DD/MM/YYYY)")
    for i, v in raw[~iso & (raw != "")].items():
        try:
            d = parse_date(v)
        except ValueError:
            rep.add(i + 1, cols[canon], v, "not a date", "write dates as YYYY-MM-DD (or DD/MM/YYYY)")
            continue
        if d is not None:
            out[i] = d
    return out


def _numbers(frame: pd.DataFrame, cols: Mapping[str, str], canon: str, rep: ImportReport, *,
             lo: float = -np.inf, hi: float = np.inf) -> pd.Series:
    if canon not in cols:
        return pd.Series(np.nan, index=frame.index)
    raw = frame[cols[canon]].str.replace(",", ".", regex=False)
    num = pd.to_numeric(raw, errors="coerce")
    bad = (raw != "") & (num.isna() | (num < lo) | (num > hi))
    for i in frame.index[bad]:
        rep.add(i + 1, cols[canon], frame.at[i, cols[canon]], f"not a number in [{lo}, {hi}]",
                "write a plain number (decimal point or comma)")
    return num.where(~bad)


def _positions(frame: pd.DataFrame, cols: Mapping[str, str], rep: ImportReport, grid: str,
               territory: shapely.Geometry | None = None) -> tuple[np.ndarray, np.ndarray]:
    """lon/lat per row from lat/lon (decimal or DMS) or VN-2000 x/y; swapped pairs repaired."""
    n = len(frame)
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    if "lat" in cols and "lon" in cols:
        lat = frame[cols["lat"]].map(parse_angle).to_numpy(float)
        lon = frame[cols["lon"]].map(parse_angle).to_numpy(float)
        for i in np.flatnonzero(np.isnan(lat) | np.isnan(lon)):
            col = cols["lat"] if np.isnan(lat[i]) else cols["lon"]
            rep.add(i + 1, col, frame.iat[i, frame.columns.get_loc(col)], "not a coordinate",
                    "write decimal degrees (21.0285) or DMS (21°01'42.6\"N)")
        swapped = ~in_hanoi(lon, lat) & in_hanoi(lat, lon)
        for i in np.flatnonzero(swapped):
            rep.add(i + 1, f"{cols['lat']}/{cols['lon']}", f"{lat[i]}, {lon[i]}", "latitude and longitude swapped",
                    "swapped back; check the column order of the source", severity="repaired")
        lon, lat = np.where(swapped, lat, lon), np.where(swapped, lon, lat)
    elif "x" in cols and "y" in cols:
        x = pd.to_numeric(frame[cols["x"]].str.replace(",", "."), errors="coerce").to_numpy(float)
        y = pd.to_numeric(frame[cols["y"]].str.replace(",", "."), errors="coerce").to_numpy(float)
        swapped = (x < 1e6) & (y > 1e6)  # VN-2000 X is the northing (~2.3e6 in Hanoi)
        for i in np.flatnonzero(swapped):
            rep.add(i + 1, f"{cols['x']}/{cols['y']}", f"{x[i]}, {y[i]}", "X (northing) and Y (easting) swapped",
                    "swapped back; in VN-2000 X is the northing", severity="repaired")
        x, y = np.where(swapped, y, x), np.where(swapped, x, y)
        ok = np.isfinite(x) & np.isfinite(y)
        lon[ok], lat[ok] = vn2000_to_lonlat(x[ok], y[ok], grid)
        for i in np.flatnonzero(~ok):
            rep.add(i + 1, cols["x"], frame.iat[i, frame.columns.get_loc(cols["x"])], "not a VN-2000 coordinate",
                    "write X (northing) and Y (easting) in metres")
    else:
        rep.add(None, "", "", "no coordinate columns", "add lat/lon (or vĩ độ/kinh độ) or VN-2000 x/y columns")
        return lon, lat
    finite = np.isfinite(lon) & np.isfinite(lat)
    outside = finite & ~in_hanoi(lon, lat)
    if territory is not None:  # the dataset's own territory, not just the rough extent
        outside |= finite & ~shapely.contains_xy(territory, np.nan_to_num(lon), np.nan_to_num(lat))
    for i in np.flatnonzero(outside):
        rep.add(i + 1, cols.get("lat", cols.get("x", "")), f"{lat[i]:.5f}, {lon[i]:.5f}", "point outside Hanoi",
                "check the coordinates (and the VN-2000 zone: --grid vn2000_local or vn2000_utm48)")
    return lon, lat


def read_sites(path: Path, *, columns: Mapping[str, str] | None = None, grid: str = "vn2000_local",
               territory: shapely.Geometry | None = None,
               max_bytes: int | None = None) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Import a site inventory (one row per site).

    Parameters
    ----------
    path
        CSV (UTF-8, UTF-8 with BOM, Windows-1258; optionally ``.gz``) or Excel.
    columns
        Explicit mapping canonical column → input column, before the alias table.
    grid
        VN-2000 grid of ``x``/``y`` columns (``vn2000_local`` = EPSG:5897, ``vn2000_utm48``
        = EPSG:3405, or any CRS).
    territory
        Polygon (EPSG:4326) sites must lie in; ``None`` checks the rough Hanoi extent only.
    max_bytes
        Upload size limit.

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
    check_size(path, limit=max_bytes)
    frame, _ = read_table(path)
    rep = ImportReport(path.name, "sites", read=len(frame))
    cols = map_columns(frame, SITE_ALIASES, columns)
    if "site_id" not in cols:
        raise UnreadableFile(f"{path.name}: no site id column (e.g. 'site_id' or 'Mã trạm'); columns are "
                             f"{list(frame.columns)} — rename one or pass a column mapping")
    ids = frame[cols["site_id"]]
    for i in frame.index[ids == ""]:
        rep.add(i + 1, cols["site_id"], "", "empty site id", "give every site an id")
    for i in frame.index[ids.duplicated() & (ids != "")]:
        rep.add(i + 1, cols["site_id"], ids[i], "duplicate site id (first occurrence kept)", "make site ids unique")
    lon, lat = _positions(frame, cols, rep, grid, territory)
    mast = frame[cols["mast_class"]] if "mast_class" in cols else pd.Series("", index=frame.index)
    mast_class = by_value(mast, lambda v: _MAST_NAMES.get(fold(v, strip_prefix=False)))
    for i in frame.index[mast_class.isna()]:
        rep.add(i + 1, cols["mast_class"], mast[i], "unknown mast class (imported as 'unknown')",
                f"use one of {', '.join(settings.MAST_CLASSES)}", severity="repaired")
    built, removed = _dates(frame, cols, "built_on", rep), _dates(frame, cols, "removed_on", rep)
    for i in frame.index[removed < built]:
        rep.add(i + 1, cols["removed_on"], frame.at[i, cols["removed_on"]], "removed before built", "check the dates")
    sites = gpd.GeoDataFrame({
        "site_id": ids, "name": frame[cols["name"]] if "name" in cols else ids,
        "owner": frame[cols["owner"]] if "owner" in cols else "",
        "mast_class": mast_class.fillna("unknown"),
        "height_m": _numbers(frame, cols, "height_m", rep, lo=0, hi=400),
        "built_on": built, "removed_on": removed,
    }, geometry=gpd.points_from_xy(lon, lat), crs=settings.DEFAULT_CRS)
    keep = ~frame.index.isin([r - 1 for r in rep.rejected_rows()])
    return sites[keep].reset_index(drop=True), rep


def read_radios(path: Path, *, columns: Mapping[str, str] | None = None, site_ids: set[str] | None = None,
                max_bytes: int | None = None) -> tuple[pd.DataFrame, ImportReport]:
    """Import a radio inventory (one row per operator × technology on a site, or per cell).

    Parameters
    ----------
    path
        CSV or Excel, see :func:`read_sites`.
    columns
        Explicit column mapping.
    site_ids
        Known site ids; radios of other sites are rejected.
    max_bytes
        Upload size limit.

    Returns
    -------
    radios : pandas.DataFrame
    report : ImportReport
    """
    check_size(path, limit=max_bytes)
    frame, _ = read_table(path)
    rep = ImportReport(path.name, "radios", read=len(frame))
    cols = map_columns(frame, RADIO_ALIASES, columns)
    missing = [c for c in ("site_id", "operator", "technology") if c not in cols]
    if missing:
        raise UnreadableFile(f"{path.name}: no {', '.join(missing)} column; columns are {list(frame.columns)} — "
                             "rename them or pass a column mapping")
    op = by_value(frame[cols["operator"]], operator_of)
    for i in frame.index[op.isna()]:
        rep.add(i + 1, cols["operator"], frame.at[i, cols["operator"]], "unknown operator",
                f"use one of {', '.join(settings.OPERATORS)} or an MCC 452 network code")
    tech = by_value(frame[cols["technology"]], technology_of)
    for i in frame.index[tech.isna()]:
        rep.add(i + 1, cols["technology"], frame.at[i, cols["technology"]], "unknown technology",
                "use 2G/3G/4G/5G (or GSM/UMTS/LTE/NR)")
    if site_ids is not None:
        known = pd.Index(list(site_ids)).get_indexer(frame[cols["site_id"]].to_numpy(dtype=object)) >= 0
        for i in frame.index[~known]:
            rep.add(i + 1, cols["site_id"], frame.at[i, cols["site_id"]], "unknown site",
                    "import the site first or fix the id")
    on, off = _dates(frame, cols, "on_date", rep), _dates(frame, cols, "off_date", rep)
    for i in frame.index[off < on]:
        rep.add(i + 1, cols["off_date"], frame.at[i, cols["off_date"]], "off date before on date", "check the dates")
    pilot = frame[cols["pilot"]].str.lower() if "pilot" in cols else pd.Series("", index=frame.index)
    for i in frame.index[~pilot.isin(_TRUE | _FALSE)]:
        rep.add(i + 1, cols["pilot"], pilot[i], "not true/false", "write true/false (or 1/0)")
    radios = pd.DataFrame({
        "site_id": frame[cols["site_id"]], "operator": op, "technology": tech,
        "band_mhz": _numbers(frame, cols, "band_mhz", rep, lo=1, hi=100_000), "on_date": on, "off_date": off,
        "pilot": pilot.isin(_TRUE), "azimuth_deg": _numbers(frame, cols, "azimuth_deg", rep, lo=0, hi=360),
        "beamwidth_deg": _numbers(frame, cols, "beamwidth_deg", rep, lo=0, hi=360),
        "range_m": _numbers(frame, cols, "range_m", rep, lo=0, hi=100_000),
    })
    keep = ~frame.index.isin([r - 1 for r in rep.rejected_rows()])
    return radios[keep].reset_index(drop=True), rep


_OCID_COLUMNS = ["radio", "mcc", "net", "area", "cell", "unit", "lon", "lat", "range", "samples", "changeable",
                 "created", "updated", "averageSignal"]


def read_opencellid(path: Path, *, group_m: float = 30.0, max_bytes: int | None = None,
                    ) -> tuple[gpd.GeoDataFrame, pd.DataFrame, ImportReport]:
    """Import an OpenCelliD cell export (CSV, optionally gzipped), grouping co-located cells into sites.

    Parameters
    ----------
    path
        The export, with or without its header line.
    group_m
        Cells of one operator within this distance (chained) form one site.
    max_bytes
        Upload size limit.

    Returns
    -------
    sites : geopandas.GeoDataFrame
        One site per group (id ``OCID-<operator>-<n>``, ``mast_class='unknown'``).
    radios : pandas.DataFrame
        One radio per cell: ``range`` → ``range_m``, ``created`` → ``on_date``.
    report : ImportReport
        Rows of other countries are reported and skipped.
    """
    check_size(path, limit=max_bytes)
    frame, _ = read_table(path)
    if "radio" not in [c.strip() for c in frame.columns] and len(frame.columns) == len(_OCID_COLUMNS):
        frame = pd.concat([pd.DataFrame([frame.columns], columns=frame.columns), frame], ignore_index=True)
        frame.columns = _OCID_COLUMNS
    missing = [c for c in ("radio", "mcc", "net", "lon", "lat") if c not in frame.columns]
    if missing:
        raise UnreadableFile(f"{path.name}: not an OpenCelliD export (no {', '.join(missing)} column)")
    rep = ImportReport(path.name, "opencellid", read=len(frame))
    for i in frame.index[frame["mcc"] != "452"]:
        rep.add(i + 1, "mcc", frame.at[i, "mcc"], "cell of another country (skipped)", "export Vietnam (MCC 452) only")
    op = by_value(frame["net"], operator_of)
    tech = by_value(frame["radio"], technology_of)
    vn = frame["mcc"] == "452"
    for i in frame.index[vn & op.isna()]:
        rep.add(i + 1, "net", frame.at[i, "net"], "unknown network code", "MCC 452 codes are 01, 02, 04, 05, 07")
    for i in frame.index[vn & tech.isna()]:
        rep.add(i + 1, "radio", frame.at[i, "radio"], "unknown radio", "use GSM, UMTS, LTE or NR")
    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(float)
    lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(float)
    for i in np.flatnonzero(vn.to_numpy() & ~in_hanoi(lon, lat)):
        rep.add(i + 1, "lat", f"{lat[i]}, {lon[i]}", "cell outside Hanoi (skipped)", "export the Hanoi area only")
    created = pd.to_datetime(pd.to_numeric(frame.get("created", ""), errors="coerce"), unit="s").dt.normalize()
    keep = ~frame.index.isin([r - 1 for r in rep.rejected_rows()])
    cells = pd.DataFrame({"operator": op, "technology": tech, "lon": lon, "lat": lat, "on_date": created,
                          "range_m": pd.to_numeric(frame.get("range", ""), errors="coerce")})[keep]
    cells = cells.reset_index(drop=True)
    site_ids = np.empty(len(cells), dtype=object)
    xy = gpd.GeoSeries(gpd.points_from_xy(cells["lon"], cells["lat"]), crs=4326).to_crs(settings.METRIC_CRS)
    xy = np.c_[xy.x, xy.y]
    rows = []
    for operator, idx in cells.groupby("operator").indices.items():
        pairs = np.array(sorted(cKDTree(xy[idx]).query_pairs(group_m)), dtype=int).reshape(-1, 2)
        graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(idx), len(idx)))
        _, label = connected_components(graph, directed=False)
        for k in np.unique(label):
            members = idx[label == k]
            sid = f"OCID-{operator}-{k + 1:05d}"
            site_ids[members] = sid
            rows.append({"site_id": sid, "lon": xy[members, 0].mean(), "lat": xy[members, 1].mean(),
                         "built_on": cells.loc[members, "on_date"].min(), "owner": operator})
    sites_df = pd.DataFrame(rows, columns=["site_id", "lon", "lat", "built_on", "owner"])
    pts = gpd.GeoSeries(gpd.points_from_xy(sites_df["lon"], sites_df["lat"]), crs=settings.METRIC_CRS).to_crs(4326)
    sites = gpd.GeoDataFrame({"site_id": sites_df["site_id"], "name": sites_df["site_id"], "owner": sites_df["owner"],
                              "mast_class": "unknown", "height_m": np.nan,
                              "built_on": pd.to_datetime(sites_df["built_on"]), "removed_on": pd.NaT},
                             geometry=pts.to_numpy(), crs=settings.DEFAULT_CRS)
    radios = pd.DataFrame({"site_id": site_ids, "operator": cells["operator"], "technology": cells["technology"],
                           "band_mhz": np.nan, "on_date": cells["on_date"], "off_date": pd.NaT, "pilot": False,
                           "azimuth_deg": np.nan, "beamwidth_deg": np.nan, "range_m": cells["range_m"]})
    return sites, radios, rep
