/* SPDX-License-Identifier: MIT */
/*
 * Meetings read from calendars (kith_ical_parse_meetings in lib/ical.c),
 * pure: which VEVENT occurrences happened, on which day of the user's
 * zone, with whom.  "Now" is 2026-02-13 12:00 UTC throughout; the user is
 * Mara, with a work and a personal address.  The two exports under
 * tests/data/meetings are shaped as Outlook 16 and Google Calendar write
 * them (folded at 75 octets, CRLF, their own X- properties and zones).
 */
#include "helpers.h"

#include <time.h>

#include "ical.h"

#ifndef KITH_TEST_DATA
#error "KITH_TEST_DATA must name tests/data"
#endif

#define NOW ((time_t)1770984000) /* 2026-02-13T12:00:00Z */
#define ME_WORK "mara.lindqvist@contoso.example"
#define ME_HOME "Mara.Lindqvist@GMAIL.com" /* compared without case */

static const char *const me[] = { ME_WORK, ME_HOME };

static struct kith_meeting_query query(const char *tzid, time_t since)
{
	struct kith_meeting_query q = { tzid, NOW, since, me, 2 };
	return q;
}

/* A VCALENDAR around `body` (VEVENTs written with \n; libical takes both). */
static char *cal(const char *body)
{
	const char *head = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n";
	const char *tail = "END:VCALENDAR\n";
	char *s = malloc(strlen(head) + strlen(body) + strlen(tail) + 1);

	if (!s)
		abort();
	strcpy(s, head);
	strcat(s, body);
	strcat(s, tail);
	return s;
}

static struct kith_meetings parse_q(const char *body, const struct kith_meeting_query *q)
{
	struct kith_meetings m;
	struct kith_ctx *ctx = NULL;
	char *text = cal(body);
	enum kith_status rc;

	assert_ok(kith_ctx_new(&ctx));
	rc = kith_ical_parse_meetings(ctx, text, strlen(text), q, &m);

	if (rc != KITH_OK)
		fail_msg("parse: %s", kith_ctx_errmsg(ctx));
	free(text);
	kith_ctx_free(ctx);
	return m;
}

static struct kith_meetings parse(const char *body, const char *tzid)
{
	struct kith_meeting_query q = query(tzid, 0);

	return parse_q(body, &q);
}

static struct kith_meetings parse_file(const char *name, const char *tzid)
{
	struct kith_meeting_query q = query(tzid, 0);
	struct kith_meetings m;
	size_t n;
	char *text = slurp("meetings", name, &n);

	assert_ok(kith_ical_parse_meetings(NULL, text, n, &q, &m));
	free(text);
	return m;
}

/* The meetings as "YYYY-MM-DD rid summary" lines, in the order read. */
static void assert_meetings(const struct kith_meetings *m, const char *const *want, size_t n)
{
	for (size_t i = 0; i < m->n; i++) {
		char d[KITH_DATE_BUFSZ];

		kith_date_format(m->items[i].date, d);
		print_message("  %s %s %s\n", d, m->items[i].rid,
			      m->items[i].summary ? m->items[i].summary : "-");
	}
	assert_int_equal(m->n, n);
	for (size_t i = 0; i < n; i++) {
		char d[KITH_DATE_BUFSZ], line[256];

		kith_date_format(m->items[i].date, d);
		snprintf(line, sizeof(line), "%s %s", d, m->items[i].rid);
		assert_string_equal(line, want[i]);
	}
}

static const struct kith_meeting_person *person(const struct kith_meetings *m, size_t i,
						const char *email)
{
	const struct kith_meeting *x = &m->items[i];

	for (size_t k = x->first_person; k < x->first_person + x->n_people; k++)
		if (!strcmp(m->people[k].email, email))
			return &m->people[k];
	fail_msg("%s is not on meeting %zu", email, i);
	return NULL;
}

#define WEEKLY_HEAD                                                        \
	"BEGIN:VEVENT\nUID:weekly-1@example.net\n"                         \
	"DTSTART;TZID=Europe/Berlin:20260105T100000\n"                     \
	"DTEND;TZID=Europe/Berlin:20260105T103000\n"                       \
	"SUMMARY:Weekly with Bob\n"                                        \
	"ORGANIZER;CN=Bob Stone:mailto:bob@example.org\n"                  \
	"ATTENDEE;CN=Bob Stone;PARTSTAT=ACCEPTED:mailto:bob@example.org\n" \
	"ATTENDEE;PARTSTAT=ACCEPTED:mailto:" ME_WORK "\n"

