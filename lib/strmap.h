/* SPDX-License-Identifier: MIT */
/*
 * Private: a map from strings to indexes, for lookups while it is being
 * filled (an import's identities, a calendar file's UIDs).  kith_strset
 * is the sorted, built-once kind.  Zero-initialised is empty.
 */
#ifndef KITH_STRMAP_H
#define KITH_STRMAP_H

#include <stddef.h>

#include <kith/common.h>

struct kith_strmap {
	char **keys;
	size_t *vals;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

/* What kith_strmap_get returns for a key not in the map. */
#define KITH_STRMAP_NONE ((size_t)-1)

/* The value of key, or KITH_STRMAP_NONE. */
size_t kith_strmap_get(const struct kith_strmap *m, const char *key);
/* Adds key (taking it; NULL: out of memory) unless present; the first value stays. */
enum kith_status kith_strmap_put(struct kith_strmap *m, char *key, size_t val);
void kith_strmap_free(struct kith_strmap *m);

#endif
