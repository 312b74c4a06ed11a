"""The store's model, the same for every backend: revisions over versions of frames.

A **revision** is one submission: who, when, which file (name, SHA-256), the import
report (every row imported, repaired or rejected, and why), what it changed, and its
**manifest**: the version of each frame that makes up the dataset at that revision.
Revisions are append-only; a revert is a new revision whose manifest is an old one.
A frame version is written once and never changed; a frame that an import leaves as
it was keeps its version, so a revision costs only the frames it changes.

Writes are one step for the user: the new versions are written first, then the
revision row that names them, in one transaction that also checks that nobody else
committed since the import started (else it fails, naming who did). A process killed
half-way leaves versions that no revision names: the store is at its previous
revision, and nothing reads them.
"""

from __future__ import annotations

import abc
import datetime as dt
import getpass
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from infra.dataset import Dataset, Provenance
from infra.i18n import N_, _
from infra.io.report import KIND_LABELS, ImportReport
from infra.store.frames import FRAMES, content_hash
from infra.store.merge import Change


class StoreError(RuntimeError):
    """The store cannot do what was asked (one clear message; the store is left as it was)."""


class Conflict(StoreError):
    """Someone else committed since this change started from its base revision."""


@dataclass(frozen=True)
class Revision:
    """One revision of the store (its report and changes are read only when asked for).

    Attributes
    ----------
    id
        1, 2, 3… in the order they were committed.
    created_at
        UTC time, ISO 8601.
    user, kind, file_name, file_sha256, mode, message
        Who, what kind of submission (``default``, ``boundaries``… ``revert``), which file, how it was merged.
    read, imported, repaired, rejected
        The import report's counts.
    parent
        The revision it was made from.
    manifest
        Frame → version.
    key
        Content hash of the revision's data: revisions with the same data have the same key (caches use it).
    changes, report
        What it changed (list of :class:`~infra.store.merge.Change` as dicts) and the report's problems.
    """

    id: int
    created_at: str
    user: str
    kind: str
    file_name: str = ""
    file_sha256: str = ""
    mode: str = ""
    message: str = ""
    read: int = 0
    imported: int = 0
    repaired: int = 0
    rejected: int = 0
    parent: int | None = None
    manifest: dict[str, str] = field(default_factory=dict)
    key: str = ""
    figures: dict[str, float] = field(default_factory=dict)
    changes: list[dict] = field(default_factory=list)
    report: list[dict] = field(default_factory=list)

    def label(self) -> str:
        """One line for a list: id, time, kind, file, user (in the current language)."""
        when = self.created_at[:16].replace("T", " ")
        what = kind_label(self.kind) + (f" · {self.file_name}" if self.file_name else "")
        return f"{self.id} · {when} · {what} · {self.user}"

    def description(self) -> str:
        """The file it imported, or what it did, in the current language (its stored message is English)."""
        if self.file_name:
            return self.file_name
        if self.kind == "revert" and self.message.startswith("revert to revision "):
            return _("revert to revision {n}").format(n=self.message.rsplit(" ", 1)[-1])
        return _(self.message) if self.message else ""


#: Kind of revision → its name for people (msgids): the kinds of file, and the store's own.
REVISION_KINDS: dict[str, str] = {**KIND_LABELS, "revert": N_("revert"), "default": N_("default data")}
#: The message of the store's first revision (stored in English, shown translated).
DEFAULT_MESSAGE: str = N_("the embedded default data: approximate boundaries, synthetic inventory")


def kind_label(kind: str) -> str:
    """A kind of revision for people, in the current language."""
    return _(REVISION_KINDS[kind]) if kind in REVISION_KINDS else str(kind)


def conflict(latest: tuple, base: int | None) -> str:
    """Why a commit on revision ``base`` was refused: ``latest`` (id, user, time) came after it."""
    return _("the store changed while this was being prepared: revision {rev} by {user} at {time} came after "
             "revision {base}; nothing was written — run it again on the latest revision").format(
        rev=latest[0], user=latest[1], time=latest[2], base=base)


def no_revision(location: str, n: int | None) -> str:
    """The store at ``location`` has no revision ``n`` (``None``: none at all)."""
    if n is None:
        return _("the store {store} has no revision yet").format(store=location)
    return _("the store {store} has no revision {n}").format(store=location, n=n)


def cannot_write(location: str, why: str) -> str:
    """A write that failed, and that nothing changed."""
    return _("cannot write to the store {store}: {why}; the store stays at its previous revision").format(
        store=location, why=why)


@dataclass(frozen=True)
class Version:
    """One version of one frame, as the store keeps it."""

    version: str
    frame: str
    content: str
    rows: int
    provenance: dict
    kinds: list


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's bytes (read in chunks)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def current_user() -> str:
    """Who runs this process (the CLI's author of a revision)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def now() -> str:
    """The time of a revision: UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def dumps(value: object) -> str:
    """JSON of a revision's parts (numpy numbers as plain ones)."""
    return json.dumps(value, ensure_ascii=False, default=lambda o: o.item() if hasattr(o, "item") else str(o))


def manifest_key(contents: dict[str, str], provenance: dict[str, dict] | None = None,
                 figures: dict | None = None) -> str:
    """The key of a revision's data: a hash of its frames' content hashes, their provenance and its figures.

    Two revisions with the same key show the same thing (caches use it); the same rows with another source or
    another approximate/synthetic flag are another dataset.
    """
    what = [sorted(contents.items()), sorted((provenance or {}).items()), sorted((figures or {}).items())]
    return hashlib.sha256(dumps(what).encode()).hexdigest()[:32]


