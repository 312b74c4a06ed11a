"""Units view: per-unit metrics, targets, gaps and status with the city total; CSV, Excel and GeoPackage."""

from __future__ import annotations

from functools import partial

import streamlit as st

from app_pages._header import notices
from app_pages._shell import filters, in_language
from infra.contract import CITY
from infra.i18n import _, date_text
from infra.views.export import table_file
from infra.views.tables import styled

f = filters()
table = f.table
if f.units:
    table = table[table["unit_code"].isin([*f.units, CITY])]
if f.compare:
    st.caption(_("Change per unit from {then} to {now} (columns ending in “change”).").format(
        then=date_text(f.compare), now=date_text(f.as_of)))
st.dataframe(styled(table, compare=f.compare), key="units_table", hide_index=True)
said = notices(f)
name = f"units_{f.layer}_{f.as_of}"
for col, (label, fmt) in zip(st.columns(3), (("CSV", "csv"), ("Excel", "xlsx"), ("GeoPackage", "gpkg")), strict=True):
    col.download_button(label, in_language(partial(table_file, table, fmt=fmt, notices=said, compare=f.compare),
                                           f.lang),  # made when clicked, in the page's language
                        file_name=f"{name}.{fmt}", key=f"dl_{fmt}", on_click="ignore")
