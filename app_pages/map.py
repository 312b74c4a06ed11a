"""Map view: the choropleth of a metric, sites by mast class and technology, a click selects a unit."""

from __future__ import annotations

import streamlit as st

from app_pages import _cache
from app_pages._mapframe import map_frame
from app_pages._shell import filters
from infra import settings
from infra.views import MapView, map_for_export, metric_values, standalone_html

METRICS = ["area_coverage_pct", "pop_coverage_pct", "sites_on_air", "radios_on_air", "two_g_off_pct",
           "sites_5g_commercial", "sites_5g_pilot", "shared_site_pct", "sites_standing", "bulky_masts_in_zones"]

f = filters()
m1, m2, m3 = st.columns([2, 1, 1])
metric = m1.selectbox("Map metric", METRICS, key="metric")
metric_tech = m2.selectbox("of technology", ["4G", "5G", "3G", "2G", "*"], key="metric_tech")
fp = m3.selectbox("Footprints", ["", *settings.TECHNOLOGIES], key="footprints", format_func=lambda t: t or "none")
mv = MapView(layer=f.layer, as_of=f.as_of, units=f.units, operators=f.operators, technologies=f.technologies,
             metric=metric, technology=metric_tech, footprints=fp)
st.caption(f"{len(metric_values(f.now, mv))} units with a value · {mv.describe()}")
doc = _cache.map_doc(f.data_key, f.options, mv, f.ds, f.now)
codes = set(_cache.parts(f.data_key, f.ds).unit_codes[f.layer])
if (hit := map_frame(doc, codes=codes, key="map")) is not None:  # a click on a unit selects it
    st.session_state["_pending_units"] = [hit]
    st.rerun()


def _standalone() -> str:
    """The map of this view as one HTML file, with title, filters and sources (made when asked for)."""
    return standalone_html(map_for_export(f.ds, mv, metrics=f.now, parts=_cache.parts(f.data_key, f.ds)))


st.download_button("Download the map (HTML)", _standalone, file_name=f"hanoi_{f.layer}_{f.as_of:%Y%m%d}.html",
                   mime="text/html", key="dl_map", on_click="ignore")
