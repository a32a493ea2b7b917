/* SPDX-License-Identifier: MIT */
/*
 * The schema: migrations applied when a store is opened, after a backup
 * of an older one.
 */
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "internal.h"

/*
 * migrations[i] takes the schema from version i to i + 1.  Append only:
 * a released migration is never edited.
 */
static const char *const migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE schema_version ("
	"  version INTEGER NOT NULL,"
	"  applied TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE tiers ("
	"  name TEXT PRIMARY KEY,"
	"  cadence TEXT NOT NULL,"
	"  description TEXT);"
	"CREATE TABLE contacts ("
	"  id INTEGER PRIMARY KEY,"
	"  uid TEXT UNIQUE,"
	"  name TEXT NOT NULL,"
	"  org TEXT,"
	"  tier TEXT NOT NULL REFERENCES tiers(name) ON UPDATE CASCADE,"
	"  cadence TEXT,"
	"  via TEXT,"
	"  notes TEXT,"
	"  how_met TEXT,"
	"  added TEXT NOT NULL,"
	"  snoozed_until TEXT,"
	"  archived INTEGER NOT NULL DEFAULT 0,"
	"  paused INTEGER NOT NULL DEFAULT 0,"
	"  updated TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	"CREATE INDEX contacts_tier ON contacts(tier);"
	"CREATE INDEX contacts_added ON contacts(added);"
	"CREATE TABLE contact_emails ("
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
	"  pos INTEGER NOT NULL,"
	"  email TEXT NOT NULL,"
	"  PRIMARY KEY (contact_id, pos)) WITHOUT ROWID;"
	"CREATE INDEX contact_emails_email ON contact_emails(email COLLATE NOCASE);"
	"CREATE TABLE contact_phones ("
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
	"  pos INTEGER NOT NULL,"
	"  phone TEXT NOT NULL,"
	"  PRIMARY KEY (contact_id, pos)) WITHOUT ROWID;"
	"CREATE TABLE contact_tags ("
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
	"  pos INTEGER NOT NULL,"
	"  tag TEXT NOT NULL,"
	"  PRIMARY KEY (contact_id, pos)) WITHOUT ROWID;"
	"CREATE TABLE touches ("
	"  id INTEGER PRIMARY KEY,"
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
	"  on_date TEXT NOT NULL,"
	"  at TEXT,"
	"  channel TEXT,"
	"  direction INTEGER NOT NULL DEFAULT 0,"
	"  note TEXT,"
	"  source INTEGER NOT NULL DEFAULT 0,"
	"  source_key TEXT UNIQUE,"
	"  logged TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	"CREATE INDEX touches_contact_date ON touches(contact_id, on_date);"
	"CREATE INDEX touches_date ON touches(on_date);"
	/* The history is append-only: the database itself refuses edits. */
	"CREATE TRIGGER touches_no_update BEFORE UPDATE ON touches"
	"  BEGIN SELECT RAISE(ABORT, 'touches are append-only'); END;"
	"CREATE TRIGGER touches_no_delete BEFORE DELETE ON touches"
	"  BEGIN SELECT RAISE(ABORT, 'touches are append-only'); END;"
	"CREATE TABLE snoozes ("
	"  id INTEGER PRIMARY KEY,"
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
	"  until TEXT NOT NULL,"
	"  logged TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	/* Sync state, filled by the sync engine: one row per target. */
	"CREATE TABLE targets ("
	"  id INTEGER PRIMARY KEY,"
	"  url TEXT NOT NULL UNIQUE,"
	"  collection TEXT,"
	"  sync_token TEXT,"
	"  capabilities TEXT,"
	"  discovered TEXT);"
	/* ... and one row per reminder on a target. */
	"CREATE TABLE reminders ("
	"  target_id INTEGER NOT NULL REFERENCES targets(id),"
	"  contact_id INTEGER NOT NULL REFERENCES contacts(id),"
	"  resource TEXT NOT NULL,"
	"  uid TEXT NOT NULL,"
	"  etag TEXT,"
	"  base BLOB,"
	"  written_due TEXT,"
	"  written_rrule TEXT,"
	"  written_summary TEXT,"
	"  processed TEXT,"
	"  counted_copies TEXT,"
	"  state TEXT NOT NULL DEFAULT 'pending',"
	"  PRIMARY KEY (target_id, contact_id),"
	"  UNIQUE (target_id, resource));"
	"INSERT INTO meta (key, value) VALUES ('store_tag', lower(hex(randomblob(4))));",
	/* 1 -> 2: what an address book import brings, and spread first reminders. */
	"ALTER TABLE contacts ADD COLUMN title TEXT;"
	"ALTER TABLE contacts ADD COLUMN birthday TEXT;"
	"ALTER TABLE contacts ADD COLUMN vcard_uid TEXT;"
	"ALTER TABLE contacts ADD COLUMN first_due TEXT;"
	"CREATE INDEX contacts_vcard_uid ON contacts(vcard_uid);",
	/* 2 -> 3: write intents, and the resources on a target that are not kith's. */
	"ALTER TABLE reminders ADD COLUMN pending BLOB;"
	"ALTER TABLE reminders ADD COLUMN fingerprint TEXT;"
	"ALTER TABLE targets ADD COLUMN state TEXT;"
	"CREATE TABLE target_items ("
	"  target_id INTEGER NOT NULL REFERENCES targets(id),"
	"  name TEXT NOT NULL,"
	"  tag TEXT,"
	"  uid TEXT,"
	"  contact_id INTEGER,"
	"  PRIMARY KEY (target_id, name)) WITHOUT ROWID;",
	/*
	 * 3 -> 4: each contact's newest touch, kept by add_touch(), so a
	 * report over 100,000 contacts needs no search per contact.
	 */
	"ALTER TABLE contacts ADD COLUMN last_touch_id INTEGER REFERENCES touches(id);"
	"UPDATE contacts SET last_touch_id = (SELECT x.id FROM touches x "
	"  WHERE x.contact_id = contacts.id ORDER BY x.on_date DESC, x.id DESC LIMIT 1);",
	/*
	 * 4 -> 5: and what the report shows of it, so the report reads the
	 * contacts table alone: a seek into a million touches per contact
	 * was most of its time.
	 */
	"ALTER TABLE contacts ADD COLUMN last_on TEXT;"
	"ALTER TABLE contacts ADD COLUMN last_channel TEXT;"
	"ALTER TABLE contacts ADD COLUMN last_note TEXT;"
	"UPDATE contacts SET (last_on, last_channel, last_note) = "
	"  (SELECT on_date, channel, note FROM touches WHERE id = contacts.last_touch_id) "
	"  WHERE last_touch_id IS NOT NULL;",
	/*
	 * 5 -> 6: per target, what the last complete sync planned for (the
	 * store's generation, kept in meta, and the options), so a sync with
	 * nothing changed on either side need not plan again.
	 */
	"ALTER TABLE targets ADD COLUMN plan_key TEXT;",
	/*
	 * 6 -> 7: the quiet sync's questions answered from small indexes
	 * instead of a walk over every reminder row and its base copy: is
	 * any write intent open, and which resources with which ETags are
	 * known (covering, in contact order).
	 */
	"CREATE INDEX reminders_pending ON reminders(target_id) WHERE pending IS NOT NULL;"
	"CREATE INDEX reminders_known ON reminders(target_id, contact_id, resource, etag) "
	"WHERE etag IS NOT NULL AND base IS NOT NULL;",
	/*
	 * 7 -> 8: a reminder the sync could not read or write is held back
	 * with its reason (and since when), so that every sync, `kith
	 * report` and `kith check` can say which contacts wait and why,
	 * while the others sync (RELIABILITY rule 22).
	 */
	("ALTER TABLE reminders ADD COLUMN held TEXT;"
	 "ALTER TABLE reminders ADD COLUMN held_since TEXT;"),
	/*
	 * 8 -> 9: touches found by `kith scan` in mail archives.  A touch
	 * says where it was found; each source keeps what it was read up to
	 * (an mbox: the last message's offset, its line and a check of the
	 * bytes before it; a Maildir: the message files read, by folder and
	 * unique name) and the earliest --since it was read under, so a
	 * scan with an earlier one reads it again.  scan_seen holds every
	 * message key taken, so a copy in another folder counts nothing
	 * twice, candidates included.  Candidates are the people mailed
	 * who are not contacts, never added by themselves.
	 */
	("ALTER TABLE touches ADD COLUMN found_in TEXT;"
	 "CREATE TABLE scan_sources ("
	 "  id INTEGER PRIMARY KEY,"
	 "  kind TEXT NOT NULL,"
	 "  path TEXT NOT NULL,"
	 "  mbox_offset INTEGER NOT NULL DEFAULT 0,"
	 "  mbox_line INTEGER NOT NULL DEFAULT 1,"
	 "  mbox_check TEXT,"
	 "  since TEXT,"
	 "  scanned TEXT,"
	 "  UNIQUE (kind, path));"
	 "CREATE TABLE scan_files ("
	 "  source_id INTEGER NOT NULL REFERENCES scan_sources(id),"
	 "  name TEXT NOT NULL,"
	 "  PRIMARY KEY (source_id, name)) WITHOUT ROWID;"
	 "CREATE TABLE scan_seen (key TEXT PRIMARY KEY) WITHOUT ROWID;"
	 "CREATE TABLE candidates ("
	 "  address TEXT PRIMARY KEY COLLATE NOCASE,"
	 "  name TEXT,"
	 "  first_on TEXT NOT NULL,"
	 "  last_on TEXT NOT NULL,"
	 "  mails_in INTEGER NOT NULL DEFAULT 0,"
	 "  mails_out INTEGER NOT NULL DEFAULT 0,"
	 "  meetings INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"),
	/*
	 * 9 -> 10: a candidate's mails are kept one by one (when, which way,
	 * where found, the key its touch will have) instead of as counts, so
	 * that adding the person later turns them into touches: scan_seen
	 * marks every message read, and nothing would find them again.  The
	 * counts are a GROUP BY of the evidence now.  Schema 9 kept no
	 * evidence, so what was scanned is forgotten and read once more (the
	 * touches already logged are keyed: nothing is logged twice).
	 */
	("CREATE TABLE candidate_evidence ("
	 "  address TEXT NOT NULL COLLATE NOCASE,"
	 "  msg_key TEXT NOT NULL,"
	 "  name TEXT,"
	 "  on_date TEXT NOT NULL,"
	 "  at TEXT,"
	 "  direction INTEGER NOT NULL,"
	 "  channel TEXT NOT NULL,"
	 "  found_in TEXT,"
	 "  note TEXT,"
	 "  PRIMARY KEY (address, msg_key)) WITHOUT ROWID;"
	 "CREATE INDEX candidate_evidence_on ON candidate_evidence(on_date);"
	 "DROP TABLE candidates;"
	 "DELETE FROM scan_seen;"
	 "DELETE FROM scan_files;"
	 "UPDATE scan_sources SET mbox_offset = 0, mbox_line = 1, mbox_check = NULL;"),
	/*
	 * 10 -> 11: a CalDAV event calendar scanned (kind "caldav", path its
	 * URL) keeps the server's sync token, so the next scan asks only for
	 * what changed; a resource unchanged since has meetings to log only
	 * when one was still to come, so those are kept with the start of
	 * that meeting (scan_pending), and asked for by name once it is due.
	 */
	("ALTER TABLE scan_sources ADD COLUMN sync_token TEXT;"
	 "CREATE TABLE scan_pending ("
	 "  source_id INTEGER NOT NULL REFERENCES scan_sources(id),"
	 "  href TEXT NOT NULL,"
	 "  due INTEGER NOT NULL,"
	 "  PRIMARY KEY (source_id, href)) WITHOUT ROWID;"),
};

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

