"""Import a population grid: cells or cell centres with a number of people each.

Vector files (GeoPackage, GeoJSON, zipped Shapefile… in any CRS with a
definition) of polygons or points, or a CSV / Excel table of points with
``lat`` and ``lon`` (decimal or DMS). The engine spreads each cell's people
evenly over the cell (:mod:`infra.engine.population`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from infra.io.coords import parse_angle
from infra.io.report import ImportReport, UnreadableFile
from infra.io.safety import check_size
from infra.io.tabular import map_columns, read_table

POPULATION_ALIASES: dict[str, tuple[str, ...]] = {
    "population": ("pop", "people", "dan so", "dân số", "so dan", "số dân"),
    "lat": ("latitude", "vi do", "vĩ độ", "y"),
    "lon": ("longitude", "lng", "kinh do", "kinh độ", "x"),
}
_TABLES = (".csv", ".txt", ".gz", ".xlsx", ".xlsm", ".xls")


def read_population(path: Path, *, columns: Mapping[str, str] | None = None,
                    max_bytes: int | None = None) -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Read a population grid; every row is used or reported.

    Returns
    -------
    grid : geopandas.GeoDataFrame
        ``population`` and point or polygon geometry, EPSG:4326.
    report : ImportReport
        Rows without a number of people ≥ 0, or without a usable location, are rejected.

    Raises
    ------
    UnreadableFile
        If the file cannot be read, or has no population column.
    """
    path = Path(path)
    check_size(path, limit=max_bytes)
    if path.name.lower().endswith(_TABLES):
        frame, _ = read_table(path)
        cols = map_columns(frame, POPULATION_ALIASES, columns)
        if "lat" not in cols or "lon" not in cols:
            raise UnreadableFile(f"{path.name}: a table of cell centres needs 'lat' and 'lon' columns; "
                                 f"columns are {list(frame.columns)}")
        lat = frame[cols["lat"]].map(parse_angle).to_numpy(float)
        lon = frame[cols["lon"]].map(parse_angle).to_numpy(float)
        geom = shapely.points(lon, lat)
        located = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        where, fix = f"{cols['lat']}/{cols['lon']}", "write decimal degrees, e.g. 21.0285 and 105.8542"
        crs = "EPSG:4326"
    else:
        try:
            frame = gpd.read_file(path)
        except Exception as exc:  # any driver error becomes one clear message
            raise UnreadableFile(f"{path.name}: cannot be read as a vector file ({type(exc).__name__}: {exc})") \
                from exc
        if frame.crs is None:
            raise UnreadableFile(f"{path.name}: no coordinate reference system; save it with one (e.g. EPSG:4326)")
        cols = map_columns(frame.drop(columns="geometry"), POPULATION_ALIASES, columns)
        geom = frame.geometry.to_numpy()
        located = ~(shapely.is_missing(geom) | shapely.is_empty(geom)) & np.isin(
            shapely.get_type_id(geom), [shapely.GeometryType.POINT, shapely.GeometryType.POLYGON,
                                        shapely.GeometryType.MULTIPOLYGON])
        where, fix = "geometry", "give each cell a polygon or a point"
        crs = frame.crs
    if "population" not in cols:
        raise UnreadableFile(f"{path.name}: no population column (population, pop, dân số…); columns are "
                             f"{[c for c in frame.columns if c != 'geometry']}; name yours with "
                             "--column population=<column>")
    rep = ImportReport(path.name, "population", read=len(frame))
    raw = frame[cols["population"]]
    people = pd.to_numeric(raw.astype(str).str.replace(",", ".").str.strip(), errors="coerce").to_numpy(float)
    for i in np.flatnonzero(~(np.isfinite(people) & (people >= 0))):
        rep.add(int(i) + 1, cols["population"], raw.iloc[i], "not a number of people",
                "write a plain number ≥ 0 (0 for an empty cell)")
    for i in np.flatnonzero(~located):
        rep.add(int(i) + 1, where, "", "no usable location", fix)
    keep = np.isfinite(people) & (people >= 0) & located
    grid = gpd.GeoDataFrame({"population": people[keep]}, geometry=geom[keep], crs=crs)
    return grid.to_crs(4326), rep
