/* SPDX-License-Identifier: MIT */
/*
 * Private: a simple Unicode case fold of UTF-8 text, so "åsa" finds
 * "Åsa Öberg".  Covers Latin-1, Latin Extended-A, Greek and Cyrillic
 * capitals, which is what names in an address book use; no locale, no ICU.
 */
#ifndef KITH_FOLD_H
#define KITH_FOLD_H

#include <stddef.h>

/* Folded copy of s (len bytes); invalid UTF-8 bytes are kept. Ownership: free(). */
char *kith_fold(const char *s, size_t len);

#endif
