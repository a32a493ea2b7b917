/* SPDX-License-Identifier: MIT */
/*
 * import.c against a real store: dedupe and merge, the filters, the
 * spread first reminders, last-contact touches, failures, dry runs and
 * the export -> import round trip.
 */
#include "helpers.h"

#define TODAY D(2026, 6, 1)

static void opts_init(struct kith_import_options *o)
{
	memset(o, 0, sizeof(*o));
	o->today = TODAY;
	o->source_name = "test";
}

/* One import in its own transaction, committed. */
static struct kith_import_summary *run(struct fixture *f, const char *data, size_t len,
				       const struct kith_import_options *o)
{
	struct kith_import_summary *s = NULL;
	enum kith_status rc;

	assert_ok(kith_store_begin(f->store));
	rc = kith_import(f->store, data, len, o, &s);
	if (rc != KITH_OK)
		fprintf(stderr, "import: %s\n", kith_ctx_errmsg(f->ctx));
	assert_ok(rc);
	assert_ok(kith_store_commit(f->store));
	assert_non_null(s);
	return s;
}

static struct kith_import_summary *run_file(struct fixture *f, const char *name,
					    const struct kith_import_options *o)
{
	size_t n;
	char *data = slurp("import", name, &n);
	struct kith_import_summary *s = run(f, data, n, o);

	free(data);
	return s;
}

static size_t count_contacts(struct fixture *f)
{
	struct kith_contact_filter cf = { NULL, 1, { 0, 0, 0 } };
	struct kith_contact *cs = NULL;
	size_t n = 0;

	assert_ok(kith_store_list_contacts(f->store, &cf, &cs, &n));
	kith_contact_list_free(cs, n);
	return n;
}

static size_t count_touches(struct fixture *f)
{
	struct kith_touch *ts = NULL;
	size_t n = 0;

	assert_ok(kith_store_list_touches(f->store, NULL, &ts, &n));
	kith_touch_list_free(ts, n);
	return n;
}

static struct kith_contact *find(struct fixture *f, const char *query)
{
	struct kith_contact *c = NULL;

	assert_ok(kith_store_resolve_contact(f->store, query, &c, NULL, NULL));
	return c;
}

/* ---- */

static void test_import_outlook_vcard_adds_contacts_with_fields(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_import_summary *s;
	struct kith_contact *c;

	opts_init(&o);
	s = run_file(f, "outlook-21.vcf", &o);
	assert_string_equal(s->format, "vCard");
	assert_int_equal(s->records, 3);
	assert_int_equal(s->imported, 3);
	assert_int_equal(s->failed, 0);
	assert_int_equal(s->touches, 0); /* REV is no touch */
	kith_import_summary_free(s);
	c = find(f, "joerg.mueller@example.com");
	assert_string_equal(c->name, "J\xc3\xb6rg M\xc3\xbcller");
	assert_string_equal(c->tier, "regular"); /* the default tier */
	assert_string_equal(c->org, "Fabrikam Ltd");
	assert_string_equal(c->title, "Head of Sales");
	assert_int_equal(c->phones.n, 2);
	assert_date(c->birthday, 1975, 4, 12);
	assert_date(c->added, 2026, 6, 1);
	/* First reminder within the first quarter after today. */
	assert_true(kith_date_cmp(c->first_due, D(2026, 6, 2)) >= 0);
	assert_true(kith_date_cmp(c->first_due, D(2026, 9, 1)) <= 0);
	kith_contact_free(c);
}

static void test_reimport_changes_nothing(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_import_summary *s;
	const char *files[] = { "outlook-21.vcf", "apple-30.vcf", "v40.vcf", "google.csv",
				"outlook.csv" };

	opts_init(&o);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		kith_import_summary_free(run_file(f, files[i], &o));
	size_t contacts = count_contacts(f), touches = count_touches(f);

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		s = run_file(f, files[i], &o);
		assert_int_equal(s->imported, 0);
		assert_int_equal(s->merged, 0);
		assert_int_equal(s->touches, 0);
		assert_int_equal(s->unchanged, s->records - s->failed);
		kith_import_summary_free(s);
	}
	assert_int_equal(count_contacts(f), contacts);
	assert_int_equal(count_touches(f), touches);
}

