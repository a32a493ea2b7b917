/* SPDX-License-Identifier: MIT */
/* Cadences: parsing every spelling, formatting, and the RRULE each becomes. */
#include "helpers.h"

#include "ctx.h" /* kith_ctx_clear */

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

/* Parses text and checks it means "every n units". */
static void check_parse(const char *text, enum kith_cadence_unit unit, int n)
{
	struct kith_cadence c = { KITH_CADENCE_NONE, 0 };
	enum kith_status rc = kith_cadence_parse(ctx, text, &c);

	if (rc != KITH_OK)
		fail_msg("'%s' did not parse: %s", text, kith_ctx_errmsg(ctx));
	if (c.unit != unit || c.n != n)
		fail_msg("'%s' parsed as unit %d n %d, want unit %d n %d", text, (int)c.unit, c.n,
			 (int)unit, n);
}

/* Checks text is refused, leaves *out alone and names the accepted forms. */
static void check_refused(const char *text)
{
	struct kith_cadence c = { KITH_CADENCE_WEEK, 42 };
	enum kith_status rc;
	const char *msg;

	kith_ctx_clear(ctx);
	rc = kith_cadence_parse(ctx, text, &c);
	if (rc != KITH_ERR_INVALID)
		fail_msg("'%s' gave %s, want invalid input", text ? text : "(NULL)",
			 kith_status_str(rc));
	/* Outputs are written only on success. */
	assert_int_equal(c.unit, KITH_CADENCE_WEEK);
	assert_int_equal(c.n, 42);
	msg = kith_ctx_errmsg(ctx);
	assert_contains(msg, "2w");
	assert_contains(msg, "90d");
	assert_contains(msg, "3m");
	assert_contains(msg, "1y");
	assert_contains(msg, "P3M");
	assert_contains(msg, "weekly");
	assert_contains(msg, "quarterly");
}

static void test_cadence_parse_short_forms(void **state)
{
	(void)state;
	check_parse("2w", KITH_CADENCE_WEEK, 2);
	check_parse("6w", KITH_CADENCE_WEEK, 6);
	check_parse("90d", KITH_CADENCE_DAY, 90);
	check_parse("1d", KITH_CADENCE_DAY, 1);
	check_parse("3m", KITH_CADENCE_MONTH, 3);
	check_parse("12m", KITH_CADENCE_MONTH, 12);
	check_parse("1y", KITH_CADENCE_YEAR, 1);
	check_parse("999d", KITH_CADENCE_DAY, 999);
}

static void test_cadence_parse_iso8601(void **state)
{
	(void)state;
	check_parse("P3M", KITH_CADENCE_MONTH, 3);
	check_parse("P2W", KITH_CADENCE_WEEK, 2);
	check_parse("P90D", KITH_CADENCE_DAY, 90);
	check_parse("P1Y", KITH_CADENCE_YEAR, 1);
}

static void test_cadence_parse_words(void **state)
{
	(void)state;
	check_parse("weekly", KITH_CADENCE_WEEK, 1);
	check_parse("biweekly", KITH_CADENCE_WEEK, 2);
	check_parse("monthly", KITH_CADENCE_MONTH, 1);
	check_parse("quarterly", KITH_CADENCE_MONTH, 3);
	check_parse("yearly", KITH_CADENCE_YEAR, 1);
	check_parse("annually", KITH_CADENCE_YEAR, 1);
}

static void test_cadence_parse_spelled_out_units(void **state)
{
	(void)state;
	check_parse("3 months", KITH_CADENCE_MONTH, 3);
	check_parse("1 month", KITH_CADENCE_MONTH, 1);
	check_parse("2 weeks", KITH_CADENCE_WEEK, 2);
	check_parse("90 days", KITH_CADENCE_DAY, 90);
	check_parse("1 year", KITH_CADENCE_YEAR, 1);
}

static void test_cadence_parse_is_case_insensitive(void **state)
{
	(void)state;
	check_parse("2W", KITH_CADENCE_WEEK, 2);
	check_parse("3M", KITH_CADENCE_MONTH, 3);
	check_parse("90D", KITH_CADENCE_DAY, 90);
	check_parse("1Y", KITH_CADENCE_YEAR, 1);
	check_parse("p3m", KITH_CADENCE_MONTH, 3);
	check_parse("p2w", KITH_CADENCE_WEEK, 2);
	check_parse("WEEKLY", KITH_CADENCE_WEEK, 1);
	check_parse("Quarterly", KITH_CADENCE_MONTH, 3);
	check_parse("3 Months", KITH_CADENCE_MONTH, 3);
}

static void test_cadence_parse_rejects_bad_input(void **state)
{
	static const char *const bad[] = {
		"",     "0m",   "0d",    "1000d", "3x",        "m",         "3",
		"P3",   "P",    "P3MX",  "P0M",   "PT3M",      "P3M2W",     "-1m",
		"+1m",  " 3m",  "3m ",   "3mm",   "3 parsecs", "3  months", "monthlyish",
		"1.5m", "1e3d", "0x10d", "\t3m",
	};

	(void)state;
	check_refused(NULL);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		check_refused(bad[i]);
}

