"""Claim files (specs/claims/): the format's strict errors, what verify and variants make of them.

The verdicts themselves are judged against real TLC in test_model_outcomes.py,
parametrized over the same files; here only small models run.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tlc_runner.claims import CLAIMS_DIR, load_claims
from tlc_runner.cli import main
from tlc_runner.hypothesis import bundled_hypotheses
from tlc_runner.model_options import ModelOptions
from tlc_runner.variants import VARIANTS

from conftest import dsqspec

ROOT = Path(__file__).resolve().parent.parent

GOOD = """# a test claim
name: probe
variant: fixed
options: procs=2 folios=2 actors=free,migrate atomic-init
expect: holds
source: tests
"""


def bundled():
    return load_claims(hypotheses=bundled_hypotheses())


def write_claim(folder: Path, text: str, name: str = "probe") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.claim"
    path.write_text(text)
    return path


def test_bundled_claims_load_with_a_source_each():
    claims = bundled()
    assert len({c.name for c in claims}) == len(claims)
    assert all(c.source and c.expect.kind in ("holds", "violates") for c in claims)


def test_every_version_and_every_finding_has_a_claim():
    claims = bundled()
    assert {c.variant for c in claims} == set(VARIANTS)
    findings = set(re.findall(r"^\| (F-\d+) \|", (ROOT / "docs" / "findings.md").read_text(), re.M))
    assert findings and findings <= {c.name for c in claims}


def test_the_readme_main_command_is_a_claim_and_variants_shows_it():
    """README: `dsqspec check --procs 3 --variant fixed` reports a violation; variants must say so."""
    readme = (ROOT / "README.md").read_text()
    assert "dsqspec check --procs 3 --variant fixed" in readme
    main_model = ModelOptions(variant="fixed", procs=3)
    claim = next(c for c in bundled() if c.hypothesis is None and c.model_options() == main_model)
    assert claim.expect.kind == "violates"
    output = CliRunner().invoke(main, ["variants"]).output
    line = next(l for l in output.splitlines() if l.split()[:1] == [claim.name])
    assert str(claim.expect) in line and " ".join(claim.check_args()) in line


def test_variants_lists_every_claim_of_a_version_under_it_with_its_options():
    result = CliRunner().invoke(main, ["variants"])
    assert result.exit_code == 0, result.output
    blocks = {b.split()[0]: b for b in result.output.split("\n\n") if b.split() and b.split()[0] in VARIANTS}
    assert set(blocks) == set(VARIANTS)
    for claim in bundled():
        if claim.hypothesis is None:
            line = next(l for l in blocks[claim.variant].splitlines() if l.split()[:1] == [claim.name])
            assert str(claim.expect) in line and " ".join(claim.check_args()) in line
            assert VARIANTS[claim.variant].commit in blocks[claim.variant]


def test_a_hypothesis_claim_runs_the_hypothesis_with_the_claims_options():
    claim = next(c for c in bundled() if c.hypothesis is not None)
    opts = claim.model_options()
    assert opts.hypothesis == claim.hypothesis.name and opts.variant == claim.hypothesis.base
    assert (opts.procs, opts.folios) == (claim.procs, claim.folios)


# -- strict errors: one line, FILE:LINE, exit 2 ---------------------------------------

@pytest.mark.parametrize("mutate, line, needle", [
    (lambda t: t + "colour: red\n", 7, "unknown key 'colour'"),
    (lambda t: t + "expect: holds\n", 7, "'expect' given twice (first on line 5)"),
    (lambda t: t.replace("source: tests\n", ""), 1, "claim lacks source"),
    (lambda t: t.replace("variant: fixed\n", ""), 1, "exactly one of 'variant:' or 'hypothesis:'"),
    (lambda t: t + "hypothesis: len-unlocked\n", 1, "exactly one of 'variant:' or 'hypothesis:'"),
    (lambda t: t.replace("variant: fixed", "variant: v7.0"), 3, "variant 'v7.0' is not one of"),
    (lambda t: t.replace("variant: fixed", "hypothesis: no-such"), 3, "no hypothesis named 'no-such'"),
    (lambda t: t.replace("atomic-init", "atomic-init colour=red"), 4, "bad option 'colour=red'"),
    (lambda t: t.replace(" folios=2", ""), 4, "must give the claim's size"),
    (lambda t: t.replace("procs=2", "procs=9"), 4, "--procs must be 1..4"),
    (lambda t: t.replace("actors=free,migrate", "actors=free shrinkers=3"), 4, "--shrinkers must be"),
    (lambda t: t.replace("expect: holds", "expect: unknown"), 5, "a claim expects 'holds' or 'violates"),
    (lambda t: t.replace("expect: holds", "expect: violates"), 5, "a claim expects 'holds' or 'violates"),
    (lambda t: t.replace("expect: holds", "expect: violates Safety"), 5, "unknown property 'Safety'"),
    (lambda t: t + "sizes: cpus=2\n", 7, "bad sizes entry 'cpus=2'"),
    (lambda t: t + "sizes: folios=3..9\n", 7, "folios must lie within 1..5"),
    (lambda t: t + "sizes: folios=3..5\n", 7, "lies outside its sizes"),
    (lambda t: t + "slow: maybe\n", 7, "slow must be 'true' or 'false'"),
    (lambda t: t.replace("name: probe", "name: other"), 2, "must be the file's name"),
    (lambda t: t + "just words\n", 7, "expected 'key: value'"),
    (lambda t: "  indented first\n" + t, 1, "continues a 'key: value' line; there is none above"),
    (lambda t: t.replace("source: tests", "source:"), 6, "'source' has no value"),
])
def test_a_bad_claim_is_one_line_with_file_and_line_and_exit_2(tmp_path, mutate, line, needle):
    path = write_claim(tmp_path / "claims", mutate(GOOD))
    proc = dsqspec("verify", "--claims", str(path.parent))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert f"{path}:{line}: " in proc.stderr and needle in proc.stderr


def test_a_claim_that_is_not_text_is_an_input_error(tmp_path):
    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "probe.claim").write_bytes(b"name: probe\n\xff\xfe\x00binary")
    proc = dsqspec("verify", "--claims", str(folder))
    assert proc.returncode == 2 and f"{folder / 'probe.claim'}:1: a claim file is UTF-8 text" in proc.stderr


@pytest.mark.parametrize("make, needle", [
    (lambda p: p / "missing", "is not a folder"),
    (lambda p: p, "no *.claim files"),
])
def test_a_claims_folder_that_is_missing_or_empty_is_an_input_error(tmp_path, make, needle):
    proc = dsqspec("verify", "--claims", str(make(tmp_path)))
    assert proc.returncode == 2 and needle in proc.stderr and "Traceback" not in proc.stderr


# -- verify judges claims (small models, real TLC) -------------------------------------

def test_verify_reports_a_claim_the_model_contradicts(tmp_path, runs_dir, jar):
    write_claim(tmp_path / "claims", GOOD.replace("variant: fixed", "variant: underused"))
    proc = dsqspec("verify", "--claims", str(tmp_path / "claims"), "--only", "probe", "--workers", "1",
                   env={"DSQSPEC_RUNS": str(runs_dir)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "MISMATCH" in proc.stdout and "0 as expected, 1 mismatched" in proc.stdout


def test_verify_skips_claims_not_claimed_at_the_size_asked_for(runs_dir, jar):
    """safe-prev violates with 3 folios and holds with 2: at --folios 2 only the 2-folio claims run."""
    by_name = {c.name: c for c in bundled()}
    chosen = [c for c in by_name.values() if c.variant == "safe-prev" and c.hypothesis is None]
    proc = dsqspec("verify", "--only", "safe-prev", "--folios", "2", "--workers", "1",
                   env={"DSQSPEC_RUNS": str(runs_dir)}, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for claim in chosen:
        row = next(l for l in proc.stdout.splitlines() if l.startswith(claim.name + " "))
        assert ("skipped" in row) == (not claim.sizes.admits(claim.procs, 2)), row
    assert "not claimed at this size (skipped)" in proc.stdout


def test_verify_with_nothing_claimed_at_the_size_is_an_input_error(tmp_path):
    write_claim(tmp_path / "claims", GOOD + "sizes: procs=2\n")
    proc = dsqspec("verify", "--claims", str(tmp_path / "claims"), "--only", "probe", "--procs", "3")
    assert proc.returncode == 2 and "no case is claimed at the size asked for" in proc.stderr


def test_the_documented_example_is_the_bundled_file():
    """docs/claims.md prints specs/claims/F-2.claim; the two must not drift apart."""
    docs = (ROOT / "docs" / "claims.md").read_text()
    shown = re.search(r"`specs/claims/F-2.claim`:\n\n```\n(.*?)```", docs, re.S).group(1)
    assert shown == (CLAIMS_DIR / "F-2.claim").read_text()
