/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "hash.h"

void kith_hash_init(struct kith_hash *h)
{
	h->state = KITH_HASH_OFFSET;
}

void kith_hash_add(struct kith_hash *h, const void *bytes, size_t len)
{
	const unsigned char *p = bytes;
	uint64_t s = h->state;

	for (size_t i = 0; i < len; i++)
		s = (s ^ p[i]) * KITH_HASH_PRIME;
	h->state = s;
}

void kith_hash_add_str(struct kith_hash *h, const char *s)
{
	uint64_t v = h->state;

	for (const char *p = s; p && *p; p++)
		v = (v ^ (unsigned char)*p) * KITH_HASH_PRIME;
	h->state = v;
}

void kith_hash_add_word(struct kith_hash *h, uint64_t v)
{
	h->state = (h->state ^ v) * KITH_HASH_PRIME;
}

uint64_t kith_hash_result(const struct kith_hash *h)
{
	return h->state;
}

uint64_t kith_hash_bytes(const void *bytes, size_t len)
{
	struct kith_hash h = KITH_HASH_INIT;

	kith_hash_add(&h, bytes, len);
	return h.state;
}

uint64_t kith_hash_str(const char *s)
{
	struct kith_hash h = KITH_HASH_INIT;

	kith_hash_add_str(&h, s);
	return h.state;
}

char *kith_hash_hex(uint64_t h, char buf[KITH_HASH_HEXSZ])
{
	snprintf(buf, KITH_HASH_HEXSZ, "%016llx", (unsigned long long)h);
	return buf;
}
