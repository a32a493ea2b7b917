/* SPDX-License-Identifier: MIT */
/*
 * Calendar dates: parsing, formatting and the arithmetic.  The arithmetic
 * is done here rather than through libical: libical's own leap-year rule
 * turns Julian before 1753 and its time_t conversions stop at 1902, while
 * kith needs one proleptic Gregorian calendar from year 1 to 9999, and the
 * iCalendar module depends on dates, not the other way round.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctx.h"
#include "date.h"

/* Day 0 of the count below is 0000-03-01; this is 1970-01-01 in it. */
#define EPOCH_DAYS 719468L
/* The calendar repeats every 400 years, which hold this many days. */
#define CYCLE_DAYS 146097L
/* Day numbers are clamped to this many cycles either way so the year fits an int. */
#define MAX_CYCLES 5000000L

/* Rounds towards minus infinity, so negative days and months land in the right year. */
static long floor_div(long a, long b)
{
	long q = a / b;

	if (a % b < 0)
		q--;
	return q;
}

/*
 * Years here start on 1 March, so the leap day is the last day of its year
 * and the months before it have a fixed pattern of lengths.  Returns the
 * days from 0000-03-01 to 1 March of year y.
 */
static long days_before_year(long y)
{
	return 365 * y + floor_div(y, 4) - floor_div(y, 100) + floor_div(y, 400);
}

/*
 * Days from 1 March to the first of month m (0 = March ... 11 = February):
 * the lengths 31 30 31 30 31 repeat from March on, which (153 m + 2) / 5
 * reproduces.
 */
static long days_before_month(long m)
{
	return (153 * m + 2) / 5;
}

int kith_date_is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int kith_date_days_in_month(int month, int year)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && kith_date_is_leap_year(year))
		return 29;
	return days[month - 1];
}

long kith_date_day_number(struct kith_date d)
{
	long m = (long)d.month - 1;
	long y = (long)d.year + floor_div(m, 12);

	m -= 12 * floor_div(m, 12);
	/* January and February belong to the year that began the March before. */
	if (m < 2) {
		y--;
		m += 10;
	} else {
		m -= 2;
	}
	return days_before_year(y) + days_before_month(m) + (d.day - 1) - EPOCH_DAYS;
}

struct kith_date kith_date_from_day_number(long n)
{
	struct kith_date d;
	long z, cycles, y, doy, m;

	if (n > MAX_CYCLES * CYCLE_DAYS)
		n = MAX_CYCLES * CYCLE_DAYS;
	else if (n < -MAX_CYCLES * CYCLE_DAYS)
		n = -MAX_CYCLES * CYCLE_DAYS;
	z = n + EPOCH_DAYS;
	/* An estimate from the mean year length, off by at most one year. */
	cycles = floor_div(z, CYCLE_DAYS);
	y = cycles * 400 + (z - cycles * CYCLE_DAYS) * 400 / CYCLE_DAYS;
	while (days_before_year(y + 1) <= z)
		y++;
	while (days_before_year(y) > z)
		y--;
	doy = z - days_before_year(y);
	m = (5 * doy + 2) / 153;
	d.day = (int)(doy - days_before_month(m) + 1);
	d.month = (int)(m < 10 ? m + 3 : m - 9);
	d.year = (int)(y + (d.month <= 2));
	return d;
}

struct kith_date kith_date_add_months(struct kith_date d, long months)
{
	long total = (long)d.year * 12 + (d.month - 1) + months;
	long y = floor_div(total, 12);
	int dim;

	d.year = (int)y;
	d.month = (int)(total - 12 * y) + 1;
	/* Clamp rather than overflow: Jan 31 + 1 month is Feb 28/29, not Mar 3. */
	dim = kith_date_days_in_month(d.month, d.year);
	if (d.day > dim)
		d.day = dim;
	return d;
}

struct kith_date kith_date_local(time_t t)
{
	struct kith_date d = { 0, 0, 0 };
	struct tm tm;

	if (!localtime_r(&t, &tm))
		return d;
	d.year = tm.tm_year + 1900;
	d.month = tm.tm_mon + 1;
	d.day = tm.tm_mday;
	return d;
}

int kith_date_is_set(struct kith_date d)
{
	return d.year != 0 || d.month != 0 || d.day != 0;
}

int kith_date_is_valid(struct kith_date d)
{
	return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
	       d.day <= kith_date_days_in_month(d.month, d.year);
}

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static int num(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

enum kith_status kith_date_parse(struct kith_ctx *ctx, const char *text, struct kith_date *out)
{
	struct kith_date d;
	size_t len = text ? strlen(text) : 0;

	if (len == 10 && text[4] == '-' && text[7] == '-' && digits(text, 4) &&
	    digits(text + 5, 2) && digits(text + 8, 2)) {
		d.year = num(text, 4);
		d.month = num(text + 5, 2);
		d.day = num(text + 8, 2);
	} else if (len == 8 && digits(text, 8)) {
		d.year = num(text, 4);
		d.month = num(text + 4, 2);
		d.day = num(text + 6, 2);
	} else {
		return kith_fail(ctx, KITH_ERR_INVALID,
				 "bad date '%.*s%s': use YYYY-MM-DD, e.g. 2026-03-01",
				 KITH_ECHO(text ? text : ""));
	}
	if (!kith_date_is_valid(d))
		return kith_fail(ctx, KITH_ERR_INVALID, "bad date '%s': no such day", text);
	*out = d;
	return KITH_OK;
}

char *kith_date_format(struct kith_date d, char buf[KITH_DATE_BUFSZ])
{
	if (!kith_date_is_valid(d))
		buf[0] = '\0';
	else
		snprintf(buf, KITH_DATE_BUFSZ, "%04d-%02d-%02d", d.year, d.month, d.day);
	return buf;
}

int kith_date_cmp(struct kith_date a, struct kith_date b)
{
	if (a.year != b.year)
		return a.year < b.year ? -1 : 1;
	if (a.month != b.month)
		return a.month < b.month ? -1 : 1;
	if (a.day != b.day)
		return a.day < b.day ? -1 : 1;
	return 0;
}

long kith_date_diff_days(struct kith_date a, struct kith_date b)
{
	return kith_date_day_number(b) - kith_date_day_number(a);
}

struct kith_date kith_date_add_days(struct kith_date d, long days)
{
	return kith_date_from_day_number(kith_date_day_number(d) + days);
}

struct kith_date kith_date_today(void)
{
	return kith_date_local(time(NULL));
}
