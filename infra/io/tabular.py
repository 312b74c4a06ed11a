"""Read CSV (UTF-8, UTF-16, Windows-1258 or whatever charset-normalizer recognises) and Excel sheets as text.

Headers are then mapped to the contract's columns through alias tables.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import charset_normalizer
import pandas as pd

from infra.io.names import fold
from infra.io.report import UnreadableFile

#: Delimiters a CSV may use (the sniffer picks among these only, never a letter).
DELIMITERS = ",;\t|"
_SNIFF_BYTES = 64 * 1024


def decode(raw: bytes, name: str) -> tuple[str, str]:
    """The text of a file and the encoding it was read in.

    A byte-order mark decides (UTF-8, UTF-16); else UTF-8 if it decodes; else
    charset-normalizer's best guess, Windows-1258 (Vietnamese) where that is
    among the code pages it finds plausible.

    Raises
    ------
    UnreadableFile
        If no encoding gives text.
    """
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass  # a BOM in front of another encoding: guessed below
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    matches = charset_normalizer.from_bytes(raw)
    best = matches.best()
    if best is None:
        raise UnreadableFile(f"{name}: not text in any encoding recognised — save it as CSV UTF-8")
    encoding = best.encoding
    if not encoding.startswith("utf") and "cp1258" in {m.encoding for m in matches}:
        encoding = "cp1258"
    return raw.decode(encoding), encoding


def delimiter(text: str) -> str:
    """The delimiter of a CSV text, sniffed among :data:`DELIMITERS` (a comma when there is one column)."""
    try:
        return csv.Sniffer().sniff(text[:_SNIFF_BYTES], delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


def read_table(path: Path) -> tuple[pd.DataFrame, str]:
    """Read a CSV (optionally gzipped) or Excel file with every cell as text.

    Returns
    -------
    frame : pandas.DataFrame
        Values as text (NFC), empty cells as ``""``.
    encoding : str
        The text encoding (``utf-8``, ``utf-8-sig``, ``utf-16``, ``cp1258``…) or ``excel``.

    Raises
    ------
    UnreadableFile
        If the file cannot be read or decoded at all.
    """
    name = path.name.lower()
    try:
        if name.endswith((".xlsx", ".xlsm", ".xls")):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
            frame = frame.map(lambda v: unicodedata.normalize("NFC", v) if isinstance(v, str) else v)
            encoding = "excel"
        else:
            raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
            text, encoding = decode(raw, path.name)
            text = unicodedata.normalize("NFC", text)  # one normal form: NFD and NFC "Đình" compare equal after
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=delimiter(text),
                                engine="c")
    except UnreadableFile:
        raise
    except Exception as exc:  # any parser error becomes one clear message
        raise UnreadableFile(f"{path.name}: cannot be read as a table ({type(exc).__name__}: {exc})") from exc
    frame.columns = [unicodedata.normalize("NFC", str(c)).strip() for c in frame.columns]
    for col in frame.columns:
        frame[col] = frame[col].astype(str).str.strip()
    return frame, encoding


def map_columns(frame: pd.DataFrame, aliases: Mapping[str, tuple[str, ...]],
                explicit: Mapping[str, str] | None = None) -> dict[str, str]:
    """Canonical column → input column, from an explicit mapping first, then the alias table.

    Headers are compared folded (no accents, case, spaces or punctuation), so
    ``"Mã trạm"``, ``"ma_tram"`` and ``"MA TRAM"`` are one header.

    Raises
    ------
    UnreadableFile
        If an explicit mapping names a column the file does not have.
    """
    found: dict[str, str] = {}
    for canon, col in (explicit or {}).items():
        if col not in frame.columns:
            raise UnreadableFile(f"column mapping: the file has no column {col!r} (for {canon!r}); "
                                 f"its columns are {list(frame.columns)}")
        found[canon] = col
    folded = {fold(c, strip_prefix=False): c for c in frame.columns}
    for canon, names in aliases.items():
        if canon in found:
            continue
        for alias in (canon, *names):
            col = folded.get(fold(alias, strip_prefix=False))
            if col is not None and col not in found.values():
                found[canon] = col
                break
    return found
