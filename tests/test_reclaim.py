"""The reclaim actor (__remove_mapping()'s freeze, undone when redirtied), with real TLC.

Its verdicts are claims (specs/claims/F-5.claim, reclaim-*.claim, judged by
test_model_outcomes.py); here: what F-5's counterexample shows, that reclaim runs only
when named, and that a bad actor is one line and exit 2.
"""

from __future__ import annotations

import pytest

from tlc_runner import toolchain
from tlc_runner.check import RunSettings, run_check
from tlc_runner.claims import load_claims
from tlc_runner.hypothesis import bundled_hypotheses, render_hypothesis
from tlc_runner.model_options import ACTORS, ModelOptions
from tlc_runner.model_state import ModelFacts, lost_splits
from tlc_runner.render import render

from conftest import dsqspec

CLAIMS = {c.name: c for c in load_claims(hypotheses=bundled_hypotheses())}


def run_claim(tmp_path, name: str):
    claim = CLAIMS[name]
    opts = claim.model_options()
    spec = render_hypothesis(claim.hypothesis, opts) if claim.hypothesis else render(opts)
    settings = RunSettings(java=toolchain.java_executable(), jar=toolchain.verified_jar(),
                           workers=1, heap="2g", timeout=900, out=tmp_path / "run")
    return run_check(opts, settings, spec=spec), ModelFacts.from_dict(spec.facts)


def test_undone_reclaim_freeze_is_taken_for_a_free(tmp_path, jar):
    """F-5: reclaim freezes, the shrinker's folio_try_get() fails and it unqueues the folio,
    reclaim unfreezes; the folio is alive, in the swap cache, and lost."""
    result, facts = run_claim(tmp_path, "F-5")
    assert result.violation and result.trace.violation.name == "NoLostSplit"
    evts = [s.variables["evt"] for s in result.trace.states[1:]]
    (lost,) = lost_splits(result.trace.states[-1].variables, facts)
    mine = [(e["fn"], e["prim"], e["val"]) for e in evts if e["obj"] == lost]
    freeze = mine.index(("__remove_mapping", "folio_ref_freeze", 1))
    failed_get = mine.index(("deferred_split_scan", "folio_try_get", 0))
    assert freeze < failed_get and mine[-1][:2] == ("__remove_mapping", "folio_ref_unfreeze")
    got = next(i for i, e in enumerate(evts) if e["prim"] == "folio_try_get" and e["obj"] == lost)
    assert any(e["fn"] == "deferred_split_scan" and e["prim"] == "list_del_init" for e in evts[got:])
    last = result.trace.states[-1].variables
    assert last["swc"].as_dict()[lost] is True and last["st"].as_dict()[lost] == "large"


def test_reclaim_runs_only_when_named():
    assert "reclaim" not in ACTORS and "reclaim" not in ModelOptions().actors
    assert "o_swapout" not in render(ModelOptions(variant="fixed", procs=2, folios=2)).tla
    named = render(ModelOptions(variant="fixed", procs=2, folios=2, actors=("reclaim",))).tla
    assert "o_swapout(f) ==" in named and "o_reclaim(f) ==" in named
    # v6.11 swaps out only an unqueued folio: shrink_folio_list() splits a queued one first
    old = render(ModelOptions(variant="v6.11", procs=2, folios=2, actors=("reclaim",))).tla
    assert "~swc[f] /\\ nxt[f] = f" in old


@pytest.mark.parametrize("actors, needle", [
    ("free,recliam", "unknown actor 'recliam'"),
    ("reclaim,", None),  # a trailing comma is tolerated: the actor list is reclaim
])
def test_actor_input(actors, needle, tmp_path):
    proc = dsqspec("render", "--variant", "fixed", "--procs", "1", "--folios", "1", "--actors", actors,
                   "--out", str(tmp_path / "out"))
    if needle is None:
        assert proc.returncode == 0, proc.stderr
        return
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "reclaim" in lines[0]
