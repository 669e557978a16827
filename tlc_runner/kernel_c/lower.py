"""C syntax -> control-flow graph.

Every call is looked up in calls.def; expressions become values.py values;
statements become graph nodes, built back to front so that each statement
knows where it continues.  Locals are registers (calls.def `register`), the
on-stack list head, compile-time locals (int/bool: the compiler follows their
values), or locals the model does not have (the queue pointer, irq flags),
whose assignments are dropped.
"""

from __future__ import annotations

from typing import Callable

from . import syntax as S
from . import values as X
from .calls import table, table_path
from .cfg import Access, Assign, Branch, Choice, Exit, Node, Nop
from .errors import Pos
from .values import V
from ..warn_faults import warn_fault

OPAQUE_TYPES = ("struct deferred_split", "struct pglist_data", "struct mem_cgroup", "struct shrinker",
                "struct shrink_control", "unsigned long", "struct list_lru_one", "enum lru_status")
INDEX_OFFSET = {"bi": 1}
ARITY = {"list_move": 2, "list_add_tail": 2, "list_add": 2, "list_splice_tail": 2, "list_del_init": 1,
         "list_empty": 1, "list_empty_careful": 1, "try_get": 1, "pm_test": 1, "pm_set": 1, "pm_clear": 1,
         "folio_put": 1, "folios_put": 1, "list_del_init_careful": 1, "split": 1, "identity": 1, "local_list": 1, "swap": 2,
         "batch_add": 2, "batch_count": 1, "large_test": 1, "order": 1, "warn": 1, "verdict_false": 1, "verdict_true": 1,
         "refcount": 1, "swapcache_test": 1,
         "can_split": 1, "ref_freeze": 1, "ref_unfreeze": 1, "split_unfreeze": 1, "free": 1,
         "lru_lock": 3, "lru_unlock": 1, "lru_add": 3, "lru_del": 3, "lru_isolate": 2, "lru_isolate_move": 3,
         "lru_add_irq": 4, "lru_walk": 4, "memcg_of": 1, "container_of": 1,
         "trylock": 1, "folio_unlock": 1, "migrate_mapping": 2, "remap": 2}  # the model's folio_batch index counts from 1
P = "s"
UNTRACKED = X.const(1 << 20)  # an untracked sc->nr_to_scan: more than any count of folios


