"""Symbolic values of the compiler: what a C expression is in the model.

A value is a small tree over constants, TLA+ text, registers, temporaries
(the result of a load) and compile-time locals; `resolve` replaces the last
three by what they hold, and the constructors fold constants, so a test of a
local whose value the compiler knows costs no step and no state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NIL = "NIL"


@dataclass(frozen=True)
class V:
    op: str  # const, tla, reg, tmp, local, not, and, or, eq, ne, lt, le, gt, ge, add, sub, ite, opaque
    args: tuple = ()
    ty: str = "int"  # bool, int, ptr, node, seq, opaque

    def __str__(self) -> str:  # debugging only
        return tla(self)


def const(value, ty: str | None = None) -> V:
    if ty is None:
        ty = "bool" if isinstance(value, bool) else "ptr" if value == NIL else "int"
    return V("const", (value,), ty)


def text(t: str, ty: str = "int", *parts: V) -> V:
    """TLA+ text with {0}, {1}.. standing for `parts`."""
    return V("tla", (t, *parts), ty)


def reg(var: str, ty: str) -> V:
    return V("reg", (var,), ty)


def opaque() -> V:
    return V("opaque", (), "opaque")


def is_const(v: V) -> bool:
    return v.op == "const"


def not_(v: V) -> V:
    if is_const(v):
        return const(not v.args[0])
    if v.op == "not":
        return v.args[0]
    if v.op in ("eq", "ne"):
        return V("ne" if v.op == "eq" else "eq", v.args, "bool")
    return V("not", (v,), "bool")


def truth(v: V) -> V:
    """C's truth of v: non-zero, non-NULL."""
    if v.ty == "bool":
        return v
    if is_const(v):
        return const(bool(v.args[0]) and v.args[0] != NIL)
    if v.ty in ("ptr", "node"):
        return ne(v, const(NIL))
    return ne(v, const(0))


def and_(a: V, b: V) -> V:
    if is_const(a):
        return b if a.args[0] else a
    if is_const(b):
        return a if b.args[0] else b
    return V("and", (a, b), "bool")


def or_(a: V, b: V) -> V:
    if is_const(a):
        return a if a.args[0] else b
    if is_const(b):
        return b if b.args[0] else a
    return V("or", (a, b), "bool")


def eq(a: V, b: V) -> V:
    if is_const(a) and is_const(b):
        return const(a.args[0] == b.args[0])
    if a == b:
        return const(True)
    return V("eq", (a, b), "bool")


def ne(a: V, b: V) -> V:
    return not_(eq(a, b))


def compare(op: str, a: V, b: V) -> V:
    if a.op == "ite" and is_const(b) and is_const(a.args[1]) and is_const(a.args[2]):
        return ite(a.args[0], compare(op, a.args[1], b), compare(op, a.args[2], b))
    if is_const(a) and is_const(b):
        x, y = a.args[0], b.args[0]
        return const({"lt": x < y, "le": x <= y, "gt": x > y, "ge": x >= y}[op])
    return V(op, (a, b), "bool")


def add(a: V, b: V) -> V:
    if is_const(a) and is_const(b):
        return const(a.args[0] + b.args[0])
    if is_const(b) and b.args[0] == 0:
        return a
    if a.op == "sub" and is_const(a.args[1]) and is_const(b) and a.args[1].args[0] == b.args[0]:
        return a.args[0]
    if a.op == "add" and is_const(a.args[1]) and is_const(b):
        return add(a.args[0], const(a.args[1].args[0] + b.args[0]))
    return V("add", (a, b), a.ty)


def sub(a: V, b: V) -> V:
    if is_const(b):
        if b.args[0] == 0:
            return a
        if a.op == "add" and is_const(a.args[1]) and a.args[1].args[0] == b.args[0]:
            return a.args[0]
        if is_const(a):
            return const(a.args[0] - b.args[0])
    return V("sub", (a, b), a.ty)


