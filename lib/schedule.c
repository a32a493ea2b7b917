/* SPDX-License-Identifier: MIT */
/*
 * The schedule rule, in one place.  Everything here is arithmetic on
 * plain values: the store, the report, the reminders, the sync, the
 * import and the CLI hand in what they loaded and get the same answer.
 */
#include <string.h>

#include <kith/schedule.h>

const char *kith_due_state_str(enum kith_due_state s)
{
	switch (s) {
	case KITH_DUE_OK: return "ok";
	case KITH_DUE_SOON: return "soon";
	case KITH_DUE_OVERDUE: return "overdue";
	case KITH_DUE_PAUSED: return "paused";
	}
	return "ok";
}

struct kith_cadence kith_schedule_cadence(struct kith_cadence own, const char *tier,
					  const struct kith_tier *tiers, size_t n_tiers)
{
	struct kith_cadence none = { KITH_CADENCE_NONE, 0 };

	if (kith_cadence_is_set(own))
		return own;
	for (size_t i = 0; tier && i < n_tiers; i++)
		if (!strcmp(tiers[i].name, tier))
			return tiers[i].cadence;
	return none;
}

struct kith_schedule_facts kith_schedule_facts_of(const struct kith_contact *c,
						  struct kith_cadence cadence,
						  struct kith_date last_touch)
{
	struct kith_schedule_facts f;

	f.cadence = cadence;
	f.last_touch = last_touch;
	f.added = c->added;
	f.first_due = c->first_due;
	f.snoozed_until = c->snoozed_until;
	f.paused = c->paused;
	return f;
}

struct kith_date kith_schedule_next_due(const struct kith_schedule_facts *f)
{
	struct kith_date base = kith_date_is_set(f->last_touch) ? f->last_touch : f->added;
	struct kith_date due =
		kith_date_is_set(f->first_due) ? f->first_due : kith_cadence_add(f->cadence, base);

	/* A snooze only ever postpones; a touch after it has already moved the date. */
	if (kith_date_is_set(f->snoozed_until) && kith_date_cmp(f->snoozed_until, due) > 0)
		due = f->snoozed_until;
	return due;
}

void kith_schedule_standing(const struct kith_schedule_facts *f, struct kith_date today,
			    int window_days, struct kith_standing *s)
{
	struct kith_date base = kith_date_is_set(f->last_touch) ? f->last_touch : f->added;
	long period = kith_date_diff_days(base, kith_cadence_add(f->cadence, base));
	int window = window_days > 0 ? window_days : KITH_DEFAULT_WINDOW_DAYS;

	memset(s, 0, sizeof(*s));
	s->cadence = f->cadence;
	s->last_touch = f->last_touch;
	s->days_since =
		kith_date_is_set(f->last_touch) ? kith_date_diff_days(f->last_touch, today) : -1;
	s->due = kith_schedule_next_due(f);
	s->days_overdue = kith_date_diff_days(s->due, today);
	s->quiet_ratio = period > 0 ? (double)kith_date_diff_days(base, today) / (double)period : 0;
	if (f->paused)
		s->state = KITH_DUE_PAUSED;
	else if (s->days_overdue > 0)
		s->state = KITH_DUE_OVERDUE;
	else if (-s->days_overdue <= window)
		s->state = KITH_DUE_SOON;
	else
		s->state = KITH_DUE_OK;
}