static void test_cadence_parse_refuses_long_numbers(void **state)
{
	(void)state;
	/* Many digits must neither overflow into a valid number nor be accepted. */
	check_refused("4294967299d");
	check_refused("99999999999999999999999999m");
	check_refused("0003m");
	check_refused("P1000D");
}

/*
 * Regression (BUGS.md #1, fixed in ccfe025): a long bad cadence was echoed
 * in full before the list of accepted forms, so the 512-byte message was
 * cut before it named them.
 */
static void test_cadence_parse_long_input_message_names_forms(void **state)
{
	char text[2048];

	(void)state;
	memset(text, 'x', sizeof(text) - 1);
	text[0] = '3';
	text[sizeof(text) - 1] = '\0';
	check_refused(text);
}

static void test_cadence_parse_long_input_is_refused(void **state)
{
	char text[100000];
	struct kith_cadence c;

	(void)state;
	memset(text, '9', sizeof(text) - 2);
	text[sizeof(text) - 2] = 'm';
	text[sizeof(text) - 1] = '\0';
	assert_status(kith_cadence_parse(ctx, text, &c), KITH_ERR_INVALID);
	memset(text, 'm', sizeof(text) - 1);
	assert_status(kith_cadence_parse(ctx, text, &c), KITH_ERR_INVALID);
	/* The message is bounded and still a string. */
	assert_true(strlen(kith_ctx_errmsg(ctx)) < 1024);
}

static void test_cadence_is_set(void **state)
{
	(void)state;
	assert_false(kith_cadence_is_set(CAD(0, NONE)));
	assert_false(kith_cadence_is_set(CAD(3, NONE)));
	assert_false(kith_cadence_is_set(CAD(0, MONTH)));
	assert_true(kith_cadence_is_set(CAD(3, MONTH)));
}

static void check_formats(const char *text, const char *shortform, const char *iso,
			  const char *human)
{
	struct kith_cadence c, again;
	char buf[KITH_CADENCE_BUFSZ];

	assert_ok(kith_cadence_parse(ctx, text, &c));
	assert_string_equal(kith_cadence_format(c, buf), shortform);
	assert_string_equal(kith_cadence_format_iso(c, buf), iso);
	assert_string_equal(kith_cadence_describe(c, buf), human);
	/* Both written forms parse back to the same cadence. */
	assert_ok(kith_cadence_parse(ctx, shortform, &again));
	assert_int_equal(again.unit, c.unit);
	assert_int_equal(again.n, c.n);
	assert_ok(kith_cadence_parse(ctx, iso, &again));
	assert_int_equal(again.unit, c.unit);
	assert_int_equal(again.n, c.n);
}

static void test_cadence_format_round_trips(void **state)
{
	(void)state;
	check_formats("2w", "2w", "P2W", "every 2 weeks");
	check_formats("weekly", "1w", "P1W", "every week");
	check_formats("90d", "90d", "P90D", "every 90 days");
	check_formats("1d", "1d", "P1D", "every day");
	check_formats("quarterly", "3m", "P3M", "every 3 months");
	check_formats("monthly", "1m", "P1M", "every month");
	check_formats("P1Y", "1y", "P1Y", "every year");
	check_formats("3 years", "3y", "P3Y", "every 3 years");
	check_formats("999m", "999m", "P999M", "every 999 months");
}

static void test_cadence_format_unset_is_empty(void **state)
{
	char buf[KITH_CADENCE_BUFSZ];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_string_equal(kith_cadence_format(CAD(0, NONE), buf), "");
	memset(buf, 'x', sizeof(buf));
	assert_string_equal(kith_cadence_format_iso(CAD(0, NONE), buf), "");
	assert_string_equal(kith_cadence_describe(CAD(0, NONE), buf), "never");
}

static void test_cadence_approx_days_orders_cadences(void **state)
{
	(void)state;
	assert_int_equal(kith_cadence_approx_days(CAD(90, DAY)), 90);
	assert_int_equal(kith_cadence_approx_days(CAD(2, WEEK)), 14);
	assert_int_equal(kith_cadence_approx_days(CAD(1, YEAR)), 365);
	assert_in_range(kith_cadence_approx_days(CAD(3, MONTH)), 89, 92);
	assert_true(kith_cadence_approx_days(CAD(2, MONTH)) <
		    kith_cadence_approx_days(CAD(9, WEEK)));
	assert_true(kith_cadence_approx_days(CAD(6, MONTH)) <
		    kith_cadence_approx_days(CAD(1, YEAR)));
	assert_int_equal(kith_cadence_approx_days(CAD(12, MONTH)),
			 kith_cadence_approx_days(CAD(1, YEAR)));
	assert_int_equal(kith_cadence_approx_days(CAD(0, NONE)), 0);
}

