/* SPDX-License-Identifier: MIT */
/*
 * kith sync: two-way sync of the reminders with a calendar target.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "secret.h"
#include "target.h"
#include "output.h"
#ifdef KITH_TEST_HOOKS
/* A private header: only the test build includes it (cli/meson.build). */
#include "sync/test-hooks.h"
#endif

static const char usage[] =
	"Usage: kith sync [--target URL] [--create-calendar NAME] [--dry-run] [--force] [--plain]\n"
	"\n"
	"Write one reminder per active contact to a calendar and read them back:\n"
	"a reminder completed in any calendar app is logged as a touch and comes\n"
	"back one cadence after the day it was done; one moved later is kept as a\n"
	"snooze; one deleted pauses its contact ('kith edit --resume' undoes it).\n"
	"\n"
	"The target is --target, else $KITH_URL, else 'url' in the configuration,\n"
	"else the local calendar file reminders.ics next to the store.  For a CalDAV\n"
	"server: $KITH_USERNAME or 'username'; the password from $KITH_PASSWORD,\n"
	"'password_command' (run without a shell, stopped after 'password_timeout'\n"
	"seconds, default 30) or a prompt on the terminal; the calendar named by\n"
	"'calendar' (default: one named \"kith\", made if missing).  These keys\n"
	"are in the [sync] section of the configuration.\n"
	"\n"
	"Options:\n"
	"  --target URL   a .ics file (or file:// URL), a vdir directory, or a CalDAV\n"
	"                 server (http:// or https://: a host, a principal or a calendar)\n"
	"  --create-calendar NAME  on a CalDAV server, use (or create) this calendar\n"
	"  --dry-run      show what would happen; change nothing\n"
	"  --force        allow removing many reminders at once\n"
	"  --plain        write reminders without RRULE (kith regenerates them)\n";

enum { O_TARGET = 1, O_DRY_RUN, O_FORCE, O_PLAIN, O_CREATE_CAL };

static const struct cli_option opts[] = {
	{ "target", 0, 1, O_TARGET },
	{ "dry-run", 'n', 0, O_DRY_RUN },
	{ "force", 0, 0, O_FORCE },
	{ "plain", 0, 0, O_PLAIN },
	{ "create-calendar", 0, 1, O_CREATE_CAL },
	{ NULL, 0, 0, 0 },
};

#ifdef KITH_TEST_HOOKS
/*
 * Test-only: KITH_TEST_FAULT=STEP[:N] kills the process with SIGKILL the
 * Nth time the sync reaches STEP (fetch, plan, write, flush, confirm), to
 * prove that an interrupted sync loses and duplicates nothing.
 */
struct fault {
	char step[32];
	long left;
};

/*
 * Test-only too: KITH_TEST_PAUSE=STEP:FILE makes the sync stop at STEP,
 * create FILE.ready and wait (at most 60 s) until FILE.ready is removed,
 * so a test can play another writer at exactly that moment (a 412 race).
 */
static void pause_at(const char *step)
{
	const char *env = getenv("KITH_TEST_PAUSE");
	const char *colon = env ? strchr(env, ':') : NULL;
	char ready[4096];
	FILE *f;

	if (!colon || strncmp(env, step, (size_t)(colon - env)) ||
	    strlen(step) != (size_t)(colon - env))
		return;
	snprintf(ready, sizeof(ready), "%s.ready", colon + 1);
	f = fopen(ready, "w");
	if (f)
		fclose(f);
	for (int i = 0; i < 600 && access(ready, F_OK) == 0; i++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
}

static int fault_hook(const char *step, void *arg)
{
	struct fault *f = arg;

	pause_at(step);
	if (!f->step[0] || strcmp(step, f->step) || --f->left > 0)
		return 0;
	raise(SIGKILL);
	return 1;
}

static int setup_fault(struct fault *f)
{
	const char *env = getenv("KITH_TEST_FAULT");
	const char *colon;

	memset(f, 0, sizeof(*f));
	if (!env || !*env)
		return getenv("KITH_TEST_PAUSE") != NULL;
	colon = strchr(env, ':');
	snprintf(f->step, sizeof(f->step), "%.*s",
		 (int)(colon ? (size_t)(colon - env) : strlen(env)), env);
	f->left = colon ? strtol(colon + 1, NULL, 10) : 1;
	return 1;
}
#endif

static char *default_target(const struct cli *cli)
{
	const char *slash = strrchr(cli->db_path, '/');

	if (!slash)
		return strdup("reminders.ics");
	return out_printf("%.*s/reminders.ics", (int)(slash - cli->db_path), cli->db_path);
}

static char *absolute(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || strstr(path, "://"))
		return strdup(path);
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	return out_printf("%s/%s", cwd, path);
}

