/* SPDX-License-Identifier: MIT */
/*
 * Private: HTTP for the CalDAV target.  The only file that includes
 * libcurl is http.c; no curl type leaves it.
 *
 * One session keeps its connections alive (one shared connection cache)
 * and runs several requests at once with a small bound.  It never follows
 * redirects by itself (the caller decides, during discovery only); it
 * verifies TLS; it refuses plain http except to loopback or when the user
 * wrote http:// explicitly; every response body is capped; a 4xx/5xx is a
 * normal response with its status (the caller translates it); and debug
 * output never shows the Authorization header.
 */
#ifndef KITH_HTTP_H
#define KITH_HTTP_H

#include <kith/common.h>

struct kith_http;

/* Debug lines (request line, status, headers with credentials redacted). */
typedef void (*kith_http_log_fn)(const char *line, void *arg);

struct kith_http_options {
	const char *username;    /* NULL: no authentication */
	const char *password;    /* never logged, never copied into messages */
	int allow_insecure_http; /* 1: http:// to any host (the user wrote it) */
	long connect_timeout_s;  /* 0: 10 s */
	long timeout_s;          /* whole request; 0: 60 s */
	long low_speed_time_s;   /* abort below 1 byte/s for this long; 0: 30 s */
	int max_parallel;        /* kith_http_run_many bound; 0: 6 */
	size_t max_body;         /* response cap in bytes; 0: 32 MiB */
	/*
	 * A 429 or 503 is sent again after the server's Retry-After (or 1 s,
	 * 2 s, 4 s without one): at most max_retries times per request and
	 * max_retry_wait_s waited in total over the session, so a caller can
	 * bound how long a run may sleep.  A wish beyond the bound fails at
	 * once.
	 */
	int max_retries;        /* per request; 0: 3, < 0: never retry */
	long max_retry_wait_s;  /* in total per session; 0: 60 s */
	const char *user_agent; /* NULL: "kith/VERSION" */
	kith_http_log_fn log;   /* NULL: silent */
	void *log_arg;
};

/* Ownership: kith_http_free(*out).  Copies what it keeps from opts. */
enum kith_status kith_http_new(struct kith_ctx *ctx, const struct kith_http_options *opts,
			       struct kith_http **out);
void kith_http_free(struct kith_http *http);

struct kith_http_request {
	const char *method;         /* "PROPFIND", "REPORT", "PUT", ... */
	const char *url;            /* absolute */
	const char *const *headers; /* "Name: value" lines, NULL-terminated; may be NULL */
	const char *body;           /* may be NULL */
	size_t body_len;
};

struct kith_http_response {
	long status; /* 0: no response (see the ctx message) */
	char *body;  /* NUL-terminated; may be empty */
	size_t len;
	char *etag;             /* ETag header exactly as sent (W/ kept); may be NULL */
	char *location;         /* Location header; may be NULL */
	char *content_type;     /* may be NULL */
	char *dav;              /* DAV header (capabilities); may be NULL */
	char *allow;            /* Allow header; may be NULL */
	long retry_after;       /* Retry-After in seconds from now (a date converted); -1: none */
	enum kith_status error; /* KITH_OK, or why there is no response */
	char *error_msg;        /* a message for people when error != KITH_OK (run_many
				   only: kith_http_run puts it in the ctx instead) */
};

void kith_http_response_clear(struct kith_http_response *r);

/*
 * One request.  KITH_OK means a response arrived, whatever its status;
 * transport failures (DNS, refused, TLS, timeout, body over the cap) are
 * an error status with a clear message naming the host, in the ctx given
 * to kith_http_new().  On failure out holds no allocation (only out->error
 * is set), so clearing it is optional then; after KITH_OK,
 * kith_http_response_clear(out).
 */
enum kith_status kith_http_run(struct kith_http *http, const struct kith_http_request *req,
			       struct kith_http_response *out);

/*
 * Several requests at once over the kept-alive connections, at most
 * max_parallel in flight.  out[i] answers reqs[i]; each carries its own
 * error.  Returns an error only when it could not run them at all.
 * progress (may be NULL) is called after each completed request.
 */
enum kith_status kith_http_run_many(struct kith_http *http, const struct kith_http_request *reqs,
				    size_t n, struct kith_http_response *out,
				    void (*progress)(size_t done, size_t total, void *arg),
				    void *progress_arg);

/* 1 when both URLs have the same scheme, host and port (parsed by libcurl). */
int kith_http_same_origin(const char *a, const char *b);

/* How many requests this session has sent (for tests and benchmarks). */
long kith_http_request_count(const struct kith_http *http);

#endif
