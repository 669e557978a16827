"""Apalache's Informal Trace Format (ADR-015), so that other tools can read a trace.

Encoding: integers as JSON numbers (or {"#bigint": "..."} beyond 2^53),
strings as strings, booleans as booleans, sequences as lists, records as
objects, sets as {"#set": [...]}, other functions as {"#map": [[k, v], ...]},
intervals as the set of their members.  TLC model values have no ITF type of
their own; they become {"#unserializable": "<name>"} so that they stay apart from
strings (the model itself uses none).  The history variable `evt` is emitted like
any other variable and listed in #meta.history: it is left out of TLC's VIEW, so it
is not part of the state TLC fingerprints.
"""

from __future__ import annotations

import json

from ..trace_parse import (ErrorTrace, ModelValue, TlaFunction, TlaInterval, TlaRecord, TlaSeq,
                           TlaSet, Value, int_text)

HISTORY_VARIABLES = ("evt",)


def encode(value: Value):
    if isinstance(value, bool):
        return value
    if isinstance(value, ModelValue):
        return {"#unserializable": str(value)}
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else {"#bigint": int_text(value)}
    if isinstance(value, TlaSeq):
        return [encode(v) for v in value.items]
    if isinstance(value, TlaRecord):
        return {k: encode(v) for k, v in value.fields}
    if isinstance(value, TlaSet):
        return {"#set": [encode(v) for v in value.items]}
    if isinstance(value, TlaFunction):
        return {"#map": [[encode(k), encode(v)] for k, v in value.pairs]}
    if isinstance(value, TlaInterval):
        return {"#set": list(range(value.low, value.high + 1))}
    raise TypeError(f"cannot encode {value!r}")


def render_itf(trace: ErrorTrace, context: dict) -> str:
    states = [s for s in trace.states if s.variables]
    names = sorted(states[0].variables) if states else []
    document = {
        "#meta": {
            "format": "ITF",
            "format-description": "https://apalache-mc.org/docs/adr/015adr-trace.html",
            "source": context.get("module"),
            "description": f"dsqspec counterexample: {trace.violation.message}",
            "history": list(HISTORY_VARIABLES),
            "tlc_version": context.get("tlc_version"),
        },
        "vars": names,
        "states": [
            {"#meta": {"index": i, "action": s.action}, **{k: encode(v) for k, v in s.variables.items()}}
            for i, s in enumerate(states)
        ],
    }
    loops = [s.back_to for s in trace.states if s.back_to is not None]
    if loops:
        document["loop"] = loops[0] - 1
    return json.dumps(document, indent=2) + "\n"
