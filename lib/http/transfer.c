/* SPDX-License-Identifier: MIT */
/*
 * One HTTP transfer: the URL checked (https, or http only to loopback or
 * when allowed), the easy handle set up (auth, timeouts, no redirects,
 * capped bodies), the answer received, the debug log with credentials
 * redacted, and a failure described so that a person can act on it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http/internal.h"
#include "url.h"

/* Record a transport failure in out; returns -1 when even that failed. */
int http_set_message(struct kith_http_response *out, enum kith_status status, const char *fmt, ...)
{
	va_list ap;
	int n;

	free(out->error_msg);
	out->error_msg = NULL;
	out->error = status;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	out->error_msg = malloc((size_t)n + 1);
	if (!out->error_msg) {
		out->error = KITH_ERR_NOMEM;
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(out->error_msg, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return 0;
}

/* ---- the debug log ---- */

static int is_secret_header(const char *line, size_t n)
{
	static const char *const names[] = { "authorization", "proxy-authorization", "cookie",
					     "set-cookie" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t k = strlen(names[i]);

		if (n > k && line[k] == ':' && strncasecmp(line, names[i], k) == 0)
			return 1;
	}
	return 0;
}

/* Log one header line ("> " out, "< " in) with secrets redacted. */
static void log_line(struct kith_http *http, const char *prefix, const char *line, size_t n)
{
	struct kith_buf b = KITH_BUF_INIT;
	char *s;

	while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n'))
		n--;
	if (n == 0)
		return;
	kith_buf_append(&b, prefix);
	if (is_secret_header(line, n)) {
		kith_buf_append_n(&b, line, (size_t)(strchr(line, ':') - line));
		kith_buf_append(&b, ": [redacted]");
	} else {
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)line[i];

			kith_buf_append_n(&b, (c < 0x20 && c != '\t') || c == 0x7f ? "?" : &line[i],
					  1);
		}
	}
	s = kith_buf_steal(&b);
	if (s)
		http->log(s, http->log_arg);
	free(s);
}

static int on_debug(CURL *easy, curl_infotype type, char *data, size_t size, void *arg)
{
	struct xfer *x = arg;
	struct kith_http *http = x->http;

	(void)easy;
	if (type == CURLINFO_HEADER_OUT) {
		/* One call carries the whole header block of one request. */
		http->requests++;
		if (!http->log)
			return 0;
		for (size_t i = 0; i < size;) {
			const char *nl = memchr(data + i, '\n', size - i);
			size_t end = nl ? (size_t)(nl - data) + 1 : size;

			log_line(http, "> ", data + i, end - i);
			i = end;
		}
	} else if (type == CURLINFO_HEADER_IN && http->log) {
		log_line(http, "< ", data, size);
	}
	return 0;
}

/* ---- receiving ---- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb;

	if (n > x->http->max_body - x->body.len) {
		x->too_big = 1;
		return 0; /* a short count aborts the transfer */
	}
	kith_buf_append_n(&x->body, data, n);
	if (x->body.failed) {
		x->nomem = 1;
		return 0;
	}
	return n;
}

void http_xfer_reset(struct xfer *x)
{
	kith_buf_free(&x->body);
	free(x->etag);
	free(x->location);
	free(x->content_type);
	free(x->dav);
	free(x->allow);
	x->etag = x->location = x->content_type = x->dav = x->allow = NULL;
	x->challenge_basic = x->challenge_digest = 0;
	x->retry_after = -1;
}

/*
 * Retry-After is delay-seconds or an HTTP date (RFC 9110 10.2.3); a date
 * in the past means now.  Anything else is ignored (-1), as if absent.
 */
