/* SPDX-License-Identifier: MIT */
/* Private: a contact's standing for callers that already hold its data (the sync engine). */
#ifndef KITH_REPORT_PRIV_H
#define KITH_REPORT_PRIV_H

#include <kith/report.h>

/*
 * The standing of a contact from what is already loaded (no I/O): its
 * effective cadence and newest touch (NULL: none).
 */
enum kith_status kith_standing_compute(const struct kith_contact *c, struct kith_cadence cadence,
				       const struct kith_touch *last, struct kith_date today,
				       int window_days, struct kith_standing *out);

#endif
