"""The catalogs: every msgid of the sources is translated, placeholders survive, the build compiles them."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from infra import i18n
from infra.views import labels

PO = i18n.LOCALE_DIR / "vi" / "LC_MESSAGES" / "messages.po"


def _catalog():
    with PO.open("rb") as fh:
        return read_po(fh, locale="vi", domain="messages")


def test_every_message_has_a_vietnamese_translation():
    gaps = i18n.missing("vi")
    assert not gaps, (f"{len(gaps)} msgid(s) lack a Vietnamese translation; run `python -m infra.i18n update` and "
                      f"fill their msgstr in {PO}: {gaps[:20]}")


def test_the_catalog_has_no_obsolete_or_stale_template():
    """The committed template is what the sources give (someone ran `update` after changing strings)."""
    ids = {m.id for m in i18n.extract() if m.id}
    with (i18n.LOCALE_DIR / "messages.pot").open("rb") as fh:
        pot = {m.id for m in read_po(fh) if m.id}
    assert ids == pot, f"run `python -m infra.i18n update`: new {sorted(ids - pot)[:10]}, gone {sorted(pot - ids)[:10]}"


def test_placeholders_survive_translation():
    field = re.compile(r"\{[a-z_0-9]*(?::[^}]*)?\}")
    bad = []
    for msg in _catalog():
        if msg.id and msg.string:
            ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
            strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
            want = sorted(set(field.findall(ids[-1])))
            bad += [(msg.id, s) for s in strings if sorted(set(field.findall(s))) != want]
    assert not bad, f"translations that lose or invent a {{placeholder}}: {bad[:10]}"


def test_language_is_per_context_and_falls_back_to_english():
    with i18n.language("vi"):
        assert i18n._("Whole city") == "Toàn thành phố"
        assert labels.metric_label("area_coverage_pct", "5G") == "Vùng phủ 5G theo diện tích (%)"
    assert i18n._("Whole city") == "Whole city"
    assert i18n.set_language("fr") == "en"
    with i18n.language("vi"):
        assert i18n._("a text nobody marked") == "a text nobody marked"


@pytest.mark.parametrize(("lang", "want"), [("en", "1,234.5"), ("vi", "1.234,5")])
def test_numbers_for_people(lang, want):
    with i18n.language(lang):
        assert i18n.number(1234.5, 1) == want
        assert i18n.number(float("nan")) == i18n._("not applicable")


def test_fixes_name_the_interface_in_use():
    assert i18n.option("grid", "vn2000_utm48") == "--grid vn2000_utm48"
    with i18n.language("vi", "app"):
        assert i18n.option("grid") == "ô “Hệ tọa độ” của biểu mẫu nhập dữ liệu"


def test_compiled_catalog_reads_like_the_source(tmp_path):
    mo = i18n.compile_all(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in mo] == ["vi/LC_MESSAGES/messages.mo"]
    from babel.support import Translations
    with mo[0].open("rb") as fh:
        assert Translations(fh).gettext("Whole city") == "Toàn thành phố"


def test_labels_never_return_snake_case():
    cols = ["area_coverage_pct_4G", "sites_on_air_4G_Viettel", "two_g_off_pct_2G", "unit_code",
            *(f"{t}:{p}" for t in labels.TARGETS for p in labels.TARGET_PARTS)]
    for lang in i18n.LANGUAGES:
        with i18n.language(lang):
            for col in cols:
                assert not re.search(r"[a-z0-9]+_[a-z0-9_]+", labels.column_label(col)), col


def test_charts_format_numbers_and_dates_in_the_language():
    import datetime as dt

    import pandas as pd

    from infra.views.charts import over_time

    frame = pd.DataFrame({"as_of": [pd.Timestamp("2020-12-31")], "value": [1234.5], "who": ["001 Ba Đình"]})
    with i18n.language("vi"):
        spec = over_time(frame, title="x", as_of=dt.date(2021, 1, 1)).to_dict()
    assert spec["config"]["locale"]["number"]["decimal"] == "," and spec["config"]["locale"]["time"]["months"][8] \
        == "Tháng 9"
    assert "locale" not in over_time(frame, title="x", as_of=dt.date(2021, 1, 1)).to_dict().get("config", {})
