"""Messages and words in two languages: validation worded for the interface in use, plain notices, the Data view.

A bad file through the Data view in Vietnamese names the file, the row, the column and
the import form's field; the same file through the CLI names ``--grid``. Every msgid of
the modules that make messages has a Vietnamese translation with the same placeholders,
so that formatting it never fails in either language.
"""

from __future__ import annotations

import re
import string

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from babel.messages.pofile import read_po

from infra import i18n
from infra._errors import ContractError
from infra.contract import validate_radios
from infra.dataset import Provenance
from infra.engine.layers import Repairs
from infra.i18n import language
from infra.io import import_file
from infra.io.limits import Limits, how_to_raise
from infra.io.report import ImportReport, UnreadableFile
from infra.io.sniff import refusal
from infra.store.base import Revision, conflict, no_revision
from infra.store.merge import Change
from infra.views.notices import layer_notices
from tests.apptest import app_test
from tests.cli import run_cli

#: A sites file whose row 2 lies in Ho Chi Minh City: rejected, "point outside Hanoi", column ``lat``.
BAD_SITES = ("site_id,name,lat,lon\n"
             "S1,Tháp A,21.0285,105.8542\n"
             "S2,Sài Gòn,10.77,106.70\n")
#: A snake_case identifier (``area_coverage_pct``, ``commune_2025``, ``file_sha256``).
SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
#: What may hold underscores and is not an identifier: paths and file names (the user's and the store's).
_PATHS = re.compile(r"\S*[/\\]\S*|\S+\.(?:gpkg|csv|xlsx|geojson|zip|toml)\b")
#: The modules whose messages this file checks (their msgids are extracted from these paths).
OWNED = ("infra/io/", "infra/contract.py", "infra/_errors.py", "infra/dataset.py", "infra/views/notices.py",
         "infra/engine/engine.py", "infra/store/", "infra/cli.py", "app_pages/data.py", "app_pages/_auth.py",
         "infra/i18n.py")


def _catalog():
    with (i18n.LOCALE_DIR / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale="vi", domain="messages")


def _owned_msgids() -> list[str]:
    out = []
    for msg in i18n.extract():
        if msg.id and isinstance(msg.id, str) and any(loc.startswith(OWNED) for loc, _line in msg.locations):
            out.append(msg.id)
    return out


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_message_is_translated_with_the_same_placeholders():
    catalog = _catalog()
    ids = _owned_msgids()
    assert len(ids) > 300  # the messages of the importers, the contract, the store, the CLI and the Data view
    for msgid in ids:
        vi = catalog.get(msgid).string
        assert vi and vi != msgid or msgid.strip() in ("", "–"), msgid
        assert _fields(vi) == _fields(msgid), (msgid, vi)
        values = {f: "X" for f in _fields(msgid)}
        assert msgid.format(**values) and vi.format(**values)  # both languages format with the same names


