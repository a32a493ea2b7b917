/* SPDX-License-Identifier: MIT */
/*
 * Importing an address book: records from the vCard and CSV readers are
 * filtered, deduped against the store and each other, merged or added,
 * and the new contacts' first reminders spread out (the parts: job.h).
 * Only the public store API is used; the caller owns the transaction.
 * kith/import.h describes the rules.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <kith/import.h>

#include "array.h"
#include "buf.h"
#include "card.h"
#include "charset.h"
#include "contact.h"
#include "csv.h"
#include "ctx.h"
#include "import/job.h"
#include "store/store.h"
#include "vcard.h"

/* Appends (line, reason) to a summary list. */
static enum kith_status add_note(struct job *j, struct kith_import_problem **list, size_t *n,
				 long line, const char *reason)
{
	struct kith_import_problem *p = realloc(*list, (*n + 1) * sizeof(*p));

	if (!p)
		return kith_nomem(j->ctx);
	*list = p;
	p[*n].line = line;
	p[*n].reason = strdup(reason);
	if (!p[*n].reason)
		return kith_nomem(j->ctx);
	(*n)++;
	return KITH_OK;
}

static enum kith_status add_problem(struct job *j, long line, const char *reason)
{
	return add_note(j, &j->sum->problems, &j->sum->n_problems, line, reason);
}

/* "import:<uid, else first email, else name>:<date>" */
static char *touch_key(const struct kith_card *card, struct kith_date on)
{
	struct kith_buf b = KITH_BUF_INIT;
	char date[KITH_DATE_BUFSZ];
	char *id;

	if (card->uid && *card->uid)
		id = strdup(card->uid);
	else if (card->emails.n)
		id = import_norm_email(card->emails.items[0]);
	else
		id = import_norm_name(card->name ? card->name : "");
	if (!id)
		return NULL;
	kith_buf_printf(&b, "import:%s:%s", id, kith_date_format(on, date));
	free(id);
	return kith_buf_steal(&b);
}

/* Takes key.  A date no newer than what the contact has adds nothing. */
static enum kith_status queue_touch(struct job *j, size_t entry, size_t record, struct kith_date on,
				    char *key)
{
	struct pending_touch *t;
	struct entry *e = &j->entries[entry];

	if (kith_date_cmp(on, e->last_touch) <= 0) {
		free(key);
		return KITH_OK;
	}
	if (KITH_GROW(j->touches, j->cap_touches, j->n_touches + 1, 64)) {
		free(key);
		return kith_nomem(j->ctx);
	}
	t = &j->touches[j->n_touches++];
	t->entry = entry;
	t->record = record;
	t->on = on;
	t->key = key;
	e->last_touch = on;
	return KITH_OK;
}

static enum kith_status build_only(struct job *j)
{
	for (size_t i = 0; i < j->opts->n_only; i++) {
		const char *s = j->opts->only[i];
		int fail;

		if (!s)
			continue;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			continue;
		if (strchr(s, '@')) {
			char *e = import_norm_email(s);

			/* "Name <email>" lines keep the address. */
			if (e && strchr(e, '<')) {
				char *a = strchr(e, '<') + 1, *z = strchr(a, '>');

				if (z)
					*z = '\0';
				memmove(e, a, strlen(a) + 1);
			}
			fail = kith_strmap_put(&j->only_emails, e, i);
		} else {
			fail = kith_strmap_put(&j->only_names, import_norm_name(s), i);
		}
		if (fail)
			return kith_nomem(j->ctx);
	}
	return KITH_OK;
}

/* *out_hit: the record has an email or name of the --only list. */
static enum kith_status in_only(struct job *j, const struct kith_card *card, int *out_hit)
{
	char *key;
	int hit = 0;

	for (size_t k = 0; k < card->emails.n && !hit; k++) {
		key = import_norm_email(card->emails.items[k]);
		if (!key)
			return kith_nomem(j->ctx);
		hit = kith_strmap_get(&j->only_emails, key) != (size_t)-1;
		free(key);
	}
	if (!hit && card->name) {
		key = import_norm_name(card->name);
		if (!key)
			return kith_nomem(j->ctx);
		hit = kith_strmap_get(&j->only_names, key) != (size_t)-1;
		free(key);
	}
	*out_hit = hit;
	return KITH_OK;
}

