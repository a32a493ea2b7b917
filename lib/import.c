/* SPDX-License-Identifier: MIT */
/*
 * Importing an address book: records from the vCard and CSV readers are
 * filtered, deduped against the store and each other, merged or added,
 * and the new contacts' first reminders spread out.  Only the public
 * store API is used; the caller owns the transaction.  kith/import.h
 * describes the rules.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <kith/import.h>
#include <kith/schedule.h>

#include "buf.h"
#include "card.h"
#include "charset.h"
#include "csv.h"
#include "ctx.h"
#include "fold.h"
#include "contact.h"
#include "store/store.h"
#include "vcard.h"

/* ---- a string -> index hash (open addressing, keys owned) ---- */

struct index {
	char **keys;
	size_t *vals;
	size_t cap; /* a power of two, or 0 */
	size_t n;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void index_free(struct index *ix)
{
	for (size_t i = 0; i < ix->cap; i++)
		free(ix->keys[i]);
	free(ix->keys);
	free(ix->vals);
	memset(ix, 0, sizeof(*ix));
}

/* The value of key, or (size_t)-1. */
static size_t index_get(const struct index *ix, const char *key)
{
	if (!ix->cap || !key)
		return (size_t)-1;
	for (size_t i = hash(key) & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
		if (!ix->keys[i])
			return (size_t)-1;
		if (!strcmp(ix->keys[i], key))
			return ix->vals[i];
	}
}

static int index_grow(struct index *ix)
{
	struct index big;

	big.cap = ix->cap ? ix->cap * 2 : 256;
	big.n = ix->n;
	big.keys = calloc(big.cap, sizeof(*big.keys));
	big.vals = calloc(big.cap, sizeof(*big.vals));
	if (!big.keys || !big.vals) {
		free(big.keys);
		free(big.vals);
		return -1;
	}
	for (size_t i = 0; i < ix->cap; i++) {
		size_t j;

		if (!ix->keys[i])
			continue;
		for (j = hash(ix->keys[i]) & (big.cap - 1); big.keys[j]; j = (j + 1) & (big.cap - 1))
			;
		big.keys[j] = ix->keys[i];
		big.vals[j] = ix->vals[i];
	}
	free(ix->keys);
	free(ix->vals);
	*ix = big;
	return 0;
}

/* Adds key (taking it) unless present; the first value stays.  0 or -1 (no memory). */
static int index_put(struct index *ix, char *key, size_t val)
{
	size_t i;

	if (!key)
		return -1;
	if ((ix->n + 1) * 2 > ix->cap && index_grow(ix)) {
		free(key);
		return -1;
	}
	for (i = hash(key) & (ix->cap - 1); ix->keys[i]; i = (i + 1) & (ix->cap - 1)) {
		if (!strcmp(ix->keys[i], key)) {
			free(key);
			return 0;
		}
	}
	ix->keys[i] = key;
	ix->vals[i] = val;
	ix->n++;
	return 0;
}

/* ---- normal forms ---- */

/*
 * "Smith, John" (Outlook's File As, many CSV exports) is "John Smith":
 * one comma with words on both sides swaps them, in place.  A name with
 * more commas is left alone: no guessing at "Smith, John, Jr.".
 */
static char *swap_sorted_name(char *name)
{
	char *comma = strchr(name, ','), *first, *tmp;
	size_t last_len, first_len;

	if (!comma || strchr(comma + 1, ','))
		return name;
	first = comma + 1;
	while (*first == ' ')
		first++;
	last_len = (size_t)(comma - name);
	while (last_len > 0 && name[last_len - 1] == ' ')
		last_len--;
	first_len = strlen(first);
	if (last_len == 0 || first_len == 0)
		return name;
	tmp = malloc(first_len + 1 + last_len + 1);
	if (!tmp) {
		free(name);
		return NULL;
	}
	memcpy(tmp, first, first_len);
	tmp[first_len] = ' ';
	memcpy(tmp + first_len + 1, name, last_len);
	tmp[first_len + 1 + last_len] = '\0';
	free(name);
	return tmp;
}

/*
 * Case-folded as the store folds names (fold.c: Latin, Greek, Cyrillic),
 * blanks collapsed and trimmed, "Last, First" as "First Last".
 * Ownership: free().
 */
static char *norm_name(const char *name)
{
	char *folded = kith_fold(name, strlen(name));
	char *out, *o;
	const char *s;
	int blank = 0;

	if (!folded)
		return NULL;
	out = o = malloc(strlen(folded) + 1);
	if (!out) {
		free(folded);
		return NULL;
	}
	for (s = folded; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isspace(c)) {
			blank = o != out;
			continue;
		}
		if (blank)
			*o++ = ' ';
		blank = 0;
		*o++ = (char)tolower(c);
	}
	*o = '\0';
	free(folded);
	return swap_sorted_name(out);
}

