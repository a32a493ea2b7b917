/* SPDX-License-Identifier: MIT */
/* CSV address books: an RFC 4180 reader that streams, and the column mapping. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array.h"
#include "buf.h"
#include "charset.h"
#include "csv.h"
#include "ctx.h"

/* ---- the reader ---- */

struct kith_csv {
	struct kith_ctx *ctx;
	const char *d;
	size_t len;
	size_t pos;
	long line; /* the line at pos */
	char delim;
	struct kith_buf text; /* the fields of the current row, each NUL-terminated */
	size_t *offsets;
	const char **fields;
	size_t cap;
	char error[160];
};

/* The delimiter the header line uses most: ',', ';' or a tab. */
static char guess_delim(const char *d, size_t len)
{
	size_t counts[3] = { 0, 0, 0 };
	static const char delims[3] = { ',', ';', '\t' };
	int quoted = 0;
	size_t best = 0;

	for (size_t i = 0; i < len && (quoted || (d[i] != '\n' && d[i] != '\r')); i++) {
		if (d[i] == '"')
			quoted = !quoted;
		for (size_t k = 0; k < 3 && !quoted; k++)
			counts[k] += d[i] == delims[k];
	}
	for (size_t k = 1; k < 3; k++)
		if (counts[k] > counts[best])
			best = k;
	return delims[best];
}

enum kith_status kith_csv_open(struct kith_ctx *ctx, const char *data, size_t len,
			       struct kith_csv **out)
{
	struct kith_csv *c = calloc(1, sizeof(*c));

	if (!c)
		return kith_nomem(ctx);
	c->ctx = ctx;
	c->d = data;
	c->len = len;
	c->line = 1;
	if (len >= 3 && !memcmp(data, "\xef\xbb\xbf", 3))
		c->pos = 3;
	c->delim = guess_delim(data + c->pos, len - c->pos);
	*out = c;
	return KITH_OK;
}

void kith_csv_close(struct kith_csv *csv)
{
	if (!csv)
		return;
	kith_buf_free(&csv->text);
	free(csv->offsets);
	free(csv->fields);
	free(csv);
}

/* n more bytes keep the field (flen so far) and the whole row within the caps. */
static int fits(const struct kith_csv *c, size_t flen, size_t n)
{
	return flen + n <= KITH_CSV_MAX_FIELD && c->text.len + n <= KITH_CSV_MAX_FIELD;
}

/* Ends the current field: a NUL in the text, its offset recorded. 0 or -1 (no memory). */
static int end_field(struct kith_csv *c, size_t *n, size_t start)
{
	kith_buf_append_n(&c->text, "", 1);
	if (c->text.failed)
		return -1;
	if (*n >= KITH_CSV_MAX_COLUMNS)
		return 0;
	if (KITH_GROW(c->offsets, c->cap, *n + 1, 32))
		return -1;
	c->offsets[(*n)++] = start;
	return 0;
}

static int at_eol(const struct kith_csv *c, size_t i)
{
	return c->d[i] == '\n' || c->d[i] == '\r';
}

/* Steps past a line end at i (CRLF, LF or CR); counts the line. */
static size_t skip_eol(struct kith_csv *c, size_t i)
{
	if (c->d[i] == '\r' && i + 1 < c->len && c->d[i + 1] == '\n')
		i++;
	c->line++;
	return i + 1;
}

enum kith_status kith_csv_next(struct kith_csv *c, struct kith_csv_row *row, int *out_more)
{
	size_t i = c->pos, n = 0, start;
	int too_long = 0;
	long quote_line = 0;

