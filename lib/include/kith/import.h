/* SPDX-License-Identifier: MIT */
/*
 * kith/import.h - bring an address book in; write the store out as vCard.
 *
 * Formats read: vCard 2.1 (Outlook: quoted-printable, CHARSET=), 3.0
 * (Google, Apple) and 4.0 (RFC 6350), many cards per file; CSV exports of
 * Outlook and Google Contacts, or any CSV with a map of its columns.
 * Text is converted to UTF-8 (a file that is not UTF-8 and says nothing
 * is read as windows-1252, what Outlook writes).
 *
 * What an import does, record by record, in file order:
 *  1. A malformed record (a card without END:VCARD, a line over 1 MiB, a
 *     CSV row over 1 MiB or with more fields than the header, a record
 *     with no name, organisation or email) is counted as failed with its
 *     line and reason; the import goes on.
 *  2. Filters: `only` keeps records with one of the listed emails
 *     (case-insensitive) or names (normalised: case, also of accented,
 *     Greek and Cyrillic letters, and runs of blanks do not matter);
 *     `since` keeps records with a known last-contact date on
 *     or after it.  The last-contact date is an explicit field (vCard
 *     X-KITH-LAST-CONTACTED, X-LAST-CONTACTED, an Apple X-ABDATE labelled
 *     "last contacted"; a CSV column "Last Contacted", "Last Contact",
 *     "Last Contacted Date", "Last Contact Date" or "Last Touch"), else the
 *     newest mail or meeting `kith scan` found with any of the record's
 *     emails, in either direction (counted in dated_by_scan), else for
 *     vCards the REV (last revised) date as a proxy.  Records with no date
 *     are counted apart (skipped_undated).
 *  3. Dedupe, against the store and the records before it: the same vCard
 *     UID (the contact's imported UID or its own reminder UID), else any
 *     shared email (case-insensitive), else the same normalised name; but
 *     never two records that both carry different vCard UIDs.
 *  4. A duplicate merges: emails, phones and tags not yet there are added;
 *     organisation, title, notes, birthday and vCard UID are filled only
 *     when empty.  Nothing the user set is overwritten; the name, tier,
 *     cadence and schedule stay.  A record that adds nothing is unchanged,
 *     so importing the same file twice changes nothing the second time.
 *  5. A new record becomes a contact in `tier`, added `today`.  Its first
 *     reminder (first_due) is spread over the first period of its cadence.
 *     The new contacts are ranked by their last contact, the longest silent
 *     (or never noted) first, file order among equals; then contact k of
 *     the N new ones with period P days falls on day
 *     1 + k*D/N after today (D = max(P, ceil(N / per_day))), moved later
 *     while that day already holds per_day first reminders (counting those
 *     an earlier import spread and still pending).  The default per_day is
 *     ceil((N + pending) / P) for the import's tier: 800 people on a
 *     quarterly tier get 9 a day across the quarter, not 800 on one Monday.
 *  6. A known explicit last-contact date (not REV; not after today) that
 *     is newer than the contact's newest touch is logged once as a touch
 *     with source KITH_SOURCE_IMPORT, no channel, and the idempotency key
 *     "import:<uid, else first email, else name>:<date>", so re-importing
 *     (or importing kith's own export) never logs it twice.  Import
 *     touches do not clear the spread first reminder.
 *  7. Every contact added or merged takes what `kith scan` kept of its
 *     emails while they were no contact's (kith_store_claim_evidence):
 *     those mails become its touches, which do clear the spread first
 *     reminder (the contact has a real last touch).
 *
 * kith_import() does not open a transaction: the caller wraps it in
 * kith_store_begin() / kith_store_commit(), so an import is all or
 * nothing, and a dry run is kith_import() followed by
 * kith_store_rollback() (the summary is then what would happen).
 */
#ifndef KITH_IMPORT_H
#define KITH_IMPORT_H

#include <kith/store.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Larger inputs are refused (KITH_ERR_INVALID). */
#define KITH_IMPORT_MAX_BYTES (64L * 1024 * 1024)

enum kith_import_format {
	KITH_IMPORT_AUTO = 0, /* a vCard if the data starts with BEGIN:VCARD, else CSV */
	KITH_IMPORT_VCARD = 1,
	KITH_IMPORT_CSV = 2,
};

