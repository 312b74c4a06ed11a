"""Every hostile case of issue 13, through the CLI in-process and through the app's Data view.

The corpus is made here (``tests/hostile.py``): no large file is committed.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from infra import settings
from infra.io import import_file
from infra.io.limits import Limits
from infra.store import open_store
from infra.views.text import plain
from tests.apptest import app_test
from tests.cli import run_cli
from tests.hostile import SECRET, cases

CASES = {c.id: c for c in cases()}
SUMMARY = re.compile(r"read (\d+), imported (\d+) \(repaired (\d+)\), rejected (\d+)")
#: Cases imported into a dataset and reported on: what passes validation must not break later.
LATER = ("date-9999", "ocid-created-huge", "target-year-huge", "coordinates-inf", "targets-inf-negative",
         "population-1e308", "ocid-range-negative", "degenerate-polygon", "no-recognised-names")


def _file(tmp_path, case):
    path = tmp_path / case.name
    path.write_bytes(case.make(tmp_path))
    return path


def _what(rep):
    return {(p.row, p.column, p.what) for p in rep.problems}


def _has(problems, expected):
    return all(any(r == row and c == col and w.startswith(what) for r, c, w in problems)
               for row, col, what in expected)


@pytest.mark.parametrize("case_id", list(CASES))
def test_cli_answers_every_case_row_by_row(tmp_path, case_id):
    case = CASES[case_id]
    path = _file(tmp_path, case)
    out = run_cli("validate", path, "--kind", case.kind, *case.args)
    text = out.stdout + out.stderr
    assert "Traceback" not in text and SECRET not in text
    if case.refused:
        assert out.returncode == 2, text
        errors = [line for line in out.stderr.splitlines() if line.startswith("error: ")]  # after any notice
        assert errors and errors[0].startswith(f"error: {case.name}: ") and re.search(case.refused, out.stderr), \
            out.stderr
        return
    summary = SUMMARY.search(out.stdout)
    assert summary, out.stdout + out.stderr
    read, imported, repaired, rejected = map(int, summary.groups())
    assert read == imported + rejected and rejected == len(case.rejected)
    assert out.returncode == (1 if case.rejected else 0), text
    if case.read is not None:
        assert read == case.read
    options = {}
    if "--part" in case.args:
        options["part"] = case.args[case.args.index("--part") + 1]
    if "--column" in case.args:
        canon, col = case.args[case.args.index("--column") + 1].split("=")
        options["columns"] = {canon: col}
    frames, rep = import_file(path, case.kind, limits=Limits(), **options)
    assert rep.rejected_rows() == set(case.rejected) and _has(_what(rep), case.problems), rep.text()
    frame = next(iter(frames.values()))
    assert len(frame) == (rep.imported if case.kind != "opencellid" else len(frames["radios"]))
    if "names" in case.extra:
        assert frames["sites"]["name"].tolist() == case.extra["names"]
    if "codes" in case.extra:
        assert frames["units"]["unit_code"].tolist() == case.extra["codes"]


@pytest.mark.parametrize("case_id", LATER)
def test_what_passes_validation_does_not_break_later(tmp_path, fresh_store, case_id):
    case = CASES[case_id]
    path = _file(tmp_path, case)
    store = fresh_store
    out = run_cli("import", path, "--kind", case.kind, "--store", store, *case.args)
    assert out.returncode in (0, 1) and "Traceback" not in out.stderr, out.stdout + out.stderr
    layer = "district" if case.kind != "boundaries" else open_store(store).dataset().units["layer"].iloc[-1]
    rep = run_cli("report", "--store", store, "--layer", layer, "--as-of", "2025-12-31", "-o", tmp_path / "r.csv")
    assert rep.returncode == 0, rep.stderr
    table = pd.read_csv(tmp_path / "r.csv", dtype={"unit_code": str})
    assert table["unit_code"].iloc[-1] == "*"
    if case.kind == "targets":
        ds = open_store(store).dataset()
        assert ds.targets["year"].between(*settings.TARGET_YEARS).all()
        pct = ds.targets["metric"].str.endswith("_pct")  # counts (new masts, 4G sites) have no upper bound
        assert ds.targets.loc[pct, "target"].dropna().between(0, 100).all()
        assert np.isfinite(ds.targets["target"].dropna()).all() and (ds.targets["target"].dropna() >= 0).all()


def test_exports_write_formulas_as_text(tmp_path, fresh_store):
    import openpyxl

    targets = tmp_path / "t.csv"
    targets.write_text('unit_code,metric,year,target,source\n001,shared_site_pct,2030,40,"=HYPERLINK(""http://'
                       '127.0.0.1:9/x"",""x"")"\n002,shared_site_pct,2030,40,@SUM(1+1)\n'
                       '003,shared_site_pct,2030,40,+1\n004,shared_site_pct,2030,40,-1\n')
    store = fresh_store
    assert run_cli("import", targets, "--kind", "targets", "--mode", "replace", "--store", store).returncode == 0
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"r.{fmt}"
        assert run_cli("report", "--store", store, "--layer", "district", "--as-of", "2025-12-31", "-o", out
                       ).returncode == 0
        if fmt == "csv":
            sources = pd.read_csv(out, dtype=str)["shared_site_pct:source"].iloc[:4].tolist()
        else:
            sheet = openpyxl.load_workbook(out)["units"]
            header = [c.value for c in sheet[1]]
            col = header.index("shared_site_pct:source") + 1
            cells = [sheet.cell(row=r, column=col) for r in range(2, 6)]
            assert all(c.data_type == "s" for c in cells)  # text, never a formula
            sources = [c.value for c in cells]
        assert sources == ["'=HYPERLINK(\"http://127.0.0.1:9/x\",\"x\")", "'@SUM(1+1)", "'+1", "'-1"], sources


@pytest.fixture(scope="module")
def data_view():
    at = app_test(timeout=180)
    at.run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _upload(at, kind, name, data):
    at.selectbox(key="upload_kind").set_value(kind).run()
    at.file_uploader(key="upload_file").set_value((name, data, "application/octet-stream")).run()
    assert not at.exception, (name, [e.value for e in at.exception])


def test_app_answers_every_case(data_view, tmp_path):
    at = data_view
    for case in CASES.values():
        if "--max-rows" in case.args:
            continue  # the app imports with the default limits
        _upload(at, case.kind, case.name, case.make(tmp_path))
        for option, key in (("--part", "upload_part"), ("--column", "upload_name_column")):
            if option in case.args:
                value = case.args[case.args.index(option) + 1].split("=")[-1]
                at.selectbox(key=key).set_value(value).run()
                assert not at.exception, (case.id, [e.value for e in at.exception])
        shown = " ".join(e.value for kind in ("error", "warning", "success", "text", "caption", "markdown")
                         for e in at.get(kind))
        assert SECRET not in shown, case.id
        if case.refused:
            assert [e.value for e in at.error] == ["This file cannot be imported. What is wrong and how to fix it:"], (
                case.id, shown)
            message = next((t.value for t in at.text if t.value.startswith(f"{case.name}: ")), shown)
            # the app names no CLI option: where the CLI says --max-…, the app names the setting
            in_app = re.sub(r"\.\*--[a-z-]+", ".*", case.refused)
            assert message.startswith(f"{case.name}: ") and re.search(in_app, message), (case.id, message)
            assert " --max" not in message, (case.id, message)
            continue
        # the other table lists revisions
        tables = [d.value for d in at.dataframe if "What is wrong" in d.value.columns]
        assert tables, (case.id, shown)
        report = tables[0]
        problems = {(None if pd.isna(r) else int(r), c, w)
                    for r, c, w in report[["Row", "Column", "What is wrong"]].values}
        assert _has(problems, case.problems), (case.id, problems)
        assert {r for r, _, _ in problems if r is not None} >= set(case.rejected), case.id
        status = next((e.value for e in [*at.success, *at.warning] if SUMMARY.search(e.value.replace("\\", ""))),
                      "")
        summary = SUMMARY.search(status.replace("\\", ""))
        assert summary, (case.id, shown)
        read, imported, _, rejected = map(int, summary.groups())
        assert read == imported + rejected and rejected == len(case.rejected), (case.id, status)


@pytest.mark.parametrize("name", [".", "..", "ab" * 150 + "đ.csv", "**bold**.csv", "[x](http://127.0.0.1:9).csv",
                                  "<img src=x onerror=alert(1)>.csv", "\u202eviction.csv", "a/../../b.csv"])
def test_app_shows_any_file_name_as_plain_text(data_view, name):
    at = data_view
    _upload(at, "sites", name, b"site_id,lat,lon\nS1,21.03,105.85\n")
    status = at.success[0].value
    shown = status.replace("\\", "")
    assert "(sites): read 1, imported 1 (repaired 0), rejected 0" in shown
    file = shown.split(" (sites)")[0]
    assert len(file) <= 120 and "\u202e" not in file and "/" not in file
    assert status == plain(f"{file} (sites): read 1, imported 1 (repaired 0), rejected 0")


def test_a_dataset_folder_whose_geopackage_is_a_vrt_is_refused(tmp_path, fresh_store):
    secret = tmp_path / "secret.csv"
    secret.write_text(f"name,lat,lon\n{SECRET},21.03,105.85\n")
    folder = tmp_path / "snapshot"
    folder.mkdir()
    (folder / settings.DEFAULT_GPKG.name).write_text(
        f'<OGRVRTDataSource><OGRVRTLayer name="admin_units"><SrcDataSource>CSV:{secret}</SrcDataSource>'
        "</OGRVRTLayer></OGRVRTDataSource>")
    for args in (("import", folder, "--kind", "dataset", "--store", fresh_store),
                 ("report", "--data", folder, "--as-of", "2025-12-31", "-o", tmp_path / "r.csv")):
        out = run_cli(*args)
        assert out.returncode == 2, (args[0], out.stdout + out.stderr)
        assert "is not a GeoPackage (its content is vrt)" in out.stderr, out.stderr
        assert SECRET not in out.stdout + out.stderr and "Traceback" not in out.stderr
    assert [r.id for r in open_store(fresh_store).revisions()] == [1]
