/* SPDX-License-Identifier: MIT */
/*
 * The schedule rule (kith/schedule.h): the effective cadence, next due
 * with an import's first date, snoozes and pauses, and the standing.
 */
#include "helpers.h"

/* Next due of a contact without an import's first date. */
static struct kith_date NEXT(struct kith_cadence cadence, struct kith_date last,
			     struct kith_date added, struct kith_date snoozed) {
	struct kith_schedule_facts f = { cadence, last, added, NODATE, snoozed, 0 };

	return kith_schedule_next_due(&f);
}

static struct kith_standing
standing(struct kith_schedule_facts f, struct kith_date today)
{
	struct kith_standing s;

	kith_schedule_standing(&f, today, 0, &s);
	return s;
}

/* ---- next due ---- */

static void test_next_due_from_last_touch(void **state)
{
	(void)state;
	assert_date(NEXT(CAD(3, MONTH), D(2026, 2, 10), D(2025, 1, 1), NODATE), 2026, 5, 10);
	assert_date(NEXT(CAD(1, MONTH), D(2026, 1, 31), D(2025, 1, 1), NODATE), 2026, 2, 28);
}

static void test_next_due_never_touched_uses_added(void **state)
{
	(void)state;
	assert_date(NEXT(CAD(2, WEEK), NODATE, D(2026, 3, 1), NODATE), 2026, 3, 15);
	assert_date(NEXT(CAD(1, YEAR), NODATE, D(2024, 2, 29), NODATE), 2025, 2, 28);
}

static void test_next_due_later_snooze_wins(void **state)
{
	(void)state;
	assert_date(NEXT(CAD(3, MONTH), D(2026, 2, 10), D(2025, 1, 1), D(2026, 6, 1)), 2026, 6, 1);
	assert_date(NEXT(CAD(2, WEEK), NODATE, D(2026, 3, 1), D(2026, 3, 16)), 2026, 3, 16);
}

static void test_next_due_earlier_snooze_is_ignored(void **state)
{
	(void)state;
	/* A touch after the snooze already moved the date further. */
	assert_date(NEXT(CAD(3, MONTH), D(2026, 2, 10), D(2025, 1, 1), D(2026, 3, 1)), 2026, 5, 10);
	/* A snooze to the due day itself changes nothing. */
	assert_date(NEXT(CAD(3, MONTH), D(2026, 2, 10), D(2025, 1, 1), D(2026, 5, 10)), 2026, 5,
		    10);
}

/* ---- an import's first date ---- */

static void test_first_due_stands_instead_of_the_cadence(void **state)
{
	struct kith_schedule_facts f = { CAD(3, MONTH),  D(2026, 1, 5), D(2026, 2, 1),
					 D(2026, 2, 20), NODATE,        0 };

	(void)state;
	/* last + 3 months would be 2026-04-05; the spread date is earlier and stands. */
	assert_date(kith_schedule_next_due(&f), 2026, 2, 20);
	f.first_due = D(2026, 4, 30);
	assert_date(kith_schedule_next_due(&f), 2026, 4, 30);
}

static void test_first_due_postponed_by_a_later_snooze(void **state)
{
	struct kith_schedule_facts f = { CAD(3, MONTH),  NODATE,        D(2026, 2, 1),
					 D(2026, 2, 20), D(2026, 3, 1), 0 };

	(void)state;
	assert_date(kith_schedule_next_due(&f), 2026, 3, 1);
	f.snoozed_until = D(2026, 2, 10);
	assert_date(kith_schedule_next_due(&f), 2026, 2, 20);
}

/* ---- the effective cadence ---- */

static void test_cadence_own_else_tier_else_none(void **state)
{
	struct kith_tier tiers[2] = {
		{ "core", CAD(2, MONTH), NULL, -1 },
		{ "annual", CAD(1, YEAR), NULL, -1 },
	};
	struct kith_cadence c;

	(void)state;
	c = kith_schedule_cadence(CAD(6, WEEK), "core", tiers, 2);
	assert_int_equal(c.unit, KITH_CADENCE_WEEK);
	assert_int_equal(c.n, 6);
	c = kith_schedule_cadence(CAD(0, NONE), "annual", tiers, 2);
	assert_int_equal(c.unit, KITH_CADENCE_YEAR);
	assert_int_equal(c.n, 1);
	/* No tier of that name (or none loaded): no cadence, never a made-up one. */
	c = kith_schedule_cadence(CAD(0, NONE), "gone", tiers, 2);
	assert_false(kith_cadence_is_set(c));
	c = kith_schedule_cadence(CAD(0, NONE), NULL, NULL, 0);
	assert_false(kith_cadence_is_set(c));
}

