/*
 * deferred_split_isolate() as posted in v4 8/8, in this project's words: the
 * list_lru walk's callback, run under the sublist lock.  A folio it can pin
 * moves to the shrinker's on-stack dispose list; one whose refcount is already
 * 0 (its last folio_put() is running) is taken off the sublist, and then its
 * PG_partially_mapped is tested and cleared.
 */
enum lru_status deferred_split_isolate(struct list_head *item, struct list_lru_one *lru, void *cb_arg)
{
	struct folio *folio = container_of(item, struct folio, _deferred_list);
	struct list_head *freeable = cb_arg;

	if (folio_try_get(folio)) {
		list_lru_isolate_move(lru, item, freeable);
		return LRU_REMOVED;
	}

	/* lost the race with folio_put() */
	list_lru_isolate(lru, item);
	if (folio_test_partially_mapped(folio)) {
		folio_clear_partially_mapped(folio);
		mod_mthp_stat(folio_order(folio), MTHP_STAT_NR_ANON_PARTIALLY_MAPPED, -1);
	}
	return LRU_REMOVED;
}
