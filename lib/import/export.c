/* SPDX-License-Identifier: MIT */
/* The store as a vCard address book, each card with its newest touch. */
#include <stdlib.h>

#include <kith/import.h>

#include "buf.h"
#include "ctx.h"
#include "store/store.h"
#include "vcard.h"

struct last_touch {
	int64_t id;
	struct kith_date on;
};

static int by_contact(const void *a, const void *b)
{
	const struct last_touch *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return -kith_date_cmp(x->on, y->on); /* newest first within a contact */
}

enum kith_status kith_export_vcard(struct kith_store *store, char **out, size_t *out_n)
{
	struct kith_ctx *ctx = kith_store_ctx(store);
	struct kith_contact_filter f = { NULL, 1, { 0, 0, 0 } };
	struct kith_contact *cs = NULL;
	struct kith_touch *ts = NULL;
	struct last_touch *last = NULL;
	struct kith_buf b = KITH_BUF_INIT;
	size_t n = 0, nt = 0;
	enum kith_status rc;

	rc = kith_store_list_contacts(store, &f, &cs, &n);
	if (rc)
		return rc;
	rc = kith_store_last_touches(store, &ts, &nt);
	if (rc)
		goto out;
	last = calloc(nt ? nt : 1, sizeof(*last));
	if (!last) {
		rc = kith_nomem(ctx);
		goto out;
	}
	for (size_t i = 0; i < nt; i++) {
		last[i].id = ts[i].contact_id;
		last[i].on = ts[i].on;
	}
	if (nt)
		qsort(last, nt, sizeof(*last), by_contact);
	for (size_t i = 0; i < n; i++) {
		struct last_touch key = { cs[i].id, { 9999, 12, 31 } };
		struct kith_date on = { 0, 0, 0 };
		size_t lo = 0, hi = nt;

		/* The first entry of this contact: the newest touch. */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (by_contact(&last[mid], &key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < nt && last[lo].id == cs[i].id)
			on = last[lo].on;
		kith_vcard_write(&b, &cs[i], on);
	}
	*out = kith_buf_steal(&b);
	if (!*out) {
		rc = kith_nomem(ctx);
		goto out;
	}
	if (out_n)
		*out_n = n;
out:
	kith_buf_free(&b);
	free(last);
	kith_touch_list_free(ts, nt);
	kith_contact_list_free(cs, n);
	return rc;
}
