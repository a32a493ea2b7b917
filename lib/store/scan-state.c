/* SPDX-License-Identifier: MIT */
/* What kith scan keeps: sources read, message keys taken, candidates (store/scan-state.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include <kith/schedule.h>

#include "array.h"
#include "buf.h"
#include "hash.h"
#include "internal.h"
#include "store/scan-state.h"

static enum kith_status read_source(struct kith_store *s, const char *kind, const char *path,
				    struct kith_scan_state *out, int *found)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int step;

	*found = 0;
	rc = prepare(s,
		     "SELECT id, mbox_offset, mbox_line, mbox_check, since, "
		     "coalesce(CAST(strftime('%s', scanned) AS INTEGER), 0) FROM scan_sources "
		     "WHERE kind = ?1 AND path = ?2",
		     &st);
	if (rc)
		return rc;
	bind_text(st, 1, kind);
	bind_text(st, 2, path);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		const char *check = (const char *)sqlite3_column_text(st, 3);

		*found = 1;
		out->id = sqlite3_column_int64(st, 0);
		out->mbox_offset = sqlite3_column_int64(st, 1);
		out->mbox_line = (long)sqlite3_column_int64(st, 2);
		out->mbox_check = check ? strtoull(check, NULL, 16) : 0;
		out->since = col_date(st, 4);
		out->scanned = sqlite3_column_int64(st, 5);
	} else if (step != SQLITE_DONE) {
		rc = db_fail(s, "reading what was scanned");
	}
	finish(s, st);
	return rc;
}

enum kith_status kith_store_scan_source(struct kith_store *store, const char *kind,
					const char *path, struct kith_scan_state *out)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int found;

	memset(out, 0, sizeof(*out));
	rc = read_source(store, kind, path, out, &found);
	if (rc || found)
		return rc;
	rc = prepare(store, "INSERT INTO scan_sources (kind, path) VALUES (?1, ?2)", &st);
	if (rc)
		return rc;
	bind_text(st, 1, kind);
	bind_text(st, 2, path);
	rc = step_done(store, st, "recording a scan source");
	finish(store, st);
	if (rc)
		return rc;
	out->id = sqlite3_last_insert_rowid(store->db);
	out->mbox_line = 1;
	out->is_new = 1;
	return KITH_OK;
}

enum kith_status kith_store_scan_source_save(struct kith_store *store,
					     const struct kith_scan_state *state)
{
	char hex[KITH_HASH_HEXSZ];
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = prepare(store,
		     "UPDATE scan_sources SET mbox_offset = ?2, mbox_line = ?3, mbox_check = ?4, "
		     "since = ?5, scanned = CASE WHEN ?6 IS NULL THEN "
		     "strftime('%Y-%m-%dT%H:%M:%SZ','now') ELSE "
		     "strftime('%Y-%m-%dT%H:%M:%SZ', ?6, 'unixepoch') END WHERE id = ?1",
		     &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, state->id);
	sqlite3_bind_int64(st, 2, state->mbox_offset);
	sqlite3_bind_int64(st, 3, state->mbox_line);
	bind_text(st, 4, state->mbox_check ? kith_hash_hex(state->mbox_check, hex) : NULL);
	bind_date(st, 5, state->since);
	if (state->scanned)
		sqlite3_bind_int64(st, 6, state->scanned);
	rc = step_done(store, st, "recording what was scanned");
	finish(store, st);
	return rc;
}

enum kith_status kith_store_scan_source_reset(struct kith_store *store, int64_t id)
{
	static const char *const sql[] = { "DELETE FROM scan_files WHERE source_id = ?1",
					   "DELETE FROM scan_pending WHERE source_id = ?1" };
	enum kith_status rc = KITH_OK;

	for (size_t i = 0; i < sizeof(sql) / sizeof(*sql) && !rc; i++) {
		sqlite3_stmt *st = NULL;

		rc = prepare(store, sql[i], &st);
		if (rc)
			return rc;
		sqlite3_bind_int64(st, 1, id);
		rc = step_done(store, st, "forgetting what was scanned");
		finish(store, st);
	}
	return rc;
}

enum kith_status kith_store_scan_file_seen(struct kith_store *store, int64_t id, const char *name,
					   int *seen)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int step;

	*seen = 0;
	rc = prepare(store, "SELECT 1 FROM scan_files WHERE source_id = ?1 AND name = ?2", &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, name);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*seen = 1;
	else if (step != SQLITE_DONE)
		rc = db_fail(store, "reading what was scanned");
	finish(store, st);
	return rc;
}

enum kith_status kith_store_scan_file_add(struct kith_store *store, int64_t id, const char *name)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = prepare(store, "INSERT OR IGNORE INTO scan_files (source_id, name) VALUES (?1, ?2)",
		     &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, name);
	rc = step_done(store, st, "recording a scanned file");
	finish(store, st);
	return rc;
}

enum kith_status kith_store_scan_pending_due(struct kith_store *store, int64_t id, int64_t now,
					     char ***out, size_t *out_n)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	char **names = NULL;
	size_t n = 0, cap = 0;
	int step, ok = 1;

	*out = NULL;
	*out_n = 0;
	rc = prepare(
		store,
		"SELECT href FROM scan_pending WHERE source_id = ?1 AND due <= ?2 ORDER BY href",
		&st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (KITH_GROW(names, cap, n + 1, 16)) {
			ok = 0;
			break;
		}
		names[n] = col_text(st, 0, &ok);
		if (!ok)
			break;
		n++;
	}
	if (!ok)
		rc = kith_nomem(store->ctx);
	else if (step != SQLITE_DONE)
		rc = db_fail(store, "reading what was scanned");
	finish(store, st);
	if (rc) {
		for (size_t i = 0; i < n; i++)
			free(names[i]);
		free(names);
		return rc;
	}
	*out = names;
	*out_n = n;
	return KITH_OK;
}

enum kith_status kith_store_scan_pending_set(struct kith_store *store, int64_t id, const char *href,
					     int64_t due)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = prepare(store,
		     due ? "INSERT OR REPLACE INTO scan_pending (source_id, href, due) VALUES (?1, "
			   "?2, ?3)"
			 : "DELETE FROM scan_pending WHERE source_id = ?1 AND href = ?2",
		     &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, href);
	if (due)
		sqlite3_bind_int64(st, 3, due);
	rc = step_done(store, st, "recording a meeting still to come");
	finish(store, st);
	return rc;
}

enum kith_status kith_store_scan_token(struct kith_store *store, int64_t id, char **out)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int step, ok = 1;

	*out = NULL;
	rc = prepare(store, "SELECT sync_token FROM scan_sources WHERE id = ?1", &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*out = col_text(st, 0, &ok);
		if (!ok)
			rc = kith_nomem(store->ctx);
	} else if (step != SQLITE_DONE) {
		rc = db_fail(store, "reading what was scanned");
	}
	finish(store, st);
	return rc;
}

enum kith_status kith_store_scan_token_set(struct kith_store *store, int64_t id, const char *token)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = prepare(store, "UPDATE scan_sources SET sync_token = ?2 WHERE id = ?1", &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, token);
	rc = step_done(store, st, "recording what was scanned");
	finish(store, st);
	return rc;
}

enum kith_status kith_store_scan_take(struct kith_store *store, const char *key, int *was_seen)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = prepare(store, "INSERT OR IGNORE INTO scan_seen (key) VALUES (?1)", &st);
	if (rc)
		return rc;
	bind_text(st, 1, key);
	rc = step_done(store, st, "recording a scanned message");
	finish(store, st);
	if (!rc)
		*was_seen = sqlite3_changes(store->db) == 0;
	return rc;
}

enum kith_status kith_store_contact_by_email(struct kith_store *store, const char *addr,
					     int64_t *id, char **name)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int step, ok = 1;

	*name = NULL;
	rc = prepare(store,
		     "SELECT c.id, c.name FROM contact_emails e JOIN contacts c ON c.id = "
		     "e.contact_id WHERE e.email = ?1 COLLATE NOCASE ORDER BY c.id LIMIT 1",
		     &st);
	if (rc)
		return rc;
	bind_text(st, 1, addr);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*name = col_text(st, 1, &ok);
		if (!ok)
			rc = kith_nomem(store->ctx);
	} else if (step == SQLITE_DONE) {
		rc = KITH_ERR_NOT_FOUND; /* an answer, not a failure: no message */
	} else {
		rc = db_fail(store, "finding a contact by address");
	}
	finish(store, st);
	return rc;
}

