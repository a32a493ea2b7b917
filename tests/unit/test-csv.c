/* SPDX-License-Identifier: MIT */
/* csv.c: the RFC 4180 reader and the Outlook / Google / --map column mapping. */
#include "helpers.h"

#include "charset.h"
#include "csv.h"

static void read_file(const char *name, const char *const *map, size_t n_map,
		      struct kith_card_list *out, const char **dialect)
{
	size_t n;
	char *data = slurp("import", name, &n);

	memset(out, 0, sizeof(*out));
	assert_ok(kith_csv_read_cards(NULL, data, n, map, n_map, out, dialect));
	free(data);
}

/* ---- the reader ---- */

static void test_reader_rfc4180_quotes_newlines_and_crlf(void **state)
{
	const char *text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n\r\nlast,,\n";
	struct kith_csv *csv = NULL;
	struct kith_csv_row row;
	int more = 0;

	(void)state;
	assert_ok(kith_csv_open(NULL, text, strlen(text), &csv));
	assert_ok(kith_csv_next(csv, &row, &more));
	assert_true(more);
	assert_int_equal(row.n, 3);
	assert_int_equal(row.line, 1);
	assert_ok(kith_csv_next(csv, &row, &more));
	assert_int_equal(row.line, 2);
	assert_int_equal(row.n, 3);
	assert_string_equal(row.fields[0], "x, y");
	assert_string_equal(row.fields[1], "say \"hi\"");
	assert_string_equal(row.fields[2], "two\r\nlines");
	assert_null(row.error);
	/* the blank line is skipped; line numbers count the embedded break */
	assert_ok(kith_csv_next(csv, &row, &more));
	assert_int_equal(row.line, 5);
	assert_int_equal(row.n, 3);
	assert_string_equal(row.fields[0], "last");
	assert_string_equal(row.fields[2], "");
	assert_ok(kith_csv_next(csv, &row, &more));
	assert_false(more);
	kith_csv_close(csv);
}

static void test_reader_semicolon_delimiter_and_unclosed_quote(void **state)
{
	const char *text = "Name;Email\nA;\"open\nstill";
	struct kith_csv *csv = NULL;
	struct kith_csv_row row;
	int more = 0;

	(void)state;
	assert_ok(kith_csv_open(NULL, text, strlen(text), &csv));
	assert_ok(kith_csv_next(csv, &row, &more));
	assert_int_equal(row.n, 2);
	assert_ok(kith_csv_next(csv, &row, &more));
	assert_true(more);
	assert_non_null(row.error);
	assert_contains(row.error, "opened on line 2 never ends");
	assert_ok(kith_csv_next(csv, &row, &more));
	assert_false(more);
	kith_csv_close(csv);
}

/* ---- address books ---- */

static void test_google_csv_bom_multiline_notes_and_multi_values(void **state)
{
	struct kith_card_list l;
	const char *dialect = NULL;
	const struct kith_card *c;

	(void)state;
	read_file("google.csv", NULL, 0, &l, &dialect);
	assert_string_equal(dialect, "Google CSV");
	assert_int_equal(l.n, 3);
	c = &l.items[0];
	assert_null(c->error);
	assert_int_equal(c->line, 2);
	assert_string_equal(c->name, "Priya Raman");
	assert_string_equal(c->notes, "Met at the \"Data, Cloud & AI\" meetup.\n"
				      "Follow up about the book.");
	assert_int_equal(c->emails.n, 3);
	assert_string_equal(c->emails.items[1], "priya.r@example.org");
	assert_string_equal(c->phones.items[0], "+1 415 555 0134");
	assert_string_equal(c->org, "Acme, Inc.");
	assert_string_equal(c->title, "CTO");
	assert_date(c->birthday, 1990, 2, 17);
	/* "* myContacts" is dropped, "* starred" kept as "starred". */
	assert_int_equal(c->tags.n, 2);
	assert_string_equal(c->tags.items[0], "Friends");
	assert_string_equal(c->tags.items[1], "starred");
	assert_int_equal(l.items[1].line, 4);
	/* a row with only a phone cannot be named */
	assert_contains(l.items[2].error, "no name, organisation or email");
	kith_card_list_clear(&l);
}

