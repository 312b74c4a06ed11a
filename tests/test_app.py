"""The Streamlit app, driven by widget keys with AppTest."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from infra import settings


@pytest.fixture
def app():
    at = AppTest.from_file(str(settings.REPO_ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def test_app_shows_notices_and_the_map(app):
    warnings = " ".join(w.value for w in app.warning)
    assert "SYNTHETIC" in warnings and "APPROXIMATE" in warnings
    assert _metric(app, "Units in layer") == "30"


def test_layer_and_date_controls_change_the_metrics(app):
    app.radio(key="layer").set_value("commune_2025").run()
    assert not app.exception
    assert _metric(app, "Units in layer") == "126"
    app.date_input(key="as_of").set_value(dt.date(2019, 1, 1)).run()
    early = int(_metric(app, "Sites standing").replace(",", ""))
    app.date_input(key="as_of").set_value(dt.date(2030, 12, 31)).run()
    late = int(_metric(app, "Sites standing").replace(",", ""))
    assert not app.exception
    assert 0 < early < late
