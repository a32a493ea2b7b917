/* SPDX-License-Identifier: MIT */
/*
 * cli/cli.h - what the kith commands share: the invocation state, option
 * parsing, store opening, contact resolution and error reporting.
 *
 * The CLI is built only on the public header <kith/kith.h>.  It, not the
 * library, reads the environment, prints and decides exit codes.
 */
#ifndef KITH_CLI_H
#define KITH_CLI_H

#include <stdio.h>

#include <kith/kith.h>

/* Exit codes (kith(1) EXIT STATUS). */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,  /* runtime failure: I/O, database, busy store */
	EXIT_USAGE = 2, /* bad usage or input: unknown option or contact, bad date */
};

/* The state of one invocation.  Owned by main(). */
struct cli {
	const char *cmd; /* "kith report" etc., for messages */
	struct kith_ctx *ctx;
	struct kith_store *store; /* once cli_open_store() has run */
	char *db_path;            /* resolved store path; owned */

	/* global options */
	const char *db_opt;      /* --db */
	const char *config_path; /* --config: kept for a later config file */
	const char *today_text;  /* --today as given */
	struct kith_date today;  /* --today, else the local date */
	int quiet;
	int verbose;

	int in_tx; /* a store transaction is open */
};

/* ---- option parsing (opt.c) ---- */

struct cli_option {
	const char *name; /* long name without "--" */
	int short_name;   /* 0: none */
	int has_arg;
	int id; /* > 0 */
};

/* What cli_opt_next() returns besides an option id. */
enum {
	OPT_DONE = 0,        /* no more arguments */
	OPT_POSITIONAL = -1, /* p->arg is a positional argument */
	OPT_ERROR = -2,      /* reported on stderr: exit EXIT_USAGE */
	OPT_HELP = -3,       /* -h/--help: print the usage, exit 0 */
};

struct cli_optparser {
	struct cli *cli;
	const struct cli_option *opts; /* terminated by a { NULL } entry */
	int argc;
	char **argv;
	int i;           /* next argv index */
	int only_pos;    /* after "--" */
	const char *arg; /* the value of the last option or positional */
};

/*
 * Parse argv[1..argc) (argv[0] is the command name).  Global options
 * (--db, --config, --today, -q, -v) are accepted among a command's own
 * and applied to p->cli.
 */
void cli_opt_init(struct cli_optparser *p, struct cli *cli, const struct cli_option *opts, int argc,
		  char **argv);
int cli_opt_next(struct cli_optparser *p);

/* Handles a global option at argv[*i] for main(); 1 if it was one, -1 on error. */
int cli_global_option(struct cli *cli, int argc, char **argv, int *i);

/* ---- shared helpers (util.c) ---- */