static const char weekly_declined_cancelled[] =
	WEEKLY_HEAD "RRULE:FREQ=WEEKLY;BYDAY=MO\nEND:VEVENT\n"
		    /* Mara declined the 19th ... */
		    "BEGIN:VEVENT\nUID:weekly-1@example.net\n"
		    "RECURRENCE-ID;TZID=Europe/Berlin:20260119T100000\n"
		    "DTSTART;TZID=Europe/Berlin:20260119T100000\n"
		    "SUMMARY:Weekly with Bob\n"
		    "ORGANIZER;CN=Bob Stone:mailto:bob@example.org\n"
		    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.org\n"
		    "ATTENDEE;PARTSTAT=DECLINED:MAILTO:" ME_WORK "\n"
		    "END:VEVENT\n"
		    /* ... and Bob cancelled the 26th. */
		    "BEGIN:VEVENT\nUID:weekly-1@example.net\n"
		    "RECURRENCE-ID;TZID=Europe/Berlin:20260126T100000\n"
		    "DTSTART;TZID=Europe/Berlin:20260126T100000\n"
		    "STATUS:CANCELLED\nSUMMARY:Weekly with Bob\n"
		    "ORGANIZER;CN=Bob Stone:mailto:bob@example.org\n"
		    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.org\n"
		    "ATTENDEE;PARTSTAT=ACCEPTED:mailto:" ME_WORK "\n"
		    "END:VEVENT\n";

static void series_with_declined_and_cancelled(void **state)
{
	static const char *const want[] = {
		"2026-01-05 20260105T090000Z",
		"2026-01-12 20260112T090000Z",
		"2026-02-02 20260202T090000Z",
		"2026-02-09 20260209T090000Z",
	};
	struct kith_meetings m = parse(weekly_declined_cancelled, "Europe/Berlin");
	const struct kith_meeting_person *bob;

	(void)state;
	assert_meetings(&m, want, 4);
	assert_int_equal(m.n_problems, 0);
	assert_string_equal(m.items[0].uid, "weekly-1@example.net");
	assert_string_equal(m.items[0].summary, "Weekly with Bob");
	/* The organizer is also an attendee: one person, both roles. */
	assert_int_equal(m.items[0].n_people, 2);
	bob = person(&m, 0, "bob@example.org");
	assert_true(bob->organizer);
	assert_false(bob->me);
	assert_string_equal(bob->name, "Bob Stone");
	assert_int_equal(bob->partstat, KITH_PARTSTAT_ACCEPTED);
	assert_true(person(&m, 0, ME_WORK)->me);
	kith_meetings_clear(&m);
}

static void override_moved_to_another_day(void **state)
{
	static const char body[] = WEEKLY_HEAD "RRULE:FREQ=WEEKLY;COUNT=3\nEND:VEVENT\n"
					       "BEGIN:VEVENT\nUID:weekly-1@example.net\n"
					       "RECURRENCE-ID;TZID=Europe/Berlin:20260112T100000\n"
					       "DTSTART;TZID=Europe/Berlin:20260115T150000\n"
					       "SUMMARY:Weekly with Bob (moved)\n"
					       "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.org\n"
					       "END:VEVENT\n";
	static const char *const want[] = {
		"2026-01-05 20260105T090000Z",
		"2026-01-15 20260112T090000Z", /* its day, the name of the occurrence it replaces */
		"2026-01-19 20260119T090000Z",
	};
	struct kith_meetings m = parse(body, "Europe/Berlin");

	(void)state;
	assert_meetings(&m, want, 3);
	assert_string_equal(m.items[1].summary, "Weekly with Bob (moved)");
	assert_int_equal(m.items[1].n_people, 1);
	kith_meetings_clear(&m);
}

