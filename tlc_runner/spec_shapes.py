"""Which of a rendered spec's variables are functions, read from the spec itself.

TLC prints a function whose domain is a set of strings in record syntax
(`[F1 |-> 1, F2 |-> 1]`), so a parsed trace cannot tell `ref` (a function
from folios to counts) from `evt` (a record).  ITF writes the two
differently, so the exporter asks the spec: a variable that `Init` sets to a
function constructor (`[f \\in Folios |-> 1]`) or draws from a function set
(`[Folios -> BOOLEAN]`), or that `TypeOK` places in a function set, is a
function; one that `Init` sets to a record (`[p |-> ...]`, or an operator
that builds one) is a record; `{...}` is a set.
"""

from __future__ import annotations

import re

FUNCTION, RECORD, SET, OTHER = "function", "record", "set", "other"

# the VARIABLES declaration: its names and comments up to the next unindented line
VARIABLES_BLOCK = re.compile(r"^VARIABLES\b(.*?)(?=^\S)", re.S | re.M)
_DEFINITION = re.compile(r"^(\w+)(\([^)]*\))?\s*==", re.M)


def _definition(tla: str, name: str) -> str:
    """The text of definition `name` up to the next top-level definition or comment block."""
    match = re.search(rf"^{name}(\([^)]*\))?\s*==(.*?)(?=^\S)", tla + "\n=", re.S | re.M)
    return match.group(2) if match else ""


def variables(tla: str) -> list[str]:
    """The names in the VARIABLES declaration, in order (comments dropped)."""
    match = VARIABLES_BLOCK.search(tla)
    if not match:
        return []
    body = re.sub(r"\\\*[^\n]*", "", match.group(1))
    return [name.strip() for name in body.split(",") if name.strip()]


def _record_builders(tla: str) -> set[str]:
    """Operators whose body is a record constructor (`Ev(p, ...) == [p |-> p, ...]`)."""
    return {m.group(1) for m in _DEFINITION.finditer(tla)
            if re.match(r"\s*\[\s*\w+\s*\|->", _definition(tla, m.group(1)))}


def _kind(expression: str, builders: set[str]) -> str:
    expr = expression.strip()
    if re.match(r"\[\s*\w+\s*\\in\b[^|]*\|->", expr) or re.match(r"\\in\s*\[[^\]]*->", expr):
        return FUNCTION
    expr = expr.removeprefix("=").strip()
    if re.match(r"\[\s*\w+\s*\|->", expr) or re.match(r"(\w+)\(", expr) and expr.split("(")[0] in builders:
        return RECORD
    if expr.startswith("{"):
        return SET
    return OTHER


def variable_kinds(tla: str) -> dict[str, str]:
    """Each declared variable -> function, record, set or other, from Init and TypeOK."""
    names = variables(tla)
    builders = _record_builders(tla)
    init, type_ok = _definition(tla, "Init"), _definition(tla, "TypeOK")
    kinds: dict[str, str] = {}
    for name in names:
        found = re.search(rf"/\\\s*{name}\s*(=|\\in)(.*)", init)
        kinds[name] = _kind(("" if found.group(1) == "=" else "\\in ") + found.group(2), builders) \
            if found else OTHER
        typed = re.search(rf"/\\\s*{name}\s*\\in\s*\[[^\]]*->", type_ok)
        if kinds[name] == OTHER and typed:
            kinds[name] = FUNCTION
    # a variable the render lifted into a constant (constant_vars.py): `name == expr` between
    # VARIABLES and `vars`; a trace of an earlier render may still print it
    for name, expr in lifted_constants(tla).items():
        kinds[name] = _kind(expr, builders)
    return kinds


def lifted_constants(tla: str) -> dict[str, str]:
    """The definitions constant_vars.py wrote after the VARIABLES block: name -> value."""
    block = VARIABLES_BLOCK.search(tla)
    if not block:
        return {}
    after = tla[block.end():].split("\nvars ==", 1)[0]
    return dict(re.findall(r"^(\w+) == (.+)$", after, re.M))
