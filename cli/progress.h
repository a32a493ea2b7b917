/* SPDX-License-Identifier: MIT */
/*
 * cli/progress.h - progress of a long upload, for a terminal.
 */
#ifndef KITH_CLI_PROGRESS_H
#define KITH_CLI_PROGRESS_H

#include <stddef.h>

/* A kith_target_options progress callback: "writing reminders 40/800" on stderr. */
void cli_progress(size_t done, size_t total, void *arg);

#endif
