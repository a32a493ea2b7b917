/* SPDX-License-Identifier: MIT */
/*
 * A calendar file (.ics: an Outlook or Google export) for kith scan: its
 * bytes, and what tells whether it changed since the last scan.  The
 * meetings in it are ical.c's to read; the rules on them are scan.c's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ctx.h"
#include "fileio.h"
#include "hash.h"
#include "ical.h"
#include "scan/internal.h"

enum kith_status kith_ics_load(struct kith_ctx *ctx, const char *path, struct kith_ics_file *out)
{
	struct stat sb;
	enum kith_status rc;

	memset(out, 0, sizeof(*out));
	rc = kith_read_file(ctx, path, KITH_ICAL_MAX_RESOURCE, &out->bytes, &out->len);
	if (rc == KITH_ERR_NOT_FOUND)
		return kith_fail(ctx, KITH_ERR_IO, "cannot read %s: it does not exist", path);
	if (rc)
		return rc;
	if (stat(path, &sb) != 0) {
		kith_ics_file_clear(out);
		return kith_fail(ctx, KITH_ERR_IO, "cannot read %s: %s", path, strerror(errno));
	}
	out->mark.size = (int64_t)sb.st_size;
	out->mark.mtime = (int64_t)sb.st_mtime;
	/* Size and mtime alone miss a same-second rewrite of the same length. */
	out->mark.check = kith_hash_bytes(out->bytes, out->len);
	if (!out->mark.check)
		out->mark.check = 1; /* 0 is "never read" */
	return KITH_OK;
}

void kith_ics_file_clear(struct kith_ics_file *f)
{
	free(f->bytes);
	memset(f, 0, sizeof(*f));
}

int kith_ics_unchanged(const struct kith_ics_mark *a, const struct kith_ics_mark *b)
{
	return a->check && a->size == b->size && a->mtime == b->mtime && a->check == b->check;
}
