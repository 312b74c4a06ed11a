"""The Clipper2 kernel of the coverage engine: known areas, orientation, agreement with GEOS."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from infra.engine import polyclip
from infra.engine.footprints import footprint_rings, footprints


def test_union_of_overlapping_squares_counts_the_overlap_once():
    a = polyclip.rings(shapely.box(0, 0, 2, 2)) + polyclip.rings(shapely.box(1, 1, 3, 3))
    assert polyclip.area(polyclip.union(a)) == pytest.approx(7.0, abs=1e-9)


def test_holes_stay_holes_whatever_the_input_orientation():
    donut = shapely.Polygon(shapely.box(0, 0, 10, 10).exterior.coords[::-1], [shapely.box(4, 4, 6, 6).exterior.coords])
    rings = polyclip.rings(donut)
    assert polyclip.area(rings) == pytest.approx(96.0, abs=1e-9)
    # the disc over the hole covers only the donut around it
    got = polyclip.area(polyclip.intersection(rings, polyclip.rings(shapely.box(3, 3, 7, 7))))
    assert got == pytest.approx(16 - 4, abs=1e-9)


def test_nothing_in_gives_nothing_out():
    assert polyclip.union([]) == [] and polyclip.area([]) == 0.0
    assert polyclip.intersection(polyclip.rings(shapely.box(0, 0, 1, 1)), []) == []
    assert polyclip.area(polyclip.intersection(polyclip.rings(shapely.box(0, 0, 1, 1)),
                                               polyclip.rings(shapely.box(5, 5, 6, 6)))) == 0.0


def test_disc_rings_are_the_geos_discs_counter_clockwise():
    xy = np.array([[585_000.0, 2_325_000.0], [600_000.0, 2_330_000.0]])  # UTM 48N, Hanoi
    r = np.array([500.0, 12_000.0])
    rings = footprint_rings(xy, r)
    for ring, poly in zip(rings, footprints(xy, r), strict=True):
        assert shapely.is_ccw(shapely.LinearRing(ring))
        geos = {tuple(np.round(c, 6)) for c in shapely.get_coordinates(poly)[:-1]}
        assert {tuple(np.round(c, 6)) for c in ring} == geos


def test_sector_rings_are_counter_clockwise_like_the_discs():
    xy, r = np.array([[0.0, 0.0], [0.0, 0.0]]), np.array([800.0, 900.0])
    rings = footprint_rings(xy, r, np.array([45.0, np.nan]), np.array([90.0, np.nan]))
    assert all(shapely.is_ccw(shapely.LinearRing(ring)) for ring in rings)
    # a sector inside a disc adds nothing to the union: same orientation, no cancelling
    assert polyclip.area(polyclip.union(rings)) == pytest.approx(polyclip.area(rings[1:]), rel=1e-9)


discs = st.lists(st.tuples(st.floats(0, 5000), st.floats(0, 5000), st.floats(20, 3000)), min_size=1, max_size=20)


@settings(max_examples=40, deadline=None)
@given(discs)
def test_matches_geos_within_a_square_metre_part_per_billion(ds):
    arr = np.array(ds)
    xy, r = arr[:, :2] + [580_000.0, 2_320_000.0], arr[:, 2]
    clip = shapely.box(580_500, 2_320_500, 584_000, 2_323_000)
    got = polyclip.area(polyclip.intersection(footprint_rings(xy, r), polyclip.rings(clip)))
    want = shapely.area(shapely.intersection(shapely.union_all(footprints(xy, r)), clip))
    assert got == pytest.approx(want, rel=1e-9, abs=1e-3)


@settings(max_examples=60, deadline=None)
@given(discs, st.tuples(st.floats(0, 4000), st.floats(0, 4000), st.floats(10, 3000), st.floats(10, 3000)))
def test_trimmed_rings_give_the_same_intersection_with_their_rectangle(ds, box):
    arr = np.array(ds)
    rings = footprint_rings(arr[:, :2], arr[:, 2])
    x0, y0, w, h = box
    rect = np.array([x0, y0, x0 + w, y0 + h])
    trimmed = polyclip.trim(rings, np.repeat(rect[None], len(rings), axis=0))
    clip = polyclip.rings(shapely.box(*rect))
    want = polyclip.area(polyclip.intersection(rings, clip))
    assert polyclip.area(polyclip.intersection([t for t in trimmed if len(t)], clip)) == pytest.approx(want, abs=1e-6)


def test_trimming_a_large_disc_on_a_small_tile_keeps_a_third_of_its_vertices():
    ring = footprint_rings(np.array([[0.0, 0.0]]), np.array([4000.0]))
    kept = polyclip.trim(ring, np.array([[3000.0, -1000.0, 5000.0, 1000.0]]))[0]
    assert 3 <= len(kept) <= len(ring[0]) / 3
