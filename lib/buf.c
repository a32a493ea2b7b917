/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "buf.h"

/* Room for extra more bytes and the NUL; a failure sticks (see buf.h). */
static int grow(struct kith_buf *b, size_t extra)
{
	if (b->failed)
		return -1;
	if (extra >= KITH_ARRAY_MAX_BYTES - b->len ||
	    kith_grow(&b->data, &b->cap, b->len + extra + 1, 1, 64) != KITH_OK) {
		b->failed = 1;
		return -1;
	}
	return 0;
}

void kith_buf_append_n(struct kith_buf *b, const char *s, size_t n)
{
	if (grow(b, n) < 0)
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void kith_buf_append(struct kith_buf *b, const char *s)
{
	kith_buf_append_n(b, s, strlen(s));
}

void kith_buf_vprintf(struct kith_buf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, again);
	va_end(again);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if (grow(b, (size_t)n) < 0)
		return;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void kith_buf_printf(struct kith_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kith_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *kith_buf_steal(struct kith_buf *b)
{
	char *s;

	if (b->failed) {
		kith_buf_free(b);
		return NULL;
	}
	s = b->data ? b->data : strdup("");
	b->data = NULL;
	b->len = b->cap = 0;
	return s;
}

void kith_buf_free(struct kith_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}

char *kith_strdup0(const char *s)
{
	return s ? strdup(s) : NULL;
}

void kith_buf_reset(struct kith_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

const char *kith_buf_str(const struct kith_buf *b)
{
	return b->data ? b->data : "";
}
