/*
 * deferred_split_isolate() of v5 8/9 (as merged for v7.2), in this project's
 * words.  When the folio could not be pinned, its flag is tested and cleared
 * before list_lru_isolate(): once it is off the list, the CPU dropping its last
 * reference sees list_empty() without the lock and may free it at once.
 */
enum lru_status deferred_split_isolate(struct list_head *item, struct list_lru_one *lru, void *cb_arg)
{
	struct folio *folio = container_of(item, struct folio, _deferred_list);
	struct list_head *freeable = cb_arg;

	if (folio_try_get(folio)) {
		list_lru_isolate_move(lru, item, freeable);
		return LRU_REMOVED;
	}

	/* lost the race with folio_put(): read the folio before it can be freed */
	if (folio_test_partially_mapped(folio)) {
		folio_clear_partially_mapped(folio);
		mod_mthp_stat(folio_order(folio), MTHP_STAT_NR_ANON_PARTIALLY_MAPPED, -1);
	}
	list_lru_isolate(lru, item);
	return LRU_REMOVED;
}
