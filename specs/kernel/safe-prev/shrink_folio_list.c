/*
 * The free path of shrink_folio_list() from 6.12-rc7, in this project's words:
 * f8f931bba0f9 unqueues the frozen folio here, before it joins the batch, and
 * no longer in free_unref_folios().
 */
void shrink_folio_list(struct folio *folio)
{
	folio_unqueue_deferred_split(folio);
	free_unref_folios(folio);
}
