/* SPDX-License-Identifier: MIT */
/* Private: what a reminder says, for the sync engine. */
#ifndef KITH_VTODO_PRIV_H
#define KITH_VTODO_PRIV_H

#include <kith/vtodo.h>

/* A reminder from a contact and its standing (no I/O). Ownership: kith_reminder_free(). */
enum kith_status kith_reminder_from(struct kith_ctx *ctx, const struct kith_contact *contact,
				    const struct kith_standing *s,
				    const struct kith_reminder_options *opts,
				    struct kith_reminder **out);

#endif
