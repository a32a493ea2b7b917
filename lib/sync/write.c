/* SPDX-License-Identifier: MIT */
/* The writer: send the planned writes, read back what the target keeps, confirm. */

#include "array.h"
#include "engine.h"
#include "hash.h"

/* ---- step 2, its end: record ---- */

/*
 * The plan applied to the rows in tx 1, before anything is sent: new rows
 * named by the target, rows forgotten, and each write's bytes recorded as
 * its intent.
 */
enum kith_status kith_sync_record(struct engine *e)
{
	const struct kith_sync_plan *p = &e->plan;
	enum kith_status rc = KITH_OK;

	for (size_t k = 0; k < p->n_new_rows && !rc; k++) {
		const struct kith_contact *c = &e->contacts[p->new_rows[k]];
		char *name = e->t->ops->resource_name(e->t, c->uid);
		struct kith_rstate *r;

		rc = name ? kith_sync_add_row(e, c, name, -1, &r) : kith_nomem(e->ctx);
		free(name);
	}
	for (size_t i = 0; i < p->n_edits && !rc; i++) {
		const struct kith_sync_edit *d = &p->edits[i];

		if (d->kind == KITH_SYNC_EDIT_FINGERPRINT) {
			if (replace(&e->rs[d->row].fingerprint, d->fingerprint))
				rc = kith_nomem(e->ctx);
		} else if (d->kind == KITH_SYNC_EDIT_HOLD) {
			rc = kith_sync_hold(e, d->row, "%s", d->fingerprint);
		} else {
			e->rs_gone[d->row] = 1;
			rc = kith_store_rstate_remove(e->store, e->target_id,
						      e->rs[d->row].contact_id);
		}
	}
	for (size_t i = 0; i < p->n_writes && !rc; i++) {
		const struct kith_sync_write *w = &p->writes[i];
		struct kith_rstate *r = &e->rs[w->row];

		if ((w->op == KITH_SYNC_OP_CREATE && replace(&r->state, "ok")) ||
		    (w->bytes && replace(&r->pending, w->bytes)))
			rc = kith_nomem(e->ctx);
	}
	return rc;
}

/* ---- steps 3 and 4: write, confirm ---- */

/*
 * A failed write that concerns this one item (the server refused it, it
 * is invalid, an unexpected answer about it) rather than the whole sync
 * (no network, a wrong password, a full disk, the store): the item is
 * held back and the others go on (RELIABILITY rule 22).  A server's
 * unexpected status comes as KITH_ERR_IO; a local target's KITH_ERR_IO
 * is its disk, which fails every item alike.
 */
static int item_failure(const struct engine *e, enum kith_status rc)
{
	switch (rc) {
	case KITH_ERR_INVALID:
	case KITH_ERR_PARSE:
	case KITH_ERR_ICAL:
	case KITH_ERR_EXISTS:
	case KITH_ERR_NOT_FOUND: return 1;
	case KITH_ERR_IO: return e->t->ops->put_many != NULL;
	default: return 0;
	}
}

/* Records what one failed write means; KITH_OK, or rc when it stops the sync. */
static enum kith_status write_failed(struct engine *e, struct kith_sync_write *w,
				     enum kith_status rc, const char *why)
{
	if (rc == KITH_ERR_CONFLICT) {
		w->conflict = 1;
		return KITH_OK;
	}
	if (!item_failure(e, rc))
		return rc;
	w->refused = rc == KITH_ERR_EXISTS && w->op == KITH_SYNC_OP_CREATE;
	free(w->error);
	w->error = strdup(why && *why ? why : kith_status_str(rc));
	return w->error ? KITH_OK : kith_nomem(e->ctx);
}

/* Creates and updates at once, for targets that can (CalDAV: parallel PUTs). */
static enum kith_status send_batch(struct engine *e, int *conflicts)
{
	struct kith_put *puts = calloc(e->plan.n_writes ? e->plan.n_writes : 1, sizeof(*puts));
	size_t *which = calloc(e->plan.n_writes ? e->plan.n_writes : 1, sizeof(*which));
	size_t n = 0;
	enum kith_status rc = KITH_OK;

	if (!puts || !which) {
		rc = kith_nomem(e->ctx);
		goto out;
	}
	for (size_t i = 0; i < e->plan.n_writes; i++) {
		struct kith_sync_write *w = &e->plan.writes[i];

		if (w->op == KITH_SYNC_OP_DELETE)
			continue;
		puts[n].name = e->rs[w->row].resource;
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
	for (size_t k = 0; k < n && !rc; k++) {
		struct kith_sync_write *w = &e->plan.writes[which[k]];

		if (puts[k].status == KITH_OK) {
			w->ok = 1;
			w->tag = puts[k].tag;
			puts[k].tag = NULL;
			continue;
		}
		rc = write_failed(e, w, puts[k].status, puts[k].error);
		if (rc)
			kith_fail(e->ctx, rc, "%s", puts[k].error ? puts[k].error : "");
		*conflicts += w->conflict;
	}
	if (!rc && kith_sync_fault(e, "write"))
		rc = kith_fail(e->ctx, KITH_ERR_IO, "stopped by a test fault after a write");
out:
	for (size_t k = 0; puts && k < n; k++) {
		free(puts[k].tag);
		free(puts[k].error);
	}
	free(puts);
	free(which);
	return rc;
}

enum kith_status kith_sync_send(struct engine *e, int *conflicts)
{
	const struct kith_target_ops *ops = e->t->ops;
	enum kith_status rc = KITH_OK;