char *kith_store_scan_touch_key(const char *msg_key, int64_t contact_id)
{
	struct kith_buf key = KITH_BUF_INIT;

	kith_buf_printf(&key, "%s#%" PRId64, msg_key, contact_id);
	return kith_buf_steal(&key);
}

enum kith_status kith_store_candidate_add(struct kith_store *store, const struct kith_evidence *ev)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = prepare(store,
		     "INSERT OR IGNORE INTO candidate_evidence (address, msg_key, name, on_date, "
		     "at, direction, channel, found_in, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
		     "?8, ?9)",
		     &st);
	if (rc)
		return rc;
	bind_text(st, 1, ev->address);
	bind_text(st, 2, ev->msg_key);
	bind_text(st, 3, ev->name && *ev->name ? ev->name : NULL);
	bind_date(st, 4, ev->on);
	bind_text(st, 5, ev->at);
	sqlite3_bind_int(st, 6, (int)ev->direction);
	bind_text(st, 7, ev->channel);
	bind_text(st, 8, ev->found_in);
	bind_text(st, 9, ev->note && *ev->note ? ev->note : NULL);
	rc = step_done(store, st, "recording a candidate");
	finish(store, st);
	return rc;
}

void kith_candidate_list_free(struct kith_candidate *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++) {
		free(list[i].address);
		free(list[i].name);
	}
	free(list);
}

