/* SPDX-License-Identifier: MIT */
/*
 * Option parsing: --long, --long=value, --long value, -s value, "--".
 * A command's options and the global ones may be mixed in any order
 * after the command name; positional arguments come back one by one.
 */
#include <string.h>

#include "cli.h"

enum {
	GOPT_DB = 1000,
	GOPT_CONFIG,
	GOPT_TODAY,
	GOPT_QUIET,
	GOPT_VERBOSE,
};

static const struct cli_option global_opts[] = {
	{ "db", 0, 1, GOPT_DB },
	{ "config", 0, 1, GOPT_CONFIG },
	{ "today", 0, 1, GOPT_TODAY },
	{ "quiet", 'q', 0, GOPT_QUIET },
	{ "verbose", 'v', 0, GOPT_VERBOSE },
	{ NULL, 0, 0, 0 },
};

static const struct cli_option *find_long(const struct cli_option *opts, const char *name,
					  size_t len)
{
	for (; opts && opts->name; opts++)
		if (strlen(opts->name) == len && strncmp(opts->name, name, len) == 0)
			return opts;
	return NULL;
}

static const struct cli_option *find_short(const struct cli_option *opts, int c)
{
	for (; opts && opts->name; opts++)
		if (opts->short_name && opts->short_name == c)
			return opts;
	return NULL;
}

static void apply_global(struct cli *cli, int id, const char *value)
{
	switch (id) {
	case GOPT_DB: cli->db_opt = value; break;
	case GOPT_CONFIG: cli->config_path = value; break;
	case GOPT_TODAY: cli->today_text = value; break;
	case GOPT_QUIET:
		cli->quiet = 1;
		cli->verbose = 0;
		break;
	case GOPT_VERBOSE:
		cli->verbose = 1;
		cli->quiet = 0;
		break;
	default: break;
	}
}

/*
 * Look argv[*i] up in opts.  Returns the option (and its value in
 * *value, advancing *i past what it used), NULL when it is not one of
 * opts.  *err is set when it is one of them but its value is missing
 * or unwanted.
 */
static const struct cli_option *match(const struct cli *cli, const struct cli_option *opts,
				      int argc, char **argv, int *i, const char **value, int *err)
{
	const char *a = argv[*i];
	const struct cli_option *o;
	const char *eq = NULL;

	*value = NULL;
	*err = 0;
	if (a[0] == '-' && a[1] == '-') {
		eq = strchr(a + 2, '=');
		o = find_long(opts, a + 2, eq ? (size_t)(eq - (a + 2)) : strlen(a + 2));
	} else if (a[0] == '-' && a[1] && !a[2]) {
		o = find_short(opts, (unsigned char)a[1]);
	} else {
		return NULL;
	}
	if (!o)
		return NULL;

	if (!o->has_arg) {
		if (eq) {
			cli_err(cli, "option '--%s' takes no value", o->name);
			*err = 1;
		}
		(*i)++;
		return o;
	}
	if (eq) {
		*value = eq + 1;
		(*i)++;
		return o;
	}
	if (*i + 1 >= argc) {
		if (a[1] == '-')
			cli_err(cli, "option '--%s' needs an argument", o->name);
		else
			cli_err(cli, "option '-%c' needs an argument", o->short_name);
		*err = 1;
		(*i)++;
		return o;
	}
	*value = argv[*i + 1];
	*i += 2;
	return o;
}

int cli_global_option(struct cli *cli, int argc, char **argv, int *i)
{
	const char *value;
	int err;
	const struct cli_option *o = match(cli, global_opts, argc, argv, i, &value, &err);

	if (!o)
		return 0;
	if (err)
		return -1;
	apply_global(cli, o->id, value);
	return 1;
}

void cli_opt_init(struct cli_optparser *p, struct cli *cli, const struct cli_option *opts, int argc,
		  char **argv)
{
	p->cli = cli;
	p->opts = opts;
	p->argc = argc;
	p->argv = argv;
	p->i = 1;
	p->only_pos = 0;
	p->arg = NULL;
}

int cli_opt_next(struct cli_optparser *p)
{
	const struct cli_option *o;
	const char *a, *value;
	int err;

	if (p->i >= p->argc)
		return OPT_DONE;
	a = p->argv[p->i];
	if (p->only_pos || a[0] != '-' || a[1] == '\0') {
		/* "-" alone is a positional (stdin/stdout) */
		p->arg = a;
		p->i++;
		return OPT_POSITIONAL;
	}
	if (strcmp(a, "--") == 0) {
		p->only_pos = 1;
		p->i++;
		return cli_opt_next(p);
	}
	if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
		p->i++;
		return OPT_HELP;
	}

	o = match(p->cli, p->opts, p->argc, p->argv, &p->i, &value, &err);
	if (o) {
		if (err) {
			cli_try_help(p->cli);
			return OPT_ERROR;
		}
		p->arg = value;
		return o->id;
	}
	o = match(p->cli, global_opts, p->argc, p->argv, &p->i, &value, &err);
	if (o) {
		if (err) {
			cli_try_help(p->cli);
			return OPT_ERROR;
		}
		apply_global(p->cli, o->id, value);
		return cli_opt_next(p);
	}
	cli_err(p->cli, "unknown option '%s'", a);
	cli_try_help(p->cli);
	return OPT_ERROR;
}
