/* SPDX-License-Identifier: MIT */
/*
 * Private: the POSIX file handling the local targets share with the public
 * writer (kith/file.h), so that "whole or not at all" is implemented once.
 */
#ifndef KITH_FILEIO_H
#define KITH_FILEIO_H

#include <stddef.h>

#include <kith/common.h>

/* Read a whole file (capped). KITH_ERR_NOT_FOUND when absent. Ownership: free(*out). */
enum kith_status kith_read_file(struct kith_ctx *ctx, const char *path, size_t max, char **out,
				size_t *out_len);

/*
 * A fully written, fsynced temporary file next to path, to be renamed over
 * it: with the mode (and, where this process may give them, the owner and
 * group) of the regular file at path, else 0600.  Ownership: free(*out_tmp).
 */
enum kith_status kith_write_temp(struct kith_ctx *ctx, const char *path, const char *bytes,
				 size_t len, char **out_tmp);
/*
 * fsync the directory holding path, so renames and links in it are
 * durable.  A failure is KITH_ERR_IO: the change is in place but may not
 * survive a crash, and the caller must not report it as safe.
 */
enum kith_status kith_fsync_dir_of(struct kith_ctx *ctx, const char *path);

/* An exclusive advisory lock on path (created 0600), waiting up to a few seconds. */
enum kith_status kith_lock_file(struct kith_ctx *ctx, const char *path, int *out_fd);

#endif
