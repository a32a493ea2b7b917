/* SPDX-License-Identifier: MIT */
/*
 * The CalDAV target (RFC 4791): one calendar collection on a server.
 *
 * Discovery (once; the result is kept in the store): the URL itself if it
 * is a calendar, else RFC 6764 /.well-known/caldav (redirects followed by
 * hand, same origin only), DAV:current-user-principal, CALDAV:calendar-
 * home-set, and the calendars there; the configured one is picked by
 * display name or URL, or created with MKCALENDAR.
 *
 * Listing: a sync-collection REPORT (RFC 6578) from the last token when
 * the server has it -- a sync with nothing changed is that one request --
 * else a Depth: 1 PROPFIND of getetag.  A forgotten token (the
 * DAV:valid-sync-token precondition, whatever the status code) falls back
 * to a full listing that is partial for deletions.  Fetching is
 * calendar-multiget in batches; writes are conditional PUTs and DELETEs,
 * several at once over kept-alive connections.
 */
#define _GNU_SOURCE /* strcasestr */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "ctx.h"
#include "davxml.h"
#include "http.h"
#include "url.h"
#include "target.h"

#define MULTIGET_BATCH 100
#define MAX_REDIRECTS 5
#define DEFAULT_CALENDAR "kith"

struct caldav {
	struct kith_http *http;
	char *url;            /* as the user gave it */
	char *calendar;       /* wanted: display name or URL; NULL: DEFAULT_CALENDAR */
	int create;           /* MKCALENDAR it when missing */
	char *collection;     /* the calendar collection URL (ends in '/') */
	char *home;           /* calendar-home-set URL */
	int sync;             /* sync-collection: -1 unknown, 0 no, 1 yes */
	char *token;
	int have_credentials;
	void (*progress)(size_t done, size_t total, void *arg);
	void *progress_arg;
};

static const char *const xml_headers[] = {
	"Content-Type: application/xml; charset=utf-8", NULL,
};

/* ---- small helpers ---- */