static int excluded(const struct kith_candidate_filter *f, const char *addr)
{
	for (size_t i = 0; addr && i < f->n_exclude; i++)
		if (f->exclude[i] && !strcasecmp(f->exclude[i], addr))
			return 1;
	return 0;
}

enum kith_status kith_store_list_candidates(struct kith_store *store,
					    const struct kith_candidate_filter *filter,
					    struct kith_candidate **out, size_t *out_n)
{
	struct kith_candidate_filter none;
	struct kith_candidate *list = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int step, ok = 1;

	*out = NULL;
	*out_n = 0;
	memset(&none, 0, sizeof(none));
	if (!filter)
		filter = &none;
	/* The name is the newest one given: people fix how their name is written. */
	rc = prepare(store,
		     "SELECT e.address, (SELECT n.name FROM candidate_evidence n WHERE n.address "
		     "= e.address AND n.name IS NOT NULL ORDER BY n.on_date DESC LIMIT 1), "
		     "min(e.on_date), max(e.on_date), "
		     "sum(e.channel = 'email' AND e.direction = 1), "
		     "sum(e.channel = 'email' AND e.direction = 0), "
		     "sum(e.channel = 'meeting'), count(*) FROM candidate_evidence e "
		     "WHERE (?1 IS NULL OR e.on_date >= ?1) AND (?2 IS NULL OR e.on_date <= ?2) "
		     "GROUP BY e.address HAVING (?3 IS NULL OR max(e.on_date) >= ?3) AND "
		     "count(*) >= ?4 ORDER BY count(*) DESC, max(e.on_date) DESC, e.address",
		     &st);
	if (rc)
		return rc;
	bind_date(st, 1, filter->from);
	bind_date(st, 2, filter->to);
	bind_date(st, 3, filter->since);
	sqlite3_bind_int64(st, 4, filter->min);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct kith_candidate *c;

