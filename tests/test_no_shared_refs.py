"""The project carries its own kernel reference: no tracked file points at notes a clone
does not have, and every section cited of docs/kernel-reference.md exists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Built from parts so that this file does not match itself.
OUTSIDE = ("../" + "shared", "/work/" + "shared", "shared/" + "reference")
REFERENCE = ROOT / "docs" / "kernel-reference.md"
CITATION = re.compile(r"kernel-reference\.md\)?,? sections? (\d+(?:\.\d+|\([a-g]\))?)(?:-(\d+(?:\.\d+|\([a-g]\))?))?")


def tracked_text_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    paths = [ROOT / name for name in listed.decode().split("\0") if name]
    out = []
    for path in paths:
        try:
            out.append((path, path.read_text()))
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue  # binary files (the jar is not tracked) and files deleted in the work tree
    return out


def test_no_tracked_file_cites_notes_outside_the_clone():
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path, text in tracked_text_files()
                 for n, line in enumerate(text.splitlines(), 1) if any(o in line for o in OUTSIDE)]
    assert not offenders, offenders


def test_no_bare_reference_section_citations():
    """'reference 3(d)' with no file named is a pointer a reader cannot follow."""
    bare = re.compile(r"(?<!kernel-)\breference (section |sections )?\d+(\.\d+|\([a-g]\))")
    offenders = [f"{path.relative_to(ROOT)}:{n}" for path, text in tracked_text_files()
                 if path.suffix in (".md", ".j2") for n, line in enumerate(text.splitlines(), 1)
                 if bare.search(line)]
    assert not offenders, offenders


def _sections() -> set[str]:
    """Section ids of the reference: `3`, `3(d)`, `4.2` from its headings."""
    ids = set()
    for heading in re.findall(r"^#{2,3} (\d+(?:\.\d+|\([a-g]\))?)[. ]", REFERENCE.read_text(), re.M):
        ids.add(heading)
        ids.add(re.split(r"[.(]", heading)[0])
    return ids


def test_every_cited_section_of_the_kernel_reference_exists():
    sections = _sections()
    assert {"3(a)", "3(d)", "3(e)", "3(g)", "5", "6.5", "7", "9"} <= sections
    cited = [(path, m) for path, text in tracked_text_files() if path.suffix in (".md", ".j2")
             for m in CITATION.finditer(re.sub(r"\s+", " ", text))]
    assert cited, "nothing cites docs/kernel-reference.md"
    missing = [f"{path.relative_to(ROOT)}: {m.group(0)}" for path, m in cited
               if any(g and g not in sections for g in m.groups())]
    assert not missing, missing
