"""``build-default-data``: deterministic, current, and written where the app reads it."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

from infra import read_dataset, settings
from infra.build import build_default_data

FILES = (settings.DEFAULT_GPKG.name, settings.DEFAULT_PROVENANCE.name, "targets.csv")


def _digest(directory):
    return {f: hashlib.sha256((directory / f).read_bytes()).hexdigest() for f in FILES}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    a, b = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    cli = subprocess.run(
        [sys.executable, "-m", "infra", "build-default-data", "--out", str(a), "--targets", str(a / "targets.csv")],
        capture_output=True, text=True, cwd=settings.REPO_ROOT, check=False,
    )
    assert cli.returncode == 0, cli.stderr
    build_default_data(b, targets_path=b / "targets.csv", log=lambda _: None)
    return a, b, cli.stdout


@pytest.mark.slow
def test_two_builds_give_identical_files(two_builds):
    a, b, _ = two_builds
    assert _digest(a) == _digest(b)


@pytest.mark.slow
def test_build_prints_the_figures_it_reaches(two_builds):
    out = two_builds[2]
    for key in ("district_total_km2", "commune_2025_total_km2", "commune_2025_area_error_median_pct", "sites:"):
        assert key in out


@pytest.mark.slow
def test_committed_default_data_is_what_the_build_gives(two_builds, default_ds):
    fresh = read_dataset(two_builds[0])
    assert_geodataframe_equal(fresh.units, default_ds.units, check_less_precise=True)
    assert_geodataframe_equal(fresh.sites, default_ds.sites, check_less_precise=True)
    assert_frame_equal(fresh.radios, default_ds.radios)
    assert_frame_equal(fresh.targets, default_ds.targets)
    assert fresh.provenance == default_ds.provenance


def test_default_dataset_validates_and_says_what_is_approximate(default_ds):
    default_ds.validate()
    text = " ".join(default_ds.notices())
    assert "units: APPROXIMATE" in text and "zones: APPROXIMATE" in text
    assert "sites: SYNTHETIC" in text and "radios: SYNTHETIC" in text
    assert "vietnamadminunits 1.0.4" in default_ds.provenance["units"].source
