"""Map builders are tested as folium objects."""

from __future__ import annotations

import dataclasses
import datetime as dt

import folium
import pandas as pd

from infra.maps import active_sites, overview_map

EVIL = "<img src=x onerror=alert(1)>"


def _layer_names(m: folium.Map) -> list[str]:
    return [c.layer_name for c in m._children.values() if hasattr(c, "layer_name")]


def test_overview_map_has_units_zones_sites_and_notices(default_ds):
    m = overview_map(default_ds, layer="district", as_of=dt.date(2025, 12, 31))
    assert isinstance(m, folium.Map)
    names = _layer_names(m)
    assert "Admin units: district" in names and "Restricted zones" in names
    assert "Passive sites on 2025-12-31" in names
    html = m.get_root().render()
    assert "Mast class" in html and "A2b" in html
    assert "SYNTHETIC" in html and "APPROXIMATE" in html


def test_units_layer_draws_every_unit(default_ds):
    for layer, n in (("district", 30), ("commune_2025", 126)):
        m = overview_map(default_ds, layer=layer)
        gj = next(c for c in m._children.values() if getattr(c, "layer_name", "") == f"Admin units: {layer}")
        assert len(gj.data["features"]) == n


def test_sites_follow_the_as_of_date(default_ds):
    early = active_sites(default_ds.sites, dt.date(2012, 1, 1))
    late = active_sites(default_ds.sites, dt.date(2030, 12, 31))
    assert 0 < len(early) < len(late)
    converted = default_ds.sites[default_ds.sites["removed_on"].notna()]
    assert not converted["site_id"].isin(late["site_id"]).any()


def test_user_text_is_escaped_in_popups_and_notices(default_ds):
    sites = default_ds.sites.copy()
    sites.loc[sites.index[0], ["name", "owner"]] = [EVIL, EVIL]
    sites.loc[sites.index[0], "built_on"] = pd.Timestamp("2000-01-01")
    units = default_ds.units.copy()
    units.loc[units.index[0], "name"] = EVIL
    prov = dict(default_ds.provenance)
    prov["sites"] = dataclasses.replace(prov["sites"], source=EVIL)
    ds = dataclasses.replace(default_ds, sites=sites, units=units, provenance=prov)
    html = overview_map(ds, layer="district").get_root().render()
    assert EVIL not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
