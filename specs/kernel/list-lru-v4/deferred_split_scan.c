/*
 * deferred_split_scan() on list_lru (v4 8/8; unchanged in v5), in this
 * project's words.  The walk moves every folio it pins from one sublist to the
 * on-stack dispose list under the sublist lock; then, without any lock, each is
 * taken off dispose with list_del_init(), split if it can be, and put back on
 * its memcg's sublist with list_lru_add_irq() when it is still partially mapped,
 * or when its folio lock could not be taken (goto requeue, 3bac01168982).
 */
static unsigned long deferred_split_scan(struct shrinker *shrink,
		struct shrink_control *sc)
{
	LIST_HEAD(dispose);
	struct folio *folio, *next;
	int split = 0;
	unsigned long isolated;

	isolated = list_lru_shrink_walk_irq(&deferred_split_lru, sc,
					    deferred_split_isolate, &dispose);

	list_for_each_entry_safe(folio, next, &dispose, _deferred_list) {
		bool did_split = false;
		bool underused = false;

		list_del_init(&folio->_deferred_list);

		if (!folio_test_partially_mapped(folio)) {
			/* an mlocked folio is not split for being underused */
			if (folio_test_mlocked(folio))
				goto next;
			underused = thp_underused(folio);
			if (!underused)
				goto next;
		}
		if (!folio_trylock(folio))
			goto requeue;
		if (!split_folio(folio)) {
			did_split = true;
			if (underused)
				count_vm_event(THP_UNDERUSED_SPLIT_PAGE);
			split++;
		}
		folio_unlock(folio);
next:
		/* kept only when still partially mapped and not split */
		if (!did_split && folio_test_partially_mapped(folio)) {
requeue:
			rcu_read_lock();
			list_lru_add_irq(&deferred_split_lru, &folio->_deferred_list,
					 folio_nid(folio), folio_memcg(folio));
			rcu_read_unlock();
		}
		folio_put(folio);
	}

	if (!split && !isolated)
		return SHRINK_STOP;
	return split;
}
