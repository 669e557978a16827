/*
 * __folio_put() of mm/swap.c as of v6.11, in this project's words: the last
 * folio_put() of a folio gets here with the refcount at 0.  The folio leaves
 * the deferred split queue, then goes back to the page allocator, whose
 * free_tail_page_prepare() reports a folio still on a deferred list as a bad
 * page.  page_cache_release() and the memcg uncharge touch nothing modelled.
 */
void __folio_put(struct folio *folio)
{
	page_cache_release(folio);
	folio_undo_large_rmappable(folio);
	mem_cgroup_uncharge(folio);
	free_unref_page(&folio->page, folio_order(folio));
}
