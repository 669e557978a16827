/*
 * folio_unqueue_deferred_split() from 6.12-rc7 (f8f931bba0f9 renamed
 * folio_undo_large_rmappable() and split it in two; here as one function, in
 * this project's words).  The lockless list_empty() peek stays the fast path.
 * The memcg WARN_ON_ONCE() of __folio_unqueue_deferred_split() is left out:
 * memcg is not modelled.
 */
bool folio_unqueue_deferred_split(struct folio *folio)
{
	struct deferred_split *ds_queue;
	unsigned long flags;
	bool unqueued = false;

	if (!folio_test_large_rmappable(folio))
		return false;

	/* not on a deferred list: safe to check without split_queue_lock */
	if (data_race(list_empty(&folio->_deferred_list)))
		return false;

	/* f8f931bba0f9: only a folio whose refcount is 0 (freed, or frozen) may be unqueued */
	WARN_ON_ONCE(folio_ref_count(folio));

	ds_queue = get_deferred_split_queue(folio);
	spin_lock_irqsave(&ds_queue->split_queue_lock, flags);
	if (!list_empty(&folio->_deferred_list)) {
		ds_queue->split_queue_len--;
		if (folio_test_partially_mapped(folio)) {
			__folio_clear_partially_mapped(folio);
			mod_mthp_stat(folio_order(folio), MTHP_STAT_NR_ANON_PARTIALLY_MAPPED, -1);
		}
		list_del_init(&folio->_deferred_list);
		unqueued = true;
	}
	spin_unlock_irqrestore(&ds_queue->split_queue_lock, flags);
	return unqueued;
}
