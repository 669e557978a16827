/*
 * __folio_migrate_mapping() of mm/migrate.c as of v6.11, in this project's
 * words and reduced to the anonymous folio without a mapping, the model's
 * only kind.  be9581ea8c05 ("mm: fix crashes from deferred split racing folio
 * migration") added the freeze here: the old folio leaves the deferred split
 * queue while its refcount is frozen to 0, so no shrinker can hold it on its
 * on-stack list.  A failed freeze returns -EAGAIN and migration retries later.
 * The new folio taking over index, mapping and swapbacked is not modelled.
 */
int __folio_migrate_mapping(struct address_space *mapping, struct folio *newfolio,
			    struct folio *folio, int expected_count)
{
	if (!mapping) {
		/* off the deferred split queue while frozen and memcg set */
		if (folio_test_large(folio) && folio_test_large_rmappable(folio)) {
			if (!folio_ref_freeze(folio, expected_count))
				return -EAGAIN;
			folio_undo_large_rmappable(folio);
			folio_ref_unfreeze(folio, expected_count);
		}
		return MIGRATEPAGE_SUCCESS;
	}
	/* a folio in the page cache freezes under the xarray lock: not in the model */
	return -EAGAIN;
}
