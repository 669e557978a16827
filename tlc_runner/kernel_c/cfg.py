"""The control-flow graph the lowering builds: shared accesses and local work."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Pos
from .values import V


@dataclass(eq=False)
class Node:
    pos: Pos


@dataclass(eq=False)
class Access(Node):
    """A shared access: one step, or one of kernel.tla.j2's multi-step primitives.
    `succs` are its outcomes (most have one; iterator steps: [done, body];
    split: [ok, fail])."""

    kind: str = ""
    args: list = field(default_factory=list)
    result: str | None = None  # temporary the access's value goes to
    succs: list = field(default_factory=list)
    fn: str = ""  # the C function, for the timeline
    locked: bool | None = None  # filled in by the lock analysis
    label: str = ""


@dataclass(eq=False)
class Assign(Node):
    kind: str = "reg"  # "reg", "local" or "tmp"
    var: str = ""
    value: V | None = None
    succ: Node | None = None


@dataclass(eq=False)
class Branch(Node):
    cond: V | None = None
    then: Node | None = None
    other: Node | None = None


@dataclass(eq=False)
class Choice(Node):
    succs: list = field(default_factory=list)


@dataclass(eq=False)
class Nop(Node):
    succ: Node | None = None
    what: str = ""  # "return", "label", "join"
    returns: str | None = None  # a called function's return: "ok" (returned 0) or "fail"


class ExitPoint:
    """Where a called function's `return 0` / `return <error>` leads (its caller's two labels)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind


@dataclass(eq=False)
class Exit(Node):
    pass


def successors(n: Node) -> list[Node]:
    if isinstance(n, Access):
        return list(n.succs)
    if isinstance(n, (Assign, Nop)):
        return [n.succ]
    if isinstance(n, Branch):
        return [n.then, n.other]
    if isinstance(n, Choice):
        return list(n.succs)
    return []


def reachable(entry: Node) -> list[Node]:
    seen, order, stack = set(), [], [entry]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        order.append(n)
        stack.extend(reversed(successors(n)))
    return order
