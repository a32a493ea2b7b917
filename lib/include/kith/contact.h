/* SPDX-License-Identifier: MIT */
/*
 * kith/contact.h - the data model: contacts, tiers and touches.
 *
 * These are plain structs.  An object returned by the library is owned by
 * the caller and freed with its _free function; every string and array in
 * it belongs to it.  Callers may build their own (e.g. on the stack) to
 * pass in; the library only reads those.
 */
#ifndef KITH_CONTACT_H
#define KITH_CONTACT_H

#include <kith/date.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A NULL-terminated-free list of strings: items[0..n). */
struct kith_strlist {
	char **items;
	size_t n;
};

/* Append a copy of s.  KITH_ERR_NOMEM on failure. */
KITH_API enum kith_status kith_strlist_add(struct kith_strlist *list, const char *s);
/* 1 when s is in the list (case-insensitive when nocase). */
KITH_API int kith_strlist_has(const struct kith_strlist *list, const char *s, int nocase);
/* Remove every item equal to s; returns how many. */
KITH_API size_t kith_strlist_remove(struct kith_strlist *list, const char *s, int nocase);
/* Frees the items, not the struct itself (it is usually embedded). */
KITH_API void kith_strlist_clear(struct kith_strlist *list);

struct kith_tier {
	char *name;
	struct kith_cadence cadence;
	char *description; /* may be NULL */
	long n_contacts;   /* active contacts in the tier (filled by listings) */
};

KITH_API void kith_tier_free(struct kith_tier *tier);
KITH_API void kith_tier_list_free(struct kith_tier *tiers, size_t n);

/*
 * A birthday known without its year carries this one (Apple's convention;
 * a leap year, so 29 February fits); vCard export writes it as --MMDD.
 */
#define KITH_BIRTHDAY_NO_YEAR 1604

struct kith_contact {
	int64_t id; /* stable; 0 before the store assigns it */
	char *name; /* display name; required */
	struct kith_strlist emails;
	struct kith_strlist phones;
	char *org;                   /* may be NULL */
	char *tier;                  /* tier name; required */
	struct kith_cadence cadence; /* override; unset: the tier's */
	char *via;                   /* preferred channel; may be NULL */
	char *notes;                 /* may be NULL */
	char *how_met;               /* "how we met"; may be NULL */
	struct kith_strlist tags;
	struct kith_date added;         /* baseline for a never-touched contact */
	struct kith_date snoozed_until; /* unset: not snoozed */
	int archived;
	int paused;                /* reminder deleted on a calendar (sync) */
	char *uid;                 /* iCalendar UID of its reminder; set by the store */
	char *title;               /* job title; may be NULL */
	struct kith_date birthday; /* unset: unknown; year KITH_BIRTHDAY_NO_YEAR: no year */
	char *vcard_uid;           /* UID of the vCard it was imported from; may be NULL */
	/*
	 * The first reminder's date, set when an import spreads new reminders
	 * out; unset: last touch (or added) plus the cadence.  Logging a touch
	 * clears it.
	 */
	struct kith_date first_due;
};

/* Ownership: returns a zeroed contact the caller frees with kith_contact_free(). */
KITH_API struct kith_contact *kith_contact_new(void);
KITH_API void kith_contact_free(struct kith_contact *contact);
/* Frees the members of every element and the array itself. */
KITH_API void kith_contact_list_free(struct kith_contact *contacts, size_t n);

enum kith_direction {
	KITH_OUTBOUND = 0,
	KITH_INBOUND = 1,
};

enum kith_source {
	KITH_SOURCE_MANUAL = 0,
	KITH_SOURCE_CALENDAR = 1, /* a completion read from a calendar */
	KITH_SOURCE_IMPORT = 2,
	KITH_SOURCE_MAIL = 3,    /* found by kith scan in a mail archive */
	KITH_SOURCE_MEETING = 4, /* found by kith scan in a calendar's events */
};

KITH_API const char *kith_direction_str(enum kith_direction d);
KITH_API const char *kith_source_str(enum kith_source s);

/* The channels kith knows; free text is allowed too. */
#define KITH_CHANNELS "email, phone, meeting, message, social, other"

struct kith_touch {
	int64_t id;
	int64_t contact_id;
	struct kith_date on; /* the day it happened (local) */
	char *at;            /* optional ISO 8601 date-time; may be NULL */
	char *channel;       /* may be NULL: unknown */
	enum kith_direction direction;
	char *note; /* may be NULL */
	enum kith_source source;
	char *source_key; /* idempotency key for imported/calendar touches; may be NULL */
	char *found_in;   /* the source a scanned touch was found in ("~/Mail/Sent"); may be NULL */
};

KITH_API void kith_touch_list_free(struct kith_touch *touches, size_t n);

#ifdef __cplusplus
}
#endif

#endif
