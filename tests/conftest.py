from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pytest

from infra import read_dataset, settings

REAL_DIR = Path(os.environ.get("REAL_DATA_DIR", settings.REPO_ROOT.parent / "shared" / "data" / "real"))


def real_file(name: str) -> Path:
    path = REAL_DIR / name
    if not path.exists():
        pytest.fail(f"real boundary file {path} missing: the tests expect ../shared/data/real beside the repo "
                    "(or REAL_DATA_DIR pointing at it)")
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
