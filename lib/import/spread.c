/* SPDX-License-Identifier: MIT */
/* Spreading the new contacts' first reminders over their first period. */
#include <stdlib.h>
#include <string.h>

#include <kith/schedule.h>

#include "ctx.h"
#include "import/job.h"

static struct kith_cadence cadence_of(const struct job *j, const struct kith_contact *c)
{
	return kith_schedule_cadence(c->cadence, c->tier, j->tiers, j->n_tiers);
}

static long period_days(struct kith_cadence cad, struct kith_date today)
{
	long p = kith_date_diff_days(today, kith_cadence_add(cad, today));

	return p > 0 ? p : 1;
}

struct rank_key {
	struct kith_date last; /* unset: never noted */
	size_t entry;
};

static int quietest_first(const void *a, const void *b)
{
	const struct rank_key *x = a, *y = b;
	int c = kith_date_cmp(x->last, y->last);

	if (c)
		return c;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* Days from today to a stored contact's pending spread first reminder; 0: none. */
static long pending_day(const struct entry *e, struct kith_date today)
{
	if (e->c.archived || !kith_date_is_set(e->c.first_due))
		return 0;
	return kith_date_diff_days(today, e->c.first_due);
}

/*
 * The first reminders of the new contacts, spread over the first period
 * of their cadence with at most per_day a day (kith/import.h, step 5).
 */
enum kith_status import_spread(struct job *j)
{
	struct kith_import_summary *s = j->sum;
	struct kith_date today = j->opts->today;
	struct kith_cadence quarterly = { KITH_CADENCE_MONTH, 3 };
	long n_new = 0, n_pending = 0, base_period, max_day = 0;
	long *per_day_count = NULL;
	long *group_size = NULL, *group_rank = NULL, *group_period = NULL;
	struct rank_key *order = NULL;
	size_t n_groups = 0;
	int cap;
	enum kith_status rc = KITH_OK;
	const struct kith_tier *t = import_find_tier(j, j->tier);

	base_period = period_days(t ? t->cadence : quarterly, today);
	for (size_t i = 0; i < j->n_entries; i++) {
		const struct entry *e = &j->entries[i];

		if (e->is_new)
			n_new += !e->c.archived;
		else if (pending_day(e, today) >= 1 && pending_day(e, today) <= base_period)
			n_pending++;
	}
	/* A second import shares the days with the first one's reminders. */
	cap = j->opts->per_day > 0 ? j->opts->per_day
				   : (int)((n_new + n_pending + base_period - 1) / base_period);
	if (cap < 1)
		cap = 1;
	s->per_day = cap;
	if (n_new == 0)
		return KITH_OK;
	/* Groups of the same period, each spread over its own days. */
	group_size = calloc((size_t)n_new, sizeof(long));
	group_rank = calloc((size_t)n_new, sizeof(long));
	group_period = calloc((size_t)n_new, sizeof(long));
	if (!group_size || !group_rank || !group_period) {
		rc = kith_nomem(j->ctx);
		goto out;
	}
	for (size_t i = 0; i < j->n_entries; i++) {
		struct entry *e = &j->entries[i];
		long p;
		size_t g;

		if (!e->is_new || e->c.archived)
			continue;
		p = period_days(cadence_of(j, &e->c), today);
		for (g = 0; g < n_groups && group_period[g] != p; g++)
			;
		if (g == n_groups)
			group_period[n_groups++] = p;
		group_size[g]++;
		if (p + n_new > max_day)
			max_day = p + n_new;
	}
	per_day_count = calloc((size_t)max_day + 2, sizeof(long));
	order = calloc((size_t)n_new, sizeof(*order));
	if (!per_day_count || !order) {
		rc = kith_nomem(j->ctx);
		goto out;
	}
	for (size_t i = 0; i < j->n_entries; i++) {
		long d = j->entries[i].is_new ? 0 : pending_day(&j->entries[i], today);

		if (d >= 1 && d <= max_day)
			per_day_count[d]++;
	}
	for (size_t i = 0, k = 0; i < j->n_entries; i++) {
		if (j->entries[i].is_new && !j->entries[i].c.archived) {
			order[k].last = j->entries[i].last_touch;
			order[k++].entry = i;
		}
	}
	/* The longest silent first; file order among equals. */
	qsort(order, (size_t)n_new, sizeof(*order), quietest_first);
	for (long k = 0; k < n_new; k++) {
		struct entry *e = &j->entries[order[k].entry];
		long p, days, day, size;
		size_t g;

		p = period_days(cadence_of(j, &e->c), today);
		for (g = 0; group_period[g] != p; g++)
			;
		size = group_size[g];
		days = (size + cap - 1) / cap;
		if (days < p)
			days = p;
		day = 1 + (long)((double)group_rank[g]++ * (double)days / (double)size);
		/*
		 * Spreading only ever postpones: someone touched last week is
		 * not due before last touch + cadence, however empty the
		 * first days are.  Only the overdue are brought into the
		 * period, and a crowded day pushes later.
		 */
		if (kith_date_is_set(e->last_touch)) {
			long natural = kith_date_diff_days(
				today, kith_cadence_add(cadence_of(j, &e->c), e->last_touch));

			if (natural > day)
				day = natural;
		}
		while (day <= max_day && per_day_count[day] >= cap)
			day++;
		if (day > max_day)
			day = max_day;
		per_day_count[day]++;
		e->c.first_due = kith_date_add_days(today, day);
		if (!kith_date_is_set(s->first_due_from) ||
		    kith_date_cmp(e->c.first_due, s->first_due_from) < 0)
			s->first_due_from = e->c.first_due;
		if (kith_date_cmp(e->c.first_due, s->first_due_to) > 0)
			s->first_due_to = e->c.first_due;
	}
out:
	free(order);
	free(per_day_count);
	free(group_size);
	free(group_rank);
	free(group_period);
	return rc;
}
