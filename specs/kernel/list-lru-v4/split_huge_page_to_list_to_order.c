/*
 * The split on list_lru (__folio_freeze_and_split_unmapped() of v4 8/8 and v5),
 * in this project's words and reduced to what touches the queue.  The folio's
 * sublist is locked before folio_ref_freeze(), so the walk never finds a
 * frozen folio it would take for one being freed; a frozen folio is taken off
 * with __list_lru_del() and loses PG_partially_mapped under that lock.  The
 * kernel takes the lock only for anonymous folios of order > 1
 * (dequeue_deferred): every folio of the model is one.
 */
int split_huge_page_to_list_to_order(struct folio *folio)
{
	struct list_lru_one *lru;
	struct mem_cgroup *memcg;
	int extra_pins;

	/* the folio lock, anon_vma and unmap_folio() are not modelled: this may fail */
	if (!can_split_folio(folio, 1, &extra_pins))
		return -EAGAIN;

	rcu_read_lock();
	memcg = folio_memcg(folio);
	lru = list_lru_lock(&deferred_split_lru, folio_nid(folio), &memcg);
	if (folio_ref_freeze(folio, 1 + extra_pins)) {
		__list_lru_del(&deferred_split_lru, lru, &folio->_deferred_list, folio_nid(folio));
		if (folio_test_partially_mapped(folio)) {
			folio_clear_partially_mapped(folio);
			mod_mthp_stat(folio_order(folio), MTHP_STAT_NR_ANON_PARTIALLY_MAPPED, -1);
		}
		list_lru_unlock(lru);
		rcu_read_unlock();
		__split_huge_page(folio);
		return 0;
	}
	list_lru_unlock(lru);
	rcu_read_unlock();
	return -EAGAIN;
}
