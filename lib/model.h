/* SPDX-License-Identifier: MIT */
/* Transitional: sync.c is being split; remove after merge. */
#include "contact.h"
#include "report.h"
#include "store/store.h"
#include "vtodo.h"
