/*
 * free_unref_folios() from 6.12-rc7, in this project's words: f8f931bba0f9
 * dropped its unqueue ("if any forget then bad_page() will tell").
 */
void free_unref_folios(struct folio *folio)
{
	free_unref_page(&folio->page, folio_order(folio));
}
