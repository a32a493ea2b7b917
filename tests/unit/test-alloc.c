/* SPDX-License-Identifier: MIT */
/*
 * Allocation-failure loops (STYLE.md, "Tests"): for each core operation,
 * fail its 1st, 2nd, ... allocation until it no longer allocates, and
 * expect KITH_ERR_NOMEM, untouched outputs and no leak each time.
 *
 * The failing allocator is alloc-fail.c: libkith's own allocations (the
 * static archive) and this file's are counted and failed, SQLite's and
 * libical's are not, so only kith's own error paths are exercised.
 */
#include "helpers.h"
#include "alloc-fail.h"

#include <sqlite3.h>

#include "target.h"

/*
 * 1: take KITH_ERR_ICAL with libical's "No error" as the allocation failure
 * it is (BUGS.md #6), so the other paths of an operation that renders a
 * calendar are still checked while that bug is open.
 */
static int tolerate_render_bug;

static void arm(long n)
{
	alloc_seen = 0;
	fail_hit = 0;
	fail_at = n;
}

static void disarm(void)
{
	fail_at = 0;
	paused = 0;
}

static void reset(void)
{
	disarm();
	tolerate_render_bug = 0;
}

/*
 * Run op with its 1st, 2nd, ... allocation failing.  op returns its status
 * and frees whatever it got on success.  Returns how many allocations the
 * operation makes when nothing fails.
 */
typedef enum kith_status (*op_fn)(struct fixture *f);

static long alloc_loop(struct fixture *f, const char *what, op_fn op)
{
	for (long n = 1; n < 100000; n++) {
		long before = live_count, after;
		enum kith_status rc;

		arm(n);
		rc = op(f);
		disarm();
		after = live_count;
		if (after != before)
			fail_msg("%s, allocation %ld failing: %ld block(s) leaked (%s)", what, n,
				 after - before, kith_status_str(rc));
		if (!fail_hit) {
			if (rc != KITH_OK)
				fail_msg("%s without a failure: %s: %s", what, kith_status_str(rc),
					 f ? kith_ctx_errmsg(f->ctx) : "");
			return n - 1;
		}
		if (rc == KITH_ERR_ICAL && tolerate_render_bug && f &&
		    contains(kith_ctx_errmsg(f->ctx), "No error"))
			continue;
		if (rc != KITH_ERR_NOMEM)
			fail_msg("%s, allocation %ld failing: %s, want out of memory (%s)", what, n,
				 kith_status_str(rc), f ? kith_ctx_errmsg(f->ctx) : "");
	}
	fail_msg("%s never stops allocating", what);
	return 0;
}

/* ---- the network the operations work on ---- */

static int64_t anna_id;

static int network_setup(void **state)
{
	const char *emails[] = { "anna@example.org", "a.berg@work.example", NULL };
	const char *phones[] = { "+46 70 123 45 67", NULL };
	struct fixture *f;
	struct kith_contact *c;

	reset(); /* after a failed test */
	if (fixture_setup(state))
		return -1;
	f = *state;
	assert_ok(kith_store_begin(f->store));
	anna_id = add_contact_full(f, "Anna Berg", "core", D(2025, 1, 1), emails, phones, "email");
	c = get_contact(f, anna_id);
	assert_ok(kith_strlist_add(&c->tags, "nordic"));
	c->how_met = strdup("at a conference");
	assert_ok(kith_store_update_contact(f->store, c));
	kith_contact_free(c);
	add_touch(f, anna_id, D(2026, 4, 2), "meeting", "coffee");
	add_touch(f, anna_id, D(2026, 5, 28), "email", "sent the paper");
	add_touch(f, add_contact(f, "Annika Lund", "regular", D(2026, 5, 27)), D(2026, 5, 30),
		  "phone", NULL);
	add_contact(f, "Bo Ek", "outer", D(2025, 6, 1));
	add_touch(f, add_contact(f, "Cy Twombly", "annual", D(2024, 1, 1)), D(2025, 1, 1), NULL,
		  NULL);
	assert_ok(kith_store_snooze(f->store, add_contact(f, "Dee Snooze", "core", D(2025, 1, 1)),
				    D(2026, 6, 3)));
	assert_ok(kith_store_commit(f->store));
	return 0;
}

/* ---- operations ---- */

static enum kith_status op_ctx_new(struct fixture *f)
{
	struct kith_ctx *ctx = NULL;
	enum kith_status rc = kith_ctx_new(&ctx);

	(void)f;
	if (rc)
		assert_null(ctx);
	kith_ctx_free(ctx);
	return rc;
}

