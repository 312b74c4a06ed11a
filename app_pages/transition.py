"""Transition view: the 2G burn-down, 4G coverage growth and 5G pilot vs commercial sites."""

from __future__ import annotations

import streamlit as st

from app_pages._shell import filters
from infra.views.charts import TRANSITION_CAPTION, transition_charts

f = filters()
two_g, four_g, five_g = transition_charts(f.series, layer=f.layer, units=f.units, as_of=f.as_of)
a, b = st.columns(2)
a.altair_chart(two_g, key="chart_2g")
b.altair_chart(four_g, key="chart_4g")
st.altair_chart(five_g, key="chart_5g")
st.caption(TRANSITION_CAPTION)
