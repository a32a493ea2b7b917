/* SPDX-License-Identifier: MIT */
/*
 * WebDAV/CalDAV XML: the one file that includes libxml2.
 *
 * Reading.  A server's body is refused before libxml2 sees it when it is
 * empty, larger than KITH_DAVXML_MAX, contains a NUL byte (so it cannot be
 * UTF-16 or UTF-32, where a byte search for a DOCTYPE would see nothing),
 * or declares a DOCTYPE in its prolog (the only place the parser honours
 * one; the text "<!DOCTYPE" inside escaped or CDATA calendar data, as in
 * Outlook's X-ALT-DESC, is data and stays readable).  It is then parsed as
 * UTF-8 whatever its XML declaration says (XML_PARSE_IGNORE_ENC), with no
 * network (XML_PARSE_NONET), no entity substitution (no XML_PARSE_NOENT),
 * no DTD loading, no RECOVER and no HUGE, and nothing printed
 * (XML_PARSE_NOERROR | XML_PARSE_NOWARNING).  A reference to an entity
 * that is not one of the five predefined ones is then a fatal error.
 * After parsing, a document that carries any DTD at all is refused.
 *
 * Elements are matched by namespace URI and local name, never by prefix:
 * Radicale writes xmlns="DAV:" without prefixes, Xandikos ns0:/ns1:,
 * DAViCal and others D:, d:, C:, cal:.
 *
 * Writing.  Request bodies are built as libxml2 trees and serialised by
 * libxml2, so text (tokens, hrefs, names) is always escaped.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "array.h"
#include "charset.h"
#include "ctx.h"
#include "davxml.h"

#define PARSE_OPTIONS                                                                    \
	(XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA | \
	 XML_PARSE_IGNORE_ENC)

/* How deep the search for DAV:sync-collection in DAV:supported-report-set goes. */
#define REPORT_SET_DEPTH 4

/* ---- reading ---- */

static int is(const xmlNode *n, const char *ns, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, ns) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *first_child(const xmlNode *n, const char *ns, const char *name)
{
	for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is(c, ns, name))
			return c;
	return NULL;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* 1 when s[i..n) starts with `lit`, case-insensitively. */
static int starts_with_ci(const char *s, size_t n, size_t i, const char *lit)
{
	size_t k = strlen(lit);

	return n - i >= k && strncasecmp(s + i, lit, k) == 0;
}

/* Skip from i to just past `end`; n when it never comes. */
static size_t skip_past(const char *s, size_t n, size_t i, const char *end)
{
	size_t k = strlen(end);

	for (; i + k <= n; i++)
		if (memcmp(s + i, end, k) == 0)
			return i + k;
	return n;
}

/*
 * 1 when the prolog (XML declaration, comments, processing instructions,
 * white space) is followed by a document type declaration.
 */
static int has_doctype(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	for (;;) {
		while (i < n && is_space(s[i]))
			i++;
		if (starts_with_ci(s, n, i, "<?"))
			i = skip_past(s, n, i + 2, "?>");
		else if (starts_with_ci(s, n, i, "<!--"))
			i = skip_past(s, n, i + 4, "-->");
		else
			break;
	}
	return starts_with_ci(s, n, i, "<!DOCTYPE");
}

/* Parse an untrusted body.  Ownership: xmlFreeDoc(*out). */
static enum kith_status parse_doc(struct kith_ctx *ctx, const char *body, size_t len, xmlDoc **out)
{
	xmlParserCtxt *pc;
	xmlDoc *doc;

	if (!body || len == 0)
		return kith_fail(ctx, KITH_ERR_PARSE, "the server sent an empty XML body");
	if (len > KITH_DAVXML_MAX)
		return kith_fail(ctx, KITH_ERR_PARSE,
				 "the server's XML body is larger than %d bytes; refused",
				 KITH_DAVXML_MAX);
	if (memchr(body, '\0', len))
		return kith_fail(ctx, KITH_ERR_PARSE,
				 "the server's XML body is not UTF-8 (it has NUL bytes); refused");
	if (has_doctype(body, len))
		return kith_fail(ctx, KITH_ERR_PARSE,
				 "the server's XML body has a DOCTYPE; refused (no DTDs, no "
				 "entities)");
	pc = xmlNewParserCtxt();
	if (!pc)
		return kith_nomem(ctx);
	doc = xmlCtxtReadMemory(pc, body, (int)len, NULL, "UTF-8", PARSE_OPTIONS);
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(pc);
		enum kith_status st;

