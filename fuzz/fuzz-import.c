/* SPDX-License-Identifier: MIT */
/*
 * Fuzz the whole import against a real store: filters, dedupe, merge,
 * the spread (with whatever X-KITH-CADENCE and X-KITH-TIER a card
 * claims), last-contact touches.  The store is made once in a temporary
 * directory with a few contacts to collide with; every input runs in a
 * transaction that is rolled back.  The first byte picks the options.
 * Checks: an import either succeeds with counts that add up or fails as
 * a whole; the store is never left in a transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <kith/kith.h>

#include "fuzz.h"

static struct kith_ctx *ctx;
static struct kith_store *store;
static char dir[64];

static void cleanup(void)
{
	char path[128];

	kith_store_close(store);
	kith_ctx_free(ctx);
	snprintf(path, sizeof(path), "%s/kith.db", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/kith.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/kith.db-shm", dir);
	unlink(path);
	rmdir(dir);
}

static void add(const char *name, const char *email, const char *tier)
{
	struct kith_contact c;

	memset(&c, 0, sizeof(c));
	c.name = (char *)name;
	c.tier = (char *)tier;
	c.added = (struct kith_date){ 2025, 1, 1 };
	if (email && kith_strlist_add(&c.emails, email))
		abort();
	if (kith_store_add_contact(store, &c))
		abort();
	kith_strlist_clear(&c.emails);
	free(c.uid);
}

static void setup(void)
{
	char path[128];

	strcpy(dir, "/tmp/kith-fuzz-import-XXXXXX");
	if (!mkdtemp(dir) || kith_ctx_new(&ctx))
		abort();
	snprintf(path, sizeof(path), "%s/kith.db", dir);
	if (kith_store_open(ctx, path, &store) || kith_store_init_defaults(store, NULL))
		abort();
	add("Anna Berg", "anna@example.org", "core");
	add("Ben Okafor", NULL, "annual");
	add("Complete Card", "complete@example.com", "regular");
	atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const only[] = { "anna@example.org", "Ben Okafor", "x" };
	static const char *const map[] = { "Name=name", "Email=email" };
	struct kith_import_options o;
	struct kith_import_summary *s = NULL;
	enum kith_status rc;
	unsigned pick = size ? data[0] : 0;

	if (!store)
		setup();
	memset(&o, 0, sizeof(o));
	o.today = (struct kith_date){ 2026, 6, 1 };
	if (pick & 1)
		o.since = (struct kith_date){ 2024, 6, 1 };
	if (pick & 2) {
		o.only = only;
		o.n_only = 3;
	}
	if (pick & 4)
		o.per_day = 1 + (pick >> 5);
	if (pick & 8)
		o.tier = "core";
	o.format = (enum kith_import_format)((pick >> 4) % 3);
	if (o.format == KITH_IMPORT_CSV && (pick & 0x80)) {
		o.map = map;
		o.n_map = 2;
	}
	if (size) {
		data++;
		size--;
	}
	if (kith_store_begin(store))
		abort();
	rc = kith_import(store, (const char *)data, size, &o, &s);
	kith_store_rollback(store);
	if (rc == KITH_OK) {
		long counted = s->imported + s->merged + s->unchanged + s->skipped_since +
			       s->skipped_undated + s->skipped_only + s->failed;

		if (counted != s->records || (size_t)s->failed != s->n_problems)
			abort();
		if (s->imported && (!kith_date_is_set(s->first_due_from) ||
				    kith_date_cmp(s->first_due_from, s->first_due_to) > 0))
			abort();
	} else if (s) {
		abort(); /* outputs are written only on success */
	}
	kith_import_summary_free(s);
	return 0;
}
