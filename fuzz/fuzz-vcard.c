/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the vCard reader, and the writer through it: every card that reads
 * cleanly is written as vCard 4.0 and read back, and must keep its name,
 * first email and organisation.  All text that comes out must be UTF-8.
 */
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "fuzz.h"
#include "vcard.h"

static void check_utf8(const char *s)
{
	if (s && !kith_utf8_is_valid(s, strlen(s)))
		abort();
}

/* s without CRs (the writer drops them); NULL stays NULL. */
static char *no_cr(const char *s)
{
	char *out, *o;

	if (!s)
		return NULL;
	out = o = strdup(s);
	if (!out)
		abort();
	for (; *s; s++)
		if (*s != '\r')
			*o++ = *s;
	*o = '\0';
	return out;
}

static int same(const char *a, const char *b)
{
	char *x = no_cr(a);
	int eq;

	eq = (!x && !b) || (x && b && !strcmp(x, b));
	free(x);
	return eq;
}

static void round_trip(const struct kith_card *card)
{
	struct kith_contact c;
	struct kith_buf b = KITH_BUF_INIT;
	struct kith_card_list back;
	const struct kith_card *r;
	char *text;

	memset(&c, 0, sizeof(c));
	c.name = card->name;
	c.emails = card->emails;
	c.phones = card->phones;
	c.tags = card->tags;
	c.org = card->org;
	c.title = card->title;
	c.notes = card->notes;
	c.vcard_uid = card->uid;
	c.tier = card->tier;
	c.birthday = card->birthday;
	kith_vcard_write(&b, &c, card->last_contact);
	text = kith_buf_steal(&b);
	if (!text)
		return; /* out of memory */
	memset(&back, 0, sizeof(back));
	if (kith_vcard_parse(NULL, text, strlen(text), &back) == KITH_OK) {
		if (back.n != 1 || back.items[0].error)
			abort();
		r = &back.items[0];
		/* Trimming and CR removal aside, what was read is what is read back. */
		if (!same(card->name, r->name) && strchr(card->name, '\r') == NULL)
			abort();
		if (card->emails.n &&
		    (!r->emails.n || strcmp(card->emails.items[0], r->emails.items[0])))
			abort();
		if (card->org && r->org && !same(card->org, r->org) && !strchr(card->org, '\r'))
			abort();
	}
	kith_card_list_clear(&back);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kith_card_list l;

	memset(&l, 0, sizeof(l));
	if (kith_vcard_parse(NULL, (const char *)data, size, &l) == KITH_OK) {
		for (size_t i = 0; i < l.n; i++) {
			const struct kith_card *c = &l.items[i];

			check_utf8(c->error);
			check_utf8(c->name);
			check_utf8(c->org);
			check_utf8(c->title);
			check_utf8(c->notes);
			check_utf8(c->uid);
			for (size_t k = 0; k < c->emails.n; k++)
				check_utf8(c->emails.items[k]);
			for (size_t k = 0; k < c->tags.n; k++)
				check_utf8(c->tags.items[k]);
			if (!c->error && (!c->name || !*c->name))
				abort(); /* a good card always has a name */
			if (!c->error)
				round_trip(c);
		}
	}
	kith_card_list_clear(&l);
	return 0;
}
