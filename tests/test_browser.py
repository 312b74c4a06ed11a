"""End to end in headless Debian Chromium: the app and the exported map, as a user sees them, offline.

Every request beyond the loopback is refused (tests/browser.py): the map's scripts
come from the app itself (Leaflet from the xstatic-leaflet package) or are inlined
in the export, so what is drawn is drawn without the internet; only the base map's
tiles are missed, and the map says so. Skipped when chromium or playwright is
missing on a developer machine; in CI (CI=true) that fails instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest
import shapely

from app_pages._mapframe import NAME, preload_names
from tests.browser import ARTIFACTS, launch, need_browser, refuse_outside, running_app

need_browser()
from playwright import sync_api as playwright_api  # noqa: E402

EVIL = "<img src=x onerror=alert(1)>"
FRAME = f"iframe[title='app_pages._mapframe.{NAME}']"


def only_tiles(refused: list[str]) -> bool:
    """Nothing but base-map tiles was asked for beyond the loopback."""
    return all(u.startswith("https://tile.openstreetmap.org/") for u in refused)


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def app_url():
    with running_app() as url:
        yield url


@pytest.fixture
def app_page(browser, app_url):
    """A fresh page (and Streamlit session) per test: one test's filter never leaks into the next."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1500}, accept_downloads=True)
    refused = refuse_outside(ctx)
    page = ctx.new_page()
    page.goto(app_url + "/?lang=en")
    yield page, refused
    ctx.close()


class Replaced(Exception):
    """Streamlit replaced the map's iframe between finding it and entering it."""


def map_frame(page, timeout=90_000):
    el = page.wait_for_selector(FRAME, state="attached", timeout=timeout)
    frame = el.content_frame()
    if frame is None:
        raise Replaced
    frame.wait_for_function("() => window.itt && window.itt.renders > 0", timeout=timeout)
    return el, frame


def wait_state(frame, check, timeout=60_000):
    frame.wait_for_function(f"() => {{ const s = window.itt.counts(); return {check}; }}", timeout=timeout)
    return frame.evaluate("() => window.itt.counts()")


def wait_map(page, check, timeout_s=120):
    """Wait until the app's map satisfies ``check``; the iframe stays, but may be replaced on a page change."""
    deadline = time_now() + timeout_s
    while True:
        try:
            el, frame = map_frame(page, timeout=10_000)
            return el, frame, wait_state(frame, check, timeout=5_000)
        except (playwright_api.Error, Replaced):
            if time_now() > deadline:
                raise
            page.wait_for_timeout(200)


def time_now() -> float:
    import time

    return time.monotonic()


def metric_text(page, label):
    return page.locator(f"[data-testid='stMetric']:has-text('{label}') [data-testid='stMetricValue']").inner_text()


def wait_metric_change(page, label, old, timeout=60_000):
    """Wait until the headline figure ``label`` shows something other than ``old``; returns the new text."""
    page.wait_for_function("""([label, old]) => {
      const m = [...document.querySelectorAll("[data-testid='stMetric']")].find(e => e.innerText.includes(label));
      const v = m && m.querySelector("[data-testid='stMetricValue']");
      return v && v.innerText !== old;
    }""", arg=[label, old], timeout=timeout)
    return metric_text(page, label)


def test_app_draws_offline_districts_sites_legend_and_notices(app_page):
    page, refused = app_page
    _, frame, state = wait_map(page, "s.polygons === 30 && s.markers > 1000")
    assert state["polygons"] == 30 and state["markers"] > 1000 and state["points"]["tech:5G"] > 0
    body = frame.inner_text("body")
    assert "5G area coverage (%)" in body and "approximate or synthetic" in body
    assert "Radio layers" in body and "Passive sites by mast class" in body and "_" not in frame.inner_text(
        ".itt-scale")
    frame.wait_for_selector("#itt-tiles", timeout=10_000)  # the tiles were refused, and the map says so
    assert "tiles cannot load" in frame.inner_text("#itt-tiles")
    page.screenshot(path=str(ARTIFACTS / "app.png"))
    assert refused and only_tiles(refused), refused  # nothing else was asked of the internet
    scripts = frame.evaluate("() => [...document.scripts].map(s => s.src).filter(Boolean)")
    assert scripts and all(s.startswith("http://127.0.0.1") for s in scripts)


def test_the_map_loads_streamlit_table_code_ahead_and_units_does_not_fetch_it_again(app_page):
    page, refused = app_page
    names = preload_names()
    assert any(n.startswith("DataFrame.") for n in names) and any(n.startswith("ArrowVegaLiteChart.") for n in names)
    wait_map(page, "s.polygons === 30")
    page.wait_for_function("""(names) => names.every(n => [...document.scripts].some(
      s => s.type === "module" && s.src.endsWith("/static/js/" + n)))""", arg=list(names), timeout=30_000)
    page.wait_for_load_state("networkidle")
    asked = []
    page.on("request", lambda r: asked.append(r.url))
    page.get_by_role("link", name="Units").first.click()
    page.wait_for_selector("[data-testid='stDataFrame'] canvas", timeout=60_000)
    assert not [u for u in asked if "/static/js/DataFrame." in u], asked  # the page's module map had it
    assert only_tiles(refused)