/* ---- standing ---- */

static void test_standing_states(void **state)
{
	struct kith_schedule_facts f = { CAD(1, MONTH), D(2026, 1, 10), D(2025, 1, 1),
					 NODATE,        NODATE,         0 };
	struct kith_standing s;

	(void)state;
	s = standing(f, D(2026, 2, 11));
	assert_int_equal(s.state, KITH_DUE_OVERDUE);
	assert_int_equal(s.days_overdue, 1);
	assert_int_equal(s.days_since, 32);
	/* Due today is due, not overdue. */
	s = standing(f, D(2026, 2, 10));
	assert_int_equal(s.state, KITH_DUE_SOON);
	assert_int_equal(s.days_overdue, 0);
	/* The default window is 7 days. */
	s = standing(f, D(2026, 2, 3));
	assert_int_equal(s.state, KITH_DUE_SOON);
	s = standing(f, D(2026, 2, 2));
	assert_int_equal(s.state, KITH_DUE_OK);
	assert_int_equal(s.days_overdue, -8);
	assert_null(s.last_channel);
	assert_null(s.last_note);
	/* Paused wins over overdue; the due date is still computed. */
	f.paused = 1;
	s = standing(f, D(2026, 6, 1));
	assert_int_equal(s.state, KITH_DUE_PAUSED);
	assert_date(s.due, 2026, 2, 10);
}

static void test_standing_never_touched_counts_from_added(void **state)
{
	struct kith_schedule_facts f = { CAD(10, DAY), NODATE, D(2026, 3, 1), NODATE, NODATE, 0 };
	struct kith_standing s = standing(f, D(2026, 3, 21));

	(void)state;
	assert_int_equal(s.days_since, -1);
	assert_date(s.due, 2026, 3, 11);
	assert_int_equal(s.state, KITH_DUE_OVERDUE);
	/* 20 days since added over a 10-day cadence. */
	assert_true(s.quiet_ratio > 1.99 && s.quiet_ratio < 2.01);
}

static void test_standing_without_cadence_has_no_ratio(void **state)
{
	struct kith_schedule_facts f = { CAD(0, NONE), D(2026, 3, 1), D(2026, 1, 1),
					 NODATE,       NODATE,        0 };
	struct kith_standing s = standing(f, D(2026, 3, 21));

	(void)state;
	assert_date(s.due, 2026, 3, 1);
	assert_true(s.quiet_ratio == 0);
}

static void test_due_state_spelling(void **state)
{
	(void)state;
	/* The spelling of the documented CSV and JSON formats (kith(1)). */
	assert_string_equal(kith_due_state_str(KITH_DUE_OK), "ok");
	assert_string_equal(kith_due_state_str(KITH_DUE_SOON), "soon");
	assert_string_equal(kith_due_state_str(KITH_DUE_OVERDUE), "overdue");
	assert_string_equal(kith_due_state_str(KITH_DUE_PAUSED), "paused");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_due_from_last_touch),
		cmocka_unit_test(test_next_due_never_touched_uses_added),
		cmocka_unit_test(test_next_due_later_snooze_wins),
		cmocka_unit_test(test_next_due_earlier_snooze_is_ignored),
		cmocka_unit_test(test_first_due_stands_instead_of_the_cadence),
		cmocka_unit_test(test_first_due_postponed_by_a_later_snooze),
		cmocka_unit_test(test_cadence_own_else_tier_else_none),
		cmocka_unit_test(test_standing_states),
		cmocka_unit_test(test_standing_never_touched_counts_from_added),
		cmocka_unit_test(test_standing_without_cadence_has_no_ratio),
		cmocka_unit_test(test_due_state_spelling),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
