"""The embedded store: one GeoPackage (SQLite) file, zero setup.

Each frame version is a layer of its own (``f_<frame>_<version>``, written by GDAL
through pyogrio, with an R-tree for the spatial ones), so QGIS opens any of them;
the bookkeeping is two plain SQLite tables, ``tracker_revisions`` and
``tracker_versions``, written by :mod:`sqlite3` in one ``BEGIN IMMEDIATE``
transaction per revision. SQLite's journal keeps the file whole if a process dies
mid-write; layers that no revision names are never read.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import shutil
import sqlite3
import threading
import uuid
from pathlib import Path

import pandas as pd
import pyogrio

from infra.i18n import _
from infra.store.base import Conflict, Revision, Store, StoreError, Version, cannot_write, conflict, dumps, no_revision
from infra.store.frames import SPATIAL, restore, schema

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tracker_revisions (
    id INTEGER PRIMARY KEY, created_at TEXT NOT NULL, user TEXT NOT NULL, kind TEXT NOT NULL,
    file_name TEXT, file_sha256 TEXT, mode TEXT, message TEXT,
    read INTEGER, imported INTEGER, repaired INTEGER, rejected INTEGER, parent INTEGER,
    manifest TEXT NOT NULL, key TEXT NOT NULL, figures TEXT, changes TEXT, report TEXT);
CREATE TABLE IF NOT EXISTS tracker_versions (
    version TEXT PRIMARY KEY, frame TEXT NOT NULL, content TEXT NOT NULL, rows INTEGER NOT NULL,
    provenance TEXT NOT NULL, kinds TEXT NOT NULL, layer TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS tracker_versions_content ON tracker_versions (frame, content);
"""
_LIGHT = ("id, created_at, user, kind, file_name, file_sha256, mode, message, read, imported, repaired, rejected, "
          "parent, manifest, key, figures")
#: How long a writer waits for another one to finish (ms), in SQLite and in GDAL.
BUSY_MS = 30_000
#: One access to a store file at a time in this process. GDAL (pyogrio's wheel) carries its own copy of SQLite
#: beside Python's, and two copies in one process break each other's POSIX locks (closing a file drops every
#: lock the process holds on it: https://www.sqlite.org/howtocorrupt.html#multiple_copies_of_sqlite_linked_into_the_same_application),
#: which showed as "malformed database schema" when two sessions saved at once. Between processes SQLite's own
#: locks hold, since within each process one copy at a time has the file open. It also guards GDAL's
#: process-wide configuration (the busy timeout).
_FILE = threading.RLock()


def _layer(frame: str, version: str) -> str:
    return f"f_{frame}_{version}"


