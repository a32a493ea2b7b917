/* SPDX-License-Identifier: MIT */
/*
 * The sync engine.  One attempt:
 *
 *   1. list the target (complete) and fetch what changed since last time;
 *   2. in one store transaction: settle write intents left by an
 *      interrupted run, detect what happened to each reminder (detect.c),
 *      log completions as touches, record snoozes and pauses (settle.c);
 *      plan the writes from what was loaded (plan.c: data in, data out),
 *      and record each as an intent (the bytes about to be sent);
 *   3. send the writes, each conditional on the tag last seen;
 *   4. in a second transaction: confirm what was written.
 *
 * A write that lost a race (KITH_ERR_CONFLICT) is not retried blindly: the
 * whole attempt starts over from a fresh listing, so the other writer's
 * change is read, detected and merged.  A crash between 2 and 4 leaves
 * intents that the next run settles by looking at the target, never by
 * re-sending.  See docs/design.md.
 */

#include "engine.h"
#include "store/store.h"

#define MAX_ATTEMPTS 3

/* ---- loading ---- */

enum kith_status kith_sync_load(struct engine *e)
{
	struct kith_contact_filter all = { NULL, 1, { 0, 0, 0 } };
	enum kith_status rc;

	rc = kith_store_list_contacts(e->store, &all, &e->contacts, &e->n_contacts);
	if (!rc)
		rc = kith_store_list_tiers(e->store, &e->tiers, &e->n_tiers);
	if (!rc)
		rc = kith_store_last_touches(e->store, &e->last, &e->n_last);
	return rc;
}

void kith_sync_unload(struct engine *e)
{
	kith_contact_list_free(e->contacts, e->n_contacts);
	kith_tier_list_free(e->tiers, e->n_tiers);
	kith_touch_list_free(e->last, e->n_last);
	e->contacts = NULL;
	e->tiers = NULL;
	e->last = NULL;
	e->n_contacts = e->n_tiers = e->n_last = 0;
}

static void clear_attempt(struct engine *e)
{
	kith_rstate_list_free(e->rs, e->n_rs);
	free(e->rs_was);
	kith_strset_free(&e->rs_by_name);
	free(e->rs_gone);
	free(e->rs_listed);
	free(e->held_now);
	kith_titem_list_free(e->old_items, e->n_old_items);
	kith_titem_list_free(e->items, e->n_items);
	for (size_t i = 0; e->item_todos && i < e->n_items; i++)
		kith_todos_clear(&e->item_todos[i]);
	free(e->item_todos);
	for (size_t i = 0; e->fetched && i < e->listing.n; i++)
		kith_fetched_clear(&e->fetched[i]);
	free(e->fetched);
	kith_listing_clear(&e->listing);
	kith_sync_plan_clear(&e->plan);
	e->rs = NULL;
	e->rs_was = NULL;
	e->rs_by_name_built = 0;
	e->rs_by_name_stale = 0;
	e->rs_gone = NULL;
	e->rs_listed = NULL;
	e->held_now = NULL;
	e->old_items = e->items = NULL;
	e->item_todos = NULL;
	e->fetched = NULL;
	e->n_rs = e->n_rs_loaded = e->cap_rs = e->n_old_items = e->n_items = 0;
	e->new_foreign = 0;
	e->listed = 0;
	e->stale = 0;
	e->flush_conflict = 0;
	kith_sync_unload(e);
}

/* ---- step 2: settle, plan, record ---- */

/* The plan's actions and counts join the result, also when it failed. */
static enum kith_status report_plan(struct engine *e)
{
	struct kith_sync_plan *p = &e->plan;
	struct kith_sync_result *r = e->res;
	struct kith_sync_action *grown;

	r->unchanged += p->unchanged;
	r->paused += p->paused;
	if (!p->n_actions)
		return KITH_OK;
	grown = realloc(r->actions, (r->n_actions + p->n_actions) * sizeof(*grown));
	if (!grown)
		return kith_nomem(e->ctx);
	memcpy(grown + r->n_actions, p->actions, p->n_actions * sizeof(*grown));
	r->actions = grown;
	r->n_actions += p->n_actions;
	free(p->actions);
	p->actions = NULL;
	p->n_actions = 0;
	return KITH_OK;
}

/*
 * A row this attempt neither held nor is about to write is in step with
 * the target: what held it before is over.  A write's own outcome decides
 * in tx 2.
 */
static enum kith_status unhold_settled(struct engine *e)
{
	char *writing = calloc(e->n_rs ? e->n_rs : 1, 1);

	if (!writing)
		return kith_nomem(e->ctx);
	for (size_t i = 0; i < e->plan.n_writes; i++)
		writing[e->plan.writes[i].row] = 1;
	for (size_t i = 0; i < e->n_rs; i++)
		if (!writing[i])
			kith_sync_unhold(e, i);
	free(writing);
	return KITH_OK;
}

/* What the target said that kith did not take, on every sync that sees it. */
static enum kith_status report_notes(struct engine *e)
{
	enum kith_status rc = KITH_OK;

