"""Where runs live: one fresh folder per TLC run, kept when it has something to show.

Default location: `.dsqspec/runs/<id>/` below the current directory (or
`$DSQSPEC_RUNS`), git-ignored.  Every run gets its own working directory,
`-metadir` and `java.io.tmpdir`, so two checks started in the same second never
share TLC's timestamped `states/` folder or its extracted standard modules.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import time
from pathlib import Path

from .errors import UsageError

RAW_LOG = "tlc.log"
MANIFEST = "run.json"


def runs_root() -> Path:
    """$DSQSPEC_RUNS, where an empty value counts as unset (not as the current folder)."""
    return Path(os.environ.get("DSQSPEC_RUNS") or ".dsqspec/runs")


def new_run_dir(label: str, out: Path | None = None) -> Path:
    """A new, empty run folder: `out` itself, or a unique one under runs_root()."""
    try:
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            if any(out.iterdir()):
                raise UsageError(f"output folder {out} is not empty")
            _check_writable(out)
            return out.resolve()
        root = runs_root()
        root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for _ in range(20):
            candidate = root / f"{stamp}-{label}-{secrets.token_hex(3)}"
            try:
                candidate.mkdir()
                return candidate.resolve()
            except FileExistsError:
                continue
        raise UsageError(f"cannot create a unique run folder under {root}")
    except OSError as err:
        where = out if out is not None else runs_root()
        raise UsageError(f"cannot write to output folder {where}: {err.strerror}") from err


def _check_writable(folder: Path) -> None:
    probe = folder / ".dsqspec-write-test"
    probe.write_text("")
    probe.unlink()


def write_manifest(run_dir: Path, data: dict) -> None:
    (run_dir / MANIFEST).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def read_manifest(run_dir: Path) -> dict:
    path = run_dir / MANIFEST
    if not path.is_file():
        raise UsageError(f"{run_dir} is not a dsqspec run folder (no {MANIFEST})")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise UsageError(f"{path} is not valid JSON: {err}") from err


def remove_run(run_dir: Path) -> None:
    shutil.rmtree(run_dir, ignore_errors=True)


def keep_only_raw_log(run_dir: Path) -> None:
    """After an interrupt: TLC's raw output stays, its half-written state does not."""
    for child in run_dir.iterdir():
        if child.name == RAW_LOG:
            continue
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
