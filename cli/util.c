/* SPDX-License-Identifier: MIT */
/*
 * What the commands share: messages and exit codes, value parsing, the
 * store and its transaction, contact and tier lookup.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "output.h"

/* ---- messages ---- */

void cli_err(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli->cmd ? cli->cmd : "kith");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_fail(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	(void)cli;
	fputs("kith: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_try_help(const struct cli *cli)
{
	fprintf(stderr, "Try '%s --help'.\n", cli->cmd ? cli->cmd : "kith");
}

int cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli->cmd ? cli->cmd : "kith");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	cli_try_help(cli);
	return EXIT_USAGE;
}

int cli_help(const char *usage)
{
	fputs(usage, stdout);
	return EXIT_OK;
}

int cli_exit_code(enum kith_status st)
{
	switch (st) {
	case KITH_OK: return EXIT_OK;
	case KITH_ERR_INVALID:
	case KITH_ERR_NOT_FOUND:
	case KITH_ERR_AMBIGUOUS:
	case KITH_ERR_EXISTS:
	case KITH_ERR_IN_USE: return EXIT_USAGE;
	case KITH_ERR_NETWORK:
	case KITH_ERR_AUTH:
		/* The server, not the command line: a wrong password is no usage error. */
		return EXIT_FAIL;
	default:
		/* NOMEM, IO, DB, SCHEMA, ICAL, BUSY and any later runtime failure */
		return EXIT_FAIL;
	}
}

static const char *detail(const struct cli *cli, enum kith_status st)
{
	const char *msg = kith_ctx_errmsg(cli->ctx);

	return (msg && *msg) ? msg : kith_status_str(st);
}

int cli_lib_error(struct cli *cli, enum kith_status st, const char *what)
{
	const char *msg = kith_ctx_errmsg(cli->ctx);
	int hint = !msg || !*msg; /* the library's detail says what to do */

	cli_fail(cli, "%s: %s", what, detail(cli, st));
	if (!hint)
		return cli_exit_code(st);
	if (st == KITH_ERR_BUSY)
		fputs("Another kith is using the store; try again in a moment.\n", stderr);
	else if (st == KITH_ERR_SCHEMA)
		fputs("The store was written by a newer kith; upgrade kith to use it.\n", stderr);
	return cli_exit_code(st);
}

/* ---- values ---- */

/*
 * "kith touch: bad date '2026-13-01': no such day".  The library's detail
 * usually names the value already; then it is the whole message.
 */
static void bad_value(const struct cli *cli, const char *prefix, const char *kind, const char *text,
		      const char *msg)
{
	char *quoted = out_printf("'%s'", text);

	if (quoted && strstr(msg, quoted))
		cli_err(cli, "%s%s", prefix, msg);
	else
		cli_err(cli, "%s%s '%s': %s", prefix, kind, text, msg);
	free(quoted);
}

int cli_finish_globals(struct cli *cli)
{
	struct kith_date d;
	enum kith_status st;

	if (!cli->today_text)
		return EXIT_OK;
	st = kith_date_parse(cli->ctx, cli->today_text, &d);
	if (st != KITH_OK) {
		bad_value(cli, "--today: ", "bad date", cli->today_text, detail(cli, st));
		return EXIT_USAGE;
	}
	cli->today = d;
	return EXIT_OK;
}

int cli_parse_date(struct cli *cli, const char *text, struct kith_date *out)
{
	struct kith_date d;
	enum kith_status st;

	if (strcmp(text, "today") == 0) {
		*out = cli->today;
		return EXIT_OK;
	}
	if (strcmp(text, "yesterday") == 0) {
		*out = kith_date_add_days(cli->today, -1);
		return EXIT_OK;
	}
	st = kith_date_parse(cli->ctx, text, &d);
	if (st != KITH_OK) {
		bad_value(cli, "", "bad date", text, detail(cli, st));
		return EXIT_USAGE;
	}
	*out = d;
	return EXIT_OK;
}

int cli_parse_cadence(struct cli *cli, const char *text, struct kith_cadence *out)
{
	struct kith_cadence c;
	enum kith_status st = kith_cadence_parse(cli->ctx, text, &c);

	if (st != KITH_OK) {
		const char *msg = detail(cli, st);

		bad_value(cli, "", "bad cadence", text, msg);
		if (!strstr(msg, "quarterly"))
			fputs("Accepted forms: " KITH_CADENCE_FORMS ".\n", stderr);
		return EXIT_USAGE;
	}
	*out = c;
	return EXIT_OK;
}

