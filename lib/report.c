/* SPDX-License-Identifier: MIT */
/*
 * The schedule rule, a contact's standing, the report and the weekly
 * review.  The arithmetic is pure; the store is only read.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "ctx.h"
#include "model.h"

const char *kith_due_state_str(enum kith_due_state s)
{
	switch (s) {
	case KITH_DUE_OK: return "ok";
	case KITH_DUE_SOON: return "due";
	case KITH_DUE_OVERDUE: return "overdue";
	case KITH_DUE_PAUSED: return "paused";
	}
	return "unknown";
}

struct kith_date kith_schedule_next_due(struct kith_cadence cadence, struct kith_date last_touch,
					struct kith_date added, struct kith_date snoozed_until)
{
	struct kith_date base = kith_date_is_set(last_touch) ? last_touch : added;
	struct kith_date due = kith_cadence_add(cadence, base);

	/* A snooze only ever postpones; a touch after it has already moved the date. */
	if (kith_date_is_set(snoozed_until) && kith_date_cmp(snoozed_until, due) > 0)
		due = snoozed_until;
	return due;
}

static int window_of(int window_days)
{
	return window_days > 0 ? window_days : KITH_DEFAULT_WINDOW_DAYS;
}

/* Fills s from plain values; strings are copied. */
static enum kith_status standing_from(struct kith_standing *s, struct kith_cadence cadence,
				      struct kith_date last, const char *channel,
				      const char *note, struct kith_date added,
				      struct kith_date first_due, struct kith_date snoozed,
				      int paused, struct kith_date today, int window_days)
{
	struct kith_date base = kith_date_is_set(last) ? last : added;
	long period = kith_date_diff_days(base, kith_cadence_add(cadence, base));

	memset(s, 0, sizeof(*s));
	s->cadence = cadence;
	s->last_touch = last;
	s->days_since = kith_date_is_set(last) ? kith_date_diff_days(last, today) : -1;
	s->due = kith_schedule_next_due(cadence, last, added, snoozed);
	/* An import's spread-out first date stands until a touch clears it. */
	if (kith_date_is_set(first_due))
		s->due = kith_date_cmp(snoozed, first_due) > 0 ? snoozed : first_due;
	s->days_overdue = kith_date_diff_days(s->due, today);
	s->quiet_ratio = period > 0 ? (double)kith_date_diff_days(base, today) / (double)period : 0;
	if (paused)
		s->state = KITH_DUE_PAUSED;
	else if (s->days_overdue > 0)
		s->state = KITH_DUE_OVERDUE;
	else if (-s->days_overdue <= window_of(window_days))
		s->state = KITH_DUE_SOON;
	else
		s->state = KITH_DUE_OK;
	s->last_channel = kith_strdup0(channel);
	s->last_note = kith_strdup0(note);
	if ((channel && !s->last_channel) || (note && !s->last_note)) {
		kith_standing_clear(s);
		return KITH_ERR_NOMEM;
	}
	return KITH_OK;
}

void kith_standing_clear(struct kith_standing *s)
{
	if (!s)
		return;
	free(s->last_channel);
	free(s->last_note);
	s->last_channel = NULL;
	s->last_note = NULL;
}

enum kith_status kith_standing_compute(const struct kith_contact *c, struct kith_cadence cadence,
				       const struct kith_touch *last, struct kith_date today,
				       int window_days, struct kith_standing *out)
{
	struct kith_date none = { 0, 0, 0 };

	return standing_from(out, kith_cadence_is_set(c->cadence) ? c->cadence : cadence,
			     last ? last->on : none, last ? last->channel : NULL,
			     last ? last->note : NULL, c->added, c->first_due, c->snoozed_until,
			     c->paused, today, window_days);
}

