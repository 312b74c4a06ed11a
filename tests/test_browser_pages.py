"""Every page in Chromium, in Vietnamese and in English: ``<html lang>``, no identifier, a screenshot of each.

The screenshots go to ``test-artifacts/pages/<lang>-<page>.png`` (CI keeps them).
Nothing beyond the loopback is reached but the base map's tiles, which are refused.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from infra import settings
from tests.browser import ARTIFACTS, launch, need_browser, refuse_outside, running_app
from tests.pagetext import identifiers_in

need_browser()
from playwright import sync_api as playwright_api  # noqa: E402

PAGES = sorted(p.stem for p in (settings.REPO_ROOT / "app_pages").glob("[!_]*.py"))
TITLE = {"vi": "Theo dõi chuyển đổi hạ tầng viễn thông — Hà Nội",
         "en": "Telecom Infrastructure Transition Tracker — Hanoi"}
#: True once Streamlit has finished running the script (no "running" status, no spinner).
IDLE = """() => !document.querySelector("[data-testid='stStatusWidget'] [data-testid='stStatusWidgetRunningIcon']")
  && !document.querySelector("[data-testid='stSpinner']")
  && document.querySelector("[data-testid='stMain'] h1") !== null"""


@pytest.fixture(scope="module")
def app_url():
    with running_app(timeout=120) as url:
        yield url


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_in_each_language(app_url, lang):
    out = ARTIFACTS / "pages"
    out.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = launch(p)
        ctx = browser.new_context(viewport={"width": 1400, "height": 1300}, accept_downloads=True)
        refused = refuse_outside(ctx)
        page = ctx.new_page()
        for name in PAGES:
            page.goto(f"{app_url}/{'' if name == 'map' else name}?lang={lang}")
            page.get_by_role("heading", name=TITLE[lang]).wait_for(timeout=180_000)
            page.wait_for_function(IDLE, timeout=180_000)
            page.wait_for_timeout(800)  # charts and the map draw after the script has run
            page.wait_for_function(f"() => document.documentElement.lang === {lang!r}", timeout=30_000)
            body = " ".join(fr.inner_text("body") for fr in page.frames if fr.url.startswith(("http", "about:srcdoc")))
            raw = identifiers_in(body.split())
            assert not raw, f"{name} in {lang} shows identifiers: {sorted(raw)}"
            page.screenshot(path=str(out / f"{lang}-{name}.png"), full_page=True)
            if name == "units":  # a download is made when clicked, outside the page's run: in its language still
                with page.expect_download(timeout=120_000) as info:
                    page.get_by_role("button", name="Excel").click()
                book = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
                head = [c.value for c in book["units"][1]]
                assert ("Mã" if lang == "vi" else "Code") in head and "unit_code" not in head, head
        assert all(u.startswith("https://tile.openstreetmap.org/") for u in refused), refused
        ctx.close()
        browser.close()
