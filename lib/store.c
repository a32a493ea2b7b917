/* SPDX-License-Identifier: MIT */
/*
 * The store: the one file that includes SQLite.
 *
 * Dates are kept as 'YYYY-MM-DD' text (sortable and readable with the
 * sqlite3 shell); cadences in their short form ('3m').  Every SQL value
 * is bound, never formatted into the statement.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "ctx.h"
#include "fold.h"
#include "model.h"
#include "sync-state.h"

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
	int bulk; /* inside kith_store_bulk_begin(): calls take no savepoint of their own */
	int bulk_bumped; /* the generation already moved in this bulk */
};

/* ---- schema ---- */

/*
 * migrations[i] takes the schema from version i to i + 1.  Append only:
 * a released migration is never edited.
 */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE schema_version ("
	"  version INTEGER NOT NULL,"
	"  applied TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE tiers ("
	"  name TEXT PRIMARY KEY,"
	"  cadence TEXT NOT NULL,"
	"  description TEXT);"
	"CREATE TABLE contacts ("
	"  id INTEGER PRIMARY KEY,"
	"  uid TEXT UNIQUE,"
	"  name TEXT NOT NULL,"
	"  org TEXT,"
	"  tier TEXT NOT NULL REFERENCES tiers(name) ON UPDATE CASCADE,"
	"  cadence TEXT,"
	"  via TEXT,"
	"  notes TEXT,"
	"  how_met TEXT,"
	"  added TEXT NOT NULL,"
	"  snoozed_until TEXT,"
	"  archived INTEGER NOT NULL DEFAULT 0,"
	"  paused INTEGER NOT NULL DEFAULT 0,"
	"  updated TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	"CREATE INDEX contacts_tier ON contacts(tier);"
	"CREATE INDEX contacts_added ON contacts(added);"
	"CREATE TABLE contact_emails ("
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
	"  pos INTEGER NOT NULL,"
	"  email TEXT NOT NULL,"
	"  PRIMARY KEY (contact_id, pos)) WITHOUT ROWID;"
	"CREATE INDEX contact_emails_email ON contact_emails(email COLLATE NOCASE);"
	"CREATE TABLE contact_phones ("
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
	"  pos INTEGER NOT NULL,"
	"  phone TEXT NOT NULL,"
	"  PRIMARY KEY (contact_id, pos)) WITHOUT ROWID;"
	"CREATE TABLE contact_tags ("
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
	"  pos INTEGER NOT NULL,"
	"  tag TEXT NOT NULL,"
	"  PRIMARY KEY (contact_id, pos)) WITHOUT ROWID;"
	"CREATE TABLE touches ("
	"  id INTEGER PRIMARY KEY,"
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
	"  on_date TEXT NOT NULL,"
	"  at TEXT,"
	"  channel TEXT,"
	"  direction INTEGER NOT NULL DEFAULT 0,"
	"  note TEXT,"
	"  source INTEGER NOT NULL DEFAULT 0,"
	"  source_key TEXT UNIQUE,"
	"  logged TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	"CREATE INDEX touches_contact_date ON touches(contact_id, on_date);"
	"CREATE INDEX touches_date ON touches(on_date);"
	/* The history is append-only: the database itself refuses edits. */
	"CREATE TRIGGER touches_no_update BEFORE UPDATE ON touches"
	"  BEGIN SELECT RAISE(ABORT, 'touches are append-only'); END;"
	"CREATE TRIGGER touches_no_delete BEFORE DELETE ON touches"
	"  BEGIN SELECT RAISE(ABORT, 'touches are append-only'); END;"
	"CREATE TABLE snoozes ("
	"  id INTEGER PRIMARY KEY,"
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
	"  until TEXT NOT NULL,"
	"  logged TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	/* Sync state, filled by the sync engine: one row per target. */
	"CREATE TABLE targets ("
	"  id INTEGER PRIMARY KEY,"
	"  url TEXT NOT NULL UNIQUE,"
	"  collection TEXT,"
	"  sync_token TEXT,"
	"  capabilities TEXT,"
	"  discovered TEXT);"
	/* ... and one row per reminder on a target. */
	"CREATE TABLE reminders ("
	"  target_id INTEGER NOT NULL REFERENCES targets(id),"
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
	"  resource TEXT NOT NULL,"
	"  uid TEXT NOT NULL,"
	"  etag TEXT,"
	"  base BLOB,"
	"  written_due TEXT,"
	"  written_rrule TEXT,"
	"  written_summary TEXT,"
	"  processed TEXT,"
	"  counted_copies TEXT,"
	"  state TEXT NOT NULL DEFAULT 'pending',"
	"  PRIMARY KEY (target_id, contact_id),"
	"  UNIQUE (target_id, resource));"
	"INSERT INTO meta (key, value) VALUES ('store_tag', lower(hex(randomblob(4))));",
	/* 1 -> 2: what an address book import brings, and spread first reminders. */
	"ALTER TABLE contacts ADD COLUMN title TEXT;"
	"ALTER TABLE contacts ADD COLUMN birthday TEXT;"
	"ALTER TABLE contacts ADD COLUMN vcard_uid TEXT;"
	"ALTER TABLE contacts ADD COLUMN first_due TEXT;"
	"CREATE INDEX contacts_vcard_uid ON contacts(vcard_uid);",
	/* 2 -> 3: write intents, and the resources on a target that are not kith's. */
	"ALTER TABLE reminders ADD COLUMN pending BLOB;"
	"ALTER TABLE reminders ADD COLUMN fingerprint TEXT;"
	"ALTER TABLE targets ADD COLUMN state TEXT;"
	"CREATE TABLE target_items ("
	"  target_id INTEGER NOT NULL REFERENCES targets(id),"
	"  name TEXT NOT NULL,"
	"  tag TEXT,"
	"  uid TEXT,"
	"  contact_id INTEGER,"
	"  PRIMARY KEY (target_id, name)) WITHOUT ROWID;",
	/*
	 * 3 -> 4: each contact's newest touch, kept by add_touch(), so a
	 * report over 100,000 contacts needs no search per contact.
	 */
	"ALTER TABLE contacts ADD COLUMN last_touch_id INTEGER REFERENCES touches(id);"
	"UPDATE contacts SET last_touch_id = (SELECT x.id FROM touches x "
	"  WHERE x.contact_id = contacts.id ORDER BY x.on_date DESC, x.id DESC LIMIT 1);",
	/*
	 * 4 -> 5: and what the report shows of it, so the report reads the
	 * contacts table alone: a seek into a million touches per contact
	 * was most of its time.
	 */
	"ALTER TABLE contacts ADD COLUMN last_on TEXT;"
	"ALTER TABLE contacts ADD COLUMN last_channel TEXT;"
	"ALTER TABLE contacts ADD COLUMN last_note TEXT;"
	"UPDATE contacts SET (last_on, last_channel, last_note) = "
	"  (SELECT on_date, channel, note FROM touches WHERE id = contacts.last_touch_id) "
	"  WHERE last_touch_id IS NOT NULL;",
	/*
	 * 5 -> 6: per target, what the last complete sync planned for (the
	 * store's generation, kept in meta, and the options), so a sync with
	 * nothing changed on either side need not plan again.
	 */
	"ALTER TABLE targets ADD COLUMN plan_key TEXT;",
	/*
	 * 6 -> 7: the quiet sync's questions answered from small indexes
	 * instead of a walk over every reminder row and its base copy: is
	 * any write intent open, and which resources with which ETags are
	 * known (covering, in contact order).
	 */
	"CREATE INDEX reminders_pending ON reminders(target_id) WHERE pending IS NOT NULL;"
	"CREATE INDEX reminders_known ON reminders(target_id, contact_id, resource, etag) "
	"WHERE etag IS NOT NULL AND base IS NOT NULL;",
};

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

