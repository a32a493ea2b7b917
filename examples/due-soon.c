/* SPDX-License-Identifier: MIT */
/*
 * due-soon: print who is overdue or due within N days, using only the
 * public libkith API.
 *
 *   due-soon STORE [DAYS]
 */
#include <stdio.h>
#include <stdlib.h>

#include <kith/kith.h>

int main(int argc, char **argv)
{
	struct kith_ctx *ctx = NULL;
	struct kith_store *store = NULL;
	struct kith_report *report = NULL;
	struct kith_report_options opts = { kith_date_today(), NULL, 0, 7 };
	enum kith_status rc;
	int status = 1;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s STORE [DAYS]\n", argv[0]);
		return 2;
	}
	if (argc == 3)
		opts.window_days = atoi(argv[2]);
	if (kith_ctx_new(&ctx) != KITH_OK)
		return 1;
	rc = kith_store_open(ctx, argv[1], &store);
	if (rc == KITH_OK)
		rc = kith_report_build(store, &opts, &report);
	if (rc != KITH_OK) {
		fprintf(stderr, "due-soon: %s\n", kith_ctx_errmsg(ctx));
		goto out;
	}
	for (size_t i = 0; i < report->n_rows; i++) {
		const struct kith_report_row *row = &report->rows[i];
		char due[KITH_DATE_BUFSZ];

		printf("%-30s %-8s due %s (%s)\n", row->name, row->tier,
		       kith_date_format(row->standing.due, due),
		       kith_due_state_str(row->standing.state));
	}
	status = 0;
out:
	kith_report_free(report);
	kith_store_close(store);
	kith_ctx_free(ctx);
	return status;
}
