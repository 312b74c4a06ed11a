"""``build-default-data``: deterministic, current, and written where the app reads it."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

from infra import read_dataset, settings
from infra.defaults.build import build_default_data

FILES = (settings.DEFAULT_GPKG.name, settings.DEFAULT_PROVENANCE.name, "targets.csv")


def _digest(directory):
    return {f: hashlib.sha256((directory / f).read_bytes()).hexdigest() for f in FILES}


def _built_with(directory):
    return json.loads((directory / settings.DEFAULT_PROVENANCE.name).read_text())["built_with"]


@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory):
    """A build by ``python -m infra`` in a fresh process (its own hash seed, its own everything)."""
    out = tmp_path_factory.mktemp("fresh")
    cli = subprocess.run([sys.executable, "-m", "infra", "build-default-data", "--out", str(out)],
                         capture_output=True, text=True, timeout=600, check=False)
    assert cli.returncode == 0, cli.stderr
    return out, cli.stderr


@pytest.mark.slow
def test_two_builds_give_identical_files(fresh_build, tmp_path):
    """Byte for byte: this build and the committed one, made by an earlier run with the same libraries.

    With other versions of the libraries that shape the bytes (GEOS, GDAL, PROJ, numpy…, recorded in the
    provenance), the committed files are no witness: a second build here is.
    """
    fresh, _ = fresh_build
    if _built_with(fresh) == _built_with(settings.DEFAULT_GEO_DIR):
        assert _digest(fresh) == _digest(settings.DEFAULT_GEO_DIR)
    else:
        build_default_data(tmp_path)
        assert _digest(fresh) == _digest(tmp_path)


@pytest.mark.slow
def test_build_prints_the_figures_it_reaches(fresh_build):
    out = fresh_build[1]
    for key in ("district_total_km2", "commune_2025_total_km2", "commune_2025_area_error_median_pct", "sites:"):
        assert key in out


@pytest.mark.slow
def test_committed_default_data_is_what_the_build_gives(fresh_build, default_ds):
    fresh = read_dataset(fresh_build[0])
    assert_geodataframe_equal(fresh.units, default_ds.units, check_less_precise=True)
    assert_geodataframe_equal(fresh.sites, default_ds.sites, check_less_precise=True)
    assert_frame_equal(fresh.radios, default_ds.radios)
    assert_frame_equal(fresh.targets, default_ds.targets)
    assert fresh.provenance == default_ds.provenance


def test_default_dataset_validates_and_says_what_is_approximate(default_ds):
    default_ds.validate()
    text = " ".join(default_ds.notices())
    assert "The boundaries are approximate" in text and "The restricted zones are approximate" in text
    assert "The sites and radios are invented for this demonstration" in text
    assert "SYNTHETIC" not in text and "DOMAIN.md" not in text and "seed" not in text  # plain words only
    assert "vietnamadminunits 1.0.4" in default_ds.provenance["units"].source
    method = default_ds.provenance["units"].method
    grid = f"{settings.TESSELLATION_RESOLUTION_M:.0f} m grid"
    assert method.startswith(f"Approximate boundaries, smoothed from a {grid}") and "lines are not" in method


def test_provenance_records_how_the_boundaries_were_smoothed(default_ds):
    f = default_ds.figures
    assert f["grid_resolution_m"] == settings.TESSELLATION_RESOLUTION_M
    assert f["smoothing_m"] == settings.TESSELLATION_SMOOTH_M
    assert f["simplify_tolerance_m"] == settings.TESSELLATION_SIMPLIFY_M
    assert 0 <= f["boundary_edges_less_smoothed"] < f["boundary_edges"] / 10  # most edges got the full smoothing
