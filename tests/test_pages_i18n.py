"""Every page in both languages: no identifier reaches the page, and every label changes with the language."""

from __future__ import annotations

import pytest

from infra import settings
from tests.apptest import app_test
from tests.pagetext import identifiers_in, texts

PAGES = sorted(p.stem for p in (settings.REPO_ROOT / "app_pages").glob("[!_]*.py"))
#: Labels that are the same word in both languages (names, codes, units).
SAME = {"Ngôn ngữ · Language", "2G", "3G", "4G", "5G", "Viettel", "VNPT", "MobiFone", "Vietnamobile", "CSV",
        "Excel", "GeoPackage", "HTML"}


def _render(page: str, lang: str, store):
    at = app_test(lang=lang, timeout=240)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page != "map":
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
    return texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_speaks_the_chosen_language_and_never_shows_identifiers(page, fresh_store):
    vi, en = _render(page, "vi", fresh_store), _render(page, "en", fresh_store)
    for lang, got in (("vi", vi), ("en", en)):
        raw = identifiers_in(got["shown"])
        assert not raw, f"the {page} page shows identifiers in {lang}: {sorted(raw)}"
    vi_labels = dict(s.split("\x00") for s in vi["label"])
    en_labels = dict(s.split("\x00") for s in en["label"])
    same = {k: v for k, v in vi_labels.items() if en_labels.get(k) == v and v not in SAME}
    assert not same, f"labels of the {page} page not translated to Vietnamese (key: label): {same}"
    assert set(vi_labels) == set(en_labels), "the same widgets in both languages"
