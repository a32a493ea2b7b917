/* SPDX-License-Identifier: MIT */
/* kith tier list | set | rm: tiers and their default cadences. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

static const char usage[] =
	"Usage: kith tier list [--format table|csv|json]\n"
	"       kith tier set NAME CADENCE [--description TEXT] [--default]\n"
	"       kith tier rm NAME\n"
	"\n"
	"A tier gives its contacts a default cadence.  'set' creates or changes one,\n"
	"'rm' removes one that no contact (archived ones included) is in.\n"
	"\n"
	"Options:\n"
	"  --format F           list: table (default), csv or json\n"
	"  --description TEXT   set: what the tier is for\n"
	"  --default            set: new contacts go in this tier unless --tier says\n"
	"\n"
	"Cadences: " KITH_CADENCE_FORMS "\n";

enum { O_FORMAT = 1, O_DESCRIPTION, O_DEFAULT };

static const struct cli_option opts[] = {
	{ "format", 0, 1, O_FORMAT },
	{ "description", 0, 1, O_DESCRIPTION },
	{ "default", 0, 0, O_DEFAULT },
	{ NULL, 0, 0, 0 },
};

struct tier_args {
	const char *pos[3];
	int npos;
	const char *format, *description;
	int make_default;
};

static int tier_list(struct cli *cli, const struct tier_args *a)
{
	static const char *const headers[] = { "TIER", "CADENCE", "DESCRIPTION", "CONTACTS" };
	static const char *const csv_headers[] = { "name", "cadence", "description", "contacts" };
	enum cli_format format = FORMAT_TABLE;
	struct kith_tier *tiers = NULL;
	struct table *t = NULL;
	size_t n = 0;
	enum kith_status st;
	int rc;

	if (a->format && (rc = cli_parse_format(cli, a->format, FORMATS_ALL, &format)))
		return rc;
	if ((rc = cli_open_store(cli, 0)))
		return rc;
	st = kith_store_list_tiers(cli->store, &tiers, &n);
	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot list the tiers");

	if (format == FORMAT_JSON) {
		struct json j;

		json_init(&j, stdout);
		json_begin_array(&j);
		for (size_t i = 0; i < n; i++) {
			json_begin_object(&j);
			json_kv_string(&j, "name", tiers[i].name);
			json_key(&j, "cadence");
			json_cadence(&j, tiers[i].cadence);
			json_kv_string(&j, "description", tiers[i].description);
			json_kv_int(&j, "contacts", tiers[i].n_contacts);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_finish(&j);
		goto out;
	}
	if (format == FORMAT_CSV)
		csv_row(stdout, csv_headers, 4);
	else if (!(t = table_new(4, headers)))
		goto nomem;
	if (t)
		table_align_right(t, 3);
	for (size_t i = 0; i < n; i++) {
		char cad[KITH_CADENCE_BUFSZ], count[24];
		const char *cells[4];

		snprintf(count, sizeof(count), "%ld", tiers[i].n_contacts);
		cells[0] = tiers[i].name;
		cells[2] = tiers[i].description;
		cells[3] = count;
		if (format == FORMAT_CSV) {
			cells[1] = kith_cadence_format(tiers[i].cadence, cad);
			csv_row(stdout, cells, 4);
		} else {
			cells[1] = kith_cadence_describe(tiers[i].cadence, cad);
			if (table_add_row(t, STYLE_NONE, cells) != 0)
				goto nomem;
		}
	}
	if (t)
		table_print(t, stdout, 0, 0, out_use_color(stdout));
out:
	table_free(t);
	kith_tier_list_free(tiers, n);
	return EXIT_OK;
nomem:
	table_free(t);
	kith_tier_list_free(tiers, n);
	cli_fail(cli, "out of memory");
	return EXIT_FAIL;
}

static int tier_set(struct cli *cli, const struct tier_args *a)
{
	struct kith_cadence cad;
	struct kith_tier *old = NULL;
	char buf[KITH_CADENCE_BUFSZ];
	const char *name = a->pos[1];
	enum kith_status st;
	int rc, existed;

	if (a->npos < 3)
		return cli_usage_error(cli, "tier set: missing %s",
				       a->npos < 2 ? "NAME" : "CADENCE");
	if (!*name || name[0] == '-' || strpbrk(name, " \t\r\n,"))
		return cli_usage_error(cli, "bad tier name '%s': use one word", name);
	if ((rc = cli_parse_cadence(cli, a->pos[2], &cad)))
		return rc;
	if ((rc = cli_open_store(cli, 0)))
		return rc;
	if ((rc = cli_begin(cli)))
		return rc;
	st = kith_store_get_tier(cli->store, name, &old);
	if (st != KITH_OK && st != KITH_ERR_NOT_FOUND) {
		rc = cli_lib_error(cli, st, "cannot read the tiers");
		goto out;
	}
	existed = st == KITH_OK;
	st = kith_store_set_tier(cli->store, name, cad, a->description);
	if (st != KITH_OK) {
		rc = cli_lib_error(cli, st, "cannot save the tier");
		goto out;
	}
	if (a->make_default) {
		st = kith_store_set_meta(cli->store, "default_tier", name);
		if (st != KITH_OK) {
			rc = cli_lib_error(cli, st, "cannot save the default tier");
			goto out;
		}
	}
	if ((rc = cli_commit(cli)))
		goto out;
	if (!cli->quiet)
		printf("%s tier %s: %s%s\n", existed ? "Updated" : "Created", name,
		       kith_cadence_describe(cad, buf), a->make_default ? " (the default)" : "");
out:
	cli_rollback(cli);
	kith_tier_free(old);
	return rc;
}

static long count_members(struct cli *cli, const char *name)
{
	struct kith_contact_filter filter;
	struct kith_contact *cs = NULL;
	size_t n = 0;

	memset(&filter, 0, sizeof(filter));
	filter.tier = name;
	filter.include_archived = 1;
	if (kith_store_list_contacts(cli->store, &filter, &cs, &n) != KITH_OK)
		return -1;
	kith_contact_list_free(cs, n);
	return (long)n;
}

static int tier_rm(struct cli *cli, const struct tier_args *a)
{
	const char *name = a->pos[1];
	enum kith_status st;
	long n;
	int rc;

	if (a->npos < 2)
		return cli_usage_error(cli, "tier rm: missing NAME");
	if (a->npos > 2)
		return cli_usage_error(cli, "unexpected argument '%s'", a->pos[2]);
	if ((rc = cli_open_store(cli, 0)))
		return rc;
	if ((rc = cli_begin(cli)))
		return rc;
	st = kith_store_remove_tier(cli->store, name);
	switch (st) {
	case KITH_OK: break;
	case KITH_ERR_NOT_FOUND: cli_rollback(cli); return cli_unknown_tier(cli, name, 0);
	case KITH_ERR_IN_USE:
		n = count_members(cli, name);
		cli_rollback(cli);
		if (n >= 0)
			cli_err(cli, "tier '%s' still has %ld contact%s; move them first", name, n,
				n == 1 ? "" : "s");
		else
			cli_err(cli, "tier '%s' still has contacts; move them first", name);
		fprintf(stderr,
			"Move one with 'kith edit CONTACT --tier OTHER' "
			"(see 'kith list --all --tier %s').\n",
			name);
		return EXIT_USAGE;
	default:
		rc = cli_lib_error(cli, st, "cannot remove the tier");
		cli_rollback(cli);
		return rc;
	}
	if ((rc = cli_commit(cli)))
		return rc;
	if (!cli->quiet)
		printf("Removed tier %s\n", name);
	return EXIT_OK;
}

int cmd_tier(struct cli *cli, int argc, char **argv)
{
	struct cli_optparser p;
	struct tier_args a;
	const char *sub;
	int opt, rc;

	memset(&a, 0, sizeof(a));
	cli_opt_init(&p, cli, opts, argc, argv);
	while ((opt = cli_opt_next(&p)) != OPT_DONE) {
		switch (opt) {
		case OPT_HELP: return cli_help(usage);
		case OPT_POSITIONAL:
			if (a.npos == 3)
				return cli_usage_error(cli, "unexpected argument '%s'", p.arg);
			a.pos[a.npos++] = p.arg;
			break;
		case O_FORMAT: a.format = p.arg; break;
		case O_DESCRIPTION: a.description = p.arg; break;
		case O_DEFAULT: a.make_default = 1; break;
		default: return EXIT_USAGE;
		}
	}
	if ((rc = cli_finish_globals(cli)))
		return rc;
	sub = a.npos > 0 ? a.pos[0] : "list";
	if (strcmp(sub, "list") == 0) {
		if (a.npos > 1)
			return cli_usage_error(cli, "unexpected argument '%s'", a.pos[1]);
		if (a.description || a.make_default)
			return cli_usage_error(cli, "tier list takes only --format");
		return tier_list(cli, &a);
	}
	if (strcmp(sub, "set") == 0) {
		if (a.format)
			return cli_usage_error(cli, "tier set does not take --format");
		return tier_set(cli, &a);
	}
	if (strcmp(sub, "rm") == 0 || strcmp(sub, "remove") == 0) {
		if (a.format || a.description || a.make_default)
			return cli_usage_error(cli, "tier rm takes no options");
		return tier_rm(cli, &a);
	}
	return cli_usage_error(cli, "unknown subcommand '%s': use list, set or rm", sub);
}