void cli_err(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "kith: ..." for runtime failures. */
void cli_fail(const struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "Try 'kith CMD --help'." */
void cli_try_help(const struct cli *cli);
/* Unexpected or missing positional arguments: always EXIT_USAGE. */
int cli_usage_error(const struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Report a failed library call: "kith: WHAT: DETAIL" plus a hint, and
 * return the exit code for that status.
 */
int cli_lib_error(struct cli *cli, enum kith_status st, const char *what);
int cli_exit_code(enum kith_status st);

/* Apply --today (after all options are parsed).  0 or EXIT_USAGE. */
int cli_finish_globals(struct cli *cli);

/* Parse a date option value ("YYYY-MM-DD", "today", "yesterday"). */
int cli_parse_date(struct cli *cli, const char *text, struct kith_date *out);
int cli_parse_cadence(struct cli *cli, const char *text, struct kith_cadence *out);
/* A --since value: a date, or a duration back from cli->today.  0 or EXIT_USAGE. */
int cli_parse_since(struct cli *cli, const char *text, struct kith_date *out);
/* A whole number in [min, max]. */
int cli_parse_int(struct cli *cli, const char *opt, const char *text, long min, long max,
		  long *out);

enum cli_format { FORMAT_TABLE = 0, FORMAT_CSV, FORMAT_JSON };
#define FORMATS_ALL ((1u << FORMAT_TABLE) | (1u << FORMAT_CSV) | (1u << FORMAT_JSON))
#define FORMATS_TABLE_JSON ((1u << FORMAT_TABLE) | (1u << FORMAT_JSON))
/* allowed: bit mask of 1 << FORMAT_* */
int cli_parse_format(struct cli *cli, const char *text, unsigned allowed, enum cli_format *out);

/*
 * Open the store.  create: for `init`.  Otherwise a missing file or an
 * uninitialised store is "no store at PATH" (exit 1) and nothing is created.
 */
int cli_open_store(struct cli *cli, int create);
void cli_close_store(struct cli *cli);

/* One transaction per command.  Both return 0 or an exit code. */
int cli_begin(struct cli *cli);
int cli_commit(struct cli *cli);
void cli_rollback(struct cli *cli);

/* CONTACT as typed: an id, an email or a part of a name.  0 or an exit code. */
int cli_resolve_contact(struct cli *cli, const char *query, struct kith_contact **out);
/*
 * Contact id as the store now has it, after a write whose rules the
 * store applies (a touch clears an import's first_due, a snooze moves
 * snoozed_until): what is printed next is what `kith show` will say.  Ownership:
 * kith_contact_free(*out).  0 or an exit code.
 */
int cli_reread_contact(struct cli *cli, int64_t id, struct kith_contact **out);

/* Tier must exist; an unknown one is EXIT_USAGE and lists the tiers. */
int cli_check_tier(struct cli *cli, const char *name, struct kith_tier **out);
/* "unknown tier 'x'" and the tiers there are; returns EXIT_USAGE. */
int cli_unknown_tier(struct cli *cli, const char *name, int suggest_create);

/* The contact's effective cadence (its override, else its tier's). */
int cli_effective_cadence(struct cli *cli, const struct kith_contact *c, struct kith_cadence *out,
			  int *out_is_override);

/* "3 months ago", "today": deterministic age phrasing. */
void cli_format_age(long days, char *buf, size_t size);
/*
 * "#12 Anna Berg (core, every 2 months; next due 2026-04-20)", computed
 * as of cli->today.  Ownership: free(*out).  0 or an exit code.
 */
int cli_contact_summary(struct cli *cli, const struct kith_contact *c, char **out);

/*
 * Report rows as report and review print them.
 * "2026-02-20 email (3 months ago)" or "never".  Ownership: free(); NULL: no memory.
 */
char *cli_last_touch_text(const struct kith_standing *s, struct kith_date today);
/* "12 days", "due today", "due in 3 days", "paused" or "-". */
void cli_overdue_text(const struct kith_standing *s, char *buf, size_t size);
/* Days since the last touch, or -1 for never. */
long cli_days_since(const struct kith_standing *s, struct kith_date today);

struct json;
/* One report row as a JSON object with the documented keys. */
void cli_json_report_row(struct json *j, const struct kith_report_row *r, struct kith_date today);
/* The CSV header and one row with the same keys. */
void cli_csv_report_header(FILE *f);
void cli_csv_report_row(FILE *f, const struct kith_report_row *r, struct kith_date today);

/*
 * The reminders the sync holds back (on target_url, or on every target),
 * with why and what to do, to f, after lead; nothing when there are none.  0 or an
 * exit code.
 */
int cli_print_held(struct cli *cli, FILE *f, const char *target_url, const char *lead);
/* Opens the store when there is one (for what a command adds from it); 0 also without. */
int cli_open_store_if_any(struct cli *cli);

/*
 * The line that adds a candidate, quoted for a POSIX shell so it can be
 * pasted whatever the name holds: kith add "Eve Stone" --email eve@x.org.
 * A candidate without a name is named by its address.  Ownership:
 * free(); NULL: no memory.
 */
char *cli_add_line(const char *name, const char *address);
/* One candidate as a JSON object (kith candidates and kith review agree). */
void cli_json_candidate(struct json *j, const struct kith_candidate *c, const char *add_line);

/* Print a command's usage to stdout; returns EXIT_OK. */
int cli_help(const char *usage);

/* strdup that reports failure as EXIT_FAIL via cli_fail; NULL in, NULL out. */
int cli_strdup(struct cli *cli, const char *s, char **out);

/* ---- commands (cmd-*.c): argv[0] is the command name ---- */

int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_add(struct cli *cli, int argc, char **argv);
int cmd_edit(struct cli *cli, int argc, char **argv);
int cmd_archive(struct cli *cli, int argc, char **argv);
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_touch(struct cli *cli, int argc, char **argv);
int cmd_snooze(struct cli *cli, int argc, char **argv);
int cmd_tier(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);
int cmd_review(struct cli *cli, int argc, char **argv);
int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_scan(struct cli *cli, int argc, char **argv);
int cmd_candidates(struct cli *cli, int argc, char **argv);
int cmd_sync(struct cli *cli, int argc, char **argv);
int cmd_calendars(struct cli *cli, int argc, char **argv);
int cmd_check(struct cli *cli, int argc, char **argv);

#endif
