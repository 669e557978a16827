"""Steps -> Jinja text that calls kernel.tla.j2's macros (rendered in the variant's context)."""

from __future__ import annotations

import re

from . import values as X
from .cfg import Access, ExitPoint, reachable
from .parse import SOURCE_LINES
from .steps import MACROS, Compiler, If, Leaf, Pick, skip
from .values import Env, V, tla


def q(s: str) -> str:
    """A Jinja string literal."""
    return repr(s)


class Emitter(Compiler):
    def expected(self, f: str) -> str:
        """The refcount a freeze expects.  A shrinker's split: its pin + the owner's mapping
        reference.  The owner itself (migration): its one reference, the mappings having
        become migration entries."""
        if self.D == "Folios":
            return "1"
        return f"(1 + (IF OwnerMapped({f}) THEN 1 ELSE 0))"

    def qlabel(self, target) -> str:
        """A label as TLA+ text; the exit may be an expression that picks one (a caller's `to`)."""
        name = self.label(target)
        return name if name.startswith("(") else f'"{name}"'

    def outcomes(self, a: Access) -> list[tuple[V | None, Env, object]]:
        """(condition, registers after the access, where it continues) for each outcome."""
        e = Env()
        args = [X.resolve(x, e, self.p) if isinstance(x, V) else x for x in a.args]
        if a.kind == "iter_first":
            pos, _, head = a.args
            h = tla(head)
            empty = X.text(f"nxt[{h}] = {h}", "bool")
            return [(empty, Env(regs={pos: X.const(X.NIL)}), a.succs[0]),
                    (X.not_(empty), Env(regs={pos: X.text(f"nxt[{h}]", "ptr")}), a.succs[1])]
        if a.kind == "iter_next":
            pos, nx, _ = a.args
            return [(None, Env(regs={nx: X.text(f"nxt[{pos}[{self.p}]]", "ptr")}, nonnull=frozenset({f"{pos}[{self.p}]"})),
                     a.succs[0])]
        if a.kind == "iter_adv":
            pos, nx, head = a.args
            h, n = tla(head), f"{nx}[{self.p}]"
            at_head = X.text(f"{n} = {h}", "bool")
            return [(at_head, Env(regs={pos: X.const(X.NIL), nx: X.const(X.NIL)}), a.succs[0]),
                    (X.not_(at_head), Env(regs={pos: X.text(n, "ptr"), nx: X.text(f"nxt[{n}]", "ptr")},
                                          nonnull=frozenset({n})), a.succs[1])]
        env = Env(nonnull=frozenset(tla(x) for x in args if isinstance(x, V) and x.ty == "ptr"))
        if a.kind in ("list_empty", "careful_next"):
            env.tmps[a.result] = X.text(f"nxt[{tla(args[0])}] = {tla(args[0])}", "bool")
        elif a.kind == "careful_prev":
            env.tmps[a.result] = X.text(f"prv[{tla(args[0])}] = {tla(args[0])}", "bool")
        elif a.kind == "try_get":
            env.tmps[a.result] = X.text(f"ref[{tla(args[0])}] > 0", "bool")
        elif a.kind == "pm_test":
            env.tmps[a.result] = X.text(f"pm[{tla(args[0])}]", "bool")
        elif a.kind == "ref_freeze":
            env.tmps[a.result] = X.text(f"ref[{tla(args[0])}] = {self.expected(tla(args[0]))}", "bool")
        elif a.kind == "lru_lock":  # locked; a dead sublist (nr_items == LONG_MIN) goes to the retry
            dead = X.text(f"nritems[LruTry({self.p}, {tla(args[0])})] = LONG_MIN", "bool")
            return [(dead, env.copy(), a.succs[0]), (None, env.copy(), a.succs[1])]
        elif a.kind == "can_split":  # may fail at any count; passes only at the expected one
            fails, passes = env.copy(), env.copy()
            fails.tmps[a.result] = X.const(False)
            passes.tmps[a.result] = X.const(True)
            return [(None, fails, a.succs[0]), (X.text(f"ref[{tla(args[0])}] = {self.expected(tla(args[0]))}", "bool"),
                                                passes, a.succs[0])]
        return [(None, env.copy(), s) for s in a.succs]

    def _fold_entry(self, tree) -> Leaf:
        """Tests before the first access (`if (!folio_test_large_rmappable(folio)) return`) are
        folded into that access's step, which must be a load reached only from the entry."""
        targets = {id(l.target): l.target for l in self.leaves(tree) if isinstance(l.target, Access)}
        if not targets or self._has_pick(tree):
            raise self.entry.pos.error("the function must start with one shared access (after local tests)")
        # the first access in source order is the entry step; where the tests lead past it
        # (`if (folio_order(src) > 1 && ...)` false), that step only moves on
        a = min(targets.values(), key=lambda n: (n.pos.line, n.pos.col))
        leaves = self.leaves(tree)
        # a WARN on the way to the first access is checked in that access's step (its inputs,
        # read before the step, are the step's own); a verdict or a flag write there is not
        if any(l.env.shared and (l.target is not a or set(l.env.shared) - {"faults"}) for l in leaves):
            raise self.entry.pos.error(f"{self.fn}(): a verdict or a PG_partially_mapped write before "
                                       "the function's first shared access is not supported")
        if any(l.env.shared for l in leaves):  # the WARN's condition is in the tests' tree
            self.entry_faults = self._ite(tree, lambda l: l.env.shared.get("faults", X.text("faults")))
        if a.kind in MACROS:
            raise a.pos.error(f"local tests before a first {a.kind}() are not supported")
        self.entry_tree = tree
        self.entry_cond = self._reach(tree, a)
        return next(l for l in self.leaves(tree) if l.target is a)

    def _reach(self, tree, a: Access) -> V:
        """The condition under which the entry's tests lead to access `a`."""
        if isinstance(tree, Leaf):
            return X.const(tree.target is a)
        if isinstance(tree, If):
            return X.or_(X.and_(tree.cond, self._reach(tree.then, a)),
                         X.and_(X.not_(tree.cond), self._reach(tree.other, a)))
        raise ValueError("choice before the first access")

    def _prune(self, tree):
        """Drop the first step's outcomes that fail (`return -EAGAIN`): the caller retries
        later and nothing changed, so they are no step.  Returns the rest of the tree and
        the condition under which it is taken (the step's guard)."""
        if isinstance(tree, Leaf):
            fails = isinstance(tree.target, ExitPoint) and tree.target.kind == "fail"
            return (None, X.const(False)) if fails else (tree, X.const(True))
        if isinstance(tree, If):
            t, ct = self._prune(tree.then)
            e, ce = self._prune(tree.other)
            cond = X.or_(X.and_(tree.cond, ct), X.and_(X.not_(tree.cond), ce))
            if t is None or e is None:
                return (t or e), cond
            return If(tree.cond, t, e), cond
        kept = [self._prune(o) for o in tree.options]
        kept = [(o, c) for o, c in kept if o is not None]
        if not kept:
            return None, X.const(False)
        cond = kept[0][1]
        for _, c in kept[1:]:
            cond = X.or_(cond, c)
        return Pick([o for o, _ in kept]), cond

    def _graft(self, tree, a: Access, inner):
        if isinstance(tree, Leaf):
            return inner if tree.target is a else tree
        if isinstance(tree, If):
            return If(tree.cond, self._graft(tree.then, a, inner), self._graft(tree.other, a, inner))
        return Pick([self._graft(o, a, inner) for o in tree.options])

    def tree(self, a: Access):
        if id(a) in self._trees:
            return self._trees[id(a)]
        trees = []
        for cond, env, succ in self.outcomes(a):
            env.locals.update(self.locals_at.get(id(a), {}))
            trees.append((cond, self.run(succ, env)))
        if a.kind in MACROS or a.kind == "len_add" and not a.locked:
            out = [t for _, t in trees]
        elif a.kind == "can_split":
            out = Pick([trees[0][1], If(trees[1][0], trees[1][1], trees[0][1])])
        else:
            out = trees[-1][1]
            for cond, t in reversed(trees[:-1]):
                out = If(cond, t, out)
            if self.entry_tree is not None and self.labels.get(id(a)) == self.entry_label:
                out = self._graft(self.entry_tree, a, out)
            if self.retry and self.labels.get(id(a)) == self.entry_label:
                out, self.retry_guard = self._prune(out)
                if out is None:
                    raise a.pos.error(f"{self.fn}() always fails at its first step")
        self._trees[id(a)] = out
        for t in (out if isinstance(out, list) else [out]):
            for leaf in self.leaves(t):
                self.arrive(leaf)
        return out

    # -- the TLA+ body of a compiled step
    def body(self, a: Access, tree, start_live: set) -> tuple[list[str], list[str]]:
        leaves = self.leaves(tree)
        for leaf in leaves:
            self.arrive(leaf)
        changed_regs = sorted({v for l in leaves for v in self.regs if self.reg_value(v, l, start_live) is not None})
        folded = [v for v in ("pm", "cand", "faults") if any(v in l.env.shared for l in leaves)]
        lines, changed = [], list(changed_regs) + folded

        def updates(leaf: Leaf) -> list[str]:
            out = []
            for v in changed_regs:
                val = self.reg_value(v, leaf, start_live)
                out.append(f"{v}' = [{v} EXCEPT ![{self.p}] = {tla(val)}]" if val is not None else f"{v}' = {v}")
            for v in folded:
                out.append(f"{v}' = {tla(leaf.env.shared[v])}" if v in leaf.env.shared else f"{v}' = {v}")
            out.append(f"pc' = [pc EXCEPT ![{self.p}] = {self.qlabel(leaf.target)}]")
            return out

        if not self._has_pick(tree):
            for v in list(changed_regs):
                expr = self._ite(tree, lambda l, v=v: self.reg_value(v, l, start_live) or X.text(f"{v}[{self.p}]"))
                if tla(expr) == f"{v}[{self.p}]":
                    changed.remove(v)
                    continue
                lines.append(f"/\\ {v}' = [{v} EXCEPT ![{self.p}] = {tla(expr)}]")
            for v in folded:
                expr = self._ite(tree, lambda l, v=v: l.env.shared.get(v, X.text(v)))
                lines.append(f"/\\ {v}' = {tla(expr)}")
            lines.append(f"/\\ pc' = [pc EXCEPT ![{self.p}] = {tla(self._ite(tree, lambda l: X.text(self.qlabel(l.target))))}]")
        else:
            lines.append("/\\ " + self._disj(tree, [], updates).replace("\n", "\n" + " " * 7))
        return lines, changed

    def _has_pick(self, t) -> bool:
        if isinstance(t, Pick):
            return True
        if isinstance(t, If):
            return self._has_pick(t.then) or self._has_pick(t.other)
        return False

    def _ite(self, t, value) -> V:
        if isinstance(t, Leaf):
            return value(t)
        return X.ite(t.cond, self._ite(t.then, value), self._ite(t.other, value))

    def _disj(self, t, conds: list[str], updates) -> str:
        arms = []

        def walk(t, conds):
            if isinstance(t, Leaf):
                arms.append(" /\\ ".join(conds + updates(t)))
            elif isinstance(t, If):
                walk(t.then, conds + [tla(t.cond)])
                walk(t.other, conds + [tla(X.not_(t.cond))])
            else:
                for o in t.options:
                    walk(o, conds)

        walk(t, conds)
        unique = list(dict.fromkeys(arms))  # two paths to the same place are one transition
        return "\n".join(f"\\/ {arm}" for arm in unique)

    # -- one access
    def emit_step(self, a: Access) -> str:
        self._current = a
        lbl, fn = self.label(a), self.fn
        start_live = self.live.get(id(a), set())
        args = [X.resolve(x, Env(), self.p) if isinstance(x, V) else x for x in a.args]
        if a.kind in MACROS or (a.kind == "len_add" and not a.locked):
            return self.emit_macro(a, lbl, args, start_live)
        tree = self.tree(a)
        lines, changed = self.body(a, tree, start_live)
        guard, shared = None, []
        if a.kind == "lock":
            ev = f'K.E({q(self.p)}, {q(fn)}, "spin_lock", "lock", "Q")'
            guard, shared, changed = "lock = NIL", [f"/\\ lock' = {self.p}"], changed + ["lock"]
        elif a.kind == "unlock":
            ev = f'K.E({q(self.p)}, {q(fn)}, "spin_unlock", "unlock", "Q")'
            shared, changed = ["/\\ lock' = NIL"], changed + ["lock"]
        elif a.kind == "iter_first":
            h = tla(args[2])
            ev = f'K.E({q(self.p)}, {q(fn)}, "list_for_each_entry_safe", "load", {q(h)}, \'"next"\', {q(f"nxt[{h}]")})'
        elif a.kind == "iter_next":
            c = f"{args[0]}[{self.p}]"
            ev = f'K.E({q(self.p)}, {q(fn)}, "list_for_each_entry_safe", "load", {q(c)}, \'"next"\', {q(f"nxt[{c}]")})'
        elif a.kind == "iter_adv":
            n, h = f"{args[1]}[{self.p}]", tla(args[2])
            ev = (f'K.E({q(self.p)}, {q(fn)}, "list_for_each_entry_safe", "load", {q(n)}, \'"next"\', '
                  f'{q(f"IF {n} = {h} THEN NIL ELSE nxt[{n}]")})')
        elif a.kind == "list_empty":
            x = tla(args[0])
            ev = f'K.E({q(self.p)}, {q(fn)}, "list_empty", "load", {q(x)}, \'"next"\', {q(f"nxt[{x}]")})'
        elif a.kind in ("careful_next", "careful_prev"):
            x, fld = tla(args[0]), "next" if a.kind == "careful_next" else "prev"
            var = "nxt" if fld == "next" else "prv"
            ev = (f'K.E({q(self.p)}, {q(fn)}, "list_empty_careful", "load", {q(x)}, \'"{fld}"\', '
                  f'{q(f"{var}[{x}]")})')
        elif a.kind == "can_split":
            f = tla(args[0])
            ev = f'K.E({q(self.p)}, {q(fn)}, "folio_trylock+can_split_folio", "load", {q(f)}, \'"ref"\', {q(f"ref[{f}]")})'
        elif a.kind == "ref_freeze":
            f, x = tla(args[0]), self.expected(tla(args[0]))
            ev = f'K.E({q(self.p)}, {q(fn)}, "folio_ref_freeze", "freeze", {q(f)}, \'"ref"\', {q(x)})'
            shared, changed = [f"/\\ ref' = [ref EXCEPT ![{f}] = IF @ = {x} THEN 0 ELSE @]"], changed + ["ref"]
            if getattr(a, "hand_over", None) and self.ghost:  # NoLostSplit's ghost: the destination is owed the split now
                shared.append(f"/\\ cand' = HandOver(cand, {f}, {a.hand_over})")
                changed = changed + ["cand"]
        elif a.kind == "ref_unfreeze":
            f, x = tla(args[0]), self.expected(tla(args[0]))
            ev = f'K.E({q(self.p)}, {q(fn)}, "folio_ref_unfreeze", "unfreeze", {q(f)}, \'"ref"\', {q(x)})'
            shared, changed = [f"/\\ ref' = [ref EXCEPT ![{f}] = {x}]"], changed + ["ref"]
        elif a.kind == "split_unfreeze":
            f, x = tla(args[0]), self.expected(tla(args[0]))
            ev = f'K.E({q(self.p)}, "__split_huge_page", "folio_ref_unfreeze", "unfreeze", {q(f)}, \'"ref"\', {q(x)})'
            shared = [f"/\\ ref' = [ref EXCEPT ![{f}] = {x}]", f"/\\ st' = [st EXCEPT ![{f}] = \"small\"]"]
            changed = changed + ["ref", "st"]
        elif a.kind == "try_get":
            f = tla(args[0])
            ev = f'K.E({q(self.p)}, {q(fn)}, "folio_try_get", "try_get", {q(f)}, \'"ref"\', {q(f"ref[{f}]")})'
            shared, changed = [f"/\\ ref' = [ref EXCEPT ![{f}] = IF @ > 0 THEN @ + 1 ELSE @]"], changed + ["ref"]
        elif a.kind == "pm_test":
            f = tla(args[0])
            ev = f'K.E({q(self.p)}, {q(fn)}, "folio_test_partially_mapped", "load", {q(f)}, \'"pm"\', {q(f"pm[{f}]")})'
        elif a.kind in ("pm_set", "pm_clear"):
            f, val = tla(args[0]), "TRUE" if a.kind == "pm_set" else "FALSE"
            prim = "__folio_set_partially_mapped" if a.kind == "pm_set" else "__folio_clear_partially_mapped"
            ev = f'K.E({q(self.p)}, {q(fn)}, {q(prim)}, "store", {q(f)}, \'"pm"\', {q(val)})'
            if "pm" in changed:
                raise a.pos.error("two PG_partially_mapped writes in one step")
            shared, changed = [f"/\\ pm' = [pm EXCEPT ![{f}] = {val}]"], changed + ["pm"]
        elif a.kind == "lru_lock":
            h = f"LruTry({self.p}, {tla(args[0])})"
            ev = f'K.E({q(self.p)}, {q(fn)}, "lock_list_lru_of_memcg", "lock", {q(h)}, \'"nr_items"\', {q(f"nritems[{h}]")})'
            guard = f"lrulock[{h}] = NIL"
            shared = [f"/\\ lrulock' = [lrulock EXCEPT ![{h}] = {self.p}]", f"/\\ lr' = [lr EXCEPT ![{self.p}] = {h}]"]
            changed = changed + ["lrulock", "lr"]
        elif a.kind in ("lru_unlock", "lru_retry"):
            h = f"lr[{self.p}]"
            prim = "unlock_list_lru" if a.kind == "lru_unlock" else "lock_list_lru_of_memcg: dead, to the parent"
            ev = f'K.E({q(self.p)}, {q(fn)}, {q(prim)}, "unlock", {q(h)}, \'"lock"\')'
            after = "NIL" if a.kind == "lru_unlock" else f"SubOf[Parent[HeadMemcg[{h}]]]"
            shared = [f"/\\ lrulock' = [lrulock EXCEPT ![{h}] = NIL]", f"/\\ lr' = [lr EXCEPT ![{self.p}] = {after}]"]
            changed = changed + ["lrulock", "lr"]
        elif a.kind == "nr_add":
            d, h = tla(args[0]), f"lr[{self.p}]"
            ev = f'K.E({q(self.p)}, {q(fn)}, "nr_items", "store", {q(h)}, \'"nr_items"\', {q(f"nritems[{h}] + ({d})")})'
            shared, changed = [f"/\\ nritems' = [nritems EXCEPT ![{h}] = @ + ({d})]"], changed + ["nritems"]
        elif a.kind == "remap":  # remove_migration_ptes(): dst mapped again, by the source's owner
            f = tla(args[0])
            ev = f'K.E({q(self.p)}, {q(fn)}, "remove_migration_ptes", "store", {q(f)}, \'"ref"\', {q(f"ref[{f}] + 1")})'
            shared, changed = [f"/\\ ref' = [ref EXCEPT ![{f}] = @ + 1]"], changed + ["ref"]
            own = f"pc' = [pc EXCEPT ![{self.p}] ="
            lines = [l.replace(own, f'pc\' = [pc EXCEPT ![{f}] = "o_start", ![{self.p}] =') for l in lines]
        elif a.kind == "folio_unlock":
            f = tla(args[0])
            ev = f'K.E({q(self.p)}, {q(fn)}, "folio_unlock", "store", {q(f)}, \'"locked"\', "FALSE")'
            shared, changed = [f"/\\ flock' = [flock EXCEPT ![{f}] = FALSE]"], changed + ["flock"]
        elif a.kind == "len_add":
            d = tla(args[0])
            ev = f'K.E({q(self.p)}, {q(fn)}, "split_queue_len", "store", \'"len"\', \'"-"\', {q(f"len + ({d})")})'
            shared, changed = [f"/\\ len' = len + ({d})"], changed + ["len"]
        else:
            raise a.pos.error(f"internal: no emitter for {a.kind}")
        if a.kind in ("pm_test", "pm_set", "pm_clear") and self.flag_uaf:
            shared, changed = self._flag_fault(tla(args[0]), shared, lines, changed)
        if self.entry_tree is not None and lbl == self.entry_label and self.entry_faults is not None:
            if "faults" in changed:
                raise self.entry.pos.error(f"{self.fn}(): a WARN before a first access that itself "
                                           "records a fault is not supported")
            shared, changed = shared + [f"/\\ faults' = {tla(self.entry_faults)}"], changed + ["faults"]
        if self.entry_tree is not None and lbl == self.entry_label and shared:
            c = tla(self.entry_cond)  # the access happens only when the entry's tests lead to it
            shared = [re.sub(r"^/\\ (\w+)' = (.*)$", rf"/\\ \1' = IF {c} THEN \2 ELSE \1", l) for l in shared]
            guard = f"~({c}) \\/ ({guard})" if guard else None
        ok = self.exit_points["ok"]
        if self.ok_extra and any(l.target is ok for l in self.leaves(tree)):
            extra, extra_changed = self.ok_extra
            if not all(l.target is ok for l in self.leaves(tree)):
                raise a.pos.error("the caller's work after a successful return needs a step that always returns 0")
            lines.insert(0, f"/\\ {extra}")
            changed = changed + [v for v in extra_changed if v not in changed]
        body = "\n".join("    " + l for l in shared + lines)
        if lbl == self.entry_label:
            guard = self.first_guard(guard)
        g = f", guard={q(guard)}" if guard else ""
        if lbl == self.entry_label and self.entry_at:
            g += f", at={self.entry_at!r}"
        return (f"{{% call K.step({q(lbl)}, {q(self.p)}, {q(self.D)}, {changed!r}, {ev}{g}) %}}\n{body}\n{{%- endcall %}}")

    def _flag_fault(self, f: str, shared: list[str], lines: list[str], changed: list[str]):
        """A PG_partially_mapped access is a load or store of the folio's flags: of a freed
        folio, a use after free (version setting flag_uaf=on)."""
        if "faults" not in changed:
            return shared + [f"/\\ faults' = faults \\cup FlagFaults({f})"], changed + ["faults"]
        start = "/\\ faults' = "
        for i, line in enumerate(lines):
            if line.startswith(start):
                lines[i] = f"{start}({line[len(start):]}) \\cup FlagFaults({f})"
                return shared, changed
        raise self._current.pos.error("a PG_partially_mapped access with a fired WARN and a choice in one step "
                                      "is not supported")

    def first_guard(self, guard: str | None) -> str | None:
        """The first step's guard: its own, the caller's, and what the retry pruning kept."""
        parts = [g for g in (self.entry_guard, guard) if g]
        if self.retry_guard is not None and not X.is_const(self.retry_guard):
            parts.append(tla(self.retry_guard))
        return " /\\ ".join(f"({g})" if len(parts) > 1 else g for g in parts) or None

    def emit_macro(self, a: Access, lbl: str, args: list, start_live: set) -> str:
        fn = self.fn
        trees = self.tree(a)
        parts = []
        resets = a.kind in ("list_del_init", "folio_put", "split")
        for t in trees:
            if self._has_pick(t):
                raise a.pos.error(f"a nondeterministic choice right after {a.kind} is not supported")
            for leaf in self.leaves(t):
                self.arrive(leaf)
                if leaf.env.shared:
                    what = ("a fired WARN" if "faults" in leaf.env.shared else "a verdict" if "cand" in leaf.env.shared
                            else "PG_partially_mapped work")
                    raise a.pos.error(f"{what} right after {a.kind}() is not supported")
            regs = sorted({v for l in self.leaves(t) for v in self.regs
                           if self.reg_value(v, l, start_live, resets) is not None})
            to = self._ite(t, lambda l: X.text(self.qlabel(l.target)))
            to_s = tla(to) if to.op == "ite" else self.label(self.leaves(t)[0].target)
            extra = " /\\ ".join(
                f"{v}' = [{v} EXCEPT ![{self.p}] = {tla(self._ite(t, lambda l, v=v: self.reg_value(v, l, start_live, resets) or X.text(f'{v}[{self.p}]')))}]"
                for v in regs)
            parts.append((to_s, extra, regs))
        to, extra, regs = parts[0]
        locked = "True" if a.locked else "False"
        x = [tla(v) if isinstance(v, V) else v for v in args]

        def with_extra(keyword: str, changed_kw: str) -> str:
            return f", {keyword}={q(extra)}, {changed_kw}={regs!r}" if extra else ""

        if a.kind == "list_move":
            if extra:
                raise a.pos.error("register work right after list_move() is not supported")
            return f"{{{{ K.list_move({q(lbl)}, {q(self.p)}, {q(self.D)}, {q(fn)}, {q(x[0])}, {q(x[1])}, {q(to)}, {locked}) }}}}"
        if a.kind == "list_del_init":
            careful = ", careful=True" if getattr(a, "careful", False) else ""
            return (f"{{{{ K.list_del_init({q(lbl)}, {q(self.p)}, {q(self.D)}, {q(fn)}, {q(x[0])}, {q(to)}, {locked}"
                    f"{with_extra('extra', 'extra_changed')}{careful}) }}}}")
        if a.kind in ("list_add_tail", "list_add"):
            if extra:
                raise a.pos.error(f"register work right after {a.kind}() is not supported")
            tail = "True" if a.kind == "list_add_tail" else "False"
            return (f"{{{{ K.list_add({q(lbl)}, {q(self.p)}, {q(self.D)}, {q(fn)}, {q(a.kind)}, {q(x[0])}, {q(x[1])}, "
                    f"{q(to)}, {locked}, {tail}) }}}}")
        if a.kind == "list_splice_tail":
            if extra:
                raise a.pos.error("register work right after list_splice_tail() is not supported")
            return (f"{{{{ K.list_splice_tail({q(lbl)}, {q(self.p)}, {q(self.D)}, {q(fn)}, {q(x[0])}, {q(x[1])}, "
                    f"{q(to)}, {locked}) }}}}")
        if a.kind == "folio_put":
            return (f"{{{{ K.folio_put({q(lbl)}, {q(self.p)}, {q(self.D)}, {q(a.fn)}, {q(x[0])}, {q(to)}"
                    f"{with_extra('after', 'after_changed')}) }}}}")
        if a.kind == "call":
            if extra:
                raise a.pos.error(f"register work right after {a.callee}() is not supported")
            first = ""  # a function that starts with the call: its first step starts the callee
            if lbl == self.entry_label and (self.entry_at or self.entry_guard):
                first = f", at={self.entry_at!r}, guard={q(self.entry_guard or '')}"
            bind = {k: (v if isinstance(v, bool) else {"bool": tla(X.resolve(v, Env(), self.p))} if v.ty == "bool"
                        else tla(X.resolve(v, Env(), self.p))) for k, v in getattr(a, "bind", {}).items()}
            if bind:
                first += f", bind={bind!r}"
            if len(parts) == 2:  # a tested return (move_to_new_folio()): a failed first step is retried
                return (f"{{{{ kernel_c({q(a.callee)}, {q(lbl)}, {q(self.p)}, {q(self.D)}, {q(x[0])}, None, "
                        f"ok={q(to)}, fail={q(parts[1][0])}, retry=True{first}) }}}}")
            return (f"{{{{ kernel_c({q(a.callee)}, {q(lbl)}, {q(self.p)}, {q(self.D)}, {q(x[0])}, {q(to)}{first}) }}}}")
        if a.kind == "free":
            if extra:
                raise a.pos.error("register work right after the free is not supported")
            after = ""
            if self.exit_extra:  # the caller's work after the put: folded into the step that ends it
                if any(l.target is not None for l in self.leaves(trees[0])):
                    raise a.pos.error(f"{self.fn}() must end with the free")
                after = f", after={q(self.exit_extra[0])}, after_changed={self.exit_extra[1]!r}"
            return f"{{{{ K.free_folio({q(lbl)}, {q(self.p)}, {q(self.D)}, {q(x[0])}, {q(to)}{after}) }}}}"
        if a.kind == "split":
            fail_to, fail_extra, _ = parts[1]
            if fail_extra:
                raise a.pos.error("register work after a failed split_folio() is not supported")
            return (f"{{{{ K.split_folio({q(lbl)}, {q(self.p)}, {q(self.D)}, {q(x[0])}, {q(to)}, {q(fail_to)}"
                    f"{with_extra('extra', 'extra_changed')}) }}}}")
        if a.kind == "lru_walk":
            if extra:
                raise a.pos.error("register work right after the list_lru walk is not supported")
            return (f"{{{{ L.walk({q(lbl)}, {q(self.p)}, {q(self.D)}, {q(fn)}, {q(x[0])}, {q(x[1])}, {q(to)}) }}}}")
        if a.kind == "len_add":
            if extra:
                raise a.pos.error("register work right after an unlocked split_queue_len update is not supported")
            return (f"{{{{ K.len_add_unlocked({q(lbl)}, {q(self.p)}, {q(self.D)}, {q(fn)}, {q(x[0])}, {q(to)}, True) }}}}")
        raise a.pos.error(f"internal: no macro for {a.kind}")

    # -- the whole function
    def emit(self) -> str:
        first = self.run(self.entry, Env())
        self.entry_tree = None
        self.entry_faults = None
        if not isinstance(first, Leaf):
            first = self._fold_entry(first)
        if first.target is None:
            raise self.entry.pos.error("the function returns before any shared access")
        for var in first.env.regs:
            if tla(first.env.regs[var]) != self.regs[var].reset:
                raise first.target.pos.error(f"register {var} is set before the first shared access")
        self.arrive(first)
        self.labels[id(first.target)] = self.entry_label
        self._trees: dict = {}
        seen, work = set(), [first.target]
        while work:  # every step's continuation, in flow order, so locals are known where they arrive
            n = work.pop(0)
            if id(n) in seen:
                continue
            seen.add(id(n))
            t = self.tree(n)
            for leaf in (l for x in (t if isinstance(t, list) else [t]) for l in self.leaves(x)):
                if isinstance(leaf.target, Access):
                    work.append(leaf.target)
                    self.pred_live.setdefault(id(leaf.target), set()).update(self.live.get(id(n), set()))
        order, post = [], set()
        accesses = [n for n in reachable(self.entry) if isinstance(n, Access) and self.is_boundary(n)]
        for n in accesses:
            if n.kind == "list_splice_tail" and "LocalHead" in tla(n.args[0]):
                post |= {id(m) for m in reachable(skip(n.succs[0])) if isinstance(m, Access)}
        # emit in source order, the steps after the splice (the head is stale) last
        accesses.sort(key=lambda n: (id(n) in post, n is not first.target, n.pos.line, n.pos.col))
        chunks, in_post = [], False
        for n in accesses:
            if id(n) in post and not in_post:
                chunks.append('{{- R.phase("post") }}')
                in_post = True
            lines = SOURCE_LINES.get(n.pos.file, [])
            quote = lines[n.pos.line - 1].strip() if 0 < n.pos.line <= len(lines) else n.kind
            chunks.append(f"\\* {self.fn}() line {n.pos.line}: {quote}")
            chunks.append(f"{{{{- R.source({q(self.fn)}, {q(n.pos.file)}, {n.pos.line}) }}}}")
            chunks.append(self.emit_step(n))
        return "\n".join(chunks) + "\n"
