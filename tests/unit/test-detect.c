/* SPDX-License-Identifier: MIT */
/*
 * Completion detection (lib/detect.c), pure: initial.ics is what kith and
 * the target last agreed on; each file in tests/data/clients is what a
 * calendar app left on the server after Anna's quarterly reminder (due
 * 2026-03-01) was ticked off on 2026-02-20 at 17:30 UTC.  Every shape must
 * come out as exactly one completion, dated the day it was done in the
 * user's zone, for the occurrence of 2026-03-01.  Variants of the files
 * (zones, date-times, Outlook, offline ticks, snoozes, ...) are built here.
 */
#include "helpers.h"

#include <time.h>

#include "detect.h"
#include "ical.h"

#ifndef KITH_TEST_DATA
#error "KITH_TEST_DATA must name tests/data"
#endif

#define ANNA_UID "kith-anna-0042@kith.example"
#define NOW ((time_t)1771675200)       /* 2026-02-21T12:00:00Z */
#define TICKED ((time_t)1771608600)    /* 2026-02-20T17:30:00Z */
#define LATE_TICK ((time_t)1771542000) /* 2026-02-19T23:00:00Z */
#define MAX_RES 8

static const char *const client_files[] = {
	"nextcloud-tasks-0.17.ics", /* (a) */
	"tasks-org.ics",            /* (b) */
	"evolution.ics",            /* (b) */
	"thunderbird.ics",          /* (c) */
	"jtx-board.ics",            /* (c) */
	"opentasks-davx5.ics",      /* (d) */
	"apple-reminders.ics",      /* (d) */
	"calcurse.ics",             /* (d) dateless, ours deleted */
	"todoman.ics",              /* (e) */
};
#define N_CLIENTS (sizeof(client_files) / sizeof(client_files[0]))

static const char *const zones[] = { "UTC", "Europe/Berlin", "America/Los_Angeles" };
#define N_ZONES (sizeof(zones) / sizeof(zones[0]))

/* ---- text helpers ---- */

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

static char *read_data(const char *name)
{
	char *path = path_join(KITH_TEST_DATA "/clients", name);
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	if (!fp)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	if (!buf)
		abort();
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	free(path);
	return buf;
}

/* s with every `from` replaced by `to`. Ownership: free(). */
static char *subst(const char *s, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to), n = 0;
	const char *p;
	char *out, *o;

	for (p = s; (p = strstr(p, from)); p += nf)
		n++;
	out = malloc(strlen(s) + n * (nt > nf ? nt - nf : 0) + 1);
	if (!out)
		abort();
	for (o = out, p = s;;) {
		const char *q = strstr(p, from);

		if (!q) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, to, nt);
		o += nt;
		p = q + nf;
	}
	return out;
}

/* subst() that also frees its input. */
static char *subst_free(char *s, const char *from, const char *to)
{
	char *out = subst(s, from, to);

	free(s);
	return out;
}

/* One VCALENDAR text per resource: a file may hold several. */
static size_t split_resources(const char *text, char **out, size_t max)
{
	size_t n = 0;
	const char *p = text;

	while ((p = strstr(p, "BEGIN:VCALENDAR"))) {
		const char *end = strstr(p, "END:VCALENDAR");

		assert_non_null(end);
		end += strlen("END:VCALENDAR");
		while (*end == '\r' || *end == '\n')
			end++;
		assert_true(n < max);
		out[n] = strndup(p, (size_t)(end - p));
		if (!out[n])
			abort();
		n++;
		p = end;
	}
	return n;
}

/*
 * Rewrites every "NAME;VALUE=DATE:YYYYMMDD" line of DTSTART, DUE and
 * RECURRENCE-ID (RANGE kept) as a date-time: prefix + YYYYMMDD + "T" + time.
 * prefix is e.g. ":" (floating or, with a "Z" time, UTC) or
 * ";TZID=Europe/Berlin:".  With a zone, a VTIMEZONE is put before the
 * first VTODO of each VCALENDAR.
 */
static const char berlin_vtimezone[] = "BEGIN:VTIMEZONE\n"
				       "TZID:Europe/Berlin\n"
				       "BEGIN:DAYLIGHT\n"
				       "TZOFFSETFROM:+0100\n"
				       "TZOFFSETTO:+0200\n"
				       "TZNAME:CEST\n"
				       "DTSTART:19700329T020000\n"
				       "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\n"
				       "END:DAYLIGHT\n"
				       "BEGIN:STANDARD\n"
				       "TZOFFSETFROM:+0200\n"
				       "TZOFFSETTO:+0100\n"
				       "TZNAME:CET\n"
				       "DTSTART:19701025T030000\n"
				       "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\n"
				       "END:STANDARD\n"
				       "END:VTIMEZONE\n";

static char *as_date_times(const char *text, const char *prefix, const char *time_part,
			   int berlin_zone)
{
	static const char *const props[] = { "DTSTART", "DUE", "RECURRENCE-ID;RANGE=THISANDFUTURE",
					     "RECURRENCE-ID" };
	char *s = xstrdup(text);

	for (size_t i = 0; i < sizeof(props) / sizeof(props[0]); i++) {
		char from[64];
		const char *p;

		snprintf(from, sizeof(from), "\n%s;VALUE=DATE:", props[i]);
		while ((p = strstr(s, from))) {
			char date[9], to[160], old[80];

			memcpy(date, p + strlen(from), 8);
			date[8] = '\0';
			snprintf(old, sizeof(old), "%s%s", from, date);
			snprintf(to, sizeof(to), "\n%s%s%sT%s", props[i], prefix, date, time_part);
			s = subst_free(s, old, to);
		}
	}
	if (berlin_zone) {
		char *parts[MAX_RES];
		size_t n = split_resources(s, parts, MAX_RES);
		size_t len = 0;
		char *joined;

		for (size_t i = 0; i < n; i++) {
			char *q = strstr(parts[i], "BEGIN:VTODO");
			char *t;

			assert_non_null(q);
			t = malloc(strlen(parts[i]) + sizeof(berlin_vtimezone) + 1);
			if (!t)
				abort();
			memcpy(t, parts[i], (size_t)(q - parts[i]));
			strcpy(t + (q - parts[i]), berlin_vtimezone);
			strcat(t, q);
			free(parts[i]);
			parts[i] = t;
			len += strlen(t);
		}
		joined = malloc(len + 1);
		if (!joined)
			abort();
		joined[0] = '\0';
		for (size_t i = 0; i < n; i++) {
			strcat(joined, parts[i]);
			free(parts[i]);
		}
		free(s);
		s = joined;
	}
	return s;
}

/* ---- a scene: the agreed base, the server now, the verdict ---- */

struct scene {
	struct kith_ctx *ctx;
	struct kith_todos base_todos;
	struct kith_detect_base base;
	struct kith_todos ours;
	int have_ours;
	struct kith_todos other_todos[MAX_RES];
	struct kith_detect_other others[MAX_RES];
	char other_names[MAX_RES][32];
	size_t n_others;
	struct kith_detection d;
	int detected;
};

static struct scene *scene_new(void)
{
	struct scene *s = calloc(1, sizeof(*s));

	if (!s)
		abort();
	assert_ok(kith_ctx_new(&s->ctx));
	return s;
}

static void scene_free(struct scene *s)
{
	if (!s)
		return;
	if (s->detected)
		kith_detection_clear(&s->d);
	kith_todos_clear(&s->base_todos);
	kith_todos_clear(&s->ours);
	for (size_t i = 0; i < s->n_others; i++)
		kith_todos_clear(&s->other_todos[i]);
	kith_ctx_free(s->ctx);
	free(s);
}

static void parse(struct scene *s, const char *text, const char *tzid, struct kith_todos *out)
{
	enum kith_status rc = kith_ical_parse_todos(s->ctx, text, strlen(text), tzid, out);

	if (rc != KITH_OK)
		fail_msg("parse: %s\n%s", kith_ctx_errmsg(s->ctx), text);
}

/* The agreed state: kith's reminder as in `text` (quarterly). */
static void scene_base(struct scene *s, const char *text, const char *tzid)
{
	const struct kith_todo *m;

	parse(s, text, tzid, &s->base_todos);
	m = kith_todos_master(&s->base_todos, ANNA_UID);
	assert_non_null(m);
	s->base.uid = ANNA_UID;
	s->base.x_kith_id = m->x_kith_id;
	s->base.summary = m->summary;
	s->base.description = m->description;
	s->base.rrule = m->rrule;
	s->base.cadence = CAD(3, MONTH);
	s->base.dtstart = m->dtstart;
	s->base.due = m->due;
}