static void test_duplicate_merges_without_overwriting_user_edits(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_import_summary *s;
	struct kith_contact *c;
	const char *emails[] = { "JOERG.MUELLER@example.com", NULL };
	const char *phones[] = { "+491705550101", NULL };
	int64_t id = add_contact_full(f, "Jörg (Fabrikam)", "core", D(2025, 1, 1), emails, phones,
				      "lunch");

	c = get_contact(f, id);
	c->org = strdup("My own note of his firm");
	assert_ok(kith_store_update_contact(f->store, c));
	kith_contact_free(c);
	opts_init(&o);
	s = run_file(f, "outlook-21.vcf", &o);
	assert_int_equal(s->imported, 2);
	assert_int_equal(s->merged, 1);
	kith_import_summary_free(s);
	c = get_contact(f, id);
	assert_string_equal(c->name, "Jörg (Fabrikam)");
	assert_string_equal(c->org, "My own note of his firm");
	assert_string_equal(c->tier, "core");
	assert_string_equal(c->via, "lunch");
	/* Filled because empty: title, notes, birthday. */
	assert_string_equal(c->title, "Head of Sales");
	assert_non_null(c->notes);
	assert_date(c->birthday, 1975, 4, 12);
	/* The same phone in another spelling is not added again; the new one is. */
	assert_int_equal(c->phones.n, 2);
	assert_int_equal(c->emails.n, 1);
	assert_false(kith_date_is_set(c->first_due)); /* its schedule stays */
	kith_contact_free(c);
}

static void test_dedupe_within_file_by_email_name_and_uid(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_import_summary *s;
	struct kith_contact *c;
	const char *text =
		"BEGIN:VCARD\nVERSION:3.0\nFN:Anna Berg\nEMAIL:anna@example.org\nEND:VCARD\n"
		"BEGIN:VCARD\nVERSION:3.0\nFN:A. Berg\nEMAIL:ANNA@example.org\n"
		"EMAIL:anna.berg@example.net\nTEL:+46 8 555 0100\nEND:VCARD\n"
		"BEGIN:VCARD\nVERSION:3.0\nFN:anna   berg\nORG:Berg AB\nEND:VCARD\n"
		"BEGIN:VCARD\nVERSION:3.0\nUID:u-1\nFN:Carl Holm\nEND:VCARD\n"
		"BEGIN:VCARD\nVERSION:3.0\nUID:u-1\nFN:Carl Holm (work)\nEMAIL:carl@example.com\n"
		"END:VCARD\n"
		/* Case beyond ASCII does not make another person. */
		"BEGIN:VCARD\nVERSION:3.0\nFN:\xc3\x85sa \xc3\x96"
		"berg\nEND:VCARD\n"
		"BEGIN:VCARD\nVERSION:3.0\nFN:\xc3\xa5sa \xc3\xb6"
		"berg\nTEL:+46 8 555 0199\nEND:VCARD\n"
		/* Same name, different UIDs: two people. */
		"BEGIN:VCARD\nVERSION:3.0\nUID:u-2\nFN:Sam Lee\nEND:VCARD\n"
		"BEGIN:VCARD\nVERSION:3.0\nUID:u-3\nFN:Sam Lee\nEND:VCARD\n"
		/* "Last, First" is the same person; two commas are not swapped. */
		"BEGIN:VCARD\nVERSION:3.0\nFN:Dana Kim\nEND:VCARD\n"
		"BEGIN:VCARD\nVERSION:3.0\nFN:Kim\\,  dana\nTEL:+1 555 0111\nEND:VCARD\n"
		"BEGIN:VCARD\nVERSION:3.0\nFN:Kim\\, Dana\\, Jr.\nEND:VCARD\n";

	opts_init(&o);
	s = run(f, text, strlen(text), &o);
	assert_int_equal(s->records, 12);
	assert_int_equal(s->imported, 7);
	assert_int_equal(s->merged, 5);
	kith_import_summary_free(s);
	c = find(f, "anna.berg@example.net");
	assert_string_equal(c->name, "Anna Berg");
	assert_int_equal(c->emails.n, 2);
	assert_string_equal(c->org, "Berg AB");
	assert_int_equal(c->phones.n, 1);
	kith_contact_free(c);
	c = find(f, "carl@example.com");
	assert_string_equal(c->vcard_uid, "u-1");
	kith_contact_free(c);
	c = find(f, "Dana Kim");
	assert_int_equal(c->phones.n, 1);
	kith_contact_free(c);
	assert_int_equal(count_contacts(f), 7);
}

