/* SPDX-License-Identifier: MIT */
/*
 * Private: the only door to libical.  Everything that builds or reads
 * iCalendar goes through here, so a libical API change is absorbed in one
 * file and no libical type leaves it.  Day arithmetic is in date.h.
 */
#ifndef KITH_ICAL_H
#define KITH_ICAL_H

#include <kith/vtodo.h>

/* "FREQ=MONTHLY;INTERVAL=3" rendered by libical. Ownership: free(). */
enum kith_status kith_ical_rrule(struct kith_ctx *ctx, struct kith_cadence c, char **out);

/* Render reminders as one VCALENDAR. Ownership: free(*out). */
enum kith_status kith_ical_render(struct kith_ctx *ctx, struct kith_reminder *const *reminders,
				  size_t n, char **out);

/* ---- reading what calendar apps wrote ---- */

/*
 * The largest resource kith parses; larger ones are set aside.  Real
 * calendars carry attachments of several MiB; this is the HTTP body cap.
 */
#define KITH_ICAL_MAX_RESOURCE (32 * 1024 * 1024)

enum kith_todo_status {
	KITH_TODO_STATUS_NONE = 0,
	KITH_TODO_NEEDS_ACTION,
	KITH_TODO_IN_PROCESS,
	KITH_TODO_COMPLETED,
	KITH_TODO_CANCELLED,
};

/* One VTODO as kith needs to see it.  Dates are local dates in the user's zone. */
struct kith_todo {
	char *uid;
	char *summary;
	char *description;
	char *category; /* the first CATEGORIES value; may be NULL */
	char *url;
	char *x_kith_id;
	char *rrule;     /* the RRULE as text; NULL: none */
	int rrule_count; /* COUNT or UNTIL present */
	int has_rid;
	struct kith_date rid; /* RECURRENCE-ID as a local date */
	int rid_range;        /* RANGE=THISANDFUTURE */
	enum kith_todo_status status;
	int percent; /* PERCENT-COMPLETE; -1: absent */
	int has_completed;
	time_t completed;                /* COMPLETED as an instant */
	struct kith_date completed_date; /* ... as a local date */
	struct kith_date dtstart, due;   /* unset when absent */
	time_t last_modified, dtstamp;   /* 0: absent */
	int sequence;
};

struct kith_todos {
	struct kith_todo *items;
	size_t n;
};

/*
 * Parse one resource (one VCALENDAR) and list its VTODOs.  tzid is the
 * user's zone (NULL: the process's).  Input that is too large, has NUL
 * bytes, is not a VCALENDAR or that libical rejects is KITH_ERR_PARSE,
 * checked before libical sees it where possible (libical 3.0 can crash on
 * some malformed input).  Ownership: kith_todos_clear(out).
 */
enum kith_status kith_ical_parse_todos(struct kith_ctx *ctx, const char *bytes, size_t len,
				       const char *tzid, struct kith_todos *out);
void kith_todos_clear(struct kith_todos *todos);

/* 1 when the completion flags of a VTODO say "done". */
int kith_todo_is_done(const struct kith_todo *t);

/* The local date of an instant in zone tzid (NULL: the process's zone). */
struct kith_date kith_ical_local_date(time_t t, const char *tzid);

/*
 * 1 when `date` is an occurrence after `dtstart` of the recurrence
 * `rrule` starting at dtstart (libical expands it; at most a few hundred
 * occurrences are tried).
 */
int kith_ical_rrule_hits(const char *rrule, struct kith_date dtstart, struct kith_date date);

/*
 * Edit a resource in place: the master VTODO with r->uid gets the
 * reminder's dates, RRULE, SUMMARY, DESCRIPTION, URL, its category (in
 * place of old_category) and X-KITH-* properties, STATUS:NEEDS-ACTION,
 * SEQUENCE+1, and loses COMPLETED, PERCENT-COMPLETE, EXDATE, RDATE and its
 * RECURRENCE-ID overrides.  Every other property and component is kept as
 * the app left it.  A resource without a master gets a new one.
 * Ownership: free(*out).
 */
enum kith_status kith_ical_rewrite(struct kith_ctx *ctx, const char *base, size_t len,
				   const struct kith_reminder *r, const char *old_category,
				   time_t now, char **out);

/* ---- a whole calendar file as resources ---- */

/*
 * A calendar file split into one VCALENDAR text per VTODO UID (with the
 * file's VTIMEZONEs), and whatever else the file holds (events, journals,
 * VTODOs without a UID), kept untouched.
 */
struct kith_ical_split {
	char **uids;
	char **texts;
	size_t n;
	char *rest; /* a VCALENDAR with everything else; may be NULL */
};

