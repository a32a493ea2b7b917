/* SPDX-License-Identifier: MIT */
/*
 * kith/date.h - calendar dates and cadences.
 *
 * Dates are plain calendar days in the user's own zone; kith never needs
 * the time of day to decide who is due.  The calendar is the proleptic
 * Gregorian one, for the years 1 to 9999.
 */
#ifndef KITH_DATE_H
#define KITH_DATE_H

#include <kith/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A calendar date.  {0,0,0} means "no date". */
struct kith_date {
	int year;  /* e.g. 2026 */
	int month; /* 1..12 */
	int day;   /* 1..31 */
};

/* Big enough for "YYYY-MM-DD" and its NUL. */
#define KITH_DATE_BUFSZ 11

KITH_API int kith_date_is_set(struct kith_date d);
KITH_API int kith_date_is_valid(struct kith_date d);

/*
 * Parse "YYYY-MM-DD" (also "YYYYMMDD").  A date that does not exist
 * (2026-02-30) is KITH_ERR_INVALID with a message in ctx.
 */
KITH_API enum kith_status kith_date_parse(struct kith_ctx *ctx, const char *text,
					  struct kith_date *out);

/* Write "YYYY-MM-DD" into buf (KITH_DATE_BUFSZ bytes); "" for no date. */
KITH_API char *kith_date_format(struct kith_date d, char buf[KITH_DATE_BUFSZ]);

/* -1, 0 or 1. An unset date sorts first. */
KITH_API int kith_date_cmp(struct kith_date a, struct kith_date b);

/* Days from a to b (positive when b is later). */
KITH_API long kith_date_diff_days(struct kith_date a, struct kith_date b);

KITH_API struct kith_date kith_date_add_days(struct kith_date d, long days);

/* Today in the local zone of the process. */
KITH_API struct kith_date kith_date_today(void);

enum kith_cadence_unit {
	KITH_CADENCE_NONE = 0,
	KITH_CADENCE_DAY,
	KITH_CADENCE_WEEK,
	KITH_CADENCE_MONTH,
	KITH_CADENCE_YEAR,
};

/* "every n units". unit NONE means "not set" (use the tier's). */
struct kith_cadence {
	enum kith_cadence_unit unit;
	int n;
};

/* Big enough for any formatted cadence. */
#define KITH_CADENCE_BUFSZ 24

/* The forms accepted, for messages and --help. */
#define KITH_CADENCE_FORMS "2w, 6w, 90d, 3m, 1y, P3M, P2W, weekly, monthly, quarterly, yearly"

/*
 * Parse a cadence: Nd, Nw, Nm, Ny (N in 1..999, case-insensitive),
 * ISO 8601 PnD/PnW/PnM/PnY, or weekly, biweekly, monthly, quarterly,
 * yearly/annually.  Anything else is KITH_ERR_INVALID and the message
 * names the accepted forms.
 */
KITH_API enum kith_status kith_cadence_parse(struct kith_ctx *ctx, const char *text,
					     struct kith_cadence *out);

KITH_API int kith_cadence_is_set(struct kith_cadence c);

/* Short form: "2w", "90d", "3m", "1y". */
KITH_API char *kith_cadence_format(struct kith_cadence c, char buf[KITH_CADENCE_BUFSZ]);

/* ISO 8601 duration: "P2W", "P90D", "P3M", "P1Y". */
KITH_API char *kith_cadence_format_iso(struct kith_cadence c, char buf[KITH_CADENCE_BUFSZ]);

/* Human form: "every 2 weeks", "every month". */
KITH_API char *kith_cadence_describe(struct kith_cadence c, char buf[KITH_CADENCE_BUFSZ]);

/*
 * d plus the cadence.  Months and years clamp to the month end:
 * 2026-01-31 + 1m = 2026-02-28, 2024-02-29 + 1y = 2025-02-28.
 */
KITH_API struct kith_date kith_cadence_add(struct kith_cadence c, struct kith_date d);

/* An approximate length in days, used only to compare cadences. */
KITH_API long kith_cadence_approx_days(struct kith_cadence c);

#ifdef __cplusplus
}
#endif

#endif
