/* SPDX-License-Identifier: MIT */
/*
 * The sync state the store keeps per target (store/sync-state.h): only
 * the sync engine reads it, so these tests pin the SQL behind it rather
 * than a sync's outcome.
 */
#include "helpers.h"

#include <sqlite3.h>

#include "store/store.h"
#include "store/sync-state.h"

/* ---- small builders ---- */

static int64_t target(struct fixture *f, const char *url)
{
	int64_t id = 0;

	assert_ok(kith_store_target_id(f->store, url, 1, &id));
	assert_true(id > 0);
	return id;
}

/* A reminder with only the fields the quiet queries look at (strings borrowed). */
static void save_rstate(struct fixture *f, int64_t target_id, int64_t contact_id,
			const char *resource, const char *etag, const char *base,
			const char *pending)
{
	struct kith_rstate r;

	memset(&r, 0, sizeof(r));
	r.contact_id = contact_id;
	r.resource = (char *)resource;
	r.uid = (char *)resource;
	r.etag = (char *)etag;
	r.base = (char *)base;
	r.pending = (char *)pending;
	assert_ok(kith_store_rstate_save(f->store, target_id, &r));
}

static int64_t generation(struct fixture *f)
{
	int64_t g = -1;

	assert_ok(kith_store_generation(f->store, &g));
	return g;
}

static int quiet(struct fixture *f, int64_t target_id, const char *plan_key)
{
	int q = -1;

	assert_ok(kith_store_sync_quiet(f->store, target_id, plan_key, &q));
	assert_true(q == 0 || q == 1);
	return q;
}

static void set_flags(struct fixture *f, int64_t id, int archived, int paused)
{
	struct kith_contact *c = get_contact(f, id);

	c->archived = archived;
	c->paused = paused;
	assert_ok(kith_store_update_contact(f->store, c));
	kith_contact_free(c);
}

/*
 * How many times a column of targets was written, counted by a trigger
 * a second connection installs: a write of the same value still counts.
 */
static sqlite3 *count_writes_of(struct fixture *f, const char *column)
{
	char sql[512];
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 2000);
	snprintf(sql, sizeof(sql),
		 "CREATE TABLE IF NOT EXISTS writes (n INTEGER);"
		 "CREATE TRIGGER count_%s AFTER UPDATE OF %s ON targets "
		 "BEGIN INSERT INTO writes VALUES (1); END;",
		 column, column);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	return db;
}

