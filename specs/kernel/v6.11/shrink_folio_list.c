/*
 * The free path of shrink_folio_list() (mm/vmscan.c, its free_it: label) as of
 * v6.11, in this project's words, for the one folio that __remove_mapping()
 * left frozen at refcount 0: it joins the batch of folios to free, and
 * free_unref_folios() frees the batch.
 */
void shrink_folio_list(struct folio *folio)
{
	free_unref_folios(folio);
}
