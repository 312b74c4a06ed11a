"""The store, on GeoPackage and on a real PostGIS: revisions, reverts, conflicts, and nothing lost.

The PostGIS server is a throwaway cluster started by the tests (tests/postgis.py).
"""

from __future__ import annotations

import dataclasses
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid

import numpy as np
import pandas as pd
import psycopg
import pytest
from geopandas.testing import assert_geodataframe_equal
from pandas.testing import assert_frame_equal

from infra import read_dataset
from infra.store import Conflict, StoreError, apply_import, open_store
from infra.store.frames import content_hash
from infra.store.gpkg import GeoPackageStore
from tests import postgis
from tests.cli import run_cli

DEFAULT_SITES = len(read_dataset().sites)  # revision 1's sites: the default data's (synthetic) inventory


@pytest.fixture(scope="module")
def pg_server():
    """The test server, with a template database whose store already holds revision 1."""
    postgis.need_server()
    server = postgis.Server().start()
    open_store(server.new_database("store_template"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def gpkg_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "store.gpkg"
    open_store(path)
    return path


@pytest.fixture(params=["gpkg", "postgis"])
def location(request, tmp_path):
    """A store of each kind holding revision 1 (the default data): a copy of a template, made in a moment."""
    if request.param == "gpkg":
        shutil.copy(request.getfixturevalue("gpkg_template"), tmp_path / "store.gpkg")
        return str(tmp_path / "store.gpkg")
    server = request.getfixturevalue("pg_server")
    return server.new_database(f"t_{uuid.uuid4().hex[:10]}", template="store_template")


@pytest.fixture(params=["gpkg", "postgis"])
def empty_location(request, tmp_path):
    """A store of each kind with nothing in it yet."""
    if request.param == "gpkg":
        return str(tmp_path / "store.gpkg")
    return request.getfixturevalue("pg_server").new_database(f"e_{uuid.uuid4().hex[:10]}")


def sites_file(tmp_path, n=3, name="sites.csv", start=0):
    rng = np.random.default_rng(n + start)
    rows = "".join(f"T{start + i},Trạm {i},Viettel,A1a,{rng.uniform(21.0, 21.05):.5f},"
                   f"{rng.uniform(105.8, 105.85):.5f}\n" for i in range(n))
    path = tmp_path / name
    path.write_text("site_id,name,owner,mast_class,lat,lon\n" + rows, encoding="utf-8")
    return path


def test_a_new_store_holds_the_default_data_as_revision_1(empty_location, default_ds):
    location = empty_location
    store = open_store(location)
    revs = store.revisions()
    assert [(r.id, r.kind, r.user) for r in revs] == [(1, "default", "telecom-tracker")]
    ds = store.dataset()
    for frame in ("units", "sites", "zones"):
        assert_geodataframe_equal(getattr(ds, frame), getattr(default_ds, frame))
    for frame in ("radios", "targets"):
        assert_frame_equal(getattr(ds, frame), getattr(default_ds, frame))
    assert ds.provenance == default_ds.provenance and ds.figures == default_ds.figures
    assert open_store(location).revisions() == revs  # opened again: nothing added


AWKWARD = ["tab\there", "line\nbreak", "back\\slash", "\\N", "", "Đình \"Bảng\" ,;", "cr\r", None]


def test_awkward_values_come_back_exactly(location, default_ds):
    """Text with COPY's and CSV's special characters, missing vs empty, extreme floats: read back as written."""
    n = len(AWKWARD)
    sites = default_ds.sites.iloc[:n].copy()
    sites["name"] = pd.Series(AWKWARD, dtype=sites["name"].dtype, index=sites.index)
    sites["height_m"] = [0.1, 1e-300, 1.7976931348623157e308, -0.0, 12.5, np.nan, 3.0, 2 / 3]
    radios = default_ds.radios[default_ds.radios["site_id"].isin(sites["site_id"])]
    ds = dataclasses.replace(default_ds, sites=sites.reset_index(drop=True), radios=radios.reset_index(drop=True))
    store = open_store(location)
    store.commit(ds, base=1, kind="sites")
    back = open_store(location).dataset()
    assert_geodataframe_equal(back.sites, ds.sites)
    assert_frame_equal(back.radios, ds.radios)


def test_an_import_is_a_revision_and_every_revision_stays_readable(location, tmp_path):
    path = sites_file(tmp_path)
    assert run_cli("import", path, "--kind", "sites", "--mode", "replace", "--store", location,
                   "--user", "lan").returncode == 0
    store = open_store(location)
    one, two = store.revision(1), store.revision(2)
    assert (two.kind, two.user, two.file_name, two.parent, two.read, two.imported) == ("sites", "lan", "sites.csv",
                                                                                      1, 3, 3)
    assert two.file_sha256 and len(two.file_sha256) == 64
    assert two.manifest["units"] == one.manifest["units"]  # an unchanged frame keeps its version
    assert two.manifest["sites"] != one.manifest["sites"] and two.key != one.key
    assert [c["frame"] for c in two.changes] == ["sites"] and two.changes[0]["dropped"] == DEFAULT_SITES
    assert len(store.dataset().sites) == 3
    assert len(store.dataset(1).sites) == DEFAULT_SITES  # revision 1 is still there
    out = run_cli("revisions", "--store", location)
    assert "2 revision(s)" in out.stdout and "sites.csv" in out.stdout and "lan" in out.stdout
    shown = run_cli("revisions", "--show", "2", "--store", location).stdout
    assert f"sites: {DEFAULT_SITES:,} rows before, 3 after" in shown
    assert "read 3, imported 3" in shown and two.file_sha256 in shown


def test_a_revert_is_a_new_revision_with_the_old_data(location, tmp_path):
    run_cli("import", sites_file(tmp_path), "--kind", "sites", "--mode", "replace", "--store", location)
    out = run_cli("revert", "1", "--store", location, "--user", "hoa")
    assert out.returncode == 0 and "revision 3" in out.stdout
    store = open_store(location)
    three = store.revision(3)
    assert (three.kind, three.user, three.parent) == ("revert", "hoa", 2)
    assert three.manifest == store.revision(1).manifest and three.key == store.revision(1).key  # caches are shared
    assert len(store.dataset().sites) == DEFAULT_SITES and len(store.revisions()) == 3


def test_a_commit_from_a_stale_revision_fails_and_writes_nothing(location, tmp_path, default_ds):
    store = open_store(location)
    run_cli("import", sites_file(tmp_path), "--kind", "sites", "--store", location)
    changed = dataclasses.replace(default_ds, targets=default_ds.targets.iloc[:10])
    with pytest.raises(Conflict, match="revision 2 by .* came after revision 1"):
        store.commit(changed, base=1, kind="targets")
    assert [r.id for r in store.revisions()] == [1, 2]


def test_update_mode_keeps_what_the_file_lacks(location, tmp_path):
    run_cli("import", sites_file(tmp_path, 3), "--kind", "sites", "--mode", "replace", "--store", location)
    out = run_cli("import", sites_file(tmp_path, 2, "more.csv", start=2), "--kind", "sites", "--store", location)
    assert "1 replaced, 1 added, 2 kept, 0 dropped; not in the file: T0, T1" in out.stdout
    assert sorted(open_store(location).dataset().sites["site_id"]) == ["T0", "T1", "T2", "T3"]


def test_a_snapshot_goes_out_and_comes_back(location, tmp_path):
    run_cli("import", sites_file(tmp_path), "--kind", "sites", "--mode", "replace", "--store", location)
    assert run_cli("snapshot", "--store", location, "--revision", "2", "-o", tmp_path / "snap").returncode == 0
    other = str(tmp_path / "other.gpkg")
    out = run_cli("import", tmp_path / "snap", "--kind", "dataset", "--store", other)
    assert out.returncode == 0, out.stderr
    assert open_store(other).revision().key == open_store(location).revision(2).key


def test_listing_and_reading_say_what_is_wrong(tmp_path):
    store = GeoPackageStore(tmp_path / "none.gpkg")
    assert store.revisions() == []
    with pytest.raises(StoreError, match="no revision yet"):
        store.revision()
    opened = open_store(tmp_path / "s.gpkg")
    with pytest.raises(StoreError, match="has no revision 7"):
        opened.revision(7)
    out = run_cli("report", "--store", tmp_path / "s.gpkg", "--revision", "7", "-o", tmp_path / "r.csv")
    assert out.returncode == 2 and "has no revision 7" in out.stderr and "Traceback" not in out.stderr


# --- nothing lost: a killed process, a full disk, two writers at once -------------------------------------------
def big_sites(tmp_path, n=20_000):
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"site_id": [f"B{i}" for i in range(n)], "name": "Trạm", "owner": "Viettel", "mast_class": "A1a",
                       "lat": rng.uniform(20.9, 21.1, n).round(6), "lon": rng.uniform(105.7, 105.9, n).round(6)})
    path = tmp_path / "big.csv"
    df.to_csv(path, index=False)
    return path


