"""Render a variant (or hypothesis) template into a standalone .tla + .cfg pair.

The pair needs nothing but TLC: `java -cp tla2tools.jar tlc2.TLC -config M.cfg M.tla`
runs it, and it opens in the TLA+ VS Code extension.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from .errors import UsageError
from .locations import specs_dir, template_cache_dir
from .model_options import ModelOptions
from .c_header import c_header
from .constant_vars import lift as lift_constants
from .model_state import idle_labels
from .spec_builder import SpecBuilder
from .tla_format import box, fold_cfg_comments, fold_module, module_rule
from .variants import VARIANTS

SPECS_DIR = specs_dir()
C_HEADER_MARK = "(* dsqspec: the C header goes here *)"
HYPOTHESIS_TEMPLATE = "<hypothesis>"

SPEC_VARIABLES = [
    "nxt", "prv", "lock", "len", "ref", "st", "pm", "swc", "cand", "pc", "ra", "rb", "rc", "rn",
    "cur", "nx", "sprev", "removed", "batch", "bi", "nr", "faults", "evt",
]
LRU_VARIABLES = ["lrulock", "nritems", "lr"]  # list_lru versions: templates/list_lru.tla.j2
# only in versions whose C models migration's destination folio (`model: destination=folio`)
DESTINATION_VARIABLES = ["flock", "sdq", "spm"]


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


class _TolerantBytecodeCache(jinja2.FileSystemBytecodeCache):
    """A cache folder that cannot be read or written is no cache, not a crash."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable or corrupt entry: compile afresh
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates under $XDG_CACHE_HOME/dsqspec/jinja: each check saves recompiling them.
    Jinja keys the cache on the template source, so an edited template is recompiled.
    DSQSPEC_NO_TEMPLATE_CACHE (any non-empty value) turns it off."""
    if os.environ.get("DSQSPEC_NO_TEMPLATE_CACHE"):
        return None
    root = template_cache_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _TolerantBytecodeCache(str(root))


@dataclass(frozen=True)
class HypothesisSource:
    """A hypothesis file's text, read once, and the path its errors are reported against."""

    text: str
    filename: str


class ModelLoader(jinja2.BaseLoader):
    """The bundled templates, and the one hypothesis being rendered under HYPOTHESIS_TEMPLATE.

    Nothing else is served: a stray DeferredSplit.tla.j2 or templates/ folder next to
    a hypothesis can never stand in for the model."""

    def __init__(self, hypothesis: HypothesisSource | None = None) -> None:
        self._bundled = jinja2.FileSystemLoader(str(SPECS_DIR))
        self._hypothesis = hypothesis

    def get_source(self, environment: jinja2.Environment, template: str):
        if self._hypothesis is not None and template == HYPOTHESIS_TEMPLATE:
            return self._hypothesis.text, self._hypothesis.filename, lambda: True
        try:
            return self._bundled.get_source(environment, template)
        except jinja2.TemplateNotFound:
            raise jinja2.TemplateNotFound(
                template, f"{template!r} is not one of dsqspec's templates (a hypothesis may "
                          f"import or include only those)") from None


class ModelSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, plus bounds on the two operators that turn a short line
    into a value too big to build (`"x" * 10**12`, `9 ** 9 ** 9`)."""

    intercepted_binops = frozenset({"*", "**"})
    MAX_ITEMS = 1_000_000
    MAX_BITS = 1 << 16

    def call_binop(self, context, operator: str, left, right):
        if operator == "**" and _is_int(left) and _is_int(right) and abs(left) > 1 \
                and right * left.bit_length() > self.MAX_BITS:
            raise SecurityError(f"{left} ** {right} is too large to compute")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and _is_int(count) \
                        and len(seq) * count > self.MAX_ITEMS:
                    raise SecurityError(f"repeating a {type(seq).__name__} {count} times is too large")
        return super().call_binop(context, operator, left, right)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def environment(hypothesis: HypothesisSource | None = None) -> jinja2.Environment:
    """A sandbox: templates (a shared hypothesis above all) reach no Python internals,
    mutate no container they are given, and read no file but the bundled templates."""
    return ModelSandbox(
        loader=ModelLoader(hypothesis),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=_bytecode_cache(),
    )


# The versions written as C: every folder of specs/kernel/ with a `version` file.
C_VARIANTS = frozenset(d.name for d in (SPECS_DIR / "kernel").iterdir() if (d / "version").is_file())


def has_destination(opts: ModelOptions, c_version: str | None = None) -> bool:
    """Whether the version's C models migration's destination folio (its `version` file, or
    that of the version a hypothesis builds on, says `model: destination=folio`)."""
    from .kernel_c.sources import settings_of

    if opts.variant not in C_VARIANTS:
        return False
    return settings_of(c_version or opts.variant).get("destination") == "folio"


def variant_template(name: str) -> str:
    return f"templates/variants/{name}.tla.j2"


def render(opts: ModelOptions, hypothesis: HypothesisSource | None = None,
           extra_context: dict | None = None, fold: bool = True) -> RenderedSpec:
    """Render `opts.variant`'s template, or the hypothesis (which extends a variant).
    `fold`: lines longer than 100 columns folded (tla_format.py); off only to compare."""
    variant = VARIANTS[opts.variant]
    env = environment(hypothesis)
    dst = has_destination(opts, (extra_context or {}).get("c_version"))
    builder = SpecBuilder(SPEC_VARIABLES + (LRU_VARIABLES if variant.list_lru else [])
                          + (DESTINATION_VARIABLES if dst else []))
    module = opts.module_name()
    context = {
        "opts": opts,
        "variant": variant,
        "kv": {**variant.kernel_facts(), "dst": dst},
        "R": builder,
        "module": module,
        "settings": opts.settings,
        "owner_idle": idle_labels(dst, variant.list_lru),
        "tla_box": box,
        "module_rule": module_rule,
        **(extra_context or {}),
    }
    context["warnings"] = []  # fault names of the compiled C's WARN_ON()s, for NoWarn
    functions = _program(context, opts)
    context["kernel_c"] = _kernel_c(env, context, opts, functions)
    context["c_header"] = C_HEADER_MARK
    template = HYPOTHESIS_TEMPLATE if hypothesis else variant_template(opts.variant)
    tla = env.get_template(template).render(context)
    tla = tla.replace(C_HEADER_MARK, c_header(builder, functions, opts.hypothesis or opts.variant), 1)
    tla, constants = lift_constants(tla)
    if fold:
        tla = fold_module(tla)
    cfg = env.get_template("templates/model.cfg.j2").render(context)
    if fold:
        cfg = fold_cfg_comments(cfg)
    return RenderedSpec(module, tla, cfg, {**model_facts(opts, builder, dst), "constants": constants})


def _program(context: dict, opts: ModelOptions) -> dict:
    """The C functions of the model's program (a C hypothesis or patch passes its own in
    `c_functions`)."""
    from .kernel_c.sources import bundled_program

    functions = context.get("c_functions")
    if functions is None:
        functions = bundled_program(opts.variant) if opts.variant in C_VARIANTS else {}
    return functions


def _kernel_c(env: jinja2.Environment, context: dict, opts: ModelOptions, functions: dict):
    """`kernel_c(name)` for the templates: compile that function of the model's program."""
    from .kernel_c.jinja import kernel_c_hook
    from .kernel_c.sources import settings_of

    settings = settings_of(context.get("c_version", opts.variant)) if opts.variant in C_VARIANTS else {}
    # the ghost of NoLostSplit: its writes are compiled only where the property is checked
    ghost = "NoLostSplit" in opts.properties
    return kernel_c_hook(env, context, functions, {**settings, "ghost": "on" if ghost else "off"},
                         context["warnings"])


def model_facts(opts: ModelOptions, builder: SpecBuilder, dst: bool = False) -> dict:
    """What the timeline needs to know about a rendered model, kept in run.json."""
    variant = VARIANTS[opts.variant]
    sources = [f"F{i}" for i in range(1, opts.folios + 1)]
    return {
        "variant": opts.variant,
        "hypothesis": opts.hypothesis,
        "procs": opts.procs,
        "shrinkers": [f"S{i}" for i in range(1, opts.shrinkers + 1)],
        "folios": sources + ([f"G{i}" for i in range(1, opts.folios + 1)] if dst else []),
        "properties": list(opts.properties),
        "mid_labels": list(builder.mid_labels),
        "post_labels": list(builder.post_labels),
        "local_list": variant.local_list,
        "sublists": ["Q"] + [f"Q{m}" for m in range(2, opts.memcgs + 1)] if variant.list_lru else ["Q"],
        "list_lru": variant.list_lru,
        "offliners": ["R"] if "reparent" in opts.actors else [],
        "has_pm": variant.has_partially_mapped,
        "owner_idle": idle_labels(dst, variant.list_lru),
        "command": ["dsqspec", "check", *opts.cli_args()],
    }
