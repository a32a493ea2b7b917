/* SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>

#include "fold.h"

static uint32_t fold_cp(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 32;
	if (c < 0x80)
		return c;
	/* Latin-1: À..Þ except × */
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
		return c + 32;
	/* Latin Extended-A: pairs, capital even (Ĳ..ķ and Ŋ..ŷ), odd in Ĺ..ň and Ź..ž */
	if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177))
		return c % 2 == 0 ? c + 1 : c;
	if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
		return c % 2 == 1 ? c + 1 : c;
	if (c == 0x178)
		return 0xFF; /* Ÿ */
	/* Greek */
	if (c >= 0x391 && c <= 0x3AB && c != 0x3A2)
		return c + 32;
	if (c == 0x386)
		return 0x3AC;
	if (c >= 0x388 && c <= 0x38A)
		return c + 37;
	/* Cyrillic */
	if (c >= 0x410 && c <= 0x42F)
		return c + 32;
	if (c >= 0x400 && c <= 0x40F)
		return c + 80;
	return c;
}

/* Decodes one UTF-8 sequence; 0 bytes used means invalid (take one byte as is). */
static size_t decode(const unsigned char *s, size_t len, uint32_t *out)
{
	if (s[0] < 0x80) {
		*out = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0 && len >= 2 && (s[1] & 0xC0) == 0x80) {
		*out = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		return *out >= 0x80 ? 2 : 0;
	}
	if ((s[0] & 0xF0) == 0xE0 && len >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
		*out = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
		       (s[2] & 0x3F);
		return *out >= 0x800 ? 3 : 0;
	}
	return 0;
}

static size_t encode(uint32_t c, char *out)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	out[0] = (char)(0xE0 | (c >> 12));
	out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[2] = (char)(0x80 | (c & 0x3F));
	return 3;
}

char *kith_fold(const char *s, size_t len)
{
	/* Folding never makes a character longer in these ranges. */
	char *out = malloc(len + 1);
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;

	if (!out)
		return NULL;
	while (i < len) {
		uint32_t c;
		size_t n = decode(p + i, len - i, &c);

		if (n == 0) {
			out[o++] = (char)p[i++];
			continue;
		}
		o += encode(fold_cp(c), out + o);
		i += n;
	}
	out[o] = '\0';
	return out;
}
