"""Benchmark of the app's speed targets. Prints figures; asserts nothing.

    python bench/app.py

* cold start: the whole script with the map on the default data, in a fresh
  process (Streamlit's AppTest runs the script as a browser session would,
  including building and rendering the folium map for streamlit-folium);
* filter changes once cached: the as-of date moved to a date already seen, the
  admin layer switched back and forth, and a new operator filter;
* the Plan view: its first opening (the yearly series), another target, the other layer;
* the size of the exported HTML map of all Hanoi (both layers);
* in a real browser, when Debian's chromium and the test assets are there:
  from ``streamlit run`` to the 30 districts drawn in headless Chromium, and a
  cached date change until the new metrics show.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run() -> None:
    from streamlit.testing.v1 import AppTest

    from infra.cli import main

    t0 = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.run()
    cold = time.perf_counter() - t0
    assert not at.exception, at.exception
    print(f"[cold start] script with the map on the default data: {cold:.2f} s")

    def timed(label, action):
        t = time.perf_counter()
        action()
        at.run()
        print(f"[filter] {label}: {time.perf_counter() - t:.2f} s")

    today = at.slider(key="as_of").value
    timed("as-of date to 2025-12-31 (new date)", lambda: at.slider(key="as_of").set_value(dt.date(2025, 12, 31)))
    timed("as-of date back to today (cached)", lambda: at.slider(key="as_of").set_value(today))
    timed("layer to commune_2025", lambda: at.selectbox(key="layer").set_value("commune_2025"))
    timed("layer back to district (cached)", lambda: at.selectbox(key="layer").set_value("district"))
    timed("operator filter Viettel", lambda: at.multiselect(key="operators").set_value(["Viettel"]))
    timed("unit filter 001", lambda: at.multiselect(key="units").set_value(["001"]))
    timed("Plan view (the series computed)", lambda: at.switch_page("app_pages/plan.py"))
    timed("Plan view, another target", lambda: at.selectbox(key="target_metric").set_value("sites_4g"))
    timed("Plan view, layer to commune_2025", lambda: at.selectbox(key="layer").set_value("commune_2025"))

    with tempfile.TemporaryDirectory() as tmp:
        for layer in ("district", "commune_2025"):
            out = Path(tmp) / f"{layer}.html"
            main(["export-map", "--layer", layer, "--as-of", "2025-12-31", "-o", str(out)])
            print(f"[export] all Hanoi, {layer}: {out.stat().st_size / 1e6:.2f} MB")
    browser()


def browser() -> None:
    """Time what a user waits for in Chromium (skipped, with the reason, when it is not installed)."""
    from tests.browser import ASSETS, CHROMIUM, launch, route, running_app

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("[browser] skipped: playwright is not installed")
        return
    if not (Path(CHROMIUM).exists() and (ASSETS / "leaflet").exists()):
        print("[browser] skipped: needs /usr/bin/chromium and `npm install --prefix tests/assets`")
        return
    drawn = "() => { const f = document.querySelector(\"iframe[title='streamlit_folium.st_folium']\");" \
            " const w = f && f.contentWindow; if (!w || !w.map) return false; let n = 0;" \
            " w.map.eachLayer(l => { if (l.feature && 'value_text' in l.feature.properties) n++; }); return n === 30; }"
    fresh = drawn.replace("if (!w || !w.map) return false;", "if (!w || !w.map || w.__seen) return false;")
    with sync_playwright() as p:
        b = launch(p)
        t0 = time.perf_counter()
        with running_app() as url:
            t_up = time.perf_counter()
            ctx = b.new_context(viewport={"width": 1400, "height": 1500})
            route(ctx)
            page = ctx.new_page()
            page.goto(url)
            page.wait_for_function(drawn, timeout=120_000, polling=50)
            t_map = time.perf_counter()
            print(f"[browser] streamlit run → 30 districts drawn in Chromium: {t_map - t0:.2f} s "
                  f"(server up {t_up - t0:.2f} s, then page to map {t_map - t_up:.2f} s)")
            slider = page.locator("[data-testid='stSidebar'] [data-testid='stSlider'] input[type='range']").first
            for label, key in (("2019-01-01, new", "Home"), ("2030-12-31, new", "End"),
                               ("2019-01-01, cached", "Home"), ("2030-12-31, cached", "End")):
                page.evaluate("() => { document.querySelector(\"iframe[title='streamlit_folium.st_folium']\")"
                              ".contentWindow.__seen = true; }")
                t = time.perf_counter()
                slider.focus()
                page.keyboard.press(key)
                page.wait_for_function(fresh, timeout=60_000, polling=20)
                print(f"[browser] as-of date to {label} → new map drawn: {time.perf_counter() - t:.2f} s")
            ctx.close()
        b.close()


if __name__ == "__main__":
    run()
