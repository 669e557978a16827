/*
 * migrate_folio_done() of mm/migrate.c, in this project's words: after a
 * successful migration the old folio loses the migrator's reference.  Its
 * statistics, and the memory-failure case that keeps the reference, are not
 * modelled.
 */
void migrate_folio_done(struct folio *src)
{
	folio_put(src);
}
