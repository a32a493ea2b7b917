/* SPDX-License-Identifier: MIT */
/*
 * The sync engine.  One attempt:
 *
 *   1. list the target (complete) and fetch what changed since last time;
 *   2. in one store transaction: settle write intents left by an
 *      interrupted run, detect what happened to each reminder (detect.c),
 *      log completions as touches, record snoozes and pauses, plan the
 *      writes, and record each as an intent (the bytes about to be sent);
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

#include "buf.h"
#include "ctx.h"
#include "detect.h"
#include "ical.h"
#include "model.h"
#include "store/sync-state.h"
#include "target.h"

#define MAX_ATTEMPTS 3

enum write_op { W_CREATE, W_UPDATE, W_DELETE };

struct write {
	size_t ri;          /* index into e->rs */
	enum write_op op;
	char *bytes;        /* NULL for a delete */
	char *if_match;
	char *fingerprint;
	char *tag;          /* after the write; NULL: fetch to learn it */
	int ok, conflict;
};

struct name_index {
	const char *name;
	size_t i;
};

struct engine {
	struct kith_store *store;
	struct kith_target *t;
	struct kith_ctx *ctx;
	const struct kith_sync_options *o;
	struct kith_sync_result *res;
	int64_t target_id;
	time_t now;

	struct kith_contact *contacts;
	size_t n_contacts;
	struct kith_tier *tiers;
	size_t n_tiers;
	struct kith_touch *last;  /* newest touch per contact, by contact id */
	size_t n_last;

	struct kith_rstate *rs;   /* by contact id; creates appended */
	size_t n_rs, n_rs_loaded, cap_rs;
	uint64_t *rs_was;         /* digests of the rows as loaded */
	struct name_index *rs_by_name; /* the loaded rows, by resource name */
	size_t n_rs_by_name;
	int rs_by_name_stale;     /* a loaded row was renamed since it was built */
	char *rs_gone;            /* per rs: row removed this attempt */
	long *rs_listed;          /* per rs: index in the listing, -1 if absent */

	struct kith_titem *old_items;
	size_t n_old_items;
	struct kith_titem *items; /* the new cache of foreign resources */
	struct kith_todos *item_todos; /* parsed, for new or changed ones */
	size_t n_items;
	int new_foreign;

	struct kith_listing listing;
	struct kith_fetched *fetched; /* parallel to the listing */

	struct write *writes;
	size_t n_writes;

	int listed;               /* the listing was taken by the quiet check */
	int stale;                /* listed, then gone before it could be read */
	int64_t planned_gen;      /* the store's generation the plan covered */
};

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

static enum kith_status act(struct engine *e, enum kith_sync_action_kind kind,
			    const struct kith_contact *c, const char *resource,
			    struct kith_date date, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static enum kith_status act(struct engine *e, enum kith_sync_action_kind kind,
			    const struct kith_contact *c, const char *resource,
			    struct kith_date date, const char *fmt, ...)
{
	struct kith_sync_result *r = e->res;
	struct kith_sync_action *a, *p;
	struct kith_buf b = KITH_BUF_INIT;
	va_list ap;

	p = realloc(r->actions, (r->n_actions + 1) * sizeof(*p));
	if (!p)
		return kith_nomem(e->ctx);
	r->actions = p;
	a = &r->actions[r->n_actions];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->contact_id = c ? c->id : 0;
	a->name = c ? kith_strdup0(c->name) : NULL;
	a->resource = kith_strdup0(resource);
	a->date = date;
	if (fmt) {
		char line[512];

		va_start(ap, fmt);
		vsnprintf(line, sizeof(line), fmt, ap);
		va_end(ap);
		kith_buf_append(&b, line);
		a->detail = kith_buf_steal(&b);
	}
	r->n_actions++;
	if ((c && !a->name) || (resource && !a->resource) || (fmt && !a->detail))
		return kith_nomem(e->ctx);
	return KITH_OK;
}

static int fault(struct engine *e, const char *step)
{
	return e->o->fault && e->o->fault(step, e->o->fault_arg);
}

/* ---- lookups ---- */

static int cmp_contact_id(const void *key, const void *elem)
{
	int64_t id = *(const int64_t *)key;
	const struct kith_contact *const *c = elem;

	return id < (*c)->id ? -1 : id > (*c)->id;
}

static int cmp_contacts_by_id(const void *a, const void *b)
{
	const struct kith_contact *const *x = a, *const *y = b;

	return (*x)->id < (*y)->id ? -1 : (*x)->id > (*y)->id;
}

static const struct kith_touch *last_touch_of(struct engine *e, int64_t id)
{
	size_t lo = 0, hi = e->n_last;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (e->last[mid].contact_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < e->n_last && e->last[lo].contact_id == id ? &e->last[lo] : NULL;
}

static struct kith_cadence cadence_of(struct engine *e, const struct kith_contact *c)
{
	return kith_schedule_cadence(c->cadence, c->tier, e->tiers, e->n_tiers);
}

/*
 * The loaded rows come sorted by contact id (one per contact), the rows
 * added since after them: a search, then a short scan.  Thousands of
 * contacts made the plain scan quadratic.
 */
static long rs_of_contact(struct engine *e, int64_t id)
{
	size_t lo = 0, hi = e->n_rs_loaded;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->rs[mid].contact_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < e->n_rs_loaded && e->rs[lo].contact_id == id && !e->rs_gone[lo])
		return (long)lo;
	for (size_t i = e->n_rs_loaded; i < e->n_rs; i++)
		if (e->rs[i].contact_id == id && !e->rs_gone[i])
			return (long)i;
	return -1;
}

/* ---- small helpers ---- */

static int replace(char **slot, const char *value)
{
	char *copy = NULL;

	if (value && !(copy = strdup(value)))
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

static int append_line(char **list, const char *line)
{
	struct kith_buf b = KITH_BUF_INIT;

	if (kith_lines_has(*list, line))
		return 0;
	if (*list && **list)
		kith_buf_printf(&b, "%s\n", *list);
	kith_buf_append(&b, line);
	char *s = kith_buf_steal(&b);
	if (!s)
		return -1;
	free(*list);
	*list = s;
	return 0;
}

/* The bytes the target holds for an rs now (fetched, or the agreed base). */
static const char *server_bytes(struct engine *e, size_t ri)
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

static char *fingerprint(const struct kith_reminder *r)
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

static enum kith_status load(struct engine *e)
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

static void unload(struct engine *e)
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
	free(e->rs_by_name);
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
	for (size_t i = 0; i < e->n_writes; i++) {
		free(e->writes[i].bytes);
		free(e->writes[i].if_match);
		free(e->writes[i].fingerprint);
		free(e->writes[i].tag);
	}
	free(e->writes);
	e->rs = NULL;
	e->rs_was = NULL;
	e->rs_by_name = NULL;
	e->n_rs_by_name = 0;
	e->rs_by_name_stale = 0;
	e->rs_gone = NULL;
	e->rs_listed = NULL;
	e->old_items = e->items = NULL;
	e->item_todos = NULL;
	e->fetched = NULL;
	e->writes = NULL;
	e->n_rs = e->n_rs_loaded = e->cap_rs = e->n_old_items = e->n_items = e->n_writes = 0;
	e->new_foreign = 0;
	e->listed = 0;
	e->stale = 0;
	unload(e);
}

/* A digest of a row's content, to save only the rows that changed. */
static uint64_t rs_digest(const struct kith_rstate *r)
{
	const char *fields[] = { r->resource, r->uid, r->etag, r->base, r->pending,
				 r->processed, r->counted, r->state, r->fingerprint };
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		/* NULL and "" differ: mix in a marker for each. */
		h = (h ^ (fields[f] ? 1u : 2u)) * 0x100000001b3ULL;
		for (const char *p = fields[f]; p && *p; p++)
			h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	}
	h = (h ^ (uint64_t)(r->written_due.year * 10000 + r->written_due.month * 100 +
			    r->written_due.day)) * 0x100000001b3ULL;
	return h;
}

