"""End to end in headless Debian Chromium: the app and the exported map, as a user sees them.

No network: the map's scripts come from local npm copies (tests/browser.py). Skipped
when chromium or those copies are missing on a developer machine; in CI (CI=true)
missing pieces fail instead, since .ci/run installs them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import time
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, ASSETS, CHROMIUM, launch, route, running_app

try:
    from playwright import sync_api as playwright_api
except ImportError:
    playwright_api = None
if playwright_api is None or not (Path(CHROMIUM).exists() and (ASSETS / "leaflet").exists()):
    if os.environ.get("CI"):
        pytest.fail("playwright, chromium or tests/assets/node_modules missing: .ci/run installs them",
                    pytrace=False)
    pytest.skip("needs Debian's chromium and `npm install --prefix tests/assets` (see .ci/run)",
                allow_module_level=True)

EVIL = "<img src=x onerror=alert(1)>"
JS_STATE = """() => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  let polygons = 0, markers = 0;
  map.eachLayer(l => {
    const f = l.feature;
    if (f && f.properties && 'value_text' in f.properties && f.geometry.type.includes('Polygon')) polygons++;
    if (l instanceof L.CircleMarker) markers++;
  });
  return {polygons, markers};
}"""


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
    aborted = route(ctx)
    page = ctx.new_page()
    page.goto(app_url)
    yield page, aborted
    ctx.close()


class Replaced(Exception):
    """Streamlit replaced the map's iframe between finding it and entering it."""


def map_frame(page, timeout=90_000):
    el = page.wait_for_selector("iframe[title='streamlit_folium.st_folium']", state="attached", timeout=timeout)
    frame = el.content_frame()
    if frame is None:
        raise Replaced
    frame.wait_for_function("() => window.L && Object.values(window).some(v => v instanceof L.Map)",
                            timeout=timeout)
    return el, frame


def wait_state(frame, check, timeout=60_000):
    frame.wait_for_function(f"() => {{ const s = ({JS_STATE})(); return {check}; }}", timeout=timeout)
    return frame.evaluate(JS_STATE)


def wait_map(page, check, timeout_s=120):
    """Wait until the app's map satisfies ``check``; Streamlit may replace the iframe meanwhile.

    Each attempt is short: a frame that Streamlit replaced (or a stale map shown while
    the new one is built) is given up after seconds and the current one found again,
    rather than waited on until the whole timeout runs out.
    """
    deadline = time.time() + timeout_s
    while True:
        try:
            el, frame = map_frame(page, timeout=10_000)
            return el, frame, wait_state(frame, check, timeout=5_000)
        except (playwright_api.Error, Replaced):
            if time.time() > deadline:
                raise
            page.wait_for_timeout(200)


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


def test_app_draws_districts_sites_and_legend(app_page):
    page, aborted = app_page
    _, frame, state = wait_map(page, "s.polygons === 30 && s.markers > 1000")
    assert state["polygons"] == 30 and state["markers"] > 1000
    assert "area_coverage_pct 4G/* (%)" in frame.inner_text("body")
    assert "Approximate / synthetic data" in frame.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / "app.png"))
    assert not [u for u in aborted if "127.0.0.1" not in u]


def test_unit_filter_and_date_change_what_is_drawn(app_page):
    page, _ = app_page
    wait_map(page, "s.polygons === 30")
    city = metric_text(page, "Sites standing")
    box = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
    box.click()
    page.keyboard.type("001 Ba")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert wait_map(page, "s.polygons === 1")[2]["polygons"] == 1
    own = wait_metric_change(page, "Sites standing", city)  # Ba Đình's own figure now
    assert int(own.replace(",", "")) < int(city.replace(",", ""))
    before = metric_text(page, "5G area coverage")
    page.locator("[data-testid='stSidebar'] [data-testid='stSlider'] input[type='range']").first.focus()
    page.keyboard.press("Home")  # 2019-01-01: before the 5G pilots
    assert wait_metric_change(page, "5G area coverage", before) == "0.0 %"
    page.screenshot(path=str(ARTIFACTS / "app-filtered.png"))


def click_map(frame, lat: float, lon: float, *, zoom: int) -> None:
    """A click at a place on the map: pointer, mouse and click events dispatched where Leaflet draws it.

    Events are dispatched in the map's frame, in its own coordinates: Playwright's
    page-to-iframe mapping is 45 px off inside Streamlit's component iframe here,
    which a 3 px site marker does not forgive (a district does).
    """
    frame.evaluate("([lat, lon, zoom]) => window.map.setView([lat, lon], zoom, {animate: false})", [lat, lon, zoom])
    frame.wait_for_timeout(500)  # the canvas redraws at the new view
    frame.evaluate("""([lat, lon]) => {
      const p = window.map.latLngToContainerPoint([lat, lon]);
      const r = window.map.getContainer().getBoundingClientRect();
      const x = r.left + p.x, y = r.top + p.y, target = document.elementFromPoint(x, y);
      const at = {clientX: x, clientY: y, bubbles: true, cancelable: true, view: window, button: 0};
      for (const type of ["pointerdown", "mousedown", "pointerup", "mouseup", "click"]) {
        target.dispatchEvent(type.startsWith("pointer") ? new PointerEvent(type, at) : new MouseEvent(type, at));
      }
    }""", [lat, lon])


