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

/*
 * A file that replaces another takes its owner and group where this
 * process may give them (root; else a group it belongs to).  Permissions
 * meant for a group the file cannot keep are dropped rather than handed
 * to ours.  Returns the mode to set once the owner is settled (fchown
 * clears set-id bits).
 */
static mode_t take_owner(int fd, const struct stat *old)
{
	mode_t mode = old->st_mode & 07777;

	if (fchown(fd, old->st_uid, old->st_gid) == 0)
		return mode;
	if (fchown(fd, (uid_t)-1, old->st_gid) == 0)
		return mode;
	return mode & ~(mode_t)(S_ISGID | S_IRWXG);
}

/*
 * The temporary file that will replace path looks like the regular file
 * there: a calendar file shared with a calendar app (0644, a group) stays
 * readable to it.  Anything new is 0600: it holds contacts' addresses, as
 * the store does.
 */
static enum kith_status write_temp(struct kith_ctx *ctx, const char *path, const char *bytes,
				   size_t len, char **out_tmp)
{
	struct kith_buf b = KITH_BUF_INIT;
	struct stat old;
	const char *step = "";
	char *tmp;
	int fd;
	size_t off = 0;
	mode_t mode = 0600;

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
	if (stat(path, &old) == 0 && S_ISREG(old.st_mode))
		mode = take_owner(fd, &old);
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
	if (fsync(fd) < 0) {
		step = "fsync: ";
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	*out_tmp = tmp;
	return KITH_OK;
fail:
	kith_fail(ctx, KITH_ERR_IO, "cannot write %s: %s%s", path, step, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return KITH_ERR_IO;
}

enum kith_status kith_write_temp(struct kith_ctx *ctx, const char *path, const char *bytes,
				 size_t len, char **out_tmp)
{
	return write_temp(ctx, path, bytes, len, out_tmp);
}

enum kith_status kith_fsync_dir_of(struct kith_ctx *ctx, const char *path)
{
	char *dir = dir_of(path);
	int dfd, err = 0;

	if (!dir)
		return kith_nomem(ctx);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0)
		err = errno;
	if (dfd >= 0)
		close(dfd);
	/* A file system that cannot sync a directory (EINVAL) has nothing to make durable. */
	if (err && err != EINVAL) {
		kith_fail(ctx, KITH_ERR_IO, "cannot make %s durable: fsync of %s: %s", path, dir,
			  strerror(err));
		free(dir);
		return KITH_ERR_IO;
	}
	free(dir);
	return KITH_OK;
}

static enum kith_status replace(struct kith_ctx *ctx, const char *path, const char *bytes,
				size_t len)
{
	char *tmp = NULL;
	enum kith_status rc = write_temp(ctx, path, bytes, len, &tmp);

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
	return kith_fsync_dir_of(ctx, path);
}

/* A device or a FIFO gets the bytes as a stream: there is nothing to replace. */
static enum kith_status write_stream(struct kith_ctx *ctx, const char *path, const char *bytes,
				     size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	size_t done = 0;

	if (fd < 0)
		return kith_fail(ctx, KITH_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, bytes + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? errno : EIO;

			close(fd);
			return kith_fail(ctx, KITH_ERR_IO, "cannot write %s: %s", path,
					 strerror(err));
		}
		done += (size_t)n;
	}
	if (close(fd) < 0)
		return kith_fail(ctx, KITH_ERR_IO, "cannot write %s: %s", path, strerror(errno));
	return KITH_OK;
}

/*
 * A link whose file does not exist yet: the file is made where the link
 * points (as a shell's redirection would), so the link then leads to it.
 */
static enum kith_status write_new_link_target(struct kith_ctx *ctx, const char *path,
					      const char *bytes, size_t len)
{
	char target[4096], *full;
	ssize_t n = readlink(path, target, sizeof(target) - 1);
	enum kith_status rc;

	if (n < 0 || (size_t)n >= sizeof(target) - 1)
		return kith_fail(ctx, KITH_ERR_IO, "cannot write %s: cannot read the link", path);
	target[n] = '\0';
	if (target[0] == '/') {
		full = strdup(target);
	} else {
		char *dir = dir_of(path);

		struct kith_buf b = KITH_BUF_INIT;

		if (dir)
			kith_buf_printf(&b, "%s/%s", dir, target);
		full = dir ? kith_buf_steal(&b) : NULL;
		free(dir);
	}
	if (!full)
		return kith_nomem(ctx);
	rc = replace(ctx, full, bytes, len);
	free(full);
	return rc;
}

enum kith_status kith_file_write_atomic(struct kith_ctx *ctx, const char *path, const char *bytes,
					size_t len)
{
	struct stat st;
	char *real = NULL;
	enum kith_status rc;

	if (lstat(path, &st) < 0) {
		if (errno != ENOENT)
			return kith_fail(ctx, KITH_ERR_IO, "cannot write %s: %s", path,
					 strerror(errno));
		return replace(ctx, path, bytes, len);
	}
	/*
	 * Through a link to what it points at, as the calendar file target
	 * does: replacing the link itself would cut it from its file.
	 */
	if (S_ISLNK(st.st_mode)) {
		/* stat() follows /proc's links too (/dev/stdout on a pipe); realpath() does not. */
		if (stat(path, &st) < 0) {
			if (errno == ENOENT)
				return write_new_link_target(ctx, path, bytes, len);
			return kith_fail(ctx, KITH_ERR_IO, "cannot write %s: %s", path,
					 strerror(errno));
		}
		if (S_ISREG(st.st_mode) && !(real = realpath(path, NULL)))
			return kith_fail(ctx, KITH_ERR_IO, "cannot write %s: %s", path,
					 strerror(errno));
	}
	/*
	 * Replacing /dev/null by a regular file (kith runs as root in
	 * containers) breaks the machine for everyone: a character device or
	 * a FIFO is written to as it is; a block device, a directory or a
	 * socket is refused.
	 */
	if (S_ISREG(st.st_mode))
		rc = replace(ctx, real ? real : path, bytes, len);
	else if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
		rc = write_stream(ctx, real ? real : path, bytes, len);
	else
		rc = kith_fail(ctx, KITH_ERR_INVALID,
			       "cannot write %s: it is %s, not a regular file", path,
			       S_ISDIR(st.st_mode)   ? "a directory"
			       : S_ISBLK(st.st_mode) ? "a block device"
						     : "not a file");
	free(real);
	return rc;
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
