/* SPDX-License-Identifier: MIT */
/*
 * mbox files: Thunderbird's local folders, Google Takeout's "All
 * mail.mbox", readpst's conversion of an Outlook PST.  Messages are
 * separated by "From " lines.  mboxrd escapes such lines in bodies
 * (">From "); mboxo and careless writers do not, so a "From " line only
 * starts a message when it follows a blank line, carries a date (as every
 * separator does: "From sender Wed Jan 10 09:12:00 2024") and is followed
 * by a header field.  A body is never kept: its lines are passed over.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctx.h"
#include "hash.h"
#include "scan/internal.h"

/* How much of the file before the mark the check covers. */
#define CHECK_SPAN 4096

/* "From " + a time (H:MM or HH:MM) + a four-digit year: the shape of every separator. */
static int is_separator(const char *s, size_t n)
{
	int time = 0, year = 0;

	if (n < 5 || memcmp(s, "From ", 5) != 0)
		return 0;
	for (size_t i = 5; i < n; i++) {
		if (i + 3 < n && isdigit((unsigned char)s[i]) && s[i + 1] == ':' &&
		    isdigit((unsigned char)s[i + 2]) && isdigit((unsigned char)s[i + 3]))
			time = 1;
		if (i + 4 <= n && (i == 0 || s[i - 1] == ' ') && isdigit((unsigned char)s[i]) &&
		    isdigit((unsigned char)s[i + 1]) && isdigit((unsigned char)s[i + 2]) &&
		    isdigit((unsigned char)s[i + 3]) && (i + 4 == n || s[i + 4] == ' '))
			year = 1;
	}
	return time && year;
}

/* "Name: value": a field name of printable characters, no space, then a colon. */
static int is_field(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] > 32 && s[i] < 127 && s[i] != ':')
		i++;
	return i > 0 && i < n && s[i] == ':';
}

static int is_continuation(const char *s, size_t n)
{
	return n > 0 && (s[0] == ' ' || s[0] == '\t');
}

static enum kith_status pread_all(int fd, char *buf, size_t n, off_t at, size_t *got)
{
	*got = 0;
	while (*got < n) {
		ssize_t r = pread(fd, buf + *got, n - *got, at + (off_t)*got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return KITH_ERR_IO;
		if (r == 0)
			break;
		*got += (size_t)r;
	}
	return KITH_OK;
}

/* The hash of the file's first bytes, the bytes before offset and the line at it. */
static enum kith_status compute_check(int fd, off_t offset, uint64_t *out, int *fits)
{
	struct kith_hash h = KITH_HASH_INIT;
	char buf[CHECK_SPAN];
	struct stat st;
	size_t got, n;
	off_t from;

	*fits = 0;
	if (fstat(fd, &st) != 0)
		return KITH_ERR_IO;
	if (st.st_size < offset)
		return KITH_OK; /* shortened */
	n = (size_t)(offset < CHECK_SPAN ? offset : CHECK_SPAN);
	if (pread_all(fd, buf, n, 0, &got) || got != n)
		return KITH_ERR_IO;
	kith_hash_add(&h, buf, got);
	from = offset - CHECK_SPAN > (off_t)n ? offset - CHECK_SPAN : (off_t)n;
	if (pread_all(fd, buf, (size_t)(offset - from), from, &got) ||
	    got != (size_t)(offset - from))
		return KITH_ERR_IO;
	kith_hash_add(&h, buf, got);
	if (pread_all(fd, buf, 256, offset, &got))
		return KITH_ERR_IO;
	n = 0;
	while (n < got && buf[n] != '\n')
		n++;
	if (offset > 0 && (got < 5 || memcmp(buf, "From ", 5) != 0))
		return KITH_OK; /* no message starts there any more */
	kith_hash_add(&h, buf, n);
	*out = kith_hash_result(&h);
	*fits = 1;
	return KITH_OK;
}

static enum kith_status open_mbox(struct kith_ctx *ctx, const char *path, int *fd)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0)
		return kith_fail(ctx, KITH_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(*fd);
		return kith_fail(ctx, KITH_ERR_IO, "%s is not a file", path);
	}
	return KITH_OK;
}

