/* SPDX-License-Identifier: MIT */
/*
 * The iCalendar module: the one file that includes libical.  It renders
 * reminders as VTODOs and reads what calendar apps wrote; libical types
 * never leave this file.  Day arithmetic is date.c's, not libical's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libical/ical.h>

#include "array.h"
#include "charset.h"
#include "ctx.h"
#include "date.h"
#include "ical.h"
#include "strmap.h"

static struct icaltimetype to_ical_date(struct kith_date d)
{
	struct icaltimetype t;

	/*
	 * Not icaltime_null_date(): it sets the time fields to -1, which the
	 * recurrence iterator then turns into wrong dates (Mar 1 -> May 28).
	 */
	memset(&t, 0, sizeof(t));
	t.is_date = 1;

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
	case KITH_CADENCE_WEEK: r->freq = ICAL_WEEKLY_RECURRENCE; return 0;
	case KITH_CADENCE_MONTH:
		if (c.n % 12 == 0) {
			r->freq = ICAL_YEARLY_RECURRENCE;
			r->interval = (short)(c.n / 12);
		} else {
			r->freq = ICAL_MONTHLY_RECURRENCE;
		}
		return 0;
	case KITH_CADENCE_YEAR: r->freq = ICAL_YEARLY_RECURRENCE; return 0;
	case KITH_CADENCE_NONE: break;
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

static struct icaltimetype utc_now(time_t t)
{
	return icaltime_from_timet_with_zone(t ? t : time(NULL), 0,
					     icaltimezone_get_utc_timezone());
}

/* The properties kith owns on a reminder, as in a fresh one. */
static int add_owned(icalcomponent *todo, const struct kith_reminder *r)
{
	char idbuf[32], cadbuf[KITH_CADENCE_BUFSZ];
	int rc = 0;

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
	return rc;
}

static icalcomponent *build_vtodo(const struct kith_reminder *r)
{
	icalcomponent *todo = icalcomponent_new_vtodo();
	int rc = 0;

	if (!todo)
		return NULL;
	rc |= add(todo, icalproperty_new_uid(r->uid));
	rc |= add(todo, icalproperty_new_dtstamp(utc_now(r->dtstamp)));
	rc |= add_owned(todo, r);
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
	if (rc)
		return kith_fail(ctx, KITH_ERR_ICAL, "could not build the calendar: %s",
				 icalerror_strerror(icalerrno));
	if (!s)
		return kith_nomem(ctx);
	*out = s;
	return KITH_OK;
}

/* ---- reading what calendar apps wrote ---- */

#define KITH_ICAL_MAX_FILE (64 * 1024 * 1024)

/*
 * libical 3.0 is not hardened against hostile input, so only text that
 * looks like a calendar reaches it: bounded, no NUL bytes, BEGIN/END
 * VCALENDAR present.
 */
static enum kith_status precheck(struct kith_ctx *ctx, const char *bytes, size_t len, size_t max)
{
	const char *p = bytes;

	if (!bytes || len == 0)
		return kith_fail(ctx, KITH_ERR_PARSE, "empty calendar data");
	if (len > max)
		return kith_fail(ctx, KITH_ERR_PARSE,
				 "calendar data of %zu bytes is over the "
				 "limit of %zu",
				 len, max);
	if (memchr(bytes, '\0', len))
		return kith_fail(ctx, KITH_ERR_PARSE, "calendar data holds a NUL byte");
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	while (p < bytes + len && (*p == ' ' || *p == '\r' || *p == '\n' || *p == '\t'))
		p++;
	if ((size_t)(bytes + len - p) < 15 || strncasecmp(p, "BEGIN:VCALENDAR", 15))
		return kith_fail(ctx, KITH_ERR_PARSE,
				 "not an iCalendar object (no BEGIN:VCALENDAR)");
	for (const char *q = p; (q = memchr(q, 'E', (size_t)(bytes + len - q))); q++)
		if ((size_t)(bytes + len - q) >= 13 && !strncasecmp(q, "END:VCALENDAR", 13))
			return KITH_OK;
	return kith_fail(ctx, KITH_ERR_PARSE, "truncated iCalendar object (no END:VCALENDAR)");
}

/*
 * libical's own string reader looks for the end of the line again for
 * every 80-byte piece it hands the parser, which made a 20 MB line (an
 * attachment) take a minute.  This one remembers where the line ends.
 */
struct line_source {
	const char *pos, *end;
	const char *eol; /* the '\n' ending the current line, or end; NULL: not looked for */
};

static char *next_piece(char *out, size_t size, void *arg)
{
	struct line_source *src = arg;
	size_t n;

	if (src->pos >= src->end || size < 2)
		return NULL;
	if (!src->eol || src->eol < src->pos) {
		src->eol = memchr(src->pos, '\n', (size_t)(src->end - src->pos));
		if (!src->eol)
			src->eol = src->end - 1;
	}
	n = (size_t)(src->eol - src->pos) + 1;
	if (n > size - 1)
		n = size - 1;
	memcpy(out, src->pos, n);
	out[n] = '\0';
	src->pos += n;
	return out;
}

/* bytes[0..len) parsed by libical (no NUL inside: precheck() saw to it). */
static icalcomponent *parse_lines(const char *bytes, size_t len)
{
	struct line_source src = { bytes, bytes + len, NULL };
	icalparser *parser = icalparser_new();
	icalcomponent *root;

	if (!parser)
		return NULL;
	icalparser_set_gen_data(parser, &src);
	root = icalparser_parse(parser, next_piece);
	icalparser_free(parser);
	return root;
}

/* Parse to a VCALENDAR (the first one, if several). NULL and a message on failure. */
static icalcomponent *parse_calendar(struct kith_ctx *ctx, const char *bytes, size_t len,
				     size_t max, enum kith_status *rc)
{
	icalcomponent *root, *cal;

	*rc = precheck(ctx, bytes, len, max);
	if (*rc)
		return NULL;
	root = parse_lines(bytes, len);
	if (!root) {
		*rc = kith_fail(ctx, KITH_ERR_PARSE, "libical could not parse the calendar data");
		return NULL;
	}
	if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT)
		return root;
	cal = icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
	if (cal) {
		icalcomponent_remove_component(root, cal);
		icalcomponent_free(root);
		return cal;
	}
	icalcomponent_free(root);
	*rc = kith_fail(ctx, KITH_ERR_PARSE, "the calendar data holds no VCALENDAR");
	return NULL;
}

struct kith_date kith_ical_local_date(time_t t, const char *tzid)
{
	icaltimezone *zone = tzid ? icaltimezone_get_builtin_timezone(tzid) : NULL;

	if (zone)
		return from_ical(icaltime_from_timet_with_zone(t, 0, zone));
	return kith_date_local(t);
}

static time_t instant_of(struct icaltimetype t)
{
	if (icaltime_is_null_time(t))
		return 0;
	/* A floating time is read as UTC: close enough for "when". */
	return icaltime_as_timet_with_zone(t, t.zone ? t.zone : icaltimezone_get_utc_timezone());
}

