/* SPDX-License-Identifier: MIT */
/* String sets: built once, sorted, looked up; borrowed or copied strings. */
#include "helpers.h"

#include "strset.h"

static void test_strset_finds_what_was_added(void **state)
{
	static const char *const names[] = { "b.ics", "a.ics", "d.ics", "c.ics", "aa.ics" };
	struct kith_strset s;

	(void)state;
	kith_strset_init(&s, KITH_STRSET_BORROW);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(kith_strset_add(&s, names[i], i), KITH_OK);
	assert_int_equal(kith_strset_seal(&s), KITH_OK);
	for (size_t i = 0; i < 5; i++) {
		assert_true(kith_strset_has(&s, names[i]));
		assert_int_equal(kith_strset_get(&s, names[i]), i);
	}
	assert_false(kith_strset_has(&s, "e.ics"));
	assert_false(kith_strset_has(&s, ""));
	assert_false(kith_strset_has(&s, "a"));
	assert_false(kith_strset_has(&s, NULL));
	assert_true(kith_strset_get(&s, "zzz") == KITH_STRSET_NONE);
	/* Borrowed: the set points at the caller's strings. */
	assert_ptr_equal(s.items[0].str, names[1]);
	kith_strset_free(&s);
}

static void test_strset_empty_set_has_nothing(void **state)
{
	struct kith_strset s;

	(void)state;
	kith_strset_init(&s, KITH_STRSET_COPY);
	assert_false(kith_strset_has(&s, "x"));
	assert_int_equal(kith_strset_seal(&s), KITH_OK);
	assert_false(kith_strset_has(&s, "x"));
	assert_true(kith_strset_get(&s, "") == KITH_STRSET_NONE);
	kith_strset_free(&s);
	kith_strset_free(&s); /* twice is harmless */
}

static void test_strset_first_of_equal_strings_wins(void **state)
{
	struct kith_strset s;

	(void)state;
	kith_strset_init(&s, KITH_STRSET_COPY);
	for (size_t i = 0; i < 40; i++)
		assert_int_equal(kith_strset_add(&s, i % 2 ? "odd" : "even", i), KITH_OK);
	assert_int_equal(kith_strset_add(&s, NULL, 99), KITH_OK); /* skipped */
	assert_int_equal(kith_strset_seal(&s), KITH_OK);
	assert_int_equal(s.n, 2);
	assert_int_equal(kith_strset_get(&s, "even"), 0);
	assert_int_equal(kith_strset_get(&s, "odd"), 1);
	kith_strset_free(&s);
}

static void test_strset_copies_when_asked(void **state)
{
	struct kith_strset s;
	char name[16];

	(void)state;
	kith_strset_init(&s, KITH_STRSET_COPY);
	for (int i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "n%04d", (i * 7919) % 1000);
		assert_int_equal(kith_strset_add(&s, name, (size_t)i), KITH_OK);
	}
	strcpy(name, "gone");
	assert_int_equal(kith_strset_seal(&s), KITH_OK);
	assert_int_equal(s.n, 1000);
	for (size_t i = 1; i < s.n; i++)
		assert_true(strcmp(s.items[i - 1].str, s.items[i].str) < 0);
	assert_int_equal(kith_strset_get(&s, "n0000"), 0);
	assert_int_equal(kith_strset_get(&s, "n0919"), 1);
	assert_false(kith_strset_has(&s, "n1000"));
	assert_false(kith_strset_has(&s, "gone"));
	kith_strset_free(&s);
}

static void test_strset_add_after_seal_is_found(void **state)
{
	struct kith_strset s;

	(void)state;
	kith_strset_init(&s, KITH_STRSET_BORROW);
	kith_strset_add(&s, "m", 0);
	kith_strset_add(&s, "c", 1);
	kith_strset_seal(&s);
	kith_strset_add(&s, "a", 2);
	kith_strset_add(&s, "m", 3);
	/* Not sealed again: slow, still right, and the first "m" still wins. */
	assert_int_equal(kith_strset_get(&s, "a"), 2);
	assert_int_equal(kith_strset_get(&s, "m"), 0);
	assert_int_equal(kith_strset_seal(&s), KITH_OK);
	assert_int_equal(kith_strset_get(&s, "a"), 2);
	assert_int_equal(kith_strset_get(&s, "c"), 1);
	assert_int_equal(kith_strset_get(&s, "m"), 0);
	assert_int_equal(s.n, 3);
	kith_strset_free(&s);
}

static void test_strset_failure_is_sticky(void **state)
{
	struct kith_strset s;

	(void)state;
	kith_strset_init(&s, KITH_STRSET_BORROW);
	kith_strset_add(&s, "kept", 0);
	s.failed = 1; /* as after an allocation failure */
	assert_int_equal(kith_strset_add(&s, "lost", 1), KITH_ERR_NOMEM);
	assert_int_equal(kith_strset_seal(&s), KITH_ERR_NOMEM);
	assert_true(kith_strset_has(&s, "kept"));
	assert_false(kith_strset_has(&s, "lost"));
	kith_strset_free(&s);
	assert_int_equal(s.failed, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strset_finds_what_was_added),
		cmocka_unit_test(test_strset_empty_set_has_nothing),
		cmocka_unit_test(test_strset_first_of_equal_strings_wins),
		cmocka_unit_test(test_strset_copies_when_asked),
		cmocka_unit_test(test_strset_add_after_seal_is_found),
		cmocka_unit_test(test_strset_failure_is_sticky),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