enum kith_status kith_mbox_check(struct kith_ctx *ctx, const char *path,
				 const struct kith_mbox_mark *mark, int *ok)
{
	uint64_t now = 0;
	int fd, fits;
	enum kith_status rc = open_mbox(ctx, path, &fd);

	*ok = 0;
	if (rc)
		return rc;
	rc = compute_check(fd, mark->offset, &now, &fits);
	close(fd);
	if (rc)
		return kith_fail(ctx, KITH_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	*ok = fits && now == mark->check;
	return KITH_OK;
}

enum kith_status kith_mbox_mark_here(struct kith_ctx *ctx, const char *path,
				     struct kith_mbox_mark *mark)
{
	int fd, fits;
	enum kith_status rc = open_mbox(ctx, path, &fd);

	if (rc)
		return rc;
	rc = compute_check(fd, mark->offset, &mark->check, &fits);
	close(fd);
	if (rc || !fits)
		return kith_fail(ctx, KITH_ERR_IO, "%s changed while it was read", path);
	return KITH_OK;
}

enum { START, BODY, CANDIDATE, HEADER };

struct mbox_read {
	struct kith_ctx *ctx;
	const char *path;
	const struct kith_scan_reader *rd;
	struct kith_buf header, where;
	off_t msg_at;
	long msg_line;
};

static enum kith_status emit(struct mbox_read *m)
{
	struct kith_scan_msg msg;

	kith_buf_reset(&m->where);
	kith_buf_printf(&m->where, "%s:%ld", m->path, m->msg_line);
	if (m->header.failed || m->where.failed)
		return kith_nomem(m->ctx);
	memset(&msg, 0, sizeof(msg));
	msg.header = kith_buf_str(&m->header);
	msg.header_len = m->header.len;
	msg.where = kith_buf_str(&m->where);
	msg.offset = m->msg_at;
	msg.line = m->msg_line;
	return m->rd->message(&msg, m->rd->arg);
}

static enum kith_status read_lines(struct mbox_read *m, struct kith_lines *lines,
				   struct kith_mbox_mark *mark)
{
	enum kith_status rc = KITH_OK;
	int state = START, prev_blank = 1;
	off_t sep_at = mark->offset;
	long sep_line = mark->line;
	const char *line;
	size_t len;
	off_t at;

	m->msg_at = mark->offset;
	m->msg_line = mark->line;
	while (!rc && kith_lines_next(lines, &line, &len, &at)) {
		long no = mark->line + lines->line - 1;

		switch (state) {
		case START:
			if (!is_separator(line, len)) {
				kith_buf_reset(&m->where);
				kith_buf_printf(&m->where, "%s:%ld", m->path, no);
				return kith_fail(m->ctx, KITH_ERR_PARSE,
						 "%s: not an mbox file: no \"From \" line here",
						 kith_buf_str(&m->where));
			}
			sep_at = at;
			sep_line = no;
			state = CANDIDATE;
			break;
		case BODY:
			if (prev_blank && is_separator(line, len)) {
				sep_at = at;
				sep_line = no;
				state = CANDIDATE;
			}
			prev_blank = len == 0;
			break;
		case CANDIDATE:
			if (is_field(line, len)) {
				kith_buf_reset(&m->header);
				kith_header_add_line(&m->header, line, len);
				m->msg_at = sep_at;
				m->msg_line = sep_line;
				state = HEADER;
			} else {
				/* An unescaped "From " line in a body. */
				state = BODY;
				prev_blank = len == 0;
			}
			break;
		case HEADER:
			if (lines->unended)
				break; /* still being written, or cut off: see below */
			if (len == 0 || !(is_field(line, len) || is_continuation(line, len))) {
				/* A header not ended by a blank line ends at its first non-header
				 * line. */
				rc = emit(m);
				state = BODY;
				prev_blank = len == 0;
			} else {
				kith_header_add_line(&m->header, line, len);
			}
			break;
		}
	}
	if (rc)
		return rc;
	if (lines->failed)
		return kith_fail(m->ctx, KITH_ERR_IO, "cannot read %s: %s", m->path,
				 strerror(lines->failed));
	if (state == HEADER) {
		kith_buf_reset(&m->where);
		kith_buf_printf(&m->where, "%s:%ld", m->path, m->msg_line);
		rc = m->rd->problem(kith_buf_str(&m->where),
				    "the file ends inside this message's header (cut off?); "
				    "read again next time",
				    m->rd->arg);
	} else if (state == CANDIDATE) {
		m->msg_at = sep_at;
		m->msg_line = sep_line;
	}
	mark->offset = m->msg_at;
	mark->line = m->msg_line;
	return rc;
}

enum kith_status kith_mbox_read(struct kith_ctx *ctx, const char *path, struct kith_mbox_mark *mark,
				const struct kith_scan_reader *rd)
{
	struct mbox_read m;
	struct kith_lines lines;
	enum kith_status rc;
	int fd, fits;

	if (mark->offset <= 0 || mark->line < 1) {
		mark->offset = 0;
		mark->line = 1;
	}
	rc = open_mbox(ctx, path, &fd);
	if (rc)
		return rc;
	if (lseek(fd, mark->offset, SEEK_SET) < 0) {
		close(fd);
		return kith_fail(ctx, KITH_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	}
	rc = kith_lines_open(ctx, &lines, fd, mark->offset);
	if (rc) {
		close(fd);
		return rc;
	}
	memset(&m, 0, sizeof(m));
	m.ctx = ctx;
	m.path = path;
	m.rd = rd;
	/* An empty file is an empty mbox. */
	rc = read_lines(&m, &lines, mark);
	if (!rc && compute_check(fd, mark->offset, &mark->check, &fits) != KITH_OK)
		rc = kith_fail(ctx, KITH_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	kith_lines_close(&lines);
	kith_buf_free(&m.header);
	kith_buf_free(&m.where);
	close(fd);
	return rc;
}
