"""The code base passes ruff (configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from infra import settings


def test_ruff_check_passes():
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=settings.REPO_ROOT,
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
