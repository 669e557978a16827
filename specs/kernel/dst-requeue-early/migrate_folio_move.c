/*
 * migrate_folio_move() after 3bac01168982, in this project's words (reduced as
 * in dst-requeue): the destination is requeued before remove_migration_ptes()
 * makes it visible, so no other CPU can mark it partially mapped first.  It is
 * on the queue while migration still holds it locked.
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

	/* requeue before dst is mapped again: nobody can partially unmap it yet */
	if (src_deferred_split)
		deferred_split_folio(dst, src_partially_mapped);

	folio_add_lru(dst);
	remove_migration_ptes(src, dst, 0);

	folio_unlock(dst);
	/* the page tables hold dst now: the migrator's reference goes */
	folio_put(dst);
	migrate_folio_done(src);
	return rc;
}
