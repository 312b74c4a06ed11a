"""Metrics per unit and over time, on tiny frames with known answers and on the default data."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given
from hypothesis import settings as settings_h
from hypothesis import strategies as st

from infra import settings
from infra.engine import Engine, ModelOptions, prepare_layers
from infra.engine.footprints import footprints
from infra.engine.population import layers_for
from tests import frames


def value(m, metric, unit="A", tech="*", op="*", layer="district"):
    row = m[(m["layer"] == layer) & (m["unit_code"] == unit) & (m["metric"] == metric)
            & (m["technology"] == tech) & (m["operator"] == op)]
    assert len(row) <= 1
    return None if row.empty else float(row["value"].iloc[0])


@pytest.fixture
def tiny():
    units = frames.units({"A": (0, 0, 2000, 2000), "B": (2000, 0, 4000, 2000)}, population={"A": 1000, "B": 3000})
    sites = frames.sites({"S1": (2000, 1000), "S2": (3000, 1000), "S3": (500, 500)},
                         mast_class=["A2a", "A1a", "A2b"],
                         removed_on=pd.to_datetime([None, None, "2020-06-01"]))
    radios = frames.radios([
        {"site_id": "S1", "technology": "4G", "range_m": 500.0},
        {"site_id": "S1", "technology": "2G", "operator": "MobiFone", "range_m": 500.0, "off_date": "2025-03-01"},
        {"site_id": "S2", "technology": "2G", "range_m": 300.0},
        {"site_id": "S2", "technology": "5G", "pilot": True, "on_date": "2019-06-01", "off_date": "2021-06-30"},
        {"site_id": "S2", "technology": "5G", "on_date": "2024-10-15"},
        {"site_id": "S3", "technology": "4G", "range_m": 100.0},
    ])
    return units, sites, radios, frames.zones((0, 0, 1000, 1000))


def test_disc_half_inside_each_of_two_units(tiny):
    units, sites, radios, zones = tiny
    m = Engine(units, sites, radios, zones).metrics("2025-12-31")
    half = shapely.area(footprints(np.array([[0.0, 0.0]]), np.array([500.0]))[0]) / 2
    assert value(m, "area_coverage_pct", "A", "4G") == pytest.approx(100 * half / 4e6, rel=1e-9)
    assert value(m, "area_coverage_pct", "B", "4G", "Viettel") == pytest.approx(100 * half / 4e6, rel=1e-9)
    assert value(m, "area_coverage_pct", "*", "4G") == pytest.approx(100 * 2 * half / 8e6, rel=1e-9)
    assert value(m, "covered_area_km2", "A", "4G") == pytest.approx(half / 1e6)


def test_population_coverage_only_with_population(tiny):
    units, sites, radios, zones = tiny
    m = Engine(units, sites, radios, zones).metrics("2025-12-31")
    a, b = value(m, "area_coverage_pct", "A", "4G"), value(m, "area_coverage_pct", "B", "4G")
    assert value(m, "pop_coverage_pct", "A", "4G") == pytest.approx(a)
    assert value(m, "pop_coverage_pct", "*", "4G") == pytest.approx((a * 1000 + b * 3000) / 4000)
    m2 = Engine(units.drop(columns="population"), sites, radios, zones).metrics("2025-12-31")
    assert not (m2["metric"] == "pop_coverage_pct").any()


def test_counts_follow_the_as_of_date(tiny):
    units, sites, radios, zones = tiny
    eng = Engine(units, sites, radios, zones, baseline_2g=pd.Timestamp("2024-01-01").date())
    early, late = eng.metrics("2020-01-01"), eng.metrics("2025-12-31")
    assert value(early, "sites_standing", "A") == 2 and value(late, "sites_standing", "A") == 1  # S3 removed
    assert value(early, "sites_5g_pilot", "B", "5G") == 1 and value(early, "sites_5g_commercial", "B", "5G") == 0
    assert value(late, "sites_5g_pilot", "B", "5G") == 0 and value(late, "sites_5g_commercial", "B", "5G") == 1
    assert value(late, "radios_on_air", "*", "2G") == 1
    assert value(late, "two_g_baseline_radios", "*", "2G") == 2
    assert value(late, "two_g_off_pct", "*", "2G") == 50
    assert value(late, "two_g_off_pct", "*", "2G", "MobiFone") == 100
    # S1 (on the A/B edge, x = 2000) has Viettel and MobiFone until March 2025
    assert value(eng.metrics("2024-12-31"), "shared_site_pct", "*") == 50  # S1 of S1, S2 (S3 removed in 2020)
    assert value(late, "shared_site_pct", "*") == 0
    assert value(early, "bulky_masts_in_zones", "A") == 1 and value(late, "bulky_masts_in_zones", "A") == 0
    assert value(late, "bulky_masts_converted_pct", "A") == 100
    assert value(late, "bulky_masts_converted_pct", "B") is None  # no bulky mast there: absent, not 0
    assert value(late, "sites_mast_A2a", "*") == 1


def test_no_radio_on_air_is_zero_coverage_not_a_missing_row(tiny):
    units, sites, radios, zones = tiny
    m = Engine(units, sites, radios, zones).metrics("2019-01-01")  # before any 5G radio
    for unit in ("A", "B", "*"):
        for op in ("*", *settings.OPERATORS):
            assert value(m, "area_coverage_pct", unit, "5G", op) == 0
            assert value(m, "covered_area_km2", unit, "3G", op) == 0  # a technology the inventory never had


def test_every_unit_and_the_city_get_rows(default_ds):
    m = Engine(default_ds.units, default_ds.sites, default_ds.radios, default_ds.zones).metrics("2025-12-31")
    for layer, n in (("district", 30), ("commune_2025", 126)):
        rows = m[(m["layer"] == layer) & (m["metric"] == "area_coverage_pct") & (m["technology"] == "4G")
                 & (m["operator"] == "*")]
        assert len(rows) == n + 1 and rows["value"].between(0, 100).all()
    city = m[(m["unit_code"] == "*") & (m["metric"] == "sites_standing")].set_index("layer")["value"]
    assert city["district"] == city["commune_2025"] == len(
        default_ds.sites[(default_ds.sites["built_on"] <= "2025-12-31")
                         & ~(default_ds.sites["removed_on"] <= "2025-12-31")])


def test_both_layers_sum_to_the_same_city(default_ds):
    m = Engine(default_ds.units, default_ds.sites, default_ds.radios, default_ds.zones).metrics("2025-06-30")
    cov = m[(m["metric"] == "covered_area_km2") & (m["unit_code"] != "*")]
    totals = cov.groupby(["layer", "technology", "operator"])["value"].sum().unstack("layer")
    assert np.allclose(totals["district"], totals["commune_2025"], rtol=1e-6)


def test_series_equals_independent_dates(default_ds):
    ds = default_ds
    layers = prepare_layers(ds.units, ["district"])
    dates = ["2019-06-30", "2024-12-31", "2025-09-30", "2026-12-31"]
    series = Engine(ds.units, ds.sites, ds.radios, ds.zones, prepared=layers).series(dates)
    for d in dates[1:3]:
        alone = Engine(ds.units, ds.sites, ds.radios, ds.zones, prepared=layers).metrics(d)
        got = series[series["as_of"] == pd.Timestamp(d)].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, alone, check_exact=False, rtol=1e-9)


def test_transition_shape_on_default_data(default_ds):
    ds = default_ds
    eng = Engine(ds.units, ds.sites, ds.radios, ds.zones, layers=["district"])
    s = eng.series(["2019-12-31", "2023-12-31", "2025-12-31", "2026-12-31"])
    city = s[(s["unit_code"] == "*") & (s["operator"] == "*")]
    two_g = city[city["metric"] == "radios_on_air"].query("technology == '2G'")["value"].to_numpy()
    five_g = city[(city["metric"] == "area_coverage_pct") & (city["technology"] == "5G")]["value"].to_numpy()
    assert two_g[-1] == 0 and two_g[1] > two_g[2] > 0
    assert (np.diff(five_g[1:]) > 0).all()


def test_pathloss_model_gives_smaller_urban_ranges(default_ds):
    ds = default_ds
    fixed = Engine(ds.units, ds.sites, ds.radios, ds.zones, layers=["district"])
    pl = Engine(ds.units, ds.sites, ds.radios, ds.zones, layers=["district"], options=ModelOptions("pathloss"))
    r_fixed, r_pl = fixed.radios["range_m"], pl.radios["range_m"]
    g4 = (fixed.radios["technology"] == "4G").to_numpy()
    urban = np.isin(pl.sites["site_id"].to_numpy()[pl.radios["site"].to_numpy()],
                    ds.sites.loc[ds.sites["district_code"] == "001", "site_id"].to_numpy())
    assert r_pl[g4 & urban].max() < 1200 < r_fixed[g4].min()
    assert r_pl[g4 & ~urban].max() > r_pl[g4 & urban].max()


def test_unknown_layer_is_refused(tiny):
    units, sites, radios, zones = tiny
    with pytest.raises(ValueError, match="unknown layer 'commune_2025'"):
        Engine(units, sites, radios, zones, layers=["commune_2025"])


def test_areas_are_measured_in_utm(tiny):
    units, sites, radios, zones = tiny
    m = Engine(units, sites, radios, zones).metrics("2025-12-31")
    assert value(m, "area_km2", "A") == pytest.approx(4.0, rel=1e-9)
    assert settings.METRIC_CRS == "EPSG:32648"


def test_a_site_on_a_shared_edge_counts_once_and_one_outside_is_reported():
    units = frames.units({"A": (0, 0, 2000, 2000), "B": (2000, 0, 4000, 2000)})
    corner = shapely.Point(units.geometry.iloc[0].exterior.coords[1])  # the corner A shares with B, exactly
    assert corner.intersects(units.geometry.iloc[1]) and not corner.within(units.geometry.iloc[1])
    sites = frames.sites({"EDGE": (0, 0), "IN": (500, 500), "OUT": (9000, 9000)})
    sites.loc[0, "geometry"] = corner
    radios = frames.radios([{"site_id": "IN"}])
    eng = Engine(units, sites, radios)
    m = eng.metrics("2025-12-31")
    assert value(m, "sites_standing", "A") + value(m, "sites_standing", "B") == 2  # EDGE once, IN once
    assert value(m, "sites_standing", "*") == 2
    assert eng.outside_sites == ["OUT"] and eng.outside == 1
    assert "1 site(s) lie outside every unit" in eng.outside_note() and "OUT" in eng.outside_note()


def test_a_population_grid_weights_coverage_by_where_people_live(monkeypatch):
    monkeypatch.setattr(settings, "COVERAGE_TILE_M", 1000.0)  # fragments of 1 km², on the cells below
    units = frames.units({"A": (0, 0, 2000, 2000)})
    sites = frames.sites({"S": (500, 500)})
    radios = frames.radios([{"site_id": "S", "technology": "4G", "range_m": 400.0}])
    disc = shapely.area(footprints(np.array([[0.0, 0.0]]), np.array([400.0]))[0])  # inside the first cell
    cells = gpd.GeoDataFrame({"population": [900.0, 100.0, 50.0, 10.0]}, crs=settings.METRIC_CRS, geometry=[
        shapely.box(frames.X0, frames.Y0, frames.X0 + 1000, frames.Y0 + 1000),
        shapely.box(frames.X0 + 1000, frames.Y0 + 1000, frames.X0 + 2000, frames.Y0 + 2000),
        shapely.box(frames.X0 + 5000, frames.Y0, frames.X0 + 6000, frames.Y0 + 1000),  # outside every unit
        shapely.box(frames.X0 + 100, frames.Y0 + 100, frames.X0 + 200, frames.Y0 + 200)])  # within one fragment
    eng = Engine(units, sites, radios, population=cells)
    m = eng.metrics("2025-12-31")
    assert value(m, "area_coverage_pct", "A", "4G") == pytest.approx(100 * disc / 4e6, rel=1e-9)
    # the first fragment holds 910 people on 1 km², the disc covers its share of them
    assert value(m, "pop_coverage_pct", "A", "4G") == pytest.approx(100 * 910 * disc / 1e6 / 1010, rel=1e-9)
    assert value(m, "population", "A") == pytest.approx(1010) and eng.population.outside == pytest.approx(50)
    points = cells.assign(geometry=cells.geometry.centroid)  # cell centres: the same people, the same answer
    m2 = Engine(units, sites, radios, population=points).metrics("2025-12-31")
    assert value(m2, "pop_coverage_pct", "A", "4G") == pytest.approx(value(m, "pop_coverage_pct", "A", "4G"))
    assert value(m2, "pop_coverage_pct", "A", "5G") == 0.0


def test_population_of_one_layer_gives_population_coverage_on_the_other():
    district = frames.units({"D": (0, 0, 2000, 1000)})
    communes = frames.units({"c1": (0, 0, 1000, 1000), "c2": (1000, 0, 2000, 1000)}, layer="commune_2025",
                            unit_type="phường", population={"c1": 900, "c2": 100})
    units = pd.concat([district, communes], ignore_index=True)
    sites = frames.sites({"S": (500, 500)})
    radios = frames.radios([{"site_id": "S", "technology": "4G", "range_m": 400.0}])
    disc = shapely.area(footprints(np.array([[0.0, 0.0]]), np.array([400.0]))[0])
    m = Engine(units, sites, radios).metrics("2025-12-31")
    assert value(m, "population", "D") == pytest.approx(1000)
    assert value(m, "pop_coverage_pct", "D", "4G") == pytest.approx(100 * 900 * disc / 1e6 / 1000, rel=1e-9)
    assert value(m, "area_coverage_pct", "D", "4G") == pytest.approx(100 * disc / 2e6, rel=1e-9)
    c1 = {"unit": "c1", "tech": "4G", "layer": "commune_2025"}  # the layer that carries it: uniform within a unit
    assert value(m, "pop_coverage_pct", **c1) == pytest.approx(value(m, "area_coverage_pct", **c1))
    # a report on the districts alone prepares the communes too, unless a grid gives the people
    assert layers_for(units, "district") == ["district", "commune_2025"]
    assert layers_for(units, "commune_2025") == ["commune_2025"]
    assert layers_for(units, "district", grid=gpd.GeoDataFrame({"population": []})) == ["district"]
    assert layers_for(district, "district") == ["district"]


@settings_h(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.floats(-500, 4500), st.floats(-500, 2500), st.floats(100, 1500)), min_size=1, max_size=8),
       st.lists(st.tuples(st.floats(-1000, 5000), st.floats(-1000, 3000), st.floats(0, 1e4)), min_size=1, max_size=40),
       st.floats(1.05, 2.0))
def test_population_coverage_invariants(radios_at, people, grow):
    units = pd.concat([frames.units({"A": (0, 0, 2000, 2000), "B": (2000, 0, 4000, 2000)}),
                       frames.units({"a": (0, 0, 3000, 2000), "b": (3000, 0, 4000, 2000)}, layer="commune_2025")],
                      ignore_index=True)
    sites = frames.sites({f"S{i}": (x, y) for i, (x, y, _) in enumerate(radios_at)})
    grid = gpd.GeoDataFrame({"population": [p for *_, p in people]}, crs=settings.METRIC_CRS,
                            geometry=[shapely.Point(frames.X0 + x, frames.Y0 + y) for x, y, _ in people])

    def pop_cov(scale):
        radios = frames.radios([{"site_id": f"S{i}", "range_m": r * scale} for i, (*_, r) in enumerate(radios_at)])
        eng = Engine(units, sites, radios, population=grid)
        m = eng.metrics("2025-12-31")
        return m[(m["metric"] == "pop_coverage_pct") & (m["technology"] == "4G") & (m["operator"] == "*")], m, eng

    base, m, eng = pop_cov(1.0)
    pop = m[(m["metric"] == "population") & (m["unit_code"] != "*")].groupby("layer")["value"].sum()
    inside = grid["population"].sum() - eng.population.outside
    assert pop["district"] == pytest.approx(inside, abs=1e-6) and pop["commune_2025"] == pytest.approx(inside, abs=1e-6)
    assert base["value"].between(0, 100).all()
    bigger = pop_cov(grow)[0]
    merged = base.merge(bigger, on=["layer", "unit_code"], suffixes=("", "_big"))
    assert len(merged) == len(base) and (merged["value_big"] >= merged["value"] - 1e-9).all()


def test_two_g_share_counts_only_baseline_radios_built_by_the_date():
    """Radios of the 2024 baseline not yet built in 2017 are not "switched off": the share is of those built."""
    units = frames.units({"A": (0, 0, 2000, 2000)})
    sites = frames.sites({"S1": (500, 500), "S2": (1500, 1500)},
                         built_on=pd.to_datetime(["2010-01-01", "2018-06-01"]))
    radios = frames.radios([
        {"site_id": "S1", "technology": "2G", "on_date": "2012-01-01", "off_date": "2025-03-01"},
        {"site_id": "S2", "technology": "2G", "on_date": "2018-06-01"},  # its site stands from 2018 only
        {"site_id": "S1", "technology": "2G", "on_date": "2019-01-01", "off_date": "2021-01-01"},  # not in the baseline
    ])
    eng = Engine(units, sites, radios, baseline_2g=dt.date(2024, 1, 1))
    before_any = frames.radios([{"site_id": "S1", "technology": "2G", "on_date": "2012-01-01"}])
    assert value(eng.metrics("2017-06-30"), "two_g_off_pct", "A", "2G") == 0  # S1's radio exists and is on air
    assert value(eng.metrics("2017-06-30"), "two_g_baseline_built", "A", "2G") == 1
    assert value(eng.metrics("2025-06-30"), "two_g_off_pct", "A", "2G") == 50  # one of the two off
    assert value(eng.metrics("2025-06-30"), "two_g_baseline_built", "*", "2G") == 2
    early = Engine(units, sites, before_any, baseline_2g=dt.date(2024, 1, 1)).metrics("2011-01-01")
    assert value(early, "two_g_off_pct", "A", "2G") is None  # no baseline radio built yet: not applicable
    assert value(early, "two_g_off_pct", "*", "2G") is None
    assert value(early, "two_g_baseline_radios", "A", "2G") == 1