static void test_outlook_csv_windows_1252_last_contacted_and_honorific(void **state)
{
	struct kith_card_list l;
	const char *dialect = NULL;
	const struct kith_card *c;

	(void)state;
	read_file("outlook.csv", NULL, 0, &l, &dialect);
	assert_string_equal(dialect, "Outlook CSV");
	assert_int_equal(l.n, 3);
	c = &l.items[0];
	assert_string_equal(c->name, "Zo\xc3\xab Fontaine");
	assert_string_equal(c->title, "Architecte"); /* "Title" is Ms., not the job */
	assert_string_equal(c->org, "Vinci & Fils");
	assert_false(kith_date_is_set(c->birthday)); /* 0/0/00 */
	assert_date(c->last_contact, 2025, 3, 15);
	assert_int_equal(c->tags.n, 2);
	assert_string_equal(c->notes, "Caf\xc3\xa9 near the office");
	c = &l.items[1];
	assert_string_equal(c->name, "H\xc3\xa5kon Berg");
	assert_int_equal(c->emails.n, 2);
	assert_date(c->birthday, 1979, 7, 4);
	assert_date(c->last_contact, 2019, 11, 2);
	assert_false(kith_date_is_set(l.items[2].last_contact));
	kith_card_list_clear(&l);
}

static void test_malformed_rows_are_reported_with_lines(void **state)
{
	struct kith_card_list l;

	(void)state;
	read_file("malformed.csv", NULL, 0, &l, NULL);
	assert_int_equal(l.n, 4);
	assert_null(l.items[0].error);
	assert_int_equal(l.items[1].line, 3);
	assert_contains(l.items[1].error, "the row has 4 fields, the header 3");
	assert_int_equal(l.items[2].line, 4);
	assert_non_null(l.items[2].error);
	assert_int_equal(l.items[3].line, 5);
	assert_contains(l.items[3].error, "never ends");
	kith_card_list_clear(&l);
}

static void test_map_names_columns_of_any_csv(void **state)
{
	const char *text = "Who,Mail,Since,Group\nAnna Berg,anna@example.org,2025-06-01,core\n";
	const char *map[] = { "who=name", "Mail=email", " since =last-contacted", "Group=tags" };
	struct kith_card_list l;

	(void)state;
	memset(&l, 0, sizeof(l));
	/* Without a map the header means nothing to kith. */
	assert_status(kith_csv_read_cards(NULL, text, strlen(text), NULL, 0, &l, NULL),
		      KITH_ERR_INVALID);
	kith_card_list_clear(&l);
	assert_ok(kith_csv_read_cards(NULL, text, strlen(text), map, 3, &l, NULL));
	assert_int_equal(l.n, 1);
	assert_string_equal(l.items[0].name, "Anna Berg");
	assert_string_equal(l.items[0].emails.items[0], "anna@example.org");
	kith_card_list_clear(&l);
}

static void test_bad_map_messages_name_fields_and_columns(void **state)
{
	const char *text = "Who,Mail\nA,a@example.org\n";
	const char *bad_field[] = { "Who=nickname" };
	const char *bad_col[] = { "Nobody=name" };
	const char *no_eq[] = { "Who" };
	struct kith_card_list l;
	struct kith_ctx *ctx = NULL;

	(void)state;
	assert_ok(kith_ctx_new(&ctx));
	memset(&l, 0, sizeof(l));
	assert_status(kith_csv_read_cards(ctx, text, strlen(text), bad_field, 1, &l, NULL),
		      KITH_ERR_INVALID);
	assert_contains(kith_ctx_errmsg(ctx), "last-contacted");
	assert_status(kith_csv_read_cards(ctx, text, strlen(text), bad_col, 1, &l, NULL),
		      KITH_ERR_INVALID);
	assert_contains(kith_ctx_errmsg(ctx), "'Who', 'Mail'");
	assert_status(kith_csv_read_cards(ctx, text, strlen(text), no_eq, 1, &l, NULL),
		      KITH_ERR_INVALID);
	assert_contains(kith_ctx_errmsg(ctx), "COLUMN=FIELD");
	assert_status(kith_csv_read_cards(ctx, "", 0, NULL, 0, &l, NULL), KITH_ERR_INVALID);
	assert_int_equal(l.n, 0);
	kith_card_list_clear(&l);
	kith_ctx_free(ctx);
}

