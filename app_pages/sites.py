"""Sites view: the sites standing in the selected units, and one site's radios over time."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from app_pages._shell import filters
from infra import Dataset
from infra.i18n import _, ngettext, number
from infra.views.sites import find_sites, site_events, site_list, site_table, site_timeline


@st.cache_data(show_spinner=False, max_entries=32)
def _sites(data_key: str, lang: str, as_of: dt.date, layer: str, units: tuple, operators: tuple, technologies: tuple,
           _ds: Dataset) -> pd.DataFrame:
    """The site list of a view, in a language (its technologies name the 5G pilot)."""
    return site_list(_ds, as_of=as_of, layer=layer, units=units, operators=operators, technologies=technologies)


f = filters()
sites = _sites(f.data_key, f.lang, f.as_of, f.layer, f.units, f.operators, f.technologies, f.ds)
query = st.text_input(_("Find a site"), key="site", placeholder=_("Site id or name"))
shown = sites[sites["site_id"].isin(find_sites(sites, query, limit=len(sites))["site_id"])] if query else sites
st.caption(ngettext("{n} site standing in the chosen units at this date; choose a row to see the site's radios.",
                    "{n} sites standing in the chosen units at this date; choose a row to see the site's radios.",
                    len(shown)).format(n=number(len(shown))))
event = st.dataframe(site_table(shown), key="sites_table", hide_index=True, on_select="rerun",
                     selection_mode="single-row")
rows = event.selection.rows if event and event.selection else []
chosen = shown["site_id"].iloc[rows[0]] if rows else (shown["site_id"].iloc[0] if query and len(shown) else None)
if chosen is None and query:
    found = find_sites(f.ds.sites, query)  # a site outside the chosen units or not standing at this date
    chosen = found["site_id"].iloc[0] if len(found) else None
if chosen is None:
    st.info(_("Choose a site in the table, or find one by its id or name."))
else:
    st.subheader(_("Site {site_id}").format(site_id=chosen))
    st.altair_chart(site_timeline(f.ds, chosen, as_of=f.as_of), key="site_timeline")
    events = site_events(f.ds, chosen)[["when", "event"]].rename(columns={"when": _("Date"), "event": _("Event")})
    st.dataframe(events, key="site_events", hide_index=True)