def _csv(tmp_path, text=BAD_SITES, name="bad_sites.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_report_names_file_row_and_column_in_both_languages(tmp_path, lang):
    with language(lang, "cli"):
        _frames, rep = import_file(_csv(tmp_path), "sites")
        text = rep.text()
        table = rep.table()
    expected = {"en": ("bad_sites.csv (sites): read 2, imported 1 (repaired 0), rejected 1",
                       "row 2, column 'lat'", "point outside Hanoi", "Rows are counted", "[rejected]"),
                "vi": ("bad_sites.csv (trạm): đã đọc 2, đã nhập 1 (đã sửa 0), bị loại 1",
                       "dòng 2, cột 'lat'", "điểm nằm ngoài Hà Nội", "Các dòng được đếm", "[bị loại]")}[lang]
    for part in expected:
        assert part in text, (part, text)
    grid = {"en": "--grid vn2000_local or vn2000_utm48", "vi": "--grid vn2000_local hoặc vn2000_utm48"}[lang]
    assert grid in text and "import form" not in text and "biểu mẫu" not in text
    headers = {"en": ["File", "Row", "Column", "Value", "What is wrong", "How to fix it", "Outcome"],
               "vi": ["Tệp", "Dòng", "Cột", "Giá trị", "Lỗi", "Cách khắc phục", "Kết quả"]}[lang]
    assert list(table.columns) == headers
    assert table.iloc[0].tolist()[:3] == ["bad_sites.csv", 2, "lat"]


def test_a_message_made_in_one_language_is_not_reused_in_the_other(tmp_path):
    path = _csv(tmp_path)
    with language("vi"):
        vi = import_file(path, "sites")[1].problems[0]
    with language("en"):
        en = import_file(path, "sites")[1].problems[0]
    with language("vi"):
        again = import_file(path, "sites")[1].problems[0]
    assert en.what == "point outside Hanoi" and vi.what == again.what == "điểm nằm ngoài Hà Nội"


def test_the_same_bad_file_through_the_cli_names_grid(tmp_path):
    path = _csv(tmp_path)
    en = run_cli("validate", path, "--kind", "sites")
    assert en.returncode == 1
    assert "bad_sites.csv: row 2, column 'lat'" in en.stdout and "--grid vn2000_local" in en.stdout
    assert "field of the import form" not in en.stdout
    vi = run_cli("--lang", "vi", "validate", path, "--kind", "sites")
    assert vi.returncode == 1
    assert "bad_sites.csv: dòng 2, cột 'lat'" in vi.stdout and "điểm nằm ngoài Hà Nội" in vi.stdout
    assert "--grid vn2000_local" in vi.stdout and "biểu mẫu" not in vi.stdout
    after = run_cli("validate", path, "--kind", "sites")  # the language of one run does not stay
    assert "point outside Hanoi" in after.stdout


def test_the_cli_language_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_LANG", "vi")
    out = run_cli("validate", tmp_path / "missing.csv", "--kind", "sites")
    assert out.returncode == 2 and out.stderr.startswith("lỗi: missing.csv: không tìm thấy tệp")
    out = run_cli("--lang", "en", "validate", tmp_path / "missing.csv", "--kind", "sites")
    assert out.stderr.startswith("error: missing.csv: file not found")


@pytest.mark.parametrize(("interface", "lang", "said", "not_said"), [
    ("cli", "en", "--max-mb (setting infra.io.limits.MAX_UPLOAD_BYTES)", "import form"),
    ("cli", "vi", "--max-mb (thiết lập infra.io.limits.MAX_UPLOAD_BYTES)", "biểu mẫu"),
    ("app", "en", "the setting infra.io.limits.MAX_UPLOAD_BYTES (ask whoever runs the app)", "--max"),
    ("app", "vi", "thiết lập infra.io.limits.MAX_UPLOAD_BYTES (đề nghị người quản trị ứng dụng)", "--max"),
])
def test_a_limit_is_raised_where_the_interface_can(tmp_path, interface, lang, said, not_said):
    path = _csv(tmp_path)
    with language(lang, interface), pytest.raises(UnreadableFile) as err:
        import_file(path, "sites", limits=Limits(max_bytes=10))
    assert str(err.value).startswith("bad_sites.csv: ") and said in str(err.value) and not_said not in str(err.value)
    with language(lang, interface):
        assert said in how_to_raise("max_bytes")


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "x.csv: is an empty file; sites must be CSV (optionally .gz) or Excel .xlsx."),
    ("vi", "x.csv: là một tệp rỗng; tệp trạm phải là CSV (có thể nén .gz) hoặc Excel .xlsx."),
])
def test_a_refusal_by_content_in_both_languages(lang, words):
    with language(lang):
        assert str(refusal("x.csv", "empty", "sites")) == words