_Static_assert(N_MIGRATIONS == KITH_SCHEMA_VERSION, "one migration per schema version");

static const struct {
	const char *name;
	struct kith_cadence cadence;
	const char *description;
} default_tiers[] = {
	{ "core", { KITH_CADENCE_MONTH, 2 }, "closest people: lunch every couple of months" },
	{ "regular", { KITH_CADENCE_MONTH, 3 }, "a quarterly email or call" },
	{ "outer", { KITH_CADENCE_MONTH, 6 }, "twice a year" },
	{ "annual", { KITH_CADENCE_YEAR, 1 }, "a yearly note" },
};

/* ---- helpers ---- */

static enum kith_status db_fail(struct kith_store *s, const char *what)
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
static enum kith_status prepare(struct kith_store *s, const char *sql, sqlite3_stmt **out)
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
static void finish(struct kith_store *s, sqlite3_stmt *st)
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

static enum kith_status exec(struct kith_store *s, const char *sql)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(s, "running a statement");
	return KITH_OK;
}

/*
 * Make one library call all-or-nothing even outside the caller's
 * transaction: a savepoint nests inside BEGIN IMMEDIATE and acts as its
 * own transaction without one.
 */
static enum kith_status step_done(struct kith_store *s, sqlite3_stmt *st, const char *what);

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

static enum kith_status savepoint(struct kith_store *s)
{
	return s->bulk ? KITH_OK : run_cached(s, "SAVEPOINT kith_op");
}

static enum kith_status release(struct kith_store *s, enum kith_status rc)
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
static enum kith_status bump(struct kith_store *s)
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
static enum kith_status step_done(struct kith_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		return db_fail(s, what);
	return KITH_OK;
}

static int bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (!v)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static int bind_date(sqlite3_stmt *st, int i, struct kith_date d)
{
	char buf[KITH_DATE_BUFSZ];

	if (!kith_date_is_set(d))
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, kith_date_format(d, buf), -1, SQLITE_TRANSIENT);
}

static int bind_cadence(sqlite3_stmt *st, int i, struct kith_cadence c)
{
	char buf[KITH_CADENCE_BUFSZ];

	if (!kith_cadence_is_set(c))
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, kith_cadence_format(c, buf), -1, SQLITE_TRANSIENT);
}

/* A column copied; *ok cleared when the copy failed. */
static char *col_text(sqlite3_stmt *st, int i, int *ok)
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
static struct kith_date col_date(sqlite3_stmt *st, int i)
{
	struct kith_date d = { 0, 0, 0 };
	const char *t = (const char *)sqlite3_column_text(st, i);

	if (t && kith_date_parse(NULL, t, &d) != KITH_OK)
		memset(&d, 0, sizeof(d));
	return d;
}

static struct kith_cadence col_cadence(sqlite3_stmt *st, int i)
{
	struct kith_cadence c = { KITH_CADENCE_NONE, 0 };
	const char *t = (const char *)sqlite3_column_text(st, i);

	if (t && kith_cadence_parse(NULL, t, &c) != KITH_OK)
		c.unit = KITH_CADENCE_NONE;
	return c;
}

/* kith_fold(text): the case fold names are matched with. */
static void sql_fold(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	const unsigned char *text = sqlite3_value_text(argv[0]);
	char *folded;

	(void)argc;
	if (!text) {
		sqlite3_result_null(c);
		return;
	}
	folded = kith_fold((const char *)text, (size_t)sqlite3_value_bytes(argv[0]));
	if (!folded) {
		sqlite3_result_error_nomem(c);
		return;
	}
	sqlite3_result_text(c, folded, -1, free);
}

/* ---- open, migrate, close ---- */

/* mkdir -p with mode 0700 for every directory it creates. */
static enum kith_status make_parent_dirs(struct kith_ctx *ctx, const char *path)
{
	char *dir = strdup(path);
	enum kith_status rc = KITH_OK;

	if (!dir)
		return kith_nomem(ctx);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			rc = kith_fail(ctx, KITH_ERR_IO, "cannot create directory %s: %s", dir,
				       strerror(errno));
			break;
		}
		*p = '/';
	}
	free(dir);
	return rc;
}

/* Creates the file with mode 0600 before SQLite does (it would use 0644). */
static enum kith_status create_private_file(struct kith_ctx *ctx, const char *path)
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

static enum kith_status read_schema_version(struct kith_store *s, int *out)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int exists = 0;

	rc = prepare(s, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
			"'schema_version'", &st);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		exists = sqlite3_column_int(st, 0);
	finish(s, st);
	*out = 0;
	if (!exists)
		return KITH_OK;
	rc = prepare(s, "SELECT coalesce(max(version), 0) FROM schema_version", &st);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	else
		rc = db_fail(s, "reading the schema version");
	finish(s, st);
	return rc;
}

static int has_tables(struct kith_store *s)
{
	sqlite3_stmt *st = NULL;
	int n = 1;

	if (prepare(s, "SELECT count(*) FROM sqlite_master", &st))
		return 1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	finish(s, st);
	return n > 0;
}

static enum kith_status backup_before_migration(struct kith_store *s, int from)
{
	struct kith_buf b = KITH_BUF_INIT;
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	char *bak;

	kith_buf_printf(&b, "%s.bak-v%d", s->path, from);
	bak = kith_buf_steal(&b);
	if (!bak)
		return kith_nomem(s->ctx);
	unlink(bak);
	/* VACUUM INTO fills an empty file: create it private first. */
	rc = create_private_file(s->ctx, bak);
	if (rc) {
		free(bak);
		return rc;
	}
	rc = prepare(s, "VACUUM INTO ?1", &st);
	if (!rc) {
		bind_text(st, 1, bak);
		rc = step_done(s, st, "backing up before a schema migration");
	}
	finish(s, st);
	free(bak);
	return rc;
}

static enum kith_status migrate(struct kith_store *s)
{
	enum kith_status rc;
	int version;

