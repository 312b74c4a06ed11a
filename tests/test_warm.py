"""The engine keeps the dates it computed, and the app computes a date's series ahead, in the background."""

from __future__ import annotations

import datetime as dt
import threading

import pandas as pd
import pytest

from infra import read_dataset
from infra.engine import Engine
from infra.plan import series_dates
from infra.plan.series import HORIZON
from tests.apptest import app_test

DATES = ["2020-12-31", "2023-06-30", "2025-12-31"]


@pytest.fixture(scope="module")
def ds():
    return read_dataset()


def test_kept_dates_give_the_same_metrics_as_a_fresh_engine(ds):
    eng = Engine.from_dataset(ds)
    first = eng.series(DATES)
    assert eng.missing([*DATES, "2021-01-01"]) == [pd.Timestamp("2021-01-01")]
    again = eng.series(DATES[::-1])  # from the memo, in another order
    fresh = Engine.from_dataset(ds).metrics(DATES[1])
    pd.testing.assert_frame_equal(again[again["as_of"] == pd.Timestamp(DATES[1])].reset_index(drop=True), fresh)
    pd.testing.assert_frame_equal(first[first["as_of"] == pd.Timestamp(DATES[1])].reset_index(drop=True), fresh)


def test_a_caller_changing_its_metrics_does_not_change_the_kept_ones(ds):
    eng = Engine.from_dataset(ds)
    got = eng.metrics(DATES[0])
    got["value"] = -1.0
    assert (eng.metrics(DATES[0])["value"] >= 0).all()


def test_the_memo_is_bounded(ds, monkeypatch):
    from infra.engine import engine as module

    monkeypatch.setattr(module, "MEMO_DATES", 2)
    eng = Engine.from_dataset(ds)
    eng.precompute(DATES)
    assert eng.missing(DATES) == [pd.Timestamp(DATES[0])]


def test_two_threads_asking_at_once_get_what_one_would(ds):
    eng = Engine.from_dataset(ds)
    dates = series_dates("2025-12-31")
    got: dict[int, pd.DataFrame] = {}
    threads = [threading.Thread(target=lambda i=i: got.__setitem__(i, eng.series(dates[i::2] + dates[1 - i::2])))
               for i in (0, 1)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    want = Engine.from_dataset(ds).series(dates)
    for frame in got.values():
        key = ["as_of", "layer", "unit_code", "metric", "technology", "operator"]
        pd.testing.assert_frame_equal(frame.sort_values(key).reset_index(drop=True),
                                      want.sort_values(key).reset_index(drop=True))


def test_the_app_computes_the_series_of_its_date_ahead(monkeypatch):
    from app_pages import _cache

    monkeypatch.setenv("TRACKER_WARM", "1")
    monkeypatch.setattr(_cache, "WARM_DELAY", 0.0)
    calls = []
    real = _cache.warm
    monkeypatch.setattr(_cache, "warm", lambda as_of, eng, ds: calls.append((as_of, eng, real(as_of, eng, ds))))
    _cache.engine_of.clear()  # an engine of this test's own, which has computed only the map's date
    at = app_test()
    at.run()
    assert not at.exception
    [(as_of, eng, thread)] = calls
    dates = series_dates(as_of, until=HORIZON)
    assert isinstance(as_of, dt.date) and thread is not None
    thread.join(timeout=120)
    assert eng.missing(dates) == []
    assert real(as_of, eng) is None  # nothing left to do: no second thread
    monkeypatch.setenv("TRACKER_WARM", "0")
    assert real(dt.date(2019, 6, 30), eng) is None  # off
    monkeypatch.setenv("TRACKER_WARM", "1")
    assert real(dt.date(2040, 12, 31), eng) is None  # this engine was warmed: not a far date missing many dates
    near = real(as_of - dt.timedelta(days=1), eng)  # the day before misses that day alone (and a quarter end)
    assert near is not None
    near.join(timeout=120)
    assert eng.missing(series_dates(as_of - dt.timedelta(days=1), until=HORIZON)) == []
