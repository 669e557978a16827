"""The bridge to the templates: `{{ kernel_c("deferred_split_scan") }}` in a variant
template compiles that C function of the model's program and renders the Jinja
text it becomes in the caller's context (opts, kv, R, settings), so the
SpecBuilder registers every action as it does for hand-written steps."""

from __future__ import annotations

from typing import Callable

import jinja2

from . import syntax as S
from .sources import compile_function

HEADER = '{%- import "templates/kernel.tla.j2" as K with context -%}\n'


def kernel_c_hook(env: jinja2.Environment, context: dict, functions: dict[str, S.Function],
                  settings: dict, warnings: list[str]) -> Callable[[str], str]:
    def kernel_c(name: str, lbl: str | None = None, p: str = "s", domain: str = "Shrinkers",
                 folio: str | None = None, to: str | None = None, ok: str | None = None,
                 fail: str | None = None, extra: str | None = None, extra_changed: list | None = None) -> str:
        """The whole shrinker (`kernel_c(name)`), or a call of a folio function from a
        kernel.tla.j2 macro: its steps start at `lbl` and leave to `to`."""
        if lbl is None:
            text = compile_function(functions, name, settings, warnings=warnings)
        else:
            exits = ({"ok": ok, "fail": fail, "extra": extra, "extra_changed": list(extra_changed or [])}
                     if ok is not None else None)
            text = compile_function(functions, name, settings, lbl, to or "", f"{lbl}_", p, domain, folio,
                                    warnings, exits)
        return env.from_string(HEADER + text).render(context)

    kernel_c.has = lambda name: name in functions  # type: ignore[attr-defined]
    return kernel_c