def test_column_fixes_name_the_option_or_the_field(tmp_path):
    path = _csv(tmp_path, "name,where\nS1,Hà Nội\n", "nocoords.csv")
    with language("en", "cli"), pytest.raises(UnreadableFile, match=r"--column site_id=COLUMN"):
        import_file(path, "sites")
    with language("vi", "app"), pytest.raises(UnreadableFile) as err:
        import_file(path, "sites")
    assert "ô “Ánh xạ cột” của biểu mẫu nhập dữ liệu" in str(err.value) and "--column" not in str(err.value)
    with language("vi", "app"), pytest.raises(UnreadableFile) as err:
        import_file(path, "sites", columns={"site_id": "nope"})
    assert "không có cột “nope”" in str(err.value)


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_contract_errors_in_both_languages(lang):
    radios = pd.DataFrame({"site_id": ["S1"], "operator": ["Viettel"], "technology": ["4G"], "band_mhz": [1800.0],
                           "on_date": [pd.Timestamp("2020-01-01")], "off_date": [pd.Timestamp("2019-01-01")],
                           "pilot": [False], "azimuth_deg": [None], "beamwidth_deg": [None], "range_m": [None]})
    with language(lang), pytest.raises(ContractError) as err:
        validate_radios(radios, frame="radios.csv")
    text = str(err.value)
    if lang == "en":
        assert "radios.csv: 1 problem(s):" in text and "column 'off_date', row 0: off date before on date" in text
    else:
        assert "radios.csv: 1 lỗi:" in text and "cột 'off_date', dòng 0: ngày tắt sóng trước ngày phát sóng" in text


def test_notices_say_in_plain_words_what_is_invented_or_approximate():
    prov = {"sites": Provenance("infra.defaults.synthetic, seed 20170822", "Invented sites of DOMAIN.md",
                                synthetic=True),
            "units": Provenance("vietnamadminunits 1.0.4 (MIT)", "Grid 100 m", approximate=True),
            "targets": Provenance("plan.csv", "carried", approximate=True)}
    for lang, words in (("en", ("The sites are invented for this demonstration",
                                "The boundaries are approximate, drawn from vietnamadminunits 1.0.4 (MIT)",
                                "carried from another layer")),
                        ("vi", ("Các trạm là giả lập để minh họa",
                                "Ranh giới là gần đúng, được vẽ từ vietnamadminunits", "chuyển từ lớp khác"))):
        with language(lang):
            said = " ".join(p.notice(k) for k, p in prov.items())
        assert all(w in said for w in words), (lang, said)
        assert not re.search(r"SYNTHETIC|APPROXIMATE|DOMAIN\.md|seed|20170822", said), said


def test_the_default_data_notices_in_vietnamese(default_ds):
    with language("vi"):
        said = " ".join(default_ds.notices())
    assert "Các trạm và thiết bị vô tuyến là giả lập để minh họa" in said and "Ranh giới là gần đúng" in said
    assert "DOMAIN.md" not in said and "20170822" not in said


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ("The admin layers disagree: 120.0 km²", "the district layer leaves out 120.0 km²",
            "Preparing the boundaries left out 3 slivers")),
    ("vi", ("Các lớp hành chính không khớp nhau: 120,0 km²", "lớp quận, huyện thiếu 120,0 km²",
            "Khi chuẩn bị ranh giới đã bỏ đi 3 mảnh vụn")),
])
def test_layer_notices_in_both_languages(lang, words):
    r = Repairs(territory_m2=3.4e9, outside_m2={"district": 1.2e8, "commune_2025": 0.0}, slivers=3,
                sliver_m2=2e4, repaired=1)
    with language(lang):
        said = " ".join(layer_notices(r, {}))
    assert all(w in said for w in words), said
    assert not SNAKE.search(said), said


