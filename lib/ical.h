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

#endif
