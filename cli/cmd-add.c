/* SPDX-License-Identifier: MIT */
/*
 * kith add / kith edit: one contact's fields.  Both commands share the
 * option table and the code that applies the options to a contact.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

static const char add_usage[] =
	"Usage: kith add NAME [OPTIONS]\n"
	"\n"
	"Add a contact.  Its first reminder falls one cadence after --met.\n"
	"\n"
	"Options:\n"
	"  --email E          an email address (repeat for more)\n"
	"  --phone P          a phone number (repeat for more)\n"
	"  --tier T           its tier (default: the store's default tier, else regular)\n"
	"  --every CADENCE    its own cadence instead of the tier's\n"
	"                     (" KITH_CADENCE_FORMS ")\n"
	"  --via CHANNEL      preferred channel (" KITH_CHANNELS ", or any word)\n"
	"  --org ORG          organisation\n"
	"  --note TEXT        notes\n"
	"  --met DATE         when you met (YYYY-MM-DD; default: today)\n"
	"  --how-met TEXT     how you met\n"
	"  --tag TAG          a tag (repeat for more)\n";

static const char edit_usage[] =
	"Usage: kith edit CONTACT [OPTIONS]\n"
	"\n"
	"Change a contact.  --email, --phone and --tag add to the lists; the other\n"
	"options replace the field (an empty value clears it).\n"
	"\n"
	"Options:\n"
	"  --name NAME        a new display name\n"
	"  --email E          add an email address\n"
	"  --remove-email E   remove an email address\n"
	"  --phone P          add a phone number\n"
	"  --remove-phone P   remove a phone number\n"
	"  --tag TAG          add a tag\n"
	"  --remove-tag TAG   remove a tag\n"
	"  --tier T           move it to tier T\n"
	"  --every CADENCE    its own cadence (" KITH_CADENCE_FORMS ")\n"
	"  --no-cadence       back to the tier's cadence\n"
	"  --via CHANNEL      preferred channel\n"
	"  --org ORG          organisation\n"
	"  --note TEXT        notes\n"
	"  --met DATE         when you met (the baseline of a never-touched contact)\n"
	"  --how-met TEXT     how you met\n"
	"  --resume           un-archive, un-pause and un-snooze it\n";

enum {
	O_EMAIL = 1,
	O_PHONE,
	O_TIER,
	O_EVERY,
	O_VIA,
	O_ORG,
	O_NOTE,
	O_MET,
	O_HOW_MET,
	O_TAG,
	/* edit only */
	O_NAME,
	O_RESUME,
	O_NO_CADENCE,
	O_RM_EMAIL,
	O_RM_PHONE,
	O_RM_TAG,
};

static const struct cli_option add_opts[] = {
	{ "email", 0, 1, O_EMAIL }, { "phone", 0, 1, O_PHONE }, { "tier", 0, 1, O_TIER },
	{ "every", 0, 1, O_EVERY }, { "via", 0, 1, O_VIA },     { "org", 0, 1, O_ORG },
	{ "note", 0, 1, O_NOTE },   { "met", 0, 1, O_MET },     { "how-met", 0, 1, O_HOW_MET },
	{ "tag", 0, 1, O_TAG },     { NULL, 0, 0, 0 },
};

static const struct cli_option edit_opts[] = {
	{ "email", 0, 1, O_EMAIL },
	{ "phone", 0, 1, O_PHONE },
	{ "tier", 0, 1, O_TIER },
	{ "every", 0, 1, O_EVERY },
	{ "via", 0, 1, O_VIA },
	{ "org", 0, 1, O_ORG },
	{ "note", 0, 1, O_NOTE },
	{ "met", 0, 1, O_MET },
	{ "how-met", 0, 1, O_HOW_MET },
	{ "tag", 0, 1, O_TAG },
	{ "name", 0, 1, O_NAME },
	{ "resume", 0, 0, O_RESUME },
	{ "no-cadence", 0, 0, O_NO_CADENCE },
	{ "remove-email", 0, 1, O_RM_EMAIL },
	{ "remove-phone", 0, 1, O_RM_PHONE },
	{ "remove-tag", 0, 1, O_RM_TAG },
	{ NULL, 0, 0, 0 },
};

/* Values of repeatable options point into argv. */
struct values {
	const char **v;
	size_t n;
};

struct contact_opts {
	const char *target; /* NAME (add) or CONTACT (edit) */
	const char *name, *tier, *every, *via, *org, *note, *met, *how_met;
	struct values emails, phones, tags, rm_emails, rm_phones, rm_tags;
	int resume, no_cadence;
	int changes; /* options given */
	int help;
	/* parsed values */
	struct kith_cadence cadence;
	struct kith_date met_date;
};

