"""The team's store: PostgreSQL with PostGIS, the same revisions as the GeoPackage store.

Everything lives in one schema (``tracker`` unless ``TRACKER_PG_SCHEMA`` says
otherwise): ``revisions`` and ``versions``, and one table per frame version
(``f_<frame>_<version>``) with plain columns and, for spatial frames, a ``geom``
column of type ``geometry(Geometry, 4326)`` with a GiST index; the views
``units_latest``, ``sites_latest``… always show the latest revision, so QGIS opens
the same tables the app reads. A revision is one transaction: its new tables, their
rows (``COPY``), its bookkeeping and the views, after an advisory lock and a check
that nobody committed since its base.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import uuid
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from infra import settings
from infra.i18n import _
from infra.store.base import Conflict, Revision, Store, StoreError, Version, cannot_write, conflict, dumps, no_revision
from infra.store.frames import FRAMES, SPATIAL, restore, schema

try:  # the postgres extra: pip install "hanoi-telecom-tracker[postgres]"
    import psycopg
    from psycopg import sql
except ImportError:  # pragma: no cover - the GeoPackage store needs none of it
    psycopg = None
    sql = None

_PG_TYPE = {"text": "text", "int": "bigint", "float": "double precision", "bool": "boolean", "date": "timestamp"}
_LIGHT = ("id, created_at, user_name, kind, file_name, file_sha256, mode, message, read, imported, repaired, "
          "rejected, parent, manifest, key, figures")
log = logging.getLogger(__name__)
_LOCK = 0x7472_6163  # the advisory lock every commit takes ("trac")


def _table(frame: str, version: str) -> str:
    return f"f_{frame}_{version}"


class PostGISStore(Store):
    """Revisions in a PostGIS database.

    Parameters
    ----------
    url
        ``postgresql://user:password@host:port/database`` (libpq parameters welcome, e.g. ``?sslmode=require``).
    schema_name
        Schema to keep the tables in; ``None`` reads ``TRACKER_PG_SCHEMA``, else ``tracker``.

    Raises
    ------
    StoreError
        If psycopg is not installed, or the database cannot be reached or prepared.
    """

    read_workers = 5  # one connection per frame: opening the default data 0.74 s → 0.45 s

    def __init__(self, url: str, *, schema_name: str | None = None) -> None:
        if psycopg is None:
            raise StoreError("a PostGIS store needs psycopg: pip install \"hanoi-telecom-tracker[postgres]\"")
        self.url = url
        self.location = self.redact(url)
        self.schema = schema_name or os.environ.get("TRACKER_PG_SCHEMA", "tracker")
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", self.schema):
            raise StoreError(f"schema name {self.schema!r}: use lower-case letters, digits and _")
        with self._connect() as con:
            ready = con.execute("SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL",
                                (f"{self.schema}.revisions", f"{self.schema}.versions")).fetchone()[0]
            if not ready:  # a store made once needs no DDL (and a read-only role can open it)
                self._prepare(con)

    def _prepare(self, con) -> None:
        """Create the extension, the schema and the bookkeeping tables (once, under the store's lock)."""
        s = sql.Identifier(self.schema)
        try:
            with con.transaction():
                con.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))  # two first uses at once: one prepares
                try:
                    with con.transaction():
                        con.execute("CREATE EXTENSION IF NOT EXISTS postgis")
                except (psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedFile,
                        psycopg.errors.FeatureNotSupported) as exc:
                    raise StoreError(f"{self.location}: PostGIS is not available ({exc.diag.message_primary}); ask "
                                     "the database's administrator to install it and run CREATE EXTENSION postgis"
                                     ) from exc
                con.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(s))
                con.execute(sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {}.revisions (id serial PRIMARY KEY, created_at text NOT NULL, "
                    "user_name text NOT NULL, kind text NOT NULL, file_name text, file_sha256 text, mode text, "
                    "message text, read integer, imported integer, repaired integer, rejected integer, "
                    "parent integer, manifest jsonb NOT NULL, key text NOT NULL, figures jsonb, changes jsonb, "
                    "report jsonb)").format(s))
                con.execute(sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {}.versions (version text PRIMARY KEY, frame text NOT NULL, "
                    "content text NOT NULL, rows integer NOT NULL, provenance jsonb NOT NULL, kinds jsonb NOT NULL, "
                    "table_name text NOT NULL)").format(s))
                con.execute(sql.SQL("CREATE INDEX IF NOT EXISTS versions_content ON {}.versions (frame, content)"
                                    ).format(s))
        except psycopg.errors.InsufficientPrivilege as exc:
            raise StoreError(f"cannot prepare the store {self.location}: {exc.diag.message_primary}; the first use "
                             f"of a database needs a role that may create the schema {self.schema} (GRANT CREATE ON "
                             "DATABASE …), or an administrator who runs it once") from exc
        except psycopg.Error as exc:
            raise StoreError(f"cannot prepare the store {self.location}: {self._scrub(exc)}") from exc

    @staticmethod
    def secrets(url: str) -> list[str]:
        """The passwords a URL holds (in the user part or as ``?password=``), as written and decoded."""
        parts = urlsplit(url)
        found = [parts.password] if parts.password else []
        try:
            found += [v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k == "password" and v]
        except ValueError:
            pass
        return sorted({x for p in found for x in (p, unquote(p))} - {""}, key=len, reverse=True)

    @classmethod
    def redact(cls, url: str) -> str:
        """The URL without its passwords (user part and ``?password=``)."""
        parts = urlsplit(url)
        netloc = parts.netloc
        if parts.password is not None:
            netloc = netloc.rsplit("@", 1)
            netloc = netloc[0].split(":", 1)[0] + ":***@" + netloc[1]
        query = "&".join(("password=***" if q.split("=", 1)[0] == "password" else q)
                         for q in parts.query.split("&")) if parts.query else ""
        return urlunsplit(parts._replace(netloc=netloc, query=query))

    def _scrub(self, exc: BaseException | str) -> str:
        """An error's text without any password of the store's URL (libpq repeats what it could not parse)."""
        text = str(exc).strip()
        for secret in self.secrets(self.url):
            text = text.replace(secret, "***")
        return text

    def _connect(self):
        try:
            return psycopg.connect(self.url, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(_("cannot reach the store {store}: {error}").format(store=self.location,
                                                                                 error=self._scrub(exc))) from exc

    def _q(self, text: str) -> sql.Composed:
        return sql.SQL(text).format(s=sql.Identifier(self.schema))

    # --- reading ------------------------------------------------------------------------
    def revisions(self) -> list[Revision]:
        """Every revision, oldest first, without reports and changes."""
        with self._connect() as con:
            rows = con.execute(self._q(f"SELECT {_LIGHT} FROM {{s}}.revisions ORDER BY id")).fetchall()
        return [_light(r) for r in rows]

    def latest_id(self) -> int | None:
        """The latest revision's id, or None in an empty store (one query, not the whole list)."""
        with self._connect() as con:
            return con.execute(self._q("SELECT max(id) FROM {s}.revisions")).fetchone()[0]

    def revision(self, n: int | None = None) -> Revision:
        """One revision whole (``None``: the latest)."""
        with self._connect() as con:
            q = f"SELECT {_LIGHT}, changes, report FROM {{s}}.revisions "
            row = (con.execute(self._q(q + "ORDER BY id DESC LIMIT 1")).fetchone() if n is None
                   else con.execute(self._q(q + "WHERE id = %s"), (int(n),)).fetchone())
        if row is None:
            raise StoreError(no_revision(self.location, n))
        return dataclasses.replace(_light(row[:16]), changes=row[16] or [], report=row[17] or [])

    def _versions(self, versions: list[str]) -> dict[str, Version]:
        if not versions:
            return {}
        with self._connect() as con:
            rows = con.execute(self._q("SELECT version, frame, content, rows, provenance, kinds FROM {s}.versions "
                                       "WHERE version = ANY(%s)"), (list(versions),)).fetchall()
        return {r[0]: Version(*r) for r in rows}

    def _version_by_content(self, frame: str, content: str) -> str | None:
        with self._connect() as con:
            row = con.execute(self._q("SELECT version FROM {s}.versions WHERE frame = %s AND content = %s LIMIT 1"),
                              (frame, content)).fetchone()
        return None if row is None else row[0]

    def _read_frame(self, version: Version) -> pd.DataFrame:
        # typed rows over the binary protocol: no text format, so no value can pass for NULL or need unescaping
        cols = [c for c, _ in version.kinds]
        spatial = version.frame in SPATIAL
        select = sql.SQL(", ").join([sql.Identifier(c) for c in cols]
                                    + ([sql.SQL("ST_AsBinary(geom)")] if spatial else []))
        query = sql.SQL("SELECT {} FROM {}.{} ORDER BY rid").format(
            select, sql.Identifier(self.schema), sql.Identifier(_table(version.frame, version.version)))
        with self._connect() as con, con.cursor(binary=True) as cur:
            rows = cur.execute(query).fetchall()
        data = pd.DataFrame(rows, columns=[*cols, "geom"] if spatial else cols)
        if spatial:
            geom = shapely.from_wkb(data.pop("geom").to_numpy())
            data = gpd.GeoDataFrame(data, geometry=geom, crs=settings.DEFAULT_CRS)
        return restore(data, version.kinds, spatial=spatial)

    # --- writing ------------------------------------------------------------------------
    def _write_frame(self, frame: str, data: pd.DataFrame) -> tuple[str, list]:
        return uuid.uuid4().hex[:12], schema(data)  # the rows are written in the commit's transaction

    def _create_and_copy(self, cur, frame: str, vid: str, data: pd.DataFrame) -> None:
        kinds = schema(data)
        spatial = frame in SPATIAL
        table = sql.Identifier(self.schema, _table(frame, vid))
        columns = [sql.SQL("rid bigint PRIMARY KEY")] + [
            sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(_PG_TYPE[k])) for c, k in kinds]
        if spatial:
            columns.append(sql.SQL("geom geometry(Geometry, 4326)"))
        cur.execute(sql.SQL("CREATE TABLE {} ({})").format(table, sql.SQL(", ").join(columns)))
        names = [sql.Identifier("rid")] + [sql.Identifier(c) for c, _ in kinds] + (
            [sql.Identifier("geom")] if spatial else [])
        with cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table, sql.SQL(", ").join(names))) as copy:
            for chunk in _copy_text(data, kinds, spatial):
                copy.write(chunk)
        if spatial:
            cur.execute(sql.SQL("CREATE INDEX ON {} USING gist (geom)").format(table))

    def _commit(self, revision: Revision, versions: list[Version], *, base: int | None,
                rows: dict[str, pd.DataFrame]) -> Revision:
        try:
            with self._connect() as con, con.transaction(), con.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
                latest = cur.execute(self._q("SELECT id, user_name, created_at FROM {s}.revisions "
                                             "ORDER BY id DESC LIMIT 1")).fetchone()
                if (latest[0] if latest else None) != base:
                    raise Conflict(conflict(latest, base))
                for v in versions:
                    self._create_and_copy(cur, v.frame, v.version, rows[v.version])
                for v in versions:
                    cur.execute(self._q("INSERT INTO {s}.versions VALUES (%s, %s, %s, %s, %s, %s, %s)"),
                                (v.version, v.frame, v.content, v.rows, dumps(v.provenance),
                                 dumps(v.kinds), _table(v.frame, v.version)))
                rid = cur.execute(self._q(
                    "INSERT INTO {s}.revisions (created_at, user_name, kind, file_name, file_sha256, mode, message, "
                    "read, imported, repaired, rejected, parent, manifest, key, figures, changes, report) VALUES "
                    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id"),
                    (revision.created_at, revision.user, revision.kind, revision.file_name, revision.file_sha256,
                     revision.mode, revision.message, revision.read, revision.imported, revision.repaired,
                     revision.rejected, base, dumps(revision.manifest), revision.key,
                     dumps(revision.figures), dumps(revision.changes), dumps(revision.report)),
                ).fetchone()[0]
                for frame in FRAMES:
                    self._point_view(con, cur, frame, revision.manifest.get(frame))
        except psycopg.Error as exc:
            raise StoreError(cannot_write(self.location, self._scrub(exc))) from exc
        return dataclasses.replace(revision, id=rid)


    def _point_view(self, con, cur, frame: str, version: str | None) -> None:
        """``<frame>_latest`` shows ``version``; a view someone built on it never blocks a revision (a warning)."""
        view = sql.Identifier(self.schema, f"{frame}_latest")
        attempts = [sql.SQL("DROP VIEW IF EXISTS {}").format(view)]
        if version is not None:
            source = sql.Identifier(self.schema, _table(frame, version))
            attempts = [sql.SQL("CREATE OR REPLACE VIEW {} AS SELECT * FROM {}").format(view, source),
                        sql.SQL("DROP VIEW IF EXISTS {v}; CREATE VIEW {v} AS SELECT * FROM {s}").format(v=view,
                                                                                                    s=source)]
        for statement in attempts:
            try:
                with con.transaction():  # a savepoint: a failed attempt leaves the revision's transaction intact
                    cur.execute(statement)
                return
            except psycopg.Error as exc:
                why = exc.diag.message_primary or str(exc)
        log.warning("%s.%s_latest still shows an earlier revision (%s); the revision is saved — drop or change "
                    "the objects that depend on the view", self.schema, frame, why)


_NULL = "\\N"
_CHUNK_ROWS = 50_000


def _text_column(values: pd.Series, kind: str) -> pa.Array:
    """One column in COPY's text format (escaped, the NULL mark where empty), computed by Arrow, not per value."""
    if kind == "date":
        when = pa.array(pd.to_datetime(values).astype("datetime64[ms]"), from_pandas=True)
        out = pc.strftime(when, format="%Y-%m-%d %H:%M:%S")
    elif kind == "bool":
        out = pc.if_else(pa.array(values.astype(bool)), "t", "f")
    elif kind == "int":
        out = pc.cast(pa.array(pd.to_numeric(values).astype("int64")), pa.string())
    elif kind == "float":
        out = pc.cast(pa.array(pd.to_numeric(values).astype("float64"), from_pandas=True), pa.string())
    else:
        try:
            out = pc.cast(pa.array(values, from_pandas=True), pa.string())  # text columns: no copy
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):  # mixed objects: as text
            out = pa.array(values.astype(object).where(values.notna(), None).map(str, na_action="ignore"),
                           type=pa.string(), from_pandas=True)
        for char, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
            out = pc.replace_substring(out, char, escaped)
    return pc.fill_null(out, _NULL)