def test_unit_filter_and_date_change_what_is_drawn(app_page):
    page, _ = app_page
    el, _, _ = wait_map(page, "s.polygons === 30")
    city = metric_text(page, "Sites standing")
    box = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
    box.click()
    page.keyboard.type("001 Ba")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    el2, frame, state = wait_map(page, "s.polygons === 1")
    assert state["polygons"] == 1
    assert frame.evaluate("() => window.itt.renders") > 1  # the same map, updated: not a new iframe
    own = wait_metric_change(page, "Sites standing", city)  # Ba Đình's own figure now
    assert int(own.replace(",", "")) < int(city.replace(",", ""))
    before = metric_text(page, "5G area coverage")
    page.locator("[data-testid='stSidebar'] [data-testid='stSlider'] input[type='range']").first.focus()
    page.keyboard.press("Home")  # 2019-01-01: before the 5G pilots
    assert wait_metric_change(page, "5G area coverage", before) == "0.0 %"
    assert wait_map(page, "s.points['tech:5G'] === 0 && s.polygons === 1")[2]["points"]["tech:5G"] == 0
    page.screenshot(path=str(ARTIFACTS / "app-filtered.png"))


def click_map(frame, lat: float, lon: float, *, zoom: int) -> None:
    """A click at a place on the map: pointer, mouse and click events dispatched where Leaflet draws it.

    Events are dispatched in the map's frame, in its own coordinates: Playwright's
    page-to-iframe mapping is off inside Streamlit's component iframe here, which a
    3 px site marker does not forgive (a district does).
    """
    frame.evaluate("([lat, lon, zoom]) => window.map.setView([lat, lon], zoom, {animate: false})", [lat, lon, zoom])
    frame.wait_for_timeout(300)  # the canvas redraws at the new view
    frame.evaluate("""([lat, lon]) => {
      const p = window.map.latLngToContainerPoint([lat, lon]);
      const r = window.map.getContainer().getBoundingClientRect();
      const x = r.left + p.x, y = r.top + p.y, target = document.elementFromPoint(x, y);
      const at = {clientX: x, clientY: y, bubbles: true, cancelable: true, view: window, button: 0};
      for (const type of ["pointerdown", "mousedown", "pointerup", "mouseup", "click"]) {
        target.dispatchEvent(type.startsWith("pointer") ? new PointerEvent(type, at) : new MouseEvent(type, at));
      }
    }""", [lat, lon])


def away_from_sites(ds, code: str) -> shapely.Point:
    """The point of district ``code`` farthest from any site and 300 m inside its border: a click there is on the
    district alone."""
    area = ds.layer("district").set_index("unit_code").loc[code, "geometry"]
    inner = area.buffer(-0.003)
    sites = np.c_[ds.sites.geometry.x, ds.sites.geometry.y]
    x0, y0, x1, y1 = area.bounds
    grid = [shapely.Point(x, y) for x in np.linspace(x0, x1, 40) for y in np.linspace(y0, y1, 40)]
    inside = [p for p in grid if inner.contains(p)]
    return max(inside, key=lambda p: np.hypot((sites[:, 0] - p.x) * 104_000, (sites[:, 1] - p.y) * 111_000).min())


def test_clicking_a_district_selects_it(app_page, default_ds):
    page, _ = app_page
    _, frame, _ = wait_map(page, "s.polygons === 30")
    where = away_from_sites(default_ds, "007")  # Hai Bà Trưng, in the centre
    click_map(frame, where.y, where.x, zoom=14)
    units = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']", has_text="007 Hai Bà Trưng").wait_for(
        timeout=60_000)
    assert "007 Hai Bà Trưng" in units.inner_text()
    assert wait_map(page, "s.polygons === 1")[2]["polygons"] == 1
    assert "units=007" in page.url  # the selection is shareable as a link, like one made in the sidebar
    page.screenshot(path=str(ARTIFACTS / "app-clicked.png"))


def first_site(frame) -> list[float]:
    return frame.evaluate("""() => {
      const s = window.itt.sites(), i = s.groups()[0][1][0];
      return [s.canvas._sites.lat[i], s.canvas._sites.lon[i]];
    }""")