_Static_assert(N_MIGRATIONS == KITH_SCHEMA_VERSION, "one migration per schema version");

static enum kith_status read_schema_version(struct kith_store *s, int *out)
{
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	int exists = 0;

	rc = prepare(s,
		     "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
		     "'schema_version'",
		     &st);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		exists = sqlite3_column_int(st, 0);
	finish(s, st);
	*out = 0;
	if (!exists)
		return KITH_OK;
	rc = prepare(s, "SELECT coalesce(max(version), 0) FROM schema_version", &st);
	if (rc)
		return rc;
	if (sqlite3_step(st) == SQLITE_ROW)
		*out = sqlite3_column_int(st, 0);
	else
		rc = db_fail(s, "reading the schema version");
	finish(s, st);
	return rc;
}

static int has_tables(struct kith_store *s)
{
	sqlite3_stmt *st = NULL;
	int n = 1;

	if (prepare(s, "SELECT count(*) FROM sqlite_master", &st))
		return 1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	finish(s, st);
	return n > 0;
}

static enum kith_status backup_before_migration(struct kith_store *s, int from)
{
	struct kith_buf b = KITH_BUF_INIT;
	sqlite3_stmt *st = NULL;
	enum kith_status rc;
	char *bak;

	kith_buf_printf(&b, "%s.bak-v%d", s->path, from);
	bak = kith_buf_steal(&b);
	if (!bak)
		return kith_nomem(s->ctx);
	unlink(bak);
	/* VACUUM INTO fills an empty file: create it private first. */
	rc = create_private_file(s->ctx, bak);
	if (rc) {
		free(bak);
		return rc;
	}
	rc = prepare(s, "VACUUM INTO ?1", &st);
	if (!rc) {
		bind_text(st, 1, bak);
		rc = step_done(s, st, "backing up before a schema migration");
	}
	finish(s, st);
	free(bak);
	return rc;
}