		if (e && e->code == XML_ERR_NO_MEMORY) {
			st = kith_nomem(ctx);
		} else if (e && e->message) {
			size_t k = strlen(e->message);

			while (k > 0 && is_space(e->message[k - 1]))
				k--;
			st = kith_fail(ctx, KITH_ERR_PARSE,
				       "the server's XML body is malformed: line %d: %.*s", e->line,
				       (int)(k > 200 ? 200 : k), e->message);
		} else {
			st = kith_fail(ctx, KITH_ERR_PARSE, "the server's XML body is malformed");
		}
		xmlFreeParserCtxt(pc);
		return st;
	}
	xmlFreeParserCtxt(pc);
	if (doc->intSubset || doc->extSubset || !xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		return kith_fail(ctx, KITH_ERR_PARSE,
				 "the server's XML body has a DTD or no root element; refused");
	}
	*out = doc;
	return KITH_OK;
}

/*
 * The text of an element (CDATA included), trimmed of XML white space
 * when `trim`.  Ownership: free(*out).  -1 when out of memory.
 */
static int text_of(const xmlNode *n, int trim, char **out)
{
	xmlChar *t = xmlNodeGetContent(n);
	const char *s;
	size_t len;

	*out = NULL;
	if (!t) {
		/* an element with no content has none; anything else is memory */
		if (n->children)
			return -1;
		*out = strdup("");
		return *out ? 0 : -1;
	}
	s = (const char *)t;
	len = strlen(s);
	if (trim) {
		while (len > 0 && is_space(*s)) {
			s++;
			len--;
		}
		while (len > 0 && is_space(s[len - 1]))
			len--;
	}
	*out = strndup(s, len);
	xmlFree(t);
	return *out ? 0 : -1;
}

/*
 * iCalendar lines end in CRLF, but XML parsing turns every raw CRLF into
 * LF (only an escaped &#13; survives).  Put the CRs back, so the text is
 * what the server stored and what a GET of the resource returns.
 * -1 when out of memory.
 */
static int crlf(char **s)
{
	size_t lf = 0, n = 0;
	char *in = *s, *out;

	for (const char *p = in; *p; p++, n++)
		if (*p == '\n' && (p == in || p[-1] != '\r'))
			lf++;
	if (lf == 0)
		return 0;
	out = malloc(n + lf + 1);
	if (!out)
		return -1;
	for (size_t i = 0, k = 0; i <= n; i++) {
		if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r'))
			out[k++] = '\r';
		out[k++] = in[i];
	}
	free(in);
	*s = out;
	return 0;
}

/* Set *slot from the element's text unless an earlier one did. */
static int take_text(char **slot, const xmlNode *n, int trim)
{
	if (*slot)
		return 0;
	return text_of(n, trim, slot);
}

/* "HTTP/1.1 404 Not Found" -> 404; -1 when it is no status line. */
static int status_code(const char *s)
{
	int code = 0;

	while (is_space(*s))
		s++;
	if (strncmp(s, "HTTP/", 5) != 0)
		return -1;
	s += 5;
	while (*s && !is_space(*s))
		s++;
	while (*s == ' ' || *s == '\t')
		s++;
	for (int i = 0; i < 3; i++, s++) {
		if (*s < '0' || *s > '9')
			return -1;
		code = code * 10 + (*s - '0');
	}
	if (*s && !is_space(*s))
		return -1;
	return code >= 100 && code <= 599 ? code : -1;
}

