"""The server process: Nagle's algorithm off on the app's sockets (app_pages/_server.py)."""

from __future__ import annotations

import contextlib
import socket
import sys
import tomllib
from pathlib import Path

import pytest

from app_pages import _server

ROOT = Path(__file__).resolve().parent.parent

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/fd, which only Linux has")


def nodelay_of(sock: socket.socket) -> bool:
    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


@contextlib.contextmanager
def listener():
    """A listening socket made as Streamlit makes it: ``socket.socket(family)``, so its ``proto`` is 0."""
    sock = socket.socket(socket.AF_INET)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    try:
        yield sock
    finally:
        sock.close()


@linux
def test_the_listener_and_its_open_connections_get_nodelay_and_later_connections_inherit_it():
    with listener() as server, listener() as other:
        port = server.getsockname()[1]
        early = socket.create_connection(("127.0.0.1", port))
        early_server_side, _addr = server.accept()
        assert server.proto == 0 and not nodelay_of(early_server_side)  # what asyncio leaves as it is
        assert _server.nodelay(port) == 2  # the listener and the connection open now
        late = socket.create_connection(("127.0.0.1", port))
        late_server_side, _addr = server.accept()
        try:
            assert nodelay_of(server) and nodelay_of(early_server_side)
            assert nodelay_of(late_server_side)  # accepted after: inherited from the listener
            assert not nodelay_of(other)  # another port is left alone
        finally:
            for s in (early, early_server_side, late, late_server_side):
                s.close()


def test_without_proc_nothing_is_set_and_nothing_fails(monkeypatch):
    def no_proc(path):
        raise FileNotFoundError(path)

    monkeypatch.setattr(_server.os, "listdir", no_proc)
    with listener() as server:
        assert _server.nodelay(server.getsockname()[1]) == 0
        assert not nodelay_of(server)


def test_the_app_does_not_watch_its_source_files():
    """Watching walks every imported module after every run, on the server's event loop."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["fileWatcherType"] == "none"


def test_the_app_does_not_collect_all_garbage_after_every_run():
    """A full collection of the app's heap holds the interpreter while the browser waits for the server."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False


def test_telecom_tracker_app_starts_streamlit_as_the_checkout_config_does(monkeypatch):
    """An installed wheel has no .streamlit/config.toml: the command passes the same settings."""
    from infra import cli

    started = {}

    def execv(path, cmd):
        started["cmd"] = cmd
        raise SystemExit(0)

    monkeypatch.setattr(cli.os, "name", "posix")
    monkeypatch.setattr(cli.os, "execv", execv)
    with pytest.raises(SystemExit):
        cli.main(["app", "--port", "8599", "--server.address", "127.0.0.1"])
    cmd = started["cmd"]
    options = dict(zip(cmd[5::2], cmd[6::2], strict=False))
    assert cmd[2:4] == ["streamlit", "run"] and options["--server.port"] == "8599"
    assert options["--server.fileWatcherType"] == "none" and options["--client.toolbarMode"] == "viewer"
    assert options["--runner.postScriptGC"] == "false"
    assert cmd[-2:] == ["--server.address", "127.0.0.1"]  # the user's own options come last, so they win
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    for section, values in config.items():  # every setting of the checkout's config, so the two cannot drift
        for name, value in values.items():
            want = str(value).lower() if isinstance(value, bool) else str(value)
            assert options.get(f"--{section}.{name}") == want, f"{section}.{name}"
