"""What every page shares: the sidebar that builds one :class:`Filters`, the URL that keeps it, the header.

The entry script (``app.py``) calls :func:`sidebar` and :func:`header` before the
page runs; a page reads the choices with :func:`filters`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from app_pages import _auth, _cache
from infra import Dataset, settings
from infra.engine import Engine, ModelOptions
from infra.plan import aggregate
from infra.store import Revision, Store, chosen_location
from infra.views.notices import layer_notices
from infra.views.text import plain

LAYER_LABELS = {"district": "Districts 2017–2025 (the plan's units)", "commune_2025": "Communes and wards since 2025"}
#: Model parameters (widget key → default); kept in the URL only when changed.
PARAMS = {**{f"radius_{t}": float(r) for t, r in settings.FIXED_RADII_M.items()},
          **{f"mapl_{t}": float(d) for t, d in settings.MAX_PATH_LOSS_DB.items()}}
#: Widget keys kept in the URL, so a view can be shared as a link.
URL_KEYS = ("rev", "layer", "units", "operators", "technologies", "as_of", "model", *PARAMS, "metric",
            "metric_tech")
_MANY = {"units", "operators", "technologies"}
_FILTERS = "_filters"


@dataclass(frozen=True)
class Filters:
    """The choices of the sidebar, the same for every page of one run.

    Attributes
    ----------
    ds, data_key
        The dataset and the key its caches are stored under (the revision's content hash).
    store, revision, latest
        Where the data comes from: the store, the revision shown, the latest revision's id.
    session
        Who is using the app, and whether they may edit.
    layer, units, operators, technologies, as_of
        What is shown; empty tuples mean all.
    options
        The coverage model and its parameters.
    """

    ds: Dataset = field(repr=False, compare=False)
    data_key: str
    store: Store = field(repr=False, compare=False)
    revision: Revision = field(compare=False)
    latest: int
    session: _auth.Session
    layer: str
    units: tuple[str, ...]
    operators: tuple[str, ...]
    technologies: tuple[str, ...]
    as_of: dt.date
    options: ModelOptions

    @property
    def engine(self) -> Engine:
        """The engine of this dataset and model (cached)."""
        return _cache.engine_of(self.data_key, self.options, self.ds)

    @property
    def now(self) -> pd.DataFrame:
        """Every metric at the as-of date (cached)."""
        return _cache.metrics_at(self.data_key, self.options, self.as_of, self.engine)

    @property
    def series(self) -> pd.DataFrame:
        """The metrics over the series dates (cached)."""
        return _cache.series(self.data_key, self.options, self.as_of, self.engine)

    @property
    def table(self) -> pd.DataFrame:
        """The Units table of the layer at the as-of date: every unit and the city (cached)."""
        return _cache.unit_table_of(self.data_key, self.options, self.as_of, self.layer, self.ds, self.engine,
                                    self.series)


def filters() -> Filters:
    """The choices of this run's sidebar (for the pages)."""
    return st.session_state[_FILTERS]


def init_state() -> None:
    """Seed widget state from the URL once, so a view can be shared as a link."""
    if st.session_state.get("_seeded"):
        return
    q = st.query_params
    for key in URL_KEYS:
        if key in q:
            st.session_state[key] = q.get_all(key) if key in _MANY else q[key]
    for key in PARAMS:
        if isinstance(st.session_state.get(key), str):
            try:
                st.session_state[key] = float(st.session_state[key])
            except ValueError:
                del st.session_state[key]
    if isinstance(st.session_state.get("rev"), str):
        try:
            st.session_state["rev"] = int(st.session_state["rev"])
        except ValueError:
            del st.session_state["rev"]
    if isinstance(st.session_state.get("as_of"), str):
        try:
            st.session_state["as_of"] = dt.date.fromisoformat(st.session_state["as_of"])
        except ValueError:
            del st.session_state["as_of"]
    st.session_state["_seeded"] = True


def sync_url() -> None:
    """Write the current selections to the URL (model parameters only when changed)."""
    out = {}
    for key in URL_KEYS:
        v = st.session_state.get(key)
        if v in (None, [], "") or (key in PARAMS and v == PARAMS[key]):
            continue
        out[key] = [str(x) for x in v] if isinstance(v, list) else str(v)
    st.query_params.from_dict(out)


def _revision(store: Store) -> tuple[Revision, int]:
    """The revision chosen in the sidebar (the latest unless the URL or the user chose another), and the latest id."""
    revs = store.revisions()
    by_id = {r.id: r for r in revs}
    if st.session_state.get("rev") not in by_id:
        if "rev" in st.session_state:
            st.sidebar.warning(f"Revision {st.session_state['rev']} is not in this store; showing the latest.")
        st.session_state["rev"] = revs[-1].id
    chosen = st.sidebar.selectbox("Revision", [r.id for r in reversed(revs)], key="rev",
                                  format_func=lambda n: by_id[n].label(),
                                  help="Every import is a revision; any of them can be shown, and brought back in "
                                       "the Data view.")
    return by_id[chosen], revs[-1].id


def sidebar() -> Filters:
    """Draw the sidebar (data, layer, units, operators, technologies, date, model) and return its choices."""
    init_state()
    for key, pending in (("rev", "_pending_rev"), ("units", "_pending_units")):  # set by the pages, applied here
        if pending in st.session_state:
            st.session_state[key] = st.session_state.pop(pending)
    st.session_state.setdefault("as_of", dt.date.today())
    for key, default in PARAMS.items():
        st.session_state.setdefault(key, default)
    who = _auth.session()
    store = _cache.store(chosen_location())
    rev, latest = _revision(store)
    ds = _cache.dataset(store.location, rev.key, store, rev.id)
    data_key = rev.key
    layer = st.sidebar.selectbox("Admin layer", ds.layers, key="layer", format_func=lambda k: LAYER_LABELS.get(k, k))
    units = ds.layer(layer)
    label = dict(zip(units["unit_code"], units["unit_code"] + " " + units["name"], strict=True))
    st.session_state["units"] = [u for u in st.session_state.get("units", []) if u in label]
    chosen = st.sidebar.multiselect("Units (empty = all)", list(label), key="units", format_func=label.get)
    operators = st.sidebar.multiselect("Operators (empty = all)", list(settings.OPERATORS), key="operators")
    technologies = st.sidebar.multiselect("Technologies (empty = all)", list(settings.TECHNOLOGIES),
                                          key="technologies")
    as_of = st.sidebar.slider("As of", min_value=dt.date(2019, 1, 1), max_value=dt.date(2030, 12, 31), key="as_of",
                              format="YYYY-MM-DD")
    model = st.sidebar.selectbox("Coverage model", ["fixed", "pathloss"], key="model",
                                 help="fixed: a radius per technology, as peers use on OpenCelliD; pathloss: "
                                      "Okumura-Hata / COST-231 Hata (2G-4G) and 3GPP 38.901 UMa (5G) at a maximum "
                                      "path loss")
    with st.sidebar.expander("Model parameters"):  # both sets stay rendered, so switching model keeps them
        radii = tuple((t, float(st.number_input(f"{t} radius, fixed model (m)", 50.0, 35_000.0, step=50.0,
                                                key=f"radius_{t}"))) for t in settings.TECHNOLOGIES)
        losses = tuple((t, float(st.number_input(f"{t} max path loss, pathloss model (dB)", 100.0, 170.0, step=1.0,
                                                 key=f"mapl_{t}"))) for t in settings.TECHNOLOGIES)
    opts = ModelOptions(model=model, fixed_radii_m=radii if model == "fixed" else (),
                        max_loss_db=losses if model == "pathloss" else ())
    f = Filters(ds, data_key, store, rev, latest, who, layer, tuple(chosen), tuple(operators), tuple(technologies),
                as_of, opts)
    st.session_state[_FILTERS] = f
    return f


def _fmt(v: float | None, pct: bool = False) -> str:
    return "n/a" if v is None else (f"{v:.1f} %" if pct else f"{v:,.0f}")


def header(f: Filters) -> None:
    """The title, the data's notices and the headline figures of the selected units (the city when none)."""
    st.title("Telecom Infrastructure Transition Tracker — Hanoi")
    st.caption(plain(f"Store {f.store.location} · revision {f.revision.label()}"))  # the label names the file
    if f.revision.id != f.latest:
        st.info(f"You are viewing revision {f.revision.id}; the latest is revision {f.latest}.")
    for notice in f.ds.notices():  # they name imported files: plain text, never Markdown
        st.warning(plain(notice))
    for notice in layer_notices(f.engine.repairs, f.ds.provenance):
        st.warning(plain(notice))
    if note := f.engine.outside_note():
        st.warning(plain(note))
    now = f.now

    def headline(metric: str, tech: str = "*") -> float | None:
        return aggregate(now, f.layer, f.units, metric, tech)

    st.caption(f"Figures for {len(f.units)} selected unit(s)" if f.units else "Figures for the whole city")
    c = st.columns(5)
    c[0].metric("Sites standing", _fmt(headline("sites_standing")))
    c[1].metric("4G area coverage", _fmt(headline("area_coverage_pct", "4G"), pct=True))
    c[2].metric("5G area coverage", _fmt(headline("area_coverage_pct", "5G"), pct=True))
    c[3].metric("2G switched off", _fmt(headline("two_g_off_pct", "2G"), pct=True))
    c[4].metric("Shared sites", _fmt(headline("shared_site_pct"), pct=True))


def footer(f: Filters) -> None:
    """Where every frame of the dataset comes from."""
    st.caption(plain("Sources: " + "; ".join(f"{k}: {p.source}" for k, p in f.ds.provenance.items())))
