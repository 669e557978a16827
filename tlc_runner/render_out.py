"""`dsqspec render --out DIR`: write the .tla/.cfg pair without clobbering a user's work.

dsqspec records the sha256 of every file it writes in DIR/.dsqspec-render.json.  A .tla or
.cfg already in DIR is overwritten only when that record says dsqspec wrote it and it has not
changed since; a file someone wrote or edited by hand needs --force.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .errors import UsageError
from .render import RenderedSpec

RECORD = ".dsqspec-render.json"


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _read_record(folder: Path) -> dict[str, str]:
    """What dsqspec wrote into `folder` before; an unreadable record vouches for nothing."""
    try:
        data = json.loads((folder / RECORD).read_text())
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}


def _refusal(path: Path, record: dict[str, str]) -> str | None:
    if not path.exists() or record.get(path.name) == _digest(path):
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
    tla, cfg = spec.write(folder)
    record.update({p.name: _digest(p) or "" for p in (tla, cfg)})
    try:
        (folder / RECORD).write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    except OSError as err:
        raise UsageError(f"cannot write to output folder {folder}: {err.strerror}") from err
    return tla, cfg