int cli_parse_since(struct cli *cli, const char *text, struct kith_date *out)
{
	if (kith_import_parse_since(cli->ctx, text, cli->today, out) == KITH_OK)
		return EXIT_OK;
	cli_err(cli, "%s", kith_ctx_errmsg(cli->ctx));
	return EXIT_USAGE;
}

int cli_parse_int(struct cli *cli, const char *opt, const char *text, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < min || v > max) {
		cli_err(cli, "bad value '%s' for %s: use a whole number from %ld to %ld", text, opt,
			min, max);
		return EXIT_USAGE;
	}
	*out = v;
	return EXIT_OK;
}

int cli_parse_format(struct cli *cli, const char *text, unsigned allowed, enum cli_format *out)
{
	static const char *const names[] = { "table", "csv", "json" };

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((allowed & (1u << i)) && strcmp(text, names[i]) == 0) {
			*out = (enum cli_format)i;
			return EXIT_OK;
		}
	}
	if (allowed & (1u << FORMAT_CSV))
		cli_err(cli, "unknown format '%s': use table, csv or json", text);
	else
		cli_err(cli, "unknown format '%s': use table or json", text);
	return EXIT_USAGE;
}

int cli_strdup(struct cli *cli, const char *s, char **out)
{
	char *copy = NULL;

	if (s) {
		copy = strdup(s);
		if (!copy) {
			cli_fail(cli, "out of memory");
			return EXIT_FAIL;
		}
	}
	*out = copy;
	return EXIT_OK;
}

/* ---- the store ---- */