static void exdate_and_rdate(void **state)
{
	static const char body[] =
		WEEKLY_HEAD "RRULE:FREQ=WEEKLY;UNTIL=20260126T090000Z\n"
			    "EXDATE;TZID=Europe/Berlin:20260112T100000,20260119T100000\n"
			    "RDATE;TZID=Europe/Berlin:20260211T170000\nEND:VEVENT\n";
	static const char *const want[] = {
		"2026-01-05 20260105T090000Z",
		"2026-01-26 20260126T090000Z",
		"2026-02-11 20260211T160000Z",
	};
	struct kith_meetings m = parse(body, "Europe/Berlin");

	(void)state;
	assert_meetings(&m, want, 3);
	kith_meetings_clear(&m);
}

static void all_day_and_floating(void **state)
{
	static const char body[] =
		"BEGIN:VEVENT\nUID:allday@x\nDTSTART;VALUE=DATE:20260203\n"
		"DTEND;VALUE=DATE:20260204\nSUMMARY:Offsite\n"
		"ATTENDEE:mailto:bob@example.org\nEND:VEVENT\n"
		/* Floating: 23:30 on the user's wall clock, whatever the zone. */
		"BEGIN:VEVENT\nUID:floating@x\nDTSTART:20260204T233000\n"
		"SUMMARY:Late call\nATTENDEE:mailto:bob@example.org\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:allday-future@x\nDTSTART;VALUE=DATE:20260215\n"
		"ATTENDEE:mailto:bob@example.org\nEND:VEVENT\n";
	static const char *const zones[] = { "Pacific/Auckland", "America/Los_Angeles", "UTC" };

	(void)state;
	for (size_t z = 0; z < 3; z++) {
		static const char *const want[] = {
			"2026-02-03 20260203",
			"2026-02-04 20260204T233000",
		};
		struct kith_meetings m = parse(body, zones[z]);

		print_message("zone %s\n", zones[z]);
		assert_meetings(&m, want, 2);
		assert_true(m.items[0].all_day);
		assert_false(m.items[1].all_day);
		kith_meetings_clear(&m);
	}
	/* 08:00 this morning, floating: over in Auckland (19:00 UTC yesterday), not yet in LA. */
	{
		static const char morning[] =
			"BEGIN:VEVENT\nUID:morning@x\nDTSTART:20260213T080000\n"
			"ATTENDEE:mailto:bob@example.org\nEND:VEVENT\n";
		struct kith_meetings m = parse(morning, "Pacific/Auckland");

		assert_int_equal(m.n, 1);
		assert_int_equal(m.items[0].start, 1770922800); /* 2026-02-12T19:00:00Z */
		assert_date(m.items[0].date, 2026, 2, 13);
		kith_meetings_clear(&m);
		m = parse(morning, "America/Los_Angeles");
		assert_int_equal(m.n, 0);
		kith_meetings_clear(&m);
	}
}

/* 20:00 in New York on the 10th is the 11th in Berlin and still the 10th in Los Angeles. */
static void tzid_crossing_midnight(void **state)
{
	static const char body[] =
		"BEGIN:VEVENT\nUID:ny@x\nDTSTART;TZID=America/New_York:20260210T200000\n"
		"ATTENDEE:mailto:bob@example.org\nEND:VEVENT\n";
	static const char *const berlin[] = { "2026-02-11 20260211T010000Z" };
	static const char *const la[] = { "2026-02-10 20260211T010000Z" };
	struct kith_meetings m = parse(body, "Europe/Berlin");

	(void)state;
	assert_meetings(&m, berlin, 1);
	assert_int_equal(m.items[0].start, 1770771600); /* 2026-02-11T01:00:00Z */
	kith_meetings_clear(&m);
	m = parse(body, "America/Los_Angeles");
	assert_meetings(&m, la, 1);
	kith_meetings_clear(&m);
}

static void future_and_since_excluded(void **state)
{
	static const char body[] =
		WEEKLY_HEAD "RRULE:FREQ=WEEKLY\nEND:VEVENT\n"
			    "BEGIN:VEVENT\nUID:tomorrow@x\nDTSTART:20260214T090000Z\n"
			    "ATTENDEE:mailto:bob@example.org\nEND:VEVENT\n"
			    /* Later today: not yet happened. */
			    "BEGIN:VEVENT\nUID:tonight@x\nDTSTART:20260213T170000Z\n"
			    "ATTENDEE:mailto:bob@example.org\nEND:VEVENT\n";
	static const char *const want[] = {
		"2026-02-02 20260202T090000Z",
		"2026-02-09 20260209T090000Z",
	};
	struct kith_meeting_query q = query("Europe/Berlin", 1769904000); /* 2026-02-01 */
	struct kith_meetings m = parse_q(body, &q);

	(void)state;
	assert_meetings(&m, want, 2);
	/* The first still to come: tonight's, before tomorrow's and Monday's. */
	assert_int_equal(m.next, 1771002000); /* 2026-02-13T17:00:00Z */
	kith_meetings_clear(&m);
}