/*
 * The day a record was last in touch, for `since` (kith/import.h, step
 * 2): its own last-contact field, else the newest mail or meeting kith
 * scan found with any of its emails (in either direction: a real Outlook
 * or Google export has no such field, the mail archive does), else a
 * vCard's REV.  *by_scan is set when the scan's evidence decided.
 */
static enum kith_status last_contact_of(struct job *j, const struct kith_card *card,
					struct kith_date *out, int *by_scan)
{
	struct kith_date newest = { 0, 0, 0 };

	*by_scan = 0;
	*out = card->last_contact;
	if (kith_date_is_set(*out))
		return KITH_OK;
	for (size_t k = 0; k < card->emails.n; k++) {
		struct kith_date d;
		enum kith_status rc =
			kith_store_newest_scanned(j->store, card->emails.items[k], &d);

		if (rc)
			return rc;
		if (kith_date_is_set(d) && kith_date_cmp(d, newest) > 0)
			newest = d;
	}
	if (kith_date_is_set(newest)) {
		*out = newest;
		*by_scan = 1;
	} else {
		*out = card->revised;
	}
	return KITH_OK;
}

/* Runs every record through filters, dedupe and merge. */
static enum kith_status process(struct job *j)
{
	struct kith_import_summary *s = j->sum;
	const struct kith_import_options *o = j->opts;
	enum kith_status rc;

	for (size_t r = 0; r < j->cards.n; r++) {
		struct kith_card *card = &j->cards.items[r];
		struct kith_date known;
		char *key = NULL;
		size_t i;
		int changed = 0, by_scan = 0;

		s->records++;
		if (card->warning && !card->error) {
			rc = add_note(j, &s->warnings, &s->n_warnings, card->warning_line,
				      card->warning);
			if (rc)
				return rc;
		}
		if (card->error) {
			s->failed++;
			rc = add_problem(j, card->line, card->error);
			if (rc)
				return rc;
			continue;
		}
		if (o->n_only) {
			int hit = 0;

			rc = in_only(j, card, &hit);
			if (rc)
				return rc;
			if (!hit) {
				s->skipped_only++;
				continue;
			}
		}
		if (kith_date_is_set(o->since)) {
			rc = last_contact_of(j, card, &known, &by_scan);
			if (rc)
				return rc;
			if (!kith_date_is_set(known)) {
				s->skipped_undated++;
				continue;
			}
			if (kith_date_cmp(known, o->since) < 0) {
				s->skipped_since++;
				continue;
			}
			s->dated_by_scan += by_scan;
		}
		/* The key names the record as the file does, before its strings move. */
		if (kith_date_is_valid(card->last_contact) &&
		    kith_date_cmp(card->last_contact, o->today) <= 0) {
			key = touch_key(card, card->last_contact);
			if (!key)
				return kith_nomem(j->ctx);
		}
		rc = import_find_match(j, card, &i);
		if (rc) {
			free(key);
			return rc;
		}
		if (i == (size_t)-1) {
			rc = import_add_new(j, card, &i);
			j->outcomes[r] = O_NEW;
		} else {
			rc = import_merge(j, i, card, &changed);
			j->outcomes[r] = changed ? O_MERGED : O_UNCHANGED;
		}
		if (rc) {
			free(key);
			return rc;
		}
		if (key) {
			rc = queue_touch(j, i, r, card->last_contact, key);
			if (rc)
				return rc;
		}
	}
	return KITH_OK;
}

static enum kith_status write_all(struct job *j)
{
	struct kith_import_summary *s = j->sum;
	enum kith_status rc;

