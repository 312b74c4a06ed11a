"""Streamlit app: Telecom Infrastructure Transition Tracker (Hanoi).

Run with ``streamlit run app.py`` (or ``telecom-tracker app``). The entry script
sets the language (Vietnamese unless the URL says ``lang=en``), draws the shared
sidebar and header, then runs the chosen page of ``app_pages/``; every view says
what is approximate or synthetic.
"""

from __future__ import annotations

import streamlit as st

from app_pages import _cache, _header, _server, _shell
from infra.i18n import N_, _
from infra.store import StoreError

#: The pages: url path → title (translated when shown). The URL paths stay the same in every language.
TITLES = {"map": N_("Map"), "units": N_("Units"), "sites": N_("Sites"), "plan": N_("Plan"),
          "transition": N_("Transition"), "data": N_("Data")}

_server.nodelay_once(st.get_option("server.port"))  # Streamlit leaves Nagle's algorithm on
_cache.quiet()  # this session's warm-up, if any, stops: this rerun comes first
_shell.start()
st.set_page_config(page_title=_("Hanoi telecom transition tracker"), layout="wide")
_shell.html_lang()
PAGES = {path: st.Page(f"app_pages/{path}.py", title=_(title), url_path=path, default=path == "map")
         for path, title in TITLES.items()}
nav = st.navigation(list(PAGES.values()), position="top")
try:
    f = _shell.sidebar()
except (ValueError, FileNotFoundError, StoreError) as exc:  # one message (passwords never in it), no traceback
    st.error(str(exc))
    st.stop()
if (view := str(st.query_params.get("view", "")).lower()) in PAGES and not st.session_state.get("_view_seeded"):
    st.session_state["_view_seeded"] = True  # a link made when views were chosen with ?view=
    st.switch_page(PAGES[view])
_shell.sync_url()
_header.header(f)
nav.run()
_shell.footer(f)
_cache.warm(f.as_of, f.engine, f.ds,  # the series of this date and the Units table, for the other views
            _cache.TableKey(f.data_key, f.options, f.as_of, f.layer, f.operators, f.technologies, f.compare,
                            f.lang))
