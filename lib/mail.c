/* SPDX-License-Identifier: MIT */
/*
 * One message's header block, through GMime 3: the only file that
 * includes it.  The bytes given end at the header's blank line, so GMime
 * never sees a body.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "charset.h"
#include "ctx.h"
#include "mail.h"

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;
static GMimeParserOptions *parser_options;

/*
 * g_mime_init() is not safe to run twice or concurrently, and never
 * undone: the process keeps GMime's tables until it exits.
 */
static void gmime_setup(void)
{
	/* Raw 8-bit headers: UTF-8 if they are, else what Windows mail programs wrote. */
	static const char *fallback[] = { "UTF-8", "windows-1252", NULL };

	g_mime_init();
	parser_options = g_mime_parser_options_new();
	if (parser_options) {
		g_mime_parser_options_set_fallback_charsets(parser_options, fallback);
		g_mime_parser_options_set_address_compliance_mode(parser_options,
								  GMIME_RFC_COMPLIANCE_LOOSE);
		g_mime_parser_options_set_rfc2047_compliance_mode(parser_options,
								  GMIME_RFC_COMPLIANCE_LOOSE);
	}
}

static void addr_clear(struct kith_mail_addr *a)
{
	free(a->name);
	free(a->addr);
	a->name = a->addr = NULL;
}

