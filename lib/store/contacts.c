/* SPDX-License-Identifier: MIT */
/*
 * Contacts with their emails, phones and tags (a table each, kept in
 * order), and finding one from what a user typed.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array.h"
#include "internal.h"
#include "uid.h"

static enum kith_status check_contact(struct kith_store *s, const struct kith_contact *c)
{
	struct kith_tier *tier = NULL;
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int found;

	if (!c->name || !*c->name)
		return kith_fail(s->ctx, KITH_ERR_INVALID, "a contact needs a name");
	if (!c->tier)
		return kith_fail(s->ctx, KITH_ERR_INVALID, "contact '%s' needs a tier", c->name);
	if (kith_date_is_set(c->added) && !kith_date_is_valid(c->added))
		return kith_fail(s->ctx, KITH_ERR_INVALID, "contact '%s' has an invalid date",
				 c->name);
	/* The cheap check first: get_tier counts members (and names the tiers on failure). */
	rc = prepare(s, "SELECT 1 FROM tiers WHERE name = ?1", &st);
	if (rc)
		return rc;
	bind_text(st, 1, c->tier);
	found = sqlite3_step(st) == SQLITE_ROW;
	finish(s, st);
	if (found)
		return KITH_OK;
	rc = kith_store_get_tier(s, c->tier, &tier);
	kith_tier_free(tier);
	return rc;
}

/* A new contact (`fresh`) has no old entries to delete. */
static enum kith_status save_list(struct kith_store *s, int64_t id, const char *table,
				  const struct kith_strlist *list, int fresh)
{
	char sql[128];
	sqlite3_stmt *st = NULL;
	enum kith_status rc = KITH_OK;

	/* Table names are from a fixed set in this file, never user input. */
	if (!fresh) {
		snprintf(sql, sizeof(sql), "DELETE FROM contact_%ss WHERE contact_id = ?1", table);
		rc = prepare(s, sql, &st);
		if (rc)
			return rc;
		sqlite3_bind_int64(st, 1, id);
		rc = step_done(s, st, "saving a contact");
		finish(s, st);
	}
	if (rc || list->n == 0)
		return rc;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO contact_%ss (contact_id, pos, %s) VALUES (?1, ?2, ?3)", table, table);
	rc = prepare(s, sql, &st);
	if (rc)
		return rc;
	for (size_t i = 0; i < list->n && !rc; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		bind_text(st, 3, list->items[i]);
		rc = step_done(s, st, "saving a contact");
	}
	finish(s, st);
	return rc;
}

static enum kith_status save_lists(struct kith_store *s, const struct kith_contact *c, int fresh)
{
	enum kith_status rc = save_list(s, c->id, "email", &c->emails, fresh);

	if (!rc)
		rc = save_list(s, c->id, "phone", &c->phones, fresh);
	if (!rc)
		rc = save_list(s, c->id, "tag", &c->tags, fresh);
	return rc;
}

/* Binds ?1.. in the column order of CONTACT_SET. */
#define CONTACT_SET                                                                          \
	"name = ?1, org = ?2, tier = ?3, cadence = ?4, via = ?5, notes = ?6, how_met = ?7, " \
	"added = ?8, snoozed_until = ?9, archived = ?10, paused = ?11, title = ?12, "        \
	"birthday = ?13, vcard_uid = ?14, first_due = ?15"

static void bind_contact(sqlite3_stmt *st, const struct kith_contact *c, struct kith_date added)
{
	bind_text(st, 1, c->name);
	bind_text(st, 2, c->org);
	bind_text(st, 3, c->tier);
	bind_cadence(st, 4, c->cadence);
	bind_text(st, 5, c->via);
	bind_text(st, 6, c->notes);
	bind_text(st, 7, c->how_met);
	bind_date(st, 8, added);
	bind_date(st, 9, c->snoozed_until);
	sqlite3_bind_int(st, 10, c->archived ? 1 : 0);
	sqlite3_bind_int(st, 11, c->paused ? 1 : 0);
	bind_text(st, 12, c->title);
	bind_date(st, 13, c->birthday);
	bind_text(st, 14, c->vcard_uid);
	bind_date(st, 15, c->first_due);
}

static enum kith_status add_contact(struct kith_store *store, struct kith_contact *contact)
{
	struct kith_contact c = *contact;
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	struct kith_date added = contact->added;
	char *uid = NULL;

