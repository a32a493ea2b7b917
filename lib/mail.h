/* SPDX-License-Identifier: MIT */
/*
 * Private: one mail message's header block, read with GMime 3 (mail.c is
 * the only file that includes it).  Only the header is ever given here;
 * the readers in lib/scan/ stop at the blank line that ends it, so no
 * body or attachment is ever in memory.
 *
 * Text comes out as UTF-8: RFC 2047 encoded words, RFC 2231 parameters
 * and raw 8-bit bytes (tried as UTF-8, then as the fallback charsets)
 * are decoded by GMime.  Addresses keep their local part as written and
 * have their domain lower-cased; compare them with kith_mail_addr_eq().
 */
#ifndef KITH_MAIL_H
#define KITH_MAIL_H

#include <stddef.h>
#include <time.h>

#include <kith/common.h>

/* Bigger header blocks are cut at a line end: what follows is lost, not the message. */
#define KITH_MAIL_HEADER_MAX (256 * 1024)

struct kith_mail_addr {
	char *name; /* display name, decoded; may be NULL */
	char *addr; /* local@domain, domain lower-cased */
};

struct kith_mail_addrs {
	struct kith_mail_addr *items;
	size_t n;
};

struct kith_mail_header {
	struct kith_mail_addr from;         /* the first mailbox of From */
	struct kith_mail_addrs to, cc, bcc; /* groups flattened into their members */
	time_t date;                        /* UTC */
	char *message_id;                   /* without <>; may be NULL */
	char *subject;                      /* decoded; may be NULL */
	/* Raw values (unfolded, trimmed) of the headers that mark bulk mail; NULL: absent. */
	char *list_id;
	char *list_unsubscribe;
	char *precedence;
	char *auto_submitted;
};

/*
 * Parse a header block (bytes[0..len), the blank line optional).  A block
 * whose From has no address or whose Date cannot be read is
 * KITH_ERR_PARSE with the reason in ctx (the message is skipped); any
 * other broken header is ignored.  Dates before 1970 are unreadable.
 * Thread safety: GMime is initialised once (pthread_once); each call
 * uses only its own objects, so calls from several threads are fine.
 * Ownership: kith_mail_header_clear(out), also after a failure.
 */
enum kith_status kith_mail_parse_header(struct kith_ctx *ctx, const char *bytes, size_t len,
					struct kith_mail_header *out);
void kith_mail_header_clear(struct kith_mail_header *h);

/* 1 when a and b are the same address (case-insensitive). */
int kith_mail_addr_eq(const char *a, const char *b);

#endif
