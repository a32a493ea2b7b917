/* SPDX-License-Identifier: MIT */
/*
 * The single-file target: one iCalendar file, as Thunderbird and Evolution
 * open it as a local calendar.  Each VTODO UID is a resource; its tag is a
 * hash of its text.  Writes are staged in memory and flushed as one atomic
 * replacement of the file, after checking that nobody rewrote the file
 * since it was read (else KITH_ERR_CONFLICT, and the engine starts over).
 * A lock file keeps two kith runs apart.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kith/file.h>

#include "buf.h"
#include "ctx.h"
#include "ical.h"
#include "fileio.h"
#include "strmap.h"
#include "target.h"

#define MAX_FILE (64 * 1024 * 1024)

struct file_impl {
	char *path;
	int lock_fd;
	int loaded;
	char *file_tag; /* hash of the whole file as read; NULL: absent */
	struct kith_ical_split split;
	char **tags;               /* per resource */
	struct kith_strmap by_uid; /* UID -> index in split; valid while by_uid_ok */
	int by_uid_ok;
	int dirty;
};

static void unload(struct file_impl *f)
{
	for (size_t i = 0; f->tags && i < f->split.n; i++)
		free(f->tags[i]);
	free(f->tags);
	f->tags = NULL;
	kith_ical_split_clear(&f->split);
	kith_strmap_free(&f->by_uid);
	f->by_uid_ok = 0;
	free(f->file_tag);
	f->file_tag = NULL;
	f->loaded = 0;
	f->dirty = 0;
}

/* Reads the file as it is now; its tag (NULL when absent) in *out_tag. */
static enum kith_status read_now(struct kith_target *t, char **out_bytes, size_t *out_len,
				 char **out_tag)
{
	struct file_impl *f = t->impl;
	enum kith_status rc = kith_read_file(t->ctx, f->path, MAX_FILE, out_bytes, out_len);

	*out_tag = NULL;
	if (rc == KITH_ERR_NOT_FOUND) {
		*out_bytes = NULL;
		*out_len = 0;
		return KITH_OK;
	}
	if (rc)
		return rc;
	*out_tag = kith_content_tag(*out_bytes, *out_len);
	if (!*out_tag) {
		free(*out_bytes);
		return kith_nomem(t->ctx);
	}
	return KITH_OK;
}

static int blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\r' && s[i] != '\n' && s[i] != '\t')
			return 0;
	return 1;
}

static enum kith_status load(struct kith_target *t)
{
	struct file_impl *f = t->impl;
	char *bytes = NULL;
	size_t len = 0;
	enum kith_status rc;

	unload(f);
	rc = read_now(t, &bytes, &len, &f->file_tag);
	if (rc)
		return rc;
	if (bytes && !blank(bytes, len)) {
		rc = kith_ical_split_file(t->ctx, bytes, len, &f->split);
		if (rc) {
			kith_fail(t->ctx, rc,
				  "%s is not a calendar kith can read (%s); "
				  "it was left untouched",
				  f->path, kith_ctx_errmsg(t->ctx));
			free(bytes);
			return rc;
		}
	}
	free(bytes);
	f->tags = calloc(f->split.n ? f->split.n : 1, sizeof(*f->tags));
	if (!f->tags)
		return kith_nomem(t->ctx);
	for (size_t i = 0; i < f->split.n; i++) {
		f->tags[i] = kith_content_tag(f->split.texts[i], strlen(f->split.texts[i]));
		if (!f->tags[i])
			return kith_nomem(t->ctx);
	}
	f->loaded = 1;
	return KITH_OK;
}

/* A calendar of 50,000 foreign VTODOs is looked up by UID as often: a map, not a scan. */
static long find(struct file_impl *f, const char *name)
{
	size_t k;

	if (!f->by_uid_ok) {
		int fail = 0;

		kith_strmap_free(&f->by_uid);
		for (size_t i = 0; i < f->split.n && !fail; i++)
			fail = kith_strmap_put(&f->by_uid, strdup(f->split.uids[i]), i) != KITH_OK;
		f->by_uid_ok = !fail;
	}
	if (!f->by_uid_ok) { /* out of memory: slow, not wrong */
		for (size_t i = 0; i < f->split.n; i++)
			if (!strcmp(f->split.uids[i], name))
				return (long)i;
		return -1;
	}
	k = kith_strmap_get(&f->by_uid, name);
	return k == KITH_STRMAP_NONE ? -1 : (long)k;
}