static enum kith_status op_strlist(struct fixture *f)
{
	struct kith_strlist l = { NULL, 0 };
	enum kith_status rc = KITH_OK;

	(void)f;
	for (int i = 0; i < 5 && !rc; i++)
		rc = kith_strlist_add(&l, "item");
	if (rc)
		assert_true(l.n < 5);
	kith_strlist_clear(&l);
	return rc;
}

static enum kith_status op_rrule(struct fixture *f)
{
	char *s = NULL;
	enum kith_status rc = kith_cadence_rrule(f->ctx, CAD(3, MONTH), &s);

	if (rc)
		assert_null(s);
	free(s);
	return rc;
}

static enum kith_status op_list_tiers(struct fixture *f)
{
	struct kith_tier *t = NULL;
	size_t n = 0;
	enum kith_status rc = kith_store_list_tiers(f->store, &t, &n);

	if (rc)
		assert_null(t);
	kith_tier_list_free(t, n);
	return rc;
}

static enum kith_status op_get_tier(struct fixture *f)
{
	struct kith_tier *t = NULL;
	enum kith_status rc = kith_store_get_tier(f->store, "outer", &t);

	if (rc)
		assert_null(t);
	kith_tier_free(t);
	return rc;
}

/* The NOT_FOUND path allocates too (it lists the tiers). */
static enum kith_status op_get_missing_tier(struct fixture *f)
{
	struct kith_tier *t = NULL;
	enum kith_status rc = kith_store_get_tier(f->store, "nosuch", &t);

	assert_null(t);
	if (rc == KITH_ERR_NOT_FOUND) {
		assert_contains(kith_ctx_errmsg(f->ctx), "core, regular");
		return KITH_OK;
	}
	return rc;
}

static enum kith_status op_get_contact(struct fixture *f)
{
	struct kith_contact *c = NULL;
	enum kith_status rc = kith_store_get_contact(f->store, anna_id, &c);

	if (rc)
		assert_null(c);
	else
		assert_int_equal(c->emails.n, 2);
	kith_contact_free(c);
	return rc;
}

static enum kith_status op_list_contacts(struct fixture *f)
{
	struct kith_contact *list = NULL;
	size_t n = 0;
	enum kith_status rc = kith_store_list_contacts(f->store, NULL, &list, &n);

	if (rc)
		assert_null(list);
	else
		assert_int_equal(n, 5);
	kith_contact_list_free(list, n);
	return rc;
}

static enum kith_status op_resolve_unique(struct fixture *f)
{
	struct kith_contact *c = NULL;
	enum kith_status rc = kith_store_resolve_contact(f->store, "berg", &c, NULL, NULL);

	if (rc)
		assert_null(c);
	kith_contact_free(c);
	return rc;
}

static enum kith_status op_resolve_ambiguous(struct fixture *f)
{
	struct kith_contact *c = NULL, *cands = NULL;
	size_t n = 0;
	enum kith_status rc = kith_store_resolve_contact(f->store, "ann", &c, &cands, &n);

	assert_null(c);
	if (rc == KITH_ERR_AMBIGUOUS) {
		assert_int_equal(n, 2);
		kith_contact_list_free(cands, n);
		return KITH_OK;
	}
	assert_null(cands);
	return rc;
}

static enum kith_status op_list_touches(struct fixture *f)
{
	struct kith_touch *t = NULL;
	size_t n = 0;
	enum kith_status rc = kith_store_list_touches(f->store, NULL, &t, &n);

	if (rc)
		assert_null(t);
	kith_touch_list_free(t, n);
	return rc;
}

static enum kith_status op_standing(struct fixture *f)
{
	struct kith_contact c;
	struct kith_standing s;
	enum kith_status rc;

	memset(&c, 0, sizeof(c));
	c.id = anna_id;
	c.name = "Anna Berg";
	c.tier = "core";
	c.added = D(2025, 1, 1);
	rc = kith_store_standing(f->store, &c, D(2026, 6, 1), 0, &s);
	if (!rc) {
		assert_string_equal(s.last_note, "sent the paper");
		kith_standing_clear(&s);
	}
	return rc;
}

static enum kith_status op_report(struct fixture *f)
{
	struct kith_report_options opts = { D(2026, 6, 1), NULL, 1, 0 };
	struct kith_report *r = NULL;
	enum kith_status rc = kith_report_build(f->store, &opts, &r);

	if (rc)
		assert_null(r);
	else
		assert_int_equal(r->n_rows, 5);
	kith_report_free(r);
	return rc;
}