/* CSV fields a map may name ("COLUMN=FIELD"). */
#define KITH_IMPORT_MAP_FIELDS                                                                \
	"name, given, middle, family, email, phone, org, title, notes, birthday, tags, uid, " \
	"last-contacted, ignore"

struct kith_import_options {
	struct kith_date today; /* required: the day new contacts are added */
	/*
	 * Tier of new contacts.  NULL: a card's X-KITH-TIER (kith's own
	 * export) when that tier exists, else the store's "default_tier".
	 */
	const char *tier;
	struct kith_date since;  /* unset: no date filter */
	const char *const *only; /* names or emails to keep; n_only 0: keep all */
	size_t n_only;
	int per_day; /* cap of new first reminders a day; 0: derived (above) */
	enum kith_import_format format;
	const char *const *map; /* CSV: "COLUMN=FIELD" entries */
	size_t n_map;
	const char *source_name; /* the file, for messages; NULL: "input" */
};

/* A record that could not be imported. */
struct kith_import_problem {
	long line;    /* where the record starts in the file (1-based) */
	char *reason; /* "no END:VCARD: the file ends inside this card" */
};

struct kith_import_summary {
	const char *format;   /* "vCard", "Outlook CSV", "Google CSV" or "CSV" (static) */
	char *tier;           /* the tier new contacts went to (X-KITH-TIER aside) */
	long records;         /* cards or data rows read */
	long imported;        /* new contacts */
	long merged;          /* records that added something to a contact */
	long unchanged;       /* duplicates that added nothing */
	long skipped_since;   /* last contact known but before `since` */
	long skipped_undated; /* no known last contact (only with `since`) */
	long skipped_only;    /* not in `only` */
	long failed;          /* malformed: see problems */
	long touches;         /* last-contact touches logged */
	int per_day;          /* the daily cap the spread used */
	struct kith_date first_due_from; /* the new first reminders; unset if none */
	struct kith_date first_due_to;
	struct kith_import_problem *problems; /* one per failed record, in file order */
	size_t n_problems;
	/*
	 * Of the merged and unchanged: records matched by a shared email
	 * although their vCard UID differs from the contact's (the same
	 * person exported by two apps; names that clearly differ are kept
	 * apart instead).
	 */
	long merged_across_uids;
	/*
	 * Records imported with something a person should check (text that
	 * was not the UTF-8 it claimed and was read as Windows-1252), in file
	 * order; line is the line concerned.
	 */
	struct kith_import_problem *warnings;
	size_t n_warnings;
	/* Of the records kept by `since`: dated by what kith scan found (step 2). */
	long dated_by_scan;
	/* Touches found by kith scan moved to the contacts written (step 7), and to how many. */
	long scan_touches;
	long scan_contacts;
};

/*
 * Import data[0..len) into the store (see above).  Whole-input failures
 * (too large, unknown tier, CSV header with no usable column, a bad map,
 * a store error) return an error with a message in the store's context
 * and leave the caller to roll back.
 * Ownership: kith_import_summary_free(*out).
 */
KITH_API enum kith_status kith_import(struct kith_store *store, const char *data, size_t len,
				      const struct kith_import_options *opts,
				      struct kith_import_summary **out);
KITH_API void kith_import_summary_free(struct kith_import_summary *summary);

/*
 * An --since value: a date (YYYY-MM-DD) or a duration back from today in
 * cadence syntax ("2y", "18m", "90d", "P2Y").  A date after today is
 * KITH_ERR_INVALID.
 */
KITH_API enum kith_status kith_import_parse_since(struct kith_ctx *ctx, const char *text,
						  struct kith_date today, struct kith_date *out);

/*
 * Every contact (archived ones too) as vCard 4.0, in name order: what
 * Google Contacts, Apple Contacts and Thunderbird import.  kith's own
 * fields travel as X-KITH-* properties and the date of the last touch as
 * X-KITH-LAST-CONTACTED, so exporting and importing into an empty store
 * gives back the contacts, their tiers, cadences and last touch (the
 * full touch history travels with `kith export --json`).
 * *out_n (may be NULL) is the number of cards.  Ownership: free(*out).
 */
KITH_API enum kith_status kith_export_vcard(struct kith_store *store, char **out, size_t *out_n);

#ifdef __cplusplus
}
#endif

#endif
