from __future__ import annotations

import geopandas as gpd
import pytest

from infra import read_dataset
from tests.realdata import real_file


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
