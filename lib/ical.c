/* SPDX-License-Identifier: MIT */
/*
 * The iCalendar module: the one file that includes libical.  It does the
 * date arithmetic (so leap years and month lengths come from one place)
 * and renders reminders as VTODOs.  libical types never leave this file.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libical/ical.h>

#include "ctx.h"
#include "ical.h"

#define SECS_PER_DAY 86400L

int kith_ical_days_in_month(int month, int year)
{
	if (month < 1 || month > 12)
		return 0;
	return icaltime_days_in_month(month, year);
}

static struct icaltimetype to_ical_date(struct kith_date d)
{
	struct icaltimetype t = icaltime_null_date();

	t.year = d.year;
	t.month = d.month;
	t.day = d.day;
	return t;
}

static struct kith_date from_ical(struct icaltimetype t)
{
	struct kith_date d = { t.year, t.month, t.day };
	return d;
}

/*
 * The Gregorian calendar repeats every 400 years (146097 days).  libical's
 * time_t conversion refuses years before 1902, so earlier dates are moved
 * forward by whole cycles first and the cycles are taken off again.
 */
#define CYCLE_YEARS 400
#define CYCLE_DAYS 146097L

long kith_ical_day_number(struct kith_date d)
{
	long cycles = 0;
	time_t secs;

	while (d.year < 1970) {
		d.year += CYCLE_YEARS;
		cycles++;
	}
	secs = icaltime_as_timet(to_ical_date(d));
	return (long)(secs / SECS_PER_DAY) - cycles * CYCLE_DAYS;
}

struct kith_date kith_ical_from_day_number(long n)
{
	struct kith_date d;
	long cycles = 0;

	while (n < 0) {
		n += CYCLE_DAYS;
		cycles++;
	}
	d = from_ical(icaltime_from_timet_with_zone((time_t)n * SECS_PER_DAY, 1, NULL));
	d.year -= (int)(cycles * CYCLE_YEARS);
	return d;
}

struct kith_date kith_ical_add_months(struct kith_date d, long months)
{
	struct icaltimetype t = to_ical_date(d);
	long m = (long)(t.month - 1) + months;
	int dim;

	t.year += (int)(m >= 0 ? m / 12 : -((11 - m) / 12));
	t.month = (int)(m - 12L * (m >= 0 ? m / 12 : -((11 - m) / 12))) + 1;
	/* Clamp rather than overflow: Jan 31 + 1 month is Feb 28/29, not Mar 3. */
	dim = icaltime_days_in_month(t.month, t.year);
	if (t.day > dim)
		t.day = dim;
	return from_ical(t);
}

struct kith_date kith_ical_today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	struct kith_date d = { 0, 0, 0 };

	if (!localtime_r(&now, &tm))
		return d;
	d.year = tm.tm_year + 1900;
	d.month = tm.tm_mon + 1;
	d.day = tm.tm_mday;
	return d;
}

static int fill_rrule(struct kith_cadence c, struct icalrecurrencetype *r)
{
	icalrecurrencetype_clear(r);
	r->interval = (short)c.n;
	switch (c.unit) {
	case KITH_CADENCE_DAY:
		/* Whole weeks read better in calendar apps ("every 2 weeks"). */
		if (c.n % 7 == 0) {
			r->freq = ICAL_WEEKLY_RECURRENCE;
			r->interval = (short)(c.n / 7);
		} else {
			r->freq = ICAL_DAILY_RECURRENCE;
		}
		return 0;
	case KITH_CADENCE_WEEK:
		r->freq = ICAL_WEEKLY_RECURRENCE;
		return 0;
	case KITH_CADENCE_MONTH:
		if (c.n % 12 == 0) {
			r->freq = ICAL_YEARLY_RECURRENCE;
			r->interval = (short)(c.n / 12);
		} else {
			r->freq = ICAL_MONTHLY_RECURRENCE;
		}
		return 0;
	case KITH_CADENCE_YEAR:
		r->freq = ICAL_YEARLY_RECURRENCE;
		return 0;
	case KITH_CADENCE_NONE:
		break;
	}
	return -1;
}

static char *take_ical_string(char *s)
{
	char *copy;

	if (!s)
		return NULL;
	copy = strdup(s);
	icalmemory_free_buffer(s);
	return copy;
}

enum kith_status kith_ical_rrule(struct kith_ctx *ctx, struct kith_cadence c, char **out)
{
	struct icalrecurrencetype r;
	char *s;

	if (fill_rrule(c, &r) < 0)
		return kith_fail(ctx, KITH_ERR_INVALID, "no cadence to turn into an RRULE");
	s = take_ical_string(icalrecurrencetype_as_string_r(&r));
	if (!s)
		return kith_nomem(ctx);
	*out = s;
	return KITH_OK;
}

