/* SPDX-License-Identifier: MIT */
/* Cadences: "every n days/weeks/months/years" and their spellings. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ctx.h"
#include "date.h"

#define CADENCE_MAX_N 999

static const struct {
	const char *word;
	enum kith_cadence_unit unit;
	int n;
} words[] = {
	{ "daily", KITH_CADENCE_DAY, 1 },          { "weekly", KITH_CADENCE_WEEK, 1 },
	{ "biweekly", KITH_CADENCE_WEEK, 2 },      { "fortnightly", KITH_CADENCE_WEEK, 2 },
	{ "monthly", KITH_CADENCE_MONTH, 1 },      { "quarterly", KITH_CADENCE_MONTH, 3 },
	{ "semiannually", KITH_CADENCE_MONTH, 6 }, { "yearly", KITH_CADENCE_YEAR, 1 },
	{ "annually", KITH_CADENCE_YEAR, 1 },      { "annual", KITH_CADENCE_YEAR, 1 },
};

static enum kith_cadence_unit unit_of(char c)
{
	switch (tolower((unsigned char)c)) {
	case 'd': return KITH_CADENCE_DAY;
	case 'w': return KITH_CADENCE_WEEK;
	case 'm': return KITH_CADENCE_MONTH;
	case 'y': return KITH_CADENCE_YEAR;
	}
	return KITH_CADENCE_NONE;
}

/* "3 months", "1 week", "90 days": the unit spelled out. */
static enum kith_cadence_unit unit_of_word(const char *w)
{
	static const struct {
		const char *one, *many;
		enum kith_cadence_unit unit;
	} u[] = {
		{ "day", "days", KITH_CADENCE_DAY },
		{ "week", "weeks", KITH_CADENCE_WEEK },
		{ "month", "months", KITH_CADENCE_MONTH },
		{ "year", "years", KITH_CADENCE_YEAR },
	};
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		if (!strcasecmp(w, u[i].one) || !strcasecmp(w, u[i].many))
			return u[i].unit;
	return KITH_CADENCE_NONE;
}

/* Reads 1..CADENCE_MAX_N decimal digits; returns the count read or 0. */
static size_t read_n(const char *s, int *out)
{
	size_t i = 0;
	int v = 0;

	while (isdigit((unsigned char)s[i])) {
		v = v * 10 + (s[i] - '0');
		if (++i > 3)
			return 0;
	}
	if (i == 0 || v < 1 || v > CADENCE_MAX_N)
		return 0;
	*out = v;
	return i;
}

enum kith_status kith_cadence_parse(struct kith_ctx *ctx, const char *text,
				    struct kith_cadence *out)
{
	struct kith_cadence c = { KITH_CADENCE_NONE, 0 };
	const char *s = text ? text : "";
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (!strcasecmp(s, words[i].word)) {
			c.unit = words[i].unit;
			c.n = words[i].n;
			goto ok;
		}
	}
	if (*s == 'P' || *s == 'p') {
		/* ISO 8601 duration with a single date component. */
		i = read_n(s + 1, &c.n);
		if (i && s[1 + i] && !s[2 + i])
			c.unit = unit_of(s[1 + i]);
	} else {
		i = read_n(s, &c.n);
		if (i && s[i] && !s[i + 1])
			c.unit = unit_of(s[i]);
		else if (i && s[i] == ' ')
			c.unit = unit_of_word(s + i + 1);
	}
	if (c.unit != KITH_CADENCE_NONE)
		goto ok;
	return kith_fail(ctx, KITH_ERR_INVALID,
			 "unknown cadence '%.*s%s': use a number from 1 to %d with d, w, m or y "
			 "(2w, 6w, 90d, 3m, 1y), ISO 8601 (P3M, P2W), or weekly, monthly, "
			 "quarterly, yearly",
			 KITH_ECHO(s), CADENCE_MAX_N);
ok:
	*out = c;
	return KITH_OK;
}

int kith_cadence_is_set(struct kith_cadence c)
{
	return c.unit != KITH_CADENCE_NONE && c.n > 0;
}

static char unit_letter(enum kith_cadence_unit u)
{
	switch (u) {
	case KITH_CADENCE_DAY: return 'd';
	case KITH_CADENCE_WEEK: return 'w';
	case KITH_CADENCE_MONTH: return 'm';
	case KITH_CADENCE_YEAR: return 'y';
	case KITH_CADENCE_NONE: break;
	}
	return '?';
}

char *kith_cadence_format(struct kith_cadence c, char buf[KITH_CADENCE_BUFSZ])
{
	if (!kith_cadence_is_set(c))
		buf[0] = '\0';
	else
		snprintf(buf, KITH_CADENCE_BUFSZ, "%d%c", c.n, unit_letter(c.unit));
	return buf;
}

char *kith_cadence_format_iso(struct kith_cadence c, char buf[KITH_CADENCE_BUFSZ])
{
	if (!kith_cadence_is_set(c))
		buf[0] = '\0';
	else
		snprintf(buf, KITH_CADENCE_BUFSZ, "P%d%c", c.n,
			 toupper((unsigned char)unit_letter(c.unit)));
	return buf;
}

char *kith_cadence_describe(struct kith_cadence c, char buf[KITH_CADENCE_BUFSZ])
{
	static const char *const names[] = { "", "day", "week", "month", "year" };

	if (!kith_cadence_is_set(c))
		snprintf(buf, KITH_CADENCE_BUFSZ, "never");
	else if (c.n == 1)
		snprintf(buf, KITH_CADENCE_BUFSZ, "every %s", names[c.unit]);
	else
		snprintf(buf, KITH_CADENCE_BUFSZ, "every %d %ss", c.n, names[c.unit]);
	return buf;
}

struct kith_date kith_cadence_add(struct kith_cadence c, struct kith_date d)
{
	switch (c.unit) {
	case KITH_CADENCE_DAY: return kith_date_add_days(d, c.n);
	case KITH_CADENCE_WEEK: return kith_date_add_days(d, 7L * c.n);
	case KITH_CADENCE_MONTH: return kith_date_add_months(d, c.n);
	case KITH_CADENCE_YEAR: return kith_date_add_months(d, 12L * c.n);
	case KITH_CADENCE_NONE: break;
	}
	return d;
}

long kith_cadence_approx_days(struct kith_cadence c)
{
	switch (c.unit) {
	case KITH_CADENCE_DAY: return c.n;
	case KITH_CADENCE_WEEK: return 7L * c.n;
	case KITH_CADENCE_MONTH: return (long)(c.n * 30.436875 + 0.5);
	case KITH_CADENCE_YEAR: return (long)(c.n * 365.2425 + 0.5);
	case KITH_CADENCE_NONE: break;
	}
	return 0;
}
