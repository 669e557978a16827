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
from tlc_runner.model_options import ACTORS, ALL_PROPERTIES, ModelOptions
from tlc_runner.render import render
from tlc_runner.tla_format import WIDTH, _comment_depth, fold_line, fold_module
from tlc_runner.variants import VARIANTS

SHAPES = [
    {},
    {"procs": 3, "shrinkers": 2, "folios": 2, "atomic_init": True},
    {"procs": 2, "folios": 2, "granularity": "primitive", "actors": ("free", "migrate")},
    {"procs": 2, "folios": 2, "properties": ("NoUseAfterFree",)},
]


def _every_actor(variant: str) -> dict:
    """Every actor and property the version has: reclaim; reparent and two memcgs on list_lru."""
    shape = {"procs": 3, "shrinkers": 2, "folios": 2, "actors": ACTORS + ("reclaim",),
             "properties": ALL_PROPERTIES}
    if VARIANTS[variant].list_lru:
        shape.update(actors=shape["actors"] + ("reparent",), memcgs=2)
    return shape


def _all_specs():
    for variant in VARIANTS:
        for shape in SHAPES + [_every_actor(variant)]:
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


def test_comment_nesting_is_counted_as_sany_counts_it():
    assert _comment_depth("(***** f()", 0) == 1 and _comment_depth("*****)", 1) == 0
    assert _comment_depth('\\* a line comment (* is no block', 0) == 0
    assert _comment_depth('x == "(*" (* c *) (* d', 0) == 1
    long = "\\* " + "(*probe*) " * 12
    assert all(len(l) <= WIDTH for l in fold_module(long + "\nx == 1").split("\n"))


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


# -- the header that quotes the C (issue 11 item 2) ------------------------------------
GROUP = re.compile(r"^(=> )?[a-z_][a-z0-9_]*(\{[a-z0-9_,]*\})?$")
ALIASES = {"free_tail_page_prepare": "__folio_put", "__split_huge_page": "split_huge_page_to_list_to_order"}
# a step of a kernel function the module quotes no C of sits beside the call that reaches it
THROUGH = {"free_tail_page_prepare": "free_unref_page(", "__list_lru_walk_one": "list_lru_shrink_walk_irq("}


def _labels_set(tla: str) -> set[str]:
    body = re.search(r"^Labels\s*==\s*\{(.*?)\}", tla, re.S | re.M).group(1)
    return set(re.findall(r'"([^"]+)"', body))


def _step_functions(tla: str) -> dict[str, str]:
    """Each action's kernel function, as its evt record names it."""
    out = {}
    for m in re.finditer(r"^(\w+)\([sf]\) ==\n(.*?)evt' = Ev\(\w+, \"([^\"]+)\"", tla, re.S | re.M):
        out[m.group(1)] = m.group(3)
    return out


def _header(tla: str, source_lines: dict[str, list[str]]):
    """(function, line) of every label beside a quoted line, the calls, the TLA+-only labels."""
    from tlc_runner.c_header import expand_group

    beside, calls, files = {}, [], {}
    hand = re.search(r"Written in TLA\+ below, with no C line:(.*?)\.\s*\*\)\n\(\*{5,}\)", tla, re.S).group(1)
    hand_labels = {l for g in re.sub(r"\(\*|\*\)", " ", hand).split() for l in expand_group(g)}
    for block in re.finditer(r"^\(\*\*\*\*\* (\w+)\(\)(.*?)^\*\*\*\*\*\)$", tla, re.S | re.M):
        fn, body = block.group(1), block.group(2)
        title = body.split("\n\n")[0].replace("\n       ", " ")
        file = max((f for f in source_lines if f in title), key=len)
        src = source_lines[file]
        files[fn] = file
        line = None
        for row in body.split("\n")[2:]:
            m = re.match(r"^ {0,4}(\d+)  ", row)
            if m:
                line = int(m.group(1))
                quoted = f"{line:>5}  {src[line - 1].expandtabs(4).rstrip()}".rstrip()
                quoted = quoted.replace("(*", "( *").replace("*)", "* )")
                assert row.startswith(quoted[:100].rsplit(" ", 1)[0]), (fn, row, quoted)
                rest = row[len(quoted):] if row.startswith(quoted) else ""
            elif len(row) - len(row.lstrip()) >= 20 and all(GROUP.match(g) for g in re.split(r"  +", row.strip())):
                rest = row
            else:
                continue  # a folded C comment
            for g in (g for g in re.split(r"  +", rest.strip()) if g):
                assert GROUP.match(g), (fn, line, g)
                if g.startswith("=> "):
                    calls.append((fn, g[3:]))
                    continue
                for label in expand_group(g):
                    assert label not in beside, f"{label} beside two lines"
                    beside[label] = (fn, line)
    return beside, calls, hand_labels, files