/* The server now: each VCALENDAR in `text` is one resource; ours has our master. */
static void scene_server(struct scene *s, const char *text, const char *tzid)
{
	char *parts[MAX_RES];
	size_t n = split_resources(text, parts, MAX_RES);

	for (size_t i = 0; i < n; i++) {
		struct kith_todos t = { NULL, 0 };

		parse(s, parts[i], tzid, &t);
		if (kith_todos_master(&t, ANNA_UID)) {
			assert_false(s->have_ours);
			s->ours = t;
			s->have_ours = 1;
		} else {
			size_t k = s->n_others++;

			snprintf(s->other_names[k], sizeof(s->other_names[k]), "foreign-%zu.ics",
				 k);
			s->other_todos[k] = t;
			s->others[k].name = s->other_names[k];
			s->others[k].todos = &s->other_todos[k];
		}
		free(parts[i]);
	}
}

static const struct kith_detection *scene_detect(struct scene *s, const char *processed,
						 const char *tzid)
{
	if (s->detected)
		kith_detection_clear(&s->d);
	assert_int_equal(kith_detect(&s->base, s->have_ours ? &s->ours : NULL, s->others,
				     s->n_others, processed, NOW, tzid, &s->d),
			 0);
	s->detected = 1;
	return &s->d;
}

/* initial.ics as the base, `server` as the target now, in zone tzid. */
static struct scene *scene_of(const char *base, const char *server, const char *tzid)
{
	struct scene *s = scene_new();
	char *initial = base ? NULL : read_data("initial.ics");

	scene_base(s, base ? base : initial, tzid);
	if (server)
		scene_server(s, server, tzid);
	scene_detect(s, NULL, tzid);
	free(initial);
	return s;
}

static char *describe(const struct kith_detection *d)
{
	static char buf[1024];
	size_t len = 0;

	len += (size_t)snprintf(buf + len, sizeof(buf) - len,
				"deleted=%d moved=%d unreadable=%d copies=%zu completions=%zu:",
				d->deleted, d->moved, d->unreadable, d->n_copies, d->n_completions);
	for (size_t i = 0; i < d->n_completions && len < sizeof(buf) - 64; i++) {
		char occ[KITH_DATE_BUFSZ], on[KITH_DATE_BUFSZ];

		len += (size_t)snprintf(buf + len, sizeof(buf) - len, " [%s on %s %s src=%d]",
					kith_date_format(d->completions[i].occurrence, occ),
					kith_date_format(d->completions[i].on, on),
					d->completions[i].shape, (int)d->completions[i].source);
	}
	return buf;
}

/* Exactly one completion: occurrence 2026-03-01, done on `on`. */
static void assert_one_completion(const struct kith_detection *d, struct kith_date on,
				  const char *what)
{
	char want[KITH_DATE_BUFSZ], got[KITH_DATE_BUFSZ];

	if (d->n_completions != 1 || d->deleted || d->moved || d->unreadable)
		fail_msg("%s: want one completion, got %s", what, describe(d));
	if (kith_date_cmp(d->completions[0].occurrence, D(2026, 3, 1)))
		fail_msg("%s: occurrence %s, want 2026-03-01", what,
			 kith_date_format(d->completions[0].occurrence, got));
	if (kith_date_cmp(d->completions[0].on, on))
		fail_msg("%s: done on %s, want %s", what,
			 kith_date_format(d->completions[0].on, got), kith_date_format(on, want));
}

static void assert_nothing(const struct kith_detection *d, const char *what)
{
	if (d->n_completions || d->deleted || d->moved || d->unreadable)
		fail_msg("%s: want nothing, got %s", what, describe(d));
}

/* The series goes on in the foreign resource `name`: to adopt, not a copy to leave alone. */
static void assert_continues_in(const struct kith_detection *d, const char *name, const char *what)
{
	if (!d->continuation || strcmp(d->continuation, name) || d->n_copies)
		fail_msg("%s: want the continuation %s and no copy, got %s (copies=%zu)", what,
			 name, d->continuation ? d->continuation : "none", d->n_copies);
}

/* ---- the client files ---- */

static void check_client(const char *file, const char *tzid)
{
	char *server = read_data(file);
	struct scene *s = scene_of(NULL, server, tzid);
	char what[128];

	snprintf(what, sizeof(what), "%s in %s", file, tzid);
	assert_one_completion(&s->d, D(2026, 2, 20), what);
	scene_free(s);
	free(server);
}

static void test_detect_every_client_one_completion_utc(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CLIENTS; i++)
		check_client(client_files[i], "UTC");
}

static void test_detect_every_client_one_completion_berlin_and_los_angeles(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CLIENTS; i++) {
		check_client(client_files[i], "Europe/Berlin");
		check_client(client_files[i], "America/Los_Angeles");
	}
}

static void test_detect_master_completed_is_dated_from_completed(void **state)
{
	char *server = read_data("nextcloud-tasks-0.17.ics");
	struct scene *s = scene_of(NULL, server, "UTC");

	(void)state;
	assert_one_completion(&s->d, D(2026, 2, 20), "nextcloud");
	assert_int_equal(s->d.completions[0].source, KITH_TIME_COMPLETED);
	assert_int_equal(s->d.completions[0].at, TICKED);
	assert_int_equal(s->d.n_copies, 0);
	scene_free(s);
	free(server);
}

static void test_detect_master_advanced_is_dated_from_last_modified(void **state)
{
	const char *files[] = { "tasks-org.ics", "evolution.ics" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char *server = read_data(files[i]);
		struct scene *s = scene_of(NULL, server, "UTC");

		assert_one_completion(&s->d, D(2026, 2, 20), files[i]);
		assert_int_equal(s->d.completions[0].source, KITH_TIME_LAST_MODIFIED);
		assert_int_equal(s->d.completions[0].at, TICKED);
		assert_int_equal(s->d.n_copies, 0);
		scene_free(s);
		free(server);
	}
}

static void test_detect_override_is_dated_from_completed(void **state)
{
	const char *files[] = { "thunderbird.ics", "jtx-board.ics" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char *server = read_data(files[i]);
		struct scene *s = scene_of(NULL, server, "UTC");

		assert_one_completion(&s->d, D(2026, 2, 20), files[i]);
		assert_int_equal(s->d.completions[0].source, KITH_TIME_COMPLETED);
		assert_string_equal(s->d.completions[0].shape, "override");
		assert_null(s->d.completions[0].copy);
		scene_free(s);
		free(server);
	}
}

/* OpenTasks and Apple: master advanced AND a completed copy: one tick, from COMPLETED. */
static void test_detect_copy_and_advanced_master_are_one_completion(void **state)
{
	const char *files[] = { "opentasks-davx5.ics", "apple-reminders.ics" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char *server = read_data(files[i]);
		struct scene *s = scene_of(NULL, server, "UTC");

		assert_one_completion(&s->d, D(2026, 2, 20), files[i]);
		assert_int_equal(s->d.completions[0].source, KITH_TIME_COMPLETED);
		assert_int_equal(s->d.completions[0].at, TICKED);
		assert_int_equal(s->d.n_copies, 1);
		assert_string_equal(s->d.copies[0], "foreign-0.ics");
		scene_free(s);
		free(server);
	}
}

/* ---- zones ---- */

/* Ticked at 2026-02-19T23:00Z: Feb 20 in Berlin, Feb 19 in UTC and Los Angeles. */
static void test_detect_completion_near_midnight_takes_the_users_date(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CLIENTS; i++) {
		char *raw = read_data(client_files[i]);
		char *server = subst(raw, "20260220T1730", "20260219T2300");
		char what[128];

		for (size_t z = 0; z < N_ZONES; z++) {
			struct scene *s = scene_of(NULL, server, zones[z]);
			struct kith_date want = !strcmp(zones[z], "Europe/Berlin") ? D(2026, 2, 20)
										   : D(2026, 2, 19);

			snprintf(what, sizeof(what), "%s ticked 23:00Z in %s", client_files[i],
				 zones[z]);
			assert_one_completion(&s->d, want, what);
			assert_int_equal(s->d.completions[0].at, LATE_TICK);
			scene_free(s);
		}
		free(server);
		free(raw);
	}
}

/* A zone kith does not know is not a reason to use the process's zone silently. */
static void test_detect_utc_is_not_the_process_zone(void **state)
{
	char *raw = read_data("nextcloud-tasks-0.17.ics");
	char *server = subst(raw, "20260220T1730", "20260219T2300");
	struct scene *s;

	(void)state;
	/* main() runs the program in Pacific/Auckland, where 23:00Z is the 20th. */
	s = scene_of(NULL, server, "UTC");
	assert_one_completion(&s->d, D(2026, 2, 19), "UTC user, process in Auckland");
	scene_free(s);
	free(server);
	free(raw);
}

/* ---- DATE-TIME instead of DATE ---- */

