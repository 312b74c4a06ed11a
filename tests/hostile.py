"""A corpus of hostile and broken files, made by the tests themselves (nothing large is committed).

Each :class:`Case` writes one file and says what the importers must answer: a refusal
whose message matches ``refused``, or a report whose rejected rows, problems and
counts are known. ``tests/test_hostile.py`` runs every case through the CLI
in-process and through the app's Data view.
"""

from __future__ import annotations

import gzip
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from tests.realdata import real_file

SECRET = "TOP-SECRET-MARKER-13"
SITES = "site_id,name,owner,mast_class,height_m,built_on,removed_on,lat,lon\n"
GOOD_SITE = "S1,Tháp A,Viettel,A2b,40,2015-03-01,,21.0285,105.8542\n"
OCID = "radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal\n"
GOOD_CELL = "LTE,452,04,1,11,0,105.85000,21.02800,800,5,1,1546300800,1700000000,0\n"


@dataclass(frozen=True)
class Case:
    """One hostile file and the answer the importers owe it."""

    id: str
    kind: str
    name: str
    make: Callable[[Path], bytes]
    refused: str | None = None  # a regex the refusal must match
    rejected: frozenset[int] = frozenset()
    problems: frozenset[tuple] = frozenset()  # (row, column, start of 'what')
    read: int | None = None
    args: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)


