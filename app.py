"""Streamlit app: Telecom Infrastructure Transition Tracker (Hanoi).

Thin on purpose: widgets, cached library calls and the map from ``infra.maps``.
Run with ``streamlit run app.py``.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st
from streamlit_folium import st_folium

from infra import read_dataset
from infra.maps import active_sites, overview_map

st.set_page_config(page_title="Hanoi telecom transition tracker", layout="wide")


@st.cache_resource(show_spinner="Loading the default data…")
def load_default():
    """The embedded default dataset (read once per server)."""
    return read_dataset()


st.title("Telecom Infrastructure Transition Tracker — Hanoi")
try:
    ds = load_default()
except (ValueError, FileNotFoundError) as exc:
    st.error(str(exc))
    st.stop()

for notice in ds.notices():
    st.warning(notice)

labels = {"district": "Districts 2017–2025 (the plan's units)", "commune_2025": "Communes and wards since 1 Jul 2025"}
layer = st.sidebar.radio("Admin layer", ds.layers, format_func=lambda k: labels.get(k, k), key="layer")
as_of = st.sidebar.date_input("As of", value=dt.date.today(), min_value=dt.date(2019, 1, 1),
                              max_value=dt.date(2030, 12, 31), key="as_of")

units = ds.layer(layer)
standing = active_sites(ds.sites, as_of)
c1, c2, c3 = st.columns(3)
c1.metric("Units in layer", len(units))
c2.metric("Sites standing", f"{len(standing):,}")
c3.metric("Restricted zones", len(ds.zones))

st_folium(overview_map(ds, layer=layer, as_of=as_of), key="map", height=640, use_container_width=True,
          returned_objects=[])
st.caption("Sources: " + "; ".join(f"{k}: {p.source}" for k, p in ds.provenance.items()))