/*
 * The local date of a DATE or DATE-TIME value.  A DATE, a floating time
 * and a time with a TZID are wall dates already: apps turn DUE;VALUE=DATE
 * into midnight (or 23:59:59) of their own zone, and the date they meant
 * is the one written.  Only a UTC time is an instant, seen in the user's zone.
 */
static struct kith_date local_of(struct icaltimetype t, const char *tzid)
{
	struct kith_date none = { 0, 0, 0 };

	if (icaltime_is_null_time(t) || !icaltime_is_valid_time(t))
		return none;
	if (t.is_date || !icaltime_is_utc(t))
		return from_ical(t);
	return kith_ical_local_date(instant_of(t), tzid);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static const char *x_value(icalcomponent *c, const char *name)
{
	for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY)) {
		const char *n = icalproperty_get_x_name(p);

		if (n && !strcasecmp(n, name))
			return icalproperty_get_x(p);
	}
	return NULL;
}

static enum kith_todo_status status_of(icalcomponent *c)
{
	if (!icalcomponent_get_first_property(c, ICAL_STATUS_PROPERTY))
		return KITH_TODO_STATUS_NONE;
	switch (icalcomponent_get_status(c)) {
	case ICAL_STATUS_NEEDSACTION: return KITH_TODO_NEEDS_ACTION;
	case ICAL_STATUS_INPROCESS: return KITH_TODO_IN_PROCESS;
	case ICAL_STATUS_COMPLETED: return KITH_TODO_COMPLETED;
	case ICAL_STATUS_CANCELLED: return KITH_TODO_CANCELLED;
	default: return KITH_TODO_STATUS_NONE;
	}
}

static int read_todo(icalcomponent *c, const char *tzid, struct kith_todo *t)
{
	icalproperty *p;
	int ok = 1;

	memset(t, 0, sizeof(*t));
	t->percent = -1;
	t->uid = dup_or_null(icalcomponent_get_uid(c));
	t->summary = dup_or_null(icalcomponent_get_summary(c));
	t->description = dup_or_null(icalcomponent_get_description(c));
	t->x_kith_id = dup_or_null(x_value(c, "X-KITH-ID"));
	p = icalcomponent_get_first_property(c, ICAL_URL_PROPERTY);
	if (p && icalproperty_get_url(p)) {
		t->url = strdup(icalproperty_get_url(p));
		ok &= t->url != NULL;
	}
	p = icalcomponent_get_first_property(c, ICAL_CATEGORIES_PROPERTY);
	if (p && icalproperty_get_categories(p)) {
		const char *v = icalproperty_get_categories(p);

		t->category = strndup(v, strcspn(v, ","));
		ok &= t->category != NULL;
	}
	p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY);
	if (p) {
		struct icalrecurrencetype r = icalproperty_get_rrule(p);

		t->rrule = take_ical_string(icalrecurrencetype_as_string_r(&r));
		t->rrule_count = r.count > 0 || !icaltime_is_null_time(r.until);
		ok &= t->rrule != NULL;
	}
	p = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
	if (p) {
		icalparameter *range = icalproperty_get_first_parameter(p, ICAL_RANGE_PARAMETER);

		t->has_rid = 1;
		t->rid = local_of(icalcomponent_get_recurrenceid(c), tzid);
		t->rid_range = range && icalparameter_get_range(range) == ICAL_RANGE_THISANDFUTURE;
	}
	t->status = status_of(c);
	p = icalcomponent_get_first_property(c, ICAL_PERCENTCOMPLETE_PROPERTY);
	if (p)
		t->percent = icalproperty_get_percentcomplete(p);
	p = icalcomponent_get_first_property(c, ICAL_COMPLETED_PROPERTY);
	if (p) {
		struct icaltimetype ct = icalproperty_get_completed(p);

		t->has_completed = 1;
		t->completed = ct.is_date ? 0 : instant_of(ct);
		t->completed_date = local_of(ct, tzid);
	}
	if (icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY))
		t->dtstart = local_of(icalcomponent_get_dtstart(c), tzid);
	if (icalcomponent_get_first_property(c, ICAL_DUE_PROPERTY))
		t->due = local_of(icalcomponent_get_due(c), tzid);
	p = icalcomponent_get_first_property(c, ICAL_LASTMODIFIED_PROPERTY);
	if (p)
		t->last_modified = instant_of(icalproperty_get_lastmodified(p));
	if (icalcomponent_get_first_property(c, ICAL_DTSTAMP_PROPERTY))
		t->dtstamp = instant_of(icalcomponent_get_dtstamp(c));
	if (icalcomponent_get_first_property(c, ICAL_SEQUENCE_PROPERTY))
		t->sequence = icalcomponent_get_sequence(c);
	ok &= !icalcomponent_get_uid(c) || t->uid;
	ok &= !icalcomponent_get_summary(c) || t->summary;
	ok &= !icalcomponent_get_description(c) || t->description;
	return ok ? 0 : -1;
}

static void todo_clear(struct kith_todo *t)
{
	free(t->uid);
	free(t->summary);
	free(t->description);
	free(t->category);
	free(t->x_kith_id);
	free(t->rrule);
	free(t->url);
}

void kith_todos_clear(struct kith_todos *todos)
{
	for (size_t i = 0; i < todos->n; i++)
		todo_clear(&todos->items[i]);
	free(todos->items);
	todos->items = NULL;
	todos->n = 0;
}

int kith_todo_is_done(const struct kith_todo *t)
{
	return t->status == KITH_TODO_COMPLETED || t->has_completed || t->percent >= 100;
}

enum kith_status kith_ical_parse_todos(struct kith_ctx *ctx, const char *bytes, size_t len,
				       const char *tzid, struct kith_todos *out)
{
	struct kith_todos todos = { NULL, 0 };
	enum kith_status rc;
	icalcomponent *cal = parse_calendar(ctx, bytes, len, KITH_ICAL_MAX_RESOURCE, &rc);
	size_t n = 0;

	if (!cal)
		return rc;
	for (icalcomponent *c = icalcomponent_get_first_component(cal, ICAL_VTODO_COMPONENT); c;
	     c = icalcomponent_get_next_component(cal, ICAL_VTODO_COMPONENT))
		n++;
	todos.items = calloc(n ? n : 1, sizeof(*todos.items));
	if (!todos.items) {
		icalcomponent_free(cal);
		return kith_nomem(ctx);
	}
	for (icalcomponent *c = icalcomponent_get_first_component(cal, ICAL_VTODO_COMPONENT); c;
	     c = icalcomponent_get_next_component(cal, ICAL_VTODO_COMPONENT)) {
		if (read_todo(c, tzid, &todos.items[todos.n++]) < 0) {
			icalcomponent_free(cal);
			kith_todos_clear(&todos);
			return kith_nomem(ctx);
		}
	}
	icalcomponent_free(cal);
	*out = todos;
	return KITH_OK;
}