def _zip(members: dict[str, bytes], *, links: tuple[str, ...] = ()) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            if name in links:
                info.external_attr = (0o120777 << 16)
            z.writestr(info, data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def bomb_zip(path: Path, member: str, unpacked: int, *, chunk: bytes = b"0" * (1 << 20),
             extra: dict[str, bytes] | None = None) -> bytes:
    """A zip whose member unpacks to ``unpacked`` bytes, streamed (never held in memory)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in (extra or {}).items():
            z.writestr(name, data)
        with z.open(member, "w", force_zip64=True) as f:
            for _ in range(unpacked // len(chunk)):
                f.write(chunk)
    return path.read_bytes()


def gzip_bomb(unpacked: int) -> bytes:
    import io

    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9) as g:
        g.write(b"site_id,lat,lon\n")
        row = b"S,21.03,105.85\n" * 65536
        for _ in range(unpacked // len(row) + 1):
            g.write(row)
    return buf.getvalue()


def _geojson(frame: gpd.GeoDataFrame, path: Path) -> bytes:
    frame.to_file(path, driver="GeoJSON")
    return path.read_bytes()


def _boxes(names: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": names}, crs=4326,
                            geometry=[shapely.box(105.80 + i / 100, 21.0, 105.81 + i / 100, 21.01)
                                      for i in range(len(names))])


def _real_kml(tmp: Path, *, kmz: bool) -> bytes:
    districts = gpd.read_file(real_file("hanoi_districts_geoboundaries_2020.geojson"))
    kml = tmp / "districts.kml"
    districts.to_file(kml, driver="KML")
    return _zip({"doc.kml": kml.read_bytes()}) if kmz else kml.read_bytes()


def _no_names(tmp: Path) -> bytes:
    districts = gpd.read_file(real_file("hanoi_districts_geoboundaries_2020.geojson"))
    return _geojson(districts[["shapeID", "geometry"]].rename(columns={"shapeID": "label"}), tmp / "n.geojson")


def _gpkg(tmp: Path, layers: dict[str, gpd.GeoDataFrame]) -> bytes:
    path = tmp / "two.gpkg"
    for layer, frame in layers.items():
        frame.to_file(path, layer=layer, driver="GPKG")
    return path.read_bytes()


def _two_folder_kml() -> bytes:
    def placemark(name: str, x: float) -> str:
        ring = f"{x},21.0 {x + 0.01},21.0 {x + 0.01},21.01 {x},21.01 {x},21.0"
        return (f"<Placemark><name>{name}</name><Polygon><outerBoundaryIs><LinearRing><coordinates>{ring}"
                "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>")
    return ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
            f"<Folder><name>quan</name>{placemark('Ba Đình', 105.80)}{placemark('Tây Hồ', 105.82)}</Folder>"
            f"<Folder><name>huyen</name>{placemark('Sóc Sơn', 105.84)}</Folder></Document></kml>").encode()


def _shp_without_dbf(tmp: Path) -> bytes:
    _boxes(["Ba Đình"]).to_file(tmp / "b.shp")
    return _zip({f"b{s}": (tmp / f"b{s}").read_bytes() for s in (".shp", ".shx", ".prj")})


def _xlsx(tmp: Path, sheets: dict[str, pd.DataFrame], *, dimension: str | None = None) -> bytes:
    path = tmp / "book.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for sheet, frame in sheets.items():
            frame.to_excel(xl, sheet_name=sheet, index=False)
    if dimension is None:
        return path.read_bytes()
    with zipfile.ZipFile(path) as z:  # a sheet claiming to reach the last cell of Excel
        members = {n: z.read(n) for n in z.namelist()}
    sheet = members["xl/worksheets/sheet1.xml"].decode()
    start = sheet.index("<dimension ref=\"") + len("<dimension ref=\"")
    members["xl/worksheets/sheet1.xml"] = (sheet[:start] + dimension + sheet[sheet.index('"', start):]).encode()
    return _zip(members)


def _xlsx_bomb(tmp: Path, unpacked: int) -> bytes:
    head = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><sheetData>')
    return bomb_zip(tmp / "bomb.xlsx", "xl/worksheets/sheet1.xml", unpacked,
                    chunk=b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 20000,
                    extra={"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                           "xl/worksheets/sheet0.xml": head.encode()})


def _ole2(encrypted: bool) -> bytes:
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    body = "EncryptedPackage".encode("utf-16-le") if encrypted else "Workbook".encode("utf-16-le")
    return head + body + b"\0" * 4096


def _vrt(source: str) -> bytes:
    return (f'<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>{source}</SrcDataSource>'
            '<GeometryType>wkbPoint</GeometryType></OGRVRTLayer></OGRVRTDataSource>').encode()


def _secret(tmp: Path) -> str:
    secret = tmp / "secret.csv"
    secret.write_text(f"population,lat,lon\n{SECRET},21.03,105.85\n")
    return str(secret)


def cases() -> list[Case]:
    """Every hostile case of issue 13."""
    c = Case
    mixed = (b"ten,lat,lon,site_id\n" + "Cầu Giấy,21.03,105.80,A\n".encode()
             + "Hà Đông,21.0,105.78,B\n".encode("cp1258") + "Tây Hồ,21.07,105.82,C\n".encode())
    return [
        # server file read and outside requests
        c("vrt-file-read-population", "population", "grid.vrt", lambda t: _vrt(f"CSV:{_secret(t)}"),
          refused="GDAL virtual file \\(VRT\\)"),
        c("vrt-file-read-boundaries", "boundaries", "b.vrt", lambda t: _vrt(_secret(t)),
          refused="GDAL virtual file \\(VRT\\)"),
        c("vrt-vsicurl", "boundaries", "b.geojson", lambda t: _vrt("/vsicurl/http://127.0.0.1:9/x.geojson"),
          refused="GDAL virtual file \\(VRT\\)"),
        c("vrt-in-zip", "population", "grid.zip", lambda t: _zip({"a.vrt": _vrt(f"CSV:{_secret(t)}")}),
          refused="holds no GeoJSON, GeoPackage, KML or complete Shapefile"),
        c("kml-networklink", "boundaries", "link.kml", lambda t: (
            b'<?xml version="1.0"?><kml xmlns="http://www.opengis.net/kml/2.2"><NetworkLink><Link><href>'
            b"http://127.0.0.1:9/x.kml</href></Link></NetworkLink></kml>"), refused="NetworkLink"),
        c("zip-traversal-population", "population", "grid.zip",
          lambda t: _zip({"../../outside.geojson": b"{}"}), refused="is unsafe"),
        c("zip-link-population", "population", "grid.zip",
          lambda t: _zip({"grid.geojson": b"/etc/passwd"}, links=("grid.geojson",)), refused="is unsafe"),
        c("zip-bomb-population", "population", "grid.zip",
          lambda t: bomb_zip(t / "bomb.zip", "grid.geojson", 400 * 2**20),
          refused="unpacks to 400 MB, over the limit of 300 MB.*--max-unpacked-mb"),
        # small files that take the server down
        c("csv-header-256kb", "sites", "wide.csv", lambda t: ("a," * 131072 + "\n1\n").encode(),
          refused="first line has 262,144 bytes, over the limit of 65,536"),
        c("csv-header-10000-columns", "sites", "wide.csv", lambda t: (",".join(["id"] * 10000) + "\n").encode(),
          refused="header has 10,000 columns, over the limit of 200.*--max-columns"),
        c("gzip-bomb", "opencellid", "cells.csv.gz", lambda t: gzip_bomb(400 * 2**20),
          refused="unpacks to more than 300 MB.*--max-unpacked-mb"),
        c("xlsx-bomb", "sites", "towers.xlsx", lambda t: _xlsx_bomb(t, 400 * 2**20),
          refused="unpacks to \\d{3} MB, over the limit of 300 MB"),
        c("xlsx-over-excel-limit", "sites", "towers.xlsx", lambda t: _xlsx_bomb(t, 150 * 2**20),
          refused="the workbook unpacks to 150 MB, over the limit of 100 MB for Excel.*--max-excel-mb.*CSV UTF-8"),
        c("xlsx-whole-sheet-dimension", "sites", "towers.xlsx",
          lambda t: _xlsx(t, {"s": pd.DataFrame({"site_id": ["S1"], "lat": ["21.03"], "lon": ["105.85"]})},
                          dimension="A1:XFD1048576"), read=1),
        c("rows-over-limit", "sites", "many.csv", lambda t: (SITES + GOOD_SITE * 2000).encode(),
          refused="more than 1,000 rows.*--max-rows", args=("--max-rows", "1000")),
        # formats that claimed support and failed
        c("kml-real-districts", "boundaries", "districts.kml", lambda t: _real_kml(t, kmz=False), read=30),
        c("kmz-real-districts", "boundaries", "districts.kmz", lambda t: _real_kml(t, kmz=True), read=30),
        c("no-recognised-names", "boundaries", "units.geojson", _no_names, read=30,
          problems=frozenset({(None, "", "no column of unit names was recognised")})),
        c("no-recognised-names-chosen", "boundaries", "units.geojson",
          lambda t: _geojson(_boxes(["Ba Đình", "Tây Hồ"]).rename(columns={"name": "TEN_DV"}), t / "u.geojson"),
          read=2, args=("--column", "name=TEN_DV"), extra={"codes": ["001", "003"]}),
        c("shp-without-dbf", "boundaries", "b.zip", _shp_without_dbf, refused="has no .dbf beside it"),
        # one bad cell: its row, never the file
        c("date-9999", "sites", "s.csv", lambda t: (SITES + GOOD_SITE + "S2,b,VNPT,A1a,3,9999-12-31,,21.05,105.8\n"
                                                    ).encode(),
          rejected=frozenset({2}), problems=frozenset({(2, "built_on", "a date outside 1900-2100")})),
        c("date-1677", "sites", "s.csv", lambda t: (SITES + "S2,b,VNPT,A1a,3,2018-01-01,1677-09-21,21.05,105.8\n"
                                                    + GOOD_SITE).encode(),
          rejected=frozenset({1}), problems=frozenset({(1, "removed_on", "a date outside 1900-2100")})),
        c("ocid-created-huge", "opencellid", "cells.csv", lambda t: (
            OCID + GOOD_CELL + GOOD_CELL.replace("1546300800", "99999999999999")).encode(),
          rejected=frozenset({2}), problems=frozenset({(2, "created", "not a time in 1900-2100")})),
        c("ocid-no-created", "opencellid", "cells.csv", lambda t: (
            b"radio,mcc,net,lon,lat,range\nLTE,452,04,105.85,21.028,800\n"), read=1,
          problems=frozenset({(None, "created", "no 'created' column")})),
        c("short-row", "sites", "s.csv", lambda t: (SITES + GOOD_SITE + "S2,b,VNPT\n").encode(),
          rejected=frozenset({2}), problems=frozenset({(2, "", "the row has 3 cells but the header has 9")})),
        c("ragged-row", "sites", "s.csv", lambda t: (SITES + "S2,b,VNPT,A1a,3,2018-01-01,,21.05,105.8,x,y\n"
                                                     + GOOD_SITE).encode(),
          rejected=frozenset({1}), problems=frozenset({(1, "", "the row has 11 cells but the header has 9")})),
        # files that imported "successfully" and broke later
        c("target-year-huge", "targets", "t.csv", lambda t: (
            b"unit_code,metric,year,target,source\n001,shared_site_pct,99999999999999999999,40,Plan X\n"
            b"001,shared_site_pct,2030,40,Plan X\n"),
          rejected=frozenset({1}), problems=frozenset({(1, "year", "not a year in 2000-2100")})),
        c("coordinates-inf", "sites", "s.csv", lambda t: (SITES + GOOD_SITE + "S2,b,VNPT,A1a,3,,,inf,105.8\n"
                                                          "S3,c,VNPT,A1a,3,,,21.03,1e309\n").encode(),
          rejected=frozenset({2, 3}), problems=frozenset({(2, "lat", "not a coordinate"),
                                                          (3, "lon", "not a coordinate")})),
        c("targets-inf-negative", "targets", "t.csv", lambda t: (
            b"unit_code,metric,year,target,source\n001,shared_site_pct,2030,inf,Plan X\n"
            b"001,shared_site_pct,2025,-50,Plan X\n002,shared_site_pct,2030,120,Plan X\n"
            b"003,shared_site_pct,2030,35,Plan X\n"),
          rejected=frozenset({1, 2, 3}), problems=frozenset({(1, "target", "not a target in [0, 100]"),
                                                             (2, "target", "not a target in [0, 100]"),
                                                             (3, "target", "not a target in [0, 100]")})),
        c("population-1e308", "population", "people.csv", lambda t: (
            b"lat,lon,population\n21.03,105.85,1e308\n21.03,105.85,500\n"),
          rejected=frozenset({1}), problems=frozenset({(1, "population", "not a number of people")})),
        c("ocid-range-negative", "opencellid", "cells.csv", lambda t: (
            OCID + GOOD_CELL + GOOD_CELL.replace(",800,", ",-5,")).encode(),
          rejected=frozenset({2}), problems=frozenset({(2, "range", "not a range in metres")})),
        c("degenerate-polygon", "boundaries", "b.geojson", lambda t: json.dumps({
            "type": "FeatureCollection", "features": [
                {"type": "Feature", "properties": {"name": "Ba Đình"}, "geometry": {"type": "Polygon", "coordinates": [
                    [[105.80, 21.0], [105.81, 21.0], [105.81, 21.01], [105.80, 21.01], [105.80, 21.0]]]}},
                {"type": "Feature", "properties": {"name": "Tây Hồ"}, "geometry": {"type": "Polygon", "coordinates": [
                    [[105.82, 21.0], [105.83, 21.0], [105.84, 21.0], [105.82, 21.0]]]}}]}).encode(),
          rejected=frozenset({2}), problems=frozenset({(2, "geometry", "the polygon has no area")})),
        c("projected-without-crs", "boundaries", "utm.geojson", lambda t: json.dumps({
            "type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Ba Đình"},
                                                       "geometry": {"type": "Polygon", "coordinates": [[
                                                           [585000, 2325000], [586000, 2325000], [586000, 2326000],
                                                           [585000, 2325000]]]}}]}).encode(),
          refused="look projected"),
        # silent loss: every sheet, layer and member imported or reported
        c("two-sheets", "sites", "towers.xlsx", lambda t: _xlsx(t, {
            "Hà Nội": pd.DataFrame({"site_id": ["S1"], "lat": ["21.03"], "lon": ["105.85"]}),
            "Mới": pd.DataFrame({"site_id": ["S2", "S3"], "lat": ["21.04", "21.05"], "lon": ["105.85", "105.86"]})}),
          read=1, problems=frozenset({(None, "", "the sheet 'Mới' was not imported")})),
        c("two-sheets-chosen", "sites", "towers.xlsx", lambda t: _xlsx(t, {
            "Hà Nội": pd.DataFrame({"site_id": ["S1"], "lat": ["21.03"], "lon": ["105.85"]}),
            "Mới": pd.DataFrame({"site_id": ["S2", "S3"], "lat": ["21.04", "21.05"], "lon": ["105.85", "105.86"]})}),
          read=2, args=("--part", "Mới"), problems=frozenset({(None, "", "the sheet 'Hà Nội' was not imported")})),
        c("two-layers-gpkg", "boundaries", "b.gpkg", lambda t: _gpkg(t, {
            "quan": _boxes(["Ba Đình", "Tây Hồ"]), "huyen": _boxes(["Sóc Sơn"])}), read=2,
          problems=frozenset({(None, "", "the part 'huyen' (1 features) was not imported")})),
        c("two-folders-kml", "boundaries", "b.kml", lambda t: _two_folder_kml(), read=2,
          problems=frozenset({(None, "", "the part 'huyen' (1 features) was not imported")})),
        c("two-members-zip", "boundaries", "b.zip", lambda t: _zip({
            "quan.geojson": _geojson(_boxes(["Ba Đình", "Tây Hồ"]), t / "q.geojson"),
            "huyen.geojson": _geojson(_boxes(["Sóc Sơn"]), t / "h.geojson")}), read=2,
          problems=frozenset({(None, "", "the part 'huyen.geojson' was not imported")})),
        c("utf8-with-one-cp1258-row", "sites", "s.csv", lambda t: mixed, rejected=frozenset({2}),
          problems=frozenset({(2, "", "this row is not in UTF-8")}), extra={"names": ["Cầu Giấy", "Tây Hồ"]}),
        c("utf16", "sites", "s.csv", lambda t: "site_id\tten\tlat\tlon\nA\tCầu Giấy\t21.03\t105.80\n".encode(
            "utf-16"), read=1, extra={"names": ["Cầu Giấy"]}),
        c("bom-cp1258", "sites", "s.csv", lambda t: b"\xef\xbb\xbf" + cp1258(
            "site_id,ten,lat,lon\nA,Cầu Giấy,21.03,105.80\n"), read=1, extra={"names": ["Cầu Giấy"]},
          problems=frozenset({(None, "", "the file starts with a UTF-8 mark but is not UTF-8")})),
        c("one-column", "sites", "ids.csv", lambda t: b"site_id\nHN1\nHN2\n",
          refused="has no coordinate columns.*its columns are “site_id”"),
        c("xlsx-really-csv", "sites", "towers.xlsx", lambda t: (SITES + GOOD_SITE).encode(), read=1,
          problems=frozenset({(None, "", "the file is named like an Excel workbook but holds CSV text")})),
        c("xlsx-password", "sites", "towers.xlsx", lambda t: _ole2(True), refused="password-protected Excel"),
        c("xls-old", "sites", "towers.xls", lambda t: _ole2(False), refused="Excel 97-2003 workbook"),
    ]


TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed base letters, tone marks as combining characters."""
    import unicodedata

    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")
