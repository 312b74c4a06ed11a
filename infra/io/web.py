"""The map's browser files: Leaflet from the ``xstatic-leaflet`` package, the renderer from ``infra/web``.

Nothing comes from a CDN. The app serves these files from a folder of its own
(:func:`serve_dir`), where the map's parts are written under their content hash
(:func:`publish`) so that a browser fetches each of them once; an exported map
inlines them (:func:`asset_text`, :func:`leaflet_css_inline`).
"""

from __future__ import annotations

import atexit
import base64
import os
import shutil
import tempfile
import threading
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import xstatic.pkg.leaflet as xleaflet

#: Leaflet's version (the one folium 0.20 loads from a CDN).
LEAFLET_VERSION: str = xleaflet.VERSION
LEAFLET_DIR = Path(xleaflet.BASE_DIR)
#: Leaflet's files the map uses (its marker icons are not: sites are drawn on a canvas).
LEAFLET_FILES = ("leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png")
#: Our renderer and the component page around it.
RENDERER_FILES = ("itt_map.js", "itt_map.css", "itt_component.js", "index.html")


def _renderer(name: str) -> Path:
    return Path(str(resources.files("infra") / "web" / name))


def asset_text(name: str) -> str:
    """The text of a browser file: ``leaflet.js``, ``leaflet.css`` or one of :data:`RENDERER_FILES`."""
    path = LEAFLET_DIR / name if name.startswith("leaflet") else _renderer(name)
    return path.read_text(encoding="utf-8")


def leaflet_css_inline() -> str:
    """Leaflet's stylesheet with the layer-control icons it names inlined as data URIs (for a file on its own)."""
    css = asset_text("leaflet.css")
    for image in ("images/layers-2x.png", "images/layers.png"):
        data = base64.b64encode((LEAFLET_DIR / image).read_bytes()).decode()
        css = css.replace(f"url({image})", f"url(data:image/png;base64,{data})")
    return css


def serve_dir(root: Path | None = None) -> Path:
    """A folder holding the component page, the renderer and Leaflet, with an empty ``data/`` for the parts.

    Parameters
    ----------
    root
        Where; a new temporary folder (removed when the process ends) when ``None``.

    Returns
    -------
    Path
        The folder, to be served as the component's path.
    """
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="itt-map-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
    for name in LEAFLET_FILES:
        target = root / "leaflet" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(LEAFLET_DIR / name, target)
    for name in RENDERER_FILES:
        shutil.copyfile(_renderer(name), root / name)
    (root / "data").mkdir(exist_ok=True)
    return root


def publish(root: Path, parts: Mapping[str, bytes]) -> list[str]:
    """Write the parts not yet in ``root/data`` as ``<ref>.json``; returns the refs written.

    A part's ref is its content hash, so a file once written never changes and a
    browser may keep it. Each file is written whole under a temporary name, then
    renamed: a browser never reads half a part, and two sessions (threads of one
    server) publishing the same part at once each write their own copy.
    """
    written = []
    for ref, body in parts.items():
        target = root / "data" / f"{ref}.json"
        if target.exists():
            continue
        tmp = target.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
        tmp.write_bytes(body)
        os.replace(tmp, target)
        written.append(ref)
    return written
