"""The app's map: one Leaflet map in a component of our own, which receives only the state on a rerun.

The component's folder (:func:`app_pages._cache.served_dir`) holds the page, the
renderer and Leaflet (from ``xstatic-leaflet``); the map's parts are written there
under their content hash and fetched once by the browser. A rerun that only
changes values or styles sends a few kilobytes, not the boundaries and sites again.
"""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from app_pages import _cache
from infra.io import web
from infra.views import MapDoc
from infra.views.maps import selected_unit

#: What :func:`map_frame` is registered as; the iframe's title, for tests.
NAME = "itt_map"


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
    value = component(state=doc.state, height=height, key=key, default=None)
    handled = st.session_state.get(f"_{key}_click")
    hit = selected_unit(value, handled, codes)
    if isinstance(value, dict):
        st.session_state[f"_{key}_click"] = value.get("click")
    return hit
