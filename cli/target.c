/* SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "secret.h"
#include "target.h"

static void log_line(const char *line, void *arg)
{
	(void)arg;
	fprintf(stderr, "kith: %s\n", line);
}

static int is_remote(const char *url)
{
	return !strncmp(url, "http://", 7) || !strncmp(url, "https://", 8);
}

int cli_target_password(struct cli *cli, const struct cli_config *cfg, const char *url,
			char **out_password)
{
	*out_password = NULL;
	if (!is_remote(url))
		return EXIT_OK;
	return cli_password(cli, cfg, cli_username(cfg), url, out_password);
}

int cli_target_for(struct cli *cli, const struct cli_config *cfg, const char *url,
		   const char *create_calendar, const char *password, struct kith_target **out)
{
	struct kith_target_options o;
	enum kith_status st;

	memset(&o, 0, sizeof(o));
	if (is_remote(url)) {
		o.username = cli_username(cfg);
		o.password = password;
		o.calendar = cfg->calendar;
		o.create_calendar = create_calendar;
		if (cli->verbose) {
			o.log = log_line;
			o.log_arg = cli;
		}
		if (!cli->quiet && isatty(STDERR_FILENO)) {
			o.progress = cli_progress;
			o.progress_arg = cli;
		}
	} else if (create_calendar) {
		cli_err(cli, "--create-calendar needs a CalDAV server URL, not %s", url);
		return EXIT_USAGE;
	}
	st = kith_target_open_with(cli->ctx, url, &o, out);
	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot open the sync target");
	return EXIT_OK;
}

int cli_caldav_open(struct cli *cli, const struct cli_config *cfg, const char *url,
		    struct kith_target **out)
{
	const char *env;
	char *password;
	int rc;

	if (!url && (env = getenv("KITH_URL")) && *env)
		url = env;
	if (!url)
		url = cfg->url;
	if (!url || !is_remote(url)) {
		cli_err(cli, "no CalDAV server: give --target https://..., or set KITH_URL or "
			     "'url' in the configuration");
		return EXIT_USAGE;
	}
	if ((rc = cli_target_password(cli, cfg, url, &password)))
		return rc;
	rc = cli_target_for(cli, cfg, url, NULL, password, out);
	cli_secret_free(password);
	return rc;
}