	/*
	 * The common case needs no write lock: a reader must not wait for
	 * another kith's write transaction just to learn nothing changed.
	 */
	rc = read_schema_version(s, &version);
	if (rc)
		return rc;
	if (version == KITH_SCHEMA_VERSION) {
		s->schema_version = version;
		return KITH_OK;
	}
	rc = exec(s, "BEGIN IMMEDIATE");
	if (rc)
		return rc;
	/* Read again under the lock: another kith may have migrated meanwhile. */
	rc = read_schema_version(s, &version);
	if (rc)
		goto fail;
	if (version == 0 && has_tables(s)) {
		/* A wrong --db must not turn another program's database into ours. */
		rc = kith_fail(s->ctx, KITH_ERR_SCHEMA,
			       "%s is a database of another program, not a kith store; "
			       "nothing was changed", s->path);
		goto fail;
	}
	if (version > KITH_SCHEMA_VERSION) {
		rc = kith_fail(s->ctx, KITH_ERR_SCHEMA,
			       "store %s has schema version %d; this kith %s knows up to %d: "
			       "upgrade kith", s->path, version, kith_version(),
			       KITH_SCHEMA_VERSION);
		goto fail;
	}
	if (version == KITH_SCHEMA_VERSION)
		goto done;
	if (version > 0) {
		/* VACUUM cannot run inside a transaction. */
		exec(s, "ROLLBACK");
		rc = backup_before_migration(s, version);
		if (rc)
			return rc;
		rc = exec(s, "BEGIN IMMEDIATE");
		if (rc)
			return rc;
	}
	for (; version < KITH_SCHEMA_VERSION; version++) {
		sqlite3_stmt *st = NULL;

		rc = exec(s, migrations[version]);
		if (rc)
			goto fail;
		rc = prepare(s, "INSERT INTO schema_version (version) VALUES (?1)", &st);
		if (rc)
			goto fail;
		sqlite3_bind_int(st, 1, version + 1);
		rc = step_done(s, st, "recording the schema version");
		finish(s, st);
		if (rc)
			goto fail;
	}
done:
	rc = exec(s, "COMMIT");
	if (rc)
		goto fail;
	s->schema_version = version;
	return KITH_OK;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static enum kith_status load_tag(struct kith_store *s)
{
	char *tag = NULL;
	enum kith_status rc = kith_store_get_meta(s, "store_tag", &tag);

	if (rc == KITH_ERR_NOT_FOUND)
		return kith_fail(s->ctx, KITH_ERR_DB, "store %s has no store_tag; it is damaged",
				 s->path);
	if (rc)
		return rc;
	s->tag = tag;
	return KITH_OK;
}

enum kith_status kith_store_open(struct kith_ctx *ctx, const char *path, struct kith_store **out)
{
	struct kith_store *s;
	enum kith_status rc;

	if (!path || !*path)
		return kith_fail(ctx, KITH_ERR_INVALID, "no store path given");
	s = calloc(1, sizeof(*s));
	if (!s)
		return kith_nomem(ctx);
	s->ctx = ctx;
	s->path = strdup(path);
	if (!s->path) {
		rc = kith_nomem(ctx);
		goto fail;
	}
	rc = make_parent_dirs(ctx, path);
	if (rc)
		goto fail;
	rc = create_private_file(ctx, path);
	if (rc)
		goto fail;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		rc = kith_fail(ctx, KITH_ERR_DB, "cannot open store %s: %s", path,
			       s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 5000);
	if (sqlite3_create_function_v2(s->db, "kith_fold", 1,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				       sql_fold, NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_fail(s, "setting up");
		goto fail;
	}
	/* WAL: readers never block the writer; FULL: a committed touch survives power loss. */
	/*
	 * mmap: a report over 100,000 contacts reads the file through the page
	 * cache instead of one pread() per page (a third of its time otherwise).
	 */
	rc = exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
		     "PRAGMA foreign_keys = ON; PRAGMA mmap_size = 268435456;"
		     "PRAGMA temp_store = MEMORY;");
	if (rc)
		goto fail;
	rc = migrate(s);
	if (rc)
		goto fail;
	rc = load_tag(s);
	if (rc)
		goto fail;
	*out = s;
	return KITH_OK;
fail:
	kith_store_close(s);
	return rc;
}

void kith_store_close(struct kith_store *store)
{
	if (!store)
		return;
	if (store->in_tx)
		kith_store_rollback(store);
	for (size_t i = 0; i < store->n_cache; i++)
		sqlite3_finalize(store->cache[i].st);
	sqlite3_close_v2(store->db);
	free(store->path);
	free(store->tag);
	free(store);
}

const char *kith_store_path(const struct kith_store *store)
{
	return store->path;
}

int kith_store_schema_version(const struct kith_store *store)
{
	return store->schema_version;
}

struct kith_ctx *kith_store_ctx(struct kith_store *store)
{
	return store->ctx;
}

const char *kith_store_tag(struct kith_store *store)
{
	return store->tag;
}

enum kith_status kith_store_begin(struct kith_store *store)
{
	enum kith_status rc;

	if (store->in_tx)
		return kith_fail(store->ctx, KITH_ERR_INVALID, "a transaction is already open");
	rc = exec(store, "BEGIN IMMEDIATE");
	if (!rc)
		store->in_tx = 1;
	return rc;
}

enum kith_status kith_store_commit(struct kith_store *store)
{
	enum kith_status rc;

	if (!store->in_tx)
		return kith_fail(store->ctx, KITH_ERR_INVALID, "no transaction is open");
	rc = exec(store, "COMMIT");
	if (rc) {
		kith_store_rollback(store);
		return rc;
	}
	store->in_tx = 0;
	return KITH_OK;
}

void kith_store_rollback(struct kith_store *store)
{
	if (!store->in_tx)
		return;
	sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
	store->in_tx = 0;
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
	default:
		rc = db_fail(store, "reading a setting");
	}
	finish(store, st);
	return rc;
}

enum kith_status kith_store_set_meta(struct kith_store *store, const char *key, const char *value)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = prepare(store, "INSERT INTO meta (key, value) VALUES (?1, ?2) "
			    "ON CONFLICT (key) DO UPDATE SET value = excluded.value", &st);
	if (rc)
		return rc;
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	rc = step_done(store, st, "saving a setting");
	finish(store, st);
	return rc;
}

/* ---- tiers ---- */

static enum kith_status read_tier(struct kith_store *s, sqlite3_stmt *st, struct kith_tier *t)
{
	int ok = 1;

	memset(t, 0, sizeof(*t));
	t->name = col_text(st, 0, &ok);
	t->cadence = col_cadence(st, 1);
	t->description = col_text(st, 2, &ok);
	t->n_contacts = sqlite3_column_int64(st, 3);
	if (!ok || !t->name) {
		free(t->name);
		free(t->description);
		return kith_nomem(s->ctx);
	}
	return KITH_OK;
}