	c->error[0] = '\0';
	c->text.len = 0;
	/* Blank lines between rows are not rows. */
	while (i < c->len && at_eol(c, i))
		i = skip_eol(c, i);
	if (i >= c->len) {
		c->pos = i;
		*out_more = 0;
		return KITH_OK;
	}
	row->line = c->line;
	for (;;) {
		size_t flen = 0;

		start = c->text.len;
		if (i < c->len && c->d[i] == '"') {
			quote_line = c->line;
			i++;
			for (;;) {
				size_t run = i;

				while (i < c->len && c->d[i] != '"' && !at_eol(c, i))
					i++;
				if (!too_long && fits(c, flen, i - run))
					kith_buf_append_n(&c->text, c->d + run, i - run);
				else
					too_long = 1;
				flen += i - run;
				if (i >= c->len) {
					snprintf(c->error, sizeof(c->error),
						 "the quoted field opened on line %ld never ends",
						 quote_line);
					break;
				}
				if (at_eol(c, i)) {
					size_t e = i;

					i = skip_eol(c, i);
					if (!too_long && fits(c, flen, i - e))
						kith_buf_append_n(&c->text, c->d + e, i - e);
					else
						too_long = 1;
					flen += i - e;
					continue;
				}
				/* a quote: doubled is a quote, single closes the field */
				if (i + 1 < c->len && c->d[i + 1] == '"') {
					if (!too_long && fits(c, flen, 1))
						kith_buf_append_n(&c->text, "\"", 1);
					else
						too_long = 1;
					i += 2;
					flen++;
					continue;
				}
				i++;
				break;
			}
		}
		/* Unquoted text, or what follows a closing quote (kept, leniently). */
		{
			size_t run = i;

			while (i < c->len && c->d[i] != c->delim && !at_eol(c, i))
				i++;
			if (!too_long && fits(c, flen, i - run))
				kith_buf_append_n(&c->text, c->d + run, i - run);
			else
				too_long = 1;
		}
		if (end_field(c, &n, start))
			return kith_nomem(c->ctx);
		if (i < c->len && c->d[i] == c->delim) {
			i++;
			continue;
		}
		if (i < c->len)
			i = skip_eol(c, i);
		break;
	}
	c->pos = i;
	if (too_long && !c->error[0])
		snprintf(c->error, sizeof(c->error), "the row is longer than %d bytes",
			 KITH_CSV_MAX_FIELD);
	free(c->fields);
	c->fields = malloc((n ? n : 1) * sizeof(*c->fields));
	if (!c->fields)
		return kith_nomem(c->ctx);
	for (size_t k = 0; k < n; k++)
		c->fields[k] = c->text.data + c->offsets[k];
	row->n = n;
	row->fields = c->fields;
	row->error = c->error[0] ? c->error : NULL;
	*out_more = 1;
	return KITH_OK;
}

/* ---- the mapping ---- */

enum field {
	F_IGNORE = 0,
	F_NAME,
	F_GIVEN,
	F_MIDDLE,
	F_FAMILY,
	F_EMAIL,
	F_PHONE,
	F_ORG,
	F_TITLE,
	F_NOTES,
	F_BIRTHDAY,
	F_TAGS,
	F_UID,
	F_LAST,
	F_HONORIFIC, /* Outlook's "Title" (Mr., Dr.): not kept */
};

static const char *const field_names[] = {
	[F_IGNORE] = "ignore",     [F_NAME] = "name",
	[F_GIVEN] = "given",       [F_MIDDLE] = "middle",
	[F_FAMILY] = "family",     [F_EMAIL] = "email",
	[F_PHONE] = "phone",       [F_ORG] = "org",
	[F_TITLE] = "title",       [F_NOTES] = "notes",
	[F_BIRTHDAY] = "birthday", [F_TAGS] = "tags",
	[F_UID] = "uid",           [F_LAST] = "last-contacted",
};

static const struct {
	const char *header;
	enum field field;
} known[] = {
	{ "Name", F_NAME },
	{ "Full Name", F_NAME },
	{ "Display Name", F_NAME },
	{ "First Name", F_GIVEN },
	{ "Given Name", F_GIVEN },
	{ "Middle Name", F_MIDDLE },
	{ "Additional Name", F_MIDDLE },
	{ "Last Name", F_FAMILY },
	{ "Family Name", F_FAMILY },
	{ "Surname", F_FAMILY },
	{ "E-mail Address", F_EMAIL },
	{ "E-mail 2 Address", F_EMAIL },
	{ "E-mail 3 Address", F_EMAIL },
	{ "Email", F_EMAIL },
	{ "E-mail", F_EMAIL },
	{ "Email Address", F_EMAIL },
	{ "Primary Email", F_EMAIL },
	{ "Secondary Email", F_EMAIL },
	{ "Mobile Phone", F_PHONE },
	{ "Business Phone", F_PHONE },
	{ "Business Phone 2", F_PHONE },
	{ "Home Phone", F_PHONE },
	{ "Home Phone 2", F_PHONE },
	{ "Primary Phone", F_PHONE },
	{ "Other Phone", F_PHONE },
	{ "Car Phone", F_PHONE },
	{ "Company Main Phone", F_PHONE },
	{ "Phone", F_PHONE },
	{ "Mobile", F_PHONE },
	{ "Telephone", F_PHONE },
	{ "Phone Number", F_PHONE },
	{ "Company", F_ORG },
	{ "Organization", F_ORG },
	{ "Organisation", F_ORG },
	{ "Organization 1 - Name", F_ORG },
	{ "Organization Name", F_ORG },
	{ "Job Title", F_TITLE },
	{ "Organization 1 - Title", F_TITLE },
	{ "Organization Title", F_TITLE },
	{ "Notes", F_NOTES },
	{ "Note", F_NOTES },
	{ "Birthday", F_BIRTHDAY },
	{ "Categories", F_TAGS },
	{ "Group Membership", F_TAGS },
	{ "Labels", F_TAGS },
	{ "Tags", F_TAGS },
	{ "UID", F_UID },
	{ "Last Contacted", F_LAST },
	{ "Last Contact", F_LAST },
	{ "Last Contacted Date", F_LAST },
	{ "Last Contact Date", F_LAST },
	{ "Last Touch", F_LAST },
};

