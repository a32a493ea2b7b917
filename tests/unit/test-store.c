/* SPDX-License-Identifier: MIT */
/* The SQLite store: files, schema, tiers, contacts, resolution, touches, transactions. */
#include "helpers.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "store/store.h"

#ifndef KITH_TEST_DATA
#error "KITH_TEST_DATA must name tests/data"
#endif

/* ---- a second, raw connection to the same file ---- */

static sqlite3 *raw_open(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	return db;
}

static int raw_exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

static long long raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	long long v;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Ownership: free(). */
static char *raw_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *t;
	char *v;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	t = sqlite3_column_text(st, 0);
	v = strdup(t ? (const char *)t : "(null)");
	sqlite3_finalize(st);
	assert_non_null(v);
	return v;
}

static void assert_raw_text(sqlite3 *db, const char *sql, const char *want)
{
	char *got = raw_text(db, sql);

	if (strcmp(got, want))
		fail_msg("%s gave '%s', want '%s'", sql, got, want);
	free(got);
}

static mode_t mode_of(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) < 0)
		fail_msg("stat %s failed", path);
	return sb.st_mode & 07777;
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out;
	char buf[8192];
	size_t n;

	if (!in)
		fail_msg("cannot open fixture %s", from);
	out = fopen(to, "wb");
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	chmod(to, 0600);
}

static void reopen(struct fixture *f)
{
	kith_store_close(f->store);
	f->store = NULL;
	assert_ok(kith_store_open(f->ctx, f->path, &f->store));
}

/* ---- open, schema, migration ---- */

static void test_store_open_creates_private_file_and_dirs(void **state)
{
	char *dir = make_tmpdir();
	char *sub = path_join(dir, "data");
	char *subsub = path_join(sub, "kith");
	char *path = path_join(subsub, "kith.db");
	char *wal = path_join(subsub, "kith.db-wal");
	struct kith_ctx *ctx = NULL;
	struct kith_store *store = NULL;
	mode_t old = umask(022);

	(void)state;
	assert_ok(kith_ctx_new(&ctx));
	assert_ok(kith_store_open(ctx, path, &store));
	assert_non_null(store);
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(mode_of(sub), 0700);
	assert_int_equal(mode_of(subsub), 0700);
	assert_string_equal(kith_store_path(store), path);
	assert_int_equal(kith_store_schema_version(store), KITH_SCHEMA_VERSION);
	/* Whatever SQLite writes next to it is as private as the store. */
	if (access(wal, F_OK) == 0)
		assert_int_equal(mode_of(wal), 0600);
	kith_store_close(store);
	kith_ctx_free(ctx);
	umask(old);
	rm_rf(dir);
	free(wal);
	free(path);
	free(subsub);
	free(sub);
	free(dir);
}

static void test_store_open_uses_wal_and_records_schema_version(void **state)
{
	struct fixture *f = *state;
	sqlite3 *db = raw_open(f->path);

	assert_raw_text(db, "PRAGMA journal_mode", "wal");
	assert_int_equal(raw_int(db, "SELECT max(version) FROM schema_version"),
			 KITH_SCHEMA_VERSION);
	/* One row per migration applied. */
	assert_int_equal(raw_int(db, "SELECT count(*) FROM schema_version"), KITH_SCHEMA_VERSION);
	/* The store tag that goes into reminder UIDs is set once. */
	assert_int_equal(raw_int(db, "SELECT length(value) FROM meta WHERE key = 'store_tag'"), 8);
	sqlite3_close(db);
}

static void test_store_reopen_keeps_data(void **state)
{
	struct fixture *f = *state;
	struct kith_contact *c;
	int64_t id = add_contact(f, "Anna Berg", "core", D(2026, 1, 5));
	char *uid;

	c = get_contact(f, id);
	uid = strdup(c->uid);
	kith_contact_free(c);
	reopen(f);
	c = get_contact(f, id);
	assert_string_equal(c->name, "Anna Berg");
	assert_string_equal(c->tier, "core");
	assert_string_equal(c->uid, uid);
	assert_date(c->added, 2026, 1, 5);
	assert_int_equal(kith_store_schema_version(f->store), KITH_SCHEMA_VERSION);
	kith_contact_free(c);
	free(uid);
}