	for (size_t i = 0; i < j->n_entries; i++) {
		struct entry *e = &j->entries[i];

		if (e->is_new)
			rc = kith_store_add_contact(j->store, &e->c);
		else if (e->dirty)
			rc = kith_store_update_contact(j->store, &e->c);
		else
			continue;
		if (rc)
			return rc;
	}
	for (size_t k = 0; k < j->n_touches; k++) {
		struct pending_touch *pt = &j->touches[k];
		struct kith_touch t;

		memset(&t, 0, sizeof(t));
		t.contact_id = j->entries[pt->entry].c.id;
		t.on = pt->on;
		t.direction = KITH_OUTBOUND;
		t.source = KITH_SOURCE_IMPORT;
		t.source_key = pt->key;
		rc = kith_store_add_touch(j->store, &t);
		if (rc == KITH_ERR_EXISTS) {
			kith_ctx_clear(j->ctx);
			continue;
		}
		if (rc)
			return rc;
		s->touches++;
		if (j->outcomes[pt->record] == O_UNCHANGED)
			j->outcomes[pt->record] = O_MERGED;
	}
	/* What kith scan found of their addresses while no contact had them. */
	for (size_t i = 0; i < j->n_entries; i++) {
		struct entry *e = &j->entries[i];
		size_t moved = 0;

		if (!e->is_new && !e->dirty)
			continue;
		rc = kith_store_claim_evidence(j->store, e->c.id, &moved);
		if (rc)
			return rc;
		s->scan_touches += (long)moved;
		s->scan_contacts += moved > 0;
	}
	for (size_t r = 0; r < j->cards.n; r++) {
		s->imported += j->outcomes[r] == O_NEW;
		s->merged += j->outcomes[r] == O_MERGED;
		s->unchanged += j->outcomes[r] == O_UNCHANGED;
	}
	return KITH_OK;
}

/* Skips a BOM and blank lines; 1 when the data starts with BEGIN:VCARD. */
static int looks_like_vcard(const char *d, size_t n)
{
	size_t i = 0;

	if (n >= 3 && !memcmp(d, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < n && isspace((unsigned char)d[i]))
		i++;
	return n - i >= 11 && !strncasecmp(d + i, "BEGIN:VCARD", 11);
}

static int is_utf16(const char *d, size_t n)
{
	const unsigned char *u = (const unsigned char *)d;

	return n >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff));
}

static enum kith_status read_records(struct job *j, const char *data, size_t len)
{
	const struct kith_import_options *o = j->opts;
	enum kith_import_format fmt = o->format;
	char *text = NULL;
	size_t text_n = 0;
	enum kith_status rc;

	/* Outlook's "Unicode" exports are UTF-16: make them UTF-8 before looking. */
	if (is_utf16(data, len)) {
		rc = kith_charset_file_to_utf8(j->ctx, data, len, &text, &text_n, NULL);
		if (rc)
			return rc;
		data = text;
		len = text_n;
	}
	if (fmt == KITH_IMPORT_AUTO)
		fmt = looks_like_vcard(data, len) ? KITH_IMPORT_VCARD : KITH_IMPORT_CSV;
	if (fmt == KITH_IMPORT_VCARD) {
		if (o->n_map) {
			rc = kith_fail(j->ctx, KITH_ERR_INVALID,
				       "--map is for CSV files; %s is a "
				       "vCard file",
				       o->source_name ? o->source_name : "the input");
			goto out;
		}
		j->sum->format = "vCard";
		rc = kith_vcard_parse(j->ctx, data, len, &j->cards);
	} else {
		rc = kith_csv_read_cards(j->ctx, data, len, o->map, o->n_map, &j->cards,
					 &j->sum->format);
	}
out:
	free(text);
	return rc;
}

static enum kith_status resolve_tier(struct job *j)
{
	enum kith_status rc;
	const char *want = j->opts->tier;

	rc = kith_store_list_tiers_uncounted(j->store, &j->tiers, &j->n_tiers);
	if (rc)
		return rc;
	if (!want) {
		rc = kith_store_get_meta(j->store, "default_tier", &j->default_tier);
		if (rc == KITH_ERR_NOT_FOUND)
			return kith_fail(
				j->ctx, KITH_ERR_INVALID,
				"the store has no default tier; give the tier to import into");
		if (rc)
			return rc;
		want = j->default_tier;
	}
	if (!import_find_tier(j, want)) {
		struct kith_tier *t = NULL;

		/* For its message, which lists the tiers. */
		rc = kith_store_get_tier(j->store, want, &t);
		kith_tier_free(t);
		return rc ? rc : kith_fail(j->ctx, KITH_ERR_NOT_FOUND, "no tier '%s'", want);
	}
	j->tier = want;
	j->sum->tier = strdup(want);
	return j->sum->tier ? KITH_OK : kith_nomem(j->ctx);
}

