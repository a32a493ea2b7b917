/* SPDX-License-Identifier: MIT */
/*
 * Private: character sets.  The only door to iconv: address books arrive
 * in UTF-8 (with or without a BOM), UTF-16 (Outlook's "Unicode" CSV),
 * windows-1252 or ISO-8859-1 (Outlook's vCard 2.1 and "ANSI" CSV), and
 * everything that leaves this module is valid UTF-8.
 */
#ifndef KITH_CHARSET_H
#define KITH_CHARSET_H

#include <stddef.h>

#include <kith/common.h>

/* 1 when s[0..n) is well-formed UTF-8 (no overlong forms, no surrogates, <= U+10FFFF). */
int kith_utf8_is_valid(const char *s, size_t n);

/*
 * s[0..n) as UTF-8 that claimed to be UTF-8 but is not quite: its
 * well-formed sequences are kept, and each byte that is not part of one
 * is read as Windows-1252 (what a tool that wrote its own charset most
 * likely meant).  NUL-terminated; *out_n (may be NULL) its length.
 * Ownership: free(); NULL when out of memory.
 */
char *kith_utf8_repair(const char *s, size_t n, size_t *out_n);

/*
 * Convert s[0..n) from `charset` (any name iconv knows: "windows-1252",
 * "ISO-8859-1", "UTF-8", ...) to UTF-8.  A byte that is not valid in the
 * source charset becomes U+FFFD, so the result is always valid UTF-8.
 * charset NULL or empty means "unknown": UTF-8 if s is valid UTF-8, else
 * windows-1252 (the charset of Outlook's and Windows' exports, a superset
 * of ISO-8859-1's printable range).  An unknown charset name is
 * KITH_ERR_INVALID.  *out is NUL-terminated; out_n (may be NULL) gets its
 * length.  Ownership: free(*out).
 */
enum kith_status kith_charset_to_utf8(struct kith_ctx *ctx, const char *charset, const char *s,
				      size_t n, char **out, size_t *out_n);

/*
 * A whole file as UTF-8: a UTF-8 BOM is dropped; a UTF-16 (LE or BE) BOM
 * means UTF-16; otherwise UTF-8 if valid, else windows-1252.  *out_charset
 * (may be NULL) names what was found (static string).
 * Ownership: free(*out).
 */
enum kith_status kith_charset_file_to_utf8(struct kith_ctx *ctx, const char *s, size_t n,
					   char **out, size_t *out_n, const char **out_charset);

#endif