static void check_date_time_variant(const char *prefix, const char *time_part, int berlin,
				    const char *const *tzids, size_t n_tzids)
{
	for (size_t i = 0; i < N_CLIENTS; i++) {
		char *raw = read_data(client_files[i]);
		char *server = as_date_times(raw, prefix, time_part, berlin);

		assert_not_contains(server, "VALUE=DATE:");
		for (size_t z = 0; z < n_tzids; z++) {
			struct scene *s = scene_of(NULL, server, tzids[z]);
			char what[160];

			snprintf(what, sizeof(what), "%s with DUE%sT%s in %s", client_files[i],
				 prefix, time_part, tzids[z]);
			assert_one_completion(&s->d, D(2026, 2, 20), what);
			scene_free(s);
		}
		free(server);
		free(raw);
	}
}

static void test_detect_floating_date_times(void **state)
{
	(void)state;
	check_date_time_variant(":", "000000", 0, zones, N_ZONES);
	check_date_time_variant(":", "235959", 0, zones, N_ZONES);
}

static void test_detect_utc_date_times(void **state)
{
	(void)state;
	check_date_time_variant(":", "120000Z", 0, zones, N_ZONES);
}

static void test_detect_berlin_date_times_for_a_berlin_user(void **state)
{
	const char *berlin[] = { "Europe/Berlin" };

	(void)state;
	check_date_time_variant(";TZID=Europe/Berlin:", "000000", 1, berlin, 1);
	check_date_time_variant(";TZID=Europe/Berlin:", "235959", 1, berlin, 1);
	/* Noon in Berlin is the same day everywhere kith's users are. */
	check_date_time_variant(";TZID=Europe/Berlin:", "120000", 1, zones, N_ZONES);
}

/*
 * An app in Berlin turns DUE;VALUE=DATE:20260601 into Berlin's midnight;
 * kith runs with another zone (a server in UTC).  The wall date the app
 * meant is still June 1: compare dates, not instants.
 */
static void test_detect_tzid_midnight_keeps_its_wall_date(void **state)
{
	const char *utc[] = { "UTC", "America/Los_Angeles" };

	(void)state;
	check_date_time_variant(";TZID=Europe/Berlin:", "000000", 1, utc, 2);
}

/* ---- Outlook through the CalDav Synchronizer ---- */

static const char outlook[] = "BEGIN:VCALENDAR\n"
			      "VERSION:2.0\n"
			      "PRODID:-//CALDAVSYNCHRONIZER//NONSGML Outlook//EN\n"
			      "%TZ%"
			      "BEGIN:VTODO\n"
			      "UID:kith-anna-0042@kith.example\n"
			      "DTSTAMP:20260220T173500Z\n"
			      "LAST-MODIFIED:20260220T173000Z\n"
			      "SUMMARY:Keep in touch with Anna\n"
			      "DTSTART;TZID=Europe/Berlin:20260601T235959\n"
			      "DUE;TZID=Europe/Berlin:20260601T235959\n"
			      "RRULE:FREQ=MONTHLY;INTERVAL=3\n"
			      "STATUS:NEEDS-ACTION\n"
			      "PRIORITY:5\n"
			      "CLASS:PUBLIC\n"
			      "END:VTODO\n"
			      "END:VCALENDAR\n"
			      "BEGIN:VCALENDAR\n"
			      "VERSION:2.0\n"
			      "PRODID:-//CALDAVSYNCHRONIZER//NONSGML Outlook//EN\n"
			      "%TZ%"
			      "BEGIN:VTODO\n"
			      "UID:AAAAAEc1E1C4D47B4D8A4C5B7F39D2A1E06C0700\n"
			      "DTSTAMP:20260220T173500Z\n"
			      "LAST-MODIFIED:20260220T173000Z\n"
			      "SUMMARY:Keep in touch with Anna\n"
			      "DTSTART;TZID=Europe/Berlin:20260301T235959\n"
			      "DUE;TZID=Europe/Berlin:20260301T235959\n"
			      "RRULE:FREQ=MONTHLY;INTERVAL=3\n"
			      "STATUS:COMPLETED\n"
			      "COMPLETED:20260220T173000Z\n"
			      "PERCENT-COMPLETE:100\n"
			      "PRIORITY:5\n"
			      "CLASS:PUBLIC\n"
			      "END:VTODO\n"
			      "END:VCALENDAR\n";

static void test_detect_outlook_copy_without_x_properties(void **state)
{
	char *server = subst(outlook, "%TZ%", berlin_vtimezone);

	(void)state;
	for (size_t z = 0; z < N_ZONES; z++) {
		struct scene *s = scene_of(NULL, server, zones[z]);
		char what[80];

		snprintf(what, sizeof(what), "Outlook copy in %s", zones[z]);
		assert_one_completion(&s->d, D(2026, 2, 20), what);
		assert_int_equal(s->d.completions[0].source, KITH_TIME_COMPLETED);
		assert_string_equal(s->d.completions[0].copy, "foreign-0.ics");
		assert_int_equal(s->d.n_copies, 1);
		scene_free(s);
	}
	free(server);
}

/* ---- other shapes ---- */

static const char thunderbird_two_offline[] =
	"BEGIN:VCALENDAR\n"
	"PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\n"
	"VERSION:2.0\n"
	"BEGIN:VTODO\n"
	"UID:kith-anna-0042@kith.example\n"
	"LAST-MODIFIED:20260525T100000Z\n"
	"DTSTAMP:20260525T100000Z\n"
	"SUMMARY:Keep in touch with Anna\n"
	"RRULE:FREQ=MONTHLY;INTERVAL=3\n"
	"DTSTART;VALUE=DATE:20260301\n"
	"DUE;VALUE=DATE:20260301\n"
	"STATUS:NEEDS-ACTION\n"
	"X-KITH-ID:anna-0042\n"
	"X-KITH-CADENCE:P3M\n"
	"END:VTODO\n"
	"BEGIN:VTODO\n"
	"UID:kith-anna-0042@kith.example\n"
	"RECURRENCE-ID;VALUE=DATE:20260601\n"
	"LAST-MODIFIED:20260525T100000Z\n"
	"DTSTAMP:20260525T100000Z\n"
	"SUMMARY:Keep in touch with Anna\n"
	"STATUS:COMPLETED\n"
	"DTSTART;VALUE=DATE:20260601\n"
	"DUE;VALUE=DATE:20260601\n"
	"COMPLETED:20260525T100000Z\n"
	"PERCENT-COMPLETE:100\n"
	"END:VTODO\n"
	"BEGIN:VTODO\n"
	"UID:kith-anna-0042@kith.example\n"
	"RECURRENCE-ID;VALUE=DATE:20260301\n"
	"LAST-MODIFIED:20260220T173000Z\n"
	"DTSTAMP:20260220T173000Z\n"
	"SUMMARY:Keep in touch with Anna\n"
	"STATUS:COMPLETED\n"
	"DTSTART;VALUE=DATE:20260301\n"
	"DUE;VALUE=DATE:20260301\n"
	"COMPLETED:20260220T173000Z\n"
	"PERCENT-COMPLETE:100\n"
	"END:VTODO\n"
	"END:VCALENDAR\n";

static void test_detect_two_offline_overrides_sorted_by_occurrence(void **state)
{
	struct scene *s = scene_of(NULL, thunderbird_two_offline, "UTC");

	(void)state;
	if (s->d.n_completions != 2 || s->d.moved || s->d.deleted)
		fail_msg("want two completions, got %s", describe(&s->d));
	assert_date(s->d.completions[0].occurrence, 2026, 3, 1);
	assert_date(s->d.completions[0].on, 2026, 2, 20);
	assert_date(s->d.completions[1].occurrence, 2026, 6, 1);
	assert_date(s->d.completions[1].on, 2026, 5, 25);
	scene_free(s);
}

static const char unticked_master[] = "BEGIN:VCALENDAR\n"
				      "VERSION:2.0\n"
				      "PRODID:-//kith.example//kith 0.1//EN\n"
				      "BEGIN:VTODO\n"
				      "UID:kith-anna-0042@kith.example\n"
				      "DTSTAMP:20260220T173500Z\n"
				      "CREATED:20251201T080000Z\n"
				      "LAST-MODIFIED:20260220T173500Z\n"
				      "SEQUENCE:2\n"
				      "SUMMARY:Keep in touch with Anna\n"
				      "DTSTART;VALUE=DATE:20260301\n"
				      "DUE;VALUE=DATE:20260301\n"
				      "RRULE:FREQ=MONTHLY;INTERVAL=3\n"
				      "STATUS:NEEDS-ACTION\n"
				      "PERCENT-COMPLETE:0\n"
				      "X-KITH-ID:anna-0042\n"
				      "X-KITH-CADENCE:P3M\n"
				      "END:VTODO\n"
				      "END:VCALENDAR\n";

