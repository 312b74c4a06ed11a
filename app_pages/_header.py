"""The header every page shows: title, where the data comes from, its notices (folded) and the headline figures."""

from __future__ import annotations

import streamlit as st

from app_pages._shell import Filters
from infra.i18n import _, percent
from infra.i18n import number as num
from infra.views.notices import layer_notices
from infra.views.tables import headline
from infra.views.text import plain


def notices(f: Filters) -> list[str]:
    """Everything approximate, synthetic or mended about the data shown, in words."""
    out = [*f.ds.notices(), *layer_notices(f.engine.repairs, f.ds.provenance)]
    if note := f.engine.outside_note():
        out.append(note)
    return out


def header(f: Filters) -> None:
    """The title, the data's notices in one folded line, and the headline figures of the selection."""
    st.title(_("Telecom Infrastructure Transition Tracker — Hanoi"))
    st.caption(plain(_("Store {store} · revision {revision}").format(store=f.store.location,
                                                                     revision=f.revision.label())))
    if f.revision.id != f.latest:
        st.info(_("You are viewing revision {rev}; the latest is revision {latest}.").format(rev=f.revision.id,
                                                                                          latest=f.latest))
    said = notices(f)
    if said:  # one folded line; they name imported files: plain text, never Markdown
        with st.expander("⚠️ " + _("Approximate or synthetic data: read before using the figures ({n})").format(
                n=len(said))):
            for notice in said:
                st.markdown("- " + plain(notice))
    st.caption(_("Figures for {n} selected unit(s)").format(n=len(f.units)) if f.units
               else _("Figures for the whole city"))
    figures = headline(f.now, f.layer, f.units, operators=f.operators, technologies=f.technologies)
    for row in range(0, len(figures), 5):
        for col, (label, value, kind) in zip(st.columns(5), figures[row:row + 5], strict=False):
            col.metric(label, percent(value) if kind == "pct" else num(value))
