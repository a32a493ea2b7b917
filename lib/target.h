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

/* What the events op hands its caller (kith scan), resource by resource. */
struct kith_event_reader {
	/*
	 * One event resource (href path; bytes borrowed during the call);
	 * changed: listed as changed since the token, else only asked for.
	 */
	enum kith_status (*resource)(const char *href, const char *bytes, size_t len, int changed,
				     void *arg);
	/* One the server has but kith cannot read (too large, ...): why. */
	enum kith_status (*unreadable)(const char *href, const char *why, void *arg);
	/* One gone since the token, or asked for and not there. */
	enum kith_status (*gone)(const char *href, void *arg);
	void *arg;
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
	/*
	 * Optional (kith scan): the account's calendars that take events, not
	 * the target's own.  Ownership: kith_calendar_list_free(*out, *out_n).
	 */
	enum kith_status (*event_calendars)(struct kith_target *t, struct kith_calendar **out,
					    size_t *out_n);
	/*
	 * Optional: every resource of the calendar at url changed since
	 * *token (NULL or "": all of them), and those named in also[0..n_also)
	 * (href paths) whether changed or not, each through rd.  *token is
	 * replaced by the server's new one (NULL: it has no sync-collection).
	 * Ownership: free(*token).
	 */
	enum kith_status (*events)(struct kith_target *t, const char *url, char **token,
				   const char *const *also, size_t n_also,
				   const struct kith_event_reader *rd);
};

struct kith_target {
	const struct kith_target_ops *ops;
	struct kith_ctx *ctx;
	char *url;
	void *impl;
};

/* The ops above, or "not a CalDAV server" for a target without them. */
enum kith_status kith_target_event_calendars(struct kith_target *t, struct kith_calendar **out,
					     size_t *out_n);
enum kith_status kith_target_events(struct kith_target *t, const char *url, char **token,
				    const char *const *also, size_t n_also,
				    const struct kith_event_reader *rd);

/* The backends, in lib/target/: each fills in t->ops and t->impl. */
enum kith_status kith_target_file_open(struct kith_ctx *ctx, const char *path,
				       struct kith_target *t);
enum kith_status kith_target_vdir_open(struct kith_ctx *ctx, const char *path,
				       struct kith_target *t);
enum kith_status kith_target_caldav_open(struct kith_ctx *ctx, const char *url,
					 const struct kith_target_options *opts,
					 struct kith_target *t);

#endif
