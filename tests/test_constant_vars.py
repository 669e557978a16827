"""Variables a rendered model never changes are definitions, not state (constant_vars.py).

Rendering tests read the real rendered modules; the run test takes a real TLC counterexample
of a model with lifted variables through the Python side that reads them.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from tlc_runner import toolchain
from tlc_runner.check import RunSettings, run_check
from tlc_runner.claims import CLAIMS_DIR, load_claim
from tlc_runner.constant_vars import constants, lift
from tlc_runner.model_options import ALL_PROPERTIES, ModelOptions
from tlc_runner.model_state import ModelFacts, violated
from tlc_runner.render import render
from tlc_runner.spec_shapes import lifted_constants, variables


def _primed(tla: str, name: str) -> bool:
    return re.search(rf"\b{name}'", tla) is not None


@pytest.mark.parametrize("opts", [
    ModelOptions(variant="v6.11", procs=2, folios=2),
    ModelOptions(variant="fixed", procs=3, folios=3, actors=("free", "migrate"), atomic_init=True),
    ModelOptions(variant="folio-batch", procs=2, folios=2),
    ModelOptions(variant="safe-prev", procs=2, folios=2, actors=("free", "reclaim")),
    ModelOptions(variant="dst-requeue", procs=2, folios=2, properties=("NoLostSplit",)),
    ModelOptions(variant="list-lru", procs=2, folios=2, memcgs=2, actors=("free", "reparent")),
], ids=lambda o: o.module_name())
def test_every_state_variable_is_changed_by_some_step(opts):
    """What is left in VARIABLES is written somewhere; what was lifted is a definition."""
    tla = render(opts).tla
    for name in variables(tla):
        assert name == "evt" or _primed(tla, name), name
    assert constants(tla) == {}  # nothing left to lift: the pass ran


def test_what_each_model_lifts_follows_from_its_steps():
    fixed = render(ModelOptions(variant="fixed", procs=2, folios=2)).tla
    lifted = set(lifted_constants(fixed))
    # fixed has no folio_batch, no unlocked split_queue_len update, no reclaim actor and, by
    # default, no NoLostSplit ghost
    assert lifted == {"swc", "cand", "rn", "batch", "bi", "nr"}
    batch = render(ModelOptions(variant="folio-batch", procs=2, folios=2)).tla
    assert {"batch", "bi"} <= set(variables(batch))
    reclaim = render(ModelOptions(variant="safe-prev", procs=2, folios=2, actors=("free", "reclaim"))).tla
    assert "swc" in variables(reclaim)
    ghost = render(ModelOptions(variant="fixed", procs=2, folios=2, properties=("NoLostSplit",))).tla
    assert "cand" in variables(ghost)
    old = render(ModelOptions(variant="v6.11", procs=2, folios=2)).tla
    assert "pm == [f \\in Folios |-> FALSE]" in old and "pm" not in variables(old)


def test_lifting_is_a_fixed_point_and_keeps_unchanged_tuples_well_formed():
    tla = render(ModelOptions(variant="fixed", procs=2, folios=2)).tla
    again, names = lift(tla)
    assert again == tla and names == []
    for tuple_ in re.findall(r"UNCHANGED <<([^>]*)>>", tla):
        names_in = [n.strip() for n in tuple_.replace("\n", " ").split(",")]
        assert all(n in variables(tla) for n in names_in), tuple_


def test_the_timeline_reads_a_lifted_variable_as_its_constant(tmp_path, jar):
    """F-1's model (v6.11) lifts pm and removed; re-checking every property in Python on each
    state of TLC's real counterexample reads them (model_state.constant_or), and agrees with
    TLC on the property the last state breaks."""
    claim = load_claim(CLAIMS_DIR / "F-1.claim")
    opts = claim.model_options()
    spec = render(opts)
    assert {"pm", "removed"} <= set(lifted_constants(spec.tla))
    result = run_check(opts, RunSettings(java=toolchain.java_executable(), jar=jar, workers=1,
                                         heap="1g", out=tmp_path / "run"), spec=spec)
    assert result.violation and result.trace is not None
    facts = replace(ModelFacts.from_dict(spec.facts), properties=ALL_PROPERTIES)
    found = [violated(state.variables, facts) for state in result.trace.states]
    assert result.trace.violation.name in found[-1]
    assert "pm" not in result.trace.states[-1].variables
