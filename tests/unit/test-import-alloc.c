/* SPDX-License-Identifier: MIT */
/*
 * Allocation-failure loops for the import (STYLE.md, "Tests"): the vCard
 * and CSV readers, charset conversion, kith_import() and
 * kith_export_vcard() are run with their 1st, 2nd, ... allocation
 * failing until they no longer allocate; each run must say
 * KITH_ERR_NOMEM, leak nothing and leave the store as it was.
 *
 * Like test-alloc.c, this program fails allocations through alloc-fail.c:
 * libkith's (the static archive) can be failed; SQLite's, libical's and
 * iconv's own are not affected.
 */
#include "helpers.h"
#include "alloc-fail.h"

#include "charset.h"
#include "csv.h"
#include "vcard.h"

typedef enum kith_status (*op_fn)(struct fixture *f);

/* Run op with its 1st, 2nd, ... allocation failing; returns how many it makes. */
static long alloc_loop(struct fixture *f, const char *what, op_fn op)
{
	for (long n = 1; n < 200000; n++) {
		long before = live_count, after;
		enum kith_status rc;

		alloc_seen = 0;
		fail_hit = 0;
		fail_at = n;
		rc = op(f);
		fail_at = 0;
		after = live_count;
		if (after != before)
			fail_msg("%s, allocation %ld failing: %ld block(s) leaked (%s)", what, n,
				 after - before, kith_status_str(rc));
		if (!fail_hit) {
			if (rc != KITH_OK)
				fail_msg("%s without a failure: %s: %s", what, kith_status_str(rc),
					 f ? kith_ctx_errmsg(f->ctx) : "");
			return n - 1;
		}
		if (rc != KITH_ERR_NOMEM)
			fail_msg("%s, allocation %ld failing: %s, want out of memory (%s)", what, n,
				 kith_status_str(rc), f ? kith_ctx_errmsg(f->ctx) : "");
	}
	fail_msg("%s never stops allocating", what);
	return 0;
}

/* ---- inputs ---- */

static char *vcards, *google_csv, *outlook_csv;
static size_t vcards_n, google_n, outlook_n;

static int inputs_setup(void **state)
{
	const char *files[] = { "outlook-21.vcf",   "apple-30.vcf",     "v40.vcf",
				"nested-begin.vcf", "invalid-utf8.vcf", "truncated.vcf" };
	size_t cap = 0;

	(void)state;
	vcards_n = 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t n;
		char *d = slurp("import", files[i], &n);

		if (vcards_n + n + 1 > cap) {
			cap = (vcards_n + n + 1) * 2;
			vcards = realloc(vcards, cap);
			assert_non_null(vcards);
		}
		memcpy(vcards + vcards_n, d, n);
		vcards_n += n;
		vcards[vcards_n] = '\0';
		free(d);
	}
	google_csv = slurp("import", "google.csv", &google_n);
	outlook_csv = slurp("import", "outlook.csv", &outlook_n);
	return 0;
}

static int inputs_teardown(void **state)
{
	(void)state;
	free(vcards);
	free(google_csv);
	free(outlook_csv);
	return 0;
}

/* ---- operations ---- */

static enum kith_status op_vcard_parse(struct fixture *f)
{
	struct kith_card_list l;
	enum kith_status rc;

	(void)f;
	memset(&l, 0, sizeof(l));
	rc = kith_vcard_parse(NULL, vcards, vcards_n, &l);
	if (!rc && l.n != 12)
		fail_msg("read %zu cards, want 12", l.n);
	kith_card_list_clear(&l);
	return rc;
}

static enum kith_status op_csv_google(struct fixture *f)
{
	struct kith_card_list l;
	enum kith_status rc;

	(void)f;
	memset(&l, 0, sizeof(l));
	rc = kith_csv_read_cards(NULL, google_csv, google_n, NULL, 0, &l, NULL);
	kith_card_list_clear(&l);
	return rc;
}

static enum kith_status op_csv_outlook_map(struct fixture *f)
{
	const char *map[] = { "Notes=tags", "Suffix=uid" };
	struct kith_card_list l;
	enum kith_status rc;

	(void)f;
	memset(&l, 0, sizeof(l));
	rc = kith_csv_read_cards(NULL, outlook_csv, outlook_n, map, 2, &l, NULL);
	kith_card_list_clear(&l);
	return rc;
}

static enum kith_status op_charset(struct fixture *f)
{
	char *out = NULL;
	enum kith_status rc;

	(void)f;
	rc = kith_charset_to_utf8(NULL, "windows-1252", "J\xf6rg", 4, &out, NULL);
	free(out);
	return rc;
}

static long armed_at;

static enum kith_status op_import_vcards(struct fixture *f)
{
	enum kith_status rc;

	/* The transaction itself is not under test: re-arm after BEGIN. */
	armed_at = fail_at;
	fail_at = 0;
	assert_ok(kith_store_begin(f->store));
	fail_at = armed_at;
	{
		struct kith_import_options o;
		struct kith_import_summary *s = NULL;

		memset(&o, 0, sizeof(o));
		o.today = D(2026, 6, 1);
		rc = kith_import(f->store, vcards, vcards_n, &o, &s);
		kith_import_summary_free(s);
	}
	kith_store_rollback(f->store);
	return rc;
}

