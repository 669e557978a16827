"""TLC's printed values and error traces, parsed back into typed Python values.

TLC 2.18 cannot dump a trace as JSON, so dsqspec reads what it prints.  The
value grammar (a lark LALR grammar) keeps sets apart from sequences and model
values apart from strings, because ITF output and the timeline need both.
Values wrapped over several lines at 80 columns parse like one-liners: the
lexer ignores all white space between tokens.

Malformed input raises `TraceParseError` with a line number, never anything else,
and parsing takes time linear in the input: a corrupt log of megabytes is read
once, not once per line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Union

import lark

from .tool_frames import (
    ASSERT_FAILED, BEHAVIOR_PREFIX, DEADLOCK, INVARIANT_VIOLATED, INVARIANT_VIOLATED_INITIAL,
    STATE, STATE_INITIAL_ERROR, Message,
)

VALUE_GRAMMAR = r"""
?value: record | function | sequence | set | interval
      | ESCAPED_STRING -> string
      | SIGNED_INT -> integer
      | "TRUE" -> true
      | "FALSE" -> false
      | IDENT -> model_value

record: "[" field ("," field)* "]"
field: IDENT "|->" value
function: "(" pair ("@@" pair)* ")"
pair: value ":>" value
sequence: "<<" [value ("," value)*] ">>"
set: "{" [value ("," value)*] "}"
interval: SIGNED_INT ".." SIGNED_INT

IDENT: /[A-Za-z_][A-Za-z0-9_]*/
ESCAPED_STRING: /"(\\.|[^"\\])*"/
SIGNED_INT: /-?[0-9]+/
%import common.WS
%ignore WS
"""


class TraceParseError(ValueError):
    """Input that is not TLC output dsqspec understands; carries the line number."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


class ModelValue(str):
    """A TLC model value (printed bare, like an identifier), distinct from a string."""

    def __repr__(self) -> str:
        return f"ModelValue({str(self)!r})"


@dataclass(frozen=True)
class TlaSet:
    items: tuple


@dataclass(frozen=True)
class TlaSeq:
    items: tuple


