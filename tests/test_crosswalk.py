"""Crosswalk between the old districts and the 2025 units, by area-weighted overlay."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from infra.plan.crosswalk import carry_selection, crosswalk, overlay_weights, targets_to_layer
from tests import frames


@pytest.fixture(scope="module")
def weights(default_ds):
    return overlay_weights(default_ds.units, "district", "commune_2025")


def test_weights_tile_both_layers(weights):
    assert np.allclose(weights.groupby("from_code")["share_of_from"].sum(), 1, atol=1e-6)
    assert np.allclose(weights.groupby("to_code")["share_of_to"].sum(), 1, atol=1e-6)
    assert weights["from_code"].nunique() == 30 and weights["to_code"].nunique() == 126


def test_extensive_values_keep_their_total_and_intensive_stay_uniform(weights):
    counts = pd.Series(np.arange(30, dtype=float), index=sorted(weights["from_code"].unique()))
    moved = crosswalk(counts, weights, kind="extensive")
    assert moved.sum() == pytest.approx(counts.sum())
    back = crosswalk(moved, weights.rename(columns={"from_code": "to_code", "to_code": "from_code",
                                                    "share_of_from": "share_of_to", "share_of_to": "share_of_from"}),
                     kind="extensive")
    assert back.sum() == pytest.approx(counts.sum())
    rate = crosswalk(pd.Series(42.0, index=counts.index), weights, kind="intensive")
    assert np.allclose(rate, 42.0)


def test_district_targets_reported_on_2025_units(default_ds, weights):
    t = default_ds.targets
    d = t[(t["layer"] == "district") & (t["metric"] == "bulky_masts_converted_pct") & (t["year"] == 2020)]
    moved = targets_to_layer(d, weights, to_layer="commune_2025")
    assert (moved["layer"] == "commune_2025").all()
    assert moved.loc[moved["unit_code"] == "*", "target"].item() == 50
    per_unit = moved[moved["unit_code"] != "*"]
    assert per_unit["target"].between(0, 50 + 1e-9).all() and (per_unit["target"] > 0).any()
    assert per_unit["source"].str.contains("area-weighted from district").all()


def test_imported_district_targets_are_carried_to_the_2025_units_by_area():
    from infra.plan import carry_targets
    from tests import frames

    units = pd.concat([frames.units({"A": (0, 0, 1000, 1000), "B": (1000, 0, 2000, 1000)}),
                       frames.units({"x": (0, 0, 500, 1000), "y": (500, 0, 1500, 1000), "z": (1500, 0, 2000, 1000)},
                                    layer="commune_2025", unit_type="phường")], ignore_index=True)
    tg = pd.DataFrame({"layer": "district", "unit_code": ["A", "B", "*"], "metric": "shared_site_pct",
                       "year": 2030, "target": [40.0, 80.0, 55.0], "source": "Plan X"})
    out, carried = carry_targets(tg, units)
    assert carried == [("district", "commune_2025")]
    got = out[out["layer"] == "commune_2025"].set_index("unit_code")
    assert got["target"].to_dict() == pytest.approx({"x": 40.0, "y": 60.0, "z": 80.0, "*": 55.0})
    assert got.loc["y", "source"] == "Plan X (area-weighted from district)" and got.loc["*", "source"] == "Plan X"
    pd.testing.assert_frame_equal(out[out["layer"] == "district"], tg)  # the imported rows as they were
    both = pd.concat([tg, tg.assign(layer="commune_2025", unit_code=["x", "y", "*"])], ignore_index=True)
    kept, none = carry_targets(both, units)  # a layer's own targets are never replaced
    assert none == []
    pd.testing.assert_frame_equal(kept, both)


def test_a_selection_is_carried_to_the_other_layer_by_where_units_mostly_lie():
    """Districts A | B; 2025 units x (in A), y (400 m in A, 300 m in B), z (in B)."""
    units = pd.concat([frames.units({"A": (0, 0, 1000, 1000), "B": (1000, 0, 2000, 1000)}),
                       frames.units({"x": (0, 0, 600, 1000), "y": (600, 0, 1300, 1000), "z": (1300, 0, 2000, 1000)},
                                    layer="commune_2025", unit_type="phường")], ignore_index=True)
    w = overlay_weights(units, "district", "commune_2025")
    assert carry_selection(w, ["A"]) == ["x", "y"]  # y lies mostly in A
    assert carry_selection(w, ["B"]) == ["z"]
    assert carry_selection(w, ["A", "B"]) == ["x", "y", "z"]
    assert carry_selection(w, ["y"], forward=False) == ["A"]  # a ward: the district it mostly lies in
    assert carry_selection(w, ["y", "z"], forward=False) == ["A", "B"]
    assert carry_selection(w, ["nowhere"]) == [] and carry_selection(w, []) == []


def test_a_ward_goes_back_to_the_district_holding_most_of_it_even_when_another_district_is_smaller():
    """Ward w: 4 km² from D (of D's 10), 2 km² from E (of E's 5). w belongs to D, though E's largest piece is in w."""
    w = pd.DataFrame({"from_code": ["D", "D", "E", "E", "E"], "to_code": ["w", "v", "w", "u", "t"],
                      "area_km2": [4.0, 6.0, 2.0, 1.5, 1.5]})
    w["share_of_from"] = w["area_km2"] / w["from_code"].map({"D": 10.0, "E": 5.0})
    w["share_of_to"] = w["area_km2"] / w["to_code"].map({"w": 6.0, "v": 6.0, "u": 1.5, "t": 1.5})
    assert carry_selection(w, ["w"], forward=False) == ["D"]
    assert carry_selection(w, ["D"]) == ["v", "w"]
    assert carry_selection(w, carry_selection(w, ["D"]), forward=False) == ["D"]  # the round trip
    assert carry_selection(w, ["E"]) == ["t", "u"]
