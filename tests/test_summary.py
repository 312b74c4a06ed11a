"""Figures for a selection of units: counts add up, shares are rebuilt from their parts."""

from __future__ import annotations

import pytest

from infra.engine.engine import Engine
from infra.plan.summary import aggregate

HEADLINE = [("sites_standing", "*"), ("radios_on_air", "2G"), ("area_coverage_pct", "4G"),
            ("area_coverage_pct", "5G"), ("two_g_off_pct", "2G"), ("shared_site_pct", "*")]


@pytest.fixture(scope="module")
def metrics(default_ds):
    return Engine(default_ds.units, default_ds.sites, default_ds.radios, default_ds.zones).metrics("2025-06-30")


def row(metrics, layer, code, metric, tech):
    r = metrics[(metrics["layer"] == layer) & (metrics["unit_code"] == code) & (metrics["metric"] == metric)
                & (metrics["technology"] == tech) & (metrics["operator"] == "*")]
    return float(r["value"].iloc[0])


@pytest.mark.parametrize("layer", ["district", "commune_2025"])
@pytest.mark.parametrize(("metric", "tech"), HEADLINE)
def test_a_selection_matches_the_engine(metrics, default_ds, layer, metric, tech):
    codes = sorted(default_ds.layer(layer)["unit_code"])
    assert aggregate(metrics, layer, [], metric, tech) == row(metrics, layer, "*", metric, tech)
    assert aggregate(metrics, layer, codes[:1], metric, tech) == pytest.approx(row(metrics, layer, codes[0], metric,
                                                                                   tech), abs=1e-9)
    # rebuilt from the parts of every unit but one, and from that one: they recombine into the city
    rest = aggregate(metrics, layer, codes[1:], metric, tech)
    if metric.endswith("_pct"):
        assert 0.0 <= rest <= 100.0
    else:
        assert rest + row(metrics, layer, codes[0], metric, tech) == pytest.approx(row(metrics, layer, "*", metric,
                                                                                       tech))


def test_shares_are_not_averages(metrics):
    small, big = "001", "016"  # Ba Đình (9 km²) and Sóc Sơn (305 km²)
    got = aggregate(metrics, "district", [small, big], "area_coverage_pct", "5G")
    mean = (row(metrics, "district", small, "area_coverage_pct", "5G")
            + row(metrics, "district", big, "area_coverage_pct", "5G")) / 2
    covered = sum(row(metrics, "district", c, "covered_area_km2", "5G") for c in (small, big))
    area = sum(row(metrics, "district", c, "area_km2", "*") for c in (small, big))
    assert got == pytest.approx(100 * covered / area) and abs(got - mean) > 1


def test_absent_metrics_stay_absent(metrics):
    assert aggregate(metrics, "district", ["001"], "pop_coverage_pct", "4G") is None
    assert aggregate(metrics, "district", [], "pop_coverage_pct", "4G") is None
