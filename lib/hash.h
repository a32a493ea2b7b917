/* SPDX-License-Identifier: MIT */
/*
 * Private: FNV-1a, 64 bits, for change detection and hash tables (never
 * for security).  Stored content tags and plan keys are these values, so
 * they must not change: the unit test pins them.
 */
#ifndef KITH_HASH_H
#define KITH_HASH_H

#include <stddef.h>
#include <stdint.h>

struct kith_hash {
	uint64_t state;
};

#define KITH_HASH_OFFSET 0xcbf29ce484222325ULL
#define KITH_HASH_PRIME 0x100000001b3ULL
#define KITH_HASH_INIT           \
	{                        \
		KITH_HASH_OFFSET \
	}

void kith_hash_init(struct kith_hash *h);
void kith_hash_add(struct kith_hash *h, const void *bytes, size_t len);
/* The bytes before the NUL; NULL adds nothing (callers that must tell NULL from "" add a marker).
 */
void kith_hash_add_str(struct kith_hash *h, const char *s);
/* One step with a whole word rather than its bytes, as sync's row digest mixes in a date. */
void kith_hash_add_word(struct kith_hash *h, uint64_t v);
uint64_t kith_hash_result(const struct kith_hash *h);

/* One-shot forms. */
uint64_t kith_hash_bytes(const void *bytes, size_t len);
uint64_t kith_hash_str(const char *s);

/* Big enough for 16 hex digits and the NUL. */
#define KITH_HASH_HEXSZ 17

/* Lower-case, zero-padded: "cbf29ce484222325". */
char *kith_hash_hex(uint64_t h, char buf[KITH_HASH_HEXSZ]);

#endif
