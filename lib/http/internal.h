/* SPDX-License-Identifier: MIT */
/*
 * Private to lib/http/: the session and one transfer, and the one place
 * in kith that includes libcurl.  http.c runs the session (the multi
 * handle, requests, origins); transfer.c sets up one request, receives
 * its answer and says what went wrong.
 */
#ifndef KITH_HTTP_INTERNAL_H
#define KITH_HTTP_INTERNAL_H

#include <curl/curl.h>

#include "buf.h"
#include "ctx.h"
#include "http.h"

#ifndef KITH_VERSION
#define KITH_VERSION "0.0.0"
#endif

#define DEFAULT_CONNECT_TIMEOUT_S 10
#define DEFAULT_TIMEOUT_S 60
#define DEFAULT_LOW_SPEED_TIME_S 30
#define DEFAULT_MAX_PARALLEL 6
#define DEFAULT_MAX_BODY ((size_t)32 * 1024 * 1024)
#define DEFAULT_MAX_RETRIES 3
#define DEFAULT_MAX_RETRY_WAIT_S 60

struct kith_http {
	struct kith_ctx *ctx;
	CURLM *multi;
	char *username;
	char *password;
	char *user_agent;
	int allow_insecure_http;
	long connect_timeout_s;
	long timeout_s;
	long low_speed_time_s;
	int max_parallel;
	size_t max_body;
	int max_retries;
	long max_retry_wait_s;
	long retry_waited_s; /* on 429/503 so far, against max_retry_wait_s */
	kith_http_log_fn log;
	void *log_arg;
	long requests;
	int use_digest; /* a server asked for Digest only: use it from now on */
	int global_init;
};

/* One transfer of a run. */
struct xfer {
	struct kith_http *http;
	const struct kith_http_request *req;
	struct kith_http_response *out;
	CURL *easy;
	struct curl_slist *headers;
	char *host;     /* for messages: "dav.example.org" or "[::1]" */
	char *hostport; /* "dav.example.org:443" */
	int https;
	int loopback;
	long auth; /* the CURLAUTH_* mask of this attempt; 0: none */
	int retried;
	int busy_retries; /* sent again after a 429/503 */
	long long due_ms; /* waiting to be sent again at this monotonic time; 0: not */
	long retry_after; /* of the response being received; -1: none */
	/* the response being received (reset at each status line) */
	struct kith_buf body;
	char *etag;
	char *location;
	char *content_type;
	char *dav;
	char *allow;
	int challenge_basic;
	int challenge_digest;
	int too_big;
	int nomem;
	char errbuf[CURL_ERROR_SIZE];
};

/* Record a transport failure in out; returns -1 when even that failed. */
int http_set_message(struct kith_http_response *out, enum kith_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The easy handle of x, ready to add to the multi handle.  -1 with out->error set. */
int http_xfer_prepare(struct xfer *x);
/* Forgets the response being received (a new status line, a retry). */
void http_xfer_reset(struct xfer *x);
void http_xfer_clear(struct xfer *x);
/* 1 when a 401 asks for Digest only: send the request again with it. */
int http_xfer_wants_digest_retry(const struct xfer *x, CURLcode res);
/* The status of a finished transfer; 0 when there is none. */
long http_xfer_status(const struct xfer *x, CURLcode res);
/* Fills x->out from what arrived, or from why nothing did. */
void http_xfer_complete(struct xfer *x, CURLcode res);

#endif