static const char unticked_override[] = "BEGIN:VCALENDAR\n"
					"PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\n"
					"VERSION:2.0\n"
					"BEGIN:VTODO\n"
					"UID:kith-anna-0042@kith.example\n"
					"LAST-MODIFIED:20260220T173500Z\n"
					"DTSTAMP:20260220T173500Z\n"
					"SUMMARY:Keep in touch with Anna\n"
					"RRULE:FREQ=MONTHLY;INTERVAL=3\n"
					"DTSTART;VALUE=DATE:20260301\n"
					"DUE;VALUE=DATE:20260301\n"
					"STATUS:NEEDS-ACTION\n"
					"X-KITH-ID:anna-0042\n"
					"X-KITH-CADENCE:P3M\n"
					"END:VTODO\n"
					"BEGIN:VTODO\n"
					"UID:kith-anna-0042@kith.example\n"
					"RECURRENCE-ID;VALUE=DATE:20260301\n"
					"LAST-MODIFIED:20260220T173500Z\n"
					"DTSTAMP:20260220T173500Z\n"
					"SUMMARY:Keep in touch with Anna\n"
					"STATUS:NEEDS-ACTION\n"
					"PERCENT-COMPLETE:0\n"
					"DTSTART;VALUE=DATE:20260301\n"
					"DUE;VALUE=DATE:20260301\n"
					"END:VTODO\n"
					"END:VCALENDAR\n";

static void test_detect_unticked_completion_is_nothing(void **state)
{
	struct scene *s;

	(void)state;
	s = scene_of(NULL, unticked_master, "UTC");
	assert_nothing(&s->d, "master un-ticked");
	scene_free(s);
	s = scene_of(NULL, unticked_override, "UTC");
	assert_nothing(&s->d, "override un-ticked");
	scene_free(s);
}

static void test_detect_unchanged_is_nothing(void **state)
{
	char *initial = read_data("initial.ics");
	struct scene *s = scene_of(NULL, initial, "UTC");

	(void)state;
	assert_nothing(&s->d, "initial.ics itself");
	assert_int_equal(s->d.n_copies, 0);
	scene_free(s);
	free(initial);
}

/* Moved by hand to 2026-03-15: not on the grid, not a cadence after LAST-MODIFIED. */
static void test_detect_snooze_is_a_move_not_a_completion(void **state)
{
	char *raw = read_data("evolution.ics");
	char *server = subst(raw, "VALUE=DATE:20260601", "VALUE=DATE:20260315");
	char *due_only = subst(raw, "DUE;VALUE=DATE:20260601", "DUE;VALUE=DATE:20260315");
	struct scene *s;

	(void)state;
	due_only =
		subst_free(due_only, "DTSTART;VALUE=DATE:20260601", "DTSTART;VALUE=DATE:20260301");
	s = scene_of(NULL, server, "UTC");
	if (s->d.n_completions || !s->d.moved)
		fail_msg("snooze: got %s", describe(&s->d));
	assert_date(s->d.moved_to, 2026, 3, 15);
	scene_free(s);
	s = scene_of(NULL, due_only, "UTC");
	if (s->d.n_completions || !s->d.moved)
		fail_msg("snooze of DUE only: got %s", describe(&s->d));
	assert_date(s->d.moved_to, 2026, 3, 15);
	scene_free(s);
	free(due_only);
	free(server);
	free(raw);
}

/* Thunderbird postpones one occurrence with an override that moves its DUE. */
static void test_detect_snoozed_override_is_a_move(void **state)
{
	char *server = subst(unticked_override, "DUE;VALUE=DATE:20260301\nEND:VTODO\nEND:VCALENDAR",
			     "DUE;VALUE=DATE:20260310\nEND:VTODO\nEND:VCALENDAR");
	struct scene *s = scene_of(NULL, server, "UTC");

	(void)state;
	if (s->d.n_completions || !s->d.moved)
		fail_msg("postponed override: got %s", describe(&s->d));
	assert_date(s->d.moved_to, 2026, 3, 10);
	scene_free(s);
	free(server);
}

/* "Repeat from completion date": due = LAST-MODIFIED's date + 3 months, off the grid. */
static void test_detect_repeat_from_completion_date(void **state)
{
	char *raw = read_data("tasks-org.ics");
	char *server = subst(raw, "VALUE=DATE:20260601", "VALUE=DATE:20260520");
	char *late = subst(server, "20260220T1730", "20260219T2300");
	struct scene *s;

	(void)state;
	s = scene_of(NULL, server, "UTC");
	assert_one_completion(&s->d, D(2026, 2, 20), "regenerated");
	assert_int_equal(s->d.completions[0].source, KITH_TIME_LAST_MODIFIED);
	scene_free(s);
	/* Done at 00:00 in Berlin on Feb 20: due May 20 there too. */
	s = scene_of(NULL, late, "Europe/Berlin");
	assert_one_completion(&s->d, D(2026, 2, 20), "regenerated, Berlin");
	scene_free(s);
	free(late);
	free(server);
	free(raw);
}

static void test_detect_deleted(void **state)
{
	struct scene *s = scene_of(NULL, NULL, "UTC");

	(void)state;
	assert_int_equal(s->d.deleted, 1);
	assert_int_equal(s->d.n_completions, 0);
	assert_int_equal(s->d.moved, 0);
	scene_free(s);
}

