"""Shared map pieces and the escaping of every data text, tested on the real builder as objects."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from infra.coverage_map import MapView, coverage_map
from infra.maps import active_sites, legend_box, notice_box

EVIL = "<img src=x onerror=alert(1)>"


def _choropleth(m):
    return next(c for c in m._children.values() if getattr(c, "layer_name", "").startswith("Choropleth"))


def test_every_unit_of_each_layer_is_drawn(default_ds):
    for layer, n in (("district", 30), ("commune_2025", 126)):
        m = coverage_map(default_ds, MapView(layer=layer), pd.Series(dtype=float))
        assert len(_choropleth(m).data["features"]) == n


def test_sites_follow_the_as_of_date(default_ds):
    early = active_sites(default_ds.sites, dt.date(2012, 1, 1))
    late = active_sites(default_ds.sites, dt.date(2030, 12, 31))
    assert 0 < len(early) < len(late)
    converted = default_ds.sites[default_ds.sites["removed_on"].notna()]
    assert not converted["site_id"].isin(late["site_id"]).any()


def test_boxes_escape_their_text():
    assert EVIL not in notice_box([EVIL]).render() and "&lt;img" in notice_box([EVIL]).render()
    assert EVIL not in legend_box(EVIL, {EVIL: "#000"}).render()


def test_unit_names_sites_and_provenance_are_escaped(default_ds):
    sites = default_ds.sites.copy()
    sites.loc[sites.index[0], ["name", "owner"]] = [EVIL, EVIL]
    sites.loc[sites.index[0], "built_on"] = pd.Timestamp("2000-01-01")
    units = default_ds.units.copy()
    units.loc[units.index[0], "name"] = EVIL
    prov = dict(default_ds.provenance)
    prov["sites"] = dataclasses.replace(prov["sites"], source=EVIL)
    ds = dataclasses.replace(default_ds, sites=sites, units=units, provenance=prov)
    html = coverage_map(ds, MapView(layer="district"), pd.Series(dtype=float)).get_root().render()
    assert EVIL not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html.replace("\\u0026", "&")
