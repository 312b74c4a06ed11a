"""The coverage engine: analytic cases, agreement with the straightforward overlay, invariants."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from hypothesis import example, given, settings
from hypothesis import strategies as st

from infra.engine.coverage import covered_area, prepare_fragments
from infra.engine.footprints import footprint_rings, footprints

SQUARE = np.array([shapely.box(0, 0, 2000, 2000)])


def test_disc_half_inside_a_square_covers_half_of_the_disc():
    frag = prepare_fragments(SQUARE, tile_m=700)
    fp = footprints(np.array([[2000.0, 1000.0]]), np.array([500.0]))
    got = covered_area(frag, fp)[0]
    assert got == pytest.approx(shapely.area(fp[0]) / 2, rel=1e-9)  # Clipper2's 1 µm grid
    assert got == pytest.approx(np.pi * 500**2 / 2, rel=0.002)  # the 64-gon is 0.16 % below the circle


def test_disc_containing_the_square_covers_it_all():
    frag = prepare_fragments(SQUARE, tile_m=500)
    fp = footprints(np.array([[1000.0, 1000.0]]), np.array([5000.0]))
    assert covered_area(frag, fp, xy=np.array([[1000.0, 1000.0]]), radius=np.array([5000.0]))[0] == 4e6


def test_sector_covers_a_quarter_of_its_disc():
    frag = prepare_fragments(SQUARE, tile_m=700)
    xy = np.array([[1000.0, 1000.0]])
    fp = footprints(xy, np.array([800.0]), np.array([45.0]), np.array([90.0]))
    got = covered_area(frag, fp, xy=xy, radius=np.array([800.0]), omni=np.array([False]))[0]
    assert got == pytest.approx(np.pi * 800**2 / 4, rel=0.002)
    assert shapely.Point(1400, 1400).within(fp[0]) and not shapely.Point(600, 600).within(fp[0])


def test_nothing_overlaps_gives_zeros():
    frag = prepare_fragments(SQUARE)
    assert covered_area(frag, footprints(np.array([[9000.0, 9000.0]]), np.array([100.0])))[0] == 0
    assert covered_area(frag, np.array([], dtype=object))[0] == 0


def straightforward(polys, fps):
    return shapely.area(shapely.intersection(polys, shapely.union_all(fps)))


polygons = np.array([shapely.box(0, 0, 3000, 2500), shapely.box(3000, 0, 5200, 2500),
                     shapely.Polygon([(0, 2500), (5200, 2500), (2600, 6000)])])


def test_a_tile_filled_by_several_units_is_measured_by_subtraction_exactly():
    frag = prepare_fragments(polygons, tile_m=1000.0)
    assert frag.rest.sum() >= 3  # tiles cut by the unit boundaries, each with one fragment measured as the rest
    xy = np.array([[2900.0, 2400.0], [3300.0, 1800.0], [1200.0, 3100.0]])
    r = np.array([700.0, 450.0, 900.0])
    fps = footprints(xy, r)
    got = covered_area(frag, fps, xy=xy, radius=r)
    np.testing.assert_allclose(got, straightforward(polygons, fps), rtol=1e-9, atol=1e-6)
discs = st.lists(st.tuples(st.floats(-1000, 6000), st.floats(-1000, 7000), st.floats(50, 4000)), min_size=1,
                 max_size=25)


@settings(max_examples=40, deadline=None)
@given(discs, st.sampled_from([300.0, 1000.0, 2500.0]))
def test_matches_union_and_overlay(ds, tile):
    arr = np.array(ds)
    xy, r = arr[:, :2], arr[:, 2]
    fps = footprints(xy, r)
    frag = prepare_fragments(polygons, tile_m=tile)
    got = covered_area(frag, fps, xy=xy, radius=r)
    assert np.allclose(got, straightforward(polygons, fps), rtol=1e-9, atol=1e-3)
    assert (got <= shapely.area(polygons) + 1e-6).all() and (got >= 0).all()


@settings(max_examples=30, deadline=None)
@example(ds=[(0.0, 0.0, 50.0), (0.0, 5021.0, 3249.0), (0.0, 0.0, 3246.0)], grow=2.0, drop=1)  # 8.5e-5 m² of noise
@given(discs, st.floats(1.01, 3.0), st.integers(0, 24))
def test_coverage_never_decreases_when_ranges_grow_or_radios_are_added(ds, grow, drop):
    arr = np.array(ds)
    xy, r = arr[:, :2], arr[:, 2]
    frag = prepare_fragments(polygons, tile_m=1000)
    base = covered_area(frag, footprints(xy, r), xy=xy, radius=r)
    noise = 1e-3 + 1e-9 * base  # the accuracy test_matches_union_and_overlay holds the engine to (Clipper2's 1 µm)
    bigger = covered_area(frag, footprints(xy, r * grow), xy=xy, radius=r * grow)
    assert (bigger >= base - noise).all()
    keep = np.arange(len(r)) != (drop % len(r))
    fewer = covered_area(frag, footprints(xy[keep], r[keep]), xy=xy[keep], radius=r[keep])
    assert (fewer <= base + noise).all()


def test_cache_reuses_tiles_and_gives_the_same_answer():
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 5000, (60, 2))
    r = rng.uniform(100, 900, 60)
    fps = footprints(xy, r)
    frag = prepare_fragments(polygons, tile_m=800)
    cache: dict = {}
    for k in (20, 40, 40, 35, 60):
        active = np.arange(60) < k
        got = covered_area(frag, fps, active=active, xy=xy, radius=r, cache=cache)
        assert np.allclose(got, straightforward(polygons, fps[active]), rtol=1e-9, atol=1e-3)


def test_a_unit_with_a_hole_and_the_unit_in_it():
    donut = shapely.box(0, 0, 4000, 4000).difference(shapely.box(1500, 1500, 2500, 2500))
    enclave = shapely.box(1500, 1500, 2500, 2500)
    polys = np.array([donut, enclave])
    xy, r = np.array([[2000.0, 2000.0], [3900.0, 100.0]]), np.array([900.0, 600.0])
    fps = footprints(xy, r)
    for tile in (700.0, 5000.0):  # the hole cut by tiles, and whole in one tile
        got = covered_area(prepare_fragments(polys, tile_m=tile), fps, xy=xy, radius=r)
        np.testing.assert_allclose(got, straightforward(polys, fps), rtol=1e-9)


@settings(max_examples=30, deadline=None)
@given(discs, st.sampled_from([300.0, 1000.0, 2500.0]))
def test_footprints_drawn_on_demand_give_the_same_answer(ds, tile):
    arr = np.array(ds)
    xy, r = arr[:, :2], arr[:, 2]
    frag = prepare_fragments(polygons, tile_m=tile)
    got = covered_area(frag, lambda idx: footprint_rings(xy[idx], r[idx]), xy=xy, radius=r)  # discs trimmed per tile
    assert np.allclose(got, straightforward(polygons, footprints(xy, r)), rtol=1e-9, atol=1e-3)
