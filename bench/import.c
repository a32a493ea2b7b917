/* SPDX-License-Identifier: MIT */
/*
 * kith-bench-import FILE RUNS DIR [read-only]: import FILE into a fresh
 * store RUNS times (DIR/import-N.db) and print, a line per run, the wall
 * time and CPU time in milliseconds and the number imported: open +
 * default tiers + kith_import() + commit + close, the work of
 * `kith init && kith import FILE` without process start-up.  With
 * "read-only" the import keeps nobody (an --only list that matches no
 * one): the cards are read, converted and filtered, nothing is written.
 * bench/import.sh drives it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <kith/kith.h>

static double now_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static char *slurp(const char *path, size_t *out_n)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		perror(path);
		exit(1);
	}
	rewind(f);
	data = malloc((size_t)n + 1);
	if (!data || fread(data, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(f);
	*out_n = (size_t)n;
	return data;
}

static int one_run(const char *db, const char *data, size_t len, int read_only, long *out_imported)
{
	static const char *const nobody[] = { "nobody@invalid" };
	struct kith_ctx *ctx = NULL;
	struct kith_store *store = NULL;
	struct kith_import_summary *sum = NULL;
	struct kith_import_options o;
	enum kith_status rc;

	memset(&o, 0, sizeof(o));
	o.today = (struct kith_date){ 2026, 6, 1 };
	o.source_name = "bench";
	if (read_only) {
		o.only = nobody;
		o.n_only = 1;
	}
	if (kith_ctx_new(&ctx))
		return 1;
	rc = kith_store_open(ctx, db, &store);
	if (!rc)
		rc = kith_store_init_defaults(store, NULL);
	if (!rc)
		rc = kith_store_begin(store);
	if (!rc)
		rc = kith_import(store, data, len, &o, &sum);
	if (!rc)
		rc = kith_store_commit(store);
	if (rc)
		fprintf(stderr, "kith-bench-import: %s: %s\n", kith_status_str(rc),
			kith_ctx_errmsg(ctx));
	else
		*out_imported = sum->imported;
	kith_import_summary_free(sum);
	kith_store_close(store);
	kith_ctx_free(ctx);
	return rc != KITH_OK;
}

int main(int argc, char **argv)
{
	char db[4096];
	size_t len;
	char *data;
	int runs, read_only;

	if (argc < 4 || argc > 5 || (runs = atoi(argv[2])) < 1) {
		fputs("usage: kith-bench-import FILE RUNS DIR [read-only]\n", stderr);
		return 2;
	}
	read_only = argc == 5 && !strcmp(argv[4], "read-only");
	data = slurp(argv[1], &len);
	for (int r = 0; r < runs; r++) {
		long imported = 0;
		double t0, t1, c0, c1;

		snprintf(db, sizeof(db), "%s/import-%d.db", argv[3], r);
		unlink(db);
		t0 = now_ms(CLOCK_MONOTONIC);
		c0 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
		if (one_run(db, data, len, read_only, &imported))
			return 1;
		c1 = now_ms(CLOCK_PROCESS_CPUTIME_ID);
		t1 = now_ms(CLOCK_MONOTONIC);
		printf("%.1f %.1f %ld\n", t1 - t0, c1 - c0, imported);
	}
	free(data);
	return 0;
}
