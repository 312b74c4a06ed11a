"""Data view: the store's revisions (switch, revert), and an upload that becomes a revision once confirmed.

Everything that comes from the user's file (its name, sheet and column names, the
report's values) is shown as plain text: in the report table, in ``st.text``, or
escaped by :func:`app_pages._text.plain`.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from app_pages._shell import filters
from infra.io import KINDS, ROW_CONVENTION, UnreadableFile, display_name, import_upload
from infra.store import MODES, Change, Conflict, StoreError, apply_import, with_districts
from infra.views.text import plain

RECOGNISED = "(recognised from the file)"

f = filters()
st.caption(f.session.how)  # user names in it are escaped by _auth
revs = f.store.revisions()
st.subheader(f"Revisions in {plain(f.store.location)}")
table = pd.DataFrame([{"revision": r.id, "time (UTC)": r.created_at[:19].replace("T", " "), "user": r.user,
                       "kind": r.kind, "file": r.file_name or r.message, "read": r.read, "imported": r.imported,
                       "rejected": r.rejected} for r in reversed(revs)])
st.dataframe(table, key="revisions_table", hide_index=True)
shown = f.store.revision(f.revision.id)  # whole: what it changed and its report
with st.expander(f"Revision {shown.id}: what it changed and its import report"):
    st.text(f"{shown.label()}\nfile {shown.file_name or '—'} (SHA-256 {shown.file_sha256 or '—'}), mode "
            f"{shown.mode or '—'}; read {shown.read:,}, imported {shown.imported:,}, rejected {shown.rejected:,}")
    for change in shown.changes:
        st.text(Change(**change).summary())
    if shown.report:
        st.dataframe(pd.DataFrame(shown.report), key="revision_report", hide_index=True)
if f.session.can_edit:
    c1, c2 = st.columns([3, 1])
    back = c1.selectbox("Bring back the data of revision", [r.id for r in reversed(revs)][1:], key="revert_to",
                        format_func={r.id: r.label() for r in revs}.get, index=None,
                        placeholder="choose a revision")
    if c2.button("Revert", key="revert", disabled=back is None):
        try:
            new = f.store.revert(back, user=f.session.name, base=f.latest)
        except (Conflict, StoreError) as exc:
            st.error(plain(str(exc)))
        else:
            st.session_state["_pending_rev"] = new.id
            st.rerun()

st.subheader("Import a file")
if not f.session.can_edit:
    st.info("Importing needs an editor. " + f.session.how)
    st.stop()
st.write("Upload boundaries, inventories, OpenCelliD exports, targets or a population grid. Every row is imported "
         "or reported; nothing is saved until you confirm.")
kind = st.selectbox("Kind of file", KINDS, key="upload_kind")
mode = st.radio("Rows the file does not have", MODES, key="upload_mode", horizontal=True,
                format_func={"update": "keep them (update)", "replace": "drop them (replace)"}.get,
                help="update: the file's rows replace those with the same key (unit code, site id…) and the others "
                     "stay; replace: the file's rows are all there is (of its layers, for boundaries).")
up = st.file_uploader("File", key="upload_file")
if up is not None:
    data = up.getvalue()
    name = display_name(up.name)
    offer = st.session_state.get("_upload_offer")  # the parts and columns the last report of this file listed
    same = offer is not None and offer[:2] == (up.file_id, kind)
    options: dict = {}
    if same and st.session_state.get("upload_part") in offer[2]:
        options["part"] = st.session_state["upload_part"]
    if same and kind == "boundaries" and st.session_state.get("upload_name_column") in offer[3]:
        options["columns"] = {"name": st.session_state["upload_name_column"]}
    try:
        frames, rep = import_upload(up.name, data, kind, base=f.ds, **options)
    except UnreadableFile as exc:
        st.error("This file cannot be imported. What is wrong and how to fix it:")
        st.text(str(exc))
        st.stop()
    st.session_state["_upload_offer"] = (up.file_id, kind, rep.parts, rep.columns)
    if len(rep.parts) > 1:
        st.selectbox("Sheet, layer or archive member to import (the others are listed in the report)",
                     rep.parts, index=rep.parts.index(rep.part), key="upload_part")
    if kind == "boundaries" and rep.columns:
        st.selectbox("Column holding the unit names", [RECOGNISED, *rep.columns], key="upload_name_column")
    (st.success if rep.ok else st.warning)(plain(rep.summary()))
    st.caption(ROW_CONVENTION)
    st.dataframe(rep.frame(), key="import_report", hide_index=True)
    if "units" in frames and (frames["units"]["layer"] == "ward_legacy").any() and st.checkbox(
            "Also derive the districts (2017–2025) from these wards", key="derive_districts",
            help="Each district whose wards the file all has becomes the union of them, in place of its "
                 "approximate outline."):
        frames, partial = with_districts(frames)
        if partial:
            st.text("Districts left as they were, the file lacking some of their wards: " + "; ".join(partial))
    merged, changes = apply_import(f.ds, frames, source=name, mode=mode)
    for change in changes:
        st.text(change.summary())  # plain text: file names and unit names are the user's, never markup
    if f.revision.id != f.latest:
        st.warning(f"You are viewing revision {f.revision.id}: the import starts from it, and saving it fails "
                   f"because revision {f.latest} came after. Switch to the latest revision first.")
    if st.button("Save as a new revision", key="use_import", type="primary"):
        if not filters().session.can_edit:  # checked again at the moment of writing
            st.error("Only an editor may save.")
            st.stop()
        try:
            merged.validate()
            new = f.store.commit(merged, base=f.revision.id, kind=kind, user=f.session.name, file_name=name,
                                 file_sha256=hashlib.sha256(data).hexdigest(), mode=mode, report=rep,
                                 changes=changes)
        except (Conflict, StoreError, ValueError) as exc:
            st.error(plain(str(exc)))
        else:
            st.session_state["_pending_rev"] = new.id
            st.rerun()