enum kith_status kith_store_standing(struct kith_store *store, const struct kith_contact *contact,
				     struct kith_date today, int window_days,
				     struct kith_standing *out)
{
	struct kith_ctx *ctx = kith_store_ctx(store);
	struct kith_touch_filter f = { contact->id, { 0, 0, 0 }, { 0, 0, 0 } };
	struct kith_touch *touches = NULL;
	struct kith_tier *tier = NULL;
	struct kith_cadence cadence = contact->cadence;
	struct kith_date last = { 0, 0, 0 };
	const char *channel = NULL, *note = NULL;
	size_t n = 0;
	enum kith_status rc;

	if (!kith_cadence_is_set(cadence)) {
		rc = kith_store_get_tier(store, contact->tier, &tier);
		if (rc)
			return rc;
		cadence = tier->cadence;
	}
	rc = kith_store_list_touches(store, &f, &touches, &n);
	if (rc)
		goto out;
	/* Newest first. */
	if (n > 0) {
		last = touches[0].on;
		channel = touches[0].channel;
		note = touches[0].note;
	}
	rc = standing_from(out, cadence, last, channel, note, contact->added,
			   contact->first_due, contact->snoozed_until, contact->paused, today,
			   window_days);
	if (rc)
		kith_nomem(ctx);
out:
	kith_touch_list_free(touches, n);
	kith_tier_free(tier);
	return rc;
}

/* ---- report ---- */

/*
 * A report of 100,000 rows holds half a million short strings: they live
 * in large blocks owned by the report, not in a malloc each.
 */
struct strblock {
	struct strblock *next;
	size_t used, size;
	char data[];
};

struct report_impl {
	struct kith_report pub; /* first: the caller's pointer is this one */
	struct strblock *blocks;
	size_t cap;             /* of pub.rows */
};

static struct report_impl *impl_of(struct kith_report *r)
{
	return (struct report_impl *)(void *)r;
}

/* A copy of text in the report's blocks; NULL stays NULL. */
static int report_strdup(struct report_impl *ri, const char *text, char **out)
{
	struct strblock *b = ri->blocks;
	size_t len;

	*out = NULL;
	if (!text)
		return 0;
	len = strlen(text) + 1;
	if (!b || b->size - b->used < len) {
		size_t size = len > 60000 ? len : 60000;

		b = malloc(sizeof(*b) + size);
		if (!b)
			return -1;
		b->size = size;
		b->used = 0;
		b->next = ri->blocks;
		ri->blocks = b;
	}
	*out = memcpy(b->data + b->used, text, len);
	b->used += len;
	return 0;
}

void kith_report_free(struct kith_report *report)
{
	struct strblock *b;

	if (!report)
		return;
	b = impl_of(report)->blocks;
	while (b) {
		struct strblock *next = b->next;

		free(b);
		b = next;
	}
	free(report->rows);
	for (size_t i = 0; i < report->n_tiers; i++)
		free(report->tiers[i].tier);
	free(report->tiers);
	free(report);
}

struct scan_state {
	struct report_impl *ri;
	const struct kith_report_options *opts;
};

static struct kith_tier_summary *summary_for(struct kith_report *r, const char *tier)
{
	for (size_t i = 0; i < r->n_tiers; i++)
		if (!strcmp(r->tiers[i].tier, tier))
			return &r->tiers[i];
	return NULL;
}

static enum kith_status collect(const struct kith_scan_row *row, void *arg)
{
	struct scan_state *st = arg;
	struct report_impl *ri = st->ri;
	struct kith_report *r = &ri->pub;
	struct kith_report_row *out;
	struct kith_standing s;
	struct kith_tier_summary *sum;

