"""What a file is, told by its content (never by its name), and which formats each kind of import accepts.

:func:`sniff` reads the first bytes of a file and names its format;
:data:`ALLOWED` lists the formats of each kind and :func:`check_format` refuses
any other with a message that says what the file is and what to send instead.
A GDAL virtual file (VRT), which can point GDAL at any path or URL, is refused for
every kind, and so is any XML but KML.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from pathlib import Path
from typing import Literal

from infra.i18n import N_, _
from infra.io.report import UnreadableFile, kind_label

Format = Literal["text", "json", "kml", "vrt", "xml", "gzip", "zip", "xlsx", "xls", "encrypted", "gpkg", "sqlite",
                 "shp", "binary", "empty"]

_HEAD = 64 * 1024
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_XML_ROOT = re.compile(r"<([A-Za-z_][\w.:-]*)")

#: Formats each kind of import accepts.
ALLOWED: dict[str, frozenset[str]] = {
    "boundaries": frozenset({"json", "kml", "gpkg", "zip"}),
    "population": frozenset({"json", "kml", "gpkg", "zip", "text", "gzip", "xlsx"}),
    "sites": frozenset({"text", "gzip", "xlsx"}),
    "radios": frozenset({"text", "gzip", "xlsx"}),
    "targets": frozenset({"text", "gzip", "xlsx"}),
    "opencellid": frozenset({"text", "gzip"}),
}

#: What each kind may be, in words, for the refusals.
ACCEPTED_WORDS: dict[str, str] = {
    "boundaries": N_("GeoJSON, GeoPackage, KML, KMZ or a zipped Shapefile"),
    "population": N_("GeoJSON, GeoPackage, KML, KMZ, a zipped Shapefile, CSV (optionally .gz) or Excel .xlsx"),
    "sites": N_("CSV (optionally .gz) or Excel .xlsx"),
    "radios": N_("CSV (optionally .gz) or Excel .xlsx"),
    "targets": N_("CSV (optionally .gz) or Excel .xlsx"),
    "opencellid": N_("an OpenCelliD CSV export (optionally .gz)"),
}

_WHAT: dict[str, str] = {
    "text": N_("a plain text file (CSV or other text)"), "json": N_("a JSON (GeoJSON) file"), "kml": N_("a KML file"),
    "gzip": N_("a gzip file"), "zip": N_("a zip archive"), "xlsx": N_("an Excel .xlsx workbook"),
    "gpkg": N_("a GeoPackage"),
    "shp": N_("a lone Shapefile .shp (without its .dbf, .shx and .prj)"),
    "binary": N_("a binary file of no format read here"),
    "xml": N_("an XML file that is not KML"), "sqlite": N_("an SQLite database that is not a GeoPackage"),
    "empty": N_("an empty file"),
}


def sniff_bytes(head: bytes) -> Format:
    """The format of a file from its first bytes (up to 64 KB)."""
    if not head:
        return "empty"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(_OLE2):
        return "encrypted" if _ENCRYPTED in head else "xls"
    if head.startswith(b"SQLite format 3\x00"):
        return "gpkg" if head[68:72] in (b"GPKG", b"GP10", b"GP11") else "sqlite"
    if head.startswith(b"\x00\x00\x27\x0a"):
        return "shp"
    text = _as_text(head)
    if text is None:
        return "binary"
    start = text.lstrip("\ufeff \t\r\n")
    if start.startswith(("{", "[")):
        return "json"
    if start.startswith("<"):
        return _xml_kind(start)
    return "text"


def _as_text(head: bytes) -> str | None:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head[: len(head) // 2 * 2].decode("utf-16", errors="replace")
    sample = head[3:_HEAD] if head.startswith(codecs.BOM_UTF8) else head[:_HEAD]
    if b"\x00" in sample:  # text in one-byte encodings and UTF-8 has no NUL; UTF-16 without a BOM has many
        utf16 = utf16_without_bom(sample)
        return None if utf16 is None else sample[: len(sample) // 2 * 2].decode(utf16, errors="replace")
    controls = sum(b < 9 or 13 < b < 32 for b in sample)
    if controls > len(sample) // 100:
        return None
    return sample.decode("latin-1")


def utf16_without_bom(sample: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when text without a byte-order mark has a NUL in every other byte."""
    even, odd = sample[0:2048:2], sample[1:2048:2]
    if len(odd) >= 2 and odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if len(even) >= 2 and even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _xml_kind(text: str) -> Format:
    body = re.sub(r"<\?.*?\?>|<!--.*?-->", "", text, flags=re.S).lstrip()
    if body.startswith("<!DOCTYPE") or "<!ENTITY" in text:
        return "xml"  # entities can name other files: never read
    m = _XML_ROOT.match(body)
    root = m.group(1).rsplit(":", 1)[-1].lower() if m else ""
    if root in ("ogrvrtdatasource", "vrtdataset"):
        return "vrt"
    return "kml" if root == "kml" else "xml"


def sniff(path: Path) -> Format:
    """The format of the file at ``path``; a zip holding an Excel workbook is ``xlsx``."""
    with open(path, "rb") as f:
        head = f.read(_HEAD)
    fmt = sniff_bytes(head)
    if fmt == "zip":
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return "binary"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
    return fmt


def check_format(path: Path, kind: str, *, name: str | None = None) -> Format:
    """The format of ``path`` if ``kind`` accepts it.

    Raises
    ------
    UnreadableFile
        Saying what the file is and what the kind accepts instead.
    """
    name = name or path.name
    fmt = sniff(path)
    if fmt in ALLOWED[kind]:
        return fmt
    raise refusal(name, fmt, kind)


def refusal(name: str, fmt: str, kind: str) -> UnreadableFile:
    """The refusal of a file of format ``fmt`` for ``kind``, saying what to send instead."""
    accepted = _(ACCEPTED_WORDS[kind])
    if fmt == "vrt":
        return UnreadableFile(_("{file}: is a GDAL virtual file (VRT), which can make the server read other files or "
                                "addresses, so it is never opened. Send the data itself as {accepted}.").format(
            file=name, accepted=accepted))
    if fmt == "xls":
        return UnreadableFile(_("{file}: is an Excel 97-2003 workbook (.xls), which is not read. Open it in Excel "
                                "and save it as Excel Workbook (.xlsx) or as CSV UTF-8.").format(file=name))
    if fmt == "encrypted":
        return UnreadableFile(_("{file}: is a password-protected Excel workbook, which cannot be read. Open it in "
                                "Excel, remove the password (File > Info > Protect Workbook) and save it "
                                "again.").format(file=name))
    what = _(_WHAT[fmt]) if fmt in _WHAT else fmt
    return UnreadableFile(_("{file}: is {what}; {kind} must be {accepted}.").format(
        file=name, what=what, kind=kind_label(kind), accepted=accepted))