static enum kith_status op_review(struct fixture *f)
{
	struct kith_review *rv = NULL;
	enum kith_status rc = kith_review_build(f->store, D(2026, 6, 1), 7, &rv);

	if (rc)
		assert_null(rv);
	else
		assert_int_equal(rv->n_touches, 2);
	kith_review_free(rv);
	return rc;
}

static enum kith_status op_reminder_build(struct fixture *f)
{
	struct kith_reminder_options opts = { 0, KITH_MODE_RRULE, 1, 540, 1780000000 };
	struct kith_contact *c = NULL;
	struct kith_reminder *r = NULL;
	enum kith_status rc;

	/* Fetched with nothing failing; the loop is about the reminder. */
	paused = 1;
	c = get_contact(f, anna_id);
	paused = 0;
	rc = kith_reminder_build(f->store, c, D(2026, 6, 1), &opts, &r);
	if (rc)
		assert_null(r);
	kith_reminder_free(r);
	kith_contact_free(c);
	return rc;
}

static enum kith_status op_reminders_to_ics(struct fixture *f)
{
	struct kith_reminder_options opts = { 0, KITH_MODE_RRULE, 1, 540, 1780000000 };
	struct kith_contact *c = NULL;
	struct kith_reminder *r = NULL;
	enum kith_status rc;
	char *ics = NULL;

	paused = 1;
	c = get_contact(f, anna_id);
	assert_ok(kith_reminder_build(f->store, c, D(2026, 6, 1), &opts, &r));
	paused = 0;
	rc = kith_reminders_to_ics(f->ctx, &r, 1, &ics);
	if (rc)
		assert_null(ics);
	free(ics);
	kith_reminder_free(r);
	kith_contact_free(c);
	return rc;
}

static enum kith_status op_export(struct fixture *f)
{
	struct kith_reminder_options opts = { 0, KITH_MODE_PLAIN, 0, 0, 1780000000 };
	char *ics = NULL;
	size_t n = 0;
	enum kith_status rc = kith_export_ics(f->store, D(2026, 6, 1), &opts, &ics, &n);

	if (rc)
		assert_null(ics);
	else
		assert_int_equal(n, 5);
	free(ics);
	return rc;
}

static enum kith_status op_open_existing(struct fixture *f)
{
	struct kith_store *s = NULL;
	enum kith_status rc = kith_store_open(f->ctx, f->path, &s);

	if (rc)
		assert_null(s);
	kith_store_close(s);
	return rc;
}

static enum kith_status op_add_contact_in_tx(struct fixture *f)
{
	struct kith_contact c;
	char *emails[] = { "new@example.org", "other@example.org" };
	char *tags[] = { "t1" };
	enum kith_status rc;

	memset(&c, 0, sizeof(c));
	c.name = "New Person";
	c.tier = "regular";
	c.added = D(2026, 5, 1);
	c.emails.items = emails;
	c.emails.n = 2;
	c.tags.items = tags;
	c.tags.n = 1;
	assert_ok(kith_store_begin(f->store));
	rc = kith_store_add_contact(f->store, &c);
	if (rc) {
		assert_int_equal(c.id, 0);
		assert_null(c.uid);
	}
	kith_store_rollback(f->store);
	free(c.uid);
	return rc;
}

static long count_contacts(struct fixture *f)
{
	struct kith_contact *list = NULL;
	size_t n = 0;
	int was = paused;

	paused = 1;
	assert_ok(kith_store_list_contacts(
		f->store, &(struct kith_contact_filter){ NULL, 1, { 0, 0, 0 } }, &list, &n));
	kith_contact_list_free(list, n);
	paused = was;
	return (long)n;
}

/* Outside a transaction: a failed add must leave nothing behind. */
static enum kith_status op_add_contact_autocommit(struct fixture *f)
{
	struct kith_contact c;
	char *emails[] = { "solo@example.org" };
	long before = count_contacts(f);
	enum kith_status rc;

	memset(&c, 0, sizeof(c));
	c.name = "Solo Autocommit";
	c.tier = "regular";
	c.added = D(2026, 5, 1);
	c.emails.items = emails;
	c.emails.n = 1;
	rc = kith_store_add_contact(f->store, &c);
	if (rc) {
		assert_int_equal(c.id, 0);
		if (count_contacts(f) != before)
			fail_msg("kith_store_add_contact() with allocation %ld failing: %s, "
				 "and it left a contact behind",
				 fail_at, kith_status_str(rc));
	}
	free(c.uid);
	return rc;
}

/* A sync-collection delta applied to what was known: on failure, the delta is as it was. */
static enum kith_status op_listing_apply(struct fixture *f)
{
	struct kith_listing known = { 0 }, l = { 0 };
	int rc;

