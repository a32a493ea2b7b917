/* SPDX-License-Identifier: MIT */
/* The plan: what to write to the target for each contact. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

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
	long ri = kith_sync_row_of_contact(e, c->id);
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
			return kith_sync_act(e, KITH_SYNC_SKIP, c, e->rs[ri].resource,
					     (struct kith_date){ 0, 0, 0 },
					     "archived, but its reminder was changed in a calendar "
					     "app since; left in place");
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
	rc = kith_standing_compute(c, kith_sync_cadence(e, c), last_touch_of(e, c->id),
				   e->o->today, e->o->reminder.window_days, &s);
	if (rc)
		return kith_nomem(e->ctx);
	rc = kith_reminder_from(e->ctx, c, &s, &e->o->reminder, &r);
	kith_standing_clear(&s);
	if (rc)
		return rc;
	fp = kith_sync_fingerprint(r);
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
			rc = kith_sync_add_row(e, c, name, -1, &st);
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

enum kith_status kith_sync_plan(struct engine *e)
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
		rc = kith_sync_settle_intent(e, i, *cp);
		if (rc)
			break;
		if (!r->base) {
			/* A create that never reached the target: plan it again. */
			if (li < 0) {
				e->rs_gone[i] = 1;
				rc = kith_store_rstate_remove(e->store, e->target_id, r->contact_id);
				continue;
			}
			if (replace(&r->base, kith_sync_server_bytes(e, i)) ||
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
		rc = kith_sync_detect_one(e, *cp, i, others, n_others, &skip[i]);
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
	kith_sync_unload(e);
	rc = kith_sync_load(e);
	for (size_t i = 0; i < e->n_contacts && !rc; i++)
		rc = plan_contact(e, &e->contacts[i], skip);
	if (!rc)
		rc = check_deletions(e, expected, missing);
	for (size_t i = 0; i < e->n_rs && !rc; i++)
		if (!e->rs_gone[i] && kith_sync_row_changed(e, i))
			rc = kith_store_rstate_save(e->store, e->target_id, &e->rs[i]);
	if (!rc && kith_sync_items_changed(e))
		rc = kith_store_titems_save(e->store, e->target_id, e->items, e->n_items);
out:
	free(skip);
	free(others);
	free(by_id);
	return rc;
}