	rc = check_contact(store, contact);
	if (!rc)
		rc = bump(store);
	if (rc)
		return rc;
	if (!kith_date_is_set(added))
		added = kith_date_today();
	rc = prepare(store,
		     "INSERT INTO contacts (name, org, tier, cadence, via, notes, how_met, "
		     "added, snoozed_until, archived, paused, title, birthday, vcard_uid, "
		     "first_due) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
		     "?13, ?14, ?15)",
		     &st);
	if (rc)
		return rc;
	bind_contact(st, contact, added);
	rc = step_done(store, st, "adding a contact");
	finish(store, st);
	if (rc)
		return rc;
	c.id = sqlite3_last_insert_rowid(store->db);
	uid = kith_reminder_uid(c.id, store->tag);
	if (!uid)
		return kith_nomem(store->ctx);
	rc = prepare(store, "UPDATE contacts SET uid = ?2 WHERE id = ?1", &st);
	if (!rc) {
		sqlite3_bind_int64(st, 1, c.id);
		bind_text(st, 2, uid);
		rc = step_done(store, st, "adding a contact");
		finish(store, st);
	}
	if (!rc)
		rc = save_lists(store, &c, 1);
	if (rc) {
		free(uid);
		return rc;
	}
	contact->id = c.id;
	contact->added = added;
	free(contact->uid);
	contact->uid = uid;
	return KITH_OK;
}

enum kith_status kith_store_add_contact(struct kith_store *store, struct kith_contact *contact)
{
	enum kith_status rc = savepoint(store);

	return rc ? rc : release(store, add_contact(store, contact));
}

static enum kith_status update_contact(struct kith_store *store, const struct kith_contact *contact)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	rc = check_contact(store, contact);
	if (rc)
		return rc;
	if (!kith_date_is_set(contact->added))
		return kith_fail(store->ctx, KITH_ERR_INVALID, "contact '%s' has no date added",
				 contact->name);
	rc = bump(store);
	if (rc)
		return rc;
	rc = prepare(store,
		     "UPDATE contacts SET " CONTACT_SET ", "
		     "updated = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?16",
		     &st);
	if (rc)
		return rc;
	bind_contact(st, contact, contact->added);
	sqlite3_bind_int64(st, 16, contact->id);
	rc = step_done(store, st, "saving a contact");
	finish(store, st);
	if (rc)
		return rc;
	if (sqlite3_changes(store->db) == 0)
		return kith_fail(store->ctx, KITH_ERR_NOT_FOUND, "no contact #%lld",
				 (long long)contact->id);
	return save_lists(store, contact, 0);
}

enum kith_status kith_store_update_contact(struct kith_store *store,
					   const struct kith_contact *contact)
{
	enum kith_status rc = savepoint(store);

	return rc ? rc : release(store, update_contact(store, contact));
}

static enum kith_status append_note(struct kith_store *store, int64_t id, const char *line)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	if (!line || !*line)
		return kith_fail(store->ctx, KITH_ERR_INVALID, "an empty note for contact #%lld",
				 (long long)id);
	rc = bump(store);
	if (!rc)
		rc = prepare(store,
			     "UPDATE contacts SET notes = CASE WHEN notes IS NULL OR notes = '' "
			     "THEN ?2 ELSE notes || char(10) || ?2 END, "
			     "updated = strftime('%Y-%m-%dT%H:%M:%SZ','now') WHERE id = ?1",
			     &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	bind_text(st, 2, line);
	rc = step_done(store, st, "adding to a contact's notes");
	finish(store, st);
	if (!rc && sqlite3_changes(store->db) == 0)
		rc = kith_fail(store->ctx, KITH_ERR_NOT_FOUND, "no contact #%lld", (long long)id);
	return rc;
}

enum kith_status kith_store_append_note(struct kith_store *store, int64_t contact_id,
					const char *line)
{
	enum kith_status rc = savepoint(store);

	return rc ? rc : release(store, append_note(store, contact_id, line));
}

#define CONTACT_COLUMNS                                                                         \
	"SELECT id, uid, name, org, tier, cadence, via, notes, how_met, added, snoozed_until, " \
	"archived, paused, title, birthday, vcard_uid, first_due FROM contacts"

