"""Import a population grid: cells or cell centres with a number of people each.

Vector files (GeoPackage, GeoJSON, zipped Shapefile… in any CRS with a
definition) of polygons or points, or a CSV / Excel table of points with
``lat`` and ``lon`` (decimal or DMS). The engine spreads each cell's people
evenly over the cell (:mod:`infra.engine.population`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from infra import settings
from infra.i18n import _, listing, number, option
from infra.io.coords import parse_angle
from infra.io.limits import Limits
from infra.io.report import ImportReport, UnreadableFile
from infra.io.safety import check_size
from infra.io.sniff import check_format
from infra.io.tabular import map_columns, read_table
from infra.io.vector import choose, finite, parts, read_part

POPULATION_ALIASES: dict[str, tuple[str, ...]] = {
    "population": ("pop", "people", "dan so", "dân số", "so dan", "số dân"),
    "lat": ("latitude", "vi do", "vĩ độ", "y"),
    "lon": ("longitude", "lng", "kinh do", "kinh độ", "x"),
}
_TABLES = ("text", "gzip", "xlsx")


def read_population(path: Path, *, columns: Mapping[str, str] | None = None, part: str | None = None,
                    limits: Limits | None = None, name: str | None = None) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Read a population grid; every row is used or reported.

    Parameters
    ----------
    path
        A vector file (GeoJSON, GeoPackage, KML/KMZ, zipped Shapefile) of cells or points, or a
        CSV / Excel table of cell centres with ``lat`` and ``lon``; told by content.
    columns
        Explicit column mapping (``population``, ``lat``, ``lon``).
    part, limits, name
        Sheet, layer or archive member to read, limits, and the file name to report.

    Returns
    -------
    grid : geopandas.GeoDataFrame
        ``population`` and point or polygon geometry, EPSG:4326.
    report : ImportReport
        Rows without a number of people in [0, :data:`infra.settings.MAX_PEOPLE_PER_ROW`], or
        without a usable location, are rejected.

    Raises
    ------
    UnreadableFile
        If the file cannot be read, or has no population column.
    """
    path = Path(path)
    limits = limits or Limits()
    rep = ImportReport(name or path.name, "population")
    check_size(path, limits=limits, name=rep.file)
    if check_format(path, "population", name=rep.file) in _TABLES:
        table = read_table(path, rep, "population", limits=limits, part=part)
        frame = table.frame
        rep.parts, rep.part, rep.columns = table.parts, table.part, table.columns
        cols = map_columns(frame, POPULATION_ALIASES, columns)
        if "lat" not in cols or "lon" not in cols:
            raise UnreadableFile(_("{file}: a table of cell centres needs 'lat' and 'lon' columns; columns are "
                                   "{columns}").format(file=rep.file, columns=listing(frame.columns)))
        lat = frame[cols["lat"]].map(parse_angle).to_numpy(float)
        lon = frame[cols["lon"]].map(parse_angle).to_numpy(float)
        geom = shapely.points(np.nan_to_num(lon, posinf=0, neginf=0), np.nan_to_num(lat, posinf=0, neginf=0))
        located = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        where, fix = f"{cols['lat']}/{cols['lon']}", _("write decimal degrees, e.g. 21.0285 and 105.8542")
        crs = "EPSG:4326"
    else:
        with tempfile.TemporaryDirectory() as tmp:
            found = parts(path, Path(tmp), "population", limits=limits, name=rep.file, rep=rep)
            chosen, others = choose(found, part, rep.file)
            frame = read_part(chosen, others, limits=limits, name=rep.file, rep=rep)
        rep.read, rep.parts, rep.part = len(frame), tuple(p.label for p in found), chosen.label
        rep.columns = tuple(c for c in frame.columns if c != frame.geometry.name)
        cols = map_columns(frame.drop(columns=frame.geometry.name), POPULATION_ALIASES, columns)
        geom = frame.geometry.to_numpy()
        located = ~(shapely.is_missing(geom) | shapely.is_empty(geom)) & np.isin(
            shapely.get_type_id(geom), [shapely.GeometryType.POINT, shapely.GeometryType.POLYGON,
                                        shapely.GeometryType.MULTIPOLYGON])
        located &= finite(geom)
        where, fix = "geometry", _("give each cell a polygon or a point")
        crs = frame.crs
    if "population" not in cols:
        raise UnreadableFile(_("{file}: no population column (population, pop, dân số…); columns are {columns}; "
                               "name yours with {option}").format(
            file=rep.file, columns=listing(c for c in frame.columns if c != "geometry"),
            option=option("column", "population=<column>")))
    rows = frame.index.to_numpy() + 1
    raw = frame[cols["population"]]
    people = pd.to_numeric(raw.astype(str).str.replace(",", ".").str.strip(), errors="coerce").to_numpy(float)
    most = settings.MAX_PEOPLE_PER_ROW
    counted = np.isfinite(people) & (people >= 0) & (people <= most)
    for i in np.flatnonzero(~counted):
        rep.add(rows[i], cols["population"], raw.iloc[i], _("not a number of people in [0, {most}]").format(
            most=number(most)), _("write a plain number ≥ 0 (0 for an empty cell)"))
    for i in np.flatnonzero(~located):
        rep.add(rows[i], where, "", _("no usable location"), fix)
    keep = counted & located
    grid = gpd.GeoDataFrame({"population": people[keep]}, geometry=geom[keep], crs=crs)
    return grid.to_crs(4326), rep