def test_outside_note_in_both_languages():
    from infra.engine import Engine

    units = gpd.GeoDataFrame({"layer": ["district"], "unit_code": ["001"], "name": ["A"], "unit_type": ["quận"],
                              "area_km2": [1.0]}, geometry=[shapely.box(105.80, 21.00, 105.81, 21.01)], crs=4326)
    sites = gpd.GeoDataFrame({"site_id": ["IN", "OUT"], "name": ["a", "b"], "owner": ["", ""],
                              "mast_class": ["A1a", "A1a"], "height_m": [10.0, 10.0],
                              "built_on": pd.to_datetime(["2015-01-01"] * 2), "removed_on": pd.to_datetime([None] * 2)},
                             geometry=[shapely.Point(105.805, 21.005), shapely.Point(105.9, 21.1)], crs=4326)
    radios = pd.DataFrame({"site_id": ["IN"], "operator": ["Viettel"], "technology": ["4G"], "band_mhz": [1800.0],
                           "on_date": pd.to_datetime(["2016-01-01"]), "off_date": pd.to_datetime([None]),
                           "pilot": [False], "azimuth_deg": [None], "beamwidth_deg": [None], "range_m": [None]})
    eng = Engine(units, sites, radios)
    with language("en"):
        assert eng.outside_note().startswith("1 site(s) lie outside every unit of the boundaries (OUT)")
    with language("vi"):
        assert eng.outside_note().startswith("1 trạm nằm ngoài mọi đơn vị của ranh giới (OUT)")


def test_store_messages_and_summaries_in_both_languages():
    change = Change("units", "commune_2025", before=10, after=12, replaced=2, added=2, kept=8, missing=["00004"])
    rev = Revision(3, "2026-12-01T10:00:00+00:00", "minh", "revert", message="revert to revision 1")
    with language("en"):
        assert change.summary().startswith("units (2025 communes and wards): 10 rows before, 12 after; 2 replaced")
        assert no_revision("s.gpkg", 4) == "the store s.gpkg has no revision 4"
        assert conflict((5, "lan", "t"), 4).startswith("the store changed while this was being prepared: revision 5")
        assert rev.label() == "3 · 2026-12-01 10:00 · revert · minh" and rev.description() == "revert to revision 1"
    with language("vi"):
        assert change.summary().startswith("đơn vị (Xã, phường từ năm 2025): 10 dòng trước, 12 dòng sau; 2 thay thế")
        assert "không có trong tệp: 00004" in change.summary()
        assert no_revision("s.gpkg", None) == "kho dữ liệu s.gpkg chưa có phiên bản nào"
        assert conflict((5, "lan", "t"), 4).startswith("kho dữ liệu đã thay đổi trong khi chuẩn bị: phiên bản 5")
        assert rev.label() == "3 · 2026-12-01 10:00 · khôi phục · minh"
        assert rev.description() == "khôi phục về phiên bản 1"


def test_report_counts_reconcile_in_any_language():
    rep = ImportReport("f.csv", "targets", read=3)
    rep.add(1, "year", "x", "bad", "fix")
    with language("vi"):
        assert rep.summary() == "f.csv (mục tiêu): đã đọc 3, đã nhập 2 (đã sửa 0), bị loại 1"


# --- the Data view ------------------------------------------------------------------------------------------------


