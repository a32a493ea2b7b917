/* SPDX-License-Identifier: MIT */
/* What the store remembers per target for the sync engine: store/sync-state.h. */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "internal.h"
#include "store/sync-state.h"

#include <kith/sync.h>

enum kith_status kith_store_target_id(struct kith_store *store, const char *url, int create,
				      int64_t *out)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	if (create) {
		rc = prepare(store,
			     "INSERT INTO targets (url) VALUES (?1) ON CONFLICT (url) DO NOTHING",
			     &st);
		if (rc)
			return rc;
		bind_text(st, 1, url);
		rc = step_done(store, st, "recording a sync target");
		finish(store, st);
		if (rc)
			return rc;
	}
	rc = prepare(store, "SELECT id FROM targets WHERE url = ?1", &st);
	if (rc)
		return rc;
	bind_text(st, 1, url);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW: *out = sqlite3_column_int64(st, 0); break;
	case SQLITE_DONE:
		rc = kith_fail(store->ctx, KITH_ERR_NOT_FOUND, "no sync target %s", url);
		break;
	default: rc = db_fail(store, "reading a sync target");
	}
	finish(store, st);
	return rc;
}

void kith_rstate_clear(struct kith_rstate *r)
{
	free(r->resource);
	free(r->uid);
	free(r->etag);
	free(r->base);
	free(r->pending);
	free(r->processed);
	free(r->counted);
	free(r->state);
	free(r->fingerprint);
	free(r->held);
	free(r->held_since);
	memset(r, 0, sizeof(*r));
}

void kith_rstate_list_free(struct kith_rstate *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++)
		kith_rstate_clear(&list[i]);
	free(list);
}

enum kith_status kith_store_rstates_load(struct kith_store *store, int64_t target_id,
					 struct kith_rstate **out, size_t *out_n)
{
	sqlite3_stmt *st = NULL;
	struct kith_rstate *list = NULL;
	size_t n = 0, cap = 0;
	enum kith_status rc;
	int step;

	rc = prepare(
		store,
		"SELECT contact_id, resource, uid, etag, base, pending, processed, "
		"counted_copies, state, written_due, fingerprint, held, held_since FROM reminders "
		"WHERE target_id = ?1 ORDER BY contact_id",
		&st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, target_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct kith_rstate *r;
		int ok = 1;

		if (KITH_GROW(list, cap, n + 1, 16)) {
			rc = kith_nomem(store->ctx);
			goto out;
		}
		r = &list[n++];
		memset(r, 0, sizeof(*r));
		r->contact_id = sqlite3_column_int64(st, 0);
		r->resource = col_text(st, 1, &ok);
		r->uid = col_text(st, 2, &ok);
		r->etag = col_text(st, 3, &ok);
		r->base = col_text(st, 4, &ok);
		r->pending = col_text(st, 5, &ok);
		r->processed = col_text(st, 6, &ok);
		r->counted = col_text(st, 7, &ok);
		r->state = col_text(st, 8, &ok);
		r->written_due = col_date(st, 9);
		r->fingerprint = col_text(st, 10, &ok);
		r->held = col_text(st, 11, &ok);
		r->held_since = col_text(st, 12, &ok);
		if (!ok) {
			rc = kith_nomem(store->ctx);
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(store, "reading sync state");
		goto out;
	}
	*out = list;
	*out_n = n;
	list = NULL;
	n = 0;
out:
	finish(store, st);
	kith_rstate_list_free(list, n);
	return rc;
}

enum kith_status kith_store_rstate_save(struct kith_store *store, int64_t target_id,
					const struct kith_rstate *r)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = prepare(
		store,
		"INSERT INTO reminders (target_id, contact_id, resource, uid, etag, base, "
		"pending, processed, counted_copies, state, written_due, fingerprint, held, "
		"held_since) VALUES "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, coalesce(?10, 'ok'), ?11, ?12, ?13, ?14) "
		"ON CONFLICT (target_id, contact_id) DO UPDATE SET "
		"resource = excluded.resource, uid = excluded.uid, etag = excluded.etag, "
		"base = excluded.base, pending = excluded.pending, "
		"processed = excluded.processed, counted_copies = excluded.counted_copies, "
		"state = excluded.state, written_due = excluded.written_due, "
		"fingerprint = excluded.fingerprint, held = excluded.held, "
		"held_since = excluded.held_since",
		&st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, target_id);
	sqlite3_bind_int64(st, 2, r->contact_id);
	bind_text(st, 3, r->resource);
	bind_text(st, 4, r->uid);
	bind_text(st, 5, r->etag);
	bind_text(st, 6, r->base);
	bind_text(st, 7, r->pending);
	bind_text(st, 8, r->processed);
	bind_text(st, 9, r->counted);
	bind_text(st, 10, r->state);
	bind_date(st, 11, r->written_due);
	bind_text(st, 12, r->fingerprint);
	bind_text(st, 13, r->held);
	bind_text(st, 14, r->held_since);
	rc = step_done(store, st, "saving sync state");
	finish(store, st);
	return rc;
}

