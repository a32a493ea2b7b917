/* SPDX-License-Identifier: MIT */
/* The plan: what to write to the target for each contact, from data alone (plan.h). */
#include <stdio.h>
#include <stdlib.h>

#include "detect.h"
#include "ical.h"
#include "plan.h"
#include "report.h"
#include "vtodo.h"

struct run {
	struct kith_ctx *ctx;
	const struct kith_sync_plan_input *in;
	struct kith_sync_plan *p;
};

/* ---- lookups ---- */

static const struct kith_touch *last_touch_of(const struct kith_sync_plan_input *in, int64_t id)
{
	size_t lo = 0, hi = in->n_last;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (in->last[mid].contact_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < in->n_last && in->last[lo].contact_id == id ? &in->last[lo] : NULL;
}

/*
 * The loaded rows come sorted by contact id (one per contact), the rows
 * added since after them: a search, then a short scan.  Thousands of
 * contacts made the plain scan quadratic.
 */
long kith_sync_plan_row_of(const struct kith_sync_plan_input *in, int64_t id)
{
	size_t lo = 0, hi = in->n_sorted;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (in->rows[mid].contact_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < in->n_sorted && in->rows[lo].contact_id == id && !in->gone[lo])
		return (long)lo;
	for (size_t i = in->n_sorted; i < in->n_rows; i++)
		if (in->rows[i].contact_id == id && !in->gone[i])
			return (long)i;
	return -1;
}

void kith_sync_plan_count_missing(const struct kith_rstate *rows, size_t n, const long *listed,
				  size_t *expected, size_t *missing)
{
	*expected = *missing = 0;
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].base || !strcmp(rows[i].state, "deleted"))
			continue;
		(*expected)++;
		*missing += listed[i] < 0;
	}
}

/* ---- what the plan holds ---- */

static enum kith_status act(struct run *run, enum kith_sync_action_kind kind,
			    const struct kith_contact *c, const char *resource, const char *fmt,
			    ...) __attribute__((format(printf, 5, 6)));

static enum kith_status act(struct run *run, enum kith_sync_action_kind kind,
			    const struct kith_contact *c, const char *resource, const char *fmt,
			    ...)
{
	enum kith_status rc;
	va_list ap;

	va_start(ap, fmt);
	rc = kith_sync_action_vadd(run->ctx, &run->p->actions, &run->p->n_actions, kind, c,
				   resource, (struct kith_date){ 0, 0, 0 }, fmt, ap);
	va_end(ap);
	return rc;
}

/* Takes bytes and fp, also on failure. */
static enum kith_status add_write(struct run *run, size_t row, enum kith_sync_op op, char *bytes,
				  const char *if_match, char *fp)
{
	struct kith_sync_plan *p = run->p;
	struct kith_sync_write *w, *grown = realloc(p->writes, (p->n_writes + 1) * sizeof(*grown));

	if (!grown) {
		free(bytes);
		free(fp);
		return kith_nomem(run->ctx);
	}
	p->writes = grown;
	w = &p->writes[p->n_writes++];
	memset(w, 0, sizeof(*w));
	w->row = row;
	w->op = op;
	w->bytes = bytes;
	w->fingerprint = fp;
	if (if_match && !(w->if_match = strdup(if_match)))
		return kith_nomem(run->ctx);
	return KITH_OK;
}

/* Takes fp, also on failure. */
static enum kith_status add_edit(struct run *run, size_t row, enum kith_sync_edit_kind kind,
				 char *fp)
{
	struct kith_sync_plan *p = run->p;
	struct kith_sync_edit *grown = realloc(p->edits, (p->n_edits + 1) * sizeof(*grown));

	if (!grown) {
		free(fp);
		return kith_nomem(run->ctx);
	}
	p->edits = grown;
	p->edits[p->n_edits].row = row;
	p->edits[p->n_edits].kind = kind;
	p->edits[p->n_edits++].fingerprint = fp;
	return KITH_OK;
}

/* The index the row made for contact ci will have once the plan is applied. */
static enum kith_status add_row(struct run *run, size_t ci, size_t *out)
{
	struct kith_sync_plan *p = run->p;
	size_t *grown = realloc(p->new_rows, (p->n_new_rows + 1) * sizeof(*grown));

	if (!grown)
		return kith_nomem(run->ctx);
	p->new_rows = grown;
	p->new_rows[p->n_new_rows] = ci;
	*out = run->in->n_rows + p->n_new_rows++;
	return KITH_OK;
}

