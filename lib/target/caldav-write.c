/* SPDX-License-Identifier: MIT */
/*
 * CalDAV writes: conditional PUTs (If-None-Match: * to create, If-Match
 * to update), several at once over kept-alive connections, and
 * conditional DELETEs, never outside the calendar collection.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "caldav.h"
#include "ctx.h"
#include "davxml.h"
#include "http.h"
#include "url.h"

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
static enum kith_status put_result(struct kith_target *t, const char *name, const char *if_match,
				   struct kith_http_response *r, char **out_tag)
{
	*out_tag = NULL;
	if (r->error)
		return kith_fail(t->ctx, r->error, "%s",
				 r->error_msg ? r->error_msg : "no response");
	switch (r->status) {
	case 200:
	case 201:
	case 204:
		/* No ETag (or a server that rewrites what it got): the engine reads it back. */
		if (r->etag && !(*out_tag = strdup(r->etag)))
			return kith_nomem(t->ctx);
		return KITH_OK;
	case 412: return KITH_ERR_CONFLICT;
	case 207: /* Xandikos: a multistatus for a refused PUT, the reason inside */
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
					 "or use 'kith sync --plain'",
					 name);
		/*
		 * A create refused although the name is free: the server keeps
		 * the UID (Nextcloud keeps deleted items in a trash bin and
		 * refuses their UID; RFC 4791's no-uid-conflict).  The engine
		 * writes it again under a fresh UID.
		 */
		if (!if_match &&
		    (r->status == 409 ||
		     kith_davxml_error_has(r->body, r->len, KITH_NS_CALDAV, "no-uid-conflict")))
			return kith_fail(t->ctx, KITH_ERR_EXISTS,
					 "the server refused to create %s (HTTP %ld): it still "
					 "holds a reminder with that UID",
					 name, r->status);
		/* fall through */
	default: {
		struct kith_http_response copy = *r;

		return caldav_http_error(t, "writing a reminder", name, &copy);
	}
	}
}

enum kith_status caldav_put_many(struct kith_target *t, struct kith_put *puts, size_t n)
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
	if ((rc = caldav_discover(t)))
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
			caldav_set(&c->token, NULL);
			break;
		}
	if (!rc)
		rc = kith_http_run_many(c->http, reqs, n, resps, n > 1 ? c->progress : NULL,
					c->progress_arg);
	/* Each PUT has its own outcome; the engine decides what stops the sync. */
	for (size_t i = 0; i < n && !rc; i++) {
		puts[i].status =
			put_result(t, puts[i].name, puts[i].if_match, &resps[i], &puts[i].tag);
		if (puts[i].status && puts[i].status != KITH_ERR_CONFLICT) {
			puts[i].error = strdup(kith_ctx_errmsg(t->ctx));
			kith_ctx_clear(t->ctx);
			if (!puts[i].error)
				rc = kith_nomem(t->ctx);
		}
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

enum kith_status caldav_put(struct kith_target *t, const char *name, const char *bytes, size_t len,
			    const char *if_match, char **out_tag)
{
	struct kith_put p = { name, bytes, len, if_match, KITH_OK, NULL, NULL };
	enum kith_status rc = caldav_put_many(t, &p, 1);

	if (!rc && p.status == KITH_ERR_CONFLICT)
		rc = kith_fail(t->ctx, KITH_ERR_CONFLICT, "%s changed on the server meanwhile",
			       name);
	else if (!rc && p.status)
		rc = kith_fail(t->ctx, p.status, "%s", p.error);
	free(p.error);
	if (rc) {
		free(p.tag);
		return rc;
	}
	*out_tag = p.tag;
	return KITH_OK;
}

enum kith_status caldav_del(struct kith_target *t, const char *name, const char *if_match)
{
	struct caldav *c = t->impl;
	struct kith_http_request req;
	struct kith_http_response r;
	struct kith_buf b = KITH_BUF_INIT;
	const char *headers[2] = { NULL, NULL };
	enum kith_status rc;
	char *url, *cond;

	if ((rc = caldav_discover(t)))
		return rc;
	url = kith_url_resolve(c->collection, name);
	/* Never the collection, never outside it (rule 10). */
	if (url && (caldav_same_path(caldav_path_of(url), caldav_path_of(c->collection)) ||
		    strncmp(caldav_path_of(url), caldav_path_of(c->collection),
			    strlen(caldav_path_of(c->collection))))) {
		free(url);
		return kith_fail(t->ctx, KITH_ERR_INVALID,
				 "refusing to delete %s: not a reminder "
				 "in the calendar",
				 name);
	}
	kith_buf_printf(&b, "If-Match: %s", if_match ? if_match : "*");
	cond = kith_buf_steal(&b);
	if (!url || !cond) {
		free(url);
		free(cond);
		return kith_nomem(t->ctx);
	}
	headers[0] = cond;
	caldav_set(&c->token, NULL);
	memset(&req, 0, sizeof(req));
	req.method = "DELETE";
	req.url = url;
	req.headers = headers;
	rc = kith_http_run(c->http, &req, &r);
	if (!rc) {
		if (r.status == 412)
			rc = kith_fail(t->ctx, KITH_ERR_CONFLICT,
				       "%s changed on the server meanwhile", name);
		else if (r.status / 100 != 2 && r.status != 404)
			rc = caldav_http_error(t, "removing a reminder", url, &r);
		kith_http_response_clear(&r);
	}
	free(url);
	free(cond);
	return rc;
}

enum kith_status caldav_flush(struct kith_target *t)
{
	(void)t;
	return KITH_OK;
}

/* In the collection, from the UID: safe characters only, so the href is the name. */
char *caldav_resource_name(struct kith_target *t, const char *uid)
{
	struct caldav *c = t->impl;
	struct kith_buf b = KITH_BUF_INIT;

	kith_buf_append(&b, c->collection ? caldav_path_of(c->collection) : "/");
	for (const char *p = uid; *p; p++) {
		char ch = *p;
		int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			 (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.';

		kith_buf_append_n(&b, ok ? p : "-", 1);
	}
	kith_buf_append(&b, ".ics");
	return kith_buf_steal(&b);
}
