"""Shared map pieces and the escaping of every data text, tested on the real builder as objects."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import folium
import pandas as pd

from infra import settings
from infra.views.coverage_map import MapView, coverage_map
from infra.views.maps import active_sites, escape, legend_box, notice_box, render_once, unit_at

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


def test_template_syntax_in_data_is_shown_not_evaluated(default_ds):
    """branca renders each element's output again as Jinja: braces in names must not be evaluated."""
    sites = default_ds.sites.copy()
    standing = sites.index[(sites["district_code"] == "002") & sites["removed_on"].isna()]
    sites.loc[standing[0], "name"] = "SUM {{ 7*7 }} END"
    sites.loc[standing[1], "name"] = "BAD {% if %} END"
    units = default_ds.units.copy()
    units.loc[units["unit_code"] == "002", "name"] = "{{ config }}"
    ds = dataclasses.replace(default_ds, sites=sites, units=units)
    html = coverage_map(ds, MapView(layer="district", units=("002",)), pd.Series(dtype=float)).get_root().render()
    assert "SUM 49 END" not in html
    assert "SUM &#123;&#123; 7*7 &#125;&#125; END" in html.replace("\\u0026", "&")
    assert "BAD &#123;% if %&#125; END" in html.replace("\\u0026", "&")
    assert "&#123;&#123; config &#125;&#125;" in html.replace("\\u0026", "&")
    assert escape("{{ x }}") == "&#123;&#123; x &#125;&#125;"


def test_map_script_is_the_same_on_every_render(default_ds):
    """streamlit-folium keys its component by the script: it must not change between reruns."""
    from streamlit_folium import _get_header, _get_html, _get_map_string  # what st_folium sends on each rerun

    def view():
        return coverage_map(default_ds, MapView(layer="district", units=("001", "002")), pd.Series(dtype=float))

    m = view()
    sent = []
    for _ in range(3):
        m.get_root().render()
        sent.append((_get_map_string(m), _get_html(m), _get_header(m)))
    assert sent[0] == sent[1] == sent[2]
    assert not re.search(r"_[0-9a-f]{32}\b", sent[2][0])  # no random folium ids left to dangle
    assert view().get_root().render() == view().get_root().render()  # exports are reproducible


def test_render_once_keeps_the_first_render(default_ds):
    m = coverage_map(default_ds, MapView(layer="district", units=("001",)), pd.Series(dtype=float))
    first = render_once(m).get_root().render()
    m.add_child(folium.Marker([21.0, 105.8]))  # ignored: the map is frozen after its first render
    assert m.get_root().render() == first and "L.marker" not in first


def test_unit_at_a_clicked_point(default_ds):
    units = default_ds.layer("district")
    hbt = units.set_index("unit_code").loc["007", "geometry"].representative_point()
    assert unit_at(units, hbt.x, hbt.y) == "007"
    assert unit_at(units, 100.0, 10.0) is None
    assert unit_at(units.to_crs(settings.METRIC_CRS), hbt.x, hbt.y) == "007"  # any CRS: the click is WGS84
