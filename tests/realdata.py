"""The real Hanoi boundary files, read from ``../shared/data/real/`` (or ``$REAL_DATA_DIR``), never copied here.

On a developer's machine without them, the tests that need them are skipped and
say why; in CI (``CI`` set) a missing file fails, since CI must test real data.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_DIR = Path(os.environ.get("REAL_DATA_DIR", ROOT.parent / "shared" / "data" / "real"))


def real_file(name: str) -> Path:
    """The path of a real boundary file; skips the test (fails it in CI) when the file is not there."""
    path = REAL_DIR / name
    if not path.exists():
        why = (f"real boundary file {path} missing: put ../shared/data/real beside the repository "
               "(or point REAL_DATA_DIR at it)")
        if os.environ.get("CI"):
            pytest.fail(f"{why}; CI must test the real data", pytrace=False)
        pytest.skip(why)
    return path