static void job_clear(struct job *j)
{
	kith_card_list_clear(&j->cards);
	for (size_t i = 0; i < j->n_entries; i++)
		kith_contact_clear(&j->entries[i].c);
	free(j->entries);
	kith_strmap_free(&j->by_uid);
	kith_strmap_free(&j->by_email);
	kith_strmap_free(&j->by_name);
	kith_strmap_free(&j->only_emails);
	kith_strmap_free(&j->only_names);
	kith_tier_list_free(j->tiers, j->n_tiers);
	free(j->default_tier);
	free(j->outcomes);
	for (size_t k = 0; k < j->n_touches; k++)
		free(j->touches[k].key);
	free(j->touches);
}

void kith_import_summary_free(struct kith_import_summary *summary)
{
	if (!summary)
		return;
	free(summary->tier);
	for (size_t i = 0; i < summary->n_problems; i++)
		free(summary->problems[i].reason);
	free(summary->problems);
	for (size_t i = 0; i < summary->n_warnings; i++)
		free(summary->warnings[i].reason);
	free(summary->warnings);
	free(summary);
}

enum kith_status kith_import(struct kith_store *store, const char *data, size_t len,
			     const struct kith_import_options *opts,
			     struct kith_import_summary **out)
{
	struct job j;
	enum kith_status rc;
	const char *src;

	memset(&j, 0, sizeof(j));
	j.store = store;
	j.ctx = kith_store_ctx(store);
	j.opts = opts;
	if (!opts || !kith_date_is_valid(opts->today))
		return kith_fail(j.ctx, KITH_ERR_INVALID, "an import needs a valid date for today");
	src = opts->source_name ? opts->source_name : "the input";
	if (len > (size_t)KITH_IMPORT_MAX_BYTES)
		return kith_fail(j.ctx, KITH_ERR_INVALID,
				 "%s is %zu MiB; kith imports at most %ld MiB at a time: split it",
				 src, len >> 20, KITH_IMPORT_MAX_BYTES >> 20);
	if (opts->per_day < 0)
		return kith_fail(j.ctx, KITH_ERR_INVALID, "the daily cap must be positive");
	j.sum = calloc(1, sizeof(*j.sum));
	if (!j.sum)
		return kith_nomem(j.ctx);
	rc = resolve_tier(&j);
	if (!rc)
		rc = read_records(&j, data ? data : "", data ? len : 0);
	if (!rc && (j.outcomes = calloc(j.cards.n + 1, sizeof(*j.outcomes))) == NULL)
		rc = kith_nomem(j.ctx);
	if (!rc)
		rc = build_only(&j);
	if (!rc)
		rc = import_load_store(&j);
	if (!rc)
		rc = process(&j);
	if (!rc)
		rc = import_spread(&j);
	/* All or nothing, whatever transaction the caller holds. */
	if (!rc)
		rc = kith_store_bulk_begin(store);
	if (!rc)
		rc = kith_store_bulk_end(store, write_all(&j));
	if (rc) {
		kith_import_summary_free(j.sum);
	} else {
		*out = j.sum;
	}
	job_clear(&j);
	return rc;
}

enum kith_status kith_import_parse_since(struct kith_ctx *ctx, const char *text,
					 struct kith_date today, struct kith_date *out)
{
	struct kith_cadence c;
	struct kith_date d;
	char buf[KITH_DATE_BUFSZ];

	if (!text || !*text)
		return kith_fail(ctx, KITH_ERR_INVALID,
				 "no --since value: use a date (YYYY-MM-DD) "
				 "or a duration such as 2y, 18m, 90d");
	if (isdigit((unsigned char)text[0]) && strlen(text) >= 8 &&
	    isdigit((unsigned char)text[strlen(text) - 1])) {
		if (kith_date_parse(ctx, text, &d))
			return KITH_ERR_INVALID;
		if (kith_date_cmp(d, today) > 0)
			return kith_fail(ctx, KITH_ERR_INVALID, "--since %s is after today (%s)",
					 text, kith_date_format(today, buf));
		*out = d;
		return KITH_OK;
	}
	if (kith_cadence_parse(NULL, text, &c) != KITH_OK)
		return kith_fail(ctx, KITH_ERR_INVALID,
				 "bad --since '%.40s': use a date "
				 "(YYYY-MM-DD) or a duration such as 2y, 18m, 90d",
				 text);
	c.n = -c.n;
	*out = kith_cadence_add(c, today);
	return KITH_OK;
}
