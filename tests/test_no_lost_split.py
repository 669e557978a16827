"""Property NoLostSplit and its ghost `cand`, with real TLC on real rendered specs.

The verdicts themselves are claims (specs/claims/NoLostSplit-*.claim, judged by
test_model_outcomes.py); here: what the counterexamples show, that Python's mirror
(model_state.lost_splits) names the folio TLC lost, that the ghost costs nothing when the
property is not checked, and that a bad property name is one line and exit 2.
"""

from __future__ import annotations

import pytest

from tlc_runner import toolchain
from tlc_runner.check import RunSettings, run_check
from tlc_runner.claims import load_claims
from tlc_runner.hypothesis import bundled_hypotheses, render_hypothesis
from tlc_runner.model_options import PROPERTIES, ModelOptions
from tlc_runner.model_state import ModelFacts, lost_splits
from tlc_runner.render import render
from tlc_runner.timeline import build_timeline

from conftest import dsqspec

HYPOTHESES = {h.name: h for h in bundled_hypotheses()}
CLAIMS = {c.name: c for c in load_claims(hypotheses=list(HYPOTHESES.values()))}


def run_claim(tmp_path, name: str):
    """A claim's model, or a hypothesis's (its own claim), run by TLC."""
    if name in CLAIMS:
        claim = CLAIMS[name]
        opts, hyp = claim.model_options(), claim.hypothesis
    else:
        hyp = HYPOTHESES[name]
        opts = hyp.model_options()
    spec = render_hypothesis(hyp, opts) if hyp else render(opts)
    settings = RunSettings(java=toolchain.java_executable(), jar=toolchain.verified_jar(),
                           workers=1, heap="2g", timeout=900, out=tmp_path / "run")
    return run_check(opts, settings, spec=spec), ModelFacts.from_dict(spec.facts)


def events(result) -> list[dict]:
    return [s.variables["evt"] for s in result.trace.states[1:]]


def test_trylock_failure_drops_an_unjudged_candidate(tmp_path, jar):
    """F-3: the lost folio was a candidate (not partially mapped), never split, and Python's
    mirror names it in TLC's last state and nowhere before."""
    result, facts = run_claim(tmp_path, "F-3")
    assert result.violation and result.trace.violation.name == "NoLostSplit"
    last = result.trace.states[-1].variables
    assert lost_splits(last, facts) == ["F1"]
    assert last["pm"].as_dict()["F1"] is False and last["cand"].as_dict()["F1"] is True
    assert not any(e["prim"] == "folio_ref_freeze" for e in events(result))  # no split was tried
    assert all(not lost_splits(s.variables, facts) for s in result.trace.states[:-1])
    timeline = build_timeline(result.trace, facts)
    assert timeline.first_break == result.trace.states[-1].index


def test_partial_unmap_between_test_and_drop_loses_a_partially_mapped_folio(tmp_path, jar):
    """F-4: with the trylock loss closed, the folio lost is partially mapped, its
    deferred_split_folio() found it still on the shrinker's list, and it was not queued."""
    result, facts = run_claim(tmp_path, "F-4")
    assert result.violation and result.trace.violation.name == "NoLostSplit"
    last = result.trace.states[-1].variables
    (lost,) = lost_splits(last, facts)
    assert last["pm"].as_dict()[lost] is True
    evts = events(result)
    assert any(e["fn"] == "deferred_split_folio" and e["prim"] == "list_empty" and e["obj"] == lost
               and e["val"] != lost for e in evts)
    assert not any(e["fn"] == "deferred_split_folio" and e["prim"] == "list_add_tail" for e in evts)


def test_the_ghost_is_untracked_unless_no_lost_split_is_checked():
    """Without NoLostSplit the candidate ghost is constant, so no state count changes."""
    default = render(ModelOptions(variant="fixed", procs=2, folios=2))
    assert "NoLostSplit" not in default.cfg
    assert "cand == [f \\in Folios |-> FALSE]" in default.tla  # a constant (constant_vars.py)
    assert "Judged(c, f) == c" in default.tla
    asked = render(ModelOptions(variant="fixed", procs=2, folios=2, properties=("NoLostSplit",)))
    assert [line.strip() for line in asked.cfg.splitlines()[-3:-1]] == ["INVARIANT", "NoLostSplit"]
    assert "cand = [f \\in Folios |-> ~pm[f]]" in asked.tla
    assert "Judged(cand, " in asked.tla  # the compiled shrinker gives its verdicts
    old = render(ModelOptions(variant="v6.11", procs=2, folios=2, properties=("NoLostSplit",)))
    assert "Pending(f) == TRUE" in old.tla and "Judged(c, f) == c" in old.tla


def test_no_lost_split_is_not_a_default_property():
    assert "NoLostSplit" not in PROPERTIES
    assert ModelOptions().properties == PROPERTIES


@pytest.mark.parametrize("args, needle", [
    (["--property", "NoLostSplits"], "unknown property 'NoLostSplits'"),
    (["--property", "nolostsplit"], "unknown property 'nolostsplit'"),
    (["--property", ""], "unknown property ''"),
])
def test_bad_property_is_one_line_and_exit_2(args, needle):
    proc = dsqspec("check", "--procs", "1", "--folios", "1", *args)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "NoLostSplit" in lines[0]


def test_a_warn_before_the_first_access_is_checked_in_that_step_not_dropped():
    """The entry's tests fold into the first step; a WARN there used to vanish silently.
    Now its condition is evaluated in the first access's step, and only there it fires."""
    from tlc_runner.kernel_c.parse import parse_c
    from tlc_runner.kernel_c.sources import bundled_program, compile_function

    functions = bundled_program("v6.11")
    src = """int split_huge_page_to_list_to_order(struct folio *folio)
{
	int extra_pins;

	VM_BUG_ON_FOLIO(!folio_test_large(folio), folio);
	if (!can_split_folio(folio, 1, &extra_pins))
		return -EAGAIN;
	return -EAGAIN;
}
"""
    for fn in parse_c(src, "probe.c"):
        functions[fn.name] = fn
    exits = {"ok": "a", "fail": "b", "extra": None, "extra_changed": []}
    warnings: list[str] = []
    out = compile_function(functions, "split_huge_page_to_list_to_order", {}, "x", "y", "x_", "s", "Shrinkers",
                           "cur[s]", warnings, exits, None, {})
    assert warnings == ["VM_BUG_ON_FOLIO split_huge_page_to_list_to_order:5"]
    (update,) = [line for line in out.splitlines() if line.strip().startswith("/\\ faults'")]
    assert 'IF st[cur[s]] = "large" THEN faults ELSE (faults \\cup WarnFault("VM_BUG_ON_FOLIO' in update
