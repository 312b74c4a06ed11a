"""The one safe path for archives and sizes: zip, KMZ and Excel members checked, gzip unpacked under a cap.

Every archive of every kind goes through :func:`zip_members` before anything is
read from it: no absolute path, no ``..``, no link, no password, at most
``max_members`` members, at most ``max_unpacked_bytes`` in all (Python's zipfile
then never gives more than the sizes it declared). A gzip file is unpacked in
chunks and stopped at the same cap, whatever its header says.
"""

from __future__ import annotations

import gzip
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from infra.i18n import _, number
from infra.io.limits import Limits, check_time, refuse
from infra.io.report import UnreadableFile

_CHUNK = 1 << 20


def check_size(path: Path, *, limits: Limits | None = None, name: str | None = None) -> None:
    """Refuse a missing file, or one larger than ``limits.max_bytes``.

    Raises
    ------
    UnreadableFile
        If the file is missing or too large.
    """
    limits = limits or Limits()
    name = name or path.name
    if not path.is_file():
        raise UnreadableFile(_("{file}: file not found").format(file=name))
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise refuse(name, "max_bytes", _("{size} MB is over the upload limit of {limit} MB.").format(
            size=number(size / 2**20, 1), limit=number(limits.max_bytes / 2**20)))


def zip_members(archive: Path, *, limits: Limits | None = None, name: str | None = None) -> list[zipfile.ZipInfo]:
    """The members of a zip archive (also KMZ and Excel .xlsx), once they pass every check.

    Raises
    ------
    UnreadableFile
        If the archive is not a zip, is unsafe, protected by a password, or over a limit.
    """
    limits = limits or Limits()
    name = name or archive.name
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile(_("{file}: is not a readable zip archive; make it again with a zip tool.").format(
            file=name)) from exc
    if len(members) > limits.max_members:
        raise refuse(name, "max_members", _("the archive holds {n} members, over the limit of {limit}.").format(
            n=number(len(members)), limit=number(limits.max_members)))
    total = sum(m.file_size for m in members)
    if total > limits.max_unpacked_bytes:
        raise refuse(name, "max_unpacked_bytes", _("the archive unpacks to {size} MB, over the limit of {limit} "
                                                   "MB.").format(size=number(total / 2**20),
                                                                 limit=number(limits.max_unpacked_bytes / 2**20)))
    for m in members:
        parts = PurePosixPath(m.filename.replace("\\", "/"))
        is_link = (m.external_attr >> 16) & 0o170000 == 0o120000
        if parts.is_absolute() or ".." in parts.parts or is_link or ":" in m.filename:
            raise UnreadableFile(_("{file}: the member {member} is unsafe (an absolute path, '..', a drive or a "
                                   "link); make the archive again from the files themselves.").format(
                file=name, member=repr(m.filename)))
        if m.flag_bits & 0x1:
            raise UnreadableFile(_("{file}: the member {member} is protected by a password; make the archive "
                                   "again without a password.").format(file=name, member=repr(m.filename)))
    return members


def safe_extract(archive: Path, target: Path, *, limits: Limits | None = None,
                 name: str | None = None) -> list[Path]:
    """Extract a zip (or KMZ) archive into ``target`` after :func:`zip_members` passed it.

    Returns
    -------
    list of pathlib.Path
        The files written, in the archive's order.
    """
    members = zip_members(archive, limits=limits, name=name)
    name = name or archive.name
    root = target.resolve()
    written = []
    with zipfile.ZipFile(archive) as zf:
        for m in members:
            if m.is_dir():
                continue
            dest = (root / Path(*PurePosixPath(m.filename.replace("\\", "/")).parts)).resolve()
            if root not in dest.parents:
                raise UnreadableFile(_("{file}: the member {member} would be written outside its folder.").format(
                    file=name, member=repr(m.filename)))
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(m) as src, open(dest, "wb") as out:
                    while chunk := src.read(_CHUNK):
                        out.write(chunk)
                        check_time()
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise UnreadableFile(_("{file}: the member {member} is damaged or compressed in a way this tool "
                                       "does not read; make the archive again with deflate.").format(
                    file=name, member=repr(m.filename))) from exc
            written.append(dest)
    return written


def gunzip(path: Path, *, limits: Limits | None = None, name: str | None = None) -> bytes:
    """The content of a gzip file, unpacked in chunks and stopped at ``limits.max_unpacked_bytes``.

    Raises
    ------
    UnreadableFile
        If the file is not gzip, is damaged, or unpacks over the limit.
    """
    limits = limits or Limits()
    name = name or path.name
    out = bytearray()
    try:
        with gzip.open(path, "rb") as f:
            while chunk := f.read(_CHUNK):
                out += chunk
                if len(out) > limits.max_unpacked_bytes:
                    raise refuse(name, "max_unpacked_bytes",
                                 _("the gzip file unpacks to more than {limit} MB, the limit.").format(
                                     limit=number(limits.max_unpacked_bytes / 2**20)))
                check_time()
    except (OSError, EOFError, zlib.error) as exc:
        raise UnreadableFile(_("{file}: is a damaged gzip file; compress it again.").format(file=name)) from exc
    return bytes(out)