	*conflicts = 0;
	if (ops->put_many) {
		rc = send_batch(e, conflicts);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < e->plan.n_writes; i++) {
		struct kith_sync_write *w = &e->plan.writes[i];
		struct kith_rstate *r = &e->rs[w->row];

		if (w->ok || w->conflict || w->error)
			continue;
		if (w->op == KITH_SYNC_OP_DELETE)
			rc = ops->del(e->t, r->resource, w->if_match);
		else
			rc = ops->put(e->t, r->resource, w->bytes, strlen(w->bytes), w->if_match,
				      &w->tag);
		if (rc) {
			enum kith_status failed = rc;

			rc = write_failed(e, w, failed, kith_ctx_errmsg(e->ctx));
			if (rc)
				return rc;
			kith_ctx_clear(e->ctx);
			*conflicts += w->conflict;
			continue;
		}
		w->ok = 1;
		if (kith_sync_fault(e, "write"))
			return kith_fail(e->ctx, KITH_ERR_IO,
					 "stopped by a test fault after a write");
	}
	rc = ops->flush(e->t);
	if (rc == KITH_ERR_CONFLICT) {
		kith_ctx_clear(e->ctx);
		e->flush_conflict = 1;
		for (size_t i = 0; i < e->plan.n_writes; i++) {
			if (e->plan.writes[i].ok) {
				e->plan.writes[i].ok = 0;
				e->plan.writes[i].conflict = 1;
				(*conflicts)++;
			}
		}
		return KITH_OK;
	}
	if (!rc && kith_sync_fault(e, "flush"))
		return kith_fail(e->ctx, KITH_ERR_IO, "stopped by a test fault after the flush");
	return rc;
}

/* Targets that cannot tell the new tag (or may rewrite what they got): read it back. */
enum kith_status kith_sync_read_back(struct engine *e)
{
	const char **names = calloc(e->plan.n_writes ? e->plan.n_writes : 1, sizeof(*names));
	size_t *which = calloc(e->plan.n_writes ? e->plan.n_writes : 1, sizeof(*which));
	struct kith_fetched *got = NULL;
	size_t n = 0;
	enum kith_status rc = KITH_OK;