def _copy_text(data: pd.DataFrame, kinds: list, spatial: bool):
    """A frame as chunks of COPY text (tab-separated, escaped), the row number first, the geometry as hex EWKB."""
    for start in range(0, len(data), _CHUNK_ROWS):
        part = data.iloc[start:start + _CHUNK_ROWS]
        cols = [pc.cast(pa.array(np.arange(start, start + len(part))), pa.string())]
        cols += [_text_column(part[col].reset_index(drop=True), kind) for col, kind in kinds]
        if spatial:
            geom = shapely.set_srid(part.geometry.to_numpy(), 4326)
            hexes = pa.array(shapely.to_wkb(geom, hex=True, include_srid=True), type=pa.string(), from_pandas=True)
            cols.append(pc.fill_null(hexes, _NULL))
        lines = pc.binary_join_element_wise(*cols, "\t")
        yield ("\n".join(lines.to_pylist()) + "\n").encode("utf-8")


def _light(row: tuple) -> Revision:
    (rid, created, user, kind, file_name, sha, mode, message, read, imported, repaired, rejected, parent, manifest,
     key, figures) = row
    return Revision(rid, created, user, kind, file_name or "", sha or "", mode or "", message or "", read or 0,
                    imported or 0, repaired or 0, rejected or 0, parent, dict(manifest), key, dict(figures or {}))
