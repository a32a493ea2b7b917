/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the WebDAV XML reader: the multistatus parser and DAV:error
 * detection on the same bytes, and the request builders with the bytes as
 * a sync token and an href.  What comes out must be UTF-8 with an href per
 * item and statuses that are HTTP statuses.
 */
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "davxml.h"
#include "fuzz.h"

static void check_utf8(const char *s)
{
	if (s && !kith_utf8_is_valid(s, strlen(s)))
		abort();
}

static void check_status(int status)
{
	if (status != 0 && (status < 100 || status > 599))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kith_dav_multistatus ms;
	char *text, *out = NULL;

	memset(&ms, 0, sizeof(ms));
	if (kith_davxml_parse_multistatus(NULL, (const char *)data, size, &ms) == KITH_OK) {
		check_utf8(ms.sync_token);
		for (size_t i = 0; i < ms.n; i++) {
			const struct kith_dav_item *it = &ms.items[i];

			if (!it->href)
				abort();
			check_utf8(it->href);
			check_utf8(it->etag);
			check_utf8(it->calendar_data);
			check_utf8(it->displayname);
			check_utf8(it->principal);
			check_utf8(it->calendar_home);
			check_utf8(it->ctag);
			check_utf8(it->sync_token);
			check_status(it->status);
			check_status(it->prop_status);
			if (it->supports_vtodo && !it->has_component_set)
				abort();
		}
		kith_dav_multistatus_clear(&ms);
	} else if (ms.n || ms.items || ms.sync_token) {
		abort(); /* written only on success */
	}
	(void)kith_davxml_error_has((const char *)data, size, KITH_NS_DAV, "valid-sync-token");
	(void)kith_davxml_error_has((const char *)data, size, KITH_NS_CALDAV,
				    "supported-calendar-component");

	/* the bytes as a token and an href: built, or refused */
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (kith_davxml_sync_collection(NULL, text, &out) == KITH_OK) {
		free(out);
		out = NULL;
	}
	{
		const char *hrefs[1] = { text };

		if (kith_davxml_multiget(NULL, hrefs, 1, &out) == KITH_OK)
			free(out);
	}
	free(text);
	return 0;
}
