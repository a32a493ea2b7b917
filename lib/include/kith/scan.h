/* SPDX-License-Identifier: MIT */
/*
 * kith/scan.h - touches found where they happen: mail archives, calendars.
 *
 * kith_scan() reads Maildir folders and mbox files (headers only) and
 * logs a touch for every mail between the user and a contact, keyed by
 * its Message-ID so that a message in two folders, a re-scan or the same
 * archive read elsewhere logs it once.  From calendar files it logs a
 * touch for every meeting that happened with a contact, keyed by the
 * event's UID and RECURRENCE-ID; the same from the event calendars of a
 * CalDAV account (opts->calendars).  What each source has been read
 * up to is kept in the store, so the next scan reads only what is new.
 * Addresses that are not contacts are kept as candidates, never added.
 * The rules are in kith(1), SCAN RULES.
 */
#ifndef KITH_SCAN_H
#define KITH_SCAN_H

#include <kith/store.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kith_target; /* kith/sync.h */

enum kith_scan_kind {
	KITH_SCAN_MAILDIR = 0, /* a Maildir folder or a tree of them */
	KITH_SCAN_MBOX = 1,    /* one mbox file (mboxo or mboxrd) */
	KITH_SCAN_ICS = 2,     /* one calendar file (an Outlook or Google export) */
};

struct kith_scan_source {
	enum kith_scan_kind kind;
	const char *path;  /* as the store keeps it: give the same spelling every time */
	const char *label; /* how touches name where they were found ("~/Mail/Sent"); NULL: path */
};

/* One touch found, as it is logged (or would be, with dry_run).  Borrowed during the call. */
struct kith_scan_found {
	int64_t contact_id;
	const char *contact_name;
	const char *address;
	struct kith_date on;
	enum kith_direction direction;
	const char *channel; /* "email", "meeting" */
	const char *note;
	const char *found_in;
};

struct kith_scan_options {
	const struct kith_scan_source *sources;
	size_t n_sources;
	/*
	 * A CalDAV target (kith_target_open, as for kith sync) whose
	 * account's event calendars are read, all but the target's own
	 * reminders calendar; NULL: none.  Borrowed.
	 */
	struct kith_target *calendars;
	const char *const *me; /* the user's own addresses: required */
	size_t n_me;
	struct kith_date since; /* unset: everything; else only mail dated since */
	struct kith_date today; /* mail dated after it is reported, not logged; meetings
				 * starting after now (or after this day) are not read */
	const char *tzid;       /* the user's zone for the day of a mail; NULL: the system's */
	int dry_run;            /* find, report, write nothing */
	int skip_inbound;       /* mail from a contact is not logged (see kith(1)) */
	/* Called every few hundred messages; may be NULL. */
	void (*progress)(size_t messages, const char *source, void *arg);
	/* Called for each touch found; may be NULL. */
	void (*found)(const struct kith_scan_found *f, void *arg);
	void *arg;
};

/* A bad item, skipped: where ("file", "file:line") and what. */
struct kith_scan_problem {
	char *where;
	char *what;
};

struct kith_scan_summary {
	size_t messages;        /* header blocks read, not seen before */
	size_t meetings;        /* meetings read, not seen before */
	size_t unchanged;       /* calendar files as the last scan left them: only
				 * the meetings since then were read */
	size_t seen;            /* read again and recognised (another folder, a re-read) */
	size_t touches;         /* logged (with dry_run: that would be) */
	size_t bulk;            /* bulk or automated: never counted */
	size_t inbound_skipped; /* with skip_inbound */
	size_t not_in_since;    /* dated before since, or after today: left for later */
	size_t candidates;      /* mails and meetings with someone who is not a contact */
	size_t reread;          /* mbox files changed since the last scan: read from the start */
	size_t failed_sources;  /* sources that could not be read at all */
	size_t calendars;       /* CalDAV event calendars read */
	struct kith_scan_problem *problems;
	size_t n_problems;
	size_t more_problems; /* problems beyond the first KITH_SCAN_PROBLEMS_MAX, only counted */
};

#define KITH_SCAN_PROBLEMS_MAX 1000

/*
 * Scan opts->sources into store, one transaction per batch of messages
 * (so a kill loses at most a batch, and the next scan resumes); the
 * caller must not hold a transaction.  A source that cannot be read is a
 * problem and counted in failed_sources; the others are still read.
 * KITH_ERR_INVALID without the user's addresses: mail has no direction,
 * and a meeting no known attendance, without them.  Ownership:
 * kith_scan_summary_clear(out), also after a failure.
 */
KITH_API enum kith_status kith_scan(struct kith_store *store, const struct kith_scan_options *opts,
				    struct kith_scan_summary *out);
KITH_API void kith_scan_summary_clear(struct kith_scan_summary *s);

#ifdef __cplusplus
}
#endif

#endif