/*
 * One sync at a time per store, whatever the target (a timer and a manual
 * run overlap): wait a little for the other, then give up cleanly.
 */
static int take_sync_lock(struct cli *cli, int *out_fd)
{
	char *path = out_printf("%s.sync.lock", cli->db_path);
	int fd;

	if (!path) {
		cli_fail(cli, "out of memory");
		return EXIT_FAIL;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		cli_fail(cli, "cannot create %s: %s", path, strerror(errno));
		free(path);
		return EXIT_FAIL;
	}
	for (int i = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; i++) {
		struct timespec ts = { 0, 200 * 1000 * 1000 };

		if (errno != EWOULDBLOCK || i >= 300) {
			cli_fail(cli, "another 'kith sync' is still running (lock %s); try later",
				 path);
			free(path);
			close(fd);
			return EXIT_FAIL;
		}
		nanosleep(&ts, NULL);
	}
	free(path);
	*out_fd = fd;
	return EXIT_OK;
}

static void print_actions(const struct kith_sync_result *r)
{
	for (size_t i = 0; i < r->n_actions; i++) {
		const struct kith_sync_action *a = &r->actions[i];

		const char *name = a->name ? a->name : "-";
		size_t w = out_width(name);

		/* Pad by display width: names are often not ASCII. */
		printf("%-10s %s%*s %s\n", kith_sync_action_str(a->kind), name,
		       w < 24 ? (int)(24 - w) : 0, "", a->detail ? a->detail : "");
	}
}

