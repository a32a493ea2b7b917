/* SPDX-License-Identifier: MIT */
/*
 * kith/report.h - who is due, who has gone quiet, and the weekly review.
 */
#ifndef KITH_REPORT_H
#define KITH_REPORT_H

#include <kith/store.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The default window: a reminder shows as open this many days before due. */
#define KITH_DEFAULT_WINDOW_DAYS 7

enum kith_due_state {
	KITH_DUE_OK = 0,    /* not due within the window */
	KITH_DUE_SOON = 1,  /* due today or within the window */
	KITH_DUE_OVERDUE = 2, /* due before today */
	KITH_DUE_PAUSED = 3, /* paused (reminder deleted on a calendar) */
};

KITH_API const char *kith_due_state_str(enum kith_due_state s);

/* Where one contact stands as of a day. */
struct kith_standing {
	struct kith_cadence cadence;   /* effective: override, else the tier's */
	struct kith_date last_touch;   /* unset: never touched */
	char *last_channel;            /* may be NULL */
	char *last_note;               /* may be NULL */
	long days_since;               /* since last touch (or added); -1 never */
	struct kith_date due;          /* next due (after snooze) */
	long days_overdue;             /* today - due; negative: due in N days */
	double quiet_ratio;            /* days since last touch (or added) / cadence days */
	enum kith_due_state state;
};

/*
 * The pure schedule rule: next due = last touch (else the day added) plus
 * the cadence, unless snoozed later.  No I/O.
 */
KITH_API struct kith_date kith_schedule_next_due(struct kith_cadence cadence,
						 struct kith_date last_touch,
						 struct kith_date added,
						 struct kith_date snoozed_until);

/*
 * Compute the standing of one stored contact as of today.
 * Ownership: free the members with kith_standing_clear().
 */
KITH_API enum kith_status kith_store_standing(struct kith_store *store,
					      const struct kith_contact *contact,
					      struct kith_date today, int window_days,
					      struct kith_standing *out);
KITH_API void kith_standing_clear(struct kith_standing *s);

struct kith_report_options {
	struct kith_date today;   /* required */
	const char *tier;         /* NULL: every tier */
	int all;                  /* 1: every active contact, not only the due */
	int window_days;          /* 0: KITH_DEFAULT_WINDOW_DAYS */
};

struct kith_report_row {
	int64_t contact_id;
	char *name;
	char *tier;
	char *via;                /* may be NULL */
	char *email;              /* first email; may be NULL */
	char *phone;              /* first phone; may be NULL */
	struct kith_standing standing;
};

struct kith_tier_summary {
	char *tier;
	long total;    /* active contacts in the tier */
	long overdue;
	long due_soon;
	long never;    /* never touched */
	long paused;
};

/*
 * Rows: overdue first, the quietest first (days since last touch divided
 * by the cadence), then those due within the window by due date; with
 * `all`, everyone else after them by due date.  Paused contacts come
 * last, with or without `all`.  Summaries: one per tier, in tier order, counting every active
 * contact of the tier whatever `all` says.
 */
struct kith_report {
	struct kith_date today;
	int window_days;
	struct kith_report_row *rows;
	size_t n_rows;
	struct kith_tier_summary *tiers;
	size_t n_tiers;
};

/*
 * Ownership: kith_report_free(*out), which frees the rows' strings too;
 * they are not separately allocated (never free them one by one, nor
 * kith_standing_clear() a row's standing).
 */
KITH_API enum kith_status kith_report_build(struct kith_store *store,
					    const struct kith_report_options *opts,
					    struct kith_report **out);
KITH_API void kith_report_free(struct kith_report *report);

struct kith_review_touch {
	struct kith_touch touch;
	char *name; /* the contact's name */
};

/* The weekly review: the last `days` days and the next `days` days. */
struct kith_review {
	struct kith_date today;
	struct kith_date from;      /* today - days + 1 */
	int days;
	struct kith_contact *added; /* added within [from, today] */
	size_t n_added;
	struct kith_review_touch *touches; /* logged within [from, today], newest first */
	size_t n_touches;
	struct kith_report *due;    /* overdue, then due within the next `days` */
};

/* Ownership: kith_review_free(*out). */
KITH_API enum kith_status kith_review_build(struct kith_store *store, struct kith_date today,
					    int days, struct kith_review **out);
KITH_API void kith_review_free(struct kith_review *review);

#ifdef __cplusplus
}
#endif

#endif
