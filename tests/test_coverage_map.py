"""The coverage map builder (a map document, tested as an object) and the standalone HTML export."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pandas as pd
import pytest

from infra import settings
from infra.engine.engine import Engine, ModelOptions
from infra.i18n import percent
from infra.views.coverage_map import CLUSTER, DIVERGING, SCALE, MapView, coverage_map, fill_colours
from infra.views.export import map_for_export, metric_values, standalone_html
from infra.views.map_parts import map_parts
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


def test_fill_colours_run_linearly_through_the_scale():
    # by hand: 25 % lies halfway from #f7fbff to #6baed6, (247+107)/2 = 177 = b1, (251+174)/2 = 212.5 → d5, …
    assert fill_colours(SCALE, 0.0, 100.0, [25, 0, 50, 100, -3, 77.7, 250]) == [
        "#b1d5ebff", "#f7fbffff", "#6baed6ff", "#08306bff", "#f7fbffff", "#34689bff", "#08306bff"]
    assert fill_colours(DIVERGING, -4.0, 4.0, [-1, 0, 3.3]) == ["#e6d0bbff", "#f7f7f7ff", "#704b9cff"]
    assert fill_colours(SCALE, 5.0, 5.0, [4, 5, 6]) == ["#f7fbffff", "#f7fbffff", "#08306bff"]  # one value


def test_layers_legends_and_notices(default_ds, metrics):
    view = MapView(layer="district", as_of=AS_OF, footprints="5G")
    doc = coverage_map(default_ds, view, metric_values(metrics, view))
    got = names(doc)
    for prefix in ("Choropleth: 5G area coverage (%)", "Passive sites by mast class", "Bulky masts in",
                   "Shared sites (", "2G (", "2G switched off", "3G", "4G", "5G (", "5G pilot", "Restricted zones",
                   "Footprints 5G, fixed radius model"):
        assert any(n.startswith(prefix) for n in got), prefix
    assert doc.state["scale"]["caption"] == "5G area coverage (%)"
    assert doc.state["scale"]["ticks"] == ["0", "50", "100"]
    radio, masts = doc.state["legends"]
    assert [i["label"] for i in radio["items"]] == ["2G", "2G switched off", "3G", "4G", "5G", "5G pilot"]
    assert {"A1a", "A2b", "pole / small cell", "indoor system"} <= {i["label"] for i in masts["items"]}
    from infra import i18n

    with i18n.language("vi", "app"):
        in_vi = coverage_map(default_ds, view, metric_values(metrics, view))
    vi = {i["label"] for i in in_vi.state["legends"][1]["items"]}
    assert {"A1a", "cột đơn / small cell (pole)", "hệ thống trong nhà (indoor)"} <= vi and "pole" not in vi
    colours = [i["colour"] for i in radio["items"]]
    assert len(set(colours)) == len(colours) and not set(colours) & {i["colour"] for i in masts["items"]}
    assert {i["shape"] for i in masts["items"]} >= {"triangle", "square", "ring", "cross", "cluster"}
    notices = " ".join(doc.state["notices"])
    assert "invented for this demonstration" in notices and "approximate" in notices
    assert "approximate" in doc.state["notice_title"]
    values = metric_values(metrics, view)
    assert values.nunique() > 3  # the default view varies from unit to unit (4G is 100 % everywhere)
    for f in doc.load(doc.state["units"]["ref"])["features"]:  # a value text and a fill per unit, in the part's order
        i, code = f["properties"]["i"], f["properties"]["code"]
        assert doc.state["units"]["text"][i] == percent(values[code]) and doc.state["units"]["fill"][i] != "#cccccc"
    footprint = doc.load(doc.layer("footprints")["ref"])
    assert footprint["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert doc.layer("footprints")["show"] is True  # chosen, so drawn


def test_captions_are_words_per_operator_and_language(default_ds):
    from infra.i18n import language

    view = MapView(metric="sites_on_air", technology="4G", operator="Viettel")
    assert view.caption() == "4G sites on air · Viettel"
    with language("vi"):
        vi = MapView(metric="area_coverage_pct", technology="5G").caption()
    assert vi != "5G area coverage (%)" and "5G" in vi
    for v in (view, MapView(metric="two_g_off_pct", technology="*"), MapView(compare=dt.date(2024, 1, 1))):
        assert not re.search(r"[a-z]+_[a-z]+|\*|/", v.caption()), v.caption()  # no snake_case id, no "4G/*"


def test_footprint_radii_follow_the_model(default_ds):
    view = MapView(layer="district", as_of=AS_OF, footprints="4G")
    fixed = coverage_map(default_ds, view, pd.Series(dtype=float)).layer("footprints")
    big = ModelOptions(fixed_radii_m=(("4G", 1500.0),))
    wider = coverage_map(default_ds, dataclasses.replace(view, options=big), pd.Series(dtype=float))
    loss = coverage_map(default_ds, dataclasses.replace(view, options=ModelOptions(model="pathloss")),
                        pd.Series(dtype=float)).layer("footprints")
    assert fixed["radius_m"]["median"] == settings.FIXED_RADII_M["4G"]
    assert wider.layer("footprints")["radius_m"]["median"] == 1500 and "fixed" in wider.layer("footprints")["model"]
    assert loss["model"] == "pathloss" and loss["radius_m"]["median"] != fixed["radius_m"]["median"]
    eng = Engine.from_dataset(default_ds, options=ModelOptions(model="pathloss"))
    engine = coverage_map(default_ds, dataclasses.replace(view, options=ModelOptions(model="pathloss")),
                          pd.Series(dtype=float), ranges=eng.radios["range_m"].to_numpy()).layer("footprints")
    on = default_ds.radios["technology"].eq("4G").to_numpy()
    assert engine["radius_m"]["max"] <= round(float(eng.radios["range_m"].to_numpy()[on].max()))


def test_a_comparison_shows_the_change_on_a_diverging_scale(default_ds, metrics):
    then = Engine(default_ds.units, default_ds.sites, default_ds.radios, default_ds.zones).metrics(dt.date(2024, 6, 30))
    view = MapView(layer="district", as_of=AS_OF, compare=dt.date(2024, 6, 30))
    now, before = metric_values(metrics, view), metric_values(then, dataclasses.replace(view, as_of=view.compare))
    doc = coverage_map(default_ds, view, now, before=before)
    assert doc.state["scale"]["caption"].startswith("Change in 5G area coverage (%) from Jun 30, 2024")
    assert doc.state["scale"]["colours"] == DIVERGING and doc.state["scale"]["ticks"][1] == "0"
    code = (now - before).idxmax()
    i = doc.load(doc.state["units"]["ref"])["features"][[f["properties"]["code"] for f in doc.load(
        doc.state["units"]["ref"])["features"]].index(code)]["properties"]["i"]
    assert doc.state["units"]["text"][i].startswith("+")
    plain = coverage_map(default_ds, view, now)  # no values of the other date: the levels, and said so
    assert plain.state["scale"]["caption"] == "5G area coverage (%)" and plain.state["scale"]["colours"] == SCALE


def test_sites_are_grouped_at_city_zoom_and_shared_sites_marked(default_ds):
    doc = coverage_map(default_ds, MapView(layer="district", as_of=AS_OF), pd.Series(dtype=float))
    sites = doc.layer("sites")
    assert sites["cluster"] == CLUSTER and 10 <= CLUSTER["below_zoom"] <= 16
    shared = unmask(doc.layer("shared")["mask"], len(default_ds.sites))
    standing = unmask(sites["mask"], len(default_ds.sites))
    assert 0 < shared.sum() < standing.sum() and not (shared & ~standing).any()
    r = default_ds.radios
    on = r[(r["on_date"] <= pd.Timestamp(AS_OF)) & ~(r["off_date"] <= pd.Timestamp(AS_OF))]
    many = on.groupby("site_id")["operator"].nunique()
    expected = default_ds.sites["site_id"].isin(many.index[many > 1]).to_numpy() & standing
    assert (shared == expected).all()
    assert doc.layer("shared")["shape"] == "ring"


def test_tooltips_carry_the_crosswalk(default_ds):
    parts = map_parts(default_ds)
    new = coverage_map(default_ds, MapView(layer="commune_2025"), pd.Series(dtype=float), parts=parts)
    old = coverage_map(default_ds, MapView(layer="district"), pd.Series(dtype=float), parts=parts)
    assert new.state["units"]["crosswalk"] == "former" and old.state["units"]["crosswalk"] == "new"
    ba_dinh = next(f for f in new.load(new.state["units"]["ref"])["features"] if f["properties"]["code"] == "00004")
    assert ba_dinh["properties"]["x"][0][0] == "Ba Đình" and ba_dinh["properties"]["x"][0][1] >= 90
    districts = {f["properties"]["code"]: f["properties"]["x"] for f in old.load(old.state["units"]["ref"])["features"]}
    assert all(districts.values()) and 95 <= sum(s for _n, s in districts["001"]) <= 105  # the district, whole
    assert "{units}" in new.state["words"]["tooltip_former"] and "{share}" in new.state["words"]["share"]


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
    assert len(popups) == count(doc, "sites") and any(p.startswith(f"{EVIL}\t") for p in popups)
    fields = [p.split("\t") for p in popups]
    assert all(f[4].isdigit() for f in fields)  # built: days since 1970
    radios = [r.split(":") for f in fields for r in f[6:]]
    assert radios and all(r[0] in ("2G", "3G", "4G", "5G", "5G*") and r[2].isdigit() for r in radios)
    assert {doc.state["operators"][int(r[1])] for r in radios} <= set(settings.OPERATORS)
    words = doc.state["words"]
    assert "{on}" in words["popup_on"] and "{off}" in words["popup_off"] and words["date"] == "{mon} {d}, {y}"
    assert doc.state["title"]["heading"] == EVIL  # shown as text by the renderer
    html = standalone_html(doc)
    assert EVIL not in html


@pytest.mark.parametrize(("lang", "sources"), [("vi", "Nguồn dữ liệu: "), ("en", "Sources: ")])
def test_an_export_speaks_the_language_it_was_made_in(default_ds, metrics, lang, sources):
    from infra import i18n
    from infra.views.labels import frame_label

    with i18n.language(lang, "app"):
        doc = map_for_export(default_ds, MapView(layer="district", as_of=AS_OF), metrics=metrics)
        html = standalone_html(doc)
        words = [frame_label(k) for k in default_ds.provenance]
    [line] = [t for t in doc.state["title"]["small"] if t.startswith(sources)]
    assert all(f"{w}: " in line for w in words)  # the frames in words, not their keys (units, radios…)
    assert lang == "en" or not any(f"{k}: " in line for k in default_ds.provenance)
    assert f'<html lang="{lang}">' in html


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
    assert "as of Dec 31, 2025" in html and ": 005 ·" in html and "OpenStreetMap contributors" in html
    assert "invented for this demonstration" in html and "Leaflet 1.9.3" in html and "IttMap" in html
    assert "https://cdn" not in html and "unpkg" not in html  # nothing from a CDN
    assert "<script src=" not in html and "<link" not in html
    bad = run_cli("export-map", "--unit", "999", "-o", out)
    assert bad.returncode == 2 and "unknown unit code(s) 999" in bad.stderr


def test_only_site_markers_take_clicks(default_ds):
    """Technology layers are drawn over the sites; a click must reach the site below and open its history."""
    doc = coverage_map(default_ds, MapView(layer="district", as_of=AS_OF), pd.Series(dtype=float))
    assert [p["key"] for p in doc.state["points"] if p.get("interactive")] == ["sites"]
