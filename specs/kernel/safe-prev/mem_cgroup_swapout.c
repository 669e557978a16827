/*
 * mem_cgroup_swapout() of mm/memcontrol.c from 6.12-rc7, in this project's
 * words and reduced to the deferred split queue: f8f931bba0f9 unqueues the
 * folio (frozen at refcount 0 by __remove_mapping()) before its memcg_data is
 * reset, so that a later unqueue cannot take the wrong queue's lock.  The
 * kernel does this only with cgroup v1's memsw accounting; otherwise
 * shrink_folio_list() does the same unqueue right after.  (The swap entry, a
 * swp_entry_t, is passed as a number: the model does not read it.)
 */
void mem_cgroup_swapout(struct folio *folio, unsigned long entry)
{
	folio_unqueue_deferred_split(folio);
}
