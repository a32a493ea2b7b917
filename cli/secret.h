/* SPDX-License-Identifier: MIT */
/*
 * cli/secret.h - the CalDAV password: $KITH_PASSWORD, else the
 * configuration's password_command (run without a shell), else a prompt
 * on the terminal.  Never from argv; never printed.
 */
#ifndef KITH_CLI_SECRET_H
#define KITH_CLI_SECRET_H

#include "config.h"

/* Seconds a password_command may take before it is stopped ([sync] password_timeout). */
#define CLI_PASSWORD_TIMEOUT 30

/*
 * *out is NULL only when there is no user name: the server is asked
 * without credentials.  An empty password is an error, never sent; so is
 * a user name with no password source and no terminal to ask on.  From
 * here on the process is undumpable (see secret.c).
 * Ownership: cli_secret_free(*out) wipes and frees it.  0 or an exit code.
 */
int cli_password(struct cli *cli, const struct cli_config *cfg, const char *user, const char *url,
		 char **out);
void cli_secret_free(char *secret);

/* Username: $KITH_USERNAME, else the configuration's. Borrowed; may be NULL. */
const char *cli_username(const struct cli_config *cfg);

#endif
