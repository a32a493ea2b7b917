/* SPDX-License-Identifier: MIT */
/*
 * Reminders as VTODOs: build them from the store, render them, and read
 * the result back with libical to check what a calendar client will see.
 */
#include "helpers.h"

#include <libical/ical.h>

#define TODAY D(2026, 6, 1)
#define STAMP ((time_t)1780000000) /* 2026-05-28T20:26:40Z */

struct people {
	int64_t bob, carol, wendy, dora, paula, archie;
};

static struct people p;

static void set_flags(struct fixture *f, int64_t id, int archived, int paused,
		      struct kith_cadence cadence, const char *how_met)
{
	struct kith_contact *c = get_contact(f, id);

	c->archived = archived;
	c->paused = paused;
	if (kith_cadence_is_set(cadence))
		c->cadence = cadence;
	if (how_met)
		c->how_met = strdup(how_met);
	assert_ok(kith_store_update_contact(f->store, c));
	kith_contact_free(c);
}

/*
 *   Bob    regular 3m  email, touched 2026-02-10 (meeting)  due 2026-05-10
 *   Carol  core    2m  phone, never (added 2026-03-01)      due 2026-05-01
 *   Wendy  core    1w  (own cadence), touched 2026-05-20    due 2026-05-27
 *   Dora   core    1d  (own cadence), touched 2026-05-31    due 2026-06-01
 *   Paula  paused;  Archie archived: no reminders.
 */
static int people_setup(void **state)
{
	const char *bob_mail[] = { "bob@example.com", "bob@work.example", NULL };
	const char *carol_phone[] = { "+1 (555) 010-0199", NULL };
	const char *carol_mail[] = { "carol@example.com", NULL };
	struct fixture *f;

	if (fixture_setup(state))
		return -1;
	f = *state;
	assert_ok(kith_store_begin(f->store));
	p.bob = add_contact_full(f, "Bob Smith", "regular", D(2025, 6, 1), bob_mail, NULL, "email");
	set_flags(f, p.bob, 0, 0, CAD(0, NONE), "RustConf 2025");
	add_touch(f, p.bob, D(2026, 1, 5), "email", "an older note");
	add_touch(f, p.bob, D(2026, 2, 10), "meeting", "talked about the Rust rewrite");
	p.carol = add_contact_full(f, "Carol Jones", "core", D(2026, 3, 1), carol_mail, carol_phone,
				   "phone");
	p.wendy = add_contact(f, "Wendy Weekly", "core", D(2026, 5, 1));
	set_flags(f, p.wendy, 0, 0, CAD(1, WEEK), NULL);
	add_touch(f, p.wendy, D(2026, 5, 20), NULL, NULL);
	p.dora = add_contact(f, "Dora Daily", "core", D(2026, 5, 1));
	set_flags(f, p.dora, 0, 0, CAD(1, DAY), NULL);
	add_touch(f, p.dora, D(2026, 5, 31), NULL, NULL);
	p.paula = add_contact(f, "Paula Paused", "core", D(2026, 1, 1));
	set_flags(f, p.paula, 0, 1, CAD(0, NONE), NULL);
	p.archie = add_contact(f, "Archie Archived", "core", D(2026, 1, 1));
	set_flags(f, p.archie, 1, 0, CAD(0, NONE), NULL);
	assert_ok(kith_store_commit(f->store));
	return 0;
}

/* ---- helpers to read the output back ---- */

static char *export(struct fixture *f, const struct kith_reminder_options *opts, size_t *out_n)
{
	char *ics = NULL;
	enum kith_status rc = kith_export_ics(f->store, TODAY, opts, &ics, out_n);

	if (rc != KITH_OK)
		fail_msg("export: %s", kith_ctx_errmsg(f->ctx));
	assert_non_null(ics);
	return ics;
}

static icalcomponent *parse(const char *ics)
{
	icalcomponent *cal = icalparser_parse_string(ics);

	assert_non_null(cal);
	assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
	return cal;
}

static int count_components(icalcomponent *parent, icalcomponent_kind kind)
{
	int n = 0;

	for (icalcomponent *c = icalcomponent_get_first_component(parent, kind); c;
	     c = icalcomponent_get_next_component(parent, kind))
		n++;
	return n;
}

