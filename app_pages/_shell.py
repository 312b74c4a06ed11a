"""What every page shares: the language, the sidebar that builds one :class:`Filters`, the URL that keeps it.

The entry script (``app.py``) calls :func:`start` (language), :func:`sidebar` and
the header (``app_pages/_header.py``) before the page runs; a page reads the
choices with :func:`filters`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import pandas as pd
import streamlit as st

from app_pages import _auth, _cache
from infra import Dataset, i18n, settings
from infra.engine import Engine, ModelOptions
from infra.i18n import N_, _
from infra.plan import carry_selection
from infra.store import Revision, Store, chosen_location
from infra.views.labels import layer_label, sources_line, unit_label
from infra.views.map_parts import layer_overlay
from infra.views.text import plain

T = TypeVar("T")
#: Model parameters (widget key → default); kept in the URL only when changed.
PARAMS = {**{f"radius_{t}": float(r) for t, r in settings.FIXED_RADII_M.items()},
          **{f"mapl_{t}": float(d) for t, d in settings.MAX_PATH_LOSS_DB.items()}}
#: Widget keys kept in the URL, so a view can be shared as a link (the pages' own choices too).
URL_KEYS = ("lang", "rev", "layer", "units", "operators", "technologies", "as_of", "compare", "model", *PARAMS,
            "metric", "metric_tech", "metric_op", "footprints", "target_metric", "site")
_MANY = {"units", "operators", "technologies"}
_DATES = {"as_of", "compare"}
_FILTERS = "_filters"
#: The as-of slider's range; the date box beside it takes any date of :data:`DATE_RANGE`.
SLIDER_RANGE = (dt.date(2017, 1, 1), dt.date(2030, 12, 31))
DATE_RANGE = (dt.date(2000, 1, 1), dt.date(2040, 12, 31))
#: Quick choices of date: label → date (``None``: today). Sources: DOMAIN.md (plan milestones, 2G switch-off).
QUICK_DATES: dict[str, dt.date | None] = {
    N_("Today"): None,
    N_("Plan 2020"): dt.date(2020, 12, 31),
    N_("Plan 2025"): dt.date(2025, 12, 31),
    N_("2G switch-off (15 Sep 2026)"): settings.TWO_G_NETWORK_OFF,
    N_("Plan 2030"): dt.date(2030, 12, 31),
}


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
    compare
        A second date to compare with (``None``: no comparison).
    lang
        The language of the page (``vi`` or ``en``).
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
    compare: dt.date | None = None
    lang: str = i18n.APP_DEFAULT

    @property
    def engine(self) -> Engine:
        """The engine of this dataset and model (cached)."""
        return _cache.engine_of(self.data_key, self.options, self.ds)

    @property
    def now(self) -> pd.DataFrame:
        """Every metric at the as-of date (cached)."""
        return _cache.metrics_at(self.data_key, self.options, self.as_of, self.engine)

    @property
    def then(self) -> pd.DataFrame | None:
        """Every metric at the comparison date (cached), or ``None`` without one."""
        if self.compare is None:
            return None
        return _cache.metrics_at(self.data_key, self.options, self.compare, self.engine)

    @property
    def series(self) -> pd.DataFrame:
        """The metrics over the series dates (cached)."""
        return _cache.series(self.data_key, self.options, self.as_of, self.engine)

    @property
    def table(self) -> pd.DataFrame:
        """The Units table of the layer at the as-of date, for the chosen filters: every unit and the city (cached)."""
        return _cache.unit_table_of(self.data_key, self.options, self.as_of, self.layer, self.operators,
                                    self.technologies, self.compare, self.lang, self.ds, self.engine, self.series,
                                    self.then)

    @property
    def names(self) -> dict[str, str]:
        """Unit code → name on the chosen layer (for legends and tables)."""
        units = self.ds.layer(self.layer)
        return dict(zip(units["unit_code"], units["name"], strict=True))


def in_language(make: Callable[[], T], lang: str) -> Callable[[], T]:
    """``make`` run in ``lang`` (for a download made when clicked, in a thread that knows no page's language)."""
    def run() -> T:
        with i18n.language(lang, "app"):
            return make()
    return run


def filters() -> Filters:
    """The choices of this run's sidebar (for the pages)."""
    return st.session_state[_FILTERS]


def start() -> str:
    """Seed the state from the URL and set this run's language (before any text is drawn); returns it."""
    init_state()
    for key in URL_KEYS:  # a page's widget state outlives the page (Streamlit drops a widget's state when unseen)
        if key in st.session_state and key != "lang":
            st.session_state[key] = st.session_state[key]
    if st.session_state.get("lang") not in i18n.LANGUAGES:
        st.session_state["lang"] = i18n.APP_DEFAULT
    i18n.set_interface("app")
    return i18n.set_language(st.session_state["lang"])


def html_lang() -> None:
    """Make ``<html lang>`` follow the language (the value is a key of ``LANGUAGES``, never user text)."""
    st.html(f"<script>document.documentElement.lang = {i18n.current()!r};</script>", unsafe_allow_javascript=True)


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
    for key in _DATES:
        if isinstance(st.session_state.get(key), str):
            try:
                st.session_state[key] = dt.date.fromisoformat(st.session_state[key])
            except ValueError:
                del st.session_state[key]
    st.session_state["compare_on"] = isinstance(st.session_state.get("compare"), dt.date)
    st.session_state["_seeded"] = True


def sync_url() -> None:
    """Write the current selections to the URL (model parameters only when changed)."""
    out = {}
    for key in URL_KEYS:
        v = st.session_state.get(key)
        if v in (None, [], "") or (key in PARAMS and v == PARAMS[key]):
            continue
        if key == "compare" and not st.session_state.get("compare_on"):
            continue
        out[key] = [str(x) for x in v] if isinstance(v, list) else str(v)
    st.query_params.from_dict(out)


def _revision(store: Store) -> tuple[Revision, int]:
    """The revision chosen in the sidebar (the latest unless the URL or the user chose another), and the latest id."""
    revs = store.revisions()
    by_id = {r.id: r for r in revs}
    if st.session_state.get("rev") not in by_id:
        if "rev" in st.session_state:
            st.sidebar.warning(_("Revision {rev} is not in this store; showing the latest.").format(
                rev=st.session_state["rev"]))
        st.session_state["rev"] = revs[-1].id
    chosen = st.sidebar.selectbox(_("Revision"), [r.id for r in reversed(revs)], key="rev",
                                  format_func=lambda n: by_id[n].label(),
                                  help=_("Every import is a revision; any of them can be shown, and brought back in "
                                         "the Data view."))
    return by_id[chosen], revs[-1].id


def _language() -> None:
    """The language switch, first in the sidebar (its own name in each language)."""
    st.sidebar.segmented_control("Ngôn ngữ · Language", list(i18n.LANGUAGES), key="lang",
                                 format_func=i18n.LANGUAGES.get, selection_mode="single")


def _set_date(value: dt.date) -> None:
    """Make ``value`` the as-of date, and show it in both date widgets."""
    st.session_state["as_of"] = value
    st.session_state["_as_of_slider"] = min(max(value, SLIDER_RANGE[0]), SLIDER_RANGE[1])
    st.session_state["_as_of_box"] = value


def _from_slider() -> None:
    _set_date(st.session_state["_as_of_slider"])


def _from_box() -> None:
    if isinstance(st.session_state.get("_as_of_box"), dt.date):
        _set_date(st.session_state["_as_of_box"])


def _from_quick() -> None:
    label = st.session_state.get("_as_of_quick")
    if label in QUICK_DATES:
        _set_date(QUICK_DATES[label] or dt.date.today())
    st.session_state["_as_of_quick"] = None


def dates() -> tuple[dt.date, dt.date | None]:
    """The as-of date (a slider, a date box beside it, quick choices) and an optional date to compare with."""
    st.session_state.setdefault("as_of", dt.date.today())
    as_of = st.session_state["as_of"]
    if st.session_state.get("_as_of_box") != as_of:  # keep both widgets on the chosen date
        _set_date(as_of)
    st.sidebar.slider(_("As of"), min_value=SLIDER_RANGE[0], max_value=SLIDER_RANGE[1], key="_as_of_slider",
                      format="DD/MM/YYYY", on_change=_from_slider,
                      help=_("Every figure, map and chart is computed at this date."))
    st.sidebar.date_input(_("Date"), min_value=DATE_RANGE[0], max_value=DATE_RANGE[1], key="_as_of_box",
                          format="DD/MM/YYYY", on_change=_from_box, label_visibility="collapsed")
    st.sidebar.pills(_("Quick dates"), list(QUICK_DATES), key="_as_of_quick", format_func=_,
                     on_change=_from_quick, selection_mode="single")
    compare = None
    if st.sidebar.toggle(_("Compare with another date"), key="compare_on"):
        if not isinstance(st.session_state.get("compare"), dt.date):
            try:  # a year before the as-of date (28 Feb for a 29 Feb)
                st.session_state["compare"] = as_of.replace(year=as_of.year - 1)
            except ValueError:
                st.session_state["compare"] = as_of.replace(year=as_of.year - 1, day=28)
        compare = st.sidebar.date_input(_("Compare with"), min_value=DATE_RANGE[0], max_value=DATE_RANGE[1],
                                        key="compare", format="DD/MM/YYYY",
                                        help=_("The Units table and the map show the change from this date to the "
                                               "as-of date."))
    return st.session_state["as_of"], compare


def _units_on(ds: Dataset, layer: str, label: dict[str, str]) -> list[str]:
    """The chosen units on ``layer``: after a switch of layer, those standing for the units chosen on the other.

    The sidebar says what it did: carried them by area (a district to its new wards, a ward to its former
    district), or, when nothing stands for them, shows all units.
    """
    before = [str(u) for u in st.session_state.get("units", [])]
    kept = [u for u in before if u in label]
    came_from = st.session_state.get("_units_layer", layer)
    st.session_state["_units_layer"] = layer
    if kept or not before or came_from == layer:
        return kept
    old, new = settings.LAYER_DISTRICT, settings.LAYER_COMMUNE_2025
    if {came_from, layer} == {old, new} <= set(ds.layers):
        kept = [u for u in carry_selection(layer_overlay(ds, old, new), before, forward=came_from == old)
                if u in label]
    if kept:
        st.sidebar.info(_("The units chosen on the other layer, carried to this one by area: {units}.").format(
            units=plain(", ".join(label[u] for u in kept))))
    else:
        st.sidebar.info(_("The units chosen are not on this layer: all its units are shown."))
    return kept


def sidebar() -> Filters:
    """Draw the sidebar (language, data, layer, units, operators, technologies, dates, model); return its choices.

    :func:`start` has seeded the state from the URL before.
    """
    _language()
    for key, pending in (("rev", "_pending_rev"), ("units", "_pending_units")):  # set by the pages, applied here
        if pending in st.session_state:
            st.session_state[key] = st.session_state.pop(pending)
    for key, default in PARAMS.items():
        st.session_state.setdefault(key, default)
    who = _auth.session()
    store = _cache.store(chosen_location())
    rev, latest = _revision(store)
    ds = _cache.dataset(store.location, rev.key, store, rev.id)
    data_key = rev.key
    layer = st.sidebar.selectbox(_("Admin layer"), ds.layers, key="layer", format_func=layer_label)
    units = ds.layer(layer)
    label = dict(zip(units["unit_code"], [unit_label(c, n) for c, n in zip(units["unit_code"], units["name"],
                                                                             strict=True)], strict=True))
    st.session_state["units"] = _units_on(ds, layer, label)
    chosen = st.sidebar.multiselect(_("Units"), list(label), key="units", format_func=label.get,
                                    placeholder=_("All units"))
    operators = st.sidebar.multiselect(_("Operators"), list(settings.OPERATORS), key="operators",
                                       placeholder=_("All operators"))
    technologies = st.sidebar.multiselect(_("Technologies"), list(settings.TECHNOLOGIES), key="technologies",
                                          placeholder=_("All technologies"))
    as_of, compare = dates()
    models = {"fixed": _("Fixed radius per technology"), "pathloss": _("Path loss (Hata, 3GPP)")}
    model = st.sidebar.selectbox(_("Coverage model"), list(models), key="model", format_func=models.get,
                                 help=_("Fixed radius: one radius per technology, as peers use on OpenCelliD. "
                                        "Path loss: Okumura-Hata / COST-231 Hata (2G-4G) and 3GPP 38.901 UMa (5G) "
                                        "up to a maximum path loss."))
    with st.sidebar.expander(_("Model parameters")):  # both sets stay rendered, so switching model keeps them
        radii = tuple((t, float(st.number_input(_("{tech} radius, fixed model (m)").format(tech=t), 50.0, 35_000.0,
                                                step=50.0, key=f"radius_{t}"))) for t in settings.TECHNOLOGIES)
        losses = tuple((t, float(st.number_input(_("{tech} maximum path loss, path loss model (dB)").format(tech=t),
                                                 100.0, 170.0, step=1.0, key=f"mapl_{t}")))
                       for t in settings.TECHNOLOGIES)
    opts = ModelOptions(model=model, fixed_radii_m=radii if model == "fixed" else (),
                        max_loss_db=losses if model == "pathloss" else ())
    f = Filters(ds, data_key, store, rev, latest, who, layer, tuple(chosen), tuple(operators), tuple(technologies),
                as_of, opts, compare=compare, lang=i18n.current())
    st.session_state[_FILTERS] = f
    return f


def footer(f: Filters) -> None:
    """Where every frame of the dataset comes from."""
    st.caption(plain(sources_line(f.ds.provenance)))
