/* SPDX-License-Identifier: MIT */
/*
 * kith import: bring in an address book (vCard or CSV) in one
 * transaction, and print what happened.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd-import.h"
#include "output.h"

static const char usage[] =
	"Usage: kith import FILE [--format vcard|csv] [--tier T] [--since DURATION|DATE]\n"
	"                   [--only FILE] [--map COLUMN=FIELD]... [--per-day N] [--dry-run]\n"
	"\n"
	"Import an address book: vCard 2.1, 3.0 or 4.0 (Outlook, Google, Apple,\n"
	"Thunderbird), or a CSV export of Outlook or Google Contacts.  People\n"
	"already in the store are recognised (same vCard UID, a shared email, or\n"
	"the same name) and only gain what they lack: nothing you edited is\n"
	"overwritten, and importing the same file again changes nothing.  New\n"
	"contacts' first reminders are spread over their first cadence period, so\n"
	"a large import does not fall due on one day.  A record that cannot be read\n"
	"is reported as FILE:LINE and skipped; the rest is imported.  FILE '-' is\n"
	"standard input.\n"
	"\n"
	"Options:\n"
	"  --format F      vcard or csv (default: vcard if FILE starts with BEGIN:VCARD)\n"
	"  --tier T        tier of new contacts (default: the default tier)\n"
	"  --since WHEN    keep only people last contacted since WHEN: a duration\n"
	"                  back from today (2y, 18m, 90d) or a date (YYYY-MM-DD).\n"
	"                  The date comes from a last-contacted field (CSV column\n"
	"                  \"Last Contacted\"; vCard X-LAST-CONTACTED), else a vCard's\n"
	"                  REV; people with neither are skipped and counted\n"
	"  --only FILE     keep only the people named in FILE: one name or email a\n"
	"                  line, '#' starts a comment\n"
	"  --map COL=FIELD CSV: read column COL as FIELD, one of\n"
	"                  " KITH_IMPORT_MAP_FIELDS "\n"
	"  --per-day N     at most N new first reminders a day (default: spread\n"
	"                  evenly over the tier's cadence)\n"
	"  --dry-run       show what would happen; change nothing\n"
	"\n"
	"Exit status: 0 when the import ran (even if some records were skipped),\n"
	"1 when it failed as a whole (nothing is changed), 2 for bad usage.\n";

enum { O_FORMAT = 1, O_TIER, O_SINCE, O_ONLY, O_MAP, O_PER_DAY, O_DRY_RUN };

static const struct cli_option opts[] = {
	{ "format", 0, 1, O_FORMAT },     { "tier", 0, 1, O_TIER }, { "since", 0, 1, O_SINCE },
	{ "only", 0, 1, O_ONLY },         { "map", 0, 1, O_MAP },   { "per-day", 0, 1, O_PER_DAY },
	{ "dry-run", 'n', 0, O_DRY_RUN }, { NULL, 0, 0, 0 },
};

/* The whole of path ('-': stdin), refusing more than max bytes. */
static int read_input(struct cli *cli, const char *path, size_t max, char **out, size_t *out_n)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *data = NULL;
	size_t n = 0, cap = 0, got;
	int rc = EXIT_OK;

	if (!f) {
		cli_fail(cli, "cannot read %s: %s", path, strerror(errno));
		return EXIT_FAIL;
	}
	do {
		if (n == cap) {
			char *p;

			cap = cap ? cap * 2 : 65536;
			p = realloc(data, cap + 1);
			if (!p) {
				cli_fail(cli, "out of memory reading %s", path);
				rc = EXIT_FAIL;
				goto out;
			}
			data = p;
		}
		got = fread(data + n, 1, cap - n, f);
		n += got;
		if (n > max) {
			cli_fail(cli,
				 "%s is larger than %zu MiB; kith imports at most that much at "
				 "a time: split the file",
				 path, max >> 20);
			rc = EXIT_USAGE;
			goto out;
		}
	} while (got > 0);
	if (ferror(f)) {
		cli_fail(cli, "cannot read %s: %s", path, strerror(errno));
		rc = EXIT_FAIL;
		goto out;
	}
	data[n] = '\0';
	*out = data;
	*out_n = n;
	data = NULL;
