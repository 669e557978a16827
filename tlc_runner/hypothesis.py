"""Hypothesis files: a question about the kernel as a small file.

C hypotheses (.c files replacing functions, and .diff patches of a version's C)
are loaded by kernel_c/hypothesis_c.py; this module keeps their common header,
and the Jinja form for what is not C:

A hypothesis starts with a header in a Jinja comment, then extends a variant
and overrides some of its named blocks (the extension points of
docs/hypotheses.md), like an LKMM litmus test with its expected result in
the header:

    {#-
    name: len-unlocked
    description: fixed, but split_queue_len-- right after the unlocked delete
    base: fixed
    expect: violates LenAccurate
    options: procs=2 folios=2 actors=free,migrate atomic-init properties=LenAccurate
    source: Hugh Dickins, 2024-10-25: "I was wrong to suggest updating split_queue_len without the lock"
    -#}
    {% extends base %}
    {% block migrate_path %} ... {% endblock %}

Every error names the file and the line: a bad header, an unknown extension
point, a Jinja error, or TLA+ that SANY rejects (mapped back from the
rendered module).
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from jinja2 import nodes

from jinja2.sandbox import SecurityError

from .errors import UsageError
from .locations import checkout_root
from .model_options import ACTORS, ALL_PROPERTIES, GRANULARITIES, ModelOptions
from .render import SPECS_DIR, HypothesisSource, RenderedSpec, environment, render, variant_template
from .variants import VARIANTS

BUNDLED_DIR = SPECS_DIR / "hypotheses"
HEADER_KEYS = {"name", "description", "base", "expect", "options", "settings", "source"}
REQUIRED_KEYS = {"name", "description", "base", "expect", "source"}
MAX_NAME = 64
SETTINGS = {"careful_init": bool}


@dataclass(frozen=True)
class Expectation:
    """holds; violates one of `properties`; or unknown (an exploratory question)."""

    kind: str  # "holds", "violates", "unknown"
    properties: tuple[str, ...] = ()

    def judge(self, violated: str | None) -> bool | None:
        if self.kind == "unknown":
            return None
        if self.kind == "holds":
            return violated is None
        return violated is not None and (not self.properties or violated in self.properties)

    def __str__(self) -> str:
        return self.kind if self.kind != "violates" else f"violates {'|'.join(self.properties) or 'any'}"


def parse_expectation(text: str, where: str = "") -> Expectation:
    words = text.replace(",", " ").replace("|", " ").split()
    if not words or words[0] not in ("holds", "violates", "unknown"):
        raise UsageError(f"{where}expect must be 'holds', 'violates PROPERTY[, ...]' or 'unknown', got {text!r}")
    bad = [w for w in words[1:] if w not in ALL_PROPERTIES]
    if bad or (words[0] != "violates" and words[1:]):
        raise UsageError(f"{where}unknown property {bad[0] if bad else words[1]!r} in expect")
    return Expectation(words[0], tuple(words[1:]))


def parse_options(text: str, where: str = "") -> dict:
    """`procs=2 folios=3 actors=free,migrate atomic-init properties=LenAccurate,...`"""
    out: dict = {}
    for word in text.split():
        key, _, value = word.partition("=")
        try:
            if key in ("procs", "folios", "shrinkers"):
                out[key] = int(value)
            elif key == "actors":
                out["actors"] = tuple(a for a in value.split(",") if a)
            elif key in ("properties", "property"):
                out["properties"] = tuple(p for p in value.split(",") if p)
            elif key == "atomic-init" and not value:
                out["atomic_init"] = True
            elif key == "granularity" and value in GRANULARITIES:
                out["granularity"] = value
            else:
                raise ValueError
        except ValueError:
            raise UsageError(f"{where}bad option {word!r} (procs=, folios=, shrinkers=, "
                             f"actors={','.join(ACTORS)}, properties=, atomic-init, granularity=)") from None
    return out


def parse_settings(text: str, where: str = "") -> dict:
    out: dict = {}
    for word in text.split():
        key, _, value = word.partition("=")
        if key not in SETTINGS or value not in ("true", "false"):
            raise UsageError(f"{where}unknown setting {word!r} (known: {', '.join(f'{k}=true|false' for k in SETTINGS)})")
        out[key] = value == "true"
    return out


@dataclass
class Hypothesis:
    path: Path
    name: str
    description: str
    base: str
    expect: Expectation
    source: str
    options: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    text: str = ""  # the file as read once by load_hypothesis: what is rendered
    kind: str = "jinja"  # "jinja", "c" (functions replacing the base's) or "patch" (a diff of the base's C)

    def source_for_render(self) -> HypothesisSource:
        return HypothesisSource(self.text, str(self.path))

    def model_options(self, **overrides) -> ModelOptions:
        values = {"variant": self.base, **self.options, **{k: v for k, v in overrides.items() if v is not None}}
        return ModelOptions(hypothesis=self.name, hypothesis_file=_display_path(self.path),
                            settings=dict(self.settings), **values)


def _display_path(path: Path) -> str:
    """Relative to the checkout when it is inside it, so reproduce commands are portable."""
    root = checkout_root()
    try:
        return str(path.resolve().relative_to(root)) if root else str(path)
    except ValueError:
        return str(path)


def _read_text(path: Path) -> str:
    """The file as UTF-8 text; anything else is an input error naming the line."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise UsageError(f"{path}: cannot read hypothesis file: {err.strerror}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise UsageError(f"{path}:{line}: not UTF-8 text (byte 0x{data[err.start]:02x}); "
                         f"a hypothesis is a text file (C, a patch, or Jinja)") from None


