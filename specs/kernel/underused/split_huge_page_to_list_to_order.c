/*
 * The split of a folio: split_huge_page_to_list_to_order() as split_folio()
 * calls it, from 6.12-rc1 (PG_partially_mapped cleared with the unqueue), in this project's words and reduced to what
 * touches the queue (the model's folio stands for the page, the list and the
 * order).  The freeze happens under split_queue_lock so the shrinker never
 * sees a frozen folio on the queue; a frozen folio is unqueued; the split
 * gives the refcount back and the folio is no longer large.
 */
int split_huge_page_to_list_to_order(struct folio *folio)
{
	struct deferred_split *ds_queue = get_deferred_split_queue(folio);
	int extra_pins;

	/* the folio lock, anon_vma and unmap_folio() are not modelled: this may fail */
	if (!can_split_folio(folio, 1, &extra_pins))
		return -EAGAIN;

	/* prevent the deferred split shrinker from seeing a frozen folio */
	spin_lock(&ds_queue->split_queue_lock);
	if (folio_ref_freeze(folio, 1 + extra_pins)) {
		if (!list_empty(&folio->_deferred_list)) {
			ds_queue->split_queue_len--;
			if (folio_test_partially_mapped(folio)) {
				__folio_clear_partially_mapped(folio);
				mod_mthp_stat(folio_order(folio), MTHP_STAT_NR_ANON_PARTIALLY_MAPPED, -1);
			}
			list_del_init(&folio->_deferred_list);
		}
		spin_unlock(&ds_queue->split_queue_lock);
		__split_huge_page(folio);
		return 0;
	}
	spin_unlock(&ds_queue->split_queue_lock);
	return -EAGAIN;
}
