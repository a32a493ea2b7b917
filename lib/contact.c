/* SPDX-License-Identifier: MIT */
/* The plain data objects of the model and their destructors. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "contact.h"

enum kith_status kith_strlist_add(struct kith_strlist *list, const char *s)
{
	char **items;
	char *copy = strdup(s);

	if (!copy)
		return KITH_ERR_NOMEM;
	items = realloc(list->items, (list->n + 1) * sizeof(*items));
	if (!items) {
		free(copy);
		return KITH_ERR_NOMEM;
	}
	items[list->n++] = copy;
	list->items = items;
	return KITH_OK;
}

static int same(const char *a, const char *b, int nocase)
{
	return nocase ? !strcasecmp(a, b) : !strcmp(a, b);
}

int kith_strlist_has(const struct kith_strlist *list, const char *s, int nocase)
{
	for (size_t i = 0; i < list->n; i++)
		if (same(list->items[i], s, nocase))
			return 1;
	return 0;
}

size_t kith_strlist_remove(struct kith_strlist *list, const char *s, int nocase)
{
	size_t kept = 0, removed = 0;

	for (size_t i = 0; i < list->n; i++) {
		if (same(list->items[i], s, nocase)) {
			free(list->items[i]);
			removed++;
		} else {
			list->items[kept++] = list->items[i];
		}
	}
	list->n = kept;
	return removed;
}

void kith_strlist_clear(struct kith_strlist *list)
{
	for (size_t i = 0; i < list->n; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->n = 0;
}

static void tier_clear(struct kith_tier *t)
{
	free(t->name);
	free(t->description);
}

void kith_tier_free(struct kith_tier *tier)
{
	if (!tier)
		return;
	tier_clear(tier);
	free(tier);
}

void kith_tier_list_free(struct kith_tier *tiers, size_t n)
{
	if (!tiers)
		return;
	for (size_t i = 0; i < n; i++)
		tier_clear(&tiers[i]);
	free(tiers);
}

struct kith_contact *kith_contact_new(void)
{
	return calloc(1, sizeof(struct kith_contact));
}

void kith_contact_clear(struct kith_contact *c)
{
	free(c->name);
	kith_strlist_clear(&c->emails);
	kith_strlist_clear(&c->phones);
	free(c->org);
	free(c->tier);
	free(c->via);
	free(c->notes);
	free(c->how_met);
	kith_strlist_clear(&c->tags);
	free(c->uid);
	free(c->title);
	free(c->vcard_uid);
	memset(c, 0, sizeof(*c));
}

void kith_contact_free(struct kith_contact *contact)
{
	if (!contact)
		return;
	kith_contact_clear(contact);
	free(contact);
}

void kith_contact_list_free(struct kith_contact *contacts, size_t n)
{
	if (!contacts)
		return;
	for (size_t i = 0; i < n; i++)
		kith_contact_clear(&contacts[i]);
	free(contacts);
}

void kith_touch_clear(struct kith_touch *t)
{
	free(t->at);
	free(t->channel);
	free(t->note);
	free(t->source_key);
	free(t->found_in);
	memset(t, 0, sizeof(*t));
}

void kith_touch_list_free(struct kith_touch *touches, size_t n)
{
	if (!touches)
		return;
	for (size_t i = 0; i < n; i++)
		kith_touch_clear(&touches[i]);
	free(touches);
}

const char *kith_direction_str(enum kith_direction d)
{
	return d == KITH_INBOUND ? "inbound" : "outbound";
}

const char *kith_source_str(enum kith_source s)
{
	switch (s) {
	case KITH_SOURCE_MANUAL: return "manual";
	case KITH_SOURCE_CALENDAR: return "calendar";
	case KITH_SOURCE_IMPORT: return "import";
	case KITH_SOURCE_MAIL: return "mail";
	case KITH_SOURCE_MEETING: return "meeting";
	}
	return "unknown";
}
