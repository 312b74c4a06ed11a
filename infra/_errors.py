"""Exceptions of the library; all subclass :class:`ValueError`."""

from __future__ import annotations

from dataclasses import dataclass

from infra.i18n import _


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a frame or file.

    Parameters
    ----------
    frame
        Frame or file concerned.
    column
        Column concerned ('' when the problem is the frame as a whole).
    rows
        Rows concerned, e.g. ``"rows 3, 7"`` ('' when not row-specific).
    what
        What is wrong.
    fix
        How to fix it.
    """

    frame: str
    column: str
    rows: str
    what: str
    fix: str

    def __str__(self) -> str:
        column = _("column '{column}'").format(column=self.column) if self.column else ""
        where = ", ".join(p for p in (column, self.rows) if p)
        head = f"{self.frame}: {where}" if where else self.frame
        return f"{head}: {self.what} — {self.fix}"


class ContractError(ValueError):
    """A frame breaks the column contract; lists every problem found at once."""

    def __init__(self, frame: str, problems: list[Problem]) -> None:
        self.frame = frame
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        head = _("{frame}: {n} problem(s):").format(frame=frame, n=len(self.problems))
        super().__init__(f"{head}\n{lines}")


class BuildError(ValueError):
    """The default data cannot be built from the registry packages."""
