/* SPDX-License-Identifier: MIT */
/*
 * The CalDAV backend's requests: one HTTP request with its XML body and
 * Depth, a PROPFIND with its 207 parsed, an HTTP failure as a message,
 * and the path comparisons every part needs for hrefs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caldav.h"
#include "ctx.h"
#include "davxml.h"
#include "http.h"

static const char *const xml_headers[] = {
	"Content-Type: application/xml; charset=utf-8",
	NULL,
};

enum kith_status caldav_set(char **slot, const char *v)
{
	char *copy = NULL;

	if (v && !(copy = strdup(v)))
		return KITH_ERR_NOMEM;
	free(*slot);
	*slot = copy;
	return KITH_OK;
}

/* The path of an absolute URL ("/kith/cal/"), for comparing with hrefs. */
const char *caldav_path_of(const char *url)
{
	const char *p = strstr(url, "://");

	if (!p)
		return url;
	p = strchr(p + 3, '/');
	return p ? p : "/";
}

/* An href as the path it names (a server may send a full URL). */
const char *caldav_href_path(const char *href)
{
	return strstr(href, "://") ? caldav_path_of(href) : href;
}

int caldav_same_path(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 1 && a[la - 1] == '/')
		la--;
	while (lb > 1 && b[lb - 1] == '/')
		lb--;
	return la == lb && !strncmp(a, b, la);
}

enum kith_status caldav_http_error(struct kith_target *t, const char *what, const char *url,
				   const struct kith_http_response *r)
{
	struct caldav *c = t->impl;

	switch (r->status) {
	case 401:
		return kith_fail(t->ctx, KITH_ERR_AUTH,
				 "%s: the server refused the %s (HTTP 401): check the username "
				 "and password",
				 url,
				 c->have_credentials ? "username or password"
						     : "request without a password");
	case 403:
		return kith_fail(t->ctx, KITH_ERR_AUTH, "%s: %s was refused (HTTP 403)", url, what);
	case 404:
		return kith_fail(t->ctx, KITH_ERR_NOT_FOUND, "%s: not found (HTTP 404) while %s",
				 url, what);
	case 429:
	case 503:
		/* kith_http_run_many has already waited and retried within its bound. */
		return kith_fail(t->ctx, KITH_ERR_NETWORK,
				 "%s: the server is busy (HTTP %ld) while %s, also after "
				 "retrying; try again later",
				 url, r->status, what);
	default:
		return kith_fail(t->ctx, KITH_ERR_IO, "%s: unexpected HTTP %ld while %s", url,
				 r->status, what);
	}
}

/* Runs one request; a transport failure is an error (message in ctx). */
enum kith_status caldav_run(struct kith_target *t, const char *method, const char *url,
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
enum kith_status caldav_propfind(struct kith_target *t, const char *url, const char *depth,
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
	rc = caldav_run(t, "PROPFIND", url, depth, body, &r);
	free(body);
	if (rc)
		return rc;
	*out_status = r.status;
	if (r.status == 207)
		rc = kith_davxml_parse_multistatus(t->ctx, r.body, r.len, ms);
	kith_http_response_clear(&r);
	return rc;
}

/*
 * One sync-collection REPORT of collection.  *out_invalid when the server forgot the
 * token; *out_unsupported when it has no such report.
 */
enum kith_status caldav_sync_report(struct kith_target *t, const char *collection,
				    const char *token, struct kith_dav_multistatus *ms,
				    int *out_invalid, int *out_unsupported)
{
	struct kith_http_response r;
	enum kith_status rc;
	char *body = NULL;

	*out_invalid = *out_unsupported = 0;
	memset(ms, 0, sizeof(*ms));
	rc = kith_davxml_sync_collection(t->ctx, token, &body);
	if (!rc)
		rc = caldav_run(t, "REPORT", collection, "0", body, &r);
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
	} else if (token &&
		   (r.status == 403 || r.status == 409 || r.status == 412 || r.status == 500)) {
		/* Some servers say no more than that about an old token (Xandikos: 500). */
		*out_invalid = 1;
	} else {
		rc = caldav_http_error(t, "listing changes", collection, &r);
	}
	kith_http_response_clear(&r);
	return rc;
}

/*
 * One calendar-multiget of names[0..n) (href paths) in collection.  An answer that is too large or
 * does not parse is asked again in halves, down to the one item it is
 * about, which gets an error: a 20 MiB attachment among small reminders,
 * or one item the server cannot serialise, holds back that item alone.
 */
enum kith_status caldav_multiget(struct kith_target *t, const char *collection, const char *what,
				 const char *const *names, size_t n, struct kith_fetched *out)
{
	struct kith_dav_multistatus ms;
	struct kith_http_response r;
	enum kith_status rc;
	char *body = NULL;

	rc = kith_davxml_multiget(t->ctx, names, n, &body);
	if (!rc)
		rc = caldav_run(t, "REPORT", collection, "1", body, &r);
	free(body);
	if (!rc && r.status != 207) {
		rc = caldav_http_error(t, what, collection, &r);
		kith_http_response_clear(&r);
	}
	if (!rc) {
		rc = kith_davxml_parse_multistatus(t->ctx, r.body, r.len, &ms);
		kith_http_response_clear(&r);
	}
	if (rc == KITH_ERR_PARSE && n > 1) {
		kith_ctx_clear(t->ctx);
		rc = caldav_multiget(t, collection, what, names, n / 2, out);
		return rc ? rc
			  : caldav_multiget(t, collection, what, names + n / 2, n - n / 2,
					    out + n / 2);
	}
	if (rc == KITH_ERR_PARSE) {
		rc = kith_fetched_fail(&out[0], "%s", kith_ctx_errmsg(t->ctx)) ? kith_nomem(t->ctx)
									       : KITH_OK;
		kith_ctx_clear(t->ctx);
		return rc;
	}
	if (rc)
		return rc;
	for (size_t k = 0; k < ms.n && !rc; k++) {
		const struct kith_dav_item *it = &ms.items[k];

		if (!it->calendar_data)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (out[i].bytes || !caldav_same_path(caldav_href_path(it->href), names[i]))
				continue;
			out[i].bytes = strdup(it->calendar_data);
			out[i].len = out[i].bytes ? strlen(out[i].bytes) : 0;
			out[i].tag = kith_tag_is_valid(it->etag) ? strdup(it->etag) : NULL;
			if (!out[i].bytes || (kith_tag_is_valid(it->etag) && !out[i].tag))
				rc = kith_nomem(t->ctx);
		}
	}
	kith_dav_multistatus_clear(&ms);
	return rc;
}
