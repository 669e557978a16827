/*
 * The unqueue on list_lru, in this project's words: mm/internal.h's inline
 * folio_unqueue_deferred_split() keeps the lockless list_empty() fast path;
 * __folio_unqueue_deferred_split() locks the sublist of the folio's memcg (or
 * of the ancestor it was reparented to) and takes it off with __list_lru_del().
 * Its second warning (a folio with no memcg charged) cannot fire in the model:
 * every folio is charged to its memcg for life.
 */
bool __folio_unqueue_deferred_split(struct folio *folio)
{
	struct mem_cgroup *memcg;
	struct list_lru_one *lru;
	int nid = folio_nid(folio);
	unsigned long flags;
	bool unqueued = false;

	rcu_read_lock();
	memcg = folio_memcg(folio);
	lru = list_lru_lock_irqsave(&deferred_split_lru, nid, &memcg, &flags);
	/*
	 * The kernel warns before rcu_read_lock(); here it is after the lock, as the
	 * compiler drops a WARN before a function's first step.  The count is 0
	 * (being freed) or frozen, so nothing changes it in between.
	 */
	WARN_ON_ONCE(folio_ref_count(folio));
	if (__list_lru_del(&deferred_split_lru, lru, &folio->_deferred_list, nid)) {
		if (folio_test_partially_mapped(folio)) {
			folio_clear_partially_mapped(folio);
			mod_mthp_stat(folio_order(folio), MTHP_STAT_NR_ANON_PARTIALLY_MAPPED, -1);
		}
		unqueued = true;
	}
	list_lru_unlock_irqrestore(lru, &flags);
	rcu_read_unlock();

	return unqueued;
}

bool folio_unqueue_deferred_split(struct folio *folio)
{
	if (folio_order(folio) <= 1 || !folio_test_large_rmappable(folio))
		return false;

	/* nobody queues a folio whose refcount is 0: off every list, it stays off */
	if (data_race(list_empty(&folio->_deferred_list)))
		return false;

	return __folio_unqueue_deferred_split(folio);
}
