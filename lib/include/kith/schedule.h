/* SPDX-License-Identifier: MIT */
/*
 * kith/schedule.h - the schedule rule: which cadence applies, when a
 * contact is next due, and where it stands.  Pure: no I/O, no allocation.
 * Every part of kith that needs a due date (the report, the reminders,
 * the sync, the import, the CLI) asks here.
 */
#ifndef KITH_SCHEDULE_H
#define KITH_SCHEDULE_H

#include <kith/contact.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The default window: a reminder shows as open this many days before due. */
#define KITH_DEFAULT_WINDOW_DAYS 7

enum kith_due_state {
	KITH_DUE_OK = 0,      /* not due within the window */
	KITH_DUE_SOON = 1,    /* due today or within the window */
	KITH_DUE_OVERDUE = 2, /* due before today */
	KITH_DUE_PAUSED = 3,  /* paused (reminder deleted on a calendar) */
};

/* "ok", "soon", "overdue", "paused": the spelling of kith's CSV and JSON. */
KITH_API const char *kith_due_state_str(enum kith_due_state s);

/* Where one contact stands as of a day. */
struct kith_standing {
	struct kith_cadence cadence; /* effective: override, else the tier's */
	struct kith_date last_touch; /* unset: never touched */
	char *last_channel;          /* may be NULL */
	char *last_note;             /* may be NULL */
	long days_since;             /* since last touch; -1 never */
	struct kith_date due;        /* next due (after snooze) */
	long days_overdue;           /* today - due; negative: due in N days */
	double quiet_ratio;          /* days since last touch (or added) / cadence days */
	enum kith_due_state state;
};

/*
 * The cadence that applies to a contact: its own (`own`), else that of
 * its tier, found by name in tiers[0..n_tiers); none (KITH_CADENCE_NONE)
 * when neither is set.
 */
KITH_API struct kith_cadence kith_schedule_cadence(struct kith_cadence own, const char *tier,
						   const struct kith_tier *tiers, size_t n_tiers);

/* What the schedule of one contact is made of. */
struct kith_schedule_facts {
	struct kith_cadence cadence; /* effective (kith_schedule_cadence) */
	struct kith_date last_touch; /* the newest touch; unset: never */
	struct kith_date added;
	struct kith_date first_due;     /* an import's spread first reminder; unset: none */
	struct kith_date snoozed_until; /* unset: not snoozed */
	int paused;
};

/* The facts of a stored contact with its effective cadence and newest touch. */
KITH_API struct kith_schedule_facts kith_schedule_facts_of(const struct kith_contact *c,
							   struct kith_cadence cadence,
							   struct kith_date last_touch);

/*
 * Next due = last touch (else the day added) plus the cadence; an
 * import's spread-out first_due stands instead until a touch clears it
 * (the store clears it); a snooze only ever postpones.
 */
KITH_API struct kith_date kith_schedule_next_due(const struct kith_schedule_facts *f);

/*
 * The standing as of today with a window of window_days (0: the default).
 * last_channel and last_note are left NULL: they are the caller's to fill.
 */
KITH_API void kith_schedule_standing(const struct kith_schedule_facts *f, struct kith_date today,
				     int window_days, struct kith_standing *out);

#ifdef __cplusplus
}
#endif

#endif