def _check_header(spec):
    from tlc_runner.kernel_c.parse import SOURCE_LINES

    beside, calls, hand, spec_files = _header(spec.tla, SOURCE_LINES)
    labels = _labels_set(spec.tla)
    assert set(beside) | hand == labels and not set(beside) & hand
    steps = _step_functions(spec.tla)
    targets = sorted({label for _, label in calls}, key=len, reverse=True)
    for label, (fn, line) in beside.items():
        # a callee's steps are named after the call (its line is the caller's): the number
        # that names this step's own line comes after the call's label
        own = next((label[len(t):] for t in targets if label == t or label.startswith(t + "_")), label)
        numbers = re.findall(r"(?:^sh|_)(\d+)_", own + "_")
        if numbers:  # the compiler names a step after its own line: the header must agree
            assert int(numbers[-1]) == line, (label, fn, line)
        # the evt names the function the step runs in, or the call of that line (folios_put())
        code = SOURCE_LINES[spec_files[fn]][line - 1]
        called = f"{steps[label]}(" in code or THROUGH.get(steps[label], "\0") in code
        assert ALIASES.get(steps[label], steps[label]) == fn or called, (label, steps[label], fn)
    for caller, label in calls:
        assert label in beside and beside[label][0] != caller, (caller, label)
    return beside


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("actors", ["default", "every"])
def test_the_header_quotes_the_compiled_c_with_exactly_the_spec_labels(variant, actors):
    shape = {"procs": 3, "shrinkers": 2, "folios": 2} if actors == "default" else _every_actor(variant)
    beside = _check_header(render(ModelOptions(variant=variant, **shape)))
    assert beside["sh_entry"][0] == "deferred_split_scan"


@pytest.mark.parametrize("hyp", [h for h in bundled_hypotheses()], ids=lambda h: h.name)
def test_the_header_of_a_hypothesis_quotes_its_own_c(hyp):
    spec = render_hypothesis(hyp, hyp.model_options())
    beside = _check_header(spec)
    if hyp.name == "careful-init":  # the patched line, not the base version's
        assert beside["sh38_del"] == ("deferred_split_scan", 38)
        assert re.search(r"^ +38 +list_del_init_careful\(&folio->_deferred_list\);\n +sh38_del\{", spec.tla, re.M)


# -- sizes as CONSTANTS in the .cfg (issue 11 item 2) -----------------------------------
def _sizeless(spec) -> str:
    """The module without the lines that name the size it was rendered with."""
    text = spec.tla.replace(spec.module, "MODULE_NAME")
    return re.sub(r"\(\*  Model .*?\*\)\n(\(\*  {9}.*\*\)\n)*", "", text)


@pytest.mark.parametrize("variant", ["fixed", "dst-requeue", "dst-requeue-early", "list-lru-v4", "list-lru"])
def test_one_module_serves_every_size(variant):
    """Render at several sizes: the modules are the same text, only the .cfg differs.  The
    list_lru versions' memcg chain is a size too (NMemcgs)."""
    base = dict(variant=variant, actors=("free", "migrate"), atomic_init=True)
    sizes = [dict(procs=2, folios=2), dict(procs=2, folios=3), dict(procs=3, shrinkers=2, folios=2),
             dict(procs=4, folios=5)]
    if VARIANTS[variant].list_lru:
        sizes += [dict(procs=2, folios=3, memcgs=2), dict(procs=2, folios=1, memcgs=3)]
    specs = [render(ModelOptions(**base, **size)) for size in sizes]
    assert len({_sizeless(s) for s in specs}) == 1
    assert len({s.cfg for s in specs}) == len(sizes)
    assert "NFolios = 3" in specs[1].cfg and "NShrinkers = 2" in specs[2].cfg and "NThird = 3" in specs[3].cfg
    if VARIANTS[variant].list_lru:
        assert "NMemcgs = 2" in specs[4].cfg and "NMemcgs = 3" in specs[5].cfg


