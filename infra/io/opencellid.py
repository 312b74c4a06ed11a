"""Import OpenCelliD cell exports (CSV, optionally gzipped): cells → radios, co-located cells → sites.

Every row is imported or reported: cells of other countries or outside Hanoi are
skipped and said so; a bad cell (network code, radio, coordinates, range,
``created`` time) rejects its row.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer

from infra import settings
from infra.i18n import _, number
from infra.io.cells import by_value, operator_of, technology_of
from infra.io.coords import in_hanoi
from infra.io.limits import Limits
from infra.io.report import ImportReport, UnreadableFile
from infra.io.tabular import read_table

_OCID_COLUMNS = ["radio", "mcc", "net", "area", "cell", "unit", "lon", "lat", "range", "samples", "changeable",
                 "created", "updated", "averageSignal"]
#: Range (m) an OpenCelliD cell may claim; more than 100 km is no cell.
RANGE_M: tuple[float, float] = (0.0, 100_000.0)


def _frame(path: Path, name: str, limits: Limits | None) -> tuple[pd.DataFrame, ImportReport]:
    """The export's rows and their report, read with its header line or without one."""
    rep = ImportReport(name, "opencellid")
    table = read_table(path, rep, "opencellid", limits=limits)
    frame = table.frame
    if "radio" not in frame.columns and len(frame.columns) == len(_OCID_COLUMNS):
        rep = ImportReport(name, "opencellid")  # no header line: the first line is a cell too
        frame = read_table(path, rep, "opencellid", limits=limits, header=False).frame
        frame.columns = _OCID_COLUMNS
    rep.columns = tuple(str(c) for c in frame.columns)
    return frame, rep


