"""The issue's four questions, each a patch of under 15 lines against a bundled
version's C, with the verdict real TLC gives at 2 CPUs x 2 folios."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import dsqspec

# Zi Yan's locked delete: does taking the lock around the shrinker's delete close F-2?
LOCKED_DELETE = """\
name: zi-yan-locked-delete
description: fixed with the unlocked list_del_init() and split_queue_len-- under the lock
expect: holds
options: procs=2 folios=2 actors=unmap properties=ListIntegrity
source: Zi Yan, 2024-10-24; docs/findings.md F-2

--- a/deferred_split_scan.c
+++ b/deferred_split_scan.c
@@ -67,2 +67,4 @@
 		} else if (!folio_test_partially_mapped(folio)) {
-			list_del_init(&folio->_deferred_list);	/* unlocked */
-			removed++;
+			spin_lock_irqsave(&ds_queue->split_queue_lock, flags);
+			list_del_init(&folio->_deferred_list);
+			ds_queue->split_queue_len--;
+			spin_unlock_irqrestore(&ds_queue->split_queue_lock, flags);
"""

# folio-batch: leave a folio whose folio_try_get() fails on the queue (its free path unqueues it)
KEEP_LOST = """\
name: folio-batch-keep-lost
description: folio-batch, but a folio whose folio_try_get() fails stays on the queue
expect: holds
options: procs=2 folios=2 actors=free,migrate properties=NoUseAfterFree
source: issue 9; docs/findings.md F-1 (folio-batch has it through this list_del_init())

--- a/deferred_split_scan.c
+++ b/deferred_split_scan.c
@@ -23,3 +23,5 @@
 		if (folio_try_get(folio)) {
 			folio_batch_add(&fbatch, folio);
+			list_del_init(&folio->_deferred_list);
+			ds_queue->split_queue_len--;
 		} else if (folio_test_partially_mapped(folio)) {
@@ -30,2 +32,0 @@
-		list_del_init(&folio->_deferred_list);
-		ds_queue->split_queue_len--;
"""

# Drop the free path's lockless peek: folio_unqueue_deferred_split() always takes the lock.
NO_PEEK = """\
name: no-lockless-peek
description: fixed, with folio_unqueue_deferred_split() always taking the lock (no list_empty() peek)
expect: holds
options: procs=2 folios=2 actors=free properties=NoUseAfterFree
source: docs/findings.md F-1, the second fix it names

--- a/folio_unqueue_deferred_split.c
+++ b/folio_unqueue_deferred_split.c
@@ -15,4 +15,0 @@
-\t/* not on a deferred list: safe to check without split_queue_lock */
-\tif (data_race(list_empty(&folio->_deferred_list)))
-\t\treturn false;
-
"""

# deferred_split_folio() tests list_empty_careful(): does a half-done INIT_LIST_HEAD() still look empty?
CAREFUL = """\
name: careful-enqueue
description: fixed, with deferred_split_folio() testing list_empty_careful() instead of list_empty()
expect: holds
options: procs=2 folios=2 actors=unmap properties=ListIntegrity
source: docs/findings.md F-2; include/linux/list.h list_empty_careful()

--- a/deferred_split_folio.c
+++ b/deferred_split_folio.c
@@ -32,1 +32,1 @@
-\tif (list_empty(&folio->_deferred_list)) {
+\tif (list_empty_careful(&folio->_deferred_list)) {
"""

QUESTIONS = [
    ("fixed", "no-peek.diff", NO_PEEK, 0, "expect holds: as expected"),
    ("fixed", "careful.diff", CAREFUL, 0, "expect holds: as expected"),
    ("fixed", "locked-delete.diff", LOCKED_DELETE, 0, "expect holds: as expected"),
    ("folio-batch", "keep-lost.diff", KEEP_LOST, 0, "expect holds: as expected"),
]


@pytest.mark.parametrize("base,name,text,code,judged", QUESTIONS, ids=[q[1] for q in QUESTIONS])
def test_question_as_a_patch(tmp_path, runs_dir, jar, base, name, text, code, judged):
    patch = tmp_path / name
    patch.write_text(text)
    assert len([l for l in text.split("\n---", 1)[1].splitlines() if l.strip()]) < 15
    result = dsqspec("check", "--base", base, "--patch", str(patch), "--workers", "1", "--quiet")
    assert result.returncode == code, result.stdout + result.stderr
    assert judged in result.stderr


@pytest.mark.parametrize("args", [
    ("--variant", "fixed", "--actors", "free", "--property", "NoUseAfterFree"),   # the control for NO_PEEK
    ("--variant", "fixed", "--actors", "unmap", "--property", "ListIntegrity"),   # the control for CAREFUL
])
def test_unpatched_fixed_has_the_findings(runs_dir, jar, args):
    result = dsqspec("check", *args, "--procs", "2", "--folios", "2", "--workers", "1", "--quiet")
    assert result.returncode == 1, result.stdout + result.stderr


def test_unpatched_folio_batch_has_finding_1(tmp_path, runs_dir, jar):
    """The control for KEEP_LOST: without the patch the same model violates NoUseAfterFree."""
    result = dsqspec("check", "--variant", "folio-batch", "--procs", "2", "--folios", "2", "--actors",
                     "free,migrate", "--property", "NoUseAfterFree", "--workers", "1", "--quiet")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "NoUseAfterFree" in result.stdout
