/* SPDX-License-Identifier: MIT */
/* FNV-1a 64: the published vectors, and the values the old copies gave. */
#include "helpers.h"

#include "hash.h"

static void check_vector(const char *s, const char *want)
{
	char hex[KITH_HASH_HEXSZ];

	assert_string_equal(kith_hash_hex(kith_hash_str(s), hex), want);
	assert_string_equal(kith_hash_hex(kith_hash_bytes(s, strlen(s)), hex), want);
}

static void test_hash_known_vectors(void **state)
{
	(void)state;
	check_vector("", "cbf29ce484222325");
	check_vector("a", "af63dc4c8601ec8c");
	check_vector("foobar", "85944171f73967e8");
	check_vector("chongo was here!\n", "46810940eff5f915");
}

static void test_hash_incremental_equals_one_shot(void **state)
{
	const char *text = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
	struct kith_hash h;

	(void)state;
	for (size_t cut = 0; cut <= strlen(text); cut++) {
		kith_hash_init(&h);
		kith_hash_add(&h, text, cut);
		kith_hash_add_str(&h, text + cut);
		assert_true(kith_hash_result(&h) == kith_hash_str(text));
	}
	assert_true(kith_hash_str(text) == 0x265c87adaf13c32dULL);
}

static void test_hash_null_string_adds_nothing(void **state)
{
	struct kith_hash h = KITH_HASH_INIT;

	(void)state;
	kith_hash_add_str(&h, NULL);
	kith_hash_add(&h, NULL, 0);
	assert_true(kith_hash_result(&h) == KITH_HASH_OFFSET);
	assert_true(kith_hash_str(NULL) == kith_hash_str(""));
}

static void test_hash_bytes_go_past_nul_and_high_bytes(void **state)
{
	static const char with_nul[] = { 'a', '\0', 'b' };
	char hex[KITH_HASH_HEXSZ];

	(void)state;
	assert_true(kith_hash_bytes(with_nul, 3) != kith_hash_str("a"));
	assert_true(kith_hash_bytes(with_nul, 1) == kith_hash_str("a"));
	/* Bytes are unsigned: a signed char would mix in 0xff..ff. */
	assert_string_equal(kith_hash_hex(kith_hash_str("\xc3\xa9\xff"), hex), "5fec201c1dfca99a");
}

static void test_hash_hex_pads_to_16_digits(void **state)
{
	char hex[KITH_HASH_HEXSZ];

	(void)state;
	assert_string_equal(kith_hash_hex(1, hex), "0000000000000001");
	assert_string_equal(kith_hash_hex(0, hex), "0000000000000000");
	assert_string_equal(kith_hash_hex(UINT64_MAX, hex), "ffffffffffffffff");
}

/* ---- the copies this replaces, as they were, to prove the values do not move ---- */

static uint64_t import_hash(const char *s) /* lib/import/keys.c, before hash.h */
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static uint64_t target_tag(const char *bytes, size_t len) /* lib/target.c, before hash.h */
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)bytes[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t sync_digest(const char *const *fields, size_t n,
			    uint64_t word) /* lib/sync.c, before hash.h */
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t f = 0; f < n; f++) {
		h = (h ^ (fields[f] ? 1u : 2u)) * 0x100000001b3ULL;
		for (const char *p = fields[f]; p && *p; p++)
			h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	}
	return (h ^ word) * 0x100000001b3ULL;
}

static void test_hash_matches_the_old_copies(void **state)
{
	static const char *const samples[] = {
		"",
		"x",
		"alice@example.org",
		"Zoë Ødegård",
		"\xff\xfe\x80",
		"/cal/abc-123.ics",
		"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
	};
	const char *fields[] = { "r.ics", NULL, "\"etag\"", "", "Zoë", NULL };
	char hex[KITH_HASH_HEXSZ], old[KITH_HASH_HEXSZ];
	struct kith_hash h = KITH_HASH_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const char *s = samples[i];

		assert_true(kith_hash_str(s) == import_hash(s));
		assert_true(kith_hash_bytes(s, strlen(s)) == target_tag(s, strlen(s)));
		snprintf(old, sizeof(old), "%016llx", (unsigned long long)target_tag(s, strlen(s)));
		assert_string_equal(kith_hash_hex(kith_hash_bytes(s, strlen(s)), hex), old);
	}
	/* The row digest: a marker byte for NULL or not, the bytes, then a date as one word. */
	for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++) {
		unsigned char marker = fields[f] ? 1 : 2;

		kith_hash_add(&h, &marker, 1);
		kith_hash_add_str(&h, fields[f]);
	}
	kith_hash_add_word(&h, 20260301);
	assert_true(kith_hash_result(&h) ==
		    sync_digest(fields, sizeof(fields) / sizeof(fields[0]), 20260301));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_known_vectors),
		cmocka_unit_test(test_hash_incremental_equals_one_shot),
		cmocka_unit_test(test_hash_null_string_adds_nothing),
		cmocka_unit_test(test_hash_bytes_go_past_nul_and_high_bytes),
		cmocka_unit_test(test_hash_hex_pads_to_16_digits),
		cmocka_unit_test(test_hash_matches_the_old_copies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
