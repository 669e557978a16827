r"""Fold the rendered module's long lines so that every line fits in 100 columns.

The templates and the C compiler emit one line per conjunct, and some of those are long:
the `Labels` set, UNCHANGED tuples, guards and IF chains of compiled steps.  This pass
breaks them at whitespace between tokens, never inside a string, so the token sequence
is unchanged.  TLA+ is layout-sensitive only in its bulleted junction lists (a token of
an item must stand right of the item's `/\` or `\/`): a continuation line is indented
to the first token after the innermost open bracket, IF/THEN/ELSE or bullet, which is
always right of every bullet it belongs to, and it never starts with `/\` or `\/`.

Break points, best first: after a comma or an infix `/\`, `\/`, `\cup`; before THEN or
ELSE; outer nesting before inner; the rightmost that fits.  After `==`, `=`, `\in` or
`|->` only when nothing else fits.  Trailing `\*` comments continue under themselves;
long comment lines are folded at word boundaries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WIDTH = 100

_TOKEN = re.compile(r'''
    (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<open><<|\(|\[(?!\])|\{)
  | (?P<close>>>|\)|\]|\})
  | (?P<box>\[\])
  | (?P<word>\\?[A-Za-z0-9_]+)
  | (?P<sym>[-=<>!~|&+*/\\:#@.^'%$?;]+)
  | (?P<other>\S)
''', re.X)

_KEYWORDS = {"IF", "THEN", "ELSE", "LET", "IN", "CASE", "OTHER", "EXCEPT", "UNCHANGED", "ENABLED",
             "CHOOSE", "SUBSET", "UNION", "DOMAIN", "EXTENDS", "VARIABLES", "VARIABLE", "CONSTANTS",
             "CONSTANT", "ASSUME", "RECURSIVE", "LAMBDA"}
_STRONG_AFTER = {",", "/\\", "\\/", "\\cup", "\\cap", "\\union", "\\o"}
_WEAK_AFTER = {"==", "=", "\\in", "\\notin", "|->", "->", ":"}
_BULLETS = {"/\\", "\\/"}


@dataclass
class _Tok:
    text: str
    kind: str
    gap: str  # the whitespace before it on the source line


@dataclass
class _Frame:
    kind: str  # "root", "open", "if", "bullet"
    align: int  # where a continuation line inside it starts
    weight: int
    kw_align: int = 0  # for "if": where THEN continues
    else_align: int = 0  # for "if": where ELSE continues (an else-if chain's first ELSE)


def _tokens(code: str) -> list[_Tok] | None:
    out: list[_Tok] = []
    pos = 0
    while pos < len(code):
        start = pos
        while pos < len(code) and code[pos] == " ":
            pos += 1
        if pos >= len(code):
            break
        m = _TOKEN.match(code, pos)
        if m is None or m.lastgroup == "other" and code[pos] == "\t":
            return None
        out.append(_Tok(m.group(), m.lastgroup, code[start:pos]))
        pos = m.end()
    return out


def _split_comment(line: str) -> tuple[str, str]:
    """The code of a line and its trailing `\\*` comment (outside strings)."""
    in_str = False
    i = 0
    while i < len(line):
        c = line[i]
        if in_str:
            if c == "\\":
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif line.startswith("\\*", i):
            return line[:i].rstrip(), line[i:]
        i += 1
    return line, ""


def _operand_end(tok: _Tok | None) -> bool:
    if tok is None:
        return False
    if tok.kind in ("str", "close"):
        return True
    if tok.kind == "word":
        return tok.text not in _KEYWORDS and not tok.text.startswith("\\")
    return tok.text in ("'", "@")


def _fold_words(prefix: str, text: str, width: int, hang: str) -> list[str]:
    """A comment's words on lines of `width`, the first after `prefix`, the rest after `hang`."""
    lines, cur = [], prefix
    for word in text.split(" "):
        if cur.strip() and cur != prefix and len(cur) + 1 + len(word) > width:
            lines.append(cur.rstrip())
            cur = hang + word
        else:
            cur = cur + (" " if cur != prefix and not cur.endswith(" ") else "") + word
    lines.append(cur.rstrip())
    return lines


