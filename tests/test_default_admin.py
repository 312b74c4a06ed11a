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


def test_both_layers_tile_the_same_territory_exactly(metric_layers):
    """Smoothed as one coverage: neighbours share every boundary vertex, so nothing overlaps and nothing is missing."""
    d, c = metric_layers["district"], metric_layers["commune_2025"]
    for layer in (d, c):
        g = layer.geometry.to_numpy()
        assert shapely.coverage_is_valid(g)
        left, right = shapely.STRtree(g).query(g, predicate="intersects")
        pair = left < right
        assert shapely.area(shapely.intersection(g[left[pair]], g[right[pair]])).max() == 0
        union = shapely.union_all(g)
        assert sum(len(p.interiors) for p in shapely.get_parts(union)) == 0, "gaps between neighbours"
    du, cu = shapely.union_all(d.geometry.to_numpy()), shapely.union_all(c.geometry.to_numpy())
    assert shapely.symmetric_difference(du, cu).area == 0
    assert d.geometry.area.sum() == pytest.approx(c.geometry.area.sum(), rel=1e-9)


def test_every_2025_unit_is_cut_by_the_districts_along_shared_lines(metric_layers):
    """Both layers dissolve the same pieces: a unit's parts in the districts sum to the unit, with no slivers."""
    d, c = metric_layers["district"], metric_layers["commune_2025"]
    left, right = shapely.STRtree(d.geometry.to_numpy()).query(c.geometry.to_numpy(), predicate="intersects")
    parts = shapely.intersection(c.geometry.to_numpy()[left], d.geometry.to_numpy()[right])
    area = shapely.area(parts)
    assert np.bincount(left, weights=area, minlength=len(c)) == pytest.approx(c.geometry.area.to_numpy(), rel=1e-9)
    touching = area == 0
    # the smallest piece keeps a quarter of a cell at least; misaligned lines would leave slivers of mm²
    assert (area[~touching] > 1e3).all(), f"sliver of {area[~touching].min():.1f} m²"


def _stairs(geoms: np.ndarray) -> tuple[int, int]:
    """Stairs (an x and a y segment in turn, each 50–150 m: the step of the 100 m grid), and all segments."""
    stairs = segments = 0
    for ring in shapely.get_rings(shapely.get_parts(geoms)):
        step = np.diff(shapely.get_coordinates(ring), axis=0)
        length = np.hypot(step[:, 0], step[:, 1])
        angle = np.degrees(np.arctan2(np.abs(step[:, 1]), np.abs(step[:, 0])))
        along_x, along_y = angle < 0.5, angle > 89.5
        grid = (along_x | along_y) & (length > 50) & (length < 150)
        turn = (along_x[:-1] & along_y[1:]) | (along_y[:-1] & along_x[1:])
        stairs += int((grid[:-1] & grid[1:] & turn).sum())
        segments += len(step)
    return stairs, segments


def test_boundaries_show_no_steps_of_the_grid(metric_layers):
    for name, layer in metric_layers.items():
        stairs, segments = _stairs(layer.geometry.to_numpy())
        length = layer.geometry.boundary.length.sum()
        print(f"{name}: {segments} segments, {stairs} stairs, mean segment {length / segments:.0f} m")
        assert stairs <= segments / 1000, name  # the 100 m grid drew one every two segments
        assert length / segments >= 20, name  # not bloated: the smoothed lines are simplified to 5 m


def test_district_iou_with_real_districts(metric_layers, real_districts):
    est = metric_layers["district"].assign(key=lambda f: f["name"].map(fold))
    real = real_districts.to_crs(settings.METRIC_CRS).assign(key=lambda f: f["district"].map(fold))
    m = est.merge(real[["key", "geometry"]], on="key", suffixes=("", "_real"))
    assert len(m) == 30
    iou = _iou(m.geometry.to_numpy(), m["geometry_real"].to_numpy())
    print(f"district IoU median {np.median(iou):.4f}, min {iou.min():.4f}")  # 0.8625 / 0.7973 (grid: 0.8608 / 0.7968)
    assert np.median(iou) >= 0.855
    assert iou.min() >= 0.79


def test_commune_2025_iou_with_real_units(metric_layers, real_wards_2025):
    est = metric_layers["commune_2025"]
    real = real_wards_2025.to_crs(settings.METRIC_CRS)
    m = est.merge(real[["code", "geometry"]], left_on="unit_code", right_on="code", suffixes=("", "_real"))
    assert len(m) == 126
    iou = _iou(m.geometry.to_numpy(), m["geometry_real"].to_numpy())
    print(f"2025 unit IoU median {np.median(iou):.4f}, p10 {np.percentile(iou, 10):.4f}")  # 0.7687 (grid: 0.7682)
    assert np.median(iou) >= 0.76


def test_outline_matches_real_province(metric_layers, real_province):
    est = shapely.union_all(metric_layers["district"].geometry.to_numpy())
    real = real_province.to_crs(settings.METRIC_CRS).geometry.iloc[0]
    print(f"outline IoU {_iou(est, real):.4f}")  # 0.9310 (grid: 0.9309)
    assert _iou(est, real) >= 0.925


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
