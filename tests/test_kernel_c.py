"""The kernel-C front end: bad C ends in one file:line:col line (exit 2); the
versions compiled from C keep their verdicts (real TLC on real rendered specs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import dsqspec

ROOT = Path(__file__).resolve().parent.parent
FIXED_C = (ROOT / "specs" / "kernel" / "fixed" / "deferred_split_scan.c").read_text()
FUNCTION = FIXED_C[FIXED_C.index("static unsigned long"):]

HEADER = """/*
 * name: probe
 * description: a test hypothesis
 * base: fixed
 * expect: holds
 * options: procs=2 folios=2 actors=free,migrate atomic-init
 * source: tests
 */
"""


def hypothesis(tmp_path: Path, body: str, name: str = "probe.c") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body)
    return path


def line_of(text: str, needle: str) -> int:
    """The 1-based line of `needle` in a hypothesis file made of HEADER + text."""
    return (HEADER + text).split(needle)[0].count("\n") + 1


def one_error_line(result) -> str:
    assert result.returncode == 2, result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


BAD_C = [
    # (what, replace this, by this, needle marking the reported line, words in the message)
    ("syntax error", "if (folio_try_get(folio)) {", "if (folio_try_get(folio) {", "if (folio_try_get(folio) {",
     "syntax error"),
    ("unknown call", "folio_unlock(folio);", "folio_frobnicate(folio);", "folio_frobnicate",
     "unknown call folio_frobnicate(): not in the call table tlc_runner/kernel_c/calls.def"),
    ("unbalanced unlock", "\tif (prev)\n\t\tfolio_put(prev);",
     "\tspin_unlock_irqrestore(&ds_queue->split_queue_lock, flags);", "\tspin_unlock_irqrestore(&ds_queue->split_queue_lock, flags);\n\n\tif (!split",
     "unbalanced unlock"),
    ("unknown label", "goto next;\n\t\t}", "goto nxt;\n\t\t}", "goto nxt", "goto nxt: no such label"),
    ("a second lock", "list_move(&folio->_deferred_list, &list);",
     "spin_lock(&ds_queue->split_queue_lock);", "spin_lock(&ds_queue->split_queue_lock);", "already holding it"),
    ("join with different locks", "folio_unlock(folio);",
     "if (underused)\n\t\t\tspin_lock(&ds_queue->split_queue_lock);", "next:",
     "held on one path and not held on another"),
    ("return with the lock held", "list_splice_tail(&list, &ds_queue->split_queue);",
     "return 0;", "return 0;", "return with split_queue_lock held"),
    ("recursion", "folio_unlock(folio);", "deferred_split_scan(shrink, sc);", "deferred_split_scan(shrink, sc);",
     "recursion: deferred_split_scan -> deferred_split_scan()"),
    ("unsupported construct", "folio_unlock(folio);", "switch (split) { }", "switch", "unsupported construct: switch"),
    ("a local with no register", "int split = 0, removed = 0;",
     "int split = 0, removed = 0;\n\tstruct folio *other = NULL;", "struct folio *other", "no register"),
    ("unterminated comment", "\treturn split;\n}", "\treturn split;\n}\n/* oops", "/* oops",
     "unterminated comment"),
    ("unsupported directive", "#ifdef CONFIG_MEMCG", "#pragma once\n#ifdef CONFIG_MEMCG", "#pragma", "#pragma"),
]


@pytest.mark.parametrize("what,old,new,needle,words", BAD_C, ids=[c[0] for c in BAD_C])
def test_bad_c_is_one_line_naming_file_line_col(tmp_path, what, old, new, needle, words):
    assert old in FUNCTION
    body = FUNCTION.replace(old, new, 1)
    path = hypothesis(tmp_path, body)
    line = one_error_line(dsqspec("render", "--hypothesis", str(path), "--out", str(tmp_path / "out")))
    match = re.search(rf"{re.escape(str(path))}:(\d+):(\d+): ", line)
    assert match, line
    assert int(match.group(1)) == line_of(body, needle), line
    assert words in line


def test_a_function_the_base_does_not_have(tmp_path):
    path = hypothesis(tmp_path, "static void my_helper(struct folio *folio)\n{\n\tfolio_put(folio);\n}\n")
    line = one_error_line(dsqspec("render", "--hypothesis", str(path), "--out", str(tmp_path / "out")))
    assert f"{path}:9:13: function my_helper() is not in the base version" in line


def test_a_patch_that_does_not_apply(tmp_path):
    patch = tmp_path / "bad.diff"
    patch.write_text("expect: holds\n\n--- a/deferred_split_scan.c\n+++ b/deferred_split_scan.c\n"
                     "@@ -10,2 +10,2 @@\n \tno such line here;\n-\tnor here;\n+\tfoo();\n")
    line = one_error_line(dsqspec("render", "--base", "fixed", "--patch", str(patch), "--out", str(tmp_path / "o")))
    assert f"{patch}:5:1: hunk does not apply to deferred_split_scan.c" in line


def test_a_patch_of_a_file_the_base_does_not_have(tmp_path):
    patch = tmp_path / "bad.diff"
    patch.write_text("--- a/mm/huge_memory.c\n+++ b/mm/huge_memory.c\n@@ -1,1 +1,1 @@\n-a\n+b\n")
    line = one_error_line(dsqspec("render", "--base", "fixed", "--patch", str(patch), "--out", str(tmp_path / "o")))
    assert f"{patch}:2:5: the base version has no file huge_memory.c" in line


def test_patch_without_base_is_a_usage_error(tmp_path):
    patch = tmp_path / "p.diff"
    patch.write_text("")
    line = one_error_line(dsqspec("render", "--patch", str(patch), "--out", str(tmp_path / "o")))
    assert "--patch needs --base" in line


def test_unknown_header_key_in_a_c_hypothesis(tmp_path):
    path = tmp_path / "h.c"
    path.write_text(HEADER.replace(" * source: tests", " * sauce: tests") + FUNCTION)
    line = one_error_line(dsqspec("render", "--hypothesis", str(path), "--out", str(tmp_path / "o")))
    assert f"{path}:7:4: unknown header key 'sauce'" in line


def test_the_kernel_text_with_config_memcg_on_parses_like_off():
    """#ifdef blocks are off unless turned on; on, the memcg queue pointer is model-irrelevant."""
    from tlc_runner.kernel_c.parse import parse_c

    off = parse_c(FUNCTION, "f.c")[0]
    on = parse_c(FUNCTION, "f.c", {"CONFIG_MEMCG"})[0]
    assert len(on.body.items) == len(off.body.items) + 1


