"""Transition view: the 2G burn-down, area coverage growth and 5G pilot vs commercial sites."""

from __future__ import annotations

import streamlit as st

from app_pages._shell import filters
from infra.i18n import _
from infra.views.charts import TRANSITION_CAPTION, transition_charts

f = filters()
charts = dict(transition_charts(f.series, layer=f.layer, units=f.units, as_of=f.as_of, operators=f.operators,
                                technologies=f.technologies, names=f.names))
lines = [k for k in ("2g", "coverage") if k in charts]
for col, key in zip(st.columns(len(lines)), lines, strict=True):
    col.altair_chart(charts[key], key=f"chart_{key}")
if "5g" in charts:
    st.altair_chart(charts["5g"], key="chart_5g")
st.caption(_(TRANSITION_CAPTION))
