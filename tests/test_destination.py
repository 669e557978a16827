"""Migration's destination folio (versions dst-requeue and dst-requeue-early, issue 10):
where it is modelled, and in which order each version's migrate_folio_move() requeues it.
The verdicts themselves are claims (specs/claims/dst-*.claim), judged by
test_model_outcomes.py with real TLC."""

from __future__ import annotations

import re

import pytest

from conftest import dsqspec
from tlc_runner import toolchain
from tlc_runner.check import RunSettings, run_check
from tlc_runner.hypothesis import bundled_hypotheses, render_hypothesis
from tlc_runner.model_options import ModelOptions
from tlc_runner.render import render


def spec(variant: str, **options) -> str:
    return render(ModelOptions(variant=variant, procs=3, folios=2, **options)).tla


def action(tla: str, suffix: str, doing: str = "") -> str:
    """The text of the one migration action whose label ends with `suffix` (and that does `doing`)."""
    found = [body for _, body in re.findall(rf"^(o_migrate\w*{suffix})\(f\) ==\n(.*?)\n\n", tla, re.S | re.M)
             if doing in body]
    assert len(found) == 1, found
    return found[0]


def test_variants_lists_both_versions_with_their_commits():
    result = dsqspec("variants")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^dst-requeue\s+a2e0c0668a34\b", result.stdout, re.M)
    assert re.search(r"^dst-requeue-early\s+3bac01168982\b", result.stdout, re.M)


@pytest.mark.parametrize("variant", ["dst-requeue", "dst-requeue-early"])
def test_the_destination_exists_where_the_version_file_asks(variant):
    tla = spec(variant)
    assert 'DestSeq    == Names("G", NFolios)' in tla and "Folios     == Sources \\cup Dests" in tla
    assert "flock," in tla and "sdq, spm," in tla
    assert 'IF p \\in Dests THEN "o_new"' in tla


def test_older_versions_have_no_destination_machinery():
    tla = spec("folio-batch")
    for absent in ("Dests", "flock", "sdq", "spm", "o_new", "remove_migration_ptes"):
        assert absent not in tla


def test_dst_requeue_requeues_after_the_destination_is_mapped():
    tla = spec("dst-requeue")
    remap = action(tla, "_remap")
    assert "pc' = [pc EXCEPT ![Dst[f]] = \"o_start\"" in remap  # dst visible to its owner
    assert re.search(r'IF sdq\[f\] THEN "o_migrate_\d+_call"', remap)  # then the requeue


def test_dst_requeue_early_requeues_before_the_destination_is_mapped():
    tla = spec("dst-requeue-early")
    unfreeze = action(tla, "_unfreeze")  # __folio_migrate_mapping()'s last step
    assert re.search(r'IF sdq\[f\] THEN "o_migrate_\d+_call" ELSE "o_migrate_\d+_remap"', unfreeze)
    unlock = action(tla, r"_unlock", '"deferred_split_folio", "spin_unlock"')
    assert re.search(r'"o_migrate_\d+_remap"', unlock)


def test_the_requeue_passes_the_recorded_partially_mapped_state():
    """deferred_split_folio(dst, src_partially_mapped): the callee tests the caller's register."""
    tla = spec("dst-requeue")
    first = action(tla, r"_call", '"deferred_split_folio", "spin_lock"')  # the requeue's first step
    assert "spm[f]" in first and "WarnFault(" in first


def test_only_the_early_fix_requeues_a_folio_it_cannot_lock():
    """3bac01168982's `goto requeue`: a folio whose folio_trylock() fails (flock) goes back."""
    def trylock_fail_targets(tla: str) -> set[str]:
        return set(re.findall(r'/\\ flock\[cur\[s\]\] /\\ (?:cand\' = cand /\\ )?pc\' = \[pc EXCEPT !\[s\] = "(\w+)"\]',
                              tla))

    late, early = trylock_fail_targets(spec("dst-requeue")), trylock_fail_targets(spec("dst-requeue-early"))
    assert late and early and late != early
    assert all(t.endswith("_pm") for t in late)  # `goto next`: folio_test_partially_mapped()
    assert any(t.endswith("_lock") for t in early)  # `goto requeue`: the queue lock


def test_without_the_requeue_migration_alone_loses_the_destination(tmp_path, jar):
    """Hypothesis dst-no-requeue (migration before a2e0c0668a34, destination modelled): real
    TLC finds the loss with no other CPU taking a step, and G1 is never queued."""
    hyp = next(h for h in bundled_hypotheses() if h.name == "dst-no-requeue")
    opts = hyp.model_options()
    settings = RunSettings(java=toolchain.java_executable(), jar=jar, workers=1, heap="1g",
                           timeout=600, out=tmp_path / "run")
    result = run_check(opts, settings, spec=render_hypothesis(hyp, opts))
    assert result.violation and result.trace.violation.name == "NoLostSplit"
    evts = [s.variables["evt"] for s in result.trace.states[1:]]
    assert all(e["p"] == "F1" for e in evts)
    assert not any(e["obj"] == "G1" and e["prim"] == "list_add_tail" for e in evts)
    assert evts[-1]["prim"] == "folio_unlock"
