/* SPDX-License-Identifier: MIT */
/*
 * Private: the target interface the sync engine drives.  A target lists
 * its resources with a version tag, fetches them, and writes them only
 * conditionally: create only if absent (If-None-Match: *), update and
 * delete only if the tag is still the one given (If-Match).  A lost race
 * is KITH_ERR_CONFLICT.  Local targets use a content hash as the tag.
 */
#ifndef KITH_TARGET_H
#define KITH_TARGET_H

#include <kith/sync.h>

#include "listing.h"

/* One conditional write of a batch. */
struct kith_put {
	const char *name;
	const char *bytes;
	size_t len;
	const char *if_match;    /* NULL: create */
	enum kith_status status; /* out: KITH_OK, KITH_ERR_CONFLICT, ... */
	char *tag;               /* out: the new tag, or NULL (fetch to learn it) */
	char *error;             /* out: why, when status is another error; free() */
};

struct kith_target_ops {
	const char *kind;
	/*
	 * A complete, authoritative listing (deletions are inferred from it),
	 * or a delta since the state given to load_state (out->delta).
	 */
	enum kith_status (*list)(struct kith_target *t, struct kith_listing *out);
	/* out[i] for names[i]. */
	enum kith_status (*fetch)(struct kith_target *t, const char *const *names, size_t n,
				  struct kith_fetched *out);
	/* if_match NULL: create.  *out_tag may come back NULL (fetch to learn it). */
	enum kith_status (*put)(struct kith_target *t, const char *name, const char *bytes,
				size_t len, const char *if_match, char **out_tag);
	enum kith_status (*del)(struct kith_target *t, const char *name, const char *if_match);
	/* Makes the writes durable (the single-file target writes here). */
	enum kith_status (*flush)(struct kith_target *t);
	/* The resource name for a UID. Ownership: free(). */
	char *(*resource_name)(struct kith_target *t, const char *uid);
	void (*close)(struct kith_target *t);
	/*
	 * Optional: several writes at once (each conditional, each with its
	 * own status in puts[i]); KITH_OK unless the batch could not run.
	 */
	enum kith_status (*put_many)(struct kith_target *t, struct kith_put *puts, size_t n);
	/*
	 * Optional: state kept in the store between syncs (what discovery
	 * found, a sync token).  load before list; save after it, in the
	 * transaction that records what the listing covers.
	 */
	enum kith_status (*load_state)(struct kith_target *t, const char *state);
	char *(*save_state)(struct kith_target *t);
	/*
	 * Optional: what only a server answers (kith calendars, kith check,
	 * kith sync -v).  NULL on local targets; target.c says so.
	 */
	enum kith_status (*calendars)(struct kith_target *t, struct kith_calendar **out,
				      size_t *out_n);
	enum kith_status (*check)(struct kith_target *t, struct kith_server_check *out);
	long (*request_count)(const struct kith_target *t);
};

struct kith_target {
	const struct kith_target_ops *ops;
	struct kith_ctx *ctx;
	char *url;
	void *impl;
};

/* The backends, in lib/target/: each fills in t->ops and t->impl. */
enum kith_status kith_target_file_open(struct kith_ctx *ctx, const char *path,
				       struct kith_target *t);
enum kith_status kith_target_vdir_open(struct kith_ctx *ctx, const char *path,
				       struct kith_target *t);
enum kith_status kith_target_caldav_open(struct kith_ctx *ctx, const char *url,
					 const struct kith_target_options *opts,
					 struct kith_target *t);

#endif
