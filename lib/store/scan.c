/* SPDX-License-Identifier: MIT */
/*
 * The scan the report is built from: every active contact with what the
 * schedule needs, in one pass over the contacts table.
 */
#include <kith/schedule.h>

#include "internal.h"

/*
 * The first address of each contact, read alongside the contacts in id
 * order: one pass over the address table instead of a seek per contact.
 */
struct first_of {
	sqlite3_stmt *st;
	int step;
};

static enum kith_status first_of_open(struct kith_store *s, struct first_of *f, const char *sql)
{
	enum kith_status rc = prepare(s, sql, &f->st);

	if (!rc)
		f->step = sqlite3_step(f->st);
	return rc;
}

/* The first address of contact `id`, or NULL; ids must come in ascending order. */
static const char *first_of_get(struct first_of *f, int64_t id)
{
	const char *found = NULL;

	while (f->step == SQLITE_ROW) {
		int64_t cid = sqlite3_column_int64(f->st, 0);

		if (cid > id)
			break;
		if (cid == id) {
			found = (const char *)sqlite3_column_text(f->st, 1);
			if (!found) /* the column is NOT NULL: out of memory */
				f->step = SQLITE_NOMEM;
			break;
		}
		f->step = sqlite3_step(f->st);
	}
	return found;
}

/* Past contact `id`: its row is consumed only now, so the text above stayed valid. */
static void first_of_skip(struct first_of *f, int64_t id)
{
	while (f->step == SQLITE_ROW && sqlite3_column_int64(f->st, 0) <= id)
		f->step = sqlite3_step(f->st);
}

enum kith_status kith_store_scan(struct kith_store *store, const char *tier,
				 enum kith_status (*fn)(const struct kith_scan_row *row, void *arg),
				 void *arg)
{
	struct first_of emails = { NULL, SQLITE_DONE }, phones = { NULL, SQLITE_DONE };
	struct kith_tier *tiers = NULL;
	size_t n_tiers = 0;
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int step = SQLITE_DONE;

	/*
	 * The contacts table alone, in id order: the newest touch is kept on
	 * the contact, and the handful of tiers is looked up here, not joined
	 * row by row.
	 */
	rc = kith_store_list_tiers_uncounted(store, &tiers, &n_tiers);
	if (!rc)
		rc = prepare(store,
			     "SELECT c.id, c.name, c.tier, c.cadence, c.via, c.added, "
			     "  c.snoozed_until, c.paused, c.last_on, c.last_channel, "
			     "  c.last_note, c.first_due "
			     "FROM contacts c WHERE c.archived = 0 AND (?1 IS NULL OR c.tier = ?1) "
			     "ORDER BY c.id",
			     &st);
	if (!rc)
		rc = first_of_open(store, &emails,
				   "SELECT contact_id, email FROM contact_emails "
				   "ORDER BY contact_id, pos");
	if (!rc)
		rc = first_of_open(store, &phones,
				   "SELECT contact_id, phone FROM contact_phones "
				   "ORDER BY contact_id, pos");
	if (rc)
		goto out;
	bind_text(st, 1, tier);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		struct kith_scan_row row;

		row.id = sqlite3_column_int64(st, 0);
		row.name = (const char *)sqlite3_column_text(st, 1);
		row.tier = (const char *)sqlite3_column_text(st, 2);
		row.cadence = kith_schedule_cadence(col_cadence(st, 3), row.tier, tiers, n_tiers);
		row.via = (const char *)sqlite3_column_text(st, 4);
		row.added = col_date(st, 5);
		row.snoozed_until = col_date(st, 6);
		row.paused = sqlite3_column_int(st, 7);
		row.last_touch = col_date(st, 8);
		row.last_channel = (const char *)sqlite3_column_text(st, 9);
		row.last_note = (const char *)sqlite3_column_text(st, 10);
		row.first_due = col_date(st, 11);
		row.email = first_of_get(&emails, row.id);
		row.phone = first_of_get(&phones, row.id);
		if (!row.name || !row.tier || emails.step == SQLITE_NOMEM ||
		    phones.step == SQLITE_NOMEM) {
			rc = kith_nomem(store->ctx);
			break;
		}
		rc = fn(&row, arg);
		if (rc)
			break;
		first_of_skip(&emails, row.id);
		first_of_skip(&phones, row.id);
	}
	if (!rc && step != SQLITE_DONE)
		rc = db_fail(store, "reading the contacts");
	if (!rc && (emails.step != SQLITE_DONE && emails.step != SQLITE_ROW))
		rc = db_fail(store, "reading addresses");
	if (!rc && (phones.step != SQLITE_DONE && phones.step != SQLITE_ROW))
		rc = db_fail(store, "reading addresses");
out:
	finish(store, phones.st);
	finish(store, emails.st);
	finish(store, st);
	kith_tier_list_free(tiers, n_tiers);
	return rc;
}