static long long writes(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	long long n;

	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM writes", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* ---- targets ---- */

static void test_target_id_created_only_when_asked(void **state)
{
	struct fixture *f = *state;
	int64_t a, b, again = 0;

	assert_status(kith_store_target_id(f->store, "https://a.example/cal/", 0, &again),
		      KITH_ERR_NOT_FOUND);
	assert_contains(kith_ctx_errmsg(f->ctx), "https://a.example/cal/");
	a = target(f, "https://a.example/cal/");
	b = target(f, "file:///tmp/b.ics");
	assert_true(a != b);
	/* The same URL is the same target, whether or not creation is allowed. */
	assert_ok(kith_store_target_id(f->store, "https://a.example/cal/", 1, &again));
	assert_int_equal(again, a);
	again = 0;
	assert_ok(kith_store_target_id(f->store, "https://a.example/cal/", 0, &again));
	assert_int_equal(again, a);
	assert_status(kith_store_target_id(f->store, "https://A.example/cal/", 0, &again),
		      KITH_ERR_NOT_FOUND);
}

/* ---- reminders on a target ---- */

static void test_rstate_round_trip_every_field(void **state)
{
	struct fixture *f = *state;
	int64_t t = target(f, "https://a.example/cal/");
	int64_t anna = add_contact(f, "Anna", "core", D(2026, 1, 5));
	struct kith_rstate r = {
		.contact_id = anna,
		.resource = "kith-1-abcd.ics",
		.uid = "kith-1-abcd@kith",
		.etag = "\"e1\"",
		.base = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
		.pending = "BEGIN:VCALENDAR\r\nX:1\r\nEND:VCALENDAR\r\n",
		.processed = "2026-01-01\n2026-02-01\n",
		.counted = "copy-1.ics\n",
		.state = "deleted",
		.written_due = D(2026, 3, 1),
		.fingerprint = "f00d",
	};
	struct kith_rstate *list = NULL;
	size_t n = 0;

	assert_ok(kith_store_rstate_save(f->store, t, &r));
	assert_ok(kith_store_rstates_load(f->store, t, &list, &n));
	assert_int_equal(n, 1);
	assert_int_equal(list[0].contact_id, anna);
	assert_string_equal(list[0].resource, r.resource);
	assert_string_equal(list[0].uid, r.uid);
	assert_string_equal(list[0].etag, r.etag);
	assert_string_equal(list[0].base, r.base);
	assert_string_equal(list[0].pending, r.pending);
	assert_string_equal(list[0].processed, r.processed);
	assert_string_equal(list[0].counted, r.counted);
	assert_string_equal(list[0].state, "deleted");
	assert_date(list[0].written_due, 2026, 3, 1);
	assert_string_equal(list[0].fingerprint, r.fingerprint);
	kith_rstate_list_free(list, n);
}

static void test_rstate_nulls_stay_null_and_state_defaults_to_ok(void **state)
{
	struct fixture *f = *state;
	int64_t t = target(f, "https://a.example/cal/");
	int64_t anna = add_contact(f, "Anna", "core", D(2026, 1, 5));
	struct kith_rstate full = {
		.contact_id = anna,
		.resource = "r.ics",
		.uid = "u@kith",
		.etag = "e",
		.base = "b",
		.pending = "p",
		.processed = "2026-01-01\n",
		.counted = "c\n",
		.state = "deleted",
		.written_due = D(2026, 3, 1),
		.fingerprint = "x",
	};
	struct kith_rstate bare = { .contact_id = anna, .resource = "r2.ics", .uid = "u2@kith" };
	struct kith_rstate *list = NULL;
	size_t n = 0;

	/* Saving again replaces every field, NULLs included. */
	assert_ok(kith_store_rstate_save(f->store, t, &full));
	assert_ok(kith_store_rstate_save(f->store, t, &bare));
	assert_ok(kith_store_rstates_load(f->store, t, &list, &n));
	assert_int_equal(n, 1);
	assert_int_equal(list[0].contact_id, anna);
	assert_string_equal(list[0].resource, "r2.ics");
	assert_string_equal(list[0].uid, "u2@kith");
	assert_null(list[0].etag);
	assert_null(list[0].base);
	assert_null(list[0].pending);
	assert_null(list[0].processed);
	assert_null(list[0].counted);
	assert_string_equal(list[0].state, "ok");
	assert_false(kith_date_is_set(list[0].written_due));
	assert_null(list[0].fingerprint);
	kith_rstate_list_free(list, n);
}

static void test_rstates_by_contact_per_target_and_removed(void **state)
{
	struct fixture *f = *state;
	int64_t a = target(f, "https://a.example/cal/"), b = target(f, "https://b.example/cal/");
	int64_t anna = add_contact(f, "Anna", "core", D(2026, 1, 5));
	int64_t ben = add_contact(f, "Ben", "core", D(2026, 1, 5));
	struct kith_rstate *list = NULL;
	size_t n = 0;

	save_rstate(f, a, ben, "a-ben.ics", "e2", "b2", NULL);
	save_rstate(f, a, anna, "a-anna.ics", "e1", "b1", NULL);
	save_rstate(f, b, anna, "b-anna.ics", NULL, NULL, NULL);
	assert_ok(kith_store_rstates_load(f->store, a, &list, &n));
	assert_int_equal(n, 2);
	assert_int_equal(list[0].contact_id, anna);
	assert_string_equal(list[0].resource, "a-anna.ics");
	assert_int_equal(list[1].contact_id, ben);
	assert_string_equal(list[1].resource, "a-ben.ics");
	kith_rstate_list_free(list, n);

	assert_ok(kith_store_rstate_remove(f->store, a, anna));
	/* Nothing there to remove is no failure. */
	assert_ok(kith_store_rstate_remove(f->store, a, anna));
	list = NULL;
	assert_ok(kith_store_rstates_load(f->store, a, &list, &n));
	assert_int_equal(n, 1);
	assert_int_equal(list[0].contact_id, ben);
	kith_rstate_list_free(list, n);
	/* The other target's reminder for the same contact stays. */
	list = NULL;
	assert_ok(kith_store_rstates_load(f->store, b, &list, &n));
	assert_int_equal(n, 1);
	assert_int_equal(list[0].contact_id, anna);
	assert_string_equal(list[0].resource, "b-anna.ics");
	kith_rstate_list_free(list, n);
}

/* ---- foreign items on a target ---- */

static void test_titems_save_replaces_the_whole_list(void **state)
{
	struct fixture *f = *state;
	int64_t a = target(f, "https://a.example/cal/"), b = target(f, "https://b.example/cal/");
	int64_t anna = add_contact(f, "Anna", "core", D(2026, 1, 5));
	struct kith_titem first[] = {
		{ "zeta.ics", "\"t1\"", "zeta@example", 0 },
		{ "alpha.ics", NULL, NULL, anna },
		{ "mid.ics", "\"t3\"", "mid@example", 0 },
	};
	struct kith_titem second[] = { { "only.ics", "\"t9\"", "only@example", 0 } };
	struct kith_titem *list = NULL;
	size_t n = 0;

	assert_ok(kith_store_titems_save(f->store, a, first, 3));
	assert_ok(kith_store_titems_save(f->store, b, second, 1));
	assert_ok(kith_store_titems_load(f->store, a, &list, &n));
	assert_int_equal(n, 3);
	/* By name. */
	assert_string_equal(list[0].name, "alpha.ics");
	assert_null(list[0].tag);
	assert_null(list[0].uid);
	assert_int_equal(list[0].contact_id, anna);
	assert_string_equal(list[1].name, "mid.ics");
	assert_string_equal(list[1].tag, "\"t3\"");
	assert_string_equal(list[1].uid, "mid@example");
	assert_int_equal(list[1].contact_id, 0);
	assert_string_equal(list[2].name, "zeta.ics");
	assert_string_equal(list[2].tag, "\"t1\"");
	assert_string_equal(list[2].uid, "zeta@example");
	assert_int_equal(list[2].contact_id, 0);
	kith_titem_list_free(list, n);

	/* Saving again drops what is not in the new list, on that target only. */
	assert_ok(kith_store_titems_save(f->store, a, second, 1));
	list = NULL;
	assert_ok(kith_store_titems_load(f->store, a, &list, &n));
	assert_int_equal(n, 1);
	assert_string_equal(list[0].name, "only.ics");
	kith_titem_list_free(list, n);
	assert_ok(kith_store_titems_save(f->store, a, NULL, 0));
	list = NULL;
	assert_ok(kith_store_titems_load(f->store, a, &list, &n));
	assert_int_equal(n, 0);
	kith_titem_list_free(list, n);
	list = NULL;
	assert_ok(kith_store_titems_load(f->store, b, &list, &n));
	assert_int_equal(n, 1);
	assert_string_equal(list[0].name, "only.ics");
	kith_titem_list_free(list, n);
}

/* ---- a target's own state ---- */

static void test_target_state_saved_loaded_and_unchanged_is_no_write(void **state)
{
	struct fixture *f = *state;
	int64_t a = target(f, "https://a.example/cal/"), b = target(f, "https://b.example/cal/");
	sqlite3 *db = count_writes_of(f, "state");
	char untouched[] = "untouched";
	char *got = untouched;

	assert_ok(kith_store_target_state(f->store, a, &got));
	assert_null(got);
	assert_ok(kith_store_set_target_state(f->store, a, "token=42"));
	assert_int_equal(writes(db), 1);
	assert_ok(kith_store_target_state(f->store, a, &got));
	assert_string_equal(got, "token=42");
	free(got);
	/* The same state again writes nothing. */
	assert_ok(kith_store_set_target_state(f->store, a, "token=42"));
	assert_int_equal(writes(db), 1);
	assert_ok(kith_store_set_target_state(f->store, a, "token=43"));
	assert_int_equal(writes(db), 2);
	/* Per target. */
	assert_ok(kith_store_target_state(f->store, b, &got));
	assert_null(got);
	/* NULL forgets it, once. */
	assert_ok(kith_store_set_target_state(f->store, a, NULL));
	assert_ok(kith_store_set_target_state(f->store, a, NULL));
	assert_int_equal(writes(db), 3);
	assert_ok(kith_store_target_state(f->store, a, &got));
	assert_null(got);
	assert_status(kith_store_target_state(f->store, a + b + 1, &got), KITH_ERR_NOT_FOUND);
	sqlite3_close(db);
}

/* ---- a sync with nothing to do ---- */

static void test_generation_moves_with_what_reminders_are_made_of(void **state)
{
	struct fixture *f = *state;
	int64_t t = target(f, "https://a.example/cal/");
	int64_t g = generation(f), anna, ben;
	struct kith_titem item = { "x.ics", "e", NULL, 0 };
	struct kith_contact *c;

	/* The default tiers were saved. */
	assert_true(g > 0);
	anna = add_contact(f, "Anna", "core", D(2026, 1, 5));
	assert_true(generation(f) > g);
	g = generation(f);
	c = get_contact(f, anna);
	free(c->notes);
	c->notes = strdup("met at FOSDEM");
	assert_ok(kith_store_update_contact(f->store, c));
	kith_contact_free(c);
	assert_true(generation(f) > g);
	g = generation(f);
	add_touch(f, anna, D(2026, 2, 1), "email", NULL);
	assert_true(generation(f) > g);
	g = generation(f);
	assert_ok(kith_store_snooze(f->store, anna, D(2026, 4, 1)));
	assert_true(generation(f) > g);
	g = generation(f);
	assert_ok(kith_store_set_tier(f->store, "weekly", CAD(1, WEEK), NULL));
	assert_true(generation(f) > g);
	g = generation(f);
	assert_ok(kith_store_remove_tier(f->store, "weekly"));
	assert_true(generation(f) > g);
	g = generation(f);

	/* What the sync engine writes itself, and settings, do not move it. */
	save_rstate(f, t, anna, "a.ics", "e", "b", NULL);
	assert_ok(kith_store_titems_save(f->store, t, &item, 1));
	assert_ok(kith_store_set_target_state(f->store, t, "s"));
	assert_ok(kith_store_set_plan_key(f->store, t, "k"));
	assert_ok(kith_store_set_meta(f->store, "default_tier", "core"));
	assert_int_equal(generation(f), g);

	/* A failed change leaves it where it was. */
	c = get_contact(f, anna);
	c->id = anna + 1000;
	assert_status(kith_store_update_contact(f->store, c), KITH_ERR_NOT_FOUND);
	kith_contact_free(c);
	assert_int_equal(generation(f), g);

	/* A bulk moves it once. */
	assert_ok(kith_store_bulk_begin(f->store));
	ben = add_contact(f, "Ben", "core", D(2026, 1, 5));
	add_touch(f, ben, D(2026, 2, 1), NULL, NULL);
	assert_ok(kith_store_bulk_end(f->store, KITH_OK));
	assert_int_equal(generation(f), g + 1);
}

static void test_sync_quiet_needs_the_key_and_no_open_intent(void **state)
{
	struct fixture *f = *state;
	int64_t a = target(f, "https://a.example/cal/"), b = target(f, "https://b.example/cal/");
	int64_t anna = add_contact(f, "Anna", "core", D(2026, 1, 5));
	sqlite3 *db = count_writes_of(f, "plan_key");

	/* No complete plan yet. */
	assert_int_equal(quiet(f, a, "g1:opts"), 0);
	assert_ok(kith_store_set_plan_key(f->store, a, "g1:opts"));
	assert_int_equal(quiet(f, a, "g1:opts"), 1);
	assert_int_equal(quiet(f, a, "g2:opts"), 0);
	assert_int_equal(quiet(f, b, "g1:opts"), 0);
	/* The same key again writes nothing. */
	assert_ok(kith_store_set_plan_key(f->store, a, "g1:opts"));
	assert_int_equal(writes(db), 1);

	/* An open write intent on the target: not quiet until it is settled. */
	save_rstate(f, a, anna, "a.ics", "e", "b", "pending bytes");
	assert_int_equal(quiet(f, a, "g1:opts"), 0);
	save_rstate(f, a, anna, "a.ics", "e2", "pending bytes", NULL);
	assert_int_equal(quiet(f, a, "g1:opts"), 1);
	/* ... one on another target does not matter. */
	assert_ok(kith_store_set_plan_key(f->store, b, "g1:opts"));
	save_rstate(f, b, anna, "b.ics", "e", "b", "pending bytes");
	assert_int_equal(quiet(f, a, "g1:opts"), 1);
	assert_int_equal(quiet(f, b, "g1:opts"), 0);

	/* NULL forgets the key. */
	assert_ok(kith_store_set_plan_key(f->store, a, NULL));
	assert_int_equal(quiet(f, a, "g1:opts"), 0);
	/* An unknown target is never quiet. */
	assert_int_equal(quiet(f, a + b + 1, "g1:opts"), 0);
	sqlite3_close(db);
}

static void test_known_items_reminders_by_contact_then_foreign_by_name(void **state)
{
	struct fixture *f = *state;
	int64_t a = target(f, "https://a.example/cal/"), b = target(f, "https://b.example/cal/");
	int64_t anna = add_contact(f, "Anna", "core", D(2026, 1, 5));
	int64_t ben = add_contact(f, "Ben", "core", D(2026, 1, 5));
	int64_t cleo = add_contact(f, "Cleo", "core", D(2026, 1, 5));
	int64_t dan = add_contact(f, "Dan", "core", D(2026, 1, 5));
	struct kith_titem foreign[] = {
		{ "zz-foreign.ics", "\"f1\"", "zz@example", 0 },
		{ "aa-foreign.ics", NULL, "aa@example", anna },
	};
	struct kith_titem *list = NULL;
	size_t n = 0;

	/* Resource names in the opposite order to the contacts. */
	save_rstate(f, a, anna, "z-anna.ics", "\"ea\"", "base", NULL);
	save_rstate(f, a, ben, "y-ben.ics", NULL, "base", NULL);     /* no version yet */
	save_rstate(f, a, cleo, "x-cleo.ics", "\"ec\"", NULL, NULL); /* no bytes yet */
	save_rstate(f, a, dan, "w-dan.ics", "\"ed\"", "base", "pending");
	save_rstate(f, b, ben, "b-ben.ics", "\"eb\"", "base", NULL);
	assert_ok(kith_store_titems_save(f->store, a, foreign, 2));

	assert_ok(kith_store_known_items(f->store, a, &list, &n));
	assert_int_equal(n, 4);
	assert_string_equal(list[0].name, "z-anna.ics");
	assert_string_equal(list[0].tag, "\"ea\"");
	assert_string_equal(list[1].name, "w-dan.ics");
	assert_string_equal(list[1].tag, "\"ed\"");
	assert_string_equal(list[2].name, "aa-foreign.ics");
	assert_null(list[2].tag);
	assert_string_equal(list[3].name, "zz-foreign.ics");
	assert_string_equal(list[3].tag, "\"f1\"");
	/* Only name and tag are set. */
	for (size_t i = 0; i < n; i++) {
		assert_null(list[i].uid);
		assert_int_equal(list[i].contact_id, 0);
	}
	kith_titem_list_free(list, n);

	list = NULL;
	assert_ok(kith_store_known_items(f->store, a + b + 1, &list, &n));
	assert_int_equal(n, 0);
	kith_titem_list_free(list, n);
}

static void test_quiet_counts(void **state)
{
	struct fixture *f = *state;
	int64_t a = target(f, "https://a.example/cal/"), b = target(f, "https://b.example/cal/");
	int64_t active = add_contact(f, "Active", "core", D(2026, 1, 5));
	int64_t paused = add_contact(f, "Paused", "core", D(2026, 1, 5));
	int64_t archived = add_contact(f, "Archived", "core", D(2026, 1, 5));
	int64_t unwritten = add_contact(f, "Unwritten", "core", D(2026, 1, 5));
	int64_t paused_bare = add_contact(f, "Paused bare", "core", D(2026, 1, 5));
	int64_t both = add_contact(f, "Archived and paused", "core", D(2026, 1, 5));
	int64_t other = add_contact(f, "Other target", "core", D(2026, 1, 5));
	long unchanged = -1, n_paused = -1;

	set_flags(f, paused, 0, 1);
	set_flags(f, archived, 1, 0);
	set_flags(f, paused_bare, 0, 1);
	set_flags(f, both, 1, 1);
	save_rstate(f, a, active, "active.ics", "e", "b", NULL);
	save_rstate(f, a, paused, "paused.ics", "e", "b", NULL);
	save_rstate(f, a, archived, "archived.ics", "e", "b", NULL);
	save_rstate(f, a, unwritten, "unwritten.ics", NULL, "b", NULL);
	save_rstate(f, a, both, "both.ics", "e", "b", NULL);
	save_rstate(f, b, other, "other.ics", "e", "b", NULL);

	/* Unchanged: this target's written reminders of active contacts. */
	assert_ok(kith_store_quiet_counts(f->store, a, &unchanged, &n_paused));
	assert_int_equal(unchanged, 1);
	/* Paused: every paused contact not archived, reminder or not. */
	assert_int_equal(n_paused, 2);
	assert_ok(kith_store_quiet_counts(f->store, b, &unchanged, &n_paused));
	assert_int_equal(unchanged, 1);
	assert_int_equal(n_paused, 2);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(test_target_id_created_only_when_asked),
		T(test_rstate_round_trip_every_field),
		T(test_rstate_nulls_stay_null_and_state_defaults_to_ok),
		T(test_rstates_by_contact_per_target_and_removed),
		T(test_titems_save_replaces_the_whole_list),
		T(test_target_state_saved_loaded_and_unchanged_is_no_write),
		T(test_generation_moves_with_what_reminders_are_made_of),
		T(test_sync_quiet_needs_the_key_and_no_open_intent),
		T(test_known_items_reminders_by_contact_then_foreign_by_name),
		T(test_quiet_counts),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