/* kith scan keeps an event by `next` until its meeting is due: never a cancelled one. */
static void next_meeting_to_come(void **state)
{
	static const char cancelled[] =
		WEEKLY_HEAD "RRULE:FREQ=WEEKLY\nSTATUS:CANCELLED\nEND:VEVENT\n"
			    "BEGIN:VEVENT\nUID:called-off@x\nDTSTART:20260214T090000Z\n"
			    "STATUS:CANCELLED\nATTENDEE:mailto:bob@example.org\nEND:VEVENT\n";
	static const char series[] = WEEKLY_HEAD "RRULE:FREQ=WEEKLY\nEND:VEVENT\n";
	struct kith_meetings m = parse(cancelled, "Europe/Berlin");

	(void)state;
	assert_int_equal(m.n, 0);
	assert_int_equal(m.next, 0);
	kith_meetings_clear(&m);
	m = parse(series, "Europe/Berlin");
	assert_int_equal(m.next, 1771232400); /* Monday 2026-02-16 10:00 in Berlin */
	kith_meetings_clear(&m);
}

/* Jumping to `since` gives what expanding from DTSTART and filtering gives. */
static void since_jump_matches_full_expansion(void **state)
{
	static const char *const rules[] = {
		"FREQ=MONTHLY;BYDAY=2TU",
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
		"FREQ=DAILY;INTERVAL=3",
		"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=1",
	};
	static const char *const starts[] = {
		"DTSTART;TZID=Europe/Berlin:20180104T083000",
		"DTSTART;VALUE=DATE:20180104",
		"DTSTART:20180104T233000Z",
		"DTSTART:20180104T233000",
	};
	const time_t since = 1748736000; /* 2025-06-01 */

	(void)state;
	for (size_t r = 0; r < 16; r++) {
		char body[512];
		struct kith_meeting_query all = query("Europe/Berlin", 0);
		struct kith_meeting_query from = query("Europe/Berlin", since);
		struct kith_meetings a, b;
		size_t k = 0;

		snprintf(body, sizeof(body),
			 "BEGIN:VEVENT\nUID:r@x\n%s\nRRULE:%s\n"
			 "ATTENDEE:mailto:bob@example.org\nEND:VEVENT\n",
			 starts[r / 4], rules[r % 4]);
		a = parse_q(body, &all);
		b = parse_q(body, &from);
		while (k < a.n && a.items[k].start < since)
			k++;
		print_message("%s %s: %zu from since, %zu in all\n", starts[r / 4], rules[r % 4],
			      b.n, a.n - k);
		assert_true(b.n > 0);
		assert_int_equal(b.n, a.n - k);
		for (size_t i = 0; i < b.n; i++)
			assert_string_equal(b.items[i].rid, a.items[k + i].rid);
		kith_meetings_clear(&a);
		kith_meetings_clear(&b);
	}
}

static void runaway_rrule_capped(void **state)
{
	static const char secondly[] =
		"BEGIN:VEVENT\nUID:every-second@x\nDTSTART:20000101T000000Z\n"
		"RRULE:FREQ=SECONDLY\nATTENDEE:mailto:bob@example.org\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:every-day@x\nDTSTART:19900101T090000Z\n"
		"RRULE:FREQ=DAILY\nATTENDEE:mailto:bob@example.org\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:stuck@x\nDTSTART:20000101T000000Z\n"
		"RRULE:FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30\n"
		"ATTENDEE:mailto:bob@example.org\nEND:VEVENT\n";
	clock_t t0 = clock();
	struct kith_meetings m = parse(secondly, "UTC");
	double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;

	(void)state;
	print_message("%zu meetings, %zu problems in %.2f s\n", m.n, m.n_problems, cpu);
	for (size_t i = 0; i < m.n_problems; i++)
		print_message("  %s: %s\n", m.problems[i].uid, m.problems[i].message);
	assert_true(cpu < 2.0);
	/* The daily one since 1990 is cut at the cap; the sub-daily ones are not read. */
	assert_int_equal(m.n, KITH_MEETINGS_MAX_STEPS);
	assert_int_equal(m.n_problems, 3);
	assert_string_equal(m.problems[0].uid, "every-day@x");
	assert_non_null(strstr(m.problems[0].message, "cut after 10000"));
	assert_string_equal(m.problems[1].uid, "every-second@x");
	assert_non_null(strstr(m.problems[1].message, "more often than daily (SECONDLY)"));
	assert_string_equal(m.problems[2].uid, "stuck@x");
	kith_meetings_clear(&m);
}

