/* SPDX-License-Identifier: MIT */
/*
 * Private: a set of strings, each with a value (an index, usually), built
 * once, sorted, then looked up by binary search.  The strings are borrowed
 * (they must outlive the set) or copied, as chosen at init.  A failed add
 * is sticky: later adds do nothing and kith_strset_seal() reports it, so
 * a builder checks once.
 */
#ifndef KITH_STRSET_H
#define KITH_STRSET_H

#include <stddef.h>

#include <kith/common.h>

struct kith_strset_entry {
	const char *str;
	size_t value;
	size_t seq; /* order of adding, so the first of equal strings wins */
};

struct kith_strset {
	struct kith_strset_entry *items;
	size_t n, cap;
	int copy;   /* strings are copied and freed with the set */
	int sealed; /* sorted, duplicates gone: lookups are binary searches */
	int failed;
};

/* What kith_strset_get returns for a string not in the set. */
#define KITH_STRSET_NONE ((size_t)-1)

#define KITH_STRSET_BORROW 0
#define KITH_STRSET_COPY 1

void kith_strset_init(struct kith_strset *s, int copy);

/*
 * Adds str with its value; NULL is skipped.  KITH_OK or KITH_ERR_NOMEM
 * (also for every add after a failed one).
 */
enum kith_status kith_strset_add(struct kith_strset *s, const char *str, size_t value);

/*
 * Sorts the set and keeps, of equal strings, the one added first.
 * KITH_ERR_NOMEM if any add failed (the set then holds what was added
 * before).  Adding after sealing is allowed; lookups are then linear
 * scans until the next seal: slow, never wrong.
 */
enum kith_status kith_strset_seal(struct kith_strset *s);

int kith_strset_has(const struct kith_strset *s, const char *str);
/* The value added with str, or KITH_STRSET_NONE. */
size_t kith_strset_get(const struct kith_strset *s, const char *str);

void kith_strset_free(struct kith_strset *s);

#endif
