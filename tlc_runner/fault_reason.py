"""Why a step broke a property, in the words a kernel developer would use.

TLC only says that an invariant is false.  The reply has to say what went
wrong at the marked step: the fault the model recorded there ("freed while
linked: F1->prev is still Q"), the message CONFIG_DEBUG_LIST would print, or,
for a property that is judged at quiet points, the list link or count that is
wrong.  Everything is read from the parsed states before and after the step.
"""

from __future__ import annotations

from .model_state import QUEUE, ModelFacts, constant_or, in_use, list_heads, lost_splits, walk
from .warn_faults import warn_text

FIELD = {"nxt": "next", "prv": "prev"}


def _s(value) -> str:
    return str(value).strip('"')


def _fn(state: dict, name: str) -> dict:
    return {str(k): _s(v) for k, v in state[name].as_dict().items()}


def list_add_report(entry: str, load: dict | None, before: dict) -> str:
    """lib/list_debug.c's message for a failed __list_add_valid(), from the neighbour the
    primitive loaded just before its check (list_add: head->next; list_add_tail: head->prev)."""
    if not load:
        return f"list_add corruption while adding {entry}"
    head, loaded = _s(load["obj"]), _s(load["val"])
    prev, nxt = (loaded, head) if _s(load["fld"]) == "prv" else (head, loaded)
    nxts, prvs = _fn(before, "nxt"), _fn(before, "prv")
    if prvs[nxt] != prev:
        return f"list_add corruption. next->prev should be prev ({prev}), but was {prvs[nxt]}. (next={nxt})"
    if nxts[prev] != nxt:
        return f"list_add corruption. prev->next should be next ({nxt}), but was {nxts[prev]}. (prev={prev})"
    return f"list_add double add: new={entry}, prev={prev}, next={nxt}"


def fault_text(fault: str, evt: dict, before: dict, after: dict) -> str:
    """One recorded fault with the pointer or folio it is about."""
    obj, fld, val = _s(evt.get("obj", "")), _s(evt.get("fld", "")), _s(evt.get("val", ""))
    nxt, prv = _fn(after, "nxt"), _fn(after, "prv")
    if fault == "freed while linked":
        still = [f"{obj}->{name} is still {link}" for name, link in (("next", nxt[obj]), ("prev", prv[obj]))
                 if link != obj]
        return f"freed while linked: {', '.join(still)}"
    if fault == "bad page: on deferred list":
        return f"bad_page(): {obj} freed on deferred list ({obj}->next = {nxt[obj]})"
    if fault in ("store to freed folio", "store to split folio"):
        return f"{fault} {obj}: {obj}->{FIELD.get(fld, fld)} = {val}"
    if fault == "link to freed folio":
        return f"link to freed folio {val}: {obj}->{FIELD.get(fld, fld)} = {val}"
    if fault == "store to dead stack frame":
        return f"store to dead stack frame: {obj}->{FIELD.get(fld, fld)} after deferred_split_scan() returned"
    if fault in ("folio_put on zero refcount", "folio_put of freed folio"):
        return f"{fault} {obj}"
    return warn_text(fault)


def quiet_point_text(prop: str, state: dict, facts: ModelFacts) -> str:
    """What is wrong in a state that breaks a property without a recorded fault."""
    nxt, prv, st = _fn(state, "nxt"), _fn(state, "prv"), _fn(state, "st")
    heads = list_heads(state, facts)
    if prop == "ListIntegrity":
        for head in heads:
            members = walk(state, head, facts)
            if "?" in members:
                return f"{head} does not lead back to {head}: {' '.join([head] + members)}"
            for node in [head] + members:
                if prv[nxt[node]] != node:
                    return f"the list at {head} is broken: {nxt[node]}->prev = {prv[nxt[node]]}, not {node}"
            for m in members:
                if st[m] != "large":
                    return f"{m} is {st[m]} but still on {head}"
        listed = {m for h in heads for m in walk(state, h, facts)}
        for f in facts.folios:
            if st[f] == "large" and f not in listed and (nxt[f] != f or prv[f] != f):
                return f"{f} is on no list but not self-linked ({f}->next = {nxt[f]}, {f}->prev = {prv[f]})"
    if prop == "NoUseAfterFree":
        freed = {f for f in facts.folios if st[f] == "freed"}
        for node in heads + [f for f in facts.folios if st[f] == "large"]:
            for name, links in (("next", nxt), ("prev", prv)):
                if links[node] in freed:
                    return f"{node}->{name} = {links[node]}, a freed folio"
    if prop == "LenAccurate" and "nritems" in state:
        counts = state["nritems"].as_dict()
        for h in facts.sublists:
            members = [m for m in walk(state, h, facts) if m != "?"]
            return f"{h}->nr_items = {_s(counts[h])}, but {len(members)} on {h}"
    if prop == "LenAccurate":
        walks = {QUEUE: walk(state, QUEUE, facts)} | {
            facts.local_head(s): walk(state, facts.local_head(s), facts) for s in facts.shrinkers
            if facts.local_list and in_use(state, s, facts)}
        open_heads = [h for h, members in walks.items() if "?" in members]
        if open_heads:
            return f"split_queue_len = {_s(state['len'])}, and {open_heads[0]} does not lead back to itself"
        on_lists = sum(len(members) for members in walks.values())
        removed = sum(constant_or(state, "removed", {}).values()) if facts.local_list else 0
        counted = f"{on_lists} on the lists" + (f" + {removed} removed" if removed else "")
        return f"split_queue_len = {_s(state['len'])}, but {counted}"
    if prop == "NoLostSplit":
        lost = lost_splits(state, facts)
        if lost:
            f = lost[0]
            why = ("partially mapped" if facts.has_pm and constant_or(state, "pm", {}).get(f) is True
                   else "an underused candidate not yet judged" if facts.has_pm
                   else "queued by a partial unmap")
            return f"{f} is {why}, but on no list and in nobody's hands: its deferred split is lost"
    return f"{prop} is false in this state"
