/* SPDX-License-Identifier: MIT */
/* Calendar dates: parsing and formatting here, arithmetic by libical (ical.c). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ctx.h"
#include "ical.h"

int kith_date_is_set(struct kith_date d)
{
	return d.year != 0 || d.month != 0 || d.day != 0;
}

int kith_date_is_valid(struct kith_date d)
{
	return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 &&
	       d.day >= 1 && d.day <= kith_ical_days_in_month(d.month, d.year);
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
	return kith_ical_day_number(b) - kith_ical_day_number(a);
}

struct kith_date kith_date_add_days(struct kith_date d, long days)
{
	return kith_ical_from_day_number(kith_ical_day_number(d) + days);
}

struct kith_date kith_date_today(void)
{
	return kith_ical_today();
}
