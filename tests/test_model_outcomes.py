"""The model's known outcomes, with real TLC on real rendered specs.

The kernel's history (reference sections 6.2-6.5) fixes what the model must
say with the historical actors (--actors free,migrate --atomic-init) at
2 CPUs x up to 3 folios.  The findings of the full pointer-level model
(docs/findings.md) are pinned too, so that a change that hides them fails.
"""

from __future__ import annotations

import pytest

from tlc_runner import toolchain
from tlc_runner.check import RunSettings, run_check
from tlc_runner.model_options import ModelOptions
from tlc_runner.model_state import ModelFacts
from tlc_runner.render import render
from tlc_runner.timeline import build_timeline

HISTORICAL = dict(actors=("free", "migrate"), atomic_init=True)


def check(tmp_path, **kwargs):
    opts = ModelOptions(**kwargs)
    settings = RunSettings(java=toolchain.java_executable(), jar=toolchain.verified_jar(),
                           workers=2, heap="2g", timeout=600, out=tmp_path / "run")
    return run_check(opts, settings)


def verdict_agrees_with_python(result) -> None:
    """Python's re-evaluation finds the break at TLC's last state, for TLC's property."""
    facts = ModelFacts.from_dict(render(result.opts).facts)
    timeline = build_timeline(result.trace, facts)
    assert result.trace.violation.name in timeline.first_break_properties
    assert timeline.first_break == result.trace.states[-1].index


@pytest.mark.parametrize("variant", ["v6.11", "fixed", "locked", "folio-batch"])
def test_historically_correct_versions_hold(tmp_path, jar, variant):
    result = check(tmp_path, variant=variant, procs=2, folios=3, **HISTORICAL)
    assert not result.violation, result.trace and result.trace.violation
    assert result.stats.distinct > 1000 and result.stats.depth > 20


def test_underused_unlocked_delete_corrupts_the_list_with_two_folios(tmp_path, jar):
    result = check(tmp_path, variant="underused", procs=2, folios=2, **HISTORICAL)
    assert result.violation and result.trace.violation.name in ("ListIntegrity", "NoUseAfterFree")
    verdict_agrees_with_python(result)
    ops = [(s.variables["evt"]["p"], s.variables["evt"]["prim"]) for s in result.trace.states[1:]]
    # the shrinker's unlocked list_del_init races an owner path's locked unqueue
    assert ("S1", "list_del_init") in ops and any(p.startswith("F") for p, _ in ops)


def test_underused_loses_length_updates(tmp_path, jar):
    result = check(tmp_path, variant="underused", procs=2, folios=2, properties=("LenAccurate",), **HISTORICAL)
    assert result.violation and result.trace.violation.name == "LenAccurate"
    verdict_agrees_with_python(result)
    stores = [s.variables["evt"] for s in result.trace.states[1:] if s.variables["evt"]["obj"] == "len"]
    assert any(e["p"] == "S1" and e["op"] == "load" for e in stores)  # the unlocked load of len--


def test_safe_prev_breaks_with_three_folios(tmp_path, jar):
    result = check(tmp_path, variant="safe-prev", procs=2, folios=3, **HISTORICAL)
    assert result.violation and result.trace.violation.name in ("ListIntegrity", "NoUseAfterFree")
    verdict_agrees_with_python(result)
    # the once-a-week race: a folio was split, then became `prev` (swap(folio, prev) is folded
    # into the split's last step, compiled from safe-prev's C)
    split_then_prev = [st for st in result.trace.states[1:] if st.variables["evt"]["op"] == "unfreeze"
                       and st.variables["sprev"].as_dict()["S1"] == st.variables["evt"]["obj"]]
    assert split_then_prev


def test_safe_prev_holds_with_two_folios(tmp_path, jar):
    result = check(tmp_path, variant="safe-prev", procs=2, folios=2, **HISTORICAL)
    assert not result.violation


# -- findings of the full pointer-level model (docs/findings.md) ------------------------

def test_finding_1_free_peeks_between_the_two_stores_of_init_list_head(tmp_path, jar):
    """F-1, every version: folio_unqueue_deferred_split()'s lockless list_empty() sees the
    shrinker's first INIT_LIST_HEAD store, the folio is freed, the second store hits it."""
    result = check(tmp_path, variant="v6.11", procs=2, folios=2, actors=("free",),
                   properties=("NoUseAfterFree",))
    assert result.violation and result.trace.violation.name == "NoUseAfterFree"
    verdict_agrees_with_python(result)
    last = result.trace.states[-1].variables
    assert "freed while linked" in last["faults"].items
    assert last["evt"]["fn"] == "free_tail_page_prepare"
    # it is exactly the INIT_LIST_HEAD window: --atomic-init closes it
    closed = check(tmp_path / "atomic", variant="v6.11", procs=2, folios=2, actors=("free",),
                   properties=("NoUseAfterFree",), atomic_init=True)
    assert not closed.violation


def test_finding_2_partial_unmap_requeues_inside_the_unlocked_init(tmp_path, jar):
    """F-2, v6.12 (fixed): deferred_split_folio() queues a folio whose unlocked
    list_del_init() has stored ->next but not yet ->prev."""
    result = check(tmp_path, variant="fixed", procs=2, folios=2, actors=("unmap",),
                   properties=("ListIntegrity",))
    assert result.violation and result.trace.violation.name == "ListIntegrity"
    verdict_agrees_with_python(result)
    evts = [s.variables["evt"] for s in result.trace.states[1:]]
    assert any(e["fn"] == "deferred_split_folio" and e["prim"] == "list_add_tail" for e in evts)
    closed = check(tmp_path / "locked", variant="locked", procs=2, folios=2, actors=("unmap",),
                   properties=("ListIntegrity",))
    assert not closed.violation


@pytest.mark.slow
@pytest.mark.parametrize("variant, holds", [("v6.11", True), ("underused", False), ("safe-prev", False),
                                            ("fixed", True), ("locked", True), ("folio-batch", True)])
def test_known_outcomes_at_three_cpus(tmp_path, jar, variant, holds):
    result = check(tmp_path, variant=variant, procs=3, folios=3, **HISTORICAL)
    assert result.violation is not holds


def test_folio_batch_holds_with_two_concurrent_shrinkers(tmp_path, jar):
    """Two shrinkers share the queue; a folio requeued by a partial unmap while in one
    shrinker's batch can be batched by the other, and neither split may freeze it."""
    result = check(tmp_path, variant="folio-batch", procs=3, shrinkers=2, folios=2, atomic_init=True)
    assert not result.violation, result.trace and result.trace.violation


def test_the_race_needs_pointer_level_steps(tmp_path, jar):
    """Ablation: with each list primitive one step, the once-a-week race is gone: it lives
    between the loads and stores of one list_del_init()."""
    coarse = check(tmp_path, variant="safe-prev", procs=2, folios=3, granularity="primitive", **HISTORICAL)
    assert not coarse.violation and coarse.stats.distinct > 1000
