"""The app on the store: real boundary files through the Data view, revisions that stay, and who may write.

Every real file of ../shared/data/real goes through the same path a user takes: upload, read the report,
confirm, then every page renders, and a new visit (a reload) still shows it.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from infra import settings
from infra.store import open_store
from infra.store.users import Users
from tests.apptest import app_test
from tests.realdata import real_file

APP = str(settings.REPO_ROOT / "app.py")
PAGES = ("map", "units", "plan", "transition", "data")
REAL = ("hanoi_districts_geoboundaries_2020.geojson", "hanoi_wards_2025_sapnhap.geojson",
        "hanoi_province_2025_sapnhap.geojson")


def run(at) -> AppTest:
    """Run the script (``at`` an AppTest, or a widget whose value was just set) and check it raised nothing."""
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def start() -> AppTest:
    return run(app_test(APP, timeout=240))


def upload(at: AppTest, name: str, data: bytes, kind: str = "boundaries", mode: str = "update") -> AppTest:
    run(at.switch_page("app_pages/data.py"))
    at.selectbox(key="upload_kind").set_value(kind)
    run(at.radio(key="upload_mode").set_value(mode))
    return run(at.file_uploader(key="upload_file").set_value((name, data, "application/geo+json")))


def every_page(at: AppTest) -> None:
    for page in PAGES:
        run(at.switch_page(f"app_pages/{page}.py"))


def warnings(at: AppTest) -> str:
    return " ".join(w.value for w in [*at.warning, *at.markdown])  # the notices are folded in one expander


@pytest.mark.parametrize("names", [(REAL[0],), (REAL[1],), (REAL[0], REAL[1])], ids=["districts", "wards", "both"])
def test_real_boundaries_are_imported_shown_everywhere_and_stay(fresh_store, names):
    at = start()
    for name in names:
        upload(at, name, real_file(name).read_bytes())
        assert any("read" in s.value and "rejected 0" in s.value for s in at.success), [w.value for w in at.warning]
        run(at.button(key="use_import").click())
    assert at.selectbox(key="rev").value == 1 + len(names)
    every_page(at)
    if len(names) == 1:  # a real layer over an approximate one: how far they disagree is said
        assert "The admin layers disagree" in warnings(at)
    again = start()  # a reload: the imports are revisions of the store, not of the browser session
    assert again.selectbox(key="rev").value == 1 + len(names)
    run(again.switch_page("app_pages/units.py"))
    assert len(again.dataframe[0].value) == 31
    ds = open_store(fresh_store).dataset()
    for name in names:
        assert name in ds.provenance["units"].source


def test_an_outline_as_communes_does_not_drop_the_other_units_unless_asked(fresh_store):
    outline = real_file(REAL[2]).read_bytes()
    at = upload(start(), REAL[2], outline)
    texts = " ".join(t.value for t in at.text)
    assert "2025 communes and wards" in texts and "126 kept, 0 dropped" in texts and "not in the file: 00004" in texts
    upload(at, REAL[2], outline, mode="replace")
    assert "0 kept, 126 dropped" in " ".join(t.value for t in at.text)
    run(at.button(key="use_import").click())
    assert len(open_store(fresh_store).dataset().layer("commune_2025")) == 1
    every_page(at)


@pytest.fixture
def users_file(tmp_path, monkeypatch):
    users = Users(path=tmp_path / "users.toml").with_user("lan", "editor", "editor-pass-1")
    users.with_user("minh", "viewer", "viewer-pass-1").save()
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "users.toml"))
    return tmp_path / "users.toml"


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="sign_in_name").set_value(name)
    at.text_input(key="sign_in_password").set_value(password)
    return run(at.button[next(i for i, b in enumerate(at.button) if b.label == "Sign in")].click())


def test_a_visitor_and_a_viewer_see_no_import_and_cannot_write(fresh_store, users_file):
    at = run(start().switch_page("app_pages/data.py"))
    assert not at.get("file_uploader") and "Importing needs an editor" in " ".join(i.value for i in at.info)
    assert not [b for b in at.button if b.label == "Revert"]
    at.query_params["rev"] = "1"  # nothing in the URL writes
    sign_in(at, "minh", "viewer-pass-1")
    assert "Signed in as minh (viewer)" in " ".join(c.value for c in at.caption)
    assert not at.get("file_uploader")
    at.session_state["use_import"] = True  # as if the save button had been pressed, and an upload kept
    at.session_state["upload_kind"] = "sites"
    run(at)
    assert not at.get("file_uploader") and not [b for b in at.button if b.label == "Save as a new revision"]
    assert [r.id for r in open_store(fresh_store).revisions()] == [1]


def test_a_saved_file_is_said_saved_and_not_offered_again(fresh_store, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "none.toml"))
    name = "*trạm* mới.csv"
    at = upload(start(), name, b"site_id,name,lat,lon\nS1,A,21.0285,105.8542\n", kind="sites")
    run(at.button(key="use_import").click())
    assert [r.id for r in open_store(fresh_store).revisions()] == [1, 2]
    said = " ".join(s.value for s in at.success)
    assert r"\*trạm\* mới\.csv is saved as revision 2" in said  # the name as written, never markup
    assert not [b for b in at.button if b.key == "use_import"] and not any("read 1" in s.value for s in at.success)
    run(at)  # a later rerun (another widget): still saved, nothing to save twice
    assert not [b for b in at.button if b.key == "use_import"]
    assert [r.id for r in open_store(fresh_store).revisions()] == [1, 2]


def test_an_editor_signs_in_and_the_revision_says_who(fresh_store, users_file):
    at = run(start().switch_page("app_pages/data.py"))
    sign_in(at, "lan", "wrong password")
    assert "Wrong user name or password." in [e.value for e in at.error] and not at.get("file_uploader")
    sign_in(at, "lan", "editor-pass-1")
    csv = b"site_id,name,lat,lon\nS1,A,21.0285,105.8542\n"
    upload(at, "s.csv", csv, kind="sites")
    run(at.button(key="use_import").click())
    rev = open_store(fresh_store).revision()
    assert (rev.id, rev.user, rev.file_name, rev.kind) == (2, "lan", "s.csv", "sites")


def test_with_no_users_the_local_user_may_edit_and_is_told_so(fresh_store, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "none.toml"))
    at = run(start().switch_page("app_pages/data.py"))
    assert at.get("file_uploader")
    assert "No users are set up: whoever opens the app on this computer may edit" in " ".join(
        c.value for c in at.caption)


class _Request:
    """What Streamlit tells the app of one browser request (``st.context``)."""

    def __init__(self, headers: dict, ip: str | None = None) -> None:
        self.headers, self.ip_address = headers, ip


LOCAL = {"Host": "localhost:8501", "Origin": "http://localhost:8501"}


@pytest.mark.parametrize("headers, ip, local", [
    ({}, None, True),                                                    # no request: a script run
    (LOCAL, None, True),                                                 # a browser here (loopback: ip None)
    ({"Host": "127.0.0.1:8501", "Origin": "http://127.0.0.1:8501"}, None, True),
    ({"Host": "[::1]:8501", "Origin": "http://[::1]:8501"}, None, True),
    ({**LOCAL, "X-Forwarded-For": "203.0.113.9"}, None, False),          # a proxy that says so
    ({**LOCAL, "X-Real-IP": "203.0.113.9"}, None, False),
    ({**LOCAL, "Forwarded": "for=203.0.113.9"}, None, False),
    ({"Host": "127.0.0.1:8501", "Origin": "https://tracker.so-tt.hanoi.gov.vn"}, None, False),  # nginx's default
    ({"Host": "tracker.so-tt.hanoi.gov.vn", "Origin": "https://tracker.so-tt.hanoi.gov.vn"}, None, False),
    ({"Host": "localhost:8501"}, None, False),                           # no Origin: not a browser
    (LOCAL, "192.168.1.20", False),                                      # another computer
    ({"Host": "127.0.0.1:8501", "Origin": "http://127.0.0.1:8501"}, "::ffff:127.0.0.1", True),  # a dual-stack server
    (LOCAL, "::ffff:192.168.1.20", False),
])
def test_only_a_browser_on_this_computer_is_the_one_person_tool(monkeypatch, headers, ip, local):
    from app_pages import _auth

    monkeypatch.setattr(_auth.st, "context", _Request(headers, ip))
    assert _auth._local() is local


def test_the_data_view_reverts_to_an_earlier_revision(fresh_store, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "none.toml"))
    at = start()
    upload(at, "s.csv", b"site_id,name,lat,lon\nS1,A,21.0285,105.8542\n", kind="sites", mode="replace")
    run(at.button(key="use_import").click())
    assert len(open_store(fresh_store).dataset().sites) == 1
    run(at.switch_page("app_pages/data.py"))
    run(at.selectbox(key="revert_to").set_value(1))
    run(at.button(key="revert").click())
    store = open_store(fresh_store)
    rev = store.revision()
    assert (rev.id, rev.kind, rev.parent, rev.manifest) == (3, "revert", 2, store.revision(1).manifest)
    assert at.selectbox(key="rev").value == 3 and len(store.dataset().sites) == len(store.dataset(1).sites) > 1


def test_a_file_name_is_shown_as_written_never_as_markup(fresh_store, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_USERS", str(tmp_path / "none.toml"))
    name = "![x](evil.png) *b* :red[c].csv"  # (a "/" would end the name: only the last part of a path is kept)
    at = upload(start(), name, b"site_id,name,lat,lon\nS1,A,21.0285,105.8542\n", kind="sites")
    run(at.button(key="use_import").click())
    markdown = " ".join(c.value for c in at.caption) + " ".join(w.value for w in [*at.warning, *at.markdown])
    assert "![x](" not in markdown and "*b*" not in markdown and ":red[" not in markdown
    assert r"\!\[x\]\(evil\.png\) \*b\* \:red\[c\]\.csv" in markdown