#define TIER_COLUMNS \
	"SELECT t.name, t.cadence, t.description," \
	"  (SELECT count(*) FROM contacts c WHERE c.tier = t.name AND c.archived = 0) FROM tiers t"

static int tier_order(const void *a, const void *b)
{
	const struct kith_tier *x = a, *y = b;
	long dx = kith_cadence_approx_days(x->cadence), dy = kith_cadence_approx_days(y->cadence);

	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Counting members reads every contact: only when the caller shows the counts. */
static enum kith_status list_tiers(struct kith_store *store, int counted, struct kith_tier **out,
				   size_t *out_n)
{
	sqlite3_stmt *st = NULL;
	struct kith_tier *tiers = NULL;
	size_t n = 0, cap = 0;
	enum kith_status rc;
	int step;

	rc = prepare(store, counted ? TIER_COLUMNS :
		     "SELECT name, cadence, description, -1 FROM tiers", &st);
	if (rc)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			struct kith_tier *p;

			cap = cap ? cap * 2 : 8;
			p = realloc(tiers, cap * sizeof(*p));
			if (!p) {
				rc = kith_nomem(store->ctx);
				goto out;
			}
			tiers = p;
		}
		rc = read_tier(store, st, &tiers[n]);
		if (rc)
			goto out;
		n++;
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(store, "listing tiers");
		goto out;
	}
	/* Closest tiers first: the order people think of them in. */
	if (n)
		qsort(tiers, n, sizeof(*tiers), tier_order);
	*out = tiers;
	*out_n = n;
	tiers = NULL;
	n = 0;
out:
	finish(store, st);
	kith_tier_list_free(tiers, n);
	return rc;
}

enum kith_status kith_store_list_tiers(struct kith_store *store, struct kith_tier **out,
				       size_t *out_n)
{
	return list_tiers(store, 1, out, out_n);
}

enum kith_status kith_store_list_tiers_uncounted(struct kith_store *store, struct kith_tier **out,
						 size_t *out_n)
{
	return list_tiers(store, 0, out, out_n);
}

static enum kith_status tier_names(struct kith_store *s, char **out)
{
	struct kith_tier *tiers = NULL;
	struct kith_buf b = KITH_BUF_INIT;
	size_t n = 0;
	enum kith_status rc = list_tiers(s, 0, &tiers, &n);

	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		kith_buf_printf(&b, "%s%s", i ? ", " : "", tiers[i].name);
	kith_tier_list_free(tiers, n);
	*out = kith_buf_steal(&b);
	return *out ? KITH_OK : kith_nomem(s->ctx);
}

enum kith_status kith_store_get_tier(struct kith_store *store, const char *name,
				     struct kith_tier **out)
{
	sqlite3_stmt *st = NULL;
	struct kith_tier *t;
	enum kith_status rc;
	char *names = NULL;

	rc = prepare(store, TIER_COLUMNS " WHERE t.name = ?1", &st);
	if (rc)
		return rc;
	bind_text(st, 1, name);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		t = calloc(1, sizeof(*t));
		if (!t) {
			rc = kith_nomem(store->ctx);
			break;
		}
		rc = read_tier(store, st, t);
		if (rc)
			free(t);
		else
			*out = t;
		break;
	case SQLITE_DONE:
		finish(store, st);
		st = NULL;
		rc = tier_names(store, &names);
		if (rc)
			break;
		rc = kith_fail(store->ctx, KITH_ERR_NOT_FOUND, "no tier '%s'; the tiers are: %s",
			       name, *names ? names : "(none)");
		free(names);
		break;
	default:
		rc = db_fail(store, "reading a tier");
	}
	finish(store, st);
	return rc;
}

static enum kith_status check_tier_name(struct kith_ctx *ctx, const char *name)
{
	if (!name || !*name)
		return kith_fail(ctx, KITH_ERR_INVALID, "a tier needs a name");
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == ',')
			return kith_fail(ctx, KITH_ERR_INVALID,
					 "tier name '%s' may not contain commas or control characters",
					 name);
	return KITH_OK;
}

enum kith_status kith_store_set_tier(struct kith_store *store, const char *name,
				     struct kith_cadence cadence, const char *description)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = check_tier_name(store->ctx, name);
	if (rc)
		return rc;
	if (!kith_cadence_is_set(cadence))
		return kith_fail(store->ctx, KITH_ERR_INVALID, "tier '%s' needs a cadence", name);
	rc = bump(store);
	if (rc)
		return rc;
	rc = prepare(store, "INSERT INTO tiers (name, cadence, description) VALUES (?1, ?2, ?3) "
			    "ON CONFLICT (name) DO UPDATE SET cadence = excluded.cadence, "
			    "description = coalesce(?3, description)", &st);
	if (rc)
		return rc;
	bind_text(st, 1, name);
	bind_cadence(st, 2, cadence);
	bind_text(st, 3, description);
	rc = step_done(store, st, "saving a tier");
	finish(store, st);
	return rc;
}

enum kith_status kith_store_remove_tier(struct kith_store *store, const char *name)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	long users = 0;

	rc = prepare(store, "SELECT count(*) FROM contacts WHERE tier = ?1", &st);
	if (rc)
		return rc;
	bind_text(st, 1, name);
	if (sqlite3_step(st) == SQLITE_ROW)
		users = (long)sqlite3_column_int64(st, 0);
	finish(store, st);
	if (users > 0)
		return kith_fail(store->ctx, KITH_ERR_IN_USE,
				 "tier '%s' still has %ld contact%s (archived ones included); "
				 "move them to another tier first", name, users, users == 1 ? "" : "s");
	rc = bump(store);
	if (rc)
		return rc;
	rc = prepare(store, "DELETE FROM tiers WHERE name = ?1", &st);
	if (rc)
		return rc;
	bind_text(st, 1, name);
	rc = step_done(store, st, "removing a tier");
	finish(store, st);
	if (!rc && sqlite3_changes(store->db) == 0)
		rc = kith_fail(store->ctx, KITH_ERR_NOT_FOUND, "no tier '%s'", name);
	return rc;
}

int kith_store_is_initialized(struct kith_store *store)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	if (prepare(store, "SELECT EXISTS (SELECT 1 FROM tiers)", &st))
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	finish(store, st);
	return n;
}

enum kith_status kith_store_init_defaults(struct kith_store *store, int *out_created)
{
	enum kith_status rc = KITH_OK;
	int created = 0;

	if (!kith_store_is_initialized(store)) {
		for (size_t i = 0; i < sizeof(default_tiers) / sizeof(default_tiers[0]) && !rc; i++)
			rc = kith_store_set_tier(store, default_tiers[i].name,
						 default_tiers[i].cadence,
						 default_tiers[i].description);
		if (!rc)
			rc = kith_store_set_meta(store, "default_tier", "regular");
		created = 1;
	}
	if (!rc && out_created)
		*out_created = created;
	return rc;
}

