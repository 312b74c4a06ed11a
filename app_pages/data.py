"""Data view: the store's revisions (switch, revert), and an upload that becomes a revision once confirmed.

Everything that comes from the user's file (its name, sheet and column names, the
report's values) is shown as plain text: in the report table, in ``st.text``, or
escaped by :func:`infra.views.text.plain`. The fields of the import form carry the
names that validation messages give them (:data:`infra.i18n.OPTIONS`).
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from app_pages._shell import filters
from infra.i18n import N_, _, number
from infra.io import KINDS, UnreadableFile, display_name, import_upload
from infra.io.coords import GRID_LABELS
from infra.io.report import HEADERS, kind_label, row_convention, severity_label
from infra.store import MODES, Change, Conflict, StoreError, apply_import, with_districts
from infra.store.base import kind_label as revision_kind
from infra.views.text import plain

#: Mode → its choice in the form (msgids).
MODE_LABELS = {"update": N_("keep them (update)"), "replace": N_("drop them (replace)")}
#: Kinds whose columns can be mapped by hand in the form (boundaries choose their name column).
MAPPED = ("sites", "radios", "targets", "population")


def _mapping(text: str) -> dict[str, str]:
    """``"lat=Vĩ độ, lon=Kinh độ"`` → ``{"lat": "Vĩ độ", "lon": "Kinh độ"}`` (pairs without ``=`` are left out)."""
    pairs = (p.split("=", 1) for p in text.split(",") if "=" in p)
    return {k.strip(): v.strip() for k, v in pairs if k.strip() and v.strip()}


def _report_table(rows: list[dict]) -> pd.DataFrame:
    """A stored report (rows of :meth:`ImportReport.frame`) with headers and outcomes in the current language."""
    out = pd.DataFrame(rows, columns=list(HEADERS))
    out["severity"] = [severity_label(s) for s in out["severity"]]
    return out.rename(columns={c: _(h) for c, h in HEADERS.items()})


f = filters()
st.caption(f.session.how)  # user names in it are escaped by _auth
revs = f.store.revisions()
st.subheader(_("Revisions in {store}").format(store=plain(f.store.location)))
table = pd.DataFrame([{_("Revision"): r.id, _("Time (UTC)"): r.created_at[:19].replace("T", " "), _("User"): r.user,
                       _("Kind"): revision_kind(r.kind), _("File or action"): r.description(), _("Rows read"): r.read,
                       _("Imported"): r.imported, _("Rejected"): r.rejected} for r in reversed(revs)])
st.dataframe(table, key="revisions_table", hide_index=True)
shown = f.store.revision(f.revision.id)  # whole: what it changed and its report
with st.expander(_("Revision {rev}: what it changed and its import report").format(rev=shown.id)):
    st.text(shown.label() + "\n" + _(
        "file {file} (SHA-256 {sha}), mode {mode}; read {read}, imported {imported}, rejected {rejected}").format(
        file=shown.file_name or "—", sha=shown.file_sha256 or "—",
        mode=_(MODE_LABELS[shown.mode]) if shown.mode in MODE_LABELS else "—", read=number(shown.read),
        imported=number(shown.imported), rejected=number(shown.rejected)))
    for change in shown.changes:
        st.text(Change(**change).summary())
    if shown.report:
        st.dataframe(_report_table(shown.report), key="revision_report", hide_index=True)
if f.session.can_edit:
    c1, c2 = st.columns([3, 1])
    back = c1.selectbox(_("Bring back the data of revision"), [r.id for r in reversed(revs)][1:], key="revert_to",
                        format_func={r.id: r.label() for r in revs}.get, index=None,
                        placeholder=_("choose a revision"))
    if c2.button(_("Revert"), key="revert", disabled=back is None):
        try:
            new = f.store.revert(back, user=f.session.name, base=f.latest)
        except (Conflict, StoreError) as exc:
            st.error(plain(str(exc)))
        else:
            st.session_state["_pending_rev"] = new.id
            st.rerun()

st.subheader(_("Import a file"))
if not f.session.can_edit:
    st.info(_("Importing needs an editor.") + " " + f.session.how)
    st.stop()
st.write(_("Upload boundaries, inventories, OpenCelliD exports, targets or a population grid. Every row is imported "
           "or reported; nothing is saved until you confirm."))
kind = st.selectbox(_("Kind of file"), KINDS, key="upload_kind", format_func=kind_label)
mode = st.radio(_("Rows the file does not have"), MODES, key="upload_mode", horizontal=True,
                format_func=lambda m: _(MODE_LABELS[m]),
                help=_("Keep them: the file's rows replace those with the same key (unit code, site id…) and the "
                       "others stay. Drop them: the file's rows are all there is (of its layers, for boundaries)."))
options: dict = {}
if kind == "sites":
    options["grid"] = st.selectbox(_("Coordinate grid"), list(GRID_LABELS), key="upload_grid",
                                   format_func=lambda g: _(GRID_LABELS[g]),
                                   help=_("The VN-2000 grid of the file's X/Y columns (files with latitude and "
                                          "longitude ignore it)."))
if kind in MAPPED:
    mapping = _mapping(st.text_input(_("Column mapping"), key="upload_columns", placeholder="lat=Vĩ độ, lon=Kinh độ",
                                     help=_("Which of the file's columns holds what, when the names are not "
                                            "recognised: field=column, separated by commas.")))
    if mapping:
        options["columns"] = mapping
up = st.file_uploader(_("File"), key="upload_file")
saved = st.session_state.get("_saved_upload")  # (file id, revision) of the last file saved in this session
if up is not None and saved is not None and saved[0] == up.file_id:  # saved: not offered again, so not saved twice
    st.success(plain(_("{file} is saved as revision {rev}. To import another file, or this one again, upload "
                       "it.").format(file=display_name(up.name), rev=saved[1])))  # the name is the user's: no markup
elif up is not None:
    data = up.getvalue()
    name = display_name(up.name)
    offer = st.session_state.get("_upload_offer")  # the parts and columns the last report of this file listed
    same = offer is not None and offer[:2] == (up.file_id, kind)
    if same and st.session_state.get("upload_part") in offer[2]:
        options["part"] = st.session_state["upload_part"]
    if same and kind == "boundaries" and st.session_state.get("upload_name_column") in offer[3]:
        options["columns"] = {"name": st.session_state["upload_name_column"]}
    try:
        frames, rep = import_upload(up.name, data, kind, base=f.ds, **options)
    except UnreadableFile as exc:
        st.error(_("This file cannot be imported. What is wrong and how to fix it:"))
        st.text(str(exc))
        st.stop()
    st.session_state["_upload_offer"] = (up.file_id, kind, rep.parts, rep.columns)
    if len(rep.parts) > 1:
        st.selectbox(_("Part of the file"), rep.parts, index=rep.parts.index(rep.part), key="upload_part",
                     help=_("The sheet, layer or archive member to import; the others are listed in the report."))
    if kind == "boundaries" and rep.columns:
        st.selectbox(_("Column holding the unit names"), ["", *rep.columns], key="upload_name_column",
                     format_func=lambda c: c or _("(recognised from the file)"))
    (st.success if rep.ok else st.warning)(plain(rep.summary()))
    st.caption(row_convention())
    st.dataframe(rep.table(), key="import_report", hide_index=True)
    if "units" in frames and (frames["units"]["layer"] == "ward_legacy").any() and st.checkbox(
            _("Also derive the districts (2017–2025) from these wards"), key="derive_districts",
            help=_("Each district whose wards the file all has becomes the union of them, in place of its "
                   "approximate outline.")):
        frames, partial = with_districts(frames)
        if partial:
            st.text(_("Districts left as they were, the file lacking some of their wards: {districts}").format(
                districts="; ".join(partial)))
    merged, changes = apply_import(f.ds, frames, source=name, mode=mode)
    for change in changes:
        st.text(change.summary())  # plain text: file names and unit names are the user's, never markup
    if f.revision.id != f.latest:
        st.warning(_("You are viewing revision {rev}: the import starts from it, and saving it fails because revision "
                     "{latest} came after. Switch to the latest revision first.").format(rev=f.revision.id,
                                                                                         latest=f.latest))
    if st.button(_("Save as a new revision"), key="use_import", type="primary"):
        if not filters().session.can_edit:  # checked again at the moment of writing
            st.error(_("Only an editor may save."))
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
            st.session_state["_saved_upload"] = (up.file_id, new.id)
            st.rerun()
