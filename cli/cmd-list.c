/* SPDX-License-Identifier: MIT */
/* kith list: the contacts, as a table, CSV or JSON. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

static const char usage[] =
	"Usage: kith list [--tier T] [--all] [--format table|csv|json]\n"
	"\n"
	"List the active contacts, sorted by name.\n"
	"\n"
	"Options:\n"
	"  --tier T          only tier T\n"
	"  --all             include archived contacts\n"
	"  --format F        table (default), csv or json; columns: id, name, tier,\n"
	"                    cadence, email, phone, org, via, added, archived\n";

enum { O_TIER = 1, O_ALL, O_FORMAT };

static const struct cli_option opts[] = {
	{ "tier", 0, 1, O_TIER },
	{ "all", 0, 0, O_ALL },
	{ "format", 0, 1, O_FORMAT },
	{ NULL, 0, 0, 0 },
};

#define NCOLS 10

static const char *const csv_headers[NCOLS] = {
	"id", "name", "tier", "cadence", "email", "phone", "org", "via", "added", "archived",
};

static const char *const table_headers[NCOLS] = {
	"ID", "NAME", "TIER", "CADENCE", "EMAIL", "PHONE", "ORG", "VIA", "ADDED", "ARCHIVED",
};

static const char *first(const struct kith_strlist *l)
{
	return l->n > 0 ? l->items[0] : NULL;
}

static void print_json(const struct kith_contact *cs, size_t n, const struct kith_tier *tiers,
		       size_t nt)
{
	struct json j;

	json_init(&j, stdout);
	json_begin_array(&j);
	for (size_t i = 0; i < n; i++) {
		const struct kith_contact *c = &cs[i];

		json_begin_object(&j);
		json_kv_int(&j, "id", c->id);
		json_kv_string(&j, "name", c->name);
		json_kv_string(&j, "tier", c->tier);
		json_key(&j, "cadence");
		json_cadence(&j, kith_schedule_cadence(c->cadence, c->tier, tiers, nt));
		json_kv_string(&j, "email", first(&c->emails));
		json_kv_string(&j, "phone", first(&c->phones));
		json_kv_string(&j, "org", c->org);
		json_kv_string(&j, "via", c->via);
		json_kv_date(&j, "added", c->added);
		json_key(&j, "archived");
		json_bool(&j, c->archived);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_finish(&j);
}

static int print_rows(struct cli *cli, enum cli_format format, const struct kith_contact *cs,
		      size_t n, const struct kith_tier *tiers, size_t nt)
{
	struct table *t = NULL;
	int rc = EXIT_OK;

	if (format == FORMAT_JSON) {
		print_json(cs, n, tiers, nt);
		return EXIT_OK;
	}
	if (format == FORMAT_CSV) {
		csv_row(stdout, csv_headers, NCOLS);
	} else {
		if (n == 0) {
			if (!cli->quiet)
				puts("No contacts.  Add one: kith add NAME --email E");
			return EXIT_OK;
		}
		t = table_new(NCOLS, table_headers);
		if (!t)
			goto nomem;
		table_align_right(t, 0);
	}
	for (size_t i = 0; i < n; i++) {
		const struct kith_contact *c = &cs[i];
		char id[24], cad[KITH_CADENCE_BUFSZ], added[KITH_DATE_BUFSZ];
		const char *cells[NCOLS];

		snprintf(id, sizeof(id), "%lld", (long long)c->id);
		cells[0] = id;
		cells[1] = c->name;
		cells[2] = c->tier;
		cells[3] = kith_cadence_format(
			kith_schedule_cadence(c->cadence, c->tier, tiers, nt), cad);
		cells[4] = first(&c->emails);
		cells[5] = first(&c->phones);
		cells[6] = c->org;
		cells[7] = c->via;
		cells[8] = kith_date_format(c->added, added);
		if (format == FORMAT_CSV) {
			cells[9] = c->archived ? "1" : "0";
			csv_row(stdout, cells, NCOLS);
		} else {
			cells[9] = c->archived ? "yes" : "";
			if (table_add_row(t, c->archived ? STYLE_DIM : STYLE_NONE, cells) != 0)
				goto nomem;
		}
	}
	if (t)
		table_print(t, stdout, 0, 0, out_use_color(stdout));
	table_free(t);
	return rc;
nomem:
	table_free(t);
	cli_fail(cli, "out of memory");
	return EXIT_FAIL;
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
	struct cli_optparser p;
	struct kith_contact_filter filter;
	struct kith_contact *cs = NULL;
	struct kith_tier *tiers = NULL;
	size_t n = 0, nt = 0;
	enum cli_format format = FORMAT_TABLE;
	enum kith_status st;
	const char *format_text = NULL;
	int opt, rc;

	memset(&filter, 0, sizeof(filter));
	cli_opt_init(&p, cli, opts, argc, argv);
	while ((opt = cli_opt_next(&p)) != OPT_DONE) {
		switch (opt) {
		case OPT_HELP: return cli_help(usage);
		case OPT_POSITIONAL: return cli_usage_error(cli, "unexpected argument '%s'", p.arg);
		case O_TIER: filter.tier = p.arg; break;
		case O_ALL: filter.include_archived = 1; break;
		case O_FORMAT: format_text = p.arg; break;
		default: return EXIT_USAGE;
		}
	}
	if ((rc = cli_finish_globals(cli)))
		return rc;
	if (format_text && (rc = cli_parse_format(cli, format_text, FORMATS_ALL, &format)))
		return rc;
	if ((rc = cli_open_store(cli, 0)))
		return rc;
	if (filter.tier && (rc = cli_check_tier(cli, filter.tier, NULL)))
		return rc;

	st = kith_store_list_tiers(cli->store, &tiers, &nt);
	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot list the tiers");
	st = kith_store_list_contacts(cli->store, &filter, &cs, &n);
	if (st != KITH_OK) {
		rc = cli_lib_error(cli, st, "cannot list the contacts");
		goto out;
	}
	rc = print_rows(cli, format, cs, n, tiers, nt);
out:
	kith_contact_list_free(cs, n);
	kith_tier_list_free(tiers, nt);
	return rc;
}