class Store(abc.ABC):
    """Revisions of datasets, kept in a GeoPackage file or a PostGIS database.

    Subclasses store rows; this class holds what revisions mean.
    """

    #: Where the store is, for people (a path, or a URL without its password).
    location: str
    #: Frames read at once by :meth:`dataset` (a database server answers several connections at once; one
    #: SQLite file is read fastest by one thread).
    read_workers: int = 1

    # --- what a backend provides ------------------------------------------------
    @abc.abstractmethod
    def revisions(self) -> list[Revision]:
        """Every revision, oldest first, without reports and changes."""

    @abc.abstractmethod
    def revision(self, n: int | None = None) -> Revision:
        """One revision whole (``None``: the latest); raises :class:`StoreError` if there is none."""

    @abc.abstractmethod
    def _versions(self, versions: list[str]) -> dict[str, Version]:
        """The versions named (only those committed)."""

    @abc.abstractmethod
    def _version_by_content(self, frame: str, content: str) -> str | None:
        """A committed version of ``frame`` with this content, if one exists."""

    @abc.abstractmethod
    def _write_frame(self, frame: str, data: pd.DataFrame) -> tuple[str, list]:
        """Write a new version's rows (not yet visible), or leave them to :meth:`_commit`; its id and kinds."""

    @abc.abstractmethod
    def _read_frame(self, version: Version) -> pd.DataFrame:
        """The rows of a version, restored to their pandas types."""

    @abc.abstractmethod
    def _commit(self, revision: Revision, versions: list[Version], *, base: int | None,
                rows: dict[str, pd.DataFrame]) -> Revision:
        """In one transaction: check ``base`` is still the latest, record the versions and the revision.

        ``rows`` holds the new versions' rows by version id, for a backend that writes them in this
        transaction (they belong to this call only: one store object serves many sessions at once).
        """

    # --- what revisions mean -------------------------------------------------------
    def latest_id(self) -> int | None:
        """The latest revision's id, or None in an empty store."""
        revs = self.revisions()
        return revs[-1].id if revs else None

    def dataset(self, n: int | None = None) -> Dataset:
        """The dataset at revision ``n`` (``None``: the latest)."""
        rev = self.revision(n)
        versions = self._versions(list(rev.manifest.values()))
        frames, prov = {}, {}
        with ThreadPoolExecutor(max_workers=self.read_workers) as pool:
            read = {frame: pool.submit(self._read_frame, versions[vid]) for frame, vid in rev.manifest.items()}
        for frame, vid in rev.manifest.items():
            frames[frame] = read[frame].result()
            for name, p in versions[vid].provenance.items():
                prov[name] = Provenance(**p)
        return Dataset(units=frames["units"], sites=frames["sites"], radios=frames["radios"], zones=frames["zones"],
                       targets=frames["targets"], provenance=prov, figures=dict(rev.figures),
                       population=frames.get("population"))

    def commit(self, ds: Dataset, *, base: int | None, kind: str, user: str | None = None, file_name: str = "",
               file_sha256: str = "", mode: str = "", message: str = "", report: ImportReport | None = None,
               changes: list[Change] | None = None) -> Revision:
        """Record ``ds`` as a new revision made from ``base``.

        Parameters
        ----------
        ds
            The dataset after the change (validated by the caller).
        base
            The revision the change started from; if another was committed since, :class:`Conflict`.
        kind, user, file_name, file_sha256, mode, message
            What the revision says of itself; ``user`` defaults to the one running this process.
        report, changes
            The import's report and what it changed.

        Returns
        -------
        Revision
            The new revision.

        Raises
        ------
        Conflict
            If ``base`` is not the latest revision any more.
        StoreError
            If the store cannot be written (full disk, no permission…); it stays at its previous revision.
        """
        old = self.revision(base).manifest if base is not None else {}
        old_versions = self._versions(list(old.values())) if old else {}
        manifest, contents, provs, new_versions, rows = {}, {}, {}, [], {}
        for frame in FRAMES:
            data = getattr(ds, frame)
            if data is None:
                continue
            content = content_hash(data)
            prov = {name: asdict(p) for name, p in ds.provenance.items() if _belongs(name, frame)}
            provs[frame] = prov
            same = old.get(frame)
            if same and old_versions[same].content == content and old_versions[same].provenance == prov:
                manifest[frame], contents[frame] = same, content
                continue
            existing = self._version_by_content(frame, content)
            if existing and self._versions([existing])[existing].provenance == prov:
                manifest[frame], contents[frame] = existing, content
                continue
            vid, kinds = self._write_frame(frame, data)
            new_versions.append(Version(vid, frame, content, len(data), prov, kinds))
            rows[vid] = data
            manifest[frame], contents[frame] = vid, content
        problems = [dict(vars(p)) for p in report.problems] if report is not None else []  # asdict: 10x slower
        rev = Revision(0, now(), user or current_user(), kind, file_name, file_sha256, mode, message,
                       report.read if report else 0, report.imported if report else 0,
                       report.repaired if report else 0, report.rejected if report else 0, base, manifest,
                       manifest_key(contents, provs, ds.figures), dict(ds.figures),
                       [asdict(c) for c in changes or []], problems)
        return self._commit(rev, new_versions, base=base, rows=rows)

    def revert(self, n: int, *, user: str | None = None, base: int | None = None) -> Revision:
        """A new revision whose data is that of revision ``n`` (nothing is deleted)."""
        target, latest = self.revision(n), self.latest_id()
        base = latest if base is None else base
        rev = Revision(0, now(), user or current_user(), "revert", message=f"revert to revision {n}", parent=base,
                       manifest=dict(target.manifest), key=target.key, figures=dict(target.figures))
        return self._commit(rev, [], base=base, rows={})


def _belongs(name: str, frame: str) -> bool:
    """Which provenance entries travel with a frame (each frame has its own; ``units`` also the layers')."""
    return name == frame
