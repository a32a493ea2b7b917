/* SPDX-License-Identifier: MIT */
/*
 * cli/config.h - the configuration file (INI): where reminders go and how
 * they look.  Read by the CLI; the library only ever gets the values.
 *
 *   [sync]
 *   url = ~/calendars/kith.ics       # a .ics file, a vdir/ or file:// URL
 *   password_command = pass show dav  # run without a shell
 *   password_timeout = 30             # seconds before it is stopped
 *   [reminders]
 *   window = 7                        # days a reminder shows as open before due
 *   mode = rrule                      # rrule | plain
 *   alarm = 09:00                     # or "none"
 *   timezone = Europe/Berlin          # default: the system's
 */
#ifndef KITH_CLI_CONFIG_H
#define KITH_CLI_CONFIG_H

#include "cli.h"

struct cli_config {
	char *path; /* the file read; NULL: none */
	char *url;
	char *username;
	char *calendar;
	char *password_command;
	int password_timeout; /* seconds for password_command; 0: the default */
	char *timezone;
	int window_days; /* 0: default */
	int plain;
	int alarm;
	int alarm_minutes;
};

/*
 * Read --config PATH, else $XDG_CONFIG_HOME/kith/config, else
 * ~/.config/kith/config.  A missing default file is an empty config; a
 * missing --config file or a bad line is an error (exit code returned).
 */
int cli_config_load(struct cli *cli, struct cli_config *out);
void cli_config_clear(struct cli_config *cfg);

#endif
