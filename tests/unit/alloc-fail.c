/* SPDX-License-Identifier: MIT */
#include <stdint.h>

#include "alloc-fail.h"

/* Big enough for the largest import the loops run; a power of two. */
#define LIVE_SLOTS (1u << 18)
#define TOMBSTONE ((void *)1)

static void *live_table[LIVE_SLOTS];
long live_count;
long alloc_seen;
long fail_at;
int fail_hit;
int paused;

static size_t slot_of(void *p)
{
	uintptr_t x = (uintptr_t)p;

	x ^= x >> 17;
	x *= 0xed5ad4bbu;
	x ^= x >> 11;
	return (size_t)(x & (LIVE_SLOTS - 1));
}

static void live_add(void *p)
{
	size_t i = slot_of(p);

	if (!p)
		return;
	while (live_table[i] && live_table[i] != TOMBSTONE)
		i = (i + 1) & (LIVE_SLOTS - 1);
	live_table[i] = p;
	live_count++;
}

static void live_del(void *p)
{
	size_t i = slot_of(p);

	if (!p)
		return;
	for (size_t k = 0; k < LIVE_SLOTS && live_table[i]; k++) {
		if (live_table[i] == p) {
			live_table[i] = TOMBSTONE;
			live_count--;
			return;
		}
		i = (i + 1) & (LIVE_SLOTS - 1);
	}
	/* Not ours (allocated inside SQLite or libical): not tracked. */
}

static int inject(void)
{
	if (!fail_at || fail_hit || paused)
		return 0;
	if (++alloc_seen == fail_at) {
		fail_hit = 1;
		return 1;
	}
	return 0;
}

void *__wrap_malloc(size_t n)
{
	void *p;

	if (inject())
		return NULL;
	p = __real_malloc(n);
	live_add(p);
	return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
	void *p;

	if (inject())
		return NULL;
	p = __real_calloc(n, size);
	live_add(p);
	return p;
}

void *__wrap_realloc(void *p, size_t n)
{
	void *q;

	if (inject())
		return NULL;
	q = __real_realloc(p, n);
	if (q) {
		live_del(p);
		live_add(q);
	}
	return q;
}

char *__wrap_strdup(const char *s)
{
	char *p;

	if (inject())
		return NULL;
	p = __real_strdup(s);
	live_add(p);
	return p;
}

void __wrap_free(void *p)
{
	live_del(p);
	__real_free(p);
}