static void broken_items_reported_others_read(void **state)
{
	static const char body[] =
		"BEGIN:VEVENT\nUID:good-1@x\nDTSTART:20260202T090000Z\n"
		"ATTENDEE:mailto:bob@example.org\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:bad-rrule@x\nDTSTART:20260105T090000Z\n"
		"RRULE:FREQ=WEEKLY;BYDAY=XX\nATTENDEE:mailto:bob@example.org\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:bad-tzid@x\nDTSTART;TZID=Mars/Olympus_Mons:20260105T090000\n"
		"ATTENDEE:mailto:bob@example.org\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:no-start@x\nATTENDEE:mailto:bob@example.org\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:good-2@x\nDTSTART:20260203T090000Z\n"
		"ATTENDEE:mailto:carol@example.org\nEND:VEVENT\n"
		/* A series with a bad RDATE zone yields nothing, not the rest of it. */
		"BEGIN:VEVENT\nUID:bad-rdate@x\nDTSTART:20260105T090000Z\nRRULE:FREQ=WEEKLY\n"
		"RDATE;TZID=Nowhere:20260110T090000\nATTENDEE:mailto:bob@example.org\nEND:VEVENT\n"
		/* An override that cannot be read hides its occurrence, not the series. */
		"BEGIN:VEVENT\nUID:series@x\nDTSTART:20260202T090000Z\nRRULE:FREQ=DAILY;COUNT=2\n"
		"ATTENDEE:mailto:bob@example.org\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:series@x\nRECURRENCE-ID:20260203T090000Z\n"
		"DTSTART;TZID=Nowhere:20260203T100000\nATTENDEE:mailto:bob@example.org\n"
		"END:VEVENT\n";
	static const char *const want[] = {
		"2026-02-02 20260202T090000Z",
		"2026-02-03 20260203T090000Z",
		"2026-02-02 20260202T090000Z",
	};
	struct kith_meetings m = parse(body, "UTC");

	(void)state;
	assert_meetings(&m, want, 3);
	assert_string_equal(m.items[2].uid, "series@x");
	for (size_t i = 0; i < m.n_problems; i++)
		print_message("  line %d %s: %s\n", m.problems[i].line, m.problems[i].uid,
			      m.problems[i].message);
	assert_int_equal(m.n_problems, 5);
	/* In UID order; lines count from the file's first line (BEGIN:VCALENDAR is 1). */
	assert_string_equal(m.problems[0].uid, "bad-rdate@x");
	assert_int_equal(m.problems[0].line, 29);
	assert_non_null(strstr(m.problems[0].message, "RDATE names an unknown time zone"));
	assert_string_equal(m.problems[1].uid, "bad-rrule@x");
	assert_int_equal(m.problems[1].line, 9);
	assert_non_null(strstr(m.problems[1].message, "its RRULE cannot be read"));
	assert_non_null(strstr(m.problems[1].message, "'FREQ=WEEKLY;BYDAY=XX'"));
	assert_string_equal(m.problems[2].uid, "bad-tzid@x");
	assert_int_equal(m.problems[2].line, 15);
	assert_non_null(strstr(m.problems[2].message, "unknown time zone 'Mars/Olympus_Mons'"));
	assert_string_equal(m.problems[3].uid, "no-start@x");
	assert_non_null(strstr(m.problems[3].message, "no DTSTART"));
	assert_string_equal(m.problems[4].uid, "series@x");
	assert_int_equal(m.problems[4].line, 42);
	kith_meetings_clear(&m);
}