def _fold_comment_line(line: str, width: int) -> list[str]:
    indent = line[: len(line) - len(line.lstrip())]
    body = line.strip()[2:]
    lead = body[: len(body) - len(body.lstrip())] or " "
    return _fold_words(indent + "\\*" + lead, body.strip(), width, indent + "\\*" + lead + "    ")


def _continues_chain(toks: list[_Tok], i: int, stack: list[_Frame]) -> bool:
    """Whether the IF at `i` is an else-if: `ELSE (IF`, right inside the outer IF's ELSE."""
    return (i >= 2 and toks[i - 1].text == "(" and toks[i - 2].text == "ELSE" and len(stack) >= 2
            and stack[-1].kind == "open" and stack[-2].kind == "if")


def _fold_code(code: str, width: int) -> list[str] | None:
    """The code line as several lines, or None if it cannot be broken safely.  A line
    nested so deep that an unbreakable token (a long string) no longer fits under its
    bracket is folded again with its continuations shifted left, the least that fits."""
    lines = _fold_code_at(code, width, 0)
    if lines is None or max(map(len, lines)) <= width:
        return lines
    for shift in range(2, width, 2):
        shifted = _fold_code_at(code, width, shift)
        if shifted is not None and max(map(len, shifted)) <= width:
            return shifted
    return lines


def _fold_code_at(code: str, width: int, shift: int) -> list[str] | None:
    """One fold of the line, each continuation `shift` columns left of its bracket or
    keyword, but never left of a bullet it belongs to (a junction list's items must
    stay right of their `/\\` or `\\/`)."""
    toks = _tokens(code)
    if not toks:
        return None
    indent = len(toks[0].gap)
    lines: list[str] = []
    # a line that goes on with THEN, ELSE or IN continues under what follows that keyword
    root = indent + 4
    if toks[0].text in ("THEN", "ELSE", "IN", "LET") and len(toks) > 1:
        root = indent + len(toks[0].text) + len(toks[1].gap)
    stack = [_Frame("root", root, 0)]
    cur = " " * indent
    prev: _Tok | None = None
    best = None  # ((score, -index), index, continuation column, text before, frames there)
    i, line_start = 0, 0
    while i < len(toks):
        t = toks[i]
        if i > line_start:
            cur += t.gap
            gap_col = len(cur.rstrip())
            top = stack[-1]
            level = sum(f.weight for f in stack)
            score, align = None, top.align
            if prev.text in _STRONG_AFTER and (prev.text not in _BULLETS or _operand_end(toks[i - 2])):
                score = level
            elif t.text in ("THEN", "ELSE") and top.kind == "if":
                score = level - top.weight
                align = top.kw_align if t.text == "THEN" else top.else_align
            elif prev.text in _WEAK_AFTER:
                score = level + 100
            if shift:
                align = max(align - shift, *(f.align for f in stack if f.kind in ("root", "bullet")))
            if score is not None and t.text not in _BULLETS and 0 <= align < gap_col <= width:
                if best is None or (score, -i) < best[0]:
                    best = ((score, -i), i, align, cur.rstrip(),
                            [_Frame(f.kind, f.align, f.weight, f.kw_align, f.else_align) for f in stack])
        if len(cur) + len(t.text) > width and best is not None:
            _, i, align, text, stack = best
            lines.append(text)
            line_start, cur, prev, best = i, " " * align, toks[i - 1], None
            continue
        tcol = len(cur)
        cur += t.text
        top = stack[-1]
        opened = None
        if t.kind == "open":
            opened = _Frame("open", -1, 2)
        elif t.text == "IF":
            opened = _Frame("if", -1, 1, tcol + 3, tcol + 3)
            if _continues_chain(toks, i, stack):  # ELSE (IF ...: its ELSE under the outer ELSE
                opened.else_align = stack[-2].else_align
        elif t.text in _BULLETS and not _operand_end(prev):
            opened = _Frame("bullet", -1, 0)
        elif t.text in ("THEN", "ELSE") and top.kind == "if":
            top.align = -1
            opened = top
        elif t.kind == "close":
            while len(stack) > 1 and stack[-1].kind != "open":
                stack.pop()
            if len(stack) > 1:
                stack.pop()
        elif t.text == ",":
            while len(stack) > 1 and stack[-1].kind in ("if", "bullet"):
                stack.pop()
        for f in stack:  # the first token after an opener is where its continuations start
            if f.align == -1 and f is not opened:
                f.align = tcol
        if opened is not None and opened is not top:
            stack.append(opened)
        prev = t
        i += 1
    lines.append(cur.rstrip())
    return lines if len(lines) > 1 else None


