/* SPDX-License-Identifier: MIT */
/* Opening targets, and what the local targets share: files, hashes, locks. */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "ctx.h"
#include "target.h"

void kith_listing_clear(struct kith_listing *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->names[i]);
		free(l->tags[i]);
	}
	for (size_t i = 0; i < l->n_gone; i++)
		free(l->gone[i]);
	free(l->names);
	free(l->tags);
	free(l->gone);
	memset(l, 0, sizeof(*l));
}

int kith_listing_take(struct kith_listing *l, char *name, char *tag)
{
	if (l->n == l->cap) {
		/* Doubling: listings of thousands are built one item at a time. */
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **names = realloc(l->names, cap * sizeof(*names));
		char **tags;

		if (!names)
			return -1;
		l->names = names;
		tags = realloc(l->tags, cap * sizeof(*tags));
		if (!tags)
			return -1;
		l->tags = tags;
		l->cap = cap;
	}
	l->names[l->n] = name;
	l->tags[l->n] = tag;
	l->n++;
	return 0;
}

int kith_listing_add(struct kith_listing *l, const char *name, const char *tag)
{
	char *n = strdup(name);
	char *t = tag ? strdup(tag) : NULL;

	if (!n || (tag && !t) || kith_listing_take(l, n, t) < 0) {
		free(n);
		free(t);
		return -1;
	}
	return 0;
}

