/* SPDX-License-Identifier: MIT */
/* Calendar dates, cadence arithmetic and the pure next-due rule. */
#include "helpers.h"

#include "date.h" /* the private arithmetic */

static struct kith_ctx *ctx;

static int group_setup(void **state)
{
	(void)state;
	return kith_ctx_new(&ctx) == KITH_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	kith_ctx_free(ctx);
	return 0;
}

static struct kith_date parse(const char *text)
{
	struct kith_date d = NODATE;
	enum kith_status rc = kith_date_parse(ctx, text, &d);

	if (rc != KITH_OK)
		fail_msg("'%s' did not parse: %s", text, kith_ctx_errmsg(ctx));
	return d;
}

static void check_refused(const char *text)
{
	struct kith_date d = D(1999, 9, 9);
	enum kith_status rc = kith_date_parse(ctx, text, &d);

	if (rc != KITH_ERR_INVALID)
		fail_msg("'%s' gave %s, want invalid input", text ? text : "(NULL)",
			 kith_status_str(rc));
	/* Outputs are written only on success. */
	assert_date(d, 1999, 9, 9);
	assert_true(strlen(kith_ctx_errmsg(ctx)) > 0);
}

/* ---- parse / format ---- */

static void test_date_parse_iso_extended(void **state)
{
	(void)state;
	assert_date(parse("2026-03-01"), 2026, 3, 1);
	assert_date(parse("1999-12-31"), 1999, 12, 31);
	assert_date(parse("2024-02-29"), 2024, 2, 29);
	assert_date(parse("2000-02-29"), 2000, 2, 29);
}

static void test_date_parse_iso_basic(void **state)
{
	(void)state;
	assert_date(parse("20260301"), 2026, 3, 1);
	assert_date(parse("20240229"), 2024, 2, 29);
}

static void test_date_parse_rejects_days_that_do_not_exist(void **state)
{
	(void)state;
	check_refused("2026-02-29");
	check_refused("2100-02-29"); /* centuries are not leap years... */
	check_refused("1900-02-29");
	check_refused("2026-02-30");
	check_refused("2026-04-31");
	check_refused("2026-13-01");
	check_refused("2026-00-10");
	check_refused("2026-01-00");
	check_refused("2026-01-32");
	check_refused("0000-01-01");
	check_refused("20260229");
	check_refused("20261301");
	assert_contains(kith_ctx_errmsg(ctx), "20261301");
}

