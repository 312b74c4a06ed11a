"""Tiny hand-made canonical frames, built in UTM 48N metres around Hanoi and stored in EPSG:4326."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from infra import settings

X0, Y0 = 585_000.0, 2_325_000.0  # a point in Hanoi, UTM 48N


def units(boxes: dict[str, tuple[float, float, float, float]], *, layer: str = "district",
          unit_type: str = "quận", population: dict[str, float] | None = None) -> gpd.GeoDataFrame:
    """Units from boxes given in metres relative to (X0, Y0)."""
    geoms = [shapely.box(X0 + a, Y0 + b, X0 + c, Y0 + d) for a, b, c, d in boxes.values()]
    frame = gpd.GeoDataFrame({"layer": layer, "unit_code": list(boxes), "name": [f"Unit {k}" for k in boxes],
                              "unit_type": unit_type, "area_km2": [g.area / 1e6 for g in geoms]},
                             geometry=geoms, crs=settings.METRIC_CRS)
    if population is not None:
        frame["population"] = frame["unit_code"].map(population)
    return frame.to_crs(settings.DEFAULT_CRS)


def sites(points: dict[str, tuple[float, float]], **columns) -> gpd.GeoDataFrame:
    n = len(points)
    data = {"site_id": list(points), "name": list(points), "owner": ["Viettel"] * n, "mast_class": ["A1a"] * n,
            "height_m": [30.0] * n, "built_on": pd.to_datetime(["2010-01-01"] * n),
            "removed_on": pd.to_datetime([None] * n)}
    data.update(columns)
    geoms = [shapely.Point(X0 + x, Y0 + y) for x, y in points.values()]
    return gpd.GeoDataFrame(data, geometry=geoms, crs=settings.METRIC_CRS).to_crs(settings.DEFAULT_CRS)


def radios(rows: list[dict]) -> pd.DataFrame:
    base = {"operator": "Viettel", "technology": "4G", "band_mhz": 1800.0, "on_date": "2015-01-01",
            "off_date": None, "pilot": False, "azimuth_deg": None, "beamwidth_deg": None, "range_m": None}
    df = pd.DataFrame([{**base, **r} for r in rows])
    for col in ("on_date", "off_date"):
        df[col] = pd.to_datetime(df[col])
    for col in ("band_mhz", "azimuth_deg", "beamwidth_deg", "range_m"):
        df[col] = df[col].astype(float)
    return df


def zones(box: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    a, b, c, d = box
    return gpd.GeoDataFrame({"zone_id": ["z1"], "name": ["zone"], "kind": ["restricted_bulky_masts"]},
                            geometry=[shapely.box(X0 + a, Y0 + b, X0 + c, Y0 + d)],
                            crs=settings.METRIC_CRS).to_crs(settings.DEFAULT_CRS)
