"""Limits every import holds, whatever the file: sizes, counts, widths and wall time.

Each limit is a typed, documented constant here and a field of :class:`Limits`, which
an import takes (``None`` reads these constants when called; tests never mutate them).
A file over a limit is refused at once with a message naming the limit, the CLI flag
and the setting that raise it. The defaults keep one import under 2 GB of memory
(``python bench/hostile.py`` prints the figures).

The wall time of one import is kept by a deadline the readers check as they go
(:func:`deadline`, :func:`check_time`: while unpacking, between rows, between steps):
an import running longer stops with a clear message instead of holding the server.
GDAL's read of one layer is not interrupted; the size and feature limits bound it.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import time
from collections.abc import Iterator
from dataclasses import dataclass

from infra import i18n
from infra.i18n import _
from infra.io.report import UnreadableFile

#: Largest file accepted (bytes), compressed or not. CLI: ``--max-mb``.
MAX_UPLOAD_BYTES: int = 200 * 1024 * 1024
#: Largest size a zip, KMZ, gzip or Excel file may unpack to (bytes), all members together.
#: CLI: ``--max-unpacked-mb``.
MAX_UNPACKED_BYTES: int = 300 * 1024 * 1024
#: Largest size an Excel workbook may unpack to (bytes): openpyxl reads about 2 MB of sheet XML a second,
#: so this keeps a workbook (about 250,000 rows of 8 cells) well inside :data:`MAX_SECONDS`; CSV reads ten
#: times faster. CLI: ``--max-excel-mb``.
MAX_EXCEL_UNPACKED_BYTES: int = 100 * 1024 * 1024
#: Most members a zip (or KMZ, or Excel workbook) may hold.
MAX_ARCHIVE_MEMBERS: int = 1_000
#: Most data rows (features) one file may hold. CLI: ``--max-rows``.
MAX_ROWS: int = 1_000_000
#: Most columns (fields) a table or a vector layer may have. CLI: ``--max-columns``.
MAX_COLUMNS: int = 200
#: Most characters of one cell; a longer cell rejects its row.
MAX_FIELD_CHARS: int = 10_000
#: Most bytes of a table's header line.
MAX_HEADER_BYTES: int = 64 * 1024
#: Most seconds one import may run. CLI: ``--max-seconds``.
MAX_SECONDS: float = 120.0


@dataclass(frozen=True)
class Limits:
    """The limits of one import (defaults: the module's constants).

    Attributes
    ----------
    max_bytes, max_unpacked_bytes, max_excel_unpacked_bytes, max_members, max_rows, max_columns, max_field_chars
        See the module constants of the same names (``MAX_UPLOAD_BYTES`` for ``max_bytes``).
    max_header_bytes, max_seconds
        Likewise.
    """

    max_bytes: int = MAX_UPLOAD_BYTES
    max_unpacked_bytes: int = MAX_UNPACKED_BYTES
    max_excel_unpacked_bytes: int = MAX_EXCEL_UNPACKED_BYTES
    max_members: int = MAX_ARCHIVE_MEMBERS
    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS
    max_field_chars: int = MAX_FIELD_CHARS
    max_header_bytes: int = MAX_HEADER_BYTES
    max_seconds: float = MAX_SECONDS

    def but(self, **changes: object) -> Limits:
        """These limits with some changed (``None`` values are ignored)."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


#: Where each limit is raised, named in every refusal: the CLI's option (a key of :data:`infra.i18n.OPTIONS`, or
#: ``None``) and the setting.
HOW_TO_RAISE: dict[str, tuple[str | None, str]] = {
    "max_bytes": ("max_mb", "MAX_UPLOAD_BYTES"),
    "max_unpacked_bytes": ("max_unpacked_mb", "MAX_UNPACKED_BYTES"),
    "max_excel_unpacked_bytes": ("max_excel_mb", "MAX_EXCEL_UNPACKED_BYTES"),
    "max_members": (None, "MAX_ARCHIVE_MEMBERS"),
    "max_rows": ("max_rows", "MAX_ROWS"),
    "max_columns": ("max_columns", "MAX_COLUMNS"),
    "max_field_chars": (None, "MAX_FIELD_CHARS"),
    "max_header_bytes": (None, "MAX_HEADER_BYTES"),
    "max_seconds": ("max_seconds", "MAX_SECONDS"),
}


def how_to_raise(limit: str) -> str:
    """Where the limit ``limit`` is raised, for the interface in use (the CLI's option, or the app's setting).

    Examples
    --------
    >>> how_to_raise("max_bytes")
    '--max-mb (setting infra.io.limits.MAX_UPLOAD_BYTES)'
    >>> with i18n.language("en", "app"):
    ...     how_to_raise("max_bytes")
    'the setting infra.io.limits.MAX_UPLOAD_BYTES (ask whoever runs the app)'
    """
    option, setting = HOW_TO_RAISE[limit]
    setting = f"infra.io.limits.{setting}"
    if i18n.interface() == "app":
        text = _("the setting {setting} (ask whoever runs the app)").format(setting=setting)
    else:
        text = _("setting {setting}").format(setting=setting)
        text = f"{i18n.option(option)} ({text})" if option else text
    if limit == "max_excel_unpacked_bytes":
        text += _(", or save the sheet as CSV UTF-8, read ten times faster")
    return text


def refuse(name: str, limit: str, what: str) -> UnreadableFile:
    """The refusal of file ``name`` over the limit ``limit`` (a :class:`Limits` field).

    Parameters
    ----------
    name
        The file name.
    limit
        The field of :class:`Limits` that is exceeded.
    what
        A whole sentence saying what is over the limit (in the current language).
    """
    return UnreadableFile(_("{file}: {what} Split the file, or raise the limit with {how}.").format(
        file=name, what=what, how=how_to_raise(limit)))


class ImportTimeout(UnreadableFile):
    """An import that ran longer than its wall-time limit."""


_DEADLINE: contextvars.ContextVar[tuple[float, float, str] | None] = contextvars.ContextVar("deadline",
                                                                                            default=None)


@contextlib.contextmanager
def deadline(seconds: float, name: str) -> Iterator[None]:
    """Run the block with a wall-time limit that :func:`check_time` enforces (per thread and task)."""
    token = _DEADLINE.set((time.monotonic() + seconds, seconds, name))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check_time() -> None:
    """Stop the import running in this context if its deadline has passed.

    Raises
    ------
    ImportTimeout
        Naming the file, the limit and how to raise it.
    """
    current = _DEADLINE.get()
    if current is not None and time.monotonic() > current[0]:
        _deadline, seconds, name = current
        raise ImportTimeout(_("{file}: reading it took longer than the limit of {seconds} s, and was stopped. Split "
                              "the file, or raise the limit with {how}.").format(
            file=name, seconds=f"{seconds:.0f}", how=how_to_raise("max_seconds")))
