"""CFG -> steps, and each step as Jinja text calling kernel.tla.j2's macros.

One step per shared access, in kernel order.  The local work after an access
(register moves, tests of values the compiler knows, nondeterministic
choices, and PG_partially_mapped accesses under the lock) is folded into that
access's step.  The compiler works out which lock is held where, which
locals are live (a dead register is reset to its calls.def value), which
variables each step changes and every label; nobody writes those by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import values as X
from .calls import table
from .cfg import Access, Assign, Branch, Choice, Exit, ExitPoint, Node, Nop, reachable, successors
from .values import Env, V, resolve, tla

BOUNDARY = {"lock", "unlock", "iter_first", "iter_next", "iter_adv", "list_move", "list_del_init",
            "list_add_tail", "list_add", "list_splice_tail", "list_empty", "try_get", "pm_test", "pm_set",
            "pm_clear", "len_add", "folio_put", "split", "careful_next", "careful_prev",
            "can_split", "ref_freeze", "ref_unfreeze", "split_unfreeze", "call", "free", "remap",
            "folio_unlock", "lru_lock", "lru_retry", "lru_unlock", "nr_add", "lru_walk"}
MACROS = {"list_move", "list_del_init", "list_add_tail", "list_add", "list_splice_tail", "folio_put", "split", "call",
          "free", "lru_walk"}
SHORT = {"iter_first": "first", "iter_next": "look", "iter_adv": "adv", "list_move": "move", "list_del_init": "del",
         "list_add_tail": "add", "list_add": "add", "list_splice_tail": "splice", "list_empty": "empty",
         "try_get": "tryget", "can_split": "cansplit", "ref_freeze": "freeze", "ref_unfreeze": "unfreeze", "split_unfreeze": "unfreeze", "careful_next": "careful", "careful_prev": "careful_prev", "pm_test": "pm", "pm_set": "setpm", "pm_clear": "clrpm", "len_add": "len",
         "lru_lock": "lrulock", "lru_retry": "lrudead", "lru_unlock": "lruunlock", "nr_add": "nr", "lru_walk": "walk",
         "folio_unlock": "funlock"}


def skip(n: Node) -> Node:
    seen = 0
    while isinstance(n, Nop) and getattr(n, "returns", None) is None:
        n = n.succ
        seen += 1
        if seen > 10000:
            raise ValueError("cycle of empty statements")
    return n


# -- lock analysis --------------------------------------------------------------
def check_locks(entry: Node) -> None:
    """Who holds split_queue_lock where; every imbalance is an error at its line."""
    state: dict[int, bool] = {}
    work = [(entry, False)]
    while work:
        n, held = work.pop()
        if id(n) in state:
            if state[id(n)] != held:
                raise n.pos.error("this point is reached with split_queue_lock held on one path and "
                                  "not held on another")
            continue
        state[id(n)] = held
        if isinstance(n, Access):
            if n.kind in ("lock", "lru_lock"):
                if held:
                    raise n.pos.error("spin_lock of split_queue_lock while already holding it (deadlock)")
                held = True
            elif n.kind in ("unlock", "lru_unlock", "lru_retry"):
                if not held:
                    raise n.pos.error("unbalanced unlock: split_queue_lock is not held here")
                held = False
            else:
                n.locked = held
        if isinstance(n, Nop) and n.what == "return" and held:
            raise n.pos.error("return with split_queue_lock held")
        for s in successors(n):
            work.append((s, held))


# -- liveness and dead code -----------------------------------------------------
def _defs_uses(n: Node) -> tuple[set, set]:
    if isinstance(n, Assign):
        return {(n.kind, n.var)}, X.uses(n.value)
    if isinstance(n, Branch):
        return set(), X.uses(n.cond)
    if isinstance(n, Access):
        uses = set()
        for a in n.args:
            if isinstance(a, V):
                uses |= X.uses(a)
        defs = {("tmp", n.result)} if n.result else set()
        if n.kind.startswith("iter_"):
            pos, nx = n.args[0], n.args[1]
            if n.kind == "iter_first":
                defs |= {("reg", pos)}
            elif n.kind == "iter_next":
                uses |= {("reg", pos)}
                defs |= {("reg", nx)}
            else:
                uses |= {("reg", nx)}
                defs |= {("reg", pos), ("reg", nx)}
        return defs, uses
    return set(), set()


def liveness(entry: Node) -> dict[int, set]:
    nodes = reachable(entry)
    live_in: dict[int, set] = {id(n): set() for n in nodes}
    changed = True
    while changed:
        changed = False
        for n in reversed(nodes):
            out = set()
            for s in successors(n):
                out |= live_in.get(id(s), set())
            defs, uses = _defs_uses(n)
            new = uses | (out - defs)
            if new != live_in[id(n)]:
                live_in[id(n)] = new
                changed = True
    return live_in


def _bypass(n: Node, succ: Node) -> None:
    n.__class__ = Nop
    n.succ, n.what, n.returns = succ, "dead", None


def useful(entry: Node) -> set:
    """Variables whose value can reach a test or an access (not only their own updates, as split++)."""
    nodes = reachable(entry)
    out: set = set()
    for n in nodes:
        if isinstance(n, (Branch, Access)):
            out |= _defs_uses(n)[1]
    changed = True
    while changed:
        changed = False
        for n in nodes:
            if isinstance(n, Assign) and (n.kind, n.var) in out:
                new = X.uses(n.value) - out
                if new:
                    out |= new
                    changed = True
    return out


def simplify(entry: Node) -> None:
    """Drop dead assignments, loads nothing uses, and branches whose arms meet at once."""
    while True:
        live = liveness(entry)
        keep = useful(entry)
        changed = False
        for n in reachable(entry):
            if isinstance(n, Assign) and (n.kind, n.var) not in keep:
                _bypass(n, n.succ)
                changed = True
                continue
            outs = successors(n)
            live_out = set().union(*(live.get(id(s), set()) for s in outs)) if outs else set()
            if isinstance(n, Assign) and (n.kind, n.var) not in live_out:
                _bypass(n, n.succ)
                changed = True
            elif (isinstance(n, Access) and n.kind in ("list_empty", "pm_test", "careful_next", "careful_prev")
                  and ("tmp", n.result) not in live_out):
                _bypass(n, n.succs[0])
                changed = True
            elif isinstance(n, (Branch, Choice)):
                targets = {id(skip(s)) for s in outs}
                if len(targets) == 1:
                    _bypass(n, outs[0])
                    changed = True
        if not changed:
            return


# -- continuations ----------------------------------------------------------------
@dataclass
class Leaf:
    target: Access | None  # None: the function returns
    env: Env


@dataclass
class If:
    cond: V
    then: object
    other: object


@dataclass
class Pick:
    options: list


class Compiler:
    def __init__(self, entry: Node, fn: str, entry_label: str, exit_label: str, prefix: str,
                 p: str = "s", domain: str = "Shrinkers") -> None:
        self.entry, self.fn, self.p, self.D = entry, fn, p, domain
        self.entry_label, self.exit_label, self.prefix = entry_label, exit_label, prefix
        self.regs = {r.var: r for r in table().registers.values()}
        check_locks(entry)
        simplify(entry)
        self.live = liveness(entry)
        self.labels: dict[int, str] = {}
        self.pred_live: dict[int, set] = {}  # registers live at some step leading here
        self.exit_points = {"ok": ExitPoint("ok"), "fail": ExitPoint("fail")}
        self.ok_extra: tuple[str, list] | None = None
        self.exits: dict = {}
        self.entry_at: list[str] | None = None  # the first step may start at these caller labels
        self.entry_guard: str | None = None  # the caller's enabling condition of the first step
        self.retry = False  # a failed return from the first step is no step: the caller retries
        self.retry_guard: V | None = None
        self.exit_extra: tuple[str, list] | None = None  # the caller's work after the last step
        self._current = None
        self.locals_at: dict[int, dict] = {}
        self.flag_uaf = False  # PG_partially_mapped accesses of a freed folio are faults (emit.py)
        self.ghost = True  # NoLostSplit's ghost `cand` tracked: hand-overs write it (emit.py)

    def is_boundary(self, n: Node) -> bool:
        if isinstance(n, Access) and n.kind in ("warn", "judge"):
            return False  # a fired WARN, a verdict: bookkeeping of the step that tested it
        return isinstance(n, Access) and not (n.kind in ("pm_test", "pm_clear") and n.locked)

    def label(self, n: Access | None) -> str:
        if n is None:
            return self.exit_label
        if isinstance(n, ExitPoint):
            if self.exits.get(n.kind) is None:  # only the first step's failure may be retried
                raise self.entry.pos.error(f"{self.fn}() fails after a step that changed something: "
                                           "the caller cannot retry it")
            return self.exits[n.kind]
        if id(n) not in self.labels:
            base = f"{self.prefix}{n.pos.line}_{SHORT.get(n.kind, n.kind)}".replace("__", "_")
            name, k = base, 1
            while name in self.labels.values():
                k += 1
                name = f"{base}{chr(ord('a') + k - 1)}"
            self.labels[id(n)] = name
        return self.labels[id(n)]

    def run(self, n: Node, env: Env, path: frozenset = frozenset()):
        n = skip(n)
        if id(n) in path:
            raise n.pos.error("a loop with no shared access in it: the model cannot take a step")
        path = path | {id(n)}
        if isinstance(n, Exit):
            return Leaf(None, env)
        if isinstance(n, Nop):  # a called function's valued return
            return Leaf(self.exit_points[n.returns], env)
        if isinstance(n, Access):
            if n.kind == "warn":
                env = env.copy()
                faults = env.shared.get("faults", X.text("faults", "set"))
                env.shared["faults"] = X.text("({0} \\cup WarnFault({1}))", "set", faults, n.args[0])
                return self.run(n.succs[0], env, path)
            if n.kind == "judge":
                env = env.copy()
                cand = env.shared.get("cand", X.text("cand", "fn"))
                env.shared["cand"] = X.text("Judged({0}, {1})", "fn", cand, resolve(n.args[0], env, self.p))
                return self.run(n.succs[0], env, path)
            if not self.is_boundary(n):
                env = env.copy()
                f = resolve(n.args[0], env, self.p)
                pm = env.shared.get("pm", X.text("pm", "fn"))
                if n.kind == "pm_test":
                    env.tmps[n.result] = X.text("{0}[{1}]", "bool", pm, f)
                else:
                    env.shared["pm"] = X.text("[{0} EXCEPT ![{1}] = FALSE]", "fn", pm, f)
                return self.run(n.succs[0], env, path)
            return Leaf(n, env)
        if isinstance(n, Assign):
            env = env.copy()
            value = resolve(n.value, env, self.p)
            {"reg": env.regs, "tmp": env.tmps, "local": env.locals}[n.kind][n.var] = value
            return self.run(n.succ, env, path)
        if isinstance(n, Branch):
            c = resolve(n.cond, env, self.p)
            if X.is_const(c):
                return self.run(n.then if c.args[0] else n.other, env, path)
            return If(c, self.run(n.then, env, path), self.run(n.other, env, path))
        if isinstance(n, Choice):
            return Pick([self.run(s, env, path) for s in n.succs])
        raise n.pos.error(f"internal: cannot run {type(n).__name__}")

    def leaves(self, tree) -> list[Leaf]:
        if isinstance(tree, Leaf):
            return [tree]
        if isinstance(tree, If):
            return self.leaves(tree.then) + self.leaves(tree.other)
        return [l for o in tree.options for l in self.leaves(o)]

    def reg_value(self, var: str, leaf: Leaf, start_live: set, resets: bool = True) -> V | None:
        """What `var` is set to on this leaf, or None if it keeps its value."""
        target_live = self.live.get(id(leaf.target), set()) if isinstance(leaf.target, Access) else set()
        own = X.text(f"{var}[{self.p}]")
        if resets and ("reg", var) not in target_live and (var in leaf.env.regs or ("reg", var) in start_live
                                                            or ("reg", var) in self.pred_live.get(id(self._current), set())):
            reset = self.regs[var].reset
            return X.const(reset, "int") if reset.lstrip("-").isdigit() is False else X.const(int(reset))
        value = leaf.env.regs.get(var)
        if value is None or tla(value) == tla(own):
            return None
        return value

    def arrive(self, leaf: Leaf) -> None:
        """Record the compile-time locals a step is reached with; they must agree on every path."""
        if not isinstance(leaf.target, Access):
            return
        live = {v for k, v in self.live.get(id(leaf.target), set()) if k == "local"}
        known = {}
        for name in sorted(live):
            value = leaf.env.locals.get(name)
            if value is None or not X.is_const(value):
                raise leaf.target.pos.error(f"local {name!r} is live here with a value the compiler cannot "
                                            "follow; the model has no register for it")
            known[name] = value
        before = self.locals_at.setdefault(id(leaf.target), known)
        if before != known:
            name = next(k for k in known if known[k] != before.get(k))
            raise leaf.target.pos.error(f"local {name!r} reaches this point with different values "
                                        f"({tla(before[name])}, {tla(known[name])}); the model has no register for it")
