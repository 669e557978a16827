"""Where dsqspec's own files live, in a clone and in an installed package.

A clone (or an editable install of one) keeps the templates in `specs/` and
the TLC jar in `tlc/` at its root.  An installed wheel carries the templates
as package data (`tlc_runner/specs/`) and keeps the jar in a per-user data
directory, because site-packages is neither the user's nor writable.
Compiled templates are cached in the per-user cache directory.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import EnvironmentProblem

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_TEMPLATE = "DeferredSplit.tla.j2"


def checkout_root() -> Path | None:
    """The clone this code runs from, or None when it runs from an installed package."""
    root = PACKAGE_DIR.parent
    if (root / "pyproject.toml").is_file() and (root / "specs" / BASE_TEMPLATE).is_file():
        return root
    return None


def specs_dir() -> Path:
    """The bundled templates: package data when installed, `specs/` in a clone."""
    packaged = PACKAGE_DIR / "specs"
    if (packaged / BASE_TEMPLATE).is_file():
        return packaged
    root = checkout_root()
    if root is None:
        raise EnvironmentProblem(f"the bundled templates are missing: neither {packaged} nor a clone's "
                                 f"specs/ holds {BASE_TEMPLATE}; reinstall dsqspec")
    return root / "specs"


def launcher_cache_dir() -> Path:
    """Where the compiled TLC launcher is kept (launcher.py); a relative XDG value is unset."""
    return _xdg("XDG_CACHE_HOME", Path.home() / ".cache") / "dsqspec" / "java"


def _xdg(variable: str, default: Path) -> Path:
    """An XDG base directory; empty or relative values count as unset, as the spec says."""
    value = os.environ.get(variable, "")
    return Path(value) if value and Path(value).is_absolute() else default


def tlc_dir() -> Path:
    """Where `dsqspec tlc install` puts the jar and where dsqspec looks for it."""
    root = checkout_root()
    if root is not None:
        return root / "tlc"
    return _xdg("XDG_DATA_HOME", Path.home() / ".local" / "share") / "dsqspec" / "tlc"


def tlc_dir_label() -> str:
    """How `doctor` names that place."""
    return "tlc/ of the clone" if checkout_root() is not None else "the user data directory"


def cache_dir() -> Path:
    """dsqspec's per-user cache: compiled templates, the C grammar's parse tables."""
    return _xdg("XDG_CACHE_HOME", Path.home() / ".cache") / "dsqspec"


def template_cache_dir() -> Path:
    return cache_dir() / "jinja"
