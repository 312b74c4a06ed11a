"""The map's browser files as the app serves them: Leaflet from xstatic-leaflet, our renderer, parts by hash."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from infra.io import web
from infra.views.maps import part


def test_the_served_folder_holds_leaflet_and_the_renderer_and_names_nothing_outside(tmp_path):
    root = web.serve_dir(tmp_path)
    assert web.LEAFLET_VERSION == "1.9.3"  # the version folium 0.20 used, now from the Python package
    assert "Leaflet 1.9.3" in (root / "leaflet" / "leaflet.js").read_text(encoding="utf-8")[:200]
    page = (root / "index.html").read_text(encoding="utf-8")
    local = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert local and all((root / name).is_file() for name in local)  # every file the page asks for is there
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", page)
    assert "url(data:image/png;base64," in web.leaflet_css_inline()  # the export needs no image files


def test_parts_are_written_once_whole_even_by_sessions_at_the_same_time(tmp_path):
    root = web.serve_dir(tmp_path)
    parts = dict(part({"n": i, "text": "x" * 50_000}) for i in range(20))
    with ThreadPoolExecutor(8) as pool:  # eight sessions of one server publishing the same map
        written = list(pool.map(lambda _: web.publish(root, parts), range(8)))
    assert {ref for w in written for ref in w} == set(parts)
    assert {p.name for p in (root / "data").iterdir()} == {f"{ref}.json" for ref in parts}  # no .tmp left
    for ref, body in parts.items():
        assert (root / "data" / f"{ref}.json").read_bytes() == body
    assert web.publish(root, parts) == []  # a part once written is never written again
