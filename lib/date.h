/* SPDX-License-Identifier: MIT */
/*
 * Private: calendar arithmetic for the rest of the library (the public
 * part is <kith/date.h>).  The calendar is the proleptic Gregorian one,
 * so a day number means the same thing for every year from 1 to 9999 and
 * no date library is needed to count days.
 */
#ifndef KITH_DATE_PRIV_H
#define KITH_DATE_PRIV_H

#include <time.h>

#include <kith/date.h>

int kith_date_is_leap_year(int year);

/* 28..31; 0 when month is not 1..12. */
int kith_date_days_in_month(int month, int year);

/*
 * Days since 1970-01-01 (negative before it); 0001-01-01 is -719162.
 * Fields out of range are carried into the next ones (month 13 is January
 * of the next year, day 0 the last day of the month before), so a date
 * that is not valid still maps to some day rather than to garbage.
 */
long kith_date_day_number(struct kith_date d);
struct kith_date kith_date_from_day_number(long n);

/* Months added with the day clamped to the target month's end. */
struct kith_date kith_date_add_months(struct kith_date d, long months);

/* The date of an instant in the process's local zone; unset if it has none. */
struct kith_date kith_date_local(time_t t);

#endif
