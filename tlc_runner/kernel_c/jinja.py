"""The bridge to the templates: `{{ kernel_c("deferred_split_scan") }}` in a variant
template compiles that C function of the model's program and renders the Jinja
text it becomes in the caller's context (opts, kv, R, settings), so the
SpecBuilder registers every action as it does for hand-written steps."""

from __future__ import annotations

from typing import Callable

import jinja2

from . import syntax as S
from .sources import compile_function

HEADER = ('{%- import "templates/kernel.tla.j2" as K with context -%}\n'
          '{%- import "templates/list_lru.tla.j2" as L with context -%}\n')


def kernel_c_hook(env: jinja2.Environment, context: dict, functions: dict[str, S.Function],
                  settings: dict, warnings: list[str]) -> Callable[[str], str]:
    active: list[str] = []  # the functions being compiled, caller first

    def kernel_c(name: str, lbl: str | None = None, p: str = "s", domain: str = "Shrinkers",
                 folio: str | None = None, to: str | None = None, ok: str | None = None,
                 fail: str | None = None, extra: str | None = None, extra_changed: list | None = None,
                 at: list | None = None, guard: str | None = None, retry: bool = False,
                 bind: dict | None = None, after: str | None = None, after_changed: list | None = None,
                 success: str = "zero") -> str:
        """The whole shrinker (`kernel_c(name)`), or a call of a folio function from a
        kernel.tla.j2 macro or an owner path: its steps start at `lbl` (or, with `at`, at
        those caller labels under `guard`) and leave to `to`.  With `retry`, a failing
        return from the first step is no step (the caller retries); `ok` is where a
        successful return leaves to.  `bind` gives values of parameters other than the
        folio (`{"mapping": False}`: an anonymous folio).  `after`: the caller's register
        work, folded into the function's last step (the free of __folio_put()).  `success`:
        "zero" (0 is `ok`, as migration's MIGRATEPAGE_SUCCESS) or "nonzero" (__remove_mapping())."""
        if name in active:  # a called function calling back: each call compiles the callee anew
            pos = functions[name].pos
            raise pos.error(f"recursion: {' -> '.join(active + [name])}()")
        active.append(name)
        builder = context["R"]
        builder.enter(name, lbl or "sh_entry")
        try:
            return _compile(name, lbl, p, domain, folio, to, ok, fail, extra, extra_changed, at, guard, retry, bind,
                            after, after_changed, success)
        finally:
            builder.leave()
            active.pop()

    def _compile(name, lbl, p, domain, folio, to, ok, fail, extra, extra_changed, at, guard, retry, bind,
                 after, after_changed, success) -> str:
        if lbl is None:
            text = compile_function(functions, name, settings, warnings=warnings)
        else:
            exits = ({"ok": ok, "fail": fail, "extra": extra, "extra_changed": list(extra_changed or []),
                      "success": success}
                     if ok is not None else None)
            first = {"at": at, "guard": guard or None, "retry": retry,
                     "after": (after, list(after_changed or [])) if after else None}
            text = compile_function(functions, name, settings, lbl, to or "", f"{lbl}_", p, domain, folio,
                                    warnings, exits, first, bind or {})
        return env.from_string(HEADER + text).render(context)

    return kernel_c