static long parse_retry_after(const char *v, size_t n)
{
	char buf[64];
	time_t when, now;
	size_t i = 0;
	long secs = 0;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	while (i < n && v[i] >= '0' && v[i] <= '9') {
		if (secs > 100000000L)
			return 100000000L;
		secs = secs * 10 + (v[i] - '0');
		i++;
	}
	if (i == n)
		return secs;
	memcpy(buf, v, n);
	buf[n] = '\0';
	when = curl_getdate(buf, NULL);
	if (when == (time_t)-1)
		return -1;
	now = time(NULL);
	return when > now ? (long)(when - now) : 0;
}

/* Does the WWW-Authenticate value offer `scheme` (as the first or a later challenge)? */
static int offers(const char *v, size_t n, const char *scheme)
{
	size_t k = strlen(scheme);

	for (size_t i = 0; i + k <= n; i++) {
		if (i > 0 && v[i - 1] != ',' && v[i - 1] != ' ' && v[i - 1] != '\t')
			continue;
		if (strncasecmp(v + i, scheme, k) == 0 && (i + k == n || v[i + k] == ' '))
			return 1;
	}
	return 0;
}

/* Keep a header value; `join` appends a repeated header after ", ". */
static int keep(char **slot, const char *v, size_t n, int join)
{
	struct kith_buf b = KITH_BUF_INIT;

	if (join && *slot) {
		kith_buf_append(&b, *slot);
		kith_buf_append(&b, ", ");
	}
	kith_buf_append_n(&b, v, n);
	free(*slot);
	*slot = kith_buf_steal(&b);
	return *slot ? 0 : -1;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct xfer *x = arg;
	size_t n = size * nmemb, name_len, vlen;
	const char *colon, *v;
	int rc = 0;

	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		/* A new response (after a 1xx or a 401 answered by libcurl). */
		http_xfer_reset(x);
		return n;
	}
	colon = memchr(data, ':', n);
	if (!colon)
		return n;
	name_len = (size_t)(colon - data);
	v = colon + 1;
	vlen = n - name_len - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' ' ||
			    v[vlen - 1] == '\t'))
		vlen--;
#define IS(name) (name_len == sizeof(name) - 1 && strncasecmp(data, name, name_len) == 0)
	if (IS("etag"))
		rc = keep(&x->etag, v, vlen, 0);
	else if (IS("location"))
		rc = keep(&x->location, v, vlen, 0);
	else if (IS("content-type"))
		rc = keep(&x->content_type, v, vlen, 0);
	else if (IS("dav"))
		rc = keep(&x->dav, v, vlen, 1);
	else if (IS("allow"))
		rc = keep(&x->allow, v, vlen, 1);
	else if (IS("retry-after"))
		x->retry_after = parse_retry_after(v, vlen);
	else if (IS("www-authenticate")) {
		x->challenge_basic |= offers(v, vlen, "basic");
		x->challenge_digest |= offers(v, vlen, "digest");
	}
#undef IS
	if (rc < 0) {
		x->nomem = 1;
		return 0;
	}
	return n;
}

/* ---- sending ---- */

void http_xfer_clear(struct xfer *x)
{
	if (x->easy)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	free(x->host);
	free(x->hostport);
	http_xfer_reset(x);
	x->easy = NULL;
	x->headers = NULL;
	x->host = x->hostport = NULL;
}

/*
 * Check the URL: http or https, no credentials in it, plain http only to
 * loopback unless allowed.  Fills x->host, x->hostport, x->https,
 * x->loopback.  Returns -1 with out->error set.
 */
