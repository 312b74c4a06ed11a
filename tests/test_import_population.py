"""Population grids: vector cells or points, or a table of cell centres; every row used or reported."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from infra.import_population import read_population
from infra.validation import UnreadableFile


def test_cells_in_a_geopackage_any_crs(tmp_path):
    cells = gpd.GeoDataFrame({"Dân số": ["120", "x", "7,5", "30"], "id": [1, 2, 3, 4]}, crs="EPSG:32648",
                             geometry=[shapely.box(585_000, 2_325_000, 585_100, 2_325_100),
                                       shapely.box(585_100, 2_325_000, 585_200, 2_325_100),
                                       shapely.box(585_200, 2_325_000, 585_300, 2_325_100), None])
    path = tmp_path / "grid.gpkg"
    cells.to_file(path)
    grid, rep = read_population(path)
    assert rep.read == 4 and rep.imported == 2 and rep.rejected == 2
    assert {(p.row, p.column, p.what) for p in rep.problems} == {(2, "Dân số", "not a number of people"),
                                                                 (4, "geometry", "no usable location")}
    assert grid["population"].tolist() == [120.0, 7.5] and grid.crs.to_epsg() == 4326
    assert grid.to_crs(32648).area.round(3).tolist() == [10_000.0, 10_000.0]


def test_a_file_without_people_is_refused_with_its_columns(tmp_path):
    path = tmp_path / "grid.csv"
    path.write_text("lat,lon,households\n21.03,105.85,40\n")
    with pytest.raises(UnreadableFile, match=r"grid.csv: no population column .*'households'"):
        read_population(path)
    no_xy = tmp_path / "noxy.csv"
    no_xy.write_text("cell,population\nA,40\n")
    with pytest.raises(UnreadableFile, match="needs 'lat' and 'lon'"):
        read_population(no_xy)