	for (size_t i = 0; i < e->listing.n_notes && !rc; i++)
		rc = kith_sync_act(e, KITH_SYNC_NOTE, NULL, NULL, (struct kith_date){ 0, 0, 0 },
				   "%s", e->listing.notes[i]);
	return rc;
}

/*
 * Tx 1 after the listing: settle every row, then plan on what the store
 * says now and record the plan (new rows, intents) before anything is sent.
 */
static enum kith_status plan(struct engine *e)
{
	struct kith_sync_plan_input in;
	int *skip = calloc(e->cap_rs ? e->cap_rs : 1, sizeof(*skip));
	enum kith_status rc, rc2;
	size_t expected, missing;

	if (!skip)
		return kith_nomem(e->ctx);
	kith_sync_plan_count_missing(e->rs, e->n_rs, e->rs_listed, &expected, &missing);
	rc = kith_sync_settle(e, skip);
	if (rc)
		goto out;
	/* The touches and pauses just recorded change what is due. */
	kith_sync_unload(e);
	rc = kith_sync_load(e);
	if (rc)
		goto out;
	memset(&in, 0, sizeof(in));
	in.contacts = e->contacts;
	in.n_contacts = e->n_contacts;
	in.tiers = e->tiers;
	in.n_tiers = e->n_tiers;
	in.last = e->last;
	in.n_last = e->n_last;
	in.rows = e->rs;
	in.n_rows = e->n_rs;
	in.n_sorted = e->n_rs_loaded;
	in.listed = e->rs_listed;
	in.gone = e->rs_gone;
	in.skip = skip;
	in.listing = &e->listing;
	in.fetched = e->fetched;
	in.o = e->o;
	in.now = e->now;
	in.target_url = e->t->url;
	in.expected = expected;
	in.missing = missing;
	rc = kith_sync_plan_make(e->ctx, &in, &e->plan);
	rc2 = report_plan(e);
	if (!rc)
		rc = rc2;
	if (!rc)
		rc = kith_sync_record(e);
	if (!rc)
		rc = unhold_settled(e);
	for (size_t i = 0; i < e->n_rs && !rc; i++)
		if (!e->rs_gone[i] && kith_sync_row_changed(e, i))
			rc = kith_store_rstate_save(e->store, e->target_id, &e->rs[i]);
	if (!rc && kith_sync_items_changed(e))
		rc = kith_store_titems_save(e->store, e->target_id, e->items, e->n_items);
out:
	free(skip);
	return rc;
}

/*
 * What an attempt only saw (an unreadable item, one held back, a note
 * about the listing) the next attempt sees again: said once, not once
 * per try.  What an attempt committed stays.
 */
static void forget_seen(struct kith_sync_result *r)
{
	size_t k = 0;

	for (size_t i = 0; i < r->n_actions; i++) {
		struct kith_sync_action *a = &r->actions[i];

		if (a->kind == KITH_SYNC_SKIP || a->kind == KITH_SYNC_HOLD ||
		    (a->kind == KITH_SYNC_NOTE && !a->contact_id)) {
			free(a->name);
			free(a->resource);
			free(a->detail);
			continue;
		}
		r->actions[k++] = *a;
	}
	r->n_actions = k;
}

static enum kith_status attempt(struct engine *e, int *conflicts)
{
	enum kith_status rc;

