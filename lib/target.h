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
};

/* One conditional write of a batch. */
struct kith_put {
	const char *name;
	const char *bytes;
	size_t len;
	const char *if_match;     /* NULL: create */
	enum kith_status status;  /* out: KITH_OK, KITH_ERR_CONFLICT, ... */
	char *tag;                /* out: the new tag, or NULL (fetch to learn it) */
};

struct kith_fetched {
	char *bytes;       /* NULL: not there */
	size_t len;
	char *tag;
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
};

struct kith_target {
	const struct kith_target_ops *ops;
	struct kith_ctx *ctx;
	char *url;
	void *impl;
};

void kith_listing_clear(struct kith_listing *l);
void kith_fetched_clear(struct kith_fetched *f);

/* Adds one entry (copies). -1 on allocation failure. */
int kith_listing_add(struct kith_listing *l, const char *name, const char *tag);
/* As kith_listing_add, but takes the strings (malloc'd); on -1 they are still the caller's. */
int kith_listing_take(struct kith_listing *l, char *name, char *tag);
/* Records a removal in a delta (copies). -1 on allocation failure. */
int kith_listing_gone(struct kith_listing *l, const char *name);
/*
 * A delta made complete: what was known minus what is gone or changed,
 * in known's order, then the delta's entries.  -1 on allocation failure
 * (*l unchanged).
 */
int kith_listing_apply(struct kith_listing *l, const struct kith_listing *known);

/* A content hash as a version tag (FNV-1a 64, hex). Ownership: free(). */
char *kith_content_tag(const char *bytes, size_t len);

/* Read a whole file (capped). KITH_ERR_NOT_FOUND when absent. Ownership: free(*out). */
enum kith_status kith_read_file(struct kith_ctx *ctx, const char *path, size_t max, char **out,
				size_t *out_len);

/* A fully written, fsynced temporary file next to path. Ownership: free(*out_tmp). */
enum kith_status kith_write_temp(struct kith_ctx *ctx, const char *path, const char *bytes,
				 size_t len, char **out_tmp);
/* fsync the directory holding path, so renames and links in it are durable. */
void kith_fsync_dir_of(const char *path);

/* Write via a temporary file in the same directory, fsync, rename, fsync the directory. */
enum kith_status kith_write_atomic(struct kith_ctx *ctx, const char *path, const char *bytes,
				   size_t len);

/* An exclusive advisory lock on path (created 0600), waiting up to a few seconds. */
enum kith_status kith_lock_file(struct kith_ctx *ctx, const char *path, int *out_fd);

enum kith_status kith_target_file_open(struct kith_ctx *ctx, const char *path,
				       struct kith_target *t);
enum kith_status kith_target_vdir_open(struct kith_ctx *ctx, const char *path,
				       struct kith_target *t);
enum kith_status kith_target_caldav_open(struct kith_ctx *ctx, const char *url,
					 const struct kith_target_options *opts,
					 struct kith_target *t);

#endif
