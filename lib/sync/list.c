/* SPDX-License-Identifier: MIT */
/*
 * Step 1 of an attempt: list the target, make a delta complete from what
 * the store knew, and fetch what changed since the last sync.
 */

#include "engine.h"

/*
 * What the engine saw last time: its reminders and the foreign resources,
 * read from the store (before anything in this attempt changed them): what
 * a delta is applied to, and what the quiet check compares a listing with.
 */
static enum kith_status known_listing(struct engine *e, struct kith_listing *out)
{
	struct kith_titem *items = NULL;
	size_t n = 0;
	enum kith_status rc;

	memset(out, 0, sizeof(*out));
	rc = kith_store_known_items(e->store, e->target_id, &items, &n);
	for (size_t i = 0; !rc && i < n; i++) {
		if (kith_listing_take(out, items[i].name, items[i].tag) != KITH_OK)
			rc = kith_nomem(e->ctx);
		else
			items[i].name = items[i].tag = NULL;
	}
	kith_titem_list_free(items, n);
	if (rc)
		kith_listing_clear(out);
	return rc;
}

/*
 * Lists the target (possibly only what changed since its saved state); its
 * new state is saved in tx 1 (rule 14).
 */
enum kith_status kith_sync_list_target(struct engine *e)
{
	enum kith_status rc = KITH_OK;

	if (e->t->ops->load_state) {
		char *state = NULL;

		rc = kith_store_target_state(e->store, e->target_id, &state);
		if (!rc)
			rc = e->t->ops->load_state(e->t, state);
		free(state);
		if (rc)
			return rc;
	}
	rc = e->t->ops->list(e->t, &e->listing);
	if (!rc && e->t->ops->save_state) {
		char *state = e->t->ops->save_state(e->t);

		rc = state ? kith_store_set_target_state(e->store, e->target_id, state)
			   : kith_nomem(e->ctx);
		free(state);
	}
	return rc;
}

/*
 * The listing made complete and authoritative for the plan: a delta is
 * applied to what the store knew.  *known (if given) gets that.
 */
enum kith_status kith_sync_complete_listing(struct engine *e, struct kith_listing *known)
{
	struct kith_listing k;
	enum kith_status rc;

	if (!e->listing.delta && !known)
		return KITH_OK;
	rc = known_listing(e, &k);
	if (!rc && e->listing.delta && kith_listing_apply(&e->listing, &k) != KITH_OK)
		rc = kith_nomem(e->ctx);
	if (!rc && known)
		*known = k;
	else
		kith_listing_clear(&k);
	return rc;
}

/* The listing holds exactly the known names, each with the known tag. */
int kith_sync_same_listing(const struct kith_listing *got, const struct kith_listing *known)
{
	struct kith_strset idx;
	int same = 1;

	if (got->n != known->n)
		return 0;
	if (!got->n)
		return 1;
	kith_strset_init(&idx, KITH_STRSET_BORROW);
	for (size_t i = 0; i < known->n; i++)
		kith_strset_add(&idx, known->names[i], i);
	if (kith_strset_seal(&idx)) {
		kith_strset_free(&idx);
		return 0; /* not proven: plan */
	}
	for (size_t i = 0; same && i < got->n; i++) {
		size_t k = kith_strset_get(&idx, got->names[i]);
		const char *a = got->tags[i], *b;

		if (k == KITH_STRSET_NONE) {
			same = 0;
			break;
		}
		b = known->tags[k];
		same = a && b && !strcmp(a, b);
	}
	kith_strset_free(&idx);
	return same;
}

enum kith_status kith_sync_list_and_fetch(struct engine *e)
{
	const char **names = NULL;
	size_t n = 0, *which = NULL;
	struct kith_fetched *got = NULL;
	enum kith_status rc;

	if (!e->listed) {
		rc = kith_sync_list_target(e);
		if (!rc)
			rc = kith_sync_complete_listing(e, NULL);
		if (rc)
			return rc;
	}
	e->fetched = calloc(e->listing.n ? e->listing.n : 1, sizeof(*e->fetched));
	e->rs_listed = calloc(e->cap_rs ? e->cap_rs : 1, sizeof(*e->rs_listed));
	names = calloc(e->listing.n ? e->listing.n : 1, sizeof(*names));
	which = calloc(e->listing.n ? e->listing.n : 1, sizeof(*which));
	if (!e->fetched || !e->rs_listed || !names || !which) {
		rc = kith_nomem(e->ctx);
		goto out;
	}
	for (size_t i = 0; i < e->cap_rs; i++)
		e->rs_listed[i] = -1;
	for (size_t i = 0; i < e->listing.n; i++) {
		const char *name = e->listing.names[i], *tag = e->listing.tags[i];
		int ri = kith_sync_row_by_name(e, name);
		int need;

		if (ri >= 0) {
			struct kith_rstate *r = &e->rs[ri];

			e->rs_listed[ri] = (long)i;
			/*
			 * A held row is read again whatever its tag says: the tag
			 * kept is the one before the item went bad, and a delta
			 * from a later token would never name it again.
			 */
			need = !r->base || r->pending || !r->etag || !tag || strcmp(r->etag, tag) ||
			       r->held;
		} else {
			const struct kith_titem *old = kith_sync_old_item(e, name);

			need = !old || !old->tag || !tag || strcmp(old->tag, tag);
		}
		if (need) {
			names[n] = name;
			which[n++] = i;
		}
	}
	if (n) {
		got = calloc(n, sizeof(*got));
		if (!got) {
			rc = kith_nomem(e->ctx);
			goto out;
		}
		if (kith_sync_fault(e, "fetch")) {
			rc = kith_fail(e->ctx, KITH_ERR_IO,
				       "stopped by a test fault before fetching");
			goto out;
		}
		rc = e->t->ops->fetch(e->t, names, n, got);
		if (rc)
			goto out;
		for (size_t k = 0; k < n; k++) {
			size_t i = which[k];

			/*
			 * Listed as changed, then not there to read (a 404 in the
			 * multiget, or DAViCal leaving it out): the listing is
			 * already old.  Planning on it would pair the new tag with
			 * the old bytes, so the attempt starts over instead -- but
			 * not forever: a server that lists an item it never returns
			 * would stop every sync, so the last attempt holds that one
			 * item back instead.
			 */
			if (!got[k].bytes && !got[k].error && e->last_attempt &&
			    kith_fetched_fail(&got[k],
					      "the server lists it but did not return it when "
					      "asked for it, on each of %d tries",
					      e->attempt + 1) != KITH_OK) {
				rc = kith_nomem(e->ctx);
				goto out;
			}
			e->stale |= !got[k].bytes && !got[k].error;
			/*
			 * The tag the read brought goes with the bytes read: newer
			 * than a listing's (a delta repeats the stored one), and
			 * there when the listing had none usable.
			 */
			if (got[k].bytes && kith_tag_is_valid(got[k].tag)) {
				free(e->listing.tags[i]);
				e->listing.tags[i] = got[k].tag;
				got[k].tag = NULL;
			}
			e->fetched[i] = got[k];
			memset(&got[k], 0, sizeof(got[k]));
		}
	}
out:
	for (size_t k = 0; got && k < n; k++)
		kith_fetched_clear(&got[k]);
	free(got);
	free(names);
	free(which);
	return rc;
}
