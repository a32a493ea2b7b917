/* SPDX-License-Identifier: MIT */
/*
 * Pure: which touches one mail makes (kith(1), SCAN RULES).
 *
 *  - from one of the user's addresses: an outbound touch with every other
 *    recipient (To, Cc and Bcc: a Bcc is a person the user wrote to);
 *  - from someone else to one of the user's addresses (To or Cc): an
 *    inbound touch with the sender only (the other recipients wrote
 *    nothing);
 *  - bulk and automated mail never: a list, a newsletter or a robot's
 *    mail says nothing about a relationship, even from a contact's address.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ctx.h"
#include "hash.h"
#include "ical.h"
#include "scan/internal.h"

/* The first token of a header value ("auto-replied; owner-email=..." -> "auto-replied"). */
static int token_is(const char *value, const char *word)
{
	size_t n = strlen(word);

	while (isspace((unsigned char)*value))
		value++;
	return strncasecmp(value, word, n) == 0 &&
	       (!value[n] || value[n] == ';' || isspace((unsigned char)value[n]) ||
		value[n] == '(');
}

const char *kith_mail_bulk_reason(const struct kith_mail_header *h)
{
	if (h->list_id)
		return "a mailing list (List-Id)";
	if (h->list_unsubscribe)
		return "bulk mail (List-Unsubscribe)";
	if (h->precedence && (token_is(h->precedence, "bulk") || token_is(h->precedence, "list") ||
			      token_is(h->precedence, "junk")))
		return "bulk mail (Precedence)";
	if (h->auto_submitted && !token_is(h->auto_submitted, "no"))
		return "automated mail (Auto-Submitted)";
	if (kith_mail_is_noreply(h->from.addr))
		return "a no-reply sender";
	return NULL;
}

int kith_mail_is_noreply(const char *addr)
{
	static const char *const exact[] = { "mailer-daemon", "postmaster", "bounce", "bounces" };
	static const char *const prefix[] = { "noreply",    "no-reply",     "no_reply",
					      "donotreply", "do-not-reply", "do_not_reply",
					      "bounce-",    "bounces-",     "bounces+" };
	const char *at = addr ? strrchr(addr, '@') : NULL;
	size_t n;

	if (!at)
		return 0;
	n = (size_t)(at - addr);
	for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (n == strlen(exact[i]) && strncasecmp(addr, exact[i], n) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
		if (n >= strlen(prefix[i]) && strncasecmp(addr, prefix[i], strlen(prefix[i])) == 0)
			return 1;
	return 0;
}

int kith_mail_is_me(const struct kith_mail_me *me, const char *addr)
{
	for (size_t i = 0; i < me->n; i++)
		if (kith_mail_addr_eq(me->addrs[i], addr))
			return 1;
	return 0;
}

static int addressed_to(const struct kith_mail_addrs *l, const struct kith_mail_me *me)
{
	for (size_t i = 0; i < l->n; i++)
		if (kith_mail_is_me(me, l->items[i].addr))
			return 1;
	return 0;
}

static int has_party(const struct kith_mail_verdict *v, const char *addr)
{
	for (size_t i = 0; i < v->n; i++)
		if (kith_mail_addr_eq(v->touches[i].who->addr, addr))
			return 1;
	return 0;
}

static enum kith_status add_party(struct kith_ctx *ctx, struct kith_mail_verdict *v,
				  const struct kith_mail_addr *who, enum kith_direction dir)
{
	struct kith_mail_touch *grown = realloc(v->touches, (v->n + 1) * sizeof(*grown));

	if (!grown)
		return kith_nomem(ctx);
	v->touches = grown;
	v->touches[v->n].who = who;
	v->touches[v->n].direction = dir;
	v->n++;
	return KITH_OK;
}

static enum kith_status add_recipients(struct kith_ctx *ctx, struct kith_mail_verdict *v,
				       const struct kith_mail_addrs *l,
				       const struct kith_mail_me *me)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct kith_mail_addr *a = &l->items[i];
		enum kith_status rc;

		if (kith_mail_is_me(me, a->addr) || kith_mail_is_noreply(a->addr) ||
		    has_party(v, a->addr))
			continue;
		rc = add_party(ctx, v, a, KITH_OUTBOUND);
		if (rc)
			return rc;
	}
	return KITH_OK;
}

/* Characters, not bytes: it is UTF-8. */
void kith_scan_shorten(const char *s, char *out, size_t size)
{
	size_t chars = 0, i = 0, o = 0;

	out[0] = '\0';
	if (!s)
		return;
	while (s[i] && chars < KITH_MAIL_NOTE_MAX) {
		size_t start = i++;

		while (((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		if (o + (i - start) + 4 > size)
			break;
		/* Folded or tabbed subjects: one line in the store. */
		if (s[start] == '\t' || s[start] == '\n' || s[start] == '\r')
			out[o++] = ' ';
		else {
			memcpy(out + o, s + start, i - start);
			o += i - start;
		}
		chars++;
	}
	if (s[i]) {
		while (o > 0 && out[o - 1] == ' ')
			o--;
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

static void make_key(const struct kith_mail_header *h, char *key, size_t size)
{
	struct kith_hash hash = KITH_HASH_INIT;
	char hex[KITH_HASH_HEXSZ];

	if (h->message_id && strlen(h->message_id) + 6 < size) {
		snprintf(key, size, "mail:%s", h->message_id);
		return;
	}
	/* No Message-ID (or an absurd one): what stays the same wherever the copy is. */
	if (h->message_id) {
		kith_hash_add_str(&hash, "id");
		kith_hash_add_str(&hash, h->message_id);
	} else {
		kith_hash_add_word(&hash, (uint64_t)h->date);
		kith_hash_add_str(&hash, h->from.addr);
		kith_hash_add_str(&hash, "\n");
		kith_hash_add_str(&hash, h->subject);
	}
	snprintf(key, size, "mail:h:%s", kith_hash_hex(kith_hash_result(&hash), hex));
}

enum kith_status kith_mail_rules(struct kith_ctx *ctx, const struct kith_mail_header *h,
				 const struct kith_mail_me *me, const char *tzid,
				 struct kith_mail_verdict *v)
{
	enum kith_status rc = KITH_OK;

	memset(v, 0, sizeof(*v));
	v->on = kith_ical_local_date(h->date, tzid);
	kith_scan_shorten(h->subject, v->note, sizeof(v->note));
	make_key(h, v->key, sizeof(v->key));
	v->skip = kith_mail_bulk_reason(h);
	if (v->skip)
		return KITH_OK;
	if (kith_mail_is_me(me, h->from.addr)) {
		rc = add_recipients(ctx, v, &h->to, me);
		if (!rc)
			rc = add_recipients(ctx, v, &h->cc, me);
		if (!rc)
			rc = add_recipients(ctx, v, &h->bcc, me);
		if (!rc && v->n == 0)
			v->skip = "sent to no one else";
	} else if (addressed_to(&h->to, me) || addressed_to(&h->cc, me) ||
		   addressed_to(&h->bcc, me)) {
		rc = add_party(ctx, v, &h->from, KITH_INBOUND);
	} else {
		v->skip = "neither from nor to you";
	}
	return rc;
}

void kith_mail_verdict_clear(struct kith_mail_verdict *v)
{
	free(v->touches);
	memset(v, 0, sizeof(*v));
}
