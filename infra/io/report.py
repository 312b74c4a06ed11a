"""The validation report of an import: every input row is imported, repaired or rejected, and said so.

Rows are numbered as :data:`ROW_CONVENTION` says, in the CLI, the app, the report
table and the docs alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from infra.i18n import N_, _

Severity = Literal["rejected", "repaired", "warning"]

#: Kind of file → its name for people (msgids).
KIND_LABELS: dict[str, str] = {"boundaries": N_("boundaries"), "sites": N_("sites"), "radios": N_("radios"),
                               "opencellid": N_("OpenCelliD export"), "targets": N_("targets"),
                               "population": N_("population")}


def kind_label(kind: str) -> str:
    """A kind of file for people, in the current language (``opencellid`` → "OpenCelliD export")."""
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else str(kind)

#: How rows are numbered in every report (the CLI and the app print it with the report); a msgid, shown with
#: :func:`row_convention` in the current language.
ROW_CONVENTION: str = N_("Rows are counted from the first data row (row 1), the header line not counted: in a "
                       "spreadsheet, row N of this report is sheet row N + 1; in a GIS file it is feature N.")
#: Severity → its name for people (msgids).
SEVERITIES: dict[str, str] = {"rejected": N_("rejected"), "repaired": N_("repaired"), "warning": N_("warning")}
#: Column of :meth:`ImportReport.frame` → its header for people (msgids).
HEADERS: dict[str, str] = {"file": N_("File"), "row": N_("Row"), "column": N_("Column"), "value": N_("Value"),
                           "what": N_("What is wrong"), "fix": N_("How to fix it"), "severity": N_("Outcome")}


def row_convention() -> str:
    """:data:`ROW_CONVENTION` in the current language."""
    return _(ROW_CONVENTION)


def severity_label(severity: str) -> str:
    """A severity for people, in the current language."""
    return _(SEVERITIES[severity]) if severity in SEVERITIES else str(severity)


@dataclass(frozen=True)
class RowProblem:
    """One problem of one input row (or of the file, ``row=None``).

    Attributes
    ----------
    file
        Input file name.
    row
        Data row (feature) of the user's file, from 1, the header not counted
        (:data:`ROW_CONVENTION`), or ``None`` for the file as a whole.
    column
        Input column concerned ('' if none).
    value
        The offending value, as text.
    what
        What is wrong.
    fix
        How to fix it.
    severity
        ``rejected`` (row not imported), ``repaired`` (imported after a fix) or
        ``warning`` (imported as is).
    """

    file: str
    row: int | None
    column: str
    value: str
    what: str
    fix: str
    severity: Severity = "rejected"

    def __str__(self) -> str:
        where = _("row {row}").format(row=self.row) if self.row is not None else _("file")
        col = ", " + _("column '{column}'").format(column=self.column) if self.column else ""
        val = " (" + _("value {value}").format(value=repr(self.value)) + ")" if self.value != "" else ""
        return f"{self.file}: {where}{col}{val}: {self.what} — {self.fix} [{severity_label(self.severity)}]"


@dataclass
class ImportReport:
    """Counts and problems of one import; the counts reconcile (``read = imported + rejected``).

    Attributes
    ----------
    file
        Input file name.
    kind
        ``boundaries``, ``sites``, ``radios``, ``opencellid`` or ``targets``.
    read
        Data rows read.
    problems
        Every problem found.
    parts
        The sheets, layers or archive members of the file; ``part`` is the one imported.
    columns
        The columns (fields) of the part imported, for choosing a column by hand.
    """

    file: str
    kind: str
    read: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    parts: tuple[str, ...] = ()
    part: str | None = None
    columns: tuple[str, ...] = ()

    def add(self, row: int | None, column: str, value: object, what: str, fix: str,
            severity: Severity = "rejected") -> None:
        """Record a problem."""
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
        self.problems.append(RowProblem(self.file, None if row is None else int(row), str(column), text[:200], what,
                                        fix, severity))

    def _rows(self, severity: Severity) -> set[int]:
        return {p.row for p in self.problems if p.severity == severity and p.row is not None}

    @property
    def rejected(self) -> int:
        """Rows not imported."""
        return len(self._rows("rejected"))

    @property
    def repaired(self) -> int:
        """Rows imported after a repair (and not rejected)."""
        return len(self._rows("repaired") - self._rows("rejected"))

    @property
    def imported(self) -> int:
        """Rows imported (``read − rejected``)."""
        return self.read - self.rejected

    @property
    def ok(self) -> bool:
        """Every row was imported."""
        return self.rejected == 0

    def rejected_rows(self) -> set[int]:
        """1-based rows that were rejected."""
        return self._rows("rejected")

    def frame(self) -> pd.DataFrame:
        """The problems as a table (``file``, ``row``, ``column``, ``value``, ``what``, ``fix``, ``severity``)."""
        cols = ["file", "row", "column", "value", "what", "fix", "severity"]
        return pd.DataFrame([p.__dict__ for p in self.problems], columns=cols)

    def table(self) -> pd.DataFrame:
        """:meth:`frame` for people: headers and outcomes in the current language (the values as in the file)."""
        out = self.frame()
        out["severity"] = [severity_label(s) for s in out["severity"]]
        return out.rename(columns={c: _(h) for c, h in HEADERS.items()})

    def summary(self) -> str:
        """One line of counts."""
        return _("{file} ({kind}): read {read}, imported {imported} (repaired {repaired}), rejected {rejected}").format(
            file=self.file, kind=kind_label(self.kind), read=self.read, imported=self.imported,
            repaired=self.repaired, rejected=self.rejected)

    def text(self, *, limit: int = 200) -> str:
        """The summary, the row convention when rows are named, and up to ``limit`` problems, one per line."""
        lines = [self.summary()]
        if any(p.row is not None for p in self.problems):
            lines.append(row_convention())
        lines += [f"  - {p}" for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append("  " + _("… and {n} more problems").format(n=len(self.problems) - limit))
        return "\n".join(lines)


class UnreadableFile(ValueError):
    """A file that cannot be read at all (one clear message, never a traceback)."""
