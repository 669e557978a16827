"""Does a parsed trace fit the model its run.json describes?

The timeline reads the model's variables by name and shape (`nxt` maps every
node to a node, `pc` has an entry per process, `evt` says who did what).  TLC
always prints them so; a hand-edited or corrupt tlc.log, or a run.json from
another model, may not.  This check names the first state and variable that do
not fit, so that `trace render` reports bad input instead of crashing in the
middle of drawing a diagram.
"""

from __future__ import annotations

from .model_state import QUEUE, ModelFacts
from .trace_parse import ErrorTrace, TlaRecord, TlaSet, TraceState

EVENT_FIELDS = ("p", "fn", "prim", "op", "obj", "fld", "val")


class TraceMismatch(ValueError):
    """The trace's values do not have the shape the model gives them."""


def check_fits(trace: ErrorTrace, facts: ModelFacts) -> None:
    """Raise TraceMismatch, naming the state and its log line, unless every state fits."""
    states = [s for s in trace.states if s.variables]
    for number, state in enumerate(states):
        problem = _state_problem(state, facts, first=number == 0)
        if problem:
            where = f"line {state.line}: " if state.line else ""
            raise TraceMismatch(f"{where}state {state.index} does not fit the model in run.json: {problem}")


def _record(state: TraceState, name: str, keys: set[str], exact: bool = True) -> tuple[dict | None, str | None]:
    """The variable as a dict, if it is a record over `keys` (at least those, unless exact)."""
    value = state.variables.get(name)
    if not isinstance(value, TlaRecord):
        return None, f"{name} is not a record"
    fields = value.as_dict()
    missing = sorted(keys - set(fields))
    if missing:
        return None, f"{name} has no entry for {', '.join(missing)}"
    extra = sorted(set(fields) - keys) if exact else []
    if extra:
        return None, f"{name} has entries for {', '.join(extra)}, which the model does not have"
    return fields, None


def _state_problem(state: TraceState, facts: ModelFacts, first: bool) -> str | None:
    # the model's Nodes: the queue, the folios and every shrinker's list head (declared
    # even by variants that never use an on-stack list)
    nodes = {QUEUE, *facts.sublists, *facts.folios, *(facts.local_head(s) for s in facts.shrinkers)}
    for name in ("nxt", "prv"):
        links, problem = _record(state, name, nodes)
        if problem:
            return problem
        bad = next((v for v in links.values() if not isinstance(v, str) or v not in links), None)
        if bad is not None:
            return f"{name} points to {bad!r}, which is not a node"
    for name, keys in (("st", set(facts.folios)), ("pm", set(facts.folios)), ("ref", set(facts.folios)),
                       ("pc", {*facts.shrinkers, *facts.folios, *facts.offliners})):
        if name in facts.constants:  # lifted out of the state by the render: not in the trace
            continue
        _, problem = _record(state, name, keys)
        if problem:
            return problem
    if facts.local_list and "removed" not in facts.constants:
        removed, problem = _record(state, "removed", set(facts.shrinkers))
        if problem:
            return problem
        if any(not _small_int(v) for v in removed.values()):
            return "removed holds a value that is not a small integer"
    for name in ("lock", "len"):
        if name not in state.variables and name not in facts.constants:
            return f"no variable {name}"
    if not isinstance(state.variables.get("faults"), TlaSet):
        return "faults is not a set"
    return None if first else _event_problem(state, facts)


def _event_problem(state: TraceState, facts: ModelFacts) -> str | None:
    """`evt` of a step: who ran it and what it did, in the fields the timeline reads."""
    evt, problem = _record(state, "evt", set(EVENT_FIELDS), exact=False)
    if problem:
        return problem
    if not all(isinstance(evt[name], str) for name in ("p", "fn", "prim", "op")):
        return "evt.p, evt.fn, evt.prim and evt.op must be strings"
    if evt["op"] == "try_get" and not _small_int(evt["val"]):
        return "evt.val of a folio_try_get is not a small integer"
    if evt["op"] == "check" and (evt["val"] is False or evt["val"] == "FALSE"):
        links = state.variables["nxt"].as_dict()
        if evt["obj"] not in links:
            return f"evt.obj {evt['obj']!r} of a failed check is not a node"
    return None


def _small_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63
