"""The C preprocessor's part we need: comments and #if blocks, line:col kept.

Comments become spaces (newlines stay), so every later position is the
position in the user's file.  `#ifdef CONFIG_X`, `#ifndef CONFIG_X`,
`#if IS_ENABLED(CONFIG_X)` / `#if defined(CONFIG_X)`, `#else`, `#endif` keep
or blank their lines: an option is off unless the caller turns it on (the
model has one queue, so e.g. CONFIG_MEMCG's per-memcg queue is off).
`#include` and `#define` are ignored (the call table gives meanings); any
other directive is an error.
"""

from __future__ import annotations

import re

from .errors import CError

_COND = re.compile(r"#\s*(ifdef|ifndef|if|elif|else|endif|include|define|undef|error|warning|pragma)\b(.*)")
# container_of(ptr, struct type, member): the type argument is blanked (the call table
# knows what a callback's item is); columns stay where they were
_CONTAINER_TYPE = re.compile(r"(\bcontainer_of\s*\([^,()]*,)(\s*struct\s+\w+\s*,)")
_IF_EXPR = re.compile(r"^\s*!?\s*(?:IS_ENABLED|defined)\s*\(\s*(CONFIG_\w+)\s*\)\s*$|^\s*(CONFIG_\w+)\s*$")


def strip_comments(text: str, file: str) -> str:
    out, i, n = [], 0, len(text)
    while i < n:
        two = text[i:i + 2]
        if two == "/*":
            end = text.find("*/", i + 2)
            if end < 0:
                line = text.count("\n", 0, i) + 1
                col = i - (text.rfind("\n", 0, i) + 1) + 1
                raise CError(file, line, col, "unterminated comment")
            out.append(re.sub(r"[^\n]", " ", text[i:end + 2]))
            i = end + 2
        elif two == "//":
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif text[i] in "\"'":
            quote, j = text[i], i + 1
            while j < n and text[j] != quote:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _enabled(kind: str, rest: str, options: set[str], file: str, line: int, col: int) -> bool:
    rest = rest.strip()
    if kind in ("ifdef", "ifndef"):
        name = rest.split()[0] if rest else ""
        on = name in options
        return on if kind == "ifdef" else not on
    match = _IF_EXPR.match(rest)
    if not match:
        raise CError(file, line, col, f"#{kind} {rest}: only #if IS_ENABLED(CONFIG_X), defined(CONFIG_X) "
                                      "or CONFIG_X are understood")
    name = match.group(1) or match.group(2)
    on = name in options
    return (not on) if rest.startswith("!") else on


def preprocess(text: str, file: str, options: set[str] | None = None) -> str:
    """The text with comments blanked and disabled #if blocks blanked, same lines."""
    options = options or set()
    lines = strip_comments(text, file).split("\n")
    stack: list[tuple[bool, bool, int]] = []  # (this branch on, any branch taken, line)
    out = []
    for number, line in enumerate(lines, start=1):
        stripped = line.lstrip()
        active = all(on for on, _, _ in stack)
        if not stripped.startswith("#"):
            line = _CONTAINER_TYPE.sub(lambda m: m.group(1) + " " * len(m.group(2)), line)
            out.append(line if active else "")
            continue
        col = len(line) - len(stripped) + 1
        match = _COND.match(stripped)
        if not match:
            raise CError(file, number, col, f"unsupported preprocessor directive {stripped.split()[0]!r}")
        kind, rest = match.group(1), match.group(2)
        if kind in ("ifdef", "ifndef", "if"):
            on = _enabled(kind, rest, options, file, number, col)
            stack.append((on, on, number))
        elif kind == "elif":
            if not stack:
                raise CError(file, number, col, "#elif without #if")
            _, taken, start = stack.pop()
            on = not taken and _enabled("if", rest, options, file, number, col)
            stack.append((on, taken or on, start))
        elif kind == "else":
            if not stack:
                raise CError(file, number, col, "#else without #if")
            _, taken, start = stack.pop()
            stack.append((not taken, True, start))
        elif kind == "endif":
            if not stack:
                raise CError(file, number, col, "#endif without #if")
            stack.pop()
        elif kind in ("error", "warning", "pragma", "undef") and active:
            raise CError(file, number, col, f"unsupported preprocessor directive #{kind}")
        out.append("")  # include/define: the call table gives every macro's meaning
    if stack:
        raise CError(file, stack[-1][2], 1, "#if without #endif")
    return "\n".join(out)
