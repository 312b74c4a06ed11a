"""Targets importer (long and wide) and the validate / import commands."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from infra.io.targets import read_targets_file
from infra.store import open_store
from tests.cli import run_cli


def run(*args):
    return run_cli(*args)


def test_long_targets(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("layer,unit_code,metric,year,target,source\n"
                 "district,001,shared_site_pct,2025,40,Plan X\n"
                 "district,001,shared_site_pct,soon,40,Plan X\n"
                 "district,001,shared_site_pct,2030,lots,Plan X\n"
                 "district,002,shared_site_pct,2030,45,\n"
                 "district,001,shared_site_pct,2025,41,Plan Y\n")
    t, rep = read_targets_file(f)
    got = {(p.row, p.column, p.what) for p in rep.problems}
    assert {(2, "year", "not a year in 2000-2100"), (3, "target", "not a number"),
            (4, "source", "no source (marked placeholder)"), (5, "metric", "duplicate target (first kept)")} <= got
    assert rep.read == 5 and rep.imported == 2 and len(t) == 2
    assert t["source"].tolist() == ["Plan X", "placeholder"]


def test_wide_targets_excel(tmp_path):
    f = tmp_path / "t.xlsx"
    pd.DataFrame({"Mã đơn vị": ["001", "*"], "Chỉ tiêu": ["pop_coverage_5g_pct"] * 2, "2025": ["50", ""],
                  "2030": ["99", "99"], "Nguồn": ["Plan 58/KH-UBND", "Plan 58/KH-UBND"]}).to_excel(f, index=False)
    t, rep = read_targets_file(f)
    assert rep.ok and rep.read == 2
    assert t[["unit_code", "year", "target"]].values.tolist() == [["001", 2025, 50.0], ["001", 2030, 99.0],
                                                                   ["*", 2030, 99.0]]


def test_validate_exit_codes(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("site_id,lat,lon\nA,21.03,105.85\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("site_id,lat,lon\nA,21.03,105.85\nB,10.7,106.7\n")
    assert run("validate", good, "--kind", "sites").returncode == 0
    out = run("validate", bad, "--kind", "sites")
    assert out.returncode == 1 and "row 2, column 'lat'" in out.stdout and "point outside Hanoi" in out.stdout
    assert "read 2, imported 1 (repaired 0), rejected 1" in out.stdout
    missing = run("validate", tmp_path / "nope.csv", "--kind", "sites")
    assert missing.returncode == 2 and "file not found" in missing.stderr and "Traceback" not in missing.stderr


def test_imports_become_revisions_that_report_reads(tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text("Mã trạm,Tên trạm,Loại cột,Ngày xây dựng,Vĩ độ,Kinh độ\n"
                     "T1,<img src=x onerror=alert(1)>,A2a,2016-01-01,21.0285,105.8542\n"
                     "T2,Long Biên,A2b,2018-01-01,21.04,105.89\n")
    radios = tmp_path / "radios.csv"
    radios.write_text("site_id,operator,technology,on_date\nT1,Viettel,4G,2018-01-01\nT2,VNPT,5G,2025-01-01\n"
                      "T3,VNPT,5G,2025-01-01\n")
    store = tmp_path / "store.gpkg"
    first = run("import", sites, "--kind", "sites", "--mode", "replace", "--store", store)
    assert first.returncode == 0 and "revision 2 in" in first.stdout  # revision 1: the embedded default data
    out = run("import", radios, "--kind", "radios", "--mode", "replace", "--store", store)
    assert out.returncode == 1 and "row 3, column 'site_id'" in out.stdout  # T3 unknown: reported, not imported
    assert "revision 3 in" in out.stdout
    ds = open_store(store).dataset()
    assert ds.sites["site_id"].tolist() == ["T1", "T2"] and len(ds.radios) == 2
    assert not ds.provenance["sites"].synthetic and "sites.csv" in ds.provenance["sites"].source
    rep = run("report", "--store", store, "--layer", "district", "--as-of", "2025-12-31", "-o", tmp_path / "r.csv")
    assert rep.returncode == 0, rep.stderr
    r = pd.read_csv(tmp_path / "r.csv", dtype={"unit_code": str}).set_index("unit_code")
    assert r.loc["*", "sites_standing"] == 2 and r.loc["*", "radios_on_air_5G"] == 1
    old = run("report", "--store", store, "--revision", "1", "--layer", "district", "--as-of", "2025-12-31", "-o",
              tmp_path / "r1.csv")
    assert old.returncode == 0 and "revision 1" in old.stderr  # any revision can still be read
    assert pd.read_csv(tmp_path / "r1.csv", dtype={"unit_code": str}).set_index("unit_code").loc[
        "*", "sites_standing"] > 4000


def test_map_escapes_imported_names(tmp_path):
    from infra.views import MapView, map_for_export, standalone_html

    sites = tmp_path / "s.csv"
    sites.write_text("site_id,name,owner,lat,lon\nT1,<img src=x onerror=alert(1)>,<b>x</b>,21.03,105.85\n")
    store = tmp_path / "s.gpkg"
    assert run("import", sites, "--kind", "sites", "--store", store).returncode == 0
    doc = map_for_export(open_store(store).dataset(), MapView(as_of=dt.date(2025, 12, 31)))
    html = standalone_html(doc)
    assert "<img src=x onerror" not in html and "<b>x</b>" not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html and "\\u003cb\\u003ex\\u003c/b\\u003e" in html
    texts = doc.load(doc.state["sites"]["popups"])["text"]  # plain facts (name, id…), shown with textContent
    assert any(t.startswith("<img src=x onerror=alert(1)>\tT1\t") for t in texts)


@pytest.mark.parametrize("kind", ["boundaries", "opencellid", "targets", "radios"])
def test_every_kind_refuses_garbage_cleanly(tmp_path, kind):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01garbage")
    out = run("validate", junk, "--kind", kind)
    assert out.returncode == 2 and "Traceback" not in out.stderr and out.stderr.startswith("error: junk.csv")


def test_default_targets_round_trip(default_ds, tmp_path):
    cols = ["layer", "unit_code", "metric", "year", "target", "source"]
    default_ds.targets[cols].to_csv(tmp_path / "t.csv", index=False)
    t, rep = read_targets_file(tmp_path / "t.csv")
    assert rep.ok
    pd.testing.assert_frame_equal(t, default_ds.targets[cols].reset_index(drop=True), check_dtype=False)


def test_imported_district_targets_reach_the_2025_report(tmp_path, default_ds):
    codes = default_ds.layer("district")["unit_code"].tolist()
    f = tmp_path / "targets.csv"
    f.write_text("unit_code,metric,year,target,source\n"  # no layer column: the plan's districts
                 "1,shared_site_pct,2030,60,Plan X\n"  # Ba Đình, as a spreadsheet writes 001
                 + "".join(f"{code},shared_site_pct,2030,30,Plan X\n" for code in codes[1:])
                 + "999,shared_site_pct,2030,30,Plan X\n"
                 "*,ring_road_cables_underground_pct,2030,80,Plan X\n")
    checked = run("validate", f, "--kind", "targets")  # the same checks before importing
    assert checked.returncode == 1 and "no such unit in layer district" in checked.stdout
    store = tmp_path / "store.gpkg"
    out = run("import", f, "--kind", "targets", "--mode", "replace", "--store", store)
    assert out.returncode == 1, out.stdout + out.stderr  # one row rejected
    assert "read 32, imported 31 (repaired 1), rejected 1" in out.stdout
    assert "row 1, column 'unit_code' (value '1'): unit code read as 001" in out.stdout
    assert "row 31, column 'unit_code' (value '999'): no such unit in layer district" in out.stdout
    assert "row 32, column 'metric' (value 'ring_road_cables_underground_pct'): kept, but not a metric" in out.stdout
    assert "they were carried from another layer by the share of area" in out.stdout
    ds = open_store(store).dataset()
    assert ds.provenance["targets"].approximate
    assert (ds.targets["unit_code"] == "001").any() and not ds.targets["unit_code"].isin(["1", "999"]).any()
    rep = run("report", "--store", store, "--layer", "commune_2025", "--as-of", "2025-12-31", "-o", tmp_path / "r.csv")
    assert rep.returncode == 0, rep.stderr
    assert "carried from another layer" in rep.stderr + rep.stdout  # the report says so
    r = pd.read_csv(tmp_path / "r.csv", dtype={"unit_code": str}).set_index("unit_code")
    carried = r.drop(index="*")["shared_site_pct:next_target"]
    assert carried.notna().all() and carried.between(30, 60).all()
    assert (carried == 30).sum() > 100 and (carried > 30).any()  # most lie in one 30 % district; Ba Đình's raise theirs
    assert (r.drop(index="*")["shared_site_pct:scope"] == "carried").all()  # how each was carried, said in words
    assert r.drop(index="*")["shared_site_pct:source"].str.endswith("Plan X; carried from the former districts by "
                                                                   "area").all()
