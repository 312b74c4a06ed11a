from __future__ import annotations

import os
import shutil
import tempfile

import geopandas as gpd
import pytest

from infra import i18n, read_dataset
from infra.store import open_store
from tests.realdata import real_file


def pytest_configure(config):
    """Every test process gets a store of its own, never the user's (a test that needs an empty one makes it)."""
    own = tempfile.mkdtemp(prefix="tracker-tests-")
    os.environ["TRACKER_STORE"] = os.path.join(own, "store.gpkg")
    os.environ["TRACKER_USERS"] = os.path.join(own, "users.toml")  # nor the developer's users file
    # no background warm-up of the series (tests/test_warm.py turns it on): CPU for the tests, runs repeatable
    os.environ.setdefault("TRACKER_WARM", "0")


@pytest.fixture(autouse=True)
def _language_of_the_library():
    """Each test starts, and ends, in the library's language and interface (English, the CLI).

    Set, not restored: an AppTest made by a module-scoped fixture (``tests.apptest.app_test``) set the
    thread's language before this fixture ran, and must not leave it to the tests and doctests after.
    """
    i18n.set_language(i18n.DEFAULT)
    i18n.set_interface("cli")
    yield
    i18n.set_language(i18n.DEFAULT)
    i18n.set_interface("cli")


@pytest.fixture(scope="session")
def store_template(tmp_path_factory):
    """A GeoPackage store holding revision 1 (the default data), made once per test process."""
    path = tmp_path_factory.mktemp("store-template") / "store.gpkg"
    open_store(path)
    return path


@pytest.fixture
def fresh_store(store_template, tmp_path, monkeypatch):
    """A store of this test's own (a copy of the template), named by TRACKER_STORE as a user would."""
    path = tmp_path / "store.gpkg"
    shutil.copy(store_template, path)
    monkeypatch.setenv("TRACKER_STORE", str(path))
    return path


@pytest.fixture(scope="session")
def default_ds():
    return read_dataset()


@pytest.fixture(scope="session")
def real_districts() -> gpd.GeoDataFrame:
    return gpd.read_file(real_file("hanoi_districts_geoboundaries_2020.geojson"))


@pytest.fixture(scope="session")
def real_wards_2025() -> gpd.GeoDataFrame:
    return gpd.read_file(real_file("hanoi_wards_2025_sapnhap.geojson"))


@pytest.fixture(scope="session")
def real_province() -> gpd.GeoDataFrame:
    return gpd.read_file(real_file("hanoi_province_2025_sapnhap.geojson"))


def pytest_collection_modifyitems(session, config, items):
    """The longest files first (the default-data builds, then the browser and the app), so that with
    ``-n 2`` both workers stay busy to the end instead of one waiting on a long file started last."""
    first = {"test_build.py": 0, "test_browser.py": 1, "test_app.py": 2, "test_packaging.py": 3}
    items.sort(key=lambda item: first.get(item.path.name, len(first)))