static int count_properties(icalcomponent *comp, icalproperty_kind kind)
{
	int n = 0;

	for (icalproperty *q = icalcomponent_get_first_property(comp, kind); q;
	     q = icalcomponent_get_next_property(comp, kind))
		n++;
	return n;
}

/* The value of an X- property, or NULL. Borrowed. */
static const char *x_value(icalcomponent *comp, const char *name)
{
	for (icalproperty *q = icalcomponent_get_first_property(comp, ICAL_X_PROPERTY); q;
	     q = icalcomponent_get_next_property(comp, ICAL_X_PROPERTY))
		if (!strcmp(icalproperty_get_x_name(q), name))
			return icalproperty_get_x(q);
	return NULL;
}

static icalcomponent *todo_of(icalcomponent *cal, int64_t id)
{
	char want[32];

	snprintf(want, sizeof(want), "%lld", (long long)id);
	for (icalcomponent *c = icalcomponent_get_first_component(cal, ICAL_VTODO_COMPONENT); c;
	     c = icalcomponent_get_next_component(cal, ICAL_VTODO_COMPONENT)) {
		const char *v = x_value(c, "X-KITH-ID");

		if (v && !strcmp(v, want))
			return c;
	}
	return NULL;
}

static char *uid_of(struct fixture *f, int64_t id)
{
	struct kith_contact *c = get_contact(f, id);
	char *uid = strdup(c->uid);

	kith_contact_free(c);
	return uid;
}

static void assert_ical_date(struct icaltimetype t, int y, int m, int d)
{
	assert_true(icaltime_is_date(t));
	assert_int_equal(t.year, y);
	assert_int_equal(t.month, m);
	assert_int_equal(t.day, d);
}

/* The unfolded text of one property line of the VTODO, e.g. "RRULE:...". Ownership: free(). */
static char *line_of(icalcomponent *todo, icalproperty_kind kind)
{
	icalproperty *q = icalcomponent_get_first_property(todo, kind);
	char *s, *out;
	size_t j = 0;

	if (!q)
		return NULL;
	s = icalproperty_as_ical_string_r(q);
	out = malloc(strlen(s) + 1);
	assert_non_null(out);
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == '\r' && s[i + 1] == '\n' && (s[i + 2] == ' ' || s[i + 2] == '\t')) {
			i += 2;
			continue;
		}
		if (s[i] == '\r' || s[i] == '\n')
			continue;
		out[j++] = s[i];
	}
	out[j] = '\0';
	icalmemory_free_buffer(s);
	return out;
}

#define assert_line(todo, kind, want)               \
	do {                                        \
		char *l_ = line_of((todo), (kind)); \
		assert_non_null(l_);                \
		assert_string_equal(l_, (want));    \
		free(l_);                           \
	} while (0)

/* ---- the tests ---- */

static void test_vtodo_one_per_active_unpaused_contact(void **state)
{
	struct fixture *f = *state;
	size_t n = 0;
	char *ics = export(f, NULL, &n);
	icalcomponent *cal = parse(ics);

	assert_int_equal(n, 4);
	assert_int_equal(count_components(cal, ICAL_VTODO_COMPONENT), 4);
	assert_non_null(todo_of(cal, p.bob));
	assert_non_null(todo_of(cal, p.carol));
	assert_non_null(todo_of(cal, p.wendy));
	assert_non_null(todo_of(cal, p.dora));
	assert_null(todo_of(cal, p.paula));
	assert_null(todo_of(cal, p.archie));
	assert_non_null(icalcomponent_get_first_property(cal, ICAL_PRODID_PROPERTY));
	assert_contains(ics, "VERSION:2.0");
	assert_contains(ics, "PRODID:-//kith//kith ");
	icalcomponent_free(cal);
	free(ics);
}

