"""The package installs and runs from anywhere; its requirement lists agree with pyproject.toml."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import textwrap
import time
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def requirements(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-r"):
            req = Requirement(line)
            out[req.name.lower()] = str(req.specifier)
    return out


def as_dict(reqs: list[str]) -> dict[str, str]:
    return {(r := Requirement(s)).name.lower(): str(r.specifier) for s in reqs}


def test_requirements_txt_is_the_projects_dependencies():
    assert requirements(ROOT / "requirements.txt") == as_dict(PROJECT["dependencies"])


def test_requirements_dev_is_the_test_extra():
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text()
    assert requirements(ROOT / "requirements-dev.txt") == as_dict(PROJECT["optional-dependencies"]["test"])


def test_every_dependency_has_a_lower_bound_and_a_cap():
    for name, spec in as_dict(PROJECT["dependencies"]).items():
        assert "==" in spec or (">=" in spec and "<" in spec), f"{name}: {spec}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel, built offline from this checkout and installed (without its dependencies) into a folder."""
    dist, site = tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
                    "-w", str(dist), str(ROOT)], check=True, capture_output=True)
    wheel = next(dist.glob("hanoi_telecom_tracker-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", str(site),
                    str(wheel)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(site)}
    return wheel, site, env


def test_the_wheel_carries_the_default_data_and_the_app(installed):
    wheel, _, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for want in ("infra/_data/geo/hanoi_default.gpkg", "infra/_data/geo/targets.csv", "infra/_data/plan_facts.csv",
                 "infra/_app/app.py", "infra/_app/app_pages/map.py", "infra/_app/app_pages/_mapframe.py",
                 "infra/web/itt_map.js", "infra/web/index.html", "infra/cli.py", "infra/engine/engine.py",
                 "infra/locale/vi/LC_MESSAGES/messages.mo", "infra/_app/app_pages/_header.py"):
        assert want in names, want
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n]
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "telecom-tracker = infra.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()


def test_installed_cli_reports_from_another_folder(installed, tmp_path):
    _, site, env = installed
    out = subprocess.run([str(site / "bin" / "telecom-tracker"), "report", "--layer", "district", "--as-of",
                          "2025-12-31", "-o", "r.csv"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert pd.read_csv(tmp_path / "r.csv", dtype={"unit_code": str})["unit_code"].iloc[-1] == "*"
    assert len(pd.read_csv(tmp_path / "r.csv")) == 31
    where = subprocess.run([sys.executable, "-c", "import infra, infra.settings as s; print(infra.__file__, "
                            "s.IN_CHECKOUT, s.DEFAULT_GPKG.exists())"], cwd=tmp_path, env=env, capture_output=True,
                           text=True, check=True).stdout.split()
    assert where == [str(site / "infra" / "__init__.py"), "False", "True"]  # the installed copy, not this checkout
    module = subprocess.run([sys.executable, "-m", "infra", "--help"], cwd=tmp_path, env=env, capture_output=True,
                            text=True)
    assert module.returncode == 0 and "export-map" in module.stdout
    export = subprocess.run([str(site / "bin" / "telecom-tracker"), "export-map", "--unit", "001", "-o", "m.html"],
                            cwd=tmp_path, env=env, capture_output=True, text=True)
    assert export.returncode == 0, export.stderr
    assert "IttMap.fromDocument" in (tmp_path / "m.html").read_text()  # the renderer, found in the installed copy


def test_installed_app_runs_on_the_embedded_data(installed, tmp_path):
    _, site, env = installed
    script = textwrap.dedent(f"""
        from streamlit.testing.v1 import AppTest
        at = AppTest.from_file({str(site / "infra" / "_app" / "app.py")!r}, default_timeout=240)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        print(next(m.value for m in at.metric if m.label == "Số trạm hiện có"))  # Vietnamese: the wheel's .mo
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert int(out.stdout.strip().splitlines()[-1].replace(".", "")) > 4000


def test_installed_app_command_serves_the_app(installed, tmp_path):
    _, site, env = installed
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    err = (tmp_path / "stderr.txt").open("w")
    proc = subprocess.Popen([str(site / "bin" / "telecom-tracker"), "app", "--port", str(port), "--server.address",
                             "127.0.0.1", "--store", str(tmp_path / "team.gpkg")], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline, health = time.time() + 60, ""
        while time.time() < deadline and health != "ok":
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    health = r.read().decode()
            time.sleep(0.3)
        assert health == "ok"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert "<title>Streamlit</title>" in r.read().decode()
    finally:
        proc.terminate()  # the command became the server (exec): the signal stops it
        assert proc.wait(timeout=20) is not None
        err.close()
    assert f"on the store {tmp_path / 'team.gpkg'}" in (tmp_path / "stderr.txt").read_text()
