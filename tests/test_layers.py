"""The layers hold (import-linter, configured in pyproject.toml), and an upward import breaks them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())",
        "--no-cache"]


def lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run(LINT, cwd=where, capture_output=True, text=True, check=False,
                          env={"PYTHONPATH": str(where), "PATH": "/usr/bin:/bin"})


def test_the_layers_hold():
    out = lint(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 kept, 0 broken" in out.stdout


@pytest.mark.parametrize(("module", "upward", "contract"), [
    ("infra/engine/select.py", "import infra.views.maps", "Layers"),  # the engine reaching up into the views
    ("infra/io/names.py", "import infra.engine.asof", "Layers"),  # io and the engine are independent
    ("infra/views/maps.py", "import streamlit", "Nothing imports streamlit"),
    ("infra/plan/paths.py", "import pyogrio", "The engine and the plan are pure"),
])
def test_an_upward_import_breaks_a_contract(tmp_path, module, upward, contract):
    for part in ("infra", "app_pages"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{upward}  # noqa\n")
    out = lint(tmp_path)
    assert out.returncode == 1, out.stdout + out.stderr
    assert f"{contract}" in out.stdout and "BROKEN" in out.stdout
