"""Map view: the choropleth of a metric, sites by mast class and technology; a click selects a unit, a search a site."""

from __future__ import annotations

import dataclasses

import streamlit as st

from app_pages import _cache
from app_pages._mapframe import map_frame
from app_pages._shell import filters, in_language
from infra import settings
from infra.i18n import _, ngettext
from infra.views import MapView, map_for_export, metric_values, standalone_html
from infra.views.labels import metric_label
from infra.views.sites import find_sites
from infra.views.text import plain

METRICS = ["area_coverage_pct", "pop_coverage_pct", "sites_on_air", "radios_on_air", "two_g_off_pct",
           "sites_5g_commercial", "sites_5g_pilot", "shared_site_pct", "sites_standing", "bulky_masts_in_zones"]

f = filters()
m1, m2, m3, m4 = st.columns([2, 1, 1, 1])
metric = m1.selectbox(_("Map metric"), METRICS, key="metric", format_func=metric_label)
metric_tech = m2.selectbox(_("of technology"), ["5G", "4G", "3G", "2G", "*"], key="metric_tech",
                           format_func=lambda t: _("all technologies") if t == "*" else t)
metric_op = m3.selectbox(_("of operator"), ["*", *settings.OPERATORS], key="metric_op",
                         format_func=lambda o: _("all operators") if o == "*" else o,
                         help=_("With one operator chosen in the sidebar, the map shows that operator's figure."))
if metric_op == "*" and len(f.operators) == 1:
    metric_op = f.operators[0]
fp = m4.selectbox(_("Footprints"), ["", *settings.TECHNOLOGIES], key="footprints",
                  format_func=lambda t: t or _("none"), help=_("Drawn with the coverage model chosen in the sidebar."))
mv = MapView(layer=f.layer, as_of=f.as_of, units=f.units, operators=f.operators, technologies=f.technologies,
             metric=metric, technology=metric_tech, operator=metric_op, footprints=fp, options=f.options,
             compare=f.compare)
doc = _cache.map_doc(f.data_key, f.options, mv, f.lang, f.ds, f.now, f.then, f.engine)
values = metric_values(f.now, mv).dropna()
n = int(values.index.isin(mv.units).sum()) if mv.units else len(values)  # the units shown, when some are chosen
st.caption(ngettext("{caption} · {n} unit with a value · {view}", "{caption} · {n} units with a value · {view}",
                    n).format(caption=plain(doc.state["scale"]["caption"]), n=n, view=plain(mv.describe())))
parts = _cache.parts(f.data_key, f.ds)

query = st.text_input(_("Find a site"), key="site", placeholder=_("Site id or name"),
                      help=_("The map goes to the site and opens its history."))
if query:
    found = find_sites(f.ds.sites, query)
    if found.empty:
        st.info(_("No site matches “{query}”.").format(query=plain(query)))
    else:
        pick = found["site_id"].iloc[0]
        if len(found) > 1 and found["site_id"].iloc[0].casefold() != query.strip().casefold():
            pick = st.selectbox(_("Sites found"), found["site_id"].tolist(), key="_site_pick",
                                format_func=dict(zip(found["site_id"], found["site_id"] + " · " +
                                                     found["name"].astype(str), strict=True)).get)
        i = int(f.ds.sites["site_id"].astype(str).tolist().index(pick))
        doc = dataclasses.replace(doc, state={**doc.state, "focus": {"i": i, "id": pick, "zoom": 17}})

codes = set(parts.unit_codes[f.layer])
if (hit := map_frame(doc, codes=codes, key="map")) is not None:  # a click on a unit selects it
    st.session_state["_pending_units"] = [hit]
    st.rerun()


def _standalone() -> str:
    """The map of this view as one HTML file, with title, filters and sources (made when asked for)."""
    return standalone_html(map_for_export(f.ds, mv, metrics=f.now, parts=parts))


st.download_button(_("Download the map (HTML)"), in_language(_standalone, f.lang),  # made when clicked
                   file_name=f"hanoi_{f.layer}_{f.as_of:%Y%m%d}.html", mime="text/html", key="dl_map",
                   on_click="ignore")
