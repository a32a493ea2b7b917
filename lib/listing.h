/* SPDX-License-Identifier: MIT */
/*
 * Private: what a target lists and fetches, as the sync engine receives it.
 * Plain containers with no I/O, so that the engine and every backend share
 * them without depending on one another.
 */
#ifndef KITH_LISTING_H
#define KITH_LISTING_H

#include <stddef.h>

#include <kith/common.h>

struct kith_listing {
	char **names;
	char **tags;
	size_t n, cap;
	/*
	 * 1 when the listing cannot prove an absence (a CalDAV server forgot
	 * our sync token and answered with a fresh full listing): nothing
	 * missing from it is taken as deleted in this sync.
	 */
	int partial;
	/*
	 * 1 when the target listed only what changed since the state it was
	 * loaded with (CalDAV sync-collection from a token): names/tags are the
	 * resources added or changed, gone[] the ones removed.  An empty delta
	 * proves nothing changed; kith_listing_apply() makes it complete.
	 */
	int delta;
	char **gone;
	size_t n_gone, cap_gone;
	/*
	 * What the target said that was not taken (an href outside the
	 * collection, an ETag that is no header value): one line each, for
	 * the user, on every sync that sees it (RELIABILITY rule 23).
	 */
	char **notes;
	size_t n_notes, cap_notes;
};

struct kith_fetched {
	char *bytes; /* NULL: not there, or not readable (error says why) */
	size_t len;
	char *tag;
	/*
	 * Set when the resource is there but cannot be read (larger than
	 * kith reads, an answer that does not parse, a name outside the
	 * collection): a reason for people.  The engine holds that one item
	 * back and syncs the others (rule 22).
	 */
	char *error;
};

void kith_listing_clear(struct kith_listing *l);
void kith_fetched_clear(struct kith_fetched *f);

/* Adds one entry (copies). KITH_OK or KITH_ERR_NOMEM (no message: no ctx here). */
enum kith_status kith_listing_add(struct kith_listing *l, const char *name, const char *tag);
/* As kith_listing_add, but takes the strings (malloc'd); on failure they are still the caller's. */
enum kith_status kith_listing_take(struct kith_listing *l, char *name, char *tag);
/* Appends a note (printf-style). KITH_OK or KITH_ERR_NOMEM. */
enum kith_status kith_listing_note(struct kith_listing *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A fetched item's error (printf-style), replacing any. KITH_OK or KITH_ERR_NOMEM. */
enum kith_status kith_fetched_fail(struct kith_fetched *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* 1 when tag may be sent back as an If-Match value: no control character, not empty. */
int kith_tag_is_valid(const char *tag);
/* Records a removal in a delta (copies). KITH_OK or KITH_ERR_NOMEM. */
enum kith_status kith_listing_gone(struct kith_listing *l, const char *name);
/*
 * A delta made complete: what was known minus what is gone or changed,
 * in known's order, then the delta's entries.  KITH_OK, or KITH_ERR_NOMEM
 * with *l unchanged.
 */
enum kith_status kith_listing_apply(struct kith_listing *l, const struct kith_listing *known);

/* A content hash as a version tag (FNV-1a 64, hex). Ownership: free(). */
char *kith_content_tag(const char *bytes, size_t len);

#endif