static void test_vtodo_uid_is_stable_and_the_contacts(void **state)
{
	struct fixture *f = *state;
	struct kith_reminder_options opts = { 0, KITH_MODE_RRULE, 0, 0, STAMP };
	char *ics1 = export(f, &opts, NULL), *ics2, *bob_uid = uid_of(f, p.bob);
	icalcomponent *cal1 = parse(ics1), *cal2;
	const int64_t ids[] = { p.bob, p.carol, p.wendy, p.dora };

	/* A touch and another day change the content, never the UID. */
	add_touch(f, p.bob, D(2026, 5, 30), "email", NULL);
	kith_store_close(f->store);
	f->store = NULL;
	assert_ok(kith_store_open(f->ctx, f->path, &f->store));
	ics2 = NULL;
	assert_ok(kith_export_ics(f->store, D(2026, 7, 1), &opts, &ics2, NULL));
	cal2 = parse(ics2);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		char *uid = uid_of(f, ids[i]);

		assert_string_equal(icalcomponent_get_uid(todo_of(cal1, ids[i])), uid);
		assert_string_equal(icalcomponent_get_uid(todo_of(cal2, ids[i])), uid);
		free(uid);
	}
	assert_contains(bob_uid, "kith-");
	icalcomponent_free(cal1);
	icalcomponent_free(cal2);
	free(ics1);
	free(ics2);
	free(bob_uid);
}

static void test_vtodo_summary_status_and_categories(void **state)
{
	struct fixture *f = *state;
	char *ics = export(f, NULL, NULL);
	icalcomponent *cal = parse(ics);
	icalcomponent *bob = todo_of(cal, p.bob), *carol = todo_of(cal, p.carol);

	assert_string_equal(icalcomponent_get_summary(bob), "Keep in touch: Bob Smith");
	assert_string_equal(icalcomponent_get_summary(carol), "Keep in touch: Carol Jones");
	assert_int_equal(icalcomponent_get_status(bob), ICAL_STATUS_NEEDSACTION);
	assert_line(bob, ICAL_STATUS_PROPERTY, "STATUS:NEEDS-ACTION");
	assert_line(bob, ICAL_CATEGORIES_PROPERTY, "CATEGORIES:regular");
	assert_line(carol, ICAL_CATEGORIES_PROPERTY, "CATEGORIES:core");
	icalcomponent_free(cal);
	free(ics);
}

static void test_vtodo_due_and_dtstart_are_dates_due_after_start(void **state)
{
	struct fixture *f = *state;
	char *ics = export(f, NULL, NULL);
	icalcomponent *cal = parse(ics);
	icalcomponent *bob = todo_of(cal, p.bob), *carol = todo_of(cal, p.carol);
	icalcomponent *wendy = todo_of(cal, p.wendy), *dora = todo_of(cal, p.dora);

	/* DUE is the next due date; DTSTART opens the default 7-day window. */
	assert_ical_date(icalcomponent_get_due(bob), 2026, 5, 10);
	assert_ical_date(icalcomponent_get_dtstart(bob), 2026, 5, 3);
	assert_line(bob, ICAL_DUE_PROPERTY, "DUE;VALUE=DATE:20260510");
	assert_line(bob, ICAL_DTSTART_PROPERTY, "DTSTART;VALUE=DATE:20260503");
	/* Never touched: added + cadence. */
	assert_ical_date(icalcomponent_get_due(carol), 2026, 5, 1);
	/* Short cadences: the window shrinks so DUE stays after DTSTART. */
	assert_ical_date(icalcomponent_get_due(wendy), 2026, 5, 27);
	assert_ical_date(icalcomponent_get_dtstart(wendy), 2026, 5, 21);
	assert_ical_date(icalcomponent_get_due(dora), 2026, 6, 1);
	assert_ical_date(icalcomponent_get_dtstart(dora), 2026, 5, 31);
	for (icalcomponent *c = icalcomponent_get_first_component(cal, ICAL_VTODO_COMPONENT); c;
	     c = icalcomponent_get_next_component(cal, ICAL_VTODO_COMPONENT))
		assert_true(icaltime_compare(icalcomponent_get_due(c),
					     icalcomponent_get_dtstart(c)) > 0);
	icalcomponent_free(cal);
	free(ics);
}

