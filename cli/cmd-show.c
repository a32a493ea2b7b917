/* SPDX-License-Identifier: MIT */
/* kith show: one contact's details, where it stands, and its history. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

static const char usage[] =
	"Usage: kith show CONTACT [--format table|json]\n"
	"\n"
	"Show a contact: every field, its effective cadence, last touch, next due,\n"
	"snooze, and its touch history, newest first.\n";

enum { O_FORMAT = 1 };

static const struct cli_option opts[] = {
	{ "format", 0, 1, O_FORMAT },
	{ NULL, 0, 0, 0 },
};

static void field(const char *label, const char *value)
{
	printf("  %-13s %s\n", label, value && *value ? value : "-");
}

static void list_field(const char *label, const struct kith_strlist *l)
{
	printf("  %-13s", label);
	if (l->n == 0)
		fputs(" -", stdout);
	for (size_t i = 0; i < l->n; i++)
		printf("%s %s", i ? "," : "", l->items[i]);
	putchar('\n');
}

static void due_text(const struct kith_contact *c, const struct kith_standing *s, char *buf,
		     size_t size)
{
	char due[KITH_DATE_BUFSZ];

	kith_date_format(s->due, due);
	if (c->archived)
		snprintf(buf, size, "- (archived)");
	else if (s->state == KITH_DUE_PAUSED || c->paused)
		snprintf(buf, size, "%s (paused: its reminder was deleted; 'kith edit --resume')",
			 due);
	else if (s->days_overdue > 0)
		snprintf(buf, size, "%s (overdue by %ld day%s)", due, s->days_overdue,
			 s->days_overdue == 1 ? "" : "s");
	else if (s->days_overdue == 0)
		snprintf(buf, size, "%s (due today)", due);
	else
		snprintf(buf, size, "%s (in %ld day%s)", due, -s->days_overdue,
			 s->days_overdue == -1 ? "" : "s");
}

static int print_text(struct cli *cli, const struct kith_contact *c, const struct kith_standing *s,
		      int override, const struct kith_touch *ts, size_t nt)
{
	static const char *const headers[] = { "DATE", "CHANNEL", "DIRECTION", "SOURCE", "NOTE" };
	char cad[KITH_CADENCE_BUFSZ], date[KITH_DATE_BUFSZ], age[32], line[160];
	char *text;
	struct table *t;

	printf("#%lld %s\n", (long long)c->id, c->name);
	list_field("Email:", &c->emails);
	list_field("Phone:", &c->phones);
	field("Organisation:", c->org);
	field("Tier:", c->tier);
	snprintf(line, sizeof(line), "%s (%s)", kith_cadence_describe(s->cadence, cad),
		 override ? "override" : "tier default");
	field("Cadence:", line);
	field("Via:", c->via);
	list_field("Tags:", &c->tags);
	field("Met:", kith_date_format(c->added, date));
	field("How met:", c->how_met);
	field("Notes:", c->notes);
	field("Status:", c->archived ? "archived" : c->paused ? "paused" : "active");
	if (kith_date_is_set(s->last_touch)) {
		cli_format_age(kith_date_diff_days(s->last_touch, cli->today), age, sizeof(age));
		kith_date_format(s->last_touch, date);
		text = out_printf("%s%s%s (%s)", date, s->last_channel ? " " : "",
				  s->last_channel ? s->last_channel : "", age);
		if (!text)
			goto nomem;
		field("Last touch:", text);
		free(text);
	} else {
		field("Last touch:", "never");
	}
	due_text(c, s, line, sizeof(line));
	field("Next due:", line);
	if (kith_date_is_set(c->snoozed_until) && kith_date_cmp(c->snoozed_until, cli->today) > 0) {
		snprintf(line, sizeof(line), "until %s", kith_date_format(c->snoozed_until, date));
		field("Snoozed:", line);
	} else {
		field("Snoozed:", NULL);
	}
	field("Reminder UID:", c->uid);

	putchar('\n');
	if (nt == 0) {
		puts("History: no touches yet.");
		return EXIT_OK;
	}
	puts("History (newest first):");
	t = table_new(5, headers);
	if (!t)
		goto nomem;
	for (size_t i = 0; i < nt; i++) {
		const char *cells[5];
		char *source = NULL;
		int bad;

		/* A scanned touch says where it was found: "mail in ~/Mail/Sent". */
		if (ts[i].found_in)
			source = out_printf("%s in %s", kith_source_str(ts[i].source),
					    ts[i].found_in);
		cells[0] = kith_date_format(ts[i].on, date);
		cells[1] = ts[i].channel ? ts[i].channel : "-";
		cells[2] = kith_direction_str(ts[i].direction);
		cells[3] = source ? source : kith_source_str(ts[i].source);
		cells[4] = ts[i].note;
		bad = (ts[i].found_in && !source) || table_add_row(t, STYLE_NONE, cells) != 0;
		free(source);
		if (bad) {
			table_free(t);
			goto nomem;
		}
	}
	table_print(t, stdout, 2, 0, out_use_color(stdout));
	table_free(t);
	return EXIT_OK;
