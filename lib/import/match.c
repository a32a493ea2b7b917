/* SPDX-License-Identifier: MIT */
/* Deduping records against the store and each other, and merging them. */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "ctx.h"
#include "import/job.h"
#include "store/store.h"

/* Index the identities of entry i. */
static enum kith_status index_entry(struct job *j, size_t i)
{
	const struct kith_contact *c = &j->entries[i].c;
	int fail = 0;

	if (c->vcard_uid && *c->vcard_uid)
		fail |= kith_strmap_put(&j->by_uid, strdup(c->vcard_uid), i);
	if (c->uid && *c->uid)
		fail |= kith_strmap_put(&j->by_uid, strdup(c->uid), i);
	for (size_t k = 0; k < c->emails.n; k++)
		fail |= kith_strmap_put(&j->by_email, import_norm_email(c->emails.items[k]), i);
	if (c->name)
		fail |= kith_strmap_put(&j->by_name, import_norm_name(c->name), i);
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

enum kith_status import_load_store(struct job *j)
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
enum kith_status import_find_match(struct job *j, const struct kith_card *card, size_t *out)
{
	size_t i;
	char *key;

	*out = (size_t)-1;
	if (card->uid && (i = kith_strmap_get(&j->by_uid, card->uid)) != (size_t)-1) {
		*out = i;
		return KITH_OK;
	}
	for (size_t k = 0; k < card->emails.n; k++) {
		key = import_norm_email(card->emails.items[k]);
		if (!key)
			return kith_nomem(j->ctx);
		i = kith_strmap_get(&j->by_email, key);
		free(key);
		if (i == (size_t)-1)
			continue;
		if (!uid_conflict(&j->entries[i].c, card)) {
			*out = i;
			return KITH_OK;
		}
		/*
		 * Two apps export one person under UIDs of their own (Apple
		 * and Google): a shared email is the same person unless the
		 * names clearly differ.  Counted, so the summary says so.
		 */
		if (!import_names_differ(j->entries[i].c.name, card->name)) {
			j->sum->merged_across_uids++;
			*out = i;
			return KITH_OK;
		}
	}
	key = import_norm_name(card->name);
	if (!key)
		return kith_nomem(j->ctx);
	i = kith_strmap_get(&j->by_name, key);
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
enum kith_status import_merge(struct job *j, size_t i, struct kith_card *card, int *changed)
{
	struct kith_contact *c = &j->entries[i].c;
	int ch = 0;

	for (size_t k = 0; k < card->emails.n; k++) {
		if (kith_strlist_has(&c->emails, card->emails.items[k], 1))
			continue;
		if (kith_strlist_add(&c->emails, card->emails.items[k]) ||
		    kith_strmap_put(&j->by_email, import_norm_email(card->emails.items[k]), i))
			return kith_nomem(j->ctx);
		ch = 1;
	}
	for (size_t k = 0; k < card->phones.n; k++) {
		if (import_has_phone(&c->phones, card->phones.items[k]))
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
	if (card->uid && !(c->uid && !strcmp(c->uid, card->uid)) &&
	    fill(&c->vcard_uid, &card->uid)) {
		if (kith_strmap_put(&j->by_uid, strdup(c->vcard_uid), i))
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
enum kith_status import_add_new(struct job *j, struct kith_card *card, size_t *out)
{
	struct kith_contact *c;
	const char *tier = j->tier;
	size_t i;

	if (KITH_GROW(j->entries, j->cap_entries, j->n_entries + 1, 64))
		return kith_nomem(j->ctx);
	i = j->n_entries;
	memset(&j->entries[i], 0, sizeof(j->entries[i]));
	j->entries[i].is_new = 1;
	c = &j->entries[i].c;
	if (!j->opts->tier && import_find_tier(j, card->tier))
		tier = card->tier;
	c->tier = strdup(tier);
	if (!c->tier)
		return kith_nomem(j->ctx);
	j->n_entries++; /* from here on the entry owns what it holds */
	c->name = card->name;
	card->name = NULL;
	import_flatten(c->name);
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
