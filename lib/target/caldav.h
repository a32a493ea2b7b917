/* SPDX-License-Identifier: MIT */
/*
 * Private to the CalDAV backend, in five parts that depend one way:
 *
 *   caldav.c           listing, fetching, the state, the ops table, open
 *   caldav-check.c     `kith check`: the server's features, with a probe
 *   caldav-events.c    kith scan: the resources of the event calendars
 *   caldav-write.c     conditional PUT (batched) and DELETE
 *   caldav-discover.c  the calendar collection; `kith calendars`
 *   caldav-request.c   one request, PROPFIND, HTTP errors, href paths
 *
 * Each uses only the parts below it.
 */
#ifndef KITH_TARGET_CALDAV_H
#define KITH_TARGET_CALDAV_H

#include "buf.h"
#include "davxml.h"
#include "http.h"
#include "target.h"

#define DEFAULT_CALENDAR "kith"

struct caldav {
	struct kith_http *http;
	char *url;        /* as the user gave it */
	char *calendar;   /* wanted: display name or URL; NULL: DEFAULT_CALENDAR */
	int create;       /* MKCALENDAR it when missing */
	char *collection; /* the calendar collection URL (ends in '/') */
	char *home;       /* calendar-home-set URL */
	int sync;         /* sync-collection: -1 unknown, 0 no, 1 yes */
	char *token;
	int have_credentials;
	void (*progress)(size_t done, size_t total, void *arg);
	void *progress_arg;
};

/* caldav-request.c */
enum kith_status caldav_set(char **slot, const char *v);
const char *caldav_path_of(const char *url);
const char *caldav_href_path(const char *href);
int caldav_same_path(const char *a, const char *b);
enum kith_status caldav_http_error(struct kith_target *t, const char *what, const char *url,
				   const struct kith_http_response *r);
enum kith_status caldav_run(struct kith_target *t, const char *method, const char *url,
			    const char *depth, const char *body, struct kith_http_response *out);
enum kith_status caldav_propfind(struct kith_target *t, const char *url, const char *depth,
				 enum kith_dav_propfind what, long *out_status,
				 struct kith_dav_multistatus *ms);
/*
 * One sync-collection REPORT of collection from token (NULL: all).
 * *out_invalid when the server forgot the token; *out_unsupported when it
 * has no such report.  Ownership: kith_dav_multistatus_clear(ms).
 */
enum kith_status caldav_sync_report(struct kith_target *t, const char *collection,
				    const char *token, struct kith_dav_multistatus *ms,
				    int *out_invalid, int *out_unsupported);
#define MULTIGET_BATCH 100
/* out[i] for names[i] (href paths in collection); what: "fetching reminders", for errors. */
enum kith_status caldav_multiget(struct kith_target *t, const char *collection, const char *what,
				 const char *const *names, size_t n, struct kith_fetched *out);

/* caldav-discover.c */
enum kith_status caldav_discover(struct kith_target *t);
/* The same, with each step appended to trail ("PATH → WHAT; ..."); nothing when known. */
enum kith_status caldav_discover_noting(struct kith_target *t, struct kith_buf *trail);
enum kith_status caldav_calendars(struct kith_target *t, struct kith_calendar **out, size_t *out_n);
/* The calendars that take events, less the reminders' own (the event_calendars op). */
enum kith_status caldav_event_calendars(struct kith_target *t, struct kith_calendar **out,
					size_t *out_n);

/* caldav-write.c */
enum kith_status caldav_put_many(struct kith_target *t, struct kith_put *puts, size_t n);
enum kith_status caldav_put(struct kith_target *t, const char *name, const char *bytes, size_t len,
			    const char *if_match, char **out_tag);
enum kith_status caldav_del(struct kith_target *t, const char *name, const char *if_match);
enum kith_status caldav_flush(struct kith_target *t);
char *caldav_resource_name(struct kith_target *t, const char *uid);

/* caldav-events.c: the events op (target.h) */
enum kith_status caldav_events(struct kith_target *t, const char *url, char **token,
			       const char *const *also, size_t n_also,
			       const struct kith_event_reader *rd);

/* caldav-check.c */
enum kith_status caldav_check(struct kith_target *t, struct kith_server_check *out);

#endif
