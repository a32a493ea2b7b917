/* SPDX-License-Identifier: MIT */
/* kith init: create the store and the default tiers. */
#include <stdlib.h>

#include "cli.h"
#include "output.h"

static const char usage[] =
	"Usage: kith init\n"
	"\n"
	"Create the store (see --db) with the default tiers: core every 2 months,\n"
	"regular every 3 months, outer every 6 months, annual every year.\n"
	"Running it again changes nothing.\n";

static const struct cli_option opts[] = {
	{ NULL, 0, 0, 0 },
};

static int print_tiers(struct cli *cli)
{
	static const char *const headers[] = { "TIER", "CADENCE", "DESCRIPTION" };
	struct kith_tier *tiers = NULL;
	size_t n = 0;
	struct table *t;
	enum kith_status st;
	int rc = EXIT_OK;

	st = kith_store_list_tiers(cli->store, &tiers, &n);
	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot list the tiers");
	t = table_new(3, headers);
	if (!t) {
		kith_tier_list_free(tiers, n);
		cli_fail(cli, "out of memory");
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++) {
		char cad[KITH_CADENCE_BUFSZ];
		const char *cells[3];

		cells[0] = tiers[i].name;
		cells[1] = kith_cadence_describe(tiers[i].cadence, cad);
		cells[2] = tiers[i].description;
		if (table_add_row(t, STYLE_NONE, cells) != 0) {
			cli_fail(cli, "out of memory");
			rc = EXIT_FAIL;
			goto out;
		}
	}
	putchar('\n');
	table_print(t, stdout, 2, 0, out_use_color(stdout));
out:
	table_free(t);
	kith_tier_list_free(tiers, n);
	return rc;
}

int cmd_init(struct cli *cli, int argc, char **argv)
{
	enum kith_status st;
	int rc, opt, created = 0;

	struct cli_optparser p;

	cli_opt_init(&p, cli, opts, argc, argv);
	while ((opt = cli_opt_next(&p)) != OPT_DONE) {
		switch (opt) {
		case OPT_HELP: return cli_help(usage);
		case OPT_POSITIONAL: return cli_usage_error(cli, "unexpected argument '%s'", p.arg);
		default: return EXIT_USAGE;
		}
	}
	rc = cli_finish_globals(cli);
	if (rc)
		return rc;

	rc = cli_open_store(cli, 1);
	if (rc)
		return rc;
	if (kith_store_is_initialized(cli->store)) {
		if (!cli->quiet)
			printf("kith store at %s is already initialised\n", cli->db_path);
		return EXIT_OK;
	}

	rc = cli_begin(cli);
	if (rc)
		return rc;
	st = kith_store_init_defaults(cli->store, &created);
	if (st != KITH_OK) {
		rc = cli_lib_error(cli, st, "cannot create the default tiers");
		cli_rollback(cli);
		return rc == EXIT_USAGE ? EXIT_FAIL : rc;
	}
	rc = cli_commit(cli);
	if (rc)
		return rc;

	if (cli->quiet)
		return EXIT_OK;
	printf("Initialised kith store at %s\n", cli->db_path);
	return print_tiers(cli);
}
