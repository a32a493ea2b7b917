/* SPDX-License-Identifier: MIT */
/* charset.c: UTF-8 validation and conversion to UTF-8. */
#include "helpers.h"

#include "charset.h"

static void test_utf8_valid_accepts_text_and_rejects_bad_forms(void **state)
{
	(void)state;
	assert_true(kith_utf8_is_valid("", 0));
	assert_true(kith_utf8_is_valid("plain", 5));
	{
		const char *ok = "\xc3\xa5sa \xe2\x82\xac \xf0\x9f\x98\x80";

		assert_true(kith_utf8_is_valid(ok, strlen(ok)));
	}
	assert_false(kith_utf8_is_valid("\xff", 1));
	assert_false(kith_utf8_is_valid("\xc0\xaf", 2));         /* overlong '/' */
	assert_false(kith_utf8_is_valid("\xe0\x80\xaf", 3));     /* overlong */
	assert_false(kith_utf8_is_valid("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(kith_utf8_is_valid("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(kith_utf8_is_valid("\xc3", 1));             /* cut off */
	assert_false(kith_utf8_is_valid("a\xe2\x82", 3));
}

static void test_windows_1252_converts_accents_and_smart_punctuation(void **state)
{
	char *out = NULL;
	size_t n = 0;

	(void)state;
	const char *in = "J\xf6rg \x96 caf\xe9 \x80";

	assert_ok(kith_charset_to_utf8(NULL, "windows-1252", in, strlen(in), &out, &n));
	assert_string_equal(out, "J\xc3\xb6rg \xe2\x80\x93 caf\xc3\xa9 \xe2\x82\xac");
	assert_int_equal(n, strlen(out));
	free(out);
}

static void test_undefined_windows_1252_byte_becomes_replacement(void **state)
{
	char *out = NULL;

	(void)state;
	/* 0x81 has no character in windows-1252. */
	assert_ok(kith_charset_to_utf8(NULL, "windows-1252", "a\x81z", 3, &out, NULL));
	assert_true(kith_utf8_is_valid(out, strlen(out)));
	assert_string_equal(out, "a\xef\xbf\xbdz");
	free(out);
}

static void test_iso_8859_1_converts(void **state)
{
	char *out = NULL;

	(void)state;
	assert_ok(kith_charset_to_utf8(NULL, "ISO-8859-1",
				       "Mar\xed"
				       "a",
				       5, &out, NULL));
	assert_string_equal(out, "Mar\xc3\xad"
				 "a");
	free(out);
}

static void test_no_charset_keeps_valid_utf8(void **state)
{
	char *out = NULL;

	(void)state;
	assert_ok(kith_charset_to_utf8(NULL, NULL, "\xc3\x85sa", 4, &out, NULL));
	assert_string_equal(out, "\xc3\x85sa");
	free(out);
}

static void test_invalid_utf8_without_charset_reads_as_windows_1252(void **state)
{
	char *out = NULL;

	(void)state;
	assert_ok(kith_charset_to_utf8(NULL, NULL,
				       "Ren\xe9"
				       "e",
				       5, &out, NULL));
	assert_string_equal(out, "Ren\xc3\xa9"
				 "e");
	free(out);
	/* "UTF-8" that is not UTF-8 is treated the same way. */
	assert_ok(kith_charset_to_utf8(NULL, "utf-8", "\xff", 1, &out, NULL));
	assert_string_equal(out, "\xc3\xbf");
	free(out);
}

static void test_unknown_charset_is_invalid_with_message(void **state)
{
	struct kith_ctx *ctx = NULL;
	char *out = NULL;

	(void)state;
	assert_ok(kith_ctx_new(&ctx));
	assert_status(kith_charset_to_utf8(ctx, "x-klingon", "abc", 3, &out, NULL),
		      KITH_ERR_INVALID);
	assert_null(out);
	assert_contains(kith_ctx_errmsg(ctx), "x-klingon");
	kith_ctx_free(ctx);
}

static void test_file_bom_utf8_is_dropped_and_utf16_converted(void **state)
{
	const char *cs = NULL;
	char *out = NULL;
	size_t n = 0;

	(void)state;
	assert_ok(kith_charset_file_to_utf8(NULL, "\xef\xbb\xbfName", 7, &out, &n, &cs));
	assert_string_equal(out, "Name");
	assert_string_equal(cs, "UTF-8");
	free(out);
	assert_ok(kith_charset_file_to_utf8(NULL, "\xff\xfeN\0\xe9\0", 6, &out, &n, &cs));
	assert_string_equal(out, "N\xc3\xa9");
	assert_string_equal(cs, "UTF-16LE");
	free(out);
	assert_ok(kith_charset_file_to_utf8(NULL, "\xfe\xff\0N\0\xe9", 6, &out, &n, &cs));
	assert_string_equal(out, "N\xc3\xa9");
	free(out);
	/* An odd byte at the end of UTF-16 is replaced, not a failure. */
	assert_ok(kith_charset_file_to_utf8(NULL, "\xff\xfeN\0x", 5, &out, &n, &cs));
	assert_true(kith_utf8_is_valid(out, n));
	free(out);
	assert_ok(kith_charset_file_to_utf8(NULL, "caf\xe9", 4, &out, &n, &cs));
	assert_string_equal(out, "caf\xc3\xa9");
	assert_string_equal(cs, "windows-1252");
	free(out);
}

static void test_utf8_repair_keeps_utf8_and_reads_stray_bytes_as_1252(void **state)
{
	size_t n;
	/* "Jörg" in UTF-8, then 0x80 (euro in 1252), a lone 0xc3, 0xff, 0x81 (unassigned). */
	char *out = kith_utf8_repair("J\xc3\xb6rg \x80 \xc3( \xff\x81", 13, &n);

	(void)state;
	assert_non_null(out);
	assert_string_equal(out, "J\xc3\xb6rg \xe2\x82\xac \xc3\x83( \xc3\xbf\xef\xbf\xbd");
	assert_int_equal(n, strlen(out));
	assert_true(kith_utf8_is_valid(out, n));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_repair_keeps_utf8_and_reads_stray_bytes_as_1252),
		cmocka_unit_test(test_utf8_valid_accepts_text_and_rejects_bad_forms),
		cmocka_unit_test(test_windows_1252_converts_accents_and_smart_punctuation),
		cmocka_unit_test(test_undefined_windows_1252_byte_becomes_replacement),
		cmocka_unit_test(test_iso_8859_1_converts),
		cmocka_unit_test(test_no_charset_keeps_valid_utf8),
		cmocka_unit_test(test_invalid_utf8_without_charset_reads_as_windows_1252),
		cmocka_unit_test(test_unknown_charset_is_invalid_with_message),
		cmocka_unit_test(test_file_bom_utf8_is_dropped_and_utf16_converted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