static enum kith_status read_contact(struct kith_store *s, sqlite3_stmt *st, struct kith_contact *c)
{
	int ok = 1;

	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	c->uid = col_text(st, 1, &ok);
	c->name = col_text(st, 2, &ok);
	c->org = col_text(st, 3, &ok);
	c->tier = col_text(st, 4, &ok);
	c->cadence = col_cadence(st, 5);
	c->via = col_text(st, 6, &ok);
	c->notes = col_text(st, 7, &ok);
	c->how_met = col_text(st, 8, &ok);
	c->added = col_date(st, 9);
	c->snoozed_until = col_date(st, 10);
	c->archived = sqlite3_column_int(st, 11);
	c->paused = sqlite3_column_int(st, 12);
	c->title = col_text(st, 13, &ok);
	c->birthday = col_date(st, 14);
	c->vcard_uid = col_text(st, 15, &ok);
	c->first_due = col_date(st, 16);
	if (!ok) {
		kith_contact_clear(c);
		return kith_nomem(s->ctx);
	}
	return KITH_OK;
}

static int by_id(const void *key, const void *elem)
{
	int64_t id = *(const int64_t *)key;
	const struct kith_contact *c = elem;

	return id < c->id ? -1 : id > c->id;
}

static int cmp_id(const void *a, const void *b)
{
	const struct kith_contact *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * Fill the lists of contacts[0..n) (sorted by id) from one table with one
 * query, instead of one query per contact.
 */
static enum kith_status load_lists_of(struct kith_store *s, struct kith_contact *contacts, size_t n,
				      const char *table, size_t member)
{
	char sql[160];
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int step;

	if (n == 1)
		snprintf(sql, sizeof(sql),
			 "SELECT contact_id, %s FROM contact_%ss "
			 "WHERE contact_id = ?1 ORDER BY contact_id, pos",
			 table, table);
	else
		snprintf(sql, sizeof(sql),
			 "SELECT contact_id, %s FROM contact_%ss "
			 "ORDER BY contact_id, pos",
			 table, table);
	rc = prepare(s, sql, &st);
	if (rc)
		return rc;
	if (n == 1)
		sqlite3_bind_int64(st, 1, contacts[0].id);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		struct kith_contact *c = bsearch(&id, contacts, n, sizeof(*contacts), by_id);
		struct kith_strlist *list;

		if (!c)
			continue;
		list = (struct kith_strlist *)((char *)c + member);
		if (kith_strlist_add(list, (const char *)sqlite3_column_text(st, 1))) {
			rc = kith_nomem(s->ctx);
			break;
		}
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(s, "reading a contact");
	finish(s, st);
	return rc;
}

static enum kith_status load_lists(struct kith_store *s, struct kith_contact *contacts, size_t n)
{
	enum kith_status rc;

	if (n == 0)
		return KITH_OK;
	rc = load_lists_of(s, contacts, n, "email", offsetof(struct kith_contact, emails));
	if (!rc)
		rc = load_lists_of(s, contacts, n, "phone", offsetof(struct kith_contact, phones));
	if (!rc)
		rc = load_lists_of(s, contacts, n, "tag", offsetof(struct kith_contact, tags));
	return rc;
}

/* Runs a contact query (parameters already bound) into a list sorted by id. */
static enum kith_status run_contact_query(struct kith_store *s, sqlite3_stmt *st,
					  struct kith_contact **out, size_t *out_n)
{
	struct kith_contact *list = NULL;
	size_t n = 0, cap = 0;
	enum kith_status rc = KITH_OK;
	int step;

	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (KITH_GROW(list, cap, n + 1, 16)) {
			rc = kith_nomem(s->ctx);
			goto fail;
		}
		rc = read_contact(s, st, &list[n]);
		if (rc)
			goto fail;
		n++;
	}
	if (step != SQLITE_DONE) {
		rc = db_fail(s, "reading contacts");
		goto fail;
	}
	if (n)
		qsort(list, n, sizeof(*list), cmp_id);
	rc = load_lists(s, list, n);
	if (rc)
		goto fail;
	*out = list;
	*out_n = n;
	return KITH_OK;
fail:
	kith_contact_list_free(list, n);
	return rc;
}

enum kith_status kith_store_get_contact(struct kith_store *store, int64_t id,
					struct kith_contact **out)
{
	sqlite3_stmt *st = NULL;
	struct kith_contact *list = NULL;
	size_t n = 0;
	enum kith_status rc;

