/* SPDX-License-Identifier: MIT */
/* kith touch: log that you were in touch with someone. */
#include <string.h>

#include "cli.h"

static const char usage[] =
	"Usage: kith touch CONTACT [--via CHANNEL] [--on DATE] [--note TEXT] [--inbound]\n"
	"\n"
	"Log a touch: any channel counts, and the next reminder falls one full\n"
	"cadence after it.\n"
	"\n"
	"Options:\n"
	"  --via CHANNEL   " KITH_CHANNELS ", or any word\n"
	"                  (default: the contact's preferred channel)\n"
	"  --on DATE       when (YYYY-MM-DD, today, yesterday; default: today)\n"
	"  --note TEXT     what it was about\n"
	"  --inbound       they got in touch with you\n";

enum { O_VIA = 1, O_ON, O_NOTE, O_INBOUND };

static const struct cli_option opts[] = {
	{ "via", 0, 1, O_VIA },         { "on", 0, 1, O_ON }, { "note", 0, 1, O_NOTE },
	{ "inbound", 0, 0, O_INBOUND }, { NULL, 0, 0, 0 },
};

int cmd_touch(struct cli *cli, int argc, char **argv)
{
	struct cli_optparser p;
	struct kith_contact *c = NULL, *now = NULL;
	struct kith_touch touch;
	struct kith_standing s;
	const char *query = NULL, *via = NULL, *on = NULL, *note = NULL;
	char d1[KITH_DATE_BUFSZ], d2[KITH_DATE_BUFSZ];
	enum kith_status st;
	int opt, rc, inbound = 0, have_standing = 0;

	memset(&touch, 0, sizeof(touch));
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
		case O_VIA: via = p.arg; break;
		case O_ON: on = p.arg; break;
		case O_NOTE: note = p.arg; break;
		case O_INBOUND: inbound = 1; break;
		default: return EXIT_USAGE;
		}
	}
	if (!query)
		return cli_usage_error(cli, "missing CONTACT");
	if ((rc = cli_finish_globals(cli)))
		return rc;
	touch.on = cli->today;
	if (on) {
		if ((rc = cli_parse_date(cli, on, &touch.on)))
			return rc;
		if (kith_date_cmp(touch.on, cli->today) > 0) {
			cli_err(cli, "--on %s is in the future (today is %s)",
				kith_date_format(touch.on, d1), kith_date_format(cli->today, d2));
			return EXIT_USAGE;
		}
	}
	if ((rc = cli_open_store(cli, 0)))
		return rc;
	if ((rc = cli_begin(cli)))
		return rc;
	if ((rc = cli_resolve_contact(cli, query, &c)))
		goto out;

	touch.contact_id = c->id;
	touch.channel = (char *)(via && *via ? via : c->via);
	touch.direction = inbound ? KITH_INBOUND : KITH_OUTBOUND;
	touch.note = (char *)(note && *note ? note : NULL);
	touch.source = KITH_SOURCE_MANUAL;
	st = kith_store_add_touch(cli->store, &touch);
	if (st != KITH_OK) {
		rc = cli_lib_error(cli, st, "cannot log the touch");
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
	if (!cli->quiet) {
		printf("Logged %s%s with %s on %s; next due %s\n",
		       touch.channel ? touch.channel : "a touch", inbound ? " (inbound)" : "",
		       c->name, kith_date_format(touch.on, d1), kith_date_format(s.due, d2));
		if (c->archived)
			printf("Note: #%lld %s is archived; 'kith edit %lld --resume' brings it back\n",
			       (long long)c->id, c->name, (long long)c->id);
	}
out:
	cli_rollback(cli);
	if (have_standing)
		kith_standing_clear(&s);
	kith_contact_free(now);
	kith_contact_free(c);
	return rc;
}
