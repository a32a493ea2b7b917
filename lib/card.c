/* SPDX-License-Identifier: MIT */
/* One person read from an address book: the record shared by the vCard and CSV readers. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "card.h"

void kith_card_clear(struct kith_card *c)
{
	free(c->error);
	free(c->warning);
	free(c->name);
	kith_strlist_clear(&c->emails);
	kith_strlist_clear(&c->phones);
	kith_strlist_clear(&c->tags);
	free(c->org);
	free(c->title);
	free(c->notes);
	free(c->uid);
	free(c->tier);
	free(c->via);
	free(c->how_met);
	memset(c, 0, sizeof(*c));
}

void kith_card_list_clear(struct kith_card_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		kith_card_clear(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

struct kith_card *kith_card_list_push(struct kith_card_list *l)
{
	struct kith_card *c;

	if (KITH_GROW(l->items, l->cap, l->n + 1, 64))
		return NULL;
	c = &l->items[l->n++];
	memset(c, 0, sizeof(*c));
	return c;
}

enum kith_status kith_card_add_item(struct kith_strlist *list, const char *s, int nocase)
{
	if (!s || !*s || list->n >= KITH_CARD_MAX_ITEMS || kith_strlist_has(list, s, nocase))
		return KITH_OK;
	return kith_strlist_add(list, s);
}

enum kith_status kith_card_set(char **field, const char *s, size_t n)
{
	char *copy;

	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	free(*field);
	*field = NULL;
	if (n == 0)
		return KITH_OK;
	copy = malloc(n + 1);
	if (!copy)
		return KITH_ERR_NOMEM;
	memcpy(copy, s, n);
	copy[n] = '\0';
	*field = copy;
	return KITH_OK;
}

/* Reads up to max digits; returns how many. */
static int read_num(const char **p, int max, int *out)
{
	int n = 0, v = 0;

	while (n < max && isdigit((unsigned char)**p)) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	*out = v;
	return n;
}

static int valid(int y, int m, int d, struct kith_date *out)
{
	struct kith_date t = { y, m, d };

	if (!kith_date_is_valid(t))
		return 0;
	*out = t;
	return 1;
}

int kith_card_parse_date(const char *s, struct kith_date *out)
{
	const char *p = s;
	int a, b, c, na, nb, nc;
	char sep;

	if (!s)
		return 0;
	while (isspace((unsigned char)*p))
		p++;
	na = read_num(&p, 8, &a);
	if (na == 8 && (!*p || *p == 'T' || *p == 't' || isspace((unsigned char)*p)))
		return valid(a / 10000, a / 100 % 100, a % 100, out);
	if (na == 0 || !*p)
		return 0;
	sep = *p++;
	if (sep != '-' && sep != '/' && sep != '.')
		return 0;
	nb = read_num(&p, 2, &b);
	if (nb == 0 || *p++ != sep)
		return 0;
	nc = read_num(&p, 4, &c);
	if (nc == 0)
		return 0;
	/* Only a time or a zone may follow. */
	if (*p && *p != 'T' && *p != 't' && *p != ' ')
		return 0;
	if (na == 4 && sep == '-')
		return valid(a, b, c, out);
	if (na > 2 || (nc != 4 && nc != 2))
		return 0;
	/* Two-digit years: Outlook writes 0/0/00 for "none"; otherwise 19xx/20xx. */
	if (nc == 2)
		c += c > 50 ? 1900 : 2000;
	if (sep == '.')
		return valid(c, b, a, out);
	if (a > 12)
		return valid(c, b, a, out);
	return valid(c, a, b, out);
}

int kith_card_parse_birthday(const char *s, struct kith_date *out)
{
	const char *p = s;
	int m, d;

	if (!s)
		return 0;
	while (isspace((unsigned char)*p))
		p++;
	if (p[0] != '-' || p[1] != '-')
		return kith_card_parse_date(s, out);
	p += 2;
	if (read_num(&p, 2, &m) != 2)
		return 0;
	if (*p == '-')
		p++;
	if (read_num(&p, 2, &d) != 2)
		return 0;
	while (isspace((unsigned char)*p))
		p++;
	return !*p && valid(KITH_BIRTHDAY_NO_YEAR, m, d, out);
}

void kith_card_drop_cr(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '\r' && s[1] == '\n')
			continue;
		*o++ = *s == '\r' ? ' ' : *s;
	}
	*o = '\0';
}

/* *slot from a format, unless it holds a message already (the first wins). */
static enum kith_status set_first(char **slot, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static enum kith_status set_first(char **slot, const char *fmt, va_list ap)
{
	char msg[400];

	if (*slot)
		return KITH_OK;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	*slot = strdup(msg);
	return *slot ? KITH_OK : KITH_ERR_NOMEM;
}

enum kith_status kith_card_fail(struct kith_card *c, const char *fmt, ...)
{
	va_list ap;
	enum kith_status rc;

	va_start(ap, fmt);
	rc = set_first(&c->error, fmt, ap);
	va_end(ap);
	return rc;
}

enum kith_status kith_card_warn(struct kith_card *c, const char *fmt, ...)
{
	va_list ap;
	enum kith_status rc;

	va_start(ap, fmt);
	rc = set_first(&c->warning, fmt, ap);
	va_end(ap);
	return rc;
}

/* A display name is one line: control characters become spaces, then trim. */
static int flatten_name(struct kith_card *c)
{
	char *copy;
	int rc;

	if (!c->name)
		return 0;
	for (char *p = c->name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	copy = strdup(c->name);
	if (!copy)
		return -1;
	rc = kith_card_set(&c->name, copy, strlen(copy));
	free(copy);
	return rc;
}

enum kith_status kith_card_finish(struct kith_card *c)
{
	const char *fallback[2];

	if (c->error)
		return KITH_OK;
	if (flatten_name(c))
		return KITH_ERR_NOMEM;
	fallback[0] = c->org;
	fallback[1] = c->emails.n > 0 ? c->emails.items[0] : NULL;
	/* Each candidate is flattened too: an organisation of control characters names nobody. */
	for (int k = 0; k < 2 && !(c->name && *c->name); k++) {
		if (!fallback[k])
			continue;
		if (kith_card_set(&c->name, fallback[k], strlen(fallback[k])) || flatten_name(c))
			return KITH_ERR_NOMEM;
	}
	if (c->name && *c->name)
		return KITH_OK;
	return kith_card_fail(c, "no name, organisation or email");
}
