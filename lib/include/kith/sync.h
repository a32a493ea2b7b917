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
KITH_API void kith_target_free(struct kith_target *target);

/* Borrowed: "file", "vdir". */
KITH_API const char *kith_target_kind(const struct kith_target *target);
/* Borrowed: the canonical URL (absolute path for local targets). */
KITH_API const char *kith_target_url(const struct kith_target *target);

enum kith_sync_action_kind {
	KITH_SYNC_CREATE = 0,  /* a new reminder is written */
	KITH_SYNC_UPDATE = 1,  /* a reminder is rewritten in place */
	KITH_SYNC_DELETE = 2,  /* an archived contact's reminder is removed */
	KITH_SYNC_TOUCH = 3,   /* a completion is logged as a touch */
	KITH_SYNC_SNOOZE = 4,  /* a reminder moved later by hand: kept, recorded */
	KITH_SYNC_RESCHEDULE = 5, /* a reminder moved earlier by hand: kept, recorded */
	KITH_SYNC_PAUSE = 6,   /* a reminder deleted in an app: the contact is paused */
	KITH_SYNC_COPY = 7,    /* a foreign copy of a reminder noticed (left alone) */
	KITH_SYNC_SKIP = 8,    /* a resource kith cannot read: quarantined, untouched */
};

KITH_API const char *kith_sync_action_str(enum kith_sync_action_kind kind);

struct kith_sync_action {
	enum kith_sync_action_kind kind;
	int64_t contact_id;  /* 0 when not about one contact */
	char *name;          /* the contact's name; may be NULL */
	char *resource;      /* resource name on the target; may be NULL */
	struct kith_date date; /* the touch date, the new due date, ... */
	char *detail;        /* one line for people; may be NULL */
};

struct kith_sync_options {
	struct kith_date today;      /* required */
	const char *tzid;            /* the user's zone ("Europe/Berlin"); NULL: the process's */
	struct kith_reminder_options reminder;
	int dry_run;                 /* plan only: change neither the store nor the target */
	int force;                   /* allow deleting more than a few reminders at once */
	time_t now;                  /* the time of the sync; 0: time(NULL) */
	/*
	 * Test-only: called at each named step; a non-zero return makes the
	 * sync stop there as if the process had died (nothing is cleaned up).
	 */
	int (*fault)(const char *step, void *arg);
	void *fault_arg;
};

struct kith_sync_result {
	struct kith_sync_action *actions; /* in the order they happen */
	size_t n_actions;
	long created, updated, deleted, touches, snoozed, paused, unchanged, skipped;
	int wrote;                   /* 1 when anything was written to the target */
	int retries;                 /* conflicts re-read and merged */
};

/*
 * One sync of every active contact with target, as of opts->today.
 * Ownership: kith_sync_result_free(*out), also on failure when *out is set.
 */
KITH_API enum kith_status kith_sync(struct kith_store *store, struct kith_target *target,
				    const struct kith_sync_options *opts,
				    struct kith_sync_result **out);
KITH_API void kith_sync_result_free(struct kith_sync_result *result);

#ifdef __cplusplus
}
#endif

#endif
