/*
 * migrate_folio_move() of mm/migrate.c after a2e0c0668a34, in this project's
 * words and reduced to an anonymous, mapped THP and the arguments the model
 * has.  Before move_to_new_folio() unqueues the source (in
 * __folio_migrate_mapping(), while its refcount is frozen), it records whether
 * the source was queued and whether it was partially mapped; the destination,
 * which takes the source's place, is requeued with that state.  Here the
 * requeue comes after remove_migration_ptes(), when the destination is mapped
 * again and other CPUs can unmap part of it.  Migration holds the destination
 * locked from its allocation to folio_unlock(); the source's lock, the LRU and
 * the anon_vma are not modelled.  A -EAGAIN from move_to_new_folio() (the
 * freeze failed) is retried by migrate_pages_batch(): no step in the model.
 */
int migrate_folio_move(struct folio *src, struct folio *dst, enum migrate_mode mode)
{
	bool src_deferred_split = false;
	bool src_partially_mapped = false;
	int rc;

	if (folio_order(src) > 1 &&
	    !data_race(list_empty(&src->_deferred_list))) {
		src_deferred_split = true;
		src_partially_mapped = folio_test_partially_mapped(src);
	}

	rc = move_to_new_folio(dst, src, mode);
	if (rc)
		return rc;

	folio_add_lru(dst);
	remove_migration_ptes(src, dst, 0);

	/* the source left the queue in __folio_migrate_mapping(): requeue its replacement */
	if (src_deferred_split)
		deferred_split_folio(dst, src_partially_mapped);

	folio_unlock(dst);
	/* the page tables hold dst now: the migrator's reference goes */
	folio_put(dst);
	migrate_folio_done(src);
	return rc;
}
