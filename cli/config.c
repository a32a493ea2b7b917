/* SPDX-License-Identifier: MIT */
/* The INI configuration file; see config.h for the keys. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "output.h"

#define MAX_LINE 4096

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int set_str(char **slot, const char *v)
{
	char *copy = strdup(v);

	if (!copy)
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

/* "~/x" is the user's: config files are written by hand. */
static char *expand_home(const char *v)
{
	const char *home = getenv("HOME");

	if (v[0] == '~' && v[1] == '/' && home)
		return out_printf("%s%s", home, v + 1);
	return strdup(v);
}

/* Each comma-separated item of v, trimmed, appended; paths with "~/" expanded. */
static int add_items(struct cli_list *l, const char *v, int paths)
{
	char *copy = strdup(v), *save = NULL;
	int rc = 0;

	if (!copy)
		return -1;
	for (char *t = strtok_r(copy, ",", &save); t && !rc; t = strtok_r(NULL, ",", &save)) {
		char *item = trim(t), **grown;

		if (!*item)
			continue;
		grown = realloc(l->items, (l->n + 1) * sizeof(*grown));
		if (!grown) {
			rc = -1;
			break;
		}
		l->items = grown;
		l->items[l->n] = paths ? expand_home(item) : strdup(item);
		if (!l->items[l->n])
			rc = -1;
		else
			l->n++;
	}
	free(copy);
	return rc;
}