	if (standing_from(&s, row->cadence, row->last_touch, NULL, NULL, row->added,
			  row->first_due, row->snoozed_until, row->paused, r->today,
			  r->window_days))
		return KITH_ERR_NOMEM;
	sum = summary_for(r, row->tier);
	if (sum) {
		sum->total++;
		sum->overdue += s.state == KITH_DUE_OVERDUE;
		sum->due_soon += s.state == KITH_DUE_SOON;
		sum->paused += s.state == KITH_DUE_PAUSED;
		sum->never += !kith_date_is_set(row->last_touch);
	}
	/*
	 * Most of a large network is not due: skip it before copying strings.
	 * Paused contacts always show: their reminder was deleted in an app,
	 * and the user should hear about it rather than lose them silently.
	 */
	if (!st->opts->all && s.state == KITH_DUE_OK)
		return KITH_OK;
	if (r->n_rows == ri->cap) {
		size_t cap = ri->cap ? ri->cap * 2 : 1024;
		struct kith_report_row *p = realloc(r->rows, cap * sizeof(*p));

		if (!p)
			return KITH_ERR_NOMEM;
		r->rows = p;
		ri->cap = cap;
	}
	out = &r->rows[r->n_rows];
	out->contact_id = row->id;
	out->standing = s;
	if (report_strdup(ri, row->name, &out->name) || report_strdup(ri, row->tier, &out->tier) ||
	    report_strdup(ri, row->via, &out->via) || report_strdup(ri, row->email, &out->email) ||
	    report_strdup(ri, row->phone, &out->phone) ||
	    report_strdup(ri, row->last_channel, &out->standing.last_channel) ||
	    report_strdup(ri, row->last_note, &out->standing.last_note))
		return KITH_ERR_NOMEM;
	r->n_rows++;
	return KITH_OK;
}

static int rank(enum kith_due_state s)
{
	switch (s) {
	case KITH_DUE_OVERDUE: return 0;
	case KITH_DUE_SOON: return 1;
	case KITH_DUE_OK: return 2;
	case KITH_DUE_PAUSED: return 3;
	}
	return 4;
}

static int report_order(const void *a, const void *b)
{
	const struct kith_report_row *x = a, *y = b;
	const struct kith_standing *sx = &x->standing, *sy = &y->standing;
	int c;

	if (rank(sx->state) != rank(sy->state))
		return rank(sx->state) - rank(sy->state);
	if (sx->state == KITH_DUE_OVERDUE) {
		/* The quietest relative to their cadence first. */
		if (sx->quiet_ratio != sy->quiet_ratio)
			return sx->quiet_ratio > sy->quiet_ratio ? -1 : 1;
		if (sx->days_overdue != sy->days_overdue)
			return sx->days_overdue > sy->days_overdue ? -1 : 1;
	} else {
		c = kith_date_cmp(sx->due, sy->due);
		if (c)
			return c;
	}
	c = strcasecmp(x->name, y->name);
	if (c)
		return c;
	return x->contact_id < y->contact_id ? -1 : x->contact_id > y->contact_id;
}

enum kith_status kith_report_build(struct kith_store *store, const struct kith_report_options *opts,
				   struct kith_report **out)
{
	struct kith_ctx *ctx = kith_store_ctx(store);
	struct report_impl *ri;
	struct kith_report *r;
	struct kith_tier *tiers = NULL;
	struct scan_state st;
	size_t n_tiers = 0;
	enum kith_status rc;

	if (!opts || !kith_date_is_valid(opts->today))
		return kith_fail(ctx, KITH_ERR_INVALID, "a report needs a valid date");
	if (opts->tier) {
		struct kith_tier *t = NULL;

		rc = kith_store_get_tier(store, opts->tier, &t);
		kith_tier_free(t);
		if (rc)
			return rc;
	}
	ri = calloc(1, sizeof(*ri));
	if (!ri)
		return kith_nomem(ctx);
	r = &ri->pub;
	r->today = opts->today;
	r->window_days = window_of(opts->window_days);
	rc = kith_store_list_tiers_uncounted(store, &tiers, &n_tiers);
	if (rc)
		goto fail;
	r->tiers = calloc(n_tiers ? n_tiers : 1, sizeof(*r->tiers));
	if (!r->tiers) {
		rc = kith_nomem(ctx);
		goto fail;
	}
	for (size_t i = 0; i < n_tiers; i++) {
		if (opts->tier && strcmp(opts->tier, tiers[i].name))
			continue;
		r->tiers[r->n_tiers].tier = tiers[i].name;
		tiers[i].name = NULL;
		r->n_tiers++;
	}
	st.ri = ri;
	st.opts = opts;
	rc = kith_store_scan(store, opts->tier, collect, &st);
	if (rc) {
		if (rc == KITH_ERR_NOMEM)
			kith_nomem(ctx);
		goto fail;
	}
	if (r->n_rows)
		qsort(r->rows, r->n_rows, sizeof(*r->rows), report_order);
	kith_tier_list_free(tiers, n_tiers);
	*out = r;
	return KITH_OK;
fail:
	kith_tier_list_free(tiers, n_tiers);
	kith_report_free(r);
	return rc;
}

