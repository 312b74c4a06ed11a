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
import weakref
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from infra import Dataset, engine
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


#: Seconds a warm-up waits before it starts: the browser is still fetching the map's files from this process.
WARM_DELAY = 1.0
#: After an engine's first warm-up, a date whose series misses more dates than this is not warmed: a far date
#: (2040) needs a dozen new quarter ends, and computing them would slow every session for seconds.
WARM_MAX_DATES = 4
_warming: dict[tuple[int, dt.date], threading.Thread] = {}
_warmed: weakref.WeakSet[Engine] = weakref.WeakSet()  # engines warmed once
_warming_lock = threading.Lock()


def warm(as_of: dt.date, eng: Engine, ds: Dataset | None = None) -> threading.Thread | None:
    """Compute the series' dates at ``as_of`` in a background thread, so Units, Plan and Transition open quickly.

    Once per engine and date, and only for dates the engine has not kept (after the engine's first warm-up, only
    when at most :data:`WARM_MAX_DATES` are missing); the thread computes one date at a time, so a session asking
    for another date waits for one date at most. With ``ds``, the overlay of its layers (the crosswalk columns)
    is computed too. It computes half the time and sleeps the other half, to leave the sessions the
    interpreter. Off when ``TRACKER_WARM=0``. Returns the thread started, else ``None``.
    """
    dates = series_dates(as_of, until=HORIZON)
    missing = eng.missing(dates)
    if os.environ.get("TRACKER_WARM", "1") == "0" or not missing:
        return None
    key = (id(eng), as_of)
    with _warming_lock:
        if (key in _warming and _warming[key].is_alive()) or (eng in _warmed and len(missing) > WARM_MAX_DATES):
            return None

        def run() -> None:
            time.sleep(WARM_DELAY)
            for d in missing:  # half the time at most: sessions share the GIL with this thread
                t = time.perf_counter()
                eng.precompute([d])
                time.sleep(time.perf_counter() - t)
            for layer in ds.layers if ds is not None else ():
                crosswalk_texts(ds, layer)  # kept by the dataset: its overlay weights

        thread = _warming[key] = threading.Thread(target=run, name=f"itt-warm-{as_of}", daemon=True)
        _warmed.add(eng)
        for k in [k for k, th in _warming.items() if not th.is_alive() and k != key]:
            del _warming[k]
    thread.start()
    return thread


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
