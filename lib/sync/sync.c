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
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "hash.h"
#include "store/store.h"

#define MAX_ATTEMPTS 3

const char *kith_sync_action_str(enum kith_sync_action_kind kind)
{
	switch (kind) {
	case KITH_SYNC_CREATE: return "create";
	case KITH_SYNC_UPDATE: return "update";
	case KITH_SYNC_DELETE: return "delete";
	case KITH_SYNC_TOUCH: return "touch";
	case KITH_SYNC_SNOOZE: return "snooze";
	case KITH_SYNC_RESCHEDULE: return "reschedule";
	case KITH_SYNC_PAUSE: return "pause";
	case KITH_SYNC_COPY: return "copy";
	case KITH_SYNC_SKIP: return "skip";
	}
	return "unknown";
}

void kith_sync_result_free(struct kith_sync_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_actions; i++) {
		free(r->actions[i].name);
		free(r->actions[i].resource);
		free(r->actions[i].detail);
	}
	free(r->actions);
	free(r);
}

enum kith_status kith_sync_action_vadd(struct kith_ctx *ctx, struct kith_sync_action **list,
				       size_t *n, enum kith_sync_action_kind kind,
				       const struct kith_contact *c, const char *resource,
				       struct kith_date date, const char *fmt, va_list ap)
{
	struct kith_sync_action *a, *p;
	struct kith_buf b = KITH_BUF_INIT;

	p = realloc(*list, (*n + 1) * sizeof(*p));
	if (!p)
		return kith_nomem(ctx);
	*list = p;
	a = &p[*n];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->contact_id = c ? c->id : 0;
	a->name = c ? kith_strdup0(c->name) : NULL;
	a->resource = kith_strdup0(resource);
	a->date = date;
	if (fmt) {
		char line[512];

		vsnprintf(line, sizeof(line), fmt, ap);
		kith_buf_append(&b, line);
		a->detail = kith_buf_steal(&b);
	}
	(*n)++;
	if ((c && !a->name) || (resource && !a->resource) || (fmt && !a->detail))
		return kith_nomem(ctx);
	return KITH_OK;
}

enum kith_status kith_sync_act(struct engine *e, enum kith_sync_action_kind kind,
			       const struct kith_contact *c, const char *resource,
			       struct kith_date date, const char *fmt, ...)
{
	enum kith_status rc;
	va_list ap;

	va_start(ap, fmt);
	rc = kith_sync_action_vadd(e->ctx, &e->res->actions, &e->res->n_actions, kind, c, resource,
				   date, fmt, ap);
	va_end(ap);
	return rc;
}

int kith_sync_fault(struct engine *e, const char *step)
{
	return e->hooks && e->hooks->fault && e->hooks->fault(step, e->hooks->arg);
}

/* ---- lookups ---- */

struct kith_cadence kith_sync_cadence(struct engine *e, const struct kith_contact *c)
{
	return kith_schedule_cadence(c->cadence, c->tier, e->tiers, e->n_tiers);
}

/* The live row of a contact's reminder, or -1. */
long kith_sync_row_of_contact(struct engine *e, int64_t id)
{
	struct kith_sync_plan_input in;

	memset(&in, 0, sizeof(in));
	in.rows = e->rs;
	in.n_rows = e->n_rs;
	in.n_sorted = e->n_rs_loaded;
	in.gone = e->rs_gone;
	return kith_sync_plan_row_of(&in, id);
}

/* The bytes the target holds for an rs now (fetched, or the agreed base). */
const char *kith_sync_server_bytes(struct engine *e, size_t ri)
{
	long li = e->rs_listed[ri];

	if (li < 0)
		return NULL;
	if (e->fetched[li].bytes)
		return e->fetched[li].bytes;
	return e->rs[ri].base;
}

/* The content tag of what b holds; b is emptied. NULL on allocation failure. */
static char *tag_of_buf(struct kith_buf *b)
{
	char *tag = b->failed || !b->data ? NULL : kith_content_tag(b->data, b->len);

	kith_buf_free(b);
	return tag;
}

char *kith_sync_fingerprint(const struct kith_reminder *r)
{
	struct kith_buf b = KITH_BUF_INIT;
	char due[KITH_DATE_BUFSZ], start[KITH_DATE_BUFSZ], cad[KITH_CADENCE_BUFSZ];

	kith_buf_printf(&b, "%s|%s|%s|%d|%s|%s|%s|%s", kith_date_format(r->due, due),
			kith_date_format(r->dtstart, start), kith_cadence_format(r->cadence, cad),
			r->recurring, r->summary, r->description, r->url ? r->url : "",
			r->category ? r->category : "");
	return tag_of_buf(&b);
}

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
	e->old_items = e->items = NULL;
	e->item_todos = NULL;
	e->fetched = NULL;
	e->n_rs = e->n_rs_loaded = e->cap_rs = e->n_old_items = e->n_items = 0;
	e->new_foreign = 0;
	e->listed = 0;
	e->stale = 0;
	kith_sync_unload(e);
}

/* A digest of a row's content, to save only the rows that changed. */
static uint64_t rs_digest(const struct kith_rstate *r)
{
	const char *fields[] = { r->resource,  r->uid,     r->etag,  r->base,       r->pending,
				 r->processed, r->counted, r->state, r->fingerprint };
	struct kith_hash h = KITH_HASH_INIT;

	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		/* NULL and "" differ: mix in a marker for each. */
		unsigned char marker = fields[f] ? 1 : 2;

		kith_hash_add(&h, &marker, 1);
		kith_hash_add_str(&h, fields[f]);
	}
	kith_hash_add_word(&h, (uint64_t)(r->written_due.year * 10000 + r->written_due.month * 100 +
					  r->written_due.day));
	return kith_hash_result(&h);
}

