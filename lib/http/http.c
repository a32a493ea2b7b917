/* SPDX-License-Identifier: MIT */
/*
 * HTTP for the CalDAV target: the one file that includes libcurl.
 *
 * Every request of a session goes through one curl multi handle, so its
 * connection cache (and DNS cache) is shared: consecutive requests and the
 * transfers of kith_http_run_many reuse kept-alive connections.  At most
 * max_parallel transfers are in flight; HTTP/1.1 pipelining no longer
 * exists in libcurl 7.65+, HTTP/2 multiplexing is left on (it is bounded
 * by the same count).
 *
 * Authentication.  With a user name, Basic is sent on the first request
 * (CURLAUTH_BASIC alone makes libcurl send it without waiting for a 401)
 * when the URL is https or loopback: one round trip, and a PUT body is
 * never sent twice.  When such a request comes back 401 with a Digest
 * challenge and no Basic one, the session switches to Digest for good and
 * the request is retried once (libcurl then answers the challenge itself,
 * which costs one extra round trip per request).  For plain http to
 * another host (only with allow_insecure_http) Basic is never sent before
 * the server has said what it takes: CURLAUTH_BASIC | CURLAUTH_DIGEST,
 * so Digest is picked when offered.
 *
 * No Accept-Encoding is sent: Apache's mod_deflate rewrites ETags of
 * compressed answers ("...-gzip") and a conditional write with such an
 * ETag fails with 412 forever.
 *
 * Busy servers.  A 429 or 503 is sent again, here where every request of
 * kith passes (kith_http_run is a batch of one, so discovery, listings
 * and the PUTs of a batch alike), unchanged: the same headers, so an
 * If-Match still guards the write.  The wait is the server's Retry-After
 * or 1 s, 2 s, 4 s; a waiting transfer leaves the others of a batch
 * running.  Both bounds are explicit in the options (max_retries per
 * request, max_retry_wait_s for the whole session, which is one sync):
 * a wish beyond what is left fails at once with the server's number,
 * rather than sleeping longer than the caller allowed.
 *
 * The debug log shows request lines, statuses and headers, with the values
 * of Authorization, Proxy-Authorization, Cookie and Set-Cookie replaced by
 * "[redacted]"; the password appears in no message and no log.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http/internal.h"
#include "url.h"

/* Overwrite a secret before freeing it, where the compiler cannot drop the stores. */
static void free_secret(char *s)
{
	if (s) {
		volatile char *p = s;

		while (*p)
			*p++ = '\0';
	}
	free(s);
}

/* ---- the session ---- */

enum kith_status kith_http_new(struct kith_ctx *ctx, const struct kith_http_options *opts,
			       struct kith_http **out)
{
	static const struct kith_http_options defaults;
	struct kith_http *http = NULL;
	enum kith_status st = KITH_OK;

	if (!opts)
		opts = &defaults;
	if (opts->password && !opts->username)
		return kith_fail(ctx, KITH_ERR_INVALID, "a password without a user name");
	http = calloc(1, sizeof(*http));
	if (!http)
		return kith_nomem(ctx);
	http->ctx = ctx;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		st = kith_fail(ctx, KITH_ERR_IO, "cannot initialise libcurl");
		goto out;
	}
	http->global_init = 1;
	http->allow_insecure_http = opts->allow_insecure_http != 0;
	http->connect_timeout_s =
		opts->connect_timeout_s > 0 ? opts->connect_timeout_s : DEFAULT_CONNECT_TIMEOUT_S;
	http->timeout_s = opts->timeout_s > 0 ? opts->timeout_s : DEFAULT_TIMEOUT_S;
	http->low_speed_time_s =
		opts->low_speed_time_s > 0 ? opts->low_speed_time_s : DEFAULT_LOW_SPEED_TIME_S;
	http->max_parallel = opts->max_parallel > 0 ? opts->max_parallel : DEFAULT_MAX_PARALLEL;
	http->max_body = opts->max_body > 0 ? opts->max_body : DEFAULT_MAX_BODY;
	http->max_retries = opts->max_retries > 0   ? opts->max_retries
			    : opts->max_retries < 0 ? 0
						    : DEFAULT_MAX_RETRIES;
	http->max_retry_wait_s =
		opts->max_retry_wait_s > 0 ? opts->max_retry_wait_s : DEFAULT_MAX_RETRY_WAIT_S;
	http->log = opts->log;
	http->log_arg = opts->log_arg;
	http->username = kith_strdup0(opts->username);
	http->password =
		kith_strdup0(opts->username ? (opts->password ? opts->password : "") : NULL);
	http->user_agent = strdup(opts->user_agent ? opts->user_agent : "kith/" KITH_VERSION);
	if ((opts->username && (!http->username || !http->password)) || !http->user_agent) {
		st = kith_nomem(ctx);
		goto out;
	}
	http->multi = curl_multi_init();
	if (!http->multi) {
		st = kith_nomem(ctx);
		goto out;
	}
	if (curl_multi_setopt(http->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX) ||
	    curl_multi_setopt(http->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
			      (long)http->max_parallel) ||
	    curl_multi_setopt(http->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
			      (long)http->max_parallel) ||
	    curl_multi_setopt(http->multi, CURLMOPT_MAXCONNECTS, (long)http->max_parallel)) {
		st = kith_fail(ctx, KITH_ERR_IO, "cannot configure libcurl");
		goto out;
	}
	*out = http;
	http = NULL;