static void test_detect_no_master_is_unreadable(void **state)
{
	char *raw = read_data("thunderbird.ics");
	char *initial = read_data("initial.ics");
	/* Only the override is left (some apps drop the master by mistake). */
	const char *override = strstr(strstr(raw, "BEGIN:VTODO") + 1, "BEGIN:VTODO");
	char *server;
	struct scene *s = scene_new();

	(void)state;
	assert_non_null(override);
	server = malloc(strlen(raw) + 64);
	if (!server)
		abort();
	strcpy(server, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n");
	strcat(server, override);
	scene_base(s, initial, "UTC");
	parse(s, server, "UTC", &s->ours);
	assert_int_equal(s->ours.n, 1);
	s->have_ours = 1;
	scene_detect(s, NULL, "UTC");
	assert_int_equal(s->d.unreadable, 1);
	assert_int_equal(s->d.deleted, 0);
	assert_int_equal(s->d.n_completions, 0);
	scene_free(s);
	free(server);
	free(initial);
	free(raw);
}

/* COUNT in kith's base (a foreign rewrite) goes down by one as the app advances. */
static void test_detect_count_decremented_is_one_completion(void **state)
{
	char *initial = read_data("initial.ics");
	char *base = subst(initial, "RRULE:FREQ=MONTHLY;INTERVAL=3",
			   "RRULE:FREQ=MONTHLY;COUNT=4;INTERVAL=3");
	char *raw = read_data("tasks-org.ics");
	char *server = subst(raw, "RRULE:FREQ=MONTHLY;INTERVAL=3",
			     "RRULE:FREQ=MONTHLY;COUNT=3;INTERVAL=3");
	char *server_only = subst(raw, "RRULE:FREQ=MONTHLY;INTERVAL=3",
				  "RRULE:FREQ=MONTHLY;INTERVAL=3;COUNT=3");
	struct scene *s;

	(void)state;
	s = scene_of(base, server, "UTC");
	assert_one_completion(&s->d, D(2026, 2, 20), "COUNT=4 -> COUNT=3");
	scene_free(s);
	/* An app that adds a COUNT of its own. */
	s = scene_of(NULL, server_only, "UTC");
	assert_one_completion(&s->d, D(2026, 2, 20), "COUNT added");
	scene_free(s);
	free(server_only);
	free(server);
	free(raw);
	free(base);
	free(initial);
}

static const char jtx_percent_only[] = "BEGIN:VCALENDAR\n"
				       "VERSION:2.0\n"
				       "PRODID:DAVx5/4.5 ical4j/3.2 (at.techbee.jtx)\n"
				       "BEGIN:VTODO\n"
				       "DTSTAMP:20260220T173001Z\n"
				       "UID:kith-anna-0042@kith.example\n"
				       "SEQUENCE:1\n"
				       "LAST-MODIFIED:20260220T173000Z\n"
				       "SUMMARY:Keep in touch with Anna\n"
				       "STATUS:NEEDS-ACTION\n"
				       "RRULE:FREQ=MONTHLY;INTERVAL=3\n"
				       "DTSTART;VALUE=DATE:20260301\n"
				       "DUE;VALUE=DATE:20260301\n"
				       "X-KITH-ID:anna-0042\n"
				       "X-KITH-CADENCE:P3M\n"
				       "END:VTODO\n"
				       "BEGIN:VTODO\n"
				       "DTSTAMP:20260220T173001Z\n"
				       "UID:kith-anna-0042@kith.example\n"
				       "RECURRENCE-ID;VALUE=DATE:20260301\n"
				       "SEQUENCE:1\n"
				       "LAST-MODIFIED:20260220T173000Z\n"
				       "SUMMARY:Keep in touch with Anna\n"
				       "DTSTART;VALUE=DATE:20260301\n"
				       "DUE;VALUE=DATE:20260301\n"
				       "PERCENT-COMPLETE:100\n"
				       "END:VTODO\n"
				       "END:VCALENDAR\n";

static void test_detect_percent_complete_alone_on_override(void **state)
{
	struct scene *s = scene_of(NULL, jtx_percent_only, "UTC");

	(void)state;
	assert_one_completion(&s->d, D(2026, 2, 20), "PERCENT-COMPLETE:100 only");
	assert_int_equal(s->d.completions[0].source, KITH_TIME_LAST_MODIFIED);
	scene_free(s);
}

static void test_detect_thisandfuture_completed_override(void **state)
{
	char *raw = read_data("thunderbird.ics");
	char *server = subst(raw, "RECURRENCE-ID;VALUE=DATE:20260301",
			     "RECURRENCE-ID;RANGE=THISANDFUTURE;VALUE=DATE:20260301");
	struct scene *s = scene_of(NULL, server, "UTC");

	(void)state;
	assert_int_equal(s->ours.n, 2);
	assert_int_equal(s->ours.items[1].rid_range, 1);
	assert_one_completion(&s->d, D(2026, 2, 20), "RANGE=THISANDFUTURE");
	scene_free(s);
	free(server);
	free(raw);
}

/* python-caldav: a completed override, and the series continues in a THISANDFUTURE one. */
static const char caldav_chain[] = "BEGIN:VCALENDAR\n"
				   "VERSION:2.0\n"
				   "PRODID:-//python-caldav//caldav//en_DK\n"
				   "BEGIN:VTODO\n"
				   "UID:kith-anna-0042@kith.example\n"
				   "DTSTAMP:20251201T080000Z\n"
				   "LAST-MODIFIED:20251201T080000Z\n"
				   "SEQUENCE:0\n"
				   "SUMMARY:Keep in touch with Anna\n"
				   "DTSTART;VALUE=DATE:20260301\n"
				   "DUE;VALUE=DATE:20260301\n"
				   "RRULE:FREQ=MONTHLY;INTERVAL=3\n"
				   "STATUS:NEEDS-ACTION\n"
				   "X-KITH-ID:anna-0042\n"
				   "X-KITH-CADENCE:P3M\n"
				   "END:VTODO\n"
				   "BEGIN:VTODO\n"
				   "UID:kith-anna-0042@kith.example\n"
				   "DTSTAMP:20251201T080000Z\n"
				   "SEQUENCE:1\n"
				   "SUMMARY:Keep in touch with Anna\n"
				   "DTSTART;VALUE=DATE:20260301\n"
				   "DUE;VALUE=DATE:20260301\n"
				   "RECURRENCE-ID;VALUE=DATE:20260301\n"
				   "STATUS:COMPLETED\n"
				   "COMPLETED:20260220T173000Z\n"
				   "X-KITH-ID:anna-0042\n"
				   "X-KITH-CADENCE:P3M\n"
				   "END:VTODO\n"
				   "BEGIN:VTODO\n"
				   "UID:kith-anna-0042@kith.example\n"
				   "DTSTAMP:20251201T080000Z\n"
				   "SEQUENCE:1\n"
				   "SUMMARY:Keep in touch with Anna\n"
				   "DTSTART;VALUE=DATE:20260601\n"
				   "DUE;VALUE=DATE:20260601\n"
				   "RECURRENCE-ID;RANGE=THISANDFUTURE;VALUE=DATE:20260601\n"
				   "STATUS:NEEDS-ACTION\n"
				   "X-KITH-ID:anna-0042\n"
				   "X-KITH-CADENCE:P3M\n"
				   "END:VTODO\n"
				   "END:VCALENDAR\n";

static void test_detect_python_caldav_thisandfuture_chain(void **state)
{
	struct scene *s = scene_of(NULL, caldav_chain, "UTC");

	(void)state;
	assert_one_completion(&s->d, D(2026, 2, 20), "python-caldav chain");
	scene_free(s);
}

static void test_detect_processed_occurrence_is_not_counted_again(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CLIENTS; i++) {
		char *server = read_data(client_files[i]);
		struct scene *s = scene_of(NULL, server, "UTC");
		const struct kith_detection *d;
		char what[128];

		snprintf(what, sizeof(what), "%s, 2026-03-01 processed", client_files[i]);
		d = scene_detect(s, "2026-03-01", "UTC");
		assert_nothing(d, what);
		d = scene_detect(s, "2025-12-01\n2026-03-01\n", "UTC");
		assert_nothing(d, what);
		/* A different occurrence processed does not hide this one. */
		d = scene_detect(s, "2025-12-01\n2026-03-011", "UTC");
		assert_one_completion(d, D(2026, 2, 20), client_files[i]);
		scene_free(s);
		free(server);
	}
}

static const char unrelated[] = "BEGIN:VCALENDAR\n"
				"VERSION:2.0\n"
				"PRODID:-//Apple Inc.//iOS 18.3//EN\n"
				"BEGIN:VTODO\n"
				"UID:1F0C2B3A-0000-4000-8000-000000000001\n"
				"DTSTAMP:20260220T173004Z\n"
				"SUMMARY:Buy milk\n"
				"DUE;VALUE=DATE:20260301\n"
				"STATUS:COMPLETED\n"
				"COMPLETED:20260220T173000Z\n"
				"END:VTODO\n"
				"END:VCALENDAR\n"
				"BEGIN:VCALENDAR\n"
				"VERSION:2.0\n"
				"PRODID:-//Apple Inc.//iOS 18.3//EN\n"
				"BEGIN:VTODO\n"
				"UID:1F0C2B3A-0000-4000-8000-000000000002\n"
				"DTSTAMP:20260220T173004Z\n"
				"SUMMARY:Keep in touch with Anna\n"
				"DUE;VALUE=DATE:20260415\n"
				"STATUS:COMPLETED\n"
				"COMPLETED:20260220T173000Z\n"
				"END:VTODO\n"
				"END:VCALENDAR\n"
				"BEGIN:VCALENDAR\n"
				"VERSION:2.0\n"
				"PRODID:-//kith//kith 0.1//EN\n"
				"BEGIN:VTODO\n"
				"UID:kith-bob-0007@kith.example\n"
				"DTSTAMP:20260220T173004Z\n"
				"SUMMARY:Keep in touch with Anna\n"
				"DUE;VALUE=DATE:20260301\n"
				"STATUS:COMPLETED\n"
				"COMPLETED:20260220T173000Z\n"
				"X-KITH-ID:bob-0007\n"
				"END:VTODO\n"
				"END:VCALENDAR\n";

static void test_detect_unrelated_foreign_todo_is_not_a_copy(void **state)
{
	char *initial = read_data("initial.ics");
	char *server = malloc(strlen(initial) + sizeof(unrelated));
	struct scene *s;

	(void)state;
	if (!server)
		abort();
	strcpy(server, initial);
	strcat(server, unrelated);
	s = scene_of(NULL, server, "UTC");
	assert_int_equal(s->n_others, 3);
	assert_nothing(&s->d, "unrelated foreign VTODOs");
	assert_int_equal(s->d.n_copies, 0);
	scene_free(s);
	free(server);
	free(initial);
}

/* todoman: ours completed (RRULE dropped), the series goes on under a new UID. */
static const char todoman[] = "BEGIN:VCALENDAR\n"
			      "VERSION:2.0\n"
			      "PRODID:-//kith.example//kith 0.1//EN\n"
			      "BEGIN:VTODO\n"
			      "UID:kith-anna-0042@kith.example\n"
			      "DTSTAMP:20260220T173000Z\n"
			      "CREATED:20251201T080000Z\n"
			      "LAST-MODIFIED:20260220T173000Z\n"
			      "SEQUENCE:0\n"
			      "SUMMARY:Keep in touch with Anna\n"
			      "DTSTART;VALUE=DATE:20260301\n"
			      "DUE;VALUE=DATE:20260301\n"
			      "STATUS:COMPLETED\n"
			      "COMPLETED:20260220T173000Z\n"
			      "PERCENT-COMPLETE:100\n"
			      "X-KITH-ID:anna-0042\n"
			      "X-KITH-CADENCE:P3M\n"
			      "END:VTODO\n"
			      "END:VCALENDAR\n"
			      "BEGIN:VCALENDAR\n"
			      "VERSION:2.0\n"
			      "PRODID:-//todoman//todoman 4.4//EN\n"
			      "BEGIN:VTODO\n"
			      "UID:5bd0a3c5e8c54e2a8f0d6c5a3a1e9b77@laptop\n"
			      "DTSTAMP:20260220T173000Z\n"
			      "CREATED:20260220T173000Z\n"
			      "LAST-MODIFIED:20260220T173000Z\n"
			      "SEQUENCE:0\n"
			      "SUMMARY:Keep in touch with Anna\n"
			      "DTSTART;VALUE=DATE:20260601\n"
			      "DUE;VALUE=DATE:20260601\n"
			      "RRULE:FREQ=MONTHLY;INTERVAL=3\n"
			      "STATUS:NEEDS-ACTION\n"
			      "%X%"
			      "END:VTODO\n"
			      "END:VCALENDAR\n";