/* The status of a DAV:status child of n; 0 when there is none, -1 when it is not one. */
static int status_child(const xmlNode *n, int *out)
{
	const xmlNode *st = first_child(n, KITH_NS_DAV, "status");
	char *text = NULL;

	*out = 0;
	if (!st)
		return 0;
	if (text_of(st, 1, &text) < 0)
		return -2;
	*out = status_code(text);
	free(text);
	return *out < 0 ? -1 : 0;
}

static int has_sync_collection(const xmlNode *n, int depth)
{
	if (depth > REPORT_SET_DEPTH)
		return 0;
	for (const xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is(c, KITH_NS_DAV, "sync-collection") || has_sync_collection(c, depth + 1))
			return 1;
	}
	return 0;
}

/* Read the properties kith uses from one DAV:prop. -1 when out of memory. */
static int read_props(struct kith_dav_item *it, const xmlNode *prop)
{
	int rc = 0;

	for (const xmlNode *p = prop->children; p && rc == 0; p = p->next) {
		if (p->type != XML_ELEMENT_NODE)
			continue;
		if (is(p, KITH_NS_DAV, "getetag")) {
			rc = take_text(&it->etag, p, 1);
		} else if (is(p, KITH_NS_CALDAV, "calendar-data")) {
			if (!it->calendar_data &&
			    (text_of(p, 0, &it->calendar_data) < 0 || crlf(&it->calendar_data) < 0))
				rc = -1;
		} else if (is(p, KITH_NS_DAV, "displayname")) {
			rc = take_text(&it->displayname, p, 1);
		} else if (is(p, KITH_NS_DAV, "resourcetype")) {
			if (first_child(p, KITH_NS_DAV, "collection"))
				it->is_collection = 1;
			if (first_child(p, KITH_NS_CALDAV, "calendar"))
				it->is_calendar = 1;
		} else if (is(p, KITH_NS_CALDAV, "supported-calendar-component-set")) {
			it->has_component_set = 1;
			for (const xmlNode *c = p->children; c; c = c->next) {
				xmlChar *name;

				if (!is(c, KITH_NS_CALDAV, "comp"))
					continue;
				name = xmlGetNoNsProp(c, BAD_CAST "name");
				if (name && strcasecmp((const char *)name, "VTODO") == 0)
					it->supports_vtodo = 1;
				if (name && strcasecmp((const char *)name, "VEVENT") == 0)
					it->supports_vevent = 1;
				xmlFree(name);
			}
		} else if (is(p, KITH_NS_DAV, "supported-report-set")) {
			if (has_sync_collection(p, 1))
				it->supports_sync = 1;
		} else if (is(p, KITH_NS_DAV, "current-user-principal")) {
			const xmlNode *h = first_child(p, KITH_NS_DAV, "href");

			if (h)
				rc = take_text(&it->principal, h, 1);
		} else if (is(p, KITH_NS_CALDAV, "calendar-home-set")) {
			const xmlNode *h = first_child(p, KITH_NS_DAV, "href");

			if (h)
				rc = take_text(&it->calendar_home, h, 1);
		} else if (is(p, KITH_NS_CS, "getctag")) {
			rc = take_text(&it->ctag, p, 1);
		} else if (is(p, KITH_NS_DAV, "sync-token")) {
			rc = take_text(&it->sync_token, p, 1);
		}
	}
	return rc;
}

static void item_clear(struct kith_dav_item *it)
{
	free(it->href);
	free(it->etag);
	free(it->calendar_data);
	free(it->displayname);
	free(it->principal);
	free(it->calendar_home);
	free(it->ctag);
	free(it->sync_token);
	memset(it, 0, sizeof(*it));
}

void kith_dav_multistatus_clear(struct kith_dav_multistatus *ms)
{
	if (!ms)
		return;
	for (size_t i = 0; i < ms->n; i++)
		item_clear(&ms->items[i]);
	free(ms->items);
	free(ms->sync_token);
	memset(ms, 0, sizeof(*ms));
}

/* A new zeroed item at the end of ms.  NULL when out of memory. */
static struct kith_dav_item *add_item(struct kith_dav_multistatus *ms, size_t *cap)
{
	if (KITH_GROW(ms->items, *cap, ms->n + 1, 16))
		return NULL;
	memset(&ms->items[ms->n], 0, sizeof(ms->items[0]));
	return &ms->items[ms->n++];
}

