"""Headless Chromium for tests: Debian's browser, the map's CDN assets served from local npm copies.

The machine has no internet: folium pages load Leaflet and its plugins from CDNs,
so every such request is answered from ``tests/assets/node_modules`` (installed
from the npm registry by ``.ci/run``, never committed); map tiles get a blank
tile; any other outside request is aborted.
"""

from __future__ import annotations

import base64
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "tests" / "assets" / "node_modules"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"

#: CDN URL (or URL prefix, ending in "/") → file (or folder) under ASSETS.
CDN: dict[str, str] = {
    "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/": "leaflet/",
    "https://code.jquery.com/jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js":
        "leaflet.fullscreen/Control.FullScreen.js",
    "https://cdn.jsdelivr.net/npm/leaflet.fullscreen@3.0.0/": "leaflet.fullscreen/",
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/dist/leaflet-measure.min.css":
        "leaflet-measure/dist/leaflet-measure.css",
    "https://cdn.jsdelivr.net/gh/ljagis/leaflet-measure@2.1.7/": "leaflet-measure/",
    "https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js": "d3/d3.min.js",
    "https://d3js.org/d3.v4.min.js": "d3v4/build/d3.min.js",  # streamlit-folium's own
    "https://cdn.jsdelivr.net/npm/bootstrap@5.2.2/": "bootstrap/",
    "https://cdn.jsdelivr.net/npm/@fortawesome/fontawesome-free@6.2.0/": "@fortawesome/fontawesome-free/",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css":
        "drmonty-leaflet-awesome-markers/css/leaflet.awesome-markers.css",
    "https://cdnjs.cloudflare.com/ajax/libs/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js":
        "drmonty-leaflet-awesome-markers/js/leaflet.awesome-markers.js",
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css":
        "bootstrap3/dist/css/bootstrap.min.css",
}
#: folium's own small CSS lives only on GitHub; an empty stylesheet changes nothing visible.
EMPTY = ("https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/leaflet.awesome.rotate.min.css",)
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mP8/x8AAwMCAO+ip1sAAAAASUVORK5CYII=")
_TYPES = {".js": "application/javascript", ".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml",
          ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".eot": "application/vnd.ms-fontobject"}


def local_asset(url: str) -> Path | None:
    """The local copy of a CDN URL, or None."""
    url = url.split("?")[0].split("#")[0]
    for key, rel in CDN.items():
        if url == key:
            return ASSETS / rel
        if key.endswith("/") and url.startswith(key):
            return ASSETS / rel / url[len(key):]
    return None


def route(page_or_context) -> list[str]:
    """Answer outside requests locally; returns the list of aborted URLs (for assertions)."""
    aborted: list[str] = []

    def handle(r) -> None:
        url = r.request.url
        if url.startswith(("http://127.0.0.1", "http://localhost", "file:", "data:", "blob:")):
            r.continue_()
        elif "tile.openstreetmap.org" in url:
            r.fulfill(status=200, body=BLANK_TILE, content_type="image/png")
        elif url.split("?")[0] in EMPTY:
            r.fulfill(status=200, body="", content_type="text/css")
        elif (path := local_asset(url)) is not None and path.is_file():
            r.fulfill(status=200, body=path.read_bytes(), content_type=_TYPES.get(path.suffix, "text/plain"))
        else:
            aborted.append(url)
            r.abort()

    page_or_context.route("**/*", handle)
    return aborted


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
            time.sleep(0.3)
        else:
            raise RuntimeError(f"streamlit did not start on {url}")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
