/* SPDX-License-Identifier: MIT */
/* kith review: the weekly review. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "output.h"

static const char usage[] =
	"Usage: kith review [--days N] [--format table|json]\n"
	"\n"
	"The weekly review: who was added and which touches were logged in the last\n"
	"N days, whom you mailed or met then who is not in kith (found by kith\n"
	"scan, with the 'kith add' line to paste), who is overdue, and who falls\n"
	"due in the next N days.\n"
	"\n"
	"Options:\n"
	"  --days N      the length of the review (default 7)\n"
	"  --format F    table (default) or json\n";

enum { O_DAYS = 1, O_FORMAT };

static const struct cli_option opts[] = {
	{ "days", 0, 1, O_DAYS },
	{ "format", 0, 1, O_FORMAT },
	{ NULL, 0, 0, 0 },
};

static int nomem(struct cli *cli, struct table *t)
{
	table_free(t);
	cli_fail(cli, "out of memory");
	return EXIT_FAIL;
}

/* Print a section's rows (indented) or "(none)". */
static void section_end(struct table *t, int color)
{
	if (table_rows(t) == 0)
		puts("  (none)");
	else
		table_print(t, stdout, 2, 1, color);
	table_free(t);
}

/* More people than this added in the window (an import): counted, not listed. */
#define ADDED_LISTED_MAX 20

struct added_group {
	struct kith_date day;
	const char *tier;
	long n;
};

static int print_added_groups(struct cli *cli, const struct kith_review *rv, int color)
{
	struct added_group *g = calloc(rv->n_added, sizeof(*g));
	struct table *t = table_new(3, NULL);
	size_t ng = 0;

	if (!g || !t) {
		free(g);
		return nomem(cli, t);
	}
	for (size_t i = 0; i < rv->n_added; i++) {
		const struct kith_contact *c = &rv->added[i];
		size_t k = 0;

		while (k < ng && (kith_date_cmp(g[k].day, c->added) || strcmp(g[k].tier, c->tier)))
			k++;
		if (k == ng) {
			g[ng].day = c->added;
			g[ng].tier = c->tier;
			ng++;
		}
		g[k].n++;
	}
	for (size_t k = 0; k < ng; k++) {
		char date[KITH_DATE_BUFSZ], count[48];
		const char *cells[3];

		snprintf(count, sizeof(count), "%ld %s", g[k].n, g[k].n == 1 ? "person" : "people");
		cells[0] = kith_date_format(g[k].day, date);
		cells[1] = count;
		cells[2] = g[k].tier;
		if (table_add_row(t, STYLE_NONE, cells)) {
			free(g);
			return nomem(cli, t);
		}
	}
	free(g);
	table_print(t, stdout, 2, 1, color);
	table_free(t);
	printf("  %zu in all: too many to list here ('kith review --format json' names them).\n"
	       "  Their first reminders are spread out: 'kith report --all' shows when.\n",
	       rv->n_added);
	return EXIT_OK;
}

static int print_added(struct cli *cli, const struct kith_review *rv, int color)
{
	struct table *t;

	printf("Added in the last %d day%s\n", rv->days, rv->days == 1 ? "" : "s");
	if (rv->n_added > ADDED_LISTED_MAX)
		return print_added_groups(cli, rv, color);
	t = table_new(3, NULL);
	if (!t)
		return nomem(cli, NULL);
	for (size_t i = 0; i < rv->n_added; i++) {
		const struct kith_contact *c = &rv->added[i];
		char date[KITH_DATE_BUFSZ],
			*who = out_printf("#%lld %s", (long long)c->id, c->name);
		const char *cells[3];
		int failed;

		if (!who)
			return nomem(cli, t);
		cells[0] = kith_date_format(c->added, date);
		cells[1] = who;
		cells[2] = c->tier;
		failed = table_add_row(t, STYLE_NONE, cells);
		free(who);
		if (failed)
			return nomem(cli, t);
	}
	section_end(t, color);
	return EXIT_OK;
}

static int print_touches(struct cli *cli, const struct kith_review *rv, int color)
{
	struct table *t = table_new(5, NULL);

	printf("Touches logged in the last %d day%s\n", rv->days, rv->days == 1 ? "" : "s");
	if (!t)
		return nomem(cli, NULL);
	for (size_t i = 0; i < rv->n_touches; i++) {
		const struct kith_touch *tc = &rv->touches[i].touch;
		char date[KITH_DATE_BUFSZ];
		const char *cells[5];

		cells[0] = kith_date_format(tc->on, date);
		cells[1] = rv->touches[i].name;
		cells[2] = tc->channel ? tc->channel : "-";
		cells[3] = kith_direction_str(tc->direction);
		cells[4] = tc->note;
		if (table_add_row(t, STYLE_NONE, cells) != 0)
			return nomem(cli, t);
	}
	section_end(t, color);
	return EXIT_OK;
}

