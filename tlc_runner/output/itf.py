"""Apalache's Informal Trace Format (ADR-015), so that other tools can read a trace.

Encoding: integers as JSON numbers (or {"#bigint": "..."} beyond 2^53),
strings as strings, booleans as booleans, sequences as lists, records as
objects, sets as {"#set": [...]}, functions as {"#map": [[k, v], ...]},
intervals as the set of their members.  TLC prints a function with a string
domain in record syntax, so which variables are functions comes from the
rendered spec (spec_shapes.py reads its Init and TypeOK), not from the
printed value.  TLC model values have no ITF type of their own; they become
{"#unserializable": "<name>"} so that they stay apart from strings (the model
itself uses none).  The history variable `evt` is emitted like any other
variable and listed in #meta.history: it is left out of TLC's VIEW, so it is
not part of the state TLC fingerprints.

#meta.varTypes gives each variable's type in Apalache's notation
(`Str -> Int`, `Set(Str)`, `{ fn: Str, p: Str }`), inferred from the values
TLC printed across the whole trace.  TLC is untyped: a variable whose values
mix types (`evt.val` holds numbers and strings), or whose element type the
trace never shows (a sequence that stays empty), is left out.
"""

from __future__ import annotations

import json

from ..spec_shapes import FUNCTION, variable_kinds
from ..trace_parse import (ErrorTrace, ModelValue, TlaFunction, TlaInterval, TlaRecord, TlaSeq,
                           TlaSet, Value, int_text)

HISTORY_VARIABLES = ("evt",)
CONFLICT = ("conflict",)


def encode(value: Value, function: bool = False):
    """One value in ITF; `function`: the value is a function even if TLC printed a record."""
    if isinstance(value, bool):
        return value
    if isinstance(value, ModelValue):
        return {"#unserializable": str(value)}
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else {"#bigint": int_text(value)}
    if isinstance(value, TlaSeq):
        if function:  # a function with domain 1..n prints as a sequence
            return {"#map": [[i, encode(v)] for i, v in enumerate(value.items, 1)]}
        return [encode(v) for v in value.items]
    if isinstance(value, TlaRecord):
        if function:
            return {"#map": [[k, encode(v)] for k, v in value.fields]}
        return {k: encode(v) for k, v in value.fields}
    if isinstance(value, TlaSet):
        return {"#set": [encode(v) for v in value.items]}
    if isinstance(value, TlaFunction):
        return {"#map": [[encode(k), encode(v)] for k, v in value.pairs]}
    if isinstance(value, TlaInterval):
        return {"#set": list(range(value.low, value.high + 1))}
    raise TypeError(f"cannot encode {value!r}")


def _unify(a, b):
    """The common type of two inferred types; None is "not seen yet"."""
    if a is None or a == b:
        return b
    if b is None:
        return a
    if CONFLICT in (a, b) or a[0] != b[0] or len(a) != len(b):
        return CONFLICT
    if a[0] == "record":
        if [n for n, _ in a[1]] != [n for n, _ in b[1]]:
            return CONFLICT
        return ("record", tuple((n, _unify(x, y)) for (n, x), (_, y) in zip(a[1], b[1])))
    return (a[0], *(_unify(x, y) for x, y in zip(a[1:], b[1:])))


def _all(types):
    out = None
    for t in types:
        out = _unify(out, t)
    return out


def infer(value: Value, function: bool = False):
    """The type of one value, as a tuple tree: ("Int",), ("Seq", t), ("fun", k, v), ..."""
    if isinstance(value, bool):
        return ("Bool",)
    if isinstance(value, ModelValue):
        return CONFLICT
    if isinstance(value, str):
        return ("Str",)
    if isinstance(value, int):
        return ("Int",)
    if isinstance(value, TlaSeq):
        if function:
            return ("fun", ("Int",), _all(infer(v) for v in value.items))
        return ("Seq", _all(infer(v) for v in value.items))
    if isinstance(value, (TlaSet, TlaInterval)):
        items = value.items if isinstance(value, TlaSet) else (value.low,)
        return ("Set", _all(infer(v) for v in items))
    if isinstance(value, TlaRecord):
        if function:
            return ("fun", ("Str",), _all(infer(v) for _, v in value.fields))
        return ("record", tuple((k, infer(v)) for k, v in sorted(value.fields)))
    if isinstance(value, TlaFunction):
        return ("fun", _all(infer(k) for k, _ in value.pairs), _all(infer(v) for _, v in value.pairs))
    return CONFLICT


def type_name(t) -> str | None:
    """Apalache's notation for an inferred type; None if any part is unknown or mixed."""
    if t is None or t == CONFLICT:
        return None
    if len(t) == 1:
        return t[0]
    if t[0] in ("Seq", "Set"):
        inner = type_name(t[1])
        return inner and f"{t[0]}({inner})"
    if t[0] == "fun":
        key, val = type_name(t[1]), type_name(t[2])
        if key is None or val is None:
            return None
        return f"{key} -> {f'({val})' if '->' in val else val}"
    fields = [(n, type_name(v)) for n, v in t[1]]
    if any(v is None for _, v in fields):
        return None
    return "{ " + ", ".join(f"{n}: {v}" for n, v in fields) + " }"


def render_itf(trace: ErrorTrace, context: dict) -> str:
    states = [s for s in trace.states if s.variables]
    names = sorted(states[0].variables) if states else []
    kinds = variable_kinds(context.get("spec_tla") or "")
    functions = {n for n in names if kinds.get(n) == FUNCTION}
    types = {n: type_name(_all(infer(s.variables[n], n in functions) for s in states)) for n in names}
    document = {
        "#meta": {
            "format": "ITF",
            "format-description": "https://apalache-mc.org/docs/adr/015adr-trace.html",
            "source": context.get("module"),
            "description": f"dsqspec counterexample: {trace.violation.message}",
            "verdict": "violation",
            "varTypes": {n: t for n, t in types.items() if t},
            "history": list(HISTORY_VARIABLES),
            "tlc_version": context.get("tlc_version"),
        },
        "vars": names,
        "states": [
            {"#meta": {"index": i, "action": s.action},
             **{k: encode(v, k in functions) for k, v in s.variables.items()}}
            for i, s in enumerate(states)
        ],
    }
    loops = [s.back_to for s in trace.states if s.back_to is not None]
    if loops:
        document["loop"] = loops[0] - 1
    return json.dumps(document, indent=2) + "\n"


def render_itf_no_violation(module: str, description: str, version: str | None) -> str:
    """A clean pass in ITF: a trace of no states (TLC found no counterexample), so that
    `--format itf` always prints one ITF document; the verdict is in #meta.description."""
    document = {
        "#meta": {
            "format": "ITF",
            "format-description": "https://apalache-mc.org/docs/adr/015adr-trace.html",
            "source": module,
            "description": description,
            "verdict": "no violation",
            "history": list(HISTORY_VARIABLES),
            "tlc_version": version,
        },
        "vars": [],
        "states": [],
    }
    return json.dumps(document, indent=2) + "\n"