static void test_since_keeps_people_with_a_recent_contact_date(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_import_summary *s;
	struct kith_touch *ts = NULL;
	size_t n = 0;

	opts_init(&o);
	assert_ok(kith_import_parse_since(f->ctx, "2y", TODAY, &o.since));
	assert_date(o.since, 2024, 6, 1);
	s = run_file(f, "outlook.csv", &o);
	assert_string_equal(s->format, "Outlook CSV");
	assert_int_equal(s->records, 3);
	assert_int_equal(s->imported, 1);
	assert_int_equal(s->skipped_since, 1);
	assert_int_equal(s->skipped_undated, 1);
	assert_int_equal(s->touches, 1);
	kith_import_summary_free(s);
	/* The last contact is one import touch with no channel. */
	assert_ok(kith_store_list_touches(f->store, NULL, &ts, &n));
	assert_int_equal(n, 1);
	assert_date(ts[0].on, 2025, 3, 15);
	assert_int_equal(ts[0].source, KITH_SOURCE_IMPORT);
	assert_null(ts[0].channel);
	assert_string_equal(ts[0].source_key, "import:zoe.fontaine@example.com:2025-03-15");
	kith_touch_list_free(ts, n);
}

static void test_since_uses_rev_as_a_proxy_but_logs_no_touch(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_import_summary *s;

	opts_init(&o);
	assert_ok(kith_import_parse_since(f->ctx, "2024-06-01", TODAY, &o.since));
	s = run_file(f, "outlook-21.vcf", &o);
	assert_int_equal(s->imported, 1);      /* REV 2025-01-15 */
	assert_int_equal(s->skipped_since, 1); /* REV 2019 */
	assert_int_equal(s->skipped_undated, 1);
	assert_int_equal(s->touches, 0);
	kith_import_summary_free(s);
}

static void test_parse_since_forms(void **state)
{
	struct fixture *f = *state;
	struct kith_date d;

	assert_ok(kith_import_parse_since(f->ctx, "18m", TODAY, &d));
	assert_date(d, 2024, 12, 1);
	assert_ok(kith_import_parse_since(f->ctx, "90d", TODAY, &d));
	assert_date(d, 2026, 3, 3);
	assert_ok(kith_import_parse_since(f->ctx, "P1Y", TODAY, &d));
	assert_date(d, 2025, 6, 1);
	assert_status(kith_import_parse_since(f->ctx, "2027-01-01", TODAY, &d), KITH_ERR_INVALID);
	assert_status(kith_import_parse_since(f->ctx, "lately", TODAY, &d), KITH_ERR_INVALID);
	assert_contains(kith_ctx_errmsg(f->ctx), "2y");
}

static void test_only_keeps_listed_names_and_emails(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_import_summary *s;
	const char *only[] = { "  ben OKAFOR ", "Maria <MARIA.CHAVEZ@example.net>", "", "#x" };

	opts_init(&o);
	o.only = only;
	o.n_only = 4;
	s = run_file(f, "outlook-21.vcf", &o);
	assert_int_equal(s->imported, 2);
	assert_int_equal(s->skipped_only, 1);
	kith_import_summary_free(s);
	assert_int_equal(count_contacts(f), 2);
}

