/* SPDX-License-Identifier: MIT */
/* What every part of an import asks of the job. */
#include <string.h>

#include "import/job.h"

const struct kith_tier *import_find_tier(const struct job *j, const char *name)
{
	for (size_t i = 0; name && i < j->n_tiers; i++)
		if (!strcmp(j->tiers[i].name, name))
			return &j->tiers[i];
	return NULL;
}