static void test_vtodo_rrule_per_cadence_without_count_or_until(void **state)
{
	struct fixture *f = *state;
	char *ics = export(f, NULL, NULL);
	icalcomponent *cal = parse(ics);
	icalcomponent *bob = todo_of(cal, p.bob);
	struct icalrecurrencetype r;

	r = icalproperty_get_rrule(icalcomponent_get_first_property(bob, ICAL_RRULE_PROPERTY));
	assert_int_equal(r.freq, ICAL_MONTHLY_RECURRENCE);
	assert_int_equal(r.interval, 3);
	assert_int_equal(r.count, 0);
	assert_true(icaltime_is_null_time(r.until));
	assert_line(bob, ICAL_RRULE_PROPERTY, "RRULE:FREQ=MONTHLY;INTERVAL=3");
	assert_line(todo_of(cal, p.carol), ICAL_RRULE_PROPERTY, "RRULE:FREQ=MONTHLY;INTERVAL=2");
	assert_line(todo_of(cal, p.wendy), ICAL_RRULE_PROPERTY, "RRULE:FREQ=WEEKLY");
	assert_line(todo_of(cal, p.dora), ICAL_RRULE_PROPERTY, "RRULE:FREQ=DAILY");
	for (icalcomponent *c = icalcomponent_get_first_component(cal, ICAL_VTODO_COMPONENT); c;
	     c = icalcomponent_get_next_component(cal, ICAL_VTODO_COMPONENT))
		assert_int_equal(count_properties(c, ICAL_RRULE_PROPERTY), 1);
	assert_not_contains(ics, "COUNT=");
	assert_not_contains(ics, "UNTIL=");
	icalcomponent_free(cal);
	free(ics);
}

static void test_vtodo_plain_mode_has_no_rrule(void **state)
{
	struct fixture *f = *state;
	struct kith_reminder_options opts = { 0, KITH_MODE_PLAIN, 0, 0, STAMP };
	size_t n = 0;
	char *ics = export(f, &opts, &n);
	icalcomponent *cal = parse(ics);

	assert_int_equal(n, 4);
	assert_not_contains(ics, "RRULE");
	/* Everything else is the same. */
	assert_ical_date(icalcomponent_get_due(todo_of(cal, p.bob)), 2026, 5, 10);
	assert_string_equal(x_value(todo_of(cal, p.bob), "X-KITH-CADENCE"), "P3M");
	icalcomponent_free(cal);
	free(ics);
}

static void test_vtodo_description_gives_context(void **state)
{
	struct fixture *f = *state;
	char *ics = export(f, NULL, NULL);
	icalcomponent *cal = parse(ics);
	const char *bob = icalcomponent_get_description(todo_of(cal, p.bob));
	const char *carol = icalcomponent_get_description(todo_of(cal, p.carol));

	/* The newest touch: date, channel, note; the address; how they met. */
	assert_contains(bob, "2026-02-10");
	assert_contains(bob, "meeting");
	assert_contains(bob, "talked about the Rust rewrite");
	assert_not_contains(bob, "an older note");
	assert_contains(bob, "bob@example.com");
	assert_contains(bob, "RustConf 2025");
	assert_contains(bob, "every 3 months");
	/* Never touched: says so, with the day added; the preferred phone. */
	assert_contains(carol, "never");
	assert_contains(carol, "2026-03-01");
	assert_contains(carol, "+1 (555) 010-0199");
	icalcomponent_free(cal);
	free(ics);
}

static void test_vtodo_url_for_preferred_channel(void **state)
{
	struct fixture *f = *state;
	char *ics = export(f, NULL, NULL);
	icalcomponent *cal = parse(ics);

	assert_line(todo_of(cal, p.bob), ICAL_URL_PROPERTY, "URL:mailto:bob@example.com");
	/* RFC 3966: visual separators dropped. */
	assert_line(todo_of(cal, p.carol), ICAL_URL_PROPERTY, "URL:tel:+15550100199");
	/* No address: no URL. */
	assert_null(icalcomponent_get_first_property(todo_of(cal, p.wendy), ICAL_URL_PROPERTY));
	icalcomponent_free(cal);
	free(ics);
}

