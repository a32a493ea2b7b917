/* SPDX-License-Identifier: MIT */
/*
 * Private to lib/scan/: what its modules ask of each other.
 *
 *   scan.c     the job (kith_scan): sources, store, batches, summary
 *   rules.c    pure: a parsed header + the user's addresses -> touches
 *   maildir.c  a Maildir folder or a tree of them -> header blocks
 *   mbox.c     an mbox file from an offset -> header blocks
 *   lines.c    a bounded line reader: no line and no body is ever whole
 *              in memory, so an 80 MB message costs what a small one does
 *   ics.c      a calendar file: its bytes and what tells a changed one
 *              (its meetings are read by ical.c, judged in scan.c)
 */
#ifndef KITH_SCAN_INTERNAL_H
#define KITH_SCAN_INTERNAL_H

#include <stdint.h>
#include <sys/types.h>

#include <kith/scan.h>

#include "buf.h"
#include "mail.h"

/* ---- lines.c ---- */

#define KITH_LINES_BUFSZ (64 * 1024)

struct kith_lines {
	int fd;
	char *buf;
	size_t start, end;
	off_t off; /* file offset of buf[start] */
	long line; /* number of the line last returned, from 1 at the offset read from */
	int eof;
	int cut;     /* the last line returned was cut: skip its rest first */
	int unended; /* the last line returned is the file's last and has no "\n" */
	int failed;  /* errno of a read error; 0: none */
};

/*
 * Read fd from offset `off` (already positioned there).  Ownership:
 * kith_lines_close() (which does not close fd).
 */
enum kith_status kith_lines_open(struct kith_ctx *ctx, struct kith_lines *r, int fd, off_t off);
void kith_lines_close(struct kith_lines *r);
/*
 * The next line without its "\n" (or "\r\n"); 0 at the end or on a read
 * error (r->failed).  A line longer than the buffer comes back cut to it
 * and the rest is skipped.  *line is borrowed until the next call; *at is
 * its offset in the file.
 */
int kith_lines_next(struct kith_lines *r, const char **line, size_t *len, off_t *at);

/* Appends a header line (and "\n") to h unless h is full; 0 once it is. */
int kith_header_add_line(struct kith_buf *h, const char *line, size_t len);

/* ---- what maildir.c and mbox.c hand scan.c ---- */

struct kith_scan_msg {
	const char *header; /* the header block (lines ending "\n") */
	size_t header_len;
	const char *where; /* the file, or "file:line" of an mbox message */
	const char *name;  /* maildir: folder + "/" + the unique part; mbox: NULL */
	off_t offset;      /* mbox: where the message starts */
	long line;         /* mbox: the number of its "From " line */
};

struct kith_scan_reader {
	/* One message; non-OK stops the reading with that status. */
	enum kith_status (*message)(const struct kith_scan_msg *m, void *arg);
	/* A bad item, skipped: where and what. */
	enum kith_status (*problem)(const char *where, const char *what, void *arg);
	/* maildir: 1 when `name` was read by an earlier scan (the file is not opened). */
	int (*seen)(const char *name, void *arg);
	void *arg;
};

/*
 * Every message file in cur/ and new/ of the Maildir at root, or of every
 * Maildir below it.  Symlinks that leave the tree are reported and not
 * followed.  KITH_ERR_IO when root itself cannot be read.
 */
enum kith_status kith_maildir_read(struct kith_ctx *ctx, const char *root,
				   const struct kith_scan_reader *rd);

/*
 * What kith_mbox_read() leaves to resume from: the start of the last
 * message seen (it is read again next time, and recognised as seen), and
 * a hash of the bytes around it that tells a rewritten file.
 */
struct kith_mbox_mark {
	off_t offset;
	long line; /* the number of the line at offset, from 1 */
	uint64_t check;
};

/* The check of path at offset now; KITH_ERR_IO if unreadable, *ok 0 if it no longer fits. */
enum kith_status kith_mbox_check(struct kith_ctx *ctx, const char *path,
				 const struct kith_mbox_mark *mark, int *ok);
/* mark->check for mark->offset as the file is now. */
enum kith_status kith_mbox_mark_here(struct kith_ctx *ctx, const char *path,
				     struct kith_mbox_mark *mark);
/*
 * The messages of the mbox at path from mark->offset (a message start, or
 * 0), and the new mark.  A message whose header is cut off by the end of
 * the file is reported, not read; it is where the next read starts.
 */
enum kith_status kith_mbox_read(struct kith_ctx *ctx, const char *path, struct kith_mbox_mark *mark,
				const struct kith_scan_reader *rd);

/* ---- rules.c ---- */

struct kith_mail_me {
	const char *const *addrs;
	size_t n;
};

/* One touch a message makes: with whom, which way, when, about what. */
struct kith_mail_touch {
	const struct kith_mail_addr *who; /* borrowed from the header */
	enum kith_direction direction;
};

#define KITH_MAIL_NOTE_MAX 80
#define KITH_MAIL_KEY_MAX 1024

struct kith_mail_verdict {
	const char *skip; /* why the message makes no touch (static); NULL: it does */
	struct kith_mail_touch *touches; /* touches[0..n): one per other party */
	size_t n;
	struct kith_date on;                   /* the Date as a day in the user's zone */
	char note[KITH_MAIL_NOTE_MAX * 4 + 4]; /* the subject, shortened; "" for none */
	char key[KITH_MAIL_KEY_MAX];           /* "mail:" + Message-ID, or "mail:h:" + a hash */
};

/* A bulk or automated sender's mark (static text), or NULL for a person's mail. */
const char *kith_mail_bulk_reason(const struct kith_mail_header *h);
/* 1 for no-reply and mailer addresses, which no person reads. */
int kith_mail_is_noreply(const char *addr);
/* 1 when addr is one of the user's. */
int kith_mail_is_me(const struct kith_mail_me *me, const char *addr);
/*
 * Apply the rules (kith(1) SCAN RULES) to h.  tzid: the user's zone
 * (NULL: the process's).  Ownership: kith_mail_verdict_clear(v).
 */
enum kith_status kith_mail_rules(struct kith_ctx *ctx, const struct kith_mail_header *h,
				 const struct kith_mail_me *me, const char *tzid,
				 struct kith_mail_verdict *v);
void kith_mail_verdict_clear(struct kith_mail_verdict *v);

/* A subject or SUMMARY cut to KITH_MAIL_NOTE_MAX characters (UTF-8), "..." if cut. */
void kith_scan_shorten(const char *s, char *out, size_t size);

/* ---- ics.c ---- */

/* What tells an .ics file changed: kept in the source's state between scans. */
struct kith_ics_mark {
	int64_t size;
	int64_t mtime;
	uint64_t check; /* a hash of the bytes; 0: never read */
};

struct kith_ics_file {
	char *bytes;
	size_t len;
	struct kith_ics_mark mark;
};

/*
 * The whole file at path (up to KITH_ICAL_MAX_RESOURCE) and its mark;
 * KITH_ERR_IO when it cannot be read, KITH_ERR_PARSE when too large.
 * Ownership: kith_ics_file_clear(out).
 */
enum kith_status kith_ics_load(struct kith_ctx *ctx, const char *path, struct kith_ics_file *out);
void kith_ics_file_clear(struct kith_ics_file *f);
/* 1 when mark `was` (from the last scan) says the file is as it is now. */
int kith_ics_unchanged(const struct kith_ics_mark *was, const struct kith_ics_mark *now);

#endif
