/*
 * free_unref_folios() of mm/page_alloc.c as of v6.11, in this project's words,
 * for one folio of the batch (refcount 0): off the deferred split queue, then
 * back to the page allocator, whose free_tail_page_prepare() checks the list.
 */
void free_unref_folios(struct folio *folio)
{
	folio_undo_large_rmappable(folio);
	free_unref_page(&folio->page, folio_order(folio));
}
