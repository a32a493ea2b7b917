/* SPDX-License-Identifier: MIT */
/*
 * kith scan's side of the CalDAV backend: the event resources of one of
 * the account's calendars, for their meetings.  From a sync token, one
 * sync-collection REPORT names what changed (a re-scan with nothing new
 * is that one request); a forgotten token starts over, and a server
 * without the report is listed whole (Depth: 1 PROPFIND).  The resources
 * are read with calendar-multiget, like the reminders.  What is gone
 * needs nothing: a meeting that happened stays a touch.
 */
#include <stdlib.h>
#include <string.h>

#include "caldav.h"
#include "ctx.h"
#include "davxml.h"
#include "url.h"

struct names {
	const char **items; /* borrowed: from the multistatus or `also` */
	size_t n;
};

static int has(const struct names *l, const char *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (caldav_same_path(l->items[i], p))
			return 1;
	return 0;
}

/* A member of the collection (not itself, not a sub-collection), once. */
static void add_member(struct names *l, const char *collection, const char *href, int is_coll)
{
	const char *p = caldav_href_path(href), *why = NULL;
	size_t n = strlen(p);
	char *url;

	if (!n || p[n - 1] == '/' || is_coll || caldav_same_path(p, caldav_path_of(collection)) ||
	    has(l, p))
		return;
	/* Never ask for what lies outside the collection the server was asked about. */
	url = kith_url_member(collection, href, &why);
	if (url)
		l->items[l->n++] = p;
	free(url);
}

/* The changed members since token, into l (room for ms->n more); *token updated. */
static enum kith_status changed(struct kith_target *t, const char *collection, char **token,
				struct kith_dav_multistatus *ms, int *full)
{
	enum kith_status rc;
	int invalid = 0, unsupported = 0;
	const char *from = *token && **token ? *token : NULL;

	*full = 0;
	rc = caldav_sync_report(t, collection, from, ms, &invalid, &unsupported);
	if (!rc && invalid)
		rc = caldav_sync_report(t, collection, NULL, ms, &invalid, &unsupported);
	if (rc)
		return rc;
	if (unsupported) {
		long status = 0;

		*full = 1;
		rc = caldav_propfind(t, collection, "1", KITH_PROPFIND_ETAGS, &status, ms);
		if (!rc && status != 207) {
			struct kith_http_response r = { .status = status };

			kith_dav_multistatus_clear(ms);
			return caldav_http_error(t, "listing the calendar", collection, &r);
		}
		if (!rc && caldav_set(token, NULL))
			rc = kith_nomem(t->ctx);
		return rc;
	}
	if (caldav_set(token, ms->sync_token))
		rc = kith_nomem(t->ctx);
	return rc;
}

enum kith_status caldav_events(struct kith_target *t, const char *collection, char **token,
			       const char *const *also, size_t n_also,
			       const struct kith_event_reader *rd)
{
	struct kith_dav_multistatus ms;
	struct kith_fetched *got = NULL;
	struct names l = { NULL, 0 };
	enum kith_status rc;
	size_t n_changed;
	int full = 0;

	rc = changed(t, collection, token, &ms, &full);
	if (rc)
		return rc;
	l.items = calloc(ms.n + n_also + 1, sizeof(*l.items));
	if (!l.items) {
		kith_dav_multistatus_clear(&ms);
		return kith_nomem(t->ctx);
	}
	for (size_t i = 0; i < ms.n && !rc; i++) {
		const struct kith_dav_item *it = &ms.items[i];

		if (it->status == 404)
			rc = rd->gone(caldav_href_path(it->href), rd->arg);
		/* In a PROPFIND, what has no ETag to show is no resource. */
		else if (!full || it->prop_status / 100 == 2)
			add_member(&l, collection, it->href, it->is_collection);
	}
	n_changed = l.n;
	for (size_t i = 0; i < n_also; i++)
		add_member(&l, collection, also[i], 0);
	for (size_t start = 0; start < l.n && !rc; start += MULTIGET_BATCH) {
		size_t count = l.n - start < MULTIGET_BATCH ? l.n - start : MULTIGET_BATCH;

		got = calloc(count, sizeof(*got));
		if (!got) {
			rc = kith_nomem(t->ctx);
			break;
		}
		rc = caldav_multiget(t, collection, "fetching events", l.items + start, count, got);
		for (size_t k = 0; k < count && !rc; k++) {
			if (got[k].bytes)
				rc = rd->resource(l.items[start + k], got[k].bytes, got[k].len,
						  start + k < n_changed, rd->arg);
			else if (got[k].error)
				rc = rd->unreadable(l.items[start + k], got[k].error, rd->arg);
			else /* gone since it was listed, or since it was kept */
				rc = rd->gone(l.items[start + k], rd->arg);
		}
		for (size_t k = 0; k < count; k++)
			kith_fetched_clear(&got[k]);
		free(got);
		got = NULL;
	}
	free(l.items);
	kith_dav_multistatus_clear(&ms);
	return rc;
}
