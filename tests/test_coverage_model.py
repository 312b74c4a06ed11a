"""Range models reproduce the peer figures of DOMAIN.md; own ranges win."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from infra.engine.model import hata_range_m, radio_ranges, uma_nlos_range_m


@pytest.mark.parametrize(
    ("f", "clutter", "loss", "km"),
    [(1800, "urban", 130, 0.55), (1800, "urban", 140, 1.05),   # COST-231 metropolitan
     (900, "urban", 130, 1.3), (900, "urban", 140, 2.4)],      # Hata urban
)
def test_hata_matches_peer_ranges(f, clutter, loss, km):
    got = hata_range_m(np.array([float(f)]), np.array([clutter]), np.array([float(loss)]))[0] / 1000
    assert got == pytest.approx(km, rel=0.03)


@pytest.mark.parametrize(("loss", "km"), [(130, 0.50), (140, 0.91)])
def test_uma_nlos_matches_peer_ranges(loss, km):
    assert uma_nlos_range_m(np.array([3500.0]), np.array([float(loss)]))[0] / 1000 == pytest.approx(km, rel=0.01)


def test_clutter_orders_ranges_and_ranges_are_capped():
    r = hata_range_m(np.full(3, 900.0), np.array(["urban", "suburban", "rural"]), np.full(3, 135.0))
    assert r[0] < r[1] < r[2] <= 20_000


def test_radio_ranges_use_own_range_then_model():
    radios = pd.DataFrame({"technology": ["2G", "5G", "4G"], "band_mhz": [900.0, None, 1800.0],
                           "range_m": [None, None, 750.0]})
    fixed = radio_ranges(radios, model="fixed")
    assert fixed.tolist() == [12_000.0, 500.0, 750.0]
    pl = radio_ranges(radios, pd.Series(["urban", "urban", "rural"]), model="pathloss")
    assert pl[1] == pytest.approx(uma_nlos_range_m(np.array([3500.0]), np.array([135.0]))[0])
    assert pl[2] == 750.0
    assert radio_ranges(radios, model="fixed", fixed_radii_m={"5G": 300.0})[1] == 300.0


def test_unknown_model_is_refused():
    with pytest.raises(ValueError, match="unknown coverage model 'magic'"):
        radio_ranges(pd.DataFrame({"technology": ["4G"], "band_mhz": [1800.0], "range_m": [None]}), model="magic")
