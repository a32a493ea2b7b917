/* SPDX-License-Identifier: MIT */
/* The writer: send the planned writes, read back what the target keeps, confirm. */

#include "engine.h"

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
	for (size_t k = 0; k < n; k++) {
		struct kith_sync_write *w = &e->plan.writes[which[k]];

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
	if (!rc && kith_sync_fault(e, "write"))
		rc = kith_fail(e->ctx, KITH_ERR_IO, "stopped by a test fault after a write");
out:
	for (size_t k = 0; puts && k < n; k++)
		free(puts[k].tag);
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

		if (w->ok || w->conflict)
			continue;
		if (w->op == KITH_SYNC_OP_DELETE)
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
		if (kith_sync_fault(e, "write"))
			return kith_fail(e->ctx, KITH_ERR_IO,
					 "stopped by a test fault after a write");
	}
	rc = ops->flush(e->t);
	if (rc == KITH_ERR_CONFLICT) {
		kith_ctx_clear(e->ctx);
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

enum kith_status kith_sync_confirm(struct engine *e)
{
	enum kith_status rc = KITH_OK;
	char day[KITH_DATE_BUFSZ];

	for (size_t i = 0; i < e->plan.n_writes && !rc; i++) {
		struct kith_sync_write *w = &e->plan.writes[i];
		struct kith_rstate *r = &e->rs[w->row];
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
		const struct kith_contact *c = contact_of(e, r->contact_id);
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