	(void)f;
	paused = 1;
	/* 63 kept: the second entry taken from the delta grows the listing (64 -> 128). */
	for (int i = 0; i < 65; i++) {
		char name[32];

		snprintf(name, sizeof(name), "/cal/%02d.ics", i);
		assert_int_equal(kith_listing_add(&known, name, "\"1\""), 0);
	}
	l.delta = 1;
	assert_int_equal(kith_listing_add(&l, "/cal/07.ics", "\"2\""), 0);
	assert_int_equal(kith_listing_add(&l, "/cal/new.ics", "\"1\""), 0);
	assert_int_equal(kith_listing_gone(&l, "/cal/08.ics"), 0);
	paused = 0;
	rc = kith_listing_apply(&l, &known);
	paused = 1;
	if (rc) {
		assert_int_equal(l.delta, 1);
		assert_int_equal(l.n, 2);
		assert_string_equal(l.names[1], "/cal/new.ics");
		assert_int_equal(l.n_gone, 1);
	} else {
		assert_int_equal(l.n, 65);
	}
	kith_listing_clear(&l);
	kith_listing_clear(&known);
	paused = 0;
	return rc ? KITH_ERR_NOMEM : KITH_OK;
}

/* ---- tests ---- */

static void test_alloc_failure_ctx_and_strlist(void **state)
{
	(void)state;
	assert_true(alloc_loop(NULL, "kith_ctx_new", op_ctx_new) >= 1);
	assert_true(alloc_loop(NULL, "kith_strlist_add", op_strlist) >= 5);
	assert_true(alloc_loop(NULL, "kith_listing_apply", op_listing_apply) >= 5);
}

#define LOOP(f, op) assert_true(alloc_loop((f), #op, (op)) >= 1)

static void test_alloc_failure_rrule(void **state)
{
	LOOP(*state, op_rrule);
}

static void test_alloc_failure_tiers(void **state)
{
	LOOP(*state, op_list_tiers);
	LOOP(*state, op_get_tier);
	LOOP(*state, op_get_missing_tier);
}

static void test_alloc_failure_contacts(void **state)
{
	LOOP(*state, op_get_contact);
	LOOP(*state, op_list_contacts);
	LOOP(*state, op_resolve_unique);
	LOOP(*state, op_resolve_ambiguous);
	LOOP(*state, op_add_contact_in_tx);
}

/*
 * BUG (see tests/unit/BUGS.md, "7. kith_store_add_contact() is not atomic
 * on its own"): an allocation failure after the INSERT leaves a contact
 * without a UID behind when no transaction is open.
 */
static void test_alloc_failure_add_contact_leaves_nothing(void **state)
{
	LOOP(*state, op_add_contact_autocommit);
}

static void test_alloc_failure_touches(void **state)
{
	LOOP(*state, op_list_touches);
}

static void test_alloc_failure_report_and_review(void **state)
{
	LOOP(*state, op_standing);
	LOOP(*state, op_report);
	LOOP(*state, op_review);
}

static void test_alloc_failure_reminder_build(void **state)
{
	LOOP(*state, op_reminder_build);
}

/*
 * BUG (see tests/unit/BUGS.md, "6. Rendering reports an allocation failure
 * as an iCalendar error"): kith_reminders_to_ics() and kith_export_ics()
 * return KITH_ERR_ICAL ("could not build the calendar: NO: No error") when
 * copying libical's output fails.
 */
static void test_alloc_failure_render_is_nomem(void **state)
{
	LOOP(*state, op_reminders_to_ics);
	LOOP(*state, op_export);
}

/* Every other allocation of an export, with bug #6 tolerated. */
static void test_alloc_failure_export(void **state)
{
	tolerate_render_bug = 1;
	LOOP(*state, op_reminders_to_ics);
	LOOP(*state, op_export);
	tolerate_render_bug = 0;
}

static void test_alloc_failure_store_open(void **state)
{
	LOOP(*state, op_open_existing);
}

static int network_teardown(void **state)
{
	reset();
	return fixture_teardown(state);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, network_setup, network_teardown)
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_failure_ctx_and_strlist),
		T(test_alloc_failure_rrule),
		T(test_alloc_failure_tiers),
		T(test_alloc_failure_contacts),
		T(test_alloc_failure_add_contact_leaves_nothing),
		T(test_alloc_failure_touches),
		T(test_alloc_failure_report_and_review),
		T(test_alloc_failure_reminder_build),
		T(test_alloc_failure_render_is_nomem),
		T(test_alloc_failure_export),
		T(test_alloc_failure_store_open),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