static void test_detect_reverse_copy(void **state)
{
	const char *xs[] = { "", "X-KITH-ID:anna-0042\nX-KITH-CADENCE:P3M\n" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char *server = subst(todoman, "%X%", xs[i]);
		struct scene *s = scene_of(NULL, server, "UTC");

		assert_one_completion(&s->d, D(2026, 2, 20), i ? "todoman, X- kept" : "todoman");
		assert_string_equal(s->d.completions[0].shape, "completed");
		assert_int_equal(s->d.completions[0].source, KITH_TIME_COMPLETED);
		assert_continues_in(&s->d, "foreign-0.ics", "todoman");
		scene_free(s);
		free(server);
	}
}

/* What todoman 4.1 really leaves (tests/data/clients/todoman.ics, captured). */
static void test_detect_todoman_continuation_is_named(void **state)
{
	char *server = read_data("todoman.ics");
	struct scene *s = scene_of(NULL, server, "UTC");

	(void)state;
	assert_one_completion(&s->d, D(2026, 2, 20), "todoman 4.1");
	assert_int_equal(s->d.completions[0].source, KITH_TIME_COMPLETED);
	assert_continues_in(&s->d, "foreign-0.ics", "todoman 4.1");
	assert_int_equal(s->d.replaced, 0);
	scene_free(s);
	free(server);
}

/*
 * calcurse-caldav (tests/data/clients/calcurse.ics, captured): our
 * resource deleted, a completed copy without any date, X- properties or
 * LAST-MODIFIED uploaded instead; the server stamped it (DTSTAMP).
 */
static void test_detect_calcurse_replacement_is_a_completion(void **state)
{
	char *server = read_data("calcurse.ics");
	struct scene *s = scene_of(NULL, server, "UTC");

	(void)state;
	assert_false(s->have_ours);
	assert_one_completion(&s->d, D(2026, 2, 20), "calcurse");
	assert_int_equal(s->d.replaced, 1);
	assert_int_equal(s->d.deleted, 0);
	assert_string_equal(s->d.completions[0].shape, "copy");
	assert_int_equal(s->d.completions[0].source, KITH_TIME_DTSTAMP);
	assert_int_equal(s->d.n_copies, 1);
	scene_free(s);
	free(server);
}

static void test_detect_dateless_copy_needs_done_and_summary(void **state)
{
	char *raw = read_data("calcurse.ics");
	char *server;
	struct scene *s;

	(void)state;
	/* Not completed: calcurse's edit of the task; the deletion stands. */
	server = subst(raw, "STATUS:COMPLETED\r\n", "");
	s = scene_of(NULL, server, "UTC");
	assert_int_equal(s->d.deleted, 1);
	assert_int_equal(s->d.replaced, 0);
	assert_int_equal(s->d.n_completions, 0);
	scene_free(s);
	free(server);
	/* Someone else's task. */
	server = subst(raw, "Keep in touch with Anna", "Keep in touch with Bob");
	s = scene_of(NULL, server, "UTC");
	assert_int_equal(s->d.deleted, 1);
	assert_int_equal(s->d.n_completions, 0);
	scene_free(s);
	free(server);
	/* Logged already (a sync replayed after a crash): no second touch, no pause. */
	s = scene_new();
	{
		char *initial = read_data("initial.ics");

		scene_base(s, initial, "UTC");
		scene_server(s, raw, "UTC");
		scene_detect(s, "2026-03-01", "UTC");
		free(initial);
	}
	assert_int_equal(s->d.n_completions, 0);
	assert_int_equal(s->d.deleted, 0);
	assert_int_equal(s->d.replaced, 1);
	scene_free(s);
	/* ... also when that copy was counted then and is not offered again. */
	s = scene_new();
	{
		char *initial = read_data("initial.ics");

		scene_base(s, initial, "UTC");
		scene_detect(s, "2026-03-01", "UTC");
		free(initial);
	}
	assert_int_equal(s->d.deleted, 0);
	assert_int_equal(s->d.replaced, 1);
	/* Another occurrence logged does not explain this deletion. */
	scene_detect(s, "2025-12-01", "UTC");
	assert_int_equal(s->d.deleted, 1);
	scene_free(s);
	free(raw);
}

/*
 * kith itself writes DTSTART a week before DUE (the window), so after its
 * first rewrite the base has DTSTART 02-22 and DUE 03-01.  Apps advance
 * such a master in two ways: on the RRULE grid of DTSTART with DUE kept a
 * week later (RFC 5545, Evolution: 05-22 / 05-29), or by applying the RRULE
 * to DUE and shifting DTSTART by as much (tasks.org: 06-01 / 05-25).  Both
 * are the tick of 2026-03-01.
 */
static const char windowed_base[] = "BEGIN:VCALENDAR\r\n"
				    "VERSION:2.0\r\n"
				    "PRODID:-//kith//kith 0.1.0//EN\r\n"
				    "BEGIN:VTODO\r\n"
				    "UID:kith-anna-0042@kith.example\r\n"
				    "DTSTAMP:20251201T080000Z\r\n"
				    "SUMMARY:Keep in touch: Anna Berg\r\n"
				    "DTSTART;VALUE=DATE:20260222\r\n"
				    "DUE;VALUE=DATE:20260301\r\n"
				    "RRULE:FREQ=MONTHLY;INTERVAL=3\r\n"
				    "STATUS:NEEDS-ACTION\r\n"
				    "CATEGORIES:regular\r\n"
				    "X-KITH-ID:1\r\n"
				    "X-KITH-CADENCE:P3M\r\n"
				    "END:VTODO\r\n"
				    "END:VCALENDAR\r\n";

static void check_windowed_advance(const char *dtstart, const char *due, const char *what)
{
	char *server = subst(windowed_base, "DTSTART;VALUE=DATE:20260222", dtstart);
	struct scene *s;

	server = subst_free(server, "DUE;VALUE=DATE:20260301", due);
	server = subst_free(server, "STATUS:NEEDS-ACTION",
			    "STATUS:NEEDS-ACTION\r\nLAST-MODIFIED:20260220T173000Z");
	s = scene_of(windowed_base, server, "UTC");
	assert_one_completion(&s->d, D(2026, 2, 20), what);
	assert_int_equal(s->d.completions[0].source, KITH_TIME_LAST_MODIFIED);
	scene_free(s);
	free(server);
}

static void test_detect_windowed_master_advanced_on_the_dtstart_grid(void **state)
{
	(void)state;
	check_windowed_advance("DTSTART;VALUE=DATE:20260522", "DUE;VALUE=DATE:20260529",
			       "advanced on the DTSTART grid");
	/* "Repeat from completion date" with the window kept. */
	check_windowed_advance("DTSTART;VALUE=DATE:20260513", "DUE;VALUE=DATE:20260520",
			       "regenerated with a window");
}

static void test_detect_windowed_master_advanced_by_due(void **state)
{
	(void)state;
	check_windowed_advance("DTSTART;VALUE=DATE:20260525", "DUE;VALUE=DATE:20260601",
			       "advanced by DUE (tasks.org)");
}

/* ---- the pieces detect relies on ---- */

/*
 * kith's own reminder (a window before DUE) ticked in todoman: the
 * continuation has both dates advanced by the RRULE, as UTC date-times,
 * which is on neither grid kith uses for copies (DTSTART 05-22, DUE 06-01).
 */
static const char todoman_windowed[] = "BEGIN:VCALENDAR\n"
				       "VERSION:2.0\n"
				       "PRODID:io.barrera.todoman\n"
				       "BEGIN:VTODO\n"
				       "COMPLETED;VALUE=DATE-TIME:20260220T173000Z\n"
				       "DTSTAMP;VALUE=DATE-TIME:20251201T080000Z\n"
				       "DTSTART;VALUE=DATE:20260222\n"
				       "DUE;VALUE=DATE:20260301\n"
				       "LAST-MODIFIED;VALUE=DATE-TIME:20260220T173000Z\n"
				       "PERCENT-COMPLETE:100\n"
				       "SEQUENCE:2\n"
				       "STATUS:COMPLETED\n"
				       "SUMMARY:Keep in touch: Anna Berg\n"
				       "UID:kith-anna-0042@kith.example\n"
				       "X-KITH-CADENCE:P3M\n"
				       "X-KITH-ID:1\n"
				       "END:VTODO\n"
				       "END:VCALENDAR\n"
				       "BEGIN:VCALENDAR\n"
				       "VERSION:2.0\n"
				       "PRODID:io.barrera.todoman\n"
				       "BEGIN:VTODO\n"
				       "DTSTAMP;VALUE=DATE-TIME:20251201T080000Z\n"
				       "DTSTART;VALUE=DATE-TIME:20260522T000000Z\n"
				       "DUE;VALUE=DATE-TIME:20260601T000000Z\n"
				       "LAST-MODIFIED;VALUE=DATE-TIME:%LM%\n"
				       "RRULE:FREQ=MONTHLY;INTERVAL=3\n"
				       "SEQUENCE:2\n"
				       "STATUS:NEEDS-ACTION\n"
				       "SUMMARY:%SUMMARY%\n"
				       "UID:78893cc095404824bce65c401ca67dd0@vm\n"
				       "END:VTODO\n"
				       "END:VCALENDAR\n";

