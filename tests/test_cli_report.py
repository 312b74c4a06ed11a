"""``telecom-tracker report`` in CSV, Excel and GeoPackage."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from infra.io import write_table
from infra.plan.status import STATUSES
from infra.views.tables import unit_table
from tests.cli import run_cli


def test_cli_report_csv(tmp_path):
    out = tmp_path / "report.csv"
    proc = run_cli("report", "--layer", "district", "--as-of", "2025-12-31", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "invented for this demonstration" in proc.stderr
    df = pd.read_csv(out, dtype={"unit_code": str})
    assert len(df) == 31 and df["unit_code"].iloc[-1] == "*"
    assert df["area_coverage_pct_4G"].between(0, 100).all()
    statuses = set(df.filter(like=":status").stack().dropna())
    assert statuses <= set(STATUSES) and "achieved" in statuses


def test_cli_refuses_a_bad_date(tmp_path):
    proc = run_cli("report", "--as-of", "31/12/2025", "-o", tmp_path / "r.csv")
    assert proc.returncode == 2 and "not a date" in proc.stderr


@pytest.fixture(scope="module")
def table(default_ds):
    return unit_table(default_ds, layer="commune_2025", as_of="2026-12-31")[0]


def test_xlsx_and_gpkg(table, default_ds, tmp_path):
    xlsx = write_table(table, tmp_path / "r.xlsx", fmt="xlsx", notices=default_ds.notices())
    sheets = pd.read_excel(xlsx, sheet_name=None, dtype={"unit_code": str})
    assert len(sheets["units"]) == 127 and "invented for this demonstration" in " ".join(sheets["notices"]["notice"])
    gpkg = write_table(table, tmp_path / "r.gpkg", fmt="gpkg", notices=default_ds.notices())
    units = gpd.read_file(gpkg, layer="units")
    assert len(units) == 126 and units.crs.to_epsg() == 4326
    assert len(gpd.read_file(gpkg, layer="city")) == 1


def test_two_g_is_off_everywhere_at_end_2026(table):
    assert (table["two_g_off_pct_2G"].dropna() == 100).all()
    assert (table["radios_on_air_2G"] == 0).all()


def test_cli_report_with_a_population_grid(tmp_path, default_ds):
    ba_dinh = default_ds.layer("district").set_index("unit_code").loc["001"].geometry.representative_point()
    soc_son = default_ds.layer("district").set_index("unit_code").loc["016"].geometry.representative_point()
    grid = tmp_path / "people.csv"
    grid.write_text("lat,lon,dân số\n"
                    f"{ba_dinh.y},{ba_dinh.x},12000\n"
                    f"{soc_son.y},{soc_son.x},3000\n"
                    f"{ba_dinh.y},{ba_dinh.x},-5\n"  # rejected: not a number of people
                    f"abc,{ba_dinh.x},100\n"  # rejected: no location
                    "10.7769,106.7009,500\n")  # Ho Chi Minh City: outside every unit
    out = tmp_path / "report.csv"
    proc = run_cli("report", "--layer", "district", "--as-of", "2025-12-31", "--population", grid, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "read 5, imported 3 (repaired 0), rejected 2" in proc.stderr
    assert "row 3, column 'dân số' (value '-5'): not a number of people" in proc.stderr
    assert "row 4, column 'lat/lon'" in proc.stderr and "500 people of the grid lie outside every unit" in proc.stderr
    df = pd.read_csv(out, dtype={"unit_code": str}).set_index("unit_code")
    assert df.loc["001", "population"] == pytest.approx(12000) and df.loc["016", "population"] == pytest.approx(3000)
    assert df.loc["*", "population"] == pytest.approx(15000) and df.loc["002", "population"] == 0
    assert df["pop_coverage_pct_4G"].notna().sum() == 3  # Ba Đình, Sóc Sơn and the city; nobody lives elsewhere
    city = (df.loc["001", "pop_coverage_pct_4G"] * 12000 + df.loc["016", "pop_coverage_pct_4G"] * 3000) / 15000
    assert df.loc["*", "pop_coverage_pct_4G"] == pytest.approx(city)
    assert df.loc["001", "pop_coverage_pct_4G"] == pytest.approx(100)  # central Hanoi is covered


def test_cli_excel_report_has_headers_for_people_in_the_chosen_language(tmp_path):
    import openpyxl

    out = tmp_path / "r.xlsx"
    proc = run_cli("--lang", "vi", "report", "--layer", "district", "--as-of", "2025-12-31", "-o", out)
    assert proc.returncode == 0, proc.stderr
    book = openpyxl.load_workbook(out)
    head = [c.value for c in next(book.worksheets[0].iter_rows(max_row=1))]
    assert "Mã" in head and "Tên" in head and "unit_code" not in head
    assert book.worksheets[0].freeze_panes is not None
