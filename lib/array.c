/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "array.h"

enum kith_status kith_grow(void *items_ptr, size_t *cap, size_t need, size_t elem_size,
			   size_t first)
{
	size_t max, ncap;
	void *items, *p;

	if (need <= *cap)
		return KITH_OK;
	if (elem_size == 0)
		return KITH_ERR_INVALID;
	max = KITH_ARRAY_MAX_BYTES / elem_size;
	if (need > max)
		return KITH_ERR_NOMEM;
	ncap = *cap ? *cap : first ? first : 1;
	if (ncap > max)
		ncap = max;
	while (ncap < need)
		ncap = ncap > max / 2 ? max : ncap * 2;
	/*
	 * Through memcpy, not a `void **`: reading a `T *` as a `void *`
	 * would break the aliasing rules.
	 */
	memcpy(&items, items_ptr, sizeof(items));
	p = realloc(items, ncap * elem_size);
	if (!p)
		return KITH_ERR_NOMEM;
	memcpy(items_ptr, &p, sizeof(p));
	*cap = ncap;
	return KITH_OK;
}