static void test_date_parse_rejects_garbage(void **state)
{
	static const char *const bad[] = {
		"",           "today",       "2026-1-1",    "2026/01/01",
		"26-01-01",   "2026-01-01x", " 2026-01-01", "2026-01-01 ",
		"abcd-ef-gh", "2026-01-0a",  "2026-0101",   "202601-01",
		"2026013",    "202601011",   "-2026-01-01", "2026-+1-01",
		"2026--1-01", "+2026-01-01",
	};

	(void)state;
	check_refused(NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_refused(bad[i]);
	assert_contains(kith_ctx_errmsg(ctx), "YYYY-MM-DD");
}

static void test_date_format_pads_and_round_trips(void **state)
{
	char buf[KITH_DATE_BUFSZ];

	(void)state;
	assert_string_equal(kith_date_format(D(2026, 3, 1), buf), "2026-03-01");
	assert_string_equal(kith_date_format(D(999, 1, 5), buf), "0999-01-05");
	assert_string_equal(kith_date_format(D(9999, 12, 31), buf), "9999-12-31");
	assert_date(parse(kith_date_format(D(2028, 2, 29), buf)), 2028, 2, 29);
}

static void test_date_format_unset_or_invalid_is_empty(void **state)
{
	char buf[KITH_DATE_BUFSZ];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_string_equal(kith_date_format(NODATE, buf), "");
	memset(buf, 'x', sizeof(buf));
	assert_string_equal(kith_date_format(D(2026, 2, 30), buf), "");
}

static void test_date_is_set_and_valid(void **state)
{
	(void)state;
	assert_false(kith_date_is_set(NODATE));
	assert_true(kith_date_is_set(D(2026, 1, 1)));
	assert_false(kith_date_is_valid(NODATE));
	assert_true(kith_date_is_valid(D(2026, 1, 31)));
	assert_false(kith_date_is_valid(D(2026, 2, 29)));
	assert_true(kith_date_is_valid(D(2028, 2, 29)));
	assert_false(kith_date_is_valid(D(2026, 0, 1)));
	assert_false(kith_date_is_valid(D(2026, 13, 1)));
	assert_false(kith_date_is_valid(D(10000, 1, 1)));
}

static void test_date_today_is_valid(void **state)
{
	(void)state;
	assert_true(kith_date_is_valid(kith_date_today()));
	assert_true(kith_date_cmp(kith_date_today(), D(2024, 1, 1)) > 0);
}

/* ---- compare / difference ---- */

static void test_date_cmp_orders_by_year_month_day(void **state)
{
	(void)state;
	assert_int_equal(kith_date_cmp(D(2026, 3, 1), D(2026, 3, 1)), 0);
	assert_int_equal(kith_date_cmp(D(2025, 12, 31), D(2026, 1, 1)), -1);
	assert_int_equal(kith_date_cmp(D(2026, 1, 1), D(2025, 12, 31)), 1);
	assert_int_equal(kith_date_cmp(D(2026, 2, 28), D(2026, 3, 1)), -1);
	assert_int_equal(kith_date_cmp(D(2026, 3, 2), D(2026, 3, 1)), 1);
	/* -1/0/1 exactly, not any negative or positive number. */
	assert_int_equal(kith_date_cmp(D(1990, 1, 1), D(2030, 12, 31)), -1);
	assert_int_equal(kith_date_cmp(D(2030, 12, 31), D(1990, 1, 1)), 1);
}

static void test_date_cmp_unset_sorts_first(void **state)
{
	(void)state;
	assert_int_equal(kith_date_cmp(NODATE, D(1, 1, 1)), -1);
	assert_int_equal(kith_date_cmp(D(2026, 1, 1), NODATE), 1);
	assert_int_equal(kith_date_cmp(NODATE, NODATE), 0);
}

static void test_date_diff_days_within_and_across_years(void **state)
{
	(void)state;
	assert_int_equal(kith_date_diff_days(D(2026, 3, 1), D(2026, 3, 1)), 0);
	assert_int_equal(kith_date_diff_days(D(2026, 3, 1), D(2026, 3, 11)), 10);
	assert_int_equal(kith_date_diff_days(D(2026, 3, 11), D(2026, 3, 1)), -10);
	assert_int_equal(kith_date_diff_days(D(2025, 12, 31), D(2026, 1, 1)), 1);
	assert_int_equal(kith_date_diff_days(D(2026, 1, 1), D(2025, 12, 31)), -1);
	assert_int_equal(kith_date_diff_days(D(2023, 1, 1), D(2024, 1, 1)), 365);
	assert_int_equal(kith_date_diff_days(D(2024, 1, 1), D(2025, 1, 1)), 366);
	assert_int_equal(kith_date_diff_days(D(2000, 1, 1), D(2100, 1, 1)), 36525);
	assert_int_equal(kith_date_diff_days(D(1969, 12, 31), D(1970, 1, 1)), 1);
	assert_int_equal(kith_date_diff_days(D(1960, 1, 1), D(1970, 1, 1)), 3653);
	assert_int_equal(kith_date_diff_days(D(2026, 1, 1), D(2050, 6, 15)), 8931);
}

static void test_date_diff_days_across_leap_days(void **state)
{
	(void)state;
	assert_int_equal(kith_date_diff_days(D(2024, 2, 28), D(2024, 3, 1)), 2);
	assert_int_equal(kith_date_diff_days(D(2023, 2, 28), D(2023, 3, 1)), 1);
	assert_int_equal(kith_date_diff_days(D(2000, 2, 28), D(2000, 3, 1)), 2);
	assert_int_equal(kith_date_diff_days(D(2100, 2, 28), D(2100, 3, 1)), 1);
	assert_int_equal(kith_date_diff_days(D(2024, 2, 29), D(2025, 2, 28)), 365);
	assert_int_equal(kith_date_diff_days(D(2028, 3, 1), D(2028, 2, 29)), -1);
}

/* ---- add days ---- */

static void test_date_add_days_positive(void **state)
{
	(void)state;
	assert_date(kith_date_add_days(D(2026, 3, 1), 0), 2026, 3, 1);
	assert_date(kith_date_add_days(D(2026, 3, 1), 1), 2026, 3, 2);
	assert_date(kith_date_add_days(D(2026, 1, 31), 1), 2026, 2, 1);
	assert_date(kith_date_add_days(D(2025, 12, 31), 1), 2026, 1, 1);
	assert_date(kith_date_add_days(D(2024, 2, 28), 1), 2024, 2, 29);
	assert_date(kith_date_add_days(D(2026, 2, 28), 1), 2026, 3, 1);
	assert_date(kith_date_add_days(D(2024, 1, 1), 366), 2025, 1, 1);
	assert_date(kith_date_add_days(D(2026, 12, 25), 14), 2027, 1, 8);
	assert_date(kith_date_add_days(D(2037, 12, 31), 1000), 2040, 9, 26);
}

static void test_date_add_days_negative(void **state)
{
	(void)state;
	assert_date(kith_date_add_days(D(2026, 3, 1), -1), 2026, 2, 28);
	assert_date(kith_date_add_days(D(2024, 3, 1), -1), 2024, 2, 29);
	assert_date(kith_date_add_days(D(2026, 1, 1), -1), 2025, 12, 31);
	assert_date(kith_date_add_days(D(2026, 1, 7), -7), 2025, 12, 31);
	assert_date(kith_date_add_days(D(1970, 1, 1), -1), 1969, 12, 31);
	assert_date(kith_date_add_days(D(1970, 1, 1), -366), 1968, 12, 31);
}

static void test_date_add_then_diff_round_trips(void **state)
{
	static const long deltas[] = { -4000, -366, -365, -31, -1, 0, 1, 28, 59, 365, 366, 4000 };
	static const struct kith_date bases[] = {
		{ 2024, 2, 29 }, { 2026, 1, 31 }, { 1999, 12, 31 }, { 2100, 3, 1 }, { 1975, 6, 15 },
	};

	(void)state;
	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		for (size_t i = 0; i < sizeof(deltas) / sizeof(deltas[0]); i++) {
			struct kith_date d = kith_date_add_days(bases[b], deltas[i]);

			assert_true(kith_date_is_valid(d));
			assert_int_equal(kith_date_diff_days(bases[b], d), deltas[i]);
		}
	}
}