static void test_vtodo_kith_properties(void **state)
{
	struct fixture *f = *state;
	char *ics = export(f, NULL, NULL);
	icalcomponent *cal = parse(ics);

	assert_string_equal(x_value(todo_of(cal, p.bob), "X-KITH-CADENCE"), "P3M");
	assert_string_equal(x_value(todo_of(cal, p.carol), "X-KITH-CADENCE"), "P2M");
	assert_string_equal(x_value(todo_of(cal, p.wendy), "X-KITH-CADENCE"), "P1W");
	assert_string_equal(x_value(todo_of(cal, p.dora), "X-KITH-CADENCE"), "P1D");
	assert_contains(ics, "X-KITH-CADENCE:P3M\r\n");
	icalcomponent_free(cal);
	free(ics);
}

static void test_vtodo_dtstamp_honours_option(void **state)
{
	struct fixture *f = *state;
	struct kith_reminder_options opts = { 0, KITH_MODE_RRULE, 0, 0, STAMP };
	char *ics = export(f, &opts, NULL);
	icalcomponent *cal = parse(ics), *bob = todo_of(cal, p.bob);
	struct icaltimetype t = icalcomponent_get_dtstamp(bob);

	assert_line(bob, ICAL_DTSTAMP_PROPERTY, "DTSTAMP:20260528T202640Z");
	assert_true(icaltime_is_utc(t));
	assert_int_equal(icaltime_as_timet(t), STAMP);
	icalcomponent_free(cal);
	free(ics);

	/* 0: now. */
	opts.dtstamp = 0;
	{
		time_t before = time(NULL);
		time_t got;

		ics = export(f, &opts, NULL);
		cal = parse(ics);
		got = icaltime_as_timet(icalcomponent_get_dtstamp(todo_of(cal, p.bob)));
		assert_in_range(got, before - 1, time(NULL) + 1);
		icalcomponent_free(cal);
		free(ics);
	}
}

static void test_vtodo_valarm_only_when_asked(void **state)
{
	struct fixture *f = *state;
	struct kith_reminder_options opts = { 0, KITH_MODE_RRULE, 0, 540, STAMP };
	char *ics = export(f, &opts, NULL);
	icalcomponent *cal = parse(ics), *alarm;

	assert_not_contains(ics, "VALARM");
	icalcomponent_free(cal);
	free(ics);

	opts.alarm = 1;
	ics = export(f, &opts, NULL);
	cal = parse(ics);
	for (icalcomponent *c = icalcomponent_get_first_component(cal, ICAL_VTODO_COMPONENT); c;
	     c = icalcomponent_get_next_component(cal, ICAL_VTODO_COMPONENT))
		assert_int_equal(count_components(c, ICAL_VALARM_COMPONENT), 1);
	alarm = icalcomponent_get_first_component(todo_of(cal, p.bob), ICAL_VALARM_COMPONENT);
	/* 09:00 on the due day: 540 minutes after the (date) DUE. */
	assert_line(alarm, ICAL_TRIGGER_PROPERTY, "TRIGGER;RELATED=END:PT9H");
	assert_line(alarm, ICAL_ACTION_PROPERTY, "ACTION:DISPLAY");
	assert_non_null(icalcomponent_get_first_property(alarm, ICAL_DESCRIPTION_PROPERTY));
	icalcomponent_free(cal);
	free(ics);
}

static void test_vtodo_uses_crlf_line_ends(void **state)
{
	struct fixture *f = *state;
	char *ics = export(f, NULL, NULL);
	size_t len = strlen(ics), lines = 0;

	assert_true(len > 2);
	assert_memory_equal(ics, "BEGIN:VCALENDAR\r\n", 17);
	assert_string_equal(ics + len - 15, "END:VCALENDAR\r\n");
	for (size_t i = 0; i < len; i++) {
		if (ics[i] != '\n')
			continue;
		lines++;
		if (i == 0 || ics[i - 1] != '\r')
			fail_msg("bare LF at offset %zu", i);
	}
	assert_true(lines > 20);
	free(ics);
}

