"""Which steps of a timeline matter to the race, shared by the text and markdown views.

The rule (docs/trace-json.md and README repeat it):
* every store, lock/unlock, refcount event (try_get, put, freeze, unfreeze)
  and free is kept, and so is every list_empty() peek, because its value
  decides what the CPU does next; a failed DEBUG_LIST check is kept;
* a list primitive that ran without another CPU stepping in between is shown
  as one line (`list_move(F1, L1)`); one that another CPU interleaved with is
  expanded into its loads and stores, because then the loads matter;
* cursor loads of list_for_each_entry_safe(), flag tests and local register
  work are left out;
* the step that first broke a property is always kept;
* with three or more CPUs, only CPUs that have a kept step get a column.
`--full` keeps every step.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..timeline import Event, Timeline

LIST_PRIMS = {"list_del_init", "list_move", "list_add_tail", "list_splice_tail"}
KEPT_OPS = {"store", "lock", "unlock", "put", "try_get", "freeze", "unfreeze", "free", "primitive"}


@dataclass
class Row:
    cpu: str
    text: str
    step: int
    breaks: list[str]
    fn: str = ""  # the kernel function the step runs in
    reason: str = ""  # why the step broke `breaks` (the fault)


def _instances(events: list[Event]) -> list[list[int]]:
    """Index runs: one proc's consecutive (in its own order) events of one list primitive."""
    groups: list[list[int]] = []
    last: dict[str, tuple[str, str, int]] = {}
    for i, ev in enumerate(events):
        key = (ev.fn, ev.prim)
        prev = last.get(ev.proc)
        if prev and (prev[0], prev[1]) == key and ev.prim in LIST_PRIMS:
            groups[prev[2]].append(i)
        else:
            groups.append([i])
            last[ev.proc] = (ev.fn, ev.prim, len(groups) - 1)
    return groups


def _summary(events: list[Event], idx: list[int]) -> str:
    """`list_move(F1, L1)`: the entry is what the DEBUG_LIST check looked at, the head what
    the first neighbour load read."""
    group = [events[i] for i in idx]
    first = group[0]
    entry = next((e.obj for e in group if e.op == "check"), "")
    loaded = [e.obj for e in group if e.op == "load"]
    if first.prim == "list_splice_tail":
        return f"list_splice_tail({loaded[0] if loaded else '?'}, {loaded[1] if len(loaded) > 1 else '?'})"
    if first.prim in ("list_move", "list_add_tail") and loaded:
        return f"{first.prim}({entry}, {loaded[-1]})"
    return f"{first.prim}({entry})"


def _interleaved(events: list[Event], idx: list[int]) -> bool:
    """Another CPU stepped between the group's first event and the CPU's next one
    (or the end of the trace, if the primitive never finished)."""
    proc = events[idx[0]].proc
    after = next((j for j in range(idx[-1] + 1, len(events)) if events[j].proc == proc), len(events))
    return any(events[j].proc != proc for j in range(idx[0], after))


def select_rows(timeline: Timeline, full: bool = False) -> list[Row]:
    """Rows in time order; an interleaved primitive's steps stay at their own times."""
    events = timeline.events
    keyed: list[tuple[float, Row]] = []
    for idx in _instances(events):
        group = [events[i] for i in idx]
        first = group[0]
        breaks = [p for e in group for p in e.broken]
        interleaved = first.prim in LIST_PRIMS and _interleaved(events, idx)
        if full:
            keyed += [(e.step, _row(e)) for e in group]
        elif first.prim in LIST_PRIMS and not interleaved and not breaks and len(group) > 1:
            failed = [e for e in group if e.failed]
            text = _summary(events, idx) + (" -- " + failed[0].effect if failed else "")
            keyed.append((first.step, Row(first.cpu, text, first.step, [], first.fn)))
        elif first.prim in LIST_PRIMS and len(group) > 1:
            keyed.append((first.step - 0.5, Row(first.cpu, _summary(events, idx) + ":", first.step, [], first.fn)))
            keyed += [(e.step, Row(e.cpu, "  " + e.effect, e.step, e.broken, e.fn, e.reason)) for e in group
                      if e.op != "check" or e.failed or e.broken]
        else:
            keyed += [(e.step, _row(e)) for e in group if _kept(e)]
    return [row for _, row in sorted(keyed, key=lambda item: item[0])]


def _row(event: Event) -> Row:
    """One step on its own line; a list primitive's step says which primitive it is in."""
    if event.prim in LIST_PRIMS:
        text = f"{event.prim}({event.obj}): {event.effect}" if event.op == "check" else f"{event.prim}: {event.effect}"
    else:
        text = event.effect
    return Row(event.cpu, text, event.step, event.broken, event.fn, event.reason)


def _kept(event: Event) -> bool:
    if event.broken or event.freed:
        return True
    if event.prim.startswith("swap("):  # the safe-prev hand-over is the crux of e66f3185fa04
        return True
    if event.op in KEPT_OPS:
        return True
    if event.prim in ("list_empty", "split_queue_len"):  # a peek that decides, a load later stored
        return True
    return event.failed


def columns(timeline: Timeline, rows: list[Row]) -> list[str]:
    used = {r.cpu for r in rows}
    ordered = sorted(timeline.cpus, key=lambda c: int(c[3:]) if c[3:].isdigit() else 99)
    if len(ordered) >= 3:
        ordered = [c for c in ordered if c in used]
    return ordered