/* People found by kith scan in the review's window who are not contacts. */
struct newcomers {
	struct kith_candidate *list;
	size_t n;
};

static int print_newcomers(struct cli *cli, const struct kith_review *rv,
			   const struct newcomers *nc, int color)
{
	struct table *t = table_new(3, NULL);

	if (rv->days == 7)
		puts("Met or mailed this week, not in kith");
	else
		printf("Met or mailed in the last %d day%s, not in kith\n", rv->days,
		       rv->days == 1 ? "" : "s");
	if (!t)
		return nomem(cli, NULL);
	for (size_t i = 0; i < nc->n; i++) {
		const struct kith_candidate *c = &nc->list[i];
		char *count = out_printf("%ld", c->exchanges),
		     *add = cli_add_line(c->name, c->address);
		const char *cells[3];
		int failed;

		if (!count || !add) {
			free(count);
			free(add);
			return nomem(cli, t);
		}
		cells[0] = c->name ? c->name : c->address;
		cells[1] = count;
		cells[2] = add;
		failed = table_add_row(t, STYLE_NONE, cells);
		free(count);
		free(add);
		if (failed)
			return nomem(cli, t);
	}
	section_end(t, color);
	return EXIT_OK;
}

static int print_due(struct cli *cli, const struct kith_review *rv, enum kith_due_state want,
		     int color)
{
	struct table *t = table_new(5, NULL);
	const struct kith_report *r = rv->due;

	if (want == KITH_DUE_OVERDUE)
		puts("Overdue");
	else
		printf("Due in the next %d day%s\n", rv->days, rv->days == 1 ? "" : "s");
	if (!t)
		return nomem(cli, NULL);
	for (size_t i = 0; r && i < r->n_rows; i++) {
		const struct kith_report_row *row = &r->rows[i];
		char over[48], due[KITH_DATE_BUFSZ], *last, *when;
		const char *cells[5];
		int failed;

		if (row->standing.state != want)
			continue;
		cli_overdue_text(&row->standing, over, sizeof(over));
		last = cli_last_touch_text(&row->standing, rv->today);
		when = out_printf("%s (%s)", over, kith_date_format(row->standing.due, due));
		if (!last || !when) {
			free(last);
			free(when);
			return nomem(cli, t);
		}
		cells[0] = row->name;
		cells[1] = row->tier;
		cells[2] = when;
		cells[3] = row->via ? row->via : "-";
		cells[4] = last;
		failed = table_add_row(t, want == KITH_DUE_OVERDUE ? STYLE_RED : STYLE_YELLOW,
				       cells);
		free(last);
		free(when);
		if (failed)
			return nomem(cli, t);
	}
	section_end(t, color);
	return EXIT_OK;
}

static int print_table(struct cli *cli, const struct kith_review *rv, const struct newcomers *nc)
{
	char from[KITH_DATE_BUFSZ], today[KITH_DATE_BUFSZ];
	int color = out_use_color(stdout);
	int rc;

	printf("Weekly review as of %s (since %s)\n\n", kith_date_format(rv->today, today),
	       kith_date_format(rv->from, from));
	if ((rc = print_added(cli, rv, color)))
		return rc;
	putchar('\n');
	if ((rc = print_touches(cli, rv, color)))
		return rc;
	putchar('\n');
	if ((rc = print_newcomers(cli, rv, nc, color)))
		return rc;
	putchar('\n');
	if ((rc = print_due(cli, rv, KITH_DUE_OVERDUE, color)))
		return rc;
	putchar('\n');
	if ((rc = print_due(cli, rv, KITH_DUE_SOON, color)))
		return rc;
	putchar('\n');
	puts("Log a touch: kith touch CONTACT --via CHANNEL");
	return EXIT_OK;
}