/* The proleptic calendar: no Julian leap days and no 1582 or 1752 gap. */
static void test_cadence_add_at_the_calendar_edges(void **state)
{
	(void)state;
	assert_date(kith_cadence_add(CAD(1, YEAR), D(9998, 12, 31)), 9999, 12, 31);
	assert_date(kith_cadence_add(CAD(1, MONTH), D(1, 1, 31)), 1, 2, 28);
	assert_date(kith_cadence_add(CAD(100, YEAR), D(1600, 2, 29)), 1700, 2, 28);
	assert_date(kith_cadence_add(CAD(1, MONTH), D(1700, 1, 31)), 1700, 2, 28);
	assert_date(kith_cadence_add(CAD(1, DAY), D(1752, 9, 2)), 1752, 9, 3);
	assert_date(kith_cadence_add(CAD(1, WEEK), D(1582, 10, 4)), 1582, 10, 11);
	assert_date(kith_cadence_add(CAD(999, MONTH), D(2026, 1, 31)), 2109, 4, 30);
}

static void check_rrule(const char *text, const char *want)
{
	struct kith_cadence c;
	char *rule = NULL;

	assert_ok(kith_cadence_parse(ctx, text, &c));
	assert_ok(kith_cadence_rrule(ctx, c, &rule));
	assert_non_null(rule);
	if (strcmp(rule, want))
		fail_msg("%s: RRULE '%s', want '%s'", text, rule, want);
	free(rule);
}

static void test_cadence_rrule_per_unit(void **state)
{
	(void)state;
	check_rrule("2w", "FREQ=WEEKLY;INTERVAL=2");
	check_rrule("6w", "FREQ=WEEKLY;INTERVAL=6");
	check_rrule("90d", "FREQ=DAILY;INTERVAL=90");
	check_rrule("3m", "FREQ=MONTHLY;INTERVAL=3");
	check_rrule("P3M", "FREQ=MONTHLY;INTERVAL=3");
	check_rrule("2y", "FREQ=YEARLY;INTERVAL=2");
}

static void test_cadence_rrule_whole_weeks_of_days_are_weekly(void **state)
{
	(void)state;
	check_rrule("14d", "FREQ=WEEKLY;INTERVAL=2");
	check_rrule("7d", "FREQ=WEEKLY");
	check_rrule("91d", "FREQ=WEEKLY;INTERVAL=13");
	check_rrule("2d", "FREQ=DAILY;INTERVAL=2");
}

static void test_cadence_rrule_whole_years_of_months_are_yearly(void **state)
{
	(void)state;
	check_rrule("12m", "FREQ=YEARLY");
	check_rrule("24m", "FREQ=YEARLY;INTERVAL=2");
	check_rrule("18m", "FREQ=MONTHLY;INTERVAL=18");
}

/* libical leaves out INTERVAL=1 (the default), and never adds COUNT/UNTIL. */
static void test_cadence_rrule_interval_one_is_omitted(void **state)
{
	(void)state;
	check_rrule("1y", "FREQ=YEARLY");
	check_rrule("yearly", "FREQ=YEARLY");
	check_rrule("monthly", "FREQ=MONTHLY");
	check_rrule("weekly", "FREQ=WEEKLY");
	check_rrule("1d", "FREQ=DAILY");
}

static void test_cadence_rrule_unset_is_invalid(void **state)
{
	char *rule = NULL;

	(void)state;
	assert_status(kith_cadence_rrule(ctx, CAD(0, NONE), &rule), KITH_ERR_INVALID);
	assert_null(rule);
	assert_true(strlen(kith_ctx_errmsg(ctx)) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cadence_parse_short_forms),
		cmocka_unit_test(test_cadence_parse_iso8601),
		cmocka_unit_test(test_cadence_parse_words),
		cmocka_unit_test(test_cadence_parse_spelled_out_units),
		cmocka_unit_test(test_cadence_parse_is_case_insensitive),
		cmocka_unit_test(test_cadence_parse_rejects_bad_input),
		cmocka_unit_test(test_cadence_parse_refuses_long_numbers),
		cmocka_unit_test(test_cadence_parse_long_input_message_names_forms),
		cmocka_unit_test(test_cadence_parse_long_input_is_refused),
		cmocka_unit_test(test_cadence_is_set),
		cmocka_unit_test(test_cadence_format_round_trips),
		cmocka_unit_test(test_cadence_format_unset_is_empty),
		cmocka_unit_test(test_cadence_approx_days_orders_cadences),
		cmocka_unit_test(test_cadence_add_at_the_calendar_edges),
		cmocka_unit_test(test_cadence_rrule_per_unit),
		cmocka_unit_test(test_cadence_rrule_whole_weeks_of_days_are_weekly),
		cmocka_unit_test(test_cadence_rrule_whole_years_of_months_are_yearly),
		cmocka_unit_test(test_cadence_rrule_interval_one_is_omitted),
		cmocka_unit_test(test_cadence_rrule_unset_is_invalid),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