def load_hypothesis(path: Path, base: str | None = None) -> Hypothesis:
    if not path.is_file():
        raise UsageError(f"hypothesis file {path} not found")
    if path.suffix in (".c", ".diff", ".patch"):
        return _load_c(path, base)
    text = _read_text(path)
    match = re.match(r"\s*\{#-?(.*?)-?#\}", text, re.S)
    if not match:
        raise UsageError(f"{path}:1: a hypothesis starts with a header comment {{#- name: ... -#}}")
    first_line = text[: match.start(1)].count("\n") + 1
    header: dict[str, str] = {}
    key = None
    for offset, line in enumerate(match.group(1).split("\n")):
        where = f"{path}:{first_line + offset}: "
        if not line.strip():
            continue
        field_match = re.match(r"^\s*([a-z_]+):\s*(.*)$", line)
        if field_match and field_match.group(1) in HEADER_KEYS:
            key = field_match.group(1)
            header[key] = field_match.group(2).strip()
        elif field_match:
            raise UsageError(f"{where}unknown header key {field_match.group(1)!r} (known: {', '.join(sorted(HEADER_KEYS))})")
        elif key and line.startswith((" ", "\t")):
            header[key] += " " + line.strip()
        else:
            raise UsageError(f"{where}expected 'key: value' in the header")
    return _from_header(path, header, f"{path}:{first_line}: ", text, "jinja")


def _from_header(path: Path, header: dict[str, str], where: str, text: str, kind: str) -> Hypothesis:
    """The checks every kind of hypothesis file shares, then the Hypothesis itself."""
    missing = sorted(REQUIRED_KEYS - set(header))
    if missing:
        raise UsageError(f"{where}header lacks {', '.join(missing)}"
                         + (" (give --base)" if "base" in missing and kind != "jinja" else ""))
    if not 0 < len(header["name"]) <= MAX_NAME:  # it names the module, files and run folders
        raise UsageError(f"{where}name must be 1..{MAX_NAME} characters, not {len(header['name'])}")
    if header["base"] not in VARIANTS:
        raise UsageError(f"{where}base {header['base']!r} is not a variant ({', '.join(VARIANTS)})")
    return Hypothesis(path, header["name"], header["description"], header["base"],
                      parse_expectation(header["expect"], where), header["source"],
                      parse_options(header.get("options", ""), where),
                      parse_settings(header.get("settings", ""), where), text, kind)


def _load_c(path: Path, base: str | None) -> Hypothesis:
    """A C hypothesis (.c) or a patch (.diff/.patch) of the base version's C files."""
    from .kernel_c.hypothesis_c import c_header, patch_header

    is_patch = path.suffix != ".c"
    text = _read_text(path)
    header, first = (patch_header if is_patch else c_header)(text, str(path))
    where = f"{path}:{first}: "
    if base:
        header["base"] = base
    if is_patch:
        header.setdefault("name", path.stem)
        header.setdefault("description", f"{header.get('base', '?')} with {path.name} applied")
        header.setdefault("expect", "unknown")
        header.setdefault("source", str(path))
    return _from_header(path, header, where, text, "patch" if is_patch else "c")


def bundled_hypotheses() -> list[Hypothesis]:
    paths = [p for ext in ("*.tla.j2", "*.c", "*.diff") for p in BUNDLED_DIR.glob(ext)]
    return [load_hypothesis(p) for p in sorted(paths, key=lambda p: p.name)]


def _blocks_and_parent(env: jinja2.Environment, name: str) -> tuple[set[str], str | None]:
    source, _, _ = env.loader.get_source(env, name)
    tree = env.parse(source)
    blocks = {b.name for b in tree.find_all(nodes.Block)}
    parent = next((e.template.value for e in tree.find_all(nodes.Extends)
                   if isinstance(e.template, nodes.Const)), None)
    return blocks, parent


