/* SPDX-License-Identifier: MIT */
/* Private: shared between the model, the store and the report builders. */
#ifndef KITH_MODEL_H
#define KITH_MODEL_H

#include <kith/report.h>

void kith_contact_clear(struct kith_contact *c);
void kith_touch_clear(struct kith_touch *t);

/* The context a store reports its failures through. */
struct kith_ctx *kith_store_ctx(struct kith_store *store);

/*
 * One active contact with what the schedule needs, as the report query
 * returns it.  Every pointer is borrowed and valid only during the callback.
 */
struct kith_scan_row {
	int64_t id;
	const char *name;
	const char *tier;
	struct kith_cadence cadence; /* effective */
	const char *via;
	const char *email;
	const char *phone;
	struct kith_date added;
	struct kith_date snoozed_until;
	struct kith_date first_due;
	int paused;
	struct kith_date last_touch;
	const char *last_channel;
	const char *last_note;
};

/*
 * Call fn for every active contact (in tier `tier` unless NULL), with its
 * newest touch, in one query.  fn returns KITH_OK to go on.
 */
enum kith_status kith_store_scan(struct kith_store *store, const char *tier,
				 enum kith_status (*fn)(const struct kith_scan_row *row, void *arg),
				 void *arg);

/* The random tag of this store, part of every reminder UID. Borrowed. */
const char *kith_store_tag(struct kith_store *store);

#endif