out:
	if (f != stdin)
		fclose(f);
	free(data);
	return rc;
}

/* --only FILE: one name or email a line; blank lines and '#' comments skipped. */
static int read_only_list(struct cli *cli, const char *path, char **out_data, const char ***out,
			  size_t *out_n)
{
	char *data = NULL, *p, *line, *next;
	const char **items = NULL;
	size_t n = 0, len = 0;
	int rc = read_input(cli, path, 16u << 20, &data, &len);

	if (rc)
		return rc;
	for (p = data; p; p = next) {
		size_t l;
		const char **grown;

		line = p;
		next = strchr(p, '\n');
		if (next)
			*next++ = '\0';

		while (*line == ' ' || *line == '\t')
			line++;
		l = strlen(line);
		while (l > 0 && (line[l - 1] == '\r' || line[l - 1] == ' ' || line[l - 1] == '\t'))
			line[--l] = '\0';
		if (!*line || *line == '#')
			continue;
		grown = realloc(items, (n + 1) * sizeof(*items));
		if (!grown) {
			free(items);
			free(data);
			cli_fail(cli, "out of memory");
			return EXIT_FAIL;
		}
		items = grown;
		items[n++] = line;
	}
	if (n == 0) {
		free(items);
		free(data);
		cli_err(cli, "--only %s lists nobody: give one name or email a line", path);
		return EXIT_USAGE;
	}
	*out_data = data;
	*out = items;
	*out_n = n;
	return EXIT_OK;
}

static void print_summary(const struct cli *cli, const struct kith_import_summary *s,
			  const char *path, const struct kith_import_options *o, int dry_run)
{
	char d1[KITH_DATE_BUFSZ], d2[KITH_DATE_BUFSZ];
	const char *would = dry_run ? "would be " : "";

	printf("%s %ld record%s from %s (%s)%s\n", dry_run ? "Dry run: read" : "Read", s->records,
	       s->records == 1 ? "" : "s", path, s->format, dry_run ? "; nothing was changed" : "");
	printf("  %6ld new contact%s %simported into tier '%s'\n", s->imported,
	       s->imported == 1 ? "" : "s", would, s->tier);
	printf("  %6ld merged into contacts already there (new emails, phones or details)\n",
	       s->merged);
	printf("  %6ld already there, nothing new\n", s->unchanged);
	if (s->merged_across_uids)
		printf("         (%ld of these by a shared email, although their vCard UIDs differ: "
		       "the same person exported by two apps)\n",
		       s->merged_across_uids);
	if (kith_date_is_set(o->since)) {
		printf("  %6ld skipped: last contacted before %s\n", s->skipped_since,
		       kith_date_format(o->since, d1));
		printf("  %6ld skipped: no last-contact date\n", s->skipped_undated);
		if (s->dated_by_scan)
			printf("  %6ld dated by mail found by kith scan (no last-contact field)\n",
			       s->dated_by_scan);
	}
	if (o->n_only)
		printf("  %6ld skipped: not in the --only list\n", s->skipped_only);
	printf("  %6ld failed%s\n", s->failed, s->failed ? " (listed above)" : "");
	if (s->touches)
		printf("  %6ld last-contact date%s %slogged as touches\n", s->touches,
		       s->touches == 1 ? "" : "s", would);
	if (s->scan_touches)
		printf("  %6ld touch%s found by kith scan %smoved to %ld contact%s\n",
		       s->scan_touches, s->scan_touches == 1 ? "" : "es", would, s->scan_contacts,
		       s->scan_contacts == 1 ? "" : "s");
	if (kith_date_is_set(s->first_due_from))
		printf("First reminders %sspread from %s to %s, at most %d a day.\n", would,
		       kith_date_format(s->first_due_from, d1),
		       kith_date_format(s->first_due_to, d2), s->per_day);
	if (!dry_run && s->imported)
		printf("See them with 'kith review' or 'kith report --all'.\n");
	(void)cli;
}