	/*
	 * What an attempt only saw (reminders unchanged, contacts paused,
	 * resources left unread) is seen again by the next one: counting it
	 * per attempt made 3 reminders "4 unchanged" after a retry.  What an
	 * attempt committed (touches, snoozes, writes that went through)
	 * stays true and stays counted.
	 */
	e->res->unchanged = e->res->paused = e->res->skipped = e->res->held = 0;
	forget_seen(e->res);
	*conflicts = 0;
	rc = kith_store_begin(e->store);
	if (rc)
		return rc;
	/* Recorded in tx 1: a sync that fails (a wrong password) leaves no trace. */
	rc = kith_store_target_id(e->store, e->t->url, 1, &e->target_id);
	if (!rc) {
		int quiet = 0;

		rc = kith_sync_try_quiet(e, &quiet);
		if (!rc && quiet) {
			if (e->o->dry_run) {
				kith_store_rollback(e->store);
				return KITH_OK;
			}
			return kith_store_commit(e->store);
		}
	}
	if (!rc)
		rc = kith_sync_load(e);
	if (!rc)
		rc = kith_store_rstates_load(e->store, e->target_id, &e->rs, &e->n_rs);
	if (!rc)
		rc = kith_store_titems_load(e->store, e->target_id, &e->old_items, &e->n_old_items);
	if (!rc) {
		/* Room for a new row per contact, so pointers into rs stay valid. */
		struct kith_rstate *p;

		e->cap_rs = e->n_rs + e->n_contacts + 1;
		e->n_rs_loaded = e->n_rs;
		p = realloc(e->rs, e->cap_rs * sizeof(*p));
		e->rs_gone = calloc(e->cap_rs, 1);
		e->held_now = calloc(e->cap_rs, 1);
		e->rs_was = malloc(e->cap_rs * sizeof(*e->rs_was));
		if (!p || !e->rs_gone || !e->held_now || !e->rs_was)
			rc = kith_nomem(e->ctx);
		if (p)
			e->rs = p;
		for (size_t i = 0; !rc && i < e->n_rs; i++)
			e->rs_was[i] = kith_sync_row_digest(&e->rs[i]);
	}
	if (!rc)
		rc = kith_sync_list_and_fetch(e);
	if (!rc && e->stale) {
		/* Nothing is written yet: list again from the same state. */
		kith_store_rollback(e->store);
		*conflicts = 1;
		return KITH_OK;
	}
	if (!rc)
		rc = report_notes(e);
	if (!rc)
		rc = kith_sync_sort_foreign(e);
	if (!rc)
		rc = plan(e);
	if (rc || e->o->dry_run) {
		kith_store_rollback(e->store);
		if (!rc)
			rc = kith_sync_describe(e);
		return rc;
	}
	/*
	 * The generation after this plan's own changes (touches, pauses): with
	 * nothing to write it is settled now; with writes, once confirmed.
	 */
	rc = kith_store_generation(e->store, &e->planned_gen);
	if (!rc)
		rc = kith_store_set_plan_key(e->store, e->target_id, NULL);
	/* A sync that held something back is not complete: the next one plans again. */
	if (!rc && !e->plan.n_writes && !e->res->held)
		rc = kith_sync_save_plan_key(e, e->planned_gen);
	if (rc) {
		kith_store_rollback(e->store);
		return rc;
	}
	rc = kith_store_commit(e->store);
	if (rc)
		return rc;
	if (kith_sync_fault(e, "plan"))
		return kith_fail(e->ctx, KITH_ERR_IO, "stopped by a test fault after planning");
	rc = kith_sync_send(e, conflicts);
	if (!rc)
		rc = kith_sync_read_back(e);
	if (rc)
		return rc;
	e->res->wrote |= e->plan.n_writes > (size_t)*conflicts;
	if (!e->plan.n_writes)
		return KITH_OK;
	rc = kith_store_begin(e->store);
	if (rc)
		return rc;
	rc = kith_sync_confirm(e, conflicts);
	if (!rc && e->t->ops->save_state) {
		/* The writes may have changed what the target keeps (a stale token). */
		char *state = e->t->ops->save_state(e->t);

		rc = state ? kith_store_set_target_state(e->store, e->target_id, state)
			   : kith_nomem(e->ctx);
		free(state);
	}
	if (!rc && !*conflicts && !e->res->held) {
		int64_t gen;

		/* Another kith may have changed the store since the plan: then plan again. */
		rc = kith_store_generation(e->store, &gen);
		if (!rc && gen == e->planned_gen)
			rc = kith_sync_save_plan_key(e, gen);
	}
	if (rc) {
		kith_store_rollback(e->store);
		return rc;
	}
	rc = kith_store_commit(e->store);
	if (!rc && kith_sync_fault(e, "confirm"))
		return kith_fail(e->ctx, KITH_ERR_IO, "stopped by a test fault after confirming");
	return rc;
}

enum kith_status kith_sync(struct kith_store *store, struct kith_target *target,
			   const struct kith_sync_options *opts, struct kith_sync_result **out)
{
	return kith_sync_with_hooks(store, target, opts, NULL, out);
}

enum kith_status kith_sync_with_hooks(struct kith_store *store, struct kith_target *target,
				      const struct kith_sync_options *opts,
				      const struct kith_sync_hooks *hooks,
				      struct kith_sync_result **out)
{
	struct engine e;
	enum kith_status rc;
	int conflicts = 0;

	memset(&e, 0, sizeof(e));
	e.store = store;
	e.t = target;
	e.ctx = kith_store_ctx(store);
	e.o = opts;
	e.hooks = hooks;
	*out = NULL;
	if (!opts || !kith_date_is_valid(opts->today))
		return kith_fail(e.ctx, KITH_ERR_INVALID, "a sync needs a valid date");
	e.now = opts->now ? opts->now : time(NULL);
	e.res = calloc(1, sizeof(*e.res));
	if (!e.res)
		return kith_nomem(e.ctx);
	*out = e.res;
	rc = KITH_OK;
	for (int i = 0; !rc && i < MAX_ATTEMPTS; i++) {
		e.attempt = i;
		e.last_attempt = i + 1 == MAX_ATTEMPTS;
		rc = attempt(&e, &conflicts);
		clear_attempt(&e);
		if (rc || !conflicts)
			break;
		e.res->retries++;
		if (i + 1 == MAX_ATTEMPTS)
			rc = kith_fail(e.ctx, KITH_ERR_CONFLICT,
				       "%s kept changing during the sync (%d tries); nothing was "
				       "lost; run 'kith sync' again",
				       target->url, MAX_ATTEMPTS);
	}
	clear_attempt(&e);
	free(e.renamed);
	return rc;
}
