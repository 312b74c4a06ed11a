"""Boundary importer: real files, common schemas, formats, CRSs, repairs, and unsafe archives."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import numpy as np
import pytest
import shapely

from infra import settings
from infra.io.boundaries import read_boundaries
from infra.io.limits import Limits
from infra.io.report import UnreadableFile
from infra.io.safety import safe_extract
from tests.realdata import real_file


def test_real_districts_match_all_30_codes(default_ds):
    units, rep = read_boundaries(real_file("hanoi_districts_geoboundaries_2020.geojson"))
    assert rep.ok and rep.read == 30 and (units["layer"] == "district").all()
    official = set(default_ds.layer("district")["unit_code"])
    assert set(units["unit_code"]) == official
    assert units.set_index("unit_code").loc["001", "name"] == "Ba Đình"


def test_real_2025_units_match_all_126_codes_also_by_name(default_ds, tmp_path, real_wards_2025):
    units, rep = read_boundaries(real_file("hanoi_wards_2025_sapnhap.geojson"))
    assert rep.ok and set(units["unit_code"]) == set(default_ds.layer("commune_2025")["unit_code"])
    # without the code column the units are matched by their full names (old-style tones such as "Hoà")
    by_name = real_wards_2025[["fullName", "geometry"]].copy()
    by_name["fullName"] = by_name["fullName"].str.replace("òa", "oà")
    path = tmp_path / "names.geojson"
    by_name.to_file(path)
    named, rep2 = read_boundaries(path)
    assert rep2.ok, rep2.text()
    assert (named["unit_code"].to_numpy() == real_wards_2025["code"].to_numpy()).all()


@pytest.mark.parametrize(
    ("column", "names"),
    [("NAME_2", ["BaĐình", "HoànKiếm", "TâyHồ"]),              # GADM, no spaces
     ("name", ["Quận Ba Đình", "Quận Hoàn Kiếm", "Quận Tây Hồ"]),  # OpenStreetMap
     ("shapeName", ["Ba Dinh", "Hoan Kiem", "Tay Ho"])],          # geoBoundaries
)
def test_common_schemas(tmp_path, column, names):
    frame = gpd.GeoDataFrame({column: names, "admin_level": ["6"] * 3},
                             geometry=[shapely.box(105.80 + i / 100, 21.0, 105.81 + i / 100, 21.01) for i in range(3)],
                             crs=4326)
    path = tmp_path / "b.geojson"
    frame.to_file(path)
    units, rep = read_boundaries(path)
    assert rep.ok and units["unit_code"].tolist() == ["001", "002", "003"]


def _three_units(crs=4326):
    g = gpd.GeoDataFrame({"name": ["Ba Đình", "Nowhere", "Tây Hồ"]},
                         geometry=[shapely.box(105.80, 21.0, 105.81, 21.01),
                                   shapely.Polygon([(105.82, 21.0), (105.83, 21.01), (105.83, 21.0), (105.82, 21.01)]),
                                   shapely.box(105.82, 21.05, 105.83, 21.06)], crs=4326)
    return g.to_crs(crs)


def test_unmatched_kept_invalid_repaired(tmp_path):
    path = tmp_path / "b.gpkg"
    _three_units().to_file(path)
    units, rep = read_boundaries(path)
    assert len(units) == 3 and rep.rejected == 0 and rep.repaired == 1
    what = {(p.row, p.column, p.severity) for p in rep.problems}
    assert (2, "geometry", "repaired") in what and (2, "name", "warning") in what
    assert units["unit_code"].tolist() == ["001", "X2", "003"]
    assert units.is_valid.all()


@pytest.mark.parametrize("fmt", ["shp.zip", "kml", "kmz"])
def test_formats_and_crs(tmp_path, fmt):
    src = _three_units().iloc[[0, 2]]
    if fmt == "shp.zip":
        src.to_crs(3405).to_file(tmp_path / "b.shp")  # VN-2000 / UTM 48N, with its .prj
        path = tmp_path / "b.zip"
        with zipfile.ZipFile(path, "w") as z:
            for f in tmp_path.glob("b.*"):
                if f.suffix != ".zip":
                    z.write(f, f.name)
    else:
        src.to_file(tmp_path / "b.kml", driver="KML")
        path = tmp_path / "b.kml"
        if fmt == "kmz":
            path = tmp_path / "b.kmz"
            with zipfile.ZipFile(path, "w") as z:
                z.write(tmp_path / "b.kml", "doc.kml")
    units, rep = read_boundaries(path, name_column="name" if fmt == "shp.zip" else "Name")
    assert rep.ok and units["unit_code"].tolist() == ["001", "003"] and units.crs.to_epsg() == 4326
    assert np.allclose(units.total_bounds, src.total_bounds, atol=1e-6)


def test_unsafe_and_unreadable_files(tmp_path):
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as z:
        z.writestr("../../outside.geojson", "{}")
    with pytest.raises(UnreadableFile, match=r"the member '../../outside.geojson' is unsafe"):
        read_boundaries(evil)
    assert not (tmp_path.parent / "outside.geojson").exists()
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.geojson", b"\0" * (3 * 1024 * 1024))
    with pytest.raises(UnreadableFile, match=r"unpacks to 3 MB, over the limit of 1 MB\. .*--max-unpacked-mb"):
        safe_extract(bomb, tmp_path / "out", limits=Limits(max_unpacked_bytes=1024 * 1024))
    junk = tmp_path / "junk.geojson"
    junk.write_text("this is not json")
    with pytest.raises(UnreadableFile,  # what the file is, not what it was named
                       match=r"junk.geojson: is a plain text file \(CSV or other text\); boundaries must be GeoJSON"):
        read_boundaries(junk)
    nocrs = tmp_path / "nocrs.zip"
    _three_units().to_file(tmp_path / "n.shp")
    (tmp_path / "n.prj").unlink()
    with zipfile.ZipFile(nocrs, "w") as z:
        for f in tmp_path.glob("n.*"):
            z.write(f, f.name)
    with pytest.raises(UnreadableFile, match="no coordinate reference system"):
        read_boundaries(nocrs)


def test_round_trip_default_boundaries(default_ds, tmp_path):
    for layer in ("district", "commune_2025"):
        path = tmp_path / f"{layer}.geojson"
        default_ds.layer(layer)[["unit_code", "name", "geometry"]].to_file(path)
        units, rep = read_boundaries(path, layer=layer)
        assert rep.ok
        d = default_ds.layer(layer)
        assert units["unit_code"].tolist() == d["unit_code"].tolist()
        assert units["unit_type"].tolist() == d["unit_type"].tolist()
        assert shapely.equals_exact(units.geometry.to_numpy(), d.geometry.to_numpy(), tolerance=1e-9).all()
        assert np.allclose(units["area_km2"], d.to_crs(settings.METRIC_CRS).area / 1e6, atol=1e-3)


def test_gadm_legacy_wards_disambiguated_by_district(tmp_path):
    frame = gpd.GeoDataFrame({"NAME_1": ["HàNội"] * 3, "NAME_2": ["HoànKiếm", "ThườngTín", "BaĐình"],
                              "NAME_3": ["ChươngDương", "ChươngDương", "PhúcXá"]},
                             geometry=[shapely.box(105.80 + i / 100, 21.0, 105.81 + i / 100, 21.01) for i in range(3)],
                             crs=4326)
    path = tmp_path / "gadm.geojson"
    frame.to_file(path)
    units, rep = read_boundaries(path)
    assert rep.ok, rep.text()
    assert (units["layer"] == "ward_legacy").all()
    assert units["unit_code"].tolist() == ["00067", "10237", "00001"]
    assert units["unit_type"].tolist() == ["phường", "xã", "phường"]


def test_legacy_wards_merged_since_are_matched_by_location_and_merged(tmp_path):
    """A GADM-style file of an older ward set: names the register no longer has are found by where they lie."""
    from infra.io.legacy import reference_wards
    from infra.io.register import read_hanoi_register

    reg = read_hanoi_register().legacy.set_index("ward_code")
    wards = reference_wards().to_crs(4326).reset_index(drop=True)
    rows, split, renamed = [], wards.index[::40], wards.index[7::60]  # 14 wards split in two, 9 renamed
    for i, w in wards.iterrows():
        district = reg.loc[w["unit_code"], "district_name"].replace(" ", "")  # GADM writes "BaĐình"
        name = f"Cũ Renamed {i}" if i in renamed else w["name"]
        geom = w.geometry
        if i in split:  # the old ward that was merged into this one in 2020 or 2025: its eastern half
            x = geom.centroid.x
            east = shapely.intersection(geom, shapely.box(x, -90, 180, 90))
            geom = shapely.difference(geom, east)
            rows.append({"NAME_1": "HàNội", "NAME_2": district, "NAME_3": f"Cũ Merged {i}", "geometry": east})
        rows.append({"NAME_1": "HàNội", "NAME_2": district, "NAME_3": name, "geometry": geom})
    path = tmp_path / "gadm41_VNM_3_hanoi.json"
    gpd.GeoDataFrame(rows, crs=4326).to_file(path, driver="GeoJSON")
    units, rep = read_boundaries(path)
    assert rep.read == len(rows) == len(wards) + len(split) and rep.rejected == 0
    assert set(units["layer"]) == {"ward_legacy"}
    coded = ~units["unit_code"].str.startswith("X")
    assert coded.mean() >= 0.98 and len(units) == len(wards)  # every merged half went into its ward
    assert sorted(units["unit_code"]) == sorted(wards["unit_code"])
    located = [p for p in rep.problems if "matched by location" in p.what]
    merged = [p for p in rep.problems if "merged with row" in p.what]
    assert len(located) == len(split) + len(renamed) and len(merged) == len(split)
    first = wards.loc[split[0]]
    assert any(p.value == f"Cũ Merged {split[0]}" and first["unit_code"] in p.what for p in located)
    whole = units.set_index("unit_code").loc[first["unit_code"]].geometry
    assert whole.area == pytest.approx(first.geometry.area, rel=1e-6)  # the two halves are one unit again


def test_districts_are_derived_from_imported_legacy_wards(tmp_path):
    from infra.io.legacy import reference_wards
    from infra.store import districts_from_wards, open_store
    from tests.cli import run_cli

    wards = reference_wards().to_crs(4326)
    some = wards[wards["district_code"].isin(["001", "002"])
                 | (wards.index % 2 == 0) & (wards["district_code"] == "250")]
    path = tmp_path / "wards.geojson"
    some.rename(columns={"name": "ward"})[["ward", "geometry"]].to_file(path, driver="GeoJSON")
    units, rep = read_boundaries(path)
    assert set(units["layer"]) == {"ward_legacy"} and rep.ok
    districts, partial = districts_from_wards(units)
    assert sorted(districts["unit_code"]) == ["001", "002"] and len(partial) == 1 and partial[0].startswith("250 ")
    ba_dinh = wards[wards["district_code"] == "001"].union_all()
    assert districts.set_index("unit_code").loc["001"].geometry.symmetric_difference(ba_dinh).area < 1e-12
    store = tmp_path / "s.gpkg"
    out = run_cli("import", path, "--kind", "boundaries", "--derive-districts", "--store", store)
    assert out.returncode == 0, out.stderr
    assert "district left as it was (the file lacks some of its wards): 250 " in out.stdout
    assert "units (district): 30 rows before, 30 after; 2 replaced" in out.stdout
    ds = open_store(store).dataset()
    assert set(ds.layers) == {"district", "commune_2025", "ward_legacy"}
