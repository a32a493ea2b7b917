/* SPDX-License-Identifier: MIT */
/*
 * kith export: the reminders as one iCalendar file, the contacts as vCards,
 * or the whole store as JSON.  Files are replaced whole or not at all
 * (kith_file_write_atomic()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

static const char usage[] =
	"Usage: kith export (--ics FILE | --vcard FILE | --json FILE) [--plain] [--window N]\n"
	"\n"
	"Write every active contact's reminder as an iCalendar VTODO (--ics), or\n"
	"the whole store, archived contacts and touch history included, as JSON\n"
	"(--json).  FILE '-' is standard output.\n"
	"\n"
	"Options:\n"
	"  --ics FILE      the reminders, one VTODO per active contact\n"
	"  --vcard FILE    every contact, archived ones too, as vCard 4.0 (Google,\n"
	"                  Apple, Thunderbird import it; 'kith import' reads it back)\n"
	"  --json FILE     everything, as one JSON object\n"
	"  --plain         --ics: no RRULE (for servers and clients that refuse it)\n"
	"  --window N      --ics: DTSTART is N days before DUE (default 7)\n"
	"\n"
	"SOURCE_DATE_EPOCH, if set, is the DTSTAMP of every reminder.\n";

enum { O_ICS = 1, O_JSON, O_VCARD, O_PLAIN, O_WINDOW };

static const struct cli_option opts[] = {
	{ "ics", 0, 1, O_ICS },     { "json", 0, 1, O_JSON },     { "vcard", 0, 1, O_VCARD },
	{ "plain", 0, 0, O_PLAIN }, { "window", 0, 1, O_WINDOW }, { NULL, 0, 0, 0 },
};

/* ---- writing ---- */

/* FILE, or standard output for "-".  0 or an exit code. */
static int write_file(struct cli *cli, const char *path, const char *data, size_t len)
{
	if (strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			cli_fail(cli, "cannot write to standard output: %s", strerror(errno));
			return EXIT_FAIL;
		}
		return EXIT_OK;
	}
	/* The library's writer: a unique temporary name, so two exports never share one. */
	if (kith_file_write_atomic(cli->ctx, path, data, len) != KITH_OK) {
		cli_fail(cli, "%s", kith_ctx_errmsg(cli->ctx));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* ---- SOURCE_DATE_EPOCH ---- */

static int dtstamp_from_env(struct cli *cli, time_t *out)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	*out = 0;
	if (!s || !*s)
		return EXIT_OK;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v <= 0 || (long long)(time_t)v != v) {
		cli_fail(cli, "SOURCE_DATE_EPOCH '%s' is not a number of seconds since 1970", s);
		return EXIT_USAGE;
	}
	*out = (time_t)v;
	return EXIT_OK;
}

/* ---- JSON ---- */

static void json_strlist(struct json *j, const char *key, const struct kith_strlist *l)
{
	json_key(j, key);
	json_begin_array(j);
	for (size_t i = 0; i < l->n; i++)
		json_string(j, l->items[i]);
	json_end_array(j);
}

static int json_touches(struct cli *cli, struct json *j, int64_t contact_id)
{
	struct kith_touch_filter filter;
	struct kith_touch *ts = NULL;
	size_t n = 0;
	enum kith_status st;

	memset(&filter, 0, sizeof(filter));
	filter.contact_id = contact_id;
	st = kith_store_list_touches(cli->store, &filter, &ts, &n);
	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot read the touch history");
	json_key(j, "touches");
	json_begin_array(j);
	for (size_t i = 0; i < n; i++) {
		json_begin_object(j);
		json_kv_int(j, "id", ts[i].id);
		json_kv_date(j, "on", ts[i].on);
		json_kv_string(j, "at", ts[i].at);
		json_kv_string(j, "channel", ts[i].channel);
		json_kv_string(j, "direction", kith_direction_str(ts[i].direction));
		json_kv_string(j, "note", ts[i].note);
		json_kv_string(j, "source", kith_source_str(ts[i].source));
		json_end_object(j);
	}
	json_end_array(j);
	kith_touch_list_free(ts, n);
	return EXIT_OK;
}