def _texts(at) -> list[str]:
    """Every text the page shows: elements, widget labels, helps, options, and the tables' headers and values."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success"):
        out += [str(e.value) for e in at.get(kind)]
    for kind in ("selectbox", "multiselect", "radio", "text_input", "button", "checkbox", "toggle", "slider",
                 "date_input", "number_input", "expander", "segmented_control", "pills"):
        for w in at.get(kind):
            out += [str(getattr(w, "label", "") or ""), str(getattr(w, "help", "") or "")]
            out += [str(o) for o in getattr(w, "options", []) or []]
            out += [str(getattr(w, "placeholder", "") or "")]
    for d in at.dataframe:
        out += [str(c) for c in d.value.columns]
        out += [str(v) for v in d.value.astype(str).to_numpy().ravel()]
    return out


def _identifiers(texts: list[str]) -> list[str]:
    return sorted({m for t in texts for m in SNAKE.findall(_PATHS.sub(" ", t))})


@pytest.fixture
def in_lang(request):
    """Run the test's side of AppTest in a language too: AppTest formats a widget's value with the page's
    ``format_func`` in the test's thread, so both sides must speak the page's language."""
    lang = getattr(request, "param", "vi")
    with language(lang, "app"):
        yield lang


def _data_view(lang: str):
    at = app_test(lang=lang, timeout=180)
    at.run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("in_lang", ["vi", "en"], indirect=True)
def test_the_data_view_shows_no_identifier(fresh_store, in_lang):
    lang = in_lang
    at = _data_view(lang)
    for kind in ("boundaries", "sites"):
        at.selectbox(key="upload_kind").set_value(kind).run()
        assert not at.exception, [e.value for e in at.exception]
        found = _identifiers(_texts(at))
        assert not found, (lang, kind, found)
    headers = list(at.dataframe[0].value.columns)
    assert "file_sha256" not in headers and "revision" not in headers
    if lang == "vi":
        assert headers[:3] == ["Phiên bản dữ liệu", "Thời điểm (UTC)", "Người dùng"]
        assert at.selectbox(key="upload_kind").options[:2] == ["ranh giới", "trạm"]


def test_a_bad_file_through_the_data_view_in_vietnamese(fresh_store, in_lang):
    at = _data_view("vi")
    at.selectbox(key="upload_kind").set_value("sites").run()
    assert at.selectbox(key="upload_grid").label == "Hệ tọa độ"  # the field the fix names
    at.file_uploader(key="upload_file").set_value(("bad_sites.csv", BAD_SITES.encode(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    status = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "bad_sites.csv (trạm): đã đọc 2, đã nhập 1 (đã sửa 0), bị loại 1" in status
    report = next(d.value for d in at.dataframe if "Cách khắc phục" in d.value.columns)
    row = report.iloc[0]
    assert (row["Tệp"], row["Dòng"], row["Cột"], row["Lỗi"], row["Kết quả"]) == (
        "bad_sites.csv", 2, "lat", "điểm nằm ngoài Hà Nội", "bị loại")
    assert "ô “Hệ tọa độ” của biểu mẫu nhập dữ liệu" in row["Cách khắc phục"]
    assert "--grid" not in row["Cách khắc phục"]
    assert any(c.value.startswith("Các dòng được đếm từ dòng dữ liệu đầu tiên") for c in at.caption)
    found = _identifiers(_texts(at))
    assert not found, found


def test_a_file_the_data_view_refuses_is_said_in_vietnamese(fresh_store, in_lang):
    at = _data_view("vi")
    at.selectbox(key="upload_kind").set_value("sites").run()
    at.file_uploader(key="upload_file").set_value(("empty.csv", b"", "text/csv")).run()
    assert [e.value for e in at.error] == ["Không thể nhập tệp này. Lỗi và cách khắc phục:"]
    assert any(t.value.startswith("empty.csv: là một tệp rỗng; tệp trạm phải là") for t in at.text)


def test_sign_in_is_translated(fresh_store, tmp_path, monkeypatch, in_lang):
    from infra.store.users import Users

    users = tmp_path / "users.toml"
    Users(path=users).with_user("minh", "viewer", "secret-password").save()
    monkeypatch.setenv("TRACKER_USERS", str(users))
    at = _data_view("vi")
    assert "Chỉ xem: hãy đăng nhập để chỉnh sửa." in [c.value for c in at.caption]
    at.text_input(key="sign_in_name").input("minh")
    at.text_input(key="sign_in_password").input("secret-password")
    at.button[[b.label for b in at.button].index("Đăng nhập")].click().run()
    assert "Đã đăng nhập với tên minh (người xem)." in [c.value for c in at.caption]


def test_the_cli_help_is_in_the_language_asked():
    vi = run_cli("--lang", "vi", "validate", "--help")
    assert vi.returncode == 0 and "tệp cần đọc" in vi.stdout
    assert "từ chối tệp lớn hơn mức này (MB; mặc định 200)" in vi.stdout
    en = run_cli("validate", "--help")
    assert "file to read" in en.stdout and "refuse files larger than this (MB; default 200)" in en.stdout
