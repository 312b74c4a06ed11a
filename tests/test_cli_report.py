"""``python -m infra report`` in CSV, Excel and GeoPackage."""

from __future__ import annotations

import subprocess
import sys

import geopandas as gpd
import pandas as pd
import pytest

from infra import settings
from infra.plan import STATUSES
from infra.report import unit_table, write_table


def test_cli_report_csv(tmp_path):
    out = tmp_path / "report.csv"
    proc = subprocess.run([sys.executable, "-m", "infra", "report", "--layer", "district", "--as-of", "2025-12-31",
                           "-o", str(out)], cwd=settings.REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "SYNTHETIC" in proc.stderr
    df = pd.read_csv(out, dtype={"unit_code": str})
    assert len(df) == 31 and df["unit_code"].iloc[-1] == "*"
    assert df["area_coverage_pct_4G"].between(0, 100).all()
    statuses = set(df.filter(like=":status").stack().dropna())
    assert statuses <= set(STATUSES) and "achieved" in statuses


def test_cli_refuses_a_bad_date(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "infra", "report", "--as-of", "31/12/2025", "-o",
                           str(tmp_path / "r.csv")], cwd=settings.REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and "not a date" in proc.stderr


@pytest.fixture(scope="module")
def table(default_ds):
    return unit_table(default_ds, layer="commune_2025", as_of="2026-12-31")[0]


def test_xlsx_and_gpkg(table, default_ds, tmp_path):
    xlsx = write_table(table, tmp_path / "r.xlsx", fmt="xlsx", notices=default_ds.notices())
    sheets = pd.read_excel(xlsx, sheet_name=None, dtype={"unit_code": str})
    assert len(sheets["units"]) == 127 and "SYNTHETIC" in " ".join(sheets["notices"]["notice"])
    gpkg = write_table(table, tmp_path / "r.gpkg", fmt="gpkg", notices=default_ds.notices())
    units = gpd.read_file(gpkg, layer="units")
    assert len(units) == 126 and units.crs.to_epsg() == 4326
    assert len(gpd.read_file(gpkg, layer="city")) == 1


def test_two_g_is_off_everywhere_at_end_2026(table):
    assert (table["two_g_off_pct_2G"].dropna() == 100).all()
    assert (table["radios_on_air_2G"] == 0).all()
