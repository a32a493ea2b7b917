/* SPDX-License-Identifier: MIT */
/*
 * The sync engine's state for one attempt, and what its parts share:
 * sync.c (loading, listing, the attempt loop), quiet.c (a sync with
 * nothing to do), settle.c (intents, foreign resources, detection),
 * plan.c (what to write) and write.c (send, read back, confirm).
 */
#ifndef KITH_SYNC_ENGINE_H
#define KITH_SYNC_ENGINE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "ctx.h"
#include "detect.h"
#include "ical.h"
#include "plan.h"
#include "store/sync-state.h"
#include "strset.h"
#include "target.h"
#include "test-hooks.h"

struct engine {
	struct kith_store *store;
	struct kith_target *t;
	struct kith_ctx *ctx;
	const struct kith_sync_options *o;
	const struct kith_sync_hooks *hooks; /* NULL: none */
	struct kith_sync_result *res;
	int64_t target_id;
	time_t now;

	struct kith_contact *contacts;
	size_t n_contacts;
	struct kith_tier *tiers;
	size_t n_tiers;
	struct kith_touch *last; /* newest touch per contact, by contact id */
	size_t n_last;

	struct kith_rstate *rs; /* by contact id; creates appended */
	size_t n_rs, n_rs_loaded, cap_rs;
	uint64_t *rs_was;              /* digests of the rows as loaded */
	struct kith_strset rs_by_name; /* the loaded rows' resource names -> row */
	int rs_by_name_built;
	int rs_by_name_stale; /* a loaded row was renamed since it was built */
	char *rs_gone;        /* per rs: row removed this attempt */
	long *rs_listed;      /* per rs: index in the listing, -1 if absent */
	char *held_now;       /* per rs: held back by this attempt (kith_sync_hold) */

	struct kith_titem *old_items;
	size_t n_old_items;
	struct kith_titem *items;      /* the new cache of foreign resources */
	struct kith_todos *item_todos; /* parsed, for new or changed ones */
	size_t n_items;
	int new_foreign;

	struct kith_listing listing;
	struct kith_fetched *fetched; /* parallel to the listing */

	struct kith_sync_plan plan; /* this attempt's; the writer marks its writes done */

	int attempt;        /* 0-based; the last one holds what still conflicts */
	int last_attempt;   /* this is the last attempt of the sync */
	int flush_conflict; /* the target changed as a whole during the writes */
	/* Contacts whose create was refused and renamed in this sync (all attempts). */
	int64_t *renamed;
	size_t n_renamed, cap_renamed;
	int listed;          /* the listing was taken by the quiet check */
	int stale;           /* listed, then gone before it could be read */
	int64_t planned_gen; /* the store's generation the plan covered */
};

/* *slot becomes a copy of value (NULL too); -1 when out of memory. */
static inline int replace(char **slot, const char *value)
{
	char *copy = NULL;

	if (value && !(copy = strdup(value)))
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

/* rows.c */
enum kith_status kith_sync_act(struct engine *e, enum kith_sync_action_kind kind,
			       const struct kith_contact *c, const char *resource,
			       struct kith_date date, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
int kith_sync_fault(struct engine *e, const char *step);
const struct kith_contact *kith_sync_contact(const struct engine *e, int64_t id);
/*
 * Holds row ri back with a reason (printf-style): recorded on the row
 * (with since when), reported as a KITH_SYNC_HOLD action, counted once
 * per attempt.  The rest of the sync goes on (RELIABILITY rule 22).
 */
enum kith_status kith_sync_hold(struct engine *e, size_t ri, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Row ri synced: whatever held it before is forgotten (unless this attempt held it). */
void kith_sync_unhold(struct engine *e, size_t ri);
struct kith_cadence kith_sync_cadence(struct engine *e, const struct kith_contact *c);
long kith_sync_row_of_contact(struct engine *e, int64_t id);
int kith_sync_row_by_name(struct engine *e, const char *name);
const struct kith_titem *kith_sync_old_item(struct engine *e, const char *name);
const char *kith_sync_server_bytes(struct engine *e, size_t ri);
char *kith_sync_plan_key(const struct engine *e, int64_t gen);
/* A digest of a row's content, to save only the rows that changed. */
uint64_t kith_sync_row_digest(const struct kith_rstate *r);
int kith_sync_row_changed(const struct engine *e, size_t i);
int kith_sync_items_changed(const struct engine *e);

/* list.c */
enum kith_status kith_sync_list_target(struct engine *e);
enum kith_status kith_sync_complete_listing(struct engine *e, struct kith_listing *known);
int kith_sync_same_listing(const struct kith_listing *got, const struct kith_listing *known);
enum kith_status kith_sync_list_and_fetch(struct engine *e);

/* sync.c */
enum kith_status kith_sync_load(struct engine *e);
void kith_sync_unload(struct engine *e);

/* quiet.c */
enum kith_status kith_sync_try_quiet(struct engine *e, int *quiet);
enum kith_status kith_sync_save_plan_key(struct engine *e, int64_t gen);

/* settle.c */
enum kith_status kith_sync_add_row(struct engine *e, const struct kith_contact *c,
				   const char *resource, long li, struct kith_rstate **out);
enum kith_status kith_sync_sort_foreign(struct engine *e);
int kith_sync_master_of(struct engine *e, const char *bytes, const char *uid, struct kith_date *due,
			int *seq);
enum kith_status kith_sync_settle(struct engine *e, int *skip);
/* Appends a line to a newline-separated list unless it is there; -1: out of memory. */
int kith_sync_append_line(char **list, const char *line);

/* adopt.c: the row ri moves onto the foreign resource `name` that carries its series on. */
enum kith_status kith_sync_adopt(struct engine *e, const struct kith_contact *c, size_t ri,
				 const char *name);

/* write.c */
enum kith_status kith_sync_record(struct engine *e);
enum kith_status kith_sync_send(struct engine *e, int *conflicts);
enum kith_status kith_sync_read_back(struct engine *e);
enum kith_status kith_sync_confirm(struct engine *e, int *conflicts);
enum kith_status kith_sync_describe(struct engine *e);

#endif
