/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the CSV reader and the column mapping.  The first byte picks a
 * --map (none, or a few of the header's own columns); the rest is the
 * file.  Every row's text must come out as UTF-8, every good row named.
 */
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "csv.h"
#include "fuzz.h"

static void check_utf8(const char *s)
{
	if (s && !kith_utf8_is_valid(s, strlen(s)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const maps[][2] = {
		{ "Name=name", "Email=email" },
		{ "A=given", "B=last-contacted" },
		{ "Name=tags", "x = ignore" },
	};
	struct kith_card_list l;
	const char *const *map = NULL;
	size_t n_map = 0;

	if (size > 0) {
		unsigned pick = data[0] % 4;

		if (pick < 3) {
			map = maps[pick];
			n_map = 2;
		}
		data++;
		size--;
	}
	memset(&l, 0, sizeof(l));
	kith_csv_read_cards(NULL, (const char *)data, size, map, n_map, &l, NULL);
	for (size_t i = 0; i < l.n; i++) {
		const struct kith_card *c = &l.items[i];

		check_utf8(c->error);
		check_utf8(c->name);
		check_utf8(c->org);
		check_utf8(c->notes);
		for (size_t k = 0; k < c->emails.n; k++)
			check_utf8(c->emails.items[k]);
		for (size_t k = 0; k < c->phones.n; k++)
			check_utf8(c->phones.items[k]);
		if (!c->error && (!c->name || !*c->name))
			abort();
		if (c->line < 1)
			abort();
	}
	kith_card_list_clear(&l);
	return 0;
}
