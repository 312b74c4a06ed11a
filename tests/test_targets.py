"""Default plan targets and their expansion from the plan facts."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from infra.contract import PLACEHOLDER
from infra.defaults.targets import expand_targets


def test_default_targets_cover_both_layers_and_milestones(default_ds):
    t = default_ds.targets
    assert set(t["layer"]) == {"district", "commune_2025"}
    assert {2020, 2025, 2030} <= set(t["year"])
    assert t["source"].str.len().gt(0).all()
    for layer, n in (("district", 30), ("commune_2025", 126)):
        per_unit = t[(t["layer"] == layer) & (t["metric"] == "pop_coverage_5g_pct") & (t["year"] == 2030)]
        assert len(per_unit) == n + 1


def test_official_figures_keep_their_source_and_placeholders_are_marked(default_ds):
    t = default_ds.targets.set_index(["layer", "unit_code", "metric", "year"])
    city_5g = t.loc[("district", "*", "pop_coverage_5g_pct", 2030)]
    assert city_5g["target"] == 99 and "58/KH-UBND" in city_5g["source"]
    assert t.loc[("district", "001", "pop_coverage_5g_pct", 2030), "source"] == PLACEHOLDER
    zone = t.loc[("district", "002", "bulky_masts_converted_pct", 2020)]
    assert zone["target"] == 50 and "5800" in zone["source"]
    assert t.loc[("district", "002", "bulky_masts_converted_pct", 2025), "target"] == 100
    assert ("district", "271", "bulky_masts_converted_pct", 2020) not in t.index  # Ba Vì has no restricted zone


def test_expand_targets_on_a_tiny_plan():
    facts = pd.DataFrame({
        "metric": ["m", "m", "z"], "scope": ["city", "units", "zone_units"], "year": [2030, 2030, 2025],
        "target": [99, 90, 100], "source": ["Plan X", PLACEHOLDER, "Decision Y"], "confidence": ["H", "M", "H"],
        "note": ["", "", ""],
    })
    units = gpd.GeoDataFrame({"layer": ["d", "d"], "unit_code": ["1", "2"]}, geometry=[None, None])
    out = expand_targets(facts, units, {"d": ["2"]})
    got = {(r.unit_code, r.metric): (r.target, r.source) for r in out.itertuples()}
    assert got == {("*", "m"): (99, "Plan X"), ("1", "m"): (90, PLACEHOLDER), ("2", "m"): (90, PLACEHOLDER),
                   ("*", "z"): (100, "Decision Y"), ("2", "z"): (100, "Decision Y")}


def test_unknown_scope_is_refused():
    facts = pd.DataFrame({"metric": ["m"], "scope": ["province"], "year": [2030], "target": [1], "source": ["s"],
                          "confidence": ["H"], "note": [""]})
    units = gpd.GeoDataFrame({"layer": ["d"], "unit_code": ["1"]}, geometry=[None])
    with pytest.raises(ValueError, match=r"unknown scope 'province' \(row 0\)"):
        expand_targets(facts, units, {})
