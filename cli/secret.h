/* SPDX-License-Identifier: MIT */
/*
 * cli/secret.h - the CalDAV password: $KITH_PASSWORD, else the
 * configuration's password_command (run without a shell), else a prompt
 * on the terminal.  Never from argv; never printed.
 */
#ifndef KITH_CLI_SECRET_H
#define KITH_CLI_SECRET_H

#include "config.h"

/*
 * *out is NULL when no password is to be had (no terminal to ask on).
 * Ownership: cli_secret_free(*out) wipes and frees it.  0 or an exit code.
 */
int cli_password(struct cli *cli, const struct cli_config *cfg, const char *user, const char *url,
		 char **out);
void cli_secret_free(char *secret);

/* Username: $KITH_USERNAME, else the configuration's. Borrowed; may be NULL. */
const char *cli_username(const struct cli_config *cfg);

#endif
