/* SPDX-License-Identifier: MIT */
/* kith scan: touches found in mail archives (Maildir, mbox) and calendar files. */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "output.h"
#include "target.h"

static const char usage[] =
	"Usage: kith scan [--maildir DIR]... [--mbox FILE]... [--ics FILE]...\n"
	"                 [--calendars [--target URL]] [--me ADDRESS]...\n"
	"                 [--since DATE|DURATION] [--dry-run]\n"
	"\n"
	"Log a touch for every mail between you and a contact, read from mail\n"
	"archives (headers only), and for every meeting you had with one, read\n"
	"from calendar files or the CalDAV account's calendars; keep the people you mailed or met who are not\n"
	"contacts as candidates.  A message or meeting is logged once however\n"
	"often it is seen; a scan reads only what is new since the last.\n"
	"Without sources, those of the configuration's [scan] section; without\n"
	"--me, [me] email.\n"
	"\n"
	"Options:\n"
	"  --maildir DIR   a Maildir folder or a tree of them (mbsync, offlineimap,\n"
	"                  notmuch, Thunderbird's maildir store)\n"
	"  --mbox FILE     an mbox file (Thunderbird, Google Takeout, readpst)\n"
	"  --ics FILE      a calendar file (an Outlook or Google Calendar export)\n"
	"  --calendars     the event calendars of the CalDAV account kith syncs\n"
	"                  with (not its reminders calendar)\n"
	"  --target URL    that account's URL (else $KITH_URL, else 'url')\n"
	"  --me ADDRESS    one of your own addresses (needed to tell sent mail\n"
	"                  and the meetings you declined)\n"
	"  --since WHEN    only mail since WHEN: a date or a duration back (2y, 6m)\n"
	"  --dry-run       list what would be logged; write nothing\n";

enum { O_MAILDIR = 1, O_MBOX, O_ICS, O_CALENDARS, O_TARGET, O_ME, O_SINCE, O_DRY_RUN };

static const struct cli_option opts[] = {
	{ "maildir", 0, 1, O_MAILDIR },     { "mbox", 0, 1, O_MBOX },       { "ics", 0, 1, O_ICS },
	{ "calendars", 0, 0, O_CALENDARS }, { "target", 0, 1, O_TARGET },   { "me", 0, 1, O_ME },
	{ "since", 0, 1, O_SINCE },         { "dry-run", 0, 0, O_DRY_RUN }, { NULL, 0, 0, 0 },
};

struct sources {
	struct kith_scan_source *items;
	char **owned; /* paths and labels made here */
	size_t n, n_owned;
};

static int own(struct sources *s, char *str)
{
	char **grown;

	if (!str)
		return -1;
	grown = realloc(s->owned, (s->n_owned + 1) * sizeof(*grown));
	if (!grown) {
		free(str);
		return -1;
	}
	s->owned = grown;
	s->owned[s->n_owned++] = str;
	return 0;
}

/*
 * The store knows a source by its absolute path, so a scan from another
 * directory finds what the last one read; touches name it with ~ for home.
 */
static int add_source(struct cli *cli, struct sources *s, enum kith_scan_kind kind,
		      const char *path)
{
	const char *home = getenv("HOME");
	char *real = realpath(path, NULL), *label;
	struct kith_scan_source *grown;
	size_t hn = home ? strlen(home) : 0;

	if (!real)
		real = strdup(path); /* the library says why it cannot be read */
	if (own(s, real))
		goto nomem;
	if (hn > 1 && !strncmp(real, home, hn) && real[hn] == '/')
		label = out_printf("~%s", real + hn);
	else
		label = strdup(real);
	if (own(s, label))
		goto nomem;
	grown = realloc(s->items, (s->n + 1) * sizeof(*grown));
	if (!grown)
		goto nomem;
	s->items = grown;
	s->items[s->n].kind = kind;
	s->items[s->n].path = real;
	s->items[s->n].label = label;
	s->n++;
	return 0;
nomem:
	cli_fail(cli, "out of memory");
	return EXIT_FAIL;
}

static void sources_clear(struct sources *s)
{
	for (size_t i = 0; i < s->n_owned; i++)
		free(s->owned[i]);
	free(s->owned);
	free(s->items);
}

