/* SPDX-License-Identifier: MIT */
/*
 * Migration from a store written by an older kith: tests/data/store-v1.db
 * was made by kith at schema version 1 (commit 3fcca0d).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include <kith/kith.h>

#ifndef KITH_TEST_DATA
#error "KITH_TEST_DATA must name tests/data"
#endif

static char dir[64];
static char path[128];

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[8192];
	size_t n;

	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/kith-migrate-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/kith.db", dir);
	copy_file(KITH_TEST_DATA "/store-v1.db", path);
	return 0;
}

static int teardown(void **state)
{
	char cmd[160];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void test_migrate_v1_keeps_contacts_and_touches(void **state)
{
	struct kith_ctx *ctx = NULL;
	struct kith_store *s = NULL;
	struct kith_contact *c = NULL;
	struct kith_touch *touches = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(kith_ctx_new(&ctx), KITH_OK);
	assert_int_equal(kith_store_open(ctx, path, &s), KITH_OK);
	assert_int_equal(kith_store_schema_version(s), KITH_SCHEMA_VERSION);
	assert_int_equal(kith_store_resolve_contact(s, "anna@example.org", &c, NULL, NULL),
			 KITH_OK);
	assert_string_equal(c->name, "Anna Berg");
	assert_string_equal(c->tier, "core");
	/* The UID made at v1 is kept: reminders on calendars keep matching. */
	assert_string_equal(c->uid, "kith-1-b13c44a8@kith");
	/* New columns start empty. */
	assert_null(c->title);
	assert_null(c->vcard_uid);
	assert_false(kith_date_is_set(c->first_due));
	assert_int_equal(kith_store_list_touches(s, NULL, &touches, &n), KITH_OK);
	assert_int_equal(n, 1);
	assert_string_equal(touches[0].note, "v1 touch");
	kith_touch_list_free(touches, n);
	kith_contact_free(c);
	kith_store_close(s);
	kith_ctx_free(ctx);
}

/* The report reads the newest touch kept on the contact (v4, v5): filled by the migration. */
static void test_migrate_v1_report_shows_the_old_touch(void **state)
{
	struct kith_ctx *ctx = NULL;
	struct kith_store *s = NULL;
	struct kith_report *r = NULL;
	struct kith_report_options ro = { { 2026, 6, 1 }, NULL, 1, 0 };
	size_t found = 0;

	(void)state;
	assert_int_equal(kith_ctx_new(&ctx), KITH_OK);
	assert_int_equal(kith_store_open(ctx, path, &s), KITH_OK);
	assert_int_equal(kith_report_build(s, &ro, &r), KITH_OK);
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct kith_report_row *row = &r->rows[i];

		if (strcmp(row->name, "Anna Berg"))
			continue;
		found++;
		assert_true(kith_date_is_set(row->standing.last_touch));
		assert_non_null(row->standing.last_note);
		assert_string_equal(row->standing.last_note, "v1 touch");
		assert_string_equal(row->email, "anna@example.org");
	}
	assert_int_equal(found, 1);
	kith_report_free(r);
	kith_store_close(s);
	kith_ctx_free(ctx);
}

static void test_migrate_v1_writes_a_private_backup_first(void **state)
{
	char bak[160];
	struct stat st;
	struct kith_ctx *ctx = NULL;
	struct kith_store *s = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;

	(void)state;
	assert_int_equal(kith_ctx_new(&ctx), KITH_OK);
	assert_int_equal(kith_store_open(ctx, path, &s), KITH_OK);
	kith_store_close(s);
	kith_ctx_free(ctx);
	snprintf(bak, sizeof(bak), "%s.bak-v1", path);
	assert_int_equal(stat(bak, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* The backup is the old store, still at version 1. */
	assert_int_equal(sqlite3_open_v2(bak, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(db, "SELECT max(version) FROM schema_version", -1, &q, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 1);
	sqlite3_finalize(q);
	sqlite3_close(db);
}

static void test_migrate_is_recorded_once_per_version(void **state)
{
	struct kith_ctx *ctx = NULL;
	struct kith_store *s = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;

	(void)state;
	assert_int_equal(kith_ctx_new(&ctx), KITH_OK);
	/* Opening twice migrates once. */
	assert_int_equal(kith_store_open(ctx, path, &s), KITH_OK);
	kith_store_close(s);
	assert_int_equal(kith_store_open(ctx, path, &s), KITH_OK);
	kith_store_close(s);
	kith_ctx_free(ctx);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT group_concat(version) FROM "
					    "(SELECT version FROM schema_version ORDER BY version)",
					    -1, &q, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "1,2,3,4,5,6,7,8,9,10,11");
	sqlite3_finalize(q);
	/* v7: the quiet sync's indexes reach stores made by older versions. */
	assert_int_equal(
		sqlite3_prepare_v2(db,
				   "SELECT count(*) FROM sqlite_master WHERE type = "
				   "'index' AND name IN ('reminders_pending', 'reminders_known')",
				   -1, &q, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(q, 0), 2);
	sqlite3_finalize(q);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &q, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(q, 0), "ok");
	sqlite3_finalize(q);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrate_v1_keeps_contacts_and_touches, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v1_report_shows_the_old_touch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_migrate_v1_writes_a_private_backup_first,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_is_recorded_once_per_version, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
