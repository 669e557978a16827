/*
 * __folio_migrate_mapping() from 6.12-rc7, in this project's words: as in
 * v6.11 (be9581ea8c05's freeze), calling the unqueue by its new name
 * (f8f931bba0f9 "mm/thp: fix deferred split unqueue naming and locking").
 */
int __folio_migrate_mapping(struct address_space *mapping, struct folio *newfolio,
			    struct folio *folio, int expected_count)
{
	if (!mapping) {
		/* off the deferred split queue while frozen and memcg set */
		if (folio_test_large(folio) && folio_test_large_rmappable(folio)) {
			if (!folio_ref_freeze(folio, expected_count))
				return -EAGAIN;
			folio_unqueue_deferred_split(folio);
			folio_ref_unfreeze(folio, expected_count);
		}
		return MIGRATEPAGE_SUCCESS;
	}
	/* a folio in the page cache freezes under the xarray lock: not in the model */
	return -EAGAIN;
}