/*
 * Regression (BUGS.md #2, fixed in ccfe025): libical's time_t conversion
 * refuses years before 1902, which made every such day 1969-12-31.
 */
static void test_date_arithmetic_before_1902(void **state)
{
	(void)state;
	assert_date(kith_date_add_days(D(1901, 12, 31), 1), 1902, 1, 1);
	assert_date(kith_date_add_days(D(1900, 2, 28), 1), 1900, 3, 1);
	assert_date(kith_date_add_days(D(1600, 2, 28), 1), 1600, 2, 29);
	assert_date(kith_date_add_days(D(1, 12, 31), 1), 2, 1, 1);
	assert_int_equal(kith_date_diff_days(D(1901, 12, 31), D(1902, 1, 1)), 1);
	assert_int_equal(kith_date_diff_days(D(1899, 1, 1), D(1900, 1, 1)), 365);
	assert_int_equal(kith_date_diff_days(D(1600, 1, 1), D(2000, 1, 1)), 146097);
	assert_int_equal(kith_date_diff_days(D(1850, 7, 4), D(1950, 7, 4)), 36524);
	assert_date(kith_cadence_add(CAD(2, MONTH), D(1899, 12, 31)), 1900, 2, 28);
}

/* ---- the calendar itself (lib/date.h) ---- */

static void test_date_day_number_round_trips_at_the_range_ends(void **state)
{
	(void)state;
	assert_int_equal(kith_date_day_number(D(1970, 1, 1)), 0);
	assert_date(kith_date_from_day_number(0), 1970, 1, 1);
	assert_int_equal(kith_date_day_number(D(1, 1, 1)), -719162);
	assert_date(kith_date_from_day_number(-719162), 1, 1, 1);
	assert_int_equal(kith_date_day_number(D(9999, 12, 31)), 2932896);
	assert_date(kith_date_from_day_number(2932896), 9999, 12, 31);
	/* The first leap day the calendar has, and the last. */
	assert_date(kith_date_from_day_number(kith_date_day_number(D(4, 2, 29))), 4, 2, 29);
	assert_date(kith_date_from_day_number(kith_date_day_number(D(9996, 2, 29))), 9996, 2, 29);
	assert_date(kith_date_add_days(D(1, 1, 1), 59), 1, 3, 1);
	assert_date(kith_date_add_days(D(9999, 12, 31), -365), 9998, 12, 31);
}

