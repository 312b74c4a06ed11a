"""Read CSV (any encoding charset-normalizer recognises, optionally gzipped) and Excel sheets as text, row by row.

Every data row is either read or reported: a row that is ragged, holds an
over-long cell or cannot be decoded in the file's encoding is rejected with its
number, never the whole file. Rows are numbered from the first data row (1), the
header line is not counted; blank lines keep their number but are not data.
Headers are then mapped to the contract's columns through alias tables.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import unicodedata
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer
import pandas as pd

from infra.i18n import _, listing, option
from infra.i18n import number as num
from infra.io.limits import Limits, check_time, refuse
from infra.io.names import fold
from infra.io.report import ImportReport, UnreadableFile
from infra.io.safety import check_size, gunzip, zip_members
from infra.io.sniff import check_format, refusal, sniff_bytes, utf16_without_bom

#: Delimiters a CSV may use (chosen by the header line, never a letter).
DELIMITERS = ",;\t|"
_EXCEL_NAMES = (".xlsx", ".xlsm", ".xls")


@dataclass
class Table:
    """The text of one table: its rows, and what reading them found.

    Attributes
    ----------
    frame
        Cells as text (NFC, stripped, empty = ``""``), one column per header; the index is the
        data row number − 1 (rows rejected while reading are left out, their numbers kept).
    encoding
        ``utf-8``, ``utf-8-sig``, ``utf-16``, ``cp1258``… or ``excel``.
    parts
        The sheets of a workbook (empty for a CSV); ``part`` is the one read.
    """

    frame: pd.DataFrame
    encoding: str
    parts: tuple[str, ...] = ()
    part: str | None = None
    columns: tuple[str, ...] = field(default_factory=tuple)


def read_table(path: Path, rep: ImportReport, kind: str, *, limits: Limits | None = None, part: str | None = None,
               header: bool = True) -> Table:
    """Read a CSV (optionally gzipped) or Excel file with every cell as text, into ``rep``.

    Parameters
    ----------
    path
        The file; what it is is told by its content, not its name.
    rep
        The report: ``read`` is set, and every row rejected while reading is added.
    kind
        The kind of import (its formats are allowed, see :mod:`infra.io.sniff`).
    limits
        Size, row, column and cell limits; ``None`` uses :class:`~infra.io.limits.Limits` defaults.
    part
        Sheet of a workbook to read (default: the first); the others are reported.
    header
        Whether the first line is a header (else columns are ``0, 1, …``).

    Raises
    ------
    UnreadableFile
        If the file cannot be read or decoded at all, or is over a limit.
    """
    limits = limits or Limits()
    name = rep.file
    check_size(path, limits=limits, name=name)
    fmt = check_format(path, kind, name=name)
    if fmt == "xlsx":
        table = _read_excel(path, rep, limits, part, header)
    else:
        if rep.file.lower().endswith(_EXCEL_NAMES):
            rep.add(None, "", "", _("the file is named like an Excel workbook but holds CSV text; it was read as CSV"),
                    _("name it .csv"), severity="warning")
        if part is not None:
            rep.add(None, "", part, _("a CSV file has no sheets; the choice of sheet was ignored"),
                    _("choose a sheet only for Excel workbooks"), severity="warning")
        table = _read_csv(path, fmt, kind, rep, limits, header)
    return table


def _decode(raw: bytes | bytearray, rep: ImportReport) -> tuple[str, str, set[int]]:
    """The text, its encoding, and the 0-based lines that are not in that encoding."""
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig", set()
        except UnicodeDecodeError:
            raw = raw[3:]
            rep.add(None, "", "", _("the file starts with a UTF-8 mark but is not UTF-8; its encoding was guessed"),
                    _("save it as CSV UTF-8"), severity="warning")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(raw, "utf-16", rep), "utf-16", set()
    if (utf16 := utf16_without_bom(raw[:4096])) is not None:
        return _strict(raw, utf16, rep), utf16, set()
    try:
        return raw.decode("utf-8"), "utf-8", set()
    except UnicodeDecodeError:
        pass
    lines = raw.split(b"\n")
    bad = set()
    for i, line in enumerate(lines):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.add(i)
    utf8_text = any(b >= 0x80 for i, line in enumerate(lines[:20000]) if i not in bad for b in line[:512])
    if utf8_text and len(bad) <= max(1, len(lines) // 10):  # a UTF-8 file with a few rows in another encoding
        text = "\n".join(line.decode("utf-8", errors="replace") for line in lines)
        return text, "utf-8", bad
    matches = charset_normalizer.from_bytes(raw)
    best = matches.best()
    if best is None:
        raise UnreadableFile(_("{file}: is not text in any encoding recognised; save it as CSV UTF-8.").format(
            file=rep.file))
    encoding = best.encoding
    if not encoding.startswith("utf") and ("cp1258" in {m.encoding for m in matches} or _vietnamese(raw)):
        encoding = "cp1258"  # our users' files: Windows-1258 wins whenever it reads as Vietnamese
    return _strict(raw, encoding, rep), encoding, set()


_VIETNAMESE = set("àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ")


def _vietnamese(raw: bytes) -> bool:
    """Whether the bytes read as Windows-1258 give Vietnamese letters (most non-ASCII letters are)."""
    try:
        text = unicodedata.normalize("NFC", raw[:200_000].decode("cp1258"))
    except UnicodeDecodeError:
        return False
    letters = [c for c in text.lower() if not c.isascii() and c.isalpha()]
    return bool(letters) and sum(c in _VIETNAMESE for c in letters) >= 0.8 * len(letters)


def _strict(raw: bytes, encoding: str, rep: ImportReport) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(_("{file}: is not valid {encoding} text (byte {byte}); save it as CSV UTF-8.").format(
            file=rep.file, encoding=encoding, byte=num(exc.start))) from exc


def _delimiter(header: str) -> str:
    """The delimiter giving the header the most fields (a comma when none splits it)."""
    best, fields = ",", 1
    for d in DELIMITERS:
        n = len(next(csv.reader([header], delimiter=d), []))
        if n > fields:
            best, fields = d, n
    return best


def _header(names: list[str], rep: ImportReport, limits: Limits) -> list[str]:
    """Header names, NFC and stripped; repeated names reported and told apart (``name (2)``)."""
    if len(names) > limits.max_columns:
        raise refuse(rep.file, "max_columns", _("the header has {n} columns, over the limit of {limit}.").format(
            n=num(len(names)), limit=num(limits.max_columns)))
    out, seen = [], {}
    for i, raw in enumerate(names):
        col = unicodedata.normalize("NFC", str(raw if raw is not None else "")).strip() or f"column {i + 1}"
        if col in seen:
            seen[col] += 1
            col = f"{col} ({seen[col]})"
        seen.setdefault(col, 1)
        out.append(col)
    for col, n in seen.items():
        if n > 1:
            rep.add(None, col, "", _("the column {column} appears {n} times; only the first is read").format(
                column=repr(col), n=n), _("give every column its own name"), severity="warning")
    return out


def _lines(text: str) -> Iterator[str]:
    """The lines of ``text`` with their line breaks, one at a time (no copy of the whole text)."""
    start, end = 0, len(text)
    while start < end:
        stop = text.find("\n", start)
        stop = end if stop < 0 else stop + 1
        yield text[start:stop]
        start = stop


def _read_csv(path: Path, fmt: str, kind: str, rep: ImportReport, limits: Limits, header: bool) -> Table:
    raw = gunzip(path, limits=limits, name=rep.file) if fmt == "gzip" else path.read_bytes()
    inner = sniff_bytes(bytes(raw[:65536]))
    if inner != "text":
        raise refusal(rep.file, inner, kind)
    first = raw.split(b"\n", 1)[0]
    if len(first) > limits.max_header_bytes:
        raise refuse(rep.file, "max_header_bytes", _("the first line has {n} bytes, over the limit of {limit} for a "
                                                     "header.").format(n=num(len(first)),
                                                                       limit=num(limits.max_header_bytes)))
    if raw.count(b"\n") > limits.max_rows + 2:
        raise refuse(rep.file, "max_rows", _("the file has more than {limit} rows, the limit.").format(
            limit=num(limits.max_rows)))
    text, encoding, bad_lines = _decode(raw, rep)
    del raw  # the only reference: the bytes are freed once decoded
    text = unicodedata.normalize("NFC", text)  # one normal form: NFD and NFC "Đình" compare equal after
    check_time()
    head_line = text.split("\n", 1)[0]
    sep = _delimiter(head_line)
    names = next(csv.reader([head_line], delimiter=sep), [])
    width = len(names)
    if header:
        columns = _header(names, rep, limits)
    else:
        if width > limits.max_columns:
            raise refuse(rep.file, "max_columns", _("the first row has {n} columns, over the limit of {limit}.").format(
                n=num(width), limit=num(limits.max_columns)))
        columns = list(range(width))
    numbers, skip, one_line_each = _scan(text, sep, width, header, bad_lines, rep, limits)
    if one_line_each:  # the common case: pandas' C parser on UTF-8 bytes, told which lines to leave out
        data = text.encode("utf-8")
        del text
        frame = pd.read_csv(io.BytesIO(data), encoding="utf-8", sep=sep, header=None, names=columns, dtype=str,
                            keep_default_na=False, skip_blank_lines=False, engine="c",
                            skiprows=skip | ({0} if header else set()))
    else:  # quoted line breaks or trailing empty cells: row by row
        keep = set(numbers)
        reader = csv.reader(_lines(text), delimiter=sep)
        start = 0 if header else 1
        rows = [rec[:width] for n, rec in enumerate(reader, start=start) if n in keep]
        frame = pd.DataFrame(rows, columns=columns, dtype=object) if rows else pd.DataFrame(columns=columns)
        del rows, text
    if len(frame) != len(numbers):  # both parsers read the same rows; anything else is a bug to hear of
        raise UnreadableFile(_("{file}: its rows could not be told apart; save it again as CSV UTF-8.").format(
            file=rep.file))
    frame.index = pd.Index([n - 1 for n in numbers], dtype=int)
    return Table(_finish(frame, rep, limits), encoding, columns=tuple(str(c) for c in columns))


def _scan(text: str, sep: str, width: int, header: bool, bad_lines: set[int], rep: ImportReport,
          limits: Limits) -> tuple[list[int], set[int], bool]:
    """One pass over the rows: their numbers, the lines to leave out, whether each row is one line.

    Blank rows are left out silently; ragged rows and rows not in the file's
    encoding are reported and left out.
    """
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(_lines(text), delimiter=sep)
    numbers: list[int] = []
    skip: set[int] = set()
    one_line_each = True
    number, line_before = (-1 if header else 0), 0
    for rec in reader:
        number += 1
        first, line_before = line_before, reader.line_num
        if line_before - first != 1:
            one_line_each = False
        if number == 0:
            continue
        if number % 50_000 == 0:
            check_time()
        n = len(rec)
        if not rec or (n == 1 and not rec[0].strip()):
            skip.add(first)  # a blank line: not data
            continue
        if len(numbers) >= limits.max_rows:
            raise refuse(rep.file, "max_rows", _("the file has more than {limit} rows, the limit.").format(
                limit=num(limits.max_rows)))
        if bad_lines and any(i in bad_lines for i in range(first, line_before)):
            rep.add(number, "", "", _("this row is not in UTF-8 like the rest of the file, so its text would be "
                                      "garbled"), _("save the file again as CSV UTF-8, or retype this row"))
        elif n > width and any(c.strip() for c in rec[width:]):
            rep.add(number, "", sep.join(rec)[:200], _("the row has {n} cells but the header has {width}").format(
                n=n, width=width), _("quote cells holding the delimiter {sep}, or remove the extra cells").format(
                sep=repr(sep)))
        elif n < width:
            rep.add(number, "", sep.join(rec)[:200], _("the row has {n} cells but the header has {width}").format(
                n=n, width=width), _("add the missing cells (an empty cell is two delimiters in a row)"))
        else:
            numbers.append(number)
            one_line_each &= n == width  # trailing empty cells: cut row by row
            continue
        skip.add(first)
    rep.read = len(numbers) + len(rep.rejected_rows())
    return numbers, skip, one_line_each


def _finish(frame: pd.DataFrame, rep: ImportReport, limits: Limits) -> pd.DataFrame:
    """Cells stripped as text; rows with an over-long cell reported and left out."""
    too_long = pd.Series(False, index=frame.index)
    for col in frame.columns:
        s = frame[col].astype(str).str.strip()
        long = s.str.len() > limits.max_field_chars
        for i in frame.index[long]:
            rep.add(int(i) + 1, str(col), s[i][:60] + "…",
                    _("the cell holds {n} characters, over the limit of {limit}").format(
                        n=num(len(s[i])), limit=num(limits.max_field_chars)), _("shorten the cell"))
        too_long |= long
        frame[col] = s
    return frame[~too_long.to_numpy()]


def _cell(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    return str(v)


def _read_excel(path: Path, rep: ImportReport, limits: Limits, part: str | None, header: bool) -> Table:
    members = zip_members(path, limits=limits, name=rep.file)  # checked before openpyxl opens it
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_excel_unpacked_bytes:
        raise refuse(rep.file, "max_excel_unpacked_bytes", _("the workbook unpacks to {size} MB, over the limit of "
                                                             "{limit} MB for Excel.").format(
            size=num(unpacked / 2**20), limit=num(limits.max_excel_unpacked_bytes / 2**20)))
    handle = open(path, "rb")  # a file object: openpyxl judges a path by its name, and the content decided here
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns of styles and extensions it drops
            import openpyxl  # here: the app starts without it

            wb = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook: one clear message
        handle.close()
        raise UnreadableFile(_("{file}: is not a readable Excel workbook; open it in Excel and save it again as "
                               ".xlsx.").format(file=rep.file)) from exc
    try:
        sheets = tuple(wb.sheetnames)
        chosen = part if part is not None else sheets[0]
        if chosen not in sheets:
            raise UnreadableFile(_("{file}: has no sheet {sheet}; its sheets are {sheets}.").format(
                file=rep.file, sheet=repr(chosen), sheets=", ".join(sheets)))
        for other in sheets:
            if other != chosen:
                rep.add(None, "", other, _("the sheet {sheet} was not imported").format(sheet=repr(other)),
                        _("import it on its own: choose it with {option}").format(option=option("part", other)),
                        severity="warning")
        ws = wb[chosen]
        ws.reset_dimensions()  # a sheet claiming XFD1048576 is read as far as it has cells, no further
        rows, numbers, names = [], [], None
        width = 0
        for number, values in enumerate(ws.iter_rows(values_only=True), start=0 if header else 1):
            if number % 10_000 == 0:
                check_time()
            cells = [_cell(v) for v in values[: limits.max_columns + 1]]
            while cells and cells[-1] == "":
                cells.pop()
            if names is None:
                if header:
                    names = _header(cells, rep, limits)
                    width = len(names)
                    continue
                names = list(range(len(cells)))
                width = len(cells)
                if width > limits.max_columns:
                    raise refuse(rep.file, "max_columns", _("the first row has more than {limit} columns, the "
                                                            "limit.").format(limit=num(limits.max_columns)))
            if not cells:
                continue
            if len(numbers) >= limits.max_rows:
                raise refuse(rep.file, "max_rows", _("the sheet has more than {limit} rows, the limit.").format(
                    limit=num(limits.max_rows)))
            if len(cells) > width:
                rep.add(number, "", "", _("the row has {n} cells but the header has {width}").format(
                    n=len(cells), width=width), _("give the extra cells a header, or remove them"))
                continue
            rows.append(cells + [""] * (width - len(cells)))
            numbers.append(number)
    finally:
        wb.close()
        handle.close()
    names = names or []
    rep.read = len(numbers) + len(rep.rejected_rows())
    frame = pd.DataFrame(rows, columns=names, dtype=object) if rows else pd.DataFrame(columns=names)
    frame.index = pd.Index([n - 1 for n in numbers], dtype=int)
    return Table(_finish(frame, rep, limits), "excel", parts=sheets, part=chosen,
                 columns=tuple(str(c) for c in names))


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
            raise UnreadableFile(_("{option}: the file has no column {column} (for {canonical}); its columns are "
                                   "{columns}").format(option=option("column", f"{canon}={col}"), column=listing([col]),
                                                       canonical=listing([canon]), columns=listing(frame.columns)))
        found[canon] = col
    folded = {fold(c, strip_prefix=False): c for c in frame.columns if isinstance(c, str)}
    for canon, names in aliases.items():
        if canon in found:
            continue
        for alias in (canon, *names):
            col = folded.get(fold(alias, strip_prefix=False))
            if col is not None and col not in found.values():
                found[canon] = col
                break
    return found
