/*
 * deferred_split_scan() after 3bac01168982 (Lance Yang, 2026-04), in this
 * project's words: the folio_batch code, except that a folio whose
 * folio_trylock() fails is put back on the queue (`goto requeue`) instead of
 * being dropped: migration holds its destination locked while it is queued,
 * and an underused folio dropped here would never be judged again.
 */
static unsigned long deferred_split_scan(struct shrinker *shrink,
		struct shrink_control *sc)
{
	struct deferred_split *ds_queue;
	unsigned long flags;
	struct folio *folio, *next;
	int split = 0, i;
	struct folio_batch fbatch;

	folio_batch_init(&fbatch);

retry:
	ds_queue = split_queue_lock_irqsave(sc->nid, sc->memcg, &flags);
	list_for_each_entry_safe(folio, next, &ds_queue->split_queue, _deferred_list) {
		if (folio_try_get(folio)) {
			folio_batch_add(&fbatch, folio);
		} else if (folio_test_partially_mapped(folio)) {
			/* refcount is 0: its last folio_put() is running */
			folio_clear_partially_mapped(folio);
			mod_mthp_stat(folio_order(folio), MTHP_STAT_NR_ANON_PARTIALLY_MAPPED, -1);
		}
		list_del_init(&folio->_deferred_list);
		ds_queue->split_queue_len--;
		if (!--sc->nr_to_scan)
			break;
		if (!folio_batch_space(&fbatch))
			break;
	}
	split_queue_unlock_irqrestore(ds_queue, flags);

	for (i = 0; i < folio_batch_count(&fbatch); i++) {
		bool did_split = false;
		bool underused = false;
		struct deferred_split *fqueue;

		folio = fbatch.folios[i];
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
		/* split, judged used (not underused), or underused but not split: not requeued */
		if (did_split || !folio_test_partially_mapped(folio))
			continue;
requeue:
		/* partially mapped, or not locked this round: back on the queue, unless queued meanwhile */
		fqueue = folio_split_queue_lock_irqsave(folio, &flags);
		if (list_empty(&folio->_deferred_list)) {
			list_add_tail(&folio->_deferred_list, &fqueue->split_queue);
			fqueue->split_queue_len++;
		}
		split_queue_unlock_irqrestore(fqueue, flags);
	}
	folios_put(&fbatch);

	if (sc->nr_to_scan && !list_empty(&ds_queue->split_queue)) {
		cond_resched();
		goto retry;
	}

	if (!split && list_empty(&ds_queue->split_queue))
		return SHRINK_STOP;
	return split;
}
