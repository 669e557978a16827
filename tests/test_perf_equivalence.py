"""The speed work (issue 11) changes how TLC is asked, not what the model means.

Each test checks one small model twice with real TLC: from this tree, and from the
revision this branch started at on `main` (`git merge-base HEAD main`, checked out into
a temporary worktree).  The distinct-state count, the exit code and the counterexample
must be the same; nothing here is a literal count.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DISTINCT = re.compile(r"([\d,]+) distinct states found")


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.fixture(scope="module")
def main_tree(tmp_path_factory):
    """A worktree of where this branch left main; skipped outside a git clone with `main`."""
    try:
        base = _git("merge-base", "HEAD", "main")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("needs a git clone with a `main` branch to compare against")
    if base == _git("rev-parse", "HEAD"):
        pytest.skip("HEAD is main itself: nothing to compare")
    tree = tmp_path_factory.mktemp("main") / "tree"
    _git("worktree", "add", "--detach", "--quiet", str(tree), base)
    yield tree
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)


def _check(tree: Path, jar: Path, out: Path, *model: str) -> tuple[int, int, str]:
    """Exit code, distinct states and printed report of `dsqspec check` run from `tree`."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-m", "tlc_runner", "check", *model, "--workers", "1",
                           "--quiet", "--keep", "--jar", str(jar), "--out", str(out)],
                          cwd=tree, env=env, capture_output=True, text=True, timeout=900)
    found = DISTINCT.findall((out / "tlc.log").read_text())
    report = done.stdout.replace(str(out), "RUN")
    return done.returncode, int(found[-1].replace(",", "")), report


@pytest.mark.parametrize("model", [
    ("--variant", "fixed", "--procs", "2", "--folios", "2", "--actors", "free,migrate", "--atomic-init"),
    ("--variant", "underused", "--procs", "2", "--folios", "2", "--actors", "free,migrate",
     "--atomic-init"),
    ("--variant", "v6.11", "--procs", "2", "--folios", "2"),
], ids=["fixed-2x2-holds", "underused-2x2-violates", "v6.11-2x2-all-actors-violates-uaf"])
def test_same_states_verdict_and_trace_as_main(tmp_path, jar, main_tree, model):
    ours = _check(ROOT, jar, tmp_path / "this", *model)
    theirs = _check(main_tree, jar, tmp_path / "main", *model)
    assert ours[0] == theirs[0] and ours[0] in (0, 1)
    assert ours[1] == theirs[1] > 0
    if ours[0] == 1:  # the counterexample, line for line (a clean pass prints its own time)
        assert ours[2] == theirs[2]
