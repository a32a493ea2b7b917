/* SPDX-License-Identifier: MIT */
/* The quiet path: a sync with nothing to do stops after the listing. */

#include "engine.h"

/* ---- a sync with nothing to do ---- */

/*
 * Nothing changed since the last complete sync, on either side: the
 * store's generation and the options are those that sync planned for, no
 * write intent is open, and the target lists exactly what kith knew (an
 * empty delta proves that without reading what kith knew).  Then there is
 * nothing to plan, and loading every contact and reminder (most of a
 * no-op's time with thousands of contacts) is skipped.  When
 * the listing differs, it is kept for the full sync: the target is not
 * asked twice.
 */
enum kith_status kith_sync_try_quiet(struct engine *e, int *quiet)
{
	struct kith_listing known;
	int64_t gen;
	char *key = NULL;
	int settled = 0;
	enum kith_status rc;

	*quiet = 0;
	/* --force is asked for what a plan refused (an edited archived reminder): plan. */
	if (e->o->force)
		return KITH_OK;
	memset(&known, 0, sizeof(known));
	rc = kith_store_generation(e->store, &gen);
	if (rc)
		return rc;
	key = kith_sync_plan_key(e, gen);
	if (!key)
		return kith_nomem(e->ctx);
	rc = kith_store_sync_quiet(e->store, e->target_id, key, &settled);
	free(key);
	if (rc || !settled)
		return rc;
	rc = kith_sync_list_target(e);
	if (rc)
		return rc;
	e->listed = 1;
	if (e->listing.delta && !e->listing.n && !e->listing.n_gone) {
		/* The target proved nothing changed since the listing the store knows. */
		*quiet = !e->listing.partial;
	} else {
		rc = kith_sync_complete_listing(e, &known);
		if (!rc)
			*quiet = !e->listing.partial && kith_sync_same_listing(&e->listing, &known);
	}
	if (!rc && *quiet)
		rc = kith_store_quiet_counts(e->store, e->target_id, &e->res->unchanged,
					     &e->res->paused);
	kith_listing_clear(&known);
	return rc;
}

/* After a complete plan or its confirmation: remember what it covered. */
enum kith_status kith_sync_save_plan_key(struct engine *e, int64_t gen)
{
	char *key = kith_sync_plan_key(e, gen);
	enum kith_status rc;

	if (!key)
		return kith_nomem(e->ctx);
	rc = kith_store_set_plan_key(e->store, e->target_id, key);
	free(key);
	return rc;
}