static enum kith_status file_list(struct kith_target *t, struct kith_listing *out)
{
	struct file_impl *f = t->impl;
	struct kith_listing l = { 0 };
	enum kith_status rc;

	if (f->dirty)
		return kith_fail(t->ctx, KITH_ERR_INVALID, "listing %s with unflushed writes",
				 f->path);
	rc = load(t);
	if (rc)
		return rc;
	for (size_t i = 0; i < f->split.n; i++) {
		if (kith_listing_add(&l, f->split.uids[i], f->tags[i]) != KITH_OK) {
			kith_listing_clear(&l);
			return kith_nomem(t->ctx);
		}
	}
	*out = l;
	return KITH_OK;
}

static enum kith_status file_fetch(struct kith_target *t, const char *const *names, size_t n,
				   struct kith_fetched *out)
{
	struct file_impl *f = t->impl;
	enum kith_status rc;

	if (!f->loaded && (rc = load(t)))
		return rc;
	for (size_t i = 0; i < n; i++) {
		long k = find(f, names[i]);

		memset(&out[i], 0, sizeof(out[i]));
		if (k < 0)
			continue;
		out[i].bytes = strdup(f->split.texts[k]);
		out[i].tag = strdup(f->tags[k]);
		out[i].len = out[i].bytes ? strlen(out[i].bytes) : 0;
		if (!out[i].bytes || !out[i].tag) {
			for (size_t j = 0; j <= i; j++)
				kith_fetched_clear(&out[j]);
			return kith_nomem(t->ctx);
		}
	}
	return KITH_OK;
}

static enum kith_status file_put(struct kith_target *t, const char *name, const char *bytes,
				 size_t len, const char *if_match, char **out_tag)
{
	struct file_impl *f = t->impl;
	long k;
	char *text, *tag;
	enum kith_status rc;

	if (!f->loaded && (rc = load(t)))
		return rc;
	k = find(f, name);
	if (!if_match && k >= 0)
		return kith_fail(t->ctx, KITH_ERR_CONFLICT, "%s in %s exists already", name,
				 f->path);
	if (if_match && (k < 0 || strcmp(f->tags[k], if_match)))
		return kith_fail(t->ctx, KITH_ERR_CONFLICT, "%s in %s changed meanwhile", name,
				 f->path);
	text = strndup(bytes, len);
	tag = kith_content_tag(bytes, len);
	if (!text || !tag)
		goto nomem;
	if (k < 0) {
		size_t n = f->split.n;
		char **uids = realloc(f->split.uids, (n + 1) * sizeof(*uids));

		if (!uids)
			goto nomem;
		f->split.uids = uids;
		char **texts = realloc(f->split.texts, (n + 1) * sizeof(*texts));
		if (!texts)
			goto nomem;
		f->split.texts = texts;
		char **tags = realloc(f->tags, (n + 1) * sizeof(*tags));
		if (!tags)
			goto nomem;
		f->tags = tags;
		f->split.uids[n] = strdup(name);
		if (!f->split.uids[n])
			goto nomem;
		f->split.texts[n] = text;
		f->tags[n] = tag;
		f->split.n++;
		if (f->by_uid_ok && kith_strmap_put(&f->by_uid, strdup(name), n))
			f->by_uid_ok = 0;
	} else {
		free(f->split.texts[k]);
		free(f->tags[k]);
		f->split.texts[k] = text;
		f->tags[k] = tag;
	}
	f->dirty = 1;
	/* The file is re-serialised as a whole: the tag is known only after a fetch. */
	*out_tag = NULL;
	return KITH_OK;
nomem:
	free(text);
	free(tag);
	return kith_nomem(t->ctx);
}

