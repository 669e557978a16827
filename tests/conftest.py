"""Shared helpers: the real TLC jar, and dsqspec run as a subprocess or via CliRunner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tlc_runner import toolchain
from tlc_runner.model_state import ModelFacts

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def jar() -> Path:
    """The pinned jar; the suite runs real TLC, so a missing jar is an error, not a skip."""
    return toolchain.verified_jar()


@pytest.fixture()
def runs_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "runs"
    monkeypatch.setenv("DSQSPEC_RUNS", str(folder))
    return folder


def dsqspec(*args: str, env: dict | None = None, timeout: float = 600, cwd: Path | None = None):
    """Run the dsqspec CLI as a separate process, as a user would."""
    return subprocess.run([sys.executable, "-m", "tlc_runner.cli", *args], capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, **(env or {})}, cwd=cwd)


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text()


def fixture_facts(name: str) -> ModelFacts:
    return ModelFacts.from_dict(json.loads((FIXTURES / f"{name}.model.json").read_text()))


def fixture_context(name: str) -> dict:
    model = json.loads((FIXTURES / f"{name}.model.json").read_text())
    return {"label": model.get("hypothesis") or model["variant"], "procs": model["procs"],
            "command": model["command"], "module": "fixture", "tlc_version": "TLC2 Version 2.18 of 20 March 2023",
            "facts": model}
