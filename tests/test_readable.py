"""The rendered module as a TLA+ reader sees it: lines within 100 columns (issue 11).

Folding is checked three ways: every variant and bundled hypothesis renders within the
width; folding changes whitespace only (the token sequence is the same); and real TLC
finds the same states in the folded module as in the unfolded one.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tlc_runner.hypothesis import bundled_hypotheses, render_hypothesis
from tlc_runner.model_options import ModelOptions
from tlc_runner.render import render
from tlc_runner.tla_format import WIDTH, fold_line, fold_module
from tlc_runner.variants import VARIANTS

SHAPES = [
    {},
    {"procs": 3, "shrinkers": 2, "folios": 2, "atomic_init": True},
    {"procs": 2, "folios": 2, "granularity": "primitive", "actors": ("free", "migrate")},
    {"procs": 2, "folios": 2, "properties": ("NoUseAfterFree",)},
]


def _all_specs():
    for variant in VARIANTS:
        for shape in SHAPES:
            yield f"{variant} {shape}", ModelOptions(variant=variant, **shape)
    for hyp in bundled_hypotheses():
        yield f"hypothesis {hyp.name}", hyp


def _rendered(item, fold: bool = True):
    if isinstance(item, ModelOptions):
        return render(item, fold=fold)
    return render_hypothesis(item, item.model_options())


def _tokens(text: str) -> list[str]:
    """The module's tokens outside `\\*` comments; strings are one token each."""
    out = []
    for line in text.split("\n"):
        code = re.sub(r'("(?:[^"\\]|\\.)*")|\\\*.*$', lambda m: m.group(1) or "", line)
        out += re.findall(r'"(?:[^"\\]|\\.)*"|\S', code)
    return out


@pytest.mark.parametrize("name,item", list(_all_specs()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_line_of_every_rendered_module_fits(name, item):
    spec = _rendered(item)
    for kind, text in (("tla", spec.tla), ("cfg", spec.cfg)):
        long = [(n, line) for n, line in enumerate(text.split("\n"), 1) if len(line) > WIDTH]
        assert not long, f"{name} .{kind} line {long[0][0]} has {len(long[0][1])} columns: {long[0][1][:80]}"


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_folding_changes_whitespace_only(variant):
    opts = ModelOptions(variant=variant, procs=3, shrinkers=2, folios=3)
    plain = render(opts, fold=False).tla
    folded = render(opts).tla
    assert max(len(l) for l in plain.split("\n")) > WIDTH  # there is something to fold
    assert _tokens(folded) == _tokens(plain)


def test_a_long_set_literal_fills_lines_under_its_brace():
    names = ", ".join(f'"label_{i}"' for i in range(40))
    lines = fold_line(f"Labels    == {{{names}}}")
    assert all(len(l) <= WIDTH for l in lines) and len(lines) > 3
    assert all(l.startswith(" " * 14 + '"') for l in lines[1:])  # under the first element
    assert _tokens("\n".join(lines)) == _tokens(f"Labels    == {{{names}}}")


def test_a_bulleted_line_continues_right_of_its_bullet_and_never_with_a_bullet():
    line = ("    /\\ \\/ " + " /\\ ".join(f"x{i}' = [x{i} EXCEPT ![s] = NIL]" for i in range(6)))
    lines = fold_line(line)
    assert len(lines) > 1 and all(len(l) <= WIDTH for l in lines)
    for cont in lines[1:]:
        assert len(cont) - len(cont.lstrip()) > len("    /\\ ")
        assert not cont.lstrip().startswith(("/\\", "\\/"))


def test_if_chains_break_before_then_and_else_under_the_condition():
    line = ('    /\\ pc\' = [pc EXCEPT ![f] = (IF ~(st[f] = "large") THEN "u_tlb" '
            'ELSE (IF pm[f] THEN "u_lock_35_empty" ELSE "u_lock_25_setpm"))]')
    lines = fold_line(line)
    assert lines[1].lstrip().startswith("ELSE") and lines[1].index("ELSE") == lines[0].index("IF") + 3


def test_strings_and_block_comments_are_never_broken():
    long_string = '    /\\ x = "' + "y" * 120 + '"'
    assert any('"' + "y" * 120 + '"' in l for l in fold_line(long_string))
    box = "(* " + "z " * 60 + "*)"
    assert fold_module(box) == box


def test_trailing_comments_continue_under_themselves():
    line = "    /\\ pm \\in [Folios -> BOOLEAN]          \\* " + "word " * 20
    lines = fold_line(line.rstrip())
    col = lines[0].index("\\*")
    assert all(l.index("\\*") == col for l in lines[1:]) and all(len(l) <= WIDTH for l in lines)


def _distinct(jar: Path, folder: Path, module: str, tla: str, cfg: str) -> tuple[int, int]:
    """Real TLC, one worker: (generated, distinct) of the module."""
    folder.mkdir(parents=True)
    (folder / f"{module}.tla").write_text(tla)
    (folder / f"{module}.cfg").write_text(cfg)
    proc = subprocess.run(["java", "-XX:+UseParallelGC", f"-Djava.io.tmpdir={folder}", "-cp", str(jar),
                           "tlc2.TLC", "-workers", "1", "-metadir", str(folder / "states"),
                           "-config", f"{module}.cfg", module],
                          cwd=folder, capture_output=True, text=True, timeout=600)
    m = re.search(r"([\d,]+) states generated, ([\d,]+) distinct states found", proc.stdout)
    assert m, proc.stdout[-2000:]
    return int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))


@pytest.mark.parametrize("variant", ["fixed", "folio-batch"])
def test_tlc_finds_the_same_states_in_the_folded_module(variant, jar, tmp_path):
    opts = ModelOptions(variant=variant, procs=2, folios=2, actors=("free", "migrate"), atomic_init=True)
    plain, folded = render(opts, fold=False), render(opts)
    assert plain.tla != folded.tla
    assert _distinct(jar, tmp_path / "folded", folded.module, folded.tla, folded.cfg) == \
        _distinct(jar, tmp_path / "plain", plain.module, plain.tla, plain.cfg)
