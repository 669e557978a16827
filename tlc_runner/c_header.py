"""The module header that quotes the C a module was compiled from, labels beside it.

As Bakery.tla in tlaplus/Examples quotes its algorithm in a comment, the rendered module
quotes every C function kernel_c() compiled into it (the version's own files, or a
hypothesis's or patch's text), each line beside the pc labels of the steps made of it.
Nothing is written by hand: the SpecBuilder records, for every action, the C line the
compiler was at (kernel_c/emit.py marks each step with its line), and which calls
started a callee's steps at which label.

A callee is quoted once; its steps are named after each call's label, so a line of a
function called from three places carries three groups of labels.  `lbl{,_p,_n}` is
short for `lbl lbl_p lbl_n`: the inner steps of one list primitive.
"""

from __future__ import annotations

from .kernel_c.parse import SOURCE_LINES
from .spec_builder import SpecBuilder
from .tla_format import WIDTH, box

SHRINKER = "deferred_split_scan"
LABEL_COL = 62  # where the labels beside a C line start
NUMBER = 5  # columns of the line number
MAX_GROUP = WIDTH - 40  # the longest label group written beside a C line


def group_labels(labels: list[str]) -> list[str]:
    """`a a_p a_n b` -> `a{,_p,_n}`, `b`: a label followed by those that extend it.  A
    group too long to stand right of its C line (list_move()'s eleven steps) is cut where
    a member starts a run of its own (`a{,_p,_n}` `a_add{,_chk}`), else into pieces."""
    groups: list[list[str]] = []
    for name in labels:
        if groups and name.startswith(groups[-1][0] + "_"):
            groups[-1].append(name)
        else:
            groups.append([name])
    return [text for g in groups for text in _written(g)]


def _brace(head: str, names: list[str]) -> str:
    return head if names == [head] else head + "{" + ",".join(n[len(head):] for n in names) + "}"


def _written(group: list[str]) -> list[str]:
    """One group (a head, then labels that extend it) as texts of at most MAX_GROUP."""
    head = group[0]
    if len(_brace(head, group)) <= MAX_GROUP:
        return [_brace(head, group)]
    subs = [i for i in range(1, len(group) - 1) if group[i + 1].startswith(group[i] + "_")]
    if subs:  # `a a_p a_add a_add_chk` -> `a{,_p}` and the run `a_add a_add_chk`
        i = subs[0]
        end = next((j for j in range(i + 1, len(group)) if not group[j].startswith(group[i] + "_")),
                   len(group))
        return _written(group[:i] + group[end:]) + _written(group[i:end])
    out, piece = [], []
    for name in group:
        if piece and len(_brace(head, piece + [name])) > MAX_GROUP:
            out.append(_brace(head, piece))
            piece = []
        piece.append(name)
    return out + [_brace(head, piece)]


def expand_group(group: str) -> list[str]:
    """The inverse of group_labels for one group (what a reader, or a test, unfolds)."""
    if "{" not in group:
        return [group]
    head, rest = group.split("{", 1)
    return [head + part for part in rest.rstrip("}").split(",")]


def _safe(text: str) -> str:
    """C text inside a (* *) comment: no `(*` or `*)` may open or close one."""
    return text.replace("(*", "( *").replace("*)", "* )")


def _beside(code: str, groups: list[str]) -> list[str]:
    """A quoted C line and the label groups beside it, packed into rows of WIDTH."""
    rows: list[str] = []
    cur = code
    for g in groups:
        col = min(LABEL_COL, WIDTH - len(g))
        if len(cur) + 2 <= col and (cur is code or not cur.strip()):
            cur = cur.ljust(col) + g
        elif cur is not code and len(cur) + 2 + len(g) <= WIDTH:
            cur = cur + "  " + g
        else:
            rows.append(cur)
            cur = " " * col + g
    return rows + [cur]


def _fold_c(code: str, hang: int) -> list[str]:
    """A C line wider than WIDTH folded at a space (comments of the C files are long)."""
    rows = []
    while len(code) > WIDTH:
        cut = code.rfind(" ", hang + 1, WIDTH)
        if cut <= hang:
            break
        rows.append(code[:cut])
        code = " " * hang + code[cut + 1:]
    return rows + [code]


def quote_function(name: str, fn, builder: SpecBuilder) -> str:
    """One `(*** ... ***)` block: the function's lines, each with its labels."""
    file = fn.pos.file
    first, last = fn.lines
    source = SOURCE_LINES.get(file, [])
    at: dict[int, list[str]] = {}
    for label, src in builder.sources.items():
        if src.function == name and src.file == file:
            at.setdefault(src.line, []).append(label)
    calls: dict[int, list[str]] = {}
    for src, callee, label in builder.calls:
        if src.function == name and src.file == file and f"=> {label}" not in calls.get(src.line, []):
            calls.setdefault(src.line, []).append(f"=> {label}")
    title = f"(***** {name}()   {file}"
    rows = [title if len(title) <= WIDTH else f"(***** {name}()", ""]
    if len(title) > WIDTH:
        rows[1:1] = _fold_c("       " + file, 7)
    for number in range(first, last + 1):
        text = source[number - 1].expandtabs(4).rstrip() if number <= len(source) else ""
        code = _safe(f"{number:>{NUMBER}}  {text}".rstrip())
        groups = group_labels(at.get(number, [])) + calls.get(number, [])
        lines = _fold_c(code, NUMBER + 2 + len(text) - len(text.lstrip()) + 4)
        rows += lines[:-1] + (_beside(lines[-1], groups) if groups else [lines[-1]])
    rows += ["", "*****)"]
    return "\n".join(rows)


def c_header(builder: SpecBuilder, functions: dict, variant: str) -> str:
    """The whole header: what it shows, every compiled function, and the steps with no C."""
    if not builder.compiled:
        return ""
    order = sorted(builder.compiled, key=lambda n: (n != SHRINKER, builder.compiled.index(n)))
    hand = [label for label in builder.labels() if label not in builder.sources]
    intro = box(
        f"The C this module is compiled from (variant {variant}): every function dsqspec's "
        "compiler turned into steps, as specs/kernel/ (or the hypothesis) has it, tabs as "
        "four spaces.  Beside each line, the pc labels of the steps made of it; a called "
        "function is quoted once and its steps are named after each call's label, so one "
        "of its lines carries a group of labels per call.  lbl{,_p,_n} stands for lbl, "
        "lbl_p and lbl_n, the inner steps of one list primitive; \"=> lbl\" beside a call: "
        "the callee's steps there start at lbl.\n\n"
        "Written in TLA+ below, with no C line: " + " ".join(group_labels(hand)) + ".", WIDTH - 23)
    return "\n".join([intro, *(quote_function(n, functions[n], builder) for n in order)])