/* ---- contacts ---- */

static enum kith_status check_contact(struct kith_store *s, const struct kith_contact *c)
{
	struct kith_tier *tier = NULL;
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int found;

	if (!c->name || !*c->name)
		return kith_fail(s->ctx, KITH_ERR_INVALID, "a contact needs a name");
	if (!c->tier)
		return kith_fail(s->ctx, KITH_ERR_INVALID, "contact '%s' needs a tier", c->name);
	if (kith_date_is_set(c->added) && !kith_date_is_valid(c->added))
		return kith_fail(s->ctx, KITH_ERR_INVALID, "contact '%s' has an invalid date",
				 c->name);
	/* The cheap check first: get_tier counts members (and names the tiers on failure). */
	rc = prepare(s, "SELECT 1 FROM tiers WHERE name = ?1", &st);
	if (rc)
		return rc;
	bind_text(st, 1, c->tier);
	found = sqlite3_step(st) == SQLITE_ROW;
	finish(s, st);
	if (found)
		return KITH_OK;
	rc = kith_store_get_tier(s, c->tier, &tier);
	kith_tier_free(tier);
	return rc;
}

/* A new contact (`fresh`) has no old entries to delete. */
static enum kith_status save_list(struct kith_store *s, int64_t id, const char *table,
				  const struct kith_strlist *list, int fresh)
{
	char sql[128];
	sqlite3_stmt *st = NULL;
	enum kith_status rc = KITH_OK;

	/* Table names are from a fixed set in this file, never user input. */
	if (!fresh) {
		snprintf(sql, sizeof(sql), "DELETE FROM contact_%ss WHERE contact_id = ?1", table);
		rc = prepare(s, sql, &st);
		if (rc)
			return rc;
		sqlite3_bind_int64(st, 1, id);
		rc = step_done(s, st, "saving a contact");
		finish(s, st);
	}
	if (rc || list->n == 0)
		return rc;
	snprintf(sql, sizeof(sql), "INSERT INTO contact_%ss (contact_id, pos, %s) VALUES (?1, ?2, ?3)",
		 table, table);
	rc = prepare(s, sql, &st);
	if (rc)
		return rc;
	for (size_t i = 0; i < list->n && !rc; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		bind_text(st, 3, list->items[i]);
		rc = step_done(s, st, "saving a contact");
	}
	finish(s, st);
	return rc;
}

static enum kith_status save_lists(struct kith_store *s, const struct kith_contact *c, int fresh)
{
	enum kith_status rc = save_list(s, c->id, "email", &c->emails, fresh);

	if (!rc)
		rc = save_list(s, c->id, "phone", &c->phones, fresh);
	if (!rc)
		rc = save_list(s, c->id, "tag", &c->tags, fresh);
	return rc;
}

/* Binds ?1.. in the column order of CONTACT_SET. */
#define CONTACT_SET \
	"name = ?1, org = ?2, tier = ?3, cadence = ?4, via = ?5, notes = ?6, how_met = ?7, " \
	"added = ?8, snoozed_until = ?9, archived = ?10, paused = ?11, title = ?12, " \
	"birthday = ?13, vcard_uid = ?14, first_due = ?15"

static void bind_contact(sqlite3_stmt *st, const struct kith_contact *c, struct kith_date added)
{
	bind_text(st, 1, c->name);
	bind_text(st, 2, c->org);
	bind_text(st, 3, c->tier);
	bind_cadence(st, 4, c->cadence);
	bind_text(st, 5, c->via);
	bind_text(st, 6, c->notes);
	bind_text(st, 7, c->how_met);
	bind_date(st, 8, added);
	bind_date(st, 9, c->snoozed_until);
	sqlite3_bind_int(st, 10, c->archived ? 1 : 0);
	sqlite3_bind_int(st, 11, c->paused ? 1 : 0);
	bind_text(st, 12, c->title);
	bind_date(st, 13, c->birthday);
	bind_text(st, 14, c->vcard_uid);
	bind_date(st, 15, c->first_due);
}

static enum kith_status add_contact(struct kith_store *store, struct kith_contact *contact)
{
	struct kith_contact c = *contact;
	struct kith_buf b = KITH_BUF_INIT;
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	struct kith_date added = contact->added;
	char *uid = NULL;

	rc = check_contact(store, contact);
	if (!rc)
		rc = bump(store);
	if (rc)
		return rc;
	if (!kith_date_is_set(added))
		added = kith_date_today();
	rc = prepare(store, "INSERT INTO contacts (name, org, tier, cadence, via, notes, how_met, "
			    "added, snoozed_until, archived, paused, title, birthday, vcard_uid, "
			    "first_due) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
			    "?13, ?14, ?15)", &st);
	if (rc)
		return rc;
	bind_contact(st, contact, added);
	rc = step_done(store, st, "adding a contact");
	finish(store, st);
	if (rc)
		return rc;
	c.id = sqlite3_last_insert_rowid(store->db);
	/* The UID follows from the id (and the store), so rebuilding never changes it. */
	kith_buf_printf(&b, "kith-%lld-%s@kith", (long long)c.id, store->tag);
	uid = kith_buf_steal(&b);
	if (!uid)
		return kith_nomem(store->ctx);
	rc = prepare(store, "UPDATE contacts SET uid = ?2 WHERE id = ?1", &st);
	if (!rc) {
		sqlite3_bind_int64(st, 1, c.id);
		bind_text(st, 2, uid);
		rc = step_done(store, st, "adding a contact");
		finish(store, st);
	}
	if (!rc)
		rc = save_lists(store, &c, 1);
	if (rc) {
		free(uid);
		return rc;
	}
	contact->id = c.id;
	contact->added = added;
	free(contact->uid);
	contact->uid = uid;
	return KITH_OK;
}

enum kith_status kith_store_add_contact(struct kith_store *store, struct kith_contact *contact)
{
	enum kith_status rc = savepoint(store);

	return rc ? rc : release(store, add_contact(store, contact));
}

static enum kith_status update_contact(struct kith_store *store,
				       const struct kith_contact *contact)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = check_contact(store, contact);
	if (rc)
		return rc;
	if (!kith_date_is_set(contact->added))
		return kith_fail(store->ctx, KITH_ERR_INVALID, "contact '%s' has no date added",
				 contact->name);
	rc = bump(store);
	if (rc)
		return rc;
	rc = prepare(store, "UPDATE contacts SET " CONTACT_SET ", "
			    "updated = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?16", &st);
	if (rc)
		return rc;
	bind_contact(st, contact, contact->added);
	sqlite3_bind_int64(st, 16, contact->id);
	rc = step_done(store, st, "saving a contact");
	finish(store, st);
	if (rc)
		return rc;
	if (sqlite3_changes(store->db) == 0)
		return kith_fail(store->ctx, KITH_ERR_NOT_FOUND, "no contact #%lld",
				 (long long)contact->id);
	return save_lists(store, contact, 0);
}