static struct scene *todoman_windowed_scene(const char *last_modified, const char *summary)
{
	char *server = subst(todoman_windowed, "%LM%", last_modified);
	struct scene *s;

	server = subst_free(server, "%SUMMARY%", summary);
	s = scene_of(windowed_base, server, "UTC");
	free(server);
	return s;
}

static void test_detect_todoman_continuation_of_a_windowed_reminder(void **state)
{
	struct scene *s = todoman_windowed_scene("20260220T173000Z", "Keep in touch: Anna Berg");

	(void)state;
	assert_one_completion(&s->d, D(2026, 2, 20), "todoman, windowed");
	assert_continues_in(&s->d, "foreign-0.ics", "todoman, windowed");
	scene_free(s);
	/* Written a few minutes after the tick (a slow disk, a second app): still it. */
	s = todoman_windowed_scene("20260220T173500Z", "Keep in touch: Anna Berg");
	assert_non_null(s->d.continuation);
	scene_free(s);
}

static void test_detect_continuation_needs_the_completion(void **state)
{
	struct scene *s;
	char *server;

	(void)state;
	/* Written a day after the tick: a task of the user's, not the series going on. */
	s = todoman_windowed_scene("20260221T173000Z", "Keep in touch: Anna Berg");
	assert_one_completion(&s->d, D(2026, 2, 20), "late task");
	assert_null(s->d.continuation);
	scene_free(s);
	/* Another summary: not ours. */
	s = todoman_windowed_scene("20260220T173000Z", "Keep in touch: Bob Smith");
	assert_null(s->d.continuation);
	scene_free(s);
	/* Our master still open: nothing was completed, nothing goes on elsewhere. */
	server = subst(todoman_windowed, "%LM%", "20260220T173000Z");
	server = subst_free(server, "%SUMMARY%", "Keep in touch: Anna Berg");
	server = subst_free(server, "COMPLETED;VALUE=DATE-TIME:20260220T173000Z\n", "");
	server = subst_free(server, "PERCENT-COMPLETE:100\n", "");
	server = subst_free(server, "STATUS:COMPLETED", "STATUS:NEEDS-ACTION");
	s = scene_of(windowed_base, server, "UTC");
	assert_null(s->d.continuation);
	assert_int_equal(s->d.n_completions, 0);
	scene_free(s);
	free(server);
	/* Another reminder's X-KITH-ID: that one's, not ours. */
	server = subst(todoman_windowed, "%LM%", "20260220T173000Z");
	server = subst_free(server, "%SUMMARY%", "Keep in touch: Anna Berg\nX-KITH-ID:7");
	s = scene_of(windowed_base, server, "UTC");
	assert_null(s->d.continuation);
	scene_free(s);
	free(server);
}

static void test_detect_two_continuations_adopt_neither(void **state)
{
	char *one = subst(todoman_windowed, "%LM%", "20260220T173000Z");
	char *two, *server;
	const char *second;
	struct scene *s;

	(void)state;
	one = subst_free(one, "%SUMMARY%", "Keep in touch: Anna Berg");
	second = strstr(one + 1, "BEGIN:VCALENDAR");
	assert_non_null(second);
	two = subst(second, "78893cc095404824bce65c401ca67dd0@vm", "second@vm");
	server = malloc(strlen(one) + strlen(two) + 1);
	if (!server)
		abort();
	strcpy(server, one);
	strcat(server, two);
	s = scene_of(windowed_base, server, "UTC");
	assert_int_equal(s->n_others, 2);
	assert_one_completion(&s->d, D(2026, 2, 20), "two continuations");
	assert_null(s->d.continuation);
	scene_free(s);
	free(server);
	free(two);
	free(one);
}

static void test_detect_rrule_hits_the_grid_only(void **state)
{
	const char *q = "FREQ=MONTHLY;INTERVAL=3";

	(void)state;
	assert_int_equal(kith_ical_rrule_hits(q, D(2026, 3, 1), D(2026, 6, 1)), 1);
	assert_int_equal(kith_ical_rrule_hits(q, D(2026, 3, 1), D(2027, 3, 1)), 1);
	assert_int_equal(kith_ical_rrule_hits(q, D(2026, 3, 1), D(2026, 4, 1)), 0);
	assert_int_equal(kith_ical_rrule_hits(q, D(2026, 3, 1), D(2026, 5, 20)), 0);
	/* The start itself is not "after" it. */
	assert_int_equal(kith_ical_rrule_hits(q, D(2026, 3, 1), D(2026, 3, 1)), 0);
	assert_int_equal(kith_ical_rrule_hits(q, D(2026, 3, 1), D(2025, 12, 1)), 0);
	/* COUNT and UNTIL do not end the grid. */
	assert_int_equal(kith_ical_rrule_hits("FREQ=MONTHLY;COUNT=1;INTERVAL=3", D(2026, 3, 1),
					      D(2026, 9, 1)),
			 1);
	assert_int_equal(kith_ical_rrule_hits("FREQ=MONTHLY;INTERVAL=3;UNTIL=20260302",
					      D(2026, 3, 1), D(2026, 6, 1)),
			 1);
	assert_int_equal(
		kith_ical_rrule_hits("FREQ=WEEKLY;INTERVAL=2", D(2026, 3, 1), D(2026, 3, 15)), 1);
	assert_int_equal(kith_ical_rrule_hits("", D(2026, 3, 1), D(2026, 6, 1)), 0);
	assert_int_equal(kith_ical_rrule_hits("garbage", D(2026, 3, 1), D(2026, 6, 1)), 0);
}

static void test_detect_parse_reads_completion_fields(void **state)
{
	struct scene *s = scene_new();
	char *raw = read_data("thunderbird.ics");
	const struct kith_todo *m, *o;

	(void)state;
	parse(s, raw, "UTC", &s->ours);
	assert_int_equal(s->ours.n, 2);
	m = kith_todos_master(&s->ours, ANNA_UID);
	assert_non_null(m);
	o = &s->ours.items[1];
	assert_false(m->has_rid);
	assert_string_equal(m->rrule, "FREQ=MONTHLY;INTERVAL=3");
	assert_string_equal(m->x_kith_id, "anna-0042");
	assert_int_equal(m->status, KITH_TODO_NEEDS_ACTION);
	assert_int_equal(m->percent, -1);
	assert_false(kith_todo_is_done(m));
	assert_true(o->has_rid);
	assert_date(o->rid, 2026, 3, 1);
	assert_int_equal(o->status, KITH_TODO_COMPLETED);
	assert_int_equal(o->percent, 100);
	assert_true(o->has_completed);
	assert_int_equal(o->completed, TICKED);
	assert_date(o->completed_date, 2026, 2, 20);
	assert_date(o->due, 2026, 3, 1);
	assert_true(kith_todo_is_done(o));
	assert_int_equal(kith_todos_master(&s->ours, "nobody"), NULL);
	assert_true(kith_lines_has("a\nbb\nc", "bb"));
	assert_false(kith_lines_has("a\nbbb\nc", "bb"));
	assert_false(kith_lines_has(NULL, "bb"));
	scene_free(s);
	free(raw);
}

/* ---- what a person wrote into kith's fields ---- */

static void check_added(const char *base, const char *now, const char *want)
{
	char *got = NULL;

	assert_int_equal(kith_text_added(base, now, &got), KITH_OK);
	if (!want && got)
		fail_msg("added to '%s': want nothing, got '%s'", base ? base : "(null)", got);
	if (want && (!got || strcmp(got, want)))
		fail_msg("added to '%s': want '%s', got '%s'", base ? base : "(null)", want,
			 got ? got : "(nothing)");
	free(got);
}

#define KITH_TEXT                                  \
	"Last touch: 2026-01-10 by phone: lunch\n" \
	"Reach Anna Berg by email: anna@x.org\n"   \
	"Cadence: every 3 months (tier regular)\n" \
	"Opener: Last time it was \"lunch\" - ask how that turned out."

