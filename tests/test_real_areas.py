"""UTM 48N areas agree with geodesic areas on the real boundaries (read from ../shared, never copied)."""

from __future__ import annotations

import numpy as np
from pyproj import Geod

from infra import settings


def _check(frame):
    geod = Geod(ellps="WGS84")
    geodesic = np.array([abs(geod.geometry_area_perimeter(g)[0]) for g in frame.geometry])
    utm = frame.to_crs(settings.METRIC_CRS).geometry.area.to_numpy()
    return np.abs(utm / geodesic - 1).max()


def test_real_districts(real_districts):
    assert _check(real_districts) < 0.005


def test_real_2025_units(real_wards_2025):
    assert _check(real_wards_2025) < 0.005
    utm_total = real_wards_2025.to_crs(settings.METRIC_CRS).geometry.area.sum() / 1e6
    assert abs(utm_total / real_wards_2025["areaKm2"].sum() - 1) < 0.005
