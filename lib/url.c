/* SPDX-License-Identifier: MIT */
/*
 * URLs as the CalDAV client needs them, without the network: resolving an
 * href against a base (RFC 3986, section 5), telling a loopback host, and
 * a URL fit for a message (no credentials, no control characters).
 * Comparing origins is http.c's: it parses with libcurl.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "url.h"

/*
 * A URL fit for a message or a log: any user:password@ is cut out and
 * control characters are replaced.  Ownership: free(); NULL when out of
 * memory.
 */
char *kith_url_redacted(const char *url)
{
	struct kith_buf b = KITH_BUF_INIT;
	const char *p = url, *auth = strstr(url, "://"), *end, *at = NULL;

	if (auth) {
		auth += 3;
		end = auth + strcspn(auth, "/?#");
		for (const char *q = auth; q < end; q++)
			if (*q == '@')
				at = q;
	}
	for (; *p; p++) {
		if (at && p == auth) {
			kith_buf_append(&b, "[redacted]");
			p = at;
		}
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			kith_buf_append_n(&b, "?", 1);
		else
			kith_buf_append_n(&b, p, 1);
	}
	return kith_buf_steal(&b);
}

int kith_url_host_is_loopback(const char *host)
{
	unsigned char a4[4];
	struct in6_addr a6;
	char tmp[64];
	size_t n = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, a4) == 1)
		return a4[0] == 127;
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof(tmp)) {
		memcpy(tmp, host + 1, n - 2);
		tmp[n - 2] = '\0';
		if (inet_pton(AF_INET6, tmp, &a6) != 1)
			return 0;
		if (IN6_IS_ADDR_LOOPBACK(&a6))
			return 1;
		/* ::ffff:127.x.y.z */
		return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
	}
	return 0;
}

/* The five parts of a URI reference (RFC 3986, appendix B). */
struct uri {
	const char *scheme, *auth, *path, *query, *frag;
	size_t scheme_len, auth_len, path_len, query_len, frag_len;
	int has_scheme, has_auth, has_query, has_frag;
};

static void split_uri(const char *s, struct uri *u)
{
	const char *p = s;
	size_t n;

	memset(u, 0, sizeof(*u));
	n = strcspn(p, ":/?#");
	if (n > 0 && p[n] == ':' &&
	    ((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z'))) {
		u->has_scheme = 1;
		u->scheme = p;
		u->scheme_len = n;
		p += n + 1;
	}
	if (p[0] == '/' && p[1] == '/') {
		p += 2;
		u->has_auth = 1;
		u->auth = p;
		u->auth_len = strcspn(p, "/?#");
		p += u->auth_len;
	}
	u->path = p;
	u->path_len = strcspn(p, "?#");
	p += u->path_len;
	if (*p == '?') {
		p++;
		u->has_query = 1;
		u->query = p;
		u->query_len = strcspn(p, "#");
		p += u->query_len;
	}
	if (*p == '#') {
		p++;
		u->has_frag = 1;
		u->frag = p;
		u->frag_len = strlen(p);
	}
}

/* RFC 3986 5.2.4: in[0..n) without "." and ".." segments, appended to out. */
static void remove_dot_segments(struct kith_buf *out, const char *in, size_t n)
{
	size_t start = out->len;

	while (n > 0) {
		if (n >= 3 && strncmp(in, "../", 3) == 0) {
			in += 3;
			n -= 3;
		} else if (n >= 2 && strncmp(in, "./", 2) == 0) {
			in += 2;
			n -= 2;
		} else if (n >= 3 && strncmp(in, "/./", 3) == 0) {
			in += 2;
			n -= 2;
		} else if (n == 2 && strncmp(in, "/.", 2) == 0) {
			/* "/." becomes "/" */
			kith_buf_append(out, "/");
			n = 0;
		} else if ((n >= 4 && strncmp(in, "/../", 4) == 0) ||
			   (n == 3 && strncmp(in, "/..", 3) == 0)) {
			/* drop the last output segment; "/.." becomes "/" */
			while (out->len > start && out->data[out->len - 1] != '/')
				out->len--;
			if (out->len > start)
				out->len--;
			if (out->data)
				out->data[out->len] = '\0';
			if (n == 3) {
				kith_buf_append(out, "/");
				n = 0;
			} else {
				in += 3;
				n -= 3;
			}
		} else if ((n == 1 && in[0] == '.') || (n == 2 && strncmp(in, "..", 2) == 0)) {
			n = 0;
		} else {
			size_t k = 1;

			while (k < n && in[k] != '/')
				k++;
			kith_buf_append_n(out, in, k);
			in += k;
			n -= k;
		}
	}
}

/* Append s[0..n), percent-encoding bytes never allowed in a URL (spaces, 8-bit, ...). */
static void append_encoded(struct kith_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= 0x20 || c >= 0x7f || strchr("\"<>\\^`{|}", c)) {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			kith_buf_append_n(b, e, 3);
		} else {
			kith_buf_append_n(b, (const char *)&c, 1);
		}
	}
}

