"""A counterexample as markdown for a mailing-list reply.

The race is drawn the way lockdep's "Possible unsafe locking scenario" and
kernel commit messages draw one: a column per CPU, time going down, inside a
fenced block.  A line naming the kernel function (`folio_put():`) opens each
run of steps a CPU makes in one function, so every step reads as "this
function did this".  The step that first broke a property is marked `<==`
with the fault that breaks it.  Every line of the reply, prose and diagram,
fits in 72 columns (the mailing-list convention is 72..80): with two CPU
columns a cell is 35 wide, with three 22, and longer steps wrap inside their
column.  Prose never holds a bare `<`: CommonMark would read it as HTML.
Rows follow selection.py's rule.
"""

from __future__ import annotations

import textwrap

from ..timeline import Timeline
from .selection import Row, columns, select_rows
from .summary import headline, reproduce

WIDTH = 72
GAP = 2


def _wrap(text: str, width: int, indent: int = 0, more: int = 2) -> list[str]:
    """`text` wrapped to `width`, its first line indented by `indent`, the rest by `indent + more`."""
    return textwrap.wrap(text, width=width, initial_indent=" " * indent,
                         subsequent_indent=" " * (indent + more), break_on_hyphens=False,
                         break_long_words=True) or [""]


def cell_width(ncols: int) -> int:
    """A CPU column's width: 35 for two CPUs, 22 for three, 16 for four (all within WIDTH)."""
    return max(16, (WIDTH - GAP * (ncols - 1)) // max(1, ncols))


def _marker(row: Row) -> str:
    """`<== ListIntegrity: freed while linked: F1->prev is still Q` (no reason the text already says)."""
    marker = "<== " + ", ".join(row.breaks)
    if row.reason and row.reason not in row.text:
        marker += ": " + row.reason
    return marker


def _cell_lines(row: Row, width: int) -> list[str]:
    """A step's lines in its column, indented under its function, then the `<==` marker."""
    text = row.text.strip()
    indent = 2 + (len(row.text) - len(row.text.lstrip()))
    lines = _wrap(text, width, indent)
    if row.breaks:
        lines += _wrap(_marker(row), width, indent)
    return lines


def diagram(timeline: Timeline, full: bool = False) -> list[str]:
    """The fenced race diagram: CPU columns, a `function():` line when a CPU's function changes."""
    rows = select_rows(timeline, full)
    cpus = columns(timeline, rows)
    width = cell_width(len(cpus))

    def line(col: int, text: str) -> str:
        return (" " * ((width + GAP) * col) + text).rstrip()

    def across(cells: list[str]) -> str:
        return (" " * GAP).join(c[:width].ljust(width) for c in cells).rstrip()

    out = [across(cpus), across([timeline.cpus.get(c, "") for c in cpus]), across(["----"] * len(cpus))]
    current: dict[str, str] = {}
    for row in rows:
        if row.cpu not in cpus:
            continue
        col = cpus.index(row.cpu)
        if row.fn and current.get(row.cpu) != row.fn:
            current[row.cpu] = row.fn
            out += [line(col, piece) for piece in _wrap(f"{row.fn}():", width)]
        out += [line(col, piece) for piece in _cell_lines(row, width)]
    banner = timeline.property or timeline.violation_kind.upper()
    out += ["", f"*** {banner} VIOLATED ***" if timeline.property else f"*** {banner} ***"]
    return out


def _legend(timeline: Timeline) -> str:
    """Who runs where and what the node names mean, in words (no `L<n>` pattern)."""
    facts = timeline.facts
    runs = [f"{cpu} " + what.replace("deferred_split_scan", "`deferred_split_scan()`")
            .replace(" owner", "'s owner paths") for cpu, what in sorted(timeline.cpus.items())]
    if runs:
        runs[0] = runs[0].replace(" ", " runs ", 1)  # "CPU0 runs A, CPU1 B"
    text = ", ".join(runs) + f". Folios {', '.join(facts.folios)}; Q is `ds_queue->split_queue`"
    if facts.list_lru:  # the sublists of the memcg chain, and the shrinker's `dispose`
        subs = [f"{h} memcg M{1 if h == 'Q' else h[1:]}'s" for h in facts.sublists]
        text = (", ".join(runs) + f". Folios {', '.join(facts.folios)}; " + ", ".join(subs)
                + " `deferred_split_lru` sublist (M1 the root, each the parent of the next)")
    if any(f.startswith("G") for f in facts.folios):
        text += "; G<i> is the folio migration allocates to take F<i>'s place"
    if facts.local_list:
        name = "dispose" if facts.list_lru else "list"
        heads = [f"{facts.local_head(s)} is CPU{i}'s on-stack `LIST_HEAD({name})`"
                 for i, s in enumerate(facts.shrinkers)]
        text += "; " + ", ".join(heads)
    return text + "."


def render_markdown(timeline: Timeline, context: dict, full: bool = False) -> str:
    title = _wrap(headline(timeline, context), WIDTH - 4, more=0)
    title[0], title[-1] = "**" + title[0], title[-1] + "**"
    parts = [*title, ""]
    if timeline.first_break is not None:
        marked = next(e for e in timeline.events if e.step == timeline.first_break)
        why = f": {marked.reason}" + ("" if marked.reason.endswith((".", ")")) else ".") if marked.reason else "."
        parts += [*_wrap(f"The step marked `<==` is the first to break "
                         f"{', '.join(timeline.first_break_properties)}{why}", WIDTH, more=0), ""]
    parts += ["```", *diagram(timeline, full), "```", "",
              "Lists before and after:", "", "```",
              *[piece for shape in timeline.initial_lists for piece in _wrap(f"before  {shape}", WIDTH, more=8)],
              *[piece for shape in timeline.final_lists for piece in _wrap(f"after   {shape}", WIDTH, more=8)],
              "```", "",
              *_wrap(_legend(timeline), WIDTH, more=0),
              "", "Reproduce with:", "", "```", reproduce(context, WIDTH), "```", ""]
    return "\n".join(parts)


def render_no_violation_markdown(title: str, checked: str, command: list[str]) -> str:
    """The clean verdict as a reply: what was checked, how many states, how to reproduce."""
    head = _wrap(title, WIDTH - 4, more=0)
    head[0], head[-1] = "**" + head[0], head[-1] + "**"
    return "\n".join([*head, "", *_wrap(checked, WIDTH, more=0), "", "Reproduce with:", "", "```",
                      reproduce({"command": command}, WIDTH), "```", ""])
