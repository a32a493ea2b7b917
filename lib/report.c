/* SPDX-License-Identifier: MIT */
/*
 * A contact's standing, the report and the weekly review: the schedule
 * rule (schedule.c) applied to what the store holds, which is only read.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array.h"
#include "buf.h"
#include "ctx.h"
#include "contact.h"
#include "report.h"
#include "store/store.h"

/* Fills s by the schedule rule and copies the newest touch's channel and note. */
static enum kith_status standing_of(struct kith_standing *s, const struct kith_schedule_facts *f,
				    const char *channel, const char *note, struct kith_date today,
				    int window_days)
{
	kith_schedule_standing(f, today, window_days, s);
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
	struct kith_schedule_facts f = kith_schedule_facts_of(c, cadence, last ? last->on : none);

	return standing_of(out, &f, last ? last->channel : NULL, last ? last->note : NULL, today,
			   window_days);
}

enum kith_status kith_store_standing(struct kith_store *store, const struct kith_contact *contact,
				     struct kith_date today, int window_days,
				     struct kith_standing *out)
{
	struct kith_touch_filter f = { contact->id, { 0, 0, 0 }, { 0, 0, 0 } };
	struct kith_touch *touches = NULL;
	struct kith_tier *tier = NULL;
	size_t n = 0;
	enum kith_status rc;

	/* A contact's own cadence needs no tier. */
	rc = kith_cadence_is_set(contact->cadence)
		     ? KITH_OK
		     : kith_store_get_tier(store, contact->tier, &tier);
	if (!rc)
		rc = kith_store_list_touches(store, &f, &touches, &n);
	/* Newest first. */
	if (!rc)
		rc = kith_standing_compute(
			contact,
			kith_schedule_cadence(contact->cadence, contact->tier, tier, tier ? 1 : 0),
			n > 0 ? &touches[0] : NULL, today, window_days, out);
	if (rc == KITH_ERR_NOMEM)
		kith_nomem(kith_store_ctx(store));
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
	size_t cap; /* of pub.rows */
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

	struct kith_schedule_facts f = {
		row->cadence,   row->last_touch,    row->added,
		row->first_due, row->snoozed_until, row->paused,
	};

	kith_schedule_standing(&f, r->today, r->window_days, &s);
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
	if (KITH_GROW(r->rows, ri->cap, r->n_rows + 1, 1024))
		return KITH_ERR_NOMEM;
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
	r->window_days = opts->window_days > 0 ? opts->window_days : KITH_DEFAULT_WINDOW_DAYS;
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
		return kith_fail(ctx, KITH_ERR_INVALID, "a review covers 1 to 3660 days, not %d",
				 days);
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