nomem:
	cli_fail(cli, "out of memory");
	return EXIT_FAIL;
}

static void json_strlist(struct json *j, const char *key, const struct kith_strlist *l)
{
	json_key(j, key);
	json_begin_array(j);
	for (size_t i = 0; i < l->n; i++)
		json_string(j, l->items[i]);
	json_end_array(j);
}

static void print_json(const struct kith_contact *c, const struct kith_standing *s, int override,
		       const struct kith_touch *ts, size_t nt)
{
	struct json j;

	json_init(&j, stdout);
	json_begin_object(&j);
	json_kv_int(&j, "id", c->id);
	json_kv_string(&j, "uid", c->uid);
	json_kv_string(&j, "name", c->name);
	json_strlist(&j, "emails", &c->emails);
	json_strlist(&j, "phones", &c->phones);
	json_kv_string(&j, "org", c->org);
	json_kv_string(&j, "tier", c->tier);
	json_key(&j, "cadence");
	json_cadence(&j, s->cadence);
	json_key(&j, "cadence_override");
	json_bool(&j, override);
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
	json_kv_date(&j, "last_touch", s->last_touch);
	json_kv_string(&j, "last_channel", s->last_channel);
	json_key(&j, "days_since");
	if (kith_date_is_set(s->last_touch))
		json_int(&j, s->days_since);
	else
		json_null(&j);
	json_kv_date(&j, "due", s->due);
	json_kv_int(&j, "days_overdue", s->days_overdue);
	json_kv_string(&j, "state", kith_due_state_str(s->state));
	json_key(&j, "touches");
	json_begin_array(&j);
	for (size_t i = 0; i < nt; i++) {
		json_begin_object(&j);
		json_kv_int(&j, "id", ts[i].id);
		json_kv_date(&j, "on", ts[i].on);
		json_kv_string(&j, "at", ts[i].at);
		json_kv_string(&j, "channel", ts[i].channel);
		json_kv_string(&j, "direction", kith_direction_str(ts[i].direction));
		json_kv_string(&j, "note", ts[i].note);
		json_kv_string(&j, "source", kith_source_str(ts[i].source));
		json_kv_string(&j, "found_in", ts[i].found_in);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	json_finish(&j);
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
	struct cli_optparser p;
	struct kith_contact *c = NULL;
	struct kith_standing s;
	struct kith_touch_filter filter;
	struct kith_touch *ts = NULL;
	size_t nt = 0;
	const char *query = NULL, *format_text = NULL;
	enum cli_format format = FORMAT_TABLE;
	enum kith_status st;
	int opt, rc, override = 0, have_standing = 0;

	cli_opt_init(&p, cli, opts, argc, argv);
	while ((opt = cli_opt_next(&p)) != OPT_DONE) {
		switch (opt) {
		case OPT_HELP: return cli_help(usage);
		case OPT_POSITIONAL:
			if (query)
				return cli_usage_error(cli, "unexpected argument '%s'", p.arg);
			query = p.arg;
			break;
		case O_FORMAT: format_text = p.arg; break;
		default: return EXIT_USAGE;
		}
	}
	if (!query)
		return cli_usage_error(cli, "missing CONTACT");
	if ((rc = cli_finish_globals(cli)))
		return rc;
	if (format_text && (rc = cli_parse_format(cli, format_text, FORMATS_TABLE_JSON, &format)))
		return rc;
	if ((rc = cli_open_store(cli, 0)))
		return rc;
	if ((rc = cli_resolve_contact(cli, query, &c)))
		return rc;

	memset(&s, 0, sizeof(s));
	st = kith_store_standing(cli->store, c, cli->today, KITH_DEFAULT_WINDOW_DAYS, &s);
	if (st != KITH_OK) {
		rc = cli_lib_error(cli, st, "cannot compute when the contact is due");
		goto out;
	}
	have_standing = 1;
	override = kith_cadence_is_set(c->cadence);

	memset(&filter, 0, sizeof(filter));
	filter.contact_id = c->id;
	st = kith_store_list_touches(cli->store, &filter, &ts, &nt);
	if (st != KITH_OK) {
		rc = cli_lib_error(cli, st, "cannot read the touch history");
		goto out;
	}
	if (format == FORMAT_JSON)
		print_json(c, &s, override, ts, nt);
	else
		rc = print_text(cli, c, &s, override, ts, nt);
out:
	if (have_standing)
		kith_standing_clear(&s);
	kith_touch_list_free(ts, nt);
	kith_contact_free(c);
	return rc;
}