static void test_failed_records_have_lines_and_the_rest_is_imported(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_import_summary *s;

	opts_init(&o);
	s = run_file(f, "malformed.csv", &o);
	assert_int_equal(s->records, 4);
	assert_int_equal(s->imported, 1);
	assert_int_equal(s->failed, 3);
	assert_int_equal(s->n_problems, 3);
	assert_int_equal(s->problems[0].line, 3);
	assert_contains(s->problems[0].reason, "fields");
	assert_int_equal(s->problems[1].line, 4);
	assert_int_equal(s->problems[2].line, 5);
	kith_import_summary_free(s);
	s = run_file(f, "nested-begin.vcf", &o);
	assert_int_equal(s->failed, 1);
	assert_int_equal(s->imported, 2);
	kith_import_summary_free(s);
}

static void test_unknown_tier_and_oversized_input_fail_whole(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_import_summary *s = NULL;
	const char *text = "BEGIN:VCARD\nFN:X\nEND:VCARD\n";

	opts_init(&o);
	o.tier = "nope";
	assert_ok(kith_store_begin(f->store));
	assert_status(kith_import(f->store, text, strlen(text), &o, &s), KITH_ERR_NOT_FOUND);
	assert_contains(kith_ctx_errmsg(f->ctx), "nope");
	o.tier = NULL;
	/* The length is checked before a byte is read. */
	assert_status(kith_import(f->store, text, (size_t)KITH_IMPORT_MAX_BYTES + 1, &o, &s),
		      KITH_ERR_INVALID);
	assert_contains(kith_ctx_errmsg(f->ctx), "at most 64 MiB");
	assert_null(s);
	kith_store_rollback(f->store);
	assert_int_equal(count_contacts(f), 0);
}

static void test_dry_run_is_import_then_rollback(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_import_summary *s = NULL;
	size_t n;
	char *data = slurp("import", "apple-30.vcf", &n);

	opts_init(&o);
	assert_ok(kith_store_begin(f->store));
	assert_ok(kith_import(f->store, data, n, &o, &s));
	assert_int_equal(s->imported, 2);
	assert_int_equal(s->touches, 1);
	kith_store_rollback(f->store);
	kith_import_summary_free(s);
	free(data);
	assert_int_equal(count_contacts(f), 0);
	assert_int_equal(count_touches(f), 0);
}

/* n generated cards, all new. Ownership: free(). */
static char *many_cards(size_t n, size_t *out_len)
{
	struct kith_buf_ {
		char *d;
		size_t len, cap;
	} b = { NULL, 0, 0 };

	for (size_t i = 0; i < n; i++) {
		char card[160];
		int k = snprintf(card, sizeof(card),
				 "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person %zu\r\n"
				 "EMAIL:p%zu@example.com\r\nEND:VCARD\r\n",
				 i, i);

		if (b.len + (size_t)k + 1 > b.cap) {
			b.cap = (b.cap + (size_t)k + 1) * 2;
			b.d = realloc(b.d, b.cap);
			assert_non_null(b.d);
		}
		memcpy(b.d + b.len, card, (size_t)k + 1);
		b.len += (size_t)k;
	}
	*out_len = b.len;
	return b.d;
}