def _run(jar: Path, folder: Path, module: str, tla: str, cfg: str, cfg_name: str) -> tuple[int, int]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{module}.tla").write_text(tla)
    (folder / cfg_name).write_text(cfg)
    proc = subprocess.run(["java", "-XX:+UseParallelGC", f"-Djava.io.tmpdir={folder}", "-cp", str(jar),
                           "tlc2.TLC", "-workers", "1", "-metadir", str(folder / f"states-{cfg_name}"),
                           "-config", cfg_name, module],
                          cwd=folder, capture_output=True, text=True, timeout=900)
    m = re.search(r"([\d,]+) states generated, ([\d,]+) distinct states found", proc.stdout)
    assert m, proc.stdout[-2000:]
    return int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))


def test_a_module_rendered_at_one_size_checks_another_with_that_sizes_cfg(jar, tmp_path):
    """The 2x2 module run with the 2x3 .cfg finds the states the 2x3 render finds."""
    base = dict(variant="v6.11", procs=2, actors=("free", "migrate"), atomic_init=True)
    small, big = render(ModelOptions(**base, folios=2)), render(ModelOptions(**base, folios=3))
    one = tmp_path / "one-module"
    at_big = _run(jar, one, small.module, small.tla, big.cfg, "MC_2p3f.cfg")
    assert at_big == _run(jar, tmp_path / "own", big.module, big.tla, big.cfg, f"{big.module}.cfg")
    assert _run(jar, one, small.module, small.tla, small.cfg, "MC_2p2f.cfg")[1] < at_big[1]


def test_a_list_lru_module_rendered_with_one_memcg_checks_a_chain_of_three(jar, tmp_path):
    """The sublists, who is charged where and the initial rings are built from NMemcgs."""
    base = dict(variant="list-lru", procs=2, folios=1, actors=("free", "migrate", "reparent"), atomic_init=True)
    one, three = render(ModelOptions(**base)), render(ModelOptions(**base, memcgs=3))
    at_three = _run(jar, tmp_path / "one", one.module, one.tla, three.cfg, "MC_3memcgs.cfg")
    assert at_three == _run(jar, tmp_path / "own", three.module, three.tla, three.cfg, f"{three.module}.cfg")
    assert _run(jar, tmp_path / "one", one.module, one.tla, one.cfg, "MC_1memcg.cfg")[1] < at_three[1]


def test_a_c_hypothesis_is_quoted_as_written_and_cannot_end_the_comment(tmp_path):
    from tlc_runner.hypothesis import load_hypothesis

    path = tmp_path / "put.c"
    path.write_text("/*\n * name: put-probe\n * description: __folio_put() from a C file\n * base: fixed\n"
                    " * expect: unknown\n * options: procs=2 folios=2 actors=free,migrate atomic-init\n"
                    " * source: a header test\n */\nvoid __folio_put(struct folio *folio)\n{\n"
                    "\tpage_cache_release(folio);\n"
                    "\tfolio_unqueue_deferred_split(folio);\t/* (*probe*) a cast (void *) */\n"
                    "\tmem_cgroup_uncharge(folio);\n\tfree_unref_page(&folio->page, folio_order(folio));\n}\n")
    hyp = load_hypothesis(path)
    spec = render_hypothesis(hyp, hyp.model_options())
    beside = _check_header(spec)
    assert beside["o_put_fp_14_free"] == ("__folio_put", 14)
    assert f"(***** __folio_put()   {path}" in spec.tla
    block = spec.tla[spec.tla.index("(***** __folio_put()"):]
    block = block[:block.index("*****)")]
    assert "/* ( *probe* ) a cast (void * ) */" in block and "(*probe*)" not in block