static int check_url(struct xfer *x)
{
	struct kith_http_response *out = x->out;
	const char *url = x->req->url;
	CURLU *u = NULL;
	char *scheme = NULL, *host = NULL, *port = NULL, *user = NULL, *shown = NULL;
	struct kith_buf b = KITH_BUF_INIT;
	int rc = -1;

	if (!url || !*url) {
		http_set_message(out, KITH_ERR_INVALID, "a request without a URL");
		return -1;
	}
	shown = kith_url_redacted(url);
	u = curl_url();
	if (!shown || !u) {
		http_set_message(out, KITH_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) != CURLUE_OK) {
		http_set_message(out, KITH_ERR_INVALID, "'%.*s%s' is not a valid http(s) URL",
				 KITH_ECHO(shown));
		goto out;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		http_set_message(out, KITH_ERR_INVALID,
				 "the URL '%.*s%s' has a user name or password in it; give them "
				 "separately",
				 KITH_ECHO(shown));
		goto out;
	}
	x->https = strcasecmp(scheme, "https") == 0;
	if (!x->https && strcasecmp(scheme, "http") != 0) {
		http_set_message(out, KITH_ERR_INVALID,
				 "'%.*s%s': only http:// and https:// URLs are supported",
				 KITH_ECHO(shown));
		goto out;
	}
	x->loopback = kith_url_host_is_loopback(host);
	if (!x->https && !x->loopback && !x->http->allow_insecure_http) {
		http_set_message(
			out, KITH_ERR_INVALID,
			"refusing unencrypted http:// to %s: use https://, or allow insecure "
			"http explicitly",
			host);
		goto out;
	}
	x->host = strdup(host);
	kith_buf_printf(&b, "%s:%s", host, port);
	x->hostport = kith_buf_steal(&b);
	if (!x->host || !x->hostport) {
		http_set_message(out, KITH_ERR_NOMEM, "out of memory");
		goto out;
	}
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(user);
	curl_url_cleanup(u);
	free(shown);
	return rc;
}

static int has_header(const char *const *headers, const char *name)
{
	size_t k = strlen(name);

	for (; headers && *headers; headers++)
		if (strncasecmp(*headers, name, k) == 0 && (*headers)[k] == ':')
			return 1;
	return 0;
}

static long auth_mask(const struct xfer *x)
{
	if (!x->http->username)
		return 0;
	if (x->http->use_digest)
		return CURLAUTH_DIGEST;
	if (x->https || x->loopback)
		return CURLAUTH_BASIC;
	return CURLAUTH_BASIC | CURLAUTH_DIGEST;
}

#define SET(opt, val)                                                    \
	do {                                                             \
		if (curl_easy_setopt(x->easy, (opt), (val)) != CURLE_OK) \
			goto fail;                                       \
	} while (0)

/* Build the easy handle of x.  Returns -1 with out->error set. */
int http_xfer_prepare(struct xfer *x)
{
	struct kith_http *http = x->http;
	const struct kith_http_request *req = x->req;
	struct curl_slist *l;
	const char *method = req->method && *req->method ? req->method : "GET";

	x->retry_after = -1;
	if (check_url(x) < 0)
		return -1;
	for (const char *const *h = req->headers; h && *h; h++) {
		if (strpbrk(*h, "\r\n")) {
			http_set_message(x->out, KITH_ERR_INVALID,
					 "a request header to %s contains a line break", x->host);
			return -1;
		}
		l = curl_slist_append(x->headers, *h);
		if (!l)
			goto nomem;
		x->headers = l;
	}
	if (req->body) {
		/* Radicale never answers "Expect: 100-continue": never send it. */
		l = curl_slist_append(x->headers, "Expect:");
		if (!l)
			goto nomem;
		x->headers = l;
		/* No libcurl default (application/x-www-form-urlencoded). */
		if (!has_header(req->headers, "Content-Type")) {
			l = curl_slist_append(x->headers, "Content-Type:");
			if (!l)
				goto nomem;
			x->headers = l;
		}
	}
	x->easy = curl_easy_init();
	if (!x->easy)
		goto nomem;
	SET(CURLOPT_PRIVATE, (void *)x);
	SET(CURLOPT_URL, req->url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_CONNECTTIMEOUT, http->connect_timeout_s);
	SET(CURLOPT_TIMEOUT, http->timeout_s);
	SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
	SET(CURLOPT_LOW_SPEED_TIME, http->low_speed_time_s);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)http->max_body);
	SET(CURLOPT_USERAGENT, http->user_agent);
	SET(CURLOPT_ERRORBUFFER, x->errbuf);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, (void *)x);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, (void *)x);
	/* The debug callback counts requests and writes the log: always on. */
	SET(CURLOPT_DEBUGFUNCTION, on_debug);
	SET(CURLOPT_DEBUGDATA, (void *)x);
	SET(CURLOPT_VERBOSE, 1L);
	if (x->headers)
		SET(CURLOPT_HTTPHEADER, x->headers);
	if (req->body) {
		/* libcurl re-sends POSTFIELDS by itself when an auth round needs it. */
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
		SET(CURLOPT_POSTFIELDS, req->body);
		SET(CURLOPT_CUSTOMREQUEST, method);
	} else if (strcmp(method, "HEAD") == 0) {
		SET(CURLOPT_NOBODY, 1L);
	} else if (strcmp(method, "GET") == 0) {
		SET(CURLOPT_HTTPGET, 1L);
	} else {
		SET(CURLOPT_CUSTOMREQUEST, method);
	}
	x->auth = auth_mask(x);
	if (x->auth) {
		/*
		 * libcurl copies the password and builds the Basic token (or the
		 * Digest response) in memory of its own, which it frees without
		 * wiping: only kith's copy is wiped (free_secret).  Keeping those
		 * out of a core file is the CLI's part (cli/secret.c).
		 */
		SET(CURLOPT_USERNAME, http->username);
		SET(CURLOPT_PASSWORD, http->password);
		SET(CURLOPT_HTTPAUTH, x->auth);
	}
	return 0;