/* ---- weekly review ---- */

void kith_review_free(struct kith_review *review)
{
	if (!review)
		return;
	kith_contact_list_free(review->added, review->n_added);
	for (size_t i = 0; i < review->n_touches; i++) {
		kith_touch_clear(&review->touches[i].touch);
		free(review->touches[i].name);
	}
	free(review->touches);
	kith_report_free(review->due);
	free(review);
}

static enum kith_status review_touches(struct kith_store *store, struct kith_review *rv)
{
	struct kith_touch_filter f = { 0, rv->from, rv->today };
	struct kith_touch *touches = NULL;
	size_t n = 0;
	enum kith_status rc = kith_store_list_touches(store, &f, &touches, &n);

	if (rc)
		return rc;
	rv->touches = calloc(n ? n : 1, sizeof(*rv->touches));
	if (!rv->touches) {
		kith_touch_list_free(touches, n);
		return kith_nomem(kith_store_ctx(store));
	}
	for (size_t i = 0; i < n; i++) {
		struct kith_contact *c = NULL;

		/* Moved in before any failure, so the review owns it either way. */
		rv->touches[i].touch = touches[i];
		memset(&touches[i], 0, sizeof(touches[i]));
		rv->n_touches++;
		if (!rc)
			rc = kith_store_get_contact(store, rv->touches[i].touch.contact_id, &c);
		if (!rc) {
			rv->touches[i].name = c->name;
			c->name = NULL;
		}
		kith_contact_free(c);
	}
	free(touches);
	return rc;
}

/* With --today in the past, contacts added later are not "added this week". */
static void drop_added_after(struct kith_review *rv)
{
	size_t kept = 0;

	for (size_t i = 0; i < rv->n_added; i++) {
		if (kith_date_cmp(rv->added[i].added, rv->today) > 0)
			kith_contact_clear(&rv->added[i]);
		else
			rv->added[kept++] = rv->added[i];
	}
	rv->n_added = kept;
}

enum kith_status kith_review_build(struct kith_store *store, struct kith_date today, int days,
				   struct kith_review **out)
{
	struct kith_ctx *ctx = kith_store_ctx(store);
	struct kith_report_options ro = { today, NULL, 0, 0 };
	struct kith_contact_filter cf = { NULL, 0, { 0, 0, 0 } };
	struct kith_review *rv;
	enum kith_status rc;

	if (!kith_date_is_valid(today))
		return kith_fail(ctx, KITH_ERR_INVALID, "a review needs a valid date");
	if (days < 1 || days > 3660)
		return kith_fail(ctx, KITH_ERR_INVALID,
				 "a review covers 1 to 3660 days, not %d", days);
	rv = calloc(1, sizeof(*rv));
	if (!rv)
		return kith_nomem(ctx);
	rv->today = today;
	rv->days = days;
	rv->from = kith_date_add_days(today, -(long)(days - 1));
	cf.added_since = rv->from;
	rc = kith_store_list_contacts(store, &cf, &rv->added, &rv->n_added);
	if (!rc)
		drop_added_after(rv);
	if (!rc)
		rc = review_touches(store, rv);
	ro.window_days = days;
	if (!rc)
		rc = kith_report_build(store, &ro, &rv->due);
	if (rc) {
		kith_review_free(rv);
		return rc;
	}
	*out = rv;
	return KITH_OK;
}