int cmd_import(struct cli *cli, int argc, char **argv)
{
	struct cli_optparser p;
	struct kith_import_options o;
	struct kith_import_summary *s = NULL;
	const char *path = NULL, *format = NULL, *since = NULL, *only = NULL, *per_day = NULL;
	const char **maps = NULL, **only_items = NULL;
	char *data = NULL, *only_data = NULL;
	size_t n_maps = 0, len = 0;
	enum kith_status st;
	long cap = 0;
	int opt, rc = EXIT_OK, dry_run = 0;

	memset(&o, 0, sizeof(o));
	cli_opt_init(&p, cli, opts, argc, argv);
	while ((opt = cli_opt_next(&p)) != OPT_DONE) {
		switch (opt) {
		case OPT_HELP: free(maps); return cli_help(usage);
		case OPT_POSITIONAL:
			if (path) {
				free(maps);
				return cli_usage_error(cli, "unexpected argument '%s'", p.arg);
			}
			path = p.arg;
			break;
		case O_FORMAT: format = p.arg; break;
		case O_TIER: o.tier = p.arg; break;
		case O_SINCE: since = p.arg; break;
		case O_ONLY: only = p.arg; break;
		case O_PER_DAY: per_day = p.arg; break;
		case O_DRY_RUN: dry_run = 1; break;
		case O_MAP: {
			const char **grown = realloc(maps, (n_maps + 1) * sizeof(*maps));

			if (!grown) {
				free(maps);
				cli_fail(cli, "out of memory");
				return EXIT_FAIL;
			}
			maps = grown;
			maps[n_maps++] = p.arg;
			break;
		}
		default: free(maps); return EXIT_USAGE;
		}
	}
	if (!path) {
		free(maps);
		return cli_usage_error(cli, "missing FILE (an address book: .vcf or .csv)");
	}
	if ((rc = cli_finish_globals(cli)))
		goto out;
	o.today = cli->today;
	o.source_name = path;
	o.map = maps;
	o.n_map = n_maps;
	if (format) {
		if (!strcmp(format, "vcard") || !strcmp(format, "vcf")) {
			o.format = KITH_IMPORT_VCARD;
		} else if (!strcmp(format, "csv")) {
			o.format = KITH_IMPORT_CSV;
		} else {
			rc = cli_usage_error(cli, "unknown format '%s': use vcard or csv", format);
			goto out;
		}
	}
	if (per_day && (rc = cli_parse_int(cli, "--per-day", per_day, 1, 100000, &cap)))
		goto out;
	o.per_day = (int)cap;
	if (since && (rc = cli_parse_since(cli, since, &o.since)))
		goto out;
	if (only && (rc = read_only_list(cli, only, &only_data, &only_items, &o.n_only)))
		goto out;
	o.only = only_items;
	if ((rc = read_input(cli, path, (size_t)KITH_IMPORT_MAX_BYTES, &data, &len)))
		goto out;
	if ((rc = cli_open_store(cli, 0)))
		goto out;
	if (o.tier && (rc = cli_check_tier(cli, o.tier, NULL)))
		goto out;
	if ((rc = cli_begin(cli)))
		goto out;
	st = kith_import(cli->store, data, len, &o, &s);
	if (st != KITH_OK) {
		char *what = out_printf("cannot import %s", path);

		rc = cli_lib_error(cli, st, what ? what : "cannot import");
		free(what);
		if (st == KITH_ERR_INVALID || st == KITH_ERR_NOT_FOUND)
			fputs("Nothing was changed.\n", stderr);
		goto out;
	}
	for (size_t i = 0; i < s->n_problems; i++)
		fprintf(stderr, "%s:%ld: %s; skipped\n", path, s->problems[i].line,
			s->problems[i].reason);
	for (size_t i = 0; i < s->n_warnings; i++)
		fprintf(stderr, "%s:%ld: %s\n", path, s->warnings[i].line, s->warnings[i].reason);
	if (dry_run)
		cli_rollback(cli);
	else if ((rc = cli_commit(cli)))
		goto out;
	if (!cli->quiet)
		print_summary(cli, s, path, &o, dry_run);
out:
	cli_rollback(cli);
	kith_import_summary_free(s);
	free(data);
	free(only_data);
	free(only_items);
	free(maps);
	return rc;
}