int kith_ical_rrule_hits(const char *rrule, struct kith_date dtstart, struct kith_date date)
{
	struct icalrecurrencetype r = icalrecurrencetype_from_string(rrule);
	struct icaltimetype start = to_ical_date(dtstart), want = to_ical_date(date);
	icalrecur_iterator *it;
	int hit = 0;

	if (r.freq == ICAL_NO_RECURRENCE)
		return 0;
	/* The grid of the series as kith wrote it: COUNT and UNTIL do not end it. */
	r.count = 0;
	r.until = icaltime_null_time();
	it = icalrecur_iterator_new(r, start);
	if (!it)
		return 0;
	for (int i = 0; i < 500; i++) {
		struct icaltimetype next = icalrecur_iterator_next(it);
		int c;

		if (icaltime_is_null_time(next))
			break;
		c = icaltime_compare_date_only(next, want);
		if (c == 0 && i > 0) {
			hit = 1;
			break;
		}
		if (c > 0)
			break;
	}
	icalrecur_iterator_free(it);
	return hit;
}

/* Removes every property of a kind from c. */
static void remove_all(icalcomponent *c, icalproperty_kind kind)
{
	icalproperty *p;

	while ((p = icalcomponent_get_first_property(c, kind))) {
		icalcomponent_remove_property(c, p);
		icalproperty_free(p);
	}
}

static void remove_x(icalcomponent *c, const char *name)
{
	icalproperty *p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY);

	while (p) {
		icalproperty *next = icalcomponent_get_next_property(c, ICAL_X_PROPERTY);
		const char *n = icalproperty_get_x_name(p);

		if (n && !strcasecmp(n, name)) {
			icalcomponent_remove_property(c, p);
			icalproperty_free(p);
		}
		p = next;
	}
}

/* Drops the CATEGORIES properties that are kith's (the old or new tier). */
static void remove_categories(icalcomponent *c, const char *a, const char *b)
{
	icalproperty *p = icalcomponent_get_first_property(c, ICAL_CATEGORIES_PROPERTY);

	while (p) {
		icalproperty *next = icalcomponent_get_next_property(c, ICAL_CATEGORIES_PROPERTY);
		const char *v = icalproperty_get_categories(p);

		if (v && ((a && !strcmp(v, a)) || (b && !strcmp(v, b)))) {
			icalcomponent_remove_property(c, p);
			icalproperty_free(p);
		}
		p = next;
	}
}

static int same_uid(icalcomponent *c, const char *uid)
{
	const char *u = icalcomponent_get_uid(c);

	return u && !strcmp(u, uid);
}

enum kith_status kith_ical_rewrite(struct kith_ctx *ctx, const char *base, size_t len,
				   const struct kith_reminder *r, const char *old_category,
				   time_t now, char **out)
{
	static const icalproperty_kind owned[] = {
		ICAL_DTSTART_PROPERTY, ICAL_DUE_PROPERTY,          ICAL_DURATION_PROPERTY,
		ICAL_RRULE_PROPERTY,   ICAL_EXDATE_PROPERTY,       ICAL_RDATE_PROPERTY,
		ICAL_STATUS_PROPERTY,  ICAL_COMPLETED_PROPERTY,    ICAL_PERCENTCOMPLETE_PROPERTY,
		ICAL_SUMMARY_PROPERTY, ICAL_DESCRIPTION_PROPERTY,  ICAL_URL_PROPERTY,
		ICAL_DTSTAMP_PROPERTY, ICAL_LASTMODIFIED_PROPERTY, ICAL_SEQUENCE_PROPERTY,
	};
	enum kith_status rc;
	icalcomponent *cal = parse_calendar(ctx, base, len, KITH_ICAL_MAX_RESOURCE, &rc);
	icalcomponent *master = NULL, *c, *next;
	int seq = 0, err = 0;
	char *s;

	if (!cal)
		return rc;
	/* Overrides go: their occurrences have been dealt with. */
	for (c = icalcomponent_get_first_component(cal, ICAL_VTODO_COMPONENT); c; c = next) {
		next = icalcomponent_get_next_component(cal, ICAL_VTODO_COMPONENT);
		if (!same_uid(c, r->uid))
			continue;
		if (icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY)) {
			icalcomponent_remove_component(cal, c);
			icalcomponent_free(c);
		} else if (!master) {
			master = c;
		}
	}
	if (!master) {
		master = build_vtodo(r);
		if (!master)
			err = 1;
		else
			icalcomponent_add_component(cal, master);
	} else {
		if (icalcomponent_get_first_property(master, ICAL_SEQUENCE_PROPERTY))
			seq = icalcomponent_get_sequence(master);
		for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
			remove_all(master, owned[i]);
		remove_x(master, "X-KITH-ID");
		remove_x(master, "X-KITH-CADENCE");
		remove_categories(master, old_category, r->category);
		err |= add_owned(master, r);
		err |= add(master, icalproperty_new_dtstamp(utc_now(now)));
		err |= add(master, icalproperty_new_lastmodified(utc_now(now)));
		err |= add(master, icalproperty_new_sequence(seq + 1));
	}
	s = err ? NULL : take_ical_string(icalcomponent_as_ical_string_r(cal));
	icalcomponent_free(cal);
	if (!s)
		return kith_fail(ctx, KITH_ERR_ICAL, "could not rewrite the reminder %s", r->uid);
	*out = s;
	return KITH_OK;
}

/* ---- a whole calendar file as resources ---- */

void kith_ical_split_clear(struct kith_ical_split *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->uids[i]);
		free(s->texts[i]);
	}
	free(s->uids);
	free(s->texts);
	free(s->rest);
	memset(s, 0, sizeof(*s));
}

/* A new VCALENDAR with the calendar-level properties of `like`. */
static icalcomponent *empty_like(icalcomponent *like)
{
	icalcomponent *cal = icalcomponent_new_vcalendar();

	if (!cal)
		return NULL;
	for (icalproperty *p = icalcomponent_get_first_property(like, ICAL_ANY_PROPERTY); p;
	     p = icalcomponent_get_next_property(like, ICAL_ANY_PROPERTY))
		icalcomponent_add_property(cal, icalproperty_new_clone(p));
	return cal;
}

static void add_timezones(icalcomponent *to, icalcomponent *from)
{
	for (icalcomponent *tz = icalcomponent_get_first_component(from, ICAL_VTIMEZONE_COMPONENT);
	     tz; tz = icalcomponent_get_next_component(from, ICAL_VTIMEZONE_COMPONENT))
		icalcomponent_add_component(to, icalcomponent_new_clone(tz));
}

