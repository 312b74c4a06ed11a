"""I/O: every file the tracker reads or writes, and the importers that check them row by row.

Files in, canonical frames and an :class:`~infra.io.report.ImportReport` out
(every input row imported, repaired or rejected, and why); datasets and exports out.
Nothing here computes coverage.
"""

from infra.io import limits
from infra.io.datasets import read_dataset, write_dataset
from infra.io.exports import table_bytes, write_html, write_table
from infra.io.importing import KINDS, display_name, import_file, import_upload
from infra.io.limits import Limits
from infra.io.report import ROW_CONVENTION, ImportReport, RowProblem, UnreadableFile

__all__ = ["KINDS", "ROW_CONVENTION", "ImportReport", "Limits", "RowProblem", "UnreadableFile", "display_name",
           "import_file", "import_upload", "limits", "read_dataset", "table_bytes", "write_dataset", "write_html",
           "write_table"]
