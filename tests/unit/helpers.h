/* SPDX-License-Identifier: MIT */
/*
 * Shared by the unit test programs: temporary stores, date shorthands and
 * small builders.  Everything is static inline so each program takes only
 * what it uses.
 */
#ifndef KITH_TEST_HELPERS_H
#define KITH_TEST_HELPERS_H

#define _XOPEN_SOURCE 700 /* nftw */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <unistd.h>

#include <cmocka.h>

#include <kith/kith.h>

/*
 * A test that shows a known library bug (described in tests/unit/BUGS.md)
 * calls KNOWN_BUG() first: it is skipped so the suite stays green, unless
 * KITH_UNIT_KNOWN_BUGS=1 is set in the environment, which runs it (and
 * shows it failing until the bug is fixed).
 */
#define KNOWN_BUG()                                              \
	do {                                                     \
		const char *e_ = getenv("KITH_UNIT_KNOWN_BUGS"); \
		if (!e_ || strcmp(e_, "1"))                      \
			skip();                                  \
	} while (0)

/* A date literal: D(2026, 1, 31). */
#define D(y, m, d) ((struct kith_date){ (y), (m), (d) })
#define NODATE ((struct kith_date){ 0, 0, 0 })
#define CAD(n, u) ((struct kith_cadence){ KITH_CADENCE_##u, (n) })

/* Compare dates as text, so a failure prints both. */
#define assert_date(actual, y, m, dd)                               \
	do {                                                        \
		char got_[KITH_DATE_BUFSZ], want_[KITH_DATE_BUFSZ]; \
		kith_date_format((actual), got_);                   \
		kith_date_format(D((y), (m), (dd)), want_);         \
		assert_string_equal(got_, want_);                   \
	} while (0)

/* The status by name, so a failure says "not found" rather than 3. */
#define assert_status(actual, want) \
	assert_string_equal(kith_status_str(actual), kith_status_str(want))

#define assert_ok(expr) assert_status((expr), KITH_OK)

static inline int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf */
static inline void rm_rf(const char *path)
{
	if (path)
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh directory under /tmp. Ownership: free() and rm_rf(). */
static inline char *make_tmpdir(void)
{
	char tmpl[] = "/tmp/kith-unit-XXXXXX";
	char *dir = mkdtemp(tmpl);

	assert_non_null(dir);
	dir = strdup(dir);
	if (!dir)
		abort();
	return dir;
}

/* dir + "/" + name. Ownership: free(). */
static inline char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (!p)
		abort();
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

/* The whole file at path, NUL-terminated; *out_n (may be NULL) its length. Ownership: free(). */
static inline char *slurp_path(const char *path, size_t *out_n)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	if (!f)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	data[n] = '\0';
	fclose(f);
	if (out_n)
		*out_n = (size_t)n;
	return data;
}

#ifdef KITH_TEST_DATA
/*
 * The fixture tests/data/DIR/NAME, NUL-terminated; *out_n is its length
 * without the NUL.  Ownership: free().
 */
static inline char *slurp(const char *dir, const char *name, size_t *out_n)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s/%s", KITH_TEST_DATA, dir, name);
	return slurp_path(path, out_n);
}
#endif

/* One store in a fresh directory, with the default tiers. */
struct fixture {
	char *dir;
	char *path;
	struct kith_ctx *ctx;
	struct kith_store *store;
};

static inline int fixture_setup_bare(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->dir = make_tmpdir();
	f->path = path_join(f->dir, "kith.db");
	if (kith_ctx_new(&f->ctx) != KITH_OK)
		return -1;
	if (kith_store_open(f->ctx, f->path, &f->store) != KITH_OK) {
		fprintf(stderr, "open: %s\n", kith_ctx_errmsg(f->ctx));
		return -1;
	}
	*state = f;
	return 0;
}

static inline int fixture_setup(void **state)
{
	struct fixture *f;

	if (fixture_setup_bare(state))
		return -1;
	f = *state;
	/* One transaction: one fsync instead of five. */
	if (kith_store_begin(f->store) != KITH_OK ||
	    kith_store_init_defaults(f->store, NULL) != KITH_OK ||
	    kith_store_commit(f->store) != KITH_OK)
		return -1;
	return 0;
}

static inline int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	if (!f)
		return 0;
	kith_store_close(f->store);
	kith_ctx_free(f->ctx);
	rm_rf(f->dir);
	free(f->dir);
	free(f->path);
	free(f);
	*state = NULL;
	return 0;
}

/*
 * Store a contact; emails is a NULL-terminated list (may be NULL).
 * Returns its id.
 */
static inline int64_t add_contact_full(struct fixture *f, const char *name, const char *tier,
				       struct kith_date added, const char *const *emails,
				       const char *const *phones, const char *via)
{
	struct kith_contact *c = kith_contact_new();
	int64_t id;
	enum kith_status rc;

	assert_non_null(c);
	c->name = strdup(name);
	c->tier = strdup(tier);
	c->added = added;
	if (via)
		c->via = strdup(via);
	for (; emails && *emails; emails++)
		assert_ok(kith_strlist_add(&c->emails, *emails));
	for (; phones && *phones; phones++)
		assert_ok(kith_strlist_add(&c->phones, *phones));
	rc = kith_store_add_contact(f->store, c);
	if (rc != KITH_OK)
		fprintf(stderr, "add %s: %s\n", name, kith_ctx_errmsg(f->ctx));
	assert_ok(rc);
	id = c->id;
	assert_true(id > 0);
	kith_contact_free(c);
	return id;
}

static inline int64_t add_contact(struct fixture *f, const char *name, const char *tier,
				  struct kith_date added)
{
	return add_contact_full(f, name, tier, added, NULL, NULL, NULL);
}

static inline int64_t add_touch(struct fixture *f, int64_t contact_id, struct kith_date on,
				const char *channel, const char *note)
{
	struct kith_touch t;
	enum kith_status rc;

	memset(&t, 0, sizeof(t));
	t.contact_id = contact_id;
	t.on = on;
	t.channel = (char *)channel;
	t.note = (char *)note;
	rc = kith_store_add_touch(f->store, &t);
	if (rc != KITH_OK)
		fprintf(stderr, "touch: %s\n", kith_ctx_errmsg(f->ctx));
	assert_ok(rc);
	assert_true(t.id > 0);
	return t.id;
}

static inline struct kith_contact *get_contact(struct fixture *f, int64_t id)
{
	struct kith_contact *c = NULL;

	assert_ok(kith_store_get_contact(f->store, id, &c));
	assert_non_null(c);
	return c;
}

/* 1 when needle occurs in haystack. */
static inline int contains(const char *haystack, const char *needle)
{
	return haystack && needle && strstr(haystack, needle) != NULL;
}

#define assert_contains(haystack, needle)                                                     \
	do {                                                                                  \
		const char *h_ = (haystack);                                                  \
		if (!contains(h_, (needle)))                                                  \
			fail_msg("'%s' does not contain '%s'", h_ ? h_ : "(null)", (needle)); \
	} while (0)

#define assert_not_contains(haystack, needle)                                      \
	do {                                                                       \
		const char *h_ = (haystack);                                       \
		if (contains(h_, (needle)))                                        \
			fail_msg("'%s' unexpectedly contains '%s'", h_, (needle)); \
	} while (0)

#endif
