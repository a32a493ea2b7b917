/* SPDX-License-Identifier: MIT */
/* kith archive: no more reminders for a contact; the history stays. */
#include "cli.h"

static const char usage[] =
	"Usage: kith archive CONTACT\n"
	"\n"
	"Archive a contact: no more reminders, left out of list and report\n"
	"(see 'kith list --all').  Its history is kept; 'kith edit CONTACT --resume'\n"
	"brings it back.\n";

static const struct cli_option opts[] = {
	{ NULL, 0, 0, 0 },
};

int cmd_archive(struct cli *cli, int argc, char **argv)
{
	struct cli_optparser p;
	struct kith_contact *c = NULL;
	const char *query = NULL;
	enum kith_status st;
	int opt, rc;

	cli_opt_init(&p, cli, opts, argc, argv);
	while ((opt = cli_opt_next(&p)) != OPT_DONE) {
		switch (opt) {
		case OPT_HELP: return cli_help(usage);
		case OPT_POSITIONAL:
			if (query)
				return cli_usage_error(cli, "unexpected argument '%s'", p.arg);
			query = p.arg;
			break;
		default: return EXIT_USAGE;
		}
	}
	if (!query)
		return cli_usage_error(cli, "missing CONTACT");
	if ((rc = cli_finish_globals(cli)))
		return rc;
	if ((rc = cli_open_store(cli, 0)))
		return rc;
	if ((rc = cli_begin(cli)))
		return rc;
	if ((rc = cli_resolve_contact(cli, query, &c)))
		goto out;
	if (c->archived) {
		if (!cli->quiet)
			printf("#%lld %s is already archived\n", (long long)c->id, c->name);
		goto out;
	}
	c->archived = 1;
	st = kith_store_update_contact(cli->store, c);
	if (st != KITH_OK) {
		rc = cli_lib_error(cli, st, "cannot archive the contact");
		goto out;
	}
	if ((rc = cli_commit(cli)))
		goto out;
	if (!cli->quiet)
		printf("Archived #%lld %s; its history is kept\n", (long long)c->id, c->name);
out:
	cli_rollback(cli);
	kith_contact_free(c);
	return rc;
}
