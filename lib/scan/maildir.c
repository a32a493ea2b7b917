/* SPDX-License-Identifier: MIT */
/*
 * Maildir folders (mbsync, offlineimap, notmuch, Thunderbird's maildir
 * store): every file in cur/ and new/ is a message.  A file's name is
 * "unique:2,FLAGS"; the flags change when a message is read or replied
 * to, so a message is known by its folder and the unique part.  Only the
 * header of a file is read.
 */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "ctx.h"
#include "scan/internal.h"

/* Deeper trees are not mail folders (and a loop of links inside the tree stops here). */
#define MAX_DEPTH 32

struct walk {
	struct kith_ctx *ctx;
	const struct kith_scan_reader *rd;
	char *root_real; /* the tree, resolved: links must stay below it */
	struct kith_buf header;
};

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* 1 when path (a symlink) resolves below the tree. */
static int stays_inside(const struct walk *w, const char *path)
{
	char *real = realpath(path, NULL);
	size_t n = strlen(w->root_real);
	int inside;

	if (!real)
		return 0;
	inside = strncmp(real, w->root_real, n) == 0 &&
		 (real[n] == '/' || real[n] == '\0' || (n == 1 && w->root_real[0] == '/'));
	free(real);
	return inside;
}

static enum kith_status read_file(struct walk *w, const char *path, const char *name)
{
	struct kith_lines lines;
	struct kith_scan_msg m;
	const char *line;
	size_t len;
	off_t at;
	enum kith_status rc;
	int fd, any = 0, ended = 0;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return w->rd->problem(path, strerror(errno), w->rd->arg);
	rc = kith_lines_open(w->ctx, &lines, fd, 0);
	if (rc) {
		close(fd);
		return rc;
	}
	kith_buf_reset(&w->header);
	while (kith_lines_next(&lines, &line, &len, &at)) {
		if (len == 0) {
			ended = 1;
			break;
		}
		any = 1;
		/* A header bigger than the cap is cut; the rest up to the blank line is skipped. */
		kith_header_add_line(&w->header, line, len);
	}
	if (lines.failed)
		rc = w->rd->problem(path, strerror(lines.failed), w->rd->arg);
	else if (w->header.failed)
		rc = kith_nomem(w->ctx);
	else if (!any)
		rc = w->rd->problem(path, "an empty file, not a message", w->rd->arg);
	else {
		(void)ended; /* a message without a body still has its header */
		memset(&m, 0, sizeof(m));
		m.header = kith_buf_str(&w->header);
		m.header_len = w->header.len;
		m.where = path;
		m.name = name;
		rc = w->rd->message(&m, w->rd->arg);
	}
	kith_lines_close(&lines);
	close(fd);
	return rc;
}

/* Cuts b back to its first n bytes. */
static void cut(struct kith_buf *b, size_t n)
{
	b->len = n;
	if (b->data)
		b->data[n] = '\0';
}

/* cur/ or new/ of the Maildir at `folder` (rel: its path in the tree). */
static enum kith_status read_sub(struct walk *w, const char *folder, const char *rel,
				 const char *sub)
{
	struct kith_buf file = KITH_BUF_INIT, name = KITH_BUF_INIT;
	enum kith_status rc = KITH_OK;
	size_t file_at, name_at;
	struct dirent *e;
	DIR *d;

	kith_buf_printf(&file, "%s/%s", folder, sub);
	if (file.failed)
		return kith_nomem(w->ctx);
	d = opendir(kith_buf_str(&file));
	if (!d) {
		if (errno != ENOENT)
			rc = w->rd->problem(kith_buf_str(&file), strerror(errno), w->rd->arg);
		kith_buf_free(&file);
		return rc;
	}
	/* Every file of a folder passes here, most of them seen before on a
	 * re-scan: its path and name are appended to the folder's, kept in two
	 * buffers, where a printf per file was most of a re-scan's time
	 * (bench/README.md, scan). */
	kith_buf_append_n(&file, "/", 1);
	kith_buf_append(&name, rel);
	kith_buf_append_n(&name, "/", 1);
	file_at = file.len;
	name_at = name.len;
	while (!rc && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		const char *colon;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		colon = memchr(e->d_name, ':', len);
		cut(&name, name_at);
		cut(&file, file_at);
		kith_buf_append_n(&name, e->d_name, colon ? (size_t)(colon - e->d_name) : len);
		kith_buf_append_n(&file, e->d_name, len);
		if (name.failed || file.failed) {
			rc = kith_nomem(w->ctx);
			break;
		}
		if (w->rd->seen && w->rd->seen(kith_buf_str(&name), w->rd->arg))
			continue;
		if (lstat(kith_buf_str(&file), &st) != 0) {
			rc = w->rd->problem(kith_buf_str(&file), strerror(errno), w->rd->arg);
		} else if (S_ISLNK(st.st_mode)) {
			if (!stays_inside(w, kith_buf_str(&file)))
				rc = w->rd->problem(kith_buf_str(&file),
						    "a symlink out of the tree, not followed",
						    w->rd->arg);
			else if (stat(kith_buf_str(&file), &st) == 0 && S_ISREG(st.st_mode)) {
				/* O_NOFOLLOW would refuse the link: open what it names. */
				char *real = realpath(kith_buf_str(&file), NULL);

				rc = real ? read_file(w, real, kith_buf_str(&name))
					  : kith_nomem(w->ctx);
				free(real);
			}
		} else if (S_ISREG(st.st_mode)) {
			rc = read_file(w, kith_buf_str(&file), kith_buf_str(&name));
		}
	}
	closedir(d);
	kith_buf_free(&name);
	kith_buf_free(&file);
	return rc;
}

