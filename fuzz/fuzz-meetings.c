/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the meeting reader: whatever the calendar, every meeting yielded
 * lies in [since, now], names its UID and occurrence, points at people
 * inside the pool, and all text that comes out is UTF-8.  Time is fixed
 * so a run is repeatable; the user's addresses are the ones in the dict.
 */
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "fuzz.h"
#include "ical.h"

#define NOW ((time_t)1770984000)   /* 2026-02-13T12:00:00Z */
#define SINCE ((time_t)1577836800) /* 2020-01-01T00:00:00Z */

static void check_utf8(const char *s)
{
	if (s && !kith_utf8_is_valid(s, strlen(s)))
		abort();
}

static void check(const struct kith_meetings *m, time_t since)
{
	for (size_t i = 0; i < m->n_people; i++) {
		const struct kith_meeting_person *p = &m->people[i];

		if (!p->email || !strchr(p->email, '@'))
			abort();
		check_utf8(p->email);
		check_utf8(p->name);
	}
	for (size_t i = 0; i < m->n; i++) {
		const struct kith_meeting *x = &m->items[i];

		if (!x->uid || !*x->uid || !x->rid || !*x->rid)
			abort();
		if (x->start > NOW || (since && x->start < since))
			abort();
		if (x->first_person > m->n_people || x->n_people > m->n_people - x->first_person)
			abort();
		/* A meeting is with someone. */
		if (x->n_people == 0)
			abort();
		check_utf8(x->uid);
		check_utf8(x->summary);
	}
	for (size_t i = 0; i < m->n_problems; i++) {
		if (!m->problems[i].message || m->problems[i].line < 0)
			abort();
		check_utf8(m->problems[i].message);
		check_utf8(m->problems[i].uid);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const me[] = { "me@example.org", "mara.lindqvist@gmail.com" };
	const time_t bounds[] = { SINCE, 0 };

	/* Once bounded by `since` (the jump), once from DTSTART. */
	for (size_t b = 0; b < 2; b++) {
		struct kith_meeting_query q = { "Europe/Berlin", NOW, bounds[b], me, 2 };
		struct kith_meetings m;

		if (kith_ical_parse_meetings(NULL, (const char *)data, size, &q, &m) == KITH_OK)
			check(&m, bounds[b]);
		kith_meetings_clear(&m);
	}
	return 0;
}
