/* SPDX-License-Identifier: MIT */
/*
 * The engine's shared state, for every step: the actions it reports,
 * the test fault hook, and lookups of contacts, reminder rows and
 * foreign items, and whether a row changed since it was loaded.
 */

#include "engine.h"
#include "hash.h"

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

const struct kith_contact *kith_sync_contact(const struct engine *e, int64_t id)
{
	for (size_t i = 0; i < e->n_contacts; i++)
		if (e->contacts[i].id == id)
			return &e->contacts[i];
	return NULL;
}

enum kith_status kith_sync_hold(struct engine *e, size_t ri, const char *fmt, ...)
{
	struct kith_rstate *r = &e->rs[ri];
	struct kith_buf b = KITH_BUF_INIT;
	char *reason;
	va_list ap;

	va_start(ap, fmt);
	kith_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	reason = kith_buf_steal(&b);
	if (!reason)
		return kith_nomem(e->ctx);
	free(r->held);
	r->held = reason;
	if (!r->held_since) {
		struct tm tm;
		char at[32] = "";

		/* When it was first held: a reason that lasts is worth a look. */
		if (gmtime_r(&e->now, &tm))
			strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (!(r->held_since = strdup(at)))
			return kith_nomem(e->ctx);
	}
	if (!e->held_now[ri]) {
		e->held_now[ri] = 1;
		e->res->held++;
	}
	return kith_sync_act(e, KITH_SYNC_HOLD, kith_sync_contact(e, r->contact_id), r->resource,
			     (struct kith_date){ 0, 0, 0 }, "%s; held back, tried again next sync",
			     reason);
}

void kith_sync_unhold(struct engine *e, size_t ri)
{
	struct kith_rstate *r = &e->rs[ri];

	if (e->held_now[ri])
		return;
	free(r->held);
	free(r->held_since);
	r->held = r->held_since = NULL;
}

int kith_sync_fault(struct engine *e, const char *step)
{
	return e->hooks && e->hooks->fault && e->hooks->fault(step, e->hooks->arg);
}

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

/* A digest of a row's content, to save only the rows that changed. */
uint64_t kith_sync_row_digest(const struct kith_rstate *r)
{
	const char *fields[] = { r->resource,    r->uid,       r->etag,      r->base,
				 r->pending,     r->processed, r->counted,   r->state,
				 r->fingerprint, r->held,      r->held_since };
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
	return i >= e->n_rs_loaded || kith_sync_row_digest(&e->rs[i]) != e->rs_was[i];
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

char *kith_sync_plan_key(const struct engine *e, int64_t gen)
{
	const struct kith_reminder_options *r = &e->o->reminder;
	struct kith_buf b = KITH_BUF_INIT;

	kith_buf_printf(&b, "plan 1|%s|%lld|%d|%d|%d|%d|%s", kith_version(), (long long)gen,
			r->window_days, (int)r->mode, r->alarm, r->alarm_minutes,
			e->o->tzid ? e->o->tzid : "");
	return kith_sync_tag_of_buf(&b);
}
