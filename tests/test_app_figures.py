"""The Units, Plan and Transition views in both languages: filters drive the figures, no identifier is shown."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from infra.contract import TARGET_METRICS
from infra.i18n import language
from infra.views.tables import headers
from tests.apptest import app_test

SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
#: The headline's 5G area coverage, all operators and Viettel's, in each language.
FIVE_G = {"en": ("5G area coverage", "5G area coverage · Viettel"),
          "vi": ("Vùng phủ 5G (diện tích)", "Vùng phủ 5G (diện tích) · Viettel")}


def _titles(spec) -> list[str]:
    if isinstance(spec, dict):
        return [v for k, v in spec.items() if k == "title" and isinstance(v, str)] + \
            [t for v in spec.values() for t in _titles(v)]
    if isinstance(spec, list):
        return [t for v in spec for t in _titles(v)]
    return []


def texts(at) -> list[str]:
    """Every text the page renders: markdown, captions, notices, metrics, widget labels and options, chart titles."""
    out = [e.value for kind in ("markdown", "caption", "info", "warning", "success", "error", "title")
           for e in getattr(at, kind)]
    out += [t for m in at.metric for t in (m.label, m.value)]
    out += [t for w in [*at.selectbox, *at.multiselect] for t in (w.label, *map(str, w.options))]
    out += [t for c in at.get("vega_lite_chart") for t in _titles(json.loads(c.proto.spec))]
    return out


def identifiers(at) -> list[str]:
    """snake_case identifiers among the rendered texts (paths and file names, e.g. a store's, left aside)."""
    plain = [str(text).replace("\\", "") for text in texts(at)]  # Markdown escapes (``\\_``) removed
    words = [w for text in plain for w in text.split() if "/" not in w and "." not in w.strip(".,;:()")]
    return [w for w in words if SNAKE.search(w)]


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture(params=["vi", "en"])
def app(request, fresh_store):
    """The app in a language; the test speaks it too (AppTest formats widget options in the test's thread)."""
    with language(request.param, "app"):
        at = app_test(lang=request.param)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        at.lang = request.param
        yield at


def shown(at, compare=None) -> pd.DataFrame:
    """The Units table as shown (headers people read), with its machine column names back."""
    frame = at.dataframe[0].value
    f = at.session_state["_filters"]
    names = {h: c for c, h in headers(f.table, compare=compare).items()}
    assert set(frame.columns) <= set(names), sorted(set(frame.columns) - set(names))[:5]  # every header is a label
    return frame.rename(columns=names)


def go(at, view: str) -> None:
    at.switch_page(f"app_pages/{view}.py").run()
    assert not at.exception, [e.value for e in at.exception]


def test_units_plan_and_transition_show_no_identifier(app):
    for view in ("units", "plan", "transition"):
        go(app, view)
        assert not identifiers(app), (view, app.lang, identifiers(app)[:10])
    app.multiselect(key="operators").set_value(["Viettel"]).run()
    for view in ("units", "plan", "transition"):
        go(app, view)
        assert not identifiers(app), (view, app.lang, identifiers(app)[:10])


def test_one_operator_changes_the_headline_and_the_table(app):
    go(app, "units")
    every, viettel = FIVE_G[app.lang]
    before = metric(app, every)
    assert viettel not in [m.label for m in app.metric]
    app.multiselect(key="operators").set_value(["Viettel"]).run()
    assert not app.exception
    assert metric(app, every) == before and metric(app, viettel) != before  # Viettel's own coverage
    table = shown(app)
    assert "area_coverage_pct_5G_Viettel" in table and (table["area_coverage_pct_5G_Viettel"]
                                                        <= table["area_coverage_pct_5G"] + 1e-9).all()
    app.multiselect(key="technologies").set_value(["5G"]).run()
    table = shown(app)
    assert "area_coverage_pct_4G" not in table and "radios_on_air_2G" not in table
    assert FIVE_G[app.lang][0].replace("5G", "4G") not in [m.label for m in app.metric]


def test_the_units_table_carries_the_crosswalk_and_the_change_since_a_date(app):
    go(app, "units")
    app.selectbox(key="layer").set_value("commune_2025").run()
    table = shown(app)
    assert table["former_districts"].str.contains("%").iloc[:-1].all()
    app.toggle(key="compare_on").set_value(True).run()
    assert not app.exception, [e.value for e in app.exception]
    table = shown(app, compare=app.date_input(key="compare").value)
    assert {"sites_standing@then", "sites_standing@change", "area_coverage_pct_5G@change"} <= set(table.columns)
    change = (table["sites_standing"] - table["sites_standing@then"]).fillna(0)
    assert (change == table["sites_standing@change"].fillna(0)).all()


def test_technologies_limit_the_plan_targets_and_the_transition_charts(app):
    app.multiselect(key="technologies").set_value(["2G"]).run()
    go(app, "plan")
    options = app.selectbox(key="target_metric").options
    allowed = [m for m, (_, tech, _) in TARGET_METRICS.items() if tech in ("2G", "*")]
    assert len(options) == len(allowed) and app.selectbox(key="target_metric").value in allowed
    go(app, "transition")
    assert len(app.get("vega_lite_chart")) == 2  # 2G radios and 2G coverage; no 5G sites
