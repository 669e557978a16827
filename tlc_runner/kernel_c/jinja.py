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
                  settings: dict) -> Callable[[str], str]:
    def kernel_c(name: str) -> str:
        text = compile_function(functions, name, settings)
        return env.from_string(HEADER + text).render(context)

    return kernel_c
