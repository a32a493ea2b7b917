/* SPDX-License-Identifier: MIT */
/*
 * Private: one person as an address book describes them (a vCard or a CSV
 * row), before it meets the store.  The vCard and CSV readers produce
 * these; the importer dedupes and merges them into contacts.  Every
 * string is valid UTF-8.
 */
#ifndef KITH_CARD_H
#define KITH_CARD_H

#include <kith/contact.h>

/* At most this many emails, phones or tags are kept from one record. */
#define KITH_CARD_MAX_ITEMS 64
/* A physical or logical line longer than this makes its record malformed. */
#define KITH_CARD_MAX_LINE (1024 * 1024)
/* At most this many records are read from one file. */
#define KITH_CARD_MAX_RECORDS 200000

struct kith_card {
	long line;                  /* first line of the record in the file (1-based) */
	char *error;                /* non-NULL: malformed, to be skipped; why */
	char *warning;              /* non-NULL: read, but a person should look; why */
	long warning_line;          /* the line it is about */
	char *name;                 /* display name; see kith_card_finish() */
	struct kith_strlist emails; /* preferred first */
	struct kith_strlist phones; /* preferred first */
	struct kith_strlist tags;
	char *org;
	char *title;
	char *notes;
	char *uid; /* vCard UID; may be NULL */
	struct kith_date birthday;
	/*
	 * When the user was last in touch, if the source says so (a
	 * last-contacted field).  Logged as an import touch.
	 */
	struct kith_date last_contact;
	/*
	 * When the record last changed (vCard REV): only a proxy for
	 * activity, used by --since when last_contact is unset, never logged.
	 */
	struct kith_date revised;
	/* What kith's own export writes (X-KITH-*), restored on import. */
	char *tier;
	struct kith_cadence cadence;
	char *via;
	char *how_met;
	struct kith_date added;
	int archived;
};

struct kith_card_list {
	struct kith_card *items;
	size_t n;
	size_t cap;
};

void kith_card_clear(struct kith_card *c);
/* Frees every card and the array; the list is left empty. */
void kith_card_list_clear(struct kith_card_list *l);
/* A new zeroed card at the end of the list; NULL when out of memory. */
struct kith_card *kith_card_list_push(struct kith_card_list *l);

/*
 * Add s to the list unless it is empty, already there (case-insensitive
 * when nocase) or the list holds KITH_CARD_MAX_ITEMS.  KITH_ERR_NOMEM or OK.
 */
enum kith_status kith_card_add_item(struct kith_strlist *list, const char *s, int nocase);

/* Replace *field with a copy of s[0..n) trimmed of blanks (NULL if empty). */
enum kith_status kith_card_set(char **field, const char *s, size_t n);

/*
 * Dates as address books write them: 2026-03-14, 20260314, an ISO date-time
 * (2026-03-14T09:30:00Z: the date part), 3/14/2026 (Outlook, month first
 * unless the first number is over 12), 14.03.2026.  Outlook's "0/0/00"
 * and year-less dates (--0314) are "none": 0 without touching *out.
 * Returns 1 when *out was set.
 */
int kith_card_parse_date(const char *s, struct kith_date *out);

/*
 * A birthday: any date above, or one without a year (vCard 4.0 --0314,
 * Google's --03-14), kept with the year KITH_BIRTHDAY_NO_YEAR.
 * Returns 1 when *out was set.
 */
int kith_card_parse_birthday(const char *s, struct kith_date *out);

/*
 * Complete a parsed record: the name is made one line (control
 * characters become spaces) and falls back to the organisation, then the
 * first email; a record with none of them gets an error.
 * Returns KITH_ERR_NOMEM or KITH_OK.
 */
enum kith_status kith_card_finish(struct kith_card *c);

/* CRLF becomes LF and a lone CR a space, in place (text written on Windows). */
void kith_card_drop_cr(char *s);

/* Set c->error from a format (the first error wins). KITH_ERR_NOMEM or OK. */
enum kith_status kith_card_fail(struct kith_card *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Set c->warning likewise: the record is imported, and the summary says why to look. */
enum kith_status kith_card_warn(struct kith_card *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