enum kith_status kith_store_rstate_remove(struct kith_store *store, int64_t target_id,
					  int64_t contact_id)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = prepare(store, "DELETE FROM reminders WHERE target_id = ?1 AND contact_id = ?2", &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, target_id);
	sqlite3_bind_int64(st, 2, contact_id);
	rc = step_done(store, st, "saving sync state");
	finish(store, st);
	return rc;
}

void kith_titem_list_free(struct kith_titem *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++) {
		free(list[i].name);
		free(list[i].tag);
		free(list[i].uid);
	}
	free(list);
}

enum kith_status kith_store_titems_load(struct kith_store *store, int64_t target_id,
					struct kith_titem **out, size_t *out_n)
{
	sqlite3_stmt *st = NULL;
	struct kith_titem *list = NULL;
	size_t n = 0, cap = 0;
	enum kith_status rc;
	int step;

	rc = prepare(store,
		     "SELECT name, tag, uid, contact_id FROM target_items "
		     "WHERE target_id = ?1 ORDER BY name",
		     &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, target_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int ok = 1;

		if (KITH_GROW(list, cap, n + 1, 16)) {
			rc = kith_nomem(store->ctx);
			goto out;
		}
		list[n].name = col_text(st, 0, &ok);
		list[n].tag = col_text(st, 1, &ok);
		list[n].uid = col_text(st, 2, &ok);
		list[n].contact_id = sqlite3_column_int64(st, 3);
		n++;
		if (!ok) {
			rc = kith_nomem(store->ctx);
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(store, "reading sync state");
		goto out;
	}
	*out = list;
	*out_n = n;
	list = NULL;
	n = 0;
out:
	finish(store, st);
	kith_titem_list_free(list, n);
	return rc;
}

enum kith_status kith_store_titems_save(struct kith_store *store, int64_t target_id,
					const struct kith_titem *items, size_t n)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = prepare(store, "DELETE FROM target_items WHERE target_id = ?1", &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, target_id);
	rc = step_done(store, st, "saving sync state");
	finish(store, st);
	if (rc || n == 0)
		return rc;
	rc = prepare(store,
		     "INSERT INTO target_items (target_id, name, tag, uid, contact_id) "
		     "VALUES (?1, ?2, ?3, ?4, ?5)",
		     &st);
	if (rc)
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, target_id);
		bind_text(st, 2, items[i].name);
		bind_text(st, 3, items[i].tag);
		bind_text(st, 4, items[i].uid);
		if (items[i].contact_id)
			sqlite3_bind_int64(st, 5, items[i].contact_id);
		else
			sqlite3_bind_null(st, 5);
		rc = step_done(store, st, "saving sync state");
	}
	finish(store, st);
	return rc;
}