static void test_huge_field_is_a_malformed_row(void **state)
{
	const size_t big = 2u * 1024 * 1024;
	const char *head = "Name,Notes\nBig,\"";
	const char *tail = "\"\nSmall,ok\n";
	size_t hn = strlen(head), tn = strlen(tail);
	char *data = malloc(hn + big + tn + 1);
	struct kith_card_list l;

	(void)state;
	assert_non_null(data);
	memcpy(data, head, hn);
	memset(data + hn, 'x', big);
	memcpy(data + hn + big, tail, tn + 1);
	memset(&l, 0, sizeof(l));
	assert_ok(kith_csv_read_cards(NULL, data, hn + big + tn, NULL, 0, &l, NULL));
	assert_int_equal(l.n, 2);
	assert_contains(l.items[0].error, "longer than");
	assert_string_equal(l.items[1].name, "Small");
	kith_card_list_clear(&l);
	free(data);
}

static void test_row_of_many_fields_over_a_mebibyte_is_malformed(void **state)
{
	const size_t fields = 1100, each = 1000;
	size_t len = 0;
	char *data = malloc(16 + fields * (each + 1) + 32);
	struct kith_card_list l;

	(void)state;
	assert_non_null(data);
	len += (size_t)sprintf(data, "Name,Notes\nWide");
	for (size_t i = 0; i < fields; i++) {
		data[len++] = ',';
		memset(data + len, 'y', each);
		len += each;
	}
	len += (size_t)sprintf(data + len, "\nNarrow,ok\n");
	memset(&l, 0, sizeof(l));
	assert_ok(kith_csv_read_cards(NULL, data, len, NULL, 0, &l, NULL));
	assert_int_equal(l.n, 2);
	assert_contains(l.items[0].error, "the row is longer than");
	assert_null(l.items[1].error);
	kith_card_list_clear(&l);
	free(data);
}

static void test_dates_in_exporter_formats(void **state)
{
	struct kith_date d = NODATE;

	(void)state;
	assert_true(kith_card_parse_date("2026-03-14", &d));
	assert_date(d, 2026, 3, 14);
	assert_true(kith_card_parse_date("20260314T101500Z", &d));
	assert_date(d, 2026, 3, 14);
	assert_true(kith_card_parse_date("2026-03-14T10:15:00Z", &d));
	assert_true(kith_card_parse_date("3/14/2026", &d));
	assert_date(d, 2026, 3, 14);
	assert_true(kith_card_parse_date("14/3/2026", &d));
	assert_date(d, 2026, 3, 14);
	assert_true(kith_card_parse_date("14.03.2026", &d));
	assert_date(d, 2026, 3, 14);
	assert_true(kith_card_parse_date("7/4/79", &d));
	assert_date(d, 1979, 7, 4);
	d = NODATE;
	assert_false(kith_card_parse_date("0/0/00", &d));
	assert_false(kith_card_parse_date("--0314", &d));
	assert_false(kith_card_parse_date("2026-02-30", &d));
	assert_false(kith_card_parse_date("yesterday", &d));
	assert_false(kith_card_parse_date("", &d));
	assert_false(kith_date_is_set(d));
	/* A birthday may have no year (vCard 4.0, Google CSV); a last contact may not. */
	assert_true(kith_card_parse_birthday("--0314", &d));
	assert_date(d, KITH_BIRTHDAY_NO_YEAR, 3, 14);
	assert_true(kith_card_parse_birthday(" --02-29 ", &d));
	assert_date(d, KITH_BIRTHDAY_NO_YEAR, 2, 29);
	assert_true(kith_card_parse_birthday("1979-07-04", &d));
	assert_date(d, 1979, 7, 4);
	d = NODATE;
	assert_false(kith_card_parse_birthday("--1314", &d));
	assert_false(kith_card_parse_birthday("--03-14x", &d));
	assert_false(kith_card_parse_birthday("--3", &d));
	assert_false(kith_card_parse_birthday("---", &d));
	assert_false(kith_date_is_set(d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_rfc4180_quotes_newlines_and_crlf),
		cmocka_unit_test(test_reader_semicolon_delimiter_and_unclosed_quote),
		cmocka_unit_test(test_google_csv_bom_multiline_notes_and_multi_values),
		cmocka_unit_test(test_outlook_csv_windows_1252_last_contacted_and_honorific),
		cmocka_unit_test(test_malformed_rows_are_reported_with_lines),
		cmocka_unit_test(test_map_names_columns_of_any_csv),
		cmocka_unit_test(test_bad_map_messages_name_fields_and_columns),
		cmocka_unit_test(test_huge_field_is_a_malformed_row),
		cmocka_unit_test(test_row_of_many_fields_over_a_mebibyte_is_malformed),
		cmocka_unit_test(test_dates_in_exporter_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