def extension_points(env: jinja2.Environment, template: str) -> set[str]:
    """Every block of `template` and the templates it extends."""
    found: set[str] = set()
    name: str | None = template
    while name:
        blocks, name = _blocks_and_parent(env, name)
        found |= blocks
    return found


def _jinja_line(err: Exception, path: Path) -> int | None:
    if isinstance(err, jinja2.TemplateSyntaxError) and err.lineno:
        if err.filename and Path(err.filename).resolve() != path.resolve():
            return None
        return err.lineno
    for frame in reversed(traceback.extract_tb(err.__traceback__)):
        if frame.filename == str(path):
            return frame.lineno
    return None


def _where(err: Exception, path: Path) -> str:
    line = _jinja_line(err, path)
    return f"{path}:{line}" if line else str(path)


def render_hypothesis(hyp: Hypothesis, opts: ModelOptions) -> RenderedSpec:
    """Render in the sandbox; any error, unsafe access or runaway recursion names file:line."""
    if hyp.kind != "jinja":
        from .kernel_c.hypothesis_c import hypothesis_functions, patched_functions

        make = patched_functions if hyp.kind == "patch" else hypothesis_functions
        functions = make(hyp.path, hyp.text, hyp.base)
        try:
            spec = render(opts, extra_context={"c_functions": functions, "c_version": hyp.base})
        except KeyError as err:
            raise UsageError(f"{hyp.path}: the model has no function {err.args[0]}()") from None
        spec.facts["hypothesis_file"] = str(hyp.path)
        spec.facts["expect"] = " ".join([hyp.expect.kind, ",".join(hyp.expect.properties)]).strip()
        return spec
    base = variant_template(hyp.base)
    env = environment(hyp.source_for_render())
    known = extension_points(env, base)
    try:
        tree = env.parse(hyp.text, filename=str(hyp.path))
    except jinja2.TemplateSyntaxError as err:
        raise UsageError(f"{hyp.path}:{err.lineno}: Jinja: {err.message}") from None
    for block in tree.find_all(nodes.Block):
        if block.name not in known:
            raise UsageError(f"{hyp.path}:{block.lineno}: unknown extension point {block.name!r} "
                             f"(blocks of {hyp.base}: {', '.join(sorted(known))})")
    try:
        spec = render(opts, hyp.source_for_render(), {"base": base})
    except SecurityError as err:
        raise UsageError(f"{_where(err, hyp.path)}: not allowed in a hypothesis: {err}") from None
    except (MemoryError, ArithmeticError) as err:
        raise UsageError(f"{_where(err, hyp.path)}: Jinja: {type(err).__name__}: {err}") from None
    except RecursionError as err:
        raise UsageError(f"{_where(err, hyp.path)}: Jinja: a macro or block calls itself "
                         f"without end") from None
    except (jinja2.TemplateError, ValueError, TypeError, AttributeError) as err:
        raise UsageError(f"{_where(err, hyp.path)}: Jinja: {getattr(err, 'message', None) or err}") from None
    spec.facts["hypothesis_file"] = str(hyp.path)
    spec.facts["expect"] = " ".join([hyp.expect.kind, ",".join(hyp.expect.properties)]).strip()
    return spec


_SANY_LOCATION = re.compile(r"line (\d+), col(?:umn)? (\d+)")


def sany_location(tlc_output: str, rendered_tla: str, hyp_path: Path) -> str:
    """Where SANY's complaint points, in the hypothesis file if its text comes from there."""
    body = re.sub(r"@!@!@(START|END)MSG[^\n]*\n", "", tlc_output)
    start = body.find("***Parse Error***")
    if start < 0:
        start = body.find("*** Errors")
    excerpt = body[start:] if start >= 0 else body
    match = _SANY_LOCATION.search(excerpt)
    message = next((l.strip() for l in excerpt.splitlines()[1:]
                    if l.strip() and not l.startswith("line ") and "Errors" not in l), "")
    if not match:
        return f"{hyp_path}: SANY rejected the rendered spec: {message}"
    tla_line = int(match.group(1))
    lines = rendered_tla.splitlines()
    text = lines[tla_line - 1].strip() if 0 < tla_line <= len(lines) else ""
    source = _read_text(hyp_path).splitlines()
    for number, line in enumerate(source, start=1):
        if text and text[:40] in line:
            return f"{hyp_path}:{number}: SANY: {message} (rendered line {tla_line}: {text[:60]})"
    return f"{hyp_path}: SANY: {message} (rendered line {tla_line}: {text[:60]})"
