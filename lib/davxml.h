/* SPDX-License-Identifier: MIT */
/*
 * Private: WebDAV/CalDAV XML.  The only file that includes libxml2 is
 * davxml.c; no libxml2 type leaves it.
 *
 * Bodies from servers are untrusted: parsed with no network access, no
 * entity expansion, no DTD loading, no RECOVER or HUGE options; any
 * DOCTYPE is refused; the size is capped; elements are matched by
 * namespace URI and local name, never by prefix.  Request bodies are built
 * with libxml2, never with printf.
 */
#ifndef KITH_DAVXML_H
#define KITH_DAVXML_H

#include <kith/common.h>

#define KITH_NS_DAV "DAV:"
#define KITH_NS_CALDAV "urn:ietf:params:xml:ns:caldav"
#define KITH_NS_CS "http://calendarserver.org/ns/"

/* The largest XML body kith parses. */
#define KITH_DAVXML_MAX (32 * 1024 * 1024)

/* One <response> of a 207 Multi-Status, with the properties kith uses. */
struct kith_dav_item {
	char *href;            /* as sent (percent-encoded path or URL) */
	int status;            /* the response's own status (e.g. 404 in a sync report); 0: none */
	int prop_status;       /* status of the propstat holding the found props; 0: none */
	char *etag;            /* DAV:getetag, exactly as sent; may be NULL */
	char *calendar_data;   /* CALDAV:calendar-data text, line ends CRLF (XML parsing
				  turns a raw CRLF into LF; it is put back); may be NULL */
	char *displayname;     /* DAV:displayname; may be NULL */
	int is_collection;     /* DAV:resourcetype has DAV:collection */
	int is_calendar;       /* ... and CALDAV:calendar */
	int has_component_set; /* CALDAV:supported-calendar-component-set present */
	int supports_vtodo;    /* ... and lists VTODO */
	int supports_vevent;   /* ... and lists VEVENT */
	int supports_sync;     /* DAV:supported-report-set lists DAV:sync-collection */
	char *principal;       /* DAV:current-user-principal/DAV:href */
	char *calendar_home;   /* CALDAV:calendar-home-set/DAV:href */
	char *ctag;            /* CS:getctag; may be NULL */
	char *sync_token;      /* DAV:sync-token as a property; may be NULL */
};

struct kith_dav_multistatus {
	struct kith_dav_item *items;
	size_t n;
	char *sync_token; /* the top-level DAV:sync-token of a sync-collection report */
};

/*
 * Parse a 207 body.  KITH_ERR_PARSE for anything that is not a
 * well-formed DAV:multistatus (truncated, a DOCTYPE, too large, ...).
 * Ownership: kith_dav_multistatus_clear(out).
 */
enum kith_status kith_davxml_parse_multistatus(struct kith_ctx *ctx, const char *body, size_t len,
					       struct kith_dav_multistatus *out);
void kith_dav_multistatus_clear(struct kith_dav_multistatus *ms);

/*
 * 1 when an error body (RFC 4918 DAV:error) names the precondition
 * ns:name, e.g. (KITH_NS_DAV, "valid-sync-token") or
 * (KITH_NS_CALDAV, "supported-calendar-component").  0 otherwise,
 * also for a body that does not parse.
 */
int kith_davxml_error_has(const char *body, size_t len, const char *ns, const char *name);

/* Request bodies.  Ownership: free(*out). */

enum kith_dav_propfind {
	KITH_PROPFIND_PRINCIPAL, /* current-user-principal (on a root or well-known URL) */
	KITH_PROPFIND_HOME,      /* calendar-home-set (on the principal) */
	KITH_PROPFIND_CALENDARS, /* resourcetype, displayname, component set, supported-report-set,
				    getctag, sync-token */
	KITH_PROPFIND_ETAGS,     /* getetag of every member (Depth: 1) */
};

enum kith_status kith_davxml_propfind(struct kith_ctx *ctx, enum kith_dav_propfind what,
				      char **out);
/* sync-collection REPORT (RFC 6578) with getetag; token NULL or "" for the initial sync. */
enum kith_status kith_davxml_sync_collection(struct kith_ctx *ctx, const char *token, char **out);
/* calendar-multiget REPORT (RFC 4791) for getetag and calendar-data of the hrefs. */
enum kith_status kith_davxml_multiget(struct kith_ctx *ctx, const char *const *hrefs, size_t n,
				      char **out);
/* MKCALENDAR with a displayname and a VTODO-only component set. */
enum kith_status kith_davxml_mkcalendar(struct kith_ctx *ctx, const char *displayname, char **out);

#endif