def test_clicking_a_site_opens_its_history_and_keeps_the_selection(app_page):
    page, _ = app_page
    _, frame, _ = wait_map(page, "s.polygons === 30")
    lat, lon = first_site(frame)
    click_map(frame, lat, lon, zoom=16)
    frame.wait_for_selector(".leaflet-popup-content", timeout=10_000)
    frame.wait_for_function("() => document.querySelector('.itt-popup').innerText.includes('Built')")
    page.wait_for_timeout(3000)  # time for a rerun, had the click selected a unit
    assert frame.evaluate("() => !!document.querySelector('.leaflet-popup-content')")  # same map, popup still open
    assert "units=" not in page.url


def test_own_controls_measure_and_fullscreen(app_page):
    page, _ = app_page
    _, frame, _ = wait_map(page, "s.polygons === 30")
    frame.click(".itt-measure a")
    frame.evaluate("() => window.map.setView([21.0, 105.85], 12, {animate: false})")
    for lat, lon in ((21.0, 105.8), (21.0, 105.9)):  # 10.38 km apart (haversine), to a pixel at zoom 12
        click_map(frame, lat, lon, zoom=12)
    km = float(frame.inner_text(".itt-measure-result").removesuffix(" km"))
    assert abs(km - 10.38) < 0.05
    frame.click(".itt-measure a")
    assert frame.inner_text(".itt-measure-result") == "" and "units=" not in page.url
    assert frame.is_visible(".itt-fullscreen a")
    assert frame.get_attribute(".itt-fullscreen a", "title") == "Full screen"  # the state's words
    assert frame.get_attribute(".itt-measure a", "aria-label") == "Measure a distance"


def test_html_export_downloads(app_page, tmp_path):
    page, _ = app_page
    with page.expect_download(timeout=120_000) as info:  # the file is made when the button is pressed
        page.get_by_role("button", name="Download the map (HTML)").click(timeout=120_000)
    path = tmp_path / "map.html"
    info.value.save_as(path)
    text = path.read_text()
    assert "Hanoi telecom infrastructure transition" in text and "Leaflet 1.9.3" in text
    assert "invented for this demonstration" in text


def test_exported_map_from_disk_draws_with_every_request_refused(browser, default_ds, tmp_path):
    from infra.io import write_html
    from infra.views import MapView, map_for_export, standalone_html

    sites = default_ds.sites.copy()
    first = sites.index[(sites["district_code"] == "002") & sites["removed_on"].isna()][0]
    sites.loc[first, "name"] = EVIL
    ds = dataclasses.replace(default_ds, sites=sites)
    path = write_html(standalone_html(map_for_export(ds, MapView(layer="district", as_of=dt.date(2025, 12, 31)))),
                      tmp_path / "map.html")
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    refused: list[str] = []
    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:")
              else (refused.append(r.request.url), r.abort()))
    page = ctx.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("() => window.itt && window.itt.renders > 0", timeout=60_000)
    state = wait_state(page, "s.polygons === 30 && s.markers > 1000")
    assert state["polygons"] == 30 and state["markers"] > 1000 and state["points"]["tech:5G"] > 0
    body = page.inner_text("body")
    assert "5G area coverage (%)" in body and "as of Dec 31, 2025" in body
    assert "OpenStreetMap contributors" in body and "Radio layers" in body and "Passive sites by mast class" in body
    assert not page.is_visible(".itt-notice li")  # the notices: one folded line until opened
    page.wait_for_selector("#itt-tiles", timeout=10_000)
    assert only_tiles(refused) and errors == []
    lat, lon = page.evaluate("""() => {
      const st = JSON.parse(document.getElementById('itt-state').textContent);
      const part = (ref) => JSON.parse(document.querySelector(`script[data-part="${ref}"]`).textContent);
      const i = part(st.sites.popups).text.findIndex(t => t.includes('onerror')), s = part(st.sites.ref);
      return [s.lat[i], s.lon[i]];
    }""")
    click_map(page, lat, lon, zoom=17)
    page.wait_for_function("() => (document.querySelector('.itt-popup') || {}).innerText?.includes('onerror')")
    popup = page.evaluate("() => ({text: document.querySelector('.itt-popup').innerText,"
                          " width: document.querySelector('.itt-popup').getBoundingClientRect().width,"
                          " imgs: document.querySelectorAll('.leaflet-popup-content img').length})")
    assert EVIL in popup["text"] and popup["imgs"] == 0
    assert popup["width"] > 200  # one line per fact, not one word per line
    page.wait_for_timeout(500)
    assert dialogs == []
    page.screenshot(path=str(ARTIFACTS / "exported-map.png"))
    assert "Built " in popup["text"] and "on air" in popup["text"]  # the facts, worded by the renderer
    page.click(".itt-notice summary")  # the notices unfold, and fold away again
    assert page.evaluate("() => document.querySelector('.itt-notice').open") is True
    assert page.is_visible(".itt-notice li") and "invented for this demonstration" in page.inner_text(".itt-notice")
    page.click(".itt-notice summary")
    assert not page.is_visible(".itt-notice li")
    ctx.close()


