/* SPDX-License-Identifier: MIT */
/* Reading, writing, syncing and locking files: what the local targets and the CLI share. */
/* fchmod() and O_DIRECTORY are POSIX.1-2008 with XSI; flock() comes with them in glibc. */
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

#include <kith/file.h>

#include "buf.h"
#include "ctx.h"
#include "fileio.h"

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
			return kith_fail(ctx, KITH_ERR_PARSE, "%s is larger than %zu bytes", path,
					 max);
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

static enum kith_status write_temp(struct kith_ctx *ctx, const char *path, const char *bytes,
				   size_t len, mode_t mode, char **out_tmp)
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
	if (fchmod(fd, mode) < 0)
		goto fail;
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

enum kith_status kith_write_temp(struct kith_ctx *ctx, const char *path, const char *bytes,
				 size_t len, char **out_tmp)
{
	return write_temp(ctx, path, bytes, len, 0600, out_tmp);
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

static enum kith_status replace(struct kith_ctx *ctx, const char *path, const char *bytes,
				size_t len, mode_t mode)
{
	char *tmp = NULL;
	enum kith_status rc = write_temp(ctx, path, bytes, len, mode, &tmp);

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

enum kith_status kith_write_atomic(struct kith_ctx *ctx, const char *path, const char *bytes,
				   size_t len)
{
	return replace(ctx, path, bytes, len, 0600);
}

enum kith_status kith_file_write_atomic(struct kith_ctx *ctx, const char *path, const char *bytes,
					size_t len)
{
	struct stat st;
	mode_t mode = 0600;

	/*
	 * A path that is not a regular file (a symlink, /dev/null) is replaced
	 * like any other today; what kith should do with one is decided here.
	 */
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
		mode = st.st_mode & 07777;
	return replace(ctx, path, bytes, len, mode);
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
					 "another kith is syncing (lock %s is held); try again",
					 path);
		}
		nanosleep(&ts, NULL);
	}
	*out_fd = fd;
	return KITH_OK;
}
