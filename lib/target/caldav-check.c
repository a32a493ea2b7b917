/* SPDX-License-Identifier: MIT */
/*
 * `kith check`: what a CalDAV server supports, asked of it -- the
 * sync-collection report, MKCALENDAR, and a recurring VTODO written and
 * removed conditionally.
 */
#define _GNU_SOURCE /* strcasestr */
#include <stdlib.h>
#include <string.h>

#include "caldav.h"
#include "ctx.h"
#include "davxml.h"
#include "http.h"

static const char probe_ics[] = "BEGIN:VCALENDAR\r\n"
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
	free(check->discovery);
	memset(check, 0, sizeof(*check));
}

enum kith_status caldav_check(struct kith_target *t, struct kith_server_check *out)
{
	struct kith_server_check chk;
	struct kith_http_response r;
	struct kith_dav_multistatus ms;
	struct kith_buf trail = KITH_BUF_INIT;
	struct caldav *c;
	enum kith_status rc;
	char *name = NULL, *tag = NULL;
	long status = 0;

	memset(&chk, 0, sizeof(chk));
	c = t->impl;
	rc = caldav_discover_noting(t, &trail);
	if (rc) {
		kith_buf_free(&trail);
		return rc;
	}
	if (trail.len && !(chk.discovery = kith_buf_steal(&trail))) {
		kith_buf_free(&trail);
		return kith_nomem(t->ctx);
	}
	kith_buf_free(&trail);
	chk.calendar = strdup(c->collection);
	if (!chk.calendar) {
		kith_server_check_clear(&chk);
		return kith_nomem(t->ctx);
	}
	/* sync-collection: the report set of the calendar. */
	rc = caldav_propfind(t, c->collection, "0", KITH_PROPFIND_CALENDARS, &status, &ms);
	if (rc)
		goto fail;
	for (size_t i = 0; i < ms.n; i++)
		chk.sync_collection |= ms.items[i].supports_sync;
	kith_dav_multistatus_clear(&ms);
	/* MKCALENDAR: advertised in Allow on the home (OPTIONS). */
	if (c->home) {
		rc = caldav_run(t, "OPTIONS", c->home, NULL, NULL, &r);
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