/* One DAV:response: one item, or one per href in the "status" form. */
static enum kith_status read_response(struct kith_ctx *ctx, const xmlNode *r,
				      struct kith_dav_multistatus *ms, size_t *cap)
{
	const xmlNode *href = first_child(r, KITH_NS_DAV, "href");
	const xmlNode *propstat = first_child(r, KITH_NS_DAV, "propstat");
	int status = 0, rc;

	if (!href)
		return kith_fail(ctx, KITH_ERR_PARSE,
				 "the server's multistatus has a response without an href");
	rc = status_child(r, &status);
	if (rc == -2)
		return kith_nomem(ctx);
	if (rc < 0)
		return kith_fail(ctx, KITH_ERR_PARSE,
				 "the server's multistatus has a response with a bad status line");
	if (!propstat) {
		/* RFC 4918 14.24: href+ status; each href shares the status. */
		for (const xmlNode *h = r->children; h; h = h->next) {
			struct kith_dav_item *it;

			if (!is(h, KITH_NS_DAV, "href"))
				continue;
			it = add_item(ms, cap);
			if (!it || text_of(h, 1, &it->href) < 0)
				return kith_nomem(ctx);
			it->status = status;
		}
		return KITH_OK;
	}
	{
		struct kith_dav_item *it = add_item(ms, cap);
		int first_status = 0;

		if (!it || text_of(href, 1, &it->href) < 0)
			return kith_nomem(ctx);
		it->status = status;
		for (const xmlNode *ps = r->children; ps; ps = ps->next) {
			const xmlNode *prop;
			int ps_status = 0;

			if (!is(ps, KITH_NS_DAV, "propstat"))
				continue;
			rc = status_child(ps, &ps_status);
			if (rc == -2)
				return kith_nomem(ctx);
			if (rc < 0)
				return kith_fail(
					ctx, KITH_ERR_PARSE,
					"the server's multistatus has a propstat with a bad "
					"status line");
			if (!first_status)
				first_status = ps_status;
			/* Only the properties the server found (2xx) count. */
			if (ps_status < 200 || ps_status > 299)
				continue;
			if (!it->prop_status)
				it->prop_status = ps_status;
			prop = first_child(ps, KITH_NS_DAV, "prop");
			if (prop && read_props(it, prop) < 0)
				return kith_nomem(ctx);
		}
		if (!it->prop_status)
			it->prop_status = first_status;
	}
	return KITH_OK;
}

enum kith_status kith_davxml_parse_multistatus(struct kith_ctx *ctx, const char *body, size_t len,
					       struct kith_dav_multistatus *out)
{
	struct kith_dav_multistatus ms;
	xmlDoc *doc = NULL;
	const xmlNode *root;
	size_t cap = 0;
	enum kith_status st;

	memset(&ms, 0, sizeof(ms));
	st = parse_doc(ctx, body, len, &doc);
	if (st != KITH_OK)
		return st;
	root = xmlDocGetRootElement(doc);
	if (!is(root, KITH_NS_DAV, "multistatus")) {
		st = kith_fail(ctx, KITH_ERR_PARSE,
			       "the server answered with <%s> where a DAV:multistatus belongs",
			       (const char *)root->name);
		goto out;
	}
	for (const xmlNode *c = root->children; c; c = c->next) {
		if (is(c, KITH_NS_DAV, "response")) {
			st = read_response(ctx, c, &ms, &cap);
			if (st != KITH_OK)
				goto out;
		} else if (is(c, KITH_NS_DAV, "sync-token")) {
			if (take_text(&ms.sync_token, c, 1) < 0) {
				st = kith_nomem(ctx);
				goto out;
			}
		}
	}
	*out = ms;
	memset(&ms, 0, sizeof(ms));
out:
	kith_dav_multistatus_clear(&ms);
	xmlFreeDoc(doc);
	return st;
}

