"""The coverage map builder (as a folium object) and the standalone HTML export."""

from __future__ import annotations

import dataclasses
import datetime as dt

import folium
import pandas as pd
import pytest

from infra.engine.engine import Engine
from infra.views.coverage_map import MapView, coverage_map
from infra.views.export import map_for_export, metric_values
from tests.cli import run_cli

EVIL = "<img src=x onerror=alert(1)>"
AS_OF = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def metrics(default_ds):
    return Engine(default_ds.units, default_ds.sites, default_ds.radios, default_ds.zones).metrics(AS_OF)


def names(m: folium.Map) -> list[str]:
    return [c.layer_name for c in m._children.values() if hasattr(c, "layer_name")]


def layer(m: folium.Map, prefix: str):
    return next(c for c in m._children.values() if getattr(c, "layer_name", "").startswith(prefix))


def features(m: folium.Map, prefix: str) -> list[dict]:
    """The GeoJSON features of a layer, or of every GeoJSON layer in a group."""
    found = layer(m, prefix)
    parts = [found] if hasattr(found, "data") else [c for c in found._children.values() if hasattr(c, "data")]
    return [f for part in parts for f in part.data["features"]]


def test_layers_legend_and_notices(default_ds, metrics):
    view = MapView(layer="district", as_of=AS_OF, footprints="5G")
    m = coverage_map(default_ds, view, metric_values(metrics, view))
    got = names(m)
    for prefix in ("Choropleth: area_coverage_pct 4G/* (%)", "Passive sites by mast class", "Bulky masts in",
                   "2G (", "2G off", "3G", "4G", "5G (", "5G pilot", "Restricted zones", "Footprints 5G"):
        assert any(n.startswith(prefix) for n in got), prefix
    assert len(layer(m, "Choropleth").data["features"]) == 30
    html = m.get_root().render()
    assert "area_coverage_pct 4G/* (%)" in html and "SYNTHETIC" in html and "APPROXIMATE" in html
    assert "leaflet.fullscreen" in html.lower() or "Fullscreen" in html
    assert "MeasureControl" in html or "measure" in html.lower()


def test_as_of_switches_2g_off_and_pilots(default_ds, metrics):
    def count(m, prefix):
        return sum(len(f["geometry"]["coordinates"]) for f in layer(m, prefix).data["features"])

    early = coverage_map(default_ds, MapView(as_of=dt.date(2020, 6, 30)), pd.Series(dtype=float))
    late = coverage_map(default_ds, MapView(as_of=dt.date(2026, 12, 31)), pd.Series(dtype=float))
    assert count(early, "5G pilot") > 0 and count(late, "5G pilot") == 0
    assert count(early, "2G (") > 0 and count(late, "2G (") == 0 and count(late, "2G off") > count(early, "2G off")


def test_unit_and_operator_filters(default_ds, metrics):
    view = MapView(layer="district", as_of=AS_OF, units=("002",), operators=("Gmobile",))
    m = coverage_map(default_ds, view, metric_values(metrics, view))
    assert len(layer(m, "Choropleth").data["features"]) == 1
    full = coverage_map(default_ds, MapView(layer="district", as_of=AS_OF, units=("002",)), pd.Series(dtype=float))
    assert len(features(m, "Passive sites")) < len(features(full, "Passive sites"))


def test_popups_carry_escaped_history(default_ds, metrics):
    sites = default_ds.sites.copy()
    first = sites.index[sites["district_code"] == "002"][0]
    sites.loc[first, ["name", "owner"]] = [EVIL, EVIL]
    ds = dataclasses.replace(default_ds, sites=sites)
    m = map_for_export(ds, MapView(layer="district", as_of=AS_OF, units=("002",), title=EVIL), metrics=metrics)
    popups = [f["properties"]["history"] for f in features(m, "Passive sites")]
    assert any("&lt;img src=x onerror=alert(1)&gt;" in p for p in popups)
    assert all("built" in p for p in popups)
    assert any("4G " in p and "–" in p for p in popups)
    html = m.get_root().render()
    assert EVIL not in html
    assert html.count("onerror") == 3  # name and owner in the one history, and the title: no style switch copies


def test_cli_export_map(tmp_path):
    out = tmp_path / "map.html"
    proc = run_cli("export-map", "--layer", "district", "--unit", "005", "--as-of", "2025-12-31", "-o", out)
    assert proc.returncode == 0, proc.stderr
    html = out.read_text()
    assert "as of 2025-12-31" in html and "district: 005" in html and "OpenStreetMap contributors" in html
    assert "SYNTHETIC" in html
    bad = run_cli("export-map", "--unit", "999", "-o", out)
    assert bad.returncode == 2 and "unknown unit code(s) 999" in bad.stderr


def test_only_site_markers_take_clicks(default_ds, metrics):
    """Technology layers are drawn over the sites; a click must reach the site below and open its history."""
    m = coverage_map(default_ds, MapView(layer="district", as_of=AS_OF), pd.Series(dtype=float))
    assert layer(m, "5G (").marker.options["interactive"] is False
    sites = [c for c in layer(m, "Passive sites")._children.values() if hasattr(c, "marker")]
    assert sites and all(c.marker.options["interactive"] is True for c in sites)