int kith_sync_row_changed(const struct engine *e, size_t i)
{
	return i >= e->n_rs_loaded || rs_digest(&e->rs[i]) != e->rs_was[i];
}

static int same_opt(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int kith_sync_items_changed(const struct engine *e)
{
	if (e->n_items != e->n_old_items)
		return 1;
	/* Both lists follow the listing order (by name). */
	for (size_t i = 0; i < e->n_items; i++) {
		const struct kith_titem *a = &e->items[i];
		size_t k;

		for (k = 0; k < e->n_old_items && strcmp(e->old_items[k].name, a->name); k++)
			;
		if (k == e->n_old_items || !same_opt(a->tag, e->old_items[k].tag) ||
		    !same_opt(a->uid, e->old_items[k].uid) ||
		    a->contact_id != e->old_items[k].contact_id)
			return 1;
	}
	return 0;
}

/* ---- step 1: list and fetch ---- */

/* The loaded rows by name (rebuilt after a rename); rows added since are scanned. */
int kith_sync_row_by_name(struct engine *e, const char *name)
{
	size_t hit;

	if (e->n_rs_loaded && (!e->rs_by_name_built || e->rs_by_name_stale)) {
		kith_strset_free(&e->rs_by_name);
		kith_strset_init(&e->rs_by_name, KITH_STRSET_BORROW);
		for (size_t i = 0; i < e->n_rs_loaded; i++)
			kith_strset_add(&e->rs_by_name, e->rs[i].resource, i);
		e->rs_by_name_built = kith_strset_seal(&e->rs_by_name) == KITH_OK;
		e->rs_by_name_stale = 0;
	}
	if (e->n_rs_loaded && !e->rs_by_name_built) { /* out of memory: slow, not wrong */
		for (size_t i = 0; i < e->n_rs; i++)
			if (e->rs[i].resource && !strcmp(e->rs[i].resource, name))
				return (int)i;
		return -1;
	}
	hit = kith_strset_get(&e->rs_by_name, name);
	if (hit != KITH_STRSET_NONE)
		return (int)hit;
	for (size_t i = e->n_rs_loaded; i < e->n_rs; i++)
		if (e->rs[i].resource && !strcmp(e->rs[i].resource, name))
			return (int)i;
	return -1;
}

const struct kith_titem *kith_sync_old_item(struct engine *e, const char *name)
{
	for (size_t i = 0; i < e->n_old_items; i++)
		if (!strcmp(e->old_items[i].name, name))
			return &e->old_items[i];
	return NULL;
}

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

/* ---- shared with the quiet path ---- */

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

char *kith_sync_plan_key(const struct engine *e, int64_t gen)
{
	const struct kith_reminder_options *r = &e->o->reminder;
	struct kith_buf b = KITH_BUF_INIT;

	kith_buf_printf(&b, "plan 1|%s|%lld|%d|%d|%d|%d|%s", kith_version(), (long long)gen,
			r->window_days, (int)r->mode, r->alarm, r->alarm_minutes,
			e->o->tzid ? e->o->tzid : "");
	return tag_of_buf(&b);
}

static enum kith_status list_and_fetch(struct engine *e)
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
			need = !r->base || r->pending || !r->etag || !tag || strcmp(r->etag, tag);
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
			/*
			 * Listed as changed, then not there to read (a 404 in the
			 * multiget, or DAViCal leaving it out): the listing is
			 * already old.  Planning on it would pair the new tag with
			 * the old bytes, so the attempt starts over instead.
			 */
			e->stale |= !got[k].bytes;
			e->fetched[which[k]] = got[k];
		}
	}
out:
	free(got);
	free(names);
	free(which);
	return rc;
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
	for (size_t i = 0; i < e->n_rs && !rc; i++)
		if (!e->rs_gone[i] && kith_sync_row_changed(e, i))
			rc = kith_store_rstate_save(e->store, e->target_id, &e->rs[i]);
	if (!rc && kith_sync_items_changed(e))
		rc = kith_store_titems_save(e->store, e->target_id, e->items, e->n_items);
out:
	free(skip);
	return rc;
}

static enum kith_status attempt(struct engine *e, int *conflicts)
{
	enum kith_status rc;

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
		e->rs_was = malloc(e->cap_rs * sizeof(*e->rs_was));
		if (!p || !e->rs_gone || !e->rs_was)
			rc = kith_nomem(e->ctx);
		if (p)
			e->rs = p;
		for (size_t i = 0; !rc && i < e->n_rs; i++)
			e->rs_was[i] = rs_digest(&e->rs[i]);
	}
	if (!rc)
		rc = list_and_fetch(e);
	if (!rc && e->stale) {
		/* Nothing is written yet: list again from the same state. */
		kith_store_rollback(e->store);
		*conflicts = 1;
		return KITH_OK;
	}
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
	if (!rc && !e->plan.n_writes)
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
	rc = kith_sync_confirm(e);
	if (!rc && e->t->ops->save_state) {
		/* The writes may have changed what the target keeps (a stale token). */
		char *state = e->t->ops->save_state(e->t);

		rc = state ? kith_store_set_target_state(e->store, e->target_id, state)
			   : kith_nomem(e->ctx);
		free(state);
	}
	if (!rc && !*conflicts) {
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
	return rc;
}
