/* SPDX-License-Identifier: MIT */
/*
 * kith - keep a professional network alive.
 *
 * main() parses the global options, finds the command in the table below
 * and runs it.  Each command lives in cmd-<verb>.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd-import.h"
#include "output.h"

struct command {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "init", cmd_init, "create the store and the default tiers" },
	{ "add", cmd_add, "add a contact" },
	{ "edit", cmd_edit, "change a contact (or resume a paused or archived one)" },
	{ "archive", cmd_archive, "stop reminding about a contact; its history is kept" },
	{ "list", cmd_list, "list contacts" },
	{ "show", cmd_show, "show a contact: details, next due, history" },
	{ "touch", cmd_touch, "log a touch: an email, a call, a lunch..." },
	{ "snooze", cmd_snooze, "put a contact's next reminder off" },
	{ "tier", cmd_tier, "list, set or remove tiers and their cadences" },
	{ "report", cmd_report, "who has gone quiet: overdue and due soon" },
	{ "review", cmd_review, "the weekly review" },
	{ "export", cmd_export, "write reminders as iCalendar, or everything as JSON" },
	{ "import", cmd_import, "import an address book: vCard or Outlook/Google CSV" },
	{ "scan", cmd_scan, "log the touches found in mail archives (Maildir, mbox)" },
	{ "candidates", cmd_candidates, "the people you mailed who are not contacts yet" },
	{ "sync", cmd_sync, "two-way sync of the reminders with a calendar" },
	{ "calendars", cmd_calendars, "the calendars on the CalDAV server" },
	{ "check", cmd_check, "what the CalDAV server supports" },
};

static const char usage_text[] =
	"Usage: kith [GLOBAL OPTIONS] COMMAND [ARGS]\n"
	"\n"
	"Keep a professional network alive: every contact has a cadence, every\n"
	"cadence a reminder, and 'kith report' shows who has gone quiet.\n"
	"\n"
	"Commands:\n";

static const char global_text[] =
	"\n"
	"Global options (before or after the command):\n"
	"  --db PATH       the store (default: $KITH_DB, else\n"
	"                  $XDG_DATA_HOME/kith/kith.db, else ~/.local/share/kith/kith.db)\n"
	"  --config PATH   the configuration file\n"
	"  --today DATE    evaluate everything as of DATE (YYYY-MM-DD)\n"
	"  -q, --quiet     print only what was asked for\n"
	"  -v, --verbose   say which store is used\n"
	"  -h, --help      show help; 'kith help COMMAND' for one command\n"
	"  --version       print the version\n"
	"\n"
	"CONTACT is an id, an email or an unambiguous part of a name.\n"
	"Exit status: 0 ok, 1 failure, 2 bad usage or input.  See kith(1).\n";

static void print_help(FILE *f)
{
	fputs(usage_text, f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "  %-9s %s\n", "help", "show the help of a command");
	fputs(global_text, f);
}

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int unknown_command(const char *name)
{
	fprintf(stderr, "kith: '%s' is not a kith command. See 'kith --help'.\n", name);
	return EXIT_USAGE;
}

static int run_command(struct cli *cli, const struct command *cmd, int argc, char **argv)
{
	char *label = out_printf("kith %s", cmd->name);
	int rc;

	if (!label) {
		cli_fail(cli, "out of memory");
		return EXIT_FAIL;
	}
	cli->cmd = label;
	rc = cmd->run(cli, argc, argv);
	cli_close_store(cli);
	cli->cmd = "kith";
	free(label);
	return rc;
}

/* kith help [COMMAND] */
static int help(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd;
	char help_opt[] = "--help";
	char *args[3];

	if (argc < 2) {
		print_help(stdout);
		return EXIT_OK;
	}
	if (argc > 2) {
		fputs("kith help: too many arguments\nUsage: kith help [COMMAND]\n", stderr);
		return EXIT_USAGE;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return unknown_command(argv[1]);
	args[0] = argv[1];
	args[1] = help_opt;
	args[2] = NULL;
	return run_command(cli, cmd, 2, args);
}

static int run(struct cli *cli, int argc, char **argv)
{
	const struct command *cmd;
	int i = 1;

	while (i < argc && argv[i][0] == '-' && argv[i][1]) {
		int r;

		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			print_help(stdout);
			return EXIT_OK;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("kith %s\n", kith_version());
			return EXIT_OK;
		}
		r = cli_global_option(cli, argc, argv, &i);
		if (r < 0) {
			cli_try_help(cli);
			return EXIT_USAGE;
		}
		if (r == 0) {
			cli_err(cli, "unknown option '%s'", argv[i]);
			cli_try_help(cli);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		print_help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[i], "help") == 0)
		return help(cli, argc - i, argv + i);
	cmd = find_command(argv[i]);
	if (!cmd)
		return unknown_command(argv[i]);
	return run_command(cli, cmd, argc - i, argv + i);
}

int main(int argc, char **argv)
{
	struct cli cli;
	int rc;

	memset(&cli, 0, sizeof(cli));
	cli.cmd = "kith";
	if (kith_ctx_new(&cli.ctx) != KITH_OK) {
		fputs("kith: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	cli.today = kith_date_today();

	rc = run(&cli, argc, argv);

	cli_close_store(&cli);
	free(cli.db_path);
	kith_ctx_free(cli.ctx);

	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "kith: cannot write the output: %s\n", strerror(errno));
		if (rc == EXIT_OK)
			rc = EXIT_FAIL;
	}
	return rc;
}
