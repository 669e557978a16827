"""Render a variant (or hypothesis) template into a standalone .tla + .cfg pair.

The pair needs nothing but TLC: `java -cp tla2tools.jar tlc2.TLC -config M.cfg M.tla`
runs it, and it opens in the TLA+ VS Code extension.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import jinja2

from .errors import UsageError
from .model_options import ModelOptions
from .spec_builder import SpecBuilder
from .variants import VARIANTS

SPECS_DIR = Path(__file__).resolve().parent.parent / "specs"

SPEC_VARIABLES = [
    "nxt", "prv", "lock", "len", "ref", "st", "pm", "pc", "ra", "rb", "rc", "rn",
    "cur", "nx", "sprev", "removed", "batch", "bi", "nr", "faults", "evt",
]


@dataclass(frozen=True)
class RenderedSpec:
    module: str
    tla: str
    cfg: str
    facts: dict

    @property
    def mid_labels(self) -> tuple[str, ...]:
        return tuple(self.facts["mid_labels"])

    def write(self, folder: Path) -> tuple[Path, Path]:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tla_path = folder / f"{self.module}.tla"
            cfg_path = folder / f"{self.module}.cfg"
            tla_path.write_text(self.tla)
            cfg_path.write_text(self.cfg)
        except OSError as err:
            raise UsageError(f"cannot write to output folder {folder}: {err.strerror}") from err
        return tla_path, cfg_path


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates under $XDG_CACHE_HOME/dsqspec: each check saves recompiling them.
    Jinja keys the cache on the template source, so an edited template is recompiled."""
    root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "dsqspec" / "jinja"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(root))


def environment(extra_dirs: list[Path]) -> jinja2.Environment:
    loader = jinja2.FileSystemLoader([str(d) for d in extra_dirs] + [str(SPECS_DIR)])
    return jinja2.Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=_bytecode_cache(),
    )


C_VARIANTS = {"v6.11", "underused", "safe-prev", "fixed", "locked", "folio-batch"}


def variant_template(name: str) -> str:
    return f"templates/variants/{name}.tla.j2"


def render(opts: ModelOptions, template: str | None = None,
           extra_dirs: list[Path] | None = None, extra_context: dict | None = None) -> RenderedSpec:
    """Render `opts.variant`'s template (or `template`, e.g. a hypothesis found in extra_dirs)."""
    variant = VARIANTS[opts.variant]
    env = environment(extra_dirs or [])
    builder = SpecBuilder(SPEC_VARIABLES)
    module = opts.module_name()
    context = {
        "opts": opts,
        "variant": variant,
        "kv": variant.kernel_facts(),
        "R": builder,
        "module": module,
        "settings": opts.settings,
        **(extra_context or {}),
    }
    context["warnings"] = []  # fault names of the compiled C's WARN_ON()s, for NoWarn
    context["kernel_c"] = _kernel_c(env, context, opts)
    tla = env.get_template(template or variant_template(opts.variant)).render(context)
    cfg = env.get_template("templates/model.cfg.j2").render(context)
    return RenderedSpec(module, tla, cfg, model_facts(opts, builder))


def _kernel_c(env: jinja2.Environment, context: dict, opts: ModelOptions):
    """`kernel_c(name)` for the templates: compile the C of the model's program (a C
    hypothesis or patch passes its own in `c_functions`)."""
    from .kernel_c.jinja import kernel_c_hook
    from .kernel_c.sources import bundled_program, settings_of

    functions = context.get("c_functions")
    if functions is None:
        functions = bundled_program(opts.variant) if opts.variant in C_VARIANTS else {}
    return kernel_c_hook(env, context, functions, settings_of(context.get("c_version", opts.variant))
                         if opts.variant in C_VARIANTS else {}, context["warnings"])


def model_facts(opts: ModelOptions, builder: SpecBuilder) -> dict:
    """What the timeline needs to know about a rendered model, kept in run.json."""
    variant = VARIANTS[opts.variant]
    return {
        "variant": opts.variant,
        "hypothesis": opts.hypothesis,
        "procs": opts.procs,
        "shrinkers": [f"S{i}" for i in range(1, opts.shrinkers + 1)],
        "folios": [f"F{i}" for i in range(1, opts.folios + 1)],
        "properties": list(opts.properties),
        "mid_labels": list(builder.mid_labels),
        "post_labels": list(builder.post_labels),
        "local_list": variant.local_list,
        "command": ["dsqspec", "check", *opts.cli_args()],
    }
