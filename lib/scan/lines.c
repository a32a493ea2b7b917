/* SPDX-License-Identifier: MIT */
/*
 * A line reader over a file descriptor with one fixed buffer: a line
 * longer than the buffer is cut and its rest skipped, so reading a
 * multi-gigabyte message costs no more memory than reading a short one.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx.h"
#include "scan/internal.h"

enum kith_status kith_lines_open(struct kith_ctx *ctx, struct kith_lines *r, int fd, off_t off)
{
	memset(r, 0, sizeof(*r));
	r->buf = malloc(KITH_LINES_BUFSZ);
	if (!r->buf)
		return kith_nomem(ctx);
	r->fd = fd;
	r->off = off;
	return KITH_OK;
}

void kith_lines_close(struct kith_lines *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* More bytes after the ones kept; 0 at the end or on an error. */
static int fill(struct kith_lines *r)
{
	ssize_t got;

	if (r->eof)
		return 0;
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	do
		got = read(r->fd, r->buf + r->end, KITH_LINES_BUFSZ - r->end);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		r->failed = errno;
		r->eof = 1;
		return 0;
	}
	if (got == 0) {
		r->eof = 1;
		return 0;
	}
	r->end += (size_t)got;
	return 1;
}

/* Drops bytes up to and including the next "\n" (the rest of a cut line). */
static void skip_rest(struct kith_lines *r)
{
	for (;;) {
		char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);

		if (nl) {
			size_t n = (size_t)(nl - (r->buf + r->start)) + 1;

			r->start += n;
			r->off += (off_t)n;
			return;
		}
		r->off += (off_t)(r->end - r->start);
		r->start = r->end = 0;
		if (!fill(r))
			return;
	}
}

int kith_lines_next(struct kith_lines *r, const char **line, size_t *len, off_t *at)
{
	char *nl;
	size_t n, taken;

	if (r->cut) {
		/* The rest of the line handed out cut last time. */
		r->cut = 0;
		skip_rest(r);
	}
	for (;;) {
		nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if (nl || r->end - r->start == KITH_LINES_BUFSZ)
			break;
		if (!fill(r)) {
			if (r->start == r->end)
				return 0;
			break; /* a last line without "\n" */
		}
	}
	*line = r->buf + r->start;
	*at = r->off;
	r->line++;
	n = nl ? (size_t)(nl - *line) : r->end - r->start;
	taken = nl ? n + 1 : n;
	r->start += taken;
	r->off += (off_t)taken;
	if (!nl && !r->eof)
		r->cut = 1;
	r->unended = !nl && r->eof;
	if (n > 0 && (*line)[n - 1] == '\r')
		n--;
	*len = n;
	return 1;
}

int kith_header_add_line(struct kith_buf *h, const char *line, size_t len)
{
	if (h->len + len + 1 > KITH_MAIL_HEADER_MAX)
		return 0;
	kith_buf_append_n(h, line, len);
	kith_buf_append_n(h, "\n", 1);
	return 1;
}