enum kith_status kith_ical_split_file(struct kith_ctx *ctx, const char *bytes, size_t len,
				      struct kith_ical_split *out)
{
	struct kith_ical_split sp = { NULL, NULL, 0, NULL };
	enum kith_status rc;
	icalcomponent *cal = parse_calendar(ctx, bytes, len, KITH_ICAL_MAX_FILE, &rc);
	icalcomponent *rest = NULL, *zones = NULL, **groups = NULL, *c, *next;
	struct kith_strmap seen = { 0 }; /* UID -> group: 50,000 foreign VTODOs are common */
	size_t n = 0, cap_uids = 0, cap_groups = 0;

	if (!cal)
		return rc;
	rest = empty_like(cal);
	/*
	 * A component has one internal iterator: collect the time zones
	 * first, so adding them to each group does not restart the main loop.
	 */
	zones = icalcomponent_new_vcalendar();
	if (!rest || !zones)
		goto nomem;
	add_timezones(zones, cal);
	/*
	 * Each component moves from the parsed file to its group rather than
	 * being cloned: two copies of 50,000 parsed VTODOs were most of the
	 * peak.  The next one is taken before this one moves, and it is
	 * always the first child, so the removal is O(1).
	 */
	for (c = icalcomponent_get_first_component(cal, ICAL_ANY_COMPONENT); c; c = next) {
		const char *uid = icalcomponent_get_uid(c);
		size_t i;

		next = icalcomponent_get_next_component(cal, ICAL_ANY_COMPONENT);
		icalcomponent_remove_component(cal, c);
		if (icalcomponent_isa(c) != ICAL_VTODO_COMPONENT || !uid) {
			icalcomponent_add_component(rest, c);
			continue;
		}
		i = kith_strmap_get(&seen, uid);
		if (i == KITH_STRMAP_NONE) {
			i = n;
			/* Two arrays, two capacities: one may grow when the other fails. */
			if (KITH_GROW(sp.uids, cap_uids, n + 1, 16) ||
			    KITH_GROW(groups, cap_groups, n + 1, 16))
				goto nomem_c;
			sp.uids[n] = strdup(uid);
			groups[n] = empty_like(cal);
			if (!sp.uids[n] || !groups[n]) {
				free(sp.uids[n]);
				if (groups[n])
					icalcomponent_free(groups[n]);
				goto nomem_c;
			}
			add_timezones(groups[n], zones);
			n++;
			if (kith_strmap_put(&seen, strdup(uid), i))
				goto nomem_c;
		}
		icalcomponent_add_component(groups[i], c);
	}
	sp.n = n;
	sp.texts = calloc(n ? n : 1, sizeof(*sp.texts));
	if (!sp.texts)
		goto nomem;
	/* Each group is freed once written out: the texts replace the trees. */
	for (size_t i = 0; i < n; i++) {
		sp.texts[i] = take_ical_string(icalcomponent_as_ical_string_r(groups[i]));
		icalcomponent_free(groups[i]);
		groups[i] = NULL;
		if (!sp.texts[i])
			goto nomem;
	}
	/* Always: the file's own properties (X-WR-CALNAME, CALSCALE) live here. */
	sp.rest = take_ical_string(icalcomponent_as_ical_string_r(rest));
	if (!sp.rest)
		goto nomem;
	rc = KITH_OK;
	*out = sp;
	sp.n = 0;
	sp.uids = NULL;
	sp.texts = NULL;
	sp.rest = NULL;
	goto out;
nomem_c:
	/* c is out of the file and in no group yet: it is ours to free. */
	icalcomponent_free(c);
nomem:
	sp.n = n;
	rc = kith_nomem(ctx);
out:
	kith_strmap_free(&seen);
	for (size_t i = 0; i < n; i++)
		if (groups && groups[i])
			icalcomponent_free(groups[i]);
	free(groups);
	if (rest)
		icalcomponent_free(rest);
	if (zones)
		icalcomponent_free(zones);
	icalcomponent_free(cal);
	kith_ical_split_clear(&sp);
	return rc;
}

static int has_timezone(icalcomponent *cal, const char *tzid)
{
	for (icalcomponent *tz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT);
	     tz; tz = icalcomponent_get_next_component(cal, ICAL_VTIMEZONE_COMPONENT)) {
		icalproperty *p = icalcomponent_get_first_property(tz, ICAL_TZID_PROPERTY);

		if (p && icalproperty_get_tzid(p) && !strcmp(icalproperty_get_tzid(p), tzid))
			return 1;
	}
	return 0;
}

enum kith_status kith_ical_join_file(struct kith_ctx *ctx, const char *rest,
				     const char *const *texts, size_t n, char **out)
{
	enum kith_status rc = KITH_OK;
	icalcomponent *cal;
	char *s;

	if (rest) {
		cal = parse_calendar(ctx, rest, strlen(rest), KITH_ICAL_MAX_FILE, &rc);
		if (!cal)
			return rc;
	} else {
		char prodid[64];

		cal = icalcomponent_new_vcalendar();
		if (!cal)
			return kith_nomem(ctx);
		snprintf(prodid, sizeof(prodid), "-//kith//kith %s//EN", kith_version());
		if (add(cal, icalproperty_new_version("2.0")) ||
		    add(cal, icalproperty_new_prodid(prodid))) {
			icalcomponent_free(cal);
			return kith_nomem(ctx);
		}
	}
	for (size_t i = 0; i < n && !rc; i++) {
		icalcomponent *part = parse_calendar(ctx, texts[i], strlen(texts[i]),
						     KITH_ICAL_MAX_RESOURCE, &rc);
		icalcomponent *c, *next;

		if (!part)
			break;
		for (c = icalcomponent_get_first_component(part, ICAL_ANY_COMPONENT); c; c = next) {
			next = icalcomponent_get_next_component(part, ICAL_ANY_COMPONENT);
			if (icalcomponent_isa(c) == ICAL_VTIMEZONE_COMPONENT) {
				icalproperty *p =
					icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY);
				const char *tzid = p ? icalproperty_get_tzid(p) : NULL;

				if (!tzid || has_timezone(cal, tzid))
					continue;
			}
			icalcomponent_remove_component(part, c);
			icalcomponent_add_component(cal, c);
		}
		icalcomponent_free(part);
	}
	if (rc) {
		icalcomponent_free(cal);
		return rc;
	}
	s = take_ical_string(icalcomponent_as_ical_string_r(cal));
	icalcomponent_free(cal);
	if (!s)
		return kith_nomem(ctx);
	*out = s;
	return KITH_OK;
}

/* ---- meetings: the VEVENTs that happened ---- */

/* At most this many occurrences per call: a hostile file costs memory too. */
#define KITH_MEETINGS_MAX 1000000