enum kith_status kith_store_update_contact(struct kith_store *store,
					   const struct kith_contact *contact)
{
	enum kith_status rc = savepoint(store);

	return rc ? rc : release(store, update_contact(store, contact));
}

#define CONTACT_COLUMNS \
	"SELECT id, uid, name, org, tier, cadence, via, notes, how_met, added, snoozed_until, " \
	"archived, paused, title, birthday, vcard_uid, first_due FROM contacts"

static enum kith_status read_contact(struct kith_store *s, sqlite3_stmt *st,
				     struct kith_contact *c)
{
	int ok = 1;

	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	c->uid = col_text(st, 1, &ok);
	c->name = col_text(st, 2, &ok);
	c->org = col_text(st, 3, &ok);
	c->tier = col_text(st, 4, &ok);
	c->cadence = col_cadence(st, 5);
	c->via = col_text(st, 6, &ok);
	c->notes = col_text(st, 7, &ok);
	c->how_met = col_text(st, 8, &ok);
	c->added = col_date(st, 9);
	c->snoozed_until = col_date(st, 10);
	c->archived = sqlite3_column_int(st, 11);
	c->paused = sqlite3_column_int(st, 12);
	c->title = col_text(st, 13, &ok);
	c->birthday = col_date(st, 14);
	c->vcard_uid = col_text(st, 15, &ok);
	c->first_due = col_date(st, 16);
	if (!ok) {
		kith_contact_clear(c);
		return kith_nomem(s->ctx);
	}
	return KITH_OK;
}

static int by_id(const void *key, const void *elem)
{
	int64_t id = *(const int64_t *)key;
	const struct kith_contact *c = elem;

	return id < c->id ? -1 : id > c->id;
}

static int cmp_id(const void *a, const void *b)
{
	const struct kith_contact *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Fill the lists of contacts[0..n) (sorted by id) from one table with one
 * query, instead of one query per contact.
 */
static enum kith_status load_lists_of(struct kith_store *s, struct kith_contact *contacts,
				      size_t n, const char *table, size_t member)
{
	char sql[160];
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int step;

	if (n == 1)
		snprintf(sql, sizeof(sql), "SELECT contact_id, %s FROM contact_%ss "
			 "WHERE contact_id = ?1 ORDER BY contact_id, pos", table, table);
	else
		snprintf(sql, sizeof(sql), "SELECT contact_id, %s FROM contact_%ss "
			 "ORDER BY contact_id, pos", table, table);
	rc = prepare(s, sql, &st);
	if (rc)
		return rc;
	if (n == 1)
		sqlite3_bind_int64(st, 1, contacts[0].id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		struct kith_contact *c = bsearch(&id, contacts, n, sizeof(*contacts), by_id);
		struct kith_strlist *list;

		if (!c)
			continue;
		list = (struct kith_strlist *)((char *)c + member);
		if (kith_strlist_add(list, (const char *)sqlite3_column_text(st, 1))) {
			rc = kith_nomem(s->ctx);
			break;
		}
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(s, "reading a contact");
	finish(s, st);
	return rc;
}

static enum kith_status load_lists(struct kith_store *s, struct kith_contact *contacts, size_t n)
{
	enum kith_status rc;

	if (n == 0)
		return KITH_OK;
	rc = load_lists_of(s, contacts, n, "email", offsetof(struct kith_contact, emails));
	if (!rc)
		rc = load_lists_of(s, contacts, n, "phone", offsetof(struct kith_contact, phones));
	if (!rc)
		rc = load_lists_of(s, contacts, n, "tag", offsetof(struct kith_contact, tags));
	return rc;
}

/* Runs a contact query (parameters already bound) into a list sorted by id. */
static enum kith_status run_contact_query(struct kith_store *s, sqlite3_stmt *st,
					  struct kith_contact **out, size_t *out_n)
{
	struct kith_contact *list = NULL;
	size_t n = 0, cap = 0;
	enum kith_status rc = KITH_OK;
	int step;

	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			struct kith_contact *p;

			cap = cap ? cap * 2 : 16;
			p = realloc(list, cap * sizeof(*p));
			if (!p) {
				rc = kith_nomem(s->ctx);
				goto fail;
			}
			list = p;
		}
		rc = read_contact(s, st, &list[n]);
		if (rc)
			goto fail;
		n++;
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(s, "reading contacts");
		goto fail;
	}
	if (n)
		qsort(list, n, sizeof(*list), cmp_id);
	rc = load_lists(s, list, n);
	if (rc)
		goto fail;
	*out = list;
	*out_n = n;
	return KITH_OK;
fail:
	kith_contact_list_free(list, n);
	return rc;
}

enum kith_status kith_store_get_contact(struct kith_store *store, int64_t id,
					struct kith_contact **out)
{
	sqlite3_stmt *st = NULL;
	struct kith_contact *list = NULL;
	size_t n = 0;
	enum kith_status rc;