static int resolve_db_path(struct cli *cli)
{
	const char *env;

	if (cli->db_opt) {
		if (!*cli->db_opt) {
			cli_err(cli, "--db needs a path");
			return EXIT_USAGE;
		}
		cli->db_path = strdup(cli->db_opt);
	} else if ((env = getenv("KITH_DB")) && *env) {
		cli->db_path = strdup(env);
	} else if ((env = getenv("XDG_DATA_HOME")) && env[0] == '/') {
		cli->db_path = out_printf("%s/kith/kith.db", env);
	} else if ((env = getenv("HOME")) && *env) {
		cli->db_path = out_printf("%s/.local/share/kith/kith.db", env);
	} else {
		cli_fail(cli, "cannot find the store: HOME is not set; use --db PATH or KITH_DB");
		return EXIT_FAIL;
	}
	if (!cli->db_path) {
		cli_fail(cli, "out of memory");
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int no_store(const struct cli *cli)
{
	cli_fail(cli, "no store at %s; run 'kith init' first", cli->db_path);
	return EXIT_FAIL;
}

int cli_open_store(struct cli *cli, int create)
{
	enum kith_status st;
	struct stat sb;
	int rc;
	char *what;

	rc = resolve_db_path(cli);
	if (rc)
		return rc;
	if (!create) {
		/* never create a database just to find it missing */
		if (stat(cli->db_path, &sb) != 0) {
			if (errno == ENOENT)
				return no_store(cli);
			cli_fail(cli, "cannot open store at %s: %s", cli->db_path, strerror(errno));
			return EXIT_FAIL;
		}
	}
	if (cli->verbose)
		fprintf(stderr, "kith: using store at %s\n", cli->db_path);
	st = kith_store_open(cli->ctx, cli->db_path, &cli->store);
	if (st != KITH_OK) {
		cli->store = NULL;
		/* the library's detail usually names the file already */
		if (strstr(detail(cli, st), cli->db_path))
			what = out_printf("cannot open the store");
		else
			what = out_printf("cannot open store at %s", cli->db_path);
		rc = cli_lib_error(cli, st, what ? what : "cannot open store");
		free(what);
		/* a user cannot fix a store file by changing the command line */
		return rc == EXIT_USAGE ? EXIT_FAIL : rc;
	}
	if (!create && !kith_store_is_initialized(cli->store))
		return no_store(cli);
	return EXIT_OK;
}

void cli_close_store(struct cli *cli)
{
	cli_rollback(cli);
	kith_store_close(cli->store);
	cli->store = NULL;
}

int cli_begin(struct cli *cli)
{
	enum kith_status st = kith_store_begin(cli->store);

	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot start a change to the store");
	cli->in_tx = 1;
	return EXIT_OK;
}

int cli_commit(struct cli *cli)
{
	enum kith_status st = kith_store_commit(cli->store);

	if (st != KITH_OK) {
		int rc = cli_lib_error(cli, st, "cannot save the change");

		cli_rollback(cli);
		return rc == EXIT_USAGE ? EXIT_FAIL : rc;
	}
	cli->in_tx = 0;
	return EXIT_OK;
}

void cli_rollback(struct cli *cli)
{
	if (cli->in_tx && cli->store)
		kith_store_rollback(cli->store);
	cli->in_tx = 0;
}

/* ---- contacts and tiers ---- */

int cli_reread_contact(struct cli *cli, int64_t id, struct kith_contact **out)
{
	enum kith_status st = kith_store_get_contact(cli->store, id, out);

	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot read the contact again");
	return EXIT_OK;
}

int cli_resolve_contact(struct cli *cli, const char *query, struct kith_contact **out)
{
	struct kith_contact *c = NULL, *cands = NULL;
	size_t n = 0;
	enum kith_status st;
	int w = 1;

	if (!query || !*query) {
		cli_err(cli, "CONTACT is empty: give an id, an email or part of a name");
		return EXIT_USAGE;
	}
	st = kith_store_resolve_contact(cli->store, query, &c, &cands, &n);
	switch (st) {
	case KITH_OK: *out = c; return EXIT_OK;
	case KITH_ERR_NOT_FOUND:
		cli_fail(cli, "no contact matches '%s'", query);
		fputs("See 'kith list --all' for everyone in the store.\n", stderr);
		return EXIT_USAGE;
	case KITH_ERR_AMBIGUOUS:
		if (!cands || n == 0) {
			cli_fail(cli, "'%s' matches several contacts: %s", query, detail(cli, st));
			return EXIT_USAGE;
		}
		cli_fail(cli, "'%s' matches %zu contacts:", query, n);
		for (size_t i = 0; i < n; i++) {
			char *id = out_printf("%lld", (long long)cands[i].id);
			int len = id ? (int)strlen(id) : 1;

			if (len > w)
				w = len;
			free(id);
		}
		for (size_t i = 0; i < n; i++) {
			fprintf(stderr, "  %*lld  %s", w, (long long)cands[i].id,
				cands[i].name ? cands[i].name : "");
			if (cands[i].emails.n > 0)
				fprintf(stderr, " <%s>", cands[i].emails.items[0]);
			if (cands[i].archived)
				fputs(" (archived)", stderr);
			fputc('\n', stderr);
		}
		fputs("Use the id or an email to pick one.\n", stderr);
		kith_contact_list_free(cands, n);
		return EXIT_USAGE;
	default: return cli_lib_error(cli, st, "cannot look up the contact");
	}
}

int cli_unknown_tier(struct cli *cli, const char *name, int suggest_create)
{
	struct kith_tier *tiers = NULL;
	size_t n = 0;

	cli_err(cli, "unknown tier '%s'", name);
	if (kith_store_list_tiers(cli->store, &tiers, &n) == KITH_OK && n > 0) {
		fputs("The tiers are:", stderr);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "%s %s", i ? "," : "", tiers[i].name);
		fputs(".\n", stderr);
	}
	kith_tier_list_free(tiers, n);
	if (suggest_create)
		fprintf(stderr, "Create it with 'kith tier set %s CADENCE'.\n", name);
	return EXIT_USAGE;
}

int cli_check_tier(struct cli *cli, const char *name, struct kith_tier **out)
{
	struct kith_tier *t = NULL;
	enum kith_status st = kith_store_get_tier(cli->store, name, &t);

	if (st == KITH_OK) {
		if (out)
			*out = t;
		else
			kith_tier_free(t);
		return EXIT_OK;
	}
	if (st != KITH_ERR_NOT_FOUND)
		return cli_lib_error(cli, st, "cannot read the tiers");
	return cli_unknown_tier(cli, name, 1);
}

int cli_effective_cadence(struct cli *cli, const struct kith_contact *c, struct kith_cadence *out,
			  int *out_is_override)
{
	struct kith_tier *t = NULL;
	enum kith_status st;

	/* A contact's own cadence needs no tier. */
	if (!kith_cadence_is_set(c->cadence)) {
		st = kith_store_get_tier(cli->store, c->tier, &t);
		if (st != KITH_OK)
			return cli_lib_error(cli, st, "cannot read the contact's tier");
	}
	*out = kith_schedule_cadence(c->cadence, c->tier, t, t ? 1 : 0);
	if (out_is_override)
		*out_is_override = kith_cadence_is_set(c->cadence);
	kith_tier_free(t);
	return EXIT_OK;
}

void cli_format_age(long days, char *buf, size_t size)
{
	if (days < 0)
		snprintf(buf, size, "in %ld day%s", -days, days == -1 ? "" : "s");
	else if (days == 0)
		snprintf(buf, size, "today");
	else if (days == 1)
		snprintf(buf, size, "1 day ago");
	else if (days < 14)
		snprintf(buf, size, "%ld days ago", days);
	else if (days < 60)
		snprintf(buf, size, "%ld weeks ago", days / 7);
	else if (days < 730)
		snprintf(buf, size, "%ld months ago", days / 30);
	else
		snprintf(buf, size, "%ld years ago", days / 365);
}

int cli_contact_summary(struct cli *cli, const struct kith_contact *c, char **out)
{
	struct kith_standing s;
	enum kith_status st;
	char cad[KITH_CADENCE_BUFSZ], due[KITH_DATE_BUFSZ];
	const char *state = "";
	char *line;

	memset(&s, 0, sizeof(s));
	st = kith_store_standing(cli->store, c, cli->today, KITH_DEFAULT_WINDOW_DAYS, &s);
	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot compute when the contact is due");
	kith_cadence_describe(s.cadence, cad);
	kith_date_format(s.due, due);
	if (c->archived)
		state = "; archived";
	else if (c->paused)
		state = "; paused";
	if (c->archived)
		line = out_printf("#%lld %s (%s, %s%s)", (long long)c->id, c->name, c->tier, cad,
				  state);
	else
		line = out_printf("#%lld %s (%s, %s; next due %s%s)", (long long)c->id, c->name,
				  c->tier, cad, due, state);
	kith_standing_clear(&s);
	if (!line) {
		cli_fail(cli, "out of memory");
		return EXIT_FAIL;
	}
	*out = line;
	return EXIT_OK;
}

/* ---- report rows ---- */

long cli_days_since(const struct kith_standing *s, struct kith_date today)
{
	if (!kith_date_is_set(s->last_touch))
		return -1;
	return kith_date_diff_days(s->last_touch, today);
}

char *cli_last_touch_text(const struct kith_standing *s, struct kith_date today)
{
	char date[KITH_DATE_BUFSZ], age[32];

	if (!kith_date_is_set(s->last_touch))
		return out_printf("never");
	cli_format_age(cli_days_since(s, today), age, sizeof(age));
	return out_printf("%s%s%s (%s)", kith_date_format(s->last_touch, date),
			  s->last_channel ? " " : "", s->last_channel ? s->last_channel : "", age);
}

void cli_overdue_text(const struct kith_standing *s, char *buf, size_t size)
{
	long d = s->days_overdue;

	switch (s->state) {
	case KITH_DUE_OVERDUE:
		if (d <= 0)
			snprintf(buf, size, "due today");
		else
			snprintf(buf, size, "%ld day%s", d, d == 1 ? "" : "s");
		break;
	case KITH_DUE_SOON:
		if (d >= 0)
			snprintf(buf, size, "due today");
		else
			snprintf(buf, size, "due in %ld day%s", -d, d == -1 ? "" : "s");
		break;
	case KITH_DUE_PAUSED: snprintf(buf, size, "paused"); break;
	case KITH_DUE_OK:
	default: snprintf(buf, size, "-"); break;
	}
}

#define REPORT_NCOLS 13

static const char *const report_keys[REPORT_NCOLS] = {
	"id",  "name",         "tier",  "cadence", "last_touch", "last_channel", "days_since",
	"due", "days_overdue", "state", "via",     "email",      "phone",
};

void cli_json_report_row(struct json *j, const struct kith_report_row *r, struct kith_date today)
{
	const struct kith_standing *s = &r->standing;

	json_begin_object(j);
	json_kv_int(j, "id", r->contact_id);
	json_kv_string(j, "name", r->name);
	json_kv_string(j, "tier", r->tier);
	json_key(j, "cadence");
	json_cadence(j, s->cadence);
	json_kv_date(j, "last_touch", s->last_touch);
	json_kv_string(j, "last_channel", kith_date_is_set(s->last_touch) ? s->last_channel : NULL);
	json_key(j, "days_since");
	if (kith_date_is_set(s->last_touch))
		json_int(j, cli_days_since(s, today));
	else
		json_null(j);
	json_kv_date(j, "due", s->due);
	json_kv_int(j, "days_overdue", s->days_overdue);
	json_kv_string(j, "state", kith_due_state_str(s->state));
	json_kv_string(j, "via", r->via);
	json_kv_string(j, "email", r->email);
	json_kv_string(j, "phone", r->phone);
	json_end_object(j);
}

void cli_csv_report_header(FILE *f)
{
	csv_row(f, report_keys, REPORT_NCOLS);
}

void cli_csv_report_row(FILE *f, const struct kith_report_row *r, struct kith_date today)
{
	const struct kith_standing *s = &r->standing;
	char id[24], cad[KITH_CADENCE_BUFSZ], last[KITH_DATE_BUFSZ], since[24],
		due[KITH_DATE_BUFSZ], over[24];
	const char *cells[REPORT_NCOLS];
	int touched = kith_date_is_set(s->last_touch);

	snprintf(id, sizeof(id), "%lld", (long long)r->contact_id);
	if (touched)
		snprintf(since, sizeof(since), "%ld", cli_days_since(s, today));
	snprintf(over, sizeof(over), "%ld", s->days_overdue);
	cells[0] = id;
	cells[1] = r->name;
	cells[2] = r->tier;
	cells[3] = kith_cadence_format(s->cadence, cad);
	cells[4] = kith_date_format(s->last_touch, last);
	cells[5] = touched ? s->last_channel : NULL;
	cells[6] = touched ? since : NULL;
	cells[7] = kith_date_format(s->due, due);
	cells[8] = over;
	cells[9] = kith_due_state_str(s->state);
	cells[10] = r->via;
	cells[11] = r->email;
	cells[12] = r->phone;
	csv_row(f, cells, REPORT_NCOLS);
}

int cli_open_store_if_any(struct cli *cli)
{
	struct stat sb;
	int rc = resolve_db_path(cli);

	if (rc || cli->store || stat(cli->db_path, &sb) != 0)
		return rc;
	if (kith_store_open(cli->ctx, cli->db_path, &cli->store) != KITH_OK) {
		/* Not this command's business: it goes on without. */
		cli->store = NULL;
	}
	return EXIT_OK;
}

int cli_print_held(struct cli *cli, FILE *f, const char *target_url, const char *lead)
{
	struct kith_held *h = NULL;
	size_t n = 0;
	enum kith_status st = kith_sync_held(cli->store, target_url, &h, &n);

	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot read what the sync holds back");
	if (n) {
		fputs(lead, f);
		fprintf(f,
			"Held back by the sync (%zu): kith could not read or write %s; the other "
			"reminders synced.\n",
			n, n == 1 ? "this reminder" : "these reminders");
		for (size_t i = 0; i < n; i++) {
			/* The day is enough here; the time is in the store. */
			fprintf(f, "  %s (since %.10s%s%s): %s\n", h[i].name,
				h[i].since ? h[i].since : "?", target_url ? "" : ", ",
				target_url ? "" : h[i].target, h[i].reason);
		}
		fprintf(f,
			"Every 'kith sync' tries %s again. Fix or remove %s in the calendar app "
			"or on the server if the reason says so; 'kith sync -v' shows the "
			"requests.\n",
			n == 1 ? "it" : "them", n == 1 ? "it" : "them");
	}
	kith_held_list_free(h, n);
	return EXIT_OK;
}

/* ---- candidates ---- */

/* Characters a shell takes literally outside quotes. */
static int shell_plain(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./_-",
			    *s))
			return 0;
	return 1;
}