/* One VEVENT as the reader sees it; a series is a run of these with one UID. */
struct vevent {
	icalcomponent *c;
	const char *uid;
	size_t order; /* in the file: keeps the sort stable */
	int line;     /* of its BEGIN:VEVENT; 0: not known */
	int is_override;
	int used;                  /* an override that replaced a generated occurrence */
	char rid[24];              /* an override's RECURRENCE-ID, as rid_text() */
	int people_done;           /* the fields below are filled */
	size_t first, n;           /* its people in the pool */
	int has_attendee;          /* an ATTENDEE property, whoever it names */
	int me_declined;           /* one of the user's addresses said no */
	int other_present;         /* someone not the user who did not decline */
	int broken;                /* a problem was reported: it yields nothing */
	struct icaltimetype start; /* DTSTART with its zone (an override without one: its rid) */
};

struct meet {
	struct kith_ctx *ctx;
	const struct kith_meeting_query *q;
	icalcomponent *cal;
	icaltimezone *zone; /* the user's; NULL: the process's */
	struct kith_meetings m;
	size_t cap_items, cap_people, cap_problems;
	clock_t cpu0;
	int full;          /* KITH_MEETINGS_MAX reached */
	int out_of_budget; /* KITH_MEETINGS_CPU_BUDGET spent */
	int nomem;
};

static void meeting_clear(struct kith_meeting *m)
{
	free(m->uid);
	free(m->rid);
	free(m->summary);
}

void kith_meetings_clear(struct kith_meetings *m)
{
	for (size_t i = 0; i < m->n; i++)
		meeting_clear(&m->items[i]);
	for (size_t i = 0; i < m->n_people; i++) {
		free(m->people[i].email);
		free(m->people[i].name);
	}
	for (size_t i = 0; i < m->n_problems; i++) {
		free(m->problems[i].uid);
		free(m->problems[i].message);
	}
	free(m->items);
	free(m->people);
	free(m->problems);
	memset(m, 0, sizeof(*m));
}

/* Text from the calendar as UTF-8: a stray Latin-1 byte is not a reason to lose it. */
static char *dup_text(const char *s)
{
	if (!s)
		return NULL;
	if (kith_utf8_is_valid(s, strlen(s)))
		return strdup(s);
	return kith_utf8_repair(s, strlen(s), NULL);
}

