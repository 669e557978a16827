/*
 * __folio_put() from 6.12-rc7, in this project's words: as in v6.11, calling
 * the unqueue by its new name (f8f931bba0f9).
 */
void __folio_put(struct folio *folio)
{
	page_cache_release(folio);
	folio_unqueue_deferred_split(folio);
	mem_cgroup_uncharge(folio);
	free_unref_page(&folio->page, folio_order(folio));
}