out:
	kith_http_free(http);
	return st;
}

void kith_http_free(struct kith_http *http)
{
	if (!http)
		return;
	if (http->multi)
		curl_multi_cleanup(http->multi);
	free(http->username);
	free_secret(http->password);
	free(http->user_agent);
	if (http->global_init)
		curl_global_cleanup();
	free(http);
}

long kith_http_request_count(const struct kith_http *http)
{
	return http ? http->requests : 0;
}

void kith_http_response_clear(struct kith_http_response *r)
{
	if (!r)
		return;
	free(r->body);
	free(r->etag);
	free(r->location);
	free(r->content_type);
	free(r->dav);
	free(r->allow);
	free(r->error_msg);
	memset(r, 0, sizeof(*r));
}

/* ---- running ---- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * After a 429/503: 1 when x is to wait (x->due_ms set) and go again; 0
 * when its answer stands (retries used up: the caller sees the status).
 * A Retry-After beyond what is left of the bound is the server's wish
 * kith will not meet: out->error, with both numbers.
 */
static int busy_retry(struct xfer *x, CURLcode res)
{
	struct kith_http *http = x->http;
	long status = http_xfer_status(x, res), delay;

	if ((status != 429 && status != 503) || x->busy_retries >= http->max_retries)
		return 0;
	delay = x->retry_after >= 0 ? x->retry_after : 1L << x->busy_retries;
	if (delay > http->max_retry_wait_s - http->retry_waited_s) {
		if (x->retry_after >= 0)
			http_set_message(
				x->out, KITH_ERR_NETWORK,
				"%s answered HTTP %ld and asked to retry after %ld s; kith "
				"waits at most %ld s in a sync",
				x->host, status, delay, http->max_retry_wait_s);
		return 0;
	}
	http->retry_waited_s += delay;
	x->busy_retries++;
	x->due_ms = now_ms() + delay * 1000;
	if (x->due_ms == 0)
		x->due_ms = 1;
	if (http->log) {
		/* The form of a completed request's line: each request sent has one. */
		struct kith_buf b = KITH_BUF_INIT;
		char *shown = kith_url_redacted(x->req->url);
		char *line;

		kith_buf_printf(&b, "* %s %s: %ld, %zu bytes; again in %ld s",
				x->req->method ? x->req->method : "GET", shown ? shown : "", status,
				x->body.len, delay);
		line = kith_buf_steal(&b);
		if (line)
			http->log(line, http->log_arg);
		free(line);
		free(shown);
	}
	return 1;
}

static void report_done(size_t *done, size_t n,
			void (*progress)(size_t done, size_t total, void *arg), void *arg)
{
	(*done)++;
	if (progress)
		progress(*done, n, arg);
}

/* Hands x to the multi handle; on failure x is finished with a message.  0 or -1. */
static int add_xfer(struct kith_http *http, struct xfer *x)
{
	CURLMcode mc = curl_multi_add_handle(http->multi, x->easy);

	if (mc == CURLM_OK)
		return 0;
	http_set_message(x->out, KITH_ERR_IO, "cannot start the request to %s: %s", x->host,
			 curl_multi_strerror(mc));
	http_xfer_clear(x);
	return -1;
}