static char *norm_email(const char *s)
{
	char *out = strdup(s);

	if (out)
		for (char *p = out; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return out;
}

/* Phones compare by their digits (and a leading +): "+44 20 7946 0958" = "+442079460958". */
static int same_phone(const char *a, const char *b)
{
	for (;;) {
		while (*a && !isdigit((unsigned char)*a) && *a != '+')
			a++;
		while (*b && !isdigit((unsigned char)*b) && *b != '+')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (*a++ != *b++)
			return 0;
	}
}

static int has_phone(const struct kith_strlist *l, const char *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (same_phone(l->items[i], p))
			return 1;
	return 0;
}

/* A display name on one line: control characters become spaces. */
static void flatten(char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

/* ---- the import ---- */

struct entry {
	struct kith_contact c;
	struct kith_date last_touch; /* newest touch known (stored or queued) */
	int is_new;
	int dirty;
};

enum outcome { O_NONE = 0, O_NEW, O_MERGED, O_UNCHANGED };

struct pending_touch {
	size_t entry;
	size_t record;
	struct kith_date on;
	char *key;
};

struct job {
	struct kith_store *store;
	struct kith_ctx *ctx;
	const struct kith_import_options *opts;
	struct kith_import_summary *sum;
	struct kith_card_list cards;
	struct entry *entries;
	size_t n_entries, cap_entries;
	struct index by_uid, by_email, by_name;
	struct index only_emails, only_names;
	struct kith_tier *tiers;
	size_t n_tiers;
	const char *tier;          /* the import's tier (borrowed from tiers or opts) */
	char *default_tier;        /* owned, from the store */
	enum outcome *outcomes;    /* per record */
	struct pending_touch *touches;
	size_t n_touches, cap_touches;
};

static const struct kith_tier *find_tier(const struct job *j, const char *name)
{
	for (size_t i = 0; name && i < j->n_tiers; i++)
		if (!strcmp(j->tiers[i].name, name))
			return &j->tiers[i];
	return NULL;
}

static enum kith_status add_problem(struct job *j, long line, const char *reason)
{
	struct kith_import_summary *s = j->sum;
	struct kith_import_problem *p;

	p = realloc(s->problems, (s->n_problems + 1) * sizeof(*p));
	if (!p)
		return kith_nomem(j->ctx);
	s->problems = p;
	p[s->n_problems].line = line;
	p[s->n_problems].reason = strdup(reason);
	if (!p[s->n_problems].reason)
		return kith_nomem(j->ctx);
	s->n_problems++;
	return KITH_OK;
}

/* Index the identities of entry i. */
static enum kith_status index_entry(struct job *j, size_t i)
{
	const struct kith_contact *c = &j->entries[i].c;
	int fail = 0;

	if (c->vcard_uid && *c->vcard_uid)
		fail |= index_put(&j->by_uid, strdup(c->vcard_uid), i);
	if (c->uid && *c->uid)
		fail |= index_put(&j->by_uid, strdup(c->uid), i);
	for (size_t k = 0; k < c->emails.n; k++)
		fail |= index_put(&j->by_email, norm_email(c->emails.items[k]), i);
	if (c->name)
		fail |= index_put(&j->by_name, norm_name(c->name), i);
	return fail ? kith_nomem(j->ctx) : KITH_OK;
}

struct id_pos {
	int64_t id;
	size_t pos;
};

static int by_id(const void *a, const void *b)
{
	const struct id_pos *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Each stored contact's newest touch (kept on the contact: no pass over the log). */
static enum kith_status load_last_touches(struct job *j)
{
	struct kith_touch *ts = NULL;
	struct id_pos *ids;
	size_t nt = 0;
	enum kith_status rc;

	if (j->n_entries == 0)
		return KITH_OK;
	ids = calloc(j->n_entries, sizeof(*ids));
	if (!ids)
		return kith_nomem(j->ctx);
	for (size_t i = 0; i < j->n_entries; i++) {
		ids[i].id = j->entries[i].c.id;
		ids[i].pos = i;
	}
	qsort(ids, j->n_entries, sizeof(*ids), by_id);
	rc = kith_store_last_touches(j->store, &ts, &nt);
	for (size_t k = 0; !rc && k < nt; k++) {
		struct id_pos key = { ts[k].contact_id, 0 };
		struct id_pos *hit = bsearch(&key, ids, j->n_entries, sizeof(*ids), by_id);

		if (hit && kith_date_cmp(ts[k].on, j->entries[hit->pos].last_touch) > 0)
			j->entries[hit->pos].last_touch = ts[k].on;
	}
	kith_touch_list_free(ts, nt);
	free(ids);
	return rc;
}

static enum kith_status load_store(struct job *j)
{
	struct kith_contact_filter f = { NULL, 1, { 0, 0, 0 } };
	struct kith_contact *list = NULL;
	size_t n = 0;
	enum kith_status rc;

	rc = kith_store_list_contacts(j->store, &f, &list, &n);
	if (rc)
		return rc;
	j->entries = calloc(n + 64, sizeof(*j->entries));
	if (!j->entries) {
		kith_contact_list_free(list, n);
		return kith_nomem(j->ctx);
	}
	j->cap_entries = n + 64;
	/* The members move into the entries; only the array is freed. */
	for (size_t i = 0; i < n; i++)
		j->entries[i].c = list[i];
	j->n_entries = n;
	free(list);
	for (size_t i = 0; i < n; i++) {
		rc = index_entry(j, i);
		if (rc)
			return rc;
	}
	return load_last_touches(j);
}

/* A UID on both sides that differs: two different cards, whatever else they share. */
static int uid_conflict(const struct kith_contact *c, const struct kith_card *card)
{
	return card->uid && c->vcard_uid && *c->vcard_uid && strcmp(card->uid, c->vcard_uid) &&
	       !(c->uid && !strcmp(card->uid, c->uid));
}

/* The entry the record is a duplicate of, or (size_t)-1, in *out. */
static enum kith_status find_match(struct job *j, const struct kith_card *card, size_t *out)
{
	size_t i;
	char *key;

	*out = (size_t)-1;
	if (card->uid && (i = index_get(&j->by_uid, card->uid)) != (size_t)-1) {
		*out = i;
		return KITH_OK;
	}
	for (size_t k = 0; k < card->emails.n; k++) {
		key = norm_email(card->emails.items[k]);
		if (!key)
			return kith_nomem(j->ctx);
		i = index_get(&j->by_email, key);
		free(key);
		if (i != (size_t)-1 && !uid_conflict(&j->entries[i].c, card)) {
			*out = i;
			return KITH_OK;
		}
	}
	key = norm_name(card->name);
	if (!key)
		return kith_nomem(j->ctx);
	i = index_get(&j->by_name, key);
	free(key);
	if (i != (size_t)-1 && !uid_conflict(&j->entries[i].c, card))
		*out = i;
	return KITH_OK;
}

/* Fill *field from *from when it is empty, taking the string. 1 if it did. */
static int fill(char **field, char **from)
{
	if ((*field && **field) || !*from || !**from)
		return 0;
	free(*field);
	*field = *from;
	*from = NULL;
	return 1;
}

/* Merge a record into entry i: only additions and empty fields.  *changed is set. */
static enum kith_status merge(struct job *j, size_t i, struct kith_card *card, int *changed)
{
	struct kith_contact *c = &j->entries[i].c;
	int ch = 0;

	for (size_t k = 0; k < card->emails.n; k++) {
		if (kith_strlist_has(&c->emails, card->emails.items[k], 1))
			continue;
		if (kith_strlist_add(&c->emails, card->emails.items[k]) ||
		    index_put(&j->by_email, norm_email(card->emails.items[k]), i))
			return kith_nomem(j->ctx);
		ch = 1;
	}
	for (size_t k = 0; k < card->phones.n; k++) {
		if (has_phone(&c->phones, card->phones.items[k]))
			continue;
		if (kith_strlist_add(&c->phones, card->phones.items[k]))
			return kith_nomem(j->ctx);
		ch = 1;
	}
	for (size_t k = 0; k < card->tags.n; k++) {
		if (kith_strlist_has(&c->tags, card->tags.items[k], 1))
			continue;
		if (kith_strlist_add(&c->tags, card->tags.items[k]))
			return kith_nomem(j->ctx);
		ch = 1;
	}
	ch |= fill(&c->org, &card->org);
	ch |= fill(&c->title, &card->title);
	ch |= fill(&c->notes, &card->notes);
	if (!kith_date_is_set(c->birthday) && kith_date_is_set(card->birthday)) {
		c->birthday = card->birthday;
		ch = 1;
	}
	if (card->uid && !(c->uid && !strcmp(c->uid, card->uid)) && fill(&c->vcard_uid, &card->uid)) {
		if (index_put(&j->by_uid, strdup(c->vcard_uid), i))
			return kith_nomem(j->ctx);
		ch = 1;
	}
	j->entries[i].dirty |= ch;
	*changed = ch;
	return KITH_OK;
}

static void steal_list(struct kith_strlist *to, struct kith_strlist *from)
{
	*to = *from;
	memset(from, 0, sizeof(*from));
}

/* A new entry from a record (its strings move over). */
static enum kith_status add_new(struct job *j, struct kith_card *card, size_t *out)
{
	struct kith_contact *c;
	const char *tier = j->tier;
	size_t i;

	if (j->n_entries == j->cap_entries) {
		size_t cap = j->cap_entries * 2 + 64;
		struct entry *p = realloc(j->entries, cap * sizeof(*p));

		if (!p)
			return kith_nomem(j->ctx);
		j->entries = p;
		j->cap_entries = cap;
	}
	i = j->n_entries;
	memset(&j->entries[i], 0, sizeof(j->entries[i]));
	j->entries[i].is_new = 1;
	c = &j->entries[i].c;
	if (!j->opts->tier && find_tier(j, card->tier))
		tier = card->tier;
	c->tier = strdup(tier);
	if (!c->tier)
		return kith_nomem(j->ctx);
	j->n_entries++; /* from here on the entry owns what it holds */
	c->name = card->name;
	card->name = NULL;
	flatten(c->name);
	steal_list(&c->emails, &card->emails);
	steal_list(&c->phones, &card->phones);
	steal_list(&c->tags, &card->tags);
	c->org = card->org;
	c->title = card->title;
	c->notes = card->notes;
	c->vcard_uid = card->uid;
	c->via = card->via;
	c->how_met = card->how_met;
	card->org = card->title = card->notes = card->uid = card->via = card->how_met = NULL;
	c->birthday = card->birthday;
	c->cadence = card->cadence;
	c->archived = card->archived;
	c->added = j->opts->today;
	if (kith_date_is_valid(card->added) && kith_date_cmp(card->added, j->opts->today) <= 0)
		c->added = card->added;
	*out = i;
	return index_entry(j, i);
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
		id = norm_email(card->emails.items[0]);
	else
		id = norm_name(card->name ? card->name : "");
	if (!id)
		return NULL;
	kith_buf_printf(&b, "import:%s:%s", id, kith_date_format(on, date));
	free(id);
	return kith_buf_steal(&b);
}

/* Takes key.  A date no newer than what the contact has adds nothing. */
static enum kith_status queue_touch(struct job *j, size_t entry, size_t record,
				    struct kith_date on, char *key)
{
	struct pending_touch *t;
	struct entry *e = &j->entries[entry];

	if (kith_date_cmp(on, e->last_touch) <= 0) {
		free(key);
		return KITH_OK;
	}
	if (j->n_touches == j->cap_touches) {
		size_t cap = j->cap_touches ? j->cap_touches * 2 : 64;

		t = realloc(j->touches, cap * sizeof(*t));
		if (!t) {
			free(key);
			return kith_nomem(j->ctx);
		}
		j->touches = t;
		j->cap_touches = cap;
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
			char *e = norm_email(s);

			/* "Name <email>" lines keep the address. */
			if (e && strchr(e, '<')) {
				char *a = strchr(e, '<') + 1, *z = strchr(a, '>');

				if (z)
					*z = '\0';
				memmove(e, a, strlen(a) + 1);
			}
			fail = index_put(&j->only_emails, e, i);
		} else {
			fail = index_put(&j->only_names, norm_name(s), i);
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
		key = norm_email(card->emails.items[k]);
		if (!key)
			return kith_nomem(j->ctx);
		hit = index_get(&j->only_emails, key) != (size_t)-1;
		free(key);
	}
	if (!hit && card->name) {
		key = norm_name(card->name);
		if (!key)
			return kith_nomem(j->ctx);
		hit = index_get(&j->only_names, key) != (size_t)-1;
		free(key);
	}
	*out_hit = hit;
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
		int changed = 0;

		s->records++;
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
		known = kith_date_is_set(card->last_contact) ? card->last_contact : card->revised;
		if (kith_date_is_set(o->since)) {
			if (!kith_date_is_set(known)) {
				s->skipped_undated++;
				continue;
			}
			if (kith_date_cmp(known, o->since) < 0) {
				s->skipped_since++;
				continue;
			}
		}
		/* The key names the record as the file does, before its strings move. */
		if (kith_date_is_valid(card->last_contact) &&
		    kith_date_cmp(card->last_contact, o->today) <= 0) {
			key = touch_key(card, card->last_contact);
			if (!key)
				return kith_nomem(j->ctx);
		}
		rc = find_match(j, card, &i);
		if (rc) {
			free(key);
			return rc;
		}
		if (i == (size_t)-1) {
			rc = add_new(j, card, &i);
			j->outcomes[r] = O_NEW;
		} else {
			rc = merge(j, i, card, &changed);
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

static struct kith_cadence cadence_of(const struct job *j, const struct kith_contact *c)
{
	return kith_schedule_cadence(c->cadence, c->tier, j->tiers, j->n_tiers);
}

static long period_days(struct kith_cadence cad, struct kith_date today)
{
	long p = kith_date_diff_days(today, kith_cadence_add(cad, today));

	return p > 0 ? p : 1;
}

struct rank_key {
	struct kith_date last; /* unset: never noted */
	size_t entry;
};

static int quietest_first(const void *a, const void *b)
{
	const struct rank_key *x = a, *y = b;
	int c = kith_date_cmp(x->last, y->last);

	if (c)
		return c;
	return x->entry < y->entry ? -1 : x->entry > y->entry;
}

/* Days from today to a stored contact's pending spread first reminder; 0: none. */
static long pending_day(const struct entry *e, struct kith_date today)
{
	if (e->c.archived || !kith_date_is_set(e->c.first_due))
		return 0;
	return kith_date_diff_days(today, e->c.first_due);
}

/*
 * The first reminders of the new contacts, spread over the first period
 * of their cadence with at most per_day a day (kith/import.h, step 5).
 */
static enum kith_status spread(struct job *j)
{
	struct kith_import_summary *s = j->sum;
	struct kith_date today = j->opts->today;
	struct kith_cadence quarterly = { KITH_CADENCE_MONTH, 3 };
	long n_new = 0, n_pending = 0, base_period, max_day = 0;
	long *per_day_count = NULL;
	long *group_size = NULL, *group_rank = NULL, *group_period = NULL;
	struct rank_key *order = NULL;
	size_t n_groups = 0;
	int cap;
	enum kith_status rc = KITH_OK;
	const struct kith_tier *t = find_tier(j, j->tier);

	base_period = period_days(t ? t->cadence : quarterly, today);
	for (size_t i = 0; i < j->n_entries; i++) {
		const struct entry *e = &j->entries[i];

		if (e->is_new)
			n_new += !e->c.archived;
		else if (pending_day(e, today) >= 1 && pending_day(e, today) <= base_period)
			n_pending++;
	}
	/* A second import shares the days with the first one's reminders. */
	cap = j->opts->per_day > 0 ? j->opts->per_day
				   : (int)((n_new + n_pending + base_period - 1) / base_period);
	if (cap < 1)
		cap = 1;
	s->per_day = cap;
	if (n_new == 0)
		return KITH_OK;
	/* Groups of the same period, each spread over its own days. */
	group_size = calloc((size_t)n_new, sizeof(long));
	group_rank = calloc((size_t)n_new, sizeof(long));
	group_period = calloc((size_t)n_new, sizeof(long));
	if (!group_size || !group_rank || !group_period) {
		rc = kith_nomem(j->ctx);
		goto out;
	}
	for (size_t i = 0; i < j->n_entries; i++) {
		struct entry *e = &j->entries[i];
		long p;
		size_t g;

		if (!e->is_new || e->c.archived)
			continue;
		p = period_days(cadence_of(j, &e->c), today);
		for (g = 0; g < n_groups && group_period[g] != p; g++)
			;
		if (g == n_groups)
			group_period[n_groups++] = p;
		group_size[g]++;
		if (p + n_new > max_day)
			max_day = p + n_new;
	}
	per_day_count = calloc((size_t)max_day + 2, sizeof(long));
	order = calloc((size_t)n_new, sizeof(*order));
	if (!per_day_count || !order) {
		rc = kith_nomem(j->ctx);
		goto out;
	}
	for (size_t i = 0; i < j->n_entries; i++) {
		long d = j->entries[i].is_new ? 0 : pending_day(&j->entries[i], today);

		if (d >= 1 && d <= max_day)
			per_day_count[d]++;
	}
	for (size_t i = 0, k = 0; i < j->n_entries; i++) {
		if (j->entries[i].is_new && !j->entries[i].c.archived) {
			order[k].last = j->entries[i].last_touch;
			order[k++].entry = i;
		}
	}
	/* The longest silent first; file order among equals. */
	qsort(order, (size_t)n_new, sizeof(*order), quietest_first);
	for (long k = 0; k < n_new; k++) {
		struct entry *e = &j->entries[order[k].entry];
		long p, days, day, size;
		size_t g;

		p = period_days(cadence_of(j, &e->c), today);
		for (g = 0; group_period[g] != p; g++)
			;
		size = group_size[g];
		days = (size + cap - 1) / cap;
		if (days < p)
			days = p;
		day = 1 + (long)((double)group_rank[g]++ * (double)days / (double)size);
		while (day <= max_day && per_day_count[day] >= cap)
			day++;
		if (day > max_day)
			day = max_day;
		per_day_count[day]++;
		e->c.first_due = kith_date_add_days(today, day);
		if (!kith_date_is_set(s->first_due_from) ||
		    kith_date_cmp(e->c.first_due, s->first_due_from) < 0)
			s->first_due_from = e->c.first_due;
		if (kith_date_cmp(e->c.first_due, s->first_due_to) > 0)
			s->first_due_to = e->c.first_due;
	}
out:
	free(order);
	free(per_day_count);
	free(group_size);
	free(group_rank);
	free(group_period);
	return rc;
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
			rc = kith_fail(j->ctx, KITH_ERR_INVALID, "--map is for CSV files; %s is a "
				       "vCard file", o->source_name ? o->source_name : "the input");
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
			return kith_fail(j->ctx, KITH_ERR_INVALID,
					 "the store has no default tier; give the tier to import into");
		if (rc)
			return rc;
		want = j->default_tier;
	}
	if (!find_tier(j, want)) {
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
	index_free(&j->by_uid);
	index_free(&j->by_email);
	index_free(&j->by_name);
	index_free(&j->only_emails);
	index_free(&j->only_names);
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
		rc = load_store(&j);
	if (!rc)
		rc = process(&j);
	if (!rc)
		rc = spread(&j);
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
		return kith_fail(ctx, KITH_ERR_INVALID, "no --since value: use a date (YYYY-MM-DD) "
				 "or a duration such as 2y, 18m, 90d");
	if (isdigit((unsigned char)text[0]) && strlen(text) >= 8 &&
	    isdigit((unsigned char)text[strlen(text) - 1])) {
		if (kith_date_parse(ctx, text, &d))
			return KITH_ERR_INVALID;
		if (kith_date_cmp(d, today) > 0)
			return kith_fail(ctx, KITH_ERR_INVALID, "--since %s is after today (%s)", text,
					 kith_date_format(today, buf));
		*out = d;
		return KITH_OK;
	}
	if (kith_cadence_parse(NULL, text, &c) != KITH_OK)
		return kith_fail(ctx, KITH_ERR_INVALID, "bad --since '%.40s': use a date "
				 "(YYYY-MM-DD) or a duration such as 2y, 18m, 90d", text);
	c.n = -c.n;
	*out = kith_cadence_add(c, today);
	return KITH_OK;
}

/* ---- export ---- */

struct last_touch {
	int64_t id;
	struct kith_date on;
};

static int by_contact(const void *a, const void *b)
{
	const struct last_touch *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return -kith_date_cmp(x->on, y->on); /* newest first within a contact */
}

enum kith_status kith_export_vcard(struct kith_store *store, char **out, size_t *out_n)
{
	struct kith_ctx *ctx = kith_store_ctx(store);
	struct kith_contact_filter f = { NULL, 1, { 0, 0, 0 } };
	struct kith_contact *cs = NULL;
	struct kith_touch *ts = NULL;
	struct last_touch *last = NULL;
	struct kith_buf b = KITH_BUF_INIT;
	size_t n = 0, nt = 0;
	enum kith_status rc;

	rc = kith_store_list_contacts(store, &f, &cs, &n);
	if (rc)
		return rc;
	rc = kith_store_last_touches(store, &ts, &nt);
	if (rc)
		goto out;
	last = calloc(nt ? nt : 1, sizeof(*last));
	if (!last) {
		rc = kith_nomem(ctx);
		goto out;
	}
	for (size_t i = 0; i < nt; i++) {
		last[i].id = ts[i].contact_id;
		last[i].on = ts[i].on;
	}
	if (nt)
		qsort(last, nt, sizeof(*last), by_contact);
	for (size_t i = 0; i < n; i++) {
		struct last_touch key = { cs[i].id, { 9999, 12, 31 } };
		struct kith_date on = { 0, 0, 0 };
		size_t lo = 0, hi = nt;

		/* The first entry of this contact: the newest touch. */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (by_contact(&last[mid], &key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < nt && last[lo].id == cs[i].id)
			on = last[lo].on;
		kith_vcard_write(&b, &cs[i], on);
	}
	*out = kith_buf_steal(&b);
	if (!*out) {
		rc = kith_nomem(ctx);
		goto out;
	}
	if (out_n)
		*out_n = n;
out:
	kith_buf_free(&b);
	free(last);
	kith_touch_list_free(ts, nt);
	kith_contact_list_free(cs, n);
	return rc;
}
