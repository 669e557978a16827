"""The bundled versions as C: specs/kernel/<version>/ holds the functions that
differ from the version it builds on, and a `version` file naming that base and
the commit.  A program is the union, later versions replacing functions of
the same name."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..locations import specs_dir
from . import syntax as S
from .emit import Emitter
from .errors import CError
from .lower import Lowering
from .parse import parse_c

KERNEL_DIR = specs_dir() / "kernel"  # the clone's specs/, or the wheel's package data


def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(KERNEL_DIR.parent.parent))
    except ValueError:
        return str(path)


def version_meta(version: str) -> dict[str, str]:
    meta_path = KERNEL_DIR / version / "version"
    meta = {}
    for line in meta_path.read_text().splitlines():
        if ":" in line and not line.startswith("#"):
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
    return meta


def version_files(version: str) -> list[Path]:
    """The .c files of `version` and of every version under it, base first."""
    chain = []
    name: str | None = version
    while name:
        if not (KERNEL_DIR / name).is_dir():
            raise FileNotFoundError(name)
        chain.append(name)
        name = version_meta(name).get("base") or None
    files = []
    for name in reversed(chain):
        files += sorted((KERNEL_DIR / name).glob("*.c"))
    return files


def program(files: list[tuple[str, str]], replacing: bool = False,
            base: dict[str, S.Function] | None = None) -> dict[str, S.Function]:
    """Functions by name from (display name, text) pairs; later files replace earlier ones.
    With `replacing`, every function must already exist in `base` (a hypothesis or patch)."""
    out = dict(base or {})
    for name, text in files:
        for fn in parse_c(text, name):
            if replacing and fn.name not in out:
                raise CError(fn.pos.file, fn.pos.line, fn.pos.col,
                             f"function {fn.name}() is not in the base version ({', '.join(sorted(out))})")
            out[fn.name] = fn
    return out


@lru_cache(maxsize=64)
def _bundled(version: str) -> tuple:
    files = version_files(version)
    return tuple((display(p), p.read_text()) for p in files)


def bundled_program(version: str) -> dict[str, S.Function]:
    return program(list(_bundled(version)))


def settings_of(version: str) -> dict:
    chain_settings: dict = {}
    name: str | None = version
    metas = []
    while name:
        meta = version_meta(name)
        metas.append(meta)
        name = meta.get("base") or None
    for meta in reversed(metas):
        for word in meta.get("model", "").split():
            key, _, value = word.partition("=")
            chain_settings[key] = value
    return chain_settings


def compile_function(functions: dict[str, S.Function], name: str, settings: dict,
                     entry_label: str = "sh_entry", exit_label: str = "sh_done", prefix: str = "sh",
                     p: str = "s", domain: str = "Shrinkers", folio: str | None = None,
                     warnings: list[str] | None = None, exits: dict | None = None,
                     first: dict | None = None, bind: dict | None = None) -> str:
    """Jinja text (calls of kernel.tla.j2's macros) for C function `name`.  `folio` binds
    the function's folio parameter (`folio`, else its first) to a TLA+ expression, for a
    called function; `bind` gives others a value, and the rest are true
    (deferred_split_folio(folio, partially_mapped): the unmap's call)."""
    if name not in functions:
        raise KeyError(name)
    fn = functions[name]
    folio_param = "folio" if "folio" in fn.params else (fn.params[0] if fn.params else None)
    bindings: dict = {}
    for param in fn.params:
        if param == folio_param and folio is not None:
            bindings[param] = folio
        elif param != folio_param or folio is None and param != fn.params[0]:
            bindings[param] = (bind or {}).get(param, True)
    try:
        lowering = Lowering(functions, settings, p, bindings, keep_returns=exits is not None,
                            success_nonzero=bool(exits and exits.get("success") == "nonzero"))
        entry, _ = lowering.function(name)
        if warnings is not None:
            warnings.extend(w for w in lowering.warnings if w not in warnings)
        emitter = Emitter(entry, name, entry_label, exit_label, prefix, p, domain)
        emitter.flag_uaf = settings.get("flag_uaf") == "on"
        if exits is not None:  # {"ok": label, "fail": label, "extra": TLA+ or None, "extra_changed": [...]}
            emitter.exits = exits
            emitter.ok_extra = (exits["extra"], exits["extra_changed"]) if exits.get("extra") else None
        if first:
            emitter.entry_at, emitter.entry_guard, emitter.retry = first["at"], first["guard"], first["retry"]
            emitter.exit_extra = first.get("after")
        return emitter.emit()
    except CError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as err:
        # a construct the compiler has no rule for yet: still one line, at the function
        raise fn.pos.error(f"cannot compile {name}(): unsupported use of a value here "
                           f"({type(err).__name__}: {err})") from None
