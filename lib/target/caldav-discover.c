/* SPDX-License-Identifier: MIT */
/*
 * CalDAV discovery, once (the result is kept in the store): the URL
 * itself if it is a calendar, else RFC 6764 /.well-known/caldav
 * (redirects followed by hand, same origin only), DAV:current-user-
 * principal, CALDAV:calendar-home-set, and the calendars there; the
 * configured one is picked by display name or URL, or created with
 * MKCALENDAR.  The same listing of the home answers `kith calendars`.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "caldav.h"
#include "ctx.h"
#include "davxml.h"
#include "http.h"
#include "url.h"

#define MAX_REDIRECTS 5

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
			rc = caldav_run(t, "PROPFIND", url, "0", body, &r);
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
					       "server's URL if you trust it",
					       url, next);
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

	rc = caldav_propfind(t, c->url, "0", KITH_PROPFIND_PRINCIPAL, &status, &ms);
	if (rc)
		return rc;
	if (status == 401) {
		struct kith_http_response r = { .status = 401 };

		return caldav_http_error(t, "discovery", c->url, &r);
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
				 "/.well-known/caldav leads nowhere); give the calendar's URL",
				 c->url);
	rc = caldav_propfind(t, principal, "0", KITH_PROPFIND_HOME, &status, &ms);
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
	yes = url &&
	      (caldav_same_path(caldav_path_of(url), caldav_href_path(want)) || !strcmp(url, want));
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
		rc = caldav_run(t, "MKCALENDAR", url, NULL, body, &r);
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
		rc = caldav_http_error(t, "creating the calendar", url, &r);
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
	rc = caldav_propfind(t, c->home, "1", KITH_PROPFIND_CALENDARS, &status, ms);
	if (!rc && status != 207) {
		struct kith_http_response r = { .status = status };

		rc = caldav_http_error(t, "listing calendars", c->home, &r);
	}
	return rc;
}

enum kith_status caldav_discover(struct kith_target *t)
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
	rc = caldav_propfind(t, c->url, "0", KITH_PROPFIND_CALENDARS, &status, &ms);
	if (rc)
		return rc;
	if (status == 401) {
		struct kith_http_response r = { .status = 401 };

		kith_dav_multistatus_clear(&ms);
		return caldav_http_error(t, "discovery", c->url, &r);
	}
	for (size_t i = 0; i < ms.n; i++) {
		const struct kith_dav_item *it = &ms.items[i];

		if (it->is_calendar &&
		    caldav_same_path(caldav_href_path(it->href), caldav_path_of(c->url))) {
			if (it->has_component_set && !it->supports_vtodo) {
				kith_dav_multistatus_clear(&ms);
				return kith_fail(t->ctx, KITH_ERR_INVALID,
						 "the calendar %s does not accept tasks (VTODO); "
						 "pick another or use --create-calendar NAME",
						 c->url);
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
					 "another or use --create-calendar NAME",
					 want);
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
				       "'kith sync --create-calendar \"%s\"'",
				       want, c->home, names.len ? names.data : "none", want);
	}
	kith_buf_free(&names);
	return rc;
}

enum kith_status caldav_calendars(struct kith_target *t, struct kith_calendar **out, size_t *out_n)
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
