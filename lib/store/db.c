/* SPDX-License-Identifier: MIT */
/*
 * The store's connection: the statement cache and the helpers every
 * table file uses, savepoints, the generation, and meta.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* ---- helpers ---- */

enum kith_status db_fail(struct kith_store *s, const char *what)
{
	int code = sqlite3_errcode(s->db);

	if (code == SQLITE_NOMEM)
		return kith_nomem(s->ctx);
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		return kith_fail(s->ctx, KITH_ERR_BUSY,
				 "store %s is in use by another kith; try again", s->path);
	return kith_fail(s->ctx, KITH_ERR_DB, "store %s: %s: %s", s->path, what,
			 sqlite3_errmsg(s->db));
}

/*
 * A statement for sql: a cached one that is not in use, else a new one
 * (cached while there is room).  Give it back with finish().
 */
enum kith_status prepare(struct kith_store *s, const char *sql, sqlite3_stmt **out)
{
	for (size_t i = 0; i < s->n_cache; i++) {
		struct cached_stmt *c = &s->cache[i];

		if (!c->in_use && !strcmp(sqlite3_sql(c->st), sql)) {
			c->in_use = 1;
			*out = c->st;
			return KITH_OK;
		}
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK) {
		*out = NULL;
		return db_fail(s, "preparing a query");
	}
	if (s->n_cache < STMT_CACHE) {
		s->cache[s->n_cache].st = *out;
		s->cache[s->n_cache].in_use = 1;
		s->n_cache++;
	}
	return KITH_OK;
}

/* Done with a statement from prepare(): reset for reuse, or finalized if not cached. */
void finish(struct kith_store *s, sqlite3_stmt *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < s->n_cache; i++) {
		if (s->cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			s->cache[i].in_use = 0;
			return;
		}
	}
	sqlite3_finalize(st);
}

enum kith_status exec(struct kith_store *s, const char *sql)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, "running a statement");
	return KITH_OK;
}

/* One cached statement run to completion (savepoints are run thousands of times). */
static enum kith_status run_cached(struct kith_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc = prepare(s, sql, &st);

	if (rc)
		return rc;
	rc = step_done(s, st, "running a statement");
	finish(s, st);
	return rc;
}

/*
 * Make one library call all-or-nothing even outside the caller's
 * transaction: a savepoint nests inside BEGIN IMMEDIATE and acts as its
 * own transaction without one.
 */
enum kith_status savepoint(struct kith_store *s)
{
	return s->bulk ? KITH_OK : run_cached(s, "SAVEPOINT kith_op");
}

enum kith_status release(struct kith_store *s, enum kith_status rc)
{
	if (s->bulk)
		return rc;
	if (rc) {
		sqlite3_exec(s->db, "ROLLBACK TO kith_op; RELEASE kith_op", NULL, NULL, NULL);
		return rc;
	}
	return run_cached(s, "RELEASE kith_op");
}

/*
 * Every change to what reminders are made of (contacts, their addresses,
 * touches, snoozes, tiers) moves the store's generation, before the
 * change: a sync that finds the generation it last planned for knows
 * nothing here changed since.  A bulk moves it once.
 */
enum kith_status bump(struct kith_store *s)
{
	enum kith_status rc;

	if (s->bulk && s->bulk_bumped)
		return KITH_OK;
	rc = run_cached(s, "INSERT INTO meta (key, value) VALUES ('generation', '1') "
			   "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1");
	if (!rc && s->bulk)
		s->bulk_bumped = 1;
	return rc;
}

/*
 * Thousands of calls as one: a single savepoint around them all.  A call
 * that fails inside may leave part of its work done; the caller must end
 * the bulk with that failure, which rolls back everything since begin.
 */
enum kith_status kith_store_bulk_begin(struct kith_store *s)
{
	enum kith_status rc;

	if (s->bulk)
		return kith_fail(s->ctx, KITH_ERR_INVALID, "bulk writes do not nest");
	rc = run_cached(s, "SAVEPOINT kith_bulk");
	if (!rc) {
		s->bulk = 1;
		s->bulk_bumped = 0;
	}
	return rc;
}

enum kith_status kith_store_bulk_end(struct kith_store *s, enum kith_status rc)
{
	if (!s->bulk)
		return rc;
	s->bulk = 0;
	if (rc) {
		sqlite3_exec(s->db, "ROLLBACK TO kith_bulk; RELEASE kith_bulk", NULL, NULL, NULL);
		return rc;
	}
	return run_cached(s, "RELEASE kith_bulk");
}

/* Steps a statement that returns no rows. */
enum kith_status step_done(struct kith_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		return db_fail(s, what);
	return KITH_OK;
}

/* Creates the file with mode 0600 before SQLite does (it would use 0644). */
enum kith_status create_private_file(struct kith_ctx *ctx, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

	if (fd < 0) {
		if (errno == EEXIST)
			return KITH_OK;
		return kith_fail(ctx, KITH_ERR_IO, "cannot create store %s: %s", path,
				 strerror(errno));
	}
	close(fd);
	return KITH_OK;
}

/* ---- meta ---- */

enum kith_status kith_store_get_meta(struct kith_store *store, const char *key, char **out_value)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int ok = 1;
	char *v;

	rc = prepare(store, "SELECT value FROM meta WHERE key = ?1", &st);
	if (rc)
		return rc;
	bind_text(st, 1, key);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		v = col_text(st, 0, &ok);
		if (!ok || !v)
			rc = kith_nomem(store->ctx);
		else
			*out_value = v;
		break;
	case SQLITE_DONE:
		rc = kith_fail(store->ctx, KITH_ERR_NOT_FOUND, "no setting '%s'", key);
		break;
	default: rc = db_fail(store, "reading a setting");
	}
	finish(store, st);
	return rc;
}

enum kith_status kith_store_set_meta(struct kith_store *store, const char *key, const char *value)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = prepare(store,
		     "INSERT INTO meta (key, value) VALUES (?1, ?2) "
		     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
		     &st);
	if (rc)
		return rc;
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	rc = step_done(store, st, "saving a setting");
	finish(store, st);
	return rc;
}
