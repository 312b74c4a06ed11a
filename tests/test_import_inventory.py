"""Site, radio and OpenCelliD importers: every problem reported with its row and column; counts reconcile."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from infra.io.inventory import read_radios, read_sites
from infra.io.limits import Limits
from infra.io.opencellid import read_opencellid
from infra.io.report import UnreadableFile
from tests.hostile import cp1258

HEADER = "site_id,name,owner,mast_class,height_m,built_on,removed_on,lat,lon\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def problems(rep):
    """(row, column, what) of every problem, ``what`` cut before its parenthesised remark."""
    return {(p.row, p.column, p.what.rsplit(" (", 1)[0] if p.what.endswith(")") else p.what) for p in rep.problems}


def reconciles(rep, frame):
    assert rep.read == rep.imported + rep.rejected
    assert len(frame) == rep.imported


def test_clean_sites_are_all_imported(tmp_path):
    f = write(tmp_path, "s.csv", HEADER + "S1,Tháp A,Viettel,A2b,40,2015-03-01,,21.0285,105.8542\n"
                                          "S2,Tháp B,VNPT,A1a,3,01/06/2018,,21.05,105.80\n")
    sites, rep = read_sites(f)
    assert rep.ok and rep.read == 2 and list(sites["site_id"]) == ["S1", "S2"]
    assert sites["built_on"].tolist() == [pd.Timestamp("2015-03-01"), pd.Timestamp("2018-06-01")]  # day-first
    assert sites.geometry.x.iloc[0] == pytest.approx(105.8542)


def test_each_site_problem_names_row_and_column(tmp_path):
    f = write(tmp_path, "s.csv", HEADER +
              "S1,a,Viettel,A2b,40,2015-03-01,,21.0285,105.8542\n"     # row 1 ok
              "S1,b,Viettel,A2b,40,2015-03-01,,21.03,105.85\n"         # row 2 duplicate id
              "S3,c,Viettel,A2b,40,2015-03-01,,105.85,21.03\n"         # row 3 swapped (repaired)
              "S4,d,Viettel,A2b,40,2015-03-01,,10.77,106.70\n"         # row 4 Ho Chi Minh City: outside
              "S5,e,Viettel,A2b,40,yesterday,,21.03,105.85\n"          # row 5 bad date
              "S6,f,Viettel,A2b,40,2015-03-01,2014-01-01,21.03,105.85\n"  # row 6 removed before built
              "S7,g,Viettel,tower?,40,2015-03-01,,21.03,105.85\n"      # row 7 unknown mast class (repaired)
              "S8,h,Viettel,A1a,tall,2015-03-01,,21.03,105.85\n"       # row 8 bad height
              ",i,Viettel,A1a,3,2015-03-01,,21.03,105.85\n"            # row 9 empty id
              "S10,j,Viettel,A1a,3,2015-13-45,,21.03,105.85\n")        # row 10 impossible date
    sites, rep = read_sites(f)
    got = problems(rep)
    assert (2, "site_id", "duplicate site id") in got
    assert (3, "lat/lon", "latitude and longitude swapped") in got
    assert (4, "lat", "point outside Hanoi") in got
    assert (5, "built_on", "not a date") in got
    assert (6, "removed_on", "removed before built") in got
    assert (7, "mast_class", "unknown mast class") in got
    assert (8, "height_m", "not a number in [0, 400]") in got
    assert (9, "site_id", "empty site id") in got
    assert (10, "built_on", "not a date") in got
    assert rep.rejected_rows() == {2, 4, 5, 6, 8, 9, 10}
    assert rep.repaired == 2  # rows 3 and 7
    reconciles(rep, sites)
    assert sites.set_index("site_id").loc["S3"].geometry.y == pytest.approx(21.03)
    assert sites.set_index("site_id").loc["S7", "mast_class"] == "unknown"


def test_vietnamese_headers_bom_and_dms(tmp_path):
    text = ("Mã trạm,Tên trạm,Nhà mạng,Loại cột,Chiều cao,Ngày xây dựng,Vĩ độ,Kinh độ\n"
            "HN001,Hồ Gươm,MobiFone,A1b,6,2019-01-01,\"21°01'42.6\"\"N\",\"105°51'07.1\"\"E\"\n")
    sites, rep = read_sites(write(tmp_path, "vi.csv", "\ufeff" + text))
    assert rep.ok and sites["site_id"].tolist() == ["HN001"] and sites["name"].iloc[0] == "Hồ Gươm"
    assert sites.geometry.y.iloc[0] == pytest.approx(21.0285) and sites.geometry.x.iloc[0] == pytest.approx(105.85197)


def test_windows_1258_encoding(tmp_path):
    text = "Mã trạm,Tên trạm,Vĩ độ,Kinh độ\nHN9,Cầu Giấy,21.03,105.80\n"
    path = tmp_path / "cp.csv"
    path.write_bytes(cp1258(text))
    sites, rep = read_sites(path)
    assert rep.ok and sites["name"].iloc[0] == "Cầu Giấy"


def test_excel_and_explicit_mapping(tmp_path):
    path = tmp_path / "s.xlsx"
    pd.DataFrame({"BTS code": ["E1"], "Y": ["21.02"], "X": ["105.84"]}).to_excel(path, index=False)
    with pytest.raises(UnreadableFile, match="no site id column") as info:
        read_sites(path)
    assert "columns are “BTS code”, “Y”, “X” —" in str(info.value)  # names as people write them, not a Python list
    sites, rep = read_sites(path, columns={"site_id": "BTS code", "lat": "Y", "lon": "X"})
    assert rep.ok and sites.geometry.x.iloc[0] == pytest.approx(105.84)
    with pytest.raises(UnreadableFile, match="no column “Mã”"):
        read_sites(path, columns={"site_id": "Mã"})


@pytest.mark.parametrize(("grid", "epsg"), [("vn2000_local", 5897), ("vn2000_utm48", 3405)])
def test_vn2000_xy(tmp_path, grid, epsg):
    east, north = Transformer.from_crs(4326, epsg, always_xy=True).transform(105.8523, 21.0287)
    f = write(tmp_path, "xy.csv", f"site_id,x,y\nA,{north:.3f},{east:.3f}\nB,{east:.3f},{north:.3f}\n")
    sites, rep = read_sites(f, grid=grid)
    assert sites.geometry.x.round(5).tolist() == [105.8523, 105.8523]
    assert sites.geometry.y.round(5).tolist() == [21.0287, 21.0287]
    assert problems(rep) == {(2, "x/y", "X (northing) and Y (easting) swapped")}


def test_radio_problems(tmp_path):
    f = write(tmp_path, "r.csv", "site_id,operator,technology,band_mhz,on_date,off_date,pilot\n"
              "S1,Viettel,LTE,1800,2018-01-01,,no\n"        # 1 ok
              "S1,S-Fone,2G,900,2010-01-01,,no\n"           # 2 unknown operator
              "S1,04,CDMA,900,2010-01-01,,no\n"             # 3 unknown technology
              "S9,VNPT,4G,1800,2018-01-01,,no\n"            # 4 unknown site
              "S1,Mobifone,GSM,900,2012-01-01,2010-01-01,no\n"  # 5 off before on
              "S1,VNPT,NR,3700,2019-05-10,2021-06-30,yes\n"   # 6 ok pilot
              "S1,VNPT,5G,3700,2024-12-01,,maybe\n")         # 7 bad pilot
    radios, rep = read_radios(f, site_ids={"S1"})
    got = problems(rep)
    assert {(2, "operator", "unknown operator"), (3, "technology", "unknown technology"),
            (4, "site_id", "unknown site"), (5, "off_date", "off date before on date"),
            (7, "pilot", "not true/false")} <= got
    assert rep.rejected_rows() == {2, 3, 4, 5, 7}
    reconciles(rep, radios)
    assert radios["technology"].tolist() == ["4G", "5G"] and radios["pilot"].tolist() == [False, True]
    assert radios["operator"].tolist() == ["Viettel", "VinaPhone"]


def ocid_rows():
    return ["radio,mcc,net,area,cell,unit,lon,lat,range,samples,changeable,created,updated,averageSignal",
            "LTE,452,04,1,11,0,105.85000,21.02800,800,5,1,1546300800,1700000000,0",   # 1
            "LTE,452,04,1,12,0,105.85010,21.02810,900,5,1,1546300800,1700000000,0",   # 2: 14 m from 1
            "GSM,452,04,1,13,0,105.86000,21.02800,2000,5,1,1262304000,1700000000,0",  # 3: 1 km away
            "LTE,452,02,1,14,0,105.85000,21.02800,700,5,1,1546300800,1700000000,0",   # 4: VNPT, same spot
            "LTE,310,260,1,15,0,-122.4,37.7,700,5,1,1546300800,1700000000,0",         # 5: USA
            "LTE,452,09,1,16,0,105.85,21.03,700,5,1,1546300800,1700000000,0",         # 6: unknown net
            "CDMA,452,04,1,17,0,105.85,21.03,700,5,1,1546300800,1700000000,0"]        # 7: unknown radio


def test_opencellid_groups_cells_into_sites(tmp_path):
    f = tmp_path / "cells.csv.gz"
    f.write_bytes(gzip.compress("\n".join(ocid_rows()).encode()))
    sites, radios, rep = read_opencellid(f)
    assert problems(rep) == {(5, "mcc", "cell of another country"), (6, "net", "unknown network code"),
                             (7, "radio", "unknown radio")}
    assert rep.read == 7 and rep.imported == 4
    assert len(radios) == 4 and len(sites) == 3  # cells 1+2 share a site; VNPT's cell is its own site
    by_cell = radios.assign(cell=[11, 12, 13, 14])
    assert by_cell.loc[0, "site_id"] == by_cell.loc[1, "site_id"] != by_cell.loc[2, "site_id"]
    assert radios["range_m"].tolist() == [800, 900, 2000, 700]
    assert radios["on_date"].iloc[0] == pd.Timestamp("2019-01-01")
    assert set(radios["technology"]) == {"4G", "2G"} and set(sites["owner"]) == {"Viettel", "VinaPhone"}
    _, _, wider = read_opencellid(f, group_m=5)
    assert wider.ok is False


def test_opencellid_without_header(tmp_path):
    f = tmp_path / "cells.csv"
    f.write_text("\n".join(ocid_rows()[1:4]))
    sites, radios, rep = read_opencellid(f)
    assert rep.ok and len(radios) == 3 and len(sites) == 2


def test_unreadable_file_is_one_clear_error(tmp_path):
    f = tmp_path / "bin.csv"
    f.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(UnreadableFile, match=r"bin.csv"):
        read_sites(f)
    with pytest.raises(UnreadableFile, match=r"over the upload limit of 0 MB\. .*--max-mb"):
        read_sites(write(tmp_path, "s.csv", HEADER), limits=Limits(max_bytes=10))


def test_round_trip_default_inventory(default_ds, tmp_path):
    s = default_ds.sites
    plain = s.assign(lat=s.geometry.y, lon=s.geometry.x).drop(columns="geometry")
    plain.to_csv(tmp_path / "sites.csv", index=False)
    default_ds.radios.to_csv(tmp_path / "radios.csv", index=False)
    sites, rep = read_sites(tmp_path / "sites.csv")
    radios, rep2 = read_radios(tmp_path / "radios.csv", site_ids=set(sites["site_id"]))
    assert rep.ok and rep2.ok
    cols = ["site_id", "name", "owner", "mast_class", "height_m", "built_on", "removed_on"]
    pd.testing.assert_frame_equal(sites[cols].astype(str), s[cols].reset_index(drop=True).astype(str))
    assert np.allclose(sites.geometry.x, s.geometry.x) and np.allclose(sites.geometry.y, s.geometry.y)
    rcols = ["site_id", "operator", "technology", "band_mhz", "on_date", "off_date", "pilot", "range_m"]
    pd.testing.assert_frame_equal(radios[rcols].astype(str), default_ds.radios[rcols].astype(str))


def test_sites_outside_the_territory_are_rejected(tmp_path):
    import shapely

    f = write(tmp_path, "s.csv", "site_id,lat,lon\nIN,21.03,105.85\nOUT,21.03,105.95\n")
    territory = shapely.box(105.80, 21.00, 105.90, 21.10)
    sites, rep = read_sites(f, territory=territory)
    assert sites["site_id"].tolist() == ["IN"] and problems(rep) == {(2, "lat", "point outside Hanoi")}
