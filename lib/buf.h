/* SPDX-License-Identifier: MIT */
/*
 * Private: a growable string buffer.  An allocation failure is sticky:
 * later appends do nothing and kith_buf_steal() returns NULL, so callers
 * check once at the end.
 */
#ifndef KITH_BUF_H
#define KITH_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct kith_buf {
	char *data;
	size_t len;
	size_t cap;
	int failed;
};

#define KITH_BUF_INIT         \
	{                     \
		NULL, 0, 0, 0 \
	}

void kith_buf_append(struct kith_buf *b, const char *s);
void kith_buf_append_n(struct kith_buf *b, const char *s, size_t n);
void kith_buf_printf(struct kith_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kith_buf_vprintf(struct kith_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Empties the buffer, keeping its memory. */
void kith_buf_reset(struct kith_buf *b);
/* The text so far; "" when nothing was appended. Borrowed. */
const char *kith_buf_str(const struct kith_buf *b);
/* The string (never NULL unless failed); the buffer is left empty. Ownership: free(). */
char *kith_buf_steal(struct kith_buf *b);
void kith_buf_free(struct kith_buf *b);

/* strdup that accepts NULL. */
char *kith_strdup0(const char *s);

#endif