static void test_store_newer_schema_is_refused(void **state)
{
	struct fixture *f = *state;
	struct kith_store *other = (struct kith_store *)&other; /* must stay untouched */
	sqlite3 *db;
	char sql[128];

	add_contact(f, "Anna Berg", "core", D(2026, 1, 5));
	kith_store_close(f->store);
	f->store = NULL;
	db = raw_open(f->path);
	snprintf(sql, sizeof(sql), "INSERT INTO schema_version (version) VALUES (%d)",
		 KITH_SCHEMA_VERSION + 1);
	assert_int_equal(raw_exec(db, sql), SQLITE_OK);
	sqlite3_close(db);

	assert_status(kith_store_open(f->ctx, f->path, &other), KITH_ERR_SCHEMA);
	assert_ptr_equal(other, (struct kith_store *)&other);
	assert_contains(kith_ctx_errmsg(f->ctx), f->path);
	assert_contains(kith_ctx_errmsg(f->ctx), "upgrade");
	/* Nothing was changed in the newer store. */
	db = raw_open(f->path);
	assert_int_equal(raw_int(db, "SELECT max(version) FROM schema_version"),
			 KITH_SCHEMA_VERSION + 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM contacts"), 1);
	sqlite3_close(db);
}

static void test_store_empty_existing_file_is_migrated(void **state)
{
	char *dir = make_tmpdir();
	char *path = path_join(dir, "kith.db");
	struct kith_ctx *ctx = NULL;
	struct kith_store *store = NULL;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	sqlite3 *db;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_ok(kith_ctx_new(&ctx));
	assert_ok(kith_store_open(ctx, path, &store));
	assert_int_equal(kith_store_schema_version(store), KITH_SCHEMA_VERSION);
	assert_false(kith_store_is_initialized(store));
	assert_ok(kith_store_init_defaults(store, NULL));
	kith_store_close(store);
	db = raw_open(path);
	assert_int_equal(raw_int(db, "SELECT max(version) FROM schema_version"),
			 KITH_SCHEMA_VERSION);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM tiers"), 4);
	sqlite3_close(db);
	kith_ctx_free(ctx);
	rm_rf(dir);
	free(path);
	free(dir);
}

/* tests/data/store-v1.db was written by the schema-v1 library. */
static void test_store_v1_file_migrates_once_with_backup(void **state)
{
	char *dir = make_tmpdir();
	char *path = path_join(dir, "kith.db");
	char *bak = path_join(dir, "kith.db.bak-v1");
	struct kith_ctx *ctx = NULL;
	struct kith_store *store = NULL;
	struct kith_contact *c = NULL;
	struct kith_touch *touches = NULL;
	size_t n = 0;
	sqlite3 *db;

	(void)state;
	copy_file(KITH_TEST_DATA "/store-v1.db", path);
	assert_ok(kith_ctx_new(&ctx));
	assert_ok(kith_store_open(ctx, path, &store));
	assert_int_equal(kith_store_schema_version(store), KITH_SCHEMA_VERSION);

	/* The data and the reminder UID survive. */
	assert_ok(kith_store_get_contact(store, 1, &c));
	assert_string_equal(c->name, "Anna Berg");
	assert_string_equal(c->uid, "kith-1-b13c44a8@kith");
	assert_int_equal(c->emails.n, 1);
	assert_string_equal(c->emails.items[0], "anna@example.org");
	assert_date(c->added, 2025, 12, 1);
	kith_contact_free(c);
	assert_ok(kith_store_list_touches(store, NULL, &touches, &n));
	assert_int_equal(n, 1);
	assert_date(touches[0].on, 2026, 2, 20);
	assert_string_equal(touches[0].note, "v1 touch");
	kith_touch_list_free(touches, n);
	kith_store_close(store);

	/* A private backup of the old file was taken first. */
	assert_int_equal(mode_of(bak), 0600);
	db = raw_open(bak);
	assert_int_equal(raw_int(db, "SELECT max(version) FROM schema_version"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM contacts"), 1);
	sqlite3_close(db);

	/* Opening again does not migrate (or back up) again. */
	assert_int_equal(unlink(bak), 0);
	assert_ok(kith_store_open(ctx, path, &store));
	kith_store_close(store);
	assert_int_equal(access(bak, F_OK), -1);
	db = raw_open(path);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM schema_version"), KITH_SCHEMA_VERSION);
	assert_raw_text(db, "PRAGMA integrity_check", "ok");
	sqlite3_close(db);

	kith_ctx_free(ctx);
	rm_rf(dir);
	free(bak);
	free(path);
	free(dir);
}

static void test_store_open_refuses_bad_paths_and_files(void **state)
{
	char *dir = make_tmpdir();
	char *garbage = path_join(dir, "garbage.db");
	char *file = path_join(dir, "file");
	char *under_file = path_join(file, "kith.db");
	struct kith_ctx *ctx = NULL;
	struct kith_store *store = NULL;
	FILE *fp;

	(void)state;
	assert_ok(kith_ctx_new(&ctx));
	assert_status(kith_store_open(ctx, "", &store), KITH_ERR_INVALID);
	assert_status(kith_store_open(ctx, NULL, &store), KITH_ERR_INVALID);

	fp = fopen(garbage, "w");
	assert_non_null(fp);
	for (int i = 0; i < 200; i++)
		fputs("this is not an SQLite database\n", fp);
	fclose(fp);
	assert_status(kith_store_open(ctx, garbage, &store), KITH_ERR_DB);
	assert_contains(kith_ctx_errmsg(ctx), garbage);

	fp = fopen(file, "w");
	assert_non_null(fp);
	fclose(fp);
	assert_status(kith_store_open(ctx, under_file, &store), KITH_ERR_IO);
	assert_contains(kith_ctx_errmsg(ctx), file);
	assert_null(store);

	kith_store_close(NULL); /* harmless */
	kith_ctx_free(ctx);
	rm_rf(dir);
	free(under_file);
	free(file);
	free(garbage);
	free(dir);
}

/*
 * BUG (see tests/unit/BUGS.md, "9. Any SQLite database is taken for an
 * empty store"): a database of another program (no schema_version table,
 * but tables of its own) is "migrated" from version 0, i.e. kith's tables
 * are written into it, without a backup.
 */
static void test_store_open_refuses_foreign_database(void **state)
{
	char *dir, *path;
	struct kith_ctx *ctx = NULL;
	struct kith_store *store = NULL;
	enum kith_status rc;
	sqlite3 *db;

	(void)state;
	dir = make_tmpdir();
	path = path_join(dir, "places.sqlite");
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(raw_exec(db,
				  "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);"
				  "INSERT INTO moz_places (url) VALUES ('https://example.org/');"),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_ok(kith_ctx_new(&ctx));
	rc = kith_store_open(ctx, path, &store);
	kith_store_close(store);
	db = raw_open(path);
	/* Whatever the status, the other program's file must be left alone. */
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master WHERE name = 'contacts'"),
			 0);
	sqlite3_close(db);
	assert_int_not_equal(rc, KITH_OK);
	assert_contains(kith_ctx_errmsg(ctx), path);
	kith_ctx_free(ctx);
	rm_rf(dir);
	free(path);
	free(dir);
}

/* ---- meta and tiers ---- */

static void test_store_meta_set_get(void **state)
{
	struct fixture *f = *state;
	char *v = NULL;

	assert_status(kith_store_get_meta(f->store, "nope", &v), KITH_ERR_NOT_FOUND);
	assert_null(v);
	assert_ok(kith_store_set_meta(f->store, "k", "one"));
	assert_ok(kith_store_get_meta(f->store, "k", &v));
	assert_string_equal(v, "one");
	free(v);
	assert_ok(kith_store_set_meta(f->store, "k", "two"));
	assert_ok(kith_store_get_meta(f->store, "k", &v));
	assert_string_equal(v, "two");
	free(v);
}

static void assert_tier(const struct kith_tier *t, const char *name, int n,
			enum kith_cadence_unit unit)
{
	assert_string_equal(t->name, name);
	assert_int_equal(t->cadence.n, n);
	assert_int_equal(t->cadence.unit, unit);
}

static void test_store_init_defaults_creates_tiers(void **state)
{
	struct fixture *f = *state;
	struct kith_tier *tiers = NULL;
	size_t n = 0;
	int created = -1;
	char *v = NULL;

	assert_false(kith_store_is_initialized(f->store));
	assert_ok(kith_store_init_defaults(f->store, &created));
	assert_int_equal(created, 1);
	assert_true(kith_store_is_initialized(f->store));
	assert_ok(kith_store_list_tiers(f->store, &tiers, &n));
	assert_int_equal(n, 4);
	assert_tier(&tiers[0], "core", 2, KITH_CADENCE_MONTH);
	assert_tier(&tiers[1], "regular", 3, KITH_CADENCE_MONTH);
	assert_tier(&tiers[2], "outer", 6, KITH_CADENCE_MONTH);
	assert_tier(&tiers[3], "annual", 1, KITH_CADENCE_YEAR);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(tiers[i].description);
		assert_int_equal(tiers[i].n_contacts, 0);
	}
	kith_tier_list_free(tiers, n);
	assert_ok(kith_store_get_meta(f->store, "default_tier", &v));
	assert_string_equal(v, "regular");
	free(v);
}

static void test_store_init_defaults_is_idempotent(void **state)
{
	struct fixture *f = *state;
	struct kith_tier *tiers = NULL, *core = NULL;
	size_t n = 0;
	int created = -1;

	assert_ok(kith_store_init_defaults(f->store, NULL));
	/* The user edits a tier; a second init must not reset or duplicate it. */
	assert_ok(kith_store_set_tier(f->store, "core", CAD(1, MONTH), NULL));
	assert_ok(kith_store_init_defaults(f->store, &created));
	assert_int_equal(created, 0);
	assert_ok(kith_store_init_defaults(f->store, NULL));
	assert_ok(kith_store_list_tiers(f->store, &tiers, &n));
	assert_int_equal(n, 4);
	kith_tier_list_free(tiers, n);
	assert_ok(kith_store_get_tier(f->store, "core", &core));
	assert_tier(core, "core", 1, KITH_CADENCE_MONTH);
	kith_tier_free(core);
}

static void test_store_tier_set_get_and_update(void **state)
{
	struct fixture *f = *state;
	struct kith_tier *t = NULL;

	assert_ok(kith_store_set_tier(f->store, "mentors", CAD(5, WEEK), "people I learn from"));
	assert_ok(kith_store_get_tier(f->store, "mentors", &t));
	assert_tier(t, "mentors", 5, KITH_CADENCE_WEEK);
	assert_string_equal(t->description, "people I learn from");
	kith_tier_free(t);
	/* NULL keeps the description; the cadence changes. */
	assert_ok(kith_store_set_tier(f->store, "mentors", CAD(45, DAY), NULL));
	assert_ok(kith_store_get_tier(f->store, "mentors", &t));
	assert_tier(t, "mentors", 45, KITH_CADENCE_DAY);
	assert_string_equal(t->description, "people I learn from");
	kith_tier_free(t);
	assert_ok(kith_store_set_tier(f->store, "mentors", CAD(45, DAY), "changed"));
	assert_ok(kith_store_get_tier(f->store, "mentors", &t));
	assert_string_equal(t->description, "changed");
	kith_tier_free(t);
}

static void test_store_tier_set_refuses_bad_input(void **state)
{
	struct fixture *f = *state;
	struct kith_tier *t = NULL;

	assert_status(kith_store_set_tier(f->store, "", CAD(1, MONTH), NULL), KITH_ERR_INVALID);
	assert_status(kith_store_set_tier(f->store, NULL, CAD(1, MONTH), NULL), KITH_ERR_INVALID);
	assert_status(kith_store_set_tier(f->store, "a,b", CAD(1, MONTH), NULL), KITH_ERR_INVALID);
	assert_status(kith_store_set_tier(f->store, "a\nb", CAD(1, MONTH), NULL), KITH_ERR_INVALID);
	assert_status(kith_store_set_tier(f->store, "nocadence", CAD(0, NONE), NULL),
		      KITH_ERR_INVALID);
	assert_status(kith_store_get_tier(f->store, "nocadence", &t), KITH_ERR_NOT_FOUND);
	assert_null(t);
}

static void test_store_tier_list_is_ordered_by_cadence_length(void **state)
{
	struct fixture *f = *state;
	struct kith_tier *tiers = NULL;
	size_t n = 0;
	static const char *const want[] = {
		"weekly",  "fortnight", "regular-ish", "core",
		"regular", "outer",     "annual",      "decade",
	};

	assert_ok(kith_store_set_tier(f->store, "decade", CAD(10, YEAR), NULL));
	assert_ok(kith_store_set_tier(f->store, "regular-ish", CAD(50, DAY), NULL));
	assert_ok(kith_store_set_tier(f->store, "fortnight", CAD(14, DAY), NULL));
	assert_ok(kith_store_set_tier(f->store, "weekly", CAD(1, WEEK), NULL));
	assert_ok(kith_store_list_tiers(f->store, &tiers, &n));
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(tiers[i].name, want[i]);
	kith_tier_list_free(tiers, n);
}

static void test_store_tier_counts_active_contacts(void **state)
{
	struct fixture *f = *state;
	struct kith_tier *t = NULL;
	struct kith_contact *c;
	int64_t id;

	add_contact(f, "A", "core", D(2026, 1, 1));
	id = add_contact(f, "B", "core", D(2026, 1, 1));
	c = get_contact(f, id);
	c->archived = 1;
	assert_ok(kith_store_update_contact(f->store, c));
	kith_contact_free(c);
	assert_ok(kith_store_get_tier(f->store, "core", &t));
	assert_int_equal(t->n_contacts, 1);
	kith_tier_free(t);
}

static void test_store_tier_remove(void **state)
{
	struct fixture *f = *state;
	struct kith_tier *t = NULL;
	struct kith_contact *c;
	int64_t id;

	/* Unused: removed. */
	assert_ok(kith_store_remove_tier(f->store, "outer"));
	assert_status(kith_store_get_tier(f->store, "outer", &t), KITH_ERR_NOT_FOUND);
	/* Missing. */
	assert_status(kith_store_remove_tier(f->store, "outer"), KITH_ERR_NOT_FOUND);
	assert_contains(kith_ctx_errmsg(f->ctx), "outer");
	/* In use, even by an archived contact only. */
	id = add_contact(f, "A", "annual", D(2026, 1, 1));
	c = get_contact(f, id);
	c->archived = 1;
	assert_ok(kith_store_update_contact(f->store, c));
	kith_contact_free(c);
	assert_status(kith_store_remove_tier(f->store, "annual"), KITH_ERR_IN_USE);
	assert_contains(kith_ctx_errmsg(f->ctx), "annual");
	assert_ok(kith_store_get_tier(f->store, "annual", &t));
	kith_tier_free(t);
}

/* ---- contacts ---- */

static void test_store_contact_round_trip(void **state)
{
	struct fixture *f = *state;
	struct kith_contact *c = kith_contact_new(), *got;
	char want_uid[64];
	char *tag = NULL;

	c->name = strdup("Bob Smith");
	c->tier = strdup("regular");
	c->org = strdup("Acme");
	c->cadence = CAD(6, WEEK);
	c->via = strdup("phone");
	c->notes = strdup("likes \"quotes\" and 'apostrophes'; DROP TABLE contacts;--");
	c->how_met = strdup("RustConf 2025");
	c->added = D(2025, 9, 14);
	c->snoozed_until = D(2026, 4, 1);
	c->paused = 1;
	c->title = strdup("CTO");
	c->birthday = D(1980, 2, 29);
	c->vcard_uid = strdup("vcard-123");
	c->first_due = D(2026, 5, 2);
	assert_ok(kith_strlist_add(&c->emails, "bob@example.com"));
	assert_ok(kith_strlist_add(&c->emails, "b.smith@work.example"));
	assert_ok(kith_strlist_add(&c->phones, "+44 20 7946 0000"));
	assert_ok(kith_strlist_add(&c->phones, "07700 900000"));
	assert_ok(kith_strlist_add(&c->tags, "rust"));
	assert_ok(kith_strlist_add(&c->tags, "london"));
	assert_ok(kith_strlist_add(&c->tags, "café"));
	assert_ok(kith_store_add_contact(f->store, c));
	assert_true(c->id > 0);
	assert_non_null(c->uid);
	assert_ok(kith_store_get_meta(f->store, "store_tag", &tag));
	snprintf(want_uid, sizeof(want_uid), "kith-%lld-%s@kith", (long long)c->id, tag);
	free(tag);
	assert_string_equal(c->uid, want_uid);

	got = get_contact(f, c->id);
	assert_int_equal(got->id, c->id);
	assert_string_equal(got->uid, c->uid);
	assert_string_equal(got->name, "Bob Smith");
	assert_string_equal(got->tier, "regular");
	assert_string_equal(got->org, "Acme");
	assert_int_equal(got->cadence.unit, KITH_CADENCE_WEEK);
	assert_int_equal(got->cadence.n, 6);
	assert_string_equal(got->via, "phone");
	assert_string_equal(got->notes, c->notes);
	assert_string_equal(got->how_met, "RustConf 2025");
	assert_date(got->added, 2025, 9, 14);
	assert_date(got->snoozed_until, 2026, 4, 1);
	assert_int_equal(got->archived, 0);
	assert_int_equal(got->paused, 1);
	assert_string_equal(got->title, "CTO");
	assert_date(got->birthday, 1980, 2, 29);
	assert_string_equal(got->vcard_uid, "vcard-123");
	assert_date(got->first_due, 2026, 5, 2);
	assert_int_equal(got->emails.n, 2);
	assert_string_equal(got->emails.items[0], "bob@example.com");
	assert_string_equal(got->emails.items[1], "b.smith@work.example");
	assert_int_equal(got->phones.n, 2);
	assert_string_equal(got->phones.items[0], "+44 20 7946 0000");
	assert_string_equal(got->phones.items[1], "07700 900000");
	assert_int_equal(got->tags.n, 3);
	assert_string_equal(got->tags.items[0], "rust");
	assert_string_equal(got->tags.items[1], "london");
	assert_string_equal(got->tags.items[2], "café");
	kith_contact_free(got);
	kith_contact_free(c);
}

static void test_store_contact_minimal_fields_read_back_unset(void **state)
{
	struct fixture *f = *state;
	int64_t id = add_contact(f, "Min", "core", D(2026, 1, 1));
	struct kith_contact *c = get_contact(f, id);

	assert_null(c->org);
	assert_null(c->via);
	assert_null(c->notes);
	assert_null(c->how_met);
	assert_null(c->title);
	assert_null(c->vcard_uid);
	assert_false(kith_cadence_is_set(c->cadence));
	assert_false(kith_date_is_set(c->snoozed_until));
	assert_false(kith_date_is_set(c->birthday));
	assert_false(kith_date_is_set(c->first_due));
	assert_int_equal(c->emails.n, 0);
	assert_int_equal(c->phones.n, 0);
	assert_int_equal(c->tags.n, 0);
	kith_contact_free(c);
}

static void test_store_contact_unset_added_becomes_today(void **state)
{
	struct fixture *f = *state;
	struct kith_date before = kith_date_today();
	int64_t id = add_contact(f, "New", "core", NODATE);
	struct kith_contact *c = get_contact(f, id);
	struct kith_date after = kith_date_today();

	assert_true(kith_date_cmp(c->added, before) >= 0);
	assert_true(kith_date_cmp(c->added, after) <= 0);
	kith_contact_free(c);
}

static void test_store_contact_update_replaces_fields_keeps_id_and_uid(void **state)
{
	struct fixture *f = *state;
	const char *emails[] = { "a@x.org", "b@x.org", NULL };
	int64_t id = add_contact_full(f, "Carol", "core", D(2026, 1, 1), emails, NULL, NULL);
	struct kith_contact *c = get_contact(f, id), *got;
	char *uid = strdup(c->uid);

	free(c->name);
	c->name = strdup("Carol King");
	free(c->tier);
	c->tier = strdup("annual");
	c->cadence = CAD(2, YEAR);
	assert_int_equal(kith_strlist_remove(&c->emails, "A@X.ORG", 1), 1);
	assert_ok(kith_strlist_add(&c->emails, "c@x.org"));
	assert_ok(kith_strlist_add(&c->tags, "music"));
	c->archived = 1;
	free(c->uid);
	c->uid = strdup("someone-else@evil");
	assert_ok(kith_store_update_contact(f->store, c));
	got = get_contact(f, id);
	assert_string_equal(got->name, "Carol King");
	assert_string_equal(got->tier, "annual");
	assert_int_equal(got->cadence.n, 2);
	assert_int_equal(got->archived, 1);
	assert_string_equal(got->uid, uid);
	assert_int_equal(got->emails.n, 2);
	assert_string_equal(got->emails.items[0], "b@x.org");
	assert_string_equal(got->emails.items[1], "c@x.org");
	assert_int_equal(got->tags.n, 1);
	kith_contact_free(got);

	/* Lists can be emptied. */
	kith_strlist_clear(&c->emails);
	kith_strlist_clear(&c->tags);
	assert_ok(kith_store_update_contact(f->store, c));
	got = get_contact(f, id);
	assert_int_equal(got->emails.n, 0);
	assert_int_equal(got->tags.n, 0);
	kith_contact_free(got);

	c->id = 9999;
	assert_status(kith_store_update_contact(f->store, c), KITH_ERR_NOT_FOUND);
	kith_contact_free(c);
	free(uid);
}

static void test_store_contact_requires_name_and_tier(void **state)
{
	struct fixture *f = *state;
	struct kith_contact c;
	struct kith_contact *list = NULL;
	size_t n = 0;

	memset(&c, 0, sizeof(c));
	c.tier = "core";
	assert_status(kith_store_add_contact(f->store, &c), KITH_ERR_INVALID);
	c.name = "";
	assert_status(kith_store_add_contact(f->store, &c), KITH_ERR_INVALID);
	c.name = "No Tier";
	c.tier = NULL;
	assert_status(kith_store_add_contact(f->store, &c), KITH_ERR_INVALID);
	c.tier = "core";
	c.added = D(2026, 2, 30);
	assert_status(kith_store_add_contact(f->store, &c), KITH_ERR_INVALID);
	assert_int_equal(c.id, 0);
	assert_null(c.uid);
	assert_ok(kith_store_list_contacts(f->store, NULL, &list, &n));
	assert_int_equal(n, 0);
	kith_contact_list_free(list, n);
}

static void test_store_contact_unknown_tier_lists_tiers(void **state)
{
	struct fixture *f = *state;
	struct kith_contact c;
	const char *msg;

	memset(&c, 0, sizeof(c));
	c.name = "Dan";
	c.tier = "bestie";
	assert_status(kith_store_add_contact(f->store, &c), KITH_ERR_NOT_FOUND);
	msg = kith_ctx_errmsg(f->ctx);
	assert_contains(msg, "bestie");
	assert_contains(msg, "core, regular, outer, annual");
	assert_int_equal(c.id, 0);
}

static void test_store_get_missing_contact_is_not_found(void **state)
{
	struct fixture *f = *state;
	struct kith_contact *c = NULL;

	assert_status(kith_store_get_contact(f->store, 42, &c), KITH_ERR_NOT_FOUND);
	assert_null(c);
	assert_contains(kith_ctx_errmsg(f->ctx), "42");
}

static void test_store_list_contacts_filters_and_sorts_by_name(void **state)
{
	struct fixture *f = *state;
	struct kith_contact_filter filter = { NULL, 0, { 0, 0, 0 } };
	struct kith_contact *list = NULL, *c;
	size_t n = 0;
	int64_t zed;

	zed = add_contact(f, "zed", "core", D(2026, 3, 1));
	add_contact(f, "Bea", "regular", D(2026, 1, 1));
	add_contact(f, "amy", "core", D(2025, 6, 1));
	add_contact(f, "Cy", "core", D(2026, 2, 1));
	c = get_contact(f, zed);
	c->archived = 1;
	assert_ok(kith_store_update_contact(f->store, c));
	kith_contact_free(c);

	assert_ok(kith_store_list_contacts(f->store, &filter, &list, &n));
	assert_int_equal(n, 3);
	assert_string_equal(list[0].name, "amy");
	assert_string_equal(list[1].name, "Bea");
	assert_string_equal(list[2].name, "Cy");
	kith_contact_list_free(list, n);

	filter.include_archived = 1;
	assert_ok(kith_store_list_contacts(f->store, &filter, &list, &n));
	assert_int_equal(n, 4);
	assert_string_equal(list[3].name, "zed");
	kith_contact_list_free(list, n);

	filter.tier = "core";
	assert_ok(kith_store_list_contacts(f->store, &filter, &list, &n));
	assert_int_equal(n, 3);
	assert_string_equal(list[0].name, "amy");
	assert_string_equal(list[1].name, "Cy");
	assert_string_equal(list[2].name, "zed");
	kith_contact_list_free(list, n);

	/* added_since is inclusive. */
	filter.added_since = D(2026, 2, 1);
	assert_ok(kith_store_list_contacts(f->store, &filter, &list, &n));
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "Cy");
	assert_string_equal(list[1].name, "zed");
	kith_contact_list_free(list, n);

	filter.tier = "annual";
	list = NULL;
	assert_ok(kith_store_list_contacts(f->store, &filter, &list, &n));
	assert_int_equal(n, 0);
	kith_contact_list_free(list, n);
}

static void test_store_list_contacts_carries_lists(void **state)
{
	struct fixture *f = *state;
	const char *e1[] = { "one@x.org", NULL }, *e2[] = { "two@x.org", "2@x.org", NULL };
	const char *p2[] = { "555", NULL };
	struct kith_contact *list = NULL;
	size_t n = 0;

	add_contact_full(f, "B", "core", D(2026, 1, 1), e2, p2, NULL);
	add_contact_full(f, "A", "core", D(2026, 1, 1), e1, NULL, NULL);
	add_contact(f, "C", "core", D(2026, 1, 1));
	assert_ok(kith_store_list_contacts(f->store, NULL, &list, &n));
	assert_int_equal(n, 3);
	assert_int_equal(list[0].emails.n, 1);
	assert_string_equal(list[0].emails.items[0], "one@x.org");
	assert_int_equal(list[0].phones.n, 0);
	assert_int_equal(list[1].emails.n, 2);
	assert_string_equal(list[1].emails.items[1], "2@x.org");
	assert_int_equal(list[1].phones.n, 1);
	assert_int_equal(list[2].emails.n, 0);
	kith_contact_list_free(list, n);
}

/* ---- resolve ---- */

struct people {
	int64_t anna, ann, annlee, annlees, jo, pct, agent, arch;
};

static void add_people(struct fixture *f, struct people *p)
{
	const char *anna[] = { "Anna.Berg@Example.org", NULL };
	const char *jo[] = { "jo@example.org", NULL };
	struct kith_contact *c;

	p->anna = add_contact_full(f, "Anna Berg", "core", D(2026, 1, 1), anna, NULL, NULL);
	p->ann = add_contact(f, "Ann", "core", D(2026, 1, 1));
	p->annlee = add_contact(f, "Ann Lee", "core", D(2026, 1, 1));
	p->annlees = add_contact(f, "Ann Lee-Smith", "core", D(2026, 1, 1));
	p->jo = add_contact_full(f, "Joanna Park", "regular", D(2026, 1, 1), jo, NULL, NULL);
	p->pct = add_contact(f, "100% Bob", "regular", D(2026, 1, 1));
	p->agent = add_contact(f, "Agent 00917", "regular", D(2026, 1, 1));
	p->arch = add_contact(f, "Old Friend", "regular", D(2026, 1, 1));
	c = get_contact(f, p->arch);
	c->archived = 1;
	assert_ok(kith_store_update_contact(f->store, c));
	kith_contact_free(c);
}

static int64_t resolve(struct fixture *f, const char *query)
{
	struct kith_contact *c = NULL;
	enum kith_status rc = kith_store_resolve_contact(f->store, query, &c, NULL, NULL);
	int64_t id;

	if (rc != KITH_OK)
		fail_msg("'%s' did not resolve: %s", query, kith_ctx_errmsg(f->ctx));
	assert_non_null(c);
	assert_non_null(c->name);
	id = c->id;
	kith_contact_free(c);
	return id;
}

static void assert_unresolved(struct fixture *f, const char *query, enum kith_status want)
{
	struct kith_contact *c = NULL;
	enum kith_status rc = kith_store_resolve_contact(f->store, query, &c, NULL, NULL);

	if (rc != want)
		fail_msg("'%s' gave %s, want %s", query, kith_status_str(rc),
			 kith_status_str(want));
	assert_null(c);
}

static void test_resolve_by_id(void **state)
{
	struct fixture *f = *state;
	struct people p;
	char q[32];

	add_people(f, &p);
	snprintf(q, sizeof(q), "%lld", (long long)p.jo);
	assert_int_equal(resolve(f, q), p.jo);
	snprintf(q, sizeof(q), "#%lld", (long long)p.jo);
	assert_int_equal(resolve(f, q), p.jo);
	assert_unresolved(f, "#4242", KITH_ERR_NOT_FOUND);
}

static void test_resolve_number_that_is_no_id_searches_names(void **state)
{
	struct fixture *f = *state;
	struct people p;

	add_people(f, &p);
	assert_int_equal(resolve(f, "00917"), p.agent);
}

static void test_resolve_by_email_ignores_case(void **state)
{
	struct fixture *f = *state;
	struct people p;

	add_people(f, &p);
	assert_int_equal(resolve(f, "anna.berg@example.org"), p.anna);
	assert_int_equal(resolve(f, "ANNA.BERG@EXAMPLE.ORG"), p.anna);
	assert_int_equal(resolve(f, "jo@example.org"), p.jo);
}

static void test_resolve_exact_name_beats_partial(void **state)
{
	struct fixture *f = *state;
	struct people p;

	add_people(f, &p);
	/* "Ann" is part of four names but the full name of one. */
	assert_int_equal(resolve(f, "Ann"), p.ann);
	assert_int_equal(resolve(f, "ann lee"), p.annlee);
	assert_int_equal(resolve(f, "Ann Lee-Smith"), p.annlees);
}

static void test_resolve_unique_partial_name(void **state)
{
	struct fixture *f = *state;
	struct people p;

	add_people(f, &p);
	assert_int_equal(resolve(f, "berg"), p.anna);
	assert_int_equal(resolve(f, "PARK"), p.jo);
	assert_int_equal(resolve(f, "smith"), p.annlees);
	assert_int_equal(resolve(f, "  berg"), p.anna);
	/* Archived contacts are found too. */
	assert_int_equal(resolve(f, "old fr"), p.arch);
}

static void test_resolve_ambiguous_lists_candidates(void **state)
{
	struct fixture *f = *state;
	struct kith_contact *c = NULL, *cands = NULL;
	size_t n = 0;
	struct people p;

	add_people(f, &p);
	assert_status(kith_store_resolve_contact(f->store, "nn", &c, &cands, &n),
		      KITH_ERR_AMBIGUOUS);
	assert_null(c);
	/* Ann, Ann Lee, Ann Lee-Smith, Anna Berg, Joanna Park: by name. */
	assert_int_equal(n, 5);
	assert_non_null(cands);
	assert_string_equal(cands[0].name, "Ann");
	assert_string_equal(cands[1].name, "Ann Lee");
	assert_string_equal(cands[2].name, "Ann Lee-Smith");
	assert_string_equal(cands[3].name, "Anna Berg");
	assert_string_equal(cands[4].name, "Joanna Park");
	assert_contains(kith_ctx_errmsg(f->ctx), "nn");
	kith_contact_list_free(cands, n);
	/* Without a place for the candidates it is still ambiguous (and frees them). */
	assert_unresolved(f, "lee", KITH_ERR_AMBIGUOUS);
}

static void test_resolve_not_found(void **state)
{
	struct fixture *f = *state;
	struct people p;

	add_people(f, &p);
	assert_unresolved(f, "zelda", KITH_ERR_NOT_FOUND);
	assert_contains(kith_ctx_errmsg(f->ctx), "zelda");
	assert_unresolved(f, "nobody@example.org", KITH_ERR_NOT_FOUND);
	assert_unresolved(f, "", KITH_ERR_INVALID);
	assert_unresolved(f, "   ", KITH_ERR_INVALID);
	assert_unresolved(f, NULL, KITH_ERR_INVALID);
}

static void test_resolve_like_wildcards_are_literal(void **state)
{
	struct fixture *f = *state;
	struct people p;

	add_people(f, &p);
	/* '%' and '_' match themselves, never "anything". */
	assert_int_equal(resolve(f, "%"), p.pct);
	assert_int_equal(resolve(f, "0% b"), p.pct);
	assert_unresolved(f, "_", KITH_ERR_NOT_FOUND);
	assert_unresolved(f, "A%a", KITH_ERR_NOT_FOUND);
	assert_unresolved(f, "Ann_Lee", KITH_ERR_NOT_FOUND);
	assert_unresolved(f, "\\", KITH_ERR_NOT_FOUND);
	assert_unresolved(f, "%%", KITH_ERR_NOT_FOUND);
}

/*
 * BUG (see tests/unit/BUGS.md, "8. Name matching ignores case only for
 * ASCII"): SQLite's LIKE and NOCASE fold A-Z only, so "åsa" does not find
 * "Åsa Öberg" although resolution is documented as case-insensitive.
 */
static void test_resolve_ignores_case_beyond_ascii(void **state)
{
	struct fixture *f = *state;
	int64_t asa, jurgen;

	asa = add_contact(f, "Åsa Öberg", "core", D(2026, 1, 1));
	jurgen = add_contact(f, "Jürgen Groß", "core", D(2026, 1, 1));
	assert_int_equal(resolve(f, "åsa"), asa);
	assert_int_equal(resolve(f, "ÖBERG"), asa);
	assert_int_equal(resolve(f, "åsa öberg"), asa);
	assert_int_equal(resolve(f, "JÜRGEN"), jurgen);
}

/* ---- touches ---- */

static void test_touch_round_trip_and_newest_first(void **state)
{
	struct fixture *f = *state;
	int64_t id = add_contact(f, "Anna", "core", D(2025, 1, 1));
	struct kith_touch t, *list = NULL;
	size_t n = 0;
	int64_t t1, t2, t3;

	t1 = add_touch(f, id, D(2026, 1, 10), "email", "first");
	t3 = add_touch(f, id, D(2026, 3, 5), "meeting", NULL);
	t2 = add_touch(f, id, D(2026, 2, 1), NULL, "");
	memset(&t, 0, sizeof(t));
	t.contact_id = id;
	t.on = D(2026, 3, 5);
	t.at = "2026-03-05T18:30:00Z";
	t.channel = "carrier pigeon";
	t.direction = KITH_INBOUND;
	t.note = "same day, logged later";
	t.source = KITH_SOURCE_CALENDAR;
	t.source_key = "cal:uid-1:20260305";
	assert_ok(kith_store_add_touch(f->store, &t));

	assert_ok(kith_store_list_touches(f->store, NULL, &list, &n));
	assert_int_equal(n, 4);
	/* Newest day first; the same day: the later logged first. */
	assert_int_equal(list[0].id, t.id);
	assert_int_equal(list[1].id, t3);
	assert_int_equal(list[2].id, t2);
	assert_int_equal(list[3].id, t1);
	assert_int_equal(list[0].contact_id, id);
	assert_date(list[0].on, 2026, 3, 5);
	assert_string_equal(list[0].at, "2026-03-05T18:30:00Z");
	assert_string_equal(list[0].channel, "carrier pigeon");
	assert_int_equal(list[0].direction, KITH_INBOUND);
	assert_string_equal(list[0].note, "same day, logged later");
	assert_int_equal(list[0].source, KITH_SOURCE_CALENDAR);
	assert_string_equal(list[0].source_key, "cal:uid-1:20260305");
	assert_int_equal(list[1].direction, KITH_OUTBOUND);
	assert_int_equal(list[1].source, KITH_SOURCE_MANUAL);
	assert_null(list[1].note);
	assert_null(list[1].source_key);
	assert_null(list[1].at);
	/* Empty channel and note are stored as unknown. */
	assert_null(list[2].channel);
	assert_null(list[2].note);
	assert_string_equal(list[3].channel, "email");
	assert_string_equal(list[3].note, "first");
	kith_touch_list_free(list, n);
}

static void test_touch_list_filters(void **state)
{
	struct fixture *f = *state;
	int64_t a = add_contact(f, "A", "core", D(2025, 1, 1));
	int64_t b = add_contact(f, "B", "core", D(2025, 1, 1));
	struct kith_touch_filter filter = { 0, { 0, 0, 0 }, { 0, 0, 0 } };
	struct kith_touch *list = NULL;
	size_t n = 0;

	add_touch(f, a, D(2026, 1, 1), "email", "a1");
	add_touch(f, b, D(2026, 1, 15), "email", "b1");
	add_touch(f, a, D(2026, 2, 1), "email", "a2");
	add_touch(f, b, D(2026, 3, 1), "email", "b2");

	filter.contact_id = a;
	assert_ok(kith_store_list_touches(f->store, &filter, &list, &n));
	assert_int_equal(n, 2);
	assert_string_equal(list[0].note, "a2");
	assert_string_equal(list[1].note, "a1");
	kith_touch_list_free(list, n);

	/* from and to are inclusive. */
	filter.contact_id = 0;
	filter.from = D(2026, 1, 15);
	filter.to = D(2026, 2, 1);
	assert_ok(kith_store_list_touches(f->store, &filter, &list, &n));
	assert_int_equal(n, 2);
	assert_string_equal(list[0].note, "a2");
	assert_string_equal(list[1].note, "b1");
	kith_touch_list_free(list, n);

	filter.to = NODATE;
	filter.contact_id = b;
	assert_ok(kith_store_list_touches(f->store, &filter, &list, &n));
	assert_int_equal(n, 2);
	kith_touch_list_free(list, n);

	filter.contact_id = 0;
	filter.from = D(2027, 1, 1);
	list = NULL;
	assert_ok(kith_store_list_touches(f->store, &filter, &list, &n));
	assert_int_equal(n, 0);
	kith_touch_list_free(list, n);
}

static void test_touch_refuses_bad_date_and_unknown_contact(void **state)
{
	struct fixture *f = *state;
	int64_t id = add_contact(f, "A", "core", D(2025, 1, 1));
	struct kith_touch t;
	struct kith_touch *list = NULL;
	size_t n = 0;

	memset(&t, 0, sizeof(t));
	t.contact_id = id;
	assert_status(kith_store_add_touch(f->store, &t), KITH_ERR_INVALID);
	t.on = D(2026, 2, 29);
	assert_status(kith_store_add_touch(f->store, &t), KITH_ERR_INVALID);
	t.on = D(2026, 2, 28);
	t.contact_id = id + 100;
	assert_status(kith_store_add_touch(f->store, &t), KITH_ERR_NOT_FOUND);
	assert_int_equal(t.id, 0);
	assert_ok(kith_store_list_touches(f->store, NULL, &list, &n));
	assert_int_equal(n, 0);
	kith_touch_list_free(list, n);
}

static void test_touches_are_append_only(void **state)
{
	struct fixture *f = *state;
	int64_t id = add_contact(f, "A", "core", D(2025, 1, 1));
	sqlite3 *db;

	add_touch(f, id, D(2026, 1, 1), "email", "keep me");
	db = raw_open(f->path);
	assert_int_not_equal(raw_exec(db, "UPDATE touches SET note = 'changed'"), SQLITE_OK);
	assert_contains(sqlite3_errmsg(db), "append-only");
	assert_int_not_equal(raw_exec(db, "DELETE FROM touches"), SQLITE_OK);
	assert_contains(sqlite3_errmsg(db), "append-only");
	assert_int_equal(raw_int(db, "SELECT count(*) FROM touches"), 1);
	assert_raw_text(db, "SELECT note FROM touches", "keep me");
	sqlite3_close(db);
}

static void test_touch_source_key_is_idempotent(void **state)
{
	struct fixture *f = *state;
	int64_t id = add_contact(f, "A", "core", D(2025, 1, 1));
	struct kith_touch t;
	struct kith_touch *list = NULL;
	size_t n = 0;

	memset(&t, 0, sizeof(t));
	t.contact_id = id;
	t.on = D(2026, 1, 1);
	t.source = KITH_SOURCE_CALENDAR;
	t.source_key = "cal:kith-1@kith:20260101";
	assert_ok(kith_store_add_touch(f->store, &t));
	t.id = 0;
	t.on = D(2026, 1, 2);
	t.note = "the second time";
	assert_status(kith_store_add_touch(f->store, &t), KITH_ERR_EXISTS);
	assert_contains(kith_ctx_errmsg(f->ctx), "cal:kith-1@kith:20260101");
	assert_int_equal(t.id, 0);
	assert_ok(kith_store_list_touches(f->store, NULL, &list, &n));
	assert_int_equal(n, 1);
	assert_date(list[0].on, 2026, 1, 1);
	assert_null(list[0].note);
	kith_touch_list_free(list, n);
	/* Touches without a key never collide. */
	add_touch(f, id, D(2026, 1, 3), NULL, NULL);
	add_touch(f, id, D(2026, 1, 3), NULL, NULL);
}

static void test_touch_clears_first_due_unless_imported(void **state)
{
	struct fixture *f = *state;
	struct kith_contact *c = kith_contact_new(), *got;
	struct kith_touch t;

	c->name = strdup("Imported");
	c->tier = strdup("core");
	c->added = D(2026, 1, 1);
	c->first_due = D(2026, 2, 20);
	assert_ok(kith_store_add_contact(f->store, c));
	memset(&t, 0, sizeof(t));
	t.contact_id = c->id;
	t.on = D(2025, 12, 1);
	t.source = KITH_SOURCE_IMPORT;
	assert_ok(kith_store_add_touch(f->store, &t));
	got = get_contact(f, c->id);
	assert_date(got->first_due, 2026, 2, 20);
	kith_contact_free(got);
	add_touch(f, c->id, D(2026, 1, 10), "email", NULL);
	got = get_contact(f, c->id);
	assert_false(kith_date_is_set(got->first_due));
	kith_contact_free(got);
	kith_contact_free(c);
}

/* The sync's notes: a line below what is there, the rest of the contact as the store has it. */
static void test_append_note_adds_a_line_and_keeps_the_rest(void **state)
{
	struct fixture *f = *state;
	struct kith_contact *c = kith_contact_new(), *got;

	c->name = strdup("Anna");
	c->tier = strdup("core");
	c->added = D(2026, 1, 1);
	c->first_due = D(2026, 2, 20);
	assert_ok(kith_store_add_contact(f->store, c));
	assert_ok(kith_store_append_note(f->store, c->id, "2026-02-21: call about the offsite"));
	got = get_contact(f, c->id);
	assert_string_equal(got->notes, "2026-02-21: call about the offsite");
	assert_date(got->first_due, 2026, 2, 20);
	kith_contact_free(got);
	/* a touch since (first_due cleared) is not undone by the next note */
	add_touch(f, c->id, D(2026, 2, 22), NULL, NULL);
	assert_ok(kith_store_append_note(f->store, c->id, "2026-02-23: moved to Berlin"));
	got = get_contact(f, c->id);
	assert_string_equal(got->notes,
			    "2026-02-21: call about the offsite\n2026-02-23: moved to Berlin");
	assert_false(kith_date_is_set(got->first_due));
	kith_contact_free(got);
	assert_status(kith_store_append_note(f->store, c->id + 100, "x"), KITH_ERR_NOT_FOUND);
	assert_status(kith_store_append_note(f->store, c->id, ""), KITH_ERR_INVALID);
	kith_contact_free(c);
}

/* ---- snooze ---- */

static void test_snooze_sets_until_and_keeps_history(void **state)
{
	struct fixture *f = *state;
	int64_t id = add_contact(f, "A", "core", D(2025, 1, 1));
	struct kith_contact *c;
	sqlite3 *db;

	assert_ok(kith_store_snooze(f->store, id, D(2026, 4, 1)));
	assert_ok(kith_store_snooze(f->store, id, D(2026, 5, 1)));
	c = get_contact(f, id);
	assert_date(c->snoozed_until, 2026, 5, 1);
	kith_contact_free(c);
	assert_status(kith_store_snooze(f->store, id, D(2026, 4, 31)), KITH_ERR_INVALID);
	assert_status(kith_store_snooze(f->store, id + 1, D(2026, 4, 1)), KITH_ERR_NOT_FOUND);
	db = raw_open(f->path);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM snoozes"), 2);
	assert_raw_text(db,
			"SELECT group_concat(until, ' ') FROM "
			"(SELECT until FROM snoozes ORDER BY id)",
			"2026-04-01 2026-05-01");
	assert_int_equal(raw_int(db, "SELECT count(DISTINCT contact_id) FROM snoozes"), 1);
	sqlite3_close(db);
}

/* ---- transactions ---- */

static void test_transaction_rollback_undoes_everything(void **state)
{
	struct fixture *f = *state;
	struct kith_contact *list = NULL;
	struct kith_touch t;
	size_t n = 0;
	int64_t id;

	assert_ok(kith_store_begin(f->store));
	id = add_contact(f, "Ghost", "core", D(2026, 1, 1));
	add_touch(f, id, D(2026, 1, 2), "email", NULL);
	assert_ok(kith_store_set_tier(f->store, "ghosts", CAD(1, WEEK), NULL));
	memset(&t, 0, sizeof(t));
	t.contact_id = id + 1000;
	t.on = D(2026, 1, 3);
	assert_status(kith_store_add_touch(f->store, &t), KITH_ERR_NOT_FOUND);
	kith_store_rollback(f->store);

	assert_ok(kith_store_list_contacts(
		f->store, &(struct kith_contact_filter){ NULL, 1, { 0, 0, 0 } }, &list, &n));
	assert_int_equal(n, 0);
	kith_contact_list_free(list, n);
	assert_unresolved(f, "Ghost", KITH_ERR_NOT_FOUND);
	{
		struct kith_touch *touches = NULL;

		assert_ok(kith_store_list_touches(f->store, NULL, &touches, &n));
		assert_int_equal(n, 0);
		kith_touch_list_free(touches, n);
	}
	{
		struct kith_tier *tier = NULL;

		assert_status(kith_store_get_tier(f->store, "ghosts", &tier), KITH_ERR_NOT_FOUND);
	}
	/* The store is usable again, and a second rollback is harmless. */
	kith_store_rollback(f->store);
	assert_ok(kith_store_begin(f->store));
	kith_store_rollback(f->store);
}

static void test_transaction_commit_keeps_changes(void **state)
{
	struct fixture *f = *state;
	int64_t id;

	assert_ok(kith_store_begin(f->store));
	id = add_contact(f, "Kept", "core", D(2026, 1, 1));
	add_touch(f, id, D(2026, 1, 2), "email", NULL);
	assert_ok(kith_store_commit(f->store));
	reopen(f);
	assert_int_equal(resolve(f, "Kept"), id);
}

static void test_transaction_misuse_is_invalid(void **state)
{
	struct fixture *f = *state;

	assert_status(kith_store_commit(f->store), KITH_ERR_INVALID);
	assert_ok(kith_store_begin(f->store));
	assert_status(kith_store_begin(f->store), KITH_ERR_INVALID);
	assert_ok(kith_store_commit(f->store));
	assert_status(kith_store_commit(f->store), KITH_ERR_INVALID);
}

static void test_transaction_open_at_close_is_rolled_back(void **state)
{
	struct fixture *f = *state;

	assert_ok(kith_store_begin(f->store));
	add_contact(f, "Uncommitted", "core", D(2026, 1, 1));
	reopen(f);
	assert_unresolved(f, "Uncommitted", KITH_ERR_NOT_FOUND);
}

/* Takes the store's 5 s busy timeout. */
static void test_transaction_begin_while_locked_is_busy(void **state)
{
	struct fixture *f = *state;
	struct kith_contact *list = NULL;
	size_t n = 0;
	sqlite3 *db;

	add_contact(f, "Reader", "core", D(2026, 1, 1));
	db = raw_open(f->path);
	assert_int_equal(raw_exec(db, "BEGIN IMMEDIATE"), SQLITE_OK);
	assert_status(kith_store_begin(f->store), KITH_ERR_BUSY);
	assert_contains(kith_ctx_errmsg(f->ctx), f->path);
	/* WAL: reading still works while another writer holds the lock. */
	assert_ok(kith_store_list_contacts(f->store, NULL, &list, &n));
	assert_int_equal(n, 1);
	kith_contact_list_free(list, n);
	assert_int_equal(raw_exec(db, "ROLLBACK"), SQLITE_OK);
	sqlite3_close(db);
	/* And the store was not left thinking it is in a transaction. */
	assert_ok(kith_store_begin(f->store));
	assert_ok(kith_store_commit(f->store));
}

/*
 * Regression (BUGS.md #3, fixed in bb3e628): kith_store_open() took the
 * write lock to check the schema, so while another kith wrote (an import,
 * a sync) even a read-only command waited 5 s and failed.
 */
static void test_store_open_while_another_writer_is_active(void **state)
{
	struct fixture *f = *state;
	struct kith_ctx *ctx = NULL;
	struct kith_store *second = NULL;
	sqlite3 *db;
	enum kith_status rc;

	add_contact(f, "Reader", "core", D(2026, 1, 1));
	assert_ok(kith_ctx_new(&ctx));
	db = raw_open(f->path);
	assert_int_equal(raw_exec(db, "BEGIN IMMEDIATE"), SQLITE_OK);
	rc = kith_store_open(ctx, f->path, &second);
	assert_int_equal(raw_exec(db, "ROLLBACK"), SQLITE_OK);
	sqlite3_close(db);
	if (rc != KITH_OK)
		fail_msg("open while another connection writes: %s: %s", kith_status_str(rc),
			 kith_ctx_errmsg(ctx));
	{
		struct fixture view = { NULL, NULL, ctx, second };

		assert_true(resolve(&view, "Reader") > 0);
	}
	kith_store_close(second);
	kith_ctx_free(ctx);
}

/* ---- the whole file stays sound ---- */

static void test_store_integrity_after_a_workout(void **state)
{
	struct fixture *f = *state;
	const char *emails[] = { "x@y.org", NULL };
	struct kith_contact *c;
	sqlite3 *db;

	for (int i = 0; i < 30; i++) {
		char name[32];
		int64_t id;

		snprintf(name, sizeof(name), "Person %02d", i);
		assert_ok(kith_store_begin(f->store));
		id = add_contact_full(f, name, i % 2 ? "core" : "outer", D(2025, 1, 1 + i % 28),
				      emails, NULL, NULL);
		add_touch(f, id, D(2026, 1, 1 + i % 28), "email", name);
		if (i % 3 == 0)
			assert_ok(kith_store_snooze(f->store, id, D(2026, 6, 1)));
		if (i % 5 == 0) {
			c = get_contact(f, id);
			c->archived = 1;
			assert_ok(kith_store_update_contact(f->store, c));
			kith_contact_free(c);
		}
		if (i % 7 == 0)
			kith_store_rollback(f->store);
		else
			assert_ok(kith_store_commit(f->store));
	}
	kith_store_close(f->store);
	f->store = NULL;
	db = raw_open(f->path);
	assert_raw_text(db, "PRAGMA integrity_check", "ok");
	assert_int_equal(raw_int(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM contacts"), 30 - 5);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM touches"), 30 - 5);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM contacts WHERE uid IS NULL"), 0);
	sqlite3_close(db);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
#define B(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup_bare, fixture_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_open_creates_private_file_and_dirs),
		B(test_store_open_uses_wal_and_records_schema_version),
		T(test_store_reopen_keeps_data),
		T(test_store_newer_schema_is_refused),
		cmocka_unit_test(test_store_empty_existing_file_is_migrated),
		cmocka_unit_test(test_store_v1_file_migrates_once_with_backup),
		cmocka_unit_test(test_store_open_refuses_bad_paths_and_files),
		cmocka_unit_test(test_store_open_refuses_foreign_database),
		B(test_store_meta_set_get),
		B(test_store_init_defaults_creates_tiers),
		B(test_store_init_defaults_is_idempotent),
		T(test_store_tier_set_get_and_update),
		T(test_store_tier_set_refuses_bad_input),
		T(test_store_tier_list_is_ordered_by_cadence_length),
		T(test_store_tier_counts_active_contacts),
		T(test_store_tier_remove),
		T(test_store_contact_round_trip),
		T(test_store_contact_minimal_fields_read_back_unset),
		T(test_store_contact_unset_added_becomes_today),
		T(test_store_contact_update_replaces_fields_keeps_id_and_uid),
		T(test_store_contact_requires_name_and_tier),
		T(test_store_contact_unknown_tier_lists_tiers),
		T(test_store_get_missing_contact_is_not_found),
		T(test_store_list_contacts_filters_and_sorts_by_name),
		T(test_store_list_contacts_carries_lists),
		T(test_resolve_by_id),
		T(test_resolve_number_that_is_no_id_searches_names),
		T(test_resolve_by_email_ignores_case),
		T(test_resolve_exact_name_beats_partial),
		T(test_resolve_unique_partial_name),
		T(test_resolve_ambiguous_lists_candidates),
		T(test_resolve_not_found),
		T(test_resolve_like_wildcards_are_literal),
		T(test_resolve_ignores_case_beyond_ascii),
		T(test_touch_round_trip_and_newest_first),
		T(test_touch_list_filters),
		T(test_touch_refuses_bad_date_and_unknown_contact),
		T(test_touches_are_append_only),
		T(test_touch_source_key_is_idempotent),
		T(test_touch_clears_first_due_unless_imported),
		T(test_append_note_adds_a_line_and_keeps_the_rest),
		T(test_snooze_sets_until_and_keeps_history),
		T(test_transaction_rollback_undoes_everything),
		T(test_transaction_commit_keeps_changes),
		T(test_transaction_misuse_is_invalid),
		T(test_transaction_open_at_close_is_rolled_back),
		T(test_transaction_begin_while_locked_is_busy),
		T(test_store_open_while_another_writer_is_active),
		T(test_store_integrity_after_a_workout),
	};
#undef T
#undef B

	return cmocka_run_group_tests(tests, NULL, NULL);
}
