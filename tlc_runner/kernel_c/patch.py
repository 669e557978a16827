"""Apply a unified diff (the form kernel developers mail each other) to the C
files of a bundled version.  Files are matched by name among the version's
files (and those of the versions it builds on); a hunk whose context is not
found is an error at the hunk's line in the patch."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import CError

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def preamble(text: str) -> tuple[list[str], int]:
    """The lines before the first file header (commit message, trailers), and where files start."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(("--- ", "diff --git ")):
            return lines[:i], i
    return lines, len(lines)


def apply_patch(patch_text: str, patch_name: str, files: dict[str, str]) -> dict[str, str]:
    """files: {file name: text}.  Returns the patched texts (only the files the patch touches)."""
    lines = patch_text.split("\n")
    _, i = preamble(patch_text)
    out: dict[str, str] = {}
    if i >= len(lines):
        raise CError(patch_name, 1, 1, "no file in this patch (expected '--- a/FILE' and '+++ b/FILE')")
    while i < len(lines):
        line = lines[i]
        if line.startswith("--- "):
            if i + 1 >= len(lines) or not lines[i + 1].startswith("+++ "):
                raise CError(patch_name, i + 2, 1, "expected '+++ b/FILE' after '---'")
            target = lines[i + 1][4:].split("\t")[0].strip()
            name = Path(target).name
            if name not in files:
                raise CError(patch_name, i + 2, 5, f"the base version has no file {name} (its files: "
                                                   f"{', '.join(sorted(files))})")
            text = out.get(name, files[name])
            i += 2
            body = text.split("\n")
            offset = 0
            while i < len(lines) and lines[i].startswith("@@"):
                m = _HUNK.match(lines[i])
                if not m:
                    raise CError(patch_name, i + 1, 1, "malformed hunk header")
                hunk_line = i + 1
                old, new = [], []
                i += 1
                while i < len(lines) and not lines[i].startswith(("@@", "--- ", "diff ")):
                    l = lines[i]
                    if l.startswith(" ") or l == "":
                        old.append(l[1:])
                        new.append(l[1:])
                    elif l.startswith("-"):
                        old.append(l[1:])
                    elif l.startswith("+"):
                        new.append(l[1:])
                    elif l.startswith("\\"):
                        pass
                    else:
                        break
                    i += 1
                while old and new and old[-1] == "" and new[-1] == "":  # the patch's own trailing newline
                    old.pop()
                    new.pop()
                start = int(m.group(1)) - 1 + offset
                at = _find(body, old, start)
                if at is None:
                    raise CError(patch_name, hunk_line, 1, f"hunk does not apply to {name}: its context "
                                                           f"(from line {m.group(1)}) is not in the base's text")
                body[at:at + len(old)] = new
                offset += len(new) - len(old)
            out[name] = "\n".join(body)
        else:
            i += 1
    return out


def _find(body: list[str], old: list[str], start: int) -> int | None:
    """Where `old` sits in body, nearest to `start` (patch(1)'s offset search, no fuzz)."""
    if not old:
        return max(0, min(start, len(body)))
    for delta in range(0, len(body) + 1):
        for at in (start - delta, start + delta):
            if 0 <= at <= len(body) - len(old) and body[at:at + len(old)] == old:
                return at
    return None