int kith_listing_gone(struct kith_listing *l, const char *name)
{
	char *copy;

	if (l->n_gone == l->cap_gone) {
		size_t cap = l->cap_gone ? l->cap_gone * 2 : 16;
		char **p = realloc(l->gone, cap * sizeof(*p));

		if (!p)
			return -1;
		l->gone = p;
		l->cap_gone = cap;
	}
	copy = strdup(name);
	if (!copy)
		return -1;
	l->gone[l->n_gone++] = copy;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* names[0..n) sorted (pointers borrowed), for bsearch. NULL only on allocation failure. */
static char **sorted_names(char *const *names, size_t n)
{
	char **v = malloc((n ? n : 1) * sizeof(*v));

	if (!v)
		return NULL;
	if (n)
		memcpy(v, names, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

static int among(char **sorted, size_t n, const char *name)
{
	return n && bsearch(&name, sorted, n, sizeof(*sorted), cmp_str) != NULL;
}

int kith_listing_apply(struct kith_listing *l, const struct kith_listing *known)
{
	struct kith_listing full = { 0 };
	char **changed = sorted_names(l->names, l->n);
	char **gone = sorted_names(l->gone, l->n_gone);
	int rc = changed && gone ? 0 : -1;

	for (size_t i = 0; !rc && i < known->n; i++)
		if (!among(changed, l->n, known->names[i]) && !among(gone, l->n_gone, known->names[i]))
			rc = kith_listing_add(&full, known->names[i], known->tags[i]);
	/* The delta's entries move over: no copies. */
	for (size_t i = 0; !rc && i < l->n; i++)
		rc = kith_listing_take(&full, l->names[i], l->tags[i]) < 0 ? -1 : 0;
	free(changed);
	free(gone);
	if (rc) {
		/* Entries already moved belong to full now: take them back first. */
		for (size_t i = 0; i < full.n; i++)
			for (size_t k = 0; k < l->n; k++)
				if (full.names[i] == l->names[k])
					full.names[i] = full.tags[i] = NULL;
		kith_listing_clear(&full);
		return -1;
	}
	full.partial = l->partial;
	free(l->names);
	free(l->tags);
	l->names = l->tags = NULL;
	l->n = 0;
	kith_listing_clear(l);
	*l = full;
	return 0;
}

void kith_fetched_clear(struct kith_fetched *f)
{
	free(f->bytes);
	free(f->tag);
	memset(f, 0, sizeof(*f));
}

char *kith_content_tag(const char *bytes, size_t len)
{
	/* Change detection only, not security: FNV-1a is enough and has no dependency. */
	uint64_t h = 0xcbf29ce484222325ULL;
	char *out = malloc(17);

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)bytes[i];
		h *= 0x100000001b3ULL;
	}
	if (out)
		snprintf(out, 17, "%016llx", (unsigned long long)h);
	return out;
}

enum kith_status kith_read_file(struct kith_ctx *ctx, const char *path, size_t max, char **out,
				size_t *out_len)
{
	FILE *f = fopen(path, "rb");
	struct kith_buf b = KITH_BUF_INIT;
	char chunk[65536];
	size_t n;

	if (!f) {
		if (errno == ENOENT)
			return kith_fail(ctx, KITH_ERR_NOT_FOUND, "%s does not exist", path);
		return kith_fail(ctx, KITH_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > max) {
			fclose(f);
			kith_buf_free(&b);
			return kith_fail(ctx, KITH_ERR_PARSE, "%s is larger than %zu bytes", path, max);
		}
		kith_buf_append_n(&b, chunk, n);
	}
	if (ferror(f)) {
		fclose(f);
		kith_buf_free(&b);
		return kith_fail(ctx, KITH_ERR_IO, "cannot read %s", path);
	}
	fclose(f);
	*out_len = b.len;
	*out = kith_buf_steal(&b);
	return *out ? KITH_OK : kith_nomem(ctx);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

enum kith_status kith_write_temp(struct kith_ctx *ctx, const char *path, const char *bytes,
				 size_t len, char **out_tmp)
{
	struct kith_buf b = KITH_BUF_INIT;
	char *tmp;
	int fd;
	size_t off = 0;

	kith_buf_printf(&b, "%s.tmp-XXXXXX", path);
	tmp = kith_buf_steal(&b);
	if (!tmp)
		return kith_nomem(ctx);
	fd = mkstemp(tmp);
	if (fd < 0) {
		kith_fail(ctx, KITH_ERR_IO, "cannot write next to %s: %s", path, strerror(errno));
		free(tmp);
		return KITH_ERR_IO;
	}
	fchmod(fd, 0600);
	while (off < len) {
		ssize_t w = write(fd, bytes + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	*out_tmp = tmp;
	return KITH_OK;
fail:
	kith_fail(ctx, KITH_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return KITH_ERR_IO;
}

void kith_fsync_dir_of(const char *path)
{
	char *dir = dir_of(path);
	int dfd;

	if (!dir)
		return;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
}

enum kith_status kith_write_atomic(struct kith_ctx *ctx, const char *path, const char *bytes,
				   size_t len)
{
	char *tmp = NULL;
	enum kith_status rc = kith_write_temp(ctx, path, bytes, len, &tmp);

	if (rc)
		return rc;
	if (rename(tmp, path) < 0) {
		rc = kith_fail(ctx, KITH_ERR_IO, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return rc;
	}
	free(tmp);
	/* The rename itself must survive a crash too. */
	kith_fsync_dir_of(path);
	return KITH_OK;
}

enum kith_status kith_lock_file(struct kith_ctx *ctx, const char *path, int *out_fd)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0)
		return kith_fail(ctx, KITH_ERR_IO, "cannot create lock %s: %s", path,
				 strerror(errno));
	/* Another kith may be mid-sync: wait a little, then say so. */
	for (int i = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; i++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		if (errno != EWOULDBLOCK || i >= 100) {
			close(fd);
			return kith_fail(ctx, KITH_ERR_BUSY,
					 "another kith is syncing (lock %s is held); try again", path);
		}
		nanosleep(&ts, NULL);
	}
	*out_fd = fd;
	return KITH_OK;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/*
 * The canonical spelling of a local target: symlinks, "." and ".." and
 * repeated or trailing slashes resolved.  The last component need not
 * exist yet (a calendar file or vdir created by the first sync).
 */
static char *canonical_path(const char *path)
{
	char *copy = strdup(path), *base, *real, *out = NULL;
	struct kith_buf b = KITH_BUF_INIT;
	size_t n;

	if (!copy)
		return NULL;
	n = strlen(copy);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	real = realpath(copy, NULL);
	if (real) {
		free(copy);
		return real;
	}
	base = strrchr(copy, '/');
	*base = '\0';
	real = realpath(*copy ? copy : "/", NULL);
	if (!real) {
		/* Nothing to resolve against: keep what was written. */
		*base = '/';
		return copy;
	}
	kith_buf_printf(&b, "%s/%s", strcmp(real, "/") ? real : "", base + 1);
	out = kith_buf_steal(&b);
	free(real);
	free(copy);
	return out;
}

static enum kith_status open_caldav(struct kith_ctx *ctx, const char *url,
				    const struct kith_target_options *opts, struct kith_target **out)
{
	struct kith_target *t = calloc(1, sizeof(*t));
	enum kith_status rc;

	if (!t)
		return kith_nomem(ctx);
	t->ctx = ctx;
	/*
	 * The sync state belongs to the calendar, not just the server: another
	 * calendar on the same server is another target.
	 */
	if (opts && (opts->create_calendar || opts->calendar)) {
		struct kith_buf b = KITH_BUF_INIT;

		kith_buf_printf(&b, "%s#%s", url,
				opts->create_calendar ? opts->create_calendar : opts->calendar);
		t->url = kith_buf_steal(&b);
	} else {
		t->url = strdup(url);
	}
	rc = t->url ? kith_target_caldav_open(ctx, url, opts, t) : kith_nomem(ctx);
	if (rc) {
		free(t->url);
		free(t);
		return rc;
	}
	*out = t;
	return KITH_OK;
}

enum kith_status kith_target_open_with(struct kith_ctx *ctx, const char *url,
				       const struct kith_target_options *opts,
				       struct kith_target **out)
{
	if (url && (!strncmp(url, "http://", 7) || !strncmp(url, "https://", 8)))
		return open_caldav(ctx, url, opts, out);
	return kith_target_open(ctx, url, out);
}

enum kith_status kith_target_open(struct kith_ctx *ctx, const char *url, struct kith_target **out)
{
	struct kith_target *t;
	const char *path = url, *given;
	struct stat st;
	enum kith_status rc;

	if (!url || !*url)
		return kith_fail(ctx, KITH_ERR_INVALID, "no sync target given");
	if (!strncmp(url, "file://", 7))
		path = url + 7;
	else if (strstr(url, "://"))
		return kith_fail(ctx, KITH_ERR_INVALID,
				 "sync target '%.*s%s': use a .ics file, a vdir directory, or an "
				 "http:// or https:// CalDAV URL", KITH_ECHO(url));
	if (*path != '/')
		return kith_fail(ctx, KITH_ERR_INVALID,
				 "sync target '%.*s%s' must be an absolute path", KITH_ECHO(path));
	t = calloc(1, sizeof(*t));
	if (!t)
		return kith_nomem(ctx);
	t->ctx = ctx;
	/* One target, one spelling: the store keys its state by this. */
	t->url = canonical_path(path);
	if (!t->url) {
		free(t);
		return kith_nomem(ctx);
	}
	given = path;
	path = t->url;
	if (has_suffix(path, ".ics") && !has_suffix(given, "/") &&
	    !(stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
		rc = kith_target_file_open(ctx, path, t);
	else if (has_suffix(given, "/") || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
		rc = kith_target_vdir_open(ctx, path, t);
	else
		rc = kith_fail(ctx, KITH_ERR_INVALID,
			       "sync target '%.*s%s' is neither a .ics file nor a directory "
			       "(end a new vdir path with '/')", KITH_ECHO(path));
	if (rc) {
		free(t->url);
		free(t);
		return rc;
	}
	*out = t;
	return KITH_OK;
}

void kith_target_free(struct kith_target *target)
{
	if (!target)
		return;
	if (target->ops)
		target->ops->close(target);
	free(target->url);
	free(target);
}

const char *kith_target_kind(const struct kith_target *target)
{
	return target->ops->kind;
}

const char *kith_target_url(const struct kith_target *target)
{
	return target->url;
}
