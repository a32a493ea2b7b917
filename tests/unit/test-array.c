/* SPDX-License-Identifier: MIT */
/* Growing arrays: doubling from a first capacity, overflow and the size cap. */
#include "helpers.h"

#include "array.h"

static void test_array_grows_from_first_then_doubles(void **state)
{
	int *v = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(KITH_GROW(v, cap, 1, 16), KITH_OK);
	assert_non_null(v);
	assert_int_equal(cap, 16);
	for (int i = 0; i < 16; i++)
		v[i] = i;
	assert_int_equal(KITH_GROW(v, cap, 16, 16), KITH_OK); /* room already */
	assert_int_equal(cap, 16);
	assert_int_equal(KITH_GROW(v, cap, 17, 16), KITH_OK);
	assert_int_equal(cap, 32);
	assert_int_equal(KITH_GROW(v, cap, 200, 16), KITH_OK);
	assert_int_equal(cap, 256);
	/* What was there is kept. */
	for (int i = 0; i < 16; i++)
		assert_int_equal(v[i], i);
	free(v);
}

static void test_array_first_zero_starts_at_one(void **state)
{
	char *b = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(KITH_GROW(b, cap, 0, 0), KITH_OK);
	assert_null(b);
	assert_int_equal(cap, 0);
	assert_int_equal(KITH_GROW(b, cap, 1, 0), KITH_OK);
	assert_int_equal(cap, 1);
	assert_int_equal(KITH_GROW(b, cap, 3, 0), KITH_OK);
	assert_int_equal(cap, 4);
	free(b);
}

static void test_array_refuses_beyond_the_cap(void **state)
{
	struct big {
		char bytes[4096];
	} *v = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(KITH_GROW(v, cap, KITH_ARRAY_MAX_BYTES / sizeof(*v) + 1, 1),
			 KITH_ERR_NOMEM);
	assert_null(v);
	assert_int_equal(cap, 0);
	/* need * elem_size would wrap size_t: refused, not a small allocation. */
	assert_int_equal(KITH_GROW(v, cap, SIZE_MAX / 2048 + 1, 1), KITH_ERR_NOMEM);
	assert_int_equal(KITH_GROW(v, cap, SIZE_MAX, 1), KITH_ERR_NOMEM);
	assert_null(v);
	assert_int_equal(cap, 0);
}

static void test_array_failure_leaves_the_array_alone(void **state)
{
	long *v = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(KITH_GROW(v, cap, 4, 4), KITH_OK);
	v[3] = 42;
	assert_int_equal(KITH_GROW(v, cap, SIZE_MAX / 4, 4), KITH_ERR_NOMEM);
	assert_int_equal(cap, 4);
	assert_int_equal(v[3], 42);
	free(v);
}

static void test_array_element_size_zero_is_invalid(void **state)
{
	char *b = NULL;
	size_t cap = 0;

	(void)state;
	assert_int_equal(kith_grow(&b, &cap, 1, 0, 1), KITH_ERR_INVALID);
	assert_null(b);
	assert_int_equal(cap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_array_grows_from_first_then_doubles),
		cmocka_unit_test(test_array_first_zero_starts_at_one),
		cmocka_unit_test(test_array_refuses_beyond_the_cap),
		cmocka_unit_test(test_array_failure_leaves_the_array_alone),
		cmocka_unit_test(test_array_element_size_zero_is_invalid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
