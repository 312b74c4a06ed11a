"""The safe path's parts on their own: sniffing, archives that lie, the deadline, GDAL's lockdown, GeoPackage views."""

from __future__ import annotations

import sqlite3
import struct
import zipfile

import geopandas as gpd
import pyogrio
import pytest
import shapely

from infra.io import limits
from infra.io.boundaries import read_boundaries
from infra.io.inventory import read_sites
from infra.io.limits import ImportTimeout, Limits
from infra.io.report import UnreadableFile
from infra.io.safety import safe_extract
from infra.io.sniff import sniff_bytes
from infra.io.vector import GDAL_LOCKDOWN
from tests.cli import run_cli


@pytest.mark.parametrize(("head", "fmt"), [
    (b"site_id,lat\n", "text"), ("mã,vĩ độ\n".encode("utf-16"), "text"), ("a\tb\n".encode("utf-16-le"), "text"),
    (b'{"type": "FeatureCollection"}', "json"), (b'\xef\xbb\xbf  [1]', "json"),
    (b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"/>', "kml"),
    (b"<OGRVRTDataSource/>", "vrt"), (b"<?xml version='1.0'?>\n<!-- x --><VRTDataset/>", "vrt"),
    (b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]><kml/>', "xml"),
    (b"<gml:FeatureCollection/>", "xml"), (b"\x1f\x8b\x08", "gzip"), (b"PK\x03\x04", "zip"),
    (b"SQLite format 3\x00" + b"\0" * 52 + b"GPKG", "gpkg"), (b"SQLite format 3\x00" + b"\0" * 60, "sqlite"),
    (b"\x00\x00\x27\x0a" + b"\0" * 96, "shp"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "xls"), (b"", "empty"),
    (bytes(range(32)) * 8, "binary"),
])
def test_formats_are_told_by_content(head, fmt):
    assert sniff_bytes(head) == fmt


def test_a_zip_whose_header_lies_gives_no_more_than_it_declares(tmp_path):
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.geojson", b" " * 5_000_000)
    data = bytearray(path.read_bytes())
    for sig, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # declared size: 100 bytes
        i = data.index(sig)
        data[i + offset:i + offset + 4] = struct.pack("<I", 100)
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableFile, match="is damaged"):
        safe_extract(path, tmp_path / "out")
    assert all(f.stat().st_size <= 100 for f in (tmp_path / "out").rglob("*") if f.is_file())


def test_the_deadline_stops_an_import_and_says_how_to_raise_it(tmp_path):
    with limits.deadline(0.0, "x.csv"), pytest.raises(ImportTimeout, match=r"x.csv: .*limit of 0 s.*--max-seconds"):
        limits.check_time()
    limits.check_time()  # outside the block: no deadline
    f = tmp_path / "s.csv"
    f.write_text("site_id,lat,lon\n" + "".join(f"S{i},21.03,105.85\n" for i in range(60_000)))
    out = run_cli("validate", f, "--kind", "sites", "--max-seconds", "0")
    assert out.returncode == 2 and "took longer than the limit of 0 s, and was stopped" in out.stderr


def test_gdal_has_no_network():
    for key, value in GDAL_LOCKDOWN.items():  # pyogrio gives some NO as False, numbers as int
        got = str(pyogrio.get_gdal_config_option(key)).upper().replace("FALSE", "NO")
        assert got == value.upper(), key


def test_a_geopackage_view_is_not_read(tmp_path):
    path = tmp_path / "v.gpkg"
    gpd.GeoDataFrame({"name": ["Ba Đình"]}, geometry=[shapely.box(105.80, 21.0, 105.81, 21.01)],
                     crs=4326).to_file(path, layer="units")
    con = sqlite3.connect(path)
    con.execute("CREATE VIEW sneaky AS SELECT * FROM units")
    con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
                "VALUES ('sneaky', 'features', 'sneaky', 4326)")
    con.commit()
    con.close()
    with pytest.raises(UnreadableFile, match="the layer 'sneaky' is a view, not a plain table"):
        read_boundaries(path)


def test_an_over_long_cell_rejects_its_row_only(tmp_path):
    f = tmp_path / "s.csv"
    f.write_text("site_id,name,lat,lon\nS1,ok,21.03,105.85\nS2," + "x" * 20_000 + ",21.03,105.85\n")
    sites, rep = read_sites(f)
    assert sites["site_id"].tolist() == ["S1"] and rep.rejected_rows() == {2}
    assert any("20,000 characters, over the limit of 10,000" in p.what for p in rep.problems)
    _, strict = read_sites(f, limits=Limits(max_field_chars=1))
    assert strict.rejected_rows() == {1, 2}