def test_exported_map_groups_sites_at_city_zoom_and_shows_each_when_zoomed(browser, default_ds, tmp_path):
    from infra.io import write_html
    from infra.views import MapView, map_for_export, standalone_html
    from infra.views.coverage_map import CLUSTER

    path = write_html(standalone_html(map_for_export(default_ds, MapView(layer="district", as_of=dt.date(2025, 12,
                                                                                                          31)))),
                      tmp_path / "map.html")
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    refuse_outside(ctx)
    page = ctx.new_page()
    page.goto(path.as_uri())
    page.wait_for_function("() => window.itt && window.itt.renders > 0", timeout=60_000)
    city = wait_state(page, "s.markers > 1000")
    assert city["zoom"] < CLUSTER["below_zoom"] and 10 < city["clusters"] < 300  # groups, a count on each
    assert city["drawn"]["sites"] < city["markers"] / 10 and city["drawn"]["shared"] == 0
    page.screenshot(path=str(ARTIFACTS / "exported-map-city.png"))
    group = page.evaluate("""() => {  // a click on the largest group zooms in to it
      const g = window.itt.groups().sort((a, b) => b.n - a.n)[0];
      return [g.lat, g.lng];
    }""")
    click_map(page, group[0], group[1], zoom=city["zoom"])
    near = wait_state(page, f"s.zoom >= {CLUSTER['below_zoom']} && s.clusters === 0")
    assert near["clusters"] == 0 and near["drawn"]["sites"] > 50 and near["drawn"]["shared"] > 0  # each site
    page.screenshot(path=str(ARTIFACTS / "exported-map-zoomed.png"))
    ctx.close()


def test_a_site_is_found_by_search_in_the_app(app_page, default_ds):
    page, _ = app_page
    wait_map(page, "s.polygons === 30")
    site = default_ds.sites.reset_index(drop=True).iloc[3]
    box = page.get_by_role("textbox", name="Find a site")
    box.fill(str(site["site_id"]))
    box.press("Enter")
    _, frame, state = wait_map(page, "window.itt.opened === 3")
    frame.wait_for_function("() => (document.querySelector('.itt-popup') || {}).innerText?.includes('on air')")
    assert str(site["site_id"]) in frame.inner_text(".itt-popup") and state["zoom"] >= 14 and state["clusters"] == 0
    lat, lon = frame.evaluate("() => { const c = window.map.getCenter(); return [c.lat, c.lng]; }")
    assert abs(lat - site.geometry.y) < 1e-4 and abs(lon - site.geometry.x) < 1e-4  # the map went there
    assert "site=" in page.url
    page.screenshot(path=str(ARTIFACTS / "app-site-found.png"))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_map_and_sites_pages_speak_the_language(browser, app_url, lang):
    """The map's legends, caption and notice line in the page's language; the Sites page with a site's timeline."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1500})
    refused = refuse_outside(ctx)
    page = ctx.new_page()
    page.goto(f"{app_url}/?lang={lang}")
    _, frame, _ = wait_map(page, "s.polygons === 30")
    legends = frame.inner_text(".itt-legends")
    want = {"vi": ("Lớp thiết bị vô tuyến", "Trạm dùng chung"), "en": ("Radio layers", "Shared site")}[lang]
    assert all(w in legends for w in want), legends
    assert "_" not in frame.inner_text(".itt-scale") and "_" not in frame.inner_text(".itt-notice summary")
    titles = frame.evaluate("""() => [".leaflet-control-zoom-in", ".leaflet-control-zoom-out",
      ".leaflet-control-layers-toggle"].map((s) => document.querySelector(s).title)""")
    assert titles == {"vi": ["Phóng to", "Thu nhỏ", "Lớp bản đồ"], "en": ["Zoom in", "Zoom out", "Layers"]}[lang]
    assert "mi" not in frame.inner_text(".leaflet-control-scale").split()  # metric only
    page.screenshot(path=str(ARTIFACTS / f"app-map-{lang}.png"))
    page.goto(f"{app_url}/sites?lang={lang}")
    page.wait_for_selector("[data-testid='stDataFrame']", timeout=120_000)
    page.get_by_role("textbox", name={"vi": "Tìm trạm", "en": "Find a site"}[lang]).fill("SYN-00004")
    page.keyboard.press("Enter")
    page.wait_for_selector(".vega-embed canvas, .vega-embed svg", timeout=120_000)  # the timeline drawn
    page.wait_for_timeout(1000)
    assert ("Trạm SYN-00004" if lang == "vi" else "Site SYN-00004") in page.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / f"app-sites-{lang}.png"), full_page=True)
    assert only_tiles(refused)
    ctx.close()
