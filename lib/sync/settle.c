/* SPDX-License-Identifier: MIT */
/*
 * Settling, in tx 1: the foreign resources sorted, intents left by an
 * interrupted run settled, and what happened to each reminder detected and
 * recorded (touches, snoozes, pauses).
 */
#include <time.h>

#include "engine.h"
#include "store/store.h"

int kith_sync_append_line(char **list, const char *line)
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

/* ---- step 2a: foreign resources ---- */

static const struct kith_contact *contact_by_uid(struct engine *e, const char *uid)
{
	for (size_t i = 0; uid && i < e->n_contacts; i++)
		if (e->contacts[i].uid && !strcmp(e->contacts[i].uid, uid))
			return &e->contacts[i];
	return NULL;
}

enum kith_status kith_sync_add_row(struct engine *e, const struct kith_contact *c,
				   const char *resource, long li, struct kith_rstate **out)
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
	if (replace(&r->resource, resource) || replace(&r->uid, c->uid) || replace(&r->state, "ok"))
		return kith_nomem(e->ctx);
	*out = r;
	return KITH_OK;
}

enum kith_status kith_sync_sort_foreign(struct engine *e)
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

		if (kith_sync_row_by_name(e, name) >= 0)
			continue;
		old = kith_sync_old_item(e, name);
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
		if (e->fetched[i].error) {
			/* Not ours and not readable: said on every sync, read again next time. */
			rc = kith_sync_act(e, KITH_SYNC_SKIP, NULL, name,
					   (struct kith_date){ 0, 0, 0 }, "%s: %s; left alone",
					   name, e->fetched[i].error);
			continue;
		}
		if (e->fetched[i].bytes &&
		    kith_ical_parse_todos(e->ctx, e->fetched[i].bytes, e->fetched[i].len,
					  e->o->tzid, &todos) != KITH_OK)
			kith_ctx_clear(e->ctx); /* not ours and unreadable: ignore it */
		c = todos.n ? contact_by_uid(e, todos.items[0].uid) : NULL;
		if (c && kith_sync_row_of_contact(e, c->id) < 0) {
			struct kith_rstate *r;

			/*
			 * One of kith's reminders the store has no record of (the
			 * store was restored from a backup, say): adopt it rather
			 * than create a twin.
			 */
			kith_todos_clear(&todos);
			rc = kith_sync_add_row(e, c, name, (long)i, &r);
			if (!rc && (replace(&r->base, e->fetched[i].bytes) ||
				    replace(&r->etag, e->listing.tags[i])))
				rc = kith_nomem(e->ctx);
			continue;
		}
		if (c) {
			long ri = kith_sync_row_of_contact(e, c->id);

			kith_todos_clear(&todos);
			if (ri >= 0 && kith_lines_has(e->rs[ri].counted, name)) {
				/* Its old resource, left when the reminder moved (adopt.c). */
				if (replace(&it->name, name) ||
				    replace(&it->tag, e->listing.tags[i]) ||
				    replace(&it->uid, c->uid))
					return kith_nomem(e->ctx);
				it->contact_id = c->id;
				e->n_items++;
				continue;
			}
			if (ri >= 0 && e->rs_listed[ri] < 0) {
				/* Resources are identified by UID: follow a renamed one. */
				if (replace(&e->rs[ri].resource, name))
					return kith_nomem(e->ctx);
				e->rs_by_name_stale = 1;
				e->rs_listed[ri] = (long)i;
				continue;
			}
			rc = kith_sync_act(e, KITH_SYNC_SKIP, c, name,
					   (struct kith_date){ 0, 0, 0 },
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
int kith_sync_master_of(struct engine *e, const char *bytes, const char *uid, struct kith_date *due,
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
	b.description = m->description;
	b.rrule = m->rrule;
	b.cadence = kith_sync_cadence(e, c);
	b.dtstart = m->dtstart;
	b.due = m->due;
	if (kith_detect(&b, &s, NULL, 0, NULL, e->now, e->o->tzid, &d) == KITH_OK) {
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
static enum kith_status settle_intent(struct engine *e, size_t ri, const struct kith_contact *c)
{
	struct kith_rstate *r = &e->rs[ri];
	long li = e->rs_listed[ri];
	const char *now = kith_sync_server_bytes(e, ri);
	struct kith_date pdue, sdue;
	int pseq, sseq, written = 0;

	if (!r->pending)
		return KITH_OK;
	if (li >= 0 && now && kith_sync_master_of(e, r->pending, r->uid, &pdue, &pseq) &&
	    kith_sync_master_of(e, now, r->uid, &sdue, &sseq)) {
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

/* " (the reminder was renamed '...')", or "". Borrowed from d. */
static void renamed_words(const struct kith_detection *d, struct kith_buf *b)
{
	if (d->renamed)
		kith_buf_printf(b, " (the reminder was renamed '%s')", d->renamed);
}

/*
 * A completion logged as a touch; with `d` (the newest new completion),
 * what the person wrote is the touch's note, and *noted says it was kept.
 */
static enum kith_status log_completion(struct engine *e, struct kith_contact *c,
				       struct kith_rstate *r, const struct kith_completion *k,
				       const struct kith_detection *d, int *noted)
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
	t.note = d ? d->note : NULL;
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
		struct kith_buf kept = KITH_BUF_INIT;

		e->res->touches++;
		if (t.note) {
			kith_buf_printf(&kept, "; kept the note '%s' as the touch's note", t.note);
			renamed_words(d, &kept);
			*noted = 1;
		}
		rc = kith_sync_act(e, KITH_SYNC_TOUCH, c, r->resource, k->on,
				   "completed on %s (%s%s%s)%s", kith_date_format(k->on, day),
				   k->shape, k->copy ? " " : "", k->copy ? k->copy : "",
				   kith_buf_str(&kept));
		if (kept.failed && !rc)
			rc = kith_nomem(e->ctx);
		kith_buf_free(&kept);
	}
	free(t.at);
	free(t.source_key);
	if (!rc && kith_sync_append_line(&r->processed, occ) < 0)
		rc = kith_nomem(e->ctx);
	return rc;
}

static enum kith_status apply_detection(struct engine *e, struct kith_contact *c, size_t ri,
					const struct kith_detection *d,
					const struct kith_todo *agreed, int *noted)
{
	struct kith_rstate *r = &e->rs[ri];
	enum kith_status rc = KITH_OK;
	char day[KITH_DATE_BUFSZ];

	/* The newest completion carries what was written with it. */
	for (size_t i = 0; i < d->n_completions && !rc; i++)
		rc = log_completion(e, c, r, &d->completions[i],
				    i + 1 == d->n_completions ? d : NULL, noted);
	for (size_t i = 0; i < d->n_copies && !rc; i++) {
		for (size_t k = 0; k < e->n_items; k++) {
			if (strcmp(e->items[k].name, d->copies[i]))
				continue;
			e->items[k].contact_id = c->id;
			kith_todos_clear(&e->item_todos[k]);
		}
		if (kith_sync_append_line(&r->counted, d->copies[i]) < 0)
			return kith_nomem(e->ctx);
		rc = kith_sync_act(e, KITH_SYNC_COPY, c, d->copies[i],
				   (struct kith_date){ 0, 0, 0 },
				   "a copy of the reminder made by a calendar app; "
				   "kith leaves it alone");
	}
	if (rc)
		return rc;
	if (c->archived) {
		/*
		 * Its reminder goes only as kith left it: an edit read here (also
		 * one that made kith's DELETE lose a race) keeps it until
		 * 'kith sync --force'.  The base is about to become the edited
		 * bytes, so the state is what remembers it.
		 */
		if (d->edited && replace(&r->state, "kept"))
			return kith_nomem(e->ctx);
		return KITH_OK;
	}
	if (d->deleted && strcmp(r->state, "deleted")) {
		c->paused = 1;
		rc = kith_store_update_contact(e->store, c);
		if (!rc && replace(&r->state, "deleted"))
			rc = kith_nomem(e->ctx);
		if (!rc)
			rc = kith_sync_act(e, KITH_SYNC_PAUSE, c, r->resource,
					   (struct kith_date){ 0, 0, 0 },
					   "the reminder was deleted in a calendar app; "
					   "paused (resume with 'kith edit --resume')");
	} else if (d->moved && agreed && kith_date_cmp(d->moved_to, agreed->due) > 0) {
		rc = kith_store_snooze(e->store, c->id, d->moved_to);
		if (!rc) {
			c->snoozed_until = d->moved_to;
			e->res->snoozed++;
			rc = kith_sync_act(e, KITH_SYNC_SNOOZE, c, r->resource, d->moved_to,
					   "moved to %s in a calendar app; kept as a snooze",
					   kith_date_format(d->moved_to, day));
		}
	} else if (d->moved) {
		c->first_due = d->moved_to;
		rc = kith_store_update_contact(e->store, c);
		if (!rc)
			rc = kith_sync_act(e, KITH_SYNC_RESCHEDULE, c, r->resource, d->moved_to,
					   "moved earlier to %s in a calendar app; kept",
					   kith_date_format(d->moved_to, day));
	} else if (d->unreadable) {
		rc = kith_sync_hold(
			e, ri,
			"the reminder on the target has no main VTODO (UID %s) any more; "
			"left untouched",
			r->uid);
	}
	return rc;
}

/*
 * What the person wrote, when no touch took it, joins the contact's notes
 * for next time, dated.  The base becomes the edited bytes in the same
 * transaction, so the next sync does not take it again.
 */
static enum kith_status keep_note(struct engine *e, const struct kith_contact *c,
				  const struct kith_rstate *r, const struct kith_detection *d)
{
	struct kith_buf line = KITH_BUF_INIT, why = KITH_BUF_INIT;
	char day[KITH_DATE_BUFSZ];
	enum kith_status rc;

	kith_buf_printf(&line, "%s: %s", kith_date_format(e->o->today, day), d->note);
	renamed_words(d, &why);
	if (line.failed || why.failed) {
		rc = kith_nomem(e->ctx);
		goto out;
	}
	rc = kith_store_append_note(e->store, c->id, kith_buf_str(&line));
	if (!rc)
		rc = kith_sync_act(e, KITH_SYNC_NOTE, c, r->resource, e->o->today,
				   "kept the note '%s' in the contact's notes%s", d->note,
				   kith_buf_str(&why));
out:
	kith_buf_free(&line);
	kith_buf_free(&why);
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
	const char *bytes = kith_sync_server_bytes(e, ri);
	long li = e->rs_listed[ri];
	enum kith_status rc;
	int noted = 0;

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
	b.description = m->description;
	b.rrule = m->rrule;
	b.cadence = kith_sync_cadence(e, c);
	b.dtstart = m->dtstart;
	b.due = m->due;
	if (kith_detect(&b, li >= 0 ? &now : NULL, others, n_others, r->processed, e->now,
			e->o->tzid, &d) != KITH_OK) {
		rc = kith_nomem(e->ctx);
		goto out;
	}
	rc = apply_detection(e, c, ri, &d, m, &noted);
	if (!rc && d.note && !noted)
		rc = keep_note(e, c, r, &d);
	*skip = d.unreadable;
	/* What the target holds now is the agreed state from here on. */
	if (!rc && li >= 0 && !*skip &&
	    (replace(&r->base, bytes) || replace(&r->etag, e->listing.tags[li])))
		rc = kith_nomem(e->ctx);
	/* An archived contact's series is not taken over: it ends here. */
	if (!rc && d.continuation && !*skip && !c->archived)
		rc = kith_sync_adopt(e, c, ri, d.continuation);
	kith_detection_clear(&d);
	goto out;
unreadable : {
	char *why = strdup(kith_ctx_errmsg(e->ctx));

	kith_ctx_clear(e->ctx);
	*skip = 1;
	rc = why ? kith_sync_hold(e, ri,
				  "kith cannot read this reminder any more (%s); left untouched",
				  why)
		 : kith_nomem(e->ctx);
	free(why);
}
out:
	kith_todos_clear(&agreed);
	kith_todos_clear(&now);
	return rc;
}

/*
 * Settles every row: an intent left by an interrupted run, then what
 * happened to its reminder (touches, snoozes, pauses recorded in the
 * store).  skip[i] is set for a row the plan must leave alone.
 */
enum kith_status kith_sync_settle(struct engine *e, int *skip)
{
	struct kith_detect_other *others = NULL;
	size_t n_others = 0;
	enum kith_status rc = KITH_OK;
	struct kith_contact **by_id = NULL;

	others = calloc(e->n_items ? e->n_items : 1, sizeof(*others));
	by_id = calloc(e->n_contacts ? e->n_contacts : 1, sizeof(*by_id));
	if (!others || !by_id) {
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
		rc = settle_intent(e, i, *cp);
		if (rc)
			break;
		/* Kept for an archived contact that is back: its reminder is kith's again. */
		if (!(*cp)->archived && !strcmp(r->state, "kept") && replace(&r->state, "ok")) {
			rc = kith_nomem(e->ctx);
			break;
		}
		if (li >= 0 && e->fetched[li].error) {
			/* There, but not readable: this one waits, the others go on. */
			skip[i] = 1;
			rc = kith_sync_hold(e, i, "%s", e->fetched[li].error);
			continue;
		}
		if (!r->base) {
			/*
			 * A create that never reached the target: plan it again,
			 * under the same name and UID (rule 4; the UID may be a
			 * fresh one a server's refusal made).
			 */
			if (li < 0)
				continue;
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
out:
	free(others);
	free(by_id);
	return rc;
}
