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

struct table_row {
	enum out_style style;
	char **cells;
};

struct table {
	size_t ncols;
	char **headers;
	unsigned char *right;
	struct table_row *rows;
	size_t nrows, cap;
};

static void free_cells(char **cells, size_t n)
{
	if (!cells)
		return;
	for (size_t i = 0; i < n; i++)
		free(cells[i]);
	free(cells);
}

static char **copy_cells(const char *const *cells, size_t n)
{
	char **out = calloc(n, sizeof(*out));

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		out[i] = strdup(cells && cells[i] ? cells[i] : "");
		if (!out[i]) {
			free_cells(out, n);
			return NULL;
		}
	}
	return out;
}

struct table *table_new(size_t ncols, const char *const *headers)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->ncols = ncols;
	t->headers = copy_cells(headers, ncols);
	t->right = calloc(ncols, 1);
	if (!t->headers || !t->right) {
		table_free(t);
		return NULL;
	}
	return t;
}

void table_free(struct table *t)
{
	if (!t)
		return;
	free_cells(t->headers, t->ncols);
	for (size_t i = 0; i < t->nrows; i++)
		free_cells(t->rows[i].cells, t->ncols);
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
	char **copy;

	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct table_row *rows = realloc(t->rows, cap * sizeof(*rows));

		if (!rows)
			return -1;
		t->rows = rows;
		t->cap = cap;
	}
	copy = copy_cells(cells, t->ncols);
	if (!copy)
		return -1;
	t->rows[t->nrows].style = style;
	t->rows[t->nrows].cells = copy;
	t->nrows++;
	return 0;
}

size_t table_rows(const struct table *t)
{
	return t->nrows;
}

static void print_spaces(FILE *f, size_t n)
{
	while (n--)
		fputc(' ', f);
}

static void print_line(const struct table *t, FILE *f, const size_t *widths, char **cells,
		       int indent, enum out_style style, int color)
{
	size_t last = t->ncols;

	/* no trailing blanks: stop after the last non-empty left-aligned cell */
	while (last > 0 && !t->right[last - 1] && cells[last - 1][0] == '\0')
		last--;
	print_spaces(f, (size_t)indent);
	if (color && style != STYLE_NONE)
		fputs(out_style_on(style), f);
	for (size_t c = 0; c < last; c++) {
		size_t w = out_width(cells[c]);
		size_t pad = widths[c] > w ? widths[c] - w : 0;

		if (c > 0)
			fputs("  ", f);
		if (t->right[c])
			print_spaces(f, pad);
		fputs(cells[c], f);
		if (!t->right[c] && c + 1 < last)
			print_spaces(f, pad);
	}
	if (color && style != STYLE_NONE)
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
				fprintf(f, "%s%s", t->rows[r].cells[c], c + 1 < t->ncols ? "  " : "\n");
		return;
	}
	for (size_t c = 0; c < t->ncols; c++) {
		if (!no_header)
			widths[c] = out_width(t->headers[c]);
		for (size_t r = 0; r < t->nrows; r++) {
			size_t w = out_width(t->rows[r].cells[c]);

			if (w > widths[c])
				widths[c] = w;
		}
	}
	if (!no_header)
		print_line(t, f, widths, t->headers, indent, STYLE_BOLD, color);
	for (size_t r = 0; r < t->nrows; r++)
		print_line(t, f, widths, t->rows[r].cells, indent, t->rows[r].style, color);
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

void json_begin_object(struct json *j) { begin(j, '{'); }
void json_end_object(struct json *j) { end(j, '}'); }
void json_begin_array(struct json *j) { begin(j, '['); }
void json_end_array(struct json *j) { end(j, ']'); }

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
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		size_t n;

		switch (*s) {
		case '"': fputs("\\\"", f); s++; continue;
		case '\\': fputs("\\\\", f); s++; continue;
		case '\b': fputs("\\b", f); s++; continue;
		case '\f': fputs("\\f", f); s++; continue;
		case '\n': fputs("\\n", f); s++; continue;
		case '\r': fputs("\\r", f); s++; continue;
		case '\t': fputs("\\t", f); s++; continue;
		default: break;
		}
		if (*s < 0x20 || *s == 0x7F) {
			fprintf(f, "\\u%04x", *s);
			s++;
			continue;
		}
		n = utf8_len(s);
		if (n == 0) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		fwrite(s, 1, n, f);
		s += n;
	}
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
