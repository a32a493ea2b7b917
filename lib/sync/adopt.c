/* SPDX-License-Identifier: MIT */
/*
 * Adoption, in tx 1: an app that completes a reminder by ending it and
 * carrying the series on under a new UID (todoman's `todo done`) has made
 * the resource where the reminder now lives.  Detection names it
 * (detect.h, `continuation`); here the reminder's row moves onto it, so
 * the plan rewrites it with kith's dates and properties like any reminder
 * of its own, and every later tick in that app is read from it.
 *
 * The row's old resource (kith's, now completed) stays on the target as
 * the app's record of the tick, as the app leaves its own history: it is
 * counted for the contact, never written or deleted again.  Deleting it
 * would lose that record for a user who lists done tasks; keeping it is
 * no second reminder (I2), since nothing open is left there.
 */

#include "engine.h"

static long listing_index(const struct engine *e, const char *name)
{
	for (size_t i = 0; i < e->listing.n; i++)
		if (!strcmp(e->listing.names[i], name))
			return (long)i;
	return -1;
}

enum kith_status kith_sync_adopt(struct engine *e, const struct kith_contact *c, size_t ri,
				 const char *name)
{
	struct kith_rstate *r = &e->rs[ri];
	long old_li = e->rs_listed[ri], li = listing_index(e, name);
	struct kith_titem *it = NULL;
	char *old = NULL, *uid = NULL;
	enum kith_status rc = KITH_OK;

	for (size_t k = 0; k < e->n_items && !it; k++) {
		if (!strcmp(e->items[k].name, name)) {
			it = &e->items[k];
			/* Its parsed VTODOs are not offered to the next contacts. */
			kith_todos_clear(&e->item_todos[k]);
		}
	}
	/* Only what was read in this attempt, next to our own resource, moves. */
	if (!it || !it->uid || li < 0 || old_li < 0 || !e->fetched[li].bytes)
		return KITH_OK;
	old = strdup(r->resource);
	uid = strdup(it->uid);
	if (!old || !uid) {
		rc = kith_nomem(e->ctx);
		goto out;
	}
	/*
	 * The item becomes the old resource; `name` may be the item's own
	 * string, so the row takes its copy first.
	 */
	if (replace(&r->resource, name) || replace(&r->base, e->fetched[li].bytes) ||
	    replace(&r->etag, e->listing.tags[li]) || replace(&it->name, old) ||
	    replace(&it->tag, e->listing.tags[old_li]) || replace(&it->uid, r->uid) ||
	    replace(&r->uid, uid) || kith_sync_append_line(&r->counted, old) < 0) {
		rc = kith_nomem(e->ctx);
		goto out;
	}
	it->contact_id = c->id;
	/* Its fingerprint was of the old resource: the plan rewrites the new one. */
	free(r->fingerprint);
	r->fingerprint = NULL;
	e->rs_listed[ri] = li;
	e->rs_by_name_stale = 1;
	rc = kith_sync_act(e, KITH_SYNC_ADOPT, c, r->resource, (struct kith_date){ 0, 0, 0 },
			   "a calendar app carried the reminder on here; kith keeps it as the "
			   "reminder and leaves %s as the app's record of the tick",
			   old);
out:
	free(old);
	free(uid);
	return rc;
}
