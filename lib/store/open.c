/* SPDX-License-Identifier: MIT */
/*
 * Opening the store (creating it 0600 in a 0700 directory, migrating an
 * older schema), closing it, and its transactions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fold.h"
#include "internal.h"

/* kith_fold(text): the case fold names are matched with. */
static void sql_fold(sqlite3_context *c, int argc, sqlite3_value **argv)
{
	const unsigned char *text = sqlite3_value_text(argv[0]);
	char *folded;

	(void)argc;
	if (!text) {
		sqlite3_result_null(c);
		return;
	}
	folded = kith_fold((const char *)text, (size_t)sqlite3_value_bytes(argv[0]));
	if (!folded) {
		sqlite3_result_error_nomem(c);
		return;
	}
	sqlite3_result_text(c, folded, -1, free);
}

/* mkdir -p with mode 0700 for every directory it creates. */
static enum kith_status make_parent_dirs(struct kith_ctx *ctx, const char *path)
{
	char *dir = strdup(path);
	enum kith_status rc = KITH_OK;

	if (!dir)
		return kith_nomem(ctx);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			rc = kith_fail(ctx, KITH_ERR_IO, "cannot create directory %s: %s", dir,
				       strerror(errno));
			break;
		}
		*p = '/';
	}
	free(dir);
	return rc;
}

static enum kith_status load_tag(struct kith_store *s)
{
	char *tag = NULL;
	enum kith_status rc = kith_store_get_meta(s, "store_tag", &tag);

	if (rc == KITH_ERR_NOT_FOUND)
		return kith_fail(s->ctx, KITH_ERR_DB, "store %s has no store_tag; it is damaged",
				 s->path);
	if (rc)
		return rc;
	s->tag = tag;
	return KITH_OK;
}

enum kith_status kith_store_open(struct kith_ctx *ctx, const char *path, struct kith_store **out)
{
	struct kith_store *s;
	enum kith_status rc;

	if (!path || !*path)
		return kith_fail(ctx, KITH_ERR_INVALID, "no store path given");
	s = calloc(1, sizeof(*s));
	if (!s)
		return kith_nomem(ctx);
	s->ctx = ctx;
	s->path = strdup(path);
	if (!s->path) {
		rc = kith_nomem(ctx);
		goto fail;
	}
	rc = make_parent_dirs(ctx, path);
	if (rc)
		goto fail;
	rc = create_private_file(ctx, path);
	if (rc)
		goto fail;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		rc = kith_fail(ctx, KITH_ERR_DB, "cannot open store %s: %s", path,
			       s->db ? sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, 5000);
	if (sqlite3_create_function_v2(s->db, "kith_fold", 1,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				       sql_fold, NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_fail(s, "setting up");
		goto fail;
	}
	/* WAL: readers never block the writer; FULL: a committed touch survives power loss. */
	/*
	 * mmap: a report over 100,000 contacts reads the file through the page
	 * cache instead of one pread() per page (a third of its time otherwise).
	 */
	rc = exec(s, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
		     "PRAGMA foreign_keys = ON; PRAGMA mmap_size = 268435456;"
		     "PRAGMA temp_store = MEMORY;");
	if (rc)
		goto fail;
	rc = migrate(s);
	if (rc)
		goto fail;
	rc = load_tag(s);
	if (rc)
		goto fail;
	*out = s;
	return KITH_OK;
fail:
	kith_store_close(s);
	return rc;
}

void kith_store_close(struct kith_store *store)
{
	if (!store)
		return;
	if (store->in_tx)
		kith_store_rollback(store);
	for (size_t i = 0; i < store->n_cache; i++)
		sqlite3_finalize(store->cache[i].st);
	sqlite3_close_v2(store->db);
	free(store->path);
	free(store->tag);
	free(store);
}

const char *kith_store_path(const struct kith_store *store)
{
	return store->path;
}

int kith_store_schema_version(const struct kith_store *store)
{
	return store->schema_version;
}

struct kith_ctx *kith_store_ctx(struct kith_store *store)
{
	return store->ctx;
}

const char *kith_store_tag(struct kith_store *store)
{
	return store->tag;
}

enum kith_status kith_store_begin(struct kith_store *store)
{
	enum kith_status rc;

	if (store->in_tx)
		return kith_fail(store->ctx, KITH_ERR_INVALID, "a transaction is already open");
	rc = exec(store, "BEGIN IMMEDIATE");
	if (!rc)
		store->in_tx = 1;
	return rc;
}

enum kith_status kith_store_commit(struct kith_store *store)
{
	enum kith_status rc;

	if (!store->in_tx)
		return kith_fail(store->ctx, KITH_ERR_INVALID, "no transaction is open");
	rc = exec(store, "COMMIT");
	if (rc) {
		kith_store_rollback(store);
		return rc;
	}
	store->in_tx = 0;
	return KITH_OK;
}

void kith_store_rollback(struct kith_store *store)
{
	if (!store->in_tx)
		return;
	sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
	store->in_tx = 0;
}