# Distinct states of the hand-written shrinker TLA+ this C replaced, at 2 CPUs x 2 folios with
# --actors free,migrate --atomic-init (`dsqspec check --variant V --procs 2 --folios 2 --actors
# free,migrate --atomic-init --workers 1` on c550f88); compiling may fold local steps, never add any.
HAND_WRITTEN_2x2 = {"v6.11": ("holds", 3813), "underused": ("violates", 6141), "safe-prev": ("holds", 8241),
                    "fixed": ("holds", 7945), "locked": ("holds", 6994), "folio-batch": ("holds", 5834)}


@pytest.mark.parametrize("variant", sorted(HAND_WRITTEN_2x2))
def test_compiled_versions_keep_their_verdicts_in_no_more_states(runs_dir, jar, variant):
    outcome, bound = HAND_WRITTEN_2x2[variant]
    result = dsqspec("check", "--variant", variant, "--procs", "2", "--folios", "2", "--actors", "free,migrate",
                     "--atomic-init", "--workers", "1", "--quiet", "--keep")
    assert result.returncode == (0 if outcome == "holds" else 1), result.stdout + result.stderr
    if outcome == "holds":
        distinct = int(re.search(r"([\d,]+) distinct states", result.stdout).group(1).replace(",", ""))
        assert 0 < distinct <= bound


def test_rendering_from_c_needs_no_jinja_shrinker_blocks():
    """The variant templates only name the C: no hand-written shrinker step is left in them."""
    for template in (ROOT / "specs" / "templates" / "variants").glob("*.tla.j2"):
        text = template.read_text()
        assert 'kernel_c("deferred_split_scan")' in text and "K.step" not in text, template