enum kith_status kith_store_target_state(struct kith_store *store, int64_t target_id, char **out)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int ok = 1;

	rc = prepare(store, "SELECT state FROM targets WHERE id = ?1", &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, target_id);
	*out = NULL;
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*out = col_text(st, 0, &ok);
		if (!ok)
			rc = kith_nomem(store->ctx);
		break;
	case SQLITE_DONE:
		rc = kith_fail(store->ctx, KITH_ERR_NOT_FOUND, "no sync target #%lld",
			       (long long)target_id);
		break;
	default: rc = db_fail(store, "reading a sync target");
	}
	finish(store, st);
	return rc;
}

/* Sets a text column of a target, writing nothing when it already holds the value. */
static enum kith_status set_target_text(struct kith_store *store, const char *sql,
					int64_t target_id, const char *value)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc = prepare(store, sql, &st);

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, target_id);
	bind_text(st, 2, value);
	rc = step_done(store, st, "saving a sync target");
	finish(store, st);
	return rc;
}

enum kith_status kith_store_set_target_state(struct kith_store *store, int64_t target_id,
					     const char *state)
{
	return set_target_text(store,
			       "UPDATE targets SET state = ?2 WHERE id = ?1 AND "
			       "state IS NOT ?2",
			       target_id, state);
}

/* ---- a sync with nothing to do ---- */

/* Steps st once: column 0 of its row into *out, which keeps its value when there is none. */
static enum kith_status step_int64(struct kith_store *store, sqlite3_stmt *st, int64_t *out,
				   const char *what)
{
	enum kith_status rc = KITH_OK;

	switch (sqlite3_step(st)) {
	case SQLITE_ROW: *out = sqlite3_column_int64(st, 0); break;
	case SQLITE_DONE: break;
	default: rc = db_fail(store, what);
	}
	finish(store, st);
	return rc;
}

enum kith_status kith_store_generation(struct kith_store *store, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	*out = 0;
	rc = prepare(store, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'",
		     &st);
	return rc ? rc : step_int64(store, st, out, "reading the store's generation");
}

enum kith_status kith_store_sync_quiet(struct kith_store *store, int64_t target_id,
				       const char *plan_key, int *out)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int64_t quiet = 0;

	*out = 0;
	rc = prepare(store,
		     "SELECT plan_key IS NOT NULL AND plan_key = ?2 AND NOT EXISTS "
		     "(SELECT 1 FROM reminders WHERE target_id = ?1 AND pending IS NOT NULL) "
		     "FROM targets WHERE id = ?1",
		     &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, target_id);
	bind_text(st, 2, plan_key);
	rc = step_int64(store, st, &quiet, "reading a sync target");
	*out = quiet != 0;
	return rc;
}

enum kith_status kith_store_set_plan_key(struct kith_store *store, int64_t target_id,
					 const char *plan_key)
{
	return set_target_text(store,
			       "UPDATE targets SET plan_key = ?2 WHERE id = ?1 AND "
			       "plan_key IS NOT ?2",
			       target_id, plan_key);
}

/* Appends (name, tag) rows of a prepared query to list[n..cap). */
static enum kith_status append_titems(struct kith_store *store, sqlite3_stmt *st,
				      struct kith_titem **list, size_t *n, size_t *cap)
{
	int step;

	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct kith_titem *it;
		int ok = 1;

		if (KITH_GROW(*list, *cap, *n + 1, 64))
			return kith_nomem(store->ctx);
		it = &(*list)[(*n)++];
		memset(it, 0, sizeof(*it));
		it->name = col_text(st, 0, &ok);
		it->tag = col_text(st, 1, &ok);
		if (!ok || !it->name)
			return kith_nomem(store->ctx);
	}
	return step == SQLITE_DONE ? KITH_OK : db_fail(store, "reading sync state");
}

