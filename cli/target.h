/* SPDX-License-Identifier: MIT */
/*
 * cli/target.h - opening the sync target a command names, with what the
 * CLI adds for a CalDAV server: the username and password (secret.h), the
 * calendar from the configuration, logging with -v and progress on a
 * terminal.
 */
#ifndef KITH_CLI_TARGET_H
#define KITH_CLI_TARGET_H

#include "config.h"

/*
 * The password for url when it is a CalDAV server (secret.h), else NULL.
 * Asked for apart from opening the target so that a sync has it before it
 * takes the sync lock: a password_command may wait for a pinentry.
 * Ownership: cli_secret_free(*out_password).  0 or an exit code.
 */
int cli_target_password(struct cli *cli, const struct cli_config *cfg, const char *url,
			char **out_password);

/*
 * Open url (a file, vdir or CalDAV URL) with the password from
 * cli_target_password(), which the library copies: the caller may wipe
 * its own as soon as this returns.  0 or an exit code.
 */
int cli_target_for(struct cli *cli, const struct cli_config *cfg, const char *url,
		   const char *create_calendar, const char *password, struct kith_target **out);

/*
 * Open the CalDAV account as `kith sync` finds it (url: --target, else
 * $KITH_URL, else the configuration's url), for what only a server
 * answers: kith calendars, kith check, kith scan --calendars.  0 or an
 * exit code (EXIT_USAGE without a server URL).
 */
int cli_caldav_open(struct cli *cli, const struct cli_config *cfg, const char *url,
		    struct kith_target **out);

#endif
