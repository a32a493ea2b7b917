/* SPDX-License-Identifier: MIT */
/*
 * kith/store.h - the local store (one SQLite file).
 *
 * The store is the source of truth for contacts, tiers and the touch log.
 * Callers group the changes of one user command in one transaction
 * (kith_store_begin / _commit / _rollback), so a crash leaves the store
 * before or after the command, never between.  Touches are append-only:
 * the store refuses to update or delete them.
 */
#ifndef KITH_STORE_H
#define KITH_STORE_H

#include <kith/contact.h>

#ifdef __cplusplus
extern "C" {
#endif

struct kith_store;

/* The schema version this library writes. */
#define KITH_SCHEMA_VERSION 11

/*
 * Open (creating if needed) the store at path.  A new file is created with
 * mode 0600 and its missing parent directory with mode 0700.  An older
 * schema is migrated (after copying the file to PATH.bak-vN); a newer one
 * is KITH_ERR_SCHEMA.  The store keeps ctx for its error messages.
 * Ownership: the caller closes *out with kith_store_close().
 */
KITH_API enum kith_status kith_store_open(struct kith_ctx *ctx, const char *path,
					  struct kith_store **out);
/* Rolls back an open transaction. NULL is fine. */
KITH_API void kith_store_close(struct kith_store *store);

/* Borrowed: the path the store was opened with. */
KITH_API const char *kith_store_path(const struct kith_store *store);

/* Schema version found in the file (after migration: KITH_SCHEMA_VERSION). */
KITH_API int kith_store_schema_version(const struct kith_store *store);

/* One write transaction (BEGIN IMMEDIATE): KITH_ERR_BUSY if another kith holds it. */
KITH_API enum kith_status kith_store_begin(struct kith_store *store);
KITH_API enum kith_status kith_store_commit(struct kith_store *store);
KITH_API void kith_store_rollback(struct kith_store *store);

/*
 * Create the default tiers (core 2m, regular 3m, outer 6m, annual 1y) if
 * the store has no tier yet.  *out_created (may be NULL) is 1 when it did.
 */
KITH_API enum kith_status kith_store_init_defaults(struct kith_store *store, int *out_created);

/* 1 once kith_store_init_defaults() or kith_store_set_tier() has run. */
KITH_API int kith_store_is_initialized(struct kith_store *store);

/* Key/value settings kept in the store (e.g. "default_tier"). */
KITH_API enum kith_status kith_store_get_meta(struct kith_store *store, const char *key,
					      char **out_value);
KITH_API enum kith_status kith_store_set_meta(struct kith_store *store, const char *key,
					      const char *value);

/* ---- tiers ---- */

/* Ownership: *out (n elements) is freed with kith_tier_list_free(). */
KITH_API enum kith_status kith_store_list_tiers(struct kith_store *store, struct kith_tier **out,
						size_t *out_n);
/* KITH_ERR_NOT_FOUND if there is no such tier. Ownership: kith_tier_free(). */
KITH_API enum kith_status kith_store_get_tier(struct kith_store *store, const char *name,
					      struct kith_tier **out);
/* Create or change a tier; description NULL keeps the current one. */
KITH_API enum kith_status kith_store_set_tier(struct kith_store *store, const char *name,
					      struct kith_cadence cadence, const char *description);
/* KITH_ERR_IN_USE while contacts (archived ones included) are in it. */
KITH_API enum kith_status kith_store_remove_tier(struct kith_store *store, const char *name);

/* ---- contacts ---- */

/*
 * Add a contact.  name and tier are required and the tier must exist;
 * an unset `added` becomes today.  On success contact->id and
 * contact->uid are filled in.
 */
KITH_API enum kith_status kith_store_add_contact(struct kith_store *store,
						 struct kith_contact *contact);

/* Replace every field of the contact with that id (id and uid are kept). */
KITH_API enum kith_status kith_store_update_contact(struct kith_store *store,
						    const struct kith_contact *contact);

/* Ownership: kith_contact_free(*out). */
KITH_API enum kith_status kith_store_get_contact(struct kith_store *store, int64_t id,
						 struct kith_contact **out);

struct kith_contact_filter {
	const char *tier;             /* NULL: every tier */
	int include_archived;         /* 0: active contacts only */
	struct kith_date added_since; /* unset: no bound */
};

/* Sorted by name.  Ownership: kith_contact_list_free(*out, *out_n). */
KITH_API enum kith_status kith_store_list_contacts(struct kith_store *store,
						   const struct kith_contact_filter *filter,
						   struct kith_contact **out, size_t *out_n);

/*
 * Find one contact from what a user typed: a numeric id, an email
 * (case-insensitive) or a case-insensitive part of the name (an exact
 * full-name match wins over partial ones).  Archived contacts are found too.
 * No match: KITH_ERR_NOT_FOUND.  Several: KITH_ERR_AMBIGUOUS, and
 * the candidates (if out_candidates is not NULL) list them.
 * Ownership: kith_contact_free(*out); kith_contact_list_free() the candidates.
 */
KITH_API enum kith_status kith_store_resolve_contact(struct kith_store *store, const char *query,
						     struct kith_contact **out,
						     struct kith_contact **out_candidates,
						     size_t *out_n_candidates);

/* ---- touches ---- */

/*
 * Append a touch.  touch->contact_id must exist.  A touch whose
 * source_key is already logged is KITH_ERR_EXISTS (and nothing is written),
 * which makes calendar and import touches idempotent.  Sets touch->id.
 * A touch that is not from an import clears the contact's first_due.
 */
KITH_API enum kith_status kith_store_add_touch(struct kith_store *store, struct kith_touch *touch);

struct kith_touch_filter {
	int64_t contact_id;    /* 0: every contact */
	struct kith_date from; /* unset: no bound; inclusive */
	struct kith_date to;   /* unset: no bound; inclusive */
};

/* Newest first.  Ownership: kith_touch_list_free(*out, *out_n). */
KITH_API enum kith_status kith_store_list_touches(struct kith_store *store,
						  const struct kith_touch_filter *filter,
						  struct kith_touch **out, size_t *out_n);

/* Record a snooze (kept as history) and set the contact's snoozed_until. */
KITH_API enum kith_status kith_store_snooze(struct kith_store *store, int64_t contact_id,
					    struct kith_date until);

/* ---- candidates: people kith scan found who are not contacts ---- */

/*
 * What `kith scan` found of a person who is not a contact, one row per
 * address, counted from the evidence kept mail by mail (and meeting by
 * meeting): that evidence becomes the contact's touches when the address
 * is given to a contact (kith_store_claim_evidence).
 */
struct kith_candidate {
	char *address;
	char *name; /* the display name of the newest mail that had one; may be NULL */
	struct kith_date first, last;
	long mails_in, mails_out, meetings;
	long exchanges; /* all three together */
};

struct kith_candidate_filter {
	struct kith_date from, to; /* count only what is dated in [from, to]; unset: no bound */
	struct kith_date since;    /* only candidates last seen on or after it; unset: all */
	long min;                  /* only candidates with at least min exchanges */
	/* Addresses never listed (the user's own), case-insensitive; may be NULL. */
	const char *const *exclude;
	size_t n_exclude;
};

/*
 * The candidates, most exchanges first (then the most recent, then by
 * address): the people the user deals with most are the ones worth
 * adding.  filter may be NULL.  Ownership: kith_candidate_list_free().
 */
KITH_API enum kith_status kith_store_list_candidates(struct kith_store *store,
						     const struct kith_candidate_filter *filter,
						     struct kith_candidate **out, size_t *out_n);
KITH_API void kith_candidate_list_free(struct kith_candidate *list, size_t n);

/*
 * The evidence kept for every email of contact id becomes its touches
 * (found by kith scan, keyed as a scan would have keyed them, so a
 * touch already logged is not logged again) and leaves the candidates.
 * Call it whenever a contact gains an email; *out_moved (may be NULL) is
 * the number of touches logged.
 */
KITH_API enum kith_status kith_store_claim_evidence(struct kith_store *store, int64_t contact_id,
						    size_t *out_moved);

#ifdef __cplusplus
}
#endif

#endif
