"""Read CSV (UTF-8, UTF-8 with BOM, Windows-1258) and Excel sheets as text, and map headers to the contract."""

from __future__ import annotations

import gzip
import io
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from infra.names import fold
from infra.validation import UnreadableFile

_ENCODINGS = ("utf-8-sig", "cp1258")


def read_table(path: Path) -> tuple[pd.DataFrame, str]:
    """Read a CSV (optionally gzipped) or Excel file with every cell as text.

    Returns
    -------
    frame : pandas.DataFrame
        Values as text (NFC), empty cells as ``""``.
    encoding : str
        ``utf-8-sig``, ``cp1258`` or ``excel``.

    Raises
    ------
    UnreadableFile
        If the file cannot be read or decoded at all.
    """
    name = path.name.lower()
    try:
        if name.endswith((".xlsx", ".xlsm", ".xls")):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
            encoding = "excel"
        else:
            raw = gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()
            for encoding in _ENCODINGS:
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:  # pragma: no cover - cp1258 decodes almost anything
                raise UnreadableFile(f"{path.name}: not UTF-8 nor Windows-1258 text — save it as UTF-8 CSV")
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=None, engine="python")
    except UnreadableFile:
        raise
    except Exception as exc:  # any parser error becomes one clear message
        raise UnreadableFile(f"{path.name}: cannot be read as a table ({type(exc).__name__}: {exc})") from exc
    frame.columns = [unicodedata.normalize("NFC", str(c)).strip() for c in frame.columns]
    frame = frame.map(lambda v: unicodedata.normalize("NFC", v).strip() if isinstance(v, str) else v)
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
