/* SPDX-License-Identifier: MIT */
/*
 * Private: what the rest of lib/ asks of the store beyond the public
 * <kith/store.h> (the report, the import and the sync engine).
 * Implemented in lib/store/; the sync state has its own header,
 * store/sync-state.h.
 */
#ifndef KITH_STORE_STORE_H
#define KITH_STORE_STORE_H

#include <kith/store.h>

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
 * Call fn for every active contact (in tier `tier` unless NULL), in id
 * order, with its newest touch and first email and phone.  fn returns KITH_OK to go on.
 */
enum kith_status kith_store_scan(struct kith_store *store, const char *tier,
				 enum kith_status (*fn)(const struct kith_scan_row *row, void *arg),
				 void *arg);

/*
 * Many writes under one savepoint instead of one each (an import):
 * end with the status of the work, which rolls it all back on failure.
 */
enum kith_status kith_store_bulk_begin(struct kith_store *store);
enum kith_status kith_store_bulk_end(struct kith_store *store, enum kith_status rc);

/* The newest touch of every contact that has one, by contact id. */
enum kith_status kith_store_last_touches(struct kith_store *store, struct kith_touch **out,
					 size_t *out_n);

/*
 * Add a line below a contact's notes, in one statement: the engine's copy
 * of the contact may be older than the store's (a touch it just logged
 * cleared first_due), so it is not written back whole.
 */
enum kith_status kith_store_append_note(struct kith_store *store, int64_t contact_id,
					const char *line);

/*
 * The day of the newest mail or meeting kith scan found with email, in
 * either direction: a contact's scanned touch, or a candidate's evidence.
 * Unset when there is none.
 */
enum kith_status kith_store_newest_scanned(struct kith_store *store, const char *email,
					   struct kith_date *out);

/* kith_store_list_tiers() without the member counts (n_contacts is -1). */
enum kith_status kith_store_list_tiers_uncounted(struct kith_store *store, struct kith_tier **out,
						 size_t *out_n);

#endif