static void on_found(const struct kith_scan_found *f, void *arg)
{
	char d[KITH_DATE_BUFSZ];

	(void)arg;
	printf("%s  %-8s %s <%s>%s%s  (%s)\n", kith_date_format(f->on, d),
	       !strcmp(f->channel, "meeting") ? "met"
	       : f->direction == KITH_INBOUND ? "from"
					      : "to",
	       f->contact_name, f->address, f->note ? ": " : "", f->note ? f->note : "",
	       f->found_in);
}

static void on_progress(size_t messages, const char *source, void *arg)
{
	(void)arg;
	if (source)
		fprintf(stderr, "\rkith: scanning %s: %zu messages", source, messages);
	else
		fprintf(stderr, "\rkith: scanned %zu messages\n", messages);
}

static void print_summary(const struct cli *cli, const struct kith_scan_options *o,
			  const struct kith_scan_summary *s)
{
	if (cli->quiet)
		return;
	int mail = 0, ics = o->calendars != NULL;

	for (size_t i = 0; i < o->n_sources; i++) {
		if (o->sources[i].kind == KITH_SCAN_ICS)
			ics = 1;
		else
			mail = 1;
	}
	printf("%s ", o->dry_run ? "Would scan" : "Scanned");
	if (mail)
		printf("%zu new message%s%s", s->messages, s->messages == 1 ? "" : "s",
		       ics ? " and " : "");
	if (ics)
		printf("%zu new meeting%s", s->meetings, s->meetings == 1 ? "" : "s");
	printf(": %zu touch%s %s\n", s->touches, s->touches == 1 ? "" : "es",
	       o->dry_run ? "to log (dry run: nothing written)" : "logged");
	if (s->seen)
		printf("  %6zu already seen (another folder, or read before)\n", s->seen);
	if (s->bulk)
		printf("  %6zu bulk or automated (lists, newsletters, no-reply): not counted\n",
		       s->bulk);
	if (s->candidates)
		printf("  %6zu with people who are not contacts (kept as candidates)\n",
		       s->candidates);
	if (s->calendars)
		printf("  %6zu CalDAV calendar%s read\n", s->calendars,
		       s->calendars == 1 ? "" : "s");
	if (s->unchanged)
		printf("  %6zu calendar file%s unchanged: only the meetings since the last "
		       "scan read\n",
		       s->unchanged, s->unchanged == 1 ? "" : "s");
	if (s->inbound_skipped)
		printf("  %6zu from contacts, not logged ([scan] inbound_resets = no)\n",
		       s->inbound_skipped);
	if (s->not_in_since)
		printf("  %6zu outside --since or in the future: left for a later scan\n",
		       s->not_in_since);
	if (s->reread)
		printf("  %6zu mbox file%s changed since the last scan: read again from the "
		       "start\n",
		       s->reread, s->reread == 1 ? "" : "s");
	if (s->n_problems || s->more_problems)
		printf("  %6zu skipped (see above)\n", s->n_problems + s->more_problems);
}