static void problem(struct meet *st, const struct vevent *e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void problem(struct meet *st, const struct vevent *e, const char *fmt, ...)
{
	struct kith_meeting_problem *p;
	char msg[KITH_ERRMSG_MAX];
	va_list ap;

	if (KITH_GROW(st->m.problems, st->cap_problems, st->m.n_problems + 1, 8)) {
		st->nomem = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p = &st->m.problems[st->m.n_problems];
	p->uid = e && e->uid ? dup_text(e->uid) : NULL;
	p->line = e ? e->line : 0;
	p->message = dup_text(msg);
	if ((e && e->uid && !p->uid) || !p->message) {
		free(p->uid);
		free(p->message);
		st->nomem = 1;
		return;
	}
	st->m.n_problems++;
}

/* The zone a TZID names: the calendar's VTIMEZONE, else libical's own. */
static icaltimezone *zone_named(icalcomponent *cal, const char *tzid)
{
	icaltimezone *z = icalcomponent_get_timezone(cal, tzid);

	if (!z)
		z = icaltimezone_get_builtin_timezone_from_tzid(tzid);
	if (!z)
		z = icaltimezone_get_builtin_timezone(tzid);
	if (!z && !strcasecmp(tzid, "UTC"))
		z = icaltimezone_get_utc_timezone();
	return z;
}

/*
 * t with the zone its property names (TZID, or Z for UTC).  -1 (and
 * *bad_tzid) when the TZID names no zone: guessing one would move the
 * meeting to another day.
 */
static int with_zone(icalcomponent *cal, icalproperty *p, struct icaltimetype *t,
		     const char **bad_tzid)
{
	icalparameter *par = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
	const char *tzid = par ? icalparameter_get_tzid(par) : NULL;

	if (icaltime_is_utc(*t) || t->is_date || !tzid) {
		if (!icaltime_is_utc(*t))
			t->zone = NULL;
		return 0;
	}
	t->zone = zone_named(cal, tzid);
	if (!t->zone) {
		*bad_tzid = tzid;
		return -1;
	}
	return 0;
}

/* The instant of t; floating and all-day times are the user's wall clock. */
static time_t meeting_instant(const struct meet *st, struct icaltimetype t)
{
	if (t.is_date) {
		t.is_date = 0;
		t.hour = t.minute = t.second = 0;
	}
	if (t.zone)
		return icaltime_as_timet_with_zone(t, t.zone);
	if (st->zone)
		return icaltime_as_timet_with_zone(t, st->zone);
	{
		struct tm tm;

		memset(&tm, 0, sizeof(tm));
		tm.tm_year = t.year - 1900;
		tm.tm_mon = t.month - 1;
		tm.tm_mday = t.day;
		tm.tm_hour = t.hour;
		tm.tm_min = t.minute;
		tm.tm_sec = t.second;
		tm.tm_isdst = -1;
		return mktime(&tm);
	}
}

static struct kith_date user_date(const struct meet *st, time_t at)
{
	if (st->zone)
		return from_ical(icaltime_from_timet_with_zone(at, 0, st->zone));
	return kith_date_local(at);
}

/* The name of an occurrence as struct kith_meeting's rid says. */
static void rid_text(struct icaltimetype t, char out[24])
{
	if (t.is_date) {
		snprintf(out, 24, "%04d%02d%02d", t.year % 10000, t.month % 100, t.day % 100);
		return;
	}
	if (t.zone)
		t = icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone());
	snprintf(out, 24, "%04d%02d%02dT%02d%02d%02d%s", t.year % 10000, t.month % 100, t.day % 100,
		 t.hour % 100, t.minute % 100, t.second % 100, t.zone ? "Z" : "");
}

static enum kith_partstat partstat_of(icalproperty *p)
{
	icalparameter *par = icalproperty_get_first_parameter(p, ICAL_PARTSTAT_PARAMETER);

	if (!par)
		return KITH_PARTSTAT_NONE;
	switch (icalparameter_get_partstat(par)) {
	case ICAL_PARTSTAT_NEEDSACTION: return KITH_PARTSTAT_NEEDS_ACTION;
	case ICAL_PARTSTAT_ACCEPTED: return KITH_PARTSTAT_ACCEPTED;
	case ICAL_PARTSTAT_DECLINED: return KITH_PARTSTAT_DECLINED;
	case ICAL_PARTSTAT_TENTATIVE: return KITH_PARTSTAT_TENTATIVE;
	case ICAL_PARTSTAT_DELEGATED: return KITH_PARTSTAT_DELEGATED;
	default: return KITH_PARTSTAT_OTHER;
	}
}

/*
 * "mailto:Bob@Example.COM" -> "Bob@example.com"; NULL when it is no
 * address (Outlook writes "invalid:nomail" for a person without one).
 */
static char *address_of(const char *v)
{
	const char *at;
	char *out;
	size_t n;

	if (!v)
		return NULL;
	while (*v == ' ' || *v == '\t')
		v++;
	if (!strncasecmp(v, "mailto:", 7))
		v += 7;
	n = strcspn(v, " \t\r\n");
	at = memchr(v, '@', n);
	if (!at || at == v || at == v + n - 1 || memchr(v, ':', (size_t)(at - v)))
		return NULL;
	out = strndup(v, n);
	if (!out)
		return NULL;
	for (char *d = out + (at - v); *d; d++)
		if (*d >= 'A' && *d <= 'Z')
			*d = (char)(*d - 'A' + 'a');
	if (!kith_utf8_is_valid(out, n)) {
		free(out);
		return NULL;
	}
	return out;
}

static int is_me(const struct meet *st, const char *email)
{
	for (size_t i = 0; i < st->q->n_me; i++) {
		const char *me = st->q->me[i];

		if (!me)
			continue;
		if (!strncasecmp(me, "mailto:", 7))
			me += 7;
		if (!strcasecmp(me, email))
			return 1;
	}
	return 0;
}

static const char *param_text(icalproperty *p, icalparameter_kind kind)
{
	icalparameter *par = icalproperty_get_first_parameter(p, kind);

	if (!par)
		return NULL;
	switch (kind) {
	case ICAL_CN_PARAMETER: return icalparameter_get_cn(par);
	case ICAL_EMAIL_PARAMETER: return icalparameter_get_email(par);
	default: return NULL;
	}
}

/* Adds (or merges into the entry for the same address) one person of e. */
static void add_person(struct meet *st, struct vevent *e, icalproperty *p, int organizer)
{
	const char *value =
		organizer ? icalproperty_get_organizer(p) : icalproperty_get_attendee(p);
	char *email = address_of(value);
	const char *cn = param_text(p, ICAL_CN_PARAMETER);
	struct kith_meeting_person *who = NULL;

	if (!email)
		email = address_of(param_text(p, ICAL_EMAIL_PARAMETER));
	if (!email)
		return;
	for (size_t i = e->first; i < e->first + e->n; i++)
		if (!strcasecmp(st->m.people[i].email, email))
			who = &st->m.people[i];
	if (!who) {
		if (KITH_GROW(st->m.people, st->cap_people, st->m.n_people + 1, 16)) {
			free(email);
			st->nomem = 1;
			return;
		}
		who = &st->m.people[st->m.n_people++];
		memset(who, 0, sizeof(*who));
		who->email = email;
		who->me = is_me(st, email);
		e->n++;
	} else {
		free(email);
	}
	if (organizer)
		who->organizer = 1;
	else
		who->partstat = partstat_of(p);
	if (!who->name && cn && *cn) {
		who->name = dup_text(cn);
		if (!who->name)
			st->nomem = 1;
	}
}

/* A room or a projector is on the invitation, but it is no one met. */
static int is_resource(icalproperty *p)
{
	icalparameter *par = icalproperty_get_first_parameter(p, ICAL_CUTYPE_PARAMETER);
	icalparameter_cutype t = par ? icalparameter_get_cutype(par) : ICAL_CUTYPE_INDIVIDUAL;

	return t == ICAL_CUTYPE_ROOM || t == ICAL_CUTYPE_RESOURCE;
}

static void read_people(struct meet *st, struct vevent *e)
{
	icalproperty *p;

	if (e->people_done)
		return;
	e->people_done = 1;
	e->first = st->m.n_people;
	p = icalcomponent_get_first_property(e->c, ICAL_ORGANIZER_PROPERTY);
	if (p)
		add_person(st, e, p, 1);
	for (p = icalcomponent_get_first_property(e->c, ICAL_ATTENDEE_PROPERTY); p;
	     p = icalcomponent_get_next_property(e->c, ICAL_ATTENDEE_PROPERTY)) {
		if (is_resource(p))
			continue;
		e->has_attendee = 1;
		add_person(st, e, p, 0);
	}
	for (size_t i = e->first; i < e->first + e->n; i++) {
		const struct kith_meeting_person *who = &st->m.people[i];

		if (who->me && who->partstat == KITH_PARTSTAT_DECLINED)
			e->me_declined = 1;
		if (!who->me && who->partstat != KITH_PARTSTAT_DECLINED)
			e->other_present = 1;
	}
}

static int is_cancelled(icalcomponent *c)
{
	return icalcomponent_get_first_property(c, ICAL_STATUS_PROPERTY) &&
	       icalcomponent_get_status(c) == ICAL_STATUS_CANCELLED;
}

/* Yields the occurrence `rid` of e starting at `start`, if it counts. */
static void yield(struct meet *st, struct vevent *e, const char *rid, struct icaltimetype start)
{
	struct kith_meeting *m;
	time_t at = meeting_instant(st, start);

	if (is_cancelled(e->c))
		return;
	if (at > st->q->now) {
		if (!st->m.next || at < st->m.next)
			st->m.next = at;
		return;
	}
	if (st->q->since && at < st->q->since)
		return;
	read_people(st, e);
	/* The organizer alone is no meeting: public events carry one and nobody else. */
	if (!e->has_attendee || e->me_declined || !e->other_present)
		return;
	if (st->m.n >= KITH_MEETINGS_MAX) {
		if (!st->full)
			problem(st, e,
				"more than %d meetings in one calendar: the rest are not read",
				KITH_MEETINGS_MAX);
		st->full = 1;
		return;
	}
	if (KITH_GROW(st->m.items, st->cap_items, st->m.n + 1, 64)) {
		st->nomem = 1;
		return;
	}
	m = &st->m.items[st->m.n];
	memset(m, 0, sizeof(*m));
	m->uid = dup_text(e->uid);
	m->rid = strdup(rid);
	m->summary = dup_text(icalcomponent_get_summary(e->c));
	m->start = at;
	m->all_day = start.is_date;
	m->date = start.is_date || !start.zone ? from_ical(start) : user_date(st, at);
	m->first_person = e->first;
	m->n_people = e->n;
	if (!m->uid || !m->rid || (icalcomponent_get_summary(e->c) && !m->summary)) {
		meeting_clear(m);
		st->nomem = 1;
		return;
	}
	st->m.n++;
}

/* The libical complaints that change which occurrences there are. */
static const char *const occurrence_props[] = { "RRULE",  "RDATE",         "EXDATE", "DTSTART",
						"STATUS", "RECURRENCE-ID", "EXRULE" };

/* *t, a value of p, with its zone; a problem (and -1) when its TZID names none. */
static int zoned(struct meet *st, struct vevent *e, icalproperty *p, struct icaltimetype *t)
{
	const char *bad_tzid = NULL;

	if (with_zone(st->cal, p, t, &bad_tzid) == 0)
		return 0;
	problem(st, e, "not read: %s names an unknown time zone '%.*s%s'",
		icalproperty_kind_to_string(icalproperty_isa(p)), KITH_ECHO(bad_tzid));
	return -1;
}

/* An RDATE's instant (the start of a PERIOD), without its zone. */
static struct icaltimetype rdate_of(icalproperty *p)
{
	struct icaldatetimeperiodtype d = icalproperty_get_rdate(p);

	return icaltime_is_null_time(d.time) ? d.period.start : d.time;
}

/*
 * Reads e's DTSTART (and an override's RECURRENCE-ID) with their zones;
 * a problem and 1 when e cannot be read as libical left it.
 */
static int check_event(struct meet *st, struct vevent *e)
{
	icalproperty *p;

	for (p = icalcomponent_get_first_property(e->c, ICAL_XLICERROR_PROPERTY); p;
	     p = icalcomponent_get_next_property(e->c, ICAL_XLICERROR_PROPERTY)) {
		const char *what = icalproperty_get_xlicerror(p);

		for (size_t i = 0; what && i < sizeof(occurrence_props) / sizeof(*occurrence_props);
		     i++)
			if (strstr(what, occurrence_props[i])) {
				/* libical ends its message with the value it dropped. */
				const char *v = strstr(what, "property: ");

				v = v ? v + 10 : what;
				problem(st, e, "not read: its %s cannot be read: '%.*s%s'",
					occurrence_props[i], KITH_ECHO(v));
				return 1;
			}
	}
	if (e->is_override) {
		struct icaltimetype rid;

		p = icalcomponent_get_first_property(e->c, ICAL_RECURRENCEID_PROPERTY);
		rid = icalproperty_get_recurrenceid(p);
		if (icaltime_is_null_time(rid) || !icaltime_is_valid_time(rid)) {
			problem(st, e, "not read: its RECURRENCE-ID is not a date");
			return 1;
		}
		if (zoned(st, e, p, &rid) < 0)
			return 1;
		rid_text(rid, e->rid);
		e->start = rid;
	}
	p = icalcomponent_get_first_property(e->c, ICAL_DTSTART_PROPERTY);
	if (!p) {
		if (e->is_override)
			return 0;
		problem(st, e, "not read: it has no DTSTART");
		return 1;
	}
	e->start = icalproperty_get_dtstart(p);
	if (icaltime_is_null_time(e->start) || !icaltime_is_valid_time(e->start)) {
		problem(st, e, "not read: its DTSTART is not a date");
		return 1;
	}
	if (zoned(st, e, p, &e->start) < 0)
		return 1;
	/* Checked here, so a bad one stops the series before it yields anything. */
	for (p = icalcomponent_get_first_property(e->c, ICAL_ANY_PROPERTY); p;
	     p = icalcomponent_get_next_property(e->c, ICAL_ANY_PROPERTY)) {
		struct icaltimetype t;

		if (icalproperty_isa(p) == ICAL_EXDATE_PROPERTY)
			t = icalproperty_get_exdate(p);
		else if (icalproperty_isa(p) == ICAL_RDATE_PROPERTY)
			t = rdate_of(p);
		else
			continue;
		if (zoned(st, e, p, &t) < 0)
			return 1;
	}
	return 0;
}

static int over_budget(struct meet *st, struct vevent *e)
{
	if (!st->out_of_budget &&
	    clock() - st->cpu0 <= (clock_t)KITH_MEETINGS_CPU_BUDGET * CLOCKS_PER_SEC)
		return 0;
	st->out_of_budget = 1;
	problem(st, e, "series not expanded: the calendar took over %d s to read",
		KITH_MEETINGS_CPU_BUDGET);
	return 1;
}

/* What a series needs while it is expanded. */
struct series {
	struct vevent *master;
	struct vevent *ovr;
	size_t n_ovr;
	struct kith_strmap overrides; /* rid -> index in ovr */
	struct kith_strmap excluded;  /* EXDATEs as rid_text(), DATEs as YYYYMMDD */
	struct kith_strmap seen;      /* occurrences already dealt with */
	size_t steps;
};

/* Counts one occurrence of s; 0 once the series has had its share. */
static int step(struct meet *st, struct series *s)
{
	if (++s->steps <= KITH_MEETINGS_MAX_STEPS)
		return 1;
	if (s->steps == KITH_MEETINGS_MAX_STEPS + 1)
		problem(st, s->master, "series cut after %d occurrences", KITH_MEETINGS_MAX_STEPS);
	return 0;
}

static int put_key(struct meet *st, struct kith_strmap *m, const char *key, size_t val)
{
	char *k = strdup(key);

	if (!k || kith_strmap_put(m, k, val)) {
		st->nomem = 1;
		return -1;
	}
	return 0;
}

/* One occurrence the series gives at t: excluded, replaced or yielded. */
static void occurrence(struct meet *st, struct series *s, struct icaltimetype t)
{
	char rid[24], day[24];
	size_t i;

	rid_text(t, rid);
	snprintf(day, sizeof(day), "%04d%02d%02d", t.year % 10000, t.month % 100, t.day % 100);
	if (kith_strmap_get(&s->excluded, rid) != KITH_STRMAP_NONE ||
	    kith_strmap_get(&s->excluded, day) != KITH_STRMAP_NONE ||
	    kith_strmap_get(&s->seen, rid) != KITH_STRMAP_NONE)
		return;
	if (put_key(st, &s->seen, rid, 0))
		return;
	i = kith_strmap_get(&s->overrides, rid);
	if (i != KITH_STRMAP_NONE) {
		s->ovr[i].used = 1;
		if (!s->ovr[i].broken)
			yield(st, &s->ovr[i], rid, s->ovr[i].start);
		return;
	}
	yield(st, s->master, rid, t);
}

static int read_exdates(struct meet *st, struct series *s)
{
	icalcomponent *c = s->master->c;

	for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY)) {
		struct icaltimetype t = icalproperty_get_exdate(p);
		char rid[24];

		if (zoned(st, s->master, p, &t) < 0) /* check_event() saw it is not */
			return -1;
		rid_text(t, rid);
		if (put_key(st, &s->excluded, rid, 0))
			return -1;
	}
	return 0;
}