static void test_vtodo_lines_are_folded(void **state)
{
	struct fixture *f = *state;
	char *ics, *line, *save = NULL;
	char note[600];

	memset(note, 'n', sizeof(note) - 1);
	note[sizeof(note) - 1] = '\0';
	add_touch(f, p.bob, D(2026, 5, 1), "email", note);
	ics = export(f, NULL, NULL);
	/* RFC 5545 3.1: lines SHOULD NOT be longer than 75 octets. */
	for (line = strtok_r(ics, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save))
		if (strlen(line) > 75)
			fail_msg("line of %zu octets: %.40s...", strlen(line), line);
	free(ics);
}

static void test_vtodo_text_is_escaped_and_round_trips(void **state)
{
	struct fixture *f = *state;
	const char *name = "Zoë O'Brien, PhD; \"Z\" \\ ünïcödé";
	const char *note = "line one\nline two; with, commas";
	int64_t id = add_contact(f, name, "outer", D(2026, 1, 1));
	char *ics, want[128];
	icalcomponent *cal;

	add_touch(f, id, D(2026, 2, 1), "email", note);
	ics = export(f, NULL, NULL);
	cal = parse(ics);
	snprintf(want, sizeof(want), "Keep in touch: %s", name);
	assert_string_equal(icalcomponent_get_summary(todo_of(cal, id)), want);
	assert_contains(icalcomponent_get_description(todo_of(cal, id)), note);
	icalcomponent_free(cal);
	free(ics);
}

static void test_reminder_build_fields(void **state)
{
	struct fixture *f = *state;
	struct kith_reminder_options opts = { 3, KITH_MODE_PLAIN, 1, 600, STAMP };
	struct kith_contact *c = get_contact(f, p.bob);
	struct kith_reminder *r = NULL;

	assert_ok(kith_reminder_build(f->store, c, TODAY, &opts, &r));
	assert_non_null(r);
	assert_int_equal(r->contact_id, p.bob);
	assert_string_equal(r->uid, c->uid);
	assert_string_equal(r->summary, "Keep in touch: Bob Smith");
	assert_string_equal(r->url, "mailto:bob@example.com");
	assert_string_equal(r->category, "regular");
	assert_int_equal(r->cadence.unit, KITH_CADENCE_MONTH);
	assert_int_equal(r->cadence.n, 3);
	assert_date(r->due, 2026, 5, 10);
	assert_date(r->dtstart, 2026, 5, 7); /* window 3 days */
	assert_int_equal(r->recurring, 0);
	assert_int_equal(r->alarm, 1);
	assert_int_equal(r->alarm_minutes, 600);
	assert_int_equal(r->dtstamp, STAMP);
	assert_non_null(r->description);
	kith_reminder_free(r);
	kith_reminder_free(NULL);
	kith_contact_free(c);
}

static void test_reminder_window_stays_shorter_than_cadence(void **state)
{
	struct fixture *f = *state;
	struct kith_reminder_options opts = { 30, KITH_MODE_RRULE, 0, 0, STAMP };
	struct kith_contact *c = get_contact(f, p.wendy);
	struct kith_reminder *r = NULL;

	assert_ok(kith_reminder_build(f->store, c, TODAY, &opts, &r));
	assert_date(r->due, 2026, 5, 27);
	assert_date(r->dtstart, 2026, 5, 21);
	kith_reminder_free(r);
	kith_contact_free(c);
}

static void test_reminder_snooze_moves_due(void **state)
{
	struct fixture *f = *state;
	struct kith_contact *c;
	struct kith_reminder *r = NULL;

	assert_ok(kith_store_snooze(f->store, p.bob, D(2026, 6, 15)));
	c = get_contact(f, p.bob);
	assert_ok(kith_reminder_build(f->store, c, TODAY, NULL, &r));
	assert_date(r->due, 2026, 6, 15);
	assert_date(r->dtstart, 2026, 6, 8);
	assert_int_equal(r->recurring, 1); /* NULL options: the defaults */
	kith_reminder_free(r);
	kith_contact_free(c);
}

static void test_reminder_of_unstored_contact_is_invalid(void **state)
{
	struct fixture *f = *state;
	struct kith_contact c;
	struct kith_reminder *r = NULL;

	memset(&c, 0, sizeof(c));
	c.name = "Nobody";
	c.tier = "core";
	assert_status(kith_reminder_build(f->store, &c, TODAY, NULL, &r), KITH_ERR_INVALID);
	assert_null(r);
	assert_contains(kith_ctx_errmsg(f->ctx), "Nobody");
}

