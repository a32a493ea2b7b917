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
#include <stdarg.h>
#include <stdio.h>
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

/*
 * Where servers that lack the RFC 6764 redirect keep their DAV root, tried
 * in order from a bare origin: SOGo, Nextcloud/ownCloud, Baikal/sabre,
 * DAViCal (two layouts), Radicale behind a prefix and Fastmail.  The root
 * itself was asked first.
 */
static const char *const common_roots[] = {
	"/SOGo/dav/",   "/remote.php/dav/",     "/dav.php/",
	"/caldav.php/", "/davical/caldav.php/", "/dav/",
};

/* One step of discovery for `kith check` and the failure message: "PATH → WHAT". */
static void note(struct kith_buf *trail, const char *url, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void note(struct kith_buf *trail, const char *url, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	kith_buf_printf(trail, "%s%s \u2192 %s", trail->len ? "; " : "", caldav_path_of(url), what);
}

/* The principal a PROPFIND answered with, noted either way. Ownership: free(). */
static char *principal_of(const char *url, long status, const struct kith_dav_multistatus *ms,
			  struct kith_buf *trail)
{
	char *principal = NULL;

	for (size_t i = 0; i < ms->n && !principal; i++)
		if (ms->items[i].principal)
			principal = resolved(url, ms->items[i].principal);
	if (principal)
		note(trail, url, "principal %s", caldav_path_of(principal));
	else if (status == 207)
		note(trail, url, "%ld without a principal", status);
	else
		note(trail, url, "%ld", status);
	return principal;
}

/*
 * Follow /.well-known/caldav by hand: redirects only to the same origin.
 * *refused: the other server a redirect led to (its URL; free()), which is
 * not followed when credentials are at stake.
 */
static enum kith_status well_known(struct kith_target *t, char **out, struct kith_buf *trail,
				   char **refused)
{
	struct caldav *c = t->impl;
	char *url = kith_url_resolve(c->url, "/.well-known/caldav");
	enum kith_status rc = KITH_OK;

	if (!url)
		return kith_nomem(t->ctx);
	for (int i = 0; i < MAX_REDIRECTS; i++) {
		struct kith_dav_multistatus ms = { 0 };
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
				note(trail, url, "redirect to %s (another server: not followed)",
				     next);
				*refused = next;
				break;
			}
			note(trail, url, "redirect to %s",
			     kith_http_same_origin(url, next) ? caldav_path_of(next) : next);
			free(url);
			url = next;
			continue;
		}
		if (r.status == 207 &&
		    kith_davxml_parse_multistatus(t->ctx, r.body, r.len, &ms) != KITH_OK)
			memset(&ms, 0, sizeof(ms));
		*out = principal_of(url, r.status, &ms, trail);
		kith_dav_multistatus_clear(&ms);
		kith_ctx_clear(t->ctx);
		kith_http_response_clear(&r);
		break;
	}
	free(url);
	return rc;
}

/* Without the well-known redirect: the roots of common servers, each once, same origin. */
static enum kith_status common_root(struct kith_target *t, char **out, struct kith_buf *trail)
{
	struct caldav *c = t->impl;
	enum kith_status rc = KITH_OK;

	for (size_t i = 0; i < sizeof(common_roots) / sizeof(*common_roots) && !*out; i++) {
		struct kith_dav_multistatus ms;
		char *url = kith_url_resolve(c->url, common_roots[i]);
		long status = 0;

		if (!url)
			return kith_nomem(t->ctx);
		rc = caldav_propfind(t, url, "0", KITH_PROPFIND_PRINCIPAL, &status, &ms);
		if (rc == KITH_OK && status == 401) {
			struct kith_http_response r = { .status = 401 };

			rc = caldav_http_error(t, "discovery", url, &r);
		}
		if (rc == KITH_ERR_PARSE) {
			/* Not a DAV answer (an error page that claims 207): next. */
			kith_ctx_clear(t->ctx);
			note(trail, url, "%ld, not a DAV answer", status);
			rc = KITH_OK;
		} else if (rc == KITH_OK) {
			*out = principal_of(url, status, &ms, trail);
		}
		kith_dav_multistatus_clear(&ms);
		free(url);
		if (rc)
			return rc;
	}
	return rc;
}

static enum kith_status find_home(struct kith_target *t, struct kith_buf *trail)
{
	struct caldav *c = t->impl;
	struct kith_dav_multistatus ms;
	char *principal = NULL, *refused = NULL;
	enum kith_status rc;
	long status = 0;
	const char *path = caldav_path_of(c->url);

