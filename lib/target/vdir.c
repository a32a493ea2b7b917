/* SPDX-License-Identifier: MIT */
/*
 * The vdir target: a directory with one .ics file per resource, as
 * vdirsyncer, khal and todoman keep calendars.  A resource's tag is a hash
 * of its file.  Creating uses link(2), which fails if the name exists
 * (If-None-Match: *); updating and deleting re-read the file and compare
 * its hash first (If-Match).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "ctx.h"
#include "fileio.h"
#include "ical.h"
#include "target.h"

#define MAX_ITEM KITH_ICAL_MAX_RESOURCE

struct vdir_impl {
	char *dir;
	int lock_fd;
	int dirty; /* entries changed: fsync the directory at flush */
};

static char *item_path(const struct vdir_impl *v, const char *name)
{
	struct kith_buf b = KITH_BUF_INIT;

	kith_buf_printf(&b, "%s/%s", v->dir, name);
	return kith_buf_steal(&b);
}

/* Take the lock inside the directory, once it exists. */
static enum kith_status lock_dir(struct kith_ctx *ctx, struct vdir_impl *v)
{
	struct kith_buf b = KITH_BUF_INIT;
	enum kith_status rc;
	struct stat st;
	char *lock;

	if (v->lock_fd >= 0 || stat(v->dir, &st) < 0)
		return KITH_OK;
	kith_buf_printf(&b, "%s/.kith.lock", v->dir);
	lock = kith_buf_steal(&b);
	rc = lock ? kith_lock_file(ctx, lock, &v->lock_fd) : kith_nomem(ctx);
	free(lock);
	return rc;
}

/* The first write makes the directory (0700) and takes the lock. */
static enum kith_status ensure_dir(struct kith_target *t)
{
	struct vdir_impl *v = t->impl;

	if (mkdir(v->dir, 0700) < 0 && errno != EEXIST)
		return kith_fail(t->ctx, KITH_ERR_IO, "cannot create %s: %s", v->dir,
				 strerror(errno));
	return lock_dir(t->ctx, v);
}

/* Names kith will touch: plain "*.ics" files, no path tricks. */
static int good_name(const char *name)
{
	size_t n = strlen(name);

	if (n < 5 || name[0] == '.' || strchr(name, '/') || strcmp(name + n - 4, ".ics"))
		return 0;
	return 1;
}

static enum kith_status read_item(struct kith_target *t, const char *name, char **bytes,
				  size_t *len, char **tag)
{
	struct vdir_impl *v = t->impl;
	char *path = item_path(v, name);
	enum kith_status rc;

	if (!path)
		return kith_nomem(t->ctx);
	rc = kith_read_file(t->ctx, path, MAX_ITEM, bytes, len);
	free(path);
	if (rc)
		return rc;
	*tag = kith_content_tag(*bytes, *len);
	if (!*tag) {
		free(*bytes);
		return kith_nomem(t->ctx);
	}
	return KITH_OK;
}

static enum kith_status vdir_list(struct kith_target *t, struct kith_listing *out)
{
	struct vdir_impl *v = t->impl;
	struct kith_listing l = { 0 };
	struct dirent *e;
	DIR *d = opendir(v->dir);
	enum kith_status rc = KITH_OK;

	if (!d && errno == ENOENT) {
		*out = l;
		return KITH_OK;
	}
	if (!d)
		return kith_fail(t->ctx, KITH_ERR_IO, "cannot list %s: %s", v->dir,
				 strerror(errno));
	errno = 0;
	while ((e = readdir(d))) {
		char *bytes = NULL, *tag = NULL;
		size_t len;

		if (!good_name(e->d_name))
			continue;
		rc = read_item(t, e->d_name, &bytes, &len, &tag);
		free(bytes);
		if (rc == KITH_ERR_NOT_FOUND) {
			/* Removed while we listed: not there. */
			rc = KITH_OK;
			continue;
		}
		if (rc == KITH_OK && kith_listing_add(&l, e->d_name, tag) != KITH_OK)
			rc = kith_nomem(t->ctx);
		free(tag);
		if (rc == KITH_ERR_PARSE) {
			/* Too large to be a reminder: list it untagged, never touch it. */
			rc = kith_listing_add(&l, e->d_name, "oversized") != KITH_OK
				     ? kith_nomem(t->ctx)
				     : KITH_OK;
		}
		if (rc)
			break;
	}
	closedir(d);
	if (rc) {
		kith_listing_clear(&l);
		return rc;
	}
	*out = l;
	return KITH_OK;
}

static enum kith_status vdir_fetch(struct kith_target *t, const char *const *names, size_t n,
				   struct kith_fetched *out)
{
	for (size_t i = 0; i < n; i++) {
		enum kith_status rc;

		memset(&out[i], 0, sizeof(out[i]));
		if (!good_name(names[i]))
			continue;
		rc = read_item(t, names[i], &out[i].bytes, &out[i].len, &out[i].tag);
		if (rc == KITH_ERR_NOT_FOUND) {
			memset(&out[i], 0, sizeof(out[i]));
			continue;
		}
		if (rc == KITH_ERR_PARSE) {
			/* Too large to read: that item waits, the others are read. */
			memset(&out[i], 0, sizeof(out[i]));
			rc = kith_fetched_fail(
				&out[i], "%s is larger than kith reads of one reminder (%d MiB)",
				names[i], MAX_ITEM / (1024 * 1024));
			kith_ctx_clear(t->ctx);
			if (rc)
				rc = kith_nomem(t->ctx);
		}
		if (rc) {
			for (size_t j = 0; j < i; j++)
				kith_fetched_clear(&out[j]);
			return rc;
		}
	}
	return KITH_OK;
}