static void test_date_leap_years_follow_the_gregorian_rule(void **state)
{
	(void)state;
	assert_false(kith_date_is_leap_year(1900));
	assert_true(kith_date_is_leap_year(2000));
	assert_false(kith_date_is_leap_year(2100));
	assert_true(kith_date_is_leap_year(2024));
	assert_false(kith_date_is_leap_year(2026));
	assert_true(kith_date_is_leap_year(1600));
	assert_true(kith_date_is_leap_year(4));
	assert_false(kith_date_is_leap_year(1));
	assert_int_equal(kith_date_days_in_month(2, 1900), 28);
	assert_int_equal(kith_date_days_in_month(2, 2000), 29);
	assert_int_equal(kith_date_days_in_month(2, 2100), 28);
	assert_false(kith_date_is_valid(D(1900, 2, 29)));
	assert_true(kith_date_is_valid(D(2000, 2, 29)));
	assert_false(kith_date_is_valid(D(2100, 2, 29)));
	/* Proleptic: no Julian leap days before 1753 (libical has them). */
	assert_false(kith_date_is_valid(D(1700, 2, 29)));
	assert_false(kith_date_is_valid(D(100, 2, 29)));
	check_refused("1700-02-29");
	assert_int_equal(kith_date_diff_days(D(1700, 2, 28), D(1700, 3, 1)), 1);
}