int cmd_scan(struct cli *cli, int argc, char **argv)
{
	struct cli_optparser p;
	struct cli_config cfg;
	struct kith_scan_options o;
	struct kith_scan_summary sum;
	struct sources src;
	const char **me = NULL;
	const char *since = NULL, *target_url = NULL;
	struct kith_target *target = NULL;
	char *tz = NULL;
	size_t n_me = 0;
	enum kith_status st;
	int opt, rc = EXIT_OK, dry_run = 0, have_sum = 0, calendars = 0;

	memset(&cfg, 0, sizeof(cfg));
	memset(&o, 0, sizeof(o));
	memset(&src, 0, sizeof(src));
	memset(&sum, 0, sizeof(sum));
	/* argv outlives the scan: --me values are borrowed, like the config's. */
	me = calloc((size_t)argc + 1, sizeof(*me));
	if (!me) {
		cli_fail(cli, "out of memory");
		return EXIT_FAIL;
	}
	cli_opt_init(&p, cli, opts, argc, argv);
	while ((opt = cli_opt_next(&p)) != OPT_DONE) {
		switch (opt) {
		case OPT_HELP: free(me); return cli_help(usage);
		case OPT_POSITIONAL:
			rc = cli_usage_error(cli, "unexpected argument '%s'", p.arg);
			goto out;
		case O_MAILDIR:
			if ((rc = add_source(cli, &src, KITH_SCAN_MAILDIR, p.arg)))
				goto out;
			break;
		case O_MBOX:
			if ((rc = add_source(cli, &src, KITH_SCAN_MBOX, p.arg)))
				goto out;
			break;
		case O_ICS:
			if ((rc = add_source(cli, &src, KITH_SCAN_ICS, p.arg)))
				goto out;
			break;
		case O_CALENDARS: calendars = 1; break;
		case O_TARGET: target_url = p.arg; break;
		case O_ME: me[n_me++] = p.arg; break;
		case O_SINCE: since = p.arg; break;
		case O_DRY_RUN: dry_run = 1; break;
		default: rc = EXIT_USAGE; goto out;
		}
	}
	if ((rc = cli_finish_globals(cli)))
		goto out;
	if ((rc = cli_config_load(cli, &cfg)))
		goto out;
	if (src.n == 0 && !calendars) {
		calendars = cfg.scan_calendars;
		for (size_t i = 0; i < cfg.scan_maildir.n && !rc; i++)
			rc = add_source(cli, &src, KITH_SCAN_MAILDIR, cfg.scan_maildir.items[i]);
		for (size_t i = 0; i < cfg.scan_mbox.n && !rc; i++)
			rc = add_source(cli, &src, KITH_SCAN_MBOX, cfg.scan_mbox.items[i]);
		for (size_t i = 0; i < cfg.scan_ics.n && !rc; i++)
			rc = add_source(cli, &src, KITH_SCAN_ICS, cfg.scan_ics.items[i]);
		if (rc)
			goto out;
	}
	if (target_url && !calendars) {
		rc = cli_usage_error(cli, "--target names the server of --calendars");
		goto out;
	}
	if (src.n == 0 && !calendars) {
		/*
		 * Nothing configured is nothing to do, not an error: the timer
		 * runs 'kith -q scan' before every sync, sources or not.
		 */
		if (!cli->quiet)
			fprintf(stderr,
				"kith scan: nothing to scan: give --maildir, --mbox, --ics or "
				"--calendars, or set maildir =, mbox =, ics = or calendars = "
				"yes in [scan] of the configuration\n");
		rc = EXIT_OK;
		goto out;
	}
	if (n_me == 0) {
		const char **grown = realloc(me, (cfg.me.n + 1) * sizeof(*grown));

		if (!grown) {
			cli_fail(cli, "out of memory");
			rc = EXIT_FAIL;
			goto out;
		}
		me = grown;
		for (size_t i = 0; i < cfg.me.n; i++)
			me[n_me++] = cfg.me.items[i];
	}
	if (n_me == 0) {
		cli_err(cli, "which addresses are yours? Mail is sent or received, and a "
			     "meeting declined, only relative to you: give --me ADDRESS, or "
			     "set email = in [me] of the configuration");
		rc = EXIT_USAGE;
		goto out;
	}
	for (size_t i = 0; i < n_me; i++) {
		if (!strchr(me[i], '@')) {
			cli_err(cli, "'%s' is not a mail address (--me or [me] email)", me[i]);
			rc = EXIT_USAGE;
			goto out;
		}
	}
	if (since && (rc = cli_parse_since(cli, since, &o.since)))
		goto out;
	tz = cli_config_timezone(&cfg);
	o.sources = src.items;
	o.n_sources = src.n;
	o.me = me;
	o.n_me = n_me;
	o.today = cli->today;
	o.tzid = tz;
	o.dry_run = dry_run;
	o.skip_inbound = cfg.scan_skip_inbound;
	if (dry_run)
		o.found = on_found;
	if (!cli->quiet && isatty(STDERR_FILENO))
		o.progress = on_progress;
	if (calendars && (rc = cli_caldav_open(cli, &cfg, target_url, &target)))
		goto out;
	o.calendars = target;
	if ((rc = cli_open_store(cli, 0)))
		goto out;
	st = kith_scan(cli->store, &o, &sum);
	have_sum = 1;
	for (size_t i = 0; i < sum.n_problems; i++)
		fprintf(stderr, "%s: %s: %s\n", cli->cmd, sum.problems[i].where,
			sum.problems[i].what);
	if (sum.more_problems)
		fprintf(stderr, "%s: ... and %zu more skipped\n", cli->cmd, sum.more_problems);
	if (st != KITH_OK) {
		rc = cli_lib_error(cli, st, "cannot scan");
		goto out;
	}
	print_summary(cli, &o, &sum);
	rc = sum.failed_sources ? EXIT_FAIL : EXIT_OK;
out:
	if (have_sum)
		kith_scan_summary_clear(&sum);
	if (target)
		kith_target_free(target);
	free(tz);
	free(me);
	sources_clear(&src);
	cli_config_clear(&cfg);
	return rc;
}