int kith_davxml_error_has(const char *body, size_t len, const char *ns, const char *name)
{
	xmlDoc *doc = NULL;
	const xmlNode *root;
	int found = 0;

	if (!ns || !name || parse_doc(NULL, body, len, &doc) != KITH_OK)
		return 0;
	root = xmlDocGetRootElement(doc);
	if (is(root, KITH_NS_DAV, "error"))
		found = first_child(root, ns, name) != NULL;
	xmlFreeDoc(doc);
	return found;
}

/* ---- writing ---- */

struct builder {
	xmlDoc *doc;
	xmlNode *root;
	xmlNs *dav;
	xmlNs *caldav;
	xmlNs *cs;
	int failed;
};

/* Start a document whose root is ns:name, declaring D: and (when asked) C: and CS:. */
static void start(struct builder *b, int root_caldav, int want_caldav, int want_cs,
		  const char *name)
{
	memset(b, 0, sizeof(*b));
	b->doc = xmlNewDoc(BAD_CAST "1.0");
	if (!b->doc)
		goto fail;
	b->root = xmlNewDocNode(b->doc, NULL, BAD_CAST name, NULL);
	if (!b->root)
		goto fail;
	xmlDocSetRootElement(b->doc, b->root);
	b->dav = xmlNewNs(b->root, BAD_CAST KITH_NS_DAV, BAD_CAST "D");
	if (!b->dav)
		goto fail;
	if (want_caldav || root_caldav) {
		b->caldav = xmlNewNs(b->root, BAD_CAST KITH_NS_CALDAV, BAD_CAST "C");
		if (!b->caldav)
			goto fail;
	}
	if (want_cs) {
		b->cs = xmlNewNs(b->root, BAD_CAST KITH_NS_CS, BAD_CAST "CS");
		if (!b->cs)
			goto fail;
	}
	xmlSetNs(b->root, root_caldav ? b->caldav : b->dav);
	return;
fail:
	b->failed = 1;
}

/* A child element, with escaped text when text is not NULL.  NULL after a failure. */
static xmlNode *el(struct builder *b, xmlNode *parent, xmlNs *ns, const char *name,
		   const char *text)
{
	xmlNode *n;

	if (b->failed || !parent)
		return NULL;
	n = xmlNewTextChild(parent, ns, BAD_CAST name, text ? BAD_CAST text : NULL);
	if (!n)
		b->failed = 1;
	return n;
}

/* Serialise and free the document.  Ownership: free(*out). */
static enum kith_status finish(struct kith_ctx *ctx, struct builder *b, char **out)
{
	xmlChar *mem = NULL;
	int size = 0;
	char *s = NULL;

	if (!b->failed)
		xmlDocDumpFormatMemoryEnc(b->doc, &mem, &size, "UTF-8", 0);
	if (mem && size >= 0) {
		s = malloc((size_t)size + 1);
		if (s) {
			memcpy(s, mem, (size_t)size);
			s[size] = '\0';
		}
	}
	xmlFree(mem);
	xmlFreeDoc(b->doc);
	memset(b, 0, sizeof(*b));
	if (!s)
		return kith_nomem(ctx);
	*out = s;
	return KITH_OK;
}

/*
 * Text that XML 1.0 can carry: valid UTF-8 without control characters
 * other than tab, CR and LF, and without U+FFFE and U+FFFF.
 */
static int xml_text_ok(const char *s)
{
	size_t n = strlen(s);

	if (!kith_utf8_is_valid(s, n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 && c != '\t' && c != '\r' && c != '\n')
			return 0;
		if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
		    ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF))
			return 0;
	}
	return 1;
}

enum kith_status kith_davxml_propfind(struct kith_ctx *ctx, enum kith_dav_propfind what, char **out)
{
	struct builder b;
	xmlNode *prop;

