/* SPDX-License-Identifier: MIT */
/*
 * kith calendars: the calendars on the CalDAV server.
 * kith check: what the server supports.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "target.h"

static const char calendars_usage[] =
	"Usage: kith calendars [--target URL]\n"
	"\n"
	"List the calendars of the CalDAV account (the target, as for 'kith sync'):\n"
	"name, URL, and whether it takes tasks (VTODO).  Set 'calendar' in the\n"
	"configuration to pick one.\n";

static const char check_usage[] =
	"Usage: kith check [--target URL]\n"
	"\n"
	"Connect to the CalDAV server and report what it supports: incremental\n"
	"sync (sync-collection), MKCALENDAR, ETags on PUT, recurring tasks (RRULE in\n"
	"VTODO).  Writes one throwaway task to the calendar and removes it.\n";

enum { O_TARGET = 1 };

static const struct cli_option opts[] = {
	{ "target", 0, 1, O_TARGET },
	{ NULL, 0, 0, 0 },
};

/* The CalDAV URL as for sync: --target, $KITH_URL, the configuration. */
static int open_server(struct cli *cli, int argc, char **argv, const char *usage,
		       struct cli_config *cfg, struct kith_target **out)
{
	struct cli_optparser p;
	const char *url = NULL;
	int opt, rc;

	cli_opt_init(&p, cli, opts, argc, argv);
	while ((opt = cli_opt_next(&p)) != OPT_DONE) {
		switch (opt) {
		case OPT_HELP: cli_help(usage); return -1;
		case OPT_POSITIONAL: return cli_usage_error(cli, "unexpected argument '%s'", p.arg);
		case O_TARGET: url = p.arg; break;
		default: return EXIT_USAGE;
		}
	}
	if ((rc = cli_finish_globals(cli)) || (rc = cli_config_load(cli, cfg)))
		return rc;
	return cli_caldav_open(cli, cfg, url, out);
}

int cmd_calendars(struct cli *cli, int argc, char **argv)
{
	struct cli_config cfg;
	struct kith_target *t = NULL;
	struct kith_calendar *list = NULL;
	size_t n = 0;
	enum kith_status st;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	rc = open_server(cli, argc, argv, calendars_usage, &cfg, &t);
	if (rc)
		goto out;
	st = kith_target_calendars(t, &list, &n);
	if (st != KITH_OK) {
		cli_fail(cli, "cannot list the calendars: %s", kith_ctx_errmsg(cli->ctx));
		rc = EXIT_FAIL;
		goto out;
	}
	if (!n && !cli->quiet)
		printf("No calendars yet; 'kith sync' creates one named \"kith\".\n");
	for (size_t i = 0; i < n; i++)
		printf("%-24s %-5s %s\n", list[i].name ? list[i].name : "(no name)",
		       list[i].vtodo ? "tasks" : "-", list[i].url);
out:
	if (rc < 0)
		rc = EXIT_OK;
	kith_calendar_list_free(list, n);
	kith_target_free(t);
	cli_config_clear(&cfg);
	return rc;
}

static const char *yes(int v)
{
	return v ? "yes" : "no";
}

int cmd_check(struct cli *cli, int argc, char **argv)
{
	struct cli_config cfg;
	struct kith_target *t = NULL;
	struct kith_server_check chk;
	enum kith_status st;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	memset(&chk, 0, sizeof(chk));
	rc = open_server(cli, argc, argv, check_usage, &cfg, &t);
	if (rc)
		goto out;
	st = kith_target_check(t, &chk);
	if (st != KITH_OK) {
		cli_fail(cli, "check of %s failed: %s", kith_target_url(t),
			 kith_ctx_errmsg(cli->ctx));
		rc = EXIT_FAIL;
		goto out;
	}
	printf("Server:            %s\n", kith_target_url(t));
	printf("Calendar:          %s\n", chk.calendar);
	if (chk.discovery)
		printf("Discovery:         %s\n", chk.discovery);
	printf("sync-collection:   %s%s\n", yes(chk.sync_collection),
	       chk.sync_collection ? "" : " (kith compares ETags instead)");
	printf("MKCALENDAR:        %s\n", yes(chk.mkcalendar));
	printf("ETags on PUT:      %s%s\n", yes(chk.etag_on_put),
	       chk.etag_on_put ? "" : " (kith reads each write back)");
	printf("RRULE in VTODO:    %s%s\n", yes(chk.rrule_in_vtodo),
	       chk.rrule_in_vtodo ? "" : " (set 'mode = plain' in the configuration)");
	printf("Requests:          %ld\n", chk.requests);
	/* What the last sync of this calendar held back, if there is a store to ask. */
	if (cli_open_store_if_any(cli) == EXIT_OK && cli->store) {
		rc = cli_print_held(cli, stdout, kith_target_url(t), "");
		if (rc)
			goto out;
	}
out:
	if (rc < 0)
		rc = EXIT_OK;
	kith_server_check_clear(&chk);
	kith_target_free(t);
	cli_config_clear(&cfg);
	return rc;
}
