"""The model's properties re-evaluated in Python on a parsed trace state.

TLC says *that* an invariant broke and prints the state; the timeline also
needs *which step* first broke *which* property, and the shape of every list
after each step.  These functions mirror the TLA+ definitions in
specs/DeferredSplit.tla.j2 (Walk, WellFormed, Quiet, ...); tests compare
their verdict with TLC's own on the same real runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from .warn_faults import is_warn_fault

LIST_FAULTS = {"list_del corruption", "list_add corruption"}
UAF_FAULTS = {"store to freed folio", "store to split folio", "link to freed folio",
              "store to dead stack frame", "bad page: on deferred list", "freed while linked",
              "flag access to freed folio"}
REFCOUNT_FAULTS = {"folio_put on zero refcount", "folio_put of freed folio"}
QUEUE = "Q"
LONG_MIN = -1000  # the model's LONG_MIN: nr_items of a dead sublist (list_lru.tla.j2)
# An owner at one of these labels is between paths (no CPU, nothing in its hands); the
# template's OwnerIdle and the timeline's idle owners both come from idle_labels().
OWNER_IDLE = ("o_start", "o_unmapped", "o_swapcache", "o_done")
DESTINATION_IDLE = ("o_new",)  # a migration's destination, not yet mapped
OFFLINER_IDLE = ("rp_idle", "rp_done")  # the memcg offline (list_lru), between memcgs


def idle_labels(dst: bool, list_lru: bool) -> list[str]:
    """The pcs of an owner path, or of the memcg offline, that runs on no CPU."""
    return list(OWNER_IDLE) + (list(DESTINATION_IDLE) if dst else []) + (list(OFFLINER_IDLE) if list_lru else [])


@dataclass(frozen=True)
class ModelFacts:
    folios: tuple[str, ...]
    shrinkers: tuple[str, ...]
    mid_labels: frozenset[str]
    post_labels: frozenset[str]
    local_list: bool
    properties: tuple[str, ...]
    sublists: tuple[str, ...] = (QUEUE,)  # list_lru versions: every memcg's sublist head
    list_lru: bool = False  # v7.2's list_lru queue (variants.py)
    has_pm: bool = True
    owner_idle: frozenset[str] = frozenset(OWNER_IDLE)
    offliners: tuple[str, ...] = ()  # the memcg offline's process (actor reparent)
    constants: frozenset[str] = frozenset()  # variables the render lifted (constant_vars.py)

    @classmethod
    def from_dict(cls, data: dict) -> "ModelFacts":
        # has_pm and owner_idle came with NoLostSplit: a run kept before has neither
        return cls(tuple(data["folios"]), tuple(data["shrinkers"]), frozenset(data["mid_labels"]),
                   frozenset(data["post_labels"]), bool(data["local_list"]), tuple(data["properties"]),
                   tuple(data.get("sublists") or (QUEUE,)), bool(data.get("list_lru")),
                   bool(data.get("has_pm", True)), frozenset(data.get("owner_idle", OWNER_IDLE)),
                   tuple(data.get("offliners") or ()), frozenset(data.get("constants") or ()))

    def local_head(self, shrinker: str) -> str:
        return "L" + shrinker[1:]


def walk(state: dict, head: str, facts: ModelFacts) -> list[str]:
    """Folios from head's next back to head; '?' ends a walk that does not close."""
    nxt = state["nxt"].as_dict()
    out: list[str] = []
    node = nxt[head]
    for _ in range(len(facts.folios) + 1):
        if node == head:
            return out
        if node not in facts.folios or len(out) == len(facts.folios):
            return out + ["?"]
        out.append(str(node))
        node = nxt[node]
    return out + ["?"]


def in_use(state: dict, shrinker: str, facts: ModelFacts) -> bool:
    if not facts.local_list:
        return False
    pc = str(state["pc"].as_dict()[shrinker])
    return pc not in facts.post_labels and pc != "sh_done"


def list_heads(state: dict, facts: ModelFacts) -> list[str]:
    return list(facts.sublists) + [facts.local_head(s) for s in facts.shrinkers if in_use(state, s, facts)]


def quiet(state: dict, facts: ModelFacts) -> bool:
    if str(state.get("lock", "-")) != "-":  # absent: list_lru has no split_queue_lock
        return False
    if "lrulock" in state and any(str(v) != "-" for v in state["lrulock"].as_dict().values()):
        return False
    return all(str(pc) not in facts.mid_labels for pc in state["pc"].as_dict().values())


def well_formed(state: dict, head: str, facts: ModelFacts) -> bool:
    members = walk(state, head, facts)
    st = state["st"].as_dict()
    if any(m not in facts.folios or st[m] != "large" for m in members):
        return False
    nxt, prv = state["nxt"].as_dict(), state["prv"].as_dict()
    return all(prv[nxt[node]] == node for node in [head] + members)


