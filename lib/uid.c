/* SPDX-License-Identifier: MIT */
/* The reminder UID scheme: the store assigns it, calendars keep it. */
#include "buf.h"
#include "uid.h"

/*
 * From the id and the store alone, so rebuilding a reminder never changes
 * it.  Calendars out there hold these bytes: the format never changes.
 */
char *kith_reminder_uid(int64_t id, const char *store_tag)
{
	struct kith_buf b = KITH_BUF_INIT;

	kith_buf_printf(&b, "kith-%lld-%s@kith", (long long)id, store_tag);
	return kith_buf_steal(&b);
}
