/* SPDX-License-Identifier: MIT */
/*
 * Private: growing an array by doubling, in one place.  The hand-written
 * `cap ? cap * 2 : N` loops each got the overflow check differently (or
 * not at all); this one checks it and caps the size.
 */
#ifndef KITH_ARRAY_H
#define KITH_ARRAY_H

#include <stddef.h>
#include <stdint.h>

#include <kith/common.h>

/*
 * No array grows beyond this many bytes: pointer differences inside it
 * must stay defined, and no request can wrap the size computation.
 */
#define KITH_ARRAY_MAX_BYTES ((size_t)PTRDIFF_MAX)

/*
 * Makes room for at least `need` items of elem_size bytes in the array
 * whose pointer is at items_ptr (a `T **`, given as void * so any T fits)
 * and whose capacity in items is *cap.  The capacity starts at `first`
 * (1 if 0) and doubles until it holds need.  KITH_OK, or KITH_ERR_NOMEM
 * when realloc fails or the array would pass KITH_ARRAY_MAX_BYTES; on
 * failure the array and *cap are unchanged and still valid, so a caller
 * that goes on and checks once at the end loses nothing.
 * Use KITH_GROW, which takes the pointer and the element size itself.
 */
enum kith_status kith_grow(void *items_ptr, size_t *cap, size_t need, size_t elem_size,
			   size_t first);

/* KITH_GROW(list->items, list->cap, list->n + 1, 16) */
#define KITH_GROW(items, cap, need, first) \
	kith_grow(&(items), &(cap), (need), sizeof(*(items)), (first))

#endif
