/* SPDX-License-Identifier: MIT */
/* Touches (an append-only history; the newest is kept on the contact) and snoozes. */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "internal.h"

static enum kith_status add_touch(struct kith_store *store, struct kith_touch *touch)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int step;

	if (!kith_date_is_valid(touch->on))
		return kith_fail(store->ctx, KITH_ERR_INVALID, "a touch needs a valid date");
	rc = bump(store);
	if (rc)
		return rc;
	rc = prepare(
		store,
		"INSERT INTO touches (contact_id, on_date, at, channel, direction, "
		"note, source, source_key, found_in) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		&st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, touch->contact_id);
	bind_date(st, 2, touch->on);
	bind_text(st, 3, touch->at);
	bind_text(st, 4, touch->channel && *touch->channel ? touch->channel : NULL);
	sqlite3_bind_int(st, 5, (int)touch->direction);
	bind_text(st, 6, touch->note && *touch->note ? touch->note : NULL);
	sqlite3_bind_int(st, 7, (int)touch->source);
	bind_text(st, 8, touch->source_key);
	bind_text(st, 9, touch->found_in);
	step = sqlite3_step(st);
	if (step == SQLITE_CONSTRAINT_FOREIGNKEY)
		rc = kith_fail(store->ctx, KITH_ERR_NOT_FOUND, "no contact #%lld",
			       (long long)touch->contact_id);
	else if (step == SQLITE_CONSTRAINT_UNIQUE)
		rc = kith_fail(store->ctx, KITH_ERR_EXISTS, "touch '%s' is already logged",
			       touch->source_key ? touch->source_key : "");
	else if (step != SQLITE_DONE)
		rc = db_fail(store, "logging a touch");
	finish(store, st);
	if (rc)
		return rc;
	touch->id = sqlite3_last_insert_rowid(store->db);
	/* The newest touch (by day, then by order logged) is the contact's last one. */
	rc = prepare(store,
		     "UPDATE contacts SET last_touch_id = ?2, last_on = ?3, "
		     "last_channel = ?4, last_note = ?5 WHERE id = ?1 AND "
		     "(last_on IS NULL OR last_on <= ?3)",
		     &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, touch->contact_id);
	sqlite3_bind_int64(st, 2, touch->id);
	bind_date(st, 3, touch->on);
	bind_text(st, 4, touch->channel && *touch->channel ? touch->channel : NULL);
	bind_text(st, 5, touch->note && *touch->note ? touch->note : NULL);
	rc = step_done(store, st, "logging a touch");
	finish(store, st);
	if (rc)
		return rc;
	if (touch->source == KITH_SOURCE_IMPORT)
		return KITH_OK;
	/* A real touch replaces the spread-out first reminder. */
	rc = prepare(store,
		     "UPDATE contacts SET first_due = NULL WHERE id = ?1 AND "
		     "first_due IS NOT NULL",
		     &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, touch->contact_id);
	rc = step_done(store, st, "logging a touch");
	finish(store, st);
	return rc;
}

enum kith_status kith_store_add_touch(struct kith_store *store, struct kith_touch *touch)
{
	enum kith_status rc = savepoint(store);

	return rc ? rc : release(store, add_touch(store, touch));
}

static enum kith_status read_touch(struct kith_store *s, sqlite3_stmt *st, struct kith_touch *t)
{
	int ok = 1;

	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(st, 0);
	t->contact_id = sqlite3_column_int64(st, 1);
	t->on = col_date(st, 2);
	t->at = col_text(st, 3, &ok);
	t->channel = col_text(st, 4, &ok);
	t->direction = sqlite3_column_int(st, 5) ? KITH_INBOUND : KITH_OUTBOUND;
	t->note = col_text(st, 6, &ok);
	t->source = (enum kith_source)sqlite3_column_int(st, 7);
	t->source_key = col_text(st, 8, &ok);
	t->found_in = col_text(st, 9, &ok);
	if (!ok) {
		kith_touch_clear(t);
		return kith_nomem(s->ctx);
	}
	return KITH_OK;
}

/* Runs a touch query (parameters bound) into a list; always finishes st. */
static enum kith_status run_touch_query(struct kith_store *store, sqlite3_stmt *st,
					struct kith_touch **out, size_t *out_n)
{
	struct kith_touch *list = NULL;
	size_t n = 0, cap = 0;
	enum kith_status rc = KITH_OK;
	int step;

	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (KITH_GROW(list, cap, n + 1, 16)) {
			rc = kith_nomem(store->ctx);
			goto out;
		}
		rc = read_touch(store, st, &list[n]);
		if (rc)
			goto out;
		n++;
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(store, "reading touches");
		goto out;
	}
	*out = list;
	*out_n = n;
	list = NULL;
	n = 0;
out:
	finish(store, st);
	kith_touch_list_free(list, n);
	return rc;
}

enum kith_status kith_store_list_touches(struct kith_store *store,
					 const struct kith_touch_filter *filter,
					 struct kith_touch **out, size_t *out_n)
{
	struct kith_touch_filter none = { 0, { 0, 0, 0 }, { 0, 0, 0 } };
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	if (!filter)
		filter = &none;
	rc = prepare(store,
		     "SELECT id, contact_id, on_date, at, channel, direction, note, source, "
		     "source_key, found_in FROM touches WHERE (?1 = 0 OR contact_id = ?1) "
		     "AND (?2 IS NULL OR on_date >= ?2) AND (?3 IS NULL OR on_date <= ?3) "
		     "ORDER BY on_date DESC, id DESC",
		     &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, filter->contact_id);
	bind_date(st, 2, filter->from);
	bind_date(st, 3, filter->to);
	return run_touch_query(store, st, out, out_n);
}

static enum kith_status snooze(struct kith_store *store, int64_t contact_id, struct kith_date until)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	if (!kith_date_is_valid(until))
		return kith_fail(store->ctx, KITH_ERR_INVALID, "a snooze needs a valid date");
	rc = bump(store);
	if (rc)
		return rc;
	rc = prepare(store,
		     "UPDATE contacts SET snoozed_until = ?2, "
		     "updated = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1",
		     &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, contact_id);
	bind_date(st, 2, until);
	rc = step_done(store, st, "snoozing a contact");
	finish(store, st);
	if (rc)
		return rc;
	if (sqlite3_changes(store->db) == 0)
		return kith_fail(store->ctx, KITH_ERR_NOT_FOUND, "no contact #%lld",
				 (long long)contact_id);
	rc = prepare(store, "INSERT INTO snoozes (contact_id, until) VALUES (?1, ?2)", &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, contact_id);
	bind_date(st, 2, until);
	rc = step_done(store, st, "recording a snooze");
	finish(store, st);
	return rc;
}

enum kith_status kith_store_snooze(struct kith_store *store, int64_t contact_id,
				   struct kith_date until)
{
	enum kith_status rc = savepoint(store);

	return rc ? rc : release(store, snooze(store, contact_id, until));
}

enum kith_status kith_store_last_touches(struct kith_store *store, struct kith_touch **out,
					 size_t *out_n)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = prepare(store,
		     "SELECT t.id, t.contact_id, t.on_date, t.at, t.channel, t.direction, "
		     "t.note, t.source, t.source_key, t.found_in FROM contacts c "
		     "JOIN touches t ON t.id = c.last_touch_id ORDER BY t.contact_id",
		     &st);
	if (rc)
		return rc;
	return run_touch_query(store, st, out, out_n);
}