/* s without surrounding blanks, compared case-insensitively with lit. */
static int header_is(const char *s, const char *lit)
{
	size_t n, m = strlen(lit);

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return n == m && strncasecmp(s, lit, m) == 0;
}

/* Google's numbered columns: "E-mail 2 - Value", "Phone 1 - Value". */
static int numbered(const char *h, const char *prefix, const char *suffix)
{
	size_t p = strlen(prefix), s = strlen(suffix);
	const char *q;

	if (strncasecmp(h, prefix, p) != 0)
		return 0;
	q = h + p;
	if (!isdigit((unsigned char)*q))
		return 0;
	while (isdigit((unsigned char)*q))
		q++;
	return strlen(q) == s && strcasecmp(q, suffix) == 0;
}

static enum field field_of_header(const char *h, int has_job_title)
{
	if (numbered(h, "E-mail ", " - Value"))
		return F_EMAIL;
	if (numbered(h, "Phone ", " - Value"))
		return F_PHONE;
	if (header_is(h, "Title"))
		return has_job_title ? F_HONORIFIC : F_TITLE;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (header_is(h, known[i].header))
			return known[i].field;
	return F_IGNORE;
}

static const char *dialect_of(const struct kith_csv_row *h)
{
	int outlook = 0, google = 0;

	for (size_t i = 0; i < h->n; i++) {
		const char *s = h->fields[i];

		if (numbered(s, "E-mail ", " - Value") || header_is(s, "Group Membership") ||
		    header_is(s, "Given Name") || header_is(s, "Labels"))
			google = 1;
		if (header_is(s, "E-mail Address") || header_is(s, "Job Title"))
			outlook = 1;
	}
	return google ? "Google CSV" : outlook ? "Outlook CSV" : "CSV";
}

/* --map COLUMN=FIELD onto cols[]. */
static enum kith_status apply_map(struct kith_ctx *ctx, const struct kith_csv_row *h,
				  enum field *cols, const char *spec)
{
	const char *eq = strrchr(spec, '=');
	const char *fname = eq ? eq + 1 : "";
	const char *col = spec, *col_end = eq;
	size_t f;
	int found = 0;

	if (!eq || eq == spec)
		return kith_fail(ctx, KITH_ERR_INVALID,
				 "--map '%.80s': use COLUMN=FIELD, FIELD one of: " KITH_CSV_FIELDS,
				 spec);
	while (isspace((unsigned char)*fname))
		fname++;
	for (f = 0; f < sizeof(field_names) / sizeof(field_names[0]); f++)
		if (field_names[f] && !strcasecmp(fname, field_names[f]))
			break;
	if (f == sizeof(field_names) / sizeof(field_names[0]))
		return kith_fail(
			ctx, KITH_ERR_INVALID,
			"--map '%.80s': unknown field '%.40s'; use one of: " KITH_CSV_FIELDS, spec,
			fname);
	while (col < col_end && isspace((unsigned char)*col))
		col++;
	while (col_end > col && isspace((unsigned char)col_end[-1]))
		col_end--;
	for (size_t i = 0; i < h->n && i < KITH_CSV_MAX_COLUMNS; i++) {
		size_t n = (size_t)(col_end - col), hn;
		const char *s = h->fields[i];

		while (isspace((unsigned char)*s))
			s++;
		hn = strlen(s);
		while (hn > 0 && isspace((unsigned char)s[hn - 1]))
			hn--;
		if (n > 0 && hn == n && !strncasecmp(s, col, n)) {
			cols[i] = (enum field)f;
			found = 1;
		}
	}
	if (!found) {
		struct kith_buf b = KITH_BUF_INIT;
		enum kith_status rc;

		for (size_t i = 0; i < h->n && b.len < 200; i++)
			kith_buf_printf(&b, "%s'%s'", i ? ", " : "", h->fields[i]);
		rc = kith_fail(ctx, KITH_ERR_INVALID,
			       "--map '%.80s': the header has no column "
			       "'%.*s'; it has: %.250s%s",
			       spec, (int)(eq - spec), spec, b.data ? b.data : "",
			       b.len >= 200 ? ", ..." : "");
		kith_buf_free(&b);
		return rc;
	}
	return KITH_OK;
}