def test_clicking_a_district_selects_it(app_page, default_ds):
    page, _ = app_page
    el, frame, _ = wait_map(page, "s.polygons === 30")
    district = default_ds.layer("district").set_index("unit_code").loc["007"]  # Hai Bà Trưng, in the centre
    where = district.geometry.representative_point()
    click_map(frame, where.y, where.x, zoom=13)
    units = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").first
    page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']", has_text="007 Hai Bà Trưng").wait_for(
        timeout=60_000)
    assert "007 Hai Bà Trưng" in units.inner_text()
    assert wait_map(page, "s.polygons === 1")[2]["polygons"] == 1
    assert "units=007" in page.url  # the selection is shareable as a link, like one made in the sidebar
    page.screenshot(path=str(ARTIFACTS / "app-clicked.png"))


def test_clicking_a_site_opens_its_history_and_keeps_the_selection(app_page):
    page, _ = app_page
    _, frame, _ = wait_map(page, "s.polygons === 30")
    lat, lon = frame.evaluate("""() => {
      let site = null;
      window.map.eachLayer(l => { if (!site && l.feature && l.feature.properties.history && l.getLatLng) site = l; });
      return [site.getLatLng().lat, site.getLatLng().lng];
    }""")
    click_map(frame, lat, lon, zoom=16)
    frame.wait_for_selector(".leaflet-popup-content", timeout=10_000)
    assert "built" in frame.inner_text(".leaflet-popup-content")
    page.wait_for_timeout(3000)  # time for a rerun, had the click selected a unit
    assert frame.evaluate("() => !!document.querySelector('.leaflet-popup-content')")  # same map, popup still open
    assert "units=" not in page.url


def test_html_export_downloads(app_page, tmp_path):
    page, _ = app_page
    with page.expect_download(timeout=120_000) as info:  # the file is made when the button is pressed
        page.get_by_role("button", name="Download the map (HTML)").click(timeout=120_000)
    path = tmp_path / "map.html"
    info.value.save_as(path)
    text = path.read_text()
    assert "Hanoi telecom infrastructure transition" in text and "SYNTHETIC" in text


def test_exported_map_from_disk_escapes_popups(browser, default_ds, tmp_path):
    from infra.io import write_html
    from infra.views import MapView, map_for_export

    sites = default_ds.sites.copy()
    first = sites.index[(sites["district_code"] == "002") & sites["removed_on"].isna()][0]
    sites.loc[first, "name"] = EVIL
    ds = dataclasses.replace(default_ds, sites=sites)
    m = map_for_export(ds, MapView(layer="district", as_of=dt.date(2025, 12, 31)))
    path = write_html(m.get_root().render(), tmp_path / "map.html")
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    route(ctx)
    page = ctx.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_function("() => window.L && Object.values(window).some(v => v instanceof L.Map)", timeout=60_000)
    state = wait_state(page, "s.polygons === 30 && s.markers > 1000")
    assert state["polygons"] == 30
    body = page.inner_text("body")
    assert "area_coverage_pct 4G/* (%)" in body and "SYNTHETIC" in body and "as of 2025-12-31" in body
    popup = page.evaluate("""() => {
      const map = Object.values(window).find(v => v instanceof L.Map);
      let target = null;
      map.eachLayer(l => { if (l.feature && (l.feature.properties.history || '').includes('onerror')) target = l; });
      map.setView(target.getLatLng(), 16);
      target.fire('click', {latlng: target.getLatLng()}, true);  // propagates to the GeoJSON group's popup
      const el = document.querySelector('.leaflet-popup-content');
      return {text: el.innerText, imgs: el.querySelectorAll('img').length};
    }""")
    assert EVIL in popup["text"] and popup["imgs"] == 0
    page.wait_for_timeout(500)
    assert dialogs == []
    page.screenshot(path=str(ARTIFACTS / "exported-map.png"))
    page.click(".itt-notice summary")  # the notices fold away from the map, and come back
    assert page.evaluate("() => document.querySelector('.itt-notice').open") is False
    assert not page.is_visible(".itt-notice li")
    assert re.search(r"OpenStreetMap contributors", body)
    ctx.close()
