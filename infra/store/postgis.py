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
import io
import os
import re
import uuid
from urllib.parse import urlsplit, urlunsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from infra import settings
from infra.store.base import Conflict, Revision, Store, StoreError, Version, dumps
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
_LOCK = 0x7472_6163  # the advisory lock every commit takes ("trac")


def is_url(location: str) -> bool:
    """A PostgreSQL URL (``postgresql://…`` or ``postgres://…``)."""
    return str(location).startswith(("postgresql://", "postgres://"))


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

    def __init__(self, url: str, *, schema_name: str | None = None) -> None:
        if psycopg is None:
            raise StoreError("a PostGIS store needs psycopg: pip install \"hanoi-telecom-tracker[postgres]\"")
        self.url = url
        self.location = self.redact(url)
        self.schema = schema_name or os.environ.get("TRACKER_PG_SCHEMA", "tracker")
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", self.schema):
            raise StoreError(f"schema name {self.schema!r}: use lower-case letters, digits and _")
        self._pending: list[tuple[str, str, pd.DataFrame]] = []
        with self._connect() as con:
            try:
                con.execute("CREATE EXTENSION IF NOT EXISTS postgis")
            except (psycopg.errors.InsufficientPrivilege, psycopg.errors.UndefinedFile,
                    psycopg.errors.FeatureNotSupported) as exc:
                raise StoreError(f"{self.location}: PostGIS is not available ({exc.diag.message_primary}); ask the "
                                 "database's administrator to install it and run CREATE EXTENSION postgis") from exc
            except psycopg.Error as exc:
                raise StoreError(f"cannot prepare the store {self.location}: {str(exc).strip()}") from exc
            s = sql.Identifier(self.schema)
            con.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(s))
            con.execute(sql.SQL(
                "CREATE TABLE IF NOT EXISTS {}.revisions (id serial PRIMARY KEY, created_at text NOT NULL, "
                "user_name text NOT NULL, kind text NOT NULL, file_name text, file_sha256 text, mode text, "
                "message text, read integer, imported integer, repaired integer, rejected integer, parent integer, "
                "manifest jsonb NOT NULL, key text NOT NULL, figures jsonb, changes jsonb, report jsonb)").format(s))
            con.execute(sql.SQL(
                "CREATE TABLE IF NOT EXISTS {}.versions (version text PRIMARY KEY, frame text NOT NULL, "
                "content text NOT NULL, rows integer NOT NULL, provenance jsonb NOT NULL, kinds jsonb NOT NULL, "
                "table_name text NOT NULL)").format(s))
            con.execute(sql.SQL("CREATE INDEX IF NOT EXISTS versions_content ON {}.versions (frame, content)"
                                ).format(s))

    @staticmethod
    def redact(url: str) -> str:
        """The URL without its password."""
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))

    def _connect(self):
        try:
            return psycopg.connect(self.url, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(f"cannot reach the store {self.location}: {str(exc).strip()}") from exc

    def _q(self, text: str) -> sql.Composed:
        return sql.SQL(text).format(s=sql.Identifier(self.schema))

    # --- reading ------------------------------------------------------------------------
    def revisions(self) -> list[Revision]:
        """Every revision, oldest first, without reports and changes."""
        with self._connect() as con:
            rows = con.execute(self._q(f"SELECT {_LIGHT} FROM {{s}}.revisions ORDER BY id")).fetchall()
        return [_light(r) for r in rows]

    def revision(self, n: int | None = None) -> Revision:
        """One revision whole (``None``: the latest)."""
        with self._connect() as con:
            q = f"SELECT {_LIGHT}, changes, report FROM {{s}}.revisions "
            row = (con.execute(self._q(q + "ORDER BY id DESC LIMIT 1")).fetchone() if n is None
                   else con.execute(self._q(q + "WHERE id = %s"), (int(n),)).fetchone())
        if row is None:
            raise StoreError(f"the store {self.location} has " + ("no revision yet" if n is None
                                                                   else f"no revision {n}"))
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
        cols = [c for c, _ in version.kinds]
        spatial = version.frame in SPATIAL
        select = sql.SQL(", ").join([sql.Identifier(c) for c in cols] + ([sql.Identifier("geom")] if spatial else []))
        query = sql.SQL("COPY (SELECT {} FROM {}.{} ORDER BY rid) TO STDOUT WITH (FORMAT csv, HEADER, NULL '\\N')"
                        ).format(select, sql.Identifier(self.schema), sql.Identifier(_table(version.frame,
                                                                                            version.version)))
        buf = io.BytesIO()
        with self._connect() as con, con.cursor() as cur, cur.copy(query) as copy:
            for chunk in copy:
                buf.write(chunk)
        buf.seek(0)
        text = {c: str for c, k in version.kinds if k in ("text", "bool", "date")}
        data = pd.read_csv(buf, dtype={**text, **({"geom": str} if spatial else {})}, na_values=["\\N"],
                           keep_default_na=False)
        for col, kind in version.kinds:
            if kind == "bool":
                data[col] = data[col].map({"t": True, "f": False})
        if spatial:
            geom = shapely.from_wkb(data.pop("geom").to_numpy())
            data = gpd.GeoDataFrame(data, geometry=geom, crs=settings.DEFAULT_CRS)
        return restore(data, version.kinds, spatial=spatial)

    # --- writing ------------------------------------------------------------------------
    def _write_frame(self, frame: str, data: pd.DataFrame) -> tuple[str, list]:
        vid = uuid.uuid4().hex[:12]
        self._pending.append((frame, vid, data))  # written in the commit's transaction
        return vid, schema(data)

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

    def _commit(self, revision: Revision, versions: list[Version], *, base: int | None) -> Revision:
        pending, self._pending = self._pending, []
        try:
            with self._connect() as con, con.transaction(), con.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
                latest = cur.execute(self._q("SELECT id, user_name, created_at FROM {s}.revisions "
                                             "ORDER BY id DESC LIMIT 1")).fetchone()
                if (latest[0] if latest else None) != base:
                    raise Conflict(f"the store changed while this was being prepared: revision {latest[0]} by "
                                   f"{latest[1]} at {latest[2]} came after revision {base}; nothing was written — "
                                   "run it again on the latest revision")
                for frame, vid, data in pending:
                    self._create_and_copy(cur, frame, vid, data)
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
                    view = sql.Identifier(self.schema, f"{frame}_latest")
                    cur.execute(sql.SQL("DROP VIEW IF EXISTS {}").format(view))
                    if frame in revision.manifest:
                        source = sql.Identifier(self.schema, _table(frame, revision.manifest[frame]))
                        cur.execute(sql.SQL("CREATE VIEW {} AS SELECT * FROM {}").format(view, source))
        except psycopg.Error as exc:
            raise StoreError(f"cannot write to the store {self.location}: {str(exc).strip()}; the store stays at "
                             "its previous revision") from exc
        return dataclasses.replace(revision, id=rid)


_NULL = "\\N"
_CHUNK_ROWS = 50_000


def _text_column(values: pd.Series, kind: str) -> pd.Series:
    """One column in COPY's text format: escaped, and the NULL mark where empty."""
    if kind == "date":
        when = pd.to_datetime(values)
        return when.dt.strftime("%Y-%m-%d %H:%M:%S").where(when.notna(), _NULL)
    if kind == "bool":
        return values.astype(bool).map({True: "t", False: "f"})
    if kind in ("int", "float"):
        num = pd.to_numeric(values)
        return num.map(repr).where(num.notna(), _NULL) if kind == "float" else num.astype("int64").astype(str)
    text = values.astype(object).where(values.notna(), None)
    out = text.astype(str).str.replace("\\", "\\\\", regex=False).str.replace("\t", "\\t", regex=False)
    out = out.str.replace("\n", "\\n", regex=False).str.replace("\r", "\\r", regex=False)
    return out.where(text.notna(), _NULL)


def _copy_text(data: pd.DataFrame, kinds: list, spatial: bool):
    """A frame as chunks of COPY text (tab-separated, escaped), the row number first, the geometry as hex EWKB."""
    for start in range(0, len(data), _CHUNK_ROWS):
        part = data.iloc[start:start + _CHUNK_ROWS]
        cols = [pd.Series(np.arange(start, start + len(part))).astype(str)]
        cols += [_text_column(part[col].reset_index(drop=True), kind) for col, kind in kinds]
        if spatial:
            geom = shapely.set_srid(part.geometry.to_numpy(), 4326)
            hexes = pd.Series(shapely.to_wkb(geom, hex=True, include_srid=True))
            cols.append(hexes.where(hexes.notna(), _NULL))
        lines = cols[0].str.cat(cols[1:], sep="\t")
        yield ("\n".join(lines) + "\n").encode("utf-8")


def _light(row: tuple) -> Revision:
    (rid, created, user, kind, file_name, sha, mode, message, read, imported, repaired, rejected, parent, manifest,
     key, figures) = row
    return Revision(rid, created, user, kind, file_name or "", sha or "", mode or "", message or "", read or 0,
                    imported or 0, repaired or 0, rejected or 0, parent, dict(manifest), key, dict(figures or {}))
