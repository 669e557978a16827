"""Hypothesis files, verify and sweep: with real TLC on real rendered specs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tlc_runner.hypothesis import bundled_hypotheses, load_hypothesis, render_hypothesis
from tlc_runner.errors import UsageError

from conftest import dsqspec

DOCS = Path(__file__).resolve().parent.parent / "docs" / "hypotheses.md"


def docs_example() -> str:
    """The example hypothesis of docs/hypotheses.md, exactly as printed there."""
    text = DOCS.read_text()
    return re.search(r"## A patch\n.*?```diff\n(.*?)```", text, re.S).group(1)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


HEADER = """{#-
name: probe
description: a test hypothesis
base: fixed
expect: holds
options: procs=2 folios=2 actors=free,migrate atomic-init
source: tests
-#}
{% extends base %}
"""


def test_bundled_hypotheses_load_and_render():
    names = {h.name for h in bundled_hypotheses()}
    assert names >= {"careful-init", "len-unlocked", "migrate-unqueue-unfrozen", "two-shrinkers"}
    for hyp in bundled_hypotheses():
        spec = render_hypothesis(hyp, hyp.model_options())
        assert spec.module.startswith("DeferredSplit_") and "deferred_split_scan" in spec.tla
        assert hyp.source and str(hyp.expect)


def test_the_documented_example_renders_runs_and_is_judged(tmp_path, runs_dir, jar):
    """Written from docs/hypotheses.md alone: copied from it, not from the templates."""
    path = write(tmp_path, "delete-under-lock.diff", docs_example())
    proc = dsqspec("verify", "--hypotheses", str(tmp_path), "--only", "delete-under-lock",
                   env={"DSQSPEC_RUNS": str(runs_dir)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "hypothesis delete-under-lock" in proc.stdout and " ok " in proc.stdout
    render = dsqspec("render", "--hypothesis", str(path), "--out", str(tmp_path / "out"))
    assert render.returncode == 0, render.stderr
    tla = next((tmp_path / "out").glob("*.tla")).read_text()
    # the patch's lock: three spin_lock steps in the shrinker now, not two
    assert tla.count('Ev(s, "deferred_split_scan", "spin_lock"') == 3


@pytest.mark.parametrize("expect, code, needles", [
    ("holds", 1, ["MISMATCH", "1 mismatched"]),          # underused does not hold: a mismatch
    ("unknown", 0, ["reported", "violates", "0 mismatched"]),  # run and reported, not judged
])
def test_verify_judges_expectations(tmp_path, runs_dir, jar, expect, code, needles):
    write(tmp_path, "probe.tla.j2", HEADER.replace("base: fixed", "base: underused")
          .replace("expect: holds", f"expect: {expect}"))
    proc = dsqspec("verify", "--hypotheses", str(tmp_path), "--only", "probe",
                   env={"DSQSPEC_RUNS": str(runs_dir)})
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert all(n in proc.stdout for n in needles)


@pytest.mark.parametrize("mutate, needle, line", [
    (lambda t: t.replace("{% extends base %}\n", "{% extends base %}\n{% block next_delte %}{% endblock %}\n"),
     "unknown extension point 'next_delte'", 10),
    (lambda t: t + "{% block free_path %}{{ K.no_such_macro() }}{% endblock %}\n", "Jinja", 10),
    (lambda t: t + "{% block free_path %}{% if %}{% endblock %}\n", "Jinja", 10),
    (lambda t: t.replace("source: tests", "sauce: tests"), "unknown header key 'sauce'", 7),
    (lambda t: t.replace("base: fixed", "base: v7.0"), "base 'v7.0' is not a variant", 1),
    (lambda t: t.replace("expect: holds", "expect: maybe"), "expect must be", 1),
    (lambda t: t.replace("atomic-init", "atomic-init colour=red"), "bad option 'colour=red'", 1),
    (lambda t: t.replace("source: tests", "source: tests\nsettings: fast=true"), "unknown setting 'fast=true'", 1),
    (lambda t: t.replace("-#}\n{% extends base %}", "-#}\n{% extends base %}\n{# never closed"), "Jinja", 10),
])
def test_bad_hypothesis_files_name_file_and_line(tmp_path, mutate, needle, line):
    path = write(tmp_path, "bad.tla.j2", mutate(HEADER))
    proc = dsqspec("render", "--hypothesis", str(path), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and str(path) in proc.stderr
    assert needle in proc.stderr
    if line is not None:
        assert f"{path}:{line}:" in proc.stderr


def test_tla_that_sany_rejects_is_mapped_back_to_the_hypothesis(tmp_path, runs_dir, jar):
    text = HEADER + "{% block free_path %}\no_put(f) == /\\ pc[f] = \"o_put\" /\\ @@@ broken\n{% endblock %}\n"
    path = write(tmp_path, "sany.tla.j2", text)
    proc = dsqspec("check", "--hypothesis", str(path), "--quiet", env={"DSQSPEC_RUNS": str(runs_dir)})
    assert proc.returncode == 2, proc.stderr
    assert f"{path}:11: SANY" in proc.stderr and "Traceback" not in proc.stderr


def test_hypothesis_and_variant_together_is_a_usage_error(tmp_path):
    path = write(tmp_path, "probe.tla.j2", HEADER)
    proc = dsqspec("check", "--hypothesis", str(path), "--variant", "fixed")
    assert proc.returncode == 2 and "drop --variant" in proc.stderr


def test_command_line_options_override_the_header(tmp_path):
    hyp = load_hypothesis(write(tmp_path, "probe.tla.j2", HEADER))
    opts = hyp.model_options(folios=3)
    assert opts.folios == 3 and opts.procs == 2 and opts.atomic_init and opts.actors == ("free", "migrate")
    assert opts.cli_args()[:2] == ["--hypothesis", str(tmp_path / "probe.tla.j2")]


def test_missing_header_is_an_error(tmp_path):
    with pytest.raises(UsageError, match=":1: a hypothesis starts with a header"):
        load_hypothesis(write(tmp_path, "nohead.tla.j2", "{% extends base %}\n"))


def test_sweep_names_the_smallest_failing_configuration(runs_dir, jar):
    proc = dsqspec("sweep", "--variant", "safe-prev", "--actors", "free,migrate", "--atomic-init",
                   "--procs", "2", "--folios", "2..3", "--workers", "2",
                   env={"DSQSPEC_RUNS": str(runs_dir)})
    assert proc.returncode == 1, proc.stderr
    assert "smallest failing configuration: --procs 2 --folios 3" in proc.stdout


def test_sweep_with_no_failure_exits_0(runs_dir, jar):
    proc = dsqspec("sweep", "--variant", "fixed", "--actors", "free,migrate", "--atomic-init",
                   "--procs", "1..2", "--folios", "1..2", "--workers", "2",
                   env={"DSQSPEC_RUNS": str(runs_dir)})
    assert proc.returncode == 0 and "no violation at any size" in proc.stdout


def test_sweep_rejects_bad_ranges():
    proc = dsqspec("sweep", "--procs", "0..9")
    assert proc.returncode == 2 and "--procs must lie within 1..4" in proc.stderr


def test_verify_judges_every_bundled_hypothesis_as_expected(runs_dir, jar):
    """verify end to end on the bundled hypotheses; the claims of specs/claims/ are each
    judged by tests/test_model_outcomes.py, so the default run does not check them twice."""
    proc = dsqspec("verify", "--only", "hypothesis", "--workers", "2",
                   env={"DSQSPEC_RUNS": str(runs_dir)}, timeout=1200)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 mismatched" in proc.stdout and "MISMATCH" not in proc.stdout
    assert proc.stdout.count("hypothesis ") == len(bundled_hypotheses())


@pytest.mark.slow
def test_verify_is_green_at_small_sizes(runs_dir, jar):
    """The whole of verify: every claim and every hypothesis as expected."""
    proc = dsqspec("verify", "--workers", "2", env={"DSQSPEC_RUNS": str(runs_dir)}, timeout=2400)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "0 mismatched" in proc.stdout and "MISMATCH" not in proc.stdout
