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
 * Open url (a file, vdir or CalDAV URL).  *out_password is the password
 * asked for, if any: the caller keeps it until the target is freed, then
 * cli_secret_free()s it.  0 or an exit code.
 */
int cli_target_for(struct cli *cli, const struct cli_config *cfg, const char *url,
		   const char *create_calendar, char **out_password, struct kith_target **out);

#endif