static void test_800_new_contacts_spread_over_the_quarter(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_import_summary *s;
	struct kith_contact_filter cf = { NULL, 0, { 0, 0, 0 } };
	struct kith_contact *cs = NULL;
	struct kith_report_options ro;
	struct kith_report *r = NULL;
	size_t n = 0, len;
	long per_day[200];
	char *data = many_cards(800, &len);

	opts_init(&o);
	s = run(f, data, len, &o);
	free(data);
	assert_int_equal(s->imported, 800);
	assert_int_equal(s->per_day, 9); /* ceil(800 / 92 days of June..August) */
	assert_date(s->first_due_from, 2026, 6, 2);
	assert_true(kith_date_cmp(s->first_due_to, D(2026, 9, 1)) <= 0);
	kith_import_summary_free(s);
	memset(per_day, 0, sizeof(per_day));
	assert_ok(kith_store_list_contacts(f->store, &cf, &cs, &n));
	assert_int_equal(n, 800);
	for (size_t i = 0; i < n; i++) {
		long d = kith_date_diff_days(TODAY, cs[i].first_due);

		assert_true(d >= 1 && d <= 92);
		per_day[d]++;
	}
	for (int d = 1; d <= 92; d++) {
		assert_true(per_day[d] <= 9);
		/* smooth: no empty stretch in the quarter */
		if (d <= 88)
			assert_true(per_day[d] >= 8);
	}
	kith_contact_list_free(cs, n);
	/* The report sees the spread: only the first days are due this week. */
	memset(&ro, 0, sizeof(ro));
	ro.today = TODAY;
	assert_ok(kith_report_build(f->store, &ro, &r));
	assert_true(r->n_rows >= 60 && r->n_rows <= 63);
	assert_int_equal(r->tiers[1].total, 800);
	kith_report_free(r);
}

static void test_second_import_shares_the_days_with_the_first(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_import_summary *s;
	struct kith_contact_filter cf = { NULL, 0, { 0, 0, 0 } };
	struct kith_contact *cs = NULL;
	size_t n = 0, len;
	long per_day[200];
	char *data = many_cards(276, &len);

	opts_init(&o);
	kith_import_summary_free(run(f, data, len, &o)); /* 3 a day */
	free(data);
	/* 92 more, in a separate file: the cap becomes 4 a day, not 1 on top of 3. */
	data = many_cards(368, &len);
	s = run(f, data, len, &o);
	free(data);
	assert_int_equal(s->imported, 92);
	assert_int_equal(s->per_day, 4);
	kith_import_summary_free(s);
	memset(per_day, 0, sizeof(per_day));
	assert_ok(kith_store_list_contacts(f->store, &cf, &cs, &n));
	assert_int_equal(n, 368);
	for (size_t i = 0; i < n; i++)
		per_day[kith_date_diff_days(TODAY, cs[i].first_due)]++;
	for (int d = 1; d <= 92; d++)
		assert_true(per_day[d] <= 4);
	assert_int_equal(per_day[93], 0);
	kith_contact_list_free(cs, n);
}

static void test_per_day_cap_is_kept_past_the_period(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_import_summary *s;
	size_t len;
	char *data = many_cards(100, &len);

	opts_init(&o);
	o.tier = "core"; /* 2 months: 61 days */
	o.per_day = 1;
	s = run(f, data, len, &o);
	free(data);
	assert_int_equal(s->per_day, 1);
	assert_date(s->first_due_from, 2026, 6, 2);
	assert_date(s->first_due_to, 2026, 9, 9); /* day 100 */
	kith_import_summary_free(s);
}

static void test_same_email_different_uids_is_one_person(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_import_summary *s;
	struct kith_contact *c;
	/* Apple's and Google's export of one person, and a shared office address. */
	const char *text =
		"BEGIN:VCARD\nUID:apple-1\nFN:Anna Berg\nEMAIL:anna@x.org\nEND:VCARD\n"
		"BEGIN:VCARD\nUID:google-9\nFN:A. Berg\nEMAIL:Anna@x.org\n"
		"TEL:+46 8 555 0100\nEND:VCARD\n"
		"BEGIN:VCARD\nUID:apple-2\nFN:Bob Smith\nEMAIL:office@x.org\nEND:VCARD\n"
		"BEGIN:VCARD\nUID:google-3\nFN:Carol Jones\nEMAIL:office@x.org\nEND:VCARD\n";

	opts_init(&o);
	s = run(f, text, strlen(text), &o);
	assert_int_equal(s->records, 4);
	assert_int_equal(s->imported, 3);
	assert_int_equal(s->merged, 1);
	assert_int_equal(s->merged_across_uids, 1);
	kith_import_summary_free(s);
	assert_int_equal(count_contacts(f), 3);
	c = find(f, "anna@x.org");
	assert_string_equal(c->name, "Anna Berg");
	assert_int_equal(c->phones.n, 1);
	kith_contact_free(c);
	/* The names clearly differ: two people who share an address stay two. */
	c = find(f, "Carol");
	assert_string_equal(c->name, "Carol Jones");
	kith_contact_free(c);
}