	rc = prepare(store, CONTACT_COLUMNS " WHERE id = ?1", &st);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = run_contact_query(store, st, &list, &n);
	finish(store, st);
	if (rc)
		return rc;
	if (n == 0) {
		free(list);
		return kith_fail(store->ctx, KITH_ERR_NOT_FOUND, "no contact #%lld", (long long)id);
	}
	/* One element: the array is the object, as kith_contact_free() expects. */
	*out = list;
	return KITH_OK;
}

static int by_name(const void *a, const void *b)
{
	const struct kith_contact *x = a, *y = b;
	int c = strcasecmp(x->name, y->name);

	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

enum kith_status kith_store_list_contacts(struct kith_store *store,
					  const struct kith_contact_filter *filter,
					  struct kith_contact **out, size_t *out_n)
{
	struct kith_contact_filter none = { NULL, 0, { 0, 0, 0 } };
	sqlite3_stmt *st = NULL;
	enum kith_status rc;

	if (!filter)
		filter = &none;
	rc = prepare(store,
		     CONTACT_COLUMNS " WHERE (?1 IS NULL OR tier = ?1) "
				     "AND (?2 OR archived = 0) AND (?3 IS NULL OR added >= ?3)",
		     &st);
	if (rc)
		return rc;
	bind_text(st, 1, filter->tier);
	sqlite3_bind_int(st, 2, filter->include_archived ? 1 : 0);
	bind_date(st, 3, filter->added_since);
	rc = run_contact_query(store, st, out, out_n);
	finish(store, st);
	if (!rc && *out_n)
		qsort(*out, *out_n, sizeof(**out), by_name);
	return rc;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/* Runs one resolution query with ?1 bound to text. */
static enum kith_status resolve_query(struct kith_store *s, const char *sql, const char *text,
				      struct kith_contact **out, size_t *out_n)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc = prepare(s, sql, &st);

	if (rc)
		return rc;
	bind_text(st, 1, text);
	rc = run_contact_query(s, st, out, out_n);
	finish(s, st);
	return rc;
}

enum kith_status kith_store_resolve_contact(struct kith_store *store, const char *query,
					    struct kith_contact **out,
					    struct kith_contact **out_candidates,
					    size_t *out_n_candidates)
{
	static const char *const steps[] = {
		CONTACT_COLUMNS " WHERE id IN (SELECT contact_id FROM contact_emails "
				"WHERE email = ?1 COLLATE NOCASE)",
		CONTACT_COLUMNS " WHERE kith_fold(name) = kith_fold(?1)",
		CONTACT_COLUMNS " WHERE instr(kith_fold(name), kith_fold(?1)) > 0",
	};
	struct kith_contact *list = NULL;
	size_t n = 0;
	enum kith_status rc;
	const char *q = query ? query : "";

	while (*q == ' ')
		q++;
	if (!*q)
		return kith_fail(store->ctx, KITH_ERR_INVALID, "no contact given");
	if (all_digits(q + (*q == '#')) && strlen(q) < 18) {
		rc = kith_store_get_contact(store, strtoll(q + (*q == '#'), NULL, 10), out);
		if (rc != KITH_ERR_NOT_FOUND)
			return rc;
	}
	/* Most specific first: an email, the full name, then any part of a name. */
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		rc = resolve_query(store, steps[i], q, &list, &n);
		if (rc)
			goto out;
		if (n > 0)
			break;
		free(list);
		list = NULL;
	}
	if (n == 0) {
		rc = kith_fail(store->ctx, KITH_ERR_NOT_FOUND,
			       "no contact matches '%.*s%s'; 'kith list' shows them all",
			       KITH_ECHO(q));
	} else if (n == 1) {
		*out = list;
		list = NULL;
		n = 0;
	} else {
		qsort(list, n, sizeof(*list), by_name);
		rc = kith_fail(store->ctx, KITH_ERR_AMBIGUOUS,
			       "'%.*s%s' matches %zu contacts; give an id or an email",
			       KITH_ECHO(q), n);
		if (out_candidates && out_n_candidates) {
			*out_candidates = list;
			*out_n_candidates = n;
			list = NULL;
			n = 0;
		}
	}
out:
	kith_contact_list_free(list, n);
	return rc;
}
