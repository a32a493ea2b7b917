/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "ctx.h"

#ifndef KITH_VERSION
#define KITH_VERSION "0.0.0"
#endif

const char *kith_version(void)
{
	return KITH_VERSION;
}

const char *kith_status_str(enum kith_status status)
{
	switch (status) {
	case KITH_OK: return "success";
	case KITH_ERR_NOMEM: return "out of memory";
	case KITH_ERR_INVALID: return "invalid input";
	case KITH_ERR_NOT_FOUND: return "not found";
	case KITH_ERR_AMBIGUOUS: return "ambiguous";
	case KITH_ERR_EXISTS: return "already exists";
	case KITH_ERR_IN_USE: return "still in use";
	case KITH_ERR_IO: return "input/output error";
	case KITH_ERR_DB: return "database error";
	case KITH_ERR_SCHEMA: return "store schema is newer than this kith";
	case KITH_ERR_ICAL: return "iCalendar error";
	case KITH_ERR_BUSY: return "store is busy";
	case KITH_ERR_CONFLICT: return "changed by someone else";
	case KITH_ERR_PARSE: return "cannot parse";
	case KITH_ERR_NETWORK: return "cannot reach the server";
	case KITH_ERR_AUTH: return "refused by the server";
	}
	return "unknown status";
}

enum kith_status kith_ctx_new(struct kith_ctx **out)
{
	struct kith_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return KITH_ERR_NOMEM;
	*out = ctx;
	return KITH_OK;
}

void kith_ctx_free(struct kith_ctx *ctx)
{
	free(ctx);
}

const char *kith_ctx_errmsg(const struct kith_ctx *ctx)
{
	return ctx ? ctx->errmsg : "";
}

void kith_ctx_clear(struct kith_ctx *ctx)
{
	if (ctx)
		ctx->errmsg[0] = '\0';
}

enum kith_status kith_fail(struct kith_ctx *ctx, enum kith_status status, const char *fmt, ...)
{
	va_list ap;

	if (!ctx)
		return status;
	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	va_end(ap);
	return status;
}

enum kith_status kith_nomem(struct kith_ctx *ctx)
{
	return kith_fail(ctx, KITH_ERR_NOMEM, "out of memory");
}