static void test_spread_never_pulls_a_reminder_forward(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_contact *c;
	/* Touched yesterday, a week ago, two months ago; three months is regular's cadence. */
	const char *text = "BEGIN:VCARD\nFN:Yesterday\nX-LAST-CONTACTED:20260531\nEND:VCARD\n"
			   "BEGIN:VCARD\nFN:Week\nX-LAST-CONTACTED:20260525\nEND:VCARD\n"
			   "BEGIN:VCARD\nFN:Months\nX-LAST-CONTACTED:20260401\nEND:VCARD\n"
			   "BEGIN:VCARD\nFN:Overdue\nX-LAST-CONTACTED:20250101\nEND:VCARD\n";

	opts_init(&o);
	kith_import_summary_free(run(f, text, strlen(text), &o));
	c = find(f, "Yesterday");
	assert_true(kith_date_cmp(c->first_due, D(2026, 8, 31)) >= 0);
	kith_contact_free(c);
	c = find(f, "Week");
	assert_true(kith_date_cmp(c->first_due, D(2026, 8, 25)) >= 0);
	kith_contact_free(c);
	c = find(f, "Months");
	assert_true(kith_date_cmp(c->first_due, D(2026, 7, 1)) >= 0);
	kith_contact_free(c);
	/* The long-overdue is still brought into the quarter, not left overdue. */
	c = find(f, "Overdue");
	assert_true(kith_date_cmp(c->first_due, D(2026, 6, 2)) >= 0);
	assert_true(kith_date_cmp(c->first_due, D(2026, 9, 1)) <= 0);
	kith_contact_free(c);
}

static void test_spread_puts_the_longest_silent_first(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_contact *recent, *old, *never;
	const char *text = "BEGIN:VCARD\nFN:Recent\nX-LAST-CONTACTED:20260501\nEND:VCARD\n"
			   "BEGIN:VCARD\nFN:Old\nX-LAST-CONTACTED:20240701\nEND:VCARD\n"
			   "BEGIN:VCARD\nFN:Never\nEND:VCARD\n";

	opts_init(&o);
	kith_import_summary_free(run(f, text, strlen(text), &o));
	recent = find(f, "Recent");
	old = find(f, "Old");
	never = find(f, "Never");
	assert_date(never->first_due, 2026, 6, 2);
	assert_true(kith_date_cmp(old->first_due, recent->first_due) < 0);
	assert_true(kith_date_cmp(never->first_due, old->first_due) < 0);
	kith_contact_free(recent);
	kith_contact_free(old);
	kith_contact_free(never);
}

static void test_csv_map_option(void **state)
{
	struct fixture *f = *state;
	struct kith_import_options o;
	struct kith_import_summary *s;
	const char *text = "Who;Mail\nAnna Berg;anna@example.org\n";
	const char *map[] = { "Who=name", "Mail=email" };
	struct kith_contact *c;

	opts_init(&o);
	o.map = map;
	o.n_map = 2;
	o.format = KITH_IMPORT_CSV;
	s = run(f, text, strlen(text), &o);
	assert_string_equal(s->format, "CSV");
	assert_int_equal(s->imported, 1);
	kith_import_summary_free(s);
	c = find(f, "anna@example.org");
	assert_string_equal(c->name, "Anna Berg");
	kith_contact_free(c);
}