enum cell { CELL_EMAIL, CELL_PHONE, CELL_TAG };

/* Google's group of everyone is not a tag; an Exchange address is not an email. */
static int keep_piece(enum cell kind, const char *piece)
{
	if (kind == CELL_TAG)
		return strcasecmp(piece, "myContacts") != 0;
	if (kind == CELL_EMAIL)
		return strchr(piece, '@') && !strpbrk(piece, " \t");
	return 1;
}

/*
 * The pieces of a multi-value cell: Google separates values with " ::: ",
 * Outlook categories with ';'.
 */
static enum kith_status split_cell(const char *s, enum cell kind, struct kith_strlist *list)
{
	const char *seps = kind == CELL_EMAIL ? ":;" : kind == CELL_PHONE ? ":" : ":;,";

	while (*s) {
		size_t n = strcspn(s, seps);
		const char *p = s, *q = s + n;

		/* Google marks system groups "* starred". */
		while (p < q && (isspace((unsigned char)*p) || (kind == CELL_TAG && *p == '*')))
			p++;
		while (q > p && isspace((unsigned char)q[-1]))
			q--;
		if (q > p) {
			char *piece = strndup(p, (size_t)(q - p));
			enum kith_status rc = KITH_OK;

			if (!piece)
				return KITH_ERR_NOMEM;
			if (keep_piece(kind, piece))
				rc = kith_card_add_item(list, piece, kind != CELL_PHONE);
			free(piece);
			if (rc)
				return rc;
		}
		s += n;
		while (*s && strchr(seps, *s))
			s++;
	}
	return KITH_OK;
}

static int set_text(char **field, const char *v)
{
	if (*field || !*v)
		return 0;
	if (kith_card_set(field, v, strlen(v)))
		return -1;
	if (*field)
		kith_card_drop_cr(*field);
	return 0;
}

/* One data row into a card. */
static enum kith_status row_to_card(const struct kith_csv_row *row, const enum field *cols,
				    size_t n_cols, struct kith_card *c)
{
	struct kith_buf name = KITH_BUF_INIT;
	const char *given = "", *middle = "", *family = "";
	int fail = 0;

	c->line = row->line;
	if (row->error)
		return kith_card_fail(c, "%s", row->error);
	for (size_t i = n_cols; i < row->n; i++)
		if (row->fields[i][0])
			return kith_card_fail(c,
					      "the row has %zu fields, the header %zu "
					      "(a comma that should have been quoted?)",
					      row->n, n_cols);
	for (size_t i = 0; i < row->n && i < n_cols && !fail; i++) {
		const char *v = row->fields[i];

		while (isspace((unsigned char)*v))
			v++;
		if (!*v)
			continue;
		switch (cols[i]) {
		case F_NAME: fail = set_text(&c->name, v); break;
		case F_GIVEN: given = v; break;
		case F_MIDDLE: middle = v; break;
		case F_FAMILY: family = v; break;
		case F_EMAIL: fail = split_cell(v, CELL_EMAIL, &c->emails) != KITH_OK; break;
		case F_PHONE: fail = split_cell(v, CELL_PHONE, &c->phones) != KITH_OK; break;
		case F_ORG: fail = set_text(&c->org, v); break;
		case F_TITLE: fail = set_text(&c->title, v); break;
		case F_NOTES: fail = set_text(&c->notes, v); break;
		case F_BIRTHDAY: kith_card_parse_birthday(v, &c->birthday); break;
		case F_TAGS: fail = split_cell(v, CELL_TAG, &c->tags) != KITH_OK; break;
		case F_UID: fail = set_text(&c->uid, v); break;
		case F_LAST: kith_card_parse_date(v, &c->last_contact); break;
		case F_IGNORE:
		case F_HONORIFIC: break;
		}
	}
	if (fail)
		return KITH_ERR_NOMEM;
	if (!c->name) {
		const char *parts[3] = { given, middle, family };

		for (int k = 0; k < 3; k++) {
			if (!*parts[k])
				continue;
			if (name.len)
				kith_buf_append(&name, " ");
			kith_buf_append(&name, parts[k]);
		}
		if (name.failed)
			return KITH_ERR_NOMEM;
		if (name.len)
			fail = kith_card_set(&c->name, name.data, name.len);
		kith_buf_free(&name);
		if (fail)
			return KITH_ERR_NOMEM;
	}
	return kith_card_finish(c);
}

