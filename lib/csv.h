/* SPDX-License-Identifier: MIT */
/*
 * Private: CSV address books.
 *
 * The reader is RFC 4180 and forgiving: quoted fields with embedded
 * delimiters, doubled quotes and line breaks; CRLF, LF or CR line ends;
 * the delimiter (',', ';' or tab) guessed from the header line.  It
 * streams: one row at a time, so memory follows the largest row, not the
 * file.
 *
 * The mapper reads the header and knows the columns of Outlook's export
 * ("First Name","Last Name","E-mail Address","Mobile Phone",...),
 * Google Contacts' old and new exports ("Name","Given Name",
 * "E-mail 1 - Value", "Group Membership", "Labels", ...) and common
 * generic names ("Email", "Phone", "Company").  A last-contacted date is
 * read from a column named "Last Contacted", "Last Contact", "Last
 * Contacted Date", "Last Contact Date" or "Last Touch" (no exporter has a
 * standard one; people add it).  --map COLUMN=FIELD overrides or adds a
 * column; FIELD is one of KITH_CSV_FIELDS.
 */
#ifndef KITH_CSV_H
#define KITH_CSV_H

#include <kith/import.h>

#include "card.h"

/* A row (or a field) longer than this is malformed. */
#define KITH_CSV_MAX_FIELD KITH_CARD_MAX_LINE
/* Columns past this are ignored. */
#define KITH_CSV_MAX_COLUMNS 1024

/* The field names --map accepts. */
#define KITH_CSV_FIELDS KITH_IMPORT_MAP_FIELDS

struct kith_csv;

struct kith_csv_row {
	long line;           /* where the row starts (1-based) */
	size_t n;            /* fields */
	const char **fields; /* borrowed until the next kith_csv_next() */
	const char *error;   /* non-NULL: the row is malformed; why (borrowed) */
};

/*
 * A reader over data[0..len), which must stay valid and unchanged while
 * the reader is used.  Ownership: kith_csv_close(*out).
 */
enum kith_status kith_csv_open(struct kith_ctx *ctx, const char *data, size_t len,
			       struct kith_csv **out);
/* The next row into *row; *out_more is 0 at the end.  Fails only when out of memory. */
enum kith_status kith_csv_next(struct kith_csv *csv, struct kith_csv_row *row, int *out_more);
void kith_csv_close(struct kith_csv *csv);

/*
 * Read an address book: data is the raw file (any BOM; UTF-8, UTF-16 or
 * windows-1252, see charset.h).  The first row is the header.  Each
 * following non-empty row becomes a card in *out, malformed ones with
 * their error.  *out_dialect (may be NULL) is "Outlook CSV", "Google CSV"
 * or "CSV" (static).  A header that names no column kith can use (and no
 * --map), a bad --map or an empty file is KITH_ERR_INVALID.
 * Ownership: kith_card_list_clear(out), also on failure.
 */
enum kith_status kith_csv_read_cards(struct kith_ctx *ctx, const char *data, size_t len,
				     const char *const *map, size_t n_map,
				     struct kith_card_list *out, const char **out_dialect);

#endif
