/* SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "strset.h"

void kith_strset_init(struct kith_strset *s, int copy)
{
	memset(s, 0, sizeof(*s));
	s->copy = copy;
}

enum kith_status kith_strset_add(struct kith_strset *s, const char *str, size_t value)
{
	struct kith_strset_entry *e;
	const char *keep = str;

	if (s->failed)
		return KITH_ERR_NOMEM;
	if (!str)
		return KITH_OK;
	if (KITH_GROW(s->items, s->cap, s->n + 1, 16))
		goto fail;
	if (s->copy && !(keep = strdup(str)))
		goto fail;
	e = &s->items[s->n];
	e->str = keep;
	e->value = value;
	e->seq = s->n;
	s->n++;
	s->sealed = 0;
	return KITH_OK;
fail:
	s->failed = 1;
	return KITH_ERR_NOMEM;
}

static int by_str_then_seq(const void *a, const void *b)
{
	const struct kith_strset_entry *x = a, *y = b;
	int c = strcmp(x->str, y->str);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

enum kith_status kith_strset_seal(struct kith_strset *s)
{
	size_t j = 0;

	if (!s->sealed && s->n) {
		qsort(s->items, s->n, sizeof(*s->items), by_str_then_seq);
		for (size_t i = 0; i < s->n; i++) {
			if (j && !strcmp(s->items[j - 1].str, s->items[i].str)) {
				if (s->copy)
					free((char *)s->items[i].str);
				continue;
			}
			s->items[j++] = s->items[i];
		}
		s->n = j;
		/* Later adds must still sort after everything here. */
		for (size_t i = 0; i < s->n; i++)
			s->items[i].seq = i;
	}
	s->sealed = 1;
	return s->failed ? KITH_ERR_NOMEM : KITH_OK;
}

static const struct kith_strset_entry *find(const struct kith_strset *s, const char *str)
{
	size_t lo = 0, hi = s->n;

	if (!str)
		return NULL;
	if (!s->sealed) {
		for (size_t i = 0; i < s->n; i++)
			if (!strcmp(s->items[i].str, str))
				return &s->items[i];
		return NULL;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(s->items[mid].str, str) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->n && !strcmp(s->items[lo].str, str) ? &s->items[lo] : NULL;
}

int kith_strset_has(const struct kith_strset *s, const char *str)
{
	return find(s, str) != NULL;
}

size_t kith_strset_get(const struct kith_strset *s, const char *str)
{
	const struct kith_strset_entry *e = find(s, str);

	return e ? e->value : KITH_STRSET_NONE;
}

void kith_strset_free(struct kith_strset *s)
{
	if (s->copy)
		for (size_t i = 0; i < s->n; i++)
			free((char *)s->items[i].str);
	free(s->items);
	kith_strset_init(s, s->copy);
}