static void opts_free(struct contact_opts *o)
{
	free(o->emails.v);
	free(o->phones.v);
	free(o->tags.v);
	free(o->rm_emails.v);
	free(o->rm_phones.v);
	free(o->rm_tags.v);
}

static int alloc_values(struct contact_opts *o, int argc)
{
	struct values *all[] = { &o->emails,    &o->phones,    &o->tags,
				 &o->rm_emails, &o->rm_phones, &o->rm_tags };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		all[i]->v = calloc((size_t)argc, sizeof(*all[i]->v));
		if (!all[i]->v)
			return -1;
	}
	return 0;
}

/*
 * Parse add's or edit's arguments into o.  Returns 0, or an exit code
 * (o->help set: print the usage).  Then parses the values that can be
 * checked without the store.
 */
static int parse(struct cli *cli, int argc, char **argv, int edit, struct contact_opts *o)
{
	struct cli_optparser p;
	int opt, rc;

	memset(o, 0, sizeof(*o));
	if (alloc_values(o, argc) != 0) {
		cli_fail(cli, "out of memory");
		return EXIT_FAIL;
	}
	cli_opt_init(&p, cli, edit ? edit_opts : add_opts, argc, argv);
	while ((opt = cli_opt_next(&p)) != OPT_DONE) {
		if (opt > 0)
			o->changes++;
		switch (opt) {
		case OPT_HELP: o->help = 1; return EXIT_OK;
		case OPT_ERROR: return EXIT_USAGE;
		case OPT_POSITIONAL:
			if (o->target)
				return cli_usage_error(cli, "unexpected argument '%s'%s", p.arg,
						       edit ? "" : " (quote a name with spaces)");
			o->target = p.arg;
			break;
		case O_EMAIL: o->emails.v[o->emails.n++] = p.arg; break;
		case O_PHONE: o->phones.v[o->phones.n++] = p.arg; break;
		case O_TAG: o->tags.v[o->tags.n++] = p.arg; break;
		case O_RM_EMAIL: o->rm_emails.v[o->rm_emails.n++] = p.arg; break;
		case O_RM_PHONE: o->rm_phones.v[o->rm_phones.n++] = p.arg; break;
		case O_RM_TAG: o->rm_tags.v[o->rm_tags.n++] = p.arg; break;
		case O_TIER: o->tier = p.arg; break;
		case O_EVERY: o->every = p.arg; break;
		case O_VIA: o->via = p.arg; break;
		case O_ORG: o->org = p.arg; break;
		case O_NOTE: o->note = p.arg; break;
		case O_MET: o->met = p.arg; break;
		case O_HOW_MET: o->how_met = p.arg; break;
		case O_NAME: o->name = p.arg; break;
		case O_RESUME: o->resume = 1; break;
		case O_NO_CADENCE: o->no_cadence = 1; break;
		default: return EXIT_USAGE;
		}
	}
	if (!o->target)
		return cli_usage_error(cli, "missing %s", edit ? "CONTACT" : "NAME");
	if (!edit && !*o->target)
		return cli_usage_error(cli, "NAME is empty");
	if (o->name && !*o->name)
		return cli_usage_error(cli, "--name is empty");
	if (o->every && o->no_cadence)
		return cli_usage_error(cli, "--every and --no-cadence contradict each other");
	if (edit && o->changes == 0)
		return cli_usage_error(cli, "nothing to change");

	rc = cli_finish_globals(cli);
	if (rc)
		return rc;
	if (o->every) {
		rc = cli_parse_cadence(cli, o->every, &o->cadence);
		if (rc)
			return rc;
	}
	if (o->met) {
		rc = cli_parse_date(cli, o->met, &o->met_date);
		if (rc)
			return rc;
		if (kith_date_cmp(o->met_date, cli->today) > 0) {
			char d[KITH_DATE_BUFSZ], t[KITH_DATE_BUFSZ];

			cli_err(cli, "--met %s is in the future (today is %s)",
				kith_date_format(o->met_date, d), kith_date_format(cli->today, t));
			return EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < o->emails.n; i++)
		if (!*o->emails.v[i])
			return cli_usage_error(cli, "--email is empty");
	for (size_t i = 0; i < o->phones.n; i++)
		if (!*o->phones.v[i])
			return cli_usage_error(cli, "--phone is empty");
	for (size_t i = 0; i < o->tags.n; i++)
		if (!*o->tags.v[i])
			return cli_usage_error(cli, "--tag is empty");
	return EXIT_OK;
}

/* Replace a string field; "" clears it. */
static int set_field(struct cli *cli, char **field, const char *value)
{
	char *copy;
	int rc = cli_strdup(cli, (value && *value) ? value : NULL, &copy);

	if (rc)
		return rc;
	free(*field);
	*field = copy;
	return EXIT_OK;
}

static int add_items(struct cli *cli, struct kith_strlist *list, const struct values *vals,
		     int nocase)
{
	for (size_t i = 0; i < vals->n; i++) {
		if (kith_strlist_has(list, vals->v[i], nocase))
			continue;
		if (kith_strlist_add(list, vals->v[i]) != KITH_OK) {
			cli_fail(cli, "out of memory");
			return EXIT_FAIL;
		}
	}
	return EXIT_OK;
}

static int remove_items(struct cli *cli, const struct kith_contact *c, struct kith_strlist *list,
			const struct values *vals, const char *what, int nocase)
{
	for (size_t i = 0; i < vals->n; i++) {
		if (kith_strlist_remove(list, vals->v[i], nocase) == 0) {
			cli_err(cli, "#%lld %s has no %s '%s'", (long long)c->id, c->name, what,
				vals->v[i]);
			return EXIT_USAGE;
		}
	}
	return EXIT_OK;
}

/* An email must not belong to another active contact. */
static int check_emails(struct cli *cli, const struct kith_contact *c, const struct values *vals,
			int edit)
{
	struct kith_contact_filter filter;
	struct kith_contact *all = NULL;
	size_t n = 0;
	enum kith_status st;
	int rc = EXIT_OK;

	if (vals->n == 0)
		return EXIT_OK;
	memset(&filter, 0, sizeof(filter));
	st = kith_store_list_contacts(cli->store, &filter, &all, &n);
	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot list the contacts");
	for (size_t i = 0; i < vals->n && rc == EXIT_OK; i++) {
		for (size_t k = 0; k < n; k++) {
			if (all[k].id == c->id || all[k].archived)
				continue;
			if (kith_strlist_has(&all[k].emails, vals->v[i], 1)) {
				cli_err(cli, "%s is already known as #%lld %s%s", vals->v[i],
					(long long)all[k].id, all[k].name,
					edit ? "" : "; use 'kith edit'");
				rc = EXIT_USAGE;
				break;
			}
		}
	}
	kith_contact_list_free(all, n);
	return rc;
}

/* Apply the options to c (a new contact when !edit).  0 or an exit code. */
static int apply(struct cli *cli, struct contact_opts *o, struct kith_contact *c, int edit)
{
	int rc;

	if (o->tier) {
		rc = cli_check_tier(cli, o->tier, NULL);
		if (rc)
			return rc;
		if ((rc = set_field(cli, &c->tier, o->tier)))
			return rc;
	}
	if (o->name && (rc = set_field(cli, &c->name, o->name)))
		return rc;
	if (o->every)
		c->cadence = o->cadence;
	if (o->no_cadence) {
		c->cadence.unit = KITH_CADENCE_NONE;
		c->cadence.n = 0;
	}
	if (o->via && (rc = set_field(cli, &c->via, o->via)))
		return rc;
	if (o->org && (rc = set_field(cli, &c->org, o->org)))
		return rc;
	if (o->note && (rc = set_field(cli, &c->notes, o->note)))
		return rc;
	if (o->how_met && (rc = set_field(cli, &c->how_met, o->how_met)))
		return rc;
	if (o->met)
		c->added = o->met_date;
	if ((rc = remove_items(cli, c, &c->emails, &o->rm_emails, "email", 1)) ||
	    (rc = remove_items(cli, c, &c->phones, &o->rm_phones, "phone", 0)) ||
	    (rc = remove_items(cli, c, &c->tags, &o->rm_tags, "tag", 1)))
		return rc;
	if ((rc = check_emails(cli, c, &o->emails, edit)))
		return rc;
	if ((rc = add_items(cli, &c->emails, &o->emails, 1)) ||
	    (rc = add_items(cli, &c->phones, &o->phones, 0)) ||
	    (rc = add_items(cli, &c->tags, &o->tags, 1)))
		return rc;
	if (o->resume) {
		c->archived = 0;
		c->paused = 0;
		memset(&c->snoozed_until, 0, sizeof(c->snoozed_until));
	}
	return EXIT_OK;
}

/*
 * What kith scan found of the contact's addresses while they were no
 * contact's becomes its touches; *c is read again when anything moved,
 * since its last touch and next due changed.  0 or an exit code.
 */
static int claim_scanned(struct cli *cli, struct kith_contact **c, size_t *moved)
{
	struct kith_contact *fresh = NULL;
	enum kith_status st = kith_store_claim_evidence(cli->store, (*c)->id, moved);
	int rc;

	if (st != KITH_OK)
		return cli_lib_error(cli, st, "cannot move the mail found by kith scan");
	if (*moved == 0)
		return EXIT_OK;
	if ((rc = cli_reread_contact(cli, (*c)->id, &fresh)))
		return rc;
	kith_contact_free(*c);
	*c = fresh;
	return EXIT_OK;
}

static void print_moved(const struct cli *cli, const struct kith_contact *c, size_t moved)
{
	if (moved && !cli->quiet)
		printf("%zu touch%s found by kith scan moved to %s\n", moved,
		       moved == 1 ? "" : "es", c->name);
}

/* The tier of a new contact: the store's "default_tier", else "regular". */
static int default_tier(struct cli *cli, char **out)
{
	char *value = NULL;
	enum kith_status st = kith_store_get_meta(cli->store, "default_tier", &value);

	if (st != KITH_OK && st != KITH_ERR_NOT_FOUND)
		return cli_lib_error(cli, st, "cannot read the default tier");
	if (st == KITH_OK && value && *value) {
		*out = value;
		return EXIT_OK;
	}
	free(value);
	return cli_strdup(cli, "regular", out);
}

int cmd_add(struct cli *cli, int argc, char **argv)
{
	struct contact_opts o;
	struct kith_contact *c = NULL;
	enum kith_status st;
	char *summary = NULL;
	size_t moved = 0;
	int rc;

	rc = parse(cli, argc, argv, 0, &o);
	if (rc || o.help) {
		if (o.help)
			rc = cli_help(add_usage);
		goto out;
	}
	if ((rc = cli_open_store(cli, 0)))
		goto out;
	if ((rc = cli_begin(cli)))
		goto out;

	c = kith_contact_new();
	if (!c) {
		cli_fail(cli, "out of memory");
		rc = EXIT_FAIL;
		goto out;
	}
	if ((rc = cli_strdup(cli, o.target, &c->name)))
		goto out;
	if (!o.tier) {
		if ((rc = default_tier(cli, &c->tier)))
			goto out;
		if ((rc = cli_check_tier(cli, c->tier, NULL)))
			goto out;
	}
	c->added = cli->today;
	if ((rc = apply(cli, &o, c, 0)))
		goto out;
	st = kith_store_add_contact(cli->store, c);
	if (st != KITH_OK) {
		rc = cli_lib_error(cli, st, "cannot add the contact");
		goto out;
	}
	if ((rc = claim_scanned(cli, &c, &moved)))
		goto out;
	if ((rc = cli_contact_summary(cli, c, &summary)))
		goto out;
	if ((rc = cli_commit(cli)))
		goto out;
	if (!cli->quiet)
		printf("Added %s\n", summary);
	print_moved(cli, c, moved);
out:
	cli_rollback(cli);
	free(summary);
	kith_contact_free(c);
	opts_free(&o);
	return rc;
}

int cmd_edit(struct cli *cli, int argc, char **argv)
{
	struct contact_opts o;
	struct kith_contact *c = NULL;
	enum kith_status st;
	char *summary = NULL;
	size_t moved = 0;
	int rc;

	rc = parse(cli, argc, argv, 1, &o);
	if (rc || o.help) {
		if (o.help)
			rc = cli_help(edit_usage);
		goto out;
	}
	if ((rc = cli_open_store(cli, 0)))
		goto out;
	if ((rc = cli_begin(cli)))
		goto out;
	if ((rc = cli_resolve_contact(cli, o.target, &c)))
		goto out;
	if ((rc = apply(cli, &o, c, 1)))
		goto out;
	st = kith_store_update_contact(cli->store, c);
	if (st != KITH_OK) {
		rc = cli_lib_error(cli, st, "cannot update the contact");
		goto out;
	}
	if ((rc = claim_scanned(cli, &c, &moved)))
		goto out;
	if ((rc = cli_contact_summary(cli, c, &summary)))
		goto out;
	if ((rc = cli_commit(cli)))
		goto out;
	if (!cli->quiet)
		printf("Updated %s\n", summary);
	print_moved(cli, c, moved);
out:
	cli_rollback(cli);
	free(summary);
	kith_contact_free(c);
	opts_free(&o);
	return rc;
}