		if (excluded(filter, (const char *)sqlite3_column_text(st, 0)))
			continue;
		if (KITH_GROW(list, cap, n + 1, 16)) {
			rc = kith_nomem(store->ctx);
			goto out;
		}
		c = &list[n++];
		memset(c, 0, sizeof(*c));
		c->address = col_text(st, 0, &ok);
		c->name = col_text(st, 1, &ok);
		c->first = col_date(st, 2);
		c->last = col_date(st, 3);
		c->mails_in = (long)sqlite3_column_int64(st, 4);
		c->mails_out = (long)sqlite3_column_int64(st, 5);
		c->meetings = (long)sqlite3_column_int64(st, 6);
		c->exchanges = (long)sqlite3_column_int64(st, 7);
		if (!ok) {
			rc = kith_nomem(store->ctx);
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(store, "listing the candidates");
		goto out;
	}
	*out = list;
	*out_n = n;
	list = NULL;
	n = 0;
out:
	finish(store, st);
	kith_candidate_list_free(list, n);
	return rc;
}

/* One piece of evidence on its way to becoming a touch. */
struct claimed {
	char *msg_key, *at, *channel, *found_in, *note;
	struct kith_date on;
	int direction;
};

static void claimed_free(struct claimed *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++) {
		free(c[i].msg_key);
		free(c[i].at);
		free(c[i].channel);
		free(c[i].found_in);
		free(c[i].note);
	}
	free(c);
}