static void list_clear(struct cli_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

static int bad(struct cli *cli, const char *path, int line, const char *what, const char *value)
{
	cli_err(cli, "%s:%d: %s '%s'", path, line, what, value);
	return EXIT_USAGE;
}

static int apply(struct cli *cli, struct cli_config *cfg, const char *path, int line,
		 const char *section, const char *key, const char *value)
{
	char *v = NULL;
	int rc = 0;

	if (!strcmp(section, "sync")) {
		if (!strcmp(key, "url")) {
			v = expand_home(value);
			rc = v ? set_str(&cfg->url, v) : -1;
		} else if (!strcmp(key, "username")) {
			rc = set_str(&cfg->username, value);
		} else if (!strcmp(key, "calendar")) {
			rc = set_str(&cfg->calendar, value);
		} else if (!strcmp(key, "password_command")) {
			rc = set_str(&cfg->password_command, value);
		} else if (!strcmp(key, "password_timeout")) {
			char *end;
			long n = strtol(value, &end, 10);

			if (!*value || *end || n < 1 || n > 3600)
				return bad(cli, path, line,
					   "password_timeout must be 1 to 3600 seconds, not",
					   value);
			cfg->password_timeout = (int)n;
		} else {
			return bad(cli, path, line, "unknown key in [sync]:", key);
		}
	} else if (!strcmp(section, "reminders")) {
		if (!strcmp(key, "window")) {
			char *end;
			long n = strtol(value, &end, 10);

			if (*end || n < 1 || n > 365)
				return bad(cli, path, line, "window must be 1 to 365 days, not",
					   value);
			cfg->window_days = (int)n;
		} else if (!strcmp(key, "mode")) {
			if (!strcasecmp(value, "plain"))
				cfg->plain = 1;
			else if (!strcasecmp(value, "rrule"))
				cfg->plain = 0;
			else
				return bad(cli, path, line, "mode is rrule or plain, not", value);
		} else if (!strcmp(key, "alarm")) {
			int h, m;
			char extra;

			if (!strcasecmp(value, "none") || !strcasecmp(value, "off")) {
				cfg->alarm = 0;
			} else if (sscanf(value, "%d:%d%c", &h, &m, &extra) == 2 && h >= 0 &&
				   h < 24 && m >= 0 && m < 60) {
				cfg->alarm = 1;
				cfg->alarm_minutes = h * 60 + m;
			} else {
				return bad(cli, path, line, "alarm is HH:MM or none, not", value);
			}
		} else if (!strcmp(key, "timezone")) {
			rc = set_str(&cfg->timezone, value);
		} else {
			return bad(cli, path, line, "unknown key in [reminders]:", key);
		}
	} else if (!strcmp(section, "scan")) {
		if (!strcmp(key, "maildir")) {
			rc = add_items(&cfg->scan_maildir, value, 1);
		} else if (!strcmp(key, "mbox")) {
			rc = add_items(&cfg->scan_mbox, value, 1);
		} else if (!strcmp(key, "ics")) {
			rc = add_items(&cfg->scan_ics, value, 1);
		} else if (!strcmp(key, "calendars")) {
			if (!strcasecmp(value, "yes") || !strcasecmp(value, "true"))
				cfg->scan_calendars = 1;
			else if (!strcasecmp(value, "no") || !strcasecmp(value, "false"))
				cfg->scan_calendars = 0;
			else
				return bad(cli, path, line, "calendars is yes or no, not", value);
		} else if (!strcmp(key, "inbound_resets")) {
			if (!strcasecmp(value, "yes") || !strcasecmp(value, "true"))
				cfg->scan_skip_inbound = 0;
			else if (!strcasecmp(value, "no") || !strcasecmp(value, "false"))
				cfg->scan_skip_inbound = 1;
			else
				return bad(cli, path, line, "inbound_resets is yes or no, not",
					   value);
		} else {
			return bad(cli, path, line, "unknown key in [scan]:", key);
		}
	} else if (!strcmp(section, "me")) {
		if (!strcmp(key, "email"))
			rc = add_items(&cfg->me, value, 0);
		else
			return bad(cli, path, line, "unknown key in [me]:", key);
	} else {
		return bad(cli, path, line, "unknown section", section);
	}
	free(v);
	if (rc) {
		cli_fail(cli, "out of memory");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int parse(struct cli *cli, FILE *f, const char *path, struct cli_config *cfg)
{
	char buf[MAX_LINE + 2], section[64] = "sync";
	int line = 0, rc;

	while (fgets(buf, sizeof(buf), f)) {
		char *s, *eq;

		line++;
		if (!strchr(buf, '\n') && !feof(f))
			return bad(cli, path, line, "line too long:", "...");
		s = trim(buf);
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			char *end = strchr(s, ']');

			if (!end || end[1] || (size_t)(end - s) >= sizeof(section))
				return bad(cli, path, line, "bad section header", s);
			*end = '\0';
			snprintf(section, sizeof(section), "%s", trim(s + 1));
			continue;
		}
		eq = strchr(s, '=');
		if (!eq)
			return bad(cli, path, line, "expected KEY = VALUE, not", s);
		*eq = '\0';
		rc = apply(cli, cfg, path, line, section, trim(s), trim(eq + 1));
		if (rc)
			return rc;
	}
	if (ferror(f)) {
		cli_fail(cli, "cannot read %s", path);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int cli_config_load(struct cli *cli, struct cli_config *out)
{
	struct cli_config cfg;
	const char *env;
	char *path = NULL;
	FILE *f;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	if (cli->config_path)
		path = strdup(cli->config_path);
	else if ((env = getenv("XDG_CONFIG_HOME")) && env[0] == '/')
		path = out_printf("%s/kith/config", env);
	else if ((env = getenv("HOME")) && *env)
		path = out_printf("%s/.config/kith/config", env);
	else {
		*out = cfg;
		return EXIT_OK;
	}
	if (!path) {
		cli_fail(cli, "out of memory");
		return EXIT_FAIL;
	}
	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT && !cli->config_path) {
			free(path);
			*out = cfg;
			return EXIT_OK;
		}
		cli_fail(cli, "cannot read the configuration %s: %s", path, strerror(errno));
		free(path);
		return EXIT_FAIL;
	}
	cfg.path = path;
	rc = parse(cli, f, path, &cfg);
	fclose(f);
	if (rc) {
		cli_config_clear(&cfg);
		return rc;
	}
	*out = cfg;
	return EXIT_OK;
}

void cli_config_clear(struct cli_config *cfg)
{
	free(cfg->path);
	free(cfg->url);
	free(cfg->username);
	free(cfg->calendar);
	free(cfg->password_command);
	free(cfg->timezone);
	list_clear(&cfg->scan_maildir);
	list_clear(&cfg->scan_mbox);
	list_clear(&cfg->scan_ics);
	list_clear(&cfg->me);
	memset(cfg, 0, sizeof(*cfg));
}

char *cli_config_timezone(const struct cli_config *cfg)
{
	const char *tz = getenv("TZ");
	char link[PATH_MAX];
	ssize_t n;
	const char *z;

	if (cfg->timezone && *cfg->timezone)
		return strdup(cfg->timezone);
	if (tz && *tz) {
		if (*tz == ':')
			tz++;
		if (!strncmp(tz, "/usr/share/zoneinfo/", 20))
			tz += 20;
		return strchr(tz, '/') || !strcmp(tz, "UTC") ? strdup(tz) : NULL;
	}
	n = readlink("/etc/localtime", link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		z = strstr(link, "zoneinfo/");
		if (z)
			return strdup(z + 9);
	}
	return NULL;
}
