/* SPDX-License-Identifier: MIT */
/*
 * Private: what kith scan (lib/scan/) keeps in the store: per source what
 * was read, the message keys taken, the candidates, and the contacts by
 * address.  Implemented in store/scan-state.c.
 */
#ifndef KITH_STORE_SCAN_STATE_H
#define KITH_STORE_SCAN_STATE_H

#include <stdint.h>

#include <kith/store.h>

/*
 * An .ics source keeps its kith_ics_mark in the mbox columns (size in
 * mbox_offset, mtime in mbox_line, the hash in mbox_check): the same
 * question, "is this the file I read", without a schema change.
 */
struct kith_scan_state {
	int64_t id;
	int64_t mbox_offset;    /* mbox: the start of the last message read */
	long mbox_line;         /* its line number */
	uint64_t mbox_check;    /* kith_mbox_check()'s hash there; 0: none yet */
	int64_t scanned;        /* when it was last read (Unix time); saved: 0 is now */
	struct kith_date since; /* the earliest mail the source was read for; unset: all */
	int is_new;             /* never read before */
};

/* The state of (kind, path), created when it is new. */
enum kith_status kith_store_scan_source(struct kith_store *store, const char *kind,
					const char *path, struct kith_scan_state *out);
enum kith_status kith_store_scan_source_save(struct kith_store *store,
					     const struct kith_scan_state *state);
/* Forget which files of the source were read, and its pending resources (it is read again from the
 * start). */
enum kith_status kith_store_scan_source_reset(struct kith_store *store, int64_t id);

/* *seen 1 when the Maildir file `name` of source id was read. */
enum kith_status kith_store_scan_file_seen(struct kith_store *store, int64_t id, const char *name,
					   int *seen);
enum kith_status kith_store_scan_file_add(struct kith_store *store, int64_t id, const char *name);

/*
 * A CalDAV calendar's resources (hrefs) with a meeting that was still to
 * come, due by now (Unix time): to be read again though they did not
 * change.  Ownership: free() each of (*out)[0..*out_n) and *out.
 */
enum kith_status kith_store_scan_pending_due(struct kith_store *store, int64_t id, int64_t now,
					     char ***out, size_t *out_n);
/* href's next meeting starts at due; 0: it has none (forgotten). */
enum kith_status kith_store_scan_pending_set(struct kith_store *store, int64_t id, const char *href,
					     int64_t due);

/* A CalDAV calendar's sync token (NULL: none yet).  Ownership: free(*out). */
enum kith_status kith_store_scan_token(struct kith_store *store, int64_t id, char **out);
/* token NULL: forget it (the next scan reads the whole calendar). */
enum kith_status kith_store_scan_token_set(struct kith_store *store, int64_t id, const char *token);

/* Takes a message key: *was_seen 1 (and nothing written) when it was taken before. */
enum kith_status kith_store_scan_take(struct kith_store *store, const char *key, int *was_seen);

/*
 * The contact with address addr (case-insensitive; the lowest id if
 * several): KITH_ERR_NOT_FOUND without one.  Ownership: free(*name).
 */
enum kith_status kith_store_contact_by_email(struct kith_store *store, const char *addr,
					     int64_t *id, char **name);

/*
 * The key of the touch that message msg_key makes with a contact: one
 * message, several contacts, a touch each.  Ownership: free(); NULL: no
 * memory.
 */
char *kith_store_scan_touch_key(const char *msg_key, int64_t contact_id);

/* What one message (or meeting) shows of someone who is not a contact. */
struct kith_evidence {
	const char *address;
	const char *name;    /* may be NULL */
	const char *msg_key; /* the message's key (scan_seen's): the touch adds "#<id>" */
	struct kith_date on;
	const char *at; /* ISO 8601 instant (UTC); may be NULL */
	enum kith_direction direction;
	const char *channel; /* "email", "meeting" */
	const char *found_in;
	const char *note; /* may be NULL */
};

/* Keeps ev until the address is a contact's; the same (address, key) twice is kept once. */
enum kith_status kith_store_candidate_add(struct kith_store *store, const struct kith_evidence *ev);

#endif