@dataclass(frozen=True)
class TlaRecord:
    fields: tuple  # ((name, value), ...) in printed order

    def __getitem__(self, key: str):
        for name, value in self.fields:
            if name == key:
                return value
        raise KeyError(key)

    def get(self, key: str, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def as_dict(self) -> dict:
        return dict(self.fields)


@dataclass(frozen=True)
class TlaFunction:
    pairs: tuple  # ((key, value), ...)


@dataclass(frozen=True)
class TlaInterval:
    low: int
    high: int


Value = Union[int, bool, str, ModelValue, TlaSet, TlaSeq, TlaRecord, TlaFunction, TlaInterval]

# TLC's integers are Java ints, but a printed value is exact at any size dsqspec
# accepts.  CPython converts long decimal strings in super-linear time (and refuses
# more than 4,300 digits by default), so longer literals are converted in halves,
# and literals beyond MAX_INT_DIGITS are rejected rather than slowing parsing down.
INT_STR_CHUNK = 4000
MAX_INT_DIGITS = 100_000
# Deeper values would overflow Python's recursion in comparison, hashing and output.
MAX_DEPTH = 200

_STRING_ESCAPES = {"n": "\n", "t": "\t", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(literal: str) -> str:
    return re.sub(r"\\(.)", lambda m: _STRING_ESCAPES.get(m.group(1), m.group(1)), literal[1:-1])


class _ValueTooLarge(Exception):
    """Raised inside the transformer; parse_value turns it into a TraceParseError."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def exact_int(token) -> int:
    """A decimal literal as an exact int, whatever its length up to MAX_INT_DIGITS."""
    text = str(token)
    digits = len(text.lstrip("-"))
    if digits > MAX_INT_DIGITS:
        raise _ValueTooLarge(f"integer literal of {digits:,} digits (more than {MAX_INT_DIGITS:,})",
                             getattr(token, "line", None) or 1)
    if text.startswith("-"):
        return -_decimal(text[1:])
    return _decimal(text)


def _decimal(digits: str) -> int:
    if len(digits) <= INT_STR_CHUNK:
        return int(digits)
    low = len(digits) // 2
    return _decimal(digits[:-low]) * 10**low + _decimal(digits[-low:])


def int_text(number: int) -> str:
    """str(number), exact beyond CPython's 4,300-digit limit on int-to-string conversion."""
    if number < 0:
        return "-" + int_text(-number)
    if number.bit_length() * 0.30103 < INT_STR_CHUNK:  # digits = bits * log10(2)
        return str(number)
    low = int(number.bit_length() * 0.30103) // 2  # half the digits, roughly
    high, rest = divmod(number, 10**low)
    return int_text(high) + int_text(rest).rjust(low, "0")


class _ToValue(lark.Transformer):
    def string(self, items):
        return _unescape(str(items[0]))

    def integer(self, items):
        return exact_int(items[0])

    def true(self, _items):
        return True

    def false(self, _items):
        return False

    def model_value(self, items):
        return ModelValue(str(items[0]))

    def record(self, items):
        return TlaRecord(tuple(items))

    def field(self, items):
        return (str(items[0]), items[1])

    def function(self, items):
        return TlaFunction(tuple(items))

    def pair(self, items):
        return (items[0], items[1])

    def sequence(self, items):
        return TlaSeq(tuple(i for i in items if i is not None))

    def set(self, items):
        return TlaSet(tuple(i for i in items if i is not None))

    def interval(self, items):
        return TlaInterval(exact_int(items[0]), exact_int(items[1]))


_PARSER_CACHE: list[lark.Lark] = []


def _parser() -> lark.Lark:
    """Built on first use: a clean pass never parses a value, so it never pays for the tables."""
    if not _PARSER_CACHE:
        _PARSER_CACHE.append(lark.Lark(VALUE_GRAMMAR, start="value", parser="lalr", transformer=_ToValue()))
    return _PARSER_CACHE[0]


# Successive trace states repeat most variables verbatim; values are immutable, so a
# parsed value can be shared.
_PARSED: dict[str, Value] = {}


def parse_value(text: str, first_line: int = 1) -> Value:
    """Parse one printed TLC value; `first_line` numbers errors in the whole file."""
    cached = _PARSED.get(text)
    if cached is not None:
        return cached
    try:
        value = _parser().parse(text)
    except _ValueTooLarge as err:
        raise TraceParseError(f"cannot parse TLC value: {err}", first_line + err.line - 1) from None
    except lark.exceptions.UnexpectedInput as err:
        where = getattr(err, "line", -1)
        line = first_line + (where - 1 if isinstance(where, int) and where > 0 else 0)
        raise TraceParseError(f"cannot parse TLC value: {_short(err)}", line) from None
    except lark.exceptions.VisitError as err:
        inner = err.orig_exc
        line = first_line + (inner.line - 1 if isinstance(inner, _ValueTooLarge) else 0)
        raise TraceParseError(f"cannot parse TLC value: {inner}", line) from None
    except lark.exceptions.LarkError as err:
        raise TraceParseError(f"cannot parse TLC value: {_short(err)}", first_line) from None
    if _depth(value) > MAX_DEPTH:
        raise TraceParseError(f"TLC value nested more than {MAX_DEPTH} levels deep", first_line)
    if len(_PARSED) < 100_000:
        _PARSED[text] = value
    return value


def _depth(value: Value) -> int:
    """Nesting depth, found without recursion (the value may be arbitrarily deep)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        if isinstance(node, (TlaSet, TlaSeq)):
            stack.extend((child, depth + 1) for child in node.items)
        elif isinstance(node, TlaRecord):
            stack.extend((child, depth + 1) for _, child in node.fields)
        elif isinstance(node, TlaFunction):
            for key, child in node.pairs:
                stack.extend(((key, depth + 1), (child, depth + 1)))
    return deepest


def _short(err: Exception) -> str:
    """Lark's first line, without its position inside the value (the caller gives the file's line)."""
    lines = str(err).strip().splitlines()
    return re.sub(r" at line \d+, column \d+\.?$", "", lines[0] if lines else type(err).__name__)[:160]


# -- printing values the way TLC prints them (for ITF keys, tests, messages) ----------

def _escape(text: str) -> str:
    out = text.replace("\\", "\\\\").replace('"', '\\"')
    for raw, esc in (("\n", "\\n"), ("\t", "\\t"), ("\f", "\\f"), ("\r", "\\r")):
        out = out.replace(raw, esc)
    return f'"{out}"'


def format_value(value: Value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, ModelValue):
        return str(value)
    if isinstance(value, str):
        return _escape(value)
    if isinstance(value, int):
        return int_text(value)
    if isinstance(value, TlaRecord):
        return "[" + ", ".join(f"{k} |-> {format_value(v)}" for k, v in value.fields) + "]"
    if isinstance(value, TlaFunction):
        return "(" + " @@ ".join(f"{format_value(k)} :> {format_value(v)}" for k, v in value.pairs) + ")"
    if isinstance(value, TlaSeq):
        return "<<" + ", ".join(format_value(v) for v in value.items) + ">>"
    if isinstance(value, TlaSet):
        return "{" + ", ".join(format_value(v) for v in value.items) + "}"
    if isinstance(value, TlaInterval):
        return f"{value.low}..{value.high}"
    raise TypeError(f"not a TLC value: {value!r}")


# -- traces ------------------------------------------------------------------------------

@dataclass
class TraceState:
    index: int
    action: str  # "Initial predicate", an action name, "Stuttering", ...
    location: str  # "line 3, col 5 to line 9, col 2 of module M", or ""
    variables: dict[str, Value] = field(default_factory=dict)
    back_to: int | None = None  # a lasso's "Back to state N"
    line: int = 0  # where the state starts in the log (0: not known)


@dataclass
class Violation:
    kind: str  # "invariant", "invariant-initial", "deadlock", "assert"
    name: str | None  # the invariant's name, where TLC gives one
    message: str


@dataclass
class ErrorTrace:
    violation: Violation
    states: list[TraceState]


# State numbers are bounded in length so that int() never meets a 5,000-digit one.
_CONJUNCT = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*) = ")
_HEADER = re.compile(r"^(\d{1,18}): (?:<(.*)>|(Stuttering)|Back to state: <(.*)>)\s*$")
_ACTION = re.compile(r"^([\w!]+(?:\(.*\))?) (line \d+, col \d+ to line \d+, col \d+ of module \w+)$")


def parse_state_block(text: str, first_line: int = 1) -> dict[str, Value]:
    """`/\\ x = v` conjuncts (or a lone `x = v`), continuation lines included."""
    lines = text.split("\n")  # only \n: TLC prints \v, \x1c.. inside strings unescaped
    # (first line number, its lines): a conjunct's lines are joined once, at the end,
    # so a block of n lines costs O(n), not O(n^2)
    chunks: list[tuple[int, list[str]]] = []
    for offset, line in enumerate(lines):
        if not line.strip():
            continue
        if line.startswith("/\\ ") or not chunks:
            chunks.append((first_line + offset, [line[3:] if line.startswith("/\\ ") else line]))
        else:
            chunks[-1][1].append(line)
    variables: dict[str, Value] = {}
    for number, parts in chunks:
        match = _CONJUNCT.match(parts[0])
        if not match:
            raise TraceParseError(f"expected 'name = value', got {parts[0][:60]!r}", number)
        parts[0] = parts[0][match.end():]
        variables[match.group(1)] = parse_value("\n".join(parts), number)
    return variables


def parse_state_message(body: str, first_line: int = 1) -> TraceState:
    """A 2217 frame body: `N: <Action line ... of module M>` then the state."""
    head, _, rest = body.partition("\n")
    match = _HEADER.match(head)
    if not match:
        raise TraceParseError(f"not a TLC state header: {head[:60]!r}", first_line)
    index = int(match.group(1))
    if match.group(3):
        return TraceState(index, "Stuttering", "", line=first_line)
    info = match.group(2) if match.group(2) is not None else match.group(4)
    action, location = _split_info(info)
    state = TraceState(index, action, location, parse_state_block(rest, first_line + 1), line=first_line)
    if match.group(4) is not None:
        state.back_to = index
    return state


def _split_info(info: str) -> tuple[str, str]:
    if info.startswith("Initial predicate"):
        return "Initial predicate", info[len("Initial predicate"):].strip()
    match = _ACTION.match(info)
    if match:
        return match.group(1), match.group(2)
    return info, ""


def _violation_from(message: Message) -> Violation | None:
    """The violation a frame reports; a violation frame with no text is malformed."""
    if message.code not in (INVARIANT_VIOLATED, INVARIANT_VIOLATED_INITIAL, DEADLOCK, ASSERT_FAILED):
        return None
    body = message.body.strip()
    if not body:
        raise TraceParseError(f"TLC's violation message (code {message.code}) is empty", message.line)
    first = body.splitlines()[0]
    if message.code in (INVARIANT_VIOLATED, INVARIANT_VIOLATED_INITIAL):
        name = re.search(r"Invariant (\S+) is violated", body)
        kind = "invariant-initial" if message.code == INVARIANT_VIOLATED_INITIAL else "invariant"
        return Violation(kind, name.group(1) if name else None, first)
    if message.code == DEADLOCK:
        return Violation("deadlock", None, first)
    return Violation("assert", None, body)


def trace_from_messages(messages: list[Message]) -> ErrorTrace | None:
    """The first counterexample in a -tool run, or None if TLC reported none.

    tlc2.TLC names the violation, then prints the behaviour; distributed TLC
    (DsqspecTLC's server) prints the behaviour after "The behavior up to this
    point is" and names the violation after it."""
    violation: Violation | None = None
    states: list[TraceState] = []
    behaviour = False
    for message in messages:
        found = _violation_from(message)
        if message.code == BEHAVIOR_PREFIX and violation is None and not states:
            behaviour = True
        if found and violation is None:
            violation = found
            if found.kind == "invariant-initial":
                # TLC prints the offending initial state inside the same message
                _, _, rest = message.body.partition("\n")
                if rest.strip():
                    states.append(TraceState(1, "Initial predicate", "",
                                             parse_state_block(rest, message.line + 1), line=message.line))
            continue
        if (violation or behaviour) and message.code in (STATE, STATE_INITIAL_ERROR):
            states.append(parse_state_message(message.body, message.line))
    if violation is None:
        return None
    return ErrorTrace(violation, states)


_PLAIN_VIOLATION = re.compile(
    r"^Error: (Invariant (\S+) is violated( by the initial state:)?\.?|Deadlock reached\.|"
    r"The first argument of Assert evaluated to FALSE.*)$"
)
_PLAIN_STATE = re.compile(r"^State (\d{1,18}): (?:<(.*)>|(Stuttering))\s*$")


def parse_plain_trace(text: str) -> ErrorTrace | None:
    """The same, from TLC's plain (non -tool) console output."""
    lines = text.split("\n")
    violation: Violation | None = None
    states: list[TraceState] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _PLAIN_VIOLATION.match(line)
        if match and violation is None:
            if match.group(2):
                kind = "invariant-initial" if match.group(3) else "invariant"
                violation = Violation(kind, match.group(2), line[len("Error: "):])
                if kind == "invariant-initial":
                    start = index + 1
                    end = _block_end(lines, start)
                    states.append(TraceState(1, "Initial predicate", "",
                                             parse_state_block("\n".join(lines[start:end]), start + 1)))
                    index = end
                    continue
            elif line.startswith("Error: Deadlock"):
                violation = Violation("deadlock", None, line[len("Error: "):])
            else:
                violation = Violation("assert", None, line[len("Error: "):])
        elif violation is not None:
            state = _PLAIN_STATE.match(line)
            if state:
                start = index + 1
                end = _block_end(lines, start)
                if state.group(3):
                    states.append(TraceState(int(state.group(1)), "Stuttering", ""))
                else:
                    action, location = _split_info(state.group(2))
                    states.append(TraceState(int(state.group(1)), action, location,
                                             parse_state_block("\n".join(lines[start:end]), start + 1)))
                index = end
                continue
        index += 1
    if violation is None:
        return None
    return ErrorTrace(violation, states)


def _block_end(lines: list[str], start: int) -> int:
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    return end