static int set(char **slot, const char *v)
{
	char *copy = NULL;

	if (v && !(copy = strdup(v)))
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

/* The path of an absolute URL ("/kith/cal/"), for comparing with hrefs. */
static const char *path_of(const char *url)
{
	const char *p = strstr(url, "://");

	if (!p)
		return url;
	p = strchr(p + 3, '/');
	return p ? p : "/";
}

/* An href as the path it names (a server may send a full URL). */
static const char *href_path(const char *href)
{
	return strstr(href, "://") ? path_of(href) : href;
}

static int same_path(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (lb > 1 && b[lb - 1] == '/')
		lb--;
	return la == lb && !strncmp(a, b, la);
}

static enum kith_status http_error(struct kith_target *t, const char *what, const char *url,
				   const struct kith_http_response *r)
{
	struct caldav *c = t->impl;

	switch (r->status) {
	case 401:
		return kith_fail(t->ctx, KITH_ERR_AUTH,
				 "%s: the server refused the %s (HTTP 401): check the username "
				 "and password", url, c->have_credentials ? "username or password"
									 : "request without a password");
	case 403:
		return kith_fail(t->ctx, KITH_ERR_AUTH, "%s: %s was refused (HTTP 403)", url, what);
	case 404:
		return kith_fail(t->ctx, KITH_ERR_NOT_FOUND, "%s: not found (HTTP 404) while %s",
				 url, what);
	default:
		return kith_fail(t->ctx, KITH_ERR_IO, "%s: unexpected HTTP %ld while %s", url,
				 r->status, what);
	}
}

/* Runs one request; a transport failure is an error (message in ctx). */
static enum kith_status run(struct kith_target *t, const char *method, const char *url,
			    const char *depth, const char *body, struct kith_http_response *out)
{
	struct caldav *c = t->impl;
	const char *headers[4] = { NULL, NULL, NULL, NULL };
	char depth_line[32];
	struct kith_http_request req;
	size_t h = 0;

	memset(out, 0, sizeof(*out));
	if (body)
		headers[h++] = xml_headers[0];
	if (depth) {
		snprintf(depth_line, sizeof(depth_line), "Depth: %s", depth);
		headers[h++] = depth_line;
	}
	req.method = method;
	req.url = url;
	req.headers = headers;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	return kith_http_run(c->http, &req, out);
}

/* PROPFIND and parse its 207. */
static enum kith_status propfind(struct kith_target *t, const char *url, const char *depth,
				 enum kith_dav_propfind what, long *out_status,
				 struct kith_dav_multistatus *ms)
{
	struct kith_http_response r;
	enum kith_status rc;
	char *body = NULL;

	memset(ms, 0, sizeof(*ms));
	rc = kith_davxml_propfind(t->ctx, what, &body);
	if (rc)
		return rc;
	rc = run(t, "PROPFIND", url, depth, body, &r);
	free(body);
	if (rc)
		return rc;
	*out_status = r.status;
	if (r.status == 207)
		rc = kith_davxml_parse_multistatus(t->ctx, r.body, r.len, ms);
	kith_http_response_clear(&r);
	return rc;
}

/* ---- discovery ---- */

/* The first item's value of a property, resolved against url. Ownership: free(). */
static char *resolved(const char *url, const char *href)
{
	return href ? kith_url_resolve(url, href) : NULL;
}

/* Follow /.well-known/caldav by hand: redirects only to the same origin. */
static enum kith_status well_known(struct kith_target *t, char **out)
{
	struct caldav *c = t->impl;
	char *url = kith_url_resolve(c->url, "/.well-known/caldav");
	enum kith_status rc = KITH_OK;

	if (!url)
		return kith_nomem(t->ctx);
	for (int i = 0; i < MAX_REDIRECTS; i++) {
		struct kith_dav_multistatus ms;
		struct kith_http_response r;
		char *body = NULL, *next;

		rc = kith_davxml_propfind(t->ctx, KITH_PROPFIND_PRINCIPAL, &body);
		if (!rc)
			rc = run(t, "PROPFIND", url, "0", body, &r);
		free(body);
		if (rc)
			break;
		if (r.status >= 300 && r.status < 400 && r.location) {
			next = kith_url_resolve(url, r.location);
			kith_http_response_clear(&r);
			if (!next) {
				rc = kith_nomem(t->ctx);
				break;
			}
			/* Credentials never follow a redirect to another origin. */
			if (c->have_credentials && !kith_http_same_origin(url, next)) {
				rc = kith_fail(t->ctx, KITH_ERR_INVALID,
					       "%s redirects to another server (%s); give that "
					       "server's URL if you trust it", url, next);
				free(next);
				break;
			}
			free(url);
			url = next;
			continue;
		}
		if (r.status == 207 &&
		    kith_davxml_parse_multistatus(t->ctx, r.body, r.len, &ms) == KITH_OK) {
			for (size_t k = 0; k < ms.n && !*out; k++)
				if (ms.items[k].principal)
					*out = resolved(url, ms.items[k].principal);
			kith_dav_multistatus_clear(&ms);
		}
		kith_ctx_clear(t->ctx);
		kith_http_response_clear(&r);
		break;
	}
	free(url);
	return rc;
}

static enum kith_status find_home(struct kith_target *t)
{
	struct caldav *c = t->impl;
	struct kith_dav_multistatus ms;
	char *principal = NULL;
	enum kith_status rc;
	long status = 0;

	rc = propfind(t, c->url, "0", KITH_PROPFIND_PRINCIPAL, &status, &ms);
	if (rc)
		return rc;
	if (status == 401) {
		struct kith_http_response r = { .status = 401 };

		return http_error(t, "discovery", c->url, &r);
	}
	for (size_t i = 0; i < ms.n && !principal; i++)
		if (ms.items[i].principal)
			principal = resolved(c->url, ms.items[i].principal);
	kith_dav_multistatus_clear(&ms);
	if (!principal) {
		rc = well_known(t, &principal);
		if (rc)
			return rc;
	}
	if (!principal)
		return kith_fail(t->ctx, KITH_ERR_NOT_FOUND,
				 "%s: no CalDAV service found (no current-user-principal, and "
				 "/.well-known/caldav leads nowhere); give the calendar's URL", c->url);
	rc = propfind(t, principal, "0", KITH_PROPFIND_HOME, &status, &ms);
	if (!rc) {
		for (size_t i = 0; i < ms.n && !c->home; i++)
			if (ms.items[i].calendar_home)
				c->home = resolved(principal, ms.items[i].calendar_home);
		kith_dav_multistatus_clear(&ms);
		if (!c->home)
			rc = kith_fail(t->ctx, KITH_ERR_NOT_FOUND,
				       "%s: the principal %s has no calendar-home-set", c->url,
				       principal);
	}
	free(principal);
	return rc;
}

static int matches(const struct kith_dav_item *it, const char *home, const char *want)
{
	char *url;
	int yes;

	if (it->displayname && !strcasecmp(it->displayname, want))
		return 1;
	url = kith_url_resolve(home, it->href);
	yes = url && (same_path(path_of(url), href_path(want)) || !strcmp(url, want));
	free(url);
	return yes;
}

/* A collection name from a display name: letters, digits and '-'. */
static char *slug(const char *name)
{
	struct kith_buf b = KITH_BUF_INIT;

	for (const char *p = name; *p; p++) {
		char ch = (char)tolower((unsigned char)*p);

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			kith_buf_append_n(&b, &ch, 1);
		else if (b.len && b.data[b.len - 1] != '-')
			kith_buf_append(&b, "-");
	}
	if (!b.len)
		kith_buf_append(&b, "kith");
	kith_buf_append(&b, "/");
	return kith_buf_steal(&b);
}

static enum kith_status mkcalendar(struct kith_target *t, const char *name)
{
	struct caldav *c = t->impl;
	struct kith_http_response r;
	enum kith_status rc;
	char *body = NULL, *sl = slug(name), *url = NULL;

	if (!sl)
		return kith_nomem(t->ctx);
	url = kith_url_resolve(c->home, sl);
	free(sl);
	if (!url)
		return kith_nomem(t->ctx);
	rc = kith_davxml_mkcalendar(t->ctx, name, &body);
	if (!rc)
		rc = run(t, "MKCALENDAR", url, NULL, body, &r);
	free(body);
	if (rc) {
		free(url);
		return rc;
	}
	if (r.status == 201 || r.status == 200) {
		free(c->collection);
		c->collection = url;
		url = NULL;
	} else {
		rc = http_error(t, "creating the calendar", url, &r);
	}
	kith_http_response_clear(&r);
	free(url);
	return rc;
}

/* Calendars in the home: is_calendar items. Ownership: the caller clears ms. */
static enum kith_status list_calendars(struct kith_target *t, struct kith_dav_multistatus *ms)
{
	struct caldav *c = t->impl;
	enum kith_status rc;
	long status = 0;

	if (!c->home && (rc = find_home(t)))
		return rc;
	rc = propfind(t, c->home, "1", KITH_PROPFIND_CALENDARS, &status, ms);
	if (!rc && status != 207) {
		struct kith_http_response r = { .status = status };

		rc = http_error(t, "listing calendars", c->home, &r);
	}
	return rc;
}

static enum kith_status discover(struct kith_target *t)
{
	struct caldav *c = t->impl;
	struct kith_dav_multistatus ms;
	const char *want = c->calendar ? c->calendar : DEFAULT_CALENDAR;
	struct kith_buf names = KITH_BUF_INIT;
	enum kith_status rc;
	long status = 0;

	if (c->collection)
		return KITH_OK;
	/* The URL may be the calendar itself. */
	rc = propfind(t, c->url, "0", KITH_PROPFIND_CALENDARS, &status, &ms);
	if (rc)
		return rc;
	if (status == 401) {
		struct kith_http_response r = { .status = 401 };

		kith_dav_multistatus_clear(&ms);
		return http_error(t, "discovery", c->url, &r);
	}
	for (size_t i = 0; i < ms.n; i++) {
		const struct kith_dav_item *it = &ms.items[i];

		if (it->is_calendar && same_path(href_path(it->href), path_of(c->url))) {
			if (it->has_component_set && !it->supports_vtodo) {
				kith_dav_multistatus_clear(&ms);
				return kith_fail(t->ctx, KITH_ERR_INVALID,
						 "the calendar %s does not accept tasks (VTODO); "
						 "pick another or use --create-calendar NAME", c->url);
			}
			c->collection = strdup(c->url);
		}
	}
	kith_dav_multistatus_clear(&ms);
	if (c->collection)
		return KITH_OK;
	rc = list_calendars(t, &ms);
	if (rc)
		return rc;
	for (size_t i = 0; i < ms.n && !c->collection; i++) {
		const struct kith_dav_item *it = &ms.items[i];

		if (!it->is_calendar)
			continue;
		if (!matches(it, c->home, want)) {
			kith_buf_printf(&names, "%s%s", names.len ? ", " : "",
					it->displayname ? it->displayname : it->href);
			continue;
		}
		if (it->has_component_set && !it->supports_vtodo) {
			kith_dav_multistatus_clear(&ms);
			kith_buf_free(&names);
			return kith_fail(t->ctx, KITH_ERR_INVALID,
					 "the calendar '%s' does not accept tasks (VTODO); pick "
					 "another or use --create-calendar NAME", want);
		}
		c->collection = kith_url_resolve(c->home, it->href);
		if (!c->collection)
			rc = kith_nomem(t->ctx);
	}
	kith_dav_multistatus_clear(&ms);
	if (!rc && !c->collection) {
		/* The default calendar is made on first use; a named one only when asked. */
		if (c->create || !c->calendar)
			rc = mkcalendar(t, want);
		else
			rc = kith_fail(t->ctx, KITH_ERR_NOT_FOUND,
				       "no calendar '%s' at %s (there: %s); create it with "
				       "'kith sync --create-calendar \"%s\"'", want, c->home,
				       names.len ? names.data : "none", want);
	}
	kith_buf_free(&names);
	return rc;
}

/* ---- listing ---- */

/* A member of the collection (not the collection itself, not a sub-collection). */
static int member(struct caldav *c, const struct kith_dav_item *it)
{
	const char *p = href_path(it->href);
	size_t n = strlen(p);

	return n && p[n - 1] != '/' && !it->is_collection &&
	       !same_path(p, path_of(c->collection));
}

static enum kith_status full_listing(struct kith_target *t, struct kith_listing *out)
{
	struct caldav *c = t->impl;
	struct kith_dav_multistatus ms;
	enum kith_status rc;
	long status = 0;

	rc = propfind(t, c->collection, "1", KITH_PROPFIND_ETAGS, &status, &ms);
	if (rc)
		return rc;
	if (status != 207) {
		struct kith_http_response r = { .status = status };

		return http_error(t, "listing the calendar", c->collection, &r);
	}
	for (size_t i = 0; i < ms.n && !rc; i++)
		if (member(c, &ms.items[i]) && ms.items[i].prop_status / 100 == 2 &&
		    kith_listing_add(out, href_path(ms.items[i].href), ms.items[i].etag) != KITH_OK)
			rc = kith_nomem(t->ctx);
	kith_dav_multistatus_clear(&ms);
	return rc;
}

/*
 * One sync-collection REPORT.  *out_invalid when the server forgot the
 * token; *out_unsupported when it has no such report.
 */
static enum kith_status sync_report(struct kith_target *t, const char *token,
				    struct kith_dav_multistatus *ms, int *out_invalid,
				    int *out_unsupported)
{
	struct caldav *c = t->impl;
	struct kith_http_response r;
	enum kith_status rc;
	char *body = NULL;

	*out_invalid = *out_unsupported = 0;
	memset(ms, 0, sizeof(*ms));
	rc = kith_davxml_sync_collection(t->ctx, token, &body);
	if (!rc)
		rc = run(t, "REPORT", c->collection, "0", body, &r);
	free(body);
	if (rc)
		return rc;
	if (r.status == 207) {
		rc = kith_davxml_parse_multistatus(t->ctx, r.body, r.len, ms);
	} else if (kith_davxml_error_has(r.body, r.len, KITH_NS_DAV, "valid-sync-token")) {
		/* Recognised by the precondition, whatever the status code (rule 13). */
		*out_invalid = 1;
	} else if (!token && (r.status == 400 || r.status == 403 || r.status == 405 ||
			      r.status == 415 || r.status == 501)) {
		*out_unsupported = 1;
	} else if (token && (r.status == 403 || r.status == 409 || r.status == 412 ||
			      r.status == 500)) {
		/* Some servers say no more than that about an old token (Xandikos: 500). */
		*out_invalid = 1;
	} else {
		rc = http_error(t, "listing changes", c->collection, &r);
	}
	kith_http_response_clear(&r);
	return rc;
}

static enum kith_status caldav_list(struct kith_target *t, struct kith_listing *out)
{
	struct caldav *c = t->impl;
	struct kith_listing l = { 0 };
	struct kith_dav_multistatus ms;
	enum kith_status rc;
	int invalid = 0, unsupported = 0;

	rc = discover(t);
	if (rc)
		return rc;
	if (c->sync != 0) {
		/* From a token the server answers with what changed since. */
		l.delta = c->token && *c->token;
		rc = sync_report(t, l.delta ? c->token : NULL, &ms, &invalid, &unsupported);
		if (!rc && invalid) {
			/* Start over from no token; that listing deletes nothing. */
			l.partial = 1;
			l.delta = 0;
			rc = sync_report(t, NULL, &ms, &invalid, &unsupported);
		}
		if (rc)
			goto fail;
		if (unsupported) {
			c->sync = 0;
			set(&c->token, NULL);
			l.delta = 0;
		} else {
			c->sync = 1;
			for (size_t k = 0; k < ms.n && !rc; k++) {
				const struct kith_dav_item *it = &ms.items[k];

				if (!member(c, it))
					continue;
				if (it->status == 404) {
					/* Only a delta names what went; a full listing omits it. */
					if (l.delta && kith_listing_gone(&l, href_path(it->href)) != KITH_OK)
						rc = kith_nomem(t->ctx);
				} else if (kith_listing_add(&l, href_path(it->href), it->etag) != KITH_OK) {
					rc = kith_nomem(t->ctx);
				}
			}
			if (!rc && set(&c->token, ms.sync_token))
				rc = kith_nomem(t->ctx);
			kith_dav_multistatus_clear(&ms);
			if (rc)
				goto fail;
			*out = l;
			return KITH_OK;
		}
	}
	rc = full_listing(t, &l);
	if (rc)
		goto fail;
	*out = l;
	return KITH_OK;
fail:
	kith_listing_clear(&l);
	return rc;
}

/* ---- fetching ---- */

static enum kith_status caldav_fetch(struct kith_target *t, const char *const *names, size_t n,
				     struct kith_fetched *out)
{
	struct caldav *c = t->impl;
	enum kith_status rc = KITH_OK;

	for (size_t i = 0; i < n; i++)
		memset(&out[i], 0, sizeof(out[i]));
	if (!n)
		return KITH_OK;
	if ((rc = discover(t)))
		return rc;
	for (size_t start = 0; start < n && !rc; start += MULTIGET_BATCH) {
		size_t count = n - start < MULTIGET_BATCH ? n - start : MULTIGET_BATCH;
		struct kith_dav_multistatus ms;
		struct kith_http_response r;
		char *body = NULL;

		rc = kith_davxml_multiget(t->ctx, names + start, count, &body);
		if (!rc)
			rc = run(t, "REPORT", c->collection, "1", body, &r);
		free(body);
		if (rc)
			break;
		if (r.status != 207) {
			rc = http_error(t, "fetching reminders", c->collection, &r);
			kith_http_response_clear(&r);
			break;
		}
		rc = kith_davxml_parse_multistatus(t->ctx, r.body, r.len, &ms);
		kith_http_response_clear(&r);
		if (rc)
			break;
		for (size_t k = 0; k < ms.n && !rc; k++) {
			const struct kith_dav_item *it = &ms.items[k];

			if (!it->calendar_data)
				continue;
			for (size_t i = start; i < start + count; i++) {
				if (out[i].bytes || !same_path(href_path(it->href), names[i]))
					continue;
				out[i].bytes = strdup(it->calendar_data);
				out[i].len = out[i].bytes ? strlen(out[i].bytes) : 0;
				out[i].tag = it->etag ? strdup(it->etag) : NULL;
				if (!out[i].bytes || (it->etag && !out[i].tag))
					rc = kith_nomem(t->ctx);
			}
		}
		kith_dav_multistatus_clear(&ms);
	}
	if (rc)
		for (size_t i = 0; i < n; i++)
			kith_fetched_clear(&out[i]);
	return rc;
}

/* ---- writing ---- */

struct put_req {
	char *url;
	const char *headers[5];
	char *cond;
};

static void put_req_clear(struct put_req *p)
{
	free(p->url);
	free(p->cond);
}

static enum kith_status build_put(struct kith_target *t, const struct kith_put *put,
				  struct put_req *out, struct kith_http_request *req)
{
	struct caldav *c = t->impl;
	struct kith_buf b = KITH_BUF_INIT;
	size_t h = 0;

	memset(out, 0, sizeof(*out));
	out->url = kith_url_resolve(c->collection, put->name);
	if (put->if_match)
		kith_buf_printf(&b, "If-Match: %s", put->if_match);
	else
		kith_buf_append(&b, "If-None-Match: *");
	out->cond = kith_buf_steal(&b);
	if (!out->url || !out->cond) {
		put_req_clear(out);
		return kith_nomem(t->ctx);
	}
	out->headers[h++] = "Content-Type: text/calendar; charset=utf-8";
	out->headers[h++] = out->cond;
	out->headers[h] = NULL;
	req->method = "PUT";
	req->url = out->url;
	req->headers = out->headers;
	req->body = put->bytes;
	req->body_len = put->len;
	return KITH_OK;
}

/* The status of one PUT, as the engine understands it. */
static enum kith_status put_result(struct kith_target *t, const char *name,
				   struct kith_http_response *r, char **out_tag)
{
	*out_tag = NULL;
	if (r->error)
		return kith_fail(t->ctx, r->error, "%s", r->error_msg ? r->error_msg : "no response");
	switch (r->status) {
	case 200:
	case 201:
	case 204:
		/* No ETag (or a server that rewrites what it got): the engine reads it back. */
		if (r->etag && !(*out_tag = strdup(r->etag)))
			return kith_nomem(t->ctx);
		return KITH_OK;
	case 412:
		return KITH_ERR_CONFLICT;
	case 403:
	case 415:
	case 409:
		if (kith_davxml_error_has(r->body, r->len, KITH_NS_CALDAV,
					  "supported-calendar-component"))
			return kith_fail(t->ctx, KITH_ERR_INVALID,
					 "the calendar does not accept tasks (VTODO); pick another "
					 "calendar or use --create-calendar NAME");
		if (kith_davxml_error_has(r->body, r->len, KITH_NS_CALDAV, "valid-calendar-data"))
			return kith_fail(t->ctx, KITH_ERR_INVALID,
					 "the server refused the reminder %s as invalid calendar "
					 "data; if it refuses recurring tasks, set 'mode = plain' "
					 "or use 'kith sync --plain'", name);
		/* fall through */
	default: {
		struct kith_http_response copy = *r;

		return http_error(t, "writing a reminder", name, &copy);
	}
	}
}

static enum kith_status caldav_put_many(struct kith_target *t, struct kith_put *puts, size_t n)
{
	struct caldav *c = t->impl;
	struct kith_http_request *reqs = calloc(n ? n : 1, sizeof(*reqs));
	struct kith_http_response *resps = calloc(n ? n : 1, sizeof(*resps));
	struct put_req *pr = calloc(n ? n : 1, sizeof(*pr));
	enum kith_status rc = KITH_OK;

	if (!reqs || !resps || !pr) {
		rc = kith_nomem(t->ctx);
		goto out;
	}
	if ((rc = discover(t)))
		goto out;
	for (size_t i = 0; i < n && !rc; i++)
		rc = build_put(t, &puts[i], &pr[i], &reqs[i]);
	/*
	 * The token predates these writes: a change list from it need not
	 * show an item created here and deleted by someone else before the
	 * next sync (it did not exist then and does not now; RFC 6578 lets
	 * the server omit it).  After creates the next listing starts afresh
	 * (still one request, but every ETag).  An item that is only updated
	 * existed at the token, so its removal must be reported: the token
	 * stays, and the next no-op sync receives just these items.
	 */
	for (size_t i = 0; i < n; i++)
		if (!puts[i].if_match) {
			set(&c->token, NULL);
			break;
		}
	if (!rc)
		rc = kith_http_run_many(c->http, reqs, n, resps, n > 1 ? c->progress : NULL,
					c->progress_arg);
	for (size_t i = 0; i < n && !rc; i++) {
		puts[i].status = put_result(t, puts[i].name, &resps[i], &puts[i].tag);
		if (puts[i].status && puts[i].status != KITH_ERR_CONFLICT)
			rc = puts[i].status;
	}
out:
	for (size_t i = 0; i < n; i++) {
		if (pr)
			put_req_clear(&pr[i]);
		if (resps)
			kith_http_response_clear(&resps[i]);
	}
	free(reqs);
	free(resps);
	free(pr);
	return rc;
}

static enum kith_status caldav_put(struct kith_target *t, const char *name, const char *bytes,
				   size_t len, const char *if_match, char **out_tag)
{
	struct kith_put p = { name, bytes, len, if_match, KITH_OK, NULL };
	enum kith_status rc = caldav_put_many(t, &p, 1);

	if (!rc && p.status == KITH_ERR_CONFLICT)
		rc = kith_fail(t->ctx, KITH_ERR_CONFLICT, "%s changed on the server meanwhile", name);
	if (rc) {
		free(p.tag);
		return rc;
	}
	*out_tag = p.tag;
	return KITH_OK;
}

static enum kith_status caldav_del(struct kith_target *t, const char *name, const char *if_match)
{
	struct caldav *c = t->impl;
	struct kith_http_request req;
	struct kith_http_response r;
	struct kith_buf b = KITH_BUF_INIT;
	const char *headers[2] = { NULL, NULL };
	enum kith_status rc;
	char *url, *cond;

	if ((rc = discover(t)))
		return rc;
	url = kith_url_resolve(c->collection, name);
	/* Never the collection, never outside it (rule 10). */
	if (url && (same_path(path_of(url), path_of(c->collection)) ||
		    strncmp(path_of(url), path_of(c->collection), strlen(path_of(c->collection))))) {
		free(url);
		return kith_fail(t->ctx, KITH_ERR_INVALID, "refusing to delete %s: not a reminder "
				 "in the calendar", name);
	}
	kith_buf_printf(&b, "If-Match: %s", if_match ? if_match : "*");
	cond = kith_buf_steal(&b);
	if (!url || !cond) {
		free(url);
		free(cond);
		return kith_nomem(t->ctx);
	}
	headers[0] = cond;
	set(&c->token, NULL);
	memset(&req, 0, sizeof(req));
	req.method = "DELETE";
	req.url = url;
	req.headers = headers;
	rc = kith_http_run(c->http, &req, &r);
	if (!rc) {
		if (r.status == 412)
			rc = kith_fail(t->ctx, KITH_ERR_CONFLICT, "%s changed on the server meanwhile",
				       name);
		else if (r.status / 100 != 2 && r.status != 404)
			rc = http_error(t, "removing a reminder", url, &r);
		kith_http_response_clear(&r);
	}
	free(url);
	free(cond);
	return rc;
}

static enum kith_status caldav_flush(struct kith_target *t)
{
	(void)t;
	return KITH_OK;
}

/* In the collection, from the UID: safe characters only, so the href is the name. */
static char *caldav_resource_name(struct kith_target *t, const char *uid)
{
	struct caldav *c = t->impl;
	struct kith_buf b = KITH_BUF_INIT;

	kith_buf_append(&b, c->collection ? path_of(c->collection) : "/");
	for (const char *p = uid; *p; p++) {
		char ch = *p;
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			 (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';

		kith_buf_append_n(&b, ok ? p : "-", 1);
	}
	kith_buf_append(&b, ".ics");
	return kith_buf_steal(&b);
}

/* ---- state kept in the store ---- */

static enum kith_status caldav_load_state(struct kith_target *t, const char *state)
{
	struct caldav *c = t->impl;
	const char *p = state;

	while (p && *p) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char *line = strndup(p, len), *eq;

		if (!line)
			return kith_nomem(t->ctx);
		eq = strchr(line, '=');
		if (eq) {
			*eq = '\0';
			/* The cache belongs to the URL and calendar it was found for. */
			if (!strcmp(line, "collection") && !c->collection)
				set(&c->collection, eq + 1);
			else if (!strcmp(line, "home") && !c->home)
				set(&c->home, eq + 1);
			else if (!strcmp(line, "sync"))
				c->sync = atoi(eq + 1);
			else if (!strcmp(line, "token"))
				set(&c->token, eq + 1);
			else if (!strcmp(line, "for") && strcmp(eq + 1, c->calendar ? c->calendar
										       : DEFAULT_CALENDAR)) {
				/* Another calendar was configured: rediscover. */
				free(line);
				set(&c->collection, NULL);
				set(&c->home, NULL);
				set(&c->token, NULL);
				c->sync = -1;
				return KITH_OK;
			}
		}
		free(line);
		p = end ? end + 1 : NULL;
	}
	return KITH_OK;
}

static char *caldav_save_state(struct kith_target *t)
{
	struct caldav *c = t->impl;
	struct kith_buf b = KITH_BUF_INIT;

	kith_buf_printf(&b, "for=%s\n", c->calendar ? c->calendar : DEFAULT_CALENDAR);
	if (c->collection)
		kith_buf_printf(&b, "collection=%s\n", c->collection);
	if (c->home)
		kith_buf_printf(&b, "home=%s\n", c->home);
	kith_buf_printf(&b, "sync=%d\n", c->sync);
	if (c->token)
		kith_buf_printf(&b, "token=%s\n", c->token);
	return kith_buf_steal(&b);
}

static void caldav_close(struct kith_target *t)
{
	struct caldav *c = t->impl;

	if (!c)
		return;
	kith_http_free(c->http);
	free(c->url);
	free(c->calendar);
	free(c->collection);
	free(c->home);
	free(c->token);
	free(c);
	t->impl = NULL;
}

/* Defined at the end, next to the result types they fill: what only a server answers. */
static enum kith_status caldav_calendars(struct kith_target *t, struct kith_calendar **out,
					 size_t *out_n);
static enum kith_status caldav_check(struct kith_target *t, struct kith_server_check *out);
static long caldav_request_count(const struct kith_target *t);

static const struct kith_target_ops caldav_ops = {
	.kind = "caldav",
	.list = caldav_list,
	.fetch = caldav_fetch,
	.put = caldav_put,
	.del = caldav_del,
	.flush = caldav_flush,
	.resource_name = caldav_resource_name,
	.close = caldav_close,
	.put_many = caldav_put_many,
	.load_state = caldav_load_state,
	.save_state = caldav_save_state,
	.calendars = caldav_calendars,
	.check = caldav_check,
	.request_count = caldav_request_count,
};

enum kith_status kith_target_caldav_open(struct kith_ctx *ctx, const char *url,
					 const struct kith_target_options *o,
					 struct kith_target *t)
{
	struct kith_http_options ho;
	struct caldav *c = calloc(1, sizeof(*c));
	enum kith_status rc;

	if (!c)
		return kith_nomem(ctx);
	c->sync = -1;
	memset(&ho, 0, sizeof(ho));
	if (o) {
		ho.username = o->username;
		ho.password = o->password;
		ho.allow_insecure_http = o->allow_insecure_http;
		ho.log = o->log;
		ho.log_arg = o->log_arg;
		c->create = o->create_calendar != NULL;
		c->progress = o->progress;
		c->progress_arg = o->progress_arg;
		c->have_credentials = o->username != NULL;
	}
	if (set(&c->url, url) ||
	    set(&c->calendar, o && o->create_calendar ? o->create_calendar
						      : o ? o->calendar : NULL)) {
		caldav_close(&(struct kith_target){ .impl = c });
		return kith_nomem(ctx);
	}
	rc = kith_http_new(ctx, &ho, &c->http);
	if (rc) {
		t->impl = c;
		caldav_close(t);
		return rc;
	}
	t->ops = &caldav_ops;
	t->impl = c;
	return KITH_OK;
}

static long caldav_request_count(const struct kith_target *t)
{
	const struct caldav *c = t->impl;

	return kith_http_request_count(c->http);
}

static enum kith_status caldav_calendars(struct kith_target *t, struct kith_calendar **out,
					 size_t *out_n)
{
	struct kith_dav_multistatus ms;
	struct kith_calendar *list;
	struct caldav *c;
	enum kith_status rc;
	size_t n = 0;

	c = t->impl;
	rc = list_calendars(t, &ms);
	if (rc)
		return rc;
	list = calloc(ms.n ? ms.n : 1, sizeof(*list));
	if (!list) {
		kith_dav_multistatus_clear(&ms);
		return kith_nomem(t->ctx);
	}
	for (size_t i = 0; i < ms.n; i++) {
		const struct kith_dav_item *it = &ms.items[i];

		if (!it->is_calendar)
			continue;
		list[n].url = kith_url_resolve(c->home, it->href);
		list[n].name = it->displayname ? strdup(it->displayname) : NULL;
		list[n].vtodo = !it->has_component_set || it->supports_vtodo;
		list[n].sync_collection = it->supports_sync;
		n++;
		if (!list[n - 1].url || (it->displayname && !list[n - 1].name)) {
			kith_dav_multistatus_clear(&ms);
			kith_calendar_list_free(list, n);
			return kith_nomem(t->ctx);
		}
	}
	kith_dav_multistatus_clear(&ms);
	*out = list;
	*out_n = n;
	return KITH_OK;
}

void kith_calendar_list_free(struct kith_calendar *list, size_t n)
{
	if (!list)
		return;
	for (size_t i = 0; i < n; i++) {
		free(list[i].url);
		free(list[i].name);
	}
	free(list);
}

/* ---- kith check ---- */

static const char probe_ics[] =
	"BEGIN:VCALENDAR\r\n"
	"VERSION:2.0\r\n"
	"PRODID:-//kith//kith check//EN\r\n"
	"BEGIN:VTODO\r\n"
	"UID:kith-check-probe@kith\r\n"
	"DTSTAMP:20260101T000000Z\r\n"
	"SUMMARY:kith check (a probe; kith removes it)\r\n"
	"DTSTART;VALUE=DATE:20260101\r\n"
	"DUE;VALUE=DATE:20260108\r\n"
	"RRULE:FREQ=MONTHLY;INTERVAL=3\r\n"
	"STATUS:NEEDS-ACTION\r\n"
	"END:VTODO\r\n"
	"END:VCALENDAR\r\n";

void kith_server_check_clear(struct kith_server_check *check)
{
	if (!check)
		return;
	free(check->calendar);
	memset(check, 0, sizeof(*check));
}

static enum kith_status caldav_check(struct kith_target *t, struct kith_server_check *out)
{
	struct kith_server_check chk;
	struct kith_http_response r;
	struct kith_dav_multistatus ms;
	struct caldav *c;
	enum kith_status rc;
	char *name = NULL, *tag = NULL;
	long status = 0;

	memset(&chk, 0, sizeof(chk));
	c = t->impl;
	rc = discover(t);
	if (rc)
		return rc;
	chk.calendar = strdup(c->collection);
	if (!chk.calendar)
		return kith_nomem(t->ctx);
	/* sync-collection: the report set of the calendar. */
	rc = propfind(t, c->collection, "0", KITH_PROPFIND_CALENDARS, &status, &ms);
	if (rc)
		goto fail;
	for (size_t i = 0; i < ms.n; i++)
		chk.sync_collection |= ms.items[i].supports_sync;
	kith_dav_multistatus_clear(&ms);
	/* MKCALENDAR: advertised in Allow on the home (OPTIONS). */
	if (c->home) {
		rc = run(t, "OPTIONS", c->home, NULL, NULL, &r);
		if (rc)
			goto fail;
		chk.mkcalendar = r.allow && strcasestr(r.allow, "MKCALENDAR") != NULL;
		kith_http_response_clear(&r);
	}
	/* A recurring VTODO, written and removed conditionally. */
	name = caldav_resource_name(t, "kith-check-probe");
	if (!name) {
		rc = kith_nomem(t->ctx);
		goto fail;
	}
	rc = caldav_put(t, name, probe_ics, strlen(probe_ics), NULL, &tag);
	if (rc == KITH_ERR_CONFLICT) {
		/* A probe left by an interrupted check: remove it and try once more. */
		kith_ctx_clear(t->ctx);
		caldav_del(t, name, NULL);
		rc = caldav_put(t, name, probe_ics, strlen(probe_ics), NULL, &tag);
	}
	if (rc == KITH_OK) {
		chk.rrule_in_vtodo = 1;
		chk.etag_on_put = tag != NULL;
		rc = caldav_del(t, name, tag);
	} else if (rc == KITH_ERR_INVALID || rc == KITH_ERR_AUTH) {
		/* Refused: a server that takes no recurring tasks (use plain mode). */
		kith_ctx_clear(t->ctx);
		rc = KITH_OK;
	}
	if (rc)
		goto fail;
	chk.requests = kith_http_request_count(c->http);
	free(name);
	free(tag);
	*out = chk;
	return KITH_OK;
fail:
	free(name);
	free(tag);
	kith_server_check_clear(&chk);
	return rc;
}