enum kith_status kith_ical_split_file(struct kith_ctx *ctx, const char *bytes, size_t len,
				      struct kith_ical_split *out);
void kith_ical_split_clear(struct kith_ical_split *s);

/* Join resources (and the rest) back into one VCALENDAR text. Ownership: free(*out). */
enum kith_status kith_ical_join_file(struct kith_ctx *ctx, const char *rest,
				     const char *const *texts, size_t n, char **out);

/* ---- meetings: the VEVENTs that happened ---- */

/*
 * Bounds on the expansion of one call, so a hostile calendar costs
 * seconds, not hours.  Per event (a master and its overrides): at most
 * KITH_MEETINGS_MAX_STEPS occurrences are generated from `since` (a
 * daily meeting for 27 years).  A series recurring more often than daily
 * (FREQ=HOURLY and finer) is not read: a touch is a day, no one holds
 * such meetings, and libical can spend minutes on one such rule.  Per
 * call: after KITH_MEETINGS_CPU_BUDGET seconds of CPU, the series left
 * are not expanded.  Each cut is a problem naming the event.
 */
#define KITH_MEETINGS_MAX_STEPS 10000
#define KITH_MEETINGS_CPU_BUDGET 10

enum kith_partstat {
	KITH_PARTSTAT_NONE = 0, /* not written (an ORGANIZER has none) */
	KITH_PARTSTAT_NEEDS_ACTION,
	KITH_PARTSTAT_ACCEPTED,
	KITH_PARTSTAT_DECLINED,
	KITH_PARTSTAT_TENTATIVE,
	KITH_PARTSTAT_DELEGATED,
	KITH_PARTSTAT_OTHER,
};

/* Someone on a meeting: its ORGANIZER and ATTENDEEs, one entry per address. */
struct kith_meeting_person {
	char *email; /* mailto: stripped, domain lowercased; never NULL */
	char *name;  /* CN; NULL: none */
	enum kith_partstat partstat;
	int organizer;
	int me; /* one of the query's addresses */
};

/*
 * One occurrence that happened.  (uid, rid) names it for good: rid is
 * the RECURRENCE-ID, or the start the series gave the occurrence, as
 * iCalendar text: "YYYYMMDDTHHMMSSZ" (UTC) for a time with a zone,
 * "YYYYMMDDTHHMMSS" floating, "YYYYMMDD" all-day.  An override moved to
 * another day keeps the rid of the occurrence it replaces.
 */
struct kith_meeting {
	char *uid;
	char *rid;
	time_t start;          /* floating and all-day: in the user's zone */
	struct kith_date date; /* the local date of start in the user's zone */
	int all_day;
	char *summary; /* NULL: none */
	/* people[first .. first + n) of the kith_meetings: shared by a series */
	size_t first_person, n_people;
};

/* An event that could not be read (or only in part); the others were. */
struct kith_meeting_problem {
	char *uid;     /* NULL: the event has none */
	int line;      /* of its BEGIN:VEVENT; 0: not known */
	char *message; /* says what and why */
};

struct kith_meetings {
	struct kith_meeting *items;
	size_t n;
	struct kith_meeting_person *people;
	size_t n_people;
	struct kith_meeting_problem *problems;
	size_t n_problems;
	/* The start of the first occurrence after q->now (meetings still to come); 0: none. */
	time_t next;
};

struct kith_meeting_query {
	const char *tzid;      /* the user's zone; NULL: the process's */
	time_t now;            /* occurrences starting later are not yielded */
	time_t since;          /* ... nor those starting before; 0: no bound */
	const char *const *me; /* the user's addresses */
	size_t n_me;
};

/*
 * The meetings of one calendar (an Outlook or Google export, one CalDAV
 * resource): every VEVENT occurrence starting in [since, now], a series
 * expanded by RRULE and RDATE less EXDATE, a RECURRENCE-ID override in
 * place of its occurrence.  Never yielded: STATUS:CANCELLED (a master:
 * the whole series), an occurrence one of `me` declined, one without a
 * person other than `me` who did not decline (CUTYPE=ROOM/RESOURCE
 * entries are not people).  An event with a broken RRULE, RDATE, EXDATE,
 * DTSTART or TZID is a problem and yields nothing; the others are read.
 * Bytes that are not a calendar are KITH_ERR_PARSE; an unknown
 * q->tzid is KITH_ERR_INVALID.  Ownership: kith_meetings_clear(out),
 * also after a failure.
 */
enum kith_status kith_ical_parse_meetings(struct kith_ctx *ctx, const char *bytes, size_t len,
					  const struct kith_meeting_query *q,
					  struct kith_meetings *out);
void kith_meetings_clear(struct kith_meetings *m);

#endif
