"""Plan view: actual against the targets over 2019–2030 for one target metric, with status and trend."""

from __future__ import annotations

import streamlit as st

from app_pages._shell import filters
from infra.contract import TARGET_METRICS
from infra.views.charts import PLAN_CAPTION, plan_view

f = filters()
tmetric = st.selectbox("Target", list(TARGET_METRICS), key="target_metric")
chart, table, has_target = plan_view(f.ds.targets, f.series, layer=f.layer, units=f.units, target_metric=tmetric,
                                     as_of=f.as_of)
if not has_target:
    st.info(f"No target for {tmetric} in the selected units.")
st.altair_chart(chart, key="plan_chart")
st.caption(PLAN_CAPTION)
one = st.column_config.NumberColumn(format="%.1f")
st.dataframe(table, key="plan_table", hide_index=True,
             column_config={"actual": one, "path": one, "next_target": one, "gap": one,
                            "next_year": st.column_config.NumberColumn(format="%d")})
