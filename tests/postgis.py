"""A throwaway PostgreSQL + PostGIS server for the tests: initdb, pg_ctl on a free loopback port, dropped after.

Debian's ``postgresql-15`` and ``postgresql-15-postgis-3`` provide the binaries
(``.ci/run`` installs them). PostgreSQL refuses to run as root, so under root the
cluster belongs to the ``postgres`` user the package creates. Without the binaries
the tests that need the server are skipped with the reason (failed when ``CI`` is set).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
POSTGIS = Path("/usr/share/postgresql/15/extension/postgis.control")


def missing() -> str | None:
    """Why no server can be started here, or None."""
    if not (BIN / "initdb").exists():
        return f"PostgreSQL binaries not found in {BIN} (Debian package postgresql-15; .ci/run installs it)"
    if not POSTGIS.exists():
        return f"PostGIS not found ({POSTGIS}; Debian package postgresql-15-postgis-3)"
    return None


def need_server() -> None:
    """Skip the test (fail it in CI) when there is no PostgreSQL + PostGIS to start."""
    if why := missing():
        if os.environ.get("CI"):
            pytest.fail(f"{why}; CI must test the PostGIS store", pytrace=False)
        pytest.skip(why)


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One PostgreSQL cluster in a temporary folder (``start``, ``url``, ``stop``)."""

    def __init__(self, *, file_size_limit_kb: int | None = None) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.limit = file_size_limit_kb
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *args: str, check: bool = True, limit: bool = False) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if limit and self.limit:  # a file may grow no further: what a full disk does to a server, short of a crash
            cmd = ["sh", "-c", f'ulimit -f {2 * self.limit} && exec "$@"', "sh", *cmd]  # in 512-byte blocks
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120)

    def start(self) -> Server:
        """initdb, start on the loopback, create the database ``tracker_test`` with PostGIS."""
        self.dir.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(BIN / "initdb", "-D", self.data, "-U", self.user, "--auth=trust", "-E", "UTF8", "--no-sync",
                  "--wal-segsize=1")  # 1 MB segments: under a file size limit, tables hit it before the WAL does
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run(BIN / "pg_ctl", "-D", self.data, "-o", opts, "-l", self.dir / "log", "-w", "start", limit=True)
        deadline = time.time() + 30
        while self._run(BIN / "pg_isready", "-h", "127.0.0.1", "-p", self.port, check=False).returncode:
            if time.time() > deadline:
                raise RuntimeError(f"PostgreSQL did not start: {(self.dir / 'log').read_text()[-2000:]}")
            time.sleep(0.2)
        self._run(BIN / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", self.user, "tracker_test")
        return self

    def url(self, database: str = "tracker_test") -> str:
        """Where the tracker reaches it."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self, name: str, *, template: str | None = None) -> str:
        """A fresh database on the server (a copy of ``template`` if given); returns its URL."""
        extra = ["-T", template] if template else []
        self._run(BIN / "createdb", "-h", "127.0.0.1", "-p", self.port, "-U", self.user, *extra, name)
        return self.url(name)

    def restart(self, *, file_size_limit_kb: int | None = None) -> None:
        """Stop and start again, under a file size limit if given (no file of the server may grow past it)."""
        self._run(BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        self.limit = file_size_limit_kb
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run(BIN / "pg_ctl", "-D", self.data, "-o", opts, "-l", self.dir / "log", "-w", "start", limit=True)

    def stop(self) -> None:
        """Stop the server and delete its folder."""
        self._run(BIN / "pg_ctl", "-D", self.data, "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
