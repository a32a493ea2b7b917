/* SPDX-License-Identifier: MIT */
/* vcard.c: reading what real exporters write, hostile input, and the 4.0 writer. */
#include "helpers.h"

#include "charset.h"
#include "vcard.h"

/* A fixture file. Ownership: free(). */
static void parse_file(const char *name, struct kith_card_list *out)
{
	size_t n;
	char *data = slurp("import", name, &n);

	memset(out, 0, sizeof(*out));
	assert_ok(kith_vcard_parse(NULL, data, n, out));
	free(data);
	for (size_t i = 0; i < out->n; i++) {
		const struct kith_card *c = &out->items[i];

		if (c->name)
			assert_true(kith_utf8_is_valid(c->name, strlen(c->name)));
		if (c->notes)
			assert_true(kith_utf8_is_valid(c->notes, strlen(c->notes)));
	}
}

static void parse_text(const char *text, struct kith_card_list *out)
{
	memset(out, 0, sizeof(*out));
	assert_ok(kith_vcard_parse(NULL, text, strlen(text), out));
}

static void test_outlook_21_quoted_printable_windows_1252(void **state)
{
	struct kith_card_list l;
	const struct kith_card *c;

	(void)state;
	parse_file("outlook-21.vcf", &l);
	assert_int_equal(l.n, 3);
	c = &l.items[0];
	assert_null(c->error);
	assert_int_equal(c->line, 1);
	assert_string_equal(c->name, "J\xc3\xb6rg M\xc3\xbcller");
	assert_string_equal(c->org, "Fabrikam Ltd");
	assert_string_equal(c->title, "Head of Sales");
	/* The Exchange address is dropped; the preferred phone comes first. */
	assert_int_equal(c->emails.n, 1);
	assert_string_equal(c->emails.items[0], "joerg.mueller@example.com");
	assert_int_equal(c->phones.n, 2);
	assert_string_equal(c->phones.items[0], "+49 170 555 0101");
	/* Soft line break joined, CRLF decoded, windows-1252 dash and accents converted. */
	assert_string_equal(c->notes, "Met at the trade fair in K\xc3\xb6ln.\nLikes long lunches "
				      "\xe2\x80\x93 and caf\xc3\xa9.");
	assert_date(c->birthday, 1975, 4, 12);
	assert_date(c->revised, 2025, 1, 15);
	assert_false(kith_date_is_set(c->last_contact));
	c = &l.items[1];
	assert_string_equal(c->name, "Ben Okafor");
	assert_int_equal(c->tags.n, 2);
	assert_string_equal(c->tags.items[1], "Golf");
	/* No FN: the name comes from N, in ISO-8859-1. */
	c = &l.items[2];
	assert_null(c->error);
	assert_string_equal(c->name, "Mar\xc3\xad"
				     "a Ch\xc3\xa1vez");
	kith_card_list_clear(&l);
}

static void test_apple_30_groups_escapes_and_folding(void **state)
{
	struct kith_card_list l;
	const struct kith_card *c;

	(void)state;
	parse_file("apple-30.vcf", &l);
	assert_int_equal(l.n, 2);
	c = &l.items[0];
	assert_null(c->error);
	assert_string_equal(c->name, "\xc3\x85sa Lindqvist");
	assert_string_equal(c->org, "Northwind, Inc.");
	assert_int_equal(c->emails.n, 2);
	assert_string_equal(c->emails.items[0], "asa@example.com");
	/* item2's label says "last contacted"; item3 is an anniversary. */
	assert_date(c->last_contact, 2025, 11, 3);
	assert_date(c->birthday, 1982, 9, 30);
	assert_string_equal(c->uid, "4E6A1B0C-7F43-4D6B-9E27-5A8B3C2D1E0F");
	assert_string_equal(c->notes, "Speaks at conferences; prefers email.\nTwo kids, one dog.\n"
				      "A second note that is folded across a line so that it is "
				      "longer than seventy-five octets.");
	assert_int_equal(c->tags.n, 2);
	/* Empty FN and N: the organisation names it. */
	c = &l.items[1];
	assert_null(c->error);
	assert_string_equal(c->name, "Contoso Catering");
	kith_card_list_clear(&l);
}

