"""The bundled versions as C: specs/kernel/<version>/ holds the functions that
differ from the version it builds on, and a `version` file naming that base and
the commit.  A program is the union, later versions replacing functions of
the same name.  A version that changes a few lines of a function may say so as
a unified diff (`*.diff`, as the commit mails it) of its base's file instead of
a whole copy."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..locations import specs_dir
from . import syntax as S
from .emit import Emitter
from .errors import CError
from .lower import Lowering
from .parse import parse_c
from .patch import apply_patch

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


def version_chain(version: str) -> list[str]:
    """`version` and every version under it, base first."""
    chain = []
    name: str | None = version
    while name:
        if not (KERNEL_DIR / name).is_dir():
            raise FileNotFoundError(name)
        chain.append(name)
        name = version_meta(name).get("base") or None
    return list(reversed(chain))


def version_sources(version: str) -> list[tuple[str, str, str]]:
    """(file name, display name, text) of the C of `version`'s chain, base first: each
    folder's .c files, then its .diff files applied to the newest text of the files they name."""
    sources: list[tuple[str, str, str]] = []
    for name in version_chain(version):
        folder = KERNEL_DIR / name
        sources += [(p.name, display(p), p.read_text()) for p in sorted(folder.glob("*.c"))]
        for diff in sorted(folder.glob("*.diff")):
            newest = {file: text for file, _, text in sources}
            patched = apply_patch(diff.read_text(), display(diff), newest)
            sources += [(file, f"{display(diff)} ({file})", text) for file, text in sorted(patched.items())]
    return sources


def newest_files(version: str) -> dict[str, tuple[str, str]]:
    """Each C file of the version's chain as it stands in `version`: display name and text."""
    return {file: (shown, text) for file, shown, text in _bundled(version)}


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
    return tuple(version_sources(version))


def bundled_program(version: str) -> dict[str, S.Function]:
    return program([(shown, text) for _, shown, text in _bundled(version)])


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
        emitter.ghost = lowering.ghost  # read from the settings once, by the lowering
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
