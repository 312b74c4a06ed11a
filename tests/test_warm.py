"""The engine keeps the dates it computed, and the app computes a date's series ahead, in the background."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time

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
    from infra import i18n

    monkeypatch.setenv("TRACKER_WARM", "1")
    monkeypatch.setattr(_cache, "WARM_DELAY", 0.0)
    calls, tables = [], []
    real, build = _cache.warm, _cache.unit_table
    monkeypatch.setattr(_cache, "warm", lambda *args: calls.append((*args, real(*args))))

    def unit_table(*args, **kwargs):
        tables.append((kwargs["layer"], kwargs["operators"], i18n.current(), threading.current_thread().name))
        return build(*args, **kwargs)

    monkeypatch.setattr(_cache, "unit_table", unit_table)
    _cache.engine_of.clear()  # an engine of this test's own, which has computed only the map's date
    _cache.unit_table_of.clear()
    at = app_test(lang="vi")
    at.run()
    assert not at.exception
    [(as_of, eng, ds, table, thread)] = calls
    dates = series_dates(as_of, until=HORIZON)
    assert isinstance(as_of, dt.date) and thread is not None
    thread.join(timeout=120)
    assert eng.missing(dates) == []
    # the Units table of the session's filters, in its language, built by the warm-up: Units finds it made
    assert table == _cache.TableKey(table.data_key, table.options, as_of, "district", (), (), None, "vi")
    assert tables == [("district", (), "vi", thread.name)]
    at.switch_page("app_pages/units.py").run()
    assert not at.exception and len(at.dataframe) == 1 and len(tables) == 1
    assert real(as_of, eng, ds, table) is None  # nothing left to do: no second thread
    with_operator = dataclasses.replace(table, layer="commune_2025", operators=("Viettel",))
    assert real(as_of, eng, ds, with_operator) is None  # a table of chosen operators is built when asked
    monkeypatch.setenv("TRACKER_WARM", "0")
    assert real(dt.date(2019, 6, 30), eng) is None  # off
    monkeypatch.setenv("TRACKER_WARM", "1")
    far = real(dt.date(2040, 12, 31), eng)  # a dozen quarter ends missing: warmed, until the session moves on
    assert far is not None
    near = real(as_of - dt.timedelta(days=1), eng)  # the day before misses that day alone (and a quarter end)
    assert near is not None
    near.join(timeout=120)
    far.join(timeout=120)
    assert len(eng.missing(series_dates(dt.date(2040, 12, 31), until=HORIZON))) > 5  # it stopped
    assert eng.missing(series_dates(as_of - dt.timedelta(days=1), until=HORIZON)) == []
    other_layer = dataclasses.replace(table, layer="commune_2025")
    again = real(as_of, eng, ds, other_layer)  # every date is kept, but not this layer's table
    assert again is not None
    again.join(timeout=120)
    assert tables[1:] == [("commune_2025", (), "vi", again.name)]


def test_a_warm_up_stops_when_its_session_moves_on_and_waits_while_a_script_runs(ds, monkeypatch):
    from app_pages import _cache

    monkeypatch.setenv("TRACKER_WARM", "1")
    monkeypatch.setattr(_cache, "WARM_DELAY", 0.5)
    monkeypatch.setattr(_cache, "WARM_DELAY_LATER", 0.0)
    monkeypatch.setattr(_cache, "_latest", {})
    eng = Engine.from_dataset(ds)
    first, second, third = dt.date(2019, 6, 30), dt.date(2024, 2, 29), dt.date(2022, 5, 31)
    old = _cache.warm(first, eng)  # one session (none: outside a page) moves on
    new = _cache.warm(second, eng)
    assert old is not None and new is not None
    old.join(timeout=120)
    new.join(timeout=120)
    assert eng.missing(series_dates(second, until=HORIZON)) == []
    assert len(eng.missing([first])) == 1  # the first warm-up stopped before its own date
    monkeypatch.setattr(_cache, "WARM_DELAY_LATER", 0.5)
    stopped = _cache.warm(third, eng)
    _cache.quiet()  # the session reruns
    assert stopped is not None
    stopped.join(timeout=120)
    assert len(eng.missing([third])) == 1
    before = _cache.warm(third, eng)
    _cache.quiet()
    assert before is not None and before.is_alive()
    again = _cache.warm(third, eng)  # the rerun's own warm-up starts, though the one it stopped still runs
    assert again is not None
    again.join(timeout=120)
    before.join(timeout=120)
    assert eng.missing(series_dates(third, until=HORIZON)) == []
    fourth = dt.date(2021, 8, 31)
    monkeypatch.setattr(_cache, "WARM_DELAY_LATER", 0.0)
    monkeypatch.setattr(_cache, "_running", {"another session": time.monotonic()})  # its script runs
    waiting = _cache.warm(fourth, eng)
    assert waiting is not None
    time.sleep(1.0)
    assert waiting.is_alive() and len(eng.missing([fourth])) == 1  # it waits for that script
    _cache._running.clear()  # the script ended
    waiting.join(timeout=120)
    assert eng.missing(series_dates(fourth, until=HORIZON)) == []


def test_each_run_writes_its_time_when_asked(tmp_path, monkeypatch):
    log = tmp_path / "timings.txt"
    monkeypatch.setenv("TRACKER_TIMINGS", str(log))
    start = time.time()
    at = app_test()
    at.run()
    at.run()
    assert not at.exception
    lines = [tuple(map(float, line.split())) for line in log.read_text().splitlines()]
    assert len(lines) == 2 and all(start <= at_ <= time.time() and 0 < took < 120 for at_, took in lines)
