"""The kernel versions dsqspec models, one entry per `--variant`.

Each variant names the kernel commit whose `deferred_split_scan()` its template
follows, so that a verdict can be traced back to code a reviewer can open. What the
model must show for each version, and under which options, is not here: it is
in the claim files of `specs/claims/` (tlc_runner/claims.py, docs/claims.md).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    name: str
    commit: str
    kernel: str
    description: str
    has_partially_mapped: bool = True
    # kernel facts the shared templates need (see kernel-deferred-split.md)
    unqueue_fn: str = "folio_unqueue_deferred_split"
    bad_page_needs_pm: bool = False  # 6.12-rc1..rc6 weakened free_tail_page_prepare()
    split_clears_pm_offlist: bool = False  # folio_batch series' __folio_split()
    local_list: bool = True  # an on-stack list (a)-(d); folio_batch has none
    list_lru: bool = False  # v7.2: per-memcg list_lru sublists, each with its lock and nr_items

    def kernel_facts(self) -> dict[str, object]:
        return {
            "has_pm": self.has_partially_mapped,
            "unqueue_fn": self.unqueue_fn,
            "bad_page_needs_pm": self.bad_page_needs_pm,
            "split_clears_pm_offlist": self.split_clears_pm_offlist,
            "local_list": self.local_list,
            "list_lru": self.list_lru,
        }


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        Variant(
            "v6.11",
            "be9581ea8c05 (base)",
            "v6.11",
            "all list writes under split_queue_lock; shrinker only reads its local list unlocked",
            has_partially_mapped=False,
            unqueue_fn="folio_undo_large_rmappable",
        ),
        Variant(
            "underused",
            "dafff3f4c850",
            "v6.12-rc1..rc6",
            "mm: split underused THPs - unlocked list_del_init() and split_queue_len-- on the local list",
            unqueue_fn="folio_undo_large_rmappable",
            bad_page_needs_pm=True,
        ),
        Variant(
            "safe-prev",
            "e66f3185fa04",
            "v6.12-rc7",
            "keep one 'safe' folio with a raised refcount before the unlocked delete; a split folio can become it",
        ),
        Variant(
            "fixed",
            "a3477c9e02cc",
            "v6.12",
            "mm/thp: fix deferred split queue not partially_mapped: fix - a split folio is never the safe one",
        ),
        Variant(
            "locked",
            "a3477c9e02cc + Zi Yan's locked alternative",
            "(proposal, 2024-10)",
            "fixed, with the shrinker's list_del_init() and split_queue_len-- under split_queue_lock",
        ),
        Variant(
            "folio-batch",
            "folio_batch rework v6 (2025-11-10)",
            "v6.19/v7.0",
            "unqueue into a folio_batch under the lock; requeue with list_empty() under the lock; bounded retry",
            split_clears_pm_offlist=True,
            local_list=False,
        ),
        Variant(
            "list-lru-v4",
            "v4 8/8 as posted 2026-05-21",
            "(posting)",
            "list_lru sublists per memcg; deferred_split_isolate() calls list_lru_isolate() before "
            "the PG_partially_mapped test and clear",
            split_clears_pm_offlist=True,
            list_lru=True,
        ),
        Variant(
            "list-lru",
            "68f2d20ce9de (mm-unstable; mainline id unverified)",
            "v7.2",
            "mm: switch deferred split shrinker to list_lru (v5 + June fix-ups): the flag is read "
            "and cleared before list_lru_isolate()",
            split_clears_pm_offlist=True,
            list_lru=True,
        ),
        Variant(
            "dst-requeue",
            "a2e0c0668a34",
            "2026-03 (6.18-stable)",
            "folio-batch + migration requeues its destination folio, after remove_migration_ptes()",
            split_clears_pm_offlist=True,
            local_list=False,
        ),
        Variant(
            "dst-requeue-early",
            "3bac01168982",
            "2026-04 (7.0-stable)",
            "dst-requeue, requeued before dst is visible; the shrinker requeues a folio it cannot lock",
            split_clears_pm_offlist=True,
            local_list=False,
        ),
    )
}


def variant_names() -> list[str]:
    return list(VARIANTS)
