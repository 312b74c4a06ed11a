"""Data view: upload a file, read its validation report, switch the app to the imported data."""

from __future__ import annotations

import streamlit as st

from app_pages._shell import filters
from infra.io import KINDS, UnreadableFile, import_upload
from infra.store import merge_into

f = filters()
st.write("Upload boundaries, inventories, OpenCelliD exports or targets; every row is imported or reported.")
kind = st.selectbox("Kind of file", KINDS, key="upload_kind")
up = st.file_uploader("File", key="upload_file")
if up is not None:
    try:
        frames, rep = import_upload(up.name, up.getvalue(), kind, base=f.ds)
    except UnreadableFile as exc:
        st.error(str(exc))
    else:
        (st.success if rep.ok else st.warning)(rep.summary())
        st.dataframe(rep.frame(), key="import_report", hide_index=True)
        if st.button("Use this data", key="use_import"):
            merged = merge_into(f.ds, frames, source=up.name)
            merged.validate()
            st.session_state["imported"] = merged
            st.session_state["imported_key"] = f"imported:{up.name}:{len(st.session_state)}"
            st.session_state["_pending_data"] = "imported"
            st.rerun()
