"""The one-line summary every output format starts with."""

from __future__ import annotations

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
            f"({_count(len(facts.shrinkers), 'shrinker')}), {len(facts.folios)} folios: {what} "
            f"[{context.get('tlc_version') or 'TLC'}]")


def reproduce(context: dict, width: int | None = None) -> str:
    """The command that reproduces a run; with `width`, wrapped shell-style with backslashes."""
    words = context.get("command", ["dsqspec", "check"])
    if width is None:
        return " ".join(words)
    lines, line = [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width - 2:
            lines.append(line + " \\")
            line = "    " + word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join(lines + [line])


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