fail:
	http_set_message(x->out, KITH_ERR_IO, "cannot set up the request to %s", x->host);
	return -1;
nomem:
	http_set_message(x->out, KITH_ERR_NOMEM, "out of memory");
	return -1;
}

/* A Basic attempt that met a Digest-only server: switch and try once more. */
int http_xfer_wants_digest_retry(const struct xfer *x, CURLcode res)
{
	long status = 0;

	if (res != CURLE_OK || x->retried || x->auth != CURLAUTH_BASIC)
		return 0;
	if (curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
		return 0;
	return status == 401 && x->challenge_digest && !x->challenge_basic;
}

/* ---- completing ---- */

long http_xfer_status(const struct xfer *x, CURLcode res)
{
	long status = 0;

	if (res != CURLE_OK ||
	    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
		return 0;
	return status;
}

static void os_error(long err, char *buf, size_t n)
{
	buf[0] = '\0';
	if (err == 0 || strerror_r((int)err, buf, n) != 0)
		snprintf(buf, n, "error %ld", err);
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
}

/*
 * Translate a libcurl failure into a message for people.  Whatever keeps
 * kith from reaching or talking to the server is KITH_ERR_NETWORK.
 */
static void describe_failure(struct xfer *x, CURLcode res)
{
	struct kith_http_response *out = x->out;
	const char *detail = x->errbuf[0] ? x->errbuf : curl_easy_strerror(res);
	long err = 0;
	char why[CURL_ERROR_SIZE];

	curl_easy_getinfo(x->easy, CURLINFO_OS_ERRNO, &err);
	switch (res) {
	case CURLE_COULDNT_RESOLVE_HOST:
		http_set_message(out, KITH_ERR_NETWORK, "cannot resolve host name %s", x->host);
		break;
	case CURLE_COULDNT_CONNECT:
		if (err)
			os_error(err, why, sizeof(why));
		else
			snprintf(why, sizeof(why), "%s", detail);
		http_set_message(out, KITH_ERR_NETWORK, "cannot connect to %s: %s", x->hostport,
				 why);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		if (strstr(detail, "too slow"))
			http_set_message(out, KITH_ERR_NETWORK,
					 "%s sent less than 1 byte/s for %ld s; gave up", x->host,
					 x->http->low_speed_time_s);
		else if (strncasecmp(detail, "Connection time", 15) == 0 ||
			 strncasecmp(detail, "Failed to connect", 17) == 0)
			http_set_message(out, KITH_ERR_NETWORK,
					 "cannot connect to %s: timed out after %ld s", x->hostport,
					 x->http->connect_timeout_s);
		else
			http_set_message(out, KITH_ERR_NETWORK,
					 "timed out after %ld s talking to %s", x->http->timeout_s,
					 x->host);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
		http_set_message(out, KITH_ERR_NETWORK, "TLS certificate of %s is not trusted: %s",
				 x->host, detail);
		break;
	case CURLE_SSL_CONNECT_ERROR:
		http_set_message(out, KITH_ERR_NETWORK, "TLS handshake with %s failed: %s", x->host,
				 detail);
		break;
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_SHUTDOWN_FAILED:
		http_set_message(out, KITH_ERR_NETWORK, "TLS with %s failed: %s", x->host, detail);
		break;
	case CURLE_FILESIZE_EXCEEDED:
		http_set_message(out, KITH_ERR_PARSE,
				 "the response from %s is larger than %zu bytes; gave up", x->host,
				 x->http->max_body);
		break;
	case CURLE_WRITE_ERROR:
		if (x->nomem)
			http_set_message(out, KITH_ERR_NOMEM, "out of memory");
		else if (x->too_big)
			http_set_message(out, KITH_ERR_PARSE,
					 "the response from %s is larger than %zu bytes; gave up",
					 x->host, x->http->max_body);
		else
			http_set_message(out, KITH_ERR_NETWORK, "cannot receive from %s: %s",
					 x->host, detail);
		break;
	case CURLE_OUT_OF_MEMORY: http_set_message(out, KITH_ERR_NOMEM, "out of memory"); break;
	case CURLE_GOT_NOTHING:
		http_set_message(out, KITH_ERR_NETWORK,
				 "%s closed the connection without answering", x->host);
		break;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
		http_set_message(out, KITH_ERR_NETWORK, "the connection to %s broke: %s", x->host,
				 detail);
		break;
	default:
		if (x->nomem)
			http_set_message(out, KITH_ERR_NOMEM, "out of memory");
		else
			http_set_message(out, KITH_ERR_NETWORK, "HTTP request to %s failed: %s",
					 x->host, detail);
		break;
	}
}

/* Fill x->out from a finished transfer. */
void http_xfer_complete(struct xfer *x, CURLcode res)
{
	struct kith_http_response *out = x->out;
	long status = 0;

	if (res == CURLE_OK)
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	if (res != CURLE_OK) {
		describe_failure(x, res);
	} else if (x->nomem) {
		http_set_message(out, KITH_ERR_NOMEM, "out of memory");
	} else if (status < 100) {
		http_set_message(out, KITH_ERR_NETWORK, "no HTTP response from %s", x->host);
	} else {
		size_t len = x->body.len;

		out->body = kith_buf_steal(&x->body);
		if (!out->body) {
			http_set_message(out, KITH_ERR_NOMEM, "out of memory");
		} else {
			out->status = status;
			out->len = len;
			out->etag = x->etag;
			out->location = x->location;
			out->content_type = x->content_type;
			out->dav = x->dav;
			out->allow = x->allow;
			out->retry_after = x->retry_after;
			x->etag = x->location = x->content_type = x->dav = x->allow = NULL;
		}
	}
	if (x->http->log) {
		struct kith_buf b = KITH_BUF_INIT;
		char *shown = kith_url_redacted(x->req->url);
		char *line;

		if (out->error == KITH_OK)
			kith_buf_printf(&b, "* %s %s: %ld, %zu bytes",
					x->req->method ? x->req->method : "GET", shown ? shown : "",
					out->status, out->len);
		else
			kith_buf_printf(&b, "* %s %s: %s", x->req->method ? x->req->method : "GET",
					shown ? shown : "", out->error_msg ? out->error_msg : "");
		line = kith_buf_steal(&b);
		if (line)
			x->http->log(line, x->http->log_arg);
		free(line);
		free(shown);
	}
}
