/* SPDX-License-Identifier: MIT */
/* Character sets: UTF-8 validation and conversion with iconv (the only user of it). */
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array.h"
#include "charset.h"
#include "ctx.h"

/* The length of the well-formed UTF-8 sequence at p (before end), 0 if there is none. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned c = *p;
	size_t len;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(end - p) < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

int kith_utf8_is_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;

	while (p < end) {
		size_t len = utf8_seq(p, end);

		if (!len)
			return 0;
		p += len;
	}
	return 1;
}

/* Windows-1252's 0x80..0x9f; the rest of its upper half is ISO-8859-1's (U+00A0..U+00FF). */
static const unsigned short cp1252_high[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160,
	0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd, 0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
	0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
};

char *kith_utf8_repair(const char *s, size_t n, size_t *out_n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	/* A byte becomes at most 3 bytes of UTF-8. */
	char *out = n < ((size_t)-1 - 1) / 3 ? malloc(n * 3 + 1) : NULL;
	unsigned char *o = (unsigned char *)out;

	if (!out)
		return NULL;
	while (p < end) {
		size_t len = utf8_seq(p, end);
		unsigned cp;

		if (len) {
			memcpy(o, p, len);
			o += len;
			p += len;
			continue;
		}
		cp = *p < 0xa0 ? cp1252_high[*p - 0x80] : *p;
		if (cp < 0x800) {
			*o++ = (unsigned char)(0xc0 | (cp >> 6));
			*o++ = (unsigned char)(0x80 | (cp & 0x3f));
		} else {
			*o++ = (unsigned char)(0xe0 | (cp >> 12));
			*o++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
			*o++ = (unsigned char)(0x80 | (cp & 0x3f));
		}
		p++;
	}
	*o = '\0';
	if (out_n)
		*out_n = (size_t)(o - (unsigned char *)out);
	return out;
}

static int is_utf8_name(const char *charset)
{
	return !strcasecmp(charset, "UTF-8") || !strcasecmp(charset, "UTF8");
}

/* A copy of s[0..n) with a NUL. */
static enum kith_status copy_n(struct kith_ctx *ctx, const char *s, size_t n, char **out,
			       size_t *out_n)
{
	char *p = malloc(n + 1);

	if (!p)
		return kith_nomem(ctx);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	*out = p;
	if (out_n)
		*out_n = n;
	return KITH_OK;
}

static enum kith_status convert(struct kith_ctx *ctx, const char *charset, const char *s, size_t n,
				char **out, size_t *out_n)
{
	static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
	iconv_t cd = iconv_open("UTF-8", charset);
	size_t unit = strncasecmp(charset, "UTF-16", 6) ? 1 : 2;
	char *buf = NULL, *in = (char *)s, *dst;
	size_t cap, left = n, room;
	enum kith_status rc = KITH_OK;

	if (cd == (iconv_t)-1)
		return kith_fail(ctx, KITH_ERR_INVALID,
				 "unknown character set '%.40s'; use UTF-8, windows-1252 or "
				 "ISO-8859-1",
				 charset);
	/* Single-byte sets at most triple; a few extra bytes for U+FFFD. */
	if (n > ((size_t)-1 - 16) / 4) {
		rc = kith_nomem(ctx);
		goto out;
	}
	cap = n * 3 + 16;
	buf = malloc(cap);
	if (!buf) {
		rc = kith_nomem(ctx);
		goto out;
	}
	dst = buf;
	room = cap - 1;
	while (left > 0) {
		size_t r = iconv(cd, &in, &left, &dst, &room);

		if (r != (size_t)-1)
			break;
		if (errno == E2BIG || room < sizeof(replacement)) {
			size_t used = (size_t)(dst - buf);

			if (KITH_GROW(buf, cap, cap + 1, 0)) {
				rc = kith_nomem(ctx);
				goto out;
			}
			dst = buf + used;
			room = cap - 1 - used;
			continue;
		}
		/* EILSEQ or EINVAL (a truncated sequence at the end): one unit becomes U+FFFD. */
		memcpy(dst, replacement, sizeof(replacement) - 1);
		dst += sizeof(replacement) - 1;
		room -= sizeof(replacement) - 1;
		in += unit < left ? unit : left;
		left -= unit < left ? unit : left;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	*dst = '\0';
	/* Belt and braces: never hand on anything but UTF-8. */
	if (!kith_utf8_is_valid(buf, (size_t)(dst - buf))) {
		rc = kith_fail(ctx, KITH_ERR_INVALID,
			       "text in %.40s could not be converted to UTF-8", charset);
		goto out;
	}
	*out = buf;
	if (out_n)
		*out_n = (size_t)(dst - buf);
	buf = NULL;
out:
	free(buf);
	iconv_close(cd);
	return rc;
}

enum kith_status kith_charset_to_utf8(struct kith_ctx *ctx, const char *charset, const char *s,
				      size_t n, char **out, size_t *out_n)
{
	if (charset && *charset && !is_utf8_name(charset))
		return convert(ctx, charset, s, n, out, out_n);
	if (kith_utf8_is_valid(s, n))
		return copy_n(ctx, s, n, out, out_n);
	/*
	 * Not UTF-8 although it says so, or says nothing: Outlook and Windows
	 * write windows-1252.  Every byte sequence decodes, so names keep their
	 * accents rather than turning into question marks.
	 */
	return convert(ctx, "WINDOWS-1252", s, n, out, out_n);
}

enum kith_status kith_charset_file_to_utf8(struct kith_ctx *ctx, const char *s, size_t n,
					   char **out, size_t *out_n, const char **out_charset)
{
	const unsigned char *u = (const unsigned char *)s;
	const char *name;
	enum kith_status rc;

	if (n >= 3 && u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) {
		s += 3;
		n -= 3;
	} else if (n >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) {
		name = u[0] == 0xff ? "UTF-16LE" : "UTF-16BE";
		rc = convert(ctx, name, s + 2, n - 2, out, out_n);
		if (!rc && out_charset)
			*out_charset = name;
		return rc;
	}
	name = kith_utf8_is_valid(s, n) ? "UTF-8" : "windows-1252";
	rc = kith_charset_to_utf8(ctx, NULL, s, n, out, out_n);
	if (!rc && out_charset)
		*out_charset = name;
	return rc;
}
