"""The synthetic demo inventory is consistent with DOMAIN.md and the contract."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from infra import contract, settings
from infra.defaults.synthetic import MY_DINH_LONLAT, build_synthetic_inventory


@pytest.fixture(scope="module")
def inv(default_ds):
    return default_ds.sites, default_ds.radios


def test_inventory_follows_the_contract(inv):
    sites, radios = inv
    contract.validate_sites(sites)
    contract.validate_radios(radios, sites=sites)
    assert 4000 <= len(sites) <= 10000
    assert sites["name"].str.startswith("Synthetic").all()


def test_urban_wards_are_denser(inv, default_ds):
    sites = inv[0]
    d = default_ds.layer("district").set_index("unit_code")
    counts = sites.groupby("district_code").size()
    density = counts / d["area_km2"]
    urban, rural = density[d["unit_type"] == "quận"], density[d["unit_type"] == "huyện"]
    assert urban.median() > 4 * rural.median()


def test_operators_and_sharing(inv):
    sites, radios = inv
    assert set(radios["operator"]) == set(settings.OPERATORS)
    hosts = radios.groupby("operator")["site_id"].nunique()
    assert hosts.idxmax() == "Viettel" and hosts["Gmobile"] < hosts["Vietnamobile"] < hosts["MobiFone"]
    shared = radios.groupby("site_id")["operator"].nunique().ge(2).mean()
    assert 0.28 <= shared <= 0.38
    assert radios.groupby("site_id")["operator"].nunique().max() <= 4


def test_two_g_switched_off_between_handset_cutoff_and_network_off(inv):
    sites, radios = inv
    g2 = radios[radios["technology"] == "2G"].merge(sites[["site_id", "removed_on"]], on="site_id")
    assert g2["off_date"].notna().all()
    assert (g2["off_date"] <= pd.Timestamp(settings.TWO_G_NETWORK_OFF)).all()
    natural = g2[g2["removed_on"].isna()]
    assert (natural["off_date"] >= pd.Timestamp(settings.TWO_G_HANDSET_CUTOFF)).all()


def test_four_g_grows_from_2017(inv):
    radios = inv[1]
    g4 = radios[radios["technology"] == "4G"]
    assert g4["on_date"].min() >= pd.Timestamp("2017-01-01")
    by_year = g4["on_date"].dt.year.value_counts().sort_index().cumsum()
    assert by_year.is_monotonic_increasing and by_year[2020] > 0.6 * by_year.iloc[-1]


def test_five_g_pilots_and_commercial(inv):
    sites, radios = inv
    g5 = radios[radios["technology"] == "5G"]
    pilots = g5[g5["pilot"]]
    viettel = pilots[pilots["operator"] == "Viettel"]
    assert 0 < viettel["site_id"].nunique() <= 140
    assert pilots["on_date"].min() >= pd.Timestamp("2019-01-01")
    assert (pilots["off_date"] <= pd.Timestamp(settings.VIETTEL_5G_TRIAL_END)).all()
    pts = sites[sites["site_id"].isin(viettel["site_id"])].to_crs(settings.METRIC_CRS)
    my_dinh = gpd.GeoSeries([shapely.Point(MY_DINH_LONLAT)], crs=4326).to_crs(settings.METRIC_CRS).iloc[0]
    assert (pts.distance(my_dinh) < 2000).sum() >= 20
    commercial = g5[~g5["pilot"]]
    assert commercial["on_date"].min() >= pd.Timestamp(settings.VIETTEL_5G_COMMERCIAL)
    first = commercial.groupby("operator")["on_date"].min()
    assert first["Viettel"] < first["MobiFone"]


def test_bulky_masts_in_restricted_zones_are_converted(inv):
    sites = inv[0]
    zone = sites[sites["in_zone"]]
    bulky = zone[zone["mast_class"].isin(settings.BULKY_MAST_CLASSES)]
    assert len(bulky) > 0
    assert (bulky["built_on"] < pd.Timestamp(settings.PLAN_DECISION_DATE)).all()  # no new bulky masts
    assert bulky["removed_on"].notna().all()
    assert (bulky["removed_on"] < pd.Timestamp("2025-01-01")).all()
    assert (bulky["removed_on"] <= pd.Timestamp("2020-12-31")).mean() >= 0.5
    repl = sites.set_index("replaces").loc[bulky["site_id"]]
    assert (repl["mast_class"] == "A1b").all()
    assert (repl["built_on"].to_numpy() == bulky["removed_on"].to_numpy()).all()


def test_radios_live_within_their_site(inv):
    sites, radios = inv
    r = radios.merge(sites[["site_id", "built_on", "removed_on"]], on="site_id")
    assert (r["on_date"] >= r["built_on"]).all()
    ended = r["removed_on"].notna()
    assert (r.loc[ended, "off_date"] <= r.loc[ended, "removed_on"]).all()


def test_seed_makes_it_deterministic(default_ds):
    wards = gpd.read_file(settings.DEFAULT_GPKG, layer="wards_legacy")  # the legacy wards the build keeps
    wards = wards[wards["district_code"].isin(["002", "282"])]  # Hoàn Kiếm + Mỹ Đức: quick
    a = build_synthetic_inventory(wards, default_ds.zones, seed=7)
    b = build_synthetic_inventory(wards, default_ds.zones, seed=7)
    c = build_synthetic_inventory(wards, default_ds.zones, seed=8)
    pd.testing.assert_frame_equal(a[1], b[1])
    assert not a[1].equals(c[1])
