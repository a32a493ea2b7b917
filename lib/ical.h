/* SPDX-License-Identifier: MIT */
/*
 * Private: the only door to libical.  Date arithmetic and everything that
 * builds or reads iCalendar goes through here, so a libical API change is
 * absorbed in one file and no libical type leaves it.
 */
#ifndef KITH_ICAL_H
#define KITH_ICAL_H

#include <kith/vtodo.h>

int kith_ical_days_in_month(int month, int year);
/* Days since 1970-01-01 (may be negative). */
long kith_ical_day_number(struct kith_date d);
struct kith_date kith_ical_from_day_number(long n);
/* Months added with the day clamped to the target month's end. */
struct kith_date kith_ical_add_months(struct kith_date d, long months);
struct kith_date kith_ical_today(void);

/* "FREQ=MONTHLY;INTERVAL=3" rendered by libical. Ownership: free(). */
enum kith_status kith_ical_rrule(struct kith_ctx *ctx, struct kith_cadence c, char **out);

/* Render reminders as one VCALENDAR. Ownership: free(*out). */
enum kith_status kith_ical_render(struct kith_ctx *ctx, struct kith_reminder *const *reminders,
				  size_t n, char **out);

#endif
