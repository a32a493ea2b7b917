/* SPDX-License-Identifier: MIT */
/*
 * http.c against a tiny scripted HTTP/1.1 server that runs in a thread of
 * this test on 127.0.0.1: it records every request and counts accepted
 * connections, so keep-alive, the parallel bound, auth headers and
 * "nothing was sent" can be checked.  Nothing leaves the loopback.
 *
 * The server answers by path:
 *   /status/NNN    status NNN ("Location: /moved/here" with 3xx)
 *   /headers       ETag W/"...", Content-Type, two DAV headers, Allow
 *   /big           1000 bytes with a Content-Length
 *   /bigchunked    1000 bytes, chunked (no Content-Length)
 *   /hundred       exactly 100 bytes
 *   /stall         never answers
 *   /trickle       sends the status line, then nothing
 *   /basic-only    200 with Basic credentials, else 401 with a Basic challenge
 *   /digest-only   200 with Digest credentials, else 401 with a Digest challenge
 *   /busy/NNN/S    status NNN with "Retry-After: S" ("-": none, "dateS": an HTTP
 *                  date S seconds ahead) on the first request, then 200 "ok"
 *   /busy-always/NNN/S  the same on every request
 *   anything else  200 "ok"
 */
#include "helpers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "buf.h"
#include "http.h"
#include "listing.h"
#include "url.h"

/* ---- the server ---- */

#define MAX_CONNS 16
#define MAX_REQS 64

struct conn {
	int fd;
	char in[65536];
	size_t in_len;
	int waiting;         /* a request is received, its answer is not sent */
	int stalled;         /* never answer on this connection */
	struct timespec due; /* when the answer goes out */
	char *answer;
	size_t answer_len;
};

struct server {
	int lfd;
	int port;
	int stop[2];
	pthread_t th;
	pthread_mutex_t mu;
	int delay_ms;
	/* under mu */
	int accepts;
	int outstanding;
	int max_outstanding;
	int nreq;
	char *reqs[MAX_REQS];
	struct conn conns[MAX_CONNS];
};

static long ms_until(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (t->tv_sec - now.tv_sec) * 1000 + (t->tv_nsec - now.tv_nsec) / 1000000;
}

/* Requests to /busy/ so far (only the server thread writes it while it runs). */
static int busy_hits;

