"""Who is using the app, and whether they may change the store.

Three ways, in this order: the organisation's identity provider (Streamlit's
``st.login``, when ``[auth]`` is set in ``.streamlit/secrets.toml``; roles from the
users file by e-mail), the local users file (name and password), or, with no users
at all, a one-person tool on the computer it runs on, whose user may edit.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

import streamlit as st

from infra.i18n import N_, _
from infra.store.users import Users, default_path
from infra.views.text import plain

_KEY = "_signed_in"
#: Role → its name for people (msgids).
ROLES = {"editor": N_("editor"), "viewer": N_("viewer")}


def _role(role: str | None) -> str:
    return _(ROLES[role]) if role in ROLES else _("not in the users file: viewer")


@dataclass(frozen=True)
class Session:
    """Who this browser session is.

    Attributes
    ----------
    name
        Who writes the revisions ("" when nobody is signed in).
    can_edit
        May import and revert.
    how
        One line for the sidebar: who, and why they may or may not edit.
    """

    name: str
    can_edit: bool
    how: str


def _oidc() -> bool:
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, KeyError, st.errors.StreamlitSecretNotFoundError):
        return False


_PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host", "x-forwarded-proto",
                  "via", "x-original-forwarded-for")
_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def _loopback(netloc: str) -> bool:
    """A ``host[:port]`` (or ``[v6]:port``) that names this computer."""
    host = netloc.strip().lower()
    if host.startswith("["):  # [::1]:8501
        host = host[1:].split("]", 1)[0]
    elif host.count(":") == 1:  # localhost:8501 (a bare IPv6 address has several)
        host = host.split(":", 1)[0]
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:  # a dual-stack server sees 127.0.0.1 as ::ffff:127.0.0.1
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _local() -> bool:
    """The browser runs on this computer and nothing stands between (a script run with no request, as in tests).

    A reverse proxy on the same computer connects from the loopback too, so the loopback address is not enough:
    a forwarding header, a ``Host`` that is not the loopback's, or a page ``Origin`` elsewhere (browsers send it
    with every WebSocket, and proxies pass it on) make the request a remote one.
    """
    headers = {k.lower(): v for k, v in dict(st.context.headers or {}).items()}
    if not headers:
        return True  # no browser request at all
    if any(h in headers for h in _PROXY_HEADERS):
        return False
    origin = urlsplit(headers.get("origin", "")).netloc
    if not (_loopback(headers.get("host", "")) and _loopback(origin)):
        return False
    ip = st.context.ip_address  # Streamlit gives None for 127.0.0.1 and ::1
    return ip is None or _loopback(ip if ":" not in ip else f"[{ip}]")


def session() -> Session:
    """Who is using the app: draws the sign-in controls in the sidebar, stops the page when viewing needs them."""
    try:
        users = Users.load()
    except ValueError as exc:
        st.sidebar.error(str(exc))
        return Session("", False, _("Editing is off: the users file cannot be read."))
    if _oidc():
        if not st.user.is_logged_in:
            st.sidebar.button(_("Sign in"), key="login", on_click=st.login)
            return _viewer(users, _("Viewing only: sign in to edit."))
        email = str(st.user.get("email", ""))
        st.sidebar.button(_("Sign out"), key="logout", on_click=st.logout)
        role = users.role_of(email)
        return Session(email, role == "editor",
                       _("Signed in as {name} ({role}).").format(name=plain(email), role=_role(role)))
    if not users.users:
        if _local():
            return Session("local user", True, _("No users are set up: whoever opens the app on this computer may "
                                                 "edit. Add users with `telecom-tracker users add NAME --role "
                                                 "editor`."))
        return _viewer(users, _("Viewing only: no users are set up for this server."))
    if (signed := st.session_state.get(_KEY)) and signed[0] in users.users:
        name, role = signed[0], users.users[signed[0]].role
        if st.sidebar.button(_("Sign out"), key="sign_out"):
            del st.session_state[_KEY]
            st.rerun()
        return Session(name, role == "editor", _("Signed in as {name} ({role}).").format(name=plain(name),
                                                                                        role=_role(role)))
    with st.sidebar.expander(_("Sign in")), st.form("sign_in_form"):
        name = st.text_input(_("User name"), key="sign_in_name")
        password = st.text_input(_("Password"), type="password", key="sign_in_password")
        if st.form_submit_button(_("Sign in")):
            user = users.sign_in(name, password)
            if user is None:
                st.error(_("Wrong user name or password."))
            else:
                st.session_state[_KEY] = (user.name, user.role)
                st.rerun()
    return _viewer(users, _("Viewing only: sign in to edit."))


def _viewer(users: Users, how: str) -> Session:
    if users.viewing == "signed-in":
        st.info(_("Sign in to see the tracker (this server shows nothing to visitors)."))
        st.stop()
    return Session("", False, how)


__all__ = ["Session", "default_path", "session"]
