"""Smoothing a labelled grid as one coverage (infra.defaults._smooth), on tiny grids with known shapes."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from infra.defaults._smooth import smooth_labels


def _cells(labels: np.ndarray, lab: int) -> shapely.Geometry:
    r, c = np.nonzero(labels == lab)
    return shapely.union_all(shapely.box(c, r, c + 1, r + 1))


def _assert_tiles(geoms: np.ndarray, labels: np.ndarray) -> None:
    """Every label drawn, valid, sharing every edge with its neighbours; no overlap, no gap."""
    present = np.unique(labels[labels >= 0])
    assert [i for i, g in enumerate(geoms) if g is not None] == present.tolist()
    g = geoms[present]
    assert shapely.is_valid(g).all()
    assert shapely.coverage_is_valid(g)  # neighbours share their edges' vertices exactly
    left, right = shapely.STRtree(g).query(g, predicate="intersects")
    pair = left < right
    assert shapely.area(shapely.intersection(g[left[pair]], g[right[pair]])).max(initial=0) == 0
    union = shapely.union_all(g)
    assert sum(len(p.interiors) for p in shapely.get_parts(union)) == 0  # the cells had no hole either


def _staircase(slope_run: int, size: int = 60) -> np.ndarray:
    """Label 1 above the line y = x / slope_run, 0 below: a staircase of steps 1 high and slope_run long."""
    r, c = np.mgrid[0:size, 0:size]
    return ((r + 0.5) * slope_run > c + 0.5).astype(int)


def _shared_line(geoms: np.ndarray, margin: float, size: int) -> np.ndarray:
    """Points every 0.25 cell along the line between labels 0 and 1, away from the grid's border."""
    line = shapely.intersection(geoms[0].boundary, geoms[1].boundary)
    xy = shapely.get_coordinates(shapely.segmentize(line, 0.25))
    inner = (xy > margin).all(axis=1) & (xy < size - margin).all(axis=1)
    return xy[inner]


def _residual(xy: np.ndarray) -> tuple[float, float]:
    """Slope of the least-squares line through ``xy`` and the largest distance of a point from it."""
    slope, icpt = np.polyfit(xy[:, 0], xy[:, 1], 1)
    return float(slope), float(np.max(np.abs(slope * xy[:, 0] - xy[:, 1] + icpt)) / np.hypot(slope, 1))


def test_a_staircase_becomes_a_straight_line():
    labels = _staircase(3)
    smooth, _ = smooth_labels(labels, 2, sigma=2.5, tolerance=0.02)
    raw, _ = smooth_labels(labels, 2, sigma=0, tolerance=0.02)
    slope, off = _residual(_shared_line(smooth, 8, 60))
    assert slope == pytest.approx(1 / 3, rel=0.01)
    assert off < 0.05  # cells: the steps were a whole cell high
    assert _residual(_shared_line(raw, 8, 60))[1] > 0.15  # the midpoint lines alone still zigzag
    _assert_tiles(smooth, labels)


def test_neighbours_tile_exactly_with_islands_checkerboards_and_one_cell_pieces():
    labels = np.full((14, 16), -1)
    labels[1:13, 1:15] = 0
    labels[6:13, 7:15] = 1
    labels[3, 3] = 2  # an island (a closed loop)
    labels[5, 6] = 1  # touches label 1's corner only: a checkerboard node
    labels[1:4, 10:15] = 3
    labels[4, 12] = 4  # one cell between 0 and 3
    labels[9, 6] = 5  # one cell in a notch
    geoms, figures = smooth_labels(labels, 6, sigma=2.5, tolerance=0.02)
    _assert_tiles(geoms, labels)
    assert geoms[1].geom_type == "MultiPolygon"  # the lone cell at (5, 6) stays apart from the rest of label 1
    assert shapely.Polygon(geoms[2].exterior).within(shapely.Polygon(geoms[0].exterior))  # the island
    assert any(shapely.Polygon(r).equals(geoms[2]) for r in geoms[0].interiors)
    for lab in range(6):  # every polygon stays where its cells are, and keeps a share of their area
        assert geoms[lab].difference(_cells(labels, lab).buffer(1.0)).area == 0
        assert geoms[lab].area >= 0.25 * (labels == lab).sum()
    assert figures["edges"] > 10


def test_smoothing_keeps_the_area_of_slow_bends():
    r, c = np.mgrid[0:50, 0:50]
    labels = np.where(np.hypot(r + 0.5 - 25, c + 0.5 - 25) < 18, 0, -1)
    geoms, _ = smooth_labels(labels, 1, sigma=3.0, tolerance=0.02)
    assert geoms[0].area == pytest.approx((labels == 0).sum(), rel=0.01)
    circle = shapely.Point(25, 25).buffer(18, 64)
    assert shapely.hausdorff_distance(geoms[0].exterior, circle.exterior) < 0.5  # the steps reached 0.7


def test_the_line_between_groups_runs_on_through_the_nodes_of_lesser_lines():
    """A diagonal between two districts, with ward boundaries ending on it every few cells."""
    labels = _staircase(1, 40)
    r, c = np.mgrid[0:40, 0:40]
    labels = labels * 10 + (c // 5)  # wards: strips five cells wide, on both sides of the diagonal
    _, labels = np.unique(labels, return_inverse=True)
    labels = labels.reshape(40, 40)
    n = labels.max() + 1
    district = np.array([int(_cells(labels, k).centroid.y > _cells(labels, k).centroid.x) for k in range(n)])
    grouped, _ = smooth_labels(labels, n, sigma=2.5, tolerance=0.02, groups=district[None, :])
    plain, _ = smooth_labels(labels, n, sigma=2.5, tolerance=0.02)
    for geoms in (grouped, plain):
        _assert_tiles(geoms, labels)

    def diagonal(geoms):
        d = [shapely.union_all(geoms[district == k]) for k in (0, 1)]
        xy = shapely.get_coordinates(shapely.segmentize(shapely.intersection(d[0].boundary, d[1].boundary), 0.25))
        return xy[(xy > 6).all(axis=1) & (xy < 34).all(axis=1)]

    assert _residual(diagonal(grouped))[1] < 0.05
    assert _residual(diagonal(plain))[1] > 2 * _residual(diagonal(grouped))[1]  # the branches pull it about


def test_the_same_grid_gives_the_same_coordinates():
    labels = _staircase(2, 30) + (np.mgrid[0:30, 0:30][1] > 20)
    first, _ = smooth_labels(labels, 3, sigma=2.0, tolerance=0.05)
    second, _ = smooth_labels(labels.copy(), 3, sigma=2.0, tolerance=0.05)
    assert shapely.to_wkb(first).tolist() == shapely.to_wkb(second).tolist()
