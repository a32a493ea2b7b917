/* SPDX-License-Identifier: MIT */
/* Tiers: the cadences contacts belong to, and the ones a new store starts with. */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "buf.h"
#include "internal.h"

static const struct {
	const char *name;
	struct kith_cadence cadence;
	const char *description;
} default_tiers[] = {
	{ "core", { KITH_CADENCE_MONTH, 2 }, "closest people: lunch every couple of months" },
	{ "regular", { KITH_CADENCE_MONTH, 3 }, "a quarterly email or call" },
	{ "outer", { KITH_CADENCE_MONTH, 6 }, "twice a year" },
	{ "annual", { KITH_CADENCE_YEAR, 1 }, "a yearly note" },
};

static enum kith_status read_tier(struct kith_store *s, sqlite3_stmt *st, struct kith_tier *t)
{
	int ok = 1;

	memset(t, 0, sizeof(*t));
	t->name = col_text(st, 0, &ok);
	t->cadence = col_cadence(st, 1);
	t->description = col_text(st, 2, &ok);
	t->n_contacts = sqlite3_column_int64(st, 3);
	if (!ok || !t->name) {
		free(t->name);
		free(t->description);
		return kith_nomem(s->ctx);
	}
	return KITH_OK;
}

#define TIER_COLUMNS                               \
	"SELECT t.name, t.cadence, t.description," \
	"  (SELECT count(*) FROM contacts c WHERE c.tier = t.name AND c.archived = 0) FROM tiers t"

static int tier_order(const void *a, const void *b)
{
	const struct kith_tier *x = a, *y = b;
	long dx = kith_cadence_approx_days(x->cadence), dy = kith_cadence_approx_days(y->cadence);

	if (dx != dy)
		return dx < dy ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Counting members reads every contact: only when the caller shows the counts. */
static enum kith_status list_tiers(struct kith_store *store, int counted, struct kith_tier **out,
				   size_t *out_n)
{
	sqlite3_stmt *st = NULL;
	struct kith_tier *tiers = NULL;
	size_t n = 0, cap = 0;
	enum kith_status rc;
	int step;

	rc = prepare(store,
		     counted ? TIER_COLUMNS : "SELECT name, cadence, description, -1 FROM tiers",
		     &st);
	if (rc)
		return rc;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (KITH_GROW(tiers, cap, n + 1, 8)) {
			rc = kith_nomem(store->ctx);
			goto out;
		}
		rc = read_tier(store, st, &tiers[n]);
		if (rc)
			goto out;
		n++;
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(store, "listing tiers");
		goto out;
	}
	/* Closest tiers first: the order people think of them in. */
	if (n)
		qsort(tiers, n, sizeof(*tiers), tier_order);
	*out = tiers;
	*out_n = n;
	tiers = NULL;
	n = 0;
out:
	finish(store, st);
	kith_tier_list_free(tiers, n);
	return rc;
}

enum kith_status kith_store_list_tiers(struct kith_store *store, struct kith_tier **out,
				       size_t *out_n)
{
	return list_tiers(store, 1, out, out_n);
}

enum kith_status kith_store_list_tiers_uncounted(struct kith_store *store, struct kith_tier **out,
						 size_t *out_n)
{
	return list_tiers(store, 0, out, out_n);
}

static enum kith_status tier_names(struct kith_store *s, char **out)
{
	struct kith_tier *tiers = NULL;
	struct kith_buf b = KITH_BUF_INIT;
	size_t n = 0;
	enum kith_status rc = list_tiers(s, 0, &tiers, &n);

	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		kith_buf_printf(&b, "%s%s", i ? ", " : "", tiers[i].name);
	kith_tier_list_free(tiers, n);
	*out = kith_buf_steal(&b);
	return *out ? KITH_OK : kith_nomem(s->ctx);
}

enum kith_status kith_store_get_tier(struct kith_store *store, const char *name,
				     struct kith_tier **out)
{
	sqlite3_stmt *st = NULL;
	struct kith_tier *t;
	enum kith_status rc;
	char *names = NULL;

