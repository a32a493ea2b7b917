/* SPDX-License-Identifier: MIT */
/*
 * kith/sync.h - two-way sync of reminders with a calendar target.
 *
 * kith writes one VTODO per active contact to a target (an iCalendar file,
 * a vdir directory, later a CalDAV collection), reads them back on every
 * sync, logs a completion made in any calendar app as a touch, and
 * rewrites the reminder in place one cadence after the day it was done.
 * See docs/design.md for the rules.
 */
#ifndef KITH_SYNC_H
#define KITH_SYNC_H

#include <time.h>

#include <kith/vtodo.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kith_target;

/*
 * Open a target from what the user wrote: a path ending in ".ics" or a
 * file:// URL to one (a single iCalendar file), or an existing directory
 * or a path ending in "/" (a vdir: one .ics file per reminder).
 * Ownership: kith_target_free(*out).
 */
KITH_API enum kith_status kith_target_open(struct kith_ctx *ctx, const char *url,
					   struct kith_target **out);

/* What a CalDAV target needs besides its URL.  Strings are copied. */
struct kith_target_options {
	const char *username;
	const char *password;        /* never logged, never in a message, never stored */
	const char *calendar;        /* display name or collection URL; NULL: "kith" */
	const char *create_calendar; /* MKCALENDAR this display name if it is missing */
	int allow_insecure_http;     /* http:// to a host that is not this machine */
	/* -v: request and status lines, headers with credentials redacted. */
	void (*log)(const char *line, void *arg);
	void *log_arg;
	/* Long uploads: called as each write of a batch completes. */
	void (*progress)(size_t done, size_t total, void *arg);
	void *progress_arg;
};

/*
 * As kith_target_open(), and also http:// and https:// URLs: a CalDAV
 * server (a bare host, its root, a principal or a calendar collection).
 * Nothing is sent before the first sync.  opts may be NULL.
 */
KITH_API enum kith_status kith_target_open_with(struct kith_ctx *ctx, const char *url,
						const struct kith_target_options *opts,
						struct kith_target **out);

/* HTTP requests sent so far (0 for local targets). */
KITH_API long kith_target_request_count(const struct kith_target *target);

/* A calendar found on a CalDAV server. */
struct kith_calendar {
	char *url;
	char *name;          /* display name; may be NULL */
	int vtodo;           /* accepts tasks */
	int sync_collection; /* offers incremental sync (RFC 6578) */
};

/* What a CalDAV server does, as `kith check` reports it. */
struct kith_server_check {
	char *calendar;      /* the collection kith uses (discovered or created) */
	int sync_collection; /* RFC 6578 incremental sync */
	int mkcalendar;      /* MKCALENDAR allowed in the calendar home */
	int etag_on_put;     /* a PUT answers with an ETag */
	int rrule_in_vtodo;  /* a recurring VTODO is accepted */
	long requests;       /* HTTP requests the check took */
	char *discovery;     /* the steps, "PATH → WHAT; ..."; NULL: known from the store */
};

/*
 * Probe a CalDAV target: discovery, then a throwaway recurring VTODO
 * written with If-None-Match: * and removed with If-Match.
 * Ownership: kith_server_check_clear(out).
 */
KITH_API enum kith_status kith_target_check(struct kith_target *target,
					    struct kith_server_check *out);
KITH_API void kith_server_check_clear(struct kith_server_check *check);

/* The user's calendars.  Ownership: kith_calendar_list_free(*out, *out_n). */
KITH_API enum kith_status kith_target_calendars(struct kith_target *target,
						struct kith_calendar **out, size_t *out_n);
KITH_API void kith_calendar_list_free(struct kith_calendar *list, size_t n);
KITH_API void kith_target_free(struct kith_target *target);

/* Borrowed: "file", "vdir", "caldav". */
KITH_API const char *kith_target_kind(const struct kith_target *target);
/* Borrowed: the canonical URL (absolute path for local targets). */
KITH_API const char *kith_target_url(const struct kith_target *target);

