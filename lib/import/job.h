/* SPDX-License-Identifier: MIT */
/*
 * Private to lib/import/: the state of one import and what its parts
 * share (job.c).  import.c runs the job (kith/import.h describes the rules),
 * keys.c keys records (a string index, normal forms of names, emails and
 * phones), match.c dedupes and merges them with the store, spread.c
 * spreads the new contacts' first reminders.
 */
#ifndef KITH_IMPORT_JOB_H
#define KITH_IMPORT_JOB_H

#include <kith/import.h>

#include "card.h"
#include "strmap.h"

/* Normal forms for matching. Ownership: free(); NULL: no memory. */
char *import_norm_name(const char *name);
char *import_norm_email(const char *s);
/* 1 when l holds the phone number p (digits compared). */
int import_has_phone(const struct kith_strlist *l, const char *p);
/*
 * 1 when two names clearly belong to different people: both have words
 * and share none ("Anna Berg" and "A. Berg" share "berg").  NULL or a
 * name without words never differs.
 */
int import_names_differ(const char *a, const char *b);
/* Line breaks and tabs in s become spaces, in place. */
void import_flatten(char *s);

struct entry {
	struct kith_contact c;
	struct kith_date last_touch; /* newest touch known (stored or queued) */
	int is_new;
	int dirty;
};

enum outcome { O_NONE = 0, O_NEW, O_MERGED, O_UNCHANGED };

struct pending_touch {
	size_t entry;
	size_t record;
	struct kith_date on;
	char *key;
};

struct job {
	struct kith_store *store;
	struct kith_ctx *ctx;
	const struct kith_import_options *opts;
	struct kith_import_summary *sum;
	struct kith_card_list cards;
	struct entry *entries;
	size_t n_entries, cap_entries;
	struct kith_strmap by_uid, by_email, by_name;
	struct kith_strmap only_emails, only_names;
	struct kith_tier *tiers;
	size_t n_tiers;
	const char *tier;       /* the import's tier (borrowed from tiers or opts) */
	char *default_tier;     /* owned, from the store */
	enum outcome *outcomes; /* per record */
	struct pending_touch *touches;
	size_t n_touches, cap_touches;
};

/* A tier of the store by name (job.c); NULL: none. */
const struct kith_tier *import_find_tier(const struct job *j, const char *name);

/* The store's contacts as entries, indexed, with their newest touches. */
enum kith_status import_load_store(struct job *j);
/* The entry the record is a duplicate of, or (size_t)-1, in *out. */
enum kith_status import_find_match(struct job *j, const struct kith_card *card, size_t *out);
/* Merge a record into entry i: only additions and empty fields.  *changed is set. */
enum kith_status import_merge(struct job *j, size_t i, struct kith_card *card, int *changed);
/* A new entry from a record (its strings move over). */
enum kith_status import_add_new(struct job *j, struct kith_card *card, size_t *out);

/* The first reminders of the new contacts, spread out (kith/import.h, step 5). */
enum kith_status import_spread(struct job *j);

#endif
