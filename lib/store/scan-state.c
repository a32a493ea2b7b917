/* SPDX-License-Identifier: MIT */
/* What kith scan keeps: sources read, message keys taken, candidates (store/scan-state.h). */
#include <stdio.h>
#include <stdlib.h>

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
	sqlite3_stmt *st = NULL;
	enum kith_status rc = prepare(store, "DELETE FROM scan_files WHERE source_id = ?1", &st);

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = step_done(store, st, "forgetting what was scanned");
	finish(store, st);
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

enum kith_status kith_store_candidate_add(struct kith_store *store, const char *addr,
					  const char *name, struct kith_date on,
					  enum kith_candidate_kind kind)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = prepare(store,
		     "INSERT INTO candidates (address, name, first_on, last_on, mails_in, "
		     "mails_out, meetings) VALUES (?1, ?2, ?3, ?3, ?4 = 1, ?4 = 0, ?4 = 2) ON "
		     "CONFLICT (address) DO "
		     "UPDATE SET name = coalesce(CASE WHEN excluded.last_on >= last_on THEN "
		     "excluded.name END, name, excluded.name), first_on = min(first_on, "
		     "excluded.first_on), last_on = max(last_on, excluded.last_on), mails_in = "
		     "mails_in + excluded.mails_in, mails_out = mails_out + excluded.mails_out, "
		     "meetings = meetings + excluded.meetings",
		     &st);
	if (rc)
		return rc;
	bind_text(st, 1, addr);
	bind_text(st, 2, name);
	bind_date(st, 3, on);
	sqlite3_bind_int(st, 4, (int)kind);
	rc = step_done(store, st, "recording a candidate");
	finish(store, st);
	return rc;
}
