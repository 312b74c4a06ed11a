"""Population grids: vector cells or points, or a table of cell centres; every row used or reported."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from infra.io.population import read_population
from infra.io.report import UnreadableFile
from infra.store import open_store
from infra.views.coverage_map import MapView
from infra.views.export import map_for_export
from tests.cli import run_cli


def test_cells_in_a_geopackage_any_crs(tmp_path):
    cells = gpd.GeoDataFrame({"Dân số": ["120", "x", "7,5", "30"], "id": [1, 2, 3, 4]}, crs="EPSG:32648",
                             geometry=[shapely.box(585_000, 2_325_000, 585_100, 2_325_100),
                                       shapely.box(585_100, 2_325_000, 585_200, 2_325_100),
                                       shapely.box(585_200, 2_325_000, 585_300, 2_325_100), None])
    path = tmp_path / "grid.gpkg"
    cells.to_file(path)
    grid, rep = read_population(path)
    assert rep.read == 4 and rep.imported == 2 and rep.rejected == 2
    assert {(p.row, p.column, p.what) for p in rep.problems} == {
        (2, "Dân số", "not a number of people in [0, 10,000,000]"), (4, "geometry", "no usable location")}
    assert grid["population"].tolist() == [120.0, 7.5] and grid.crs.to_epsg() == 4326
    assert grid.to_crs(32648).area.round(3).tolist() == [10_000.0, 10_000.0]


def test_a_file_without_people_is_refused_with_its_columns(tmp_path):
    path = tmp_path / "grid.csv"
    path.write_text("lat,lon,households\n21.03,105.85,40\n")
    with pytest.raises(UnreadableFile, match=r"grid.csv: no population column .*“households”"):
        read_population(path)
    no_xy = tmp_path / "noxy.csv"
    no_xy.write_text("cell,population\nA,40\n")
    with pytest.raises(UnreadableFile, match="needs 'lat' and 'lon'"):
        read_population(no_xy)


def test_an_imported_grid_stays_with_the_dataset_and_feeds_every_view(tmp_path, default_ds):
    centre = default_ds.layer("district").set_index("unit_code").loc["001"].geometry.representative_point()
    grid = tmp_path / "people.csv"
    grid.write_text(f"lat,lon,population\n{centre.y},{centre.x},5000\n")
    store = tmp_path / "store.gpkg"
    out = run_cli("import", grid, "--kind", "population", "--store", store)
    assert out.returncode == 0, out.stdout + out.stderr
    ds = open_store(store).dataset()
    assert ds.population["population"].tolist() == [5000.0] and "people.csv" in ds.provenance["population"].source
    rep = run_cli("report", "--store", store, "--layer", "commune_2025", "--as-of", "2025-12-31", "-o",
                  tmp_path / "r.csv")
    assert rep.returncode == 0, rep.stderr
    r = pd.read_csv(tmp_path / "r.csv", dtype={"unit_code": str}).set_index("unit_code")
    assert r["population"].sum() == pytest.approx(2 * 5000)  # the one commune holding the point, and the city
    assert r.loc["*", "pop_coverage_pct_4G"] == pytest.approx(100)
    doc = map_for_export(ds, MapView(layer="district", as_of=pd.Timestamp("2025-12-31").date(),
                                     metric="pop_coverage_pct", technology="4G"))
    assert doc.state["scale"]["caption"] == "4G population coverage (%)"
    # Ba Đình, where the grid's people live, has a value; a district without people has none
    texts = doc.state["units"]["text"]
    assert texts.count("100.0 %") == 1 and "no data" in texts
