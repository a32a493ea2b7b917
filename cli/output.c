/* SPDX-License-Identifier: MIT */
/* How kith prints: tables, CSV, JSON and colour. */
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"

/* ---- strings ---- */

char *out_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	n = vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (n < 0) {
		free(s);
		return NULL;
	}
	return s;
}

size_t out_width(const char *s)
{
	size_t w = 0;

	for (; s && *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* ---- colour ---- */

int out_use_color(FILE *f)
{
	const char *no = getenv("NO_COLOR");

	if (no && *no)
		return 0;
	return isatty(fileno(f));
}

const char *out_style_on(enum out_style s)
{
	switch (s) {
	case STYLE_BOLD: return "\033[1m";
	case STYLE_RED: return "\033[31m";
	case STYLE_YELLOW: return "\033[33m";
	case STYLE_DIM: return "\033[2m";
	case STYLE_NONE: break;
	}
	return "";
}

const char *out_style_off(void)
{
	return "\033[0m";
}

/* ---- tables ---- */

/* A row is one allocation: its cell pointers, their widths, then the text. */
struct table_row {
	enum out_style style;
	char **cells;
	size_t *widths;
};

struct table {
	size_t ncols;
	struct table_row header;
	unsigned char *right;
	struct table_row *rows;
	size_t nrows, cap;
};

static int pack_cells(const char *const *cells, size_t n, struct table_row *row)
{
	size_t lens[16], *lp = n <= 16 ? lens : malloc(n * sizeof(*lp));
	size_t total = n * (sizeof(char *) + sizeof(size_t));
	char *block, *text;

	if (!lp)
		return -1;
	for (size_t i = 0; i < n; i++) {
		lp[i] = cells && cells[i] ? strlen(cells[i]) : 0;
		total += lp[i] + 1;
	}
	block = malloc(total);
	if (!block) {
		if (lp != lens)
			free(lp);
		return -1;
	}
	row->cells = (char **)(void *)block;
	row->widths = (size_t *)(void *)(block + n * sizeof(char *));
	text = block + n * (sizeof(char *) + sizeof(size_t));
	for (size_t i = 0; i < n; i++) {
		row->cells[i] = text;
		if (lp[i])
			memcpy(text, cells[i], lp[i]);
		text[lp[i]] = '\0';
		row->widths[i] = out_width(text);
		text += lp[i] + 1;
	}
	if (lp != lens)
		free(lp);
	return 0;
}

struct table *table_new(size_t ncols, const char *const *headers)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ncols = ncols;
	t->right = calloc(ncols, 1);
	if (pack_cells(headers, ncols, &t->header) || !t->right) {
		table_free(t);
		return NULL;
	}
	return t;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	free(t->header.cells);
	for (size_t i = 0; i < t->nrows; i++)
		free(t->rows[i].cells);
	free(t->rows);
	free(t->right);
	free(t);
}

void table_align_right(struct table *t, size_t col)
{
	if (col < t->ncols)
		t->right[col] = 1;
}

int table_add_row(struct table *t, enum out_style style, const char *const *cells)
{
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct table_row *rows = realloc(t->rows, cap * sizeof(*rows));

		if (!rows)
			return -1;
		t->rows = rows;
		t->cap = cap;
	}
	if (pack_cells(cells, t->ncols, &t->rows[t->nrows]))
		return -1;
	t->rows[t->nrows].style = style;
	t->nrows++;
	return 0;
}

size_t table_rows(const struct table *t)
{
	return t->nrows;
}

static void print_spaces(FILE *f, size_t n)
{
	static const char spaces[] = "                                ";

	for (; n > sizeof(spaces) - 1; n -= sizeof(spaces) - 1)
		fwrite(spaces, 1, sizeof(spaces) - 1, f);
	fwrite(spaces, 1, n, f);
}

static void print_line(const struct table *t, FILE *f, const size_t *widths,
		       const struct table_row *row, int indent, int color)
{
	size_t last = t->ncols;

	/* no trailing blanks: stop after the last non-empty left-aligned cell */
	while (last > 0 && !t->right[last - 1] && row->cells[last - 1][0] == '\0')
		last--;
	print_spaces(f, (size_t)indent);
	if (color && row->style != STYLE_NONE)
		fputs(out_style_on(row->style), f);
	for (size_t c = 0; c < last; c++) {
		size_t w = row->widths[c];
		size_t pad = widths[c] > w ? widths[c] - w : 0;

		if (c > 0)
			fputs("  ", f);
		if (t->right[c])
			print_spaces(f, pad);
		fputs(row->cells[c], f);
		if (!t->right[c] && c + 1 < last)
			print_spaces(f, pad);
	}
	if (color && row->style != STYLE_NONE)
		fputs(out_style_off(), f);
	fputc('\n', f);
}