static void test_vcard_40_uri_values_and_pref(void **state)
{
	struct kith_card_list l;
	const struct kith_card *c;

	(void)state;
	parse_file("v40.vcf", &l);
	assert_int_equal(l.n, 1);
	c = &l.items[0];
	assert_string_equal(c->name, "Dr. Kenji Watanabe");
	assert_string_equal(c->uid, "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
	assert_string_equal(c->emails.items[0], "k.watanabe@example.net");
	assert_string_equal(c->phones.items[0], "+81-90-5550-1234");
	assert_string_equal(c->phones.items[1], "+81-3-5550-9876;ext=102");
	/* --0314 has no year: kept as such. */
	assert_date(c->birthday, KITH_BIRTHDAY_NO_YEAR, 3, 14);
	assert_date(c->last_contact, 2026, 1, 10);
	kith_card_list_clear(&l);
}

static void test_truncated_card_is_an_error_after_good_ones(void **state)
{
	struct kith_card_list l;

	(void)state;
	parse_file("truncated.vcf", &l);
	assert_int_equal(l.n, 2);
	assert_null(l.items[0].error);
	assert_non_null(l.items[1].error);
	assert_contains(l.items[1].error, "no END:VCARD");
	assert_int_equal(l.items[1].line, 6);
	kith_card_list_clear(&l);
}

static void test_begin_without_end_recovers_the_next_card(void **state)
{
	struct kith_card_list l;

	(void)state;
	parse_file("begin-no-end.vcf", &l);
	assert_int_equal(l.n, 2);
	assert_contains(l.items[0].error, "before the BEGIN:VCARD on line 5");
	assert_null(l.items[1].error);
	assert_string_equal(l.items[1].name, "After It");
	assert_int_equal(l.items[1].line, 5);
	kith_card_list_clear(&l);
}

static void test_nested_begin_fails_outer_and_agent_is_skipped(void **state)
{
	struct kith_card_list l;

	(void)state;
	parse_file("nested-begin.vcf", &l);
	assert_int_equal(l.n, 3);
	assert_non_null(l.items[0].error);
	assert_string_equal(l.items[1].name, "Inner");
	/* A 2.1 AGENT's embedded card belongs to its owner and is skipped. */
	assert_null(l.items[2].error);
	assert_string_equal(l.items[2].name, "Has Agent");
	assert_string_equal(l.items[2].emails.items[0], "boss@example.com");
	kith_card_list_clear(&l);
}

static void test_invalid_utf8_is_converted_never_passed_on(void **state)
{
	struct kith_card_list l;

	(void)state;
	parse_file("invalid-utf8.vcf", &l);
	assert_int_equal(l.n, 1);
	assert_null(l.items[0].error);
	assert_true(kith_utf8_is_valid(l.items[0].name, strlen(l.items[0].name)));
	assert_contains(l.items[0].name, "Ren\xc3\xa9"
					 "e");
	/* The FN on line 3 claimed UTF-8 (vCard 3.0) and was not: it says so. */
	assert_non_null(l.items[0].warning);
	assert_contains(l.items[0].warning, "FN is not valid UTF-8");
	assert_int_equal(l.items[0].warning_line, 3);
	kith_card_list_clear(&l);
}

static void test_ten_megabyte_line_is_a_malformed_card(void **state)
{
	const size_t big = 10u * 1024 * 1024;
	const char *head =
		"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Big Photo\r\nPHOTO:data:image/png;base64,";
	const char *tail = "\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Small\r\nEND:VCARD\r\n";
	size_t hn = strlen(head), tn = strlen(tail);
	char *data = malloc(hn + big + tn + 1);
	struct kith_card_list l;

	(void)state;
	assert_non_null(data);
	memcpy(data, head, hn);
	memset(data + hn, 'A', big);
	memcpy(data + hn + big, tail, tn + 1);
	memset(&l, 0, sizeof(l));
	assert_ok(kith_vcard_parse(NULL, data, hn + big + tn, &l));
	assert_int_equal(l.n, 2);
	assert_contains(l.items[0].error, "line 4 is longer than");
	assert_null(l.items[1].error);
	assert_string_equal(l.items[1].name, "Small");
	kith_card_list_clear(&l);
	free(data);
}

static void test_card_without_name_org_or_email_is_an_error(void **state)
{
	struct kith_card_list l;

	(void)state;
	parse_text("BEGIN:VCARD\nVERSION:3.0\nTEL:+1 555 0100\nEND:VCARD\n", &l);
	assert_int_equal(l.n, 1);
	assert_contains(l.items[0].error, "no name, organisation or email");
	kith_card_list_clear(&l);
	/* Nor is an organisation of control characters (found by fuzz-csv). */
	parse_text("BEGIN:VCARD\nVERSION:3.0\nORG:\x7f\nEND:VCARD\n", &l);
	assert_contains(l.items[0].error, "no name, organisation or email");
	kith_card_list_clear(&l);
	/* A name of control characters and blanks is no name. */
	parse_text("BEGIN:VCARD\nVERSION:3.0\nFN:\x01 \x02\nEMAIL:ctl@example.com\nEND:VCARD\n",
		   &l);
	assert_string_equal(l.items[0].name, "ctl@example.com");
	kith_card_list_clear(&l);
	parse_text("BEGIN:VCARD\nVERSION:3.0\nFN:Two\\nLines\nEND:VCARD\n", &l);
	assert_string_equal(l.items[0].name, "Two Lines");
	kith_card_list_clear(&l);
	/* With only an email, the email names it. */
	parse_text("BEGIN:VCARD\nVERSION:3.0\nEMAIL:solo@example.com\nEND:VCARD\n", &l);
	assert_string_equal(l.items[0].name, "solo@example.com");
	kith_card_list_clear(&l);
}

static void test_lowercase_bare_cr_and_garbage_lines(void **state)
{
	struct kith_card_list l;

	(void)state;
	parse_text("garbage before\rbegin:vcard\rversion:3.0\rfn:Lower Case\rjunk line\r"
		   "email;type=work:lc@example.com\rend:vcard\r",
		   &l);
	assert_int_equal(l.n, 1);
	assert_null(l.items[0].error);
	assert_string_equal(l.items[0].name, "Lower Case");
	assert_string_equal(l.items[0].emails.items[0], "lc@example.com");
	kith_card_list_clear(&l);
}

static void test_kith_fields_are_read(void **state)
{
	struct kith_card_list l;
	const struct kith_card *c;

	(void)state;
	parse_text("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:K\r\nX-KITH-TIER:core\r\nX-KITH-CADENCE:6w\r\n"
		   "X-KITH-VIA:lunch\r\nX-KITH-HOW-MET:a talk\r\nX-KITH-ADDED:20250101\r\n"
		   "X-KITH-LAST-CONTACTED:20260201\r\nX-KITH-ARCHIVED:TRUE\r\nEND:VCARD\r\n",
		   &l);
	c = &l.items[0];
	assert_string_equal(c->tier, "core");
	assert_int_equal(c->cadence.unit, KITH_CADENCE_WEEK);
	assert_int_equal(c->cadence.n, 6);
	assert_string_equal(c->via, "lunch");
	assert_string_equal(c->how_met, "a talk");
	assert_date(c->added, 2025, 1, 1);
	assert_date(c->last_contact, 2026, 2, 1);
	assert_true(c->archived);
	kith_card_list_clear(&l);
}

/* ---- the writer ---- */

static void test_write_escapes_folds_and_reads_back(void **state)
{
	struct kith_contact c;
	struct kith_buf b = KITH_BUF_INIT;
	struct kith_card_list l;
	const struct kith_card *r;
	char *text;
	const char *line;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.name = "\xc3\x85sa van der Berg";
	c.uid = "kith-7-abcd@kith";
	c.tier = "core";
	c.org = "Northwind; Research, Inc.";
	c.title = "Engineer";
	c.notes = "Line one, with a comma; and a semicolon.\nLine two \\ backslash. "
		  "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"
		  "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac";
	c.birthday = D(1980, 2, 29);
	c.cadence = CAD(6, WEEK);
	c.via = "email";
	c.added = D(2026, 1, 5);
	assert_ok(kith_strlist_add(&c.emails, "asa@example.com"));
	assert_ok(kith_strlist_add(&c.emails, "asa@work.example.com"));
	assert_ok(kith_strlist_add(&c.phones, "+46 70 555 01 02"));
	assert_ok(kith_strlist_add(&c.tags, "speakers, 2026"));
	kith_vcard_write(&b, &c, D(2026, 3, 1));
	text = kith_buf_steal(&b);
	assert_non_null(text);
	assert_contains(text, "VERSION:4.0\r\n");
	assert_contains(text, "UID:kith-7-abcd@kith\r\n");
	assert_contains(text, "N:Berg;\xc3\x85sa van der;;;\r\n");
	assert_contains(text, "EMAIL;PREF=1:asa@example.com\r\n");
	assert_contains(text, "ORG:Northwind\\; Research\\, Inc.\r\n");
	assert_contains(text, "CATEGORIES:speakers\\, 2026\r\n");
	assert_contains(text, "X-KITH-CADENCE:6w\r\n");
	assert_contains(text, "X-KITH-LAST-CONTACTED:20260301\r\n");
	/* No content line is longer than 75 octets, and no fold splits a character. */
	for (line = text; *line;) {
		const char *e = strstr(line, "\r\n");

		assert_non_null(e);
		assert_true(e - line <= 75);
		assert_true(((unsigned char)*line & 0xc0) != 0x80);
		if (*line == ' ')
			assert_true(((unsigned char)line[1] & 0xc0) != 0x80);
		line = e + 2;
	}
	parse_text(text, &l);
	assert_int_equal(l.n, 1);
	r = &l.items[0];
	assert_string_equal(r->name, c.name);
	assert_string_equal(r->org, c.org);
	assert_string_equal(r->notes, c.notes);
	assert_string_equal(r->uid, c.uid);
	assert_string_equal(r->tags.items[0], "speakers, 2026");
	assert_string_equal(r->emails.items[0], "asa@example.com");
	assert_string_equal(r->phones.items[0], "+46 70 555 01 02");
	assert_date(r->birthday, 1980, 2, 29);
	assert_date(r->last_contact, 2026, 3, 1);
	assert_string_equal(r->tier, "core");
	assert_string_equal(r->via, "email");
	kith_card_list_clear(&l);
	free(text);
	/* A birthday without a year goes out as one (RFC 6350 4.3.4) and comes back. */
	c.birthday = D(KITH_BIRTHDAY_NO_YEAR, 2, 29);
	kith_vcard_write(&b, &c, D(2026, 3, 1));
	text = kith_buf_steal(&b);
	assert_non_null(text);
	assert_contains(text, "BDAY:--0229\r\n");
	parse_text(text, &l);
	assert_int_equal(l.n, 1);
	assert_date(l.items[0].birthday, KITH_BIRTHDAY_NO_YEAR, 2, 29);
	kith_card_list_clear(&l);
	free(text);
	kith_strlist_clear(&c.emails);
	kith_strlist_clear(&c.phones);
	kith_strlist_clear(&c.tags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outlook_21_quoted_printable_windows_1252),
		cmocka_unit_test(test_apple_30_groups_escapes_and_folding),
		cmocka_unit_test(test_vcard_40_uri_values_and_pref),
		cmocka_unit_test(test_truncated_card_is_an_error_after_good_ones),
		cmocka_unit_test(test_begin_without_end_recovers_the_next_card),
		cmocka_unit_test(test_nested_begin_fails_outer_and_agent_is_skipped),
		cmocka_unit_test(test_invalid_utf8_is_converted_never_passed_on),
		cmocka_unit_test(test_ten_megabyte_line_is_a_malformed_card),
		cmocka_unit_test(test_card_without_name_org_or_email_is_an_error),
		cmocka_unit_test(test_lowercase_bare_cr_and_garbage_lines),
		cmocka_unit_test(test_kith_fields_are_read),
		cmocka_unit_test(test_write_escapes_folds_and_reads_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
