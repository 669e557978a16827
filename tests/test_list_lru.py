"""The list_lru versions (list-lru-v4, list-lru): memcg sublists, the walk, reparenting.

What TLC must say about them is in their claim files (specs/claims/list-lru*.claim,
F-1-list-lru.claim), judged by tests/test_model_outcomes.py; here: that they render at
every memcg count, that --memcgs and the reparent actor are checked up front, that the
compiler refuses a list_lru callback it cannot model, and, with real TLC, what v4's
counterexample shows and that the memcg offline really moves a child's folios.
"""

from __future__ import annotations

import re

import pytest

from tlc_runner import toolchain
from tlc_runner.check import RunSettings, run_check
from tlc_runner.model_options import ModelOptions
from tlc_runner.model_state import ModelFacts
from tlc_runner.render import render
from tlc_runner.timeline import build_timeline

from conftest import dsqspec

LRU_VERSIONS = ("list-lru-v4", "list-lru")


@pytest.mark.parametrize("variant", LRU_VERSIONS)
@pytest.mark.parametrize("memcgs", [1, 2, 3])
def test_versions_render_at_every_memcg_count(variant, memcgs):
    spec = render(ModelOptions(variant=variant, procs=2, folios=3, memcgs=memcgs,
                               actors=("free", "migrate", "unmap", "reparent")))
    subs = ["Q"] + [f"Q{m}" for m in range(2, memcgs + 1)]
    assert spec.facts["sublists"] == subs
    # the chain's length is the .cfg's NMemcgs: one module serves every memcg count
    assert "Memcgs     == 1..NMemcgs" in spec.tla and f"NMemcgs = {memcgs}" in spec.cfg
    # the walk's callback and the reparenting actor are steps of the spec
    assert "sh_entry_cb(s) ==" in spec.tla and "rp_splice(r) ==" in spec.tla
    # folio F1 is in the deepest memcg: MemcgOf counts from the deepest
    assert "MemcgOf    == [f \\in Folios |-> NMemcgs - ((FolioAt(f) - 1) % NMemcgs)]" in spec.tla


def test_only_v4_tests_the_flag_after_the_isolate():
    """The one difference between the two versions' C: whether the callback's
    list_lru_isolate() (its list_del_init(), label `_del`) comes before the flag test
    (`_pm`).  Labels carry the C line."""
    def lines(variant):
        tla = render(ModelOptions(variant=variant, procs=2, folios=1, actors=("free",))).tla
        found = {}
        for line in tla.splitlines():
            for what in ("del", "pm"):
                m = re.match(rf"sh_entry_cb_(\d+)_{what}\(s\) ==", line)
                if m:
                    found[what] = int(m.group(1))
        return found
    v4, v5 = lines("list-lru-v4"), lines("list-lru")
    assert v4["del"] < v4["pm"]
    assert v5["pm"] < v5["del"]


@pytest.mark.parametrize("args, needle", [
    (["--variant", "list-lru", "--memcgs", "4"], "--memcgs must be 1..3"),
    (["--variant", "list-lru", "--memcgs", "0"], "--memcgs must be 1..3"),
    (["--variant", "fixed", "--memcgs", "2"], "--memcgs must be 1..3 (list_lru versions; others have one queue: 1)"),
    (["--variant", "list-lru", "--memcgs", "two"], "'two' is not a valid integer"),
    (["--variant", "fixed", "--actors", "free,reparent"], "actor reparent needs a list_lru version"),
])
def test_bad_memcgs_or_reparent_is_one_line_exit_2(tmp_path, args, needle):
    proc = dsqspec("check", *args, "--quiet", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and needle in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_callback_returning_anything_but_lru_removed_is_refused(tmp_path):
    path = tmp_path / "rotate.c"
    path.write_text("""/*
 * name: rotate
 * description: an isolate that rotates instead
 * base: list-lru
 * expect: unknown
 * source: a test
 */
enum lru_status deferred_split_isolate(struct list_head *item, struct list_lru_one *lru, void *cb_arg)
{
	return LRU_ROTATE;
}
""")
    proc = dsqspec("render", "--hypothesis", str(path), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1
    assert "rotate.c:10:" in proc.stderr and "only LRU_REMOVED is modelled" in proc.stderr, proc.stderr


def _run(tmp_path, opts: ModelOptions):
    settings = RunSettings(java=toolchain.java_executable(), jar=toolchain.verified_jar(),
                           workers=1, heap="1g", timeout=600, out=tmp_path / "run")
    return run_check(opts, settings, spec=render(opts))


def test_v4_counterexample_reads_the_flag_of_the_freed_folio(tmp_path, jar):
    """Sashiko's report on v4: the flag is read after the folio was freed, not before."""
    result = _run(tmp_path, ModelOptions(variant="list-lru-v4", procs=2, folios=1, actors=("free",),
                                         atomic_init=True, properties=("NoUseAfterFree",)))
    assert result.violation and result.trace.violation.name == "NoUseAfterFree"
    evts = [s.variables["evt"] for s in result.trace.states[1:]]
    freed = next(i for i, e in enumerate(evts) if e["op"] == "free")
    assert evts[-1]["fn"] == "deferred_split_isolate" and evts[-1]["fld"] == "pm" and freed < len(evts) - 1
    assert any(e["prim"] == "list_del_init" for e in evts[:freed])
    assert "flag access to freed folio" in result.trace.states[-1].variables["faults"].items


def test_reparenting_moves_the_childs_folio_to_the_parent(tmp_path, jar):
    """With F1 in the child memcg and the memcg offline as the only actor, the run reaches
    states where the child's sublist is dead and F1 sits on the parent's: checked by TLC
    on a property that says it never does."""
    opts = ModelOptions(variant="list-lru", procs=2, folios=1, memcgs=2, actors=("reparent",),
                        properties=("ListIntegrity",))
    spec = render(opts)
    probe = 'NeverReparented == ~(nritems["Q2"] = LONG_MIN /\\ nxt["Q"] = "F1" /\\ nritems["Q"] = 1)'
    tla = spec.tla.replace("\n=====", f"\n{probe}\n=====", 1)
    cfg = spec.cfg.replace("INVARIANT\n", "INVARIANT\n    NeverReparented\n", 1)
    assert tla != spec.tla and cfg != spec.cfg
    patched = type(spec)(spec.module, tla, cfg, spec.facts)
    settings = RunSettings(java=toolchain.java_executable(), jar=toolchain.verified_jar(),
                           workers=1, heap="1g", timeout=600, out=tmp_path / "run")
    result = run_check(opts, settings, spec=patched)
    assert result.violation and result.trace.violation.name == "NeverReparented"
    assert [s.variables["evt"]["fn"] for s in result.trace.states[1:]][-1] == "memcg_reparent_list_lru_one"
    # the timeline puts the offline on a CPU of its own and names it
    timeline = build_timeline(result.trace, ModelFacts.from_dict(spec.facts))
    assert "memcg offline" in timeline.cpus.values()
    assert any(e.fn == "memcg_reparent_list_lru_one" and e.cpu == "CPU1" for e in timeline.events)
