/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the mail header reader and the scan rules: whatever the bytes,
 * every text that comes out is UTF-8, every address has an "@", and a
 * message either has a From address and a Date or is refused.
 */
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "fuzz.h"
#include "mail.h"
#include "scan/internal.h"

static void check_utf8(const char *s)
{
	if (s && !kith_utf8_is_valid(s, strlen(s)))
		abort();
}

static void check_addrs(const struct kith_mail_addrs *l)
{
	for (size_t i = 0; i < l->n; i++) {
		if (!l->items[i].addr || !strchr(l->items[i].addr, '@'))
			abort();
		check_utf8(l->items[i].addr);
		check_utf8(l->items[i].name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const mine[] = { "me@example.org" };
	const struct kith_mail_me me = { mine, 1 };
	struct kith_mail_header h;
	struct kith_mail_verdict v;

	if (kith_mail_parse_header(NULL, (const char *)data, size, &h) == KITH_OK) {
		if (!h.from.addr || !strchr(h.from.addr, '@') || h.date < 0)
			abort();
		check_utf8(h.from.name);
		check_addrs(&h.to);
		check_addrs(&h.cc);
		check_addrs(&h.bcc);
		check_utf8(h.subject);
		check_utf8(h.message_id);
		if (kith_mail_rules(NULL, &h, &me, "UTC", &v) == KITH_OK) {
			check_utf8(v.note);
			if (strncmp(v.key, "mail:", 5) != 0)
				abort();
			kith_mail_verdict_clear(&v);
		}
	}
	kith_mail_header_clear(&h);
	return 0;
}