/* Read whole before any touch is written: the touches' writes move no row under the read. */
static enum kith_status read_claimed(struct kith_store *store, int64_t id, struct claimed **out,
				     size_t *out_n)
{
	struct claimed *list = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int step, ok = 1;

	rc = prepare(store,
		     "SELECT v.msg_key, v.on_date, v.at, v.direction, v.channel, v.found_in, "
		     "v.note FROM contact_emails e JOIN candidate_evidence v ON v.address = "
		     "e.email WHERE e.contact_id = ?1 ORDER BY v.on_date, v.msg_key",
		     &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct claimed *c;

		if (KITH_GROW(list, cap, n + 1, 16)) {
			rc = kith_nomem(store->ctx);
			goto out;
		}
		c = &list[n++];
		memset(c, 0, sizeof(*c));
		c->msg_key = col_text(st, 0, &ok);
		c->on = col_date(st, 1);
		c->at = col_text(st, 2, &ok);
		c->direction = sqlite3_column_int(st, 3);
		c->channel = col_text(st, 4, &ok);
		c->found_in = col_text(st, 5, &ok);
		c->note = col_text(st, 6, &ok);
		if (!ok || !c->msg_key) {
			rc = ok ? db_fail(store, "reading a candidate") : kith_nomem(store->ctx);
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(store, "reading a candidate");
		goto out;
	}
	*out = list;
	*out_n = n;
	list = NULL;
	n = 0;
out:
	finish(store, st);
	claimed_free(list, n);
	return rc;
}

/*
 * Mail found before the person was a contact is their past, not a new
 * touch: a first reminder an import spread out from that same mail stays,
 * unless the mail now says it is due earlier than last touch + cadence
 * allows (the spreading rule: never earlier than that, schedule.h).
 */
static enum kith_status keep_spread(struct kith_store *store, int64_t id, struct kith_date spread)
{
	struct kith_contact *c = NULL;
	struct kith_tier *tiers = NULL;
	struct kith_date last = { 0, 0, 0 };
	sqlite3_stmt *st = NULL;
	size_t n_tiers = 0;
	enum kith_status rc;

	if (!kith_date_is_set(spread))
		return KITH_OK;
	rc = prepare(store, "SELECT last_on FROM contacts WHERE id = ?1", &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		last = col_date(st, 0);
	finish(store, st);
	rc = kith_store_get_contact(store, id, &c);
	if (!rc)
		rc = kith_store_list_tiers(store, &tiers, &n_tiers);
	if (!rc && !kith_date_is_set(c->first_due) && kith_date_is_set(last)) {
		struct kith_cadence cad =
			kith_schedule_cadence(c->cadence, c->tier, tiers, n_tiers);

		if (kith_date_cmp(spread, kith_cadence_add(cad, last)) >= 0) {
			c->first_due = spread;
			rc = kith_store_update_contact(store, c);
		}
	}
	kith_contact_free(c);
	kith_tier_list_free(tiers, n_tiers);
	return rc;
}

static enum kith_status claim(struct kith_store *store, int64_t id, size_t *moved)
{
	struct claimed *list = NULL;
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	struct kith_date spread = { 0, 0, 0 };
	enum kith_status rc;

	rc = prepare(store, "SELECT first_due FROM contacts WHERE id = ?1", &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		spread = col_date(st, 0);
	finish(store, st);
	st = NULL;
	rc = read_claimed(store, id, &list, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		struct kith_touch t;
		char *key = kith_store_scan_touch_key(list[i].msg_key, id);

		if (!key) {
			rc = kith_nomem(store->ctx);
			break;
		}
		memset(&t, 0, sizeof(t));
		t.contact_id = id;
		t.on = list[i].on;
		t.at = list[i].at;
		t.channel = list[i].channel;
		t.direction = list[i].direction ? KITH_INBOUND : KITH_OUTBOUND;
		t.note = list[i].note;
		/* Evidence is kept for mail and meetings alike: the channel says which. */
		t.source = list[i].channel && !strcmp(list[i].channel, "meeting")
				   ? KITH_SOURCE_MEETING
				   : KITH_SOURCE_MAIL;
		t.source_key = key;
		t.found_in = list[i].found_in;
		rc = kith_store_add_touch(store, &t);
		free(key);
		if (rc == KITH_OK) {
			(*moved)++;
		} else if (rc == KITH_ERR_EXISTS) {
			/* Logged already (the address was a contact's before): what keys are for.
			 */
			kith_ctx_clear(store->ctx);
			rc = KITH_OK;
		}
	}
	claimed_free(list, n);
	if (rc)
		return rc;
	rc = prepare(store,
		     "DELETE FROM candidate_evidence WHERE address IN (SELECT email FROM "
		     "contact_emails WHERE contact_id = ?1)",
		     &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = step_done(store, st, "moving a candidate's mail to a contact");
	finish(store, st);
	return rc ? rc : keep_spread(store, id, spread);
}

enum kith_status kith_store_claim_evidence(struct kith_store *store, int64_t contact_id,
					   size_t *out_moved)
{
	size_t moved = 0;
	enum kith_status rc = savepoint(store);

	if (!rc)
		rc = release(store, claim(store, contact_id, &moved));
	if (out_moved)
		*out_moved = rc ? 0 : moved;
	return rc;
}

enum kith_status kith_store_newest_scanned(struct kith_store *store, const char *email,
					   struct kith_date *out)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int step;

	memset(out, 0, sizeof(*out));
	rc = prepare(store,
		     "SELECT max(d) FROM (SELECT max(on_date) AS d FROM candidate_evidence WHERE "
		     "address = ?1 UNION ALL SELECT max(t.on_date) FROM contact_emails e JOIN "
		     "touches t ON t.contact_id = e.contact_id WHERE e.email = ?1 COLLATE NOCASE "
		     "AND t.source = ?2)",
		     &st);
	if (rc)
		return rc;
	bind_text(st, 1, email);
	sqlite3_bind_int(st, 2, (int)KITH_SOURCE_MAIL);
	step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		*out = col_date(st, 0);
	else
		rc = db_fail(store, "finding the newest mail with an address");
	finish(store, st);
	return rc;
}