def _number(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(float)


def read_opencellid(path: Path, *, group_m: float = 30.0, limits: Limits | None = None,
                    name: str | None = None) -> tuple[gpd.GeoDataFrame, pd.DataFrame, ImportReport]:
    """Import an OpenCelliD cell export, grouping co-located cells into sites.

    Parameters
    ----------
    path
        The export, with or without its header line.
    group_m
        Cells of one operator within this distance (chained) form one site.
    limits
        Size, count and time limits (default :class:`~infra.io.limits.Limits`).
    name
        The file name to report (default: the path's).

    Returns
    -------
    sites : geopandas.GeoDataFrame
        One site per group (id ``OCID-<operator>-<n>``, ``mast_class='unknown'``).
    radios : pandas.DataFrame
        One radio per cell: ``range`` → ``range_m``, ``created`` → ``on_date``.
    report : ImportReport
        Rows of other countries are reported and skipped.
    """
    frame, rep = _frame(path, name or path.name, limits)
    missing = [c for c in ("radio", "mcc", "net", "lon", "lat") if c not in frame.columns]
    if missing:
        raise UnreadableFile(_("{file}: not an OpenCelliD export (no {missing} column)").format(
            file=rep.file, missing=", ".join(missing)))
    rows = frame.index.to_numpy() + 1
    vn = (frame["mcc"] == "452").to_numpy()
    for i in np.flatnonzero(~vn):
        rep.add(rows[i], "mcc", frame["mcc"].iloc[i], _("cell of another country (skipped)"),
                _("export Vietnam (MCC 452) only"))
    op = by_value(frame["net"], operator_of)
    tech = by_value(frame["radio"], technology_of)
    for i in np.flatnonzero(vn & op.isna().to_numpy()):
        rep.add(rows[i], "net", frame["net"].iloc[i], _("unknown network code"),
                _("MCC 452 codes are 01, 02, 04, 05, 07"))
    for i in np.flatnonzero(vn & tech.isna().to_numpy()):
        rep.add(rows[i], "radio", frame["radio"].iloc[i], _("unknown radio"), _("use GSM, UMTS, LTE or NR"))
    lon, lat = _number(frame, "lon"), _number(frame, "lat")
    located = np.isfinite(lon) & np.isfinite(lat)
    for i in np.flatnonzero(vn & ~located):
        rep.add(rows[i], "lat", f"{frame['lat'].iloc[i]}, {frame['lon'].iloc[i]}", _("not a coordinate"),
                _("write lon and lat in decimal degrees"))
    for i in np.flatnonzero(vn & located & ~in_hanoi(lon, lat)):
        rep.add(rows[i], "lat", f"{lat[i]}, {lon[i]}", _("cell outside Hanoi (skipped)"),
                _("export the Hanoi area only"))
    reach = _number(frame, "range")
    given = (frame["range"] != "").to_numpy() if "range" in frame.columns else np.zeros(len(frame), bool)
    for i in np.flatnonzero(vn & given & ~((reach >= RANGE_M[0]) & (reach <= RANGE_M[1]))):
        rep.add(rows[i], "range", frame["range"].iloc[i], _("not a range in metres in [{lo}, {hi}]").format(
            lo=number(RANGE_M[0]), hi=number(RANGE_M[1])), _("leave it empty to use the coverage model"))
    created = _created(frame, rows, vn, rep)
    keep = ~frame.index.isin([r - 1 for r in rep.rejected_rows()])
    cells = pd.DataFrame({"operator": op, "technology": tech, "lon": lon, "lat": lat, "on_date": created,
                          "range_m": np.where(given, reach, np.nan)}, index=frame.index)[keep]
    del frame, op, tech, created  # the text of a million cells is not needed to group them
    return (*_sites(cells.reset_index(drop=True), group_m), rep)


def _created(frame: pd.DataFrame, rows: np.ndarray, vn: np.ndarray, rep: ImportReport) -> pd.Series:
    """``created`` (unix seconds) as dates in :data:`infra.settings.IMPORT_DATES`; NaT where missing."""
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    if "created" not in frame.columns:
        rep.add(None, "created", "", _("no 'created' column, so every cell counts as on air at every date"),
                _("export the cells with their 'created' time"), severity="warning")
        return out
    seconds = _number(frame, "created")
    lo, hi = (pd.Timestamp(d).timestamp() for d in settings.IMPORT_DATES)
    given = (frame["created"] != "").to_numpy()
    ok = np.isfinite(seconds) & (seconds >= lo) & (seconds <= hi)
    first, last = (d.year for d in settings.IMPORT_DATES)
    for i in np.flatnonzero(vn & given & ~ok):
        rep.add(rows[i], "created", frame["created"].iloc[i], _("not a time in {first}-{last} (unix seconds)").format(
            first=first, last=last), _("export 'created' as unix seconds, or leave it empty"))
    out[ok] = pd.to_datetime(seconds[ok], unit="s").normalize()
    return out


def _sites(cells: pd.DataFrame, group_m: float) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Sites of co-located cells of one operator (chained within ``group_m``), and one radio per cell."""
    site_ids = np.empty(len(cells), dtype=object)
    to_metres = Transformer.from_crs(settings.DEFAULT_CRS, settings.METRIC_CRS, always_xy=True)
    xy = np.c_[to_metres.transform(cells["lon"].to_numpy(float), cells["lat"].to_numpy(float))]
    from scipy.sparse import coo_matrix  # here: scipy costs 0.2 s to import, and the app starts without it
    from scipy.sparse.csgraph import connected_components
    from scipy.spatial import cKDTree

    groups = []
    for operator, idx in cells.groupby("operator").indices.items():
        pairs = cKDTree(xy[idx]).query_pairs(group_m, output_type="ndarray")  # no Python set of pairs
        graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(len(idx), len(idx)))
        _count, label = connected_components(graph, directed=False)
        site_ids[idx] = [f"OCID-{operator}-{k + 1:05d}" for k in label]
        groups.append(pd.DataFrame({"site_id": site_ids[idx], "lon": xy[idx, 0], "lat": xy[idx, 1],
                                    "built_on": cells["on_date"].to_numpy()[idx], "owner": operator}))
    rows = pd.concat(groups, ignore_index=True) if groups else pd.DataFrame(
        columns=["site_id", "lon", "lat", "built_on", "owner"])
    rows = rows.groupby("site_id", sort=True).agg(lon=("lon", "mean"), lat=("lat", "mean"),
                                                   built_on=("built_on", "min"), owner=("owner", "first"))
    rows = rows.reset_index()
    sites_df = pd.DataFrame(rows, columns=["site_id", "lon", "lat", "built_on", "owner"])
    pts = gpd.GeoSeries(gpd.points_from_xy(sites_df["lon"], sites_df["lat"]), crs=settings.METRIC_CRS).to_crs(4326)
    sites = gpd.GeoDataFrame({"site_id": sites_df["site_id"], "name": sites_df["site_id"], "owner": sites_df["owner"],
                              "mast_class": "unknown", "height_m": np.nan,
                              "built_on": pd.to_datetime(sites_df["built_on"]).astype("datetime64[ns]"),
                              "removed_on": pd.NaT}, geometry=pts.to_numpy(), crs=settings.DEFAULT_CRS)
    radios = pd.DataFrame({"site_id": site_ids, "operator": cells["operator"], "technology": cells["technology"],
                           "band_mhz": np.nan, "on_date": cells["on_date"], "off_date": pd.NaT, "pilot": False,
                           "azimuth_deg": np.nan, "beamwidth_deg": np.nan, "range_m": cells["range_m"]})
    return sites, radios