	rc = prepare(store, CONTACT_COLUMNS " WHERE id = ?1", &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = run_contact_query(store, st, &list, &n);
	finish(store, st);
	if (rc)
		return rc;
	if (n == 0) {
		free(list);
		return kith_fail(store->ctx, KITH_ERR_NOT_FOUND, "no contact #%lld", (long long)id);
	}
	/* One element: the array is the object, as kith_contact_free() expects. */
	*out = list;
	return KITH_OK;
}

static int by_name(const void *a, const void *b)
{
	const struct kith_contact *x = a, *y = b;
	int c = strcasecmp(x->name, y->name);

	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

enum kith_status kith_store_list_contacts(struct kith_store *store,
					  const struct kith_contact_filter *filter,
					  struct kith_contact **out, size_t *out_n)
{
	struct kith_contact_filter none = { NULL, 0, { 0, 0, 0 } };
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	if (!filter)
		filter = &none;
	rc = prepare(store, CONTACT_COLUMNS " WHERE (?1 IS NULL OR tier = ?1) "
			    "AND (?2 OR archived = 0) AND (?3 IS NULL OR added >= ?3)", &st);
	if (rc)
		return rc;
	bind_text(st, 1, filter->tier);
	sqlite3_bind_int(st, 2, filter->include_archived ? 1 : 0);
	bind_date(st, 3, filter->added_since);
	rc = run_contact_query(store, st, out, out_n);
	finish(store, st);
	if (!rc && *out_n)
		qsort(*out, *out_n, sizeof(**out), by_name);
	return rc;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Runs one resolution query with ?1 bound to text. */
static enum kith_status resolve_query(struct kith_store *s, const char *sql, const char *text,
				      struct kith_contact **out, size_t *out_n)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc = prepare(s, sql, &st);

	if (rc)
		return rc;
	bind_text(st, 1, text);
	rc = run_contact_query(s, st, out, out_n);
	finish(s, st);
	return rc;
}

enum kith_status kith_store_resolve_contact(struct kith_store *store, const char *query,
					    struct kith_contact **out,
					    struct kith_contact **out_candidates,
					    size_t *out_n_candidates)
{
	static const char *const steps[] = {
		CONTACT_COLUMNS " WHERE id IN (SELECT contact_id FROM contact_emails "
		"WHERE email = ?1 COLLATE NOCASE)",
		CONTACT_COLUMNS " WHERE kith_fold(name) = kith_fold(?1)",
		CONTACT_COLUMNS " WHERE instr(kith_fold(name), kith_fold(?1)) > 0",
	};
	struct kith_contact *list = NULL;
	size_t n = 0;
	enum kith_status rc;
	const char *q = query ? query : "";

	while (*q == ' ')
		q++;
	if (!*q)
		return kith_fail(store->ctx, KITH_ERR_INVALID, "no contact given");
	if (all_digits(q + (*q == '#')) && strlen(q) < 18) {
		rc = kith_store_get_contact(store, strtoll(q + (*q == '#'), NULL, 10), out);
		if (rc != KITH_ERR_NOT_FOUND)
			return rc;
	}
	/* Most specific first: an email, the full name, then any part of a name. */
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		rc = resolve_query(store, steps[i], q, &list, &n);
		if (rc)
			goto out;
		if (n > 0)
			break;
		free(list);
		list = NULL;
	}
	if (n == 0) {
		rc = kith_fail(store->ctx, KITH_ERR_NOT_FOUND,
			       "no contact matches '%.*s%s'; 'kith list' shows them all", KITH_ECHO(q));
	} else if (n == 1) {
		*out = list;
		list = NULL;
		n = 0;
	} else {
		qsort(list, n, sizeof(*list), by_name);
		rc = kith_fail(store->ctx, KITH_ERR_AMBIGUOUS,
			       "'%.*s%s' matches %zu contacts; give an id or an email", KITH_ECHO(q), n);
		if (out_candidates && out_n_candidates) {
			*out_candidates = list;
			*out_n_candidates = n;
			list = NULL;
			n = 0;
		}
	}
out:
	kith_contact_list_free(list, n);
	return rc;
}

/* ---- touches ---- */

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
	rc = prepare(store, "INSERT INTO touches (contact_id, on_date, at, channel, direction, "
			    "note, source, source_key) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &st);
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
	rc = prepare(store, "UPDATE contacts SET last_touch_id = ?2, last_on = ?3, "
			    "last_channel = ?4, last_note = ?5 WHERE id = ?1 AND "
			    "(last_on IS NULL OR last_on <= ?3)", &st);
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
	rc = prepare(store, "UPDATE contacts SET first_due = NULL WHERE id = ?1 AND "
			    "first_due IS NOT NULL", &st);
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
		if (n == cap) {
			struct kith_touch *p;

			cap = cap ? cap * 2 : 16;
			p = realloc(list, cap * sizeof(*p));
			if (!p) {
				rc = kith_nomem(store->ctx);
				goto out;
			}
			list = p;
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
	rc = prepare(store, "SELECT id, contact_id, on_date, at, channel, direction, note, source, "
			    "source_key FROM touches WHERE (?1 = 0 OR contact_id = ?1) "
			    "AND (?2 IS NULL OR on_date >= ?2) AND (?3 IS NULL OR on_date <= ?3) "
			    "ORDER BY on_date DESC, id DESC", &st);
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
	rc = prepare(store, "UPDATE contacts SET snoozed_until = ?2, "
			    "updated = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1", &st);
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

/* ---- the report scan ---- */

/*
 * The first address of each contact, read alongside the contacts in id
 * order: one pass over the address table instead of a seek per contact.
 */
struct first_of {
	sqlite3_stmt *st;
	int step;
};

static enum kith_status first_of_open(struct kith_store *s, struct first_of *f, const char *sql)
{
	enum kith_status rc = prepare(s, sql, &f->st);

	if (!rc)
		f->step = sqlite3_step(f->st);
	return rc;
}

/* The first address of contact `id`, or NULL; ids must come in ascending order. */
static const char *first_of_get(struct first_of *f, int64_t id)
{
	const char *found = NULL;

	while (f->step == SQLITE_ROW) {
		int64_t cid = sqlite3_column_int64(f->st, 0);

		if (cid > id)
			break;
		if (cid == id) {
			found = (const char *)sqlite3_column_text(f->st, 1);
			if (!found) /* the column is NOT NULL: out of memory */
				f->step = SQLITE_NOMEM;
			break;
		}
		f->step = sqlite3_step(f->st);
	}
	return found;
}

/* Past contact `id`: its row is consumed only now, so the text above stayed valid. */
static void first_of_skip(struct first_of *f, int64_t id)
{
	while (f->step == SQLITE_ROW && sqlite3_column_int64(f->st, 0) <= id)
		f->step = sqlite3_step(f->st);
}

enum kith_status kith_store_scan(struct kith_store *store, const char *tier,
				 enum kith_status (*fn)(const struct kith_scan_row *row, void *arg),
				 void *arg)
{
	struct first_of emails = { NULL, SQLITE_DONE }, phones = { NULL, SQLITE_DONE };
	struct kith_tier *tiers = NULL;
	size_t n_tiers = 0;
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int step = SQLITE_DONE;

	/*
	 * The contacts table alone, in id order: the newest touch is kept on
	 * the contact, and the handful of tiers is looked up here, not joined
	 * row by row.
	 */
	rc = list_tiers(store, 0, &tiers, &n_tiers);
	if (!rc)
		rc = prepare(store,
			     "SELECT c.id, c.name, c.tier, c.cadence, c.via, c.added, "
			     "  c.snoozed_until, c.paused, c.last_on, c.last_channel, "
			     "  c.last_note, c.first_due "
			     "FROM contacts c WHERE c.archived = 0 AND (?1 IS NULL OR c.tier = ?1) "
			     "ORDER BY c.id", &st);
	if (!rc)
		rc = first_of_open(store, &emails, "SELECT contact_id, email FROM contact_emails "
						   "ORDER BY contact_id, pos");
	if (!rc)
		rc = first_of_open(store, &phones, "SELECT contact_id, phone FROM contact_phones "
						   "ORDER BY contact_id, pos");
	if (rc)
		goto out;
	bind_text(st, 1, tier);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct kith_scan_row row;

		row.id = sqlite3_column_int64(st, 0);
		row.name = (const char *)sqlite3_column_text(st, 1);
		row.tier = (const char *)sqlite3_column_text(st, 2);
		row.cadence = kith_schedule_cadence(col_cadence(st, 3), row.tier, tiers, n_tiers);
		row.via = (const char *)sqlite3_column_text(st, 4);
		row.added = col_date(st, 5);
		row.snoozed_until = col_date(st, 6);
		row.paused = sqlite3_column_int(st, 7);
		row.last_touch = col_date(st, 8);
		row.last_channel = (const char *)sqlite3_column_text(st, 9);
		row.last_note = (const char *)sqlite3_column_text(st, 10);
		row.first_due = col_date(st, 11);
		row.email = first_of_get(&emails, row.id);
		row.phone = first_of_get(&phones, row.id);
		if (!row.name || !row.tier || emails.step == SQLITE_NOMEM ||
		    phones.step == SQLITE_NOMEM) {
			rc = kith_nomem(store->ctx);
			break;
		}
		rc = fn(&row, arg);
		if (rc)
			break;
		first_of_skip(&emails, row.id);
		first_of_skip(&phones, row.id);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(store, "building the report");
	if (!rc && (emails.step != SQLITE_DONE && emails.step != SQLITE_ROW))
		rc = db_fail(store, "reading addresses");
	if (!rc && (phones.step != SQLITE_DONE && phones.step != SQLITE_ROW))
		rc = db_fail(store, "reading addresses");
out:
	finish(store, phones.st);
	finish(store, emails.st);
	finish(store, st);
	kith_tier_list_free(tiers, n_tiers);
	return rc;
}

/* ---- sync state ---- */

enum kith_status kith_store_target_id(struct kith_store *store, const char *url, int create,
				      int64_t *out)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	if (create) {
		rc = prepare(store, "INSERT INTO targets (url) VALUES (?1) ON CONFLICT (url) DO NOTHING",
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
	case SQLITE_ROW:
		*out = sqlite3_column_int64(st, 0);
		break;
	case SQLITE_DONE:
		rc = kith_fail(store->ctx, KITH_ERR_NOT_FOUND, "no sync target %s", url);
		break;
	default:
		rc = db_fail(store, "reading a sync target");
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

	rc = prepare(store, "SELECT contact_id, resource, uid, etag, base, pending, processed, "
			    "counted_copies, state, written_due, fingerprint FROM reminders "
			    "WHERE target_id = ?1 ORDER BY contact_id", &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, target_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct kith_rstate *r;
		int ok = 1;

		if (n == cap) {
			struct kith_rstate *p;

			cap = cap ? cap * 2 : 16;
			p = realloc(list, cap * sizeof(*p));
			if (!p) {
				rc = kith_nomem(store->ctx);
				goto out;
			}
			list = p;
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

	rc = prepare(store, "INSERT INTO reminders (target_id, contact_id, resource, uid, etag, base, "
			    "pending, processed, counted_copies, state, written_due, fingerprint) VALUES "
			    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, coalesce(?10, 'ok'), ?11, ?12) "
			    "ON CONFLICT (target_id, contact_id) DO UPDATE SET "
			    "resource = excluded.resource, uid = excluded.uid, etag = excluded.etag, "
			    "base = excluded.base, pending = excluded.pending, "
			    "processed = excluded.processed, counted_copies = excluded.counted_copies, "
			    "state = excluded.state, written_due = excluded.written_due, "
			    "fingerprint = excluded.fingerprint", &st);
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

	rc = prepare(store, "SELECT name, tag, uid, contact_id FROM target_items "
			    "WHERE target_id = ?1 ORDER BY name", &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, target_id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int ok = 1;

		if (n == cap) {
			struct kith_titem *p;

			cap = cap ? cap * 2 : 16;
			p = realloc(list, cap * sizeof(*p));
			if (!p) {
				rc = kith_nomem(store->ctx);
				goto out;
			}
			list = p;
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
	rc = prepare(store, "INSERT INTO target_items (target_id, name, tag, uid, contact_id) "
			    "VALUES (?1, ?2, ?3, ?4, ?5)", &st);
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

enum kith_status kith_store_last_touches(struct kith_store *store, struct kith_touch **out,
					 size_t *out_n)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = prepare(store, "SELECT t.id, t.contact_id, t.on_date, t.at, t.channel, t.direction, "
			    "t.note, t.source, t.source_key FROM contacts c "
			    "JOIN touches t ON t.id = c.last_touch_id ORDER BY t.contact_id", &st);
	if (rc)
		return rc;
	return run_touch_query(store, st, out, out_n);
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
	default:
		rc = db_fail(store, "reading a sync target");
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
	return set_target_text(store, "UPDATE targets SET state = ?2 WHERE id = ?1 AND "
				      "state IS NOT ?2", target_id, state);
}

/* ---- a sync with nothing to do ---- */

/* Steps st once: column 0 of its row into *out, which keeps its value when there is none. */
static enum kith_status step_int64(struct kith_store *store, sqlite3_stmt *st, int64_t *out,
				   const char *what)
{
	enum kith_status rc = KITH_OK;

	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		*out = sqlite3_column_int64(st, 0);
		break;
	case SQLITE_DONE:
		break;
	default:
		rc = db_fail(store, what);
	}
	finish(store, st);
	return rc;
}

enum kith_status kith_store_generation(struct kith_store *store, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	*out = 0;
	rc = prepare(store, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'", &st);
	return rc ? rc : step_int64(store, st, out, "reading the store's generation");
}

enum kith_status kith_store_sync_quiet(struct kith_store *store, int64_t target_id,
				       const char *plan_key, int *out)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int64_t quiet = 0;

	*out = 0;
	rc = prepare(store, "SELECT plan_key IS NOT NULL AND plan_key = ?2 AND NOT EXISTS "
			    "(SELECT 1 FROM reminders WHERE target_id = ?1 AND pending IS NOT NULL) "
			    "FROM targets WHERE id = ?1", &st);
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
	return set_target_text(store, "UPDATE targets SET plan_key = ?2 WHERE id = ?1 AND "
				      "plan_key IS NOT ?2", target_id, plan_key);
}

/* Appends (name, tag) rows of a prepared query to list[n..cap). */
static enum kith_status append_titems(struct kith_store *store, sqlite3_stmt *st,
				      struct kith_titem **list, size_t *n, size_t *cap)
{
	int step;

	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct kith_titem *it;
		int ok = 1;

		if (*n == *cap) {
			size_t want = *cap ? *cap * 2 : 64;
			struct kith_titem *p = realloc(*list, want * sizeof(*p));

			if (!p)
				return kith_nomem(store->ctx);
			*list = p;
			*cap = want;
		}
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

	rc = prepare(store, "SELECT (SELECT count(*) FROM reminders r JOIN contacts c "
			    "  ON c.id = r.contact_id WHERE r.target_id = ?1 AND c.archived = 0 "
			    "  AND c.paused = 0 AND r.etag IS NOT NULL AND r.base IS NOT NULL), "
			    "(SELECT count(*) FROM contacts WHERE archived = 0 AND paused = 1)", &st);
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
