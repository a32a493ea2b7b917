/* SPDX-License-Identifier: MIT */
/*
 * Private: what the store remembers per target for the sync engine.
 * Implemented in store/sync-state.c.
 */
#ifndef KITH_SYNC_STATE_H
#define KITH_SYNC_STATE_H

#include <kith/store.h>

/* A reminder on a target, as last agreed with it. */
struct kith_rstate {
	int64_t contact_id;
	char *resource; /* its name on the target, derived from the UID */
	char *uid;
	char *etag;                   /* version tag last seen; NULL: none yet */
	char *base;                   /* the bytes last agreed with the target; NULL: none yet */
	char *pending;                /* bytes being written (the intent); NULL: none */
	char *processed;              /* occurrences already logged, one "YYYY-MM-DD" per line */
	char *counted;                /* foreign copies already counted, one name per line */
	char *state;                  /* "ok", "deleted" (by the user: contact paused) */
	struct kith_date written_due; /* for people reading the store */
	char *fingerprint;            /* hash of the reminder content last written */
	/*
	 * Why the last sync held this reminder back (it could not read or
	 * write it); NULL: not held.  held_since: the UTC time it was first
	 * held, "YYYY-MM-DDTHH:MM:SSZ".
	 */
	char *held;
	char *held_since;
};

void kith_rstate_clear(struct kith_rstate *r);
void kith_rstate_list_free(struct kith_rstate *list, size_t n);

/* The id of a target by URL; created when `create` (else KITH_ERR_NOT_FOUND). */
enum kith_status kith_store_target_id(struct kith_store *store, const char *url, int create,
				      int64_t *out);

/* Every reminder on a target, by contact id. Ownership: kith_rstate_list_free(). */
enum kith_status kith_store_rstates_load(struct kith_store *store, int64_t target_id,
					 struct kith_rstate **out, size_t *out_n);
/* Insert or replace one. */
enum kith_status kith_store_rstate_save(struct kith_store *store, int64_t target_id,
					const struct kith_rstate *r);
enum kith_status kith_store_rstate_remove(struct kith_store *store, int64_t target_id,
					  int64_t contact_id);

/* A resource on a target that is not one of kith's reminders. */
struct kith_titem {
	char *name;
	char *tag;
	char *uid;
	int64_t contact_id; /* the contact whose reminder it copies; 0: none */
};

void kith_titem_list_free(struct kith_titem *list, size_t n);
enum kith_status kith_store_titems_load(struct kith_store *store, int64_t target_id,
					struct kith_titem **out, size_t *out_n);
/* Replaces the whole list for the target. */
enum kith_status kith_store_titems_save(struct kith_store *store, int64_t target_id,
					const struct kith_titem *items, size_t n);

/* A target's own state between syncs (opaque text; NULL: none). Ownership: free(*out). */
enum kith_status kith_store_target_state(struct kith_store *store, int64_t target_id, char **out);
/* Saves it (a no-op when unchanged). */
enum kith_status kith_store_set_target_state(struct kith_store *store, int64_t target_id,
					     const char *state);

/*
 * A sync with nothing to do.  The store's generation moves with every
 * change to what reminders are made of; a target remembers the key of
 * its last complete plan (generation and options).
 */
enum kith_status kith_store_generation(struct kith_store *store, int64_t *out);
/* 1 when the target's saved key is plan_key and no write intent is open. */
enum kith_status kith_store_sync_quiet(struct kith_store *store, int64_t target_id,
				       const char *plan_key, int *out);
/* Saves it (NULL: forget it). */
enum kith_status kith_store_set_plan_key(struct kith_store *store, int64_t target_id,
					 const char *plan_key);
/*
 * What the engine knows is on the target: its reminders with a version
 * and bytes (name, tag), then the foreign resources.  Only name and tag
 * are set.  Ownership: kith_titem_list_free().
 */
enum kith_status kith_store_known_items(struct kith_store *store, int64_t target_id,
					struct kith_titem **out, size_t *out_n);
/* The counts a sync reports when nothing changed. */
enum kith_status kith_store_quiet_counts(struct kith_store *store, int64_t target_id,
					 long *unchanged, long *paused);

#endif
