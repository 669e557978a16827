/*
 * folio_undo_large_rmappable() as of v6.11, in this project's words: the free
 * path's (and migration's) unqueue.  The lockless list_empty() peek is the
 * fast path: a folio that looks unqueued is not locked for.
 */
void folio_undo_large_rmappable(struct folio *folio)
{
	struct deferred_split *ds_queue;
	unsigned long flags;

	if (folio_order(folio) <= 1)
		return;

	/* not on a deferred list: safe to check without split_queue_lock */
	if (data_race(list_empty(&folio->_deferred_list)))
		return;

	ds_queue = get_deferred_split_queue(folio);
	spin_lock_irqsave(&ds_queue->split_queue_lock, flags);
	if (!list_empty(&folio->_deferred_list)) {
		ds_queue->split_queue_len--;
		list_del_init(&folio->_deferred_list);
	}
	spin_unlock_irqrestore(&ds_queue->split_queue_lock, flags);
}
