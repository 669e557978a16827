"""`dsqspec render --out DIR`: write the .tla/.cfg pair without clobbering a user's work.

dsqspec records the sha256 of every file it writes in DIR/.dsqspec-render.json.  A .tla or
.cfg already in DIR is overwritten only when that record says dsqspec wrote it and it has not
changed since; a file someone wrote or edited by hand needs --force.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

from .errors import UsageError
from .render import RenderedSpec

RECORD = ".dsqspec-render.json"


def _digest(path: Path) -> str | None:
    """The file's sha256; None for anything but a regular file (a FIFO would block the read)."""
    if path.is_symlink() or not path.is_file():
        return None
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _read_record(folder: Path) -> dict[str, str]:
    """What dsqspec wrote into `folder` before; an unreadable record vouches for nothing."""
    if (folder / RECORD).is_symlink() or not (folder / RECORD).is_file():
        return {}
    try:
        data = json.loads((folder / RECORD).read_text())
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def _refusal(path: Path, record: dict[str, str]) -> str | None:
    """Why `path` may not be overwritten, or None: only a regular file dsqspec wrote, unchanged,
    may (a symlink, a FIFO, a folder in its place are not dsqspec's)."""
    if not (path.exists() or path.is_symlink()):
        return None
    digest = _digest(path)
    if digest is not None and record.get(path.name) == digest:
        return None
    why = "was edited since dsqspec wrote it" if path.name in record else "was not written by dsqspec"
    return f"{path} exists and {why}; not overwriting it (render --force overwrites)"


def write_rendered(spec: RenderedSpec, folder: Path, force: bool = False) -> tuple[Path, Path]:
    record = _read_record(folder)
    if not force:
        for path in (folder / f"{spec.module}.tla", folder / f"{spec.module}.cfg"):
            refusal = _refusal(path, record)
            if refusal:
                raise UsageError(refusal)
    tla, cfg = folder / f"{spec.module}.tla", folder / f"{spec.module}.cfg"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _replace(tla, spec.tla)
        _replace(cfg, spec.cfg)
        record.update({p.name: _digest(p) or "" for p in (tla, cfg)})
        _replace(folder / RECORD, json.dumps(record, indent=2, sort_keys=True) + "\n")
    except OSError as err:
        raise UsageError(f"cannot write to output folder {folder}: {err.strerror or err}") from err
    return tla, cfg


def _replace(path: Path, text: str) -> None:
    """Put `text` at `path` as a new file, never through what is there: a symlink named like
    the .tla (or the record) in a shared folder must not turn render into a write to its
    target, be it /etc/passwd or ~/.bashrc, with --force or without."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
