"""A counterexample as markdown for a mailing-list reply.

The race is drawn the way lockdep's "Possible unsafe locking scenario" and
kernel commit messages draw one: a column per CPU, time going down, inside a
fenced block no wider than 80 columns.  Rows follow selection.py's rule.
"""

from __future__ import annotations

import textwrap

from ..timeline import Timeline
from .selection import columns, select_rows
from .summary import headline, reproduce

WIDTH = 80


def _cells(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, subsequent_indent="  ", break_on_hyphens=False) or [""]


def diagram(timeline: Timeline, full: bool = False) -> list[str]:
    rows = select_rows(timeline, full)
    cpus = columns(timeline, rows)
    width = max(16, (WIDTH - 2 * (len(cpus) - 1)) // max(1, len(cpus)))
    pad = lambda text: text.ljust(width)
    out = ["  ".join(pad(c) for c in cpus).rstrip(),
           "  ".join(pad(timeline.cpus.get(c, "")[:width]) for c in cpus).rstrip(),
           "  ".join(pad("----") for _ in cpus).rstrip()]
    for row in rows:
        if row.cpu not in cpus:
            continue
        text = row.text + ("  <== " + ", ".join(row.breaks) if row.breaks else "")
        col = cpus.index(row.cpu)
        for piece in _cells(text, width):
            out.append((" " * ((width + 2) * col) + piece).rstrip())
    banner = timeline.property or timeline.violation_kind.upper()
    out += ["", f"*** {banner} VIOLATED ***" if timeline.property else f"*** {banner} ***"]
    return [line[:WIDTH] for line in out]


def render_markdown(timeline: Timeline, context: dict, full: bool = False) -> str:
    facts = timeline.facts
    parts = [f"**{headline(timeline, context)}**", ""]
    if timeline.first_break is not None:
        parts += [f"The first step that breaks {', '.join(timeline.first_break_properties)} is step "
                  f"{timeline.first_break} (marked `<==`).", ""]
    parts += ["```", *diagram(timeline, full), "```", "",
              "Lists before and after:", "", "```",
              *[f"before  {shape}" for shape in timeline.initial_lists],
              *[f"after   {shape}" for shape in timeline.final_lists],
              "```", "",
              f"CPUs: {', '.join(f'{c} {what}' for c, what in sorted(timeline.cpus.items()))}; "
              f"folios {' '.join(facts.folios)}; Q is ds_queue->split_queue, L<n> a shrinker's on-stack list.",
              "", "Reproduce with:", "", "```", reproduce(context, WIDTH), "```", ""]
    return "\n".join(parts)