enum kith_status kith_store_known_items(struct kith_store *store, int64_t target_id,
					struct kith_titem **out, size_t *out_n)
{
	/*
	 * Kith's reminders that have a version and bytes, by contact, then the
	 * foreign items: both orders come from an index (no sort), and the
	 * reminders from the covering reminders_known.
	 */
	static const char *const sql[] = {
		"SELECT resource, etag FROM reminders WHERE target_id = ?1 AND "
		"etag IS NOT NULL AND base IS NOT NULL ORDER BY contact_id, resource",
		"SELECT name, tag FROM target_items WHERE target_id = ?1 ORDER BY name",
	};
	struct kith_titem *list = NULL;
	size_t n = 0, cap = 0;
	enum kith_status rc = KITH_OK;

	for (size_t q = 0; q < sizeof(sql) / sizeof(sql[0]) && !rc; q++) {
		sqlite3_stmt *st = NULL;

		rc = prepare(store, sql[q], &st);
		if (rc)
			break;
		sqlite3_bind_int64(st, 1, target_id);
		rc = append_titems(store, st, &list, &n, &cap);
		finish(store, st);
	}
	if (!rc) {
		*out = list;
		*out_n = n;
	} else {
		kith_titem_list_free(list, n);
	}
	return rc;
}

enum kith_status kith_store_quiet_counts(struct kith_store *store, int64_t target_id,
					 long *unchanged, long *paused)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = prepare(store,
		     "SELECT (SELECT count(*) FROM reminders r JOIN contacts c "
		     "  ON c.id = r.contact_id WHERE r.target_id = ?1 AND c.archived = 0 "
		     "  AND c.paused = 0 AND r.etag IS NOT NULL AND r.base IS NOT NULL), "
		     "(SELECT count(*) FROM contacts WHERE archived = 0 AND paused = 1)",
		     &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, target_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*unchanged = (long)sqlite3_column_int64(st, 0);
		*paused = (long)sqlite3_column_int64(st, 1);
	} else {
		rc = db_fail(store, "reading sync state");
	}
	finish(store, st);
	return rc;
}

void kith_held_list_free(struct kith_held *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++) {
		free(list[i].name);
		free(list[i].target);
		free(list[i].resource);
		free(list[i].reason);
		free(list[i].since);
	}
	free(list);
}

enum kith_status kith_sync_held(struct kith_store *store, const char *target_url,
				struct kith_held **out, size_t *out_n)
{
	sqlite3_stmt *st = NULL;
	struct kith_held *list = NULL;
	size_t n = 0, cap = 0;
	enum kith_status rc;
	int step;

	*out = NULL;
	*out_n = 0;
	rc = prepare(store,
		     "SELECT r.contact_id, c.name, t.url, r.resource, r.held, r.held_since "
		     "FROM reminders r JOIN contacts c ON c.id = r.contact_id "
		     "JOIN targets t ON t.id = r.target_id "
		     "WHERE r.held IS NOT NULL AND (?1 IS NULL OR t.url = ?1 OR "
		     "substr(t.url, 1, length(?1) + 1) = ?1 || '#') "
		     "ORDER BY c.name, c.id, t.url",
		     &st);
	if (rc)
		return rc;
	bind_text(st, 1, target_url);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct kith_held *h;
		int ok = 1;

		if (KITH_GROW(list, cap, n + 1, 8)) {
			rc = kith_nomem(store->ctx);
			goto out;
		}
		h = &list[n++];
		memset(h, 0, sizeof(*h));
		h->contact_id = sqlite3_column_int64(st, 0);
		h->name = col_text(st, 1, &ok);
		h->target = col_text(st, 2, &ok);
		h->resource = col_text(st, 3, &ok);
		h->reason = col_text(st, 4, &ok);
		h->since = col_text(st, 5, &ok);
		if (!ok) {
			rc = kith_nomem(store->ctx);
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(store, "reading held reminders");
		goto out;
	}
	*out = list;
	*out_n = n;
	list = NULL;
	n = 0;
out:
	finish(store, st);
	kith_held_list_free(list, n);
	return rc;
}