static void test_export_then_import_round_trips(void **state)
{
	struct fixture *f = *state, *g = NULL;
	struct kith_import_options o;
	struct kith_import_summary *s;
	struct kith_contact *c;
	const char *emails[] = { "anna@example.org", "anna@work.example.com", NULL };
	const char *phones[] = { "+46 8 555 0100", NULL };
	char *vcf = NULL;
	size_t n = 0;
	int64_t id = add_contact_full(f, "Anna Berg, PhD", "core", D(2025, 2, 3), emails, phones,
				      "lunch");

	c = get_contact(f, id);
	c->org = strdup("Berg; Holm & Co");
	c->title = strdup("Partner");
	c->notes = strdup("Line one\nLine two, with \\ and ;");
	c->how_met = strdup("a conference in Lund");
	c->birthday = D(1980, 2, 29);
	c->cadence = CAD(6, WEEK);
	assert_ok(kith_strlist_add(&c->tags, "mentors"));
	assert_ok(kith_store_update_contact(f->store, c));
	kith_contact_free(c);
	add_touch(f, id, D(2026, 5, 20), "lunch", "her move");
	add_touch(f, id, D(2026, 1, 2), "email", NULL);
	add_contact(f, "Ben Okafor", "annual", D(2026, 1, 1));

	assert_ok(kith_export_vcard(f->store, &vcf, &n));
	assert_int_equal(n, 2);
	/* Into an empty store. */
	assert_int_equal(fixture_setup((void **)&g), 0);
	opts_init(&o);
	s = run(g, vcf, strlen(vcf), &o);
	assert_int_equal(s->imported, 2);
	assert_int_equal(s->touches, 1);
	kith_import_summary_free(s);
	c = find(g, "anna@work.example.com");
	assert_string_equal(c->name, "Anna Berg, PhD");
	assert_string_equal(c->tier, "core");
	assert_int_equal(c->cadence.unit, KITH_CADENCE_WEEK);
	assert_int_equal(c->cadence.n, 6);
	assert_string_equal(c->via, "lunch");
	assert_string_equal(c->how_met, "a conference in Lund");
	assert_string_equal(c->org, "Berg; Holm & Co");
	assert_string_equal(c->title, "Partner");
	assert_string_equal(c->notes, "Line one\nLine two, with \\ and ;");
	assert_string_equal(c->emails.items[0], "anna@example.org");
	assert_string_equal(c->phones.items[0], "+46 8 555 0100");
	assert_string_equal(c->tags.items[0], "mentors");
	assert_date(c->birthday, 1980, 2, 29);
	assert_date(c->added, 2025, 2, 3);
	kith_contact_free(c);
	c = find(g, "Ben Okafor");
	assert_string_equal(c->tier, "annual");
	kith_contact_free(c);
	fixture_teardown((void **)&g);
	/* And back into the store it came from: nothing new. */
	s = run(f, vcf, strlen(vcf), &o);
	assert_int_equal(s->imported, 0);
	assert_int_equal(s->merged, 0);
	assert_int_equal(s->unchanged, 2);
	kith_import_summary_free(s);
	free(vcf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
		T(test_import_outlook_vcard_adds_contacts_with_fields),
		T(test_reimport_changes_nothing),
		T(test_duplicate_merges_without_overwriting_user_edits),
		T(test_dedupe_within_file_by_email_name_and_uid),
		T(test_since_keeps_people_with_a_recent_contact_date),
		T(test_since_uses_rev_as_a_proxy_but_logs_no_touch),
		T(test_parse_since_forms),
		T(test_only_keeps_listed_names_and_emails),
		T(test_failed_records_have_lines_and_the_rest_is_imported),
		T(test_unknown_tier_and_oversized_input_fail_whole),
		T(test_dry_run_is_import_then_rollback),
		T(test_800_new_contacts_spread_over_the_quarter),
		T(test_second_import_shares_the_days_with_the_first),
		T(test_per_day_cap_is_kept_past_the_period),
		T(test_same_email_different_uids_is_one_person),
		T(test_spread_never_pulls_a_reminder_forward),
		T(test_spread_puts_the_longest_silent_first),
		T(test_csv_map_option),
		T(test_export_then_import_round_trips),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
