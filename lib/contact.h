/* SPDX-License-Identifier: MIT */
/* Private: the model's destructors for objects that live inside arrays. */
#ifndef KITH_CONTACT_PRIV_H
#define KITH_CONTACT_PRIV_H

#include <kith/contact.h>

/* Frees what c owns and zeroes it; c itself is not freed. */
void kith_contact_clear(struct kith_contact *c);
void kith_touch_clear(struct kith_touch *t);

#endif
