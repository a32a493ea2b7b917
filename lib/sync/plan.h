/* SPDX-License-Identifier: MIT */
/*
 * The plan: what a sync writes to the target and records, decided from
 * data alone -- the rows loaded and settled in tx 1, the listing and the
 * bytes fetched, the options.  Nothing here calls the store or a target,
 * so every decision can be tested on rows built by hand
 * (tests/unit/test-plan.c).  The engine applies the plan: it records the
 * intents in tx 1, then the writer sends them (write.c).
 */
#ifndef KITH_SYNC_PLAN_H
#define KITH_SYNC_PLAN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <kith/sync.h>

#include "buf.h"
#include "ctx.h"
#include "store/sync-state.h"
#include "target.h"

struct kith_sync_plan_input {
	const struct kith_contact *contacts; /* all of them, archived ones too */
	size_t n_contacts;
	const struct kith_tier *tiers;
	size_t n_tiers;
	const struct kith_touch *last; /* the newest touch per contact, by contact id */
	size_t n_last;
	/* One row per reminder: [0, n_sorted) by contact id, the rows added since after them. */
	const struct kith_rstate *rows;
	size_t n_rows, n_sorted;
	const long *listed; /* per row: its index in the listing, -1 if absent */
	const char *gone;   /* per row: removed this attempt */
	const int *skip;    /* per row: left untouched (unreadable, maybe gone) */
	const struct kith_listing *listing;
	const struct kith_fetched *fetched; /* parallel to the listing: what was read */
	const struct kith_sync_options *o;
	time_t now;
	const char *target_url; /* for messages */
	/* Agreed reminders, and those the listing lacked before detection (rule 9). */
	size_t expected, missing;
};

enum kith_sync_op { KITH_SYNC_OP_CREATE, KITH_SYNC_OP_UPDATE, KITH_SYNC_OP_DELETE };

struct kith_sync_write {
	/* In the input's rows; n_rows + k: the plan's k-th new row (new_rows[k]). */
	size_t row;
	enum kith_sync_op op;
	char *bytes;       /* what to send, recorded first as the intent; NULL: a delete */
	char *if_match;    /* the tag last seen; NULL for a create (If-None-Match: *) */
	char *fingerprint; /* of what is sent; NULL for a delete */
	/* Filled by the writer. */
	char *tag; /* after the write; NULL: fetch to learn it */
	int ok, conflict;
	int refused; /* a create the server refused for its UID: write it under a fresh one */
	char *error; /* why this one write failed (the others went on); NULL: it did not */
};

enum kith_sync_edit_kind {
	KITH_SYNC_EDIT_FINGERPRINT, /* the target already agrees: remember that */
	KITH_SYNC_EDIT_REMOVE,      /* the row is forgotten (its reminder is gone) */
	KITH_SYNC_EDIT_HOLD,        /* the row needs a write kith cannot make safely */
};

struct kith_sync_edit {
	size_t row;
	enum kith_sync_edit_kind kind;
	char *fingerprint; /* FINGERPRINT: the one to remember; HOLD: the reason */
};

struct kith_sync_plan {
	struct kith_sync_write *writes; /* in the order they are sent */
	size_t n_writes;
	/*
	 * Contacts (indices into the input) that get a new row, named by the
	 * target from their UID when the plan is applied, before anything is
	 * sent.  A create also makes its row's state "ok".
	 */
	size_t *new_rows;
	size_t n_new_rows;
	struct kith_sync_edit *edits;
	size_t n_edits;
	struct kith_sync_action *actions; /* what the user is told, in order */
	size_t n_actions;
	long unchanged, paused;
};

/*
 * Plans every contact, in the input's order, then checks that it deletes
 * no more than a few reminders (unless o->force).  On failure *out holds
 * what was planned so far (its actions are still reported).
 * Ownership: kith_sync_plan_clear(out) in either case.
 */
enum kith_status kith_sync_plan_make(struct kith_ctx *ctx, const struct kith_sync_plan_input *in,
				     struct kith_sync_plan *out);
void kith_sync_plan_clear(struct kith_sync_plan *plan);

/* The row of a contact's reminder, or -1 (see the input's rows). */
long kith_sync_plan_row_of(const struct kith_sync_plan_input *in, int64_t contact_id);

/* How many agreed reminders the listing lacks, before detection marks them deleted. */
void kith_sync_plan_count_missing(const struct kith_rstate *rows, size_t n, const long *listed,
				  size_t *expected, size_t *missing);

/* actions.c: the fingerprint of what a reminder says, to skip an unchanged one. */
char *kith_sync_fingerprint(const struct kith_reminder *r);
/* The content tag of what b holds; b is emptied.  NULL on allocation failure. */
char *kith_sync_tag_of_buf(struct kith_buf *b);

/* Appends an action to a list; on failure it is left half-filled, to be freed with the rest. */
enum kith_status kith_sync_action_vadd(struct kith_ctx *ctx, struct kith_sync_action **list,
				       size_t *n, enum kith_sync_action_kind kind,
				       const struct kith_contact *c, const char *resource,
				       struct kith_date date, const char *fmt, va_list ap)
	__attribute__((format(printf, 8, 0)));

#endif
