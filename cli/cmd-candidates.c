/* SPDX-License-Identifier: MIT */
/* kith candidates: the people kith scan found who are not contacts. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "output.h"

static const char usage[] =
	"Usage: kith candidates [--since WHEN] [--min N] [--format table|csv|json]\n"
	"\n"
	"The people you mailed or met (found by kith scan) who are not contacts,\n"
	"most exchanges first.  Your own addresses ([me] email) and bulk senders\n"
	"never appear.  Add one with the 'kith add' line of 'kith review' or\n"
	"--format json: what scan found of them becomes their touches.\n"
	"\n"
	"Options:\n"
	"  --since WHEN   only those last seen since WHEN: a date or a duration\n"
	"                 back (2y, 6m, 90d)\n"
	"  --min N        only those with at least N mails and meetings\n"
	"  --format F     table (default), csv or json\n";

enum { O_SINCE = 1, O_MIN, O_FORMAT };

static const struct cli_option opts[] = {
	{ "since", 0, 1, O_SINCE },
	{ "min", 0, 1, O_MIN },
	{ "format", 0, 1, O_FORMAT },
	{ NULL, 0, 0, 0 },
};

static const char *const headers[] = {
	"NAME", "ADDRESS", "FIRST", "LAST", "IN", "OUT", "MEETINGS"
};
static const char *const keys[] = { "name",     "address",   "first",   "last",
				    "mails_in", "mails_out", "meetings" };
#define NCOLS (sizeof(headers) / sizeof(headers[0]))

/* One candidate's columns, as the table and CSV print them (a NULL name stays NULL). */
struct cells {
	char first[KITH_DATE_BUFSZ], last[KITH_DATE_BUFSZ], in[24], out[24], met[24];
	const char *v[NCOLS];
};

static void fill(struct cells *cl, const struct kith_candidate *c)
{
	snprintf(cl->in, sizeof(cl->in), "%ld", c->mails_in);
	snprintf(cl->out, sizeof(cl->out), "%ld", c->mails_out);
	snprintf(cl->met, sizeof(cl->met), "%ld", c->meetings);
	cl->v[0] = c->name;
	cl->v[1] = c->address;
	cl->v[2] = kith_date_format(c->first, cl->first);
	cl->v[3] = kith_date_format(c->last, cl->last);
	cl->v[4] = cl->in;
	cl->v[5] = cl->out;
	cl->v[6] = cl->met;
}

static int print_table(struct cli *cli, const struct kith_candidate *c, size_t n)
{
	struct table *t = table_new(NCOLS, headers);

	if (!t)
		goto nomem;
	for (size_t k = 4; k < NCOLS; k++)
		table_align_right(t, k);
	for (size_t i = 0; i < n; i++) {
		struct cells cl;

		fill(&cl, &c[i]);
		if (!cl.v[0])
			cl.v[0] = "-";
		if (table_add_row(t, STYLE_NONE, cl.v))
			goto nomem;
	}
	if (n == 0)
		puts("No candidates: 'kith scan' finds the people you mail who are not contacts.");
	else
		table_print(t, stdout, 0, 0, out_use_color(stdout));
	table_free(t);
	return EXIT_OK;
nomem:
	table_free(t);
	cli_fail(cli, "out of memory");
	return EXIT_FAIL;
}

static void print_csv(const struct kith_candidate *c, size_t n)
{
	csv_row(stdout, keys, NCOLS);
	for (size_t i = 0; i < n; i++) {
		struct cells cl;

		fill(&cl, &c[i]);
		csv_row(stdout, cl.v, NCOLS);
	}
}

static int print_json(struct cli *cli, const struct kith_candidate *c, size_t n)
{
	struct json j;

	json_init(&j, stdout);
	json_begin_array(&j);
	for (size_t i = 0; i < n; i++) {
		char *add = cli_add_line(c[i].name, c[i].address);

		if (!add) {
			cli_fail(cli, "out of memory");
			return EXIT_FAIL;
		}
		cli_json_candidate(&j, &c[i], add);
		free(add);
	}
	json_end_array(&j);
	json_finish(&j);
	return EXIT_OK;
}

int cmd_candidates(struct cli *cli, int argc, char **argv)
{
	struct cli_optparser p;
	struct cli_config cfg;
	struct kith_candidate_filter f;
	struct kith_candidate *list = NULL;
	enum cli_format format = FORMAT_TABLE;
	const char *since = NULL, *min = NULL, *format_text = NULL;
	size_t n = 0;
	enum kith_status st;
	long min_n = 0;
	int opt, rc;

	memset(&cfg, 0, sizeof(cfg));
	memset(&f, 0, sizeof(f));
	cli_opt_init(&p, cli, opts, argc, argv);
	while ((opt = cli_opt_next(&p)) != OPT_DONE) {
		switch (opt) {
		case OPT_HELP: return cli_help(usage);
		case OPT_POSITIONAL: return cli_usage_error(cli, "unexpected argument '%s'", p.arg);
		case O_SINCE: since = p.arg; break;
		case O_MIN: min = p.arg; break;
		case O_FORMAT: format_text = p.arg; break;
		default: return EXIT_USAGE;
		}
	}
	if ((rc = cli_finish_globals(cli)))
		return rc;
	if (format_text && (rc = cli_parse_format(cli, format_text, FORMATS_ALL, &format)))
		return rc;
	if (since && (rc = cli_parse_since(cli, since, &f.since)))
		return rc;
	if (min && (rc = cli_parse_int(cli, "--min", min, 1, 1000000000L, &min_n)))
		return rc;
	f.min = min_n;
	if ((rc = cli_config_load(cli, &cfg)))
		return rc;
	/* Addresses added to [me] after a scan found them are the user's all the same. */
	f.exclude = (const char *const *)cfg.me.items;
	f.n_exclude = cfg.me.n;
	if ((rc = cli_open_store(cli, 0)))
		goto out;
	st = kith_store_list_candidates(cli->store, &f, &list, &n);
	if (st != KITH_OK) {
		rc = cli_lib_error(cli, st, "cannot list the candidates");
		goto out;
	}
	if (format == FORMAT_JSON)
		rc = print_json(cli, list, n);
	else if (format == FORMAT_CSV)
		print_csv(list, n);
	else
		rc = print_table(cli, list, n);
out:
	kith_candidate_list_free(list, n);
	cli_config_clear(&cfg);
	return rc;
}