	switch (what) {
	case KITH_PROPFIND_PRINCIPAL:
		start(&b, 0, 0, 0, "propfind");
		prop = el(&b, b.root, b.dav, "prop", NULL);
		el(&b, prop, b.dav, "current-user-principal", NULL);
		break;
	case KITH_PROPFIND_HOME:
		start(&b, 0, 1, 0, "propfind");
		prop = el(&b, b.root, b.dav, "prop", NULL);
		el(&b, prop, b.caldav, "calendar-home-set", NULL);
		break;
	case KITH_PROPFIND_CALENDARS:
		start(&b, 0, 1, 1, "propfind");
		prop = el(&b, b.root, b.dav, "prop", NULL);
		el(&b, prop, b.dav, "resourcetype", NULL);
		el(&b, prop, b.dav, "displayname", NULL);
		el(&b, prop, b.caldav, "supported-calendar-component-set", NULL);
		el(&b, prop, b.dav, "supported-report-set", NULL);
		el(&b, prop, b.cs, "getctag", NULL);
		el(&b, prop, b.dav, "sync-token", NULL);
		break;
	case KITH_PROPFIND_ETAGS:
		start(&b, 0, 0, 0, "propfind");
		prop = el(&b, b.root, b.dav, "prop", NULL);
		el(&b, prop, b.dav, "resourcetype", NULL);
		el(&b, prop, b.dav, "getetag", NULL);
		break;
	default: return kith_fail(ctx, KITH_ERR_INVALID, "unknown PROPFIND kind %d", (int)what);
	}
	return finish(ctx, &b, out);
}

enum kith_status kith_davxml_sync_collection(struct kith_ctx *ctx, const char *token, char **out)
{
	struct builder b;
	xmlNode *prop;

	if (token && !xml_text_ok(token))
		return kith_fail(ctx, KITH_ERR_INVALID,
				 "the sync token cannot be sent in XML (control characters or "
				 "not UTF-8)");
	start(&b, 0, 0, 0, "sync-collection");
	el(&b, b.root, b.dav, "sync-token", token && *token ? token : NULL);
	el(&b, b.root, b.dav, "sync-level", "1");
	prop = el(&b, b.root, b.dav, "prop", NULL);
	el(&b, prop, b.dav, "getetag", NULL);
	return finish(ctx, &b, out);
}

enum kith_status kith_davxml_multiget(struct kith_ctx *ctx, const char *const *hrefs, size_t n,
				      char **out)
{
	struct builder b;
	xmlNode *prop;

	if (!hrefs || n == 0)
		return kith_fail(ctx, KITH_ERR_INVALID,
				 "a calendar-multiget needs at least one href");
	for (size_t i = 0; i < n; i++)
		if (!hrefs[i] || !*hrefs[i] || !xml_text_ok(hrefs[i]))
			return kith_fail(ctx, KITH_ERR_INVALID,
					 "href %zu of a calendar-multiget is empty or cannot be "
					 "sent in XML",
					 i + 1);
	start(&b, 1, 1, 0, "calendar-multiget");
	prop = el(&b, b.root, b.dav, "prop", NULL);
	el(&b, prop, b.dav, "getetag", NULL);
	el(&b, prop, b.caldav, "calendar-data", NULL);
	for (size_t i = 0; i < n && !b.failed; i++)
		el(&b, b.root, b.dav, "href", hrefs[i]);
	return finish(ctx, &b, out);
}

enum kith_status kith_davxml_mkcalendar(struct kith_ctx *ctx, const char *displayname, char **out)
{
	struct builder b;
	xmlNode *prop, *set, *comps, *comp;

	if (displayname && !xml_text_ok(displayname))
		return kith_fail(ctx, KITH_ERR_INVALID,
				 "the calendar name cannot be sent in XML (control characters or "
				 "not UTF-8)");
	start(&b, 1, 1, 0, "mkcalendar");
	set = el(&b, b.root, b.dav, "set", NULL);
	prop = el(&b, set, b.dav, "prop", NULL);
	if (displayname && *displayname)
		el(&b, prop, b.dav, "displayname", displayname);
	comps = el(&b, prop, b.caldav, "supported-calendar-component-set", NULL);
	comp = el(&b, comps, b.caldav, "comp", NULL);
	if (comp && !xmlNewProp(comp, BAD_CAST "name", BAD_CAST "VTODO"))
		b.failed = 1;
	return finish(ctx, &b, out);
}
