/* SPDX-License-Identifier: MIT */
/*
 * cli/output.h - how kith prints: aligned tables, CSV (RFC 4180), JSON,
 * and colour only for a terminal with NO_COLOR unset or empty.
 */
#ifndef KITH_CLI_OUTPUT_H
#define KITH_CLI_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include <kith/kith.h>

/* ---- strings ---- */

/* A formatted, allocated string; NULL when out of memory. Ownership: free(). */
char *out_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Columns a UTF-8 string takes on a terminal (one per code point). */
size_t out_width(const char *s);

/* ---- colour ---- */

enum out_style {
	STYLE_NONE = 0,
	STYLE_BOLD,
	STYLE_RED,
	STYLE_YELLOW,
	STYLE_DIM,
};

/* 1 when f is a terminal and NO_COLOR is unset or empty. */
int out_use_color(FILE *f);
/* The escape sequence starting a style ("" for STYLE_NONE), and the reset. */
const char *out_style_on(enum out_style s);
const char *out_style_off(void);

/* ---- aligned tables ---- */

struct table;

/* Ownership: table_free(). NULL when out of memory. */
struct table *table_new(size_t ncols, const char *const *headers);
void table_free(struct table *t);
/* Right-align a column (numbers). */
void table_align_right(struct table *t, size_t col);
/* Copies the cells (NULL prints as ""). 0 or -1 when out of memory. */
int table_add_row(struct table *t, enum out_style style, const char *const *cells);
size_t table_rows(const struct table *t);
/*
 * Print with two spaces between columns, each line indented by indent
 * spaces, no trailing blanks.  Headers are printed (bold) unless
 * no_header.  color: use escape sequences.
 */
void table_print(const struct table *t, FILE *f, int indent, int no_header, int color);

/* ---- CSV (RFC 4180: CRLF line ends, quotes doubled) ---- */

/* One record; a NULL field is empty. */
void csv_row(FILE *f, const char *const *fields, size_t n);

/* ---- JSON ---- */

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	int count[JSON_MAX_DEPTH + 1]; /* values written at each level */
	int after_key;
	int failed; /* nested too deep */
};

void json_init(struct json *j, FILE *f);
void json_begin_object(struct json *j);
void json_end_object(struct json *j);
void json_begin_array(struct json *j);
void json_end_array(struct json *j);
void json_key(struct json *j, const char *key);
/* NULL is written as null.  Invalid UTF-8 becomes U+FFFD. */
void json_string(struct json *j, const char *s);
void json_int(struct json *j, long long v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);
/* "YYYY-MM-DD", or null for an unset date. */
void json_date(struct json *j, struct kith_date d);
/* A cadence in its short form ("3m"), or null when unset. */
void json_cadence(struct json *j, struct kith_cadence c);
/* Ends the document with a newline.  0, or -1 if the nesting was wrong. */
int json_finish(struct json *j);

/* Convenience: "key": value */
void json_kv_string(struct json *j, const char *key, const char *s);
void json_kv_int(struct json *j, const char *key, long long v);
void json_kv_date(struct json *j, const char *key, struct kith_date d);

#endif
