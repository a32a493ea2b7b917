/* SPDX-License-Identifier: MIT */
/*
 * Private: recognising what happened to a reminder on another device.
 * Pure: it reads parsed VTODOs (ical.h) and decides; it writes nothing.
 */
#ifndef KITH_DETECT_H
#define KITH_DETECT_H

#include "ical.h"

/* What kith last agreed with the target about one reminder. */
struct kith_detect_base {
	const char *uid;
	const char *x_kith_id;   /* the X-KITH-ID in the agreed bytes; may be NULL */
	const char *summary;     /* the SUMMARY in the agreed bytes */
	const char *description; /* the DESCRIPTION in the agreed bytes; may be NULL */
	const char *rrule;       /* NULL: plain mode */
	struct kith_cadence cadence;
	struct kith_date dtstart, due; /* of the agreed master */
};

/* A resource on the target that is not one of kith's reminders. */
struct kith_detect_other {
	const char *name;
	const struct kith_todos *todos;
};

enum kith_time_source {
	KITH_TIME_NOTICED = 0, /* nothing in the data: when kith saw it */
	KITH_TIME_DTSTAMP = 1,
	KITH_TIME_LAST_MODIFIED = 2,
	KITH_TIME_COMPLETED = 3,
};

struct kith_completion {
	struct kith_date occurrence; /* the due date of the occurrence completed */
	struct kith_date on;         /* local date it was done */
	time_t at;                   /* instant it was done (0: a date only) */
	enum kith_time_source source;
	const char *shape; /* "completed", "override", "advanced", "copy", ... */
	const char *copy;  /* the foreign copy it came from; may be NULL */
};

struct kith_detection {
	int deleted;                         /* the reminder is gone from a complete listing */
	struct kith_completion *completions; /* one per occurrence, oldest first */
	size_t n_completions;
	int moved;                 /* moved by hand, not completed */
	struct kith_date moved_to; /* the due date it was moved to */
	const char **copies;       /* foreign resources matched (completed or not) */
	size_t n_copies;
	/*
	 * A foreign resource that carries the series on (todoman): our master
	 * completed and, made with that completion, an open VTODO of the same
	 * summary under a new UID.  It is not among the copies.  May be NULL.
	 */
	const char *continuation;
	/*
	 * Our resource is gone, but a completed copy of the agreed occurrence
	 * explains it (calcurse-caldav replaces what it changed): a completion,
	 * not a deletion; `deleted` is 0.
	 */
	int replaced;
	int unreadable; /* our resource has no master VTODO */
	/*
	 * What a person wrote into the fields kith owns: the text added to
	 * DESCRIPTION (of the master, and of the VTODOs that carry a
	 * completion) and to SUMMARY, one "; "-separated line; NULL: nothing.
	 * Owned by the detection.
	 */
	char *note;
	const char *renamed; /* the master's new SUMMARY; NULL: not renamed. Borrowed from ours */
	/* Changed by hand, neither kith's write nor a completion: moved, renamed, a note. */
	int edited;
};

/*
 * Decide what happened.  `ours` is the reminder's resource now (NULL: gone);
 * `others` are the foreign resources not yet counted; `processed` holds
 * occurrences already logged ("YYYY-MM-DD" lines; may be NULL).
 * KITH_OK, or KITH_ERR_NOMEM (no message: it has no ctx).
 * Ownership: kith_detection_clear(out).
 */
enum kith_status kith_detect(const struct kith_detect_base *base, const struct kith_todos *ours,
			     const struct kith_detect_other *others, size_t n_others,
			     const char *processed, time_t now, const char *tzid,
			     struct kith_detection *out);
void kith_detection_clear(struct kith_detection *d);

/*
 * The words `now` adds to `base` (DESCRIPTION texts; NULL is empty):
 * what lies between their common beginning and end, less the lines base
 * had, lines joined by "; ".  Reformatting (line ends, blanks at line
 * ends, blank lines, runs of white space) adds nothing.  *out is NULL
 * when nothing was added.  KITH_OK or KITH_ERR_NOMEM.  Ownership: free(*out).
 */
enum kith_status kith_text_added(const char *base, const char *now, char **out);

/* The master VTODO (the one with uid and no RECURRENCE-ID); NULL if none. */
const struct kith_todo *kith_todos_master(const struct kith_todos *todos, const char *uid);

/* 1 when `line` is one of the newline-separated entries of `list`. */
int kith_lines_has(const char *list, const char *line);

#endif
