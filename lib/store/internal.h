/* SPDX-License-Identifier: MIT */
/*
 * Private to lib/store/: the one header that includes SQLite, so no
 * SQLite type reaches the rest of the library.
 *
 * Dates are kept as 'YYYY-MM-DD' text (sortable and readable with the
 * sqlite3 shell); cadences in their short form ('3m').  Every SQL value
 * is bound, never formatted into the statement.
 */
#ifndef KITH_STORE_INTERNAL_H
#define KITH_STORE_INTERNAL_H

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "contact.h"
#include "ctx.h"
#include "store/store.h"

#define STMT_CACHE 64

/* Prepared statements kept for reuse: imports and syncs run the same few thousands of times. */
struct cached_stmt {
	sqlite3_stmt *st;
	int in_use;
};

struct kith_store {
	struct kith_ctx *ctx;
	sqlite3 *db;
	struct cached_stmt cache[STMT_CACHE];
	size_t n_cache;
	char *path;
	char *tag;
	int schema_version;
	int in_tx;
	int readonly;    /* opened without write permission: readers only */
	int bulk;        /* inside kith_store_bulk_begin(): calls take no savepoint of their own */
	int bulk_bumped; /* the generation already moved in this bulk */
};

/* A failure of the last SQLite call, while doing `what` (a gerund phrase). */
enum kith_status db_fail(struct kith_store *s, const char *what);

/* A statement for sql, cached by its text.  Give it back with finish(). */
enum kith_status prepare(struct kith_store *s, const char *sql, sqlite3_stmt **out);
void finish(struct kith_store *s, sqlite3_stmt *st);
/* Runs SQL text that binds nothing (pragmas, BEGIN, a migration). */
enum kith_status exec(struct kith_store *s, const char *sql);
/* Steps a statement that returns no rows. */
enum kith_status step_done(struct kith_store *s, sqlite3_stmt *st, const char *what);

/* Around every write of one public call: release(s, work) returns work's status. */
enum kith_status savepoint(struct kith_store *s);
enum kith_status release(struct kith_store *s, enum kith_status rc);
/* Before every change to what reminders are made of: a sync then knows to plan again. */
enum kith_status bump(struct kith_store *s);

/* Binding and reading the values the store keeps as text; NULL and unset bind as SQL NULL. */
static inline int bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (!v)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static inline int bind_date(sqlite3_stmt *st, int i, struct kith_date d)
{
	char buf[KITH_DATE_BUFSZ];

	if (!kith_date_is_set(d))
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, kith_date_format(d, buf), -1, SQLITE_TRANSIENT);
}

static inline int bind_cadence(sqlite3_stmt *st, int i, struct kith_cadence c)
{
	char buf[KITH_CADENCE_BUFSZ];

	if (!kith_cadence_is_set(c))
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, kith_cadence_format(c, buf), -1, SQLITE_TRANSIENT);
}

/* A column copied; *ok cleared when the copy failed. */
static inline char *col_text(sqlite3_stmt *st, int i, int *ok)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	char *copy;

	if (!t)
		return NULL;
	copy = strdup((const char *)t);
	if (!copy)
		*ok = 0;
	return copy;
}

/* Stored values were validated on the way in; a damaged one reads as unset. */
static inline struct kith_date col_date(sqlite3_stmt *st, int i)
{
	struct kith_date d = { 0, 0, 0 };
	const char *t = (const char *)sqlite3_column_text(st, i);

	if (t && kith_date_parse(NULL, t, &d) != KITH_OK)
		memset(&d, 0, sizeof(d));
	return d;
}

static inline struct kith_cadence col_cadence(sqlite3_stmt *st, int i)
{
	struct kith_cadence c = { KITH_CADENCE_NONE, 0 };
	const char *t = (const char *)sqlite3_column_text(st, i);

	if (t && kith_cadence_parse(NULL, t, &c) != KITH_OK)
		c.unit = KITH_CADENCE_NONE;
	return c;
}

/* Creates path with mode 0600 unless it exists (SQLite would make it 0644). */
enum kith_status create_private_file(struct kith_ctx *ctx, const char *path);
/* Brings the schema of a store just opened to KITH_SCHEMA_VERSION (migrate.c). */
enum kith_status migrate(struct kith_store *s);

#endif
