/* SPDX-License-Identifier: MIT */
/*
 * kith-bench-report-lib: time kith_report_build() alone, without the CLI's
 * option parsing, configuration and formatting, using only the public API.
 *
 *   kith-bench-report-lib DB TODAY [--all] [--repeat N]
 *
 * Opens the store, builds the report (all = 0, or 1 with --all) N times
 * (default 1) and frees it.  Prints one line of key=value timings to
 * stdout: open_ms, build_ms (the first build), build_min_ms and
 * build_median_ms (over the N builds), free_ms, rows and active (the
 * active contacts counted by the tier summaries).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <kith/kith.h>

#define MAX_REPEAT 1000

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int usage(const char *argv0)
{
	fprintf(stderr, "usage: %s DB TODAY [--all] [--repeat N]\n", argv0);
	return 2;
}

int main(int argc, char **argv)
{
	struct kith_ctx *ctx = NULL;
	struct kith_store *store = NULL;
	struct kith_report *report = NULL;
	struct kith_report_options opts;
	double t0, t_open, t_free = 0, first = 0, *builds = NULL;
	long repeat = 1, active = 0;
	size_t rows = 0;
	int status = 1;

	if (argc < 3)
		return usage(argv[0]);
	memset(&opts, 0, sizeof(opts));
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--all")) {
			opts.all = 1;
		} else if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
			char *end = NULL;

			errno = 0;
			repeat = strtol(argv[++i], &end, 10);
			if (errno || end == argv[i] || *end || repeat < 1 || repeat > MAX_REPEAT) {
				fprintf(stderr, "%s: --repeat takes 1 to %d\n", argv[0],
					MAX_REPEAT);
				return 2;
			}
		} else {
			return usage(argv[0]);
		}
	}
	if (kith_ctx_new(&ctx) != KITH_OK) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		return 1;
	}
	if (kith_date_parse(ctx, argv[2], &opts.today) != KITH_OK) {
		fprintf(stderr, "%s: %s\n", argv[0], kith_ctx_errmsg(ctx));
		goto out;
	}
	builds = calloc((size_t)repeat, sizeof(*builds));
	if (!builds) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		goto out;
	}

	t0 = now_ms();
	if (kith_store_open(ctx, argv[1], &store) != KITH_OK) {
		fprintf(stderr, "%s: %s\n", argv[0], kith_ctx_errmsg(ctx));
		goto out;
	}
	t_open = now_ms() - t0;
	for (long i = 0; i < repeat; i++) {
		double t1 = now_ms(), t2;

		if (kith_report_build(store, &opts, &report) != KITH_OK) {
			fprintf(stderr, "%s: cannot build the report: %s\n", argv[0],
				kith_ctx_errmsg(ctx));
			goto out;
		}
		builds[i] = now_ms() - t1;
		rows = report->n_rows;
		active = 0;
		for (size_t k = 0; k < report->n_tiers; k++)
			active += report->tiers[k].total;
		t2 = now_ms();
		kith_report_free(report);
		report = NULL;
		t_free = now_ms() - t2;
	}
	first = builds[0];
	qsort(builds, (size_t)repeat, sizeof(*builds), cmp_double);
	printf("open_ms=%.2f build_ms=%.2f build_min_ms=%.2f build_median_ms=%.2f free_ms=%.2f "
	       "rows=%zu active=%ld\n",
	       t_open, first, builds[0], builds[repeat / 2], t_free, rows, active);
	status = 0;
out:
	kith_report_free(report);
	kith_store_close(store);
	kith_ctx_free(ctx);
	free(builds);
	return status;
}
