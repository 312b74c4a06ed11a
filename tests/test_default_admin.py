"""The default admin layers against the real boundaries in ../shared/data/real (read, never copied)."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

from infra import settings
from infra.io.names import fold

OFFICIAL_AREA_KM2 = 3359.8  # DOMAIN.md


def _iou(a, b) -> np.ndarray:
    return shapely.area(shapely.intersection(a, b)) / shapely.area(shapely.union(a, b))


@pytest.fixture(scope="module")
def metric_layers(default_ds):
    u = default_ds.units.to_crs(settings.METRIC_CRS)
    return {k: u[u["layer"] == k].reset_index(drop=True) for k in ("district", "commune_2025")}


def test_layers_have_the_official_units(default_ds):
    d, c = default_ds.layer("district"), default_ds.layer("commune_2025")
    assert len(d) == 30 and d["unit_type"].value_counts().to_dict() == {"huyện": 17, "quận": 12, "thị xã": 1}
    assert len(c) == 126 and c["unit_type"].value_counts().to_dict() == {"xã": 75, "phường": 51}
    assert d.loc[d["name"] == "Ba Đình", "unit_code"].item() == "001"
    assert c.loc[c["name"] == "Ba Đình", "unit_code"].item() == "00004"


def test_total_area_is_within_3_percent_of_official(metric_layers):
    for layer in metric_layers.values():
        total = layer.geometry.area.sum() / 1e6
        assert abs(total / OFFICIAL_AREA_KM2 - 1) < 0.03, total


def test_both_layers_tile_the_same_territory(metric_layers):
    d, c = metric_layers["district"], metric_layers["commune_2025"]
    for layer in (d, c):
        g = layer.geometry.to_numpy()
        left, right = shapely.STRtree(g).query(g, predicate="intersects")
        pair = left < right
        overlaps = shapely.area(shapely.intersection(g[left[pair]], g[right[pair]])) / 1e6
        assert overlaps.max() <= 0.01, overlaps.max()
        union = shapely.union_all(g)
        holes = sum(shapely.Polygon(r).area for p in shapely.get_parts(union) for r in p.interiors) / 1e6
        assert holes <= 0.01, f"gaps between neighbours: {holes:.3f} km²"
    du, cu = shapely.union_all(d.geometry.to_numpy()), shapely.union_all(c.geometry.to_numpy())
    assert shapely.symmetric_difference(du, cu).area / 1e6 <= 0.01
    assert abs(d.geometry.area.sum() / c.geometry.area.sum() - 1) <= 0.005


def test_district_iou_with_real_districts(metric_layers, real_districts):
    est = metric_layers["district"].assign(key=lambda f: f["name"].map(fold))
    real = real_districts.to_crs(settings.METRIC_CRS).assign(key=lambda f: f["district"].map(fold))
    m = est.merge(real[["key", "geometry"]], on="key", suffixes=("", "_real"))
    assert len(m) == 30
    iou = _iou(m.geometry.to_numpy(), m["geometry_real"].to_numpy())
    print(f"district IoU median {np.median(iou):.3f}, min {iou.min():.3f}")
    assert np.median(iou) >= 0.85
    assert iou.min() >= 0.75


def test_commune_2025_iou_with_real_units(metric_layers, real_wards_2025):
    est = metric_layers["commune_2025"]
    real = real_wards_2025.to_crs(settings.METRIC_CRS)
    m = est.merge(real[["code", "geometry"]], left_on="unit_code", right_on="code", suffixes=("", "_real"))
    assert len(m) == 126
    iou = _iou(m.geometry.to_numpy(), m["geometry_real"].to_numpy())
    print(f"2025 unit IoU median {np.median(iou):.3f}, p10 {np.percentile(iou, 10):.3f}")
    assert np.median(iou) >= 0.75


def test_outline_matches_real_province(metric_layers, real_province):
    est = shapely.union_all(metric_layers["district"].geometry.to_numpy())
    real = real_province.to_crs(settings.METRIC_CRS).geometry.iloc[0]
    assert _iou(est, real) >= 0.9


def test_official_2025_areas_are_kept_and_drawn_close(metric_layers):
    c = metric_layers["commune_2025"]
    drawn = c.geometry.area / 1e6
    rel = (drawn / c["area_km2"] - 1).abs()
    assert rel.median() < 0.01
    assert abs(c["area_km2"].sum() - 3359.97) < 0.01  # the package's official areas, untouched


def test_utm_areas_agree_with_geodesic_areas(default_ds):
    geod = Geod(ellps="WGS84")
    d = default_ds.layer("district")
    geodesic = np.array([abs(geod.geometry_area_perimeter(g)[0]) for g in d.geometry])
    utm = d.to_crs(settings.METRIC_CRS).geometry.area.to_numpy()
    assert np.abs(utm / geodesic - 1).max() < 0.005


def test_zones_cover_the_restricted_areas(default_ds):
    z = default_ds.zones.set_index("zone_id")
    assert set(z.index) == {"ba_dinh_centre", "thang_long_citadel", "old_quarter", "hoan_kiem_lake", "old_streets"}
    assert (z["kind"] == "restricted_bulky_masts").all()
    hoan_kiem_lake = shapely.Point(105.8523, 21.0287)
    citadel = shapely.Point(105.8403, 21.0353)
    assert z.geometry["hoan_kiem_lake"].buffer(0.003).contains(hoan_kiem_lake)
    assert z.geometry["thang_long_citadel"].buffer(0.003).contains(citadel)
    d = default_ds.layer("district")
    hosts = d[d.intersects(shapely.union_all(z.geometry.to_numpy()).buffer(-0.0005))]["name"]
    assert set(hosts) <= {"Ba Đình", "Hoàn Kiếm", "Đống Đa", "Hai Bà Trưng", "Tây Hồ"}
