"""Lift the variables a rendered version never changes out of the state.

The template declares every variable any version needs (the folio_batch registers, the
reclaim actor's PG_swapcache, NoLostSplit's ghost, ...).  In a version or model that no step
primes one of them, it is a constant that TLC would still copy into every successor, check
in every UNCHANGED and fingerprint in every state.  This pass, run on the rendered module
before it is folded, turns each such variable into a definition with its Init value:
the properties that read it are unchanged, the distinct-state count is the same (a constant
splits no state), and the trace simply no longer lists it.

What is derived, not listed: a variable is lifted when the module has no `name'` and Init
sets it with one `/\\ name = expr` line (a variable Init draws from a set stays a variable).
"""

from __future__ import annotations

import re

from .spec_shapes import VARIABLES_BLOCK, variables

HISTORY = "evt"  # the trace's event record: not fingerprinted, but every step sets it
_TUPLE = re.compile(r"<<([\w,\s]+)>>")
_INIT = re.compile(r"^Init ==\n(.*?)(?=^\S)", re.S | re.M)
# one conjunct `/\ name = expr` (and its comment) that ends on its own line
_INIT_EQUALS = re.compile(r"^    /\\ (?P<name>\w+) = (?P<expr>.+?)(?:\s+\\\*.*)?\n(?=    /\\|\S|\n)", re.M)


def constants(tla: str) -> dict[str, tuple[str, str]]:
    """The variables to lift -> (their Init expression, the Init line that sets them)."""
    init = _INIT.search(tla)
    if not init:
        return {}
    lines = {m["name"]: (m["expr"].strip(), m.group(0))
             for m in _INIT_EQUALS.finditer(tla, init.start(1), init.end(1))}
    return {name: lines[name] for name in variables(tla)
            if name != HISTORY and name in lines and not re.search(rf"\b{name}'", tla)}


def _drop_from_declaration(tla: str, lifted: set[str]) -> str:
    """Remove the lifted names from the VARIABLES block; a line left with no name goes."""
    block = VARIABLES_BLOCK.search(tla)
    lines = []
    for line in block.group(1).splitlines(keepends=True):
        code, sep, comment = line.rstrip("\n").partition("\\*")
        names = [n.strip() for n in code.split(",") if n.strip()]
        kept = [n for n in names if n not in lifted]
        if names and not kept:
            continue
        if kept != names:
            trailing = "," if code.rstrip().endswith(",") else ""
            code = "    " + ", ".join(kept) + trailing
            code = code.ljust(17) + " " if sep else code
            line = f"{code}{sep}{comment}\n" if sep else f"{code}\n"
        lines.append(line)
    return tla[:block.start(1)] + "".join(lines) + tla[block.end(1):]


def lift(tla: str) -> tuple[str, list[str]]:
    """The module with its constant variables as definitions, and their names."""
    found = constants(tla)
    if not found:
        return tla, []
    declared = set(variables(tla))
    for _, line in found.values():
        tla = tla.replace(line, "", 1)

    def strip_tuple(match: re.Match[str]) -> str:
        names = [n.strip() for n in match.group(1).split(",")]
        if not all(n in declared for n in names):
            return match.group(0)
        return "<<" + ", ".join(n for n in names if n not in found) + ">>"

    tla = _TUPLE.sub(strip_tuple, tla)
    tla = _drop_from_declaration(tla, set(found))
    definitions = ["\\* Constant in this model: no step of it changes them, so they are definitions, not",
                   "\\* state (TLC need not copy, compare or fingerprint them)."]
    definitions += [f"{name} == {expr}" for name, (expr, _) in found.items()]
    end = VARIABLES_BLOCK.search(tla).end()
    tla = tla[:end] + "\n".join(definitions) + "\n\n" + tla[end:]
    return tla, list(found)
