/* SPDX-License-Identifier: MIT */
/*
 * kith/report.h - who is due, who has gone quiet, and the weekly review.
 */
#ifndef KITH_REPORT_H
#define KITH_REPORT_H

#include <kith/schedule.h>
#include <kith/store.h>

#ifdef __cplusplus
extern "C" {
#endif

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
	struct kith_date today; /* required */
	const char *tier;       /* NULL: every tier */
	int all;                /* 1: every active contact, not only the due */
	int window_days;        /* 0: KITH_DEFAULT_WINDOW_DAYS */
};

struct kith_report_row {
	int64_t contact_id;
	char *name;
	char *tier;
	char *via;   /* may be NULL */
	char *email; /* first email; may be NULL */
	char *phone; /* first phone; may be NULL */
	struct kith_standing standing;
};

struct kith_tier_summary {
	char *tier;
	long total; /* active contacts in the tier */
	long overdue;
	long due_soon;
	long never; /* never touched */
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
	struct kith_date from; /* today - days + 1 */
	int days;
	struct kith_contact *added; /* added within [from, today] */
	size_t n_added;
	struct kith_review_touch *touches; /* logged within [from, today], newest first */
	size_t n_touches;
	struct kith_report *due; /* overdue, then due within the next `days` */
};

/* Ownership: kith_review_free(*out). */
KITH_API enum kith_status kith_review_build(struct kith_store *store, struct kith_date today,
					    int days, struct kith_review **out);
KITH_API void kith_review_free(struct kith_review *review);

#ifdef __cplusplus
}
#endif

#endif
