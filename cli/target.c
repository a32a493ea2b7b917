/* SPDX-License-Identifier: MIT */
#include <stdio.h>
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

int cli_target_for(struct cli *cli, const struct cli_config *cfg, const char *url,
		   const char *create_calendar, char **out_password, struct kith_target **out)
{
	struct kith_target_options o;
	enum kith_status st;
	int rc, remote = !strncmp(url, "http://", 7) || !strncmp(url, "https://", 8);

	memset(&o, 0, sizeof(o));
	*out_password = NULL;
	if (remote) {
		o.username = cli_username(cfg);
		rc = cli_password(cli, cfg, o.username, url, out_password);
		if (rc)
			return rc;
		o.password = *out_password;
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