static void test_date_days_in_month(void **state)
{
	static const int lengths[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	(void)state;
	for (int m = 1; m <= 12; m++)
		assert_int_equal(kith_date_days_in_month(m, 2026), lengths[m - 1]);
	assert_int_equal(kith_date_days_in_month(0, 2026), 0);
	assert_int_equal(kith_date_days_in_month(13, 2026), 0);
	assert_int_equal(kith_date_days_in_month(-1, 2026), 0);
}

static void test_date_add_months_clamps_to_the_month_end(void **state)
{
	(void)state;
	assert_date(kith_date_add_months(D(2026, 1, 31), 1), 2026, 2, 28);
	assert_date(kith_date_add_months(D(2024, 1, 31), 1), 2024, 2, 29);
	assert_date(kith_date_add_months(D(2000, 1, 31), 1), 2000, 2, 29);
	assert_date(kith_date_add_months(D(1900, 1, 31), 1), 1900, 2, 28);
	assert_date(kith_date_add_months(D(2026, 3, 31), -1), 2026, 2, 28);
	assert_date(kith_date_add_months(D(2024, 3, 31), -1), 2024, 2, 29);
	assert_date(kith_date_add_months(D(2026, 5, 31), -1), 2026, 4, 30);
	assert_date(kith_date_add_months(D(2026, 1, 15), -1), 2025, 12, 15);
	assert_date(kith_date_add_months(D(2026, 1, 15), -13), 2024, 12, 15);
	assert_date(kith_date_add_months(D(2026, 1, 15), -24), 2024, 1, 15);
	assert_date(kith_date_add_months(D(2026, 12, 31), 2), 2027, 2, 28);
	assert_date(kith_date_add_months(D(2024, 2, 29), 12), 2025, 2, 28);
	assert_date(kith_date_add_months(D(2024, 2, 29), 48), 2028, 2, 29);
	assert_date(kith_date_add_months(D(2026, 8, 31), 0), 2026, 8, 31);
	assert_date(kith_date_add_months(D(1, 1, 31), 1), 1, 2, 28);
	assert_date(kith_date_add_months(D(9999, 12, 31), -1), 9999, 11, 30);
	assert_date(kith_date_add_months(D(1, 1, 1), 12 * 9998 + 11), 9999, 12, 1);
}

static void test_date_add_days_negative_across_centuries(void **state)
{
	(void)state;
	assert_date(kith_date_add_days(D(2000, 3, 1), -1), 2000, 2, 29);
	assert_date(kith_date_add_days(D(1900, 3, 1), -1), 1900, 2, 28);
	assert_date(kith_date_add_days(D(2100, 3, 1), -1), 2100, 2, 28);
	assert_date(kith_date_add_days(D(2001, 1, 1), -1), 2000, 12, 31);
	assert_date(kith_date_add_days(D(1, 1, 2), -1), 1, 1, 1);
	assert_date(kith_date_add_days(D(2000, 1, 1), -146097), 1600, 1, 1);
	assert_date(kith_date_add_days(D(2000, 1, 1), -36524), 1900, 1, 1);
	assert_date(kith_date_add_days(D(9999, 12, 31), -3652058), 1, 1, 1);
	assert_date(kith_date_add_days(D(1, 1, 1), 3652058), 9999, 12, 31);
}

static void test_date_diff_days_across_centuries(void **state)
{
	(void)state;
	assert_int_equal(kith_date_diff_days(D(1, 1, 1), D(9999, 12, 31)), 3652058);
	assert_int_equal(kith_date_diff_days(D(9999, 12, 31), D(1, 1, 1)), -3652058);
	assert_int_equal(kith_date_diff_days(D(1900, 1, 1), D(2000, 1, 1)), 36524);
	assert_int_equal(kith_date_diff_days(D(2000, 1, 1), D(2100, 1, 1)), 36525);
	assert_int_equal(kith_date_diff_days(D(1700, 3, 1), D(1800, 3, 1)), 36524);
	assert_int_equal(kith_date_diff_days(D(1583, 1, 1), D(2583, 1, 1)), 365243);
	assert_int_equal(kith_date_diff_days(D(1, 1, 1), D(401, 1, 1)), 146097);
	assert_int_equal(kith_date_diff_days(D(1969, 12, 31), D(2070, 1, 1)), 36526);
}

/*
 * Every day from 1583 to 2600: the day number goes up by exactly one from
 * each day to the next, maps back to the same date, and each month has as
 * many days as its length says.
 */
static void test_date_sweep_1583_to_2600(void **state)
{
	long expect = kith_date_day_number(D(1583, 1, 1));

	(void)state;
	for (int y = 1583; y <= 2600; y++) {
		long year_start = expect;

		for (int m = 1; m <= 12; m++) {
			int dim = kith_date_days_in_month(m, y);

			assert_in_range(dim, 28, 31);
			for (int d = 1; d <= dim; d++) {
				struct kith_date day = D(y, m, d);
				struct kith_date back;
				long n = kith_date_day_number(day);

				if (n != expect)
					fail_msg("%04d-%02d-%02d is day %ld, want %ld", y, m, d, n,
						 expect);
				back = kith_date_from_day_number(n);
				if (kith_date_cmp(back, day))
					fail_msg("day %ld is %04d-%02d-%02d, want %04d-%02d-%02d",
						 n, back.year, back.month, back.day, y, m, d);
				expect++;
			}
			assert_int_equal(kith_date_diff_days(D(y, m, 1),
							     kith_date_add_months(D(y, m, 1), 1)),
					 dim);
		}
		assert_int_equal(expect - year_start, kith_date_is_leap_year(y) ? 366 : 365);
	}
}

/* The local date of an instant, in a zone fixed for the test. */
static void test_date_local_of_an_instant(void **state)
{
	const char *old = getenv("TZ");
	char *saved = old ? strdup(old) : NULL;

	(void)state;
	setenv("TZ", "UTC0", 1);
	tzset();
	assert_date(kith_date_local(0), 1970, 1, 1);
	assert_date(kith_date_local(86399), 1970, 1, 1);
	assert_date(kith_date_local(86400), 1970, 1, 2);
	assert_date(kith_date_local(-1), 1969, 12, 31);
	assert_date(kith_date_local(951782400), 2000, 2, 29);
	setenv("TZ", "EST5", 1);
	tzset();
	assert_date(kith_date_local(0), 1969, 12, 31);
	if (saved)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
}

/* ---- cadence arithmetic ---- */

static struct kith_date add(const char *cadence, struct kith_date d)
{
	struct kith_cadence c;

	assert_ok(kith_cadence_parse(ctx, cadence, &c));
	return kith_cadence_add(c, d);
}

static void test_schedule_days_and_weeks(void **state)
{
	(void)state;
	assert_date(add("90d", D(2026, 1, 1)), 2026, 4, 1);
	assert_date(add("1d", D(2026, 2, 28)), 2026, 3, 1);
	assert_date(add("2w", D(2026, 3, 1)), 2026, 3, 15);
	assert_date(add("2w", D(2025, 12, 25)), 2026, 1, 8);
	assert_date(add("6w", D(2025, 11, 30)), 2026, 1, 11);
	assert_date(add("weekly", D(2024, 2, 26)), 2024, 3, 4);
}

static void test_schedule_month_end_clamps(void **state)
{
	(void)state;
	assert_date(add("1m", D(2026, 1, 31)), 2026, 2, 28);
	assert_date(add("1m", D(2028, 1, 31)), 2028, 2, 29);
	assert_date(add("1m", D(2026, 3, 31)), 2026, 4, 30);
	assert_date(add("1m", D(2026, 5, 31)), 2026, 6, 30);
	assert_date(add("3m", D(2025, 11, 30)), 2026, 2, 28);
	assert_date(add("3m", D(2027, 11, 30)), 2028, 2, 29);
	assert_date(add("2m", D(2025, 12, 31)), 2026, 2, 28);
	assert_date(add("6m", D(2026, 8, 31)), 2027, 2, 28);
	/* The day is kept when it exists. */
	assert_date(add("1m", D(2026, 1, 30)), 2026, 2, 28);
	assert_date(add("1m", D(2026, 1, 28)), 2026, 2, 28);
	assert_date(add("1m", D(2026, 4, 30)), 2026, 5, 30);
}

static void test_schedule_leap_day_plus_year_clamps(void **state)
{
	(void)state;
	assert_date(add("1y", D(2024, 2, 29)), 2025, 2, 28);
	assert_date(add("4y", D(2024, 2, 29)), 2028, 2, 29);
	assert_date(add("12m", D(2024, 2, 29)), 2025, 2, 28);
	assert_date(add("100y", D(2000, 2, 29)), 2100, 2, 28);
}

static void test_schedule_months_cross_year_end(void **state)
{
	(void)state;
	assert_date(add("1m", D(2026, 12, 15)), 2027, 1, 15);
	assert_date(add("3m", D(2026, 11, 15)), 2027, 2, 15);
	assert_date(add("12m", D(2026, 12, 15)), 2027, 12, 15);
	assert_date(add("13m", D(2026, 12, 15)), 2028, 1, 15);
	assert_date(add("24m", D(2026, 1, 1)), 2028, 1, 1);
	assert_date(add("quarterly", D(2026, 10, 1)), 2027, 1, 1);
}

static void test_schedule_unset_cadence_keeps_date(void **state)
{
	(void)state;
	assert_date(kith_cadence_add(CAD(0, NONE), D(2026, 3, 1)), 2026, 3, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date_parse_iso_extended),
		cmocka_unit_test(test_date_parse_iso_basic),
		cmocka_unit_test(test_date_parse_rejects_days_that_do_not_exist),
		cmocka_unit_test(test_date_parse_rejects_garbage),
		cmocka_unit_test(test_date_format_pads_and_round_trips),
		cmocka_unit_test(test_date_format_unset_or_invalid_is_empty),
		cmocka_unit_test(test_date_is_set_and_valid),
		cmocka_unit_test(test_date_today_is_valid),
		cmocka_unit_test(test_date_cmp_orders_by_year_month_day),
		cmocka_unit_test(test_date_cmp_unset_sorts_first),
		cmocka_unit_test(test_date_diff_days_within_and_across_years),
		cmocka_unit_test(test_date_diff_days_across_leap_days),
		cmocka_unit_test(test_date_add_days_positive),
		cmocka_unit_test(test_date_add_days_negative),
		cmocka_unit_test(test_date_add_then_diff_round_trips),
		cmocka_unit_test(test_date_arithmetic_before_1902),
		cmocka_unit_test(test_date_day_number_round_trips_at_the_range_ends),
		cmocka_unit_test(test_date_leap_years_follow_the_gregorian_rule),
		cmocka_unit_test(test_date_days_in_month),
		cmocka_unit_test(test_date_add_months_clamps_to_the_month_end),
		cmocka_unit_test(test_date_add_days_negative_across_centuries),
		cmocka_unit_test(test_date_diff_days_across_centuries),
		cmocka_unit_test(test_date_sweep_1583_to_2600),
		cmocka_unit_test(test_date_local_of_an_instant),
		cmocka_unit_test(test_schedule_days_and_weeks),
		cmocka_unit_test(test_schedule_month_end_clamps),
		cmocka_unit_test(test_schedule_leap_day_plus_year_clamps),
		cmocka_unit_test(test_schedule_months_cross_year_end),
		cmocka_unit_test(test_schedule_unset_cadence_keeps_date),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