static void test_reminders_to_ics_of_nothing(void **state)
{
	struct fixture *f = *state;
	char *ics = NULL;
	icalcomponent *cal;

	assert_ok(kith_reminders_to_ics(f->ctx, NULL, 0, &ics));
	cal = parse(ics);
	assert_int_equal(count_components(cal, ICAL_VTODO_COMPONENT), 0);
	icalcomponent_free(cal);
	free(ics);
}

static void test_reminders_to_ics_renders_what_it_is_given(void **state)
{
	struct fixture *f = *state;
	struct kith_reminder_options opts = { 0, KITH_MODE_RRULE, 0, 0, STAMP };
	struct kith_contact *bob = get_contact(f, p.bob), *dora = get_contact(f, p.dora);
	struct kith_reminder *r[2] = { NULL, NULL };
	char *ics = NULL, *again = NULL;
	icalcomponent *cal;

	assert_ok(kith_reminder_build(f->store, bob, TODAY, &opts, &r[0]));
	assert_ok(kith_reminder_build(f->store, dora, TODAY, &opts, &r[1]));
	assert_ok(kith_reminders_to_ics(f->ctx, r, 2, &ics));
	cal = parse(ics);
	assert_int_equal(count_components(cal, ICAL_VTODO_COMPONENT), 2);
	assert_string_equal(icalcomponent_get_uid(todo_of(cal, p.bob)), bob->uid);
	assert_string_equal(icalcomponent_get_uid(todo_of(cal, p.dora)), dora->uid);
	/* Same input, same bytes. */
	assert_ok(kith_reminders_to_ics(f->ctx, r, 2, &again));
	assert_string_equal(ics, again);
	icalcomponent_free(cal);
	free(ics);
	free(again);
	kith_reminder_free(r[0]);
	kith_reminder_free(r[1]);
	kith_contact_free(bob);
	kith_contact_free(dora);
}

/*
 * BUG (see tests/unit/BUGS.md, "tel: URL keeps the (0) trunk prefix"):
 * "+44 (0)20 7946 0000", the usual way to write a UK number, becomes
 * tel:+4402079460000, which does not dial.
 */
static void test_vtodo_tel_url_drops_trunk_prefix(void **state)
{
	struct fixture *f = *state;
	const char *phones[] = { "+44 (0)20 7946 0000", NULL };
	int64_t id;
	struct kith_contact *c;
	struct kith_reminder *r = NULL;

	id = add_contact_full(f, "Uma UK", "core", D(2026, 1, 1), NULL, phones, "phone");
	c = get_contact(f, id);
	assert_ok(kith_reminder_build(f->store, c, TODAY, NULL, &r));
	assert_string_equal(r->url, "tel:+442079460000");
	kith_reminder_free(r);
	kith_contact_free(c);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, people_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(test_vtodo_one_per_active_unpaused_contact),
		T(test_vtodo_uid_is_stable_and_the_contacts),
		T(test_vtodo_summary_status_and_categories),
		T(test_vtodo_due_and_dtstart_are_dates_due_after_start),
		T(test_vtodo_rrule_per_cadence_without_count_or_until),
		T(test_vtodo_plain_mode_has_no_rrule),
		T(test_vtodo_description_gives_context),
		T(test_vtodo_url_for_preferred_channel),
		T(test_vtodo_kith_properties),
		T(test_vtodo_dtstamp_honours_option),
		T(test_vtodo_valarm_only_when_asked),
		T(test_vtodo_uses_crlf_line_ends),
		T(test_vtodo_lines_are_folded),
		T(test_vtodo_text_is_escaped_and_round_trips),
		T(test_reminder_build_fields),
		T(test_reminder_window_stays_shorter_than_cadence),
		T(test_reminder_snooze_moves_due),
		T(test_reminder_of_unstored_contact_is_invalid),
		T(test_reminders_to_ics_of_nothing),
		T(test_reminders_to_ics_renders_what_it_is_given),
		T(test_vtodo_tel_url_drops_trunk_prefix),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