class Lowering:
    def __init__(self, functions: dict[str, S.Function], settings: dict, p: str = P,
                 bindings: dict[str, str] | None = None, keep_returns: bool = False,
                 success_nonzero: bool = False) -> None:
        self.keep_returns = keep_returns  # a called function whose 0 / error return picks the caller's label
        self.success_nonzero = success_nonzero  # its success is a non-zero return (__remove_mapping(): 1)
        self.p = p  # the process variable of the steps: "s" (a shrinker) or "f" (a folio's owner)
        self.bindings = bindings or {}  # parameter -> the TLA+ folio it stands for at this call
        self.functions = functions
        self.settings = settings  # per version: {"nr_to_scan": "tracked"|"untracked"}
        # NoLostSplit's ghost `cand` is tracked (the render adds "ghost": "on" when it is
        # checked): only then do the shrinker's verdicts become steps that write it
        self.ghost = settings.get("ghost", "on") == "on"
        self.table = table()
        self.tmp_count = 0
        self.warnings: list[str] = []  # "<macro> <fn>:<line>": one fault name per assertion
        self.stack: list[str] = []

    # -- entry
    def function(self, name: str) -> tuple[Node, Exit]:
        fn = self.functions[name]
        self.exit = Exit(fn.pos)
        self.fn = fn
        self.scope: dict[str, str] = {}  # C local -> "reg:<var>", "list", "local:<ty>", "opaque"
        self.labels: dict[str, Nop] = {}
        self._collect_labels(fn.body)
        self.loops: list[tuple[Node, Node]] = []
        self.memcg_of: dict[str, S.Call] = {}  # memcg local -> its folio_memcg() call
        self.stack = [name]
        self.bound_values: dict[str, V] = {}
        for p in fn.params:
            bound = self.bindings.get(p)
            if isinstance(bound, dict):  # {"bool": TLA+}: a caller's register, as migration's record
                self.bound_values[p] = X.text(bound["bool"], "bool")
                self.scope[p] = "value"
                continue
            self.scope[p] = (f"const:{bound}" if isinstance(bound, bool) else
                             f"bound:{bound}" if bound is not None else "opaque")
        self._collect_scope(fn.body)
        entry = self.stmt(fn.body, Nop(fn.pos, self.exit, "return"))
        for label, nop in self.labels.items():
            if nop.succ is None:
                raise nop.pos.error(f"label {label!r} is not followed by a statement")
        return entry, self.exit

    def _collect_scope(self, s) -> None:
        """Built back to front, a use is lowered before its declaration: name every local first."""
        alias = self._alias(s)
        if alias is not None:
            self.scope[s.name] = alias
        elif isinstance(s, S.ExprStmt) and isinstance(s.expr, S.Assign) and isinstance(s.expr.target, S.Name) \
                and isinstance(s.expr.value, S.Call) and s.expr.value.fn == "folio_memcg":
            self.memcg_of[s.expr.target.id] = s.expr.value  # memcg = folio_memcg(folio): where a walk up starts
        elif isinstance(s, S.Decl):
            reg = self.table.registers.get(s.name)
            if s.type.startswith(OPAQUE_TYPES) or (s.pointer and reg is None and s.type != "struct folio"):
                self.scope[s.name] = "opaque"
            elif reg is not None:
                self.scope[s.name] = f"reg:{reg.var}"
            elif not s.pointer:
                self.scope[s.name] = "local:" + ("bool" if s.type.endswith("bool") else "int")
        elif isinstance(s, S.ExprStmt) and isinstance(s.expr, S.Call) and s.expr.fn == "LIST_HEAD":
            arg = s.expr.args[0] if s.expr.args else None
            if not isinstance(arg, S.Name):
                raise s.pos.error("LIST_HEAD() takes the name of the list")
            self.scope[arg.id] = "list"
        for child in (getattr(s, "items", None) or []):
            self._collect_scope(child)
        for attr in ("then", "other", "body", "stmt"):
            child = getattr(s, attr, None)
            if isinstance(child, S.Node) and not isinstance(child, (S.Name,)):
                self._collect_scope(child)

    def _alias(self, s) -> str | None:
        """`struct folio *folio = container_of(item, ...)`, `struct list_head *freeable = cb_arg`:
        a local naming what a bound parameter names (a list_lru callback's arguments)."""
        if not isinstance(s, S.Decl) or s.init is None:
            return None
        init = s.init
        if isinstance(init, S.Call) and init.fn == "container_of" and init.args:
            init = init.args[0]
        if isinstance(init, S.Name) and self.scope.get(init.id, "").startswith("bound:"):
            return self.scope[init.id]
        return None

    def _collect_labels(self, s) -> None:
        if isinstance(s, S.Label):
            if s.name in self.labels:
                raise s.pos.error(f"label {s.name!r} defined twice")
            self.labels[s.name] = Nop(s.pos, None, "label")
            self._collect_labels(s.stmt)
        elif isinstance(s, S.Block):
            for i in s.items:
                self._collect_labels(i)
        elif isinstance(s, S.If):
            self._collect_labels(s.then)
            if s.other:
                self._collect_labels(s.other)
        elif isinstance(s, (S.While, S.For, S.Iter)):
            self._collect_labels(s.body)

    # -- statements (back to front: `k` is where the statement continues)
    def stmt(self, s, k: Node) -> Node:
        if isinstance(s, S.Block):
            for item in reversed(s.items):
                k = self.stmt(item, k)
            return k
        if isinstance(s, S.Decl):
            return self.decl(s, k)
        if isinstance(s, S.ExprStmt):
            return self.effect(s.expr, k)
        if isinstance(s, S.Empty):
            return k
        if isinstance(s, S.If):
            other = self.stmt(s.other, k) if s.other else k
            return self.cond(s.cond, self.stmt(s.then, k), other)
        if isinstance(s, S.While):
            head = Nop(s.pos, None, "loop")
            self.loops.append((k, head))
            body = self.stmt(s.body, head)
            self.loops.pop()
            head.succ = self.cond(s.cond, body, k)
            return body if s.do else head
        if isinstance(s, S.For):
            head = Nop(s.pos, None, "loop")
            step = self.effect(s.step, head) if s.step is not None else head
            self.loops.append((k, step))
            body = self.stmt(s.body, step)
            self.loops.pop()
            head.succ = self.cond(s.cond, body, k) if s.cond is not None else body
            return self.effect(s.init, head) if s.init is not None else head
        if isinstance(s, S.Iter):
            return self.iterate(s, k)
        if isinstance(s, S.Goto):
            if s.label not in self.labels:
                raise s.pos.error(f"goto {s.label}: no such label in {self.fn.name}()")
            return self.labels[s.label]
        if isinstance(s, S.Label):
            nop = self.labels[s.name]
            nop.succ = self.stmt(s.stmt, k)
            return nop
        if isinstance(s, S.Break):
            if not self.loops:
                raise s.pos.error("break outside a loop")
            return self.loops[-1][0]
        if isinstance(s, S.Continue):
            if not self.loops:
                raise s.pos.error("continue outside a loop")
            return self.loops[-1][1]
        if isinstance(s, S.Return):
            if self.keep_returns:
                zero = ((isinstance(s.value, S.Num) and s.value.value == 0)
                        or (isinstance(s.value, S.Name) and s.value.id == "MIGRATEPAGE_SUCCESS"))
                return Nop(s.pos, self.exit, "return", "ok" if zero != self.success_nonzero else "fail")
            ret = Nop(s.pos, self.exit, "return")
            return self.effect(s.value, ret) if s.value is not None else ret
        raise s.pos.error(f"unsupported construct: {type(s).__name__}")

    def decl(self, d: S.Decl, k: Node) -> Node:
        if self.scope.get(d.name, "").startswith("bound:") and self._alias(d) is not None:
            return k  # an alias of a bound parameter: nothing to do at run time
        reg = self.table.registers.get(d.name)
        if d.type.startswith(OPAQUE_TYPES) or (d.pointer and reg is None and d.type != "struct folio"):
            self.scope[d.name] = "opaque"
            return self.effect(d.init, k) if d.init is not None else k
        if reg is not None:
            self.scope[d.name] = f"reg:{reg.var}"
            if d.init is None:
                return k
            return self.value(d.init, lambda v: Assign(d.pos, "reg", reg.var, self._to_reg(reg.var, v), k))
        if d.pointer:
            raise d.pos.error(f"local {d.name!r}: a folio pointer the model has no register for "
                              f"(registers: {', '.join(self.table.registers)}; {table_path()})")
        ty = "bool" if d.type.endswith("bool") else "int"
        self.scope[d.name] = f"local:{ty}"
        init = d.init if d.init is not None else S.Num(d.pos, 0)
        return self.value(init, lambda v: Assign(d.pos, "local", d.name, v, k))

    def iterate(self, s: S.Iter, k: Node) -> Node:
        if s.macro not in ("list_for_each_entry_safe",):
            raise s.pos.error(f"unsupported loop macro {s.macro}() (known: list_for_each_entry_safe; {table_path()})")
        if len(s.args) != 4:
            raise s.pos.error(f"{s.macro}() takes 4 arguments")
        pos_e, n_e, head_e, member = s.args
        pos_r, n_r = self.reg_of(pos_e), self.reg_of(n_e)
        head = self.node(head_e)
        first = Access(s.pos, "iter_first", [pos_r, n_r, head], fn=self.fn.name)
        look = Access(s.pos, "iter_next", [pos_r, n_r, head], fn=self.fn.name)
        adv = Access(s.pos, "iter_adv", [pos_r, n_r, head], fn=self.fn.name)
        self.loops.append((k, adv))
        body = self.stmt(s.body, adv)
        self.loops.pop()
        first.succs = [k, look]
        look.succs = [body]
        adv.succs = [k, body]
        return first

    # -- expressions
    def reg_of(self, e) -> str:
        if isinstance(e, S.Name) and self.scope.get(e.id, "").startswith("reg:"):
            return self.scope[e.id][4:]
        raise e.pos.error("expected a folio register here (folio, next, prev)")

    def node(self, e) -> V:
        """A list_head the model has: Q, a local list head, or a folio's _deferred_list."""
        if isinstance(e, S.Unary) and e.op == "&":
            inner = e.arg
            if isinstance(inner, S.Member) and inner.field == "split_queue":
                return X.text("Q", "node")
            if isinstance(inner, S.Member) and inner.field == "_deferred_list":
                return self.folio(inner.obj)
            if isinstance(inner, S.Name) and self.scope.get(inner.id) == "list":
                return X.text(f"LocalHead[{self.p}]", "node")
        if isinstance(e, S.Name) and self.scope.get(e.id, "").startswith("bound:"):
            return X.text(self.scope[e.id][6:], "node")  # a list_lru callback's item or cb_arg
        raise e.pos.error("not a list head of the model (&ds_queue->split_queue, &folio->_deferred_list, "
                          "or a LIST_HEAD() local)")

    def folio(self, e) -> V:
        if isinstance(e, S.Name) and self.scope.get(e.id, "").startswith("bound:"):
            return X.text(self.scope[e.id][6:], "ptr")
        if isinstance(e, S.Name) and self.scope.get(e.id, "").startswith("reg:"):
            return X.reg(self.scope[e.id][4:], "ptr")
        if isinstance(e, S.Index) and isinstance(e.obj, S.Member) and e.obj.field == "folios":
            idx = self.pure(e.index)
            return X.text(f"batch[{self.p}][{{0}}]", "ptr", X.add(idx, X.const(1)))
        raise e.pos.error("not a folio the model knows (a folio register, or fbatch.folios[i])")

    def _to_reg(self, var: str, v: V) -> V:
        return X.add(v, X.const(INDEX_OFFSET[var])) if var in INDEX_OFFSET else v

    def _from_reg(self, var: str, ty: str) -> V:
        r = X.reg(var, ty)
        return X.sub(r, X.const(INDEX_OFFSET[var])) if var in INDEX_OFFSET else r

    def pure(self, e) -> V:
        """A value with no shared access; an error if it would need one."""
        box = []

        def grab(v):
            box.append(v)
            return Nop(e.pos, None)

        node = self.value(e, grab)
        if not isinstance(node, Nop) or node.succ is not None or not box:
            raise e.pos.error("a shared access is not allowed here")
        return box[0]

    def value(self, e, k: Callable[[V], Node]) -> Node:
        """Evaluate e (its calls are accesses), then continue with its value."""
        if isinstance(e, S.Num):
            return k(X.const(e.value))
        if isinstance(e, S.Str):
            return k(X.opaque())
        if isinstance(e, S.Name):
            return k(self.name(e))
        if isinstance(e, S.Member):
            if e.field == "nr_to_scan":
                return k(self.nr_to_scan(e))
            if e.field == "split_queue_len":
                raise e.pos.error("a read of split_queue_len is not modelled (only its updates)")
            return k(X.opaque())
        if isinstance(e, S.Index):
            return k(self.folio(e))
        if isinstance(e, S.Unary):
            if e.op == "!":
                return self.value(e.arg, lambda v: k(X.not_(X.truth(v))))
            if e.op == "-":
                return self.value(e.arg, lambda v: k(X.sub(X.const(0), v)))
            if e.op == "&":
                inner = e.arg
                if isinstance(inner, S.Member) and inner.field not in ("split_queue", "_deferred_list"):
                    return k(X.opaque())  # &pgdata->deferred_split_queue and the like: one queue
                if isinstance(inner, S.Name) and (self.scope.get(inner.id) == "opaque"
                                                  or self.scope.get(inner.id, "").startswith("local:")):
                    return k(X.opaque())  # &flags, &extra_pins: out-parameters the model does not read
                return k(self.node(e))
            raise e.pos.error(f"unsupported operator {e.op}")
        if isinstance(e, S.Binary):
            if e.op in ("&&", "||"):
                tmp = self.new_tmp()
                t = Assign(e.pos, "tmp", tmp, X.const(True), None)
                f = Assign(e.pos, "tmp", tmp, X.const(False), None)
                join = k(V("tmp", (tmp,), "bool"))
                t.succ = f.succ = join
                return self.cond(e, t, f)
            ops = {"==": X.eq, "!=": X.ne, "+": X.add, "-": X.sub,
                   "<": lambda a, b: X.compare("lt", a, b), "<=": lambda a, b: X.compare("le", a, b),
                   ">": lambda a, b: X.compare("gt", a, b), ">=": lambda a, b: X.compare("ge", a, b)}
            if e.op not in ops:
                raise e.pos.error(f"unsupported operator {e.op}")
            return self.value(e.left, lambda a: self.value(e.right, lambda b: k(ops[e.op](a, b))))
        if isinstance(e, S.Ternary):
            tmp = self.new_tmp()
            join = k(V("tmp", (tmp,), "int"))
            return self.cond(e.cond, self.value(e.then, lambda v: Assign(e.pos, "tmp", tmp, v, join)),
                             self.value(e.other, lambda v: Assign(e.pos, "tmp", tmp, v, join)))
        if isinstance(e, S.Call):
            return self.call(e, k)
        if isinstance(e, (S.Assign, S.IncDec)):
            return self.effect(e, None, k)
        raise e.pos.error(f"unsupported construct: {type(e).__name__}")

    def name(self, e: S.Name) -> V:
        if e.id == "NULL":
            return X.const(X.NIL)
        if e.id in ("true", "false"):
            return X.const(e.id == "true")
        where = self.scope.get(e.id)
        if where is None:
            if self.table.kind(e.id) == "global":
                return X.opaque()
            if self.table.kind(e.id) == "true":
                return X.const(True)
            if e.id.isupper():
                return X.opaque()  # SHRINK_STOP and other constants
            raise e.pos.error(f"unknown name {e.id!r}")
        if where.startswith("reg:"):
            var = where[4:]
            reg = next(r for r in self.table.registers.values() if r.var == var)
            ty = ("ptr" if reg.reset == "NIL" else "seq" if reg.reset == "<<>>"
                  else "bool" if reg.reset in ("TRUE", "FALSE") else "int")
            return self._from_reg(var, ty)
        if where.startswith("local:"):
            return V("local", (e.id,), where[6:])
        if where.startswith("bound:"):
            return X.text(where[6:], "ptr")
        if where.startswith("const:"):
            return X.const(where[6:] == "True")
        if where == "value":
            return self.bound_values[e.id]
        return X.opaque()

    def nr_to_scan(self, e) -> V:
        if self.settings.get("nr_to_scan") == "tracked":
            return X.reg("nr", "int")
        return UNTRACKED  # at least the number of folios: the break never comes first

    def new_tmp(self) -> str:
        self.tmp_count += 1
        return f"t{self.tmp_count}"

    def cond(self, e, t: Node, f: Node) -> Node:
        if isinstance(e, S.Unary) and e.op == "!":
            return self.cond(e.arg, f, t)
        if isinstance(e, S.Binary) and e.op == "&&":
            return self.cond(e.left, self.cond(e.right, t, f), f)
        if isinstance(e, S.Binary) and e.op == "||":
            return self.cond(e.left, t, self.cond(e.right, t, f))
        return self.value(e, lambda v: self._branch(e.pos, v, t, f))

    def _branch(self, pos: Pos, v: V, t: Node, f: Node) -> Node:
        if v.op == "opaque":
            return Choice(pos, [t, f])
        return Branch(pos, X.truth(v), t, f)

    def effect(self, e, k: Node | None, kv: Callable[[V], Node] | None = None) -> Node:
        """e for its effects (an expression statement); kv gets its value if wanted."""
        done = kv or (lambda v: k)
        if isinstance(e, S.Assign):
            return self.assign(e, done)
        if isinstance(e, S.IncDec):
            one = S.Num(e.pos, 1)
            op = "+=" if e.op == "++" else "-="
            if not e.prefix and kv is not None:
                before = self.pure(e.arg)
                return self.assign(S.Assign(e.pos, op, e.arg, one), lambda v: kv(before))
            return self.assign(S.Assign(e.pos, op, e.arg, one), done)
        return self.value(e, done)

    def assign(self, e: S.Assign, k: Callable[[V], Node]) -> Node:
        target = e.target
        if isinstance(target, S.Member) and target.field == "split_queue_len":
            if e.op not in ("+=", "-="):
                raise e.pos.error("only split_queue_len++/--/+=/-= are modelled")
            sign = 1 if e.op == "+=" else -1
            return self.value(e.value, lambda v: Access(e.pos, "len_add", [v if sign > 0 else X.sub(X.const(0), v)],
                                                        succs=[k(X.opaque())], fn=self.fn.name))
        if isinstance(target, S.Member) and target.field == "nr_to_scan":
            if self.settings.get("nr_to_scan") != "tracked":
                return self.value(e.value, lambda v: k(UNTRACKED))
            var, cur = "nr", X.reg("nr", "int")
        elif isinstance(target, S.Name) and target.id in self.scope:
            where = self.scope[target.id]
            if where == "opaque" or where == "list":
                return self.value(e.value, lambda v: k(X.opaque()))
            var = where[4:] if where.startswith("reg:") else target.id
            cur = self.name(target)
        else:
            raise e.pos.error("unsupported assignment target")
        kind = "reg" if self.scope.get(getattr(target, "id", ""), "reg:").startswith("reg:") else "local"

        def store(v: V) -> Node:
            if e.op == "+=":
                v = X.add(cur, v)
            elif e.op == "-=":
                v = X.sub(cur, v)
            elif e.op != "=":
                raise e.pos.error(f"unsupported operator {e.op}")
            tmp = self.new_tmp()  # the value as of now: the continuation sees it, not a re-read
            held = V("tmp", (tmp,), v.ty)
            stored = self._to_reg(var, held) if kind == "reg" else held
            return Assign(e.pos, "tmp", tmp, v, Assign(e.pos, kind, var, stored, k(held)))

        return self.value(e.value, store)

    def call(self, e: S.Call, k: Callable[[V], Node]) -> Node:
        if e.fn in self.functions:
            if e.fn in self.stack:
                raise e.pos.error(f"recursion: {' -> '.join(self.stack + [e.fn])}()")
            return self.call_modelled(e, k)
        kind = self.table.kind(e.fn)
        if kind is None:
            raise e.pos.error(f"unknown call {e.fn}(): not in the call table {table_path()}")
        fn = self.fn.name
        a = e.args
        need = ARITY.get(kind, 0)
        if len(a) < need:
            raise e.pos.error(f"{e.fn}() takes {need} argument{'s' if need > 1 else ''}, got {len(a)}")
        if kind.startswith("lru_") or kind in ("memcg_of", "container_of"):
            return self.list_lru(e, kind, k)
        if kind == "lock":
            return Access(e.pos, "lock", [], succs=[k(X.opaque())], fn=fn)
        if kind == "unlock":
            return Access(e.pos, "unlock", [], succs=[k(X.opaque())], fn=fn)
        if kind in ("list_move", "list_add_tail", "list_add", "list_splice_tail"):
            return Access(e.pos, kind, [self.node(a[0]), self.node(a[1])], succs=[k(X.opaque())], fn=fn)
        if kind in ("list_del_init", "list_del_init_careful"):
            step = Access(e.pos, "list_del_init", [self.node(a[0])], succs=[k(X.opaque())], fn=fn)
            step.careful = kind == "list_del_init_careful"
            return step
        if kind == "list_empty_careful":
            # list_empty_careful(): load ->next; only if it is the head itself, load ->prev too
            node = self.node(a[0])
            t1, t2, t = self.new_tmp(), self.new_tmp(), self.new_tmp()
            join = k(V("tmp", (t,), "bool"))
            both = Access(e.pos, "careful_prev", [node], result=t2,
                          succs=[Assign(e.pos, "tmp", t, V("tmp", (t2,), "bool"), join)], fn=fn)
            no = Assign(e.pos, "tmp", t, X.const(False), join)
            return Access(e.pos, "careful_next", [node], result=t1,
                          succs=[Branch(e.pos, V("tmp", (t1,), "bool"), both, no)], fn=fn)
        if kind in ("list_empty", "try_get", "pm_test"):
            tmp = self.new_tmp()
            arg = self.node(a[0]) if kind == "list_empty" else self.folio(a[0])
            return Access(e.pos, kind, [arg], result=tmp, succs=[k(V("tmp", (tmp,), "bool"))], fn=fn)
        if kind in ("pm_set", "pm_clear"):
            return Access(e.pos, kind, [self.folio(a[0])], succs=[k(X.opaque())], fn=fn)
        if kind == "folio_put":
            return Access(e.pos, kind, [self.folio(a[0])], succs=[k(X.opaque())], fn=fn)
        if kind == "folios_put":
            return self.folios_put(e, k(X.opaque()))
        if kind in ("can_split", "ref_freeze"):
            tmp = self.new_tmp()
            step = Access(e.pos, kind, [self.folio(a[0])], result=tmp, succs=[k(V("tmp", (tmp,), "bool"))], fn=fn)
            dst = self.scope.get("newfolio", "")
            if kind == "ref_freeze" and self.destination and dst.startswith("bound:"):
                step.hand_over = dst[6:]  # migration's freeze: the source's pending split passes to dst
            return step
        if kind == "free":  # free_unref_page(&folio->page, order)
            page = a[0]
            if not (isinstance(page, S.Unary) and page.op == "&" and isinstance(page.arg, S.Member)
                    and page.arg.field == "page"):
                raise page.pos.error(f"{e.fn}() frees &folio->page")
            return Access(e.pos, "free", [self.folio(page.arg.obj)], succs=[k(X.opaque())], fn=fn)
        if kind in ("split_unfreeze", "ref_unfreeze"):
            return Access(e.pos, kind, [self.folio(a[0])], succs=[k(X.opaque())], fn=fn)
        if kind == "split":
            tmp = self.new_tmp()
            after = k(V("tmp", (tmp,), "int"))
            ok = Assign(e.pos, "tmp", tmp, X.const(0), after)
            fail = Assign(e.pos, "tmp", tmp, X.const(1), after)
            return Access(e.pos, "split", [self.folio(a[0])], succs=[ok, fail], fn=fn)
        if kind == "choice":
            t, f = k(X.const(True)), k(X.const(False))
            return Choice(e.pos, [t, f])
        if kind in ("verdict_false", "verdict_true"):
            # a free choice whose one answer is also the shrinker's verdict on an underused
            # candidate (NoLostSplit's ghost cand): thp_underused() saying "used"; an mlocked
            # folio, never split for being underused; the folio locked for a split whose
            # failure counts as "used" too
            folio = self.folio(a[0])
            t, f = k(X.const(True)), k(X.const(False))
            if not self.ghost:
                return Choice(e.pos, [t, f])
            if kind == "verdict_false":
                return Choice(e.pos, [t, Access(e.pos, "judge", [folio], succs=[f], fn=fn)])
            return Choice(e.pos, [Access(e.pos, "judge", [folio], succs=[t], fn=fn), f])
        if kind == "trylock":
            # as verdict_true; a migration holds its destination locked until its folio_unlock()
            folio = self.folio(a[0])
            t, f = k(X.const(True)), k(X.const(False))
            taken = (Choice(e.pos, [Access(e.pos, "judge", [folio], succs=[t], fn=fn), f]) if self.ghost
                     else Choice(e.pos, [t, f]))
            if not self.destination:
                return taken
            return Branch(e.pos, X.text("flock[{0}]", "bool", folio), f, taken)
        if kind == "folio_unlock":
            if not self.destination or self.p == P:
                return k(X.opaque())  # a shrinker's unlock: its trylock was a free choice
            return Access(e.pos, "folio_unlock", [self.folio(a[0])], succs=[k(X.opaque())], fn=fn)
        if kind == "remap":  # remove_migration_ptes(src, dst, 0)
            return Access(e.pos, "remap", [self.folio(a[1])], succs=[k(X.opaque())], fn=fn)
        if kind == "migrate_mapping":
            return self.migrate_mapping(e, k)
        if kind == "true":
            return k(X.const(True))
        if kind == "noop":
            return k(X.opaque())
        if kind == "false":
            return k(X.const(False))
        if kind == "refcount":
            return k(X.text("ref[{0}]", "int", self.folio(a[0])))
        if kind == "swapcache_test":
            return k(X.text("swc[{0}]", "bool", self.folio(a[0])))
        if kind == "large_test":
            return k(X.text('st[{0}] = "large"', "bool", self.folio(a[0])))
        if kind == "order":
            large = X.text('st[{0}] = "large"', "bool", self.folio(a[0]))
            return k(X.ite(large, X.const(9), X.const(0)))
        if kind == "identity":
            return self.value(a[0], k)
        if kind == "local_list":
            self.scope[a[0].id] = "list"
            return k(X.opaque())
        if kind == "swap":
            ra, rb = self.reg_of(a[0]), self.reg_of(a[1])
            tmp = self.new_tmp()
            second = Assign(e.pos, "reg", rb, V("tmp", (tmp,), "ptr"), k(X.opaque()))
            first = Assign(e.pos, "reg", ra, X.reg(rb, "ptr"), second)
            return Assign(e.pos, "tmp", tmp, X.reg(ra, "ptr"), first)
        if kind == "batch_init":
            return Assign(e.pos, "reg", "batch", X.const("<<>>", "seq"), k(X.opaque()))
        if kind == "batch_add":
            item = self.folio(a[1])
            return Assign(e.pos, "reg", "batch", X.text("Append({0}, {1})", "seq", X.reg("batch", "seq"), item),
                          k(X.opaque()))
        if kind == "batch_count":
            return k(X.text("Len({0})", "int", X.reg("batch", "seq")))
        if kind == "batch_space":
            return k(X.const(True))
        if kind == "write_once":
            raise e.pos.error("WRITE_ONCE() of this location is not modelled")
        if kind == "warn":
            # a checked assertion: if its condition holds, the fault is recorded (property NoWarn)
            if not a:
                raise e.pos.error(f"{e.fn}() needs a condition")
            name = warn_fault(e.fn, self.fn.name, e.pos.line)
            if name not in self.warnings:
                self.warnings.append(name)
            after = k(X.opaque())
            fire = Access(e.pos, "warn", [X.text(f'"{name}"', "str")], succs=[after], fn=fn)
            return self.cond(a[0], fire, after)
        raise e.pos.error(f"call {e.fn}() has table kind {kind!r}, which lower.py does not know")

    # -- list_lru (mm/list_lru.c): each helper as the accesses it makes (calls.def)
    def lru_head(self) -> V:
        """`&l->list` of the sublist this CPU has locked (register lr)."""
        return X.text(f"lr[{self.p}]", "node")

    def start_memcg(self, e) -> V:
        """A walk up the memcg tree starts at the folio's memcg: `&memcg` after
        `memcg = folio_memcg(folio)`, or `folio_memcg(folio)` itself."""
        if isinstance(e, S.Unary) and e.op == "&" and isinstance(e.arg, S.Name) and e.arg.id in self.memcg_of:
            e = self.memcg_of[e.arg.id]
        if isinstance(e, S.Call) and e.fn == "folio_memcg" and e.args:
            return X.text("MemcgOf[{0}]", "int", self.folio(e.args[0]))
        raise e.pos.error("the memcg here must be folio_memcg(folio), or &memcg after memcg = folio_memcg(folio)")

    def lru_lock(self, pos, start: V, k: Node) -> Node:
        """lock_list_lru_of_memcg(skip_empty=false): lock the sublist, and while it is dead
        (nr_items == LONG_MIN) unlock it and try the parent's."""
        lock = Access(pos, "lru_lock", [start], fn=self.fn.name)
        retry = Access(pos, "lru_retry", [], succs=[lock], fn=self.fn.name)
        lock.succs = [retry, k]
        return lock

    def lru_update(self, pos, item: V, add: bool, k: Callable[[V], Node]) -> Node:
        """__list_lru_add(): if (list_empty(item)) { list_add_tail(); nr_items++ };
        __list_lru_del(): if (!list_empty(item)) { list_del_init(); nr_items-- }."""
        fn, t, r = self.fn.name, self.new_tmp(), self.new_tmp()
        join = k(V("tmp", (r,), "bool"))
        yes = Assign(pos, "tmp", r, X.const(True), join)
        no = Assign(pos, "tmp", r, X.const(False), join)
        count = Access(pos, "nr_add", [X.const(1 if add else -1)], succs=[yes], fn=fn)
        if add:
            change = Access(pos, "list_add_tail", [item, self.lru_head()], succs=[count], fn=fn)
        else:
            change = Access(pos, "list_del_init", [item], succs=[count], fn=fn)
        empty = V("tmp", (t,), "bool")
        test = Branch(pos, empty if add else X.not_(empty), change, no)
        return Access(pos, "list_empty", [item], result=t, succs=[test], fn=fn)

    def list_lru(self, e: S.Call, kind: str, k: Callable[[V], Node]) -> Node:
        a, fn = e.args, self.fn.name
        if kind == "memcg_of":
            return k(X.text("MemcgOf[{0}]", "int", self.folio(a[0])))
        if kind == "container_of":
            return k(self.node(a[0]))
        if kind == "lru_lock":  # list_lru_lock*(lru, nid, &memcg[, &flags])
            return self.lru_lock(e.pos, self.start_memcg(a[2]), k(X.opaque()))
        if kind == "lru_unlock":
            return Access(e.pos, "lru_unlock", [], succs=[k(X.opaque())], fn=fn)
        if kind in ("lru_add", "lru_del"):  # __list_lru_add(lru, l, item, ...), __list_lru_del(lru, l, item, nid)
            return self.lru_update(e.pos, self.node(a[2]), kind == "lru_add", k)
        if kind == "lru_isolate":  # list_lru_isolate(l, item): list_del_init(); nr_items--
            count = Access(e.pos, "nr_add", [X.const(-1)], succs=[k(X.opaque())], fn=fn)
            return Access(e.pos, "list_del_init", [self.node(a[1])], succs=[count], fn=fn)
        if kind == "lru_isolate_move":  # list_lru_isolate_move(l, item, head): list_move(); nr_items--
            count = Access(e.pos, "nr_add", [X.const(-1)], succs=[k(X.opaque())], fn=fn)
            return Access(e.pos, "list_move", [self.node(a[1]), self.node(a[2])], succs=[count], fn=fn)
        if kind == "lru_add_irq":  # list_lru_add_irq(lru, item, nid, memcg): lock, __list_lru_add(), unlock
            item = self.node(a[1])
            unlock = Access(e.pos, "lru_unlock", [], succs=[k(X.opaque())], fn=fn)
            add = self.lru_update(e.pos, item, True, lambda v: unlock)
            return self.lru_lock(e.pos, self.start_memcg(a[3]), add)
        if kind == "lru_walk":  # list_lru_shrink_walk_irq(lru, sc, isolate, cb_arg)
            cb = a[2]
            if not isinstance(cb, S.Name) or cb.id not in self.functions:
                raise cb.pos.error("the isolate callback must be a function of the program")
            self._check_isolate(self.functions[cb.id])
            step = Access(e.pos, "lru_walk", [X.text(cb.id, "str"), self.node(a[3])],
                          succs=[k(X.opaque())], fn=fn)
            return step
        raise e.pos.error(f"call {e.fn}() has table kind {kind!r}, which lower.py does not know")

    def _check_isolate(self, cb: S.Function) -> None:
        """The walk's LRU_ROTATE/SKIP/RETRY/STOP arms are not modelled: a callback must
        return LRU_REMOVED on every path (deferred_split_isolate() does)."""
        work = [cb.body]
        while work:
            n = work.pop()
            if isinstance(n, S.Return) and not (isinstance(n.value, S.Name) and n.value.id == "LRU_REMOVED"):
                raise n.pos.error(f"{cb.name}(): only LRU_REMOVED is modelled as a list_lru callback's "
                                  "return (the walk's other arms are not)")
            if isinstance(n, list):
                work.extend(n)
            elif isinstance(n, S.Node):
                work.extend(v for v in vars(n).values() if isinstance(v, (S.Node, list)))

    @property
    def destination(self) -> bool:
        """Whether the version models migration's destination folio (`model: destination=folio`)."""
        return self.settings.get("destination") == "folio"

    def migrate_mapping(self, e: S.Call, k: Callable[[V], Node]) -> Node:
        """move_to_new_folio(dst, src, mode) of an anonymous folio: migrate_folio() ->
        __folio_migrate_mapping(NULL, dst, src, 1), the program's function, called.  Its
        return is modelled: 0 (MIGRATEPAGE_SUCCESS) or -EAGAIN, each to its continuation."""
        callee = "__folio_migrate_mapping"
        if callee not in self.functions:
            raise e.pos.error(f"{e.fn}() calls {callee}(), which this version does not have")
        dst, src = self.folio(e.args[0]), self.folio(e.args[1])
        tmp = self.new_tmp()
        after = k(V("tmp", (tmp,), "int"))
        ok = Assign(e.pos, "tmp", tmp, X.const(0), after)
        fail = Assign(e.pos, "tmp", tmp, X.const(-11), after)  # -EAGAIN
        step = Access(e.pos, "call", [src], succs=[ok, fail], fn=self.fn.name)
        step.callee = callee
        step.bind = {"mapping": False, "newfolio": dst}
        return step

    def call_modelled(self, e: S.Call, k: Callable[[V], Node]) -> Node:
        """A call of another function of the program (migration's unqueue): compiled on its
        own, its steps start where the call is and leave to what follows.  Its value is not
        modelled, so the caller may not test it."""
        if not e.args:
            raise e.pos.error(f"{e.fn}() takes the folio as its first argument")
        chain = self._calls_back(e.fn, [self.fn.name, e.fn])
        if chain:
            raise e.pos.error(f"recursion: {' -> '.join(chain)}()")
        step = Access(e.pos, "call", [self.folio(e.args[0])], succs=[k(X.opaque())], fn=self.fn.name)
        step.callee = e.fn
        step.bind = self._call_bindings(e)
        step.args += [v for v in step.bind.values() if isinstance(v, V)]  # read by the callee: live
        return step

    def _call_bindings(self, e: S.Call) -> dict:
        """The callee's parameters after its folio, from the caller's arguments: a constant
        stays one, a folio is passed as one, a bool register (migration's record) as its value."""
        params = self.functions[e.fn].params
        out: dict = {}
        for param, arg in zip(params[1:], e.args[1:]):
            if isinstance(arg, S.Name) and self.scope.get(arg.id, "").startswith(("reg:", "const:", "value")):
                v = self.name(arg)
                out[param] = v.args[0] if X.is_const(v) and v.ty == "bool" else v
            elif isinstance(arg, S.Name) and arg.id in ("true", "false"):
                out[param] = arg.id == "true"
        return out

    def _calls_back(self, name: str, chain: list[str]) -> list[str] | None:
        """A chain of calls of the program's functions from `name` back to one already in `chain`."""
        for callee in sorted(_called(self.functions[name].body) & set(self.functions)):
            if callee in chain:
                return chain + [callee]
            found = self._calls_back(callee, chain + [callee])
            if found:
                return found
        return None

    def folios_put(self, e: S.Call, k: Node) -> Node:
        """folios_put(&fbatch): folio_put() of each folio of the batch, then the batch is empty."""
        head = Nop(e.pos, None, "loop")
        bi = X.reg("bi", "int")
        done = Assign(e.pos, "reg", "batch", X.const("<<>>", "seq"),
                      Assign(e.pos, "reg", "bi", X.const(1), k))
        step = Assign(e.pos, "reg", "bi", X.add(bi, X.const(1)), head)
        put = Access(e.pos, "folio_put", [X.text(f"batch[{self.p}][{{0}}]", "ptr", bi)], succs=[step], fn="folios_put")
        head.succ = Branch(e.pos, X.compare("le", bi, X.text("Len({0})", "int", X.reg("batch", "seq"))), put, done)
        return Assign(e.pos, "reg", "bi", X.const(1), head)


def _called(node) -> set[str]:
    """The names of every function called anywhere in a syntax tree."""
    out: set[str] = set()
    work = [node]
    while work:
        n = work.pop()
        if isinstance(n, S.Call):
            out.add(n.fn)
        if isinstance(n, list):
            work.extend(n)
        elif isinstance(n, S.Node):
            work.extend(v for v in vars(n).values() if isinstance(v, (S.Node, list)))
    return out
