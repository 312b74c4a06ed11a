"""In Chromium, as a user: a real boundary file imported in the Data view, every page, then a reload.

The app runs on a store of its own; nothing beyond the loopback is reached.
"""

from __future__ import annotations

import shutil

from app_pages._mapframe import NAME
from tests.browser import ARTIFACTS, launch, need_browser, refuse_outside, running_app
from tests.realdata import real_file

need_browser()
from playwright import sync_api as playwright_api  # noqa: E402

#: The units the app's map has drawn (0 until its iframe has drawn a state).
MAP_DRAWN = f"""() => {{
  const f = document.querySelector("iframe[title='app_pages._mapframe.{NAME}']");
  const w = f && f.contentWindow;
  return w && w.itt && w.itt.renders > 0 ? w.itt.counts().polygons : 0;
}}"""


def test_a_real_file_imported_in_the_browser_is_in_every_view_and_after_a_reload(store_template, tmp_path):
    store = tmp_path / "store.gpkg"
    shutil.copy(store_template, store)
    env = {"TRACKER_STORE": str(store), "TRACKER_USERS": str(tmp_path / "no-users.toml")}
    districts = real_file("hanoi_districts_geoboundaries_2020.geojson")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p, running_app(env=env) as url:
        browser = launch(p)
        ctx = browser.new_context(viewport={"width": 1400, "height": 1400})
        refused = refuse_outside(ctx)
        page = ctx.new_page()
        page.goto(f"{url}/data?lang=en")
        page.get_by_text("No users are set up").wait_for(timeout=120_000)  # the one-person tool says so
        page.locator("[data-testid='stFileUploaderDropzone'] input[type='file']").set_input_files(str(districts))
        page.get_by_text("read 30, imported 30 (repaired 0), rejected 0").wait_for(timeout=120_000)
        page.get_by_role("button", name="Save as a new revision").click()
        page.get_by_text("· revision 2 ·").first.wait_for(timeout=120_000)  # the header names the revision shown
        for view in ("", "units", "plan", "transition"):  # the map is the first page: its address is the root
            page.goto(f"{url}/{view}?lang=en")
            page.get_by_text("Approximate or synthetic data").first.click(timeout=120_000)  # the folded notices
            page.get_by_text("The admin layers disagree").first.wait_for(timeout=120_000)
            assert "hanoi_districts_geoboundaries_2020.geojson" in page.inner_text("body")
            if not view:
                page.wait_for_function(f"() => ({MAP_DRAWN})() === 30", timeout=180_000)
            page.screenshot(path=str(ARTIFACTS / f"store-{view or 'map'}.png"))
        page.goto(f"{url}/?lang=en")  # a reload, without the revision in the URL: the latest is the imported one
        page.wait_for_function(f"() => ({MAP_DRAWN})() === 30", timeout=120_000)
        page.get_by_text("· revision 2 ·").first.wait_for(timeout=60_000)
        assert "hanoi_districts_geoboundaries_2020.geojson" in page.inner_text("body")
        assert all(u.startswith("https://tile.openstreetmap.org/") for u in refused), refused  # tiles alone
        ctx.close()
        browser.close()