/* Compare the file's current hash with if_match. */
static enum kith_status check_match(struct kith_target *t, const char *name, const char *if_match)
{
	char *bytes = NULL, *tag = NULL;
	size_t len;
	enum kith_status rc = read_item(t, name, &bytes, &len, &tag);

	free(bytes);
	if (rc == KITH_ERR_NOT_FOUND)
		return kith_fail(t->ctx, KITH_ERR_CONFLICT, "%s was deleted meanwhile", name);
	if (rc)
		return rc;
	if (strcmp(tag, if_match))
		rc = kith_fail(t->ctx, KITH_ERR_CONFLICT, "%s changed meanwhile", name);
	free(tag);
	return rc;
}

static enum kith_status vdir_put(struct kith_target *t, const char *name, const char *bytes,
				 size_t len, const char *if_match, char **out_tag)
{
	struct vdir_impl *v = t->impl;
	enum kith_status rc;
	char *path, *tag;

	if (!good_name(name))
		return kith_fail(t->ctx, KITH_ERR_INVALID, "bad resource name '%s'", name);
	rc = ensure_dir(t);
	if (rc)
		return rc;
	path = item_path(v, name);
	tag = kith_content_tag(bytes, len);
	if (!path || !tag) {
		free(path);
		free(tag);
		return kith_nomem(t->ctx);
	}
	if (if_match) {
		char *tmp = NULL;

		rc = check_match(t, name, if_match);
		if (!rc)
			rc = kith_write_temp(t->ctx, path, bytes, len, &tmp);
		if (!rc && rename(tmp, path) < 0) {
			rc = kith_fail(t->ctx, KITH_ERR_IO, "cannot write %s: %s", path,
				       strerror(errno));
			unlink(tmp);
		}
		free(tmp);
	} else {
		char *tmp = NULL;

		/* Write aside, then link: fails, not overwrites, if the name exists. */
		rc = kith_write_temp(t->ctx, path, bytes, len, &tmp);
		if (!rc && link(tmp, path) < 0) {
			if (errno == EEXIST)
				rc = kith_fail(t->ctx, KITH_ERR_CONFLICT, "%s exists already",
					       name);
			else
				rc = kith_fail(t->ctx, KITH_ERR_IO, "cannot create %s: %s", path,
					       strerror(errno));
		}
		if (tmp)
			unlink(tmp);
		free(tmp);
	}
	if (!rc)
		v->dirty = 1;
	free(path);
	if (rc) {
		free(tag);
		return rc;
	}
	*out_tag = tag;
	return KITH_OK;
}

static enum kith_status vdir_del(struct kith_target *t, const char *name, const char *if_match)
{
	struct vdir_impl *v = t->impl;
	enum kith_status rc;
	char *path;

	if (!good_name(name))
		return kith_fail(t->ctx, KITH_ERR_INVALID, "bad resource name '%s'", name);
	if (if_match && (rc = check_match(t, name, if_match)))
		return rc;
	path = item_path(v, name);
	if (!path)
		return kith_nomem(t->ctx);
	rc = unlink(path) < 0
		     ? kith_fail(t->ctx, KITH_ERR_IO, "cannot delete %s: %s", path, strerror(errno))
		     : KITH_OK;
	free(path);
	if (!rc)
		v->dirty = 1;
	return rc;
}

/* Each file was fsynced as written; one directory fsync makes the names durable. */
static enum kith_status vdir_flush(struct kith_target *t)
{
	struct vdir_impl *v = t->impl;
	enum kith_status rc;
	char *probe;

	if (!v->dirty)
		return KITH_OK;
	probe = item_path(v, "x");
	if (!probe)
		return kith_nomem(t->ctx);
	rc = kith_fsync_dir_of(t->ctx, probe);
	free(probe);
	if (!rc)
		v->dirty = 0;
	return rc;
}

/* UID to file name: safe characters kept, others become '_'. */
static char *vdir_resource_name(struct kith_target *t, const char *uid)
{
	(void)t;
	struct kith_buf b = KITH_BUF_INIT;

	for (const char *p = uid; *p; p++) {
		char c = *p;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '@';

		kith_buf_append_n(&b, ok ? p : "_", 1);
	}
	kith_buf_append(&b, ".ics");
	return kith_buf_steal(&b);
}

static void vdir_close(struct kith_target *t)
{
	struct vdir_impl *v = t->impl;

	if (!v)
		return;
	if (v->lock_fd >= 0)
		close(v->lock_fd);
	free(v->dir);
	free(v);
	t->impl = NULL;
}

static const struct kith_target_ops vdir_ops = {
	.kind = "vdir",
	.list = vdir_list,
	.fetch = vdir_fetch,
	.put = vdir_put,
	.del = vdir_del,
	.flush = vdir_flush,
	.resource_name = vdir_resource_name,
	.close = vdir_close,
};

enum kith_status kith_target_vdir_open(struct kith_ctx *ctx, const char *path,
				       struct kith_target *t)
{
	struct vdir_impl *v = calloc(1, sizeof(*v));
	enum kith_status rc;
	size_t n;

	if (!v)
		return kith_nomem(ctx);
	v->lock_fd = -1;
	v->dir = strdup(path);
	if (!v->dir) {
		free(v);
		return kith_nomem(ctx);
	}
	n = strlen(v->dir);
	while (n > 1 && v->dir[n - 1] == '/')
		v->dir[--n] = '\0';
	/*
	 * A directory that does not exist yet is an empty calendar; it is made
	 * by the first write, so a dry run leaves nothing behind.
	 */
	rc = lock_dir(ctx, v);
	if (rc)
		goto fail;
	t->ops = &vdir_ops;
	t->impl = v;
	return KITH_OK;
fail:
	free(v->dir);
	free(v);
	return rc;
}
