"""Validators: good frames pass, each kind of bad frame fails naming column and rows."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from infra import ContractError, contract


def units(**over):
    data = {"layer": ["district", "district"], "unit_code": ["001", "002"], "name": ["Ba Đình", "Hoàn Kiếm"],
            "unit_type": ["quận", "quận"], "area_km2": [9.2, 5.3]}
    data.update(over.pop("data", {}))
    geoms = over.pop("geometry", [shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)])
    return gpd.GeoDataFrame(data, geometry=geoms, crs=over.pop("crs", 4326))


def sites(**data):
    base = {"site_id": ["S1", "S2"], "name": ["a", "b"], "owner": ["Viettel", "MobiFone"],
            "mast_class": ["A1a", "A2b"], "height_m": [3.0, 40.0],
            "built_on": pd.to_datetime(["2010-01-01", "2018-05-01"]), "removed_on": pd.to_datetime([None, None])}
    base.update(data)
    return gpd.GeoDataFrame(base, geometry=[shapely.Point(105.8, 21.0), shapely.Point(105.9, 21.1)], crs=4326)


def radios(**data):
    base = {"site_id": ["S1", "S1", "S2"], "operator": ["Viettel", "Viettel", "MobiFone"],
            "technology": ["2G", "4G", "5G"], "band_mhz": [900.0, 1800.0, 3500.0],
            "on_date": pd.to_datetime(["2010-01-01", "2018-01-01", "2025-04-01"]),
            "off_date": pd.to_datetime(["2025-06-01", None, None]), "pilot": [False, False, False],
            "azimuth_deg": [None, 120.0, None], "beamwidth_deg": [None, 65.0, None], "range_m": [None, None, 500.0]}
    base.update(data)
    return pd.DataFrame(base)


def targets(**data):
    base = {"layer": ["district", "district"], "unit_code": ["*", "001"], "metric": ["pop_coverage_5g_pct"] * 2,
            "year": [2030, 2030], "target": [99.0, 99.0], "source": ["Plan 58/KH-UBND", "placeholder"]}
    base.update(data)
    return pd.DataFrame(base)


def test_good_frames_pass():
    contract.validate_admin_units(units())
    contract.validate_sites(sites())
    contract.validate_radios(radios(), sites=sites())
    contract.validate_targets(targets())
    contract.validate_zones(gpd.GeoDataFrame({"zone_id": ["z"], "name": ["Old Quarter"], "kind": ["r"]},
                                             geometry=[shapely.box(0, 0, 1, 1)], crs=4326))


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (units().drop(columns="name"), r"column 'name': required column is missing"),
        (units(data={"unit_code": [1, 2]}), r"column 'unit_code', rows 0, 1: text expected, got 1"),
        (units(data={"unit_type": ["quận", "county"]}), r"column 'unit_type', row 1: unknown value 'county'"),
        (units(data={"name": ["Ba Đình", ""]}), r"column 'name', row 1: empty value"),
        (units(data={"unit_code": ["001", "001"]}), r"column 'layer\+unit_code', rows 0, 1: duplicate id"),
        (units(data={"area_km2": ["9.2", "big"]}), r"column 'area_km2', row 1: number expected, got 'big'"),
        (units(crs=None), r"no CRS"),
        (units(crs=32648), r"CRS is EPSG:32648, not EPSG:4326"),
        (units(geometry=[shapely.box(0, 0, 1, 1), shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])]),
         r"column 'geometry', row 1: invalid geometry \(Self-intersection"),
        (units(geometry=[shapely.box(0, 0, 1, 1), shapely.Polygon()]), r"row 1: missing or empty geometry"),
        (units(geometry=[shapely.box(0, 0, 1, 1), shapely.Point(0, 0)]), r"row 1: geometry type Point"),
    ],
)
def test_bad_units_are_reported(frame, match):
    with pytest.raises(ContractError, match=match):
        contract.validate_admin_units(frame)


def test_all_problems_are_collected_in_one_error():
    bad = units(data={"unit_code": ["001", "001"], "unit_type": ["quận", "county"]}, crs=None)
    with pytest.raises(ContractError) as info:
        contract.validate_admin_units(bad)
    assert len(info.value.problems) == 3
    assert {p.column for p in info.value.problems} == {"layer+unit_code", "unit_type", "geometry"}
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (sites(site_id=["S1", "S1"]), r"column 'site_id', rows 0, 1: duplicate id"),
        (sites(mast_class=["A1a", "tower"]), r"column 'mast_class', row 1: unknown value 'tower'"),
        (sites(built_on=["2010-01-01", "yesterday"]), r"column 'built_on', row 1: date expected, got 'yesterday'"),
        (sites(removed_on=pd.to_datetime([None, "2001-01-01"])), r"column 'removed_on', row 1: removed before built"),
    ],
)
def test_bad_sites_are_reported(frame, match):
    with pytest.raises(ContractError, match=match):
        contract.validate_sites(frame)


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (radios(operator=["Viettel", "S-Fone", "MobiFone"]), r"column 'operator', row 1: unknown value 'S-Fone'"),
        (radios(technology=["2G", "LTE", "5G"]), r"column 'technology', row 1: unknown value 'LTE'"),
        (radios(off_date=pd.to_datetime(["2005-01-01", None, None])), r"column 'off_date', row 0: off date before"),
        (radios(site_id=["S1", "S9", "S2"]), r"column 'site_id', row 1: unknown site 'S9'"),
        (radios(pilot=[False, "maybe", False]), r"column 'pilot', row 1: true/false expected"),
        (radios().drop(columns="on_date"), r"column 'on_date': required column is missing"),
    ],
)
def test_bad_radios_are_reported(frame, match):
    with pytest.raises(ContractError, match=match):
        contract.validate_radios(frame, sites=sites())


def test_bad_targets_are_reported():
    with pytest.raises(ContractError, match=r"column 'year', row 1: number expected, got 'soon'"):
        contract.validate_targets(targets(year=[2030, "soon"]))
    with pytest.raises(ContractError, match=r"duplicate id"):
        contract.validate_targets(targets(unit_code=["001", "001"]))


def test_frame_name_appears_in_message():
    with pytest.raises(ContractError, match=r"^upload.geojson: 1 problem"):
        contract.validate_admin_units(units(crs=None), frame="upload.geojson")


def test_empty_frames_pass(default_ds):
    """Imported sites with no radios leave an empty radio frame: valid, and no pandas warning (errors here)."""
    contract.validate_radios(default_ds.radios.iloc[:0], sites=default_ds.sites)
    contract.validate_sites(default_ds.sites.iloc[:0])