WARN_FIRES = """\
name: warn-fires
description: a WARN that fires: the on-stack list does hold partially mapped folios
base: fixed
expect: violates NoWarn
options: procs=2 folios=2 actors=free properties=NoWarn

--- a/deferred_split_scan.c
+++ b/deferred_split_scan.c
@@ -48,2 +48,3 @@
 \t\tbool underused = false;
 
+\t\tVM_WARN_ON_FOLIO(folio_test_partially_mapped(folio), folio);
"""

WARN_HOLDS = """\
name: warn-holds
description: after the locked list_del_init() the folio is self-linked: the WARN never fires
base: fixed
expect: holds
options: procs=2 folios=2 actors=free properties=NoWarn

--- a/folio_unqueue_deferred_split.c
+++ b/folio_unqueue_deferred_split.c
@@ -28,2 +28,3 @@
 \t\tlist_del_init(&folio->_deferred_list);
+\t\tVM_WARN_ON(!list_empty(&folio->_deferred_list));
 \t\tunqueued = true;
"""


@pytest.mark.parametrize("text,code", [(WARN_FIRES, 1), (WARN_HOLDS, 0)], ids=["fires", "holds"])
def test_warn_on_is_a_checked_assertion(tmp_path, runs_dir, jar, text, code):
    patch = tmp_path / "warn.diff"
    patch.write_text(text)
    result = dsqspec("check", "--base", "fixed", "--patch", str(patch), "--workers", "1", "--quiet")
    assert result.returncode == code, result.stdout + result.stderr
    assert "as expected" in result.stderr
    if code:
        assert "NoWarn broken" in result.stdout


def test_a_bare_patch_with_base_on_the_command_line(tmp_path):
    """No header at all: name from the file, expect unknown; the patched C is what renders."""
    from tlc_runner.hypothesis import load_hypothesis, render_hypothesis

    patch = tmp_path / "no-removed.diff"
    patch.write_text("--- a/deferred_split_scan.c\n+++ b/deferred_split_scan.c\n@@ -69,1 +69,1 @@\n"
                     "-\t\t\tremoved++;\n+\t\t\tds_queue->split_queue_len--;\n")
    hyp = load_hypothesis(patch, "fixed")
    assert (hyp.name, hyp.base, str(hyp.expect), hyp.kind) == ("no-removed", "fixed", "unknown", "patch")
    spec = render_hypothesis(hyp, hyp.model_options(procs=2, folios=2))
    assert "K.len_add_unlocked" not in spec.tla  # rendered TLA+, not Jinja
    assert 'Ev(s, "deferred_split_scan", "split_queue_len", "load"' in spec.tla  # the unlocked update
    assert spec.facts["expect"] == "unknown"


def test_recursion_through_called_functions_is_one_line(tmp_path):
    """The unqueue calling __folio_put(), which calls the unqueue: named, exit 2, no hang."""
    path = hypothesis(tmp_path, "bool folio_unqueue_deferred_split(struct folio *folio)\n{\n"
                                "\t__folio_put(folio);\n\treturn false;\n}\n")
    line = one_error_line(dsqspec("render", "--hypothesis", str(path), "--out", str(tmp_path / "out")))
    assert re.search(r"\.c:\d+:\d+: recursion: __folio_put -> folio_unqueue_deferred_split -> __folio_put\(\)", line), line


def test_migration_freeze_failure_is_no_step(tmp_path):
    """The compiled freeze keeps the hand-written model's shape: a failed folio_ref_freeze()
    returns -EAGAIN and is retried, so the step is guarded by the count it freezes at."""
    out = tmp_path / "out"
    result = dsqspec("render", "--variant", "v6.11", "--procs", "2", "--folios", "2",
                     "--actors", "migrate", "--out", str(out))
    assert result.returncode == 0, result.stderr
    spec = next(out.glob("*.tla")).read_text()
    step = spec[spec.index("o_migrate(f) =="):].split("\n\n")[0]
    assert 'pc[f] \\in {"o_start", "o_unmapped"}' in step and "ref[f] = 1" in step, step
    assert "folio_ref_freeze" in step and '"o_migrate_18_call"' in step, step
