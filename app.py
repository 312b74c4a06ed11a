"""Streamlit app: Telecom Infrastructure Transition Tracker (Hanoi).

Run with ``streamlit run app.py`` (or ``telecom-tracker app``). The entry script
draws the shared sidebar and header, then runs the chosen page of ``app_pages/``;
every view says what is approximate or synthetic.
"""

from __future__ import annotations

import streamlit as st

from app_pages import _shell
from infra.store import StoreError

st.set_page_config(page_title="Hanoi telecom transition tracker", layout="wide")
PAGES = {name: st.Page(f"app_pages/{name.lower()}.py", title=name, url_path=name.lower(), default=name == "Map")
         for name in ("Map", "Units", "Plan", "Transition", "Data")}
nav = st.navigation(list(PAGES.values()), position="top")
try:
    f = _shell.sidebar()
except (ValueError, FileNotFoundError, StoreError) as exc:  # one message (passwords never in it), no traceback
    st.error(str(exc))
    st.stop()
if (view := st.query_params.get("view")) in PAGES and not st.session_state.get("_view_seeded"):
    st.session_state["_view_seeded"] = True  # a link made when views were chosen with ?view=
    st.switch_page(PAGES[view])
_shell.sync_url()
_shell.header(f)
nav.run()
_shell.footer(f)