static void nobody_else_no_meeting(void **state)
{
	static const char body[] =
		/* Only the user. */
		"BEGIN:VEVENT\nUID:me-only@x\nDTSTART:20260202T090000Z\n"
		"ORGANIZER:mailto:" ME_WORK "\nATTENDEE;PARTSTAT=ACCEPTED:mailto:" ME_WORK "\n"
		"END:VEVENT\n"
		/* An organizer and no one invited: a public event. */
		"BEGIN:VEVENT\nUID:organizer-only@x\nDTSTART:20260202T090000Z\n"
		"ORGANIZER;CN=Webinars:mailto:events@vendor.example\nEND:VEVENT\n"
		/* The user and a room. */
		"BEGIN:VEVENT\nUID:room@x\nDTSTART:20260202T090000Z\n"
		"ATTENDEE;CUTYPE=ROOM:mailto:room1@example.org\n"
		"ATTENDEE:mailto:" ME_HOME "\nEND:VEVENT\n"
		/* Everyone else declined. */
		"BEGIN:VEVENT\nUID:all-declined@x\nDTSTART:20260202T090000Z\n"
		"ORGANIZER:mailto:" ME_WORK "\n"
		"ATTENDEE;PARTSTAT=DECLINED:mailto:bob@example.org\nEND:VEVENT\n"
		/* No people at all. */
		"BEGIN:VEVENT\nUID:alone@x\nDTSTART:20260202T090000Z\nEND:VEVENT\n"
		/* A cancelled series. */
		"BEGIN:VEVENT\nUID:cancelled@x\nDTSTART:20260105T090000Z\nRRULE:FREQ=WEEKLY\n"
		"STATUS:CANCELLED\nATTENDEE:mailto:bob@example.org\nEND:VEVENT\n";
	struct kith_meetings m = parse(body, "UTC");

	(void)state;
	assert_int_equal(m.n, 0);
	assert_int_equal(m.n_problems, 0);
	kith_meetings_clear(&m);
}

static void outlook_export(void **state)
{
	static const char *const want[] = {
		/* 09:30 W. Europe Standard Time, by Outlook's own VTIMEZONE */
		"2026-01-21 20260120T233000Z", /* 18:30 in New York */
		"2026-01-30 20260130",         /* all-day */
		"2025-11-10 20251110T083000Z", "2025-11-17 20251117T083000Z",
		"2025-11-24 20251124T083000Z", "2025-12-01 20251201T083000Z",
		"2025-12-08 20251208T083000Z", "2025-12-15 20251215T083000Z",
		/* 22 and 29 December: EXDATE */
		"2026-01-05 20260105T083000Z", "2026-01-14 20260112T083000Z",
		"2026-01-19 20260119T083000Z", "2026-01-26 20260126T083000Z",
		"2026-02-02 20260202T083000Z", /* UNTIL */
	};
	struct kith_meetings m = parse_file("outlook-export.ics", "Europe/Berlin");
	const struct kith_meeting_person *jonas;

	(void)state;
	assert_int_equal(m.n_problems, 0);
	assert_meetings(&m, want, sizeof(want) / sizeof(*want));
	/* The domain lowercased, the local part as written; the room is no one. */
	jonas = person(&m, 2, "Jonas.Berg@fabrikam.example");
	assert_true(jonas->organizer);
	assert_string_equal(jonas->name, "Jonas Berg");
	assert_int_equal(jonas->partstat, KITH_PARTSTAT_NONE);
	assert_int_equal(m.items[2].n_people, 2);
	assert_string_equal(m.items[2].summary, "Weekly sync: Fabrikam rollout");
	/* "invalid:nomail" is no address. */
	assert_int_equal(m.items[1].n_people, 2);
	kith_meetings_clear(&m);
}