void kith_sync_plan_clear(struct kith_sync_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_writes; i++) {
		free(p->writes[i].bytes);
		free(p->writes[i].if_match);
		free(p->writes[i].fingerprint);
		free(p->writes[i].tag);
		free(p->writes[i].error);
	}
	free(p->writes);
	free(p->new_rows);
	for (size_t i = 0; i < p->n_edits; i++)
		free(p->edits[i].fingerprint);
	free(p->edits);
	for (size_t i = 0; i < p->n_actions; i++) {
		free(p->actions[i].name);
		free(p->actions[i].resource);
		free(p->actions[i].detail);
	}
	free(p->actions);
	memset(p, 0, sizeof(*p));
}

/* ---- deciding ---- */

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

/* 1 when the target already says what kith would write. */
static int agrees(struct run *run, const char *bytes, const struct kith_reminder *r)
{
	struct kith_todos todos = { NULL, 0 };
	const struct kith_todo *m;
	char *rrule = NULL;
	char id[32];
	int ok = 0;

	if (kith_ical_parse_todos(run->ctx, bytes, strlen(bytes), run->in->o->tzid, &todos)) {
		kith_ctx_clear(run->ctx);
		return 0;
	}
	m = kith_todos_master(&todos, r->uid);
	if (r->recurring && kith_cadence_rrule(run->ctx, r->cadence, &rrule))
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

/* An archived contact: its reminder goes, if kith may remove it. */
static enum kith_status plan_archived(struct run *run, const struct kith_contact *c, long ri)
{
	const struct kith_sync_plan_input *in = run->in;
	const struct kith_rstate *st = ri >= 0 ? &in->rows[ri] : NULL;
	long li = ri >= 0 ? in->listed[ri] : -1;

	/*
	 * Only reminders kith wrote are ever deleted, and only as kith last
	 * saw them: one edited in an app since (detection marked it "kept",
	 * also after a DELETE lost a race to the edit) is left in place
	 * unless forced.  The delete is conditional on the tag either way.
	 */
	if (li >= 0 && strcmp(st->state, "deleted") && !in->skip[ri]) {
		int same = st->etag && in->listing->tags[li] &&
			   !strcmp(st->etag, in->listing->tags[li]);

		if (same && (strcmp(st->state, "kept") || in->o->force))
			return add_write(run, (size_t)ri, KITH_SYNC_OP_DELETE, NULL, st->etag,
					 NULL);
		return act(run, KITH_SYNC_SKIP, c, st->resource,
			   "archived, but its reminder was changed in a calendar app "
			   "since; left in place; 'kith sync --force' removes it");
	}
	if (ri >= 0 && li < 0)
		return add_edit(run, (size_t)ri, KITH_SYNC_EDIT_REMOVE, NULL);
	return KITH_OK;
}

/* The bytes of a rewrite of what the target holds (its base) into r. */
static enum kith_status rewrite(struct run *run, const struct kith_rstate *st,
				const struct kith_reminder *r, char **out)
{
	struct kith_todos todos = { NULL, 0 };
	const struct kith_todo *m;
	char *old_category = NULL;
	enum kith_status rc;

	if (!kith_ical_parse_todos(run->ctx, st->base, strlen(st->base), run->in->o->tzid,
				   &todos)) {
		m = kith_todos_master(&todos, st->uid);
		old_category = m && m->category ? strdup(m->category) : NULL;
	}
	kith_todos_clear(&todos);
	rc = kith_ical_rewrite(run->ctx, st->base, strlen(st->base), r, old_category, run->in->now,
			       out);
	free(old_category);
	return rc;
}

static enum kith_status plan_contact(struct run *run, size_t ci)
{
	const struct kith_sync_plan_input *in = run->in;
	const struct kith_contact *c = &in->contacts[ci];
	const struct kith_rstate *st;
	struct kith_standing s;
	struct kith_reminder *r = NULL;
	long ri = kith_sync_plan_row_of(in, c->id), li;
	enum kith_status rc;
	char *fp = NULL, *bytes = NULL;
	size_t row = 0;

	if (c->archived)
		return plan_archived(run, c, ri);
	if (c->paused || (ri >= 0 && in->skip[ri])) {
		if (c->paused)
			run->p->paused++;
		return KITH_OK;
	}
	rc = kith_standing_compute(
		c, kith_schedule_cadence(c->cadence, c->tier, in->tiers, in->n_tiers),
		last_touch_of(in, c->id), in->o->today, in->o->reminder.window_days, &s);
	if (rc)
		return kith_nomem(run->ctx);
	rc = kith_reminder_from(run->ctx, c, &s, &in->o->reminder, &r);
	kith_standing_clear(&s);
	if (rc)
		return rc;
	/*
	 * A row keeps its own UID: a fresh one after a server refused the
	 * contact's, or that of an app's continuation it adopted.
	 */
	if (ri >= 0 && in->rows[ri].uid && strcmp(r->uid, in->rows[ri].uid)) {
		char *uid = strdup(in->rows[ri].uid);

		if (!uid) {
			rc = kith_nomem(run->ctx);
			goto out;
		}
		free(r->uid);
		r->uid = uid;
	}
	fp = kith_sync_fingerprint(r);
	if (!fp) {
		rc = kith_nomem(run->ctx);
		goto out;
	}
	li = ri >= 0 ? in->listed[ri] : -1;
	if (ri < 0 || !strcmp(in->rows[ri].state, "deleted") || li < 0) {
		/* A new row is recorded before it is sent, so a retry targets the same name. */
		if (ri < 0)
			rc = add_row(run, ci, &row);
		else
			row = (size_t)ri;
		if (!rc)
			rc = kith_reminders_to_ics(run->ctx, &r, 1, &bytes);
		if (!rc) {
			rc = add_write(run, row, KITH_SYNC_OP_CREATE, bytes, NULL, fp);
			bytes = fp = NULL;
		}
		goto out;
	}
	st = &in->rows[ri];
	/*
	 * The shortcut holds only if the target did not change in this sync:
	 * detection has just made a changed copy the agreed one, so its tag
	 * matches, but an app's edit (a second tick the same day: same due
	 * date, same fingerprint) may still need rewriting.
	 */
	if (st->fingerprint && !strcmp(st->fingerprint, fp) && st->base && !in->fetched[li].bytes &&
	    in->listing->tags[li] && st->etag && !strcmp(st->etag, in->listing->tags[li])) {
		run->p->unchanged++;
		goto out;
	}
	if (agrees(run, st->base, r)) {
		run->p->unchanged++;
		rc = add_edit(run, (size_t)ri, KITH_SYNC_EDIT_FINGERPRINT, fp);
		fp = NULL;
		goto out;
	}
	if (!in->listing->tags[li]) {
		char *why = strdup("the server gives this reminder no usable ETag, so kith "
				   "cannot rewrite it without risking another app's change");

		/* Every write is conditional (rule 1): without a tag there is no safe one. */
		rc = why ? add_edit(run, (size_t)ri, KITH_SYNC_EDIT_HOLD, why)
			 : kith_nomem(run->ctx);
		goto out;
	}
	rc = rewrite(run, st, r, &bytes);
	if (!rc) {
		rc = add_write(run, (size_t)ri, KITH_SYNC_OP_UPDATE, bytes, in->listing->tags[li],
			       fp);
		bytes = fp = NULL;
	}
out:
	free(bytes);
	free(fp);
	kith_reminder_free(r);
	return rc;
}

/* Rule 9: a listing that suddenly lacks many reminders is suspicious. */
static enum kith_status check_deletions(struct run *run)
{
	const struct kith_sync_plan_input *in = run->in;
	size_t deletes = 0, expected = in->expected, missing = in->missing;

	if (in->listing->partial)
		missing = 0;
	for (size_t i = 0; i < run->p->n_writes; i++)
		deletes += run->p->writes[i].op == KITH_SYNC_OP_DELETE;
	if (in->o->force)
		return KITH_OK;
	if ((expected >= 3 && missing == expected) ||
	    missing + deletes > (expected / 5 > 5 ? expected / 5 : 5))
		return kith_fail(run->ctx, KITH_ERR_INVALID,
				 "the target %s would lose %zu of kith's %zu reminders (%zu gone "
				 "from it, %zu to delete); nothing was changed. If that is what "
				 "you want, run 'kith sync --force'",
				 in->target_url, missing + deletes, expected, missing, deletes);
	return KITH_OK;
}

enum kith_status kith_sync_plan_make(struct kith_ctx *ctx, const struct kith_sync_plan_input *in,
				     struct kith_sync_plan *out)
{
	struct run run = { ctx, in, out };
	enum kith_status rc = KITH_OK;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < in->n_contacts && !rc; i++)
		rc = plan_contact(&run, i);
	if (!rc)
		rc = check_deletions(&run);
	return rc;
}
