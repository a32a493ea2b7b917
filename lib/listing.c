/* SPDX-License-Identifier: MIT */
/* Listings and fetched resources, and the content hash local targets tag them with. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "listing.h"

void kith_listing_clear(struct kith_listing *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->names[i]);
		free(l->tags[i]);
	}
	for (size_t i = 0; i < l->n_gone; i++)
		free(l->gone[i]);
	free(l->names);
	free(l->tags);
	free(l->gone);
	memset(l, 0, sizeof(*l));
}

int kith_listing_take(struct kith_listing *l, char *name, char *tag)
{
	if (l->n == l->cap) {
		/* Doubling: listings of thousands are built one item at a time. */
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **names = realloc(l->names, cap * sizeof(*names));
		char **tags;

		if (!names)
			return -1;
		l->names = names;
		tags = realloc(l->tags, cap * sizeof(*tags));
		if (!tags)
			return -1;
		l->tags = tags;
		l->cap = cap;
	}
	l->names[l->n] = name;
	l->tags[l->n] = tag;
	l->n++;
	return 0;
}

int kith_listing_add(struct kith_listing *l, const char *name, const char *tag)
{
	char *n = strdup(name);
	char *t = tag ? strdup(tag) : NULL;

	if (!n || (tag && !t) || kith_listing_take(l, n, t) < 0) {
		free(n);
		free(t);
		return -1;
	}
	return 0;
}

int kith_listing_gone(struct kith_listing *l, const char *name)
{
	char *copy;

	if (l->n_gone == l->cap_gone) {
		size_t cap = l->cap_gone ? l->cap_gone * 2 : 16;
		char **p = realloc(l->gone, cap * sizeof(*p));

		if (!p)
			return -1;
		l->gone = p;
		l->cap_gone = cap;
	}
	copy = strdup(name);
	if (!copy)
		return -1;
	l->gone[l->n_gone++] = copy;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* names[0..n) sorted (pointers borrowed), for bsearch. NULL only on allocation failure. */
static char **sorted_names(char *const *names, size_t n)
{
	char **v = malloc((n ? n : 1) * sizeof(*v));

	if (!v)
		return NULL;
	if (n)
		memcpy(v, names, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

static int among(char **sorted, size_t n, const char *name)
{
	return n && bsearch(&name, sorted, n, sizeof(*sorted), cmp_str) != NULL;
}

int kith_listing_apply(struct kith_listing *l, const struct kith_listing *known)
{
	struct kith_listing full = { 0 };
	char **changed = sorted_names(l->names, l->n);
	char **gone = sorted_names(l->gone, l->n_gone);
	int rc = changed && gone ? 0 : -1;

	for (size_t i = 0; !rc && i < known->n; i++)
		if (!among(changed, l->n, known->names[i]) && !among(gone, l->n_gone, known->names[i]))
			rc = kith_listing_add(&full, known->names[i], known->tags[i]);
	/* The delta's entries move over: no copies. */
	for (size_t i = 0; !rc && i < l->n; i++)
		rc = kith_listing_take(&full, l->names[i], l->tags[i]) < 0 ? -1 : 0;
	free(changed);
	free(gone);
	if (rc) {
		/* Entries already moved belong to full now: take them back first. */
		for (size_t i = 0; i < full.n; i++)
			for (size_t k = 0; k < l->n; k++)
				if (full.names[i] == l->names[k])
					full.names[i] = full.tags[i] = NULL;
		kith_listing_clear(&full);
		return -1;
	}
	full.partial = l->partial;
	free(l->names);
	free(l->tags);
	l->names = l->tags = NULL;
	l->n = 0;
	kith_listing_clear(l);
	*l = full;
	return 0;
}

void kith_fetched_clear(struct kith_fetched *f)
{
	free(f->bytes);
	free(f->tag);
	memset(f, 0, sizeof(*f));
}

char *kith_content_tag(const char *bytes, size_t len)
{
	/* Change detection only, not security: FNV-1a is enough and has no dependency. */
	uint64_t h = 0xcbf29ce484222325ULL;
	char *out = malloc(17);

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)bytes[i];
		h *= 0x100000001b3ULL;
	}
	if (out)
		snprintf(out, 17, "%016llx", (unsigned long long)h);
	return out;
}