static enum kith_status op_import_csv_only(struct fixture *f)
{
	const char *only[] = { "Priya Raman", "tom.becker@example.com" };
	enum kith_status rc;

	armed_at = fail_at;
	fail_at = 0;
	assert_ok(kith_store_begin(f->store));
	fail_at = armed_at;
	{
		struct kith_import_options o;
		struct kith_import_summary *s = NULL;

		memset(&o, 0, sizeof(o));
		o.today = D(2026, 6, 1);
		o.only = only;
		o.n_only = 2;
		rc = kith_import(f->store, google_csv, google_n, &o, &s);
		kith_import_summary_free(s);
	}
	kith_store_rollback(f->store);
	return rc;
}

static long count_contacts(struct fixture *f)
{
	struct kith_contact *cs = NULL;
	size_t n = 0;
	long saved = fail_at;

	fail_at = 0;
	assert_ok(kith_store_list_contacts(f->store, NULL, &cs, &n));
	kith_contact_list_free(cs, n);
	fail_at = saved;
	return (long)n;
}

/* Without a transaction of the caller's: the import is still all or nothing. */
static enum kith_status op_import_vcards_alone(struct fixture *f)
{
	struct kith_import_options o;
	struct kith_import_summary *s = NULL;
	long before = count_contacts(f);
	enum kith_status rc;

	memset(&o, 0, sizeof(o));
	o.today = D(2026, 6, 1);
	rc = kith_import(f->store, vcards, vcards_n, &o, &s);
	kith_import_summary_free(s);
	if (rc != KITH_OK && count_contacts(f) != before)
		fail_msg("a failed import left %ld contact(s) behind", count_contacts(f) - before);
	return rc;
}

static enum kith_status op_export(struct fixture *f)
{
	char *out = NULL;
	size_t n = 0;
	enum kith_status rc = kith_export_vcard(f->store, &out, &n);

	free(out);
	return rc;
}

/* ---- tests ---- */

static void test_vcard_parse_survives_every_allocation_failure(void **state)
{
	assert_true(alloc_loop(NULL, "kith_vcard_parse", op_vcard_parse) > 50);
	(void)state;
}

static void test_csv_read_survives_every_allocation_failure(void **state)
{
	(void)state;
	assert_true(alloc_loop(NULL, "kith_csv_read_cards (Google)", op_csv_google) > 20);
	assert_true(alloc_loop(NULL, "kith_csv_read_cards (Outlook, --map)", op_csv_outlook_map) >
		    20);
	alloc_loop(NULL, "kith_charset_to_utf8", op_charset);
}

static void test_import_survives_every_allocation_failure(void **state)
{
	struct fixture *f = *state;
	const char *emails[] = { "joerg.mueller@example.com", NULL };

	/* A duplicate to merge into, and a touch to compare with. */
	add_touch(f, add_contact_full(f, "Jörg M", "core", D(2025, 1, 1), emails, NULL, NULL),
		  D(2025, 3, 1), "email", NULL);
	assert_true(alloc_loop(f, "kith_import (vCards)", op_import_vcards) > 100);
	assert_true(alloc_loop(f, "kith_import (CSV, --only)", op_import_csv_only) > 50);
	/* Nothing of the failed runs stayed. */
	{
		struct kith_contact *cs = NULL;
		size_t n = 0;

		assert_ok(kith_store_list_contacts(f->store, NULL, &cs, &n));
		assert_int_equal(n, 1);
		kith_contact_list_free(cs, n);
	}
}

static void test_import_alone_is_all_or_nothing(void **state)
{
	struct fixture *f = *state;

	assert_true(alloc_loop(f, "kith_import (vCards, no transaction)", op_import_vcards_alone) >
		    100);
	assert_true(count_contacts(f) > 0); /* the run that did not fail imported */
}

static void test_export_survives_every_allocation_failure(void **state)
{
	struct fixture *f = *state;
	const char *emails[] = { "anna@example.org", NULL };
	const char *phones[] = { "+46 8 555 0100", NULL };
	int64_t id =
		add_contact_full(f, "Anna Berg", "core", D(2025, 1, 1), emails, phones, "lunch");

	add_touch(f, id, D(2026, 5, 1), "lunch", NULL);
	add_contact(f, "Ben Okafor", "annual", D(2026, 1, 1));
	assert_true(alloc_loop(f, "kith_export_vcard", op_export) > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vcard_parse_survives_every_allocation_failure),
		cmocka_unit_test(test_csv_read_survives_every_allocation_failure),
		cmocka_unit_test_setup_teardown(test_import_survives_every_allocation_failure,
						fixture_setup, fixture_teardown),
		cmocka_unit_test_setup_teardown(test_import_alone_is_all_or_nothing, fixture_setup,
						fixture_teardown),
		cmocka_unit_test_setup_teardown(test_export_survives_every_allocation_failure,
						fixture_setup, fixture_teardown),
	};

	return cmocka_run_group_tests(tests, inputs_setup, inputs_teardown);
}
