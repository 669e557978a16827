/*
 * deferred_split_folio() as of v6.11, in this project's words: a partial
 * unmap queues the folio, under split_queue_lock, unless it is queued already.
 */
void deferred_split_folio(struct folio *folio)
{
	struct deferred_split *ds_queue = get_deferred_split_queue(folio);
	unsigned long flags;

	/* order-1 folios have no room for a deferred list */
	if (folio_order(folio) <= 1)
		return;

	if (folio_test_swapcache(folio))
		return;

	spin_lock_irqsave(&ds_queue->split_queue_lock, flags);
	if (list_empty(&folio->_deferred_list)) {
		count_vm_event(THP_DEFERRED_SPLIT_PAGE);
		list_add_tail(&folio->_deferred_list, &ds_queue->split_queue);
		ds_queue->split_queue_len++;
	}
	spin_unlock_irqrestore(&ds_queue->split_queue_lock, flags);
}
