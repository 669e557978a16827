"""The one-line summary every output format starts with."""

from __future__ import annotations

import shlex

from ..timeline import Timeline


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def headline(timeline: Timeline, context: dict) -> str:
    what = {
        "invariant": f"{timeline.property} violated",
        "invariant-initial": f"{timeline.property} violated by the initial state",
        "deadlock": "deadlock",
        "assert": "Assert failed",
    }.get(timeline.violation_kind, timeline.violation_kind)
    facts = timeline.facts
    return (f"dsqspec: {context.get('label', '?')}, {context.get('procs', '?')} CPUs "
            f"({_count(len(facts.shrinkers), 'shrinker')}), {_queued(facts.folios)} folios: {what} "
            f"[{context.get('tlc_version') or 'TLC'}]")


def _queued(folios) -> int:
    """The folios queued at the start: migration's destinations (G<i>) are not counted."""
    return sum(1 for f in folios if not f.startswith("G"))


def reproduce(context: dict, width: int | None = None) -> str:
    """The command that reproduces a run, each word shell-quoted (a hypothesis path may hold a
    space or a `$(...)`: pasting the command must run dsqspec, nothing else).

    With `width`, wrapped shell-style with backslashes; a word too long for a line of its own
    (a deep hypothesis path) is cut with a backslash-newline, which the shell removes, the
    rest going on at column 0 so that no space enters the word."""
    words = context.get("command", ["dsqspec", "check"])
    if width is None:
        return " ".join(shlex.quote(w) for w in words)
    limit = width - 2  # room for " \\" at the end of a line
    lines, line = [], ""
    for word in words:
        quoted = shlex.quote(word)
        if line and len(line) + 1 + len(quoted) > limit:
            lines.append(line + " \\")
            line = "    "
        sep = " " if line.strip() else ""
        if len(line) + len(sep) + len(quoted) <= limit:
            line += sep + quoted
            continue
        pieces = _cut(word, width - 1 - len(line) - len(sep), width - 1)
        lines.append(line + sep + shlex.quote(pieces[0]) + "\\")
        lines += [shlex.quote(piece) + "\\" for piece in pieces[1:-1]]
        line = shlex.quote(pieces[-1])
    return "\n".join(lines + [line])


def _cut(word: str, first: int, rest: int) -> list[str]:
    """`word` in pieces whose quoted forms fit `first` columns, then `rest` columns each."""
    pieces, piece, room = [], "", max(first, 3)
    for ch in word:
        if piece and len(shlex.quote(piece + ch)) > room:
            pieces.append(piece)
            piece, room = "", rest
        piece += ch
    return pieces + [piece]


def no_violation(label: str, procs: int, shrinkers: int, folios: int, properties: tuple[str, ...],
                 distinct: int, generated: int, depth: int | None, elapsed: float,
                 version: str | None) -> tuple[str, str]:
    """(headline, what was checked): the two sentences every clean verdict says."""
    title = (f"dsqspec: {label}, {procs} CPUs ({_count(shrinkers, 'shrinker')}), {folios} folios: "
             f"no violation [{version or 'TLC'}]")
    names = list(properties)
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    checked = (f"TLC checked {listed} in every reachable state: {distinct:,} distinct states "
               f"({generated:,} generated), depth {depth}, in {elapsed:.1f}s.")
    return title, checked
