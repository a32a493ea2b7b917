/* SPDX-License-Identifier: MIT */
/* How import records are keyed: the normal forms of names, emails and phones. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "import/job.h"

/*
 * "Smith, John" (Outlook's File As, many CSV exports) is "John Smith":
 * one comma with words on both sides swaps them, in place.  A name with
 * more commas is left alone: no guessing at "Smith, John, Jr.".
 */
static char *swap_sorted_name(char *name)
{
	char *comma = strchr(name, ','), *first, *tmp;
	size_t last_len, first_len;

	if (!comma || strchr(comma + 1, ','))
		return name;
	first = comma + 1;
	while (*first == ' ')
		first++;
	last_len = (size_t)(comma - name);
	while (last_len > 0 && name[last_len - 1] == ' ')
		last_len--;
	first_len = strlen(first);
	if (last_len == 0 || first_len == 0)
		return name;
	tmp = malloc(first_len + 1 + last_len + 1);
	if (!tmp) {
		free(name);
		return NULL;
	}
	memcpy(tmp, first, first_len);
	tmp[first_len] = ' ';
	memcpy(tmp + first_len + 1, name, last_len);
	tmp[first_len + 1 + last_len] = '\0';
	free(name);
	return tmp;
}

/*
 * Case-folded as the store folds names (fold.c: Latin, Greek, Cyrillic),
 * blanks collapsed and trimmed, "Last, First" as "First Last".
 * Ownership: free().
 */
char *import_norm_name(const char *name)
{
	char *folded = kith_fold(name, strlen(name));
	char *out, *o;
	const char *s;
	int blank = 0;

	if (!folded)
		return NULL;
	out = o = malloc(strlen(folded) + 1);
	if (!out) {
		free(folded);
		return NULL;
	}
	for (s = folded; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isspace(c)) {
			blank = o != out;
			continue;
		}
		if (blank)
			*o++ = ' ';
		blank = 0;
		*o++ = (char)tolower(c);
	}
	*o = '\0';
	free(folded);
	return swap_sorted_name(out);
}

char *import_norm_email(const char *s)
{
	char *out = strdup(s);

	if (out)
		for (char *p = out; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	return out;
}

/* Phones compare by their digits (and a leading +): "+44 20 7946 0958" = "+442079460958". */
static int same_phone(const char *a, const char *b)
{
	for (;;) {
		while (*a && !isdigit((unsigned char)*a) && *a != '+')
			a++;
		while (*b && !isdigit((unsigned char)*b) && *b != '+')
			b++;
		if (!*a || !*b)
			return !*a && !*b;
		if (*a++ != *b++)
			return 0;
	}
}

int import_has_phone(const struct kith_strlist *l, const char *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (same_phone(l->items[i], p))
			return 1;
	return 0;
}

/* A display name on one line: control characters become spaces. */
void import_flatten(char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

/* The words of a normal-form name, for comparing: letters and digits only. */
static size_t name_words(const char *norm, char words[][64], size_t max)
{
	size_t n = 0, len = 0;

	for (const char *p = norm;; p++) {
		unsigned char c = (unsigned char)*p;

		if (c && (isalnum(c) || c >= 0x80)) {
			if (len < 63)
				words[n][len++] = (char)c;
			continue;
		}
		if (len >= 2 && n < max) {
			words[n][len] = '\0';
			n++;
		}
		len = 0;
		if (!c || n == max)
			return n;
	}
}

int import_names_differ(const char *a, const char *b)
{
	char wa[8][64], wb[8][64];
	char *na = a ? import_norm_name(a) : NULL, *nb = b ? import_norm_name(b) : NULL;
	size_t ka = na ? name_words(na, wa, 8) : 0, kb = nb ? name_words(nb, wb, 8) : 0;
	int differ = ka > 0 && kb > 0;

	for (size_t i = 0; differ && i < ka; i++)
		for (size_t k = 0; differ && k < kb; k++)
			if (!strcmp(wa[i], wb[k]))
				differ = 0;
	free(na);
	free(nb);
	return differ;
}
