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
 *   [scan]
 *   maildir = ~/Mail                  # more than once, or comma-separated
 *   mbox = ~/takeout/All mail.mbox
 *   ics = ~/calendar/work.ics        # Outlook or Google Calendar exports
 *   inbound_resets = yes              # no: mail from a contact is not logged
 *   [me]
 *   email = me@example.org, me@work.example
 */
#ifndef KITH_CLI_CONFIG_H
#define KITH_CLI_CONFIG_H

#include "cli.h"

/* Values given more than once or comma-separated: items[0..n). */
struct cli_list {
	char **items;
	size_t n;
};

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
	struct cli_list scan_maildir;
	struct cli_list scan_mbox;
	struct cli_list scan_ics;
	int scan_skip_inbound; /* inbound_resets = no */
	int scan_calendars;    /* calendars = yes: the CalDAV account's event calendars */
	struct cli_list me;    /* [me] email */
};

/*
 * Read --config PATH, else $XDG_CONFIG_HOME/kith/config, else
 * ~/.config/kith/config.  A missing default file is an empty config; a
 * missing --config file or a bad line is an error (exit code returned).
 */
int cli_config_load(struct cli *cli, struct cli_config *out);
/*
 * The user's zone name ([reminders] timezone, else TZ, else
 * /etc/localtime), so what is dated is dated in it; NULL: the process's.
 * Ownership: free().
 */
char *cli_config_timezone(const struct cli_config *cfg);
void cli_config_clear(struct cli_config *cfg);

#endif