def constant_or(state: dict, name: str, default: dict) -> dict:
    """A function-valued variable of the state, or `default` where the rendered model lifted it
    into a constant (constant_vars.py: no step of that version changes it)."""
    return state[name].as_dict() if name in state else default


def lost_splits(state: dict, facts: ModelFacts) -> list[str]:
    """The folios NoLostSplit says were lost: large, pending, on no list, in nobody's hands."""
    st, ref = state["st"].as_dict(), state["ref"].as_dict()
    pm, cand = constant_or(state, "pm", {}), constant_or(state, "cand", {})
    pc = state["pc"].as_dict()
    listed = {m for h in list_heads(state, facts) for m in walk(state, h, facts)}
    held: set[str] = set()
    for s in facts.shrinkers:
        for reg in ("cur", "sprev"):
            if reg in state:
                held.add(str(state[reg].as_dict()[s]))
        if "batch" in state:
            held |= {str(x) for x in state["batch"].as_dict()[s].items}
    if "flock" in state:  # a migration destination, in its migration's hands until folio_unlock()
        held |= {str(f) for f, locked in state["flock"].as_dict().items() if locked is True}
    lost = []
    for f in facts.folios:
        pending = (pm.get(f) is True or cand.get(f) is True) if facts.has_pm else True
        if (st[f] == "large" and pending and f not in listed and f not in held
                and str(pc[f]) in facts.owner_idle and ref[f] != 0):
            lost.append(f)
    return lost


def violated(state: dict, facts: ModelFacts) -> list[str]:
    """The checked properties this state breaks, in the order the model lists them."""
    faults = {str(f) for f in state["faults"].items}
    st = state["st"].as_dict()
    nxt, prv = state["nxt"].as_dict(), state["prv"].as_dict()
    is_quiet = quiet(state, facts)
    heads = list_heads(state, facts)
    broken: list[str] = []
    for prop in facts.properties:
        if prop == "ListIntegrity":
            bad = bool(faults & LIST_FAULTS)
            if is_quiet and not bad:
                listed = {m for h in heads for m in walk(state, h, facts)}
                bad = not all(well_formed(state, h, facts) for h in heads) or any(
                    st[f] == "large" and f not in listed and (nxt[f] != f or prv[f] != f)
                    for f in facts.folios)
            if bad:
                broken.append(prop)
        elif prop == "NoUseAfterFree":
            freed = {f for f in facts.folios if st[f] == "freed"}
            live = set(heads) | {f for f in facts.folios if st[f] == "large"}
            if faults & UAF_FAULTS or any(nxt[n] in freed or prv[n] in freed for n in live):
                broken.append(prop)
        elif prop == "LenAccurate" and is_quiet and "nritems" in state:
            counts = state["nritems"].as_dict()
            if any(counts[h] != (LONG_MIN if counts[h] == LONG_MIN else len(walk(state, h, facts)))
                   or (counts[h] == LONG_MIN and walk(state, h, facts)) for h in facts.sublists):
                broken.append(prop)
        elif prop == "LenAccurate" and is_quiet:
            expected = len(walk(state, QUEUE, facts))
            if facts.local_list:
                removed = constant_or(state, "removed", {s: 0 for s in facts.shrinkers})
                for s in facts.shrinkers:
                    if in_use(state, s, facts):
                        expected += len(walk(state, facts.local_head(s), facts))
                    expected += removed[s]
            if state["len"] != expected:
                broken.append(prop)
        elif prop == "RefcountSane" and faults & REFCOUNT_FAULTS:
            broken.append(prop)
        elif prop == "NoWarn" and any(is_warn_fault(f) for f in faults):
            broken.append(prop)
        elif prop == "NoLostSplit" and is_quiet and lost_splits(state, facts):
            broken.append(prop)
    return broken


def list_shape(state: dict, head: str, facts: ModelFacts) -> str:
    """`Q: F1 F3` -- '?' marks a walk that does not return to the head."""
    members = walk(state, head, facts)
    nxt, prv = state["nxt"].as_dict(), state["prv"].as_dict()
    broken = [f"{nxt[node]}->prev = {prv[nxt[node]]}, not {node}"
              for node in [head] + [m for m in members if m != "?"] if prv[nxt[node]] != node]
    st = state["st"].as_dict()
    shown = [m if m == "?" or st[m] == "large" else f"{m}({st[m]})" for m in members]
    text = f"{head}: " + (" ".join(shown) if shown else "(empty)")
    return text + (f"   [{'; '.join(broken)}]" if broken else "")