enum kith_status migrate(struct kith_store *s)
{
	enum kith_status rc;
	int version;

	/*
	 * The common case needs no write lock: a reader must not wait for
	 * another kith's write transaction just to learn nothing changed.
	 */
	rc = read_schema_version(s, &version);
	if (rc)
		return rc;
	if (version == KITH_SCHEMA_VERSION) {
		s->schema_version = version;
		return KITH_OK;
	}
	if (s->readonly)
		return kith_fail(s->ctx, KITH_ERR_SCHEMA,
				 "store %s has schema version %d and needs %d, but it is read-only "
				 "for you: run kith once with write access to it",
				 s->path, version, KITH_SCHEMA_VERSION);
	rc = exec(s, "BEGIN IMMEDIATE");
	if (rc)
		return rc;
	/* Read again under the lock: another kith may have migrated meanwhile. */
	rc = read_schema_version(s, &version);
	if (rc)
		goto fail;
	if (version == 0 && has_tables(s)) {
		/* A wrong --db must not turn another program's database into ours. */
		rc = kith_fail(s->ctx, KITH_ERR_SCHEMA,
			       "%s is a database of another program, not a kith store; "
			       "nothing was changed",
			       s->path);
		goto fail;
	}
	if (version > KITH_SCHEMA_VERSION) {
		rc = kith_fail(s->ctx, KITH_ERR_SCHEMA,
			       "store %s has schema version %d; this kith %s knows up to %d: "
			       "upgrade kith",
			       s->path, version, kith_version(), KITH_SCHEMA_VERSION);
		goto fail;
	}
	if (version == KITH_SCHEMA_VERSION)
		goto done;
	if (version > 0) {
		/* VACUUM cannot run inside a transaction. */
		exec(s, "ROLLBACK");
		rc = backup_before_migration(s, version);
		if (rc)
			return rc;
		rc = exec(s, "BEGIN IMMEDIATE");
		if (rc)
			return rc;
	}
	for (; version < KITH_SCHEMA_VERSION; version++) {
		sqlite3_stmt *st = NULL;

		rc = exec(s, migrations[version]);
		if (rc)
			goto fail;
		rc = prepare(s, "INSERT INTO schema_version (version) VALUES (?1)", &st);
		if (rc)
			goto fail;
		sqlite3_bind_int(st, 1, version + 1);
		rc = step_done(s, st, "recording the schema version");
		finish(s, st);
		if (rc)
			goto fail;
	}
done:
	rc = exec(s, "COMMIT");
	if (rc)
		goto fail;
	s->schema_version = version;
	return KITH_OK;
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}