def fold_line(line: str, width: int = WIDTH) -> list[str]:
    """One source line as lines of at most `width` columns where that can be done safely."""
    if len(line) <= width:
        return [line]
    if line.lstrip().startswith("\\*"):
        return _fold_comment_line(line, width)
    code, comment = _split_comment(line)
    if "(*" in code or "*)" in code:
        return [line]
    if len(code) <= width:
        if comment and len(code) + 2 < width - 20:
            ccol = max(len(code) + 1, line.index(comment))
            ccol = ccol if ccol < width - 20 else len(code) + 1
            first = code + " " * (ccol - len(code))
            return _fold_words(first + "\\* ", comment[2:].strip(), width, " " * ccol + "\\*     ")
        indent = code[: len(code) - len(code.lstrip())]
        return _fold_comment_line(indent + comment, width) + [code]
    folded = _fold_code(code, width) or [code]
    if comment:
        indent = code[: len(code) - len(code.lstrip())]
        return _fold_comment_line(indent + comment, width) + folded
    return folded


def fold_module(text: str, width: int = WIDTH) -> str:
    """Every line of a rendered module within `width` columns, block comments left alone."""
    out: list[str] = []
    depth = 0
    for line in text.split("\n"):
        after = _comment_depth(line, depth)
        if depth == 0 and after == 0 and not _opens_block(line):
            out.extend(fold_line(line, width))
        else:
            out.append(line)
        depth = after
    return "\n".join(out)


def fold_cfg_comments(text: str, width: int = WIDTH) -> str:
    """The .cfg's `\\*` lines (the options it was rendered with) within `width` columns."""
    return "\n".join(l for line in text.split("\n")
                     for l in (fold_line(line, width) if line.startswith("\\*") else [line]))


def _scan(line: str, depth: int):
    """Yield (position, depth after it) for each `(*` and `*)` that counts: SANY ignores
    strings and everything after `\\*` outside block comments, and tracks only `(*`/`*)`
    inside them."""
    i, in_str = 0, False
    while i < len(line):
        two = line[i:i + 2]
        if depth == 0 and in_str:
            if line[i] == "\\":
                i += 1
            elif line[i] == '"':
                in_str = False
        elif depth == 0 and line[i] == '"':
            in_str = True
        elif depth == 0 and two == "\\*":
            return
        elif two == "(*":
            depth += 1
            yield i, depth
            i += 1
        elif two == "*)" and depth > 0:
            depth -= 1
            yield i, depth
            i += 1
        i += 1


def _comment_depth(line: str, depth: int) -> int:
    """The `(* *)` nesting after `line`, given the nesting before it."""
    for _, depth in _scan(line, depth):
        pass
    return depth


def _opens_block(line: str) -> bool:
    return next(_scan(line, 0), None) is not None


def module_rule(module: str, width: int = 77) -> str:
    """`---- MODULE name ----`, dashed out to `width` (at least four dashes a side)."""
    name = f" MODULE {module} "
    left = max(4, (width - len(name)) // 2)
    return "-" * left + name + "-" * max(4, width - left - len(name))


def box(text: str, width: int = 77) -> str:
    """Paragraphs (blank-line separated; a line starting with a space is kept as it is)
    in a `(****)` comment box of `width` columns, the style of tlaplus/Examples."""
    inner = width - 6
    rows: list[str] = []
    for para in text.strip("\n").split("\n\n"):
        lines = para.split("\n")
        if all(l.startswith(" ") for l in lines):
            for l in lines:
                lead = " " * (len(l) - len(l.lstrip()))
                rows += _fold_words(lead, l.strip(), inner, lead + "        ")
        else:
            rows += _fold_words("", " ".join(l.strip() for l in lines), inner, "")
        rows.append("")
    rows.pop()
    rows = [r.replace("(*", "( *").replace("*)", "* )") for r in rows]  # no comment ends inside
    stars = "(" + "*" * (width - 2) + ")"
    return "\n".join([stars, *[f"(* {r:<{inner}} *)" for r in rows], stars])
