/* SPDX-License-Identifier: MIT */
#include <stdio.h>

#include "progress.h"

/* Progress of a long upload, on a terminal only. */
void cli_progress(size_t done, size_t total, void *arg)
{
	(void)arg;
	fprintf(stderr, "\rkith: writing reminders %zu/%zu", done, total);
	if (done == total)
		fputc('\n', stderr);
}