static int is_maildir(const char *dir)
{
	struct kith_buf p = KITH_BUF_INIT;
	int yes;

	kith_buf_printf(&p, "%s/cur", dir);
	yes = !p.failed && is_dir(kith_buf_str(&p));
	kith_buf_reset(&p);
	kith_buf_printf(&p, "%s/new", dir);
	yes = yes || (!p.failed && is_dir(kith_buf_str(&p)));
	kith_buf_free(&p);
	return yes;
}

static enum kith_status walk_dir(struct walk *w, const char *dir, const char *rel, int depth)
{
	enum kith_status rc = KITH_OK;
	struct dirent *e;
	DIR *d;

	if (is_maildir(dir)) {
		rc = read_sub(w, dir, rel, "cur");
		if (!rc)
			rc = read_sub(w, dir, rel, "new");
		if (rc)
			return rc;
	}
	if (depth >= MAX_DEPTH)
		return KITH_OK;
	d = opendir(dir);
	if (!d)
		return depth == 0 ? kith_fail(w->ctx, KITH_ERR_IO, "cannot read %s: %s", dir,
					      strerror(errno))
				  : w->rd->problem(dir, strerror(errno), w->rd->arg);
	while (!rc && (e = readdir(d))) {
		struct kith_buf sub = KITH_BUF_INIT, subrel = KITH_BUF_INIT;
		struct stat st;

		if (e->d_name[0] == '.' &&
		    (!e->d_name[1] || (e->d_name[1] == '.' && !e->d_name[2])))
			continue;
		if (!strcmp(e->d_name, "cur") || !strcmp(e->d_name, "new") ||
		    !strcmp(e->d_name, "tmp"))
			continue;
		kith_buf_printf(&sub, "%s/%s", dir, e->d_name);
		kith_buf_printf(&subrel, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		if (sub.failed || subrel.failed)
			rc = kith_nomem(w->ctx);
		else if (lstat(kith_buf_str(&sub), &st) != 0)
			rc = w->rd->problem(kith_buf_str(&sub), strerror(errno), w->rd->arg);
		else if (S_ISLNK(st.st_mode) && is_dir(kith_buf_str(&sub))) {
			if (!stays_inside(w, kith_buf_str(&sub)))
				rc = w->rd->problem(kith_buf_str(&sub),
						    "a symlink out of the tree, not followed",
						    w->rd->arg);
			else
				rc = walk_dir(w, kith_buf_str(&sub), kith_buf_str(&subrel),
					      depth + 1);
		} else if (S_ISDIR(st.st_mode)) {
			rc = walk_dir(w, kith_buf_str(&sub), kith_buf_str(&subrel), depth + 1);
		}
		kith_buf_free(&sub);
		kith_buf_free(&subrel);
	}
	closedir(d);
	return rc;
}

enum kith_status kith_maildir_read(struct kith_ctx *ctx, const char *root,
				   const struct kith_scan_reader *rd)
{
	struct walk w;
	enum kith_status rc;

	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.rd = rd;
	w.root_real = realpath(root, NULL);
	if (!w.root_real)
		return kith_fail(ctx, KITH_ERR_IO, "cannot read %s: %s", root, strerror(errno));
	if (!is_dir(w.root_real)) {
		free(w.root_real);
		return kith_fail(ctx, KITH_ERR_IO, "%s is not a directory", root);
	}
	rc = walk_dir(&w, root, ".", 0);
	kith_buf_free(&w.header);
	free(w.root_real);
	return rc;
}
