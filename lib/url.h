/* SPDX-License-Identifier: MIT */
/* Private: URLs without the network (url.c). */
#ifndef KITH_URL_H
#define KITH_URL_H

/* Resolve a possibly relative reference (an href) against a base URL. Ownership: free(). */
char *kith_url_resolve(const char *base, const char *ref);

/* 1 for localhost, 127.0.0.0/8, [::1] and [::ffff:127.x.y.z]. */
int kith_url_host_is_loopback(const char *host);

/*
 * A URL fit for a message or a log: any user:password@ is cut out and
 * control characters are replaced.  Ownership: free(); NULL when out of
 * memory.
 */
char *kith_url_redacted(const char *url);

#endif
