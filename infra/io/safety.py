"""Guards for uploaded files: size caps and zip extraction without path traversal or zip bombs."""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath

from infra.io.report import UnreadableFile

#: Largest upload accepted (bytes).
MAX_UPLOAD_BYTES: int = 200 * 1024 * 1024
#: Largest total size a zip archive may unpack to (bytes).
MAX_UNPACKED_BYTES: int = 1024 * 1024 * 1024
#: Most members a zip archive may hold.
MAX_ZIP_MEMBERS: int = 10_000


def check_size(path: Path, *, limit: int | None = None) -> None:
    """Refuse a file larger than ``limit`` (default :data:`MAX_UPLOAD_BYTES`).

    Raises
    ------
    UnreadableFile
        If the file is missing or too large.
    """
    limit = MAX_UPLOAD_BYTES if limit is None else limit
    if not path.exists():
        raise UnreadableFile(f"{path.name}: file not found")
    size = path.stat().st_size
    if size > limit:
        raise UnreadableFile(f"{path.name}: {size / 1e6:.1f} MB is over the {limit / 1e6:.0f} MB upload limit — "
                             "split the file or raise the limit")


def safe_extract(archive: Path, target: Path, *, max_bytes: int | None = None) -> list[Path]:
    """Extract a zip (or KMZ) archive into ``target``, refusing anything unsafe.

    Members with absolute paths, ``..`` components or links are refused; the
    total unpacked size is capped before anything is written.

    Returns
    -------
    list of pathlib.Path
        The files written.

    Raises
    ------
    UnreadableFile
        If the archive is not a zip, is unsafe or unpacks too large.
    """
    max_bytes = MAX_UNPACKED_BYTES if max_bytes is None else max_bytes
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFile(f"{archive.name}: not a readable zip archive ({exc})") from exc
    with zf:
        members = zf.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise UnreadableFile(f"{archive.name}: {len(members)} members is over the limit of {MAX_ZIP_MEMBERS}")
        total = sum(m.file_size for m in members)
        if total > max_bytes:
            raise UnreadableFile(f"{archive.name}: unpacks to {total / 1e6:.0f} MB, over the "
                                 f"{max_bytes / 1e6:.0f} MB limit")
        written = []
        root = target.resolve()
        for m in members:
            name = PurePosixPath(m.filename.replace("\\", "/"))
            is_link = (m.external_attr >> 16) & 0o170000 == 0o120000
            if name.is_absolute() or ".." in name.parts or is_link:
                raise UnreadableFile(f"{archive.name}: unsafe member {m.filename!r} (absolute path, '..' or link)")
            if m.is_dir():
                continue
            dest = (root / Path(*name.parts)).resolve()
            if root not in dest.parents:
                raise UnreadableFile(f"{archive.name}: member {m.filename!r} would be written outside the folder")
            dest.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(m) as src, open(dest, "wb") as out:
                remaining = m.file_size + 1
                while chunk := src.read(1 << 20):
                    remaining -= len(chunk)
                    if remaining < 0:  # the header lied about the size
                        raise UnreadableFile(f"{archive.name}: member {m.filename!r} is larger than it says")
                    out.write(chunk)
            written.append(dest)
    return written
