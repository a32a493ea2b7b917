/* SPDX-License-Identifier: MIT */
/* Private: the context object and error reporting inside libkith. */
#ifndef KITH_CTX_PRIV_H
#define KITH_CTX_PRIV_H

#include <string.h>

#include <kith/common.h>

#define KITH_ERRMSG_MAX 512

struct kith_ctx {
	char errmsg[KITH_ERRMSG_MAX];
};

/*
 * Record the detail of a failure and return its status, so a failing path
 * reads `return kith_fail(ctx, KITH_ERR_INVALID, "...", ...);`.  ctx may be
 * NULL (the detail is then dropped).
 */
enum kith_status kith_fail(struct kith_ctx *ctx, enum kith_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The usual out-of-memory failure. */
enum kith_status kith_nomem(struct kith_ctx *ctx);

void kith_ctx_clear(struct kith_ctx *ctx);

/*
 * Echo user input in a message without letting it push the rest out:
 * "'%.*s%s'" with KITH_ECHO(s) prints at most 60 bytes and an ellipsis.
 */
#define KITH_ECHO_MAX 60
#define KITH_ECHO(s)                                                       \
	(int)(strlen(s) > KITH_ECHO_MAX ? KITH_ECHO_MAX : strlen(s)), (s), \
		(strlen(s) > KITH_ECHO_MAX ? "..." : "")

#endif