static void google_export(void **state)
{
	static const char *const want[] = {
		"2026-02-06 20260206", /* all-day; Mara tentative */
		"2026-01-05 20260105T090000Z",
		"2026-01-12 20260112T090000Z",
		/* 19 January: EXDATE; the 26th moved to the 28th */
		"2026-01-28 20260126T090000Z",
		"2026-02-02 20260202T090000Z",
		"2026-02-09 20260209T090000Z",
		/* 09:00 in Los Angeles; the 10th declined by Mara */
		"2026-02-03 20260203T170000Z",
	};
	struct kith_meetings m = parse_file("google-export.ics", "Europe/Berlin");
	const struct kith_meeting_person *sam;

	(void)state;
	assert_int_equal(m.n_problems, 0);
	assert_meetings(&m, want, sizeof(want) / sizeof(*want));
	assert_string_equal(m.items[1].uid, "2m9q4t7v1c8k3n5p0r6s2w4x8z@google.com");
	assert_string_equal(m.items[0].summary, "Workshop day in Malmö");
	assert_int_equal(person(&m, 0, "mara.lindqvist@gmail.com")->partstat,
			 KITH_PARTSTAT_TENTATIVE);
	/* Organizer and attendee merged; the room left out. */
	assert_int_equal(m.items[6].n_people, 2);
	sam = person(&m, 6, "sam@contoso-labs.example");
	assert_true(sam->organizer);
	assert_int_equal(sam->partstat, KITH_PARTSTAT_ACCEPTED);
	kith_meetings_clear(&m);
}

/* Without a zone in the query, the process's (TZ) is the user's. */
static void process_zone(void **state)
{
	static const char body[] =
		"BEGIN:VEVENT\nUID:morning@x\nDTSTART:20260213T080000\n"
		"ATTENDEE:mailto:bob@example.org\nEND:VEVENT\n"
		"BEGIN:VEVENT\nUID:ny@x\nDTSTART;TZID=America/New_York:20260210T200000\n"
		"ATTENDEE:mailto:bob@example.org\nEND:VEVENT\n";
	struct kith_meetings m;

	(void)state;
	setenv("TZ", "Pacific/Auckland", 1);
	tzset();
	m = parse(body, NULL);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.items[0].uid, "morning@x");
	assert_int_equal(m.items[0].start, 1770922800);
	assert_date(m.items[1].date, 2026, 2, 11);
	kith_meetings_clear(&m);
	setenv("TZ", "America/Los_Angeles", 1);
	tzset();
	m = parse(body, NULL);
	assert_int_equal(m.n, 1);
	assert_date(m.items[0].date, 2026, 2, 10);
	kith_meetings_clear(&m);
	unsetenv("TZ");
	tzset();
}

static void bad_input(void **state)
{
	struct kith_meeting_query q = query("Europe/Berlin", 0);
	struct kith_meeting_query badzone = query("Europe/Atlantis", 0);
	struct kith_meetings m;
	struct kith_ctx *ctx = NULL;
	const char *text = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\n";
	const char *good = "BEGIN:VCALENDAR\nEND:VCALENDAR\n";

	(void)state;
	assert_ok(kith_ctx_new(&ctx));
	assert_status(kith_ical_parse_meetings(ctx, text, strlen(text), &q, &m), KITH_ERR_PARSE);
	assert_non_null(strstr(kith_ctx_errmsg(ctx), "END:VCALENDAR"));
	assert_int_equal(m.n, 0);
	assert_status(kith_ical_parse_meetings(ctx, good, strlen(good), &badzone, &m),
		      KITH_ERR_INVALID);
	assert_non_null(strstr(kith_ctx_errmsg(ctx), "Europe/Atlantis"));
	assert_ok(kith_ical_parse_meetings(ctx, good, strlen(good), &q, &m));
	assert_int_equal(m.n, 0);
	kith_meetings_clear(&m);
	kith_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(series_with_declined_and_cancelled),
		cmocka_unit_test(override_moved_to_another_day),
		cmocka_unit_test(exdate_and_rdate),
		cmocka_unit_test(all_day_and_floating),
		cmocka_unit_test(tzid_crossing_midnight),
		cmocka_unit_test(future_and_since_excluded),
		cmocka_unit_test(next_meeting_to_come),
		cmocka_unit_test(since_jump_matches_full_expansion),
		cmocka_unit_test(runaway_rrule_capped),
		cmocka_unit_test(broken_items_reported_others_read),
		cmocka_unit_test(nobody_else_no_meeting),
		cmocka_unit_test(outlook_export),
		cmocka_unit_test(google_export),
		cmocka_unit_test(process_zone),
		cmocka_unit_test(bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
