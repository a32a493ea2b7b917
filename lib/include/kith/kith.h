/* SPDX-License-Identifier: MIT */
/*
 * kith/kith.h - libkith, keeps a professional network alive.
 *
 * Include this one header.  See kith(1) and docs/design.md.
 */
#ifndef KITH_KITH_H
#define KITH_KITH_H

#include <kith/common.h>
#include <kith/date.h>
#include <kith/contact.h>
#include <kith/store.h>
#include <kith/schedule.h>
#include <kith/report.h>
#include <kith/vtodo.h>
#include <kith/import.h>
#include <kith/sync.h>
#include <kith/file.h>
#include <kith/scan.h>

#endif
