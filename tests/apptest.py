"""One way to start the app under AppTest, in a chosen language (English unless a test asks for Vietnamese)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from infra import i18n, settings

APP = str(settings.REPO_ROOT / "app.py")


def app_test(script: str = APP, *, lang: str = "en", timeout: float = 180) -> AppTest:
    """An AppTest of ``script`` whose URL says ``lang=…`` (not run yet).

    The test's own thread speaks that language too, as the app's interface: AppTest formats a
    widget's value with the page's ``format_func`` (translated labels) in the test's thread, and
    would not find it among the page's options otherwise. ``tests/conftest.py`` puts the thread
    back in English for the CLI after each test.
    """
    i18n.set_language(lang)
    i18n.set_interface("app")
    at = AppTest.from_file(script, default_timeout=timeout)
    at.query_params["lang"] = lang
    return at