enum kith_status kith_http_run_many(struct kith_http *http, const struct kith_http_request *reqs,
				    size_t n, struct kith_http_response *out,
				    void (*progress)(size_t done, size_t total, void *arg),
				    void *progress_arg)
{
	struct xfer *xs = NULL;
	size_t next = 0, done = 0, running = 0;
	CURLMcode mc = CURLM_OK;
	enum kith_status st = KITH_OK;

	if (!http || (n > 0 && (!reqs || !out)))
		return kith_fail(http ? http->ctx : NULL, KITH_ERR_INVALID, "no requests to run");
	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].retry_after = -1;
	}
	if (n == 0)
		return KITH_OK;
	xs = calloc(n, sizeof(*xs));
	if (!xs)
		return kith_nomem(http->ctx);
	while (done < n) {
		CURLMsg *msg;
		int still = 0, left = 0, wait_ms;

		while (running < (size_t)http->max_parallel && next < n) {
			struct xfer *x = &xs[next];

			x->http = http;
			x->req = &reqs[next];
			x->out = &out[next];
			next++;
			if (http_xfer_prepare(x) < 0) {
				http_xfer_clear(x);
				report_done(&done, n, progress, progress_arg);
				continue;
			}
			if (add_xfer(http, x) < 0)
				goto out;
			running++;
		}
		if (running == 0)
			continue;
		wait_ms = 1000;
		for (size_t i = 0; i < next; i++) {
			struct xfer *x = &xs[i];
			long long left_ms;

			if (!x->due_ms)
				continue;
			left_ms = x->due_ms - now_ms();
			if (left_ms > 0) {
				if (left_ms < wait_ms)
					wait_ms = (int)left_ms;
				continue;
			}
			x->due_ms = 0;
			http_xfer_reset(x);
			x->errbuf[0] = '\0';
			if (add_xfer(http, x) < 0)
				goto out;
		}
		mc = curl_multi_perform(http->multi, &still);
		if (mc != CURLM_OK)
			goto out;
		while ((msg = curl_multi_info_read(http->multi, &left)) != NULL) {
			struct xfer *x = NULL;
			CURL *easy = msg->easy_handle;
			CURLcode res = msg->data.result;

			if (msg->msg != CURLMSG_DONE)
				continue;
			/* msg is invalid once the handle is removed: copy first. */
			curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
			curl_multi_remove_handle(http->multi, easy);
			if (http_xfer_wants_digest_retry(x, res)) {
				http->use_digest = 1;
				x->retried = 1;
				x->auth = CURLAUTH_DIGEST;
				http_xfer_reset(x);
				x->errbuf[0] = '\0';
				if (curl_easy_setopt(x->easy, CURLOPT_HTTPAUTH, x->auth) ==
					    CURLE_OK &&
				    curl_multi_add_handle(http->multi, x->easy) == CURLM_OK)
					continue;
			}
			if (busy_retry(x, res)) {
				long long left_ms = x->due_ms - now_ms();

				if (left_ms < wait_ms)
					wait_ms = left_ms > 0 ? (int)left_ms : 0;
				continue;
			}
			if (x->out->error == KITH_OK)
				http_xfer_complete(x, res);
			http_xfer_clear(x);
			running--;
			report_done(&done, n, progress, progress_arg);
		}
		if (running > 0) {
			mc = curl_multi_poll(http->multi, NULL, 0, wait_ms, NULL);
			if (mc != CURLM_OK)
				goto out;
		}
	}
out:
	if (done < n) {
		/* The multi handle failed: nothing more can run. */
		const char *why = curl_multi_strerror(mc);

		for (size_t i = 0; i < n; i++) {
			struct xfer *x = &xs[i];

			if (x->easy) {
				curl_multi_remove_handle(http->multi, x->easy);
				http_xfer_clear(x);
			}
			if (i >= next || (out[i].status == 0 && out[i].error == KITH_OK))
				http_set_message(&out[i], KITH_ERR_IO, "HTTP requests failed: %s",
						 why);
		}
		st = kith_fail(http->ctx, KITH_ERR_IO, "cannot run HTTP requests: %s", why);
	}
	free(xs);
	return st;
}

enum kith_status kith_http_run(struct kith_http *http, const struct kith_http_request *req,
			       struct kith_http_response *out)
{
	enum kith_status st;

	if (!http || !req || !out)
		return kith_fail(http ? http->ctx : NULL, KITH_ERR_INVALID, "no request to run");
	st = kith_http_run_many(http, req, 1, out, NULL, NULL);
	if (st == KITH_OK && out->error != KITH_OK) {
		/* The message moves to ctx: a failed run leaves nothing to free in out. */
		st = kith_fail(http->ctx, out->error, "%s",
			       out->error_msg ? out->error_msg : kith_status_str(out->error));
		free(out->error_msg);
		out->error_msg = NULL;
	} else if (st != KITH_OK) {
		enum kith_status why = out->error ? out->error : st;

		kith_http_response_clear(out);
		out->error = why;
	}
	return st;
}

/* ---- origins ---- */

/* scheme, host and port of a URL (default port filled in); -1 if it does not parse. */
static int origin_of(const char *url, char **scheme, char **host, char **port)
{
	CURLU *u = curl_url();
	int rc = -1;

	*scheme = *host = *port = NULL;
	if (!u)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, port, CURLU_DEFAULT_PORT) == CURLUE_OK)
		rc = 0;
	curl_url_cleanup(u);
	return rc;
}

int kith_http_same_origin(const char *a, const char *b)
{
	char *sa = NULL, *ha = NULL, *pa = NULL, *sb = NULL, *hb = NULL, *pb = NULL;
	int same = 0;

	if (a && b && origin_of(a, &sa, &ha, &pa) == 0 && origin_of(b, &sb, &hb, &pb) == 0)
		same = strcasecmp(sa, sb) == 0 && strcasecmp(ha, hb) == 0 && strcmp(pa, pb) == 0;
	curl_free(sa);
	curl_free(ha);
	curl_free(pa);
	curl_free(sb);
	curl_free(hb);
	curl_free(pb);
	return same;
}
