"""The Streamlit app, driven by widget keys with AppTest (the map itself is tested through its builder)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import shapely

import infra.engine
from app_pages import _cache
from infra import settings
from infra.views.text import plain
from tests.apptest import app_test

APP = str(settings.REPO_ROOT / "app.py")


@pytest.fixture
def app(fresh_store):
    at = app_test(APP, timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def number(at, label):
    return float(metric(at, label).replace(",", "").replace(" %", ""))


def go(at, view):
    """Open a page of the app, as a click on its name in the navigation does."""
    at.switch_page(f"app_pages/{view.lower()}.py").run()
    assert not at.exception, [e.value for e in at.exception]


def test_start_shows_notices_metrics_and_map(app):
    warnings = " ".join(w.value for w in [*app.warning, *app.markdown])  # the notices are folded in one expander
    assert "invented for this demonstration" in warnings and "approximate" in warnings
    assert number(app, "Sites standing") > 4000
    assert app.selectbox(key="metric").value == "area_coverage_pct"


def test_the_map_caption_counts_the_units_shown(app):
    def caption():
        return next(c.value for c in app.caption if "with a value" in c.value)

    assert " · 30 units with a value · " in caption()
    app.multiselect(key="units").set_value(["001"]).run()
    assert " · 1 unit with a value · " in caption()  # the chosen unit, not the 30 of the layer
    app.multiselect(key="units").set_value(["001", "002"]).run()
    assert " · 2 units with a value · " in caption()


def test_date_model_and_radius_change_the_metrics(app):
    go(app, "Data")  # the headline figures are on every page; this one draws no map and no series
    app.slider(key="_as_of_slider").set_value(dt.date(2020, 6, 30)).run()
    early = (number(app, "Sites standing"), number(app, "5G area coverage"), number(app, "2G switched off"))
    app.slider(key="_as_of_slider").set_value(dt.date(2027, 6, 30)).run()
    late = (number(app, "Sites standing"), number(app, "5G area coverage"), number(app, "2G switched off"))
    assert early[0] < late[0] and early[1] < late[1] and early[2] < late[2] == 100
    app.number_input(key="radius_5G").set_value(1000.0).run()
    wide = number(app, "5G area coverage")
    assert wide > late[1]
    assert app.query_params["radius_5G"] == "1000.0" and "radius_4G" not in app.query_params  # only changes
    app.selectbox(key="model").set_value("pathloss").run()
    assert not app.exception
    pathloss = number(app, "5G area coverage")
    assert pathloss < wide  # UMa NLOS at 3.5 GHz reaches about 0.7 km, not 1 km
    app.number_input(key="mapl_5G").set_value(145.0).run()
    assert number(app, "5G area coverage") > pathloss  # 10 dB more budget reaches farther
    app.selectbox(key="model").set_value("fixed").run()
    assert app.number_input(key="radius_5G").value == 1000.0 and number(app, "5G area coverage") == wide


def test_units_view_follows_layer_units_and_filters(app):
    go(app, "Units")
    table = app.dataframe[0].value
    assert len(table) == 31 and table["Code"].iloc[-1] == "*"  # headers people read
    app.selectbox(key="layer").set_value("commune_2025").run()
    assert len(app.dataframe[0].value) == 127
    app.multiselect(key="units").set_value(["00004", "00008"]).run()
    table = app.dataframe[0].value
    assert table["Code"].tolist() == ["00004", "00008", "*"]
    assert number(app, "Sites standing") == table["Sites standing"].iloc[:2].sum()  # the header follows the selection
    assert "Figures for 2 selected unit(s)" in [c.value for c in app.caption]
    before = app.dataframe[0].value["Sites on air"].iloc[-1]
    app.multiselect(key="operators").set_value(["Gmobile"]).run()
    app.multiselect(key="technologies").set_value(["2G"]).run()
    assert not app.exception
    assert app.dataframe[0].value["Sites on air"].iloc[-1] == before  # all operators, and Gmobile's beside
    assert "Sites on air · Gmobile" in app.dataframe[0].value
    labels = [b.label for b in app.get("download_button")]
    assert {"CSV", "Excel", "GeoPackage"} <= set(labels)


def test_plan_and_transition_views(app):
    go(app, "Plan")
    # the default data has no population grid: the view opens on a target it can measure, not on 5G population
    assert app.selectbox(key="target_metric").value == "two_g_radios_off_pct" and not app.warning
    app.selectbox(key="target_metric").set_value("pop_coverage_5g_pct").run()
    assert any("no population grid" in w.value for w in app.warning)  # chosen: said why it shows nothing
    assert len(app.get("vega_lite_chart")) == 1
    marks = [layer["mark"] for layer in json.loads(app.get("vega_lite_chart")[0].proto.spec)["layer"]]
    # milestone years, path, actual, scheduled, as-of rule, ◆ official, ◇ placeholder, △
    assert [m["type"] for m in marks] == ["rule", "line", "line", "line", "rule", "point", "point", "point"]
    assert marks[1].get("strokeDash") and marks[5]["shape"] == "diamond" and marks[7]["shape"] == "triangle-up"
    assert marks[6]["shape"] == "diamond" and marks[6]["filled"] is False
    app.selectbox(key="target_metric").set_value("two_g_radios_off_pct").run()
    plan = app.dataframe[0].value
    assert len(plan) == 1 and plan["Code"].iloc[0] == "*"
    assert plan["Status"].iloc[0] in {"achieved", "on track", "behind", "placeholder target"}
    app.multiselect(key="units").set_value(["001", "002"]).run()
    assert set(app.dataframe[0].value["Code"]) == {"001", "002"}
    go(app, "Transition")
    assert len(app.get("vega_lite_chart")) == 3


def test_data_view_imports_a_revision_and_switches_back(app, default_ds):
    go(app, "Data")
    assert app.selectbox(key="upload_kind").value == "boundaries"
    assert app.dataframe[0].value["Revision"].tolist() == [1]  # the store starts with the embedded default data
    # 100 m north of Hanoi's northernmost point: inside the importer's 200 m tolerance, outside every unit
    north = max(shapely.get_coordinates(default_ds.layer("district").union_all()), key=lambda xy: xy[1])
    csv = ("site_id,name,owner,mast_class,height_m,built_on,lat,lon\n"
           "S1,Tháp A,Viettel,A2b,40,2015-03-01,21.0285,105.8542\n"
           "S2,Tháp B,VNPT,A1a,3,2018-06-01,21.05,105.80\n"
           "S3,Sài Gòn,VNPT,A1a,3,2018-06-01,10.77,106.70\n"  # row 3: Ho Chi Minh City, outside Hanoi
           f"S4,Biên,VNPT,A1a,3,2018-06-01,{north[1] + 0.0009:.6f},{north[0]:.6f}\n")
    app.selectbox(key="upload_kind").set_value("sites").run()
    app.radio(key="upload_mode").set_value("replace").run()
    app.file_uploader(key="upload_file").set_value(("my_sites.csv", csv.encode(), "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    assert plain("my_sites.csv (sites): read 4, imported 3 (repaired 0), rejected 1") in [w.value for w in app.warning]
    report = app.dataframe[1].value
    assert report[["Row", "Column", "What is wrong"]].values.tolist() == [[3, "lat", "point outside Hanoi"]]
    assert app.selectbox(key="rev").value == 1  # nothing is saved before the user confirms
    app.button(key="use_import").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key="rev").value == 2 and app.query_params["rev"] == "2"
    assert number(app, "Sites standing") == 2  # S4 stands outside every unit: said, not silently dropped
    assert any(plain("1 site(s) lie outside every unit of the boundaries (S4)") in w.value
               for w in [*app.warning, *app.markdown])
    assert plain("my_sites.csv") in app.caption[-1].value  # provenance names the file
    app.selectbox(key="rev").set_value(1).run()
    assert number(app, "Sites standing") > 4000
    again = app_test(APP, timeout=180)  # another visit: the revision is still there
    again.run()
    assert again.selectbox(key="rev").value == 2 and number(again, "Sites standing") == 2


def test_url_query_seeds_the_view(fresh_store):
    at = app_test(APP, timeout=180)
    at.query_params["layer"] = "commune_2025"
    at.query_params["units"] = ["00004"]
    at.query_params["view"] = "Units"
    at.query_params["as_of"] = "2025-12-31"
    at.query_params["radius_5G"] = "800"
    at.query_params["mapl_4G"] = "not a number"  # ignored: the default stays
    at.run()
    assert not at.exception
    assert at.number_input(key="radius_5G").value == 800.0 and at.number_input(key="mapl_4G").value == 135.0
    assert at.selectbox(key="layer").value == "commune_2025"
    assert at.slider(key="_as_of_slider").value == dt.date(2025, 12, 31)
    assert at.dataframe[0].value["Code"].tolist() == ["00004", "*"]


def test_a_model_change_reuses_the_prepared_boundaries(monkeypatch, fresh_store):
    calls = []
    real = infra.engine.prepare_layers
    monkeypatch.setattr(infra.engine, "prepare_layers", lambda *a, **k: calls.append(1) or real(*a, **k))
    _cache.layers.clear()  # boundaries and engines are prepared anew; the default data stays loaded
    _cache.engine_of.clear()
    at = app_test(APP, timeout=180)
    at.run()
    go(at, "Data")  # a page without map: the engines are what is counted here
    at.number_input(key="radius_5G").set_value(1000.0).run()
    at.selectbox(key="model").set_value("pathloss").run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(calls) == 1  # three engines, one preparation of the boundaries


def test_a_population_grid_from_the_data_view_gives_the_5g_population_target_a_status(app, default_ds):
    go(app, "Plan")
    app.selectbox(key="target_metric").set_value("pop_coverage_5g_pct").run()
    assert app.dataframe[0].value["Status"].tolist() == ["no data"]  # the default data has no population
    centre = default_ds.layer("district").set_index("unit_code").loc["001"].geometry.representative_point()
    go(app, "Data")
    app.selectbox(key="upload_kind").set_value("population").run()
    app.file_uploader(key="upload_file").set_value(
        ("people.csv", f"lat,lon,population\n{centre.y},{centre.x},9000\n".encode(), "text/csv")).run()
    assert not app.exception, [e.value for e in app.exception]
    summary = plain("people.csv (population): read 1, imported 1 (repaired 0), rejected 0")
    assert summary in [s.value for s in app.success]
    app.button(key="use_import").click().run()
    assert not app.exception, [e.value for e in app.exception]
    go(app, "Plan")
    status = app.dataframe[0].value["Status"].tolist()
    assert len(status) == 1 and status[0] != "no data"
    assert plain("people.csv") in app.caption[-1].value


def test_dates_a_planner_thinks_in(app):
    """The date box and the quick choices move the slider too; a comparison date is kept in the URL."""
    app.date_input(key="_as_of_box").set_value(dt.date(2033, 3, 1)).run()  # beyond the slider: the box takes it
    assert app.query_params["as_of"] == "2033-03-01" and app.slider(key="_as_of_slider").value == dt.date(2030, 12, 31)
    for label, want in (("2G switch-off (15 Sep 2026)", dt.date(2026, 9, 15)), ("Plan 2020", dt.date(2020, 12, 31)),
                        ("Today", dt.date.today())):
        app.pills(key="_as_of_quick").set_value(label).run()
        assert not app.exception, [e.value for e in app.exception]
        assert app.slider(key="_as_of_slider").value == want and app.date_input(key="_as_of_box").value == want
        assert app.query_params["as_of"] == want.isoformat()
    assert "compare" not in app.query_params
    app.toggle(key="compare_on").set_value(True).run()
    app.date_input(key="compare").set_value(dt.date(2024, 10, 16)).run()
    assert app.query_params["compare"] == "2024-10-16"
    app.toggle(key="compare_on").set_value(False).run()
    assert "compare" not in app.query_params


def test_a_page_choice_is_kept_in_the_url_across_pages(app):
    app.selectbox(key="footprints").set_value("5G").run()
    go(app, "plan")
    app.selectbox(key="target_metric").set_value("pop_coverage_5g_pct").run()
    go(app, "units")
    assert app.query_params["footprints"] == "5G" and app.query_params["target_metric"] == "pop_coverage_5g_pct"
    go(app, "map")
    assert app.selectbox(key="footprints").value == "5G"
    go(app, "plan")
    assert app.selectbox(key="target_metric").value == "pop_coverage_5g_pct"


def test_the_sites_view_counts_the_sites_with_a_thousands_separator(app):
    go(app, "Sites")
    standing = int(number(app, "Sites standing"))
    assert standing > 1000
    caption = next(c.value for c in app.caption if "standing in the chosen units" in c.value)
    assert caption.startswith(f"{standing:,} sites standing")  # 5,850, not 5850
    app.text_input(key="site").set_value(app.dataframe[0].value.iloc[0, 0]).run()
    caption = next(c.value for c in app.caption if "standing in the chosen units" in c.value)
    assert caption.startswith("1 site standing")


def test_switching_the_layer_carries_the_chosen_units_and_says_so(app):
    app.multiselect(key="units").set_value(["001"]).run()
    app.selectbox(key="layer").set_value("commune_2025").run()
    assert not app.exception
    carried = app.multiselect(key="units").value
    assert carried and all(len(c) == 5 for c in carried)  # 2025 units, where district 001 was
    assert any("carried to this one by area" in i.value for i in app.sidebar.info)
    app.selectbox(key="layer").set_value("district").run()
    assert app.multiselect(key="units").value == ["001"]  # and back
    app.run()
    assert not any("carried" in i.value for i in app.sidebar.info)  # said once, on the switch
