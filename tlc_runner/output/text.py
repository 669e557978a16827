"""The terminal view: a table of the steps that matter (tabulate)."""

from __future__ import annotations

from tabulate import tabulate

from ..timeline import Timeline
from .selection import select_rows
from .summary import headline


def render_text(timeline: Timeline, context: dict, full: bool = False) -> str:
    rows = select_rows(timeline, full)
    table = [[r.step, r.cpu, r.text + ("   <-- " + ", ".join(r.breaks) + " broken" if r.breaks else "")]
             for r in rows]
    body = tabulate(table, headers=["step", "cpu", "what happened"], tablefmt="simple")
    lines = [headline(timeline, context), "", body, "",
             "before: " + "; ".join(timeline.initial_lists),
             "after:  " + "; ".join(timeline.final_lists)]
    return "\n".join(lines) + "\n"
