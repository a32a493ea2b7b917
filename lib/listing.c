/* SPDX-License-Identifier: MIT */
/* Listings and fetched resources, and the content hash local targets tag them with. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "buf.h"
#include "hash.h"
#include "listing.h"
#include "strset.h"

void kith_listing_clear(struct kith_listing *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->names[i]);
		free(l->tags[i]);
	}
	for (size_t i = 0; i < l->n_gone; i++)
		free(l->gone[i]);
	for (size_t i = 0; i < l->n_notes; i++)
		free(l->notes[i]);
	free(l->names);
	free(l->tags);
	free(l->gone);
	free(l->notes);
	memset(l, 0, sizeof(*l));
}

enum kith_status kith_listing_take(struct kith_listing *l, char *name, char *tag)
{
	/*
	 * names and tags share l->cap: each grows from it to the same size,
	 * and l->cap moves only once both have, so a failure between the two
	 * leaves it true of both.
	 */
	size_t cap_names = l->cap, cap_tags = l->cap;

	if (KITH_GROW(l->names, cap_names, l->n + 1, 64) ||
	    KITH_GROW(l->tags, cap_tags, l->n + 1, 64))
		return KITH_ERR_NOMEM;
	l->cap = cap_names;
	l->names[l->n] = name;
	l->tags[l->n] = tag;
	l->n++;
	return KITH_OK;
}

enum kith_status kith_listing_add(struct kith_listing *l, const char *name, const char *tag)
{
	char *n = strdup(name);
	char *t = tag ? strdup(tag) : NULL;

	if (!n || (tag && !t) || kith_listing_take(l, n, t) != KITH_OK) {
		free(n);
		free(t);
		return KITH_ERR_NOMEM;
	}
	return KITH_OK;
}

enum kith_status kith_listing_gone(struct kith_listing *l, const char *name)
{
	char *copy;

	if (KITH_GROW(l->gone, l->cap_gone, l->n_gone + 1, 16))
		return KITH_ERR_NOMEM;
	copy = strdup(name);
	if (!copy)
		return KITH_ERR_NOMEM;
	l->gone[l->n_gone++] = copy;
	return KITH_OK;
}

/* names[0..n) as a set borrowing the strings. */
static enum kith_status name_set(struct kith_strset *set, char *const *names, size_t n)
{
	kith_strset_init(set, KITH_STRSET_BORROW);
	for (size_t i = 0; i < n; i++)
		kith_strset_add(set, names[i], i);
	return kith_strset_seal(set);
}

enum kith_status kith_listing_apply(struct kith_listing *l, const struct kith_listing *known)
{
	struct kith_listing full = { 0 };
	struct kith_strset changed, gone;
	enum kith_status rc = name_set(&changed, l->names, l->n);

	if (name_set(&gone, l->gone, l->n_gone))
		rc = KITH_ERR_NOMEM;
	for (size_t i = 0; !rc && i < known->n; i++)
		if (!kith_strset_has(&changed, known->names[i]) &&
		    !kith_strset_has(&gone, known->names[i]))
			rc = kith_listing_add(&full, known->names[i], known->tags[i]);
	/* The delta's entries move over: no copies. */
	for (size_t i = 0; !rc && i < l->n; i++)
		rc = kith_listing_take(&full, l->names[i], l->tags[i]);
	kith_strset_free(&changed);
	kith_strset_free(&gone);
	if (rc) {
		/* Entries already moved belong to full now: take them back first. */
		for (size_t i = 0; i < full.n; i++)
			for (size_t k = 0; k < l->n; k++)
				if (full.names[i] == l->names[k])
					full.names[i] = full.tags[i] = NULL;
		kith_listing_clear(&full);
		return KITH_ERR_NOMEM;
	}
	full.partial = l->partial;
	full.notes = l->notes;
	full.n_notes = l->n_notes;
	full.cap_notes = l->cap_notes;
	l->notes = NULL;
	l->n_notes = l->cap_notes = 0;
	free(l->names);
	free(l->tags);
	l->names = l->tags = NULL;
	l->n = 0;
	kith_listing_clear(l);
	*l = full;
	return KITH_OK;
}

static char *vformat(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

static char *vformat(const char *fmt, va_list ap)
{
	struct kith_buf b = KITH_BUF_INIT;

	kith_buf_vprintf(&b, fmt, ap);
	return kith_buf_steal(&b);
}

enum kith_status kith_listing_note(struct kith_listing *l, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (KITH_GROW(l->notes, l->cap_notes, l->n_notes + 1, 8))
		return KITH_ERR_NOMEM;
	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (!s)
		return KITH_ERR_NOMEM;
	l->notes[l->n_notes++] = s;
	return KITH_OK;
}

enum kith_status kith_fetched_fail(struct kith_fetched *f, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = vformat(fmt, ap);
	va_end(ap);
	if (!s)
		return KITH_ERR_NOMEM;
	free(f->error);
	f->error = s;
	return KITH_OK;
}

int kith_tag_is_valid(const char *tag)
{
	if (!tag || !*tag)
		return 0;
	/* Sent back in a header: CR, LF or any other control would break the request. */
	for (const unsigned char *p = (const unsigned char *)tag; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

void kith_fetched_clear(struct kith_fetched *f)
{
	free(f->bytes);
	free(f->tag);
	free(f->error);
	memset(f, 0, sizeof(*f));
}

char *kith_content_tag(const char *bytes, size_t len)
{
	char buf[KITH_HASH_HEXSZ];

	/* Change detection only, not security: FNV-1a is enough and has no dependency. */
	return strdup(kith_hash_hex(kith_hash_bytes(bytes, len), buf));
}