def cli(*args, env=None, preexec_fn=None):
    return subprocess.Popen([sys.executable, "-m", "infra", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, preexec_fn=preexec_fn)


def writing(location: str) -> bool:
    """The store is being written: a GeoPackage's journal exists, or the server runs a COPY."""
    if not location.startswith("postgresql://"):
        return os.path.exists(location + "-journal")
    with psycopg.connect(location) as con:
        return bool(con.execute("SELECT count(*) FROM pg_stat_activity WHERE query ILIKE 'COPY%%' AND pid <> "
                                "pg_backend_pid()").fetchone()[0])


def test_a_process_killed_mid_import_leaves_the_previous_revision(location, tmp_path):
    open_store(location)
    proc = cli("import", big_sites(tmp_path), "--kind", "sites", "--store", location)
    deadline = time.time() + 120
    while not writing(location):  # wait for the write to start, then kill the process in the middle of it
        assert proc.poll() is None and time.time() < deadline, "the import ended before it was seen writing"
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    store = open_store(location)
    assert store.latest_id() == 1 and len(store.dataset().sites) == DEFAULT_SITES  # the previous revision, whole
    ok = run_cli("import", sites_file(tmp_path), "--kind", "sites", "--store", location)
    assert ok.returncode == 0 and "Traceback" not in ok.stderr  # the next command finds nothing wrong
    assert open_store(location).latest_id() == 2


def test_a_full_disk_fails_the_import_clearly_and_keeps_the_previous_revision(tmp_path, gpkg_template):
    location = tmp_path / "store.gpkg"
    shutil.copy(gpkg_template, location)
    limit = location.stat().st_size + 64 * 1024  # the file may grow by 64 KB, then the disk is "full"

    def full_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = cli("import", big_sites(tmp_path, 5_000), "--kind", "sites", "--store", location, preexec_fn=full_disk)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 2, err
    assert "cannot write to the store" in err and "stays at its previous revision" in err and "Traceback" not in err
    assert open_store(location).latest_id() == 1 and len(open_store(location).dataset().sites) == DEFAULT_SITES


def test_a_full_disk_on_the_postgis_server_fails_the_import_clearly(tmp_path):
    postgis.need_server()
    server = postgis.Server().start()
    try:
        location = server.url()
        open_store(location)
        server.restart(file_size_limit_kb=2048)  # no file may grow past 2 MB (WAL segments are 1 MB): a full disk
        out = run_cli("import", big_sites(tmp_path, 20_000), "--kind", "sites", "--store", location)
        assert out.returncode == 2 and "cannot write to the store" in out.stderr, out.stderr
        assert "stays at its previous revision" in out.stderr and "Traceback" not in out.stderr
        assert open_store(location).latest_id() == 1
    finally:
        server.stop()


@pytest.mark.parametrize("shared", [False, True], ids=["two-objects", "one-object"])
def test_two_imports_at_once_both_land_or_one_fails_clearly(location, default_ds, shared):
    """Two writers started together, each with its store object or through the one the app shares between
    sessions: never a corrupt store, never a silent loss, never one writer's rows in the other's revision."""
    one = open_store(location)
    ready = threading.Barrier(2)
    outcomes: list = []

    def write(n: int) -> None:
        store = one if shared else open_store(location)
        ds = dataclasses.replace(default_ds, sites=default_ds.sites.iloc[: 100 * n],
                                 radios=default_ds.radios.iloc[:0])
        ready.wait()
        try:
            outcomes.append(store.commit(ds, base=1, kind="sites", file_name=f"{n}.csv"))
        except StoreError as exc:  # a Conflict is expected; any other error fails the test with its words
            outcomes.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    landed = [o for o in outcomes if not isinstance(o, Exception)]
    failed = [o for o in outcomes if isinstance(o, Exception)]
    assert len(landed) == 1 and len(failed) == 1, outcomes  # both started from revision 1: the second must not land
    assert isinstance(failed[0], Conflict), failed[0]
    assert "the store changed while this was being prepared" in str(failed[0]) and "run it again" in str(failed[0])
    revs = open_store(location).revisions()
    assert [r.id for r in revs] == [1, 2] and revs[1].file_name == landed[0].file_name
    for r in revs:
        assert len(open_store(location).dataset(r.id).sites) in (DEFAULT_SITES, 100, 200)
    assert len(open_store(location).dataset().sites) == int(landed[0].file_name.split(".")[0]) * 100
    retry = open_store(location).commit(dataclasses.replace(default_ds, radios=default_ds.radios.iloc[:0],
                                                            sites=default_ds.sites.iloc[:5]), base=2, kind="sites")
    assert retry.id == 3 and len(open_store(location).dataset().sites) == 5  # nothing left over from the loser


def test_polygons_and_multipolygons_come_back_as_they_went(location, default_ds):
    """A real district file (polygons) beside the default communes (multipolygons): read back alike, hashed alike."""
    units = default_ds.units.copy()
    first = units.index[0]
    units.loc[first, "geometry"] = units.geometry[first].geoms[0] if units.geometry[first].geom_type == \
        "MultiPolygon" else units.geometry[first]
    assert set(units.geom_type) == {"Polygon", "MultiPolygon"}
    ds = dataclasses.replace(default_ds, units=units)
    store = open_store(location)
    rev = store.commit(ds, base=1, kind="boundaries")
    back = open_store(location).dataset()
    assert list(back.units.geom_type) == list(units.geom_type)
    assert content_hash(back.units) == content_hash(units)
    again = store.commit(back, base=rev.id, kind="boundaries")
    assert again.manifest == rev.manifest  # nothing changed, nothing written again


def test_the_same_rows_from_another_source_are_another_dataset(location, default_ds):
    prov = dict(default_ds.provenance)
    prov["sites"] = dataclasses.replace(prov["sites"], source="towers.xlsx", synthetic=False)
    rev = open_store(location).commit(dataclasses.replace(default_ds, provenance=prov), base=1, kind="sites")
    first = open_store(location).revision(1)
    assert rev.key != first.key and rev.manifest["units"] == first.manifest["units"]
    assert open_store(location).dataset().provenance["sites"].source == "towers.xlsx"


@pytest.mark.parametrize("bad", ["postgresql://nobody@127.0.0.1:1/none"])
def test_an_unreachable_postgis_is_one_clear_error(bad, tmp_path):
    out = run_cli("revisions", "--store", bad)
    assert out.returncode == 2 and "cannot reach the store postgresql://nobody@127.0.0.1:1/none" in out.stderr


def test_a_password_never_shows(monkeypatch):
    from infra.store import describe

    assert describe("postgresql://lan:s3cret@db.so.vn:5432/tracker") == "postgresql://lan:***@db.so.vn:5432/tracker"
    assert describe("postgresql://lan@db/t?sslmode=require&password=s3cret") == \
        "postgresql://lan@db/t?sslmode=require&password=***"
    for url in ("postgresql://lan:s3cret@127.0.0.1:1/tracker", "postgresql://lan:s3cr%et@127.0.0.1:1/tracker",
                "postgresql://lan@127.0.0.1:1/tracker?password=s3cret"):
        monkeypatch.setenv("TRACKER_STORE", url)
        out = run_cli("revisions")
        assert out.returncode == 2 and "s3cr" not in out.stderr + out.stdout and "***" in out.stderr, out.stderr


def test_a_view_built_on_the_latest_tables_never_blocks_a_revision(pg_server, default_ds, caplog):
    url = pg_server.new_database(f"v_{uuid.uuid4().hex[:10]}", template="store_template")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE VIEW public.big_masts AS SELECT site_id FROM tracker.sites_latest")
    ds = dataclasses.replace(default_ds, sites=default_ds.sites.iloc[:10], radios=default_ds.radios.iloc[:0])
    rev = open_store(url).commit(ds, base=1, kind="sites")
    assert rev.id == 2 and len(open_store(url).dataset().sites) == 10
    with psycopg.connect(url) as con:  # a view of the same columns follows the new revision
        assert con.execute("SELECT count(*) FROM public.big_masts").fetchone()[0] == 10


def test_a_role_that_may_not_create_gets_told_what_to_grant(pg_server):
    url = pg_server.new_database(f"r_{uuid.uuid4().hex[:10]}")
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        con.execute("DROP ROLE IF EXISTS reader")
        con.execute("CREATE ROLE reader LOGIN")
        con.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    reader = url.replace(f"{pg_server.user}@", "reader@", 1)
    with pytest.raises(StoreError, match="GRANT CREATE ON DATABASE"):
        open_store(reader)


def test_apply_import_validates_its_mode(default_ds):
    with pytest.raises(ValueError, match="mode must be one of update, replace"):
        apply_import(default_ds, {}, source="x", mode="merge")


def test_env_names_the_store(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_STORE", str(tmp_path / "env.gpkg"))
    out = run_cli("revisions")
    assert out.returncode == 0 and str(tmp_path / "env.gpkg") in out.stdout
    assert os.path.exists(tmp_path / "env.gpkg")
