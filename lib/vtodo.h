/* SPDX-License-Identifier: MIT */
/* Private: what a reminder says, for the sync engine and the store. */
#ifndef KITH_VTODO_PRIV_H
#define KITH_VTODO_PRIV_H

#include <kith/vtodo.h>

/*
 * The UID of contact `id`'s reminders in the store tagged store_tag, NULL
 * when out of memory.  Ownership: free().
 */
char *kith_reminder_uid(int64_t id, const char *store_tag);

/* A reminder from a contact and its standing (no I/O). Ownership: kith_reminder_free(). */
enum kith_status kith_reminder_from(struct kith_ctx *ctx, const struct kith_contact *contact,
				    const struct kith_standing *s,
				    const struct kith_reminder_options *opts,
				    struct kith_reminder **out);

#endif
