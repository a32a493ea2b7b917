/* SPDX-License-Identifier: MIT */
/*
 * A failing allocator for the allocation-failure loops (STYLE.md, "Tests";
 * test-alloc.c and test-import-alloc.c).  Those programs link with
 * -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup,--wrap=free
 * and alloc-fail.c, so the allocations of libkith (the static archive) and
 * of the test itself go through the wrappers below; SQLite's, libical's
 * and iconv's own, inside their shared libraries, do not.  A table of
 * live pointers counts leaks without a sanitizer; under ASan,
 * LeakSanitizer checks again.
 */
#ifndef KITH_TEST_ALLOC_FAIL_H
#define KITH_TEST_ALLOC_FAIL_H

#include <stddef.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
void __wrap_free(void *p);

/* Blocks allocated through the wrappers and not freed yet. */
extern long live_count;
/* Allocations counted since fail_at was last set (none while paused). */
extern long alloc_seen;
/* Fail the fail_at-th counted allocation, once; 0: fail none. */
extern long fail_at;
/* The failure fail_at asked for has happened. */
extern int fail_hit;
/* 1: allocations are neither counted nor failed. */
extern int paused;

#endif