	rc = caldav_propfind(t, c->url, "0", KITH_PROPFIND_PRINCIPAL, &status, &ms);
	if (rc)
		return rc;
	if (status == 401) {
		struct kith_http_response r = { .status = 401 };

		return caldav_http_error(t, "discovery", c->url, &r);
	}
	principal = principal_of(c->url, status, &ms, trail);
	kith_dav_multistatus_clear(&ms);
	if (!principal) {
		rc = well_known(t, &principal, trail, &refused);
		if (rc)
			return rc;
	}
	/* Only a bare origin: a URL with a path names where the service is. */
	if (!principal && (!*path || !strcmp(path, "/"))) {
		rc = common_root(t, &principal, trail);
		if (rc) {
			free(refused);
			return rc;
		}
	}
	if (!principal && refused) {
		rc = kith_fail(t->ctx, KITH_ERR_INVALID,
			       "%s: /.well-known/caldav redirects to another server (%s); give "
			       "that server's URL if you trust it (tried: %s)",
			       c->url, refused, kith_buf_str(trail));
		free(refused);
		return rc;
	}
	free(refused);
	if (!principal)
		return kith_fail(t->ctx, KITH_ERR_NOT_FOUND,
				 "%s: no CalDAV service found (tried: %s); give the calendar's URL",
				 c->url, kith_buf_str(trail));
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
static enum kith_status list_calendars(struct kith_target *t, struct kith_dav_multistatus *ms,
				       struct kith_buf *trail)
{
	struct caldav *c = t->impl;
	enum kith_status rc;
	long status = 0;

	if (!c->home && (rc = find_home(t, trail)))
		return rc;
	rc = caldav_propfind(t, c->home, "1", KITH_PROPFIND_CALENDARS, &status, ms);
	if (!rc && status != 207) {
		struct kith_http_response r = { .status = status };

		rc = caldav_http_error(t, "listing calendars", c->home, &r);
	}
	return rc;
}

enum kith_status caldav_discover_noting(struct kith_target *t, struct kith_buf *trail)
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
			note(trail, c->url, "a calendar");
		}
	}
	kith_dav_multistatus_clear(&ms);
	if (c->collection)
		return KITH_OK;
	rc = list_calendars(t, &ms, trail);
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

enum kith_status caldav_discover(struct kith_target *t)
{
	struct kith_buf trail = KITH_BUF_INIT;
	enum kith_status rc = caldav_discover_noting(t, &trail);

	kith_buf_free(&trail);
	return rc;
}

enum kith_status caldav_calendars(struct kith_target *t, struct kith_calendar **out, size_t *out_n)
{
	struct kith_dav_multistatus ms;
	struct kith_buf trail = KITH_BUF_INIT;
	struct kith_calendar *list;
	struct caldav *c;
	enum kith_status rc;
	size_t n = 0;

	c = t->impl;
	rc = list_calendars(t, &ms, &trail);
	kith_buf_free(&trail);
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

/*
 * The calendars that take events, for kith scan: not the one kith keeps
 * its reminders in (by display name or URL, as discovery picks it), which
 * holds no meetings.  No discovery of that calendar: scanning must not
 * create it.
 */
enum kith_status caldav_event_calendars(struct kith_target *t, struct kith_calendar **out,
					size_t *out_n)
{
	struct caldav *c = t->impl;
	const char *want = c->calendar ? c->calendar : DEFAULT_CALENDAR;
	struct kith_calendar *all = NULL;
	size_t n_all = 0, n = 0;
	struct kith_dav_multistatus ms;
	struct kith_buf trail = KITH_BUF_INIT;
	enum kith_status rc;

	*out = NULL;
	*out_n = 0;
	rc = list_calendars(t, &ms, &trail);
	kith_buf_free(&trail);
	if (rc)
		return rc;
	all = calloc(ms.n ? ms.n : 1, sizeof(*all));
	if (!all) {
		kith_dav_multistatus_clear(&ms);
		return kith_nomem(t->ctx);
	}
	for (size_t i = 0; i < ms.n && !rc; i++) {
		const struct kith_dav_item *it = &ms.items[i];
		const char *p = caldav_href_path(it->href);

		if (!it->is_calendar || (it->has_component_set && !it->supports_vevent) ||
		    matches(it, c->home, want) || caldav_same_path(p, caldav_path_of(c->url)) ||
		    (c->collection && caldav_same_path(p, caldav_path_of(c->collection))))
			continue;
		all[n].url = kith_url_resolve(c->home, it->href);
		all[n].name = it->displayname ? strdup(it->displayname) : NULL;
		all[n].vtodo = !it->has_component_set || it->supports_vtodo;
		all[n].sync_collection = it->supports_sync;
		n++;
		if (!all[n - 1].url || (it->displayname && !all[n - 1].name))
			rc = kith_nomem(t->ctx);
	}
	n_all = n;
	kith_dav_multistatus_clear(&ms);
	if (rc) {
		kith_calendar_list_free(all, n_all);
		return rc;
	}
	*out = all;
	*out_n = n_all;
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