static enum kith_status file_del(struct kith_target *t, const char *name, const char *if_match)
{
	struct file_impl *f = t->impl;
	enum kith_status rc;
	long k;

	if (!f->loaded && (rc = load(t)))
		return rc;
	k = find(f, name);
	if (k < 0 || (if_match && strcmp(f->tags[k], if_match)))
		return kith_fail(t->ctx, KITH_ERR_CONFLICT, "%s in %s changed meanwhile", name,
				 f->path);
	free(f->split.uids[k]);
	free(f->split.texts[k]);
	free(f->tags[k]);
	for (size_t i = (size_t)k + 1; i < f->split.n; i++) {
		f->split.uids[i - 1] = f->split.uids[i];
		f->split.texts[i - 1] = f->split.texts[i];
		f->tags[i - 1] = f->tags[i];
	}
	f->split.n--;
	f->by_uid_ok = 0; /* the indexes after k moved */
	f->dirty = 1;
	return KITH_OK;
}

static enum kith_status file_flush(struct kith_target *t)
{
	struct file_impl *f = t->impl;
	char *now = NULL, *now_tag = NULL, *out = NULL;
	size_t len = 0;
	enum kith_status rc;
	int same;

	if (!f->dirty)
		return KITH_OK;
	/* Another program (Thunderbird) does not take our lock: check it did not write. */
	rc = read_now(t, &now, &len, &now_tag);
	if (rc)
		return rc;
	same = (!now_tag && !f->file_tag) ||
	       (now_tag && f->file_tag && !strcmp(now_tag, f->file_tag));
	free(now);
	free(now_tag);
	if (!same) {
		unload(f);
		return kith_fail(t->ctx, KITH_ERR_CONFLICT,
				 "%s was changed by another program "
				 "during the sync",
				 f->path);
	}
	rc = kith_ical_join_file(t->ctx, f->split.rest, (const char *const *)f->split.texts,
				 f->split.n, &out);
	if (!rc)
		rc = kith_file_write_atomic(t->ctx, f->path, out, strlen(out));
	free(out);
	unload(f);
	return rc;
}

static char *file_resource_name(struct kith_target *t, const char *uid)
{
	(void)t;
	return strdup(uid);
}

static void file_close(struct kith_target *t)
{
	struct file_impl *f = t->impl;

	if (!f)
		return;
	unload(f);
	if (f->lock_fd >= 0)
		close(f->lock_fd);
	free(f->path);
	free(f);
	t->impl = NULL;
}

static const struct kith_target_ops file_ops = {
	.kind = "file",
	.list = file_list,
	.fetch = file_fetch,
	.put = file_put,
	.del = file_del,
	.flush = file_flush,
	.resource_name = file_resource_name,
	.close = file_close,
};

enum kith_status kith_target_file_open(struct kith_ctx *ctx, const char *path,
				       struct kith_target *t)
{
	struct file_impl *f = calloc(1, sizeof(*f));
	struct kith_buf b = KITH_BUF_INIT;
	enum kith_status rc;
	char *lock;

	if (!f)
		return kith_nomem(ctx);
	f->lock_fd = -1;
	f->path = strdup(path);
	kith_buf_printf(&b, "%s.lock", path);
	lock = kith_buf_steal(&b);
	if (!f->path || !lock) {
		free(lock);
		free(f->path);
		free(f);
		return kith_nomem(ctx);
	}
	{
		/* Say what is missing: the calendar's directory, not our lock file. */
		char *slash = strrchr(f->path, '/');
		struct stat st;

		*slash = '\0';
		if (*f->path && stat(f->path, &st) < 0) {
			rc = kith_fail(ctx, KITH_ERR_IO,
				       "the directory %s of the calendar file does "
				       "not exist",
				       f->path);
			*slash = '/';
			free(lock);
			free(f->path);
			free(f);
			return rc;
		}
		*slash = '/';
	}
	rc = kith_lock_file(ctx, lock, &f->lock_fd);
	free(lock);
	if (rc) {
		free(f->path);
		free(f);
		return rc;
	}
	t->ops = &file_ops;
	t->impl = f;
	return KITH_OK;
}
