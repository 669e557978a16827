"""A counterexample as a folio/list event timeline: one event per TLC step.

Each event says which CPU ran which kernel function, the memory effect of the
step (`list_del_init(F3): store F1->next = L1`), the refcount, flag and lock
changes, the shape of the queue and of every on-stack list after it, and
whether it is the step that first broke a property, and why (the fault).  CPUs: shrinkers are
CPU0..; an owner path takes the lowest free third-party CPU when it starts
and gives it back when it ends (the model bounds how many run at once).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .fault_reason import fault_text, list_add_report, quiet_point_text
from .model_state import (LIST_FAULTS, idle_labels, REFCOUNT_FAULTS, UAF_FAULTS, ModelFacts, list_heads, list_shape,
                          violated)
from .trace_parse import ErrorTrace, TlaRecord, TraceState, format_value
from .warn_faults import is_warn_fault

FIELD_NAMES = {"nxt": "next", "prv": "prev", "next+prev": "next, prev"}
# the idle labels of every kind of model: a run kept before run.json listed them has no facts
IDLE_OWNER = set(idle_labels(dst=True, list_lru=True))
TRACKED = ("ref", "st", "pm")
UNQUEUE_WRAPPERS = {"folio_unqueue_deferred_split", "folio_undo_large_rmappable"}  # v6.12, v6.11
PROPERTY_FAULTS = {"ListIntegrity": LIST_FAULTS, "NoUseAfterFree": UAF_FAULTS, "RefcountSane": REFCOUNT_FAULTS}


@dataclass
class Change:
    what: str  # "ref[F1]", "lock", "len", "F2->next", "faults"
    old: str
    new: str


@dataclass
class Event:
    step: int
    proc: str  # "S1" (a shrinker) or "F2" (F2's owner path)
    cpu: str  # "CPU0", ...
    fn: str
    prim: str
    op: str
    effect: str
    obj: str = ""  # the node (or "len") the step reads or writes
    failed: bool = False  # a CONFIG_DEBUG_LIST check that failed
    changes: list[Change] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # properties first broken here
    reason: str = ""  # why this step broke them: the fault, the DEBUG_LIST message, the bad link
    freed: list[str] = field(default_factory=list)
    action: str = ""

    @property
    def is_store(self) -> bool:
        return self.op in {"store", "lock", "unlock", "put", "try_get", "freeze", "unfreeze", "free"}


@dataclass
class Timeline:
    facts: ModelFacts
    violation_kind: str
    property: str | None  # TLC's own verdict
    events: list[Event]
    initial_lists: list[str]
    final_lists: list[str]
    cpus: dict[str, str]  # cpu -> what runs there ("deferred_split_scan", "F2 owner")
    first_break: int | None  # step of the first event that broke a property (Python's view)
    first_break_properties: list[str]


def _s(value) -> str:
    return format_value(value).strip('"') if not isinstance(value, str) else str(value)


def _as_dict(value) -> dict:
    return value.as_dict() if isinstance(value, TlaRecord) else {}


def describe(evt: dict) -> str:
    """The memory effect of one step, as a kernel developer would write it."""
    op, obj, fld, val = evt["op"], _s(evt["obj"]), _s(evt["fld"]), _s(evt["val"])
    fld = FIELD_NAMES.get(fld, fld)
    prim = evt["prim"]
    if op == "store":
        if prim == "remove_migration_ptes":  # migration's dst is mapped again: visible to all
            return f"remove_migration_ptes(): {obj} mapped, ref -> {val}"
        if prim == "folio_unlock":
            return f"folio_unlock({obj})"
        if obj == "len":
            return f"split_queue_len = {val}"
        if fld == "pm":
            return f"{'set' if val == 'TRUE' else 'clear'} PG_partially_mapped({obj})"
        return f"{obj}->{fld} = {val}"
    if op == "load":
        if obj == "len":
            return f"load split_queue_len ({val})"
        if prim == "list_empty":
            return f"list_empty({obj}): {obj}->next = {val}"
        if fld == "pm":
            return f"folio_test_partially_mapped({obj}) = {val}"
        if fld == "ref":
            return f"{prim}({obj}): ref {val}"
        return f"load {obj}->{fld} ({val})"
    if op == "check":
        return f"{fld}({obj}): {'ok' if val == 'TRUE' else 'FAILED'}"
    if op == "lock" and fld == "nr_items":  # a list_lru sublist (list_lru.tla.j2)
        return f"spin_lock({obj}->lock): nr_items {val}"
    if op == "unlock" and fld == "lock":
        return f"spin_unlock({obj}->lock)"
    if op == "lock":
        return "spin_lock(split_queue_lock)"
    if op == "unlock":
        return "spin_unlock(split_queue_lock)"
    if op == "put":
        return f"folio_put({obj}): ref -> {val}"
    if op == "try_get":
        return f"folio_try_get({obj}): " + ("fails, ref 0" if val == "0" else f"ref {val} -> {int(val) + 1}")
    if op == "freeze":
        return f"folio_ref_freeze({obj}, {val})"
    if op == "unfreeze":
        return f"folio_ref_unfreeze({obj}, {val})"
    if op == "free":  # free_tail_page_prepare(): bad_page() unless the list_head is empty
        return f"{obj}->next = {obj}: {obj} freed" if val == obj else f"{obj}->next = {val}: bad_page(), freed"
    if prim.startswith("swap("):
        return f"swap(folio, prev): prev = {obj}, folio = {'NULL' if val == '-' else val}"
    if op == "primitive":
        return f"{prim}({obj}{', ' + val if val not in ('-', '') else ''})"
    return f"{prim} {obj}"


def corruption_report(evt: dict, before: dict, load: dict | None = None) -> str | None:
    """The message lib/list_debug.c prints for a failed check, from the state it saw
    (`load`: the proc's last load, the neighbour a list_add checks against)."""
    if evt["op"] != "check" or _s(evt["val"]) != "FALSE":
        return None
    nxt, prv = before["nxt"].as_dict(), before["prv"].as_dict()
    entry = _s(evt["obj"])
    if evt["fld"] == "__list_del_entry_valid":
        p, n = prv[entry], nxt[entry]
        if nxt[p] != entry:
            return f"list_del corruption. prev->next should be {entry}, but was {nxt[p]}. (prev={p})"
        return f"list_del corruption. next->prev should be {entry}, but was {prv[n]}. (next={n})"
    return list_add_report(entry, load, before)


def break_reason(broken: list[str], evt: dict, before: dict, after: dict, facts: ModelFacts,
                 report: str | None) -> str:
    """Why this step broke each property in `broken`: its new faults, else the bad state."""
    added = sorted({str(f).strip('"') for f in after["faults"].items}
                   - {str(f).strip('"') for f in before["faults"].items})
    reasons: list[str] = []
    for prop in broken:
        mine = [f for f in added if f in PROPERTY_FAULTS.get(prop, set())
                or prop == "NoWarn" and is_warn_fault(f)]
        if mine:
            reasons += [report if report and f in LIST_FAULTS else fault_text(f, evt, before, after)
                        for f in mine]
        else:
            reasons.append(quiet_point_text(prop, after, facts))
    return "; ".join(dict.fromkeys(reasons))


def kernel_function(evt: dict, before: dict) -> str:
    """The function a step runs in.  The spec names the whole unqueue after its inline
    wrapper; in the kernel only the lockless list_empty() peek is in the wrapper
    (mm/internal.h), and the locked part is the out-of-line __ function."""
    fn = _s(evt.get("fn", ""))
    if fn in UNQUEUE_WRAPPERS and not (evt.get("prim") == "list_empty" and _s(before.get("lock", "-")) != _s(evt.get("p"))):
        return "__" + fn
    return fn


def _diff(before: dict, after: dict) -> list[Change]:
    changes: list[Change] = []
    for name in ("nxt", "prv"):
        old, new = before[name].as_dict(), after[name].as_dict()
        for node in new:
            if old.get(node) != new[node]:
                changes.append(Change(f"{node}->{FIELD_NAMES[name]}", _s(old.get(node)), _s(new[node])))
    for name in (n for n in TRACKED if n in after):  # absent: a constant of this model
        old, new = before[name].as_dict(), after[name].as_dict()
        for key in new:
            if old.get(key) != new[key]:
                changes.append(Change(f"{name}[{key}]", _s(old.get(key)), _s(new[key])))
    for name in (n for n in ("lock", "len") if n in after):
        if before[name] != after[name]:
            changes.append(Change(name, _s(before[name]), _s(after[name])))
    added = {str(f) for f in after["faults"].items} - {str(f) for f in before["faults"].items}
    for fault in sorted(added):
        changes.append(Change("fault", "", fault))
    return changes


def _shapes(state: dict, facts: ModelFacts) -> list[str]:
    return [list_shape(state, h, facts) for h in list_heads(state, facts)]


def build_timeline(trace: ErrorTrace, facts: ModelFacts) -> Timeline:
    states: list[TraceState] = [s for s in trace.states if s.variables]
    if not states:
        return Timeline(facts, trace.violation.kind, trace.violation.name, [], [], [], {}, None, [])
    third_party = [f"CPU{i}" for i in range(len(facts.shrinkers), _procs_hint(facts, states))]
    cpu_of: dict[str, str] = {s: f"CPU{i}" for i, s in enumerate(facts.shrinkers)}
    cpus = {cpu: "deferred_split_scan" for cpu in cpu_of.values()}
    busy: dict[str, str] = {}
    events: list[Event] = []
    already_broken = set(violated(states[0].variables, facts))
    first_break, first_props = None, []
    last_load: dict[str, dict] = {}
    for before, after in zip(states, states[1:]):
        evt = _as_dict(after.variables["evt"])
        proc = _s(evt.get("p", "-"))
        report = corruption_report(evt, before.variables, last_load.get(proc))
        if evt.get("op") == "load":
            last_load[proc] = evt
        cpu = _assign_cpu(proc, cpu_of, busy, third_party, cpus)
        pc_after = _s(after.variables["pc"].as_dict().get(proc, ""))
        if proc not in facts.shrinkers and pc_after in IDLE_OWNER:
            busy.pop(proc, None)
        broken_now = [p for p in violated(after.variables, facts) if p not in already_broken]
        already_broken |= set(broken_now)
        if broken_now and first_break is None:
            first_break, first_props = after.index, broken_now
        st_before, st_after = before.variables["st"].as_dict(), after.variables["st"].as_dict()
        events.append(Event(
            step=after.index, proc=proc, cpu=cpu, fn=kernel_function(evt, before.variables),
            prim=_s(evt.get("prim", "")),
            op=_s(evt.get("op", "")),
            effect=report or describe(evt), obj=_s(evt.get("obj", "")),
            failed=evt.get("op") == "check" and _s(evt.get("val")) == "FALSE",
            changes=_diff(before.variables, after.variables), lists=_shapes(after.variables, facts),
            broken=broken_now, action=after.action,
            reason=break_reason(broken_now, evt, before.variables, after.variables, facts, report)
            if broken_now else "",
            freed=[f for f in st_after if st_after[f] == "freed" and st_before[f] != "freed"],
        ))
    return Timeline(facts, trace.violation.kind, trace.violation.name, events,
                    _shapes(states[0].variables, facts), _shapes(states[-1].variables, facts),
                    cpus, first_break, first_props)


def _procs_hint(facts: ModelFacts, states: list[TraceState]) -> int:
    running = 0
    for state in states:
        pcs = state.variables["pc"].as_dict()
        owners = (*facts.folios, *facts.offliners)
        running = max(running, sum(1 for f in owners if _s(pcs[f]) not in IDLE_OWNER))
    return len(facts.shrinkers) + max(running, 1)


def _assign_cpu(proc: str, cpu_of: dict, busy: dict, third_party: list, cpus: dict) -> str:
    if proc in cpu_of:
        return cpu_of[proc]
    if proc in busy:
        return busy[proc]
    taken = set(busy.values())
    cpu = next((c for c in third_party if c not in taken), third_party[-1] if third_party else "CPU?")
    busy[proc] = cpu
    who = "memcg offline" if proc == "R" else f"{proc} owner"
    cpus.setdefault(cpu, who)
    if who not in cpus[cpu]:
        cpus[cpu] += f", {who}"
    return cpu