static int rs_changed(const struct engine *e, size_t i)
{
	return i >= e->n_rs_loaded || rs_digest(&e->rs[i]) != e->rs_was[i];
}

static int same_opt(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static int items_changed(const struct engine *e)
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

static int cmp_name_index(const void *a, const void *b)
{
	return strcmp(((const struct name_index *)a)->name, ((const struct name_index *)b)->name);
}

/* The loaded rows by name (rebuilt after a rename); rows added since are scanned. */
static int rs_by_resource(struct engine *e, const char *name)
{
	size_t lo = 0, hi = 0;

	if (e->n_rs_loaded && (!e->rs_by_name || e->rs_by_name_stale)) {
		if (!e->rs_by_name)
			e->rs_by_name = malloc(e->n_rs_loaded * sizeof(*e->rs_by_name));
		if (e->rs_by_name) {
			for (size_t i = 0; i < e->n_rs_loaded; i++) {
				if (!e->rs[i].resource)
					continue;
				e->rs_by_name[hi].name = e->rs[i].resource;
				e->rs_by_name[hi++].i = i;
			}
			qsort(e->rs_by_name, hi, sizeof(*e->rs_by_name), cmp_name_index);
			e->n_rs_by_name = hi;
			e->rs_by_name_stale = 0;
		}
	}
	if (!e->rs_by_name) { /* out of memory: slow, not wrong */
		for (size_t i = 0; i < e->n_rs; i++)
			if (e->rs[i].resource && !strcmp(e->rs[i].resource, name))
				return (int)i;
		return -1;
	}
	hi = e->n_rs_by_name;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(e->rs_by_name[mid].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < e->n_rs_by_name && !strcmp(e->rs_by_name[lo].name, name))
		return (int)e->rs_by_name[lo].i;
	for (size_t i = e->n_rs_loaded; i < e->n_rs; i++)
		if (e->rs[i].resource && !strcmp(e->rs[i].resource, name))
			return (int)i;
	return -1;
}

static const struct kith_titem *old_item(struct engine *e, const char *name)
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
		if (kith_listing_take(out, items[i].name, items[i].tag) < 0)
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
static enum kith_status list_target(struct engine *e)
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
static enum kith_status complete_listing(struct engine *e, struct kith_listing *known)
{
	struct kith_listing k;
	enum kith_status rc;

	if (!e->listing.delta && !known)
		return KITH_OK;
	rc = known_listing(e, &k);
	if (!rc && e->listing.delta && kith_listing_apply(&e->listing, &k) < 0)
		rc = kith_nomem(e->ctx);
	if (!rc && known)
		*known = k;
	else
		kith_listing_clear(&k);
	return rc;
}

/* ---- a sync with nothing to do ---- */

/*
 * What a plan depends on besides the target: the store's generation, the
 * options that shape a reminder, and how this build renders one (bump
 * the number when a reminder's bytes change for the same input).
 */
static char *plan_key(const struct engine *e, int64_t gen)
{
	const struct kith_reminder_options *r = &e->o->reminder;
	struct kith_buf b = KITH_BUF_INIT;

	kith_buf_printf(&b, "plan 1|%s|%lld|%d|%d|%d|%d|%s", kith_version(), (long long)gen,
			r->window_days, (int)r->mode, r->alarm, r->alarm_minutes,
			e->o->tzid ? e->o->tzid : "");
	return tag_of_buf(&b);
}

/* The listing holds exactly the known names, each with the known tag. */
static int same_listing(const struct kith_listing *got, const struct kith_listing *known)
{
	struct name_index *idx;
	int same = 1;

	if (got->n != known->n)
		return 0;
	if (!got->n)
		return 1;
	idx = malloc(known->n * sizeof(*idx));
	if (!idx)
		return 0; /* not proven: plan */
	for (size_t i = 0; i < known->n; i++) {
		idx[i].name = known->names[i];
		idx[i].i = i;
	}
	qsort(idx, known->n, sizeof(*idx), cmp_name_index);
	for (size_t i = 0; same && i < got->n; i++) {
		struct name_index key = { got->names[i], 0 };
		const struct name_index *hit = bsearch(&key, idx, known->n, sizeof(*idx),
						       cmp_name_index);
		const char *a = got->tags[i], *b;

		if (!hit) {
			same = 0;
			break;
		}
		b = known->tags[hit->i];
		same = a && b && !strcmp(a, b);
	}
	free(idx);
	return same;
}

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
static enum kith_status try_quiet(struct engine *e, int *quiet)
{
	struct kith_listing known;
	int64_t gen;
	char *key = NULL;
	int settled = 0;
	enum kith_status rc;

	*quiet = 0;
	memset(&known, 0, sizeof(known));
	rc = kith_store_generation(e->store, &gen);
	if (rc)
		return rc;
	key = plan_key(e, gen);
	if (!key)
		return kith_nomem(e->ctx);
	rc = kith_store_sync_quiet(e->store, e->target_id, key, &settled);
	free(key);
	if (rc || !settled)
		return rc;
	rc = list_target(e);
	if (rc)
		return rc;
	e->listed = 1;
	if (e->listing.delta && !e->listing.n && !e->listing.n_gone) {
		/* The target proved nothing changed since the listing the store knows. */
		*quiet = !e->listing.partial;
	} else {
		rc = complete_listing(e, &known);
		if (!rc)
			*quiet = !e->listing.partial && same_listing(&e->listing, &known);
	}
	if (!rc && *quiet)
		rc = kith_store_quiet_counts(e->store, e->target_id, &e->res->unchanged,
					     &e->res->paused);
	kith_listing_clear(&known);
	return rc;
}

/* After a complete plan or its confirmation: remember what it covered. */
static enum kith_status save_plan_key(struct engine *e, int64_t gen)
{
	char *key = plan_key(e, gen);
	enum kith_status rc;

	if (!key)
		return kith_nomem(e->ctx);
	rc = kith_store_set_plan_key(e->store, e->target_id, key);
	free(key);
	return rc;
}

static enum kith_status list_and_fetch(struct engine *e)
{
	const char **names = NULL;
	size_t n = 0, *which = NULL;
	struct kith_fetched *got = NULL;
	enum kith_status rc;

	if (!e->listed) {
		rc = list_target(e);
		if (!rc)
			rc = complete_listing(e, NULL);
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
		int ri = rs_by_resource(e, name);
		int need;

		if (ri >= 0) {
			struct kith_rstate *r = &e->rs[ri];

			e->rs_listed[ri] = (long)i;
			need = !r->base || r->pending || !r->etag || !tag || strcmp(r->etag, tag);
		} else {
			const struct kith_titem *old = old_item(e, name);

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
		if (fault(e, "fetch")) {
			rc = kith_fail(e->ctx, KITH_ERR_IO, "stopped by a test fault before fetching");
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

/* ---- step 2a: foreign resources ---- */

static const struct kith_contact *contact_by_uid(struct engine *e, const char *uid)
{
	for (size_t i = 0; uid && i < e->n_contacts; i++)
		if (e->contacts[i].uid && !strcmp(e->contacts[i].uid, uid))
			return &e->contacts[i];
	return NULL;
}

static enum kith_status add_rs(struct engine *e, const struct kith_contact *c, const char *resource,
			       long li, struct kith_rstate **out)
{
	struct kith_rstate *r;

	if (e->n_rs == e->cap_rs)
		return kith_fail(e->ctx, KITH_ERR_INVALID, "internal: sync state table full");
	r = &e->rs[e->n_rs];
	memset(r, 0, sizeof(*r));
	r->contact_id = c->id;
	e->rs_gone[e->n_rs] = 0;
	e->rs_listed[e->n_rs] = li;
	e->n_rs++;
	if (replace(&r->resource, resource) || replace(&r->uid, c->uid) ||
	    replace(&r->state, "ok"))
		return kith_nomem(e->ctx);
	*out = r;
	return KITH_OK;
}

static enum kith_status sort_foreign(struct engine *e)
{
	enum kith_status rc = KITH_OK;

	e->items = calloc(e->listing.n ? e->listing.n : 1, sizeof(*e->items));
	e->item_todos = calloc(e->listing.n ? e->listing.n : 1, sizeof(*e->item_todos));
	if (!e->items || !e->item_todos)
		return kith_nomem(e->ctx);
	for (size_t i = 0; i < e->listing.n && !rc; i++) {
		const char *name = e->listing.names[i];
		struct kith_titem *it;
		const struct kith_titem *old;
		const struct kith_contact *c;
		struct kith_todos todos = { NULL, 0 };

		if (rs_by_resource(e, name) >= 0)
			continue;
		old = old_item(e, name);
		it = &e->items[e->n_items];
		if (!e->fetched[i].bytes && old) {
			/* Unchanged since it was last looked at. */
			if (replace(&it->name, name) || replace(&it->tag, old->tag) ||
			    replace(&it->uid, old->uid))
				return kith_nomem(e->ctx);
			it->contact_id = old->contact_id;
			e->n_items++;
			continue;
		}
		if (e->fetched[i].bytes &&
		    kith_ical_parse_todos(e->ctx, e->fetched[i].bytes, e->fetched[i].len,
					  e->o->tzid, &todos) != KITH_OK)
			kith_ctx_clear(e->ctx); /* not ours and unreadable: ignore it */
		c = todos.n ? contact_by_uid(e, todos.items[0].uid) : NULL;
		if (c && rs_of_contact(e, c->id) < 0) {
			struct kith_rstate *r;

			/*
			 * One of kith's reminders the store has no record of (the
			 * store was restored from a backup, say): adopt it rather
			 * than create a twin.
			 */
			kith_todos_clear(&todos);
			rc = add_rs(e, c, name, (long)i, &r);
			if (!rc && (replace(&r->base, e->fetched[i].bytes) ||
				    replace(&r->etag, e->listing.tags[i])))
				rc = kith_nomem(e->ctx);
			continue;
		}
		if (c) {
			long ri = rs_of_contact(e, c->id);

			kith_todos_clear(&todos);
			if (ri >= 0 && e->rs_listed[ri] < 0) {
				/* Resources are identified by UID: follow a renamed one. */
				if (replace(&e->rs[ri].resource, name))
					return kith_nomem(e->ctx);
				e->rs_by_name_stale = 1;
				e->rs_listed[ri] = (long)i;
				continue;
			}
			rc = act(e, KITH_SYNC_SKIP, c, name, (struct kith_date){ 0, 0, 0 },
				 "a second resource carries the UID of this reminder; "
				 "kith leaves it alone");
			continue;
		}
		if (replace(&it->name, name) || replace(&it->tag, e->listing.tags[i]) ||
		    (todos.n && replace(&it->uid, todos.items[0].uid))) {
			kith_todos_clear(&todos);
			return kith_nomem(e->ctx);
		}
		e->item_todos[e->n_items] = todos;
		e->n_items++;
		e->new_foreign = 1;
	}
	return rc;
}

/* ---- step 2b: settle intents, detect, record ---- */

/* A master's DUE and SEQUENCE, to recognise our own write. */
static int master_of(struct engine *e, const char *bytes, const char *uid, struct kith_date *due,
		     int *seq)
{
	struct kith_todos todos = { NULL, 0 };
	const struct kith_todo *m;
	int found = 0;

	if (!bytes || kith_ical_parse_todos(e->ctx, bytes, strlen(bytes), e->o->tzid, &todos))
		return 0;
	m = kith_todos_master(&todos, uid);
	if (m) {
		*due = m->due;
		*seq = m->sequence;
		found = 1;
	}
	kith_todos_clear(&todos);
	return found;
}

static struct kith_cadence cadence_of(struct engine *e, const struct kith_contact *c);

/*
 * 1 when `now` reads as the intent itself, or as an app's edit of it that
 * detection can explain (a completion, or nothing moved) -- as opposed to
 * a move by hand, which is how an edit of the older base would look.
 */
static int descends_from(struct engine *e, const struct kith_contact *c, const char *uid,
			 const char *pending, const char *now)
{
	struct kith_todos p = { NULL, 0 }, s = { NULL, 0 };
	const struct kith_todo *m;
	struct kith_detect_base b;
	struct kith_detection d;
	int yes = 0;

	if (kith_ical_parse_todos(e->ctx, pending, strlen(pending), e->o->tzid, &p) ||
	    kith_ical_parse_todos(e->ctx, now, strlen(now), e->o->tzid, &s))
		goto out;
	m = kith_todos_master(&p, uid);
	if (!m)
		goto out;
	memset(&b, 0, sizeof(b));
	b.uid = uid;
	b.x_kith_id = m->x_kith_id;
	b.summary = m->summary;
	b.rrule = m->rrule;
	b.cadence = cadence_of(e, c);
	b.dtstart = m->dtstart;
	b.due = m->due;
	if (kith_detect(&b, &s, NULL, 0, NULL, e->now, e->o->tzid, &d) == 0) {
		yes = !d.moved && !d.unreadable && !d.deleted;
		kith_detection_clear(&d);
	}
out:
	kith_ctx_clear(e->ctx);
	kith_todos_clear(&p);
	kith_todos_clear(&s);
	return yes;
}

/*
 * An intent left by an interrupted run: was it written?  Decided by
 * looking at the target, never by sending it again.  If the target holds
 * neither the old base nor the intent (an app edited it since), the
 * intent was written when the app's edit reads as an edit of it.
 */
static enum kith_status settle(struct engine *e, size_t ri, const struct kith_contact *c)
{
	struct kith_rstate *r = &e->rs[ri];
	long li = e->rs_listed[ri];
	const char *now = server_bytes(e, ri);
	struct kith_date pdue, sdue;
	int pseq, sseq, written = 0;

	if (!r->pending)
		return KITH_OK;
	if (li >= 0 && now && master_of(e, r->pending, r->uid, &pdue, &pseq) &&
	    master_of(e, now, r->uid, &sdue, &sseq)) {
		if (!strcmp(now, r->pending) || (!kith_date_cmp(pdue, sdue) && pseq == sseq) ||
		    !r->base)
			written = 1;
		else if (r->etag && e->listing.tags[li] && strcmp(r->etag, e->listing.tags[li]))
			written = descends_from(e, c, r->uid, r->pending, now);
	}
	if (written) {
		/*
		 * Agreed is what kith wrote; what the app did since is detected
		 * against it like any other change.
		 */
		if (replace(&r->base, r->pending) || replace(&r->etag, "(written)"))
			return kith_nomem(e->ctx);
		if (!strcmp(now, r->pending) && replace(&r->etag, e->listing.tags[li]))
			return kith_nomem(e->ctx);
	}
	free(r->pending);
	r->pending = NULL;
	return KITH_OK;
}

static enum kith_status log_completion(struct engine *e, struct kith_contact *c,
				       struct kith_rstate *r, const struct kith_completion *k)
{
	struct kith_touch t;
	struct kith_buf key = KITH_BUF_INIT, at = KITH_BUF_INIT;
	char occ[KITH_DATE_BUFSZ], day[KITH_DATE_BUFSZ];
	enum kith_status rc;
	struct tm tm;

	memset(&t, 0, sizeof(t));
	t.contact_id = c->id;
	t.on = k->on;
	t.source = KITH_SOURCE_CALENDAR;
	if (k->at && gmtime_r(&k->at, &tm)) {
		kith_buf_printf(&at, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
				tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
		t.at = kith_buf_steal(&at);
	}
	/* Keyed by reminder and occurrence: logged once, however often it is seen. */
	kith_buf_printf(&key, "calendar:%s:%s", r->uid, kith_date_format(k->occurrence, occ));
	t.source_key = kith_buf_steal(&key);
	if (!t.source_key) {
		free(t.at);
		return kith_nomem(e->ctx);
	}
	rc = kith_store_add_touch(e->store, &t);
	if (rc == KITH_ERR_EXISTS) {
		kith_ctx_clear(e->ctx);
		rc = KITH_OK;
	} else if (!rc) {
		e->res->touches++;
		rc = act(e, KITH_SYNC_TOUCH, c, r->resource, k->on, "completed on %s (%s%s%s)",
			 kith_date_format(k->on, day), k->shape, k->copy ? " " : "",
			 k->copy ? k->copy : "");
	}
	free(t.at);
	free(t.source_key);
	if (!rc && append_line(&r->processed, occ) < 0)
		rc = kith_nomem(e->ctx);
	return rc;
}

static enum kith_status apply_detection(struct engine *e, struct kith_contact *c, size_t ri,
					const struct kith_detection *d,
					const struct kith_todo *agreed)
{
	struct kith_rstate *r = &e->rs[ri];
	enum kith_status rc = KITH_OK;
	char day[KITH_DATE_BUFSZ];

	for (size_t i = 0; i < d->n_completions && !rc; i++)
		rc = log_completion(e, c, r, &d->completions[i]);
	for (size_t i = 0; i < d->n_copies && !rc; i++) {
		for (size_t k = 0; k < e->n_items; k++) {
			if (strcmp(e->items[k].name, d->copies[i]))
				continue;
			e->items[k].contact_id = c->id;
			kith_todos_clear(&e->item_todos[k]);
		}
		if (append_line(&r->counted, d->copies[i]) < 0)
			return kith_nomem(e->ctx);
		rc = act(e, KITH_SYNC_COPY, c, d->copies[i], (struct kith_date){ 0, 0, 0 },
			 "a copy of the reminder made by a calendar app; kith leaves it alone");
	}
	if (rc || c->archived)
		return rc;
	if (d->deleted && strcmp(r->state, "deleted")) {
		c->paused = 1;
		rc = kith_store_update_contact(e->store, c);
		if (!rc && replace(&r->state, "deleted"))
			rc = kith_nomem(e->ctx);
		if (!rc)
			rc = act(e, KITH_SYNC_PAUSE, c, r->resource, (struct kith_date){ 0, 0, 0 },
				 "the reminder was deleted in a calendar app; paused (resume with "
				 "'kith edit --resume')");
	} else if (d->moved && agreed && kith_date_cmp(d->moved_to, agreed->due) > 0) {
		rc = kith_store_snooze(e->store, c->id, d->moved_to);
		if (!rc) {
			c->snoozed_until = d->moved_to;
			e->res->snoozed++;
			rc = act(e, KITH_SYNC_SNOOZE, c, r->resource, d->moved_to,
				 "moved to %s in a calendar app; kept as a snooze",
				 kith_date_format(d->moved_to, day));
		}
	} else if (d->moved) {
		c->first_due = d->moved_to;
		rc = kith_store_update_contact(e->store, c);
		if (!rc)
			rc = act(e, KITH_SYNC_RESCHEDULE, c, r->resource, d->moved_to,
				 "moved earlier to %s in a calendar app; kept",
				 kith_date_format(d->moved_to, day));
	} else if (d->unreadable) {
		e->res->skipped++;
		rc = act(e, KITH_SYNC_SKIP, c, r->resource, (struct kith_date){ 0, 0, 0 },
			 "the reminder has no main VTODO any more; left untouched");
	}
	return rc;
}

static enum kith_status detect_one(struct engine *e, struct kith_contact *c, size_t ri,
				   struct kith_detect_other *others, size_t n_others, int *skip)
{
	struct kith_rstate *r = &e->rs[ri];
	struct kith_todos agreed = { NULL, 0 }, now = { NULL, 0 };
	struct kith_detect_base b;
	struct kith_detection d;
	const struct kith_todo *m;
	const char *bytes = server_bytes(e, ri);
	long li = e->rs_listed[ri];
	enum kith_status rc;

	*skip = 0;
	rc = kith_ical_parse_todos(e->ctx, r->base, strlen(r->base), e->o->tzid, &agreed);
	if (rc)
		goto unreadable;
	m = kith_todos_master(&agreed, r->uid);
	if (!m) {
		rc = KITH_ERR_PARSE;
		goto unreadable;
	}
	if (bytes) {
		rc = kith_ical_parse_todos(e->ctx, bytes, strlen(bytes), e->o->tzid, &now);
		if (rc)
			goto unreadable;
	}
	memset(&b, 0, sizeof(b));
	b.uid = r->uid;
	b.x_kith_id = m->x_kith_id;
	b.summary = m->summary;
	b.rrule = m->rrule;
	b.cadence = cadence_of(e, c);
	b.dtstart = m->dtstart;
	b.due = m->due;
	if (kith_detect(&b, li >= 0 ? &now : NULL, others, n_others, r->processed, e->now,
			e->o->tzid, &d) < 0) {
		rc = kith_nomem(e->ctx);
		goto out;
	}
	rc = apply_detection(e, c, ri, &d, m);
	*skip = d.unreadable;
	kith_detection_clear(&d);
	/* What the target holds now is the agreed state from here on. */
	if (!rc && li >= 0 && !*skip &&
	    (replace(&r->base, bytes) || replace(&r->etag, e->listing.tags[li])))
		rc = kith_nomem(e->ctx);
	goto out;
unreadable:
	kith_ctx_clear(e->ctx);
	*skip = 1;
	e->res->skipped++;
	rc = act(e, KITH_SYNC_SKIP, c, r->resource, (struct kith_date){ 0, 0, 0 },
		 "kith cannot read this reminder any more; left untouched");
out:
	kith_todos_clear(&agreed);
	kith_todos_clear(&now);
	return rc;
}

/* ---- step 2c: plan ---- */

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* 1 when the target already says what kith would write. */
static int agrees(struct engine *e, const char *bytes, const struct kith_reminder *r)
{
	struct kith_todos todos = { NULL, 0 };
	const struct kith_todo *m;
	char *rrule = NULL;
	char id[32];
	int ok = 0;

	if (kith_ical_parse_todos(e->ctx, bytes, strlen(bytes), e->o->tzid, &todos)) {
		kith_ctx_clear(e->ctx);
		return 0;
	}
	m = kith_todos_master(&todos, r->uid);
	if (r->recurring && kith_cadence_rrule(e->ctx, r->cadence, &rrule))
		goto out;
	snprintf(id, sizeof(id), "%lld", (long long)r->contact_id);
	ok = m && !kith_date_cmp(m->due, r->due) && !kith_date_cmp(m->dtstart, r->dtstart) &&
	     same_str(m->summary, r->summary) && same_str(m->description, r->description) &&
	     same_str(m->category, r->category) && same_str(m->url, r->url) &&
	     same_str(m->rrule, rrule) && !m->rrule_count && !kith_todo_is_done(m) &&
	     same_str(m->x_kith_id, id) && todos.n == 1;
out:
	free(rrule);
	kith_todos_clear(&todos);
	return ok;
}

static enum kith_status add_write(struct engine *e, size_t ri, enum write_op op, char *bytes,
				  const char *if_match, char *fp)
{
	struct write *w, *p = realloc(e->writes, (e->n_writes + 1) * sizeof(*p));

	if (!p) {
		free(bytes);
		free(fp);
		return kith_nomem(e->ctx);
	}
	e->writes = p;
	w = &e->writes[e->n_writes++];
	memset(w, 0, sizeof(*w));
	w->ri = ri;
	w->op = op;
	w->bytes = bytes;
	w->fingerprint = fp;
	if (if_match && !(w->if_match = strdup(if_match)))
		return kith_nomem(e->ctx);
	if (bytes && replace(&e->rs[ri].pending, bytes))
		return kith_nomem(e->ctx);
	return KITH_OK;
}

static enum kith_status plan_contact(struct engine *e, struct kith_contact *c, const int *skip)
{
	struct kith_standing s;
	struct kith_reminder *r = NULL;
	struct kith_rstate *st;
	long ri = rs_of_contact(e, c->id);
	enum kith_status rc;
	char *fp = NULL, *bytes = NULL, *name = NULL;

	if (c->archived) {
		long li = ri >= 0 ? e->rs_listed[ri] : -1;

		/*
		 * Only reminders kith wrote are ever deleted, and only as kith
		 * last saw them: one edited in an app since is left in place.
		 */
		if (li >= 0 && strcmp(e->rs[ri].state, "deleted") && !skip[ri]) {
			if (e->rs[ri].etag && e->listing.tags[li] &&
			    !strcmp(e->rs[ri].etag, e->listing.tags[li]))
				return add_write(e, (size_t)ri, W_DELETE, NULL, e->rs[ri].etag, NULL);
			return act(e, KITH_SYNC_SKIP, c, e->rs[ri].resource, (struct kith_date){ 0, 0, 0 },
				   "archived, but its reminder was changed in a calendar app "
				   "since; left in place");
		}
		if (ri >= 0 && e->rs_listed[ri] < 0) {
			e->rs_gone[ri] = 1;
			return kith_store_rstate_remove(e->store, e->target_id, c->id);
		}
		return KITH_OK;
	}
	if (c->paused || (ri >= 0 && skip[ri])) {
		if (c->paused)
			e->res->paused++;
		return KITH_OK;
	}
	rc = kith_standing_compute(c, cadence_of(e, c), last_touch_of(e, c->id),
				   e->o->today, e->o->reminder.window_days, &s);
	if (rc)
		return kith_nomem(e->ctx);
	rc = kith_reminder_from(e->ctx, c, &s, &e->o->reminder, &r);
	kith_standing_clear(&s);
	if (rc)
		return rc;
	fp = fingerprint(r);
	if (!fp) {
		rc = kith_nomem(e->ctx);
		goto out;
	}
	if (ri < 0 || !strcmp(e->rs[ri].state, "deleted") || e->rs_listed[ri] < 0) {
		if (ri < 0) {
			name = e->t->ops->resource_name(e->t, r->uid);
			if (!name) {
				rc = kith_nomem(e->ctx);
				goto out;
			}
			/* Recorded before it is sent, so a retry targets the same name. */
			rc = add_rs(e, c, name, -1, &st);
			if (rc)
				goto out;
			ri = (long)(e->n_rs - 1);
		}
		if (replace(&e->rs[ri].state, "ok")) {
			rc = kith_nomem(e->ctx);
			goto out;
		}
		rc = kith_reminders_to_ics(e->ctx, &r, 1, &bytes);
		if (!rc) {
			rc = add_write(e, (size_t)ri, W_CREATE, bytes, NULL, fp);
			bytes = fp = NULL;
		}
		goto out;
	}
	st = &e->rs[ri];
	/*
	 * The shortcut holds only if the target did not change in this sync:
	 * detection has just made a changed copy the agreed one, so its tag
	 * matches, but an app's edit (a second tick the same day: same due
	 * date, same fingerprint) may still need rewriting.
	 */
	if (st->fingerprint && !strcmp(st->fingerprint, fp) && st->base &&
	    !e->fetched[e->rs_listed[ri]].bytes && e->listing.tags[e->rs_listed[ri]] &&
	    st->etag && !strcmp(st->etag, e->listing.tags[e->rs_listed[ri]])) {
		e->res->unchanged++;
		goto out;
	}
	if (agrees(e, st->base, r)) {
		replace(&st->fingerprint, fp);
		e->res->unchanged++;
		goto out;
	}
	{
		struct kith_todos todos = { NULL, 0 };
		const struct kith_todo *m;
		char *old_category = NULL;

		if (!kith_ical_parse_todos(e->ctx, st->base, strlen(st->base), e->o->tzid, &todos)) {
			m = kith_todos_master(&todos, st->uid);
			old_category = m && m->category ? strdup(m->category) : NULL;
		}
		kith_todos_clear(&todos);
		rc = kith_ical_rewrite(e->ctx, st->base, strlen(st->base), r, old_category, e->now,
				       &bytes);
		free(old_category);
	}
	if (!rc) {
		rc = add_write(e, (size_t)ri, W_UPDATE, bytes, e->listing.tags[e->rs_listed[ri]], fp);
		bytes = fp = NULL;
	}
out:
	free(name);
	free(bytes);
	free(fp);
	kith_reminder_free(r);
	return rc;
}

/* How many agreed reminders the listing lacks, before detection marks them deleted. */
static void count_missing(struct engine *e, size_t *expected, size_t *missing)
{
	*expected = *missing = 0;
	for (size_t i = 0; i < e->n_rs; i++) {
		if (!e->rs[i].base || !strcmp(e->rs[i].state, "deleted"))
			continue;
		(*expected)++;
		*missing += e->rs_listed[i] < 0;
	}
}

/* Rule 9: a listing that suddenly lacks many reminders is suspicious. */
static enum kith_status check_deletions(struct engine *e, size_t expected, size_t missing)
{
	size_t deletes = 0;

	if (e->listing.partial)
		missing = 0;
	for (size_t i = 0; i < e->n_writes; i++)
		deletes += e->writes[i].op == W_DELETE;
	if (e->o->force)
		return KITH_OK;
	if ((expected >= 3 && missing == expected) ||
	    missing + deletes > (expected / 5 > 5 ? expected / 5 : 5))
		return kith_fail(e->ctx, KITH_ERR_INVALID,
				 "the target %s would lose %zu of kith's %zu reminders (%zu gone "
				 "from it, %zu to delete); nothing was changed. If that is what "
				 "you want, run 'kith sync --force'", e->t->url, missing + deletes,
				 expected, missing, deletes);
	return KITH_OK;
}

static enum kith_status plan(struct engine *e)
{
	struct kith_detect_other *others = NULL;
	size_t n_others = 0;
	int *skip = NULL;
	enum kith_status rc = KITH_OK;
	struct kith_contact **by_id = NULL;
	size_t expected, missing;

	count_missing(e, &expected, &missing);
	skip = calloc(e->cap_rs ? e->cap_rs : 1, sizeof(*skip));
	others = calloc(e->n_items ? e->n_items : 1, sizeof(*others));
	by_id = calloc(e->n_contacts ? e->n_contacts : 1, sizeof(*by_id));
	if (!skip || !others || !by_id) {
		rc = kith_nomem(e->ctx);
		goto out;
	}
	for (size_t i = 0; i < e->n_contacts; i++)
		by_id[i] = &e->contacts[i];
	qsort(by_id, e->n_contacts, sizeof(*by_id), cmp_contacts_by_id);
	for (size_t k = 0; k < e->n_items; k++) {
		if (e->items[k].contact_id || !e->item_todos[k].n)
			continue;
		others[n_others].name = e->items[k].name;
		others[n_others].todos = &e->item_todos[k];
		n_others++;
	}
	for (size_t i = 0; i < e->n_rs && !rc; i++) {
		struct kith_rstate *r = &e->rs[i];
		struct kith_contact **cp = bsearch(&r->contact_id, by_id, e->n_contacts,
						   sizeof(*by_id), cmp_contact_id);
		long li = e->rs_listed[i];
		int changed;

		if (!cp) {
			e->rs_gone[i] = 1;
			continue;
		}
		rc = settle(e, i, *cp);
		if (rc)
			break;
		if (!r->base) {
			/* A create that never reached the target: plan it again. */
			if (li < 0) {
				e->rs_gone[i] = 1;
				rc = kith_store_rstate_remove(e->store, e->target_id, r->contact_id);
				continue;
			}
			if (replace(&r->base, server_bytes(e, i)) ||
			    replace(&r->etag, e->listing.tags[li])) {
				rc = kith_nomem(e->ctx);
				break;
			}
		}
		/*
		 * Archived contacts are read too: a tick made before archiving is
		 * still a touch (their moves and deletions no longer matter).
		 */
		if (li < 0 && (!strcmp(r->state, "deleted") || e->listing.partial)) {
			/* Gone, or not provably gone: nothing to read, nothing to write. */
			skip[i] = e->listing.partial;
			continue;
		}
		changed = li < 0 || !r->etag || !e->listing.tags[li] ||
			  strcmp(r->etag, e->listing.tags[li]) || e->fetched[li].bytes;
		if (!changed && !n_others)
			continue;
		rc = detect_one(e, *cp, i, others, n_others, &skip[i]);
		if (rc)
			break;
		/* Copies counted for this contact are not offered to the next ones. */
		for (size_t k = 0; k < n_others; k++) {
			if (!others[k].todos->n) {
				others[k] = others[--n_others];
				k--;
			}
		}
	}
	if (rc)
		goto out;
	/* The touches and pauses just recorded change what is due. */
	unload(e);
	rc = load(e);
	for (size_t i = 0; i < e->n_contacts && !rc; i++)
		rc = plan_contact(e, &e->contacts[i], skip);
	if (!rc)
		rc = check_deletions(e, expected, missing);
	for (size_t i = 0; i < e->n_rs && !rc; i++)
		if (!e->rs_gone[i] && rs_changed(e, i))
			rc = kith_store_rstate_save(e->store, e->target_id, &e->rs[i]);
	if (!rc && items_changed(e))
		rc = kith_store_titems_save(e->store, e->target_id, e->items, e->n_items);
out:
	free(skip);
	free(others);
	free(by_id);
	return rc;
}

/* ---- steps 3 and 4: write, confirm ---- */

static const struct kith_contact *contact_of(struct engine *e, int64_t id)
{
	for (size_t i = 0; i < e->n_contacts; i++)
		if (e->contacts[i].id == id)
			return &e->contacts[i];
	return NULL;
}

/* Creates and updates at once, for targets that can (CalDAV: parallel PUTs). */
static enum kith_status send_batch(struct engine *e, int *conflicts)
{
	struct kith_put *puts = calloc(e->n_writes ? e->n_writes : 1, sizeof(*puts));
	size_t *which = calloc(e->n_writes ? e->n_writes : 1, sizeof(*which));
	size_t n = 0;
	enum kith_status rc = KITH_OK;

	if (!puts || !which) {
		rc = kith_nomem(e->ctx);
		goto out;
	}
	for (size_t i = 0; i < e->n_writes; i++) {
		struct write *w = &e->writes[i];

		if (w->op == W_DELETE)
			continue;
		puts[n].name = e->rs[w->ri].resource;
		puts[n].bytes = w->bytes;
		puts[n].len = strlen(w->bytes);
		puts[n].if_match = w->if_match;
		which[n++] = i;
	}
	if (!n)
		goto out;
	rc = e->t->ops->put_many(e->t, puts, n);
	if (rc)
		goto out;
	for (size_t k = 0; k < n; k++) {
		struct write *w = &e->writes[which[k]];

		if (puts[k].status == KITH_ERR_CONFLICT) {
			w->conflict = 1;
			(*conflicts)++;
		} else if (puts[k].status == KITH_OK) {
			w->ok = 1;
			w->tag = puts[k].tag;
			puts[k].tag = NULL;
		} else if (!rc) {
			rc = puts[k].status;
		}
	}
	if (!rc && fault(e, "write"))
		rc = kith_fail(e->ctx, KITH_ERR_IO, "stopped by a test fault after a write");
out:
	for (size_t k = 0; puts && k < n; k++)
		free(puts[k].tag);
	free(puts);
	free(which);
	return rc;
}

static enum kith_status send_writes(struct engine *e, int *conflicts)
{
	const struct kith_target_ops *ops = e->t->ops;
	enum kith_status rc = KITH_OK;

	*conflicts = 0;
	if (ops->put_many) {
		rc = send_batch(e, conflicts);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < e->n_writes; i++) {
		struct write *w = &e->writes[i];
		struct kith_rstate *r = &e->rs[w->ri];

		if (w->ok || w->conflict)
			continue;
		if (w->op == W_DELETE)
			rc = ops->del(e->t, r->resource, w->if_match);
		else
			rc = ops->put(e->t, r->resource, w->bytes, strlen(w->bytes), w->if_match,
				      &w->tag);
		if (rc == KITH_ERR_CONFLICT) {
			kith_ctx_clear(e->ctx);
			w->conflict = 1;
			(*conflicts)++;
			continue;
		}
		if (rc)
			return rc;
		w->ok = 1;
		if (fault(e, "write"))
			return kith_fail(e->ctx, KITH_ERR_IO, "stopped by a test fault after a write");
	}
	rc = ops->flush(e->t);
	if (rc == KITH_ERR_CONFLICT) {
		kith_ctx_clear(e->ctx);
		for (size_t i = 0; i < e->n_writes; i++) {
			if (e->writes[i].ok) {
				e->writes[i].ok = 0;
				e->writes[i].conflict = 1;
				(*conflicts)++;
			}
		}
		return KITH_OK;
	}
	if (!rc && fault(e, "flush"))
		return kith_fail(e->ctx, KITH_ERR_IO, "stopped by a test fault after the flush");
	return rc;
}

/* Targets that cannot tell the new tag (or may rewrite what they got): read it back. */
static enum kith_status read_back(struct engine *e)
{
	const char **names = calloc(e->n_writes ? e->n_writes : 1, sizeof(*names));
	size_t *which = calloc(e->n_writes ? e->n_writes : 1, sizeof(*which));
	struct kith_fetched *got = NULL;
	size_t n = 0;
	enum kith_status rc = KITH_OK;

	if (!names || !which) {
		rc = kith_nomem(e->ctx);
		goto out;
	}
	for (size_t i = 0; i < e->n_writes; i++) {
		if (e->writes[i].ok && e->writes[i].op != W_DELETE && !e->writes[i].tag) {
			names[n] = e->rs[e->writes[i].ri].resource;
			which[n++] = i;
		}
	}
	if (!n)
		goto out;
	got = calloc(n, sizeof(*got));
	if (!got) {
		rc = kith_nomem(e->ctx);
		goto out;
	}
	rc = e->t->ops->fetch(e->t, names, n, got);
	if (rc)
		goto out;
	for (size_t k = 0; k < n; k++) {
		struct write *w = &e->writes[which[k]];

		if (!got[k].bytes)
			continue;
		free(w->bytes);
		w->bytes = got[k].bytes;
		w->tag = got[k].tag;
		got[k].bytes = got[k].tag = NULL;
	}
out:
	for (size_t k = 0; got && k < n; k++)
		kith_fetched_clear(&got[k]);
	free(got);
	free(names);
	free(which);
	return rc;
}

static enum kith_status confirm(struct engine *e)
{
	enum kith_status rc = KITH_OK;
	char day[KITH_DATE_BUFSZ];

	for (size_t i = 0; i < e->n_writes && !rc; i++) {
		struct write *w = &e->writes[i];
		struct kith_rstate *r = &e->rs[w->ri];
		const struct kith_contact *c = contact_of(e, r->contact_id);
		struct kith_date due = { 0, 0, 0 };
		int seq;

		if (w->conflict) {
			free(r->pending);
			r->pending = NULL;
			rc = kith_store_rstate_save(e->store, e->target_id, r);
			continue;
		}
		if (!w->ok)
			continue;
		if (w->op == W_DELETE) {
			e->res->deleted++;
			rc = kith_store_rstate_remove(e->store, e->target_id, r->contact_id);
			if (!rc)
				rc = act(e, KITH_SYNC_DELETE, c, r->resource, due,
					 "archived in kith: its reminder was removed");
			continue;
		}
		master_of(e, w->bytes, r->uid, &due, &seq);
		if (replace(&r->base, w->bytes) || replace(&r->etag, w->tag) ||
		    replace(&r->fingerprint, w->fingerprint))
			return kith_nomem(e->ctx);
		free(r->pending);
		r->pending = NULL;
		r->written_due = due;
		rc = kith_store_rstate_save(e->store, e->target_id, r);
		if (rc)
			break;
		if (w->op == W_CREATE) {
			e->res->created++;
			rc = act(e, KITH_SYNC_CREATE, c, r->resource, due, "new reminder, due %s",
				 kith_date_format(due, day));
		} else {
			e->res->updated++;
			rc = act(e, KITH_SYNC_UPDATE, c, r->resource, due, "rewritten, due %s",
				 kith_date_format(due, day));
		}
	}
	return rc;
}

/* In a dry run the plan is the result. */
static enum kith_status describe_plan(struct engine *e)
{
	enum kith_status rc = KITH_OK;

	for (size_t i = 0; i < e->n_writes && !rc; i++) {
		struct write *w = &e->writes[i];
		struct kith_rstate *r = &e->rs[w->ri];
		const struct kith_contact *c = contact_of(e, r->contact_id);
		struct kith_date due = { 0, 0, 0 };
		char day[KITH_DATE_BUFSZ];
		int seq;

		if (w->bytes)
			master_of(e, w->bytes, r->uid, &due, &seq);
		switch (w->op) {
		case W_CREATE:
			e->res->created++;
			rc = act(e, KITH_SYNC_CREATE, c, r->resource, due, "would create, due %s",
				 kith_date_format(due, day));
			break;
		case W_UPDATE:
			e->res->updated++;
			rc = act(e, KITH_SYNC_UPDATE, c, r->resource, due, "would rewrite, due %s",
				 kith_date_format(due, day));
			break;
		case W_DELETE:
			e->res->deleted++;
			rc = act(e, KITH_SYNC_DELETE, c, r->resource, due, "would delete");
			break;
		}
	}
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

		rc = try_quiet(e, &quiet);
		if (!rc && quiet) {
			if (e->o->dry_run) {
				kith_store_rollback(e->store);
				return KITH_OK;
			}
			return kith_store_commit(e->store);
		}
	}
	if (!rc)
		rc = load(e);
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
		rc = sort_foreign(e);
	if (!rc)
		rc = plan(e);
	if (rc || e->o->dry_run) {
		kith_store_rollback(e->store);
		if (!rc)
			rc = describe_plan(e);
		return rc;
	}
	/*
	 * The generation after this plan's own changes (touches, pauses): with
	 * nothing to write it is settled now; with writes, once confirmed.
	 */
	rc = kith_store_generation(e->store, &e->planned_gen);
	if (!rc)
		rc = kith_store_set_plan_key(e->store, e->target_id, NULL);
	if (!rc && !e->n_writes)
		rc = save_plan_key(e, e->planned_gen);
	if (rc) {
		kith_store_rollback(e->store);
		return rc;
	}
	rc = kith_store_commit(e->store);
	if (rc)
		return rc;
	if (fault(e, "plan"))
		return kith_fail(e->ctx, KITH_ERR_IO, "stopped by a test fault after planning");
	rc = send_writes(e, conflicts);
	if (!rc)
		rc = read_back(e);
	if (rc)
		return rc;
	e->res->wrote |= e->n_writes > (size_t)*conflicts;
	if (!e->n_writes)
		return KITH_OK;
	rc = kith_store_begin(e->store);
	if (rc)
		return rc;
	rc = confirm(e);
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
			rc = save_plan_key(e, gen);
	}
	if (rc) {
		kith_store_rollback(e->store);
		return rc;
	}
	rc = kith_store_commit(e->store);
	if (!rc && fault(e, "confirm"))
		return kith_fail(e->ctx, KITH_ERR_IO, "stopped by a test fault after confirming");
	return rc;
}

enum kith_status kith_sync(struct kith_store *store, struct kith_target *target,
			   const struct kith_sync_options *opts, struct kith_sync_result **out)
{
	struct engine e;
	enum kith_status rc;
	int conflicts = 0;

	memset(&e, 0, sizeof(e));
	e.store = store;
	e.t = target;
	e.ctx = kith_store_ctx(store);
	e.o = opts;
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
				       "lost; run 'kith sync' again", target->url, MAX_ATTEMPTS);
	}
	clear_attempt(&e);
	return rc;
}
