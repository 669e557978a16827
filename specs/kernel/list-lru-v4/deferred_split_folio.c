/*
 * deferred_split_folio() on list_lru (v4 8/8 and v5 alike), in this project's
 * words: the folio's sublist is looked up from its memcg and locked (a dead
 * sublist sends the lock up to the parent's); the flag is set under that lock
 * and __list_lru_add() queues the folio unless it is on a list already.
 */
void deferred_split_folio(struct folio *folio, bool partially_mapped)
{
	struct list_lru_one *lru;
	int nid;
	struct mem_cgroup *memcg;
	unsigned long flags;

	/* order-1 folios have no room for a deferred list */
	if (folio_order(folio) <= 1)
		return;

	if (!partially_mapped && !split_underused_thp)
		return;

	if (folio_test_swapcache(folio))
		return;

	nid = folio_nid(folio);

	rcu_read_lock();
	memcg = folio_memcg(folio);
	lru = list_lru_lock_irqsave(&deferred_split_lru, nid, &memcg, &flags);
	if (partially_mapped) {
		if (!folio_test_partially_mapped(folio)) {
			folio_set_partially_mapped(folio);
			if (folio_test_pmd_mappable(folio))
				count_vm_event(THP_DEFERRED_SPLIT_PAGE);
			count_mthp_stat(folio_order(folio), MTHP_STAT_SPLIT_DEFERRED);
			mod_mthp_stat(folio_order(folio), MTHP_STAT_NR_ANON_PARTIALLY_MAPPED, 1);
		}
	} else {
		/* a partially mapped folio never becomes fully mapped again */
		VM_WARN_ON_FOLIO(folio_test_partially_mapped(folio), folio);
	}
	__list_lru_add(&deferred_split_lru, lru, &folio->_deferred_list, nid, memcg);
	list_lru_unlock_irqrestore(lru, &flags);
	rcu_read_unlock();
}