static void test_detect_text_added(void **state)
{
	(void)state;
	/* nothing added: the same text, reformatted, re-wrapped, cut short or gone */
	check_added(KITH_TEXT, KITH_TEXT, NULL);
	check_added(KITH_TEXT,
		    "Last touch: 2026-01-10 by phone: lunch  \r\n\r\n"
		    "Reach  Anna Berg by email: anna@x.org\r\n"
		    "\tCadence: every 3 months (tier regular)\r\n"
		    "Opener: Last time it was \"lunch\" -\nask how that turned out.\n\n",
		    NULL);
	check_added(KITH_TEXT, "Last touch: 2026-01-10 by phone: lunch\n", NULL);
	check_added(KITH_TEXT, NULL, NULL);
	check_added(KITH_TEXT, "", NULL);
	/* a paragraph below, above, or between kith's lines */
	check_added(KITH_TEXT, KITH_TEXT "\n\ncall about the offsite", "call about the offsite");
	check_added(KITH_TEXT, "call about the offsite\n" KITH_TEXT, "call about the offsite");
	check_added(KITH_TEXT,
		    "Last touch: 2026-01-10 by phone: lunch\nsee her in March\n"
		    "Reach Anna Berg by email: anna@x.org\n"
		    "Cadence: every 3 months (tier regular)\nbring the book\n"
		    "Opener: Last time it was \"lunch\" - ask how that turned out.",
		    "see her in March; bring the book");
	/* typed at the end of kith's last line */
	check_added(KITH_TEXT, KITH_TEXT " - call about the offsite", "call about the offsite");
	/* a word changed inside kith's line: the whole new word */
	check_added(KITH_TEXT,
		    "Last touch: 2026-01-10 by phone: lunch\n"
		    "Reach Anna Berg by email: anna@new.org\n"
		    "Cadence: every 3 months (tier regular)\n"
		    "Opener: Last time it was \"lunch\" - ask how that turned out.",
		    "anna@new.org");
	/* kith's lines moved about are not the person's */
	check_added("a line\nanother line", "another line\na line", NULL);
	/* a description where kith had none; non-ASCII text kept whole */
	check_added(NULL, "Grüße an Zoë", "Grüße an Zoë");
	check_added("Opener: ask about Zoë", "Opener: ask about Zoë\nZoë zieht um", "Zoë zieht um");
}

static char *with_description(const char *text, const char *desc)
{
	char line[512];

	snprintf(line, sizeof(line), "SUMMARY:Keep in touch with Anna\r\nDESCRIPTION:%s", desc);
	return subst(text, "SUMMARY:Keep in touch with Anna", line);
}

static void test_detect_note_added_to_the_description(void **state)
{
	char *initial = read_data("initial.ics");
	char *base = with_description(initial, "Last touch: never\\nOpener: say hello");
	char *noted = with_description(initial, "Last touch: never\\nOpener: say hello\\n\\n"
						"call about the offsite\\, soon");
	char *done = subst(noted, "STATUS:NEEDS-ACTION",
			   "STATUS:COMPLETED\r\nCOMPLETED:20260220T173000Z");
	char *ticked = subst(base, "STATUS:NEEDS-ACTION", "STATUS:COMPLETED");
	struct scene *s;

	(void)state;
	/* a note alone: an edit, nothing else */
	s = scene_of(base, noted, "UTC");
	assert_nothing(&s->d, "a note");
	assert_string_equal(s->d.note, "call about the offsite, soon");
	assert_null(s->d.renamed);
	assert_true(s->d.edited);
	scene_free(s);
	/* with a completion */
	s = scene_of(base, done, "UTC");
	assert_one_completion(&s->d, D(2026, 2, 20), "a note and a tick");
	assert_string_equal(s->d.note, "call about the offsite, soon");
	assert_true(s->d.edited);
	scene_free(s);
	/* unchanged, and a completion alone: no note, no edit */
	s = scene_of(base, base, "UTC");
	assert_null(s->d.note);
	assert_false(s->d.edited);
	scene_free(s);
	s = scene_of(base, ticked, "UTC");
	assert_int_equal(s->d.n_completions, 1);
	assert_null(s->d.note);
	assert_false(s->d.edited);
	scene_free(s);
	free(ticked);
	free(done);
	free(noted);
	free(base);
	free(initial);
}

static void test_detect_renamed_reminder(void **state)
{
	char *initial = read_data("initial.ics");
	char *longer = subst(initial, "SUMMARY:Keep in touch with Anna",
			     "SUMMARY:Keep in touch with Anna - ask about Berlin");
	char *other = subst(initial, "SUMMARY:Keep in touch with Anna", "SUMMARY:Lunch with Anna");
	char *blanks = subst(initial, "SUMMARY:Keep in touch with Anna",
			     "SUMMARY:Keep in touch with Anna  ");
	struct scene *s;

	(void)state;
	s = scene_of(NULL, longer, "UTC");
	assert_string_equal(s->d.note, "ask about Berlin");
	assert_string_equal(s->d.renamed, "Keep in touch with Anna - ask about Berlin");
	assert_true(s->d.edited);
	scene_free(s);
	s = scene_of(NULL, other, "UTC");
	assert_string_equal(s->d.note, "Lunch with Anna");
	assert_true(s->d.edited);
	scene_free(s);
	s = scene_of(NULL, blanks, "UTC");
	assert_null(s->d.note);
	assert_null(s->d.renamed);
	assert_false(s->d.edited);
	scene_free(s);
	free(blanks);
	free(other);
	free(longer);
	free(initial);
}

/* Thunderbird: the note typed into the completed occurrence is the touch's, once. */
static void test_detect_note_on_a_completed_override(void **state)
{
	char *raw = read_data("thunderbird.ics");
	char *server =
		subst(raw, "STATUS:COMPLETED", "STATUS:COMPLETED\r\nDESCRIPTION:we had lunch");
	struct scene *s;

	(void)state;
	assert_true(strcmp(raw, server) != 0);
	s = scene_of(NULL, server, "UTC");
	assert_one_completion(&s->d, D(2026, 2, 20), "thunderbird with a note");
	assert_string_equal(s->d.note, "we had lunch");
	scene_detect(s, "2026-03-01", "UTC");
	assert_null(s->d.note);
	assert_false(s->d.edited);
	scene_free(s);
	free(server);
	free(raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_every_client_one_completion_utc),
		cmocka_unit_test(test_detect_every_client_one_completion_berlin_and_los_angeles),
		cmocka_unit_test(test_detect_master_completed_is_dated_from_completed),
		cmocka_unit_test(test_detect_master_advanced_is_dated_from_last_modified),
		cmocka_unit_test(test_detect_override_is_dated_from_completed),
		cmocka_unit_test(test_detect_copy_and_advanced_master_are_one_completion),
		cmocka_unit_test(test_detect_completion_near_midnight_takes_the_users_date),
		cmocka_unit_test(test_detect_utc_is_not_the_process_zone),
		cmocka_unit_test(test_detect_floating_date_times),
		cmocka_unit_test(test_detect_utc_date_times),
		cmocka_unit_test(test_detect_berlin_date_times_for_a_berlin_user),
		cmocka_unit_test(test_detect_tzid_midnight_keeps_its_wall_date),
		cmocka_unit_test(test_detect_outlook_copy_without_x_properties),
		cmocka_unit_test(test_detect_two_offline_overrides_sorted_by_occurrence),
		cmocka_unit_test(test_detect_unticked_completion_is_nothing),
		cmocka_unit_test(test_detect_unchanged_is_nothing),
		cmocka_unit_test(test_detect_snooze_is_a_move_not_a_completion),
		cmocka_unit_test(test_detect_snoozed_override_is_a_move),
		cmocka_unit_test(test_detect_repeat_from_completion_date),
		cmocka_unit_test(test_detect_deleted),
		cmocka_unit_test(test_detect_no_master_is_unreadable),
		cmocka_unit_test(test_detect_count_decremented_is_one_completion),
		cmocka_unit_test(test_detect_percent_complete_alone_on_override),
		cmocka_unit_test(test_detect_thisandfuture_completed_override),
		cmocka_unit_test(test_detect_python_caldav_thisandfuture_chain),
		cmocka_unit_test(test_detect_processed_occurrence_is_not_counted_again),
		cmocka_unit_test(test_detect_unrelated_foreign_todo_is_not_a_copy),
		cmocka_unit_test(test_detect_reverse_copy),
		cmocka_unit_test(test_detect_todoman_continuation_is_named),
		cmocka_unit_test(test_detect_todoman_continuation_of_a_windowed_reminder),
		cmocka_unit_test(test_detect_continuation_needs_the_completion),
		cmocka_unit_test(test_detect_two_continuations_adopt_neither),
		cmocka_unit_test(test_detect_calcurse_replacement_is_a_completion),
		cmocka_unit_test(test_detect_dateless_copy_needs_done_and_summary),
		cmocka_unit_test(test_detect_windowed_master_advanced_on_the_dtstart_grid),
		cmocka_unit_test(test_detect_windowed_master_advanced_by_due),
		cmocka_unit_test(test_detect_rrule_hits_the_grid_only),
		cmocka_unit_test(test_detect_parse_reads_completion_fields),
		cmocka_unit_test(test_detect_text_added),
		cmocka_unit_test(test_detect_note_added_to_the_description),
		cmocka_unit_test(test_detect_renamed_reminder),
		cmocka_unit_test(test_detect_note_on_a_completed_override),
	};

	/* Far from UTC, so a zone that silently falls back to the process's shows. */
	setenv("TZ", "Pacific/Auckland", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
