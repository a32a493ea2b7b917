/* SPDX-License-Identifier: MIT */
/* kith report: who has gone quiet. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

static const char usage[] =
	"Usage: kith report [--tier T] [--all] [--format table|csv|json] [--window N]\n"
	"\n"
	"Who has gone quiet: overdue contacts first, the quietest (days since the\n"
	"last touch divided by the cadence) first, then those due within the window.\n"
	"\n"
	"Options:\n"
	"  --tier T          only tier T\n"
	"  --all             every active contact, not only the due ones\n"
	"  --format F        table (default), csv or json; csv and json hold the rows\n"
	"                    only, with the keys id, name, tier, cadence, last_touch,\n"
	"                    last_channel, days_since, due, days_overdue, state, via,\n"
	"                    email, phone\n"
	"  --window N        'due soon' means within N days (default 7)\n";

enum { O_TIER = 1, O_ALL, O_FORMAT, O_WINDOW };

static const struct cli_option opts[] = {
	{ "tier", 0, 1, O_TIER },     { "all", 0, 0, O_ALL }, { "format", 0, 1, O_FORMAT },
	{ "window", 0, 1, O_WINDOW }, { NULL, 0, 0, 0 },
};

static const char *plural(long n)
{
	return n == 1 ? "" : "s";
}

static enum out_style row_style(enum kith_due_state s)
{
	switch (s) {
	case KITH_DUE_OVERDUE: return STYLE_RED;
	case KITH_DUE_SOON: return STYLE_YELLOW;
	case KITH_DUE_PAUSED: return STYLE_DIM;
	case KITH_DUE_OK: break;
	}
	return STYLE_NONE;
}

static int print_table(struct cli *cli, const struct kith_report *r)
{
	static const char *const headers[] = { "NAME",       "TIER",    "CADENCE",
					       "LAST TOUCH", "OVERDUE", "VIA" };
	char date[KITH_DATE_BUFSZ];
	struct table *t;
	long active = 0, paused = 0;

	printf("Report as of %s\n\n", kith_date_format(r->today, date));
	for (size_t i = 0; i < r->n_tiers; i++)
		active += r->tiers[i].total;
	if (r->n_rows == 0) {
		printf("Nobody is due. (%ld active contact%s)\n", active, plural(active));
		return EXIT_OK;
	}
	t = table_new(6, headers);
	if (!t)
		goto nomem;
	for (size_t i = 0; i < r->n_rows; i++) {
		const struct kith_report_row *row = &r->rows[i];
		char cad[KITH_CADENCE_BUFSZ], over[48];
		char *last = cli_last_touch_text(&row->standing, r->today);
		const char *cells[6];
		int failed;

		if (!last)
			goto nomem_table;
		cli_overdue_text(&row->standing, over, sizeof(over));
		cells[0] = row->name;
		cells[1] = row->tier;
		cells[2] = kith_cadence_format(row->standing.cadence, cad);
		cells[3] = last;
		cells[4] = over;
		cells[5] = row->via ? row->via : "-";
		failed = table_add_row(t, row_style(row->standing.state), cells);
		free(last);
		if (failed)
			goto nomem_table;
	}
	table_print(t, stdout, 0, 0, out_use_color(stdout));
	table_free(t);

	putchar('\n');
	for (size_t i = 0; i < r->n_tiers; i++) {
		const struct kith_tier_summary *s = &r->tiers[i];

		if (s->total == 0)
			continue;
		printf("%s: %ld contact%s, %ld overdue, %ld due soon, %ld never touched", s->tier,
		       s->total, plural(s->total), s->overdue, s->due_soon, s->never);
		if (s->paused)
			printf(", %ld paused", s->paused);
		putchar('\n');
		paused += s->paused;
	}
	if (paused)
		printf("\nPaused: the reminder was deleted in a calendar app; "
		       "'kith edit CONTACT --resume' brings it back.\n");
	return EXIT_OK;
nomem_table:
	table_free(t);
nomem:
	cli_fail(cli, "out of memory");
	return EXIT_FAIL;
}

int cmd_report(struct cli *cli, int argc, char **argv)
{
	struct cli_optparser p;
	struct kith_report_options ro;
	struct kith_report *r = NULL;
	enum cli_format format = FORMAT_TABLE;
	const char *format_text = NULL, *window_text = NULL;
	enum kith_status st;
	long window = KITH_DEFAULT_WINDOW_DAYS;
	int opt, rc;

	memset(&ro, 0, sizeof(ro));
	cli_opt_init(&p, cli, opts, argc, argv);
	while ((opt = cli_opt_next(&p)) != OPT_DONE) {
		switch (opt) {
		case OPT_HELP: return cli_help(usage);
		case OPT_POSITIONAL: return cli_usage_error(cli, "unexpected argument '%s'", p.arg);
		case O_TIER: ro.tier = p.arg; break;
		case O_ALL: ro.all = 1; break;
		case O_FORMAT: format_text = p.arg; break;
		case O_WINDOW: window_text = p.arg; break;
		default: return EXIT_USAGE;
		}
	}
	if ((rc = cli_finish_globals(cli)))
		return rc;
	if (format_text && (rc = cli_parse_format(cli, format_text, FORMATS_ALL, &format)))
		return rc;
	if (window_text && (rc = cli_parse_int(cli, "--window", window_text, 1, 3650, &window)))
		return rc;
	if ((rc = cli_open_store(cli, 0)))
		return rc;
	if (ro.tier && (rc = cli_check_tier(cli, ro.tier, NULL)))
		return rc;

	ro.today = cli->today;
	ro.window_days = (int)window;
	st = kith_report_build(cli->store, &ro, &r);
	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot build the report");

	switch (format) {
	case FORMAT_TABLE: rc = print_table(cli, r); break;
	case FORMAT_CSV:
		cli_csv_report_header(stdout);
		for (size_t i = 0; i < r->n_rows; i++)
			cli_csv_report_row(stdout, &r->rows[i], r->today);
		break;
	case FORMAT_JSON: {
		struct json j;

		json_init(&j, stdout);
		json_begin_array(&j);
		for (size_t i = 0; i < r->n_rows; i++)
			cli_json_report_row(&j, &r->rows[i], r->today);
		json_end_array(&j);
		json_finish(&j);
		break;
	}
	}
	/* Who is held back belongs beside who is quiet: their reminder may be stale. */
	if (!rc && format == FORMAT_TABLE)
		rc = cli_print_held(cli, stdout, NULL, "\n");
	kith_report_free(r);
	return rc;
}