	if (!names || !which) {
		rc = kith_nomem(e->ctx);
		goto out;
	}
	for (size_t i = 0; i < e->plan.n_writes; i++) {
		const struct kith_sync_write *w = &e->plan.writes[i];

		if (w->ok && w->op != KITH_SYNC_OP_DELETE && !w->tag) {
			names[n] = e->rs[w->row].resource;
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
		struct kith_sync_write *w = &e->plan.writes[which[k]];

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

/*
 * A create the server refused for its UID (it keeps it in a trash bin):
 * the row gets a fresh UID and the name that goes with it, recorded
 * before anything is sent, and the next attempt creates it (rule 4).
 * Once per sync: a second refusal holds it back.
 */
static enum kith_status rename_refused(struct engine *e, struct kith_sync_write *w)
{
	struct kith_rstate *r = &e->rs[w->row];
	char hex[KITH_HASH_HEXSZ], *uid, *name;
	struct kith_hash h = KITH_HASH_INIT;
	struct kith_buf b = KITH_BUF_INIT;
	size_t stem = strlen(r->uid);

	for (size_t i = 0; i < e->n_renamed; i++)
		if (e->renamed[i] == r->contact_id)
			return kith_sync_hold(e, w->row, "%s, also under a fresh UID", w->error);
	/* A UID renamed before keeps its stem: the suffix is replaced, not added to. */
	if (stem > 10 && !strncmp(r->uid + stem - 10, "-r", 2))
		stem -= 10;
	kith_hash_add_str(&h, r->uid);
	kith_hash_add_word(&h, (uint64_t)e->now);
	kith_hash_add_word(&h, (uint64_t)e->attempt);
	kith_buf_printf(&b, "%.*s-r%.8s", (int)stem, r->uid,
			kith_hash_hex(kith_hash_result(&h), hex));
	uid = kith_buf_steal(&b);
	name = uid ? e->t->ops->resource_name(e->t, uid) : NULL;
	if (!uid || !name || KITH_GROW(e->renamed, e->cap_renamed, e->n_renamed + 1, 4)) {
		free(uid);
		free(name);
		return kith_nomem(e->ctx);
	}
	e->renamed[e->n_renamed++] = r->contact_id;
	free(r->uid);
	free(r->resource);
	r->uid = uid;
	r->resource = name;
	/* The new name has never been on the target: nothing agreed there yet. */
	free(r->pending);
	free(r->base);
	free(r->etag);
	free(r->fingerprint);
	r->pending = r->base = r->etag = r->fingerprint = NULL;
	if (replace(&r->state, "ok"))
		return kith_nomem(e->ctx);
	if (e->last_attempt)
		return kith_sync_hold(e, w->row,
				      "%s; the next sync writes it under the fresh UID %s",
				      w->error, r->uid);
	return kith_sync_act(e, KITH_SYNC_NOTE, kith_sync_contact(e, r->contact_id), r->resource,
			     (struct kith_date){ 0, 0, 0 },
			     "%s; written again under the fresh UID %s", w->error, r->uid);
}

enum kith_status kith_sync_confirm(struct engine *e, int *conflicts)
{
	enum kith_status rc = KITH_OK;
	char day[KITH_DATE_BUFSZ];

	for (size_t i = 0; i < e->plan.n_writes && !rc; i++) {
		struct kith_sync_write *w = &e->plan.writes[i];
		struct kith_rstate *r = &e->rs[w->row];
		const struct kith_contact *c = kith_sync_contact(e, r->contact_id);
		struct kith_date due = { 0, 0, 0 };
		int seq;

		if (w->refused || w->error || w->conflict) {
			/* Not written: nothing to settle next time. */
			free(r->pending);
			r->pending = NULL;
			if (w->refused) {
				rc = rename_refused(e, w);
				/* Tried again at once, under its new name. */
				if (!rc && e->held_now[w->row] == 0)
					(*conflicts)++;
			} else if (w->error) {
				rc = kith_sync_hold(e, w->row, "%s", w->error);
			} else if (e->last_attempt && !e->flush_conflict) {
				/*
				 * This one item kept changing on every try (or its
				 * server keeps refusing its ETag): the others are
				 * written; it waits for the next sync.
				 */
				(*conflicts)--;
				rc = kith_sync_hold(e, w->row,
						    "it changed on the server during each of the "
						    "%d tries of this sync",
						    e->attempt + 1);
			}
			if (!rc)
				rc = kith_store_rstate_save(e->store, e->target_id, r);
			continue;
		}
		if (!w->ok)
			continue;
		kith_sync_unhold(e, w->row);
		if (w->op == KITH_SYNC_OP_DELETE) {
			e->res->deleted++;
			rc = kith_store_rstate_remove(e->store, e->target_id, r->contact_id);
			if (!rc)
				rc = kith_sync_act(e, KITH_SYNC_DELETE, c, r->resource, due,
						   "archived in kith: its reminder was removed");
			continue;
		}
		kith_sync_master_of(e, w->bytes, r->uid, &due, &seq);
		if (replace(&r->base, w->bytes) || replace(&r->etag, w->tag) ||
		    replace(&r->fingerprint, w->fingerprint))
			return kith_nomem(e->ctx);
		free(r->pending);
		r->pending = NULL;
		r->written_due = due;
		rc = kith_store_rstate_save(e->store, e->target_id, r);
		if (rc)
			break;
		if (w->op == KITH_SYNC_OP_CREATE) {
			e->res->created++;
			rc = kith_sync_act(e, KITH_SYNC_CREATE, c, r->resource, due,
					   "new reminder, due %s", kith_date_format(due, day));
		} else {
			e->res->updated++;
			rc = kith_sync_act(e, KITH_SYNC_UPDATE, c, r->resource, due,
					   "rewritten, due %s", kith_date_format(due, day));
		}
	}
	return rc;
}

/* In a dry run the plan is the result. */
enum kith_status kith_sync_describe(struct engine *e)
{
	enum kith_status rc = KITH_OK;

	for (size_t i = 0; i < e->plan.n_writes && !rc; i++) {
		struct kith_sync_write *w = &e->plan.writes[i];
		struct kith_rstate *r = &e->rs[w->row];
		const struct kith_contact *c = kith_sync_contact(e, r->contact_id);
		struct kith_date due = { 0, 0, 0 };
		char day[KITH_DATE_BUFSZ];
		int seq;

		if (w->bytes)
			kith_sync_master_of(e, w->bytes, r->uid, &due, &seq);
		switch (w->op) {
		case KITH_SYNC_OP_CREATE:
			e->res->created++;
			rc = kith_sync_act(e, KITH_SYNC_CREATE, c, r->resource, due,
					   "would create, due %s", kith_date_format(due, day));
			break;
		case KITH_SYNC_OP_UPDATE:
			e->res->updated++;
			rc = kith_sync_act(e, KITH_SYNC_UPDATE, c, r->resource, due,
					   "would rewrite, due %s", kith_date_format(due, day));
			break;
		case KITH_SYNC_OP_DELETE:
			e->res->deleted++;
			rc = kith_sync_act(e, KITH_SYNC_DELETE, c, r->resource, due,
					   "would delete");
			break;
		}
	}
	return rc;
}