/* Runs the RRULE from `since` (not from DTSTART: years of a daily series cost nothing). */
static void expand_rrule(struct meet *st, struct series *s, struct icalrecurrencetype r)
{
	struct icaltimetype start = s->master->start;
	icalrecur_iterator *it;

	if (r.freq < ICAL_DAILY_RECURRENCE) {
		problem(st, s->master, "series not read: it recurs more often than daily (%s)",
			icalrecur_freq_to_string(r.freq));
		return;
	}
	if (over_budget(st, s->master))
		return;
	it = icalrecur_iterator_new(r, start);
	if (!it) {
		problem(st, s->master, "series not read: libical cannot expand its RRULE");
		return;
	}
	/* Two days early: the jump is in DTSTART's wall time, since is an instant. */
	if (st->q->since && r.count == 0 && meeting_instant(st, start) < st->q->since - 2 * 86400) {
		struct icaltimetype from = icaltime_from_timet_with_zone(
			st->q->since - 2 * 86400, 0, icaltimezone_get_utc_timezone());

		from.zone = start.zone;
		if (start.is_date) {
			from.is_date = 1;
			from.hour = from.minute = from.second = 0;
		}
		icalrecur_iterator_set_start(it, from);
	}
	for (;;) {
		struct icaltimetype t = icalrecur_iterator_next(it);
		time_t at;

		if (icaltime_is_null_time(t) || st->nomem || st->full)
			break;
		t.zone = start.zone;
		t.is_date = start.is_date;
		if (!step(st, s))
			break;
		if (s->steps % 1024 == 0 && over_budget(st, s->master))
			break;
		at = meeting_instant(st, t);
		if (at > st->q->now) {
			if (!is_cancelled(s->master->c) && (!st->m.next || at < st->m.next))
				st->m.next = at;
			break;
		}
		if (st->q->since && at < st->q->since)
			continue;
		occurrence(st, s, t);
	}
	icalrecur_iterator_free(it);
}