int cmd_sync(struct cli *cli, int argc, char **argv)
{
	struct cli_optparser p;
	struct cli_config cfg;
	struct kith_sync_options so;
	struct kith_sync_result *res = NULL;
	struct kith_target *target = NULL;
#ifdef KITH_TEST_HOOKS
	struct fault fault;
	struct kith_sync_hooks hooks = { fault_hook, &fault };
#endif
	const char *target_opt = NULL, *env, *create_cal = NULL;
	char *password = NULL;
	char *url = NULL, *abs_url = NULL, *tz = NULL, *epoch;
	enum kith_status st;
	int opt, rc, dry_run = 0, force = 0, plain = 0, embedded = 0, lock_fd = -1;

	memset(&cfg, 0, sizeof(cfg));
	memset(&so, 0, sizeof(so));
	cli_opt_init(&p, cli, opts, argc, argv);
	while ((opt = cli_opt_next(&p)) != OPT_DONE) {
		switch (opt) {
		case OPT_HELP: return cli_help(usage);
		case OPT_POSITIONAL: return cli_usage_error(cli, "unexpected argument '%s'", p.arg);
		case O_TARGET: target_opt = p.arg; break;
		case O_DRY_RUN: dry_run = 1; break;
		case O_FORCE: force = 1; break;
		case O_PLAIN: plain = 1; break;
		case O_CREATE_CAL: create_cal = p.arg; break;
		default: return EXIT_USAGE;
		}
	}
	if ((rc = cli_finish_globals(cli)))
		return rc;
	if ((rc = cli_config_load(cli, &cfg)))
		return rc;
	if ((rc = cli_open_store(cli, 0)))
		goto out;
	if (target_opt)
		url = strdup(target_opt);
	else if ((env = getenv("KITH_URL")) && *env)
		url = strdup(env);
	else if (cfg.url)
		url = strdup(cfg.url);
	else {
		url = default_target(cli);
		embedded = 1;
	}
	abs_url = url ? absolute(url) : NULL;
	if (!abs_url) {
		cli_fail(cli, "out of memory");
		rc = EXIT_FAIL;
		goto out;
	}
	/*
	 * Credentials before the lock: a password_command waiting for a
	 * pinentry must not block every other sync of this store.
	 */
	if ((rc = cli_target_password(cli, &cfg, abs_url, &password)))
		goto out;
	if (!dry_run && (rc = take_sync_lock(cli, &lock_fd)))
		goto out;
	rc = cli_target_for(cli, &cfg, abs_url, create_cal, password, &target);
	cli_secret_free(password);
	password = NULL;
	if (rc)
		goto out;
	if (embedded && !cli->quiet)
		printf("No sync target is configured: using the local calendar file %s\n"
		       "(open it in Thunderbird or Evolution, or set 'url' in the configuration)\n",
		       abs_url);
	tz = cli_config_timezone(&cfg);
	so.today = cli->today;
	so.tzid = tz;
	so.dry_run = dry_run;
	so.force = force;
	so.reminder.window_days = cfg.window_days;
	so.reminder.mode = plain || cfg.plain ? KITH_MODE_PLAIN : KITH_MODE_RRULE;
	so.reminder.alarm = cfg.alarm;
	so.reminder.alarm_minutes = cfg.alarm_minutes;
	if ((epoch = getenv("SOURCE_DATE_EPOCH")) && *epoch) {
		/* Reproducible output: created and rewritten reminders alike. */
		so.reminder.dtstamp = (time_t)strtoll(epoch, NULL, 10);
		so.now = so.reminder.dtstamp;
	}
#ifdef KITH_TEST_HOOKS
	st = kith_sync_with_hooks(cli->store, target, &so, setup_fault(&fault) ? &hooks : NULL,
				  &res);
#else
	st = kith_sync(cli->store, target, &so, &res);
#endif
	if (res && !cli->quiet)
		print_actions(res);
	if (st != KITH_OK) {
		cli_fail(cli, "sync with %s failed: %s", abs_url, kith_ctx_errmsg(cli->ctx));
		rc = EXIT_FAIL;
		goto out;
	}
	if (!cli->quiet || res->touches || res->created || res->updated || res->deleted) {
		printf("%s %s: %ld touch%s logged, %ld created, %ld rewritten, %ld removed, "
		       "%ld unchanged",
		       dry_run ? "Dry run against" : "Synced with", abs_url, res->touches,
		       res->touches == 1 ? "" : "es", res->created, res->updated, res->deleted,
		       res->unchanged);
		if (res->snoozed)
			printf(", %ld snoozed", res->snoozed);
		if (res->paused)
			printf(", %ld paused", res->paused);
		if (res->held)
			printf(", %ld held back", res->held);
		printf("\n");
	}
	if (res->paused && !cli->quiet)
		printf("Paused contacts (reminder deleted in a calendar app) get no reminder "
		       "until 'kith edit CONTACT --resume'.\n");
	if (res->retries && !cli->quiet)
		printf("The calendar changed while kith was syncing: it was read again "
		       "(%d time%s) and the changes merged.\n",
		       res->retries, res->retries == 1 ? "" : "s");
	/*
	 * Exit 0: everything else synced, and the next sync tries these again.
	 * The warning goes where cron and systemd look.
	 */
	if (res->held && !dry_run)
		fprintf(stderr,
			"kith: warning: %ld reminder%s held back (listed above as 'held'); "
			"'kith report' lists them and why\n",
			res->held, res->held == 1 ? "" : "s");
	rc = EXIT_OK;
out:
	if (target && cli->verbose && kith_target_request_count(target))
		fprintf(stderr, "kith: %ld HTTP requests\n", kith_target_request_count(target));
	kith_sync_result_free(res);
	kith_target_free(target);
	cli_secret_free(password);
	cli_config_clear(&cfg);
	if (lock_fd >= 0)
		close(lock_fd);
	free(url);
	free(abs_url);
	free(tz);
	return rc;
}