	rc = prepare(store, TIER_COLUMNS " WHERE t.name = ?1", &st);
	if (rc)
		return rc;
	bind_text(st, 1, name);
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		t = calloc(1, sizeof(*t));
		if (!t) {
			rc = kith_nomem(store->ctx);
			break;
		}
		rc = read_tier(store, st, t);
		if (rc)
			free(t);
		else
			*out = t;
		break;
	case SQLITE_DONE:
		finish(store, st);
		st = NULL;
		rc = tier_names(store, &names);
		if (rc)
			break;
		rc = kith_fail(store->ctx, KITH_ERR_NOT_FOUND, "no tier '%s'; the tiers are: %s",
			       name, *names ? names : "(none)");
		free(names);
		break;
	default: rc = db_fail(store, "reading a tier");
	}
	finish(store, st);
	return rc;
}

static enum kith_status check_tier_name(struct kith_ctx *ctx, const char *name)
{
	if (!name || !*name)
		return kith_fail(ctx, KITH_ERR_INVALID, "a tier needs a name");
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == ',')
			return kith_fail(
				ctx, KITH_ERR_INVALID,
				"tier name '%s' may not contain commas or control characters",
				name);
	return KITH_OK;
}

enum kith_status kith_store_set_tier(struct kith_store *store, const char *name,
				     struct kith_cadence cadence, const char *description)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = check_tier_name(store->ctx, name);
	if (rc)
		return rc;
	if (!kith_cadence_is_set(cadence))
		return kith_fail(store->ctx, KITH_ERR_INVALID, "tier '%s' needs a cadence", name);
	rc = bump(store);
	if (rc)
		return rc;
	rc = prepare(store,
		     "INSERT INTO tiers (name, cadence, description) VALUES (?1, ?2, ?3) "
		     "ON CONFLICT (name) DO UPDATE SET cadence = excluded.cadence, "
		     "description = coalesce(?3, description)",
		     &st);
	if (rc)
		return rc;
	bind_text(st, 1, name);
	bind_cadence(st, 2, cadence);
	bind_text(st, 3, description);
	rc = step_done(store, st, "saving a tier");
	finish(store, st);
	return rc;
}

enum kith_status kith_store_remove_tier(struct kith_store *store, const char *name)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	long users = 0;

	rc = prepare(store, "SELECT count(*) FROM contacts WHERE tier = ?1", &st);
	if (rc)
		return rc;
	bind_text(st, 1, name);
	if (sqlite3_step(st) == SQLITE_ROW)
		users = (long)sqlite3_column_int64(st, 0);
	finish(store, st);
	if (users > 0)
		return kith_fail(store->ctx, KITH_ERR_IN_USE,
				 "tier '%s' still has %ld contact%s (archived ones included); "
				 "move them to another tier first",
				 name, users, users == 1 ? "" : "s");
	rc = bump(store);
	if (rc)
		return rc;
	rc = prepare(store, "DELETE FROM tiers WHERE name = ?1", &st);
	if (rc)
		return rc;
	bind_text(st, 1, name);
	rc = step_done(store, st, "removing a tier");
	finish(store, st);
	if (!rc && sqlite3_changes(store->db) == 0)
		rc = kith_fail(store->ctx, KITH_ERR_NOT_FOUND, "no tier '%s'", name);
	return rc;
}

int kith_store_is_initialized(struct kith_store *store)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	if (prepare(store, "SELECT EXISTS (SELECT 1 FROM tiers)", &st))
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	finish(store, st);
	return n;
}

enum kith_status kith_store_init_defaults(struct kith_store *store, int *out_created)
{
	enum kith_status rc = KITH_OK;
	int created = 0;

	if (!kith_store_is_initialized(store)) {
		for (size_t i = 0; i < sizeof(default_tiers) / sizeof(default_tiers[0]) && !rc; i++)
			rc = kith_store_set_tier(store, default_tiers[i].name,
						 default_tiers[i].cadence,
						 default_tiers[i].description);
		if (!rc)
			rc = kith_store_set_meta(store, "default_tier", "regular");
		created = 1;
	}
	if (!rc && out_created)
		*out_created = created;
	return rc;
}
