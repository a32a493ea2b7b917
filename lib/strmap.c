/* SPDX-License-Identifier: MIT */
/* A string -> index hash map: open addressing, keys owned, the first value kept. */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "strmap.h"

void kith_strmap_free(struct kith_strmap *ix)
{
	for (size_t i = 0; i < ix->cap; i++)
		free(ix->keys[i]);
	free(ix->keys);
	free(ix->vals);
	memset(ix, 0, sizeof(*ix));
}

/* The value of key, or (size_t)-1. */
size_t kith_strmap_get(const struct kith_strmap *ix, const char *key)
{
	if (!ix->cap || !key)
		return (size_t)-1;
	for (size_t i = kith_hash_str(key) & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
		if (!ix->keys[i])
			return (size_t)-1;
		if (!strcmp(ix->keys[i], key))
			return ix->vals[i];
	}
}

static enum kith_status grow(struct kith_strmap *ix)
{
	struct kith_strmap big;

	big.cap = ix->cap ? ix->cap * 2 : 256;
	big.n = ix->n;
	big.keys = calloc(big.cap, sizeof(*big.keys));
	big.vals = calloc(big.cap, sizeof(*big.vals));
	if (!big.keys || !big.vals) {
		free(big.keys);
		free(big.vals);
		return KITH_ERR_NOMEM;
	}
	for (size_t i = 0; i < ix->cap; i++) {
		size_t j;

		if (!ix->keys[i])
			continue;
		j = kith_hash_str(ix->keys[i]) & (big.cap - 1);
		while (big.keys[j])
			j = (j + 1) & (big.cap - 1);
		big.keys[j] = ix->keys[i];
		big.vals[j] = ix->vals[i];
	}
	free(ix->keys);
	free(ix->vals);
	*ix = big;
	return KITH_OK;
}

/* Adds key (taking it) unless present; the first value stays. */
enum kith_status kith_strmap_put(struct kith_strmap *ix, char *key, size_t val)
{
	size_t i;

	if (!key)
		return KITH_ERR_NOMEM;
	if ((ix->n + 1) * 2 > ix->cap && grow(ix)) {
		free(key);
		return KITH_ERR_NOMEM;
	}
	for (i = kith_hash_str(key) & (ix->cap - 1); ix->keys[i]; i = (i + 1) & (ix->cap - 1)) {
		if (!strcmp(ix->keys[i], key)) {
			free(key);
			return KITH_OK;
		}
	}
	ix->keys[i] = key;
	ix->vals[i] = val;
	ix->n++;
	return KITH_OK;
}
