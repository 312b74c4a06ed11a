"""Units view: per-unit metrics, targets, gaps and status with the city total; CSV, Excel and GeoPackage."""

from __future__ import annotations

from functools import partial

import streamlit as st

from app_pages._shell import filters
from infra.contract import CITY
from infra.io import table_bytes
from infra.views.tables import styled

f = filters()
table = f.table
if f.units:
    table = table[table["unit_code"].isin([*f.units, CITY])]
st.dataframe(styled(table), key="units_table", hide_index=True)
notices = f.ds.notices()
name = f"units_{f.layer}_{f.as_of}"
for col, (label, fmt) in zip(st.columns(3), (("CSV", "csv"), ("Excel", "xlsx"), ("GeoPackage", "gpkg")), strict=True):
    col.download_button(label, partial(table_bytes, table, fmt=fmt, notices=notices),  # made when clicked
                        file_name=f"{name}.{fmt}", key=f"dl_{fmt}", on_click="ignore")
