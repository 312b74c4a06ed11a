"""The coverage map builder (a map document, tested as an object) and the standalone HTML export."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from infra.engine.engine import Engine
from infra.views.coverage_map import MapView, coverage_map
from infra.views.export import map_for_export, metric_values, standalone_html
from infra.views.maps import unmask
from tests.cli import run_cli

EVIL = "<img src=x onerror=alert(1)>"
AS_OF = dt.date(2025, 12, 31)


@pytest.fixture(scope="module")
def metrics(default_ds):
    return Engine(default_ds.units, default_ds.sites, default_ds.radios, default_ds.zones).metrics(AS_OF)


def names(doc) -> list[str]:
    return [doc.state["units"]["name"]] + [x["name"] for x in (*doc.state["points"], *doc.state["overlays"])]


def count(doc, key: str) -> int:
    n = len(doc.load(doc.state["sites"]["ref"])["lon"])
    return int(unmask(doc.layer(key)["mask"], n).sum())


def test_layers_legend_and_notices(default_ds, metrics):
    view = MapView(layer="district", as_of=AS_OF, footprints="5G")
    doc = coverage_map(default_ds, view, metric_values(metrics, view))
    got = names(doc)
    for prefix in ("Choropleth: area_coverage_pct 4G/* (%)", "Passive sites by mast class", "Bulky masts in",
                   "2G (", "2G off", "3G", "4G", "5G (", "5G pilot", "Restricted zones", "Footprints 5G"):
        assert any(n.startswith(prefix) for n in got), prefix
    assert doc.state["scale"]["caption"] == "area_coverage_pct 4G/* (%)"
    assert doc.state["scale"]["ticks"] == ["0", "50", "100"]
    labels = [label for label, _ in doc.state["legend"]["items"]]
    assert {"2G off", "5G pilot", "A1a", "A2b"} <= set(labels)
    notices = " ".join(doc.state["notices"])
    assert "invented for this demonstration" in notices and "approximate" in notices
    values = metric_values(metrics, view)
    for f in doc.load(doc.state["units"]["ref"])["features"]:  # a value text and a fill per unit, in the part's order
        i, code = f["properties"]["i"], f["properties"]["code"]
        assert doc.state["units"]["text"][i] == f"{values[code]:,.2f}" and doc.state["units"]["fill"][i] != "#cccccc"
    footprint = doc.load(doc.layer("footprints")["ref"])
    assert footprint["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_as_of_switches_2g_off_and_pilots(default_ds):
    early = coverage_map(default_ds, MapView(as_of=dt.date(2020, 6, 30)), pd.Series(dtype=float))
    late = coverage_map(default_ds, MapView(as_of=dt.date(2026, 12, 31)), pd.Series(dtype=float))
    assert count(early, "tech:5G pilot") > 0 and count(late, "tech:5G pilot") == 0
    assert count(early, "tech:2G") > 0 and count(late, "tech:2G") == 0
    assert count(late, "tech:2G off") > count(early, "tech:2G off")


def test_unit_and_operator_filters(default_ds, metrics):
    full = coverage_map(default_ds, MapView(layer="district", as_of=AS_OF, units=("002",)), pd.Series(dtype=float))
    views = {op: MapView(layer="district", as_of=AS_OF, units=("002",), operators=(op,))
             for op in sorted(set(default_ds.radios["operator"]))}
    each = {op: count(coverage_map(default_ds, v, pd.Series(dtype=float)), "sites") for op, v in views.items()}
    rarest = min((n, op) for op, n in each.items() if n)[1]  # the synthetic draw decides which operator it is
    doc = coverage_map(default_ds, views[rarest], metric_values(metrics, views[rarest]))
    assert unmask(doc.state["units"]["shown"], 30).sum() == 1 and doc.state["bounds"] is not None
    assert 0 < count(doc, "sites") < count(full, "sites")
    sites = default_ds.sites.reset_index(drop=True)
    shown = unmask(full.layer("sites")["mask"], len(sites))
    assert set(sites.loc[shown, "district_code"]) == {"002"}  # only the selected unit's sites


def test_popups_carry_the_history(default_ds, metrics):
    sites = default_ds.sites.copy()
    first = sites.index[sites["district_code"] == "002"][0]
    sites.loc[first, ["name", "owner"]] = [EVIL, EVIL]
    ds = dataclasses.replace(default_ds, sites=sites)
    doc = map_for_export(ds, MapView(layer="district", as_of=AS_OF, units=("002",), title=EVIL), metrics=metrics)
    popups = doc.load(doc.state["sites"]["popups"])["text"]
    assert len(popups) == count(doc, "sites") and any(EVIL in p for p in popups)
    assert all("built" in p for p in popups)
    assert any("4G " in p and "–" in p for p in popups)
    assert doc.state["title"]["heading"] == EVIL  # shown as text by the renderer
    html = standalone_html(doc)
    assert EVIL not in html


def test_an_export_of_one_unit_carries_that_unit_alone(default_ds, metrics):
    view = MapView(layer="district", as_of=AS_OF, units=("005",))
    doc = map_for_export(default_ds, view, metrics=metrics)
    units = doc.load(doc.state["units"]["ref"])["features"]
    assert [f["properties"]["code"] for f in units] == ["005"]
    sites = doc.load(doc.state["sites"]["ref"])
    n = len(sites["lon"])
    assert n == count(doc, "sites") and n == len(doc.load(doc.state["sites"]["popups"])["text"])
    everything = map_for_export(default_ds, MapView(layer="district", as_of=AS_OF), metrics=metrics)
    assert n < len(everything.load(everything.state["sites"]["ref"])["lon"])


def test_cli_export_map(tmp_path):
    out = tmp_path / "map.html"
    proc = run_cli("export-map", "--layer", "district", "--unit", "005", "--as-of", "2025-12-31", "-o", out)
    assert proc.returncode == 0, proc.stderr
    html = out.read_text()
    assert "as of 2025-12-31" in html and "district: 005" in html and "OpenStreetMap contributors" in html
    assert "invented for this demonstration" in html and "Leaflet 1.9.3" in html and "IttMap" in html
    assert "https://cdn" not in html and "unpkg" not in html  # nothing from a CDN
    assert "<script src=" not in html and "<link" not in html
    bad = run_cli("export-map", "--unit", "999", "-o", out)
    assert bad.returncode == 2 and "unknown unit code(s) 999" in bad.stderr


def test_only_site_markers_take_clicks(default_ds):
    """Technology layers are drawn over the sites; a click must reach the site below and open its history."""
    doc = coverage_map(default_ds, MapView(layer="district", as_of=AS_OF), pd.Series(dtype=float))
    assert [p["key"] for p in doc.state["points"] if p.get("interactive")] == ["sites"]
