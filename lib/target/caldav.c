/* SPDX-License-Identifier: MIT */
/*
 * The CalDAV target (RFC 4791): one calendar collection on a server.
 * This file lists and fetches, keeps the state in the store and opens
 * the target; caldav.h says where the other parts live.
 *
 * Listing: a sync-collection REPORT (RFC 6578) from the last token when
 * the server has it -- a sync with nothing changed is that one request --
 * else a Depth: 1 PROPFIND of getetag.  A forgotten token (the
 * DAV:valid-sync-token precondition, whatever the status code) falls back
 * to a full listing that is partial for deletions.  Fetching is
 * calendar-multiget in batches.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "caldav.h"
#include "ctx.h"
#include "davxml.h"
#include "http.h"
#include "url.h"

/* ---- listing ---- */

/*
 * The name of a member of the collection as listed (not the collection
 * itself, not a sub-collection), or NULL to leave the item out.  What the
 * server says that kith will not take is noted for the user and never
 * requested or stored (rule 23): an href outside the collection, an ETag
 * that is no header value (the item is then read again for one).
 */
static const char *member(struct kith_target *t, struct kith_listing *l,
			  const struct kith_dav_item *it, const char **tag, enum kith_status *rc)
{
	struct caldav *c = t->impl;
	const char *p = caldav_href_path(it->href), *why = NULL;
	size_t n = strlen(p);
	char *url;

	*tag = NULL;
	if (!n || p[n - 1] == '/' || it->is_collection ||
	    caldav_same_path(p, caldav_path_of(c->collection)))
		return NULL;
	url = kith_url_member(c->collection, it->href, &why);
	if (!url) {
		char *shown = why ? kith_url_redacted(it->href) : NULL;

		if (!why || !shown ||
		    kith_listing_note(l, "the server listed %s, but %s; ignored", shown, why) !=
			    KITH_OK)
			*rc = kith_nomem(t->ctx);
		free(shown);
		return NULL;
	}
	free(url);
	if (it->etag && !kith_tag_is_valid(it->etag) &&
	    kith_listing_note(l,
			      "%s: the server sent an ETag that is not a valid header value; "
			      "read again for one",
			      p) != KITH_OK)
		*rc = kith_nomem(t->ctx);
	*tag = kith_tag_is_valid(it->etag) ? it->etag : NULL;
	return p;
}

static enum kith_status full_listing(struct kith_target *t, struct kith_listing *out)
{
	struct caldav *c = t->impl;
	struct kith_dav_multistatus ms;
	enum kith_status rc;
	long status = 0;

	rc = caldav_propfind(t, c->collection, "1", KITH_PROPFIND_ETAGS, &status, &ms);
	if (rc)
		return rc;
	if (status != 207) {
		struct kith_http_response r = { .status = status };

		return caldav_http_error(t, "listing the calendar", c->collection, &r);
	}
	for (size_t i = 0; i < ms.n && !rc; i++) {
		const char *tag, *name = member(t, out, &ms.items[i], &tag, &rc);

		if (name && ms.items[i].prop_status / 100 == 2 &&
		    kith_listing_add(out, name, tag) != KITH_OK)
			rc = kith_nomem(t->ctx);
	}
	kith_dav_multistatus_clear(&ms);
	return rc;
}

static enum kith_status caldav_list(struct kith_target *t, struct kith_listing *out)
{
	struct caldav *c = t->impl;
	struct kith_listing l = { 0 };
	struct kith_dav_multistatus ms;
	enum kith_status rc;
	int invalid = 0, unsupported = 0;

