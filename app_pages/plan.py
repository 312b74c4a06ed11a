"""Plan view: actual against the targets over 2019–2030 for one target metric, with status and trend."""

from __future__ import annotations

import streamlit as st

from app_pages._shell import filters
from infra.contract import TARGET_METRICS
from infra.i18n import _
from infra.views.charts import PLAN_CAPTION, plan_styled, plan_view
from infra.views.labels import target_label

f = filters()
choices = [m for m, (_metric, tech, _op) in TARGET_METRICS.items()
           if tech == "*" or not f.technologies or tech in f.technologies]  # the technology filter limits them
if st.session_state.get("target_metric") not in choices:
    st.session_state.pop("target_metric", None)
# the plan's headline target to 2030 (99 % of the population covered by 5G); without a population grid it cannot
# be measured, and the view opens on the 2G switch-off (the other headline of the transition) instead
first = "pop_coverage_5g_pct" if f.ds.population is not None else "two_g_radios_off_pct"
if "target_metric" not in st.session_state and first in choices:
    st.session_state["target_metric"] = first
tmetric = st.selectbox(_("Target"), choices, key="target_metric", format_func=target_label)
chart, table, has_target = plan_view(f.ds.targets, f.series, layer=f.layer, units=f.units, target_metric=tmetric,
                                     as_of=f.as_of, operators=f.operators, names=f.names)
if TARGET_METRICS[tmetric][0] == "pop_coverage_pct" and f.ds.population is None:
    st.warning(_("This target counts people, and the data has no population grid, so it cannot be measured: import "
                 "one in the Data view (kind of file: “population”). Until then, the Map and Units views give the "
                 "share of area covered."))
if not has_target:
    st.info(_("No target for {target} in the selected units.").format(target=target_label(tmetric)))
st.altair_chart(chart, key="plan_chart")
st.caption(_(PLAN_CAPTION))
st.dataframe(plan_styled(table), key="plan_table", hide_index=True)
