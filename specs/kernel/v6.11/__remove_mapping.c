/*
 * __remove_mapping() of mm/vmscan.c, in this project's words, reduced to a
 * swap cache THP (the only kind the model's reclaim takes) and to what touches
 * the deferred split queue.  The freeze takes no list lock: a shrinker that
 * meets the folio meanwhile finds its refcount 0 and takes it for a folio
 * whose last folio_put() is running.  A folio redirtied through a reference
 * dropped just before the freeze is unfrozen and kept: it lives on.
 * Returns 1 when the folio may be freed (shrink_folio_list() frees it), 0
 * when it is kept.
 */
int __remove_mapping(struct address_space *mapping, struct folio *folio,
		     bool reclaimed, struct mem_cgroup *target_memcg)
{
	/* nobody but the swap cache and reclaim's isolation may hold a reference */
	if (!folio_ref_freeze(folio, 1 + folio_nr_pages(folio)))
		goto cannot_free;
	/* the dirty test comes after the freeze, so that a last writer is seen */
	if (folio_test_dirty(folio)) {
		folio_ref_unfreeze(folio, 1 + folio_nr_pages(folio));
		goto cannot_free;
	}
	/* the swap cache case: the memcg swap record, then out of the swap cache */
	mem_cgroup_swapout(folio, folio->swap);
	__delete_from_swap_cache(folio, folio->swap, NULL);
	return 1;

cannot_free:
	return 0;
}
