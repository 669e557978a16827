"""The C syntax tree: small dataclasses, each with the position it starts at."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import Pos


@dataclass
class Node:
    pos: Pos = field(repr=False, compare=False)


# -- expressions
@dataclass
class Name(Node):
    id: str


@dataclass
class Num(Node):
    value: int


@dataclass
class Str(Node):
    value: str


@dataclass
class Call(Node):
    fn: str
    args: list


@dataclass
class Member(Node):
    obj: object
    field: str
    arrow: bool


@dataclass
class Index(Node):
    obj: object
    index: object


@dataclass
class Unary(Node):
    op: str  # "!", "-", "~", "&", "*"
    arg: object


@dataclass
class IncDec(Node):
    op: str  # "++" or "--"
    arg: object
    prefix: bool


@dataclass
class Binary(Node):
    op: str
    left: object
    right: object


@dataclass
class Assign(Node):
    op: str  # "=", "+=", ...
    target: object
    value: object


@dataclass
class Ternary(Node):
    cond: object
    then: object
    other: object


# -- statements
@dataclass
class Decl(Node):
    type: str
    name: str
    pointer: bool
    init: object | None


@dataclass
class Block(Node):
    items: list


@dataclass
class ExprStmt(Node):
    expr: object


@dataclass
class Empty(Node):
    pass


@dataclass
class If(Node):
    cond: object
    then: object
    other: object | None


@dataclass
class While(Node):
    cond: object
    body: object
    do: bool = False


@dataclass
class For(Node):
    init: object | None
    cond: object | None
    step: object | None
    body: object


@dataclass
class Iter(Node):
    macro: str
    args: list
    body: object


@dataclass
class Goto(Node):
    label: str


@dataclass
class Label(Node):
    name: str
    stmt: object


@dataclass
class Break(Node):
    pass


@dataclass
class Continue(Node):
    pass


@dataclass
class Return(Node):
    value: object | None


@dataclass
class Function(Node):
    name: str
    params: list[str]
    body: Block
    text: str = field(default="", repr=False)  # its source, for patches and docs
    lines: tuple[int, int] = field(default=(0, 0), repr=False, compare=False)  # first, last line