	rc = caldav_discover(t);
	if (rc)
		return rc;
	if (c->sync != 0) {
		/* From a token the server answers with what changed since. */
		l.delta = c->token && *c->token;
		rc = caldav_sync_report(t, c->collection, l.delta ? c->token : NULL, &ms, &invalid,
					&unsupported);
		if (!rc && invalid) {
			/* Start over from no token; that listing deletes nothing. */
			l.partial = 1;
			l.delta = 0;
			rc = caldav_sync_report(t, c->collection, NULL, &ms, &invalid,
						&unsupported);
		}
		if (rc)
			goto fail;
		if (unsupported) {
			c->sync = 0;
			caldav_set(&c->token, NULL);
			l.delta = 0;
		} else {
			c->sync = 1;
			for (size_t k = 0; k < ms.n && !rc; k++) {
				const struct kith_dav_item *it = &ms.items[k];
				const char *tag, *name = member(t, &l, it, &tag, &rc);

				if (!name)
					continue;
				if (it->status == 404) {
					/* Only a delta names what went; a full listing omits it. */
					if (l.delta && kith_listing_gone(&l, name) != KITH_OK)
						rc = kith_nomem(t->ctx);
				} else if (kith_listing_add(&l, name, tag) != KITH_OK) {
					rc = kith_nomem(t->ctx);
				}
			}
			if (!rc && caldav_set(&c->token, ms.sync_token))
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
	const char **ask = NULL;
	size_t *at = NULL, n_ask = 0, failed = 0;
	struct kith_fetched *got = NULL;
	enum kith_status rc = KITH_OK;

	for (size_t i = 0; i < n; i++)
		memset(&out[i], 0, sizeof(out[i]));
	if (!n)
		return KITH_OK;
	if ((rc = caldav_discover(t)))
		return rc;
	ask = calloc(n, sizeof(*ask));
	at = calloc(n, sizeof(*at));
	got = calloc(n, sizeof(*got));
	if (!ask || !at || !got) {
		rc = kith_nomem(t->ctx);
		goto out;
	}
	/* Never ask for what is not in the collection (a name stored by an older kith). */
	for (size_t i = 0; i < n && !rc; i++) {
		const char *why = NULL;
		char *url = kith_url_member(c->collection, names[i], &why);

		if (url) {
			ask[n_ask] = names[i];
			at[n_ask++] = i;
		} else if (!why || kith_fetched_fail(&out[i], "%s; not requested", why)) {
			rc = kith_nomem(t->ctx);
		}
		free(url);
	}
	for (size_t start = 0; start < n_ask && !rc; start += MULTIGET_BATCH) {
		size_t count = n_ask - start < MULTIGET_BATCH ? n_ask - start : MULTIGET_BATCH;

		rc = caldav_multiget(t, c->collection, "fetching reminders", ask + start, count,
				     got + start);
	}
	for (size_t k = 0; k < n_ask && !rc; k++) {
		failed += got[k].error != NULL;
		out[at[k]] = got[k];
		memset(&got[k], 0, sizeof(got[k]));
	}
	/* Not one item readable: that is the server, not an item. */
	if (!rc && n_ask > 1 && failed == n_ask)
		rc = kith_fail(t->ctx, KITH_ERR_PARSE, "%s: cannot read the reminders: %s",
			       c->collection, out[at[0]].error);
out:
	for (size_t k = 0; got && k < n; k++)
		kith_fetched_clear(&got[k]);
	free(got);
	free(ask);
	free(at);
	if (rc)
		for (size_t i = 0; i < n; i++)
			kith_fetched_clear(&out[i]);
	return rc;
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
				caldav_set(&c->collection, eq + 1);
			else if (!strcmp(line, "home") && !c->home)
				caldav_set(&c->home, eq + 1);
			else if (!strcmp(line, "sync"))
				c->sync = atoi(eq + 1);
			else if (!strcmp(line, "token"))
				caldav_set(&c->token, eq + 1);
			else if (!strcmp(line, "for") &&
				 strcmp(eq + 1, c->calendar ? c->calendar : DEFAULT_CALENDAR)) {
				/* Another calendar was configured: rediscover. */
				free(line);
				caldav_set(&c->collection, NULL);
				caldav_set(&c->home, NULL);
				caldav_set(&c->token, NULL);
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

static long caldav_request_count(const struct kith_target *t)
{
	const struct caldav *c = t->impl;

	return kith_http_request_count(c->http);
}

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
	.event_calendars = caldav_event_calendars,
	.events = caldav_events,
};

enum kith_status kith_target_caldav_open(struct kith_ctx *ctx, const char *url,
					 const struct kith_target_options *o, struct kith_target *t)
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
	if (caldav_set(&c->url, url) ||
	    caldav_set(&c->calendar, o && o->create_calendar ? o->create_calendar
				     : o                     ? o->calendar
							     : NULL)) {
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
