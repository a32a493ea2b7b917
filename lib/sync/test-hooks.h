/* SPDX-License-Identifier: MIT */
/*
 * Test-only: a sync that can be stopped at a named step, as if the
 * process had died there (nothing is cleaned up), to prove that an
 * interrupted sync loses and duplicates nothing.  Not part of the public
 * API: no installed header declares it.  The unit tests reach it through
 * the static archive, and so does the test build of the kith program
 * (kith-test-hooks, cli/meson.build) that the crash tests in tests/sync
 * and tests/integration run; the installed program never does.
 *
 * The steps: "fetch" (before fetching what changed), "plan" (after tx 1
 * is committed), "write" (after each write, or after a batch), "flush"
 * and "confirm" (after tx 2 is committed).
 */
#ifndef KITH_SYNC_TEST_HOOKS_H
#define KITH_SYNC_TEST_HOOKS_H

#include <kith/sync.h>

struct kith_sync_hooks {
	/* A non-zero return stops the sync at that step. */
	int (*fault)(const char *step, void *arg);
	void *arg;
};

/* As kith_sync(); hooks may be NULL.  Not exported from libkith.so. */
enum kith_status kith_sync_with_hooks(struct kith_store *store, struct kith_target *target,
				      const struct kith_sync_options *opts,
				      const struct kith_sync_hooks *hooks,
				      struct kith_sync_result **out);

#endif