static int build_json(struct cli *cli, FILE *f, size_t *out_n)
{
	struct kith_contact_filter filter;
	struct kith_contact *cs = NULL;
	struct kith_tier *tiers = NULL;
	size_t n = 0, nt = 0;
	enum kith_status st;
	struct json j;
	int rc = EXIT_OK;

	st = kith_store_list_tiers(cli->store, &tiers, &nt);
	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot list the tiers");
	memset(&filter, 0, sizeof(filter));
	filter.include_archived = 1;
	st = kith_store_list_contacts(cli->store, &filter, &cs, &n);
	if (st != KITH_OK) {
		rc = cli_lib_error(cli, st, "cannot list the contacts");
		goto out;
	}

	json_init(&j, f);
	json_begin_object(&j);
	json_kv_int(&j, "version", 1);
	json_kv_date(&j, "exported", cli->today);
	json_key(&j, "tiers");
	json_begin_array(&j);
	for (size_t i = 0; i < nt; i++) {
		json_begin_object(&j);
		json_kv_string(&j, "name", tiers[i].name);
		json_key(&j, "cadence");
		json_cadence(&j, tiers[i].cadence);
		json_kv_string(&j, "description", tiers[i].description);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_key(&j, "contacts");
	json_begin_array(&j);
	for (size_t i = 0; i < n; i++) {
		const struct kith_contact *c = &cs[i];

		json_begin_object(&j);
		json_kv_int(&j, "id", c->id);
		json_kv_string(&j, "uid", c->uid);
		json_kv_string(&j, "name", c->name);
		json_strlist(&j, "emails", &c->emails);
		json_strlist(&j, "phones", &c->phones);
		json_kv_string(&j, "org", c->org);
		json_kv_string(&j, "tier", c->tier);
		json_key(&j, "cadence");
		json_cadence(&j, c->cadence);
		json_kv_string(&j, "via", c->via);
		json_kv_string(&j, "notes", c->notes);
		json_kv_string(&j, "how_met", c->how_met);
		json_strlist(&j, "tags", &c->tags);
		json_kv_date(&j, "added", c->added);
		json_kv_date(&j, "snoozed_until", c->snoozed_until);
		json_key(&j, "archived");
		json_bool(&j, c->archived);
		json_key(&j, "paused");
		json_bool(&j, c->paused);
		if ((rc = json_touches(cli, &j, c->id)))
			goto out;
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	if (json_finish(&j) != 0) {
		cli_fail(cli, "internal error: unbalanced JSON");
		rc = EXIT_FAIL;
		goto out;
	}
	*out_n = n;
out:
	kith_contact_list_free(cs, n);
	kith_tier_list_free(tiers, nt);
	return rc;
}

static int export_json(struct cli *cli, const char *path)
{
	char *data = NULL;
	size_t len = 0, n = 0;
	FILE *f = open_memstream(&data, &len);
	int rc;

	if (!f) {
		cli_fail(cli, "out of memory");
		return EXIT_FAIL;
	}
	rc = build_json(cli, f, &n);
	if (fclose(f) != 0 && rc == EXIT_OK) {
		cli_fail(cli, "out of memory");
		rc = EXIT_FAIL;
	}
	if (rc == EXIT_OK)
		rc = write_file(cli, path, data, len);
	free(data);
	if (rc == EXIT_OK && !cli->quiet && strcmp(path, "-") != 0)
		printf("Wrote %zu contact%s to %s\n", n, n == 1 ? "" : "s", path);
	return rc;
}

static int export_ics(struct cli *cli, const char *path, int plain, long window)
{
	struct kith_reminder_options ro;
	enum kith_status st;
	char *data = NULL;
	size_t n = 0;
	int rc;

	memset(&ro, 0, sizeof(ro));
	ro.window_days = (int)window;
	ro.mode = plain ? KITH_MODE_PLAIN : KITH_MODE_RRULE;
	if ((rc = dtstamp_from_env(cli, &ro.dtstamp)))
		return rc;
	st = kith_export_ics(cli->store, cli->today, &ro, &data, &n);
	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot build the reminders");
	rc = write_file(cli, path, data, strlen(data));
	free(data);
	if (rc == EXIT_OK && !cli->quiet && strcmp(path, "-") != 0)
		printf("Wrote %zu reminder%s to %s\n", n, n == 1 ? "" : "s", path);
	return rc;
}

static int export_vcard(struct cli *cli, const char *path)
{
	enum kith_status st;
	char *data = NULL;
	size_t n = 0;
	int rc;

	st = kith_export_vcard(cli->store, &data, &n);
	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot build the vCards");
	rc = write_file(cli, path, data, strlen(data));
	free(data);
	if (rc == EXIT_OK && !cli->quiet && strcmp(path, "-") != 0)
		printf("Wrote %zu contact%s to %s (vCard 4.0)\n", n, n == 1 ? "" : "s", path);
	return rc;
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
	struct cli_optparser p;
	const char *ics = NULL, *json = NULL, *vcard = NULL, *window_text = NULL;
	long window = KITH_DEFAULT_WINDOW_DAYS;
	int opt, rc, plain = 0;

	cli_opt_init(&p, cli, opts, argc, argv);
	while ((opt = cli_opt_next(&p)) != OPT_DONE) {
		switch (opt) {
		case OPT_HELP: return cli_help(usage);
		case OPT_POSITIONAL: return cli_usage_error(cli, "unexpected argument '%s'", p.arg);
		case O_ICS: ics = p.arg; break;
		case O_JSON: json = p.arg; break;
		case O_VCARD: vcard = p.arg; break;
		case O_PLAIN: plain = 1; break;
		case O_WINDOW: window_text = p.arg; break;
		default: return EXIT_USAGE;
		}
	}
	if ((ics != NULL) + (json != NULL) + (vcard != NULL) != 1)
		return cli_usage_error(
			cli, "give exactly one of --ics FILE, --vcard FILE and --json FILE");
	if (!ics && (plain || window_text))
		return cli_usage_error(cli, "--plain and --window go with --ics");
	if ((rc = cli_finish_globals(cli)))
		return rc;
	if (window_text && (rc = cli_parse_int(cli, "--window", window_text, 1, 365, &window)))
		return rc;
	if ((ics && !*ics) || (json && !*json) || (vcard && !*vcard))
		return cli_usage_error(cli, "FILE is empty (use '-' for standard output)");
	if ((rc = cli_open_store(cli, 0)))
		return rc;
	if (vcard)
		return export_vcard(cli, vcard);
	if (ics)
		return export_ics(cli, ics, plain, window);
	return export_json(cli, json);
}