char *kith_url_resolve(const char *base, const char *ref)
{
	struct uri b, r;
	struct kith_buf path = KITH_BUF_INIT, t = KITH_BUF_INIT;
	const struct uri *auth_from, *query_from;
	char *result;

	if (!base || !ref)
		return NULL;
	split_uri(base, &b);
	if (!b.has_scheme || !b.has_auth)
		return NULL;
	split_uri(ref, &r);
	/* RFC 3986 5.2.2 (strict: a scheme in the reference is absolute). */
	if (r.has_scheme) {
		auth_from = &r;
		query_from = &r;
		remove_dot_segments(&path, r.path, r.path_len);
	} else if (r.has_auth) {
		auth_from = &r;
		query_from = &r;
		remove_dot_segments(&path, r.path, r.path_len);
	} else {
		auth_from = &b;
		if (r.path_len == 0) {
			kith_buf_append_n(&path, b.path, b.path_len);
			query_from = r.has_query ? &r : &b;
		} else {
			query_from = &r;
			if (r.path[0] == '/') {
				remove_dot_segments(&path, r.path, r.path_len);
			} else {
				/* 5.2.3 merge, then remove the dot segments */
				struct kith_buf merged = KITH_BUF_INIT;
				size_t keep = b.path_len;

				while (keep > 0 && b.path[keep - 1] != '/')
					keep--;
				if (b.path_len == 0)
					kith_buf_append(&merged, "/");
				else
					kith_buf_append_n(&merged, b.path, keep);
				kith_buf_append_n(&merged, r.path, r.path_len);
				if (merged.failed)
					path.failed = 1;
				else
					remove_dot_segments(&path, merged.data, merged.len);
				kith_buf_free(&merged);
			}
		}
	}
	if (r.has_scheme)
		append_encoded(&t, r.scheme, r.scheme_len);
	else
		append_encoded(&t, b.scheme, b.scheme_len);
	kith_buf_append(&t, ":");
	if (auth_from->has_auth) {
		kith_buf_append(&t, "//");
		append_encoded(&t, auth_from->auth, auth_from->auth_len);
	}
	if (path.failed)
		t.failed = 1;
	else if (path.len > 0)
		append_encoded(&t, path.data, path.len);
	if (query_from->has_query) {
		kith_buf_append(&t, "?");
		append_encoded(&t, query_from->query, query_from->query_len);
	}
	if (r.has_frag) {
		kith_buf_append(&t, "#");
		append_encoded(&t, r.frag, r.frag_len);
	}
	result = kith_buf_steal(&t);
	kith_buf_free(&path);
	return result;
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* The path part of an absolute URL, percent-decoded (NULL: out of memory). */
static char *decoded_path(const char *url)
{
	struct kith_buf b = KITH_BUF_INIT;
	const char *p = strstr(url, "://");

	p = p ? p + 3 + strcspn(p + 3, "/") : url;
	for (; *p; p++) {
		int hi = p[0] == '%' ? hexval((unsigned char)p[1]) : -1;
		int lo = hi >= 0 ? hexval((unsigned char)p[2]) : -1;
		char ch = (char)(hi * 16 + lo);

		if (lo >= 0) {
			kith_buf_append_n(&b, &ch, 1);
			p += 2;
		} else {
			kith_buf_append_n(&b, p, 1);
		}
	}
	return kith_buf_steal(&b);
}

/* scheme://authority of an absolute URL: its length. */
static size_t origin_len(const char *url)
{
	const char *p = strstr(url, "://");

	return p ? (size_t)(p + 3 - url) + strcspn(p + 3, "/?#") : 0;
}

char *kith_url_member(const char *collection, const char *href, const char **why)
{
	char *url = NULL, *have = NULL, *want = NULL;
	size_t n, on;
	const char *seg;

	*why = NULL;
	for (const unsigned char *p = (const unsigned char *)href; *p && !*why; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '?' || *p == '#' || *p == '\\')
			*why = "it is not a plain resource name";
		else if (*p == '%' && (p[1] == '0' && p[2] == '0'))
			*why = "it is not a plain resource name";
		else if (*p == '%' && ((p[1] == '2' && (p[2] == 'f' || p[2] == 'F')) ||
				       (p[1] == '5' && (p[2] == 'c' || p[2] == 'C'))))
			*why = "it hides a '/' in its name";
	}
	/* A dot segment, also encoded ("%2e%2e"), climbs out of the collection. */
	for (seg = href; !*why && seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
		size_t len = strcspn(seg, "/");
		size_t dots = 0, i = 0;

		while (i < len) {
			if (seg[i] == '.')
				i++;
			else if (i + 2 < len && seg[i] == '%' && seg[i + 1] == '2' &&
				 (seg[i + 2] == 'e' || seg[i + 2] == 'E'))
				i += 3;
			else
				break;
			dots++;
		}
		if (i == len && (dots == 1 || dots == 2))
			*why = "it climbs out of the calendar with '..'";
	}
	if (*why)
		return NULL;
	url = kith_url_resolve(collection, href);
	if (!url)
		return NULL;
	on = origin_len(collection);
	if (origin_len(url) != on || strncasecmp(url, collection, on)) {
		*why = "it is on another server";
		goto fail;
	}
	have = decoded_path(url);
	want = decoded_path(collection);
	if (!have || !want)
		goto fail;
	n = strlen(want);
	if (n && want[n - 1] != '/') {
		*why = "the calendar's own URL is not a collection";
		goto fail;
	}
	if (strncmp(have, want, n) || !have[n] || strchr(have + n, '/')) {
		*why = "it is outside the calendar collection";
		goto fail;
	}
	free(have);
	free(want);
	return url;
fail:
	free(url);
	free(have);
	free(want);
	return NULL;
}
