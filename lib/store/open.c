/* SPDX-License-Identifier: MIT */
/*
 * Opening the store (creating it 0600 in a 0700 directory, migrating an
 * older schema), closing it, and its transactions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
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

/* 1 when PATH-suffix exists. */
static int sibling_exists(const char *path, const char *suffix)
{
	struct kith_buf b = KITH_BUF_INIT;
	char *p;
	int yes;

	kith_buf_printf(&b, "%s%s", path, suffix);
	p = kith_buf_steal(&b);
	yes = p && access(p, F_OK) == 0;
	free(p);
	return yes;
}

/*
 * The connection.  Read-only, a store whose owner has it open (its -wal
 * and -shm files exist) is read through them, so nothing committed is
 * missed; otherwise everything is in the file, and it is opened
 * immutable, so that SQLite creates no -shm file of ours next to it (a
 * file the owner could then not write).
 */
static enum kith_status open_db(struct kith_store *s)
{
	struct kith_buf uri = KITH_BUF_INIT;
	char *u;
	int ok;

	if (!s->readonly) {
		ok = sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK;
	} else if (sibling_exists(s->path, "-wal") || sibling_exists(s->path, "-shm")) {
		ok = sqlite3_open_v2(s->path, &s->db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK;
	} else {
		kith_buf_append(&uri, "file:");
		for (const char *p = s->path; *p; p++) {
			if (*p == '?' || *p == '#' || *p == '%')
				kith_buf_printf(&uri, "%%%02X", (unsigned char)*p);
			else
				kith_buf_append_n(&uri, p, 1);
		}
		kith_buf_append(&uri, "?immutable=1");
		u = kith_buf_steal(&uri);
		if (!u)
			return kith_nomem(s->ctx);
		ok = sqlite3_open_v2(u, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) ==
		     SQLITE_OK;
		free(u);
	}
	if (ok)
		return KITH_OK;
	return kith_fail(s->ctx, KITH_ERR_DB, "cannot open store %s: %s", s->path,
			 s->db ? sqlite3_errmsg(s->db) : "out of memory");
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
	/*
	 * A store the user may read but not write (another account's, a
	 * read-only mount) still answers report, list and show; only a
	 * command that changes it is refused (kith_store_begin).
	 */
	s->readonly = access(path, F_OK) == 0 && access(path, W_OK) != 0 &&
		      (errno == EACCES || errno == EROFS || errno == EPERM);
	if (!s->readonly) {
		rc = make_parent_dirs(ctx, path);
		if (!rc)
			rc = create_private_file(ctx, path);
		if (rc)
			goto fail;
	}
	rc = open_db(s);
	if (rc)
		goto fail;
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
	rc = exec(s, s->readonly ? "PRAGMA foreign_keys = ON; PRAGMA mmap_size = 268435456;"
				   "PRAGMA temp_store = MEMORY;"
				 : "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
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

enum kith_status kith_store_begin(struct kith_store *store)
{
	enum kith_status rc;

	if (store->in_tx)
		return kith_fail(store->ctx, KITH_ERR_INVALID, "a transaction is already open");
	if (store->readonly)
		return kith_fail(store->ctx, KITH_ERR_IO,
				 "store %s is read-only for you (no write permission): "
				 "this command would change it",
				 store->path);
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
