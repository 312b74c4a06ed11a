"""Data view: upload a file, read its validation report, switch the app to the imported data.

Everything that comes from the user's file (its name, sheet and column names, the
report's values) is shown as plain text: in the report table, in ``st.text``, or
escaped by :func:`app_pages._text.plain`.
"""

from __future__ import annotations

import streamlit as st

from app_pages._shell import filters
from app_pages._text import plain
from infra.io import KINDS, ROW_CONVENTION, UnreadableFile, display_name, import_upload
from infra.store import merge_into

RECOGNISED = "(recognised from the file)"

f = filters()
st.write("Upload boundaries, inventories, OpenCelliD exports, targets or a population grid; every row is imported "
         "or reported.")
kind = st.selectbox("Kind of file", KINDS, key="upload_kind")
up = st.file_uploader("File", key="upload_file")
if up is not None:
    name = display_name(up.name)
    offer = st.session_state.get("_upload_offer")  # the parts and columns the last report of this file listed
    same = offer is not None and offer[:2] == (up.file_id, kind)
    options: dict = {}
    if same and st.session_state.get("upload_part") in offer[2]:
        options["part"] = st.session_state["upload_part"]
    if same and kind == "boundaries" and st.session_state.get("upload_name_column") in offer[3]:
        options["columns"] = {"name": st.session_state["upload_name_column"]}
    try:
        frames, rep = import_upload(up.name, up.getvalue(), kind, base=f.ds, **options)
    except UnreadableFile as exc:
        st.error("This file cannot be imported. What is wrong and how to fix it:")
        st.text(str(exc))
    else:
        st.session_state["_upload_offer"] = (up.file_id, kind, rep.parts, rep.columns)
        if len(rep.parts) > 1:
            st.selectbox("Sheet, layer or archive member to import (the others are listed in the report)",
                         rep.parts, index=rep.parts.index(rep.part), key="upload_part")
        if kind == "boundaries" and rep.columns:
            st.selectbox("Column holding the unit names", [RECOGNISED, *rep.columns], key="upload_name_column")
        (st.success if rep.ok else st.warning)(plain(rep.summary()))
        st.caption(ROW_CONVENTION)
        st.dataframe(rep.frame(), key="import_report", hide_index=True)
        if st.button("Use this data", key="use_import"):
            merged = merge_into(f.ds, frames, source=name)
            merged.validate()
            st.session_state["imported"] = merged
            st.session_state["imported_key"] = f"imported:{name}:{len(st.session_state)}"
            st.session_state["_pending_data"] = "imported"
            st.rerun()
