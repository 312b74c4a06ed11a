"""Map view: the choropleth of a metric, sites by mast class and technology, a click selects a unit."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from app_pages import _cache
from app_pages._shell import filters
from infra import settings
from infra.views import MapView, map_for_export, metric_values
from infra.views.maps import clicked_unit

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
fmap = _cache.built_map(f.data_key, f.options, mv, f.ds, f.now)
clicked = st_folium(fmap, key="map", height=620, use_container_width=True, render=False,  # rendered in built_map
                    returned_objects=["last_object_clicked", "last_object_clicked_tooltip",
                                      "last_object_clicked_popup"])
before, st.session_state["_clicked"] = st.session_state.get("_clicked"), clicked
if (hit := clicked_unit(f.ds.layer(f.layer), clicked, before)) is not None:  # a click on a unit selects it
    st.session_state["_pending_units"] = [hit]
    st.rerun()


def _standalone() -> str:
    """The map of this view as one HTML file, with title, filters and sources (made when asked for)."""
    return map_for_export(f.ds, mv, metrics=f.now, history=_cache.history(f.data_key, f.ds)).get_root().render()


st.download_button("Download the map (HTML)", _standalone, file_name=f"hanoi_{f.layer}_{f.as_of:%Y%m%d}.html",
                   mime="text/html", key="dl_map", on_click="ignore")