static void expand_rdates(struct meet *st, struct series *s)
{
	icalcomponent *c = s->master->c;

	for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY); p;
	     p = icalcomponent_get_next_property(c, ICAL_RDATE_PROPERTY)) {
		struct icaltimetype t = rdate_of(p);

		if (st->nomem || st->full || !step(st, s))
			return;
		if (icaltime_is_null_time(t) || !icaltime_is_valid_time(t) ||
		    zoned(st, s->master, p, &t) < 0)
			continue;
		occurrence(st, s, t);
	}
}

/* One UID: its master (the first VEVENT without RECURRENCE-ID) and overrides. */
static void read_series(struct meet *st, struct vevent *ev, size_t n)
{
	struct series s;
	icalproperty *rrule;

	memset(&s, 0, sizeof(s));
	for (size_t i = 0; i < n; i++) {
		if (!ev[i].is_override && !s.master) {
			s.master = &ev[i];
			continue;
		}
		if (!ev[i].is_override) {
			problem(st, &ev[i],
				"ignored: a second VEVENT of this UID without RECURRENCE-ID");
			ev[i].broken = 1;
			continue;
		}
		ev[i].broken = check_event(st, &ev[i]);
	}
	s.ovr = ev;
	s.n_ovr = n;
	for (size_t i = 0; i < n; i++)
		if (ev[i].is_override && ev[i].rid[0] && put_key(st, &s.overrides, ev[i].rid, i))
			goto out;
	if (s.master) {
		if (check_event(st, s.master) || is_cancelled(s.master->c) ||
		    read_exdates(st, &s) < 0)
			goto out; /* a cancelled series is cancelled with its overrides */
		rrule = icalcomponent_get_first_property(s.master->c, ICAL_RRULE_PROPERTY);
		if (rrule)
			expand_rrule(st, &s, icalproperty_get_rrule(rrule));
		else
			occurrence(st, &s, s.master->start);
		expand_rdates(st, &s);
	}
	/* Overrides whose occurrence the series did not give: moved in from before `since`, ... */
	for (size_t i = 0; i < n && !st->nomem; i++) {
		struct vevent *o = &ev[i];

		if (!o->is_override || o->used || o->broken || !o->rid[0] ||
		    kith_strmap_get(&s.seen, o->rid) != KITH_STRMAP_NONE)
			continue;
		if (put_key(st, &s.seen, o->rid, 0))
			break;
		yield(st, o, o->rid, o->start);
	}
out:
	kith_strmap_free(&s.overrides);
	kith_strmap_free(&s.excluded);
	kith_strmap_free(&s.seen);
}

static int by_uid(const void *a, const void *b)
{
	const struct vevent *x = a, *y = b;
	int c = strcmp(x->uid ? x->uid : "", y->uid ? y->uid : "");

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The line of each BEGIN:VEVENT, in order, if they match libical's count. */
static void number_lines(const char *bytes, size_t len, struct vevent *ev, size_t n)
{
	size_t found = 0;
	int line = 1;

	for (size_t pass = 0; pass < 2; pass++) {
		found = 0;
		line = 1;
		for (const char *p = bytes, *end = bytes + len; p < end; line++) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t l = (size_t)((nl ? nl : end) - p);

			if (l >= 12 && !strncasecmp(p, "BEGIN:VEVENT", 12) &&
			    (l == 12 || p[12] == '\r' || p[12] == ' ')) {
				if (pass == 1 && found < n)
					ev[found].line = line;
				found++;
			}
			p = nl ? nl + 1 : end;
		}
		if (found != n)
			return;
	}
}

enum kith_status kith_ical_parse_meetings(struct kith_ctx *ctx, const char *bytes, size_t len,
					  const struct kith_meeting_query *q,
					  struct kith_meetings *out)
{
	struct meet st;
	struct vevent *ev = NULL;
	enum kith_status rc;
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	st.ctx = ctx;
	st.q = q;
	st.cpu0 = clock();
	if (q->tzid) {
		st.zone = !strcasecmp(q->tzid, "UTC") ? icaltimezone_get_utc_timezone()
						      : icaltimezone_get_builtin_timezone(q->tzid);
		if (!st.zone)
			return kith_fail(ctx, KITH_ERR_INVALID, "unknown time zone '%.*s%s'",
					 KITH_ECHO(q->tzid));
	}
	st.cal = parse_calendar(ctx, bytes, len, KITH_ICAL_MAX_FILE, &rc);
	if (!st.cal)
		return rc;
	for (icalcomponent *c = icalcomponent_get_first_component(st.cal, ICAL_VEVENT_COMPONENT); c;
	     c = icalcomponent_get_next_component(st.cal, ICAL_VEVENT_COMPONENT))
		n++;
	ev = calloc(n ? n : 1, sizeof(*ev));
	if (!ev) {
		icalcomponent_free(st.cal);
		return kith_nomem(ctx);
	}
	n = 0;
	for (icalcomponent *c = icalcomponent_get_first_component(st.cal, ICAL_VEVENT_COMPONENT); c;
	     c = icalcomponent_get_next_component(st.cal, ICAL_VEVENT_COMPONENT)) {
		ev[n].c = c;
		ev[n].uid = icalcomponent_get_uid(c);
		ev[n].order = n;
		ev[n].is_override =
			icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY) != NULL;
		n++;
	}
	number_lines(bytes, len, ev, n);
	qsort(ev, n, sizeof(*ev), by_uid);
	for (size_t i = 0, j; i < n && !st.nomem; i = j) {
		for (j = i + 1; j < n && ev[i].uid && ev[j].uid && !strcmp(ev[i].uid, ev[j].uid);
		     j++)
			;
		if (!ev[i].uid || !*ev[i].uid) {
			problem(&st, &ev[i], "not read: a VEVENT without a UID");
			continue;
		}
		read_series(&st, ev + i, j - i);
	}
	free(ev);
	icalcomponent_free(st.cal);
	if (st.nomem) {
		kith_meetings_clear(&st.m);
		return kith_nomem(ctx);
	}
	*out = st.m;
	return KITH_OK;
}
