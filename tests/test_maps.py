"""Shared map pieces, the map document and the safety of every data text, tested on the real builder as objects."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from infra.views import map_parts
from infra.views.coverage_map import MapView, coverage_map
from infra.views.export import map_for_export, standalone_html
from infra.views.maps import active_sites, map_words, mask, part, selected_unit, to_json, unmask

EVIL = "<img src=x onerror=alert(1)>"
CLOSE = "</script><script>alert(1)</script>"
WEB = Path(__file__).resolve().parent.parent / "infra" / "web"


def test_every_unit_of_each_layer_is_drawn(default_ds):
    parts = map_parts(default_ds)
    for layer, n in (("district", 30), ("commune_2025", 126)):
        doc = coverage_map(default_ds, MapView(layer=layer), pd.Series(dtype=float), parts=parts)
        units = doc.load(doc.state["units"]["ref"])
        assert len(units["features"]) == n and unmask(doc.state["units"]["shown"], n).all()
        assert doc.state["units"]["text"] == ["no data"] * n and set(doc.state["units"]["fill"]) == {"#cccccc"}


def test_sites_follow_the_as_of_date(default_ds):
    early = active_sites(default_ds.sites, dt.date(2012, 1, 1))
    late = active_sites(default_ds.sites, dt.date(2030, 12, 31))
    assert 0 < len(early) < len(late)
    converted = default_ds.sites[default_ds.sites["removed_on"].notna()]
    assert not converted["site_id"].isin(late["site_id"]).any()


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 5756])
def test_masks_round_trip(n):
    rng = np.random.default_rng(n)
    sel = rng.random(n) < 0.3
    assert (unmask(mask(sel), n) == sel).all()
    assert len(mask(np.ones(5756, bool))) == 960  # 5,756 sites in under a kilobyte


def test_parts_are_named_by_their_content():
    ref, body = part({"a": [1, 2]})
    assert (ref, body) == part({"a": [1, 2]}) and ref != part({"a": [1, 3]})[0]
    assert json.loads(body) == {"a": [1, 2]}


def test_json_in_a_script_cannot_close_it():
    text = to_json({"name": CLOSE, "owner": EVIL})
    assert "<" not in text and ">" not in text and json.loads(text) == {"name": CLOSE, "owner": EVIL}


def test_a_click_selects_only_a_new_known_unit():
    codes = {"001", "007"}
    assert selected_unit({"unit": "007", "click": "a"}, None, codes) == "007"
    assert selected_unit({"unit": "007", "click": "a"}, "a", codes) is None
    assert selected_unit({"unit": "999", "click": "b"}, "a", codes) is None
    assert selected_unit(None, None, codes) is None and selected_unit("007", None, codes) is None


def test_data_texts_reach_the_page_as_text_only(default_ds):
    """Names, owners, sources: plain text in the parts (the renderer sets textContent), never raw in the HTML."""
    sites = default_ds.sites.copy()
    sites.loc[sites.index[0], ["name", "owner"]] = [CLOSE, EVIL]
    sites.loc[sites.index[0], "built_on"] = pd.Timestamp("2000-01-01")
    units = default_ds.units.copy()
    units.loc[units.index[0], "name"] = EVIL
    prov = dict(default_ds.provenance)
    prov["sites"] = dataclasses.replace(prov["sites"], source=EVIL)
    ds = dataclasses.replace(default_ds, sites=sites, units=units, provenance=prov)
    doc = map_for_export(ds, MapView(layer="district", title=EVIL), metrics=pd.DataFrame(
        columns=["layer", "unit_code", "as_of", "metric", "technology", "operator", "value"]))
    popups = doc.load(doc.state["sites"]["popups"])["text"]
    assert any(CLOSE in p and EVIL in p for p in popups)  # as typed: shown as text, not markup
    html = standalone_html(doc)
    assert EVIL not in html and CLOSE not in html and "{{" not in html.split("<script>IttMap")[1]
    assert html.count("<script") == html.count("</script>")  # no script closed early by data
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the page title, HTML-escaped


def test_template_syntax_in_data_is_kept_as_typed(default_ds):
    sites = default_ds.sites.copy()
    standing = sites.index[(sites["district_code"] == "002") & sites["removed_on"].isna()]
    sites.loc[standing[0], "name"] = "SUM {{ 7*7 }} END"
    ds = dataclasses.replace(default_ds, sites=sites)
    doc = coverage_map(ds, MapView(layer="district", units=("002",)), pd.Series(dtype=float))
    assert any("SUM {{ 7*7 }} END" in p for p in doc.load(doc.state["sites"]["popups"])["text"])


def test_the_same_view_gives_the_same_state_and_file(default_ds):
    """The component keeps its map when the state is the same; exports are reproducible."""
    def view():
        return coverage_map(default_ds, MapView(layer="district", units=("001", "002")), pd.Series(dtype=float))

    assert to_json(view().state) == to_json(view().state)
    assert view().parts == view().parts
    export = MapView(layer="district", units=("001",), as_of=dt.date(2025, 12, 31))
    metrics = pd.DataFrame(columns=["layer", "unit_code", "as_of", "metric", "technology", "operator", "value"])
    assert standalone_html(map_for_export(default_ds, export, metrics=metrics)) == standalone_html(
        map_for_export(default_ds, export, metrics=metrics))


def test_a_change_of_values_leaves_the_static_parts_alone(default_ds):
    """Another date, metric or filter: the same boundary and site parts, only the small state differs."""
    parts = map_parts(default_ds)
    a = coverage_map(default_ds, MapView(as_of=dt.date(2020, 1, 1)), pd.Series({"001": 10.0}), parts=parts)
    b = coverage_map(default_ds, MapView(as_of=dt.date(2026, 1, 1), operators=("Viettel",), metric="sites_on_air"),
                     pd.Series({"001": 20.0}), parts=parts)
    assert a.state["units"]["ref"] == b.state["units"]["ref"] and a.state["sites"] == b.state["sites"]
    assert a.state["points"] != b.state["points"]
    assert len(to_json(b.state)) < 20_000  # what a rerun sends for the map


def test_the_renderer_says_only_the_words_the_state_carries(default_ds):
    """The renderer's own texts (buttons, hints, tooltips) come from the state, where a translation can reach them."""
    js = "".join((WEB / name).read_text(encoding="utf-8") for name in ("itt_map.js", "itt_component.js"))
    used = set(re.findall(r'say\("(\w+)"', js))
    words = coverage_map(default_ds, MapView(), pd.Series(dtype=float)).state["words"]
    dates = {"date", "months"}  # how a date is written: read as words.date and words.months
    assert words == map_words() and used == set(words) - dates  # every word used is there, and none is left unused
    assert all(f"words.{k}" in js for k in dates)
    code = re.sub(r"(?<!:)//[^\n]*", "", re.sub(r"/\*.*?\*/", "", js, flags=re.S))  # comments aside, no English
    assert "const say" in code and len(code) > len(js) / 2  # (the comments are gone, the code is not)
    assert not re.findall(r"[\"'`][A-Z][a-z]+ [a-z]+[^\"'`\n]*[\"'`]", code)  # sentence is left in the code


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_words_are_in_the_language_and_dates_as_the_app_writes_them(lang):
    from infra.i18n import date_text, language
    from infra.views.maps import date_words

    with language(lang):
        words, dates = map_words(), date_words()
        day = dt.date(2026, 9, 15)
        written = dates["date"].format(d=day.day, m=day.month, y=day.year, mon=dates["months"][day.month - 1])
        assert written == date_text(day)  # what the renderer writes is what the app writes
    assert (words["fullscreen"] == "Full screen") == (lang == "en")


def test_compact_popups_are_smaller_and_the_same_in_every_language(default_ds):
    from infra.i18n import language

    with language("vi"):
        vi = map_parts(default_ds)
    en = map_parts(default_ds)
    assert vi.popups == en.popups and vi.units == en.units  # the browser's copies serve both languages
    codes = json.loads(en.blobs[en.popups])["text"]
    assert len(codes) == len(default_ds.sites) and len(en.blobs[en.popups]) < 900_000