static char *answer_for(const char *head, const char *path, int *stall, size_t *out_len)
{
	struct kith_buf b = KITH_BUF_INIT;
	char *s;
	int always = strncmp(path, "/busy-always/", 13) == 0;

	*stall = 0;
	if ((always || strncmp(path, "/busy/", 6) == 0) && (always || busy_hits++ == 0)) {
		const char *p = path + (always ? 13 : 6);
		int code = atoi(p);
		const char *wish = strchr(p, '/') + 1;

		kith_buf_printf(&b, "HTTP/1.1 %d Busy\r\n", code);
		if (strncmp(wish, "date", 4) == 0) {
			time_t when = time(NULL) + atoi(wish + 4);
			struct tm tm;
			char date[64];

			gmtime_r(&when, &tm);
			strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
			kith_buf_printf(&b, "Retry-After: %s\r\n", date);
		} else if (*wish != '-') {
			kith_buf_printf(&b, "Retry-After: %s\r\n", wish);
		}
		kith_buf_append(&b, "Content-Length: 4\r\n\r\nbusy");
	} else if (strncmp(path, "/status/", 8) == 0) {
		int code = atoi(path + 8);

		kith_buf_printf(&b, "HTTP/1.1 %d Scripted\r\n", code);
		if (code >= 300 && code < 400)
			kith_buf_append(&b, "Location: /moved/here\r\n");
		kith_buf_append(&b, "Content-Length: 9\r\n\r\nnot found");
	} else if (strcmp(path, "/headers") == 0) {
		kith_buf_append(&b, "HTTP/1.1 200 OK\r\n"
				    "etag:   W/\"weak-1\"  \r\n"
				    "Content-Type: text/calendar; charset=utf-8\r\n"
				    "DAV: 1, 2, calendar-access\r\n"
				    "dav:  extended-mkcol \r\n"
				    "Allow: OPTIONS, GET, PUT, DELETE, PROPFIND, REPORT\r\n"
				    "Location: https://example.org/cal/x.ics\r\n"
				    "Content-Length: 2\r\n\r\nhi");
	} else if (strcmp(path, "/big") == 0 || strcmp(path, "/hundred") == 0) {
		size_t n = strcmp(path, "/big") == 0 ? 1000 : 100;

		kith_buf_printf(&b, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n\r\n", n);
		for (size_t i = 0; i < n; i++)
			kith_buf_append(&b, "x");
	} else if (strcmp(path, "/bigchunked") == 0) {
		kith_buf_append(&b, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
		for (int i = 0; i < 10; i++) {
			kith_buf_append(&b, "64\r\n");
			for (int k = 0; k < 100; k++)
				kith_buf_append(&b, "y");
			kith_buf_append(&b, "\r\n");
		}
		kith_buf_append(&b, "0\r\n\r\n");
	} else if (strcmp(path, "/stall") == 0) {
		*stall = 1;
	} else if (strcmp(path, "/trickle") == 0) {
		*stall = 1;
		kith_buf_append(&b, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
	} else if (strcmp(path, "/basic-only") == 0 || strcmp(path, "/digest-only") == 0) {
		const char *scheme = path[1] == 'b' ? "Basic" : "Digest";
		char want[64];

		snprintf(want, sizeof(want), "\r\nAuthorization: %s ", scheme);
		if (strstr(head, want))
			kith_buf_append(&b, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
		else if (path[1] == 'b')
			kith_buf_append(&b, "HTTP/1.1 401 Unauthorized\r\n"
					    "WWW-Authenticate: Basic realm=\"kith test\"\r\n"
					    "Content-Length: 6\r\n\r\nlogin!");
		else
			kith_buf_append(&b, "HTTP/1.1 401 Unauthorized\r\n"
					    "WWW-Authenticate: Digest realm=\"kith test\", "
					    "nonce=\"6e6f6e6365\", qop=\"auth\", algorithm=MD5\r\n"
					    "Content-Length: 6\r\n\r\nlogin!");
	} else {
		kith_buf_append(&b, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
	}
	*out_len = b.len;
	s = kith_buf_steal(&b);
	if (!s)
		abort();
	return s;
}

static size_t content_length(const char *head)
{
	const char *p = head;

	while ((p = strchr(p, '\n')) != NULL) {
		p++;
		if (strncasecmp(p, "Content-Length:", 15) == 0)
			return (size_t)strtoul(p + 15, NULL, 10);
	}
	return 0;
}

/* Take every complete request off c->in; answer or schedule. */
static void take_requests(struct server *s, struct conn *c)
{
	while (!c->waiting && !c->stalled) {
		char *end, *head, path[256] = "";
		size_t head_len, total;

		c->in[c->in_len] = '\0';
		end = strstr(c->in, "\r\n\r\n");
		if (!end)
			return;
		head_len = (size_t)(end - c->in) + 4;
		head = strndup(c->in, head_len);
		if (!head)
			abort();
		total = head_len + content_length(head);
		if (c->in_len < total) {
			free(head);
			return;
		}
		sscanf(c->in, "%*s %255s", path);
		pthread_mutex_lock(&s->mu);
		if (s->nreq < MAX_REQS) {
			s->reqs[s->nreq] = strndup(c->in, total);
			s->nreq++;
		}
		s->outstanding++;
		if (s->outstanding > s->max_outstanding)
			s->max_outstanding = s->outstanding;
		pthread_mutex_unlock(&s->mu);
		memmove(c->in, c->in + total, c->in_len - total);
		c->in_len -= total;
		c->answer = answer_for(head, path, &c->stalled, &c->answer_len);
		free(head);
		c->waiting = 1;
		clock_gettime(CLOCK_MONOTONIC, &c->due);
		c->due.tv_nsec += (long)s->delay_ms * 1000000L;
		c->due.tv_sec += c->due.tv_nsec / 1000000000L;
		c->due.tv_nsec %= 1000000000L;
		if (c->stalled && c->answer_len > 0) {
			/* /trickle: the head goes out, the body never does */
			if (write(c->fd, c->answer, c->answer_len) < 0)
				abort();
		}
	}
}

static void close_conn(struct conn *c)
{
	close(c->fd);
	free(c->answer);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static void *serve(void *arg)
{
	struct server *s = arg;

	for (;;) {
		struct pollfd p[MAX_CONNS + 2];
		int idx[MAX_CONNS + 2], np = 0;
		long wait = 100;

		p[np].fd = s->stop[0];
		p[np++].events = POLLIN;
		p[np].fd = s->lfd;
		p[np++].events = POLLIN;
		for (int i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &s->conns[i];

			if (c->fd < 0)
				continue;
			if (c->waiting && !c->stalled) {
				long ms = ms_until(&c->due);

				if (ms < wait)
					wait = ms < 0 ? 0 : ms;
			}
			idx[np] = i;
			p[np].fd = c->fd;
			p[np++].events = POLLIN;
		}
		if (poll(p, (nfds_t)np, (int)wait) < 0)
			abort();
		if (p[0].revents)
			return NULL;
		if (p[1].revents & POLLIN) {
			int fd = accept(s->lfd, NULL, NULL);

			for (int i = 0; fd >= 0 && i < MAX_CONNS; i++) {
				if (s->conns[i].fd < 0) {
					s->conns[i].fd = fd;
					fd = -1;
				}
			}
			if (fd >= 0)
				close(fd);
			pthread_mutex_lock(&s->mu);
			s->accepts++;
			pthread_mutex_unlock(&s->mu);
		}
		for (int k = 2; k < np; k++) {
			struct conn *c = &s->conns[idx[k]];
			ssize_t got;

			if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			got = read(c->fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len);
			if (got <= 0) {
				if (c->waiting) {
					pthread_mutex_lock(&s->mu);
					s->outstanding--;
					pthread_mutex_unlock(&s->mu);
				}
				close_conn(c);
				continue;
			}
			c->in_len += (size_t)got;
			take_requests(s, c);
		}
		for (int i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &s->conns[i];

			if (c->fd < 0 || !c->waiting || c->stalled || ms_until(&c->due) > 0)
				continue;
			pthread_mutex_lock(&s->mu);
			s->outstanding--;
			pthread_mutex_unlock(&s->mu);
			if (write(c->fd, c->answer, c->answer_len) != (ssize_t)c->answer_len)
				abort();
			free(c->answer);
			c->answer = NULL;
			c->waiting = 0;
			take_requests(s, c);
		}
	}
}

static struct server *server_start(int delay_ms)
{
	struct server *s = calloc(1, sizeof(*s));
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int one = 1;

	assert_non_null(s);
	s->delay_ms = delay_ms;
	for (int i = 0; i < MAX_CONNS; i++)
		s->conns[i].fd = -1;
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->lfd >= 0);
	setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->lfd, 16), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&a, &len), 0);
	s->port = ntohs(a.sin_port);
	assert_int_equal(pipe(s->stop), 0);
	pthread_mutex_init(&s->mu, NULL);
	assert_int_equal(pthread_create(&s->th, NULL, serve, s), 0);
	return s;
}

static void server_stop(struct server *s)
{
	if (write(s->stop[1], "x", 1) != 1)
		abort();
	pthread_join(s->th, NULL);
	for (int i = 0; i < MAX_CONNS; i++)
		if (s->conns[i].fd >= 0)
			close_conn(&s->conns[i]);
	for (int i = 0; i < s->nreq; i++)
		free(s->reqs[i]);
	close(s->lfd);
	close(s->stop[0]);
	close(s->stop[1]);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

static int server_get(struct server *s, const int *field)
{
	int v;

	pthread_mutex_lock(&s->mu);
	v = *field;
	pthread_mutex_unlock(&s->mu);
	return v;
}

/* ---- the client side ---- */

struct fx {
	struct server *srv;
	struct kith_ctx *ctx;
	struct kith_http *http;
	struct kith_buf log;
	char url[256];
};

static void collect_log(const char *line, void *arg)
{
	struct kith_buf *b = arg;

	kith_buf_append(b, line);
	kith_buf_append(b, "\n");
}

static const char *url(struct fx *f, const char *path)
{
	snprintf(f->url, sizeof(f->url), "http://127.0.0.1:%d%s", f->srv->port, path);
	return f->url;
}

static void open_http(struct fx *f, struct kith_http_options *o)
{
	o->log = collect_log;
	o->log_arg = &f->log;
	if (kith_http_new(f->ctx, o, &f->http) != KITH_OK)
		fail_msg("kith_http_new: %s", kith_ctx_errmsg(f->ctx));
}

static int setup_delay(void **state, int delay_ms)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f || kith_ctx_new(&f->ctx) != KITH_OK)
		return -1;
	busy_hits = 0;
	f->srv = server_start(delay_ms);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_delay(state, 0);
}

static int setup_slow(void **state)
{
	return setup_delay(state, 100);
}

static int teardown(void **state)
{
	struct fx *f = *state;

	kith_http_free(f->http);
	server_stop(f->srv);
	kith_ctx_free(f->ctx);
	kith_buf_free(&f->log);
	free(f);
	return 0;
}

static enum kith_status run(struct fx *f, const char *method, const char *path,
			    const char *const *headers, const char *body,
			    struct kith_http_response *r)
{
	struct kith_http_request req = { method, url(f, path), headers, body,
					 body ? strlen(body) : 0 };

	return kith_http_run(f->http, &req, r);
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- tests ---- */

static void test_http_keeps_one_connection_alive(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;

	open_http(f, &o);
	for (int i = 0; i < 3; i++) {
		assert_ok(run(f, "GET", "/x", NULL, NULL, &r));
		assert_int_equal(r.status, 200);
		assert_string_equal(r.body, "ok");
		assert_int_equal(r.len, 2);
		kith_http_response_clear(&r);
	}
	assert_int_equal(server_get(f->srv, &f->srv->accepts), 1);
	assert_int_equal(server_get(f->srv, &f->srv->nreq), 3);
	assert_int_equal(kith_http_request_count(f->http), 3);
}

struct progress {
	size_t calls;
	size_t last;
	size_t total;
};

static void on_progress(size_t done, size_t total, void *arg)
{
	struct progress *p = arg;

	assert_int_equal(done, p->last + 1);
	p->calls++;
	p->last = done;
	p->total = total;
}

static void test_http_run_many_bounds_parallel_transfers(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_request reqs[7];
	struct kith_http_response out[7];
	char urls[7][128];
	struct progress p = { 0, 0, 0 };

	o.max_parallel = 2;
	open_http(f, &o);
	for (int i = 0; i < 7; i++) {
		snprintf(urls[i], sizeof(urls[i]), "http://127.0.0.1:%d/item/%d", f->srv->port, i);
		memset(&reqs[i], 0, sizeof(reqs[i]));
		reqs[i].method = "GET";
		reqs[i].url = urls[i];
	}
	/* one that cannot even start: it fails alone */
	reqs[3].url = "http://example.invalid/x";
	assert_ok(kith_http_run_many(f->http, reqs, 7, out, on_progress, &p));
	for (int i = 0; i < 7; i++) {
		if (i == 3) {
			assert_int_equal(out[i].status, 0);
			assert_status(out[i].error, KITH_ERR_INVALID);
			assert_contains(out[i].error_msg, "example.invalid");
		} else {
			assert_status(out[i].error, KITH_OK);
			assert_int_equal(out[i].status, 200);
		}
		kith_http_response_clear(&out[i]);
	}
	assert_int_equal(p.calls, 7);
	assert_int_equal(p.total, 7);
	assert_int_equal(server_get(f->srv, &f->srv->nreq), 6);
	assert_int_equal(kith_http_request_count(f->http), 6);
	assert_true(server_get(f->srv, &f->srv->max_outstanding) <= 2);
	assert_true(server_get(f->srv, &f->srv->max_outstanding) >= 1);
	assert_true(server_get(f->srv, &f->srv->accepts) <= 2);
}

static void test_http_does_not_follow_redirects(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;

	open_http(f, &o);
	assert_ok(run(f, "REPORT", "/status/301", NULL, "<x/>", &r));
	assert_int_equal(r.status, 301);
	assert_string_equal(r.location, "/moved/here");
	kith_http_response_clear(&r);
	assert_int_equal(server_get(f->srv, &f->srv->nreq), 1);
}

static void test_http_error_status_is_a_response(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;

	open_http(f, &o);
	assert_ok(run(f, "GET", "/status/404", NULL, NULL, &r));
	assert_int_equal(r.status, 404);
	assert_status(r.error, KITH_OK);
	assert_null(r.error_msg);
	assert_string_equal(r.body, "not found");
	kith_http_response_clear(&r);
	assert_ok(run(f, "PUT", "/status/412", NULL, "BEGIN:VCALENDAR", &r));
	assert_int_equal(r.status, 412);
	kith_http_response_clear(&r);
	assert_ok(run(f, "GET", "/status/503", NULL, NULL, &r));
	assert_int_equal(r.status, 503);
	kith_http_response_clear(&r);
}

static void test_http_headers_parsed_and_weak_etag_kept(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;

	open_http(f, &o);
	assert_ok(run(f, "GET", "/headers", NULL, NULL, &r));
	assert_int_equal(r.status, 200);
	assert_string_equal(r.etag, "W/\"weak-1\"");
	assert_string_equal(r.content_type, "text/calendar; charset=utf-8");
	assert_string_equal(r.dav, "1, 2, calendar-access, extended-mkcol");
	assert_string_equal(r.allow, "OPTIONS, GET, PUT, DELETE, PROPFIND, REPORT");
	assert_string_equal(r.location, "https://example.org/cal/x.ics");
	kith_http_response_clear(&r);
	/* nothing stays from one response to the next */
	assert_ok(run(f, "GET", "/x", NULL, NULL, &r));
	assert_null(r.etag);
	assert_null(r.dav);
	kith_http_response_clear(&r);
}

static void test_http_body_over_cap_is_refused(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;

	o.max_body = 100;
	open_http(f, &o);
	assert_status(run(f, "GET", "/big", NULL, NULL, &r), KITH_ERR_PARSE);
	assert_int_equal(r.status, 0);
	assert_status(r.error, KITH_ERR_PARSE);
	/* a failed kith_http_run leaves nothing to free: the message is in ctx */
	assert_null(r.body);
	assert_null(r.error_msg);
	assert_contains(kith_ctx_errmsg(f->ctx), "larger than 100 bytes");
	assert_contains(kith_ctx_errmsg(f->ctx), "127.0.0.1");
	kith_http_response_clear(&r);
	assert_status(run(f, "GET", "/bigchunked", NULL, NULL, &r), KITH_ERR_PARSE);
	assert_contains(kith_ctx_errmsg(f->ctx), "larger than 100 bytes");
	kith_http_response_clear(&r);
	assert_ok(run(f, "GET", "/hundred", NULL, NULL, &r));
	assert_int_equal(r.len, 100);
	kith_http_response_clear(&r);
}

static void test_http_stalled_server_times_out(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;
	double t0 = now_s();

	o.timeout_s = 1;
	open_http(f, &o);
	assert_status(run(f, "GET", "/stall", NULL, NULL, &r), KITH_ERR_NETWORK);
	assert_true(now_s() - t0 < 2.5);
	assert_int_equal(r.status, 0);
	assert_string_equal(kith_ctx_errmsg(f->ctx), "timed out after 1 s talking to 127.0.0.1");
	kith_http_response_clear(&r);
}

static void test_http_low_speed_limit_gives_up(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;
	double t0 = now_s();

	o.low_speed_time_s = 1;
	open_http(f, &o);
	assert_status(run(f, "GET", "/trickle", NULL, NULL, &r), KITH_ERR_NETWORK);
	assert_true(now_s() - t0 < 2.5);
	assert_contains(kith_ctx_errmsg(f->ctx),
			"127.0.0.1 sent less than 1 byte/s for 1 s; gave up");
	kith_http_response_clear(&r);
}

static void test_http_basic_auth_first_request_and_redacted(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;
	const char *req;

	o.username = "alice";
	o.password = "s3cret";
	open_http(f, &o);
	assert_ok(run(f, "PUT", "/basic-only", NULL, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", &r));
	assert_int_equal(r.status, 200);
	kith_http_response_clear(&r);
	/* sent on the first request: no 401 round, the body went once */
	assert_int_equal(server_get(f->srv, &f->srv->nreq), 1);
	assert_int_equal(kith_http_request_count(f->http), 1);
	req = f->srv->reqs[0];
	/* base64("alice:s3cret") */
	assert_contains(req, "\r\nAuthorization: Basic YWxpY2U6czNjcmV0\r\n");
	assert_contains(f->log.data, "> PUT /basic-only HTTP/1.1\n");
	assert_contains(f->log.data, "> Authorization: [redacted]\n");
	assert_contains(f->log.data, "< HTTP/1.1 200 OK\n");
	assert_not_contains(f->log.data, "YWxpY2U6czNjcmV0");
	assert_not_contains(f->log.data, "s3cret");
}

static void test_http_digest_only_server_switches_to_digest(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;

	o.username = "alice";
	o.password = "s3cret";
	open_http(f, &o);
	assert_ok(run(f, "GET", "/digest-only", NULL, NULL, &r));
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "ok");
	kith_http_response_clear(&r);
	/* Basic (401 with a Digest challenge), then the answer to that challenge */
	assert_int_equal(kith_http_request_count(f->http), 2);
	assert_contains(f->srv->reqs[0], "\r\nAuthorization: Basic ");
	assert_contains(f->srv->reqs[1], "\r\nAuthorization: Digest username=\"alice\"");
	/* the session now speaks Digest: a challenge round, never Basic again */
	assert_ok(run(f, "GET", "/digest-only", NULL, NULL, &r));
	assert_int_equal(r.status, 200);
	kith_http_response_clear(&r);
	assert_int_equal(kith_http_request_count(f->http), 4);
	assert_not_contains(f->srv->reqs[2], "Authorization:");
	assert_contains(f->srv->reqs[3], "\r\nAuthorization: Digest username=\"alice\"");
	/* an upload through the Digest round: the answered request carries the whole body */
	assert_ok(run(f, "PUT", "/digest-only", NULL, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", &r));
	assert_int_equal(r.status, 200);
	kith_http_response_clear(&r);
	assert_int_equal(server_get(f->srv, &f->srv->nreq), 6);
	assert_contains(f->srv->reqs[5], "\r\nAuthorization: Digest username=\"alice\"");
	assert_string_equal(strstr(f->srv->reqs[5], "\r\n\r\n") + 4,
			    "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
	assert_not_contains(f->log.data, "s3cret");
	assert_not_contains(f->log.data, "Digest username");
}

static void test_http_wrong_password_is_a_401(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;

	open_http(f, &o);
	/* no credentials: the 401 comes back as it is */
	assert_ok(run(f, "PROPFIND", "/basic-only", NULL, "<x/>", &r));
	assert_int_equal(r.status, 401);
	assert_string_equal(r.body, "login!");
	kith_http_response_clear(&r);
}

static void test_http_upload_sends_no_expect_and_the_whole_body(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;
	const char *h[] = { "Content-Type: text/calendar; charset=utf-8", "If-None-Match: *",
			    NULL };
	char *body = malloc(3001);
	const char *req;

	assert_non_null(body);
	memset(body, 'v', 3000);
	body[3000] = '\0';
	open_http(f, &o);
	assert_ok(run(f, "PUT", "/cal/x.ics", h, body, &r));
	assert_int_equal(r.status, 200);
	kith_http_response_clear(&r);
	req = f->srv->reqs[0];
	assert_true(strncmp(req, "PUT /cal/x.ics HTTP/1.1\r\n", 25) == 0);
	assert_not_contains(req, "Expect:");
	assert_contains(req, "\r\nContent-Type: text/calendar; charset=utf-8\r\n");
	assert_contains(req, "\r\nIf-None-Match: *\r\n");
	assert_contains(req, "\r\nContent-Length: 3000\r\n");
	assert_string_equal(strstr(req, "\r\n\r\n") + 4, body);
	free(body);
}

static void test_http_custom_methods_with_and_without_body(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;
	const char *h[] = { "Depth: 1", "Content-Type: application/xml; charset=utf-8", NULL };
	const char *xml = "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"/>";

	o.timeout_s = 2;
	open_http(f, &o);
	assert_ok(run(f, "PROPFIND", "/cal/", h, xml, &r));
	kith_http_response_clear(&r);
	assert_ok(run(f, "DELETE", "/cal/x.ics", NULL, NULL, &r));
	assert_int_equal(r.status, 200);
	kith_http_response_clear(&r);
	assert_ok(run(f, "REPORT", "/cal/", NULL, xml, &r));
	kith_http_response_clear(&r);
	assert_int_equal(server_get(f->srv, &f->srv->nreq), 3);
	assert_true(strncmp(f->srv->reqs[0], "PROPFIND /cal/ HTTP/1.1\r\n", 25) == 0);
	assert_contains(f->srv->reqs[0], "\r\nDepth: 1\r\n");
	assert_string_equal(strstr(f->srv->reqs[0], "\r\n\r\n") + 4, xml);
	assert_true(strncmp(f->srv->reqs[1], "DELETE /cal/x.ics HTTP/1.1\r\n", 28) == 0);
	assert_not_contains(f->srv->reqs[1], "Content-Length");
	/* no Content-Type given: none sent (not libcurl's form default) */
	assert_not_contains(f->srv->reqs[2], "Content-Type");
	assert_not_contains(f->srv->reqs[2], "x-www-form-urlencoded");
	assert_string_equal(strstr(f->srv->reqs[2], "\r\n\r\n") + 4, xml);
}

static void test_http_refuses_plain_http_to_other_hosts(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;
	struct kith_http_request req = { "GET", "http://example.invalid/cal/", NULL, NULL, 0 };

	o.username = "alice";
	o.password = "s3cret";
	open_http(f, &o);
	assert_status(kith_http_run(f->http, &req, &r), KITH_ERR_INVALID);
	assert_int_equal(r.status, 0);
	assert_status(r.error, KITH_ERR_INVALID);
	assert_contains(kith_ctx_errmsg(f->ctx), "refusing unencrypted http:// to example.invalid");
	kith_http_response_clear(&r);
	req.url = "http://10.0.0.1/";
	assert_status(kith_http_run(f->http, &req, &r), KITH_ERR_INVALID);
	kith_http_response_clear(&r);
	req.url = "http://127.0.0.1.example.invalid/";
	assert_status(kith_http_run(f->http, &req, &r), KITH_ERR_INVALID);
	kith_http_response_clear(&r);
	/* credentials in the URL are refused and not repeated */
	req.url = "https://bob:hunter2@example.invalid/";
	assert_status(kith_http_run(f->http, &req, &r), KITH_ERR_INVALID);
	assert_not_contains(kith_ctx_errmsg(f->ctx), "hunter2");
	assert_contains(kith_ctx_errmsg(f->ctx), "user name or password");
	kith_http_response_clear(&r);
	req.url = "ftp://127.0.0.1/";
	assert_status(kith_http_run(f->http, &req, &r), KITH_ERR_INVALID);
	kith_http_response_clear(&r);
	assert_int_equal(kith_http_request_count(f->http), 0);
	assert_int_equal(server_get(f->srv, &f->srv->accepts), 0);
	assert_not_contains(f->log.data, "s3cret");
}

static void test_http_loopback_names_are_allowed_and_refusal_is_named(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;
	struct kith_http_request req = { "GET", NULL, NULL, NULL, 0 };
	static const char *const urls[] = { "http://127.0.0.2:1/", "http://[::1]:1/",
					    "http://localhost:1/", "http://LOCALHOST:1/" };
	char want[64];
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	char refused[64];

	open_http(f, &o);
	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		req.url = urls[i];
		/* allowed, so it tries, and nothing listens on port 1 */
		assert_status(kith_http_run(f->http, &req, &r), KITH_ERR_NETWORK);
		assert_contains(kith_ctx_errmsg(f->ctx), "cannot connect to");
		kith_http_response_clear(&r);
	}
	/* a port that was just free: "connection refused", with host and port */
	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	snprintf(refused, sizeof(refused), "http://127.0.0.1:%d/", ntohs(a.sin_port));
	req.url = refused;
	assert_status(kith_http_run(f->http, &req, &r), KITH_ERR_NETWORK);
	snprintf(want, sizeof(want), "cannot connect to 127.0.0.1:%d: connection refused",
		 ntohs(a.sin_port));
	assert_string_equal(kith_ctx_errmsg(f->ctx), want);
	kith_http_response_clear(&r);
}

static void test_http_header_with_line_break_is_refused(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;
	const char *h[] = { "If-Match: \"x\"\r\nX-Evil: 1", NULL };

	open_http(f, &o);
	assert_status(run(f, "DELETE", "/x", h, NULL, &r), KITH_ERR_INVALID);
	kith_http_response_clear(&r);
	assert_int_equal(server_get(f->srv, &f->srv->nreq), 0);
}

static void test_http_503_with_retry_after_is_retried(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;
	double t0;

	open_http(f, &o);
	t0 = now_s();
	assert_ok(run(f, "REPORT", "/busy/503/1", NULL, "<x/>", &r));
	assert_true(now_s() - t0 >= 0.99);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.body, "ok");
	assert_int_equal(r.retry_after, -1);
	kith_http_response_clear(&r);
	assert_int_equal(server_get(f->srv, &f->srv->nreq), 2);
	assert_int_equal(kith_http_request_count(f->http), 2);
	/* the same request again, body and all */
	assert_string_equal(strstr(f->srv->reqs[1], "\r\n\r\n") + 4, "<x/>");
	assert_contains(f->log.data, "/busy/503/1: 503, 4 bytes; again in 1 s\n");
}

static void test_http_429_without_retry_after_waits_the_default(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;
	double t0;

	open_http(f, &o);
	t0 = now_s();
	assert_ok(run(f, "GET", "/busy/429/-", NULL, NULL, &r));
	assert_true(now_s() - t0 >= 0.99);
	assert_int_equal(r.status, 200);
	kith_http_response_clear(&r);
	assert_int_equal(server_get(f->srv, &f->srv->nreq), 2);
}

static void test_http_retry_after_beyond_the_bound_fails_fast(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;
	double t0;

	open_http(f, &o);
	t0 = now_s();
	assert_int_equal(run(f, "GET", "/busy-always/503/120", NULL, NULL, &r), KITH_ERR_NETWORK);
	assert_true(now_s() - t0 < 0.9);
	assert_contains(kith_ctx_errmsg(f->ctx),
			"127.0.0.1 answered HTTP 503 and asked to retry after 120 s; kith waits "
			"at most 60 s in a sync");
	assert_int_equal(server_get(f->srv, &f->srv->nreq), 1);
}

static void test_http_retry_after_as_a_date(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	struct kith_http_response r;

	/* never retried: the header comes back as a number of seconds */
	o.max_retries = -1;
	open_http(f, &o);
	assert_ok(run(f, "GET", "/busy-always/503/date3600", NULL, NULL, &r));
	assert_int_equal(r.status, 503);
	assert_in_range(r.retry_after, 3595, 3600);
	kith_http_response_clear(&r);
	kith_http_free(f->http);
	f->http = NULL;
	/* with retries: a date beyond the bound fails at once, naming the wish */
	memset(&o, 0, sizeof(o));
	open_http(f, &o);
	assert_int_equal(run(f, "GET", "/busy-always/503/date3600", NULL, NULL, &r),
			 KITH_ERR_NETWORK);
	assert_contains(kith_ctx_errmsg(f->ctx), "asked to retry after 3");
	assert_int_equal(server_get(f->srv, &f->srv->nreq), 2);
}

static void test_http_run_many_retries_a_busy_put(void **state)
{
	struct fx *f = *state;
	struct kith_http_options o = { 0 };
	const char *const cond[] = { "If-Match: \"e1\"", NULL };
	struct kith_http_request reqs[2];
	struct kith_http_response out[2];
	char u0[256], u1[256];

	open_http(f, &o);
	snprintf(u0, sizeof(u0), "%s", url(f, "/busy/503/1"));
	snprintf(u1, sizeof(u1), "%s", url(f, "/plain"));
	reqs[0] = (struct kith_http_request){ "PUT", u0, cond, "A", 1 };
	reqs[1] = (struct kith_http_request){ "PUT", u1, cond, "B", 1 };
	assert_ok(kith_http_run_many(f->http, reqs, 2, out, NULL, NULL));
	assert_int_equal(out[0].error, KITH_OK);
	assert_int_equal(out[0].status, 200);
	assert_int_equal(out[1].status, 200);
	assert_int_equal(server_get(f->srv, &f->srv->nreq), 3);
	/* the retried PUT keeps its condition and its body */
	for (int i = 0; i < 3; i++)
		assert_contains(f->srv->reqs[i], "\r\nIf-Match: \"e1\"\r\n");
	kith_http_response_clear(&out[0]);
	kith_http_response_clear(&out[1]);
}

static void test_http_resolve_rfc3986_examples(void **state)
{
	/* RFC 3986 5.4.1 and 5.4.2 */
	static const char *const cases[][2] = {
		{ "g", "http://a/b/c/g" },
		{ "./g", "http://a/b/c/g" },
		{ "g/", "http://a/b/c/g/" },
		{ "/g", "http://a/g" },
		{ "//g", "http://g" },
		{ "?y", "http://a/b/c/d;p?y" },
		{ "g?y", "http://a/b/c/g?y" },
		{ "#s", "http://a/b/c/d;p?q#s" },
		{ "g#s", "http://a/b/c/g#s" },
		{ "g?y#s", "http://a/b/c/g?y#s" },
		{ ";x", "http://a/b/c/;x" },
		{ "g;x", "http://a/b/c/g;x" },
		{ "g;x?y#s", "http://a/b/c/g;x?y#s" },
		{ "", "http://a/b/c/d;p?q" },
		{ ".", "http://a/b/c/" },
		{ "./", "http://a/b/c/" },
		{ "..", "http://a/b/" },
		{ "../", "http://a/b/" },
		{ "../g", "http://a/b/g" },
		{ "../..", "http://a/" },
		{ "../../", "http://a/" },
		{ "../../g", "http://a/g" },
		{ "../../../g", "http://a/g" },
		{ "../../../../g", "http://a/g" },
		{ "/./g", "http://a/g" },
		{ "/../g", "http://a/g" },
		{ "g.", "http://a/b/c/g." },
		{ ".g", "http://a/b/c/.g" },
		{ "g..", "http://a/b/c/g.." },
		{ "..g", "http://a/b/c/..g" },
		{ "./../g", "http://a/b/g" },
		{ "./g/.", "http://a/b/c/g/" },
		{ "g/./h", "http://a/b/c/g/h" },
		{ "g/../h", "http://a/b/c/h" },
		{ "g;x=1/./y", "http://a/b/c/g;x=1/y" },
		{ "g;x=1/../y", "http://a/b/c/y" },
		{ "g?y/./x", "http://a/b/c/g?y/./x" },
		{ "g?y/../x", "http://a/b/c/g?y/../x" },
		{ "g#s/./x", "http://a/b/c/g#s/./x" },
		{ "g#s/../x", "http://a/b/c/g#s/../x" },
		{ "http:g", "http:g" },
		{ "g:h", "g:h" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = kith_url_resolve("http://a/b/c/d;p?q", cases[i][0]);

		if (!got || strcmp(got, cases[i][1]) != 0)
			fail_msg("resolve '%s': got '%s', want '%s'", cases[i][0],
				 got ? got : "(null)", cases[i][1]);
		free(got);
	}
}

static void check_resolve(const char *base, const char *ref, const char *want)
{
	char *got = kith_url_resolve(base, ref);

	if (!want) {
		assert_null(got);
		return;
	}
	if (!got || strcmp(got, want) != 0)
		fail_msg("resolve '%s' on '%s': got '%s', want '%s'", ref, base,
			 got ? got : "(null)", want);
	free(got);
}

/* RELIABILITY rule 23: only a direct member of the collection is taken. */
static void test_url_member_of_the_collection(void **state)
{
	static const char coll[] = "https://dav.example/cal/u%40x/kith/";
	static const struct {
		const char *href;
		int member;
	} cases[] = {
		{ "/cal/u%40x/kith/a.ics", 1 },
		{ "/cal/u@x/kith/a.ics", 1 }, /* compared percent-decoded */
		{ "https://dav.example/cal/u%40x/kith/a.ics", 1 },
		{ "HTTPS://DAV.EXAMPLE/cal/u%40x/kith/a.ics", 1 },
		{ "a.ics", 1 },
		{ "../other/x.ics", 0 },
		{ "/cal/u%40x/kith/../other/x.ics", 0 },
		{ "/cal/u%40x/kith/%2e%2e/x.ics", 0 },
		{ "/cal/u%40x/kith/%2E./x.ics", 0 },
		{ "/cal/u%40x/kith/%2e%2e%2fx.ics", 0 },
		{ "/cal/u%40x/kith/a%5cb.ics", 0 },
		{ "/cal/u%40x/kith/sub/a.ics", 0 },
		{ "/cal/u%40x/kith/", 0 },
		{ "/cal/u%40x/other/a.ics", 0 },
		{ "/cal/u%40x/kithx/a.ics", 0 },
		{ "https://evil.example/cal/u%40x/kith/a.ics", 0 },
		{ "http://dav.example/cal/u%40x/kith/a.ics", 0 },
		{ "https://dav.example:8443/cal/u%40x/kith/a.ics", 0 },
		{ "/cal/u%40x/kith/a.ics?x=1", 0 },
		{ "/cal/u%40x/kith/a\r\n.ics", 0 },
		{ "/cal/u%40x/kith/a%00.ics", 0 },
		{ "/cal/u%40x/kith/..a.ics", 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = "unset";
		char *got = kith_url_member(coll, cases[i].href, &why);

		if (!!got != cases[i].member)
			fail_msg("'%s': got %s (%s), want %s", cases[i].href, got ? got : "no",
				 why ? why : "-", cases[i].member ? "a member" : "no member");
		if (!got)
			assert_non_null(why);
		free(got);
	}
	assert_true(kith_tag_is_valid("W/\"abc\""));
	assert_false(kith_tag_is_valid("\"abc\"\r\nX-Injected: 1"));
	assert_false(kith_tag_is_valid(""));
	assert_false(kith_tag_is_valid(NULL));
}

static void test_http_resolve_hrefs(void **state)
{
	const char *base = "https://dav.example.org:8443/cal/alice/tasks/";

	(void)state;
	check_resolve(base, "/cal/alice/tasks/kith-1.ics",
		      "https://dav.example.org:8443/cal/alice/tasks/kith-1.ics");
	check_resolve(base, "kith-2.ics",
		      "https://dav.example.org:8443/cal/alice/tasks/kith-2.ics");
	check_resolve(base, "https://other.example.org/x/", "https://other.example.org/x/");
	check_resolve(base, "/cal/alice/tasks/a%20b%2Fc.ics",
		      "https://dav.example.org:8443/cal/alice/tasks/a%20b%2Fc.ics");
	/* a server that did not encode its href */
	check_resolve(base, "/cal/alice/tasks/été x.ics",
		      "https://dav.example.org:8443/cal/alice/tasks/%C3%A9t%C3%A9%20x.ics");
	check_resolve("https://dav.example.org", "/.well-known/caldav",
		      "https://dav.example.org/.well-known/caldav");
	check_resolve("https://dav.example.org", "cal/", "https://dav.example.org/cal/");
	check_resolve("/cal/", "x.ics", NULL);
	check_resolve("dav.example.org/cal/", "x.ics", NULL);
}

static void test_http_same_origin(void **state)
{
	(void)state;
	assert_true(kith_http_same_origin("https://dav.example.org/a",
					  "https://DAV.example.org:443/b"));
	assert_true(kith_http_same_origin("http://127.0.0.1:5232/", "http://127.0.0.1:5232/x/y"));
	assert_false(kith_http_same_origin("http://dav.example.org/", "https://dav.example.org/"));
	assert_false(
		kith_http_same_origin("https://dav.example.org/", "https://dav.example.org:8443/"));
	assert_false(
		kith_http_same_origin("https://dav.example.org/", "https://evil.example.org/"));
	assert_false(kith_http_same_origin("https://dav.example.org/", "/relative"));
	assert_false(kith_http_same_origin(NULL, "https://dav.example.org/"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_http_keeps_one_connection_alive, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_http_run_many_bounds_parallel_transfers,
						setup_slow, teardown),
		cmocka_unit_test_setup_teardown(test_http_does_not_follow_redirects, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_http_error_status_is_a_response, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_http_headers_parsed_and_weak_etag_kept, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_http_body_over_cap_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_http_stalled_server_times_out, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_http_low_speed_limit_gives_up, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_http_basic_auth_first_request_and_redacted,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_digest_only_server_switches_to_digest,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_wrong_password_is_a_401, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_upload_sends_no_expect_and_the_whole_body,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_custom_methods_with_and_without_body,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_refuses_plain_http_to_other_hosts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_http_loopback_names_are_allowed_and_refusal_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_header_with_line_break_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_http_503_with_retry_after_is_retried, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_http_429_without_retry_after_waits_the_default,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_retry_after_beyond_the_bound_fails_fast,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_retry_after_as_a_date, setup, teardown),
		cmocka_unit_test_setup_teardown(test_http_run_many_retries_a_busy_put, setup,
						teardown),
		cmocka_unit_test(test_http_resolve_rfc3986_examples),
		cmocka_unit_test(test_http_resolve_hrefs),
		cmocka_unit_test(test_url_member_of_the_collection),
		cmocka_unit_test(test_http_same_origin),
	};

	/* Never through a proxy from the environment: everything here is loopback. */
	setenv("no_proxy", "*", 1);
	setenv("NO_PROXY", "*", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