static int add_x(icalcomponent *comp, const char *name, const char *value)
{
	icalproperty *p = icalproperty_new_x(value);

	if (!p)
		return -1;
	icalproperty_set_x_name(p, name);
	icalcomponent_add_property(comp, p);
	return 0;
}

/* Adds p (if not NULL) and reports whether it existed. */
static int add(icalcomponent *comp, icalproperty *p)
{
	if (!p)
		return -1;
	icalcomponent_add_property(comp, p);
	return 0;
}

static icalcomponent *build_valarm(const struct kith_reminder *r)
{
	icalcomponent *alarm = icalcomponent_new_valarm();
	struct icaltriggertype trig;
	icalproperty *p;
	int rc = 0;

	if (!alarm)
		return NULL;
	memset(&trig, 0, sizeof(trig));
	trig.time = icaltime_null_time();
	trig.duration = icaldurationtype_from_int(r->alarm_minutes * 60);
	/* Relative to DUE, so the alarm follows the reminder as it moves. */
	p = icalproperty_new_trigger(trig);
	if (p)
		icalproperty_add_parameter(p, icalparameter_new_related(ICAL_RELATED_END));
	rc |= add(alarm, p);
	rc |= add(alarm, icalproperty_new_action(ICAL_ACTION_DISPLAY));
	rc |= add(alarm, icalproperty_new_description(r->summary));
	if (rc) {
		icalcomponent_free(alarm);
		return NULL;
	}
	return alarm;
}

static icalcomponent *build_vtodo(const struct kith_reminder *r)
{
	icalcomponent *todo = icalcomponent_new_vtodo();
	char idbuf[32], cadbuf[KITH_CADENCE_BUFSZ];
	int rc = 0;

	if (!todo)
		return NULL;
	rc |= add(todo, icalproperty_new_uid(r->uid));
	rc |= add(todo, icalproperty_new_dtstamp(
		icaltime_from_timet_with_zone(r->dtstamp ? r->dtstamp : time(NULL), 0,
					      icaltimezone_get_utc_timezone())));
	rc |= add(todo, icalproperty_new_summary(r->summary));
	rc |= add(todo, icalproperty_new_dtstart(to_ical_date(r->dtstart)));
	rc |= add(todo, icalproperty_new_due(to_ical_date(r->due)));
	if (r->recurring) {
		struct icalrecurrencetype rule;

		if (fill_rrule(r->cadence, &rule) < 0)
			rc = -1;
		else
			rc |= add(todo, icalproperty_new_rrule(rule));
	}
	rc |= add(todo, icalproperty_new_status(ICAL_STATUS_NEEDSACTION));
	if (r->category)
		rc |= add(todo, icalproperty_new_categories(r->category));
	if (r->description)
		rc |= add(todo, icalproperty_new_description(r->description));
	if (r->url)
		rc |= add(todo, icalproperty_new_url(r->url));
	snprintf(idbuf, sizeof(idbuf), "%lld", (long long)r->contact_id);
	rc |= add_x(todo, "X-KITH-ID", idbuf);
	rc |= add_x(todo, "X-KITH-CADENCE", kith_cadence_format_iso(r->cadence, cadbuf));
	if (r->alarm) {
		icalcomponent *alarm = build_valarm(r);

		if (!alarm)
			rc = -1;
		else
			icalcomponent_add_component(todo, alarm);
	}
	if (rc) {
		icalcomponent_free(todo);
		return NULL;
	}
	return todo;
}

enum kith_status kith_ical_render(struct kith_ctx *ctx, struct kith_reminder *const *reminders,
				  size_t n, char **out)
{
	icalcomponent *cal = icalcomponent_new_vcalendar();
	char prodid[64];
	char *s = NULL;
	int rc = 0;

	if (!cal)
		return kith_nomem(ctx);
	snprintf(prodid, sizeof(prodid), "-//kith//kith %s//EN", kith_version());
	rc |= add(cal, icalproperty_new_version("2.0"));
	rc |= add(cal, icalproperty_new_prodid(prodid));
	for (size_t i = 0; i < n && !rc; i++) {
		icalcomponent *todo = build_vtodo(reminders[i]);

		if (!todo)
			rc = -1;
		else
			icalcomponent_add_component(cal, todo);
	}
	if (!rc)
		s = take_ical_string(icalcomponent_as_ical_string_r(cal));
	icalcomponent_free(cal);
	if (rc || !s) {
		free(s);
		return kith_fail(ctx, KITH_ERR_ICAL, "could not build the calendar: %s",
				 icalerror_strerror(icalerrno));
	}
	*out = s;
	return KITH_OK;
}
