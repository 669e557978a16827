"""The terminal view: a table of the steps that matter (tabulate)."""

from __future__ import annotations

from tabulate import tabulate

from ..timeline import Timeline
from .selection import Row, select_rows
from .summary import headline


def _what(row: Row) -> str:
    if not row.breaks:
        return row.text
    marker = f"   <-- {', '.join(row.breaks)} broken"
    return row.text + marker + (f": {row.reason}" if row.reason and row.reason not in row.text else "")


def render_text(timeline: Timeline, context: dict, full: bool = False) -> str:
    rows = select_rows(timeline, full)
    table = [[r.step, r.cpu, r.fn, _what(r)] for r in rows]
    body = tabulate(table, headers=["step", "cpu", "function", "what happened"], tablefmt="simple")
    lines = [headline(timeline, context), "", body, "",
             "before: " + "; ".join(timeline.initial_lists),
             "after:  " + "; ".join(timeline.final_lists)]
    return "\n".join(lines) + "\n"
