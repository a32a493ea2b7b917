/* SPDX-License-Identifier: MIT */
/*
 * kith/file.h - writing a file whole or not at all.
 *
 * The library's own files (a calendar file, a vdir) and what a program
 * exports are written the same way, so a crash or a second writer never
 * leaves half a file behind.
 */
#ifndef KITH_FILE_H
#define KITH_FILE_H

#include <stddef.h>

#include <kith/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Replace path with bytes: a temporary file with a unique name in the same
 * directory, fsync, rename over path, fsync the directory.  A new file is
 * 0600; a regular file replaced keeps its mode, and its owner and group
 * where the process may give them (else no group permissions).  A symlink
 * is written through (the link stays, its file is replaced); a character
 * device or a FIFO (/dev/stdout, /dev/null, a pipe) is written to as a
 * stream; a directory, a block device or a socket is KITH_ERR_INVALID.  On failure
 * path is as it was and no temporary file is left.
 */
KITH_API enum kith_status kith_file_write_atomic(struct kith_ctx *ctx, const char *path,
						 const char *bytes, size_t len);

#ifdef __cplusplus
}
#endif

#endif