def ite(c: V, a: V, b: V) -> V:
    if is_const(c):
        return a if c.args[0] else b
    if a == b:
        return a
    if is_const(a) and is_const(b) and a.ty == "bool" == b.ty:
        return c if a.args[0] else not_(c)
    if c.op == "ne" and c.args[0] == a and is_const(c.args[1]) and is_const(b) and b.args == c.args[1].args:
        return a  # IF x /= NIL THEN x ELSE NIL
    return V("ite", (c, a, b), a.ty)


@dataclass
class Env:
    """What registers, temporaries and locals hold at a point of a continuation."""

    regs: dict = field(default_factory=dict)  # var -> V (absent: its value at the step's start)
    tmps: dict = field(default_factory=dict)
    locals: dict = field(default_factory=dict)
    shared: dict = field(default_factory=dict)  # folded shared writes: var -> V (whole function)
    nonnull: frozenset = frozenset()

    def copy(self) -> "Env":
        return Env(dict(self.regs), dict(self.tmps), dict(self.locals), dict(self.shared), self.nonnull)


def resolve(v: V, env: Env, p: str) -> V:
    """v with registers, temporaries and locals replaced by what env says they hold."""
    if v.op == "reg":
        var = v.args[0]
        if var in env.regs:
            return env.regs[var]
        return text(f"{var}[{p}]", v.ty)
    if v.op == "tmp":
        return env.tmps[v.args[0]]
    if v.op == "local":
        return env.locals.get(v.args[0], opaque())
    if v.op in ("const", "opaque"):
        return v
    if v.op == "tla":
        return V("tla", (v.args[0], *(resolve(a, env, p) for a in v.args[1:])), v.ty)
    args = [resolve(a, env, p) for a in v.args]
    if v.op == "not":
        return not_(args[0])
    if v.op == "and":
        return and_(*args)
    if v.op == "or":
        return or_(*args)
    if v.op == "eq":
        return eq(*args)
    if v.op == "ne":
        if tla(args[0]) in env.nonnull and is_const(args[1]) and args[1].args[0] == NIL:
            return const(True)
        return ne(*args)
    if v.op in ("lt", "le", "gt", "ge"):
        return compare(v.op, *args)
    if v.op == "add":
        return add(*args)
    if v.op == "sub":
        return sub(*args)
    if v.op == "ite":
        return ite(*args)
    raise ValueError(v.op)


_INFIX = {"and": "/\\", "or": "\\/", "eq": "=", "ne": "/=", "lt": "<", "le": "<=", "gt": ">", "ge": ">=",
          "add": "+", "sub": "-"}


def tla(v: V) -> str:
    """TLA+ text of a resolved value."""
    if v.op == "const":
        x = v.args[0]
        return "TRUE" if x is True else "FALSE" if x is False else str(x)
    if v.op == "tla":
        return v.args[0].format(*(tla(a) for a in v.args[1:]))
    if v.op == "not":
        return f"~({tla(v.args[0])})"
    if v.op in _INFIX:
        a, b = v.args
        return f"({tla(a)} {_INFIX[v.op]} {tla(b)})" if v.op in ("and", "or", "add", "sub") else f"{tla(a)} {_INFIX[v.op]} {tla(b)}"
    if v.op == "ite":
        c, a, b = v.args
        return f"(IF {tla(c)} THEN {tla(a)} ELSE {tla(b)})"
    if v.op == "opaque":
        raise ValueError("opaque value in TLA+")
    raise ValueError(v.op)


def uses(v: V) -> set[tuple[str, str]]:
    """The registers, temporaries and locals v reads: {("reg", "cur"), ("tmp", "t1"), ...}."""
    if v.op in ("reg", "tmp", "local"):
        return {(v.op, v.args[0])}
    out: set = set()
    for a in v.args:
        if isinstance(a, V):
            out |= uses(a)
    return out