class GeoPackageStore(Store):
    """Revisions in one GeoPackage file; created on first write.

    Parameters
    ----------
    path
        The ``.gpkg`` file (its folder is created when needed).
    """

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path).expanduser()
        self.location = str(self.path)

    # --- connections --------------------------------------------------------------
    @contextlib.contextmanager
    def _db(self, *, write: bool = False):
        if not write and not self.path.exists():
            yield None
            return
        with _FILE:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                con = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None)
            except (OSError, sqlite3.Error) as exc:
                raise StoreError(_("cannot open the store {store}: {error}").format(store=self.location,
                                                                                   error=exc)) from exc
            try:
                if write:
                    con.executescript(_SCHEMA)
                yield con
            except sqlite3.OperationalError as exc:
                raise StoreError(_explain(exc, self.location)) from exc
            finally:
                con.close()

    def _has_tables(self, con: sqlite3.Connection) -> bool:
        return con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'tracker_revisions'").fetchone()[0] == 1

    # --- reading ------------------------------------------------------------------------
    def revisions(self) -> list[Revision]:
        """Every revision, oldest first, without reports and changes."""
        with self._db() as con:
            if con is None or not self._has_tables(con):
                return []
            rows = con.execute(f"SELECT {_LIGHT} FROM tracker_revisions ORDER BY id").fetchall()
        return [_light(r) for r in rows]

    def latest_id(self) -> int | None:
        """The latest revision's id, or None in an empty store (one query, not the whole list)."""
        with self._db() as con:
            if con is None or not self._has_tables(con):
                return None
            return con.execute("SELECT max(id) FROM tracker_revisions").fetchone()[0]

    def revision(self, n: int | None = None) -> Revision:
        """One revision whole (``None``: the latest)."""
        with self._db() as con:
            if con is None or not self._has_tables(con):
                raise StoreError(no_revision(self.location, None))
            sql = f"SELECT {_LIGHT}, changes, report FROM tracker_revisions "
            row = (con.execute(sql + "ORDER BY id DESC LIMIT 1").fetchone() if n is None
                   else con.execute(sql + "WHERE id = ?", (int(n),)).fetchone())
        if row is None:
            raise StoreError(no_revision(self.location, n))
        return dataclasses.replace(_light(row[:16]), changes=json.loads(row[16] or "[]"),
                                   report=json.loads(row[17] or "[]"))

    def _versions(self, versions: list[str]) -> dict[str, Version]:
        if not versions:
            return {}
        with self._db() as con:
            marks = ",".join("?" * len(versions))
            rows = con.execute(f"SELECT version, frame, content, rows, provenance, kinds, layer FROM tracker_versions "
                               f"WHERE version IN ({marks})", versions).fetchall()
        return {r[0]: Version(r[0], r[1], r[2], r[3], json.loads(r[4]), json.loads(r[5])) for r in rows}

    def _version_by_content(self, frame: str, content: str) -> str | None:
        with self._db() as con:
            if con is None or not self._has_tables(con):
                return None
            row = con.execute("SELECT version FROM tracker_versions WHERE frame = ? AND content = ? LIMIT 1",
                              (frame, content)).fetchone()
        return None if row is None else row[0]

    def _read_frame(self, version: Version) -> pd.DataFrame:
        try:
            with _FILE:
                data = pyogrio.read_dataframe(self.path, layer=_layer(version.frame, version.version),
                                              use_arrow=True)
        except Exception as exc:  # a version a revision names must be there: say which
            raise StoreError(_("the store {store} lacks the {frame} of version {version} ({error}); the file was "
                               "changed outside the tracker").format(store=self.location, frame=version.frame,
                                                                     version=version.version,
                                                                     error=f"{type(exc).__name__}: {exc}")) from exc
        return restore(data, version.kinds, spatial=version.frame in SPATIAL)

    # --- writing ------------------------------------------------------------------------
    def _write_frame(self, frame: str, data: pd.DataFrame) -> tuple[str, list]:
        vid = uuid.uuid4().hex[:12]
        options = {"SPATIAL_INDEX": "YES"} if frame in SPATIAL else {}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _FILE:
            pyogrio.set_gdal_config_options({"OGR_SQLITE_PRAGMA": f"busy_timeout={BUSY_MS}"})
            try:
                pyogrio.write_dataframe(data.reset_index(drop=True), self.path, layer=_layer(frame, vid),
                                        driver="GPKG", layer_options=options, use_arrow=True,
                                        # polygons stay polygons next to multipolygons: what is read back is
                                        # what was committed (and hashes the same)
                                        geometry_type="Unknown" if frame in SPATIAL else None,
                                        promote_to_multi=False)
            except Exception as exc:
                raise StoreError(_explain(exc, self.location)) from exc
            finally:
                pyogrio.set_gdal_config_options({"OGR_SQLITE_PRAGMA": None})
        return vid, schema(data)

    def _commit(self, revision: Revision, versions: list[Version], *, base: int | None,
                rows: dict[str, pd.DataFrame]) -> Revision:  # the rows were written by _write_frame
        with self._db(write=True) as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                latest = con.execute("SELECT id, user, created_at FROM tracker_revisions ORDER BY id DESC LIMIT 1"
                                     ).fetchone()
                if (latest[0] if latest else None) != base:
                    raise Conflict(conflict(latest, base))
                con.executemany("INSERT INTO tracker_versions VALUES (?, ?, ?, ?, ?, ?, ?)",
                                [(v.version, v.frame, v.content, v.rows, dumps(v.provenance),
                                  dumps(v.kinds), _layer(v.frame, v.version)) for v in versions])
                cur = con.execute(
                    "INSERT INTO tracker_revisions (created_at, user, kind, file_name, file_sha256, mode, message, "
                    "read, imported, repaired, rejected, parent, manifest, key, figures, changes, report) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (revision.created_at, revision.user, revision.kind, revision.file_name, revision.file_sha256,
                     revision.mode, revision.message, revision.read, revision.imported, revision.repaired,
                     revision.rejected, base, dumps(revision.manifest), revision.key,
                     dumps(revision.figures), dumps(revision.changes), dumps(revision.report)))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return dataclasses.replace(revision, id=cur.lastrowid)


def _light(row: tuple) -> Revision:
    (rid, created, user, kind, file_name, sha, mode, message, read, imported, repaired, rejected, parent, manifest,
     key, figures) = row
    return Revision(rid, created, user, kind, file_name or "", sha or "", mode or "", message or "", read or 0,
                    imported or 0, repaired or 0, rejected or 0, parent, json.loads(manifest), key,
                    json.loads(figures or "{}"))


def _explain(exc: Exception, where: str) -> str:
    """A store error in words: full disk, locked, read-only, or what the database said."""
    text = str(exc)
    low = text.lower()
    if ("disk is full" in low or "database or disk" in low or "no space" in low or "too large" in low
            or "file size" in low):
        why = _("the disk is full (or a size limit was reached)")
    elif "disk i/o" in low:
        why = _("the disk is full or failing (disk I/O error)")
    elif "locked" in low or "busy" in low:
        why = _("another process is writing and did not finish within {seconds} s").format(seconds=BUSY_MS // 1000)
    elif "readonly" in low or "read-only" in low or "permission" in low:
        why = _("the file cannot be written (read-only, or no permission)")
    else:
        why = text
    with contextlib.suppress(OSError):
        if shutil.disk_usage(Path(where).parent).free < 16 * 1024 * 1024:
            why = _("the disk is full ({why})").format(why=why)
    return cannot_write(where, why)
