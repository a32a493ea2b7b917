/* SPDX-License-Identifier: MIT */
/*
 * kith/common.h - status codes, the context object and version.
 *
 * Every fallible libkith function returns enum kith_status.  The one-line
 * human readable detail of the last failure lives in the context object,
 * never in a global, so several contexts can be used from several threads.
 */
#ifndef KITH_COMMON_H
#define KITH_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(KITH_BUILDING_LIB) && defined(__GNUC__)
#define KITH_API __attribute__((visibility("default")))
#else
#define KITH_API
#endif

/* Values are only ever appended, never renumbered. */
enum kith_status {
	KITH_OK = 0,
	KITH_ERR_NOMEM = 1,     /* allocation failed */
	KITH_ERR_INVALID = 2,   /* bad input from the caller or the user */
	KITH_ERR_NOT_FOUND = 3, /* no such contact, tier, ... */
	KITH_ERR_AMBIGUOUS = 4, /* a query matched more than one object */
	KITH_ERR_EXISTS = 5,    /* object already exists */
	KITH_ERR_IN_USE = 6,    /* object still referenced (tier with contacts) */
	KITH_ERR_IO = 7,        /* file system failure */
	KITH_ERR_DB = 8,        /* SQLite failure */
	KITH_ERR_SCHEMA = 9,    /* store written by a newer kith */
	KITH_ERR_ICAL = 10,     /* iCalendar build or parse failure */
	KITH_ERR_BUSY = 11,     /* store locked by another kith */
	KITH_ERR_CONFLICT = 12, /* a conditional write lost a race (HTTP 412) */
	KITH_ERR_PARSE = 13,    /* outside data that kith cannot read */
	KITH_ERR_NETWORK = 14,  /* cannot talk to the server: DNS, connect, TLS, timeout, cut off */
	KITH_ERR_AUTH = 15,     /* the server refused the credentials (HTTP 401) or access (403) */
};

/* A static English name for a status; never NULL. */
KITH_API const char *kith_status_str(enum kith_status status);

/* Version of the library as "MAJOR.MINOR.PATCH". */
KITH_API const char *kith_version(void);

/*
 * The context carries the detail message of the last failure.  One per
 * thread; a store or report is used with the context it was opened with.
 */
struct kith_ctx;

/* Ownership: the caller owns *out and frees it with kith_ctx_free(). */
KITH_API enum kith_status kith_ctx_new(struct kith_ctx **out);
KITH_API void kith_ctx_free(struct kith_ctx *ctx);

/*
 * The detail of the last failure ("unknown cadence 'x': use 2w, 90d, ...").
 * Borrowed; valid until the next call that fails.  Empty when none.
 */
KITH_API const char *kith_ctx_errmsg(const struct kith_ctx *ctx);

#ifdef __cplusplus
}
#endif

#endif