static void addrs_clear(struct kith_mail_addrs *l)
{
	for (size_t i = 0; i < l->n; i++)
		addr_clear(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

void kith_mail_header_clear(struct kith_mail_header *h)
{
	addr_clear(&h->from);
	addrs_clear(&h->to);
	addrs_clear(&h->cc);
	addrs_clear(&h->bcc);
	free(h->message_id);
	free(h->subject);
	free(h->list_id);
	free(h->list_unsubscribe);
	free(h->precedence);
	free(h->auto_submitted);
	memset(h, 0, sizeof(*h));
}

int kith_mail_addr_eq(const char *a, const char *b)
{
	return a && b && strcasecmp(a, b) == 0;
}

/* Text GMime hands out, as our own valid UTF-8 (trimmed); NULL for none or empty. */
static char *text_copy(const char *s, int *ok)
{
	const char *end;
	char *copy;

	if (!s)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	if (end == s)
		return NULL;
	if (kith_utf8_is_valid(s, (size_t)(end - s))) {
		copy = malloc((size_t)(end - s) + 1);
		if (copy) {
			memcpy(copy, s, (size_t)(end - s));
			copy[end - s] = '\0';
		}
	} else {
		copy = kith_utf8_repair(s, (size_t)(end - s), NULL);
	}
	if (!copy)
		*ok = 0;
	return copy;
}

/* local@domain with the domain lower-cased; NULL (and *ok kept) when it is no address. */
static char *normal_addr(const char *a, int *ok)
{
	char *copy = text_copy(a, ok), *at;

	if (!copy)
		return NULL;
	at = strrchr(copy, '@');
	if (!at || at == copy || !at[1] || strpbrk(copy, " \t\r\n<>")) {
		free(copy);
		return NULL;
	}
	for (char *p = at + 1; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return copy;
}

static int add_mailbox(struct kith_mail_addrs *l, InternetAddress *ia, int *ok)
{
	const char *raw = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	struct kith_mail_addr a = { NULL, NULL };
	struct kith_mail_addr *grown;

	a.addr = normal_addr(raw, ok);
	if (!a.addr)
		return *ok;
	a.name = text_copy(internet_address_get_name(ia), ok);
	if (!*ok) {
		addr_clear(&a);
		return 0;
	}
	grown = realloc(l->items, (l->n + 1) * sizeof(*grown));
	if (!grown) {
		addr_clear(&a);
		*ok = 0;
		return 0;
	}
	l->items = grown;
	l->items[l->n++] = a;
	return 1;
}

/* Every mailbox of list, the members of groups included (one level: groups do not nest). */
static void add_list(struct kith_mail_addrs *l, InternetAddressList *list, int depth, int *ok)
{
	int n = list ? internet_address_list_length(list) : 0;

	for (int i = 0; i < n && *ok; i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			add_mailbox(l, ia, ok);
		else if (INTERNET_ADDRESS_IS_GROUP(ia) && depth < 2)
			add_list(l, internet_address_group_get_members(INTERNET_ADDRESS_GROUP(ia)),
				 depth + 1, ok);
	}
}

static char *header_copy(GMimeObject *obj, const char *name, int *ok)
{
	return text_copy(g_mime_object_get_header(obj, name), ok);
}

static enum kith_status read_message(struct kith_ctx *ctx, GMimeMessage *msg,
				     struct kith_mail_header *out)
{
	GMimeObject *obj = GMIME_OBJECT(msg);
	struct kith_mail_addrs from = { NULL, 0 };
	GDateTime *date;
	const char *id;
	int ok = 1;

	add_list(&from, g_mime_message_get_from(msg), 0, &ok);
	if (ok && from.n == 0) {
		addrs_clear(&from);
		return kith_fail(ctx, KITH_ERR_PARSE,
				 g_mime_object_get_header(obj, "From") ? "no address in From"
								       : "no From header");
	}
	if (ok) {
		out->from = from.items[0];
		from.items[0].name = from.items[0].addr = NULL;
	}
	addrs_clear(&from);
	date = g_mime_message_get_date(msg);
	if (!date) {
		const char *raw = g_mime_object_get_header(obj, "Date");

		if (!raw)
			return kith_fail(ctx, KITH_ERR_PARSE, "no Date header");
		/* GMime reads no date before 1970 either. */
		return kith_fail(ctx, KITH_ERR_PARSE, "the Date '%.*s%s' cannot be read",
				 KITH_ECHO(raw));
	}
	out->date = (time_t)g_date_time_to_unix(date);
	if (out->date < 0)
		return kith_fail(ctx, KITH_ERR_PARSE, "the Date is before 1970");
	add_list(&out->to, g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_TO), 0, &ok);
	add_list(&out->cc, g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_CC), 0, &ok);
	add_list(&out->bcc, g_mime_message_get_addresses(msg, GMIME_ADDRESS_TYPE_BCC), 0, &ok);
	id = g_mime_message_get_message_id(msg);
	out->message_id = text_copy(id, &ok);
	out->subject = text_copy(g_mime_message_get_subject(msg), &ok);
	out->list_id = header_copy(obj, "List-Id", &ok);
	out->list_unsubscribe = header_copy(obj, "List-Unsubscribe", &ok);
	out->precedence = header_copy(obj, "Precedence", &ok);
	out->auto_submitted = header_copy(obj, "Auto-Submitted", &ok);
	return ok ? KITH_OK : kith_nomem(ctx);
}

/*
 * The fields read_message() reads.  Everything else (Received chains,
 * DKIM-Signature, ARC-*, Content-Type: most of a real header's bytes) is
 * dropped before GMime sees the block: building and freeing GMime's
 * objects for them was most of a scan's time (bench/README.md, scan).
 */
static const char *const wanted[] = { "From",
				      "To",
				      "Cc",
				      "Bcc",
				      "Date",
				      "Message-ID",
				      "Subject",
				      "List-Id",
				      "List-Unsubscribe",
				      "Precedence",
				      "Auto-Submitted" };

/* 1 when the field line at p (name, optional blanks, colon) is one of wanted[]. */
static int is_wanted(const char *p, size_t n, int *is_field)
{
	size_t name = 0, i;

	while (name < n && p[name] > ' ' && p[name] < 127 && p[name] != ':')
		name++;
	i = name;
	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	*is_field = name > 0 && i < n && p[i] == ':';
	if (!*is_field)
		return 0;
	for (size_t w = 0; w < sizeof(wanted) / sizeof(wanted[0]); w++)
		if (strlen(wanted[w]) == name && !strncasecmp(p, wanted[w], name))
			return 1;
	return 0;
}

/*
 * Copies the wanted fields of the header at bytes (with their folded
 * lines) to out, which holds len bytes.  A header with a line that is
 * neither a field nor a folded one is copied whole, so GMime judges a
 * broken header as it always did.  Returns the length copied.
 */
static size_t keep_wanted(const char *bytes, size_t len, char *out)
{
	size_t at = 0, n = 0;
	int keep = 0, is_field;

	while (at < len) {
		const char *nl = memchr(bytes + at, '\n', len - at);
		size_t line = nl ? (size_t)(nl - (bytes + at)) + 1 : len - at;

		if (bytes[at] == ' ' || bytes[at] == '\t') {
			/* folded: belongs to the field before */
		} else {
			keep = is_wanted(bytes + at, line, &is_field);
			if (!is_field) {
				memcpy(out, bytes, len);
				return len;
			}
		}
		if (keep) {
			memcpy(out + n, bytes + at, line);
			n += line;
		}
		at += line;
	}
	return n;
}

enum kith_status kith_mail_parse_header(struct kith_ctx *ctx, const char *bytes, size_t len,
					struct kith_mail_header *out)
{
	GMimeStream *stream;
	GMimeParser *parser;
	GMimeMessage *msg;
	enum kith_status rc;
	char *kept;

	memset(out, 0, sizeof(*out));
	pthread_once(&gmime_once, gmime_setup);
	if (!parser_options)
		return kith_nomem(ctx);
	kept = malloc(len ? len : 1);
	if (!kept)
		return kith_nomem(ctx);
	len = keep_wanted(bytes, len, kept);
	/* The stream copies the bytes. */
	stream = g_mime_stream_mem_new_with_buffer(kept, len);
	free(kept);
	if (!stream)
		return kith_nomem(ctx);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	if (!parser)
		return kith_nomem(ctx);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, parser_options);
	g_object_unref(parser);
	if (!msg)
		return kith_fail(ctx, KITH_ERR_PARSE, "not a mail header");
	rc = read_message(ctx, msg, out);
	g_object_unref(msg);
	return rc;
}
