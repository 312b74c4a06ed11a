"""One way to start the app under AppTest, in a chosen language (English unless a test asks for Vietnamese)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from infra import settings

APP = str(settings.REPO_ROOT / "app.py")


def app_test(script: str = APP, *, lang: str = "en", timeout: float = 180) -> AppTest:
    """An AppTest of ``script`` whose URL says ``lang=…`` (not run yet)."""
    at = AppTest.from_file(script, default_timeout=timeout)
    at.query_params["lang"] = lang
    return at