void table_print(const struct table *t, FILE *f, int indent, int no_header, int color)
{
	size_t *widths = calloc(t->ncols ? t->ncols : 1, sizeof(*widths));

	if (!widths) {
		/* unaligned is better than nothing */
		for (size_t r = 0; r < t->nrows; r++)
			for (size_t c = 0; c < t->ncols; c++)
				fprintf(f, "%s%s", t->rows[r].cells[c],
					c + 1 < t->ncols ? "  " : "\n");
		return;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		if (!no_header)
			widths[c] = t->header.widths[c];
		for (size_t r = 0; r < t->nrows; r++)
			if (t->rows[r].widths[c] > widths[c])
				widths[c] = t->rows[r].widths[c];
	}
	if (!no_header) {
		struct table_row header = t->header;

		header.style = STYLE_BOLD;
		print_line(t, f, widths, &header, indent, color);
	}
	for (size_t r = 0; r < t->nrows; r++)
		print_line(t, f, widths, &t->rows[r], indent, color);
	free(widths);
}

/* ---- CSV ---- */

void csv_row(FILE *f, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *s = fields[i] ? fields[i] : "";

		if (i > 0)
			fputc(',', f);
		if (strpbrk(s, ",\"\r\n")) {
			fputc('"', f);
			for (; *s; s++) {
				if (*s == '"')
					fputc('"', f);
				fputc(*s, f);
			}
			fputc('"', f);
		} else {
			fputs(s, f);
		}
	}
	fputs("\r\n", f);
}

/* ---- JSON ---- */

void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static void indent(struct json *j)
{
	fputc('\n', j->f);
	for (int i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Before any value: a comma and a new line inside a container. */
static void before_value(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		if (j->count[j->depth] > 0)
			fputc(',', j->f);
		indent(j);
	}
	j->count[j->depth]++;
}

static void begin(struct json *j, char c)
{
	before_value(j);
	fputc(c, j->f);
	if (j->depth >= JSON_MAX_DEPTH) {
		j->failed = 1;
		return;
	}
	j->depth++;
	j->count[j->depth] = 0;
}

static void end(struct json *j, char c)
{
	if (j->depth <= 0) {
		j->failed = 1;
		return;
	}
	int had = j->count[j->depth];

	j->depth--;
	if (had)
		indent(j);
	fputc(c, j->f);
}

void json_begin_object(struct json *j)
{
	begin(j, '{');
}
void json_end_object(struct json *j)
{
	end(j, '}');
}
void json_begin_array(struct json *j)
{
	begin(j, '[');
}
void json_end_array(struct json *j)
{
	end(j, ']');
}

/* Length of a valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF) {
		n = 2;
		cp = s[0] & 0x1F;
	} else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		n = 3;
		cp = s[0] & 0x0F;
	} else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return n;
}

static void write_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str, *run = s;

	fputc('"', f);
	/* Text that needs no escape goes out in runs: a report writes megabytes. */
	while (*s) {
		size_t n;

		if (*s >= 0x20 && *s < 0x7F && *s != '"' && *s != '\\') {
			s++;
			continue;
		}
		if (*s >= 0x80 && (n = utf8_len(s)) > 0) {
			s += n;
			continue;
		}
		fwrite(run, 1, (size_t)(s - run), f);
		switch (*s) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*s < 0x20 || *s == 0x7F)
				fprintf(f, "\\u%04x", *s);
			else /* not UTF-8 */
				fputs("\\ufffd", f);
		}
		run = ++s;
	}
	fwrite(run, 1, (size_t)(s - run), f);
	fputc('"', f);
}

void json_key(struct json *j, const char *key)
{
	before_value(j);
	write_string(j->f, key);
	fputs(": ", j->f);
	j->after_key = 1;
}

void json_string(struct json *j, const char *s)
{
	before_value(j);
	if (s)
		write_string(j->f, s);
	else
		fputs("null", j->f);
}

void json_int(struct json *j, long long v)
{
	before_value(j);
	fprintf(j->f, "%lld", v);
}

void json_bool(struct json *j, int v)
{
	before_value(j);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
	before_value(j);
	fputs("null", j->f);
}

void json_date(struct json *j, struct kith_date d)
{
	char buf[KITH_DATE_BUFSZ];

	if (!kith_date_is_set(d)) {
		json_null(j);
		return;
	}
	json_string(j, kith_date_format(d, buf));
}

void json_cadence(struct json *j, struct kith_cadence c)
{
	char buf[KITH_CADENCE_BUFSZ];

	if (!kith_cadence_is_set(c)) {
		json_null(j);
		return;
	}
	json_string(j, kith_cadence_format(c, buf));
}

int json_finish(struct json *j)
{
	fputc('\n', j->f);
	return (j->failed || j->depth != 0) ? -1 : 0;
}

void json_kv_string(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_string(j, s);
}

void json_kv_int(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	json_int(j, v);
}

void json_kv_date(struct json *j, const char *key, struct kith_date d)
{
	json_key(j, key);
	json_date(j, d);
}