static int row_is_blank(const struct kith_csv_row *row)
{
	for (size_t i = 0; i < row->n; i++)
		for (const char *p = row->fields[i]; *p; p++)
			if (!isspace((unsigned char)*p))
				return 0;
	return 1;
}

enum kith_status kith_csv_read_cards(struct kith_ctx *ctx, const char *data, size_t len,
				     const char *const *map, size_t n_map,
				     struct kith_card_list *out, const char **out_dialect)
{
	struct kith_csv *csv = NULL;
	struct kith_csv_row row;
	enum field *cols = NULL;
	size_t n_cols = 0;
	char *text = NULL;
	size_t text_n = 0;
	const char *dialect;
	enum kith_status rc;
	int more = 0, has_job_title = 0, usable = 0;

	rc = kith_charset_file_to_utf8(ctx, data, len, &text, &text_n, NULL);
	if (rc)
		goto out;
	rc = kith_csv_open(ctx, text, text_n, &csv);
	if (rc)
		goto out;
	rc = kith_csv_next(csv, &row, &more);
	if (rc)
		goto out;
	if (!more) {
		rc = kith_fail(ctx, KITH_ERR_INVALID, "the CSV file is empty: no header row");
		goto out;
	}
	n_cols = row.n;
	cols = calloc(n_cols ? n_cols : 1, sizeof(*cols));
	if (!cols) {
		rc = kith_nomem(ctx);
		goto out;
	}
	for (size_t i = 0; i < row.n; i++)
		has_job_title |= header_is(row.fields[i], "Job Title");
	for (size_t i = 0; i < row.n; i++)
		cols[i] = field_of_header(row.fields[i], has_job_title);
	for (size_t i = 0; i < n_map; i++) {
		rc = apply_map(ctx, &row, cols, map[i]);
		if (rc)
			goto out;
	}
	dialect = n_map ? "CSV" : dialect_of(&row);
	for (size_t i = 0; i < n_cols; i++)
		usable |= cols[i] == F_NAME || cols[i] == F_GIVEN || cols[i] == F_FAMILY ||
			  cols[i] == F_EMAIL || cols[i] == F_ORG;
	if (!usable) {
		rc = kith_fail(ctx, KITH_ERR_INVALID,
			       "the CSV header (line 1) names no column kith can use for a name or "
			       "an email (such as Name, First Name, Last Name, E-mail Address, "
			       "E-mail 1 - Value); use --map COLUMN=FIELD");
		goto out;
	}
	for (;;) {
		struct kith_card *c;

		rc = kith_csv_next(csv, &row, &more);
		if (rc || !more)
			break;
		if (!row.error && row_is_blank(&row))
			continue;
		if (out->n >= KITH_CARD_MAX_RECORDS) {
			rc = kith_fail(ctx, KITH_ERR_INVALID,
				       "more than %d rows in one file; split it",
				       KITH_CARD_MAX_RECORDS);
			break;
		}
		c = kith_card_list_push(out);
		if (!c) {
			rc = kith_nomem(ctx);
			break;
		}
		rc = row_to_card(&row, cols, n_cols, c);
		if (rc) {
			rc = kith_nomem(ctx);
			break;
		}
	}
	if (!rc && out_dialect)
		*out_dialect = dialect;
out:
	kith_csv_close(csv);
	free(cols);
	free(text);
	return rc;
}
