"""The model's known outcomes, read from specs/claims/, with real TLC on real rendered specs.

Every claim file is judged here: its model is rendered and run, and TLC's
verdict must match the claim's `expect`. Nothing here restates a verdict; the
kernel's history and the findings of docs/findings.md live in the claim files.
Claims marked `slow: true` run under `-m slow`, and so does every claim again
at 3 CPUs (what `dsqspec verify --procs 3` does). On top of the verdict, some claims'
counterexamples must show the race their source describes (SHAPES).
"""

from __future__ import annotations

import pytest

from tlc_runner import toolchain
from tlc_runner.check import RunSettings, run_check
from tlc_runner.claims import Claim, load_claims
from tlc_runner.hypothesis import bundled_hypotheses, render_hypothesis
from tlc_runner.model_state import ModelFacts
from tlc_runner.render import render
from tlc_runner.timeline import build_timeline

CLAIMS = load_claims(hypotheses=bundled_hypotheses())


def run(tmp_path, claim: Claim, procs: int | None = None):
    """TLC's verdict on the claim's model, and the facts of the spec it ran."""
    opts = claim.model_options(procs=procs)
    spec = render_hypothesis(claim.hypothesis, opts) if claim.hypothesis else render(opts)
    settings = RunSettings(java=toolchain.java_executable(), jar=toolchain.verified_jar(),
                           workers=1, heap="2g", timeout=900, out=tmp_path / "run")
    return run_check(opts, settings, spec=spec), ModelFacts.from_dict(spec.facts)


def violated(result) -> str | None:
    return result.trace.violation.name if result.violation else None


def verdict_agrees_with_python(result, facts: ModelFacts) -> None:
    """Python's re-evaluation finds the break at TLC's last state, for TLC's property."""
    timeline = build_timeline(result.trace, facts)
    assert result.trace.violation.name in timeline.first_break_properties
    assert timeline.first_break == result.trace.states[-1].index


def events(result) -> list[dict]:
    return [s.variables["evt"] for s in result.trace.states[1:]]


# -- what the counterexample of some claims must show --------------------------------

def unlocked_delete_races_an_owner(result) -> None:
    """underused: the shrinker's unlocked list_del_init races an owner path's locked unqueue."""
    ops = [(e["p"], e["prim"]) for e in events(result)]
    assert ("S1", "list_del_init") in ops and any(p.startswith("F") for p, _ in ops)


def unlocked_length_load(result) -> None:
    assert any(e["p"] == "S1" and e["op"] == "load" and e["obj"] == "len" for e in events(result))


def split_folio_became_prev(result) -> None:
    """The once-a-week race: a folio was split, then became `prev` (swap(folio, prev) is
    folded into the split's last step, compiled from safe-prev's C)."""
    assert any(st.variables["evt"]["op"] == "unfreeze"
               and st.variables["sprev"].as_dict()["S1"] == st.variables["evt"]["obj"]
               for st in result.trace.states[1:])


def freed_between_the_two_init_stores(result) -> None:
    last = result.trace.states[-1].variables
    assert "freed while linked" in last["faults"].items
    assert last["evt"]["fn"] == "free_tail_page_prepare"


def partial_unmap_requeues(result) -> None:
    assert any(e["fn"] == "deferred_split_folio" and e["prim"] == "list_add_tail" for e in events(result))


def destination_unmapped_before_the_requeue(result) -> None:
    """3bac01168982's syzbot race: migration maps G1 (remove_migration_ptes()), G1's owner
    marks it partially mapped, then migration's deferred_split_folio(G1, false) warns."""
    steps = [(e["p"], e["prim"], e["obj"]) for e in events(result)]
    remap = steps.index(("F1", "remove_migration_ptes", "G1"))
    marked = steps.index(("G1", "__folio_set_partially_mapped", "G1"))
    assert remap < marked < len(steps) - 1 and steps[-1][0] == "F1"
    assert events(result)[-1]["fn"] == "deferred_split_folio"


def stale_record_of_the_source(result) -> None:
    """F-8: migrate_folio_move()'s peek finds F1 off the queue while the shrinker has it; the
    shrinker puts it back, migration takes it off again, and G1 is never queued."""
    evts = events(result)
    peek = next(i for i, e in enumerate(evts) if e["fn"] == "migrate_folio_move" and e["prim"] == "list_empty")
    assert evts[peek]["val"] == "F1"  # F1->next = F1: "not queued"
    assert any(e["p"] == "S1" and e["prim"] == "list_add_tail" for e in evts[peek:])
    assert evts[-1]["prim"] == "folio_unlock" and evts[-1]["obj"] == "G1"


SHAPES = {
    "F-7": destination_unmapped_before_the_requeue,
    "F-8": stale_record_of_the_source,
    "underused-historical": unlocked_delete_races_an_owner,
    "underused-len": unlocked_length_load,
    "safe-prev-3-folios": split_folio_became_prev,
    "F-1": freed_between_the_two_init_stores,
    "F-1-fixed": freed_between_the_two_init_stores,
    "F-2": partial_unmap_requeues,
}


def params(claims: list[Claim]):
    return [pytest.param(c, id=c.name, marks=[pytest.mark.slow] if c.slow else []) for c in claims]


@pytest.mark.parametrize("claim", params(CLAIMS))
def test_claim(tmp_path, jar, claim):
    result, facts = run(tmp_path, claim)
    assert claim.expect.judge(violated(result)), (
        f"{claim.path}: expected {claim.expect}, TLC says {violated(result) or 'holds'}")
    if result.violation:
        verdict_agrees_with_python(result, facts)
    else:
        assert result.stats.distinct > 100
    if claim.name in SHAPES:
        SHAPES[claim.name](result)


@pytest.mark.slow
@pytest.mark.parametrize("claim", [pytest.param(c, id=c.name) for c in CLAIMS
                                   if c.procs < 3 and c.sizes.admits(3, c.folios)])
def test_claim_at_three_cpus(tmp_path, jar, claim):
    """`dsqspec verify --procs 3`: each claim that is claimed at 3 CPUs, run there."""
    result, _ = run(tmp_path, claim, procs=3)
    assert claim.expect.judge(violated(result)), (
        f"{claim.path} at 3 CPUs: expected {claim.expect}, TLC says {violated(result) or 'holds'}")


def test_every_shape_names_a_claim_that_violates():
    by_name = {c.name: c for c in CLAIMS}
    assert all(by_name[name].expect.kind == "violates" for name in SHAPES)
