/* SPDX-License-Identifier: MIT */
/* vCard 4.0 out (RFC 6350): escaped, folded at 75 octets, CRLF. */
#include <stdlib.h>
#include <string.h>

#include "vcard.h"

/* Escapes a text value (RFC 6350 3.4); `compound` also escapes ';'. */
static void escape(struct kith_buf *b, const char *s, int compound)
{
	const char *run = s;

	for (; *s; s++) {
		const char *rep = NULL;

		switch (*s) {
		case '\\': rep = "\\\\"; break;
		case ',': rep = "\\,"; break;
		case ';': rep = compound ? "\\;" : ";"; break;
		case '\n': rep = "\\n"; break;
		case '\r': rep = ""; break;
		default: continue;
		}
		kith_buf_append_n(b, run, (size_t)(s - run));
		kith_buf_append(b, rep);
		run = s + 1;
	}
	kith_buf_append(b, run);
}

/* Writes line as content lines of at most 75 octets, never splitting a UTF-8 sequence. */
static void fold(struct kith_buf *b, const struct kith_buf *line)
{
	const unsigned char *s = (const unsigned char *)kith_buf_str(line);
	size_t n = line->len, col = 0;

	for (size_t i = 0; i < n;) {
		size_t len = 1;

		if (s[i] >= 0xf0)
			len = 4;
		else if (s[i] >= 0xe0)
			len = 3;
		else if (s[i] >= 0xc0)
			len = 2;
		if (len > n - i)
			len = n - i;
		if (col + len > 75) {
			kith_buf_append(b, "\r\n ");
			col = 1;
		}
		kith_buf_append_n(b, (const char *)s + i, len);
		col += len;
		i += len;
	}
	kith_buf_append(b, "\r\n");
}

static void prop_text(struct kith_buf *b, struct kith_buf *line, const char *head,
		      const char *value)
{
	if (!value || !*value)
		return;
	kith_buf_reset(line);
	kith_buf_append(line, head);
	kith_buf_append(line, ":");
	escape(line, value, 0);
	fold(b, line);
}

static void prop_date(struct kith_buf *b, struct kith_buf *line, const char *head,
		      struct kith_date d)
{
	if (!kith_date_is_valid(d))
		return;
	kith_buf_reset(line);
	kith_buf_printf(line, "%s:%04d%02d%02d", head, d.year, d.month, d.day);
	fold(b, line);
}

/* N from a display name: the last word is the family name, the rest given names. */
static void prop_n(struct kith_buf *b, struct kith_buf *line, const char *name)
{
	const char *sp = strrchr(name, ' ');
	char *given = NULL;

	kith_buf_reset(line);
	kith_buf_append(line, "N:");
	if (sp && sp[1]) {
		given = strndup(name, (size_t)(sp - name));
		if (!given) {
			line->failed = 1;
			b->failed = 1;
			return;
		}
		escape(line, sp + 1, 1);
		kith_buf_append(line, ";");
		escape(line, given, 1);
	} else {
		kith_buf_append(line, ";");
		escape(line, name, 1);
	}
	kith_buf_append(line, ";;;");
	free(given);
	fold(b, line);
}

/* One property per item; the first of several is PREF=1. */
static void prop_list(struct kith_buf *b, struct kith_buf *line, const char *name,
		      const struct kith_strlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		kith_buf_reset(line);
		kith_buf_append(line, name);
		if (i == 0 && l->n > 1)
			kith_buf_append(line, ";PREF=1");
		kith_buf_append(line, ":");
		escape(line, l->items[i], 0);
		fold(b, line);
	}
}

void kith_vcard_write(struct kith_buf *b, const struct kith_contact *c, struct kith_date last_touch)
{
	struct kith_buf line = KITH_BUF_INIT;
	char cad[KITH_CADENCE_BUFSZ];

	kith_buf_append(b, "BEGIN:VCARD\r\nVERSION:4.0\r\n");
	kith_buf_printf(b, "PRODID:-//kith//kith %s//EN\r\n", kith_version());
	prop_text(b, &line, "UID", c->vcard_uid && *c->vcard_uid ? c->vcard_uid : c->uid);
	prop_text(b, &line, "FN", c->name);
	if (c->name && *c->name)
		prop_n(b, &line, c->name);
	prop_list(b, &line, "EMAIL", &c->emails);
	prop_list(b, &line, "TEL", &c->phones);
	if (c->org && *c->org) {
		kith_buf_reset(&line);
		kith_buf_append(&line, "ORG:");
		escape(&line, c->org, 1);
		fold(b, &line);
	}
	prop_text(b, &line, "TITLE", c->title);
	if (c->birthday.year == KITH_BIRTHDAY_NO_YEAR && kith_date_is_valid(c->birthday)) {
		kith_buf_reset(&line);
		kith_buf_printf(&line, "BDAY:--%02d%02d", c->birthday.month, c->birthday.day);
		fold(b, &line);
	} else {
		prop_date(b, &line, "BDAY", c->birthday);
	}
	prop_text(b, &line, "NOTE", c->notes);
	if (c->tags.n > 0) {
		kith_buf_reset(&line);
		kith_buf_append(&line, "CATEGORIES:");
		for (size_t i = 0; i < c->tags.n; i++) {
			if (i)
				kith_buf_append(&line, ",");
			escape(&line, c->tags.items[i], 0);
		}
		fold(b, &line);
	}
	prop_text(b, &line, "X-KITH-TIER", c->tier);
	if (kith_cadence_is_set(c->cadence))
		prop_text(b, &line, "X-KITH-CADENCE", kith_cadence_format(c->cadence, cad));
	prop_text(b, &line, "X-KITH-VIA", c->via);
	prop_text(b, &line, "X-KITH-HOW-MET", c->how_met);
	prop_date(b, &line, "X-KITH-ADDED", c->added);
	prop_date(b, &line, "X-KITH-LAST-CONTACTED", last_touch);
	if (c->archived)
		kith_buf_append(b, "X-KITH-ARCHIVED:TRUE\r\n");
	kith_buf_append(b, "END:VCARD\r\n");
	if (line.failed)
		b->failed = 1;
	kith_buf_free(&line);
}