enum kith_sync_action_kind {
	KITH_SYNC_CREATE = 0,     /* a new reminder is written */
	KITH_SYNC_UPDATE = 1,     /* a reminder is rewritten in place */
	KITH_SYNC_DELETE = 2,     /* an archived contact's reminder is removed */
	KITH_SYNC_TOUCH = 3,      /* a completion is logged as a touch */
	KITH_SYNC_SNOOZE = 4,     /* a reminder moved later by hand: kept, recorded */
	KITH_SYNC_RESCHEDULE = 5, /* a reminder moved earlier by hand: kept, recorded */
	KITH_SYNC_PAUSE = 6,      /* a reminder deleted in an app: the contact is paused */
	KITH_SYNC_COPY = 7,       /* a foreign copy of a reminder noticed (left alone) */
	KITH_SYNC_SKIP = 8,       /* a resource kith cannot read: quarantined, untouched */
	KITH_SYNC_HOLD = 9,       /* a reminder held back (see kith_sync_held); retried next sync */
	/*
	 * For people: text written into a reminder on another device, kept in
	 * the contact's notes (contact_id set); or something the target said
	 * that kith did not take (contact_id 0).
	 */
	KITH_SYNC_NOTE = 10,
	KITH_SYNC_ADOPT = 11, /* an app's continuation of a reminder becomes the reminder */
};

KITH_API const char *kith_sync_action_str(enum kith_sync_action_kind kind);

struct kith_sync_action {
	enum kith_sync_action_kind kind;
	int64_t contact_id;    /* 0 when not about one contact */
	char *name;            /* the contact's name; may be NULL */
	char *resource;        /* resource name on the target; may be NULL */
	struct kith_date date; /* the touch date, the new due date, ... */
	char *detail;          /* one line for people; may be NULL */
};

struct kith_sync_options {
	struct kith_date today; /* required */
	const char *tzid;       /* the user's zone ("Europe/Berlin"); NULL: the process's */
	struct kith_reminder_options reminder;
	int dry_run; /* plan only: change neither the store nor the target */
	/*
	 * Allow deleting more than a few reminders at once, and the reminders
	 * of archived contacts that were edited in a calendar app since.
	 */
	int force;
	time_t now; /* the time of the sync; 0: time(NULL) */
};

struct kith_sync_result {
	struct kith_sync_action *actions; /* in the order they happen */
	size_t n_actions;
	/*
	 * created, updated, deleted, touches and snoozed add up what every
	 * attempt committed; paused, unchanged and skipped are what the last
	 * attempt saw (a retry sees them again).
	 */
	long created, updated, deleted, touches, snoozed, paused, unchanged, skipped;
	long held;   /* reminders held back by the last attempt (KITH_SYNC_HOLD actions) */
	int wrote;   /* 1 when anything was written to the target */
	int retries; /* conflicts re-read and merged */
};

/*
 * One sync of every active contact with target, as of opts->today.
 * Ownership: kith_sync_result_free(*out), also on failure when *out is set.
 */
KITH_API enum kith_status kith_sync(struct kith_store *store, struct kith_target *target,
				    const struct kith_sync_options *opts,
				    struct kith_sync_result **out);
KITH_API void kith_sync_result_free(struct kith_sync_result *result);

/*
 * A reminder the last sync held back because it could not read, name or
 * write it (too large, refused by the server, no usable ETag, ...); the
 * other reminders synced, and every sync tries this one again.
 */
struct kith_held {
	int64_t contact_id;
	char *name;     /* the contact's name */
	char *target;   /* the target's URL */
	char *resource; /* its name on the target */
	char *reason;   /* one line for people: what went wrong, what to do */
	char *since;    /* when it was first held, UTC "YYYY-MM-DDTHH:MM:SSZ" */
};

/*
 * The reminders held back on one target (target_url as kith_target_url()
 * gives it; a server's URL also covers each of its calendars) or on every
 * target (NULL), by contact name.  Reads only: a
 * read-only store will do.  Ownership: kith_held_list_free(*out, *out_n).
 */
KITH_API enum kith_status kith_sync_held(struct kith_store *store, const char *target_url,
					 struct kith_held **out, size_t *out_n);
KITH_API void kith_held_list_free(struct kith_held *list, size_t n);

#ifdef __cplusplus
}
#endif

#endif