static int print_json(struct cli *cli, const struct kith_review *rv, const struct newcomers *nc)
{
	struct json j;
	static const enum kith_due_state states[] = { KITH_DUE_OVERDUE, KITH_DUE_SOON };
	static const char *const keys[] = { "overdue", "due_soon" };

	json_init(&j, stdout);
	json_begin_object(&j);
	json_kv_date(&j, "as_of", rv->today);
	json_kv_date(&j, "from", rv->from);
	json_kv_int(&j, "days", rv->days);
	json_key(&j, "added");
	json_begin_array(&j);
	for (size_t i = 0; i < rv->n_added; i++) {
		const struct kith_contact *c = &rv->added[i];

		json_begin_object(&j);
		json_kv_int(&j, "id", c->id);
		json_kv_string(&j, "name", c->name);
		json_kv_string(&j, "tier", c->tier);
		json_kv_date(&j, "added", c->added);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_key(&j, "touches");
	json_begin_array(&j);
	for (size_t i = 0; i < rv->n_touches; i++) {
		const struct kith_touch *tc = &rv->touches[i].touch;

		json_begin_object(&j);
		json_kv_int(&j, "id", tc->id);
		json_kv_int(&j, "contact_id", tc->contact_id);
		json_kv_string(&j, "name", rv->touches[i].name);
		json_kv_date(&j, "on", tc->on);
		json_kv_string(&j, "channel", tc->channel);
		json_kv_string(&j, "direction", kith_direction_str(tc->direction));
		json_kv_string(&j, "note", tc->note);
		json_kv_string(&j, "source", kith_source_str(tc->source));
		json_end_object(&j);
	}
	json_end_array(&j);
	json_key(&j, "not_in_kith");
	json_begin_array(&j);
	for (size_t i = 0; i < nc->n; i++) {
		char *add = cli_add_line(nc->list[i].name, nc->list[i].address);

		if (!add) {
			cli_fail(cli, "out of memory");
			return EXIT_FAIL;
		}
		cli_json_candidate(&j, &nc->list[i], add);
		free(add);
	}
	json_end_array(&j);
	for (size_t k = 0; k < 2; k++) {
		json_key(&j, keys[k]);
		json_begin_array(&j);
		for (size_t i = 0; rv->due && i < rv->due->n_rows; i++)
			if (rv->due->rows[i].standing.state == states[k])
				cli_json_report_row(&j, &rv->due->rows[i], rv->today);
		json_end_array(&j);
	}
	json_end_object(&j);
	json_finish(&j);
	return EXIT_OK;
}

int cmd_review(struct cli *cli, int argc, char **argv)
{
	struct cli_optparser p;
	struct kith_review *rv = NULL;
	struct kith_candidate_filter f;
	struct newcomers nc = { NULL, 0 };
	struct cli_config cfg;
	enum cli_format format = FORMAT_TABLE;
	const char *format_text = NULL, *days_text = NULL;
	enum kith_status st;
	long days = 7;
	int opt, rc;

	memset(&cfg, 0, sizeof(cfg));
	cli_opt_init(&p, cli, opts, argc, argv);
	while ((opt = cli_opt_next(&p)) != OPT_DONE) {
		switch (opt) {
		case OPT_HELP: return cli_help(usage);
		case OPT_POSITIONAL: return cli_usage_error(cli, "unexpected argument '%s'", p.arg);
		case O_DAYS: days_text = p.arg; break;
		case O_FORMAT: format_text = p.arg; break;
		default: return EXIT_USAGE;
		}
	}
	if ((rc = cli_finish_globals(cli)))
		return rc;
	if (format_text && (rc = cli_parse_format(cli, format_text, FORMATS_TABLE_JSON, &format)))
		return rc;
	if (days_text && (rc = cli_parse_int(cli, "--days", days_text, 1, 366, &days)))
		return rc;
	if ((rc = cli_open_store(cli, 0)))
		return rc;
	st = kith_review_build(cli->store, cli->today, (int)days, &rv);
	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot build the review");
	if ((rc = cli_config_load(cli, &cfg)))
		goto out;
	/* Counted in the review's window, most frequent first; never the user's own. */
	memset(&f, 0, sizeof(f));
	f.from = rv->from;
	f.to = rv->today;
	f.exclude = (const char *const *)cfg.me.items;
	f.n_exclude = cfg.me.n;
	st = kith_store_list_candidates(cli->store, &f, &nc.list, &nc.n);
	if (st != KITH_OK) {
		rc = cli_lib_error(cli, st, "cannot list the candidates");
		goto out;
	}
	if (format == FORMAT_JSON)
		rc = print_json(cli, rv, &nc);
	else
		rc = print_table(cli, rv, &nc);
out:
	kith_candidate_list_free(nc.list, nc.n);
	cli_config_clear(&cfg);
	kith_review_free(rv);
	return rc;
}
