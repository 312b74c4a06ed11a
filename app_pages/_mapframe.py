"""The app's map: one Leaflet map in a component of our own, which receives only the state on a rerun.

The component's folder (:func:`app_pages._cache.served_dir`) holds the page, the
renderer and Leaflet (from ``xstatic-leaflet``); the map's parts are written there
under their content hash and fetched once by the browser. A rerun that only
changes values or styles sends a few kilobytes, not the boundaries and sites again.
"""

from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from app_pages import _cache
from infra.io import web
from infra.views import MapDoc
from infra.views.maps import selected_unit

#: What :func:`map_frame` is registered as; the iframe's title, for tests.
NAME = "itt_map"
#: Streamlit's own code for a table (Units, Sites, Data) and a chart (Plan, Transition), which it loads the
#: first time a page shows one: about half a second for the table on a first opening of Units.
PRELOAD = ("DataFrame", "ArrowVegaLiteChart")


@functools.cache
def preload_names() -> tuple[str, ...]:
    """The file names of the :data:`PRELOAD` modules in the installed Streamlit (``DataFrame.<hash>.js``).

    The map loads them into the page just after it has drawn, so a first view switch does not
    wait for them. A Streamlit without them (another build) gives none, and nothing is loaded ahead.
    """
    folder = Path(st.__file__).parent / "static" / "static" / "js"
    return tuple(sorted(p.name for name in PRELOAD for p in folder.glob(f"{name}.*.js")))


def map_frame(doc: MapDoc, *, codes: set[str], key: str, height: int = 620) -> str | None:
    """Draw ``doc`` in the page; returns the unit a click on the map has just selected, else ``None``.

    Parameters
    ----------
    doc
        The map (state and parts).
    codes
        The unit codes of the layer drawn: a click names one of them, or is ignored.
    key
        Widget key of the component.
    height
        Height of the map in pixels.
    """
    root = _cache.served_dir()
    web.publish(root, doc.parts)
    component = components.declare_component(NAME, path=str(root))
    value = component(state=doc.state, preload=preload_names(), height=height, key=key, default=None)
    handled = st.session_state.get(f"_{key}_click")
    hit = selected_unit(value, handled, codes)
    if isinstance(value, dict):
        st.session_state[f"_{key}_click"] = value.get("click")
    return hit
