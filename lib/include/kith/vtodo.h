/* SPDX-License-Identifier: MIT */
/*
 * kith/vtodo.h - a contact's reminder as an iCalendar VTODO.
 *
 * kith_reminder is the content of a reminder, computed from the store
 * without touching iCalendar; kith_reminder_to_ics() renders it with
 * libical.  The sync engine edits server copies from the same content.
 */
#ifndef KITH_VTODO_H
#define KITH_VTODO_H

#include <time.h>

#include <kith/report.h>

#ifdef __cplusplus
extern "C" {
#endif

enum kith_reminder_mode {
	KITH_MODE_RRULE = 0, /* recurring VTODO (RRULE from the cadence) */
	KITH_MODE_PLAIN = 1, /* no RRULE: kith regenerates it itself */
};

struct kith_reminder_options {
	int window_days; /* DTSTART = DUE - window; 0: default 7 */
	enum kith_reminder_mode mode;
	int alarm;         /* 1: add a VALARM on the due day */
	int alarm_minutes; /* minutes after midnight of DUE (e.g. 540 = 09:00) */
	time_t dtstamp;    /* DTSTAMP; 0: now */
};

struct kith_reminder {
	int64_t contact_id;
	char *uid;         /* stable, from the contact id */
	char *summary;     /* "Keep in touch: NAME" */
	char *description; /* last touch, channel and address, opener */
	char *url;         /* mailto:/tel: for the preferred channel; may be NULL */
	char *category;    /* the tier */
	struct kith_cadence cadence;
	struct kith_date dtstart; /* due - window */
	struct kith_date due;
	int recurring; /* 1: has an RRULE */
	int alarm;
	int alarm_minutes;
	time_t dtstamp;
};

/*
 * Build the reminder of one active contact as of today.
 * Ownership: kith_reminder_free(*out).
 */
KITH_API enum kith_status kith_reminder_build(struct kith_store *store,
					      const struct kith_contact *contact,
					      struct kith_date today,
					      const struct kith_reminder_options *opts,
					      struct kith_reminder **out);
KITH_API void kith_reminder_free(struct kith_reminder *reminder);

/* The RRULE value for a cadence ("FREQ=MONTHLY;INTERVAL=3"). Ownership: free(). */
KITH_API enum kith_status kith_cadence_rrule(struct kith_ctx *ctx, struct kith_cadence c,
					     char **out);

/*
 * A VCALENDAR holding the given reminders (one VTODO each), serialised by
 * libical with CRLF line ends.  Ownership: free(*out).
 */
KITH_API enum kith_status kith_reminders_to_ics(struct kith_ctx *ctx,
						struct kith_reminder *const *reminders, size_t n,
						char **out);

/*
 * Every active, unpaused contact's reminder as one VCALENDAR.
 * Ownership: free(*out).  *out_n (may be NULL) is the number of VTODOs.
 */
KITH_API enum kith_status kith_export_ics(struct kith_store *store, struct kith_date today,
					  const struct kith_reminder_options *opts, char **out,
					  size_t *out_n);

#ifdef __cplusplus
}
#endif

#endif
