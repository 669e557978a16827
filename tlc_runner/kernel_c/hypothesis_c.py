"""Hypotheses written in C: a `.c` file whose leading comment carries the header
keys (` * name: ...`), then functions that replace the base version's functions
of the same name; or a unified diff against the base version's C files, whose
preamble may carry the same keys as trailers."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import CError
from .patch import apply_patch, preamble
from .sources import bundled_program, newest_files, program

def c_header(text: str, path: str) -> tuple[dict[str, str], int]:
    """The `* key: value` lines of the leading /* */ comment, and its first line number."""
    match = re.match(r"\s*/\*(.*?)\*/", text, re.S)
    if not match:
        raise CError(path, 1, 1, "a C hypothesis starts with a comment holding ' * name: ...' header lines")
    first = text[: match.start(1)].count("\n") + 1
    return _keys(match.group(1).split("\n"), path, first), first


def patch_header(text: str, path: str) -> tuple[dict[str, str], int]:
    lines, _ = preamble(text)
    return _keys(lines, path, 1, strict=False), 1


def _keys(lines: list[str], path: str, first: int, strict: bool = True) -> dict[str, str]:
    from ..hypothesis import HEADER_KEYS

    header: dict[str, str] = {}
    key = None
    for offset, line in enumerate(lines):
        stripped = line.strip().lstrip("*").rstrip()
        if not stripped.strip():
            key = None
            continue
        m = re.match(r"^\s*\*?\s*([A-Za-z_-]+):\s*(.*)$", line)
        if m and m.group(1) in HEADER_KEYS:
            key = m.group(1)
            header[key] = m.group(2).strip()
        elif m and strict and m.group(1).islower():
            raise CError(path, first + offset, line.find(m.group(1)) + 1,
                         f"unknown header key {m.group(1)!r} (known: {', '.join(sorted(HEADER_KEYS))})")
        elif key and re.match(r"^\s*\*?\s{2,}\S", line):
            header[key] += " " + stripped.strip()
        else:
            key = None
    return header


def hypothesis_functions(path: Path, text: str, base: str) -> dict:
    """The base's program with the file's functions in place of the base's."""
    return program([(str(path), text)], replacing=True, base=bundled_program(base))


def patched_functions(path: Path, text: str, base: str) -> dict:
    """The base's program with the patch applied to its C files."""
    newest = newest_files(base)
    patched = apply_patch(text, str(path), {file: source for file, (_, source) in newest.items()})
    shown = {file: name for file, (name, _) in newest.items()}
    functions = bundled_program(base)
    for name, text in patched.items():
        functions = program([(f"{shown[name]} (patched by {path})", text)], base=functions)
    return functions
