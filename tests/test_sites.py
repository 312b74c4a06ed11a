"""Sites as things to find: the builders on tiny frames, and the Map and Sites pages in both languages."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from infra.dataset import Dataset
from infra.i18n import language
from infra.views.labels import METRICS
from infra.views.sites import SITE_COLUMNS, find_sites, site_events, site_list, site_table, site_timeline
from tests import frames
from tests.apptest import app_test

AS_OF = dt.date(2024, 6, 30)
RAW = re.compile("|".join(sorted((*METRICS, "commune_2025"), key=len, reverse=True)))


@pytest.fixture
def tiny() -> Dataset:
    """Two districts of 1 km²; three sites in A (one removed), one in B; S1 shared by two operators."""
    units = frames.units({"A": (0, 0, 1000, 1000), "B": (1000, 0, 2000, 1000)})
    sites = frames.sites({"S1": (200, 200), "S2": (500, 500), "S3": (800, 800), "S4": (1500, 500)},
                         name=["Đình Làng", "Chợ", "Old mast", "Bảng"], mast_class=["A1a", "A2a", "A2b", "pole"],
                         removed_on=pd.to_datetime([None, None, "2020-01-01", None]))
    radios = frames.radios([
        {"site_id": "S1", "technology": "4G"},
        {"site_id": "S1", "operator": "VinaPhone", "technology": "5G", "on_date": "2023-01-01", "pilot": True},
        {"site_id": "S1", "technology": "2G", "on_date": "2010-01-01", "off_date": "2022-05-01"},
        {"site_id": "S2", "operator": "MobiFone", "technology": "3G"},
        {"site_id": "S4", "technology": "5G", "on_date": "2024-01-01"},
    ])
    return Dataset(units=units, sites=sites, radios=radios, zones=frames.zones((0, 0, 1, 1)).iloc[:0],
                   targets=pd.DataFrame())


def test_find_by_id_or_name_exact_id_first(tiny):
    assert find_sites(tiny.sites, "s1")["site_id"].tolist() == ["S1"]
    assert find_sites(tiny.sites, "ĐÌNH")["site_id"].tolist() == ["S1"]
    assert set(find_sites(tiny.sites, "S")["site_id"]) == {"S1", "S2", "S3", "S4"}
    assert find_sites(tiny.sites, "nowhere").empty and find_sites(tiny.sites, "").empty


def test_site_list_in_units_with_what_is_on_air(tiny):
    every = site_list(tiny, as_of=AS_OF, layer="district")
    assert list(every.columns) == SITE_COLUMNS
    assert every["site_id"].tolist() == ["S1", "S2", "S4"]  # S3 was removed in 2020
    s1 = every.set_index("site_id").loc["S1"]
    assert s1["operators"] == "Viettel, VinaPhone" and s1["technologies"] == "4G, 5G pilot" and bool(s1["shared"])
    assert site_list(tiny, as_of=AS_OF, layer="district", units=("B",))["site_id"].tolist() == ["S4"]
    assert site_list(tiny, as_of=AS_OF, layer="district", operators=("MobiFone",))["site_id"].tolist() == ["S2"]
    assert site_list(tiny, as_of=AS_OF, layer="district", technologies=("5G",))["site_id"].tolist() == ["S1", "S4"]
    early = site_list(tiny, as_of=dt.date(2015, 6, 1), layer="district").set_index("site_id")
    assert "2G" in early.loc["S1", "technologies"] and "S3" in early.index  # before the switch-off and removal


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_site_table_and_events_speak_the_language(tiny, lang):
    with language(lang):
        table = site_table(site_list(tiny, as_of=AS_OF, layer="district"))
        events = site_events(tiny, "S1")
    assert not any(re.fullmatch(r"[a-z]+(_[a-z]+)+", c) for c in table.columns)  # no snake_case header
    assert events["date"].is_monotonic_increasing and len(events) == 1 + 3 + 1  # built, three on air, one off
    text = " ".join(events["event"])
    masts = dict(zip(table.iloc[:, 0], table.iloc[:, 2], strict=True))  # site id → mast class, for people
    assert masts["S1"] == "A1a"  # a planning code stays a code
    assert masts["S4"] == ("pole / small cell" if lang == "en" else "cột đơn / small cell (pole)")  # not "pole"
    if lang == "en":
        assert "2G Viettel switched off" in text and "5G pilot VinaPhone on air" in text
        assert events["when"].iloc[0] == "Jan 1, 2010" and table.columns[0] == "Site id"
    else:
        assert "switched off" not in text and "thg" in events["when"].iloc[0]


def test_timeline_bars_per_radio_with_phases(tiny):
    chart = site_timeline(tiny, "S1", as_of=AS_OF).to_dict()
    assert chart["mark"]["type"] == "bar" and chart["encoding"]["x2"]["field"] == "end"
    data = pd.DataFrame(next(iter(chart["datasets"].values())))
    assert data["radio"].tolist()[0] == "Site (passive)"  # the site first, then its radios
    assert dict(zip(data["radio"], data["phase"], strict=True)) == {
        "Site (passive)": "site standing", "2G · Viettel": "switched off", "4G · Viettel": "on air",
        "5G pilot · VinaPhone": "5G pilot"}
    two_g = data.set_index("radio").loc["2G · Viettel"]
    assert two_g["start"].startswith("2010-01-01") and two_g["end"].startswith("2022-05-01")
    assert data.set_index("radio").loc["4G · Viettel", "end"].startswith(str(AS_OF))  # on air: up to the date


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_map_and_sites_pages_in_both_languages(fresh_store, lang):
    with language(lang):  # AppTest formats the widgets' values in the test's thread: the same language
        at = app_test(lang=lang)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.selectbox(key="metric").value == "area_coverage_pct" and at.selectbox(key="metric_tech").value == "5G"
        at.text_input(key="site").input("SYN-00004").run()
        assert not at.exception and at.query_params["site"] in ("SYN-00004", ["SYN-00004"])
        at.text_input(key="site").input("no such site").run()
        assert any("no such site" in i.value for i in at.info)
        shown = " ".join([*(c.value for c in at.caption), *(o for b in at.selectbox for o in b.options)])
        assert not RAW.search(shown), RAW.search(shown)  # no engine identifier reaches the page
        at.toggle(key="compare_on").set_value(True).run()
        assert not at.exception
        change = "Change in" if lang == "en" else "Thay đổi"
        assert any(c.value.startswith(change) for c in at.caption)  # the map shows the change, and says so
        at.text_input(key="site").input("").run()  # the search is kept across pages: cleared, every site
        at.switch_page("app_pages/sites.py").run()
        assert not at.exception, [e.value for e in at.exception]
        table = at.dataframe[0].value
        assert len(table) > 1000 and not any("_" in c for c in table.columns)
        at.text_input(key="site").input("SYN-00004").run()
        assert not at.exception and [s.value for s in at.subheader] == [
            "Site SYN-00004" if lang == "en" else "Trạm SYN-00004"]
        assert len(at.get("vega_lite_chart")) == 1