/*
 * s quoted for a POSIX shell into out (which has room for 4 * strlen + 3):
 * double quotes when nothing inside them is special, else single quotes
 * with ' written as '\''.  Control characters (a folded header) become blanks.
 */
static void shell_quote(char *out, const char *s)
{
	int dq = !strpbrk(s, "\"$`\\!");
	char *o = out;

	*o++ = dq ? '"' : '\'';
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < 0x20 || ch == 0x7f) {
			*o++ = ' ';
		} else if (!dq && ch == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = (char)ch;
		}
	}
	*o++ = dq ? '"' : '\'';
	*o = '\0';
}

char *cli_add_line(const char *name, const char *address)
{
	const char *who = name && *name ? name : address;
	size_t nw = strlen(who), na = strlen(address);
	char *qn = malloc(4 * nw + 3), *qa = malloc(4 * na + 3), *line = NULL;

	if (qn && qa) {
		shell_quote(qn, who);
		if (shell_plain(address))
			memcpy(qa, address, na + 1);
		else
			shell_quote(qa, address);
		line = out_printf("kith add %s --email %s", qn, qa);
	}
	free(qn);
	free(qa);
	return line;
}

void cli_json_candidate(struct json *j, const struct kith_candidate *c, const char *add_line)
{
	json_begin_object(j);
	json_kv_string(j, "name", c->name);
	json_kv_string(j, "address", c->address);
	json_kv_date(j, "first", c->first);
	json_kv_date(j, "last", c->last);
	json_kv_int(j, "mails_in", c->mails_in);
	json_kv_int(j, "mails_out", c->mails_out);
	json_kv_int(j, "meetings", c->meetings);
	json_kv_int(j, "exchanges", c->exchanges);
	json_kv_string(j, "add", add_line);
	json_end_object(j);
}
