/* SPDX-License-Identifier: MIT */
/*
 * Private: the UID of a contact's reminders.  Its own module because the
 * store assigns it when it adds a contact, and the store must not depend
 * on the reminders, which read the store.
 */
#ifndef KITH_UID_H
#define KITH_UID_H

#include <stdint.h>

/*
 * The UID of contact `id`'s reminders in the store tagged store_tag, NULL
 * when out of memory.  Ownership: free().
 */
char *kith_reminder_uid(int64_t id, const char *store_tag);

#endif
