"""Who may change the store: a local users file with hashed passwords (scrypt), and the viewing policy.

The file is TOML, in the user's config folder unless ``TRACKER_USERS`` names
another (a team puts it beside its store)::

    [auth]
    viewing = "open"            # or "signed-in": nothing is shown before signing in

    [users.lan]
    role = "editor"             # or "viewer"
    password = "scrypt$16384$8$1$<salt>$<hash>"

    [users."hoa@sotttt.hanoi.gov.vn"]   # signed in through the organisation's identity provider
    role = "editor"             # (no password: Streamlit's st.login checks who it is)

``telecom-tracker users add NAME --role editor`` writes an entry. With no users at
all, the app is a one-person tool on the computer it runs on.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import platformdirs

from infra import settings
from infra.i18n import _

Role = Literal["editor", "viewer"]
ROLES: tuple[str, ...] = ("editor", "viewer")
#: The environment variable that names the users file.
ENV = "TRACKER_USERS"
_N, _R, _P = 2**14, 8, 1  # scrypt cost: about 50 ms per check


def default_path() -> Path:
    """``users.toml`` in the user's config folder (``TRACKER_USERS`` overrides it)."""
    env = os.environ.get(ENV)
    return Path(env) if env else Path(platformdirs.user_config_dir(settings.APP_NAME, appauthor=False)) / "users.toml"


def hash_password(password: str) -> str:
    """A salted scrypt hash of a password, as kept in the users file."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (constant time)."""
    try:
        algo, n, r, p, salt, digest = stored.split("$")
        if algo != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


@dataclass(frozen=True)
class User:
    """Someone who may sign in."""

    name: str
    role: Role
    password: str = ""


@dataclass(frozen=True)
class Users:
    """The users file: who may sign in, with which role, and whether viewing needs signing in."""

    users: dict[str, User] = field(default_factory=dict)
    viewing: Literal["open", "signed-in"] = "open"
    path: Path | None = None

    @classmethod
    def load(cls, path: Path | str | None = None) -> Users:
        """Read the users file (none yet: no users).

        Raises
        ------
        ValueError
            If the file is not valid TOML or names an unknown role, saying where.
        """
        path = Path(path) if path is not None else default_path()
        if not path.exists():
            return cls(path=path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ValueError(_("{file}: not a valid users file ({error})").format(file=path, error=exc)) from exc
        users = {}
        for name, entry in (data.get("users") or {}).items():
            role = entry.get("role", "viewer")
            if role not in ROLES:
                raise ValueError(_("{file}: user {name} has role {role}; use one of {roles}").format(
                    file=path, name=repr(name), role=repr(role), roles=", ".join(ROLES)))
            users[name] = User(name, role, str(entry.get("password", "")))
        viewing = (data.get("auth") or {}).get("viewing", "open")
        if viewing not in ("open", "signed-in"):
            raise ValueError(_("{file}: [auth] viewing = {value}; use \"open\" or \"signed-in\"").format(
                file=path, value=repr(viewing)))
        return cls(users, viewing, path)

    def sign_in(self, name: str, password: str) -> User | None:
        """The user, if the name and password are right (a password-less entry never signs in this way)."""
        user = self.users.get(name)
        if user is None or not user.password:
            hash_password("waste the same time")  # no hint, by timing, of which names exist
            return None
        return user if check_password(password, user.password) else None

    def role_of(self, name: str) -> Role | None:
        """The role of someone signed in elsewhere (the identity provider), or None if not listed."""
        user = self.users.get(name)
        return None if user is None else user.role

    def with_user(self, name: str, role: Role, password: str | None) -> Users:
        """These users with one added or changed."""
        if role not in ROLES:
            raise ValueError(_("role {role}: use one of {roles}").format(role=repr(role), roles=", ".join(ROLES)))
        if not name.strip():
            raise ValueError(_("a user needs a name"))
        entry = User(name, role, hash_password(password) if password else "")
        return Users({**self.users, name: entry}, self.viewing, self.path)

    def without(self, name: str) -> Users:
        """These users without ``name``."""
        if name not in self.users:
            raise ValueError(_("no user {name} in {file}").format(name=repr(name), file=self.path))
        return Users({k: v for k, v in self.users.items() if k != name}, self.viewing, self.path)

    def save(self) -> Path:
        """Write the file (readable by its owner only)."""
        if self.path is None:
            raise ValueError(_("these users have no file"))
        lines = ["# Who may change the tracker's store (see infra/store/users.py).", "[auth]",
                 f'viewing = "{self.viewing}"', ""]
        for user in self.users.values():
            lines += [f"[users.{_key(user.name)}]", f'role = "{user.role}"']
            if user.password:
                lines.append(f'password = "{user.password}"')
            lines.append("")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # owner-only from its first byte, and whole or not at all: a new file beside it, then one rename
        part = self.path.with_name(f".{self.path.name}.{os.getpid()}.part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("\n".join(lines))
        os.replace(part, self.path)
        return self.path


def _key(name: str) -> str:
    """A TOML key for a user name (quoted unless it is bare-safe)."""
    if name and all(c.isascii() and (c.isalnum() or c in "-_") for c in name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
