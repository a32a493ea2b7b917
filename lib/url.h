/* SPDX-License-Identifier: MIT */
/* Private: URLs without the network (url.c). */
#ifndef KITH_URL_H
#define KITH_URL_H

/* Resolve a possibly relative reference (an href) against a base URL. Ownership: free(). */
char *kith_url_resolve(const char *base, const char *ref);

/*
 * href resolved against collection (an absolute URL ending in '/') when it
 * names a direct member of that collection; NULL otherwise, with *why
 * saying why for people (another server, outside the collection, a dot
 * segment or a slash hidden by percent-encoding, control characters), or
 * *why NULL when out of memory.  Paths are compared percent-decoded.
 * Ownership: free().
 */
char *kith_url_member(const char *collection, const char *href, const char **why);

/* 1 for localhost, 127.0.0.0/8, [::1] and [::ffff:127.x.y.z]. */
int kith_url_host_is_loopback(const char *host);

/*
 * A URL fit for a message or a log: any user:password@ is cut out and
 * control characters are replaced.  Ownership: free(); NULL when out of
 * memory.
 */
char *kith_url_redacted(const char *url);

#endif
