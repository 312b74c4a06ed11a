"""Library calls the pages share, cached across reruns and sessions by what they depend on.

Keys are the dataset's key, the coverage model and the date: never anything local
to one browser session.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from infra import Dataset, engine, i18n
from infra.engine import Engine, ModelOptions, PreparedLayers
from infra.i18n import N_, _
from infra.io import web
from infra.plan import series_dates
from infra.plan.series import HORIZON
from infra.store import Store, open_store
from infra.views import MapDoc, MapParts, MapView, coverage_map, map_parts, metric_values, unit_table
from infra.views.tables import crosswalk_texts


def _spinning(message: str) -> Callable:
    """Show ``message`` (translated at the call, in the page's language) while a slow cached call runs.

    Streamlit's own ``show_spinner`` text is fixed when the module is imported, in one language;
    ``st.spinner`` waits half a second before it shows, so a cache hit shows nothing.
    """
    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def run(*args, **kwargs):
            with st.spinner(_(message)):
                return fn(*args, **kwargs)
        if hasattr(fn, "clear"):
            run.clear = fn.clear  # type: ignore[attr-defined]
        return run
    return wrap


@_spinning(N_("Opening the store…"))
@st.cache_resource(show_spinner=False)
def store(location: str) -> Store:
    """The store at a location (the first time, it is given the embedded default data as revision 1)."""
    return open_store(location)


@_spinning(N_("Reading the data…"))
@st.cache_resource(show_spinner=False, max_entries=4)
def dataset(location: str, key: str, _store: Store, _revision: int) -> Dataset:
    """The dataset of a revision, shared by every revision with the same content (``key``) and every session."""
    return _store.dataset(_revision)


@_spinning(N_("Preparing the boundaries…"))
@st.cache_resource(show_spinner=False, max_entries=2)
def layers(data_key: str, _ds: Dataset) -> PreparedLayers:
    """The admin layers refined and tiled once per dataset: a change of coverage model reuses them."""
    return engine.prepare_layers(_ds.units)


@_spinning(N_("Preparing the coverage engine…"))
@st.cache_resource(show_spinner=False, max_entries=4)
def engine_of(data_key: str, opts: ModelOptions, _ds: Dataset) -> Engine:
    """One engine per dataset and coverage model (its caches make later dates fast)."""
    return Engine.from_dataset(_ds, options=opts, prepared=layers(data_key, _ds))


@_spinning(N_("Computing metrics…"))
def metrics_at(data_key: str, opts: ModelOptions, as_of: dt.date, _eng: Engine) -> pd.DataFrame:
    """All metrics of every layer at one date (the engine keeps the dates asked lately)."""
    return _eng.metrics(as_of)


@_spinning(N_("Computing the series…"))
@st.cache_resource(show_spinner=False, max_entries=4)
def series(data_key: str, opts: ModelOptions, as_of: dt.date, _eng: Engine) -> pd.DataFrame:
    """Metrics at the dates of the one series policy, looking ahead to the plan's horizon (shared: read only).

    The engine keeps each date's metrics, and :func:`warm` computes them ahead: the series of another date
    mostly reuses them.
    """
    return _eng.series(series_dates(as_of, until=HORIZON))


@dataclasses.dataclass(frozen=True)
class TableKey:
    """What a Units table depends on besides the dataset and the engine: the arguments of :func:`unit_table_of`."""

    data_key: str
    options: ModelOptions
    as_of: dt.date
    layer: str
    operators: tuple[str, ...]
    technologies: tuple[str, ...]
    compare: dt.date | None
    lang: str


#: Seconds a session's first warm-up waits before it starts: the browser is still fetching the map's files from
#: this process. Later ones wait :data:`WARM_DELAY_LATER`: the page has its files, the rerun's deltas are sent.
WARM_DELAY = 1.0
WARM_DELAY_LATER = 0.2
#: Units tables warmed lately (their keys), at most this many: a table warmed once is in Streamlit's cache.
WARM_TABLES = 32


@dataclasses.dataclass
class _Warming:
    thread: threading.Thread
    session: str | None
    number: int

    def superseded(self) -> bool:
        """Its session has rerun since (another date, model or filter): that rerun's own warm-up counts."""
        return _latest.get(self.session) != self.number


_warming: dict[tuple[int, dt.date], _Warming] = {}
_tables: dict[TableKey, None] = {}  # insertion-ordered: the oldest first
_latest: dict[str | None, int] = {}  # a session → the number of its latest warm-up or rerun
_running: dict[str | None, float] = {}  # a session → when its running script started
#: Seconds after which a script run not ended by :func:`warm` (it stopped early: an error, ``st.stop``) no
#: longer holds warm-ups back.
RUN_STALE = 10.0
_warming_lock = threading.Lock()


def quiet() -> None:
    """A script run starts: this session's warm-up stops, and every warm-up waits until no script runs.

    The app calls it first in every run; the run's own :func:`warm`, last in the run, starts what is still
    missing. Warm-ups use the interpreter only while no session's script runs.
    """
    session, now = _session(), time.monotonic()
    with _warming_lock:
        for gone in [s for s, t in _running.items() if now - t > RUN_STALE]:  # runs that never reached warm()
            del _running[gone]
        _running[session] = now
        if session in _latest:
            _latest[session] += 1


def _idle() -> bool:
    """No session's script is running (that started less than :data:`RUN_STALE` seconds ago)."""
    now = time.monotonic()
    return all(now - t > RUN_STALE for t in list(_running.values()))


def warm(as_of: dt.date, eng: Engine, ds: Dataset | None = None, table: TableKey | None = None
         ) -> threading.Thread | None:
    """Compute the series' dates at ``as_of`` in a background thread, so Units, Plan and Transition open quickly.

    Only the dates the engine has not kept, one at a time (a session asking for another date waits for one
    date at most). With ``ds``, the overlay of its layers (the crosswalk columns) is computed too, and with
    ``table`` (a session's filters: only when it filters no operator, technology or comparison, the table a
    first opening of Units shows) the Units table of those filters, in their language.

    It computes only while no session's script runs (:func:`quiet`), and then half the time at most, to leave
    the sessions the interpreter; it stops when its session reruns or warms up another date. A session's first
    warm-up waits :data:`WARM_DELAY`, later ones :data:`WARM_DELAY_LATER`. Nothing starts when another session's
    warm-up of the same engine and date is running, when nothing is missing, or when ``TRACKER_WARM=0``.

    The app calls it last in every run; with ``TRACKER_TIMINGS`` naming a file, it adds a line to it: when
    the run ended (epoch seconds) and how long it took, for ``bench/app.py``.

    Returns
    -------
    threading.Thread or None
        The thread started.
    """
    session = _session()
    with _warming_lock:
        started = _running.pop(session, None)  # this session's run ends here
    if started is not None and (log := os.environ.get("TRACKER_TIMINGS")):  # for bench/app.py
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{time.time():.3f} {time.monotonic() - started:.3f}\n")
    if os.environ.get("TRACKER_WARM", "1") == "0":
        return None
    missing = eng.missing(series_dates(as_of, until=HORIZON))
    if table is not None and (ds is None or table.operators or table.technologies or table.compare is not None
                              or table.as_of != as_of):
        table = None
    with _warming_lock:
        if table is not None and table in _tables:
            table = None
        key = (id(eng), as_of)
        running = _warming.get(key)
        if (not missing and table is None) or (running is not None and running.thread.is_alive()
                                               and not running.superseded()):
            return None
        delay = WARM_DELAY_LATER if session in _latest else WARM_DELAY
        while len(_latest) >= 256:  # sessions long gone (the oldest first)
            del _latest[next(iter(_latest))]
        _latest[session] = _latest.get(session, 0) + 1

        def wait() -> bool:  # until no script runs; False: superseded meanwhile
            while not me.superseded():
                if _idle():
                    return True
                time.sleep(0.05)
            return False

        def run() -> None:
            time.sleep(delay)
            for d in missing:  # half the time at most: sessions share the GIL with this thread
                if not wait():
                    return
                t = time.perf_counter()
                eng.precompute([d])
                time.sleep(time.perf_counter() - t)
            if table is not None and ds is not None and wait():
                # the cached functions under their spinners (no page to show one here), in the session's
                # language: the table holds texts
                with i18n.language(table.lang, "app"):
                    se = series.__wrapped__(table.data_key, table.options, as_of, eng)
                    tk = table
                    unit_table_of.__wrapped__(tk.data_key, tk.options, tk.as_of, tk.layer, tk.operators,
                                              tk.technologies, tk.compare, tk.lang, ds, eng, se, None)
                with _warming_lock:
                    _tables[table] = None
                    while len(_tables) > WARM_TABLES:
                        del _tables[next(iter(_tables))]
            for layer in ds.layers if ds is not None else ():
                if not wait():
                    return
                crosswalk_texts(ds, layer)  # kept by the dataset: its overlay weights

        thread = threading.Thread(target=run, name=f"itt-warm-{as_of}", daemon=True)
        me = _warming[key] = _Warming(thread, session, _latest[session])
        for k in [k for k, w in _warming.items() if not w.thread.is_alive() and k != key]:
            del _warming[k]
    thread.start()
    return thread


def _session() -> str | None:
    """The browser session running this script (``None`` outside one)."""
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


@_spinning(N_("Building the table…"))
@st.cache_data(show_spinner=False, max_entries=16)
def unit_table_of(data_key: str, opts: ModelOptions, as_of: dt.date, layer: str, operators: tuple[str, ...],
                  technologies: tuple[str, ...], compare: dt.date | None, lang: str, _ds: Dataset, _eng: Engine,
                  _series: pd.DataFrame, _then: pd.DataFrame | None) -> gpd.GeoDataFrame:
    """The Units table of a layer at a date (every unit and the city) for the chosen filters, in ``lang``.

    It holds texts (the crosswalk column, the sources of targets) in that language: ``lang`` is in the key.
    """
    return unit_table(_ds, layer=layer, as_of=as_of, engine=_eng, series=_series, operators=operators,
                      technologies=technologies, then=_then)[0]


@_spinning(N_("Preparing the map's boundaries and sites…"))
@st.cache_resource(show_spinner=False, max_entries=4)
def parts(data_key: str, _ds: Dataset) -> MapParts:
    """The static parts of a dataset's maps (boundaries, sites, popups, zones), whatever the view."""
    return map_parts(_ds)


@st.cache_resource(show_spinner=False, max_entries=16)
def map_doc(data_key: str, opts: ModelOptions, mv: MapView, lang: str, _ds: Dataset, _now: pd.DataFrame,
            _then: pd.DataFrame | None, _eng: Engine) -> MapDoc:
    """The map of a view in a language (its texts are translated): a small state naming the dataset's parts.

    The footprints use the engine's ranges of the model; with ``mv.compare``, the choropleth shows the change
    from ``_then`` (the metrics at that date).
    """
    before = None
    if mv.compare is not None and _then is not None:
        before = metric_values(_then, dataclasses.replace(mv, as_of=mv.compare))
    return coverage_map(_ds, mv, metric_values(_now, mv), parts=parts(data_key, _ds), before=before,
                        ranges=_eng.radios["range_m"].to_numpy())


@st.cache_resource
def served_dir() -> Path:
    """The folder the map component is served from (page, renderer, Leaflet, parts), one per server process."""
    return web.serve_dir()
