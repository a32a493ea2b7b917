/* SPDX-License-Identifier: MIT */
/* kith snooze: put a contact's next reminder off. */
#include <string.h>

#include "cli.h"

static const char usage[] = "Usage: kith snooze CONTACT (--until DATE | --for CADENCE)\n"
			    "\n"
			    "Put the contact's next reminder off until a day after today.\n"
			    "\n"
			    "Options:\n"
			    "  --until DATE     the new due date (YYYY-MM-DD), after today\n"
			    "  --for CADENCE    that long from today (" KITH_CADENCE_FORMS ")\n";

enum { O_UNTIL = 1, O_FOR };

static const struct cli_option opts[] = {
	{ "until", 0, 1, O_UNTIL },
	{ "for", 0, 1, O_FOR },
	{ NULL, 0, 0, 0 },
};

int cmd_snooze(struct cli *cli, int argc, char **argv)
{
	struct cli_optparser p;
	struct kith_contact *c = NULL, *now = NULL;
	struct kith_standing s;
	struct kith_date until;
	struct kith_cadence cad;
	const char *query = NULL, *until_text = NULL, *for_text = NULL;
	char d1[KITH_DATE_BUFSZ], d2[KITH_DATE_BUFSZ];
	enum kith_status st;
	int opt, rc, have_standing = 0;

	memset(&s, 0, sizeof(s));
	cli_opt_init(&p, cli, opts, argc, argv);
	while ((opt = cli_opt_next(&p)) != OPT_DONE) {
		switch (opt) {
		case OPT_HELP: return cli_help(usage);
		case OPT_POSITIONAL:
			if (query)
				return cli_usage_error(cli, "unexpected argument '%s'", p.arg);
			query = p.arg;
			break;
		case O_UNTIL: until_text = p.arg; break;
		case O_FOR: for_text = p.arg; break;
		default: return EXIT_USAGE;
		}
	}
	if (!query)
		return cli_usage_error(cli, "missing CONTACT");
	if (!until_text == !for_text)
		return cli_usage_error(cli, "give exactly one of --until DATE and --for CADENCE");
	if ((rc = cli_finish_globals(cli)))
		return rc;
	if (until_text) {
		if ((rc = cli_parse_date(cli, until_text, &until)))
			return rc;
	} else {
		if ((rc = cli_parse_cadence(cli, for_text, &cad)))
			return rc;
		until = kith_cadence_add(cad, cli->today);
	}
	if (kith_date_cmp(until, cli->today) <= 0) {
		cli_err(cli, "--until %s is not after today (%s)", kith_date_format(until, d1),
			kith_date_format(cli->today, d2));
		return EXIT_USAGE;
	}
	if ((rc = cli_open_store(cli, 0)))
		return rc;
	if ((rc = cli_begin(cli)))
		return rc;
	if ((rc = cli_resolve_contact(cli, query, &c)))
		goto out;
	st = kith_store_snooze(cli->store, c->id, until);
	if (st != KITH_OK) {
		rc = cli_lib_error(cli, st, "cannot snooze the contact");
		goto out;
	}
	if ((rc = cli_reread_contact(cli, c->id, &now)))
		goto out;
	st = kith_store_standing(cli->store, now, cli->today, KITH_DEFAULT_WINDOW_DAYS, &s);
	if (st != KITH_OK) {
		rc = cli_lib_error(cli, st, "cannot compute when the contact is due");
		goto out;
	}
	have_standing = 1;
	if ((rc = cli_commit(cli)))
		goto out;
	if (!cli->quiet)
		printf("Snoozed %s until %s; next due %s\n", c->name, kith_date_format(until, d1),
		       kith_date_format(s.due, d2));
out:
	cli_rollback(cli);
	if (have_standing)
		kith_standing_clear(&s);
	kith_contact_free(now);
	kith_contact_free(c);
	return rc;
}
