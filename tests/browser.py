"""Headless Chromium for tests: Debian's browser, and nothing beyond the loopback.

The app serves its map's files itself (Leaflet from the ``xstatic-leaflet``
package, the renderer from ``infra/web``) and an exported map inlines them, so
every request that leaves the machine is refused and recorded: the base map's
tiles too (the map says they cannot load).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"


def need_browser() -> None:
    """Skip the calling test module (fail it in CI) without Playwright's package or Debian's chromium."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        found = False
    else:
        found = Path(CHROMIUM).exists()
    if not found:
        if os.environ.get("CI"):
            pytest.fail("playwright or chromium missing: .ci/run installs them", pytrace=False)
        pytest.skip("needs Debian's chromium and playwright (see .ci/run)", allow_module_level=True)


LOCAL = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost", "file:", "data:", "blob:")


def refuse_outside(page_or_context) -> list[str]:
    """Refuse every request beyond the loopback; returns the list of refused URLs (for assertions)."""
    refused: list[str] = []

    def handle(r) -> None:
        url = r.request.url
        if url.startswith(LOCAL):
            r.continue_()
        else:
            refused.append(url)
            r.abort()

    page_or_context.route("**/*", handle)
    return refused


def launch(playwright):
    """Debian's Chromium, headless, with the flags that keep it off the closed network."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
              "--disable-component-update", "--disable-sync"])


def free_port() -> int:
    with contextlib.closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(timeout: float = 60.0, env: dict[str, str] | None = None):
    """``streamlit run app.py`` on a free loopback port (with ``env`` added to its environment); yields its URL."""
    with running_server(timeout, env) as (url, _proc):
        yield url


@contextlib.contextmanager
def running_server(timeout: float = 60.0, env: dict[str, str] | None = None):
    """As :func:`running_app`, yielding the URL and the server's process (``bench/app.py`` reads its memory)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port",
                             str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while time.time() < deadline:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            time.sleep(0.05)  # often: bench/app.py times start-up from here
        else:
            raise RuntimeError(f"streamlit did not start on {url}")
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=20)
