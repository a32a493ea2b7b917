/* SPDX-License-Identifier: MIT */
/*
 * The sync engine end to end, through kith_sync(), on real local targets
 * (a vdir and a single .ics file) in a temporary directory.
 *
 * Every test starts from "after initial.ics": Anna Berg (regular, 3m) has
 * the reminder kith-anna-0042@kith.example on the target, due 2026-03-01,
 * and the store agrees with the target about it.  Then the target is
 * replaced by what a calendar app made of it (tests/data/clients) and kith
 * syncs on 2026-02-21 in UTC.
 */
#include "helpers.h"

#include <dirent.h>
#include <sys/stat.h>
#include <time.h>

#include <libical/ical.h>
#include <sqlite3.h>

#include "ctx.h"
#include "store/sync-state.h"
#include "sync/test-hooks.h"
#include "target.h"

#ifndef KITH_TEST_DATA
#error "KITH_TEST_DATA must name tests/data"
#endif

#define ANNA_UID "kith-anna-0042@kith.example"
#define ANNA_FILE ANNA_UID ".ics"
#define NOW ((time_t)1771675200) /* 2026-02-21T12:00:00Z */
#define TODAY D(2026, 2, 21)
#define MAX_RES 8

enum kind { VDIR, FILE1 };

static const char *const client_files[] = {
	"nextcloud-tasks-0.17.ics", "tasks-org.ics", "evolution.ics",
	"thunderbird.ics",          "jtx-board.ics", "opentasks-davx5.ics",
	"apple-reminders.ics",
};
#define N_CLIENTS (sizeof(client_files) / sizeof(client_files[0]))

/* ---- small file and text helpers ---- */

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		abort();
	return p;
}

static char *read_path(const char *path)
{
	return slurp_path(path, NULL);
}

static char *read_data(const char *name)
{
	char *path = path_join(KITH_TEST_DATA "/clients", name);
	char *s = read_path(path);

	free(path);
	return s;
}

static void write_path(const char *path, const char *text)
{
	FILE *fp = fopen(path, "wb");

	if (!fp)
		fail_msg("cannot write %s", path);
	assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
	assert_int_equal(fclose(fp), 0);
}

/* s with every `from` replaced by `to`. Ownership: free(). */
static char *subst(const char *s, const char *from, const char *to)
{
	size_t nf = strlen(from), nt = strlen(to), n = 0;
	const char *p;
	char *out, *o;

	for (p = s; (p = strstr(p, from)); p += nf)
		n++;
	out = malloc(strlen(s) + n * (nt > nf ? nt - nf : 0) + 1);
	if (!out)
		abort();
	for (o = out, p = s;;) {
		const char *q = strstr(p, from);

		if (!q) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, to, nt);
		o += nt;
		p = q + nf;
	}
	return out;
}

/* One VCALENDAR text per resource. */
static size_t split_resources(const char *text, char **out, size_t max)
{
	size_t n = 0;
	const char *p = text;

	while ((p = strstr(p, "BEGIN:VCALENDAR"))) {
		const char *end = strstr(p, "END:VCALENDAR");

		assert_non_null(end);
		end += strlen("END:VCALENDAR");
		while (*end == '\r' || *end == '\n')
			end++;
		assert_true(n < max);
		out[n] = strndup(p, (size_t)(end - p));
		if (!out[n])
			abort();
		n++;
		p = end;
	}
	return n;
}

/* The UID of the first VTODO of a resource text. Ownership: free(). */
static char *uid_of(const char *text)
{
	const char *p = strstr(text, "\nUID:");
	size_t n;

	assert_non_null(p);
	p += 5;
	n = strcspn(p, "\r\n");
	return strndup(p, n);
}

/* ---- the world: a store, a target, Anna ---- */

struct world {
	struct fixture *f;
	enum kind kind;
	char *tpath; /* the vdir directory or the .ics file */
	struct kith_target *t;
	int64_t anna;
	int64_t bob; /* 0: not in this test */
};

static void open_target(struct world *w)
{
	enum kith_status rc = kith_target_open(w->f->ctx, w->tpath, &w->t);

	if (rc != KITH_OK)
		fail_msg("target %s: %s", w->tpath, kith_ctx_errmsg(w->f->ctx));
	assert_string_equal(kith_target_kind(w->t), w->kind == VDIR ? "vdir" : "file");
}

/* The tag the target lists for a resource; NULL if not listed. Ownership: free(). */
static char *listed_tag(struct world *w, const char *name)
{
	struct kith_listing l = { 0 };
	char *tag = NULL;

	assert_ok(w->t->ops->list(w->t, &l));
	for (size_t i = 0; i < l.n; i++)
		if (!strcmp(l.names[i], name))
			tag = xstrdup(l.tags[i]);
	kith_listing_clear(&l);
	return tag;
}

/* Our resource's name on the target. */
static const char *anna_resource(const struct world *w)
{
	return w->kind == VDIR ? ANNA_FILE : ANNA_UID;
}

static void raw_sql(const char *path, const char *sql, int64_t id, const char *text)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (text)
		sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, id);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static char *integrity(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	char *out;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	out = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/*
 * The state right after kith wrote initial.ics: Anna's uid, the file on
 * the target and the agreed state in the store.
 */
static struct world *world_new(enum kind kind, int with_bob)
{
	struct world *w = calloc(1, sizeof(*w));
	char *initial = read_data("initial.ics");
	struct kith_rstate r;
	int64_t target_id = 0;
	char *ours;
	void *state = NULL;

	if (!w)
		abort();
	assert_int_equal(fixture_setup(&state), 0);
	w->f = state;
	w->kind = kind;
	assert_ok(kith_store_begin(w->f->store));
	w->anna = add_contact(w->f, "Anna Berg", "regular", D(2025, 12, 1));
	if (with_bob)
		w->bob = add_contact(w->f, "Bob Stone", "core", D(2026, 1, 10));
	assert_ok(kith_store_commit(w->f->store));
	raw_sql(w->f->path, "UPDATE contacts SET uid = ?1 WHERE id = ?2", w->anna, ANNA_UID);
	if (kind == VDIR) {
		w->tpath = path_join(w->f->dir, "cal");
		assert_int_equal(mkdir(w->tpath, 0700), 0);
		ours = path_join(w->tpath, ANNA_FILE);
	} else {
		w->tpath = path_join(w->f->dir, "cal.ics");
		ours = xstrdup(w->tpath);
	}
	write_path(ours, initial);
	free(ours);
	open_target(w);
	if (kind == VDIR) {
		char *name = w->t->ops->resource_name(w->t, ANNA_UID);

		assert_string_equal(name, ANNA_FILE);
		free(name);
	}
	memset(&r, 0, sizeof(r));
	r.contact_id = w->anna;
	r.resource = (char *)anna_resource(w);
	r.uid = ANNA_UID;
	r.etag = listed_tag(w, anna_resource(w));
	assert_non_null(r.etag);
	if (kind == VDIR) {
		char *tag = kith_content_tag(initial, strlen(initial));

		assert_string_equal(r.etag, tag);
		free(tag);
	}
	r.base = initial;
	r.state = "ok";
	assert_ok(kith_store_begin(w->f->store));
	assert_ok(kith_store_target_id(w->f->store, kith_target_url(w->t), 1, &target_id));
	assert_ok(kith_store_rstate_save(w->f->store, target_id, &r));
	assert_ok(kith_store_commit(w->f->store));
	free(r.etag);
	free(initial);
	return w;
}

static void world_free(struct world *w)
{
	void *state;

	if (!w)
		return;
	kith_target_free(w->t);
	state = w->f;
	fixture_teardown(&state);
	free(w->tpath);
	free(w);
}

/* As if the process died: drop the target and the store, open them again. */
static void world_restart(struct world *w)
{
	kith_target_free(w->t);
	w->t = NULL;
	kith_store_close(w->f->store);
	w->f->store = NULL;
	assert_ok(kith_store_open(w->f->ctx, w->f->path, &w->f->store));
	open_target(w);
}

/*
 * Put a client's view of the server on the target: in a vdir each
 * VCALENDAR is one file (ours keeps its name, the others are named after
 * their UID); in a file target every VTODO goes into one VCALENDAR.
 */
static void world_put_server(struct world *w, const char *text)
{
	char *parts[MAX_RES];
	size_t n = split_resources(text, parts, MAX_RES);

	if (w->kind == VDIR) {
		char *ours = path_join(w->tpath, ANNA_FILE);

		unlink(ours);
		free(ours);
		for (size_t i = 0; i < n; i++) {
			char *uid = uid_of(parts[i]);
			char name[200];
			char *path;

			if (!strcmp(uid, ANNA_UID))
				snprintf(name, sizeof(name), "%s", ANNA_FILE);
			else
				snprintf(name, sizeof(name), "%s.ics", uid);
			path = path_join(w->tpath, name);
			write_path(path, parts[i]);
			free(path);
			free(uid);
		}
	} else {
		size_t cap = strlen(text) + 64, len;
		char *all = malloc(cap);
		const char *first;

		if (!all)
			abort();
		first = n ? strstr(parts[0], "BEGIN:VTODO") : NULL;
		if (first) {
			memcpy(all, parts[0], (size_t)(first - parts[0]));
			all[first - parts[0]] = '\0';
		} else {
			strcpy(all,
			       "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//test//EN\r\n");
		}
		for (size_t i = 0; i < n; i++) {
			const char *b = strstr(parts[i], "BEGIN:VTODO");
			const char *e = b ? strstr(parts[i], "END:VCALENDAR") : NULL;

			if (!b)
				continue;
			len = strlen(all);
			memcpy(all + len, b, (size_t)(e - b));
			all[len + (size_t)(e - b)] = '\0';
		}
		strcat(all, "END:VCALENDAR\r\n");
		write_path(w->tpath, all);
		free(all);
	}
	for (size_t i = 0; i < n; i++)
		free(parts[i]);
}

/* ---- syncing ---- */

struct hook {
	const char *stop_at; /* return 1 at this step, once */
	int stopped;
	const char *race_at; /* modify race_path at this step, once, and go on */
	char *race_path;
	const char *race_from, *race_to;
	int raced;
	char steps[256]; /* every step seen, in order */
};

static int hook_fn(const char *step, void *arg)
{
	struct hook *h = arg;

	if (strlen(h->steps) + strlen(step) + 2 < sizeof(h->steps)) {
		strcat(h->steps, step);
		strcat(h->steps, " ");
	}
	if (h->race_at && !h->raced && !strcmp(step, h->race_at)) {
		char *now = read_path(h->race_path);
		char *edited = subst(now, h->race_from, h->race_to);

		assert_string_not_equal(now, edited);
		write_path(h->race_path, edited);
		free(edited);
		free(now);
		h->raced = 1;
	}
	if (h->stop_at && !h->stopped && !strcmp(step, h->stop_at)) {
		h->stopped = 1;
		return 1;
	}
	return 0;
}

/* What the next sync_with() passes; tests that change them put them back. */
static struct kith_date sync_today = { 2026, 2, 21 };
static time_t sync_now = NOW;
static int sync_force;

static enum kith_status sync_with(struct world *w, struct hook *h, struct kith_sync_result **out)
{
	struct kith_sync_options o;
	struct kith_sync_hooks hooks = { hook_fn, h };
	enum kith_status rc;

	memset(&o, 0, sizeof(o));
	o.today = sync_today;
	o.tzid = "UTC";
	o.now = sync_now;
	o.force = sync_force;
	*out = NULL;
	rc = kith_sync_with_hooks(w->f->store, w->t, &o, h ? &hooks : NULL, out);
	return rc;
}

/* A sync that must succeed. Ownership: kith_sync_result_free(). */
static struct kith_sync_result *sync_ok(struct world *w, struct hook *h)
{
	struct kith_sync_result *res = NULL;
	enum kith_status rc = sync_with(w, h, &res);

	if (rc != KITH_OK)
		fail_msg("sync: %s: %s", kith_status_str(rc), kith_ctx_errmsg(w->f->ctx));
	assert_non_null(res);
	return res;
}

/* ---- reading the results ---- */

static size_t touches_of(struct world *w, int64_t id, struct kith_touch **out)
{
	struct kith_touch_filter filter = { id, { 0, 0, 0 }, { 0, 0, 0 } };
	size_t n = 0;

	*out = NULL;
	assert_ok(kith_store_list_touches(w->f->store, &filter, out, &n));
	return n;
}

/* Every resource text on the target, as stored. Ownership: free each and the array. */
static size_t target_texts(struct world *w, char ***out_names, char ***out_texts)
{
	char **names = calloc(64, sizeof(*names)), **texts = calloc(64, sizeof(*texts));
	size_t n = 0;

	if (!names || !texts)
		abort();
	if (w->kind == VDIR) {
		DIR *d = opendir(w->tpath);
		struct dirent *e;

		assert_non_null(d);
		while ((e = readdir(d))) {
			size_t len = strlen(e->d_name);
			char *path;

			if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".ics"))
				continue;
			assert_true(n < 64);
			path = path_join(w->tpath, e->d_name);
			names[n] = xstrdup(e->d_name);
			texts[n++] = read_path(path);
			free(path);
		}
		closedir(d);
	} else {
		names[n] = xstrdup("cal.ics");
		texts[n++] = read_path(w->tpath);
	}
	*out_names = names;
	*out_texts = texts;
	return n;
}

static void free_texts(char **names, char **texts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
		free(texts[i]);
	}
	free(names);
	free(texts);
}

/* The VCALENDARs of a text (one, or several under an XROOT). */
static icalcomponent *parse_ical(const char *text)
{
	icalcomponent *c = icalparser_parse_string(text);

	if (!c)
		fail_msg("libical cannot read:\n%s", text);
	return c;
}

static void for_each_vtodo(icalcomponent *root, void (*fn)(icalcomponent *todo, void *arg),
			   void *arg)
{
	if (icalcomponent_isa(root) == ICAL_VTODO_COMPONENT) {
		fn(root, arg);
		return;
	}
	for (icalcomponent *c = icalcomponent_get_first_component(root, ICAL_ANY_COMPONENT); c;
	     c = icalcomponent_get_next_component(root, ICAL_ANY_COMPONENT))
		for_each_vtodo(c, fn, arg);
}

struct census {
	const char *uid;
	int masters, overrides;
};

static void count_uid(icalcomponent *todo, void *arg)
{
	struct census *c = arg;
	const char *uid = icalcomponent_get_uid(todo);

	if (!uid || strcmp(uid, c->uid))
		return;
	if (icalcomponent_get_first_property(todo, ICAL_RECURRENCEID_PROPERTY))
		c->overrides++;
	else
		c->masters++;
}

/* How many masters and overrides carry uid on the whole target. */
static struct census census_of(struct world *w, const char *uid)
{
	char **names, **texts;
	size_t n = target_texts(w, &names, &texts);
	struct census c = { uid, 0, 0 };

	for (size_t i = 0; i < n; i++) {
		icalcomponent *root = parse_ical(texts[i]);

		for_each_vtodo(root, count_uid, &c);
		icalcomponent_free(root);
	}
	free_texts(names, texts, n);
	return c;
}

struct find {
	const char *uid;
	icalcomponent *master;
};

static void find_master(icalcomponent *todo, void *arg)
{
	struct find *f = arg;
	const char *uid = icalcomponent_get_uid(todo);

	if (uid && !strcmp(uid, f->uid) &&
	    !icalcomponent_get_first_property(todo, ICAL_RECURRENCEID_PROPERTY) && !f->master)
		f->master = icalcomponent_new_clone(todo);
}

/* A clone of the master VTODO with uid in `text`; NULL if none. */
static icalcomponent *master_in(const char *text, const char *uid)
{
	icalcomponent *root = parse_ical(text);
	struct find f = { uid, NULL };

	for_each_vtodo(root, find_master, &f);
	icalcomponent_free(root);
	return f.master;
}

/* A clone of the master VTODO with uid on the target. Ownership: icalcomponent_free(). */
static icalcomponent *target_master(struct world *w, const char *uid)
{
	char **names, **texts;
	size_t n = target_texts(w, &names, &texts);
	icalcomponent *m = NULL;

	for (size_t i = 0; i < n && !m; i++)
		m = master_in(texts[i], uid);
	free_texts(names, texts, n);
	if (!m)
		fail_msg("no master VTODO %s on the target", uid);
	return m;
}

static int is_owned(icalproperty *p)
{
	static const icalproperty_kind owned[] = {
		ICAL_DTSTART_PROPERTY,    ICAL_DUE_PROPERTY,          ICAL_DURATION_PROPERTY,
		ICAL_RRULE_PROPERTY,      ICAL_EXDATE_PROPERTY,       ICAL_RDATE_PROPERTY,
		ICAL_STATUS_PROPERTY,     ICAL_COMPLETED_PROPERTY,    ICAL_PERCENTCOMPLETE_PROPERTY,
		ICAL_SUMMARY_PROPERTY,    ICAL_DESCRIPTION_PROPERTY,  ICAL_URL_PROPERTY,
		ICAL_DTSTAMP_PROPERTY,    ICAL_LASTMODIFIED_PROPERTY, ICAL_SEQUENCE_PROPERTY,
		ICAL_CATEGORIES_PROPERTY,
	};
	icalproperty_kind k = icalproperty_isa(p);

	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		if (k == owned[i])
			return 1;
	if (k == ICAL_X_PROPERTY) {
		const char *n = icalproperty_get_x_name(p);

		return n && !strncmp(n, "X-KITH-", 7);
	}
	return 0;
}

static char *prop_text(icalproperty *p)
{
	char *s = icalproperty_as_ical_string_r(p);
	char *copy = xstrdup(s);

	icalmemory_free_buffer(s);
	return copy;
}

static int has_prop_text(icalcomponent *c, const char *text)
{
	int found = 0;

	for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_ANY_PROPERTY); p && !found;
	     p = icalcomponent_get_next_property(c, ICAL_ANY_PROPERTY)) {
		char *t = prop_text(p);

		found = !strcmp(t, text);
		free(t);
	}
	return found;
}

static int sequence_of(icalcomponent *todo)
{
	return icalcomponent_get_first_property(todo, ICAL_SEQUENCE_PROPERTY)
		       ? icalcomponent_get_sequence(todo)
		       : 0;
}

/* The reminder as kith must have rewritten it from `server` (the app's bytes). */
static void assert_rewritten(struct world *w, const char *server_ours, struct kith_date due)
{
	icalcomponent *before = master_in(server_ours, ANNA_UID);
	icalcomponent *m = target_master(w, ANNA_UID);
	struct icaltimetype t;
	struct kith_date got;

	assert_non_null(before);
	t = icalcomponent_get_due(m);
	assert_true(t.is_date);
	got = (struct kith_date){ t.year, t.month, t.day };
	assert_date(got, due.year, due.month, due.day);
	assert_non_null(icalcomponent_get_first_property(m, ICAL_STATUS_PROPERTY));
	assert_int_equal(icalcomponent_get_status(m), ICAL_STATUS_NEEDSACTION);
	assert_null(icalcomponent_get_first_property(m, ICAL_COMPLETED_PROPERTY));
	assert_null(icalcomponent_get_first_property(m, ICAL_PERCENTCOMPLETE_PROPERTY));
	assert_int_equal(sequence_of(m), sequence_of(before) + 1);
	/* Every property kith does not own survives as the app wrote it. */
	for (icalproperty *p = icalcomponent_get_first_property(before, ICAL_ANY_PROPERTY); p;
	     p = icalcomponent_get_next_property(before, ICAL_ANY_PROPERTY)) {
		char *text;

		if (is_owned(p))
			continue;
		text = prop_text(p);
		if (!has_prop_text(m, text))
			fail_msg("the app's property %s was lost", text);
		free(text);
	}
	icalcomponent_free(before);
	icalcomponent_free(m);
}

struct gather {
	const char *uid;
	char *text;
};

static void gather_uid(icalcomponent *todo, void *arg)
{
	struct gather *g = arg;
	const char *uid = icalcomponent_get_uid(todo);
	char *s, *joined;

	if (!uid || strcmp(uid, g->uid))
		return;
	s = icalcomponent_as_ical_string_r(todo);
	joined = malloc((g->text ? strlen(g->text) : 0) + strlen(s) + 1);
	if (!joined)
		abort();
	strcpy(joined, g->text ? g->text : "");
	strcat(joined, s);
	icalmemory_free_buffer(s);
	free(g->text);
	g->text = joined;
}

/* Every VTODO with uid on the target, serialised. Ownership: free(). */
static char *target_vtodos(struct world *w, const char *uid)
{
	char **names, **texts;
	size_t n = target_texts(w, &names, &texts);
	struct gather g = { uid, NULL };

	for (size_t i = 0; i < n; i++) {
		icalcomponent *root = parse_ical(texts[i]);

		for_each_vtodo(root, gather_uid, &g);
		icalcomponent_free(root);
	}
	free_texts(names, texts, n);
	return g.text ? g.text : xstrdup("");
}

/* name + size + mtime of every file in the target, to see that nothing was written. */
static char *snapshot(struct world *w)
{
	char **names, **texts;
	size_t n = target_texts(w, &names, &texts);
	size_t cap = 64 + n * 512;
	char *out = calloc(1, cap);

	if (!out)
		abort();
	for (size_t i = 0; i < n; i++) {
		char *path = w->kind == VDIR ? path_join(w->tpath, names[i]) : xstrdup(w->tpath);
		struct stat st;
		size_t len = strlen(out);

		assert_int_equal(stat(path, &st), 0);
		snprintf(out + len, cap - len, "%s %lld %lld.%09ld\n", names[i],
			 (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
		free(path);
	}
	free_texts(names, texts, n);
	return out;
}

static int count_actions(const struct kith_sync_result *r, enum kith_sync_action_kind kind)
{
	int n = 0;

	for (size_t i = 0; i < r->n_actions; i++)
		n += r->actions[i].kind == kind;
	return n;
}

/* ---- the client files, end to end ---- */

/* `file` names the case in messages; `server` is what the app left. */
static void check_client_text(enum kind kind, const char *file, const char *server)
{
	struct world *w = world_new(kind, 0);
	char *parts[MAX_RES];
	size_t n = split_resources(server, parts, MAX_RES);
	const char *ours = NULL;
	char *foreign_tags[MAX_RES] = { NULL };
	char *foreign_bytes[MAX_RES] = { NULL };
	char *foreign_names[MAX_RES] = { NULL };
	struct kith_sync_result *res;
	struct kith_touch *touches;
	char *before, *after;
	size_t nt;

	world_put_server(w, server);
	for (size_t i = 0; i < n; i++) {
		char *uid = uid_of(parts[i]);

		if (!strcmp(uid, ANNA_UID)) {
			ours = parts[i];
			free(uid);
			continue;
		}
		if (kind == VDIR) {
			char name[200];
			char *path;

			snprintf(name, sizeof(name), "%s.ics", uid);
			foreign_names[i] = xstrdup(name);
			path = path_join(w->tpath, name);
			foreign_bytes[i] = read_path(path);
			free(path);
			free(uid);
		} else {
			/* The file is rewritten as a whole: compare the VTODOs. */
			foreign_bytes[i] = target_vtodos(w, uid);
			assert_string_not_equal(foreign_bytes[i], "");
			foreign_names[i] = uid;
		}
		foreign_tags[i] = listed_tag(w, foreign_names[i]);
		assert_non_null(foreign_tags[i]);
	}
	assert_non_null(ours);

	res = sync_ok(w, NULL);
	if (res->touches != 1)
		fail_msg("%s: %ld touches", file, res->touches);
	assert_int_equal(res->updated, 1);
	assert_int_equal(res->created, 0);
	assert_int_equal(res->snoozed, 0);
	assert_int_equal(res->paused, 0);
	assert_int_equal(res->wrote, 1);
	assert_int_equal(count_actions(res, KITH_SYNC_TOUCH), 1);
	kith_sync_result_free(res);

	nt = touches_of(w, w->anna, &touches);
	assert_int_equal(nt, 1);
	assert_date(touches[0].on, 2026, 2, 20);
	assert_int_equal(touches[0].source, KITH_SOURCE_CALENDAR);
	assert_string_equal(touches[0].at, "2026-02-20T17:30:00Z");
	kith_touch_list_free(touches, nt);

	assert_rewritten(w, ours, D(2026, 5, 20));
	{
		struct census c = census_of(w, ANNA_UID);

		assert_int_equal(c.masters, 1);
		assert_int_equal(c.overrides, 0);
	}
	/* Foreign resources: untouched. */
	for (size_t i = 0; i < n; i++) {
		char *now, *tag;

		if (!foreign_names[i])
			continue;
		tag = listed_tag(w, foreign_names[i]);
		if (!tag || strcmp(tag, foreign_tags[i]))
			fail_msg("%s: foreign resource %s was changed", file, foreign_names[i]);
		free(tag);
		if (kind == VDIR) {
			char *path = path_join(w->tpath, foreign_names[i]);

			now = read_path(path);
			free(path);
		} else {
			now = target_vtodos(w, foreign_names[i]);
		}
		assert_string_equal(now, foreign_bytes[i]);
		free(now);
	}

	/* Right after: nothing to do, nothing written, nothing logged. */
	before = snapshot(w);
	res = sync_ok(w, NULL);
	after = snapshot(w);
	assert_int_equal(res->wrote, 0);
	assert_int_equal(res->touches, 0);
	assert_int_equal(res->updated, 0);
	assert_int_equal(res->created, 0);
	kith_sync_result_free(res);
	assert_string_equal(before, after);
	nt = touches_of(w, w->anna, &touches);
	assert_int_equal(nt, 1);
	kith_touch_list_free(touches, nt);

	/* Nor the next day: nothing in a reminder changes with the date alone. */
	sync_today = D(2026, 2, 22);
	sync_now = NOW + 86400;
	res = sync_ok(w, NULL);
	sync_today = TODAY;
	sync_now = NOW;
	assert_int_equal(res->wrote, 0);
	kith_sync_result_free(res);
	free(after);
	after = snapshot(w);
	assert_string_equal(before, after);

	free(before);
	free(after);
	for (size_t i = 0; i < n; i++) {
		free(parts[i]);
		free(foreign_tags[i]);
		free(foreign_bytes[i]);
		free(foreign_names[i]);
	}
	world_free(w);
}

static void check_client(enum kind kind, const char *file)
{
	char *server = read_data(file);

	check_client_text(kind, file, server);
	free(server);
}

static void test_sync_every_client_vdir(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CLIENTS; i++)
		check_client(VDIR, client_files[i]);
}

static void test_sync_every_client_file(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_CLIENTS; i++)
		check_client(FILE1, client_files[i]);
}

/*
 * Outlook through the CalDav Synchronizer rebuilds the task from Outlook's
 * data: no X- properties, DATE values as 23:59:59 in Outlook's zone, and a
 * completed copy that still carries the RRULE.
 */
static const char outlook[] = "BEGIN:VCALENDAR\r\n"
			      "VERSION:2.0\r\n"
			      "PRODID:-//CALDAVSYNCHRONIZER//NONSGML Outlook//EN\r\n"
			      "%TZ%"
			      "BEGIN:VTODO\r\n"
			      "UID:kith-anna-0042@kith.example\r\n"
			      "DTSTAMP:20260220T173500Z\r\n"
			      "LAST-MODIFIED:20260220T173000Z\r\n"
			      "SEQUENCE:3\r\n"
			      "SUMMARY:Keep in touch with Anna\r\n"
			      "DTSTART;TZID=Europe/Berlin:20260601T235959\r\n"
			      "DUE;TZID=Europe/Berlin:20260601T235959\r\n"
			      "RRULE:FREQ=MONTHLY;INTERVAL=3\r\n"
			      "STATUS:NEEDS-ACTION\r\n"
			      "PRIORITY:5\r\n"
			      "CLASS:PUBLIC\r\n"
			      "END:VTODO\r\n"
			      "END:VCALENDAR\r\n"
			      "BEGIN:VCALENDAR\r\n"
			      "VERSION:2.0\r\n"
			      "PRODID:-//CALDAVSYNCHRONIZER//NONSGML Outlook//EN\r\n"
			      "%TZ%"
			      "BEGIN:VTODO\r\n"
			      "UID:AAAAAEc1E1C4D47B4D8A4C5B7F39D2A1E06C0700\r\n"
			      "DTSTAMP:20260220T173500Z\r\n"
			      "LAST-MODIFIED:20260220T173000Z\r\n"
			      "SUMMARY:Keep in touch with Anna\r\n"
			      "DTSTART;TZID=Europe/Berlin:20260301T235959\r\n"
			      "DUE;TZID=Europe/Berlin:20260301T235959\r\n"
			      "RRULE:FREQ=MONTHLY;INTERVAL=3\r\n"
			      "STATUS:COMPLETED\r\n"
			      "COMPLETED:20260220T173000Z\r\n"
			      "PERCENT-COMPLETE:100\r\n"
			      "PRIORITY:5\r\n"
			      "CLASS:PUBLIC\r\n"
			      "END:VTODO\r\n"
			      "END:VCALENDAR\r\n";

static const char berlin_vtimezone[] = "BEGIN:VTIMEZONE\r\n"
				       "TZID:Europe/Berlin\r\n"
				       "BEGIN:DAYLIGHT\r\n"
				       "TZOFFSETFROM:+0100\r\n"
				       "TZOFFSETTO:+0200\r\n"
				       "TZNAME:CEST\r\n"
				       "DTSTART:19700329T020000\r\n"
				       "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
				       "END:DAYLIGHT\r\n"
				       "BEGIN:STANDARD\r\n"
				       "TZOFFSETFROM:+0200\r\n"
				       "TZOFFSETTO:+0100\r\n"
				       "TZNAME:CET\r\n"
				       "DTSTART:19701025T030000\r\n"
				       "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
				       "END:STANDARD\r\n"
				       "END:VTIMEZONE\r\n";

static void test_sync_outlook_synchronizer(void **state)
{
	char *server = subst(outlook, "%TZ%", berlin_vtimezone);

	(void)state;
	check_client_text(VDIR, "Outlook", server);
	check_client_text(FILE1, "Outlook", server);
	free(server);
}

/* ---- the second cycle: the base is what kith itself wrote ---- */

enum cycle_shape { ADVANCED, OVERRIDE, APPLE_COPY };

/*
 * After the first sync (tasks.org's tick of Feb 20), kith's reminder is due
 * 2026-05-20 with DTSTART 2026-05-13.  On May 18 Anna is ticked again in an
 * app.  kith, syncing on May 19, logs exactly that one new touch and moves
 * the reminder to 2026-08-18.
 */
static void check_second_cycle(enum kind kind, enum cycle_shape shape)
{
	struct world *w = world_new(kind, 0);
	char *first = read_data("tasks-org.ics");
	char *path = kind == VDIR ? path_join(w->tpath, ANNA_FILE) : xstrdup(w->tpath);
	char *mine, *next = NULL;
	struct kith_sync_result *res;
	struct kith_touch *touches;
	struct census cs;
	icalcomponent *m;
	struct icaltimetype due;
	size_t nt;

	world_put_server(w, first);
	res = sync_ok(w, NULL);
	assert_int_equal(res->touches, 1);
	kith_sync_result_free(res);
	mine = read_path(path);
	assert_contains(mine, "DTSTART;VALUE=DATE:20260513");
	assert_contains(mine, "DUE;VALUE=DATE:20260520");
	assert_contains(mine, "LAST-MODIFIED:20260221T120000Z");
	if (shape == OVERRIDE) {
		next = subst(mine, "END:VTODO\r\n",
			     "END:VTODO\r\n"
			     "BEGIN:VTODO\r\n"
			     "UID:kith-anna-0042@kith.example\r\n"
			     "RECURRENCE-ID;VALUE=DATE:20260513\r\n"
			     "DTSTAMP:20260518T090000Z\r\n"
			     "SUMMARY:Keep in touch: Anna Berg\r\n"
			     "DTSTART;VALUE=DATE:20260513\r\n"
			     "DUE;VALUE=DATE:20260520\r\n"
			     "STATUS:COMPLETED\r\n"
			     "COMPLETED:20260518T090000Z\r\n"
			     "PERCENT-COMPLETE:100\r\n"
			     "END:VTODO\r\n");
	} else {
		/* The master advanced on the grid (with Apple, also a completed copy). */
		char *t = subst(mine, "DTSTART;VALUE=DATE:20260513", "DTSTART;VALUE=DATE:20260813");

		next = subst(t, "DUE;VALUE=DATE:20260520", "DUE;VALUE=DATE:20260820");
		free(t);
		t = subst(next, "LAST-MODIFIED:20260221T120000Z", "LAST-MODIFIED:20260518T090000Z");
		free(next);
		next = t;
	}
	if (kind == VDIR || shape != APPLE_COPY) {
		write_path(path, next);
	}
	if (shape == APPLE_COPY) {
		static const char copy[] = "BEGIN:VTODO\r\n"
					   "UID:0B7E5C1D-2F3A-4B5C-8D9E-0F1A2B3C4D5E\r\n"
					   "CREATED:20260518T090000Z\r\n"
					   "DTSTAMP:20260518T090004Z\r\n"
					   "LAST-MODIFIED:20260518T090000Z\r\n"
					   "SUMMARY:Keep in touch: Anna Berg\r\n"
					   "DTSTART;VALUE=DATE:20260513\r\n"
					   "DUE;VALUE=DATE:20260520\r\n"
					   "STATUS:COMPLETED\r\n"
					   "COMPLETED:20260518T090000Z\r\n"
					   "PERCENT-COMPLETE:100\r\n"
					   "X-APPLE-SORT-ORDER:793300002\r\n"
					   "END:VTODO\r\n";

		if (kind == VDIR) {
			char *cpath = path_join(w->tpath, "0B7E5C1D.ics");
			char *text = malloc(sizeof(copy) + 128);

			if (!text)
				abort();
			snprintf(
				text, sizeof(copy) + 128,
				"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//iOS 18.3//EN\r\n"
				"%sEND:VCALENDAR\r\n",
				copy);
			write_path(cpath, text);
			free(text);
			free(cpath);
		} else {
			char *t = subst(next, "END:VCALENDAR\r\n", "");
			size_t len = strlen(t) + sizeof(copy) + 32;
			char *all = malloc(len);

			if (!all)
				abort();
			snprintf(all, len, "%s%sEND:VCALENDAR\r\n", t, copy);
			write_path(path, all);
			free(all);
			free(t);
		}
	}
	sync_today = D(2026, 5, 19);
	sync_now = NOW + 87 * 86400;
	res = sync_ok(w, NULL);
	sync_today = TODAY;
	sync_now = NOW;
	if (res->touches != 1 || res->snoozed)
		fail_msg("second cycle, shape %d: %ld touches, %ld snoozed", (int)shape,
			 res->touches, res->snoozed);
	kith_sync_result_free(res);
	nt = touches_of(w, w->anna, &touches);
	assert_int_equal(nt, 2);
	assert_date(touches[0].on, 2026, 5, 18);
	assert_date(touches[1].on, 2026, 2, 20);
	kith_touch_list_free(touches, nt);
	cs = census_of(w, ANNA_UID);
	assert_int_equal(cs.masters, 1);
	assert_int_equal(cs.overrides, 0);
	m = target_master(w, ANNA_UID);
	due = icalcomponent_get_due(m);
	if (due.month != 8 || due.day != 18)
		fail_msg("second cycle, shape %d: due %04d-%02d-%02d", (int)shape, due.year,
			 due.month, due.day);
	icalcomponent_free(m);
	free(next);
	free(mine);
	free(path);
	free(first);
	world_free(w);
}

static void test_sync_second_cycle_on_kiths_own_reminder(void **state)
{
	(void)state;
	for (int k = VDIR; k <= FILE1; k++) {
		check_second_cycle((enum kind)k, ADVANCED);
		check_second_cycle((enum kind)k, OVERRIDE);
		check_second_cycle((enum kind)k, APPLE_COPY);
	}
}

/*
 * A calendar file is more than its VTODOs: X-WR-CALNAME, CALSCALE and the
 * like belong to the file, and a foreign resource in it is untouched only
 * if the target still lists it with the same tag.
 */
static void test_sync_file_keeps_calendar_properties(void **state)
{
	const char *copy = "0d6f3a52-8c1e-4b7a-a1f4-93e2c5b8d017";
	struct world *w;
	char *raw, *server;
	struct kith_sync_result *res;
	char *tag_before, *tag_after, *file;

	(void)state;
	w = world_new(FILE1, 0);
	raw = read_data("opentasks-davx5.ics");
	server = subst(raw, "PRODID:DAVx5/4.5 ical4j/3.2 (org.dmfs.tasks)\r\n",
		       "PRODID:DAVx5/4.5 ical4j/3.2 (org.dmfs.tasks)\r\n"
		       "X-WR-CALNAME:Network\r\nCALSCALE:GREGORIAN\r\n");
	world_put_server(w, server);
	tag_before = listed_tag(w, copy);
	res = sync_ok(w, NULL);
	assert_int_equal(res->touches, 1);
	kith_sync_result_free(res);
	file = read_path(w->tpath);
	assert_contains(file, "X-WR-CALNAME:Network");
	assert_contains(file, "CALSCALE:GREGORIAN");
	tag_after = listed_tag(w, copy);
	assert_non_null(tag_after);
	assert_string_equal(tag_after, tag_before);
	free(file);
	free(tag_before);
	free(tag_after);
	free(server);
	free(raw);
	world_free(w);
}

/* Unchanged since initial.ics: kith still brings its own reminder up to date, logs nothing. */
static void check_unchanged(enum kind kind)
{
	struct world *w = world_new(kind, 0);
	struct kith_sync_result *res = sync_ok(w, NULL);
	struct kith_touch *touches;
	size_t nt;
	icalcomponent *m;
	struct icaltimetype due;

	assert_int_equal(res->touches, 0);
	assert_int_equal(res->snoozed, 0);
	kith_sync_result_free(res);
	nt = touches_of(w, w->anna, &touches);
	assert_int_equal(nt, 0);
	kith_touch_list_free(touches, nt);
	m = target_master(w, ANNA_UID);
	due = icalcomponent_get_due(m);
	assert_int_equal(due.year, 2026);
	assert_int_equal(due.month, 3);
	assert_int_equal(due.day, 1);
	icalcomponent_free(m);
	world_free(w);
}

static void test_sync_unchanged_reminder_logs_nothing(void **state)
{
	(void)state;
	check_unchanged(VDIR);
	check_unchanged(FILE1);
}

/* ---- deleted in an app ---- */

static const char milk[] = "BEGIN:VCALENDAR\r\n"
			   "VERSION:2.0\r\n"
			   "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\n"
			   "BEGIN:VTODO\r\n"
			   "UID:milk-0001@example.org\r\n"
			   "DTSTAMP:20260220T173000Z\r\n"
			   "SUMMARY:Buy milk\r\n"
			   "STATUS:NEEDS-ACTION\r\n"
			   "END:VTODO\r\n"
			   "END:VCALENDAR\r\n";

static void check_deleted(enum kind kind)
{
	struct world *w = world_new(kind, 0);
	struct kith_sync_result *res;
	struct kith_contact *c;
	struct census cs;

	world_put_server(w, milk);
	res = sync_ok(w, NULL);
	assert_int_equal(res->paused, 1);
	assert_int_equal(res->created, 0);
	assert_int_equal(res->touches, 0);
	assert_int_equal(count_actions(res, KITH_SYNC_PAUSE), 1);
	kith_sync_result_free(res);
	c = get_contact(w->f, w->anna);
	assert_int_equal(c->paused, 1);
	kith_contact_free(c);
	cs = census_of(w, ANNA_UID);
	assert_int_equal(cs.masters, 0);
	/* Not recreated by the next sync either. */
	res = sync_ok(w, NULL);
	assert_int_equal(res->created, 0);
	assert_int_equal(res->wrote, 0);
	assert_int_equal(count_actions(res, KITH_SYNC_PAUSE), 0);
	kith_sync_result_free(res);
	cs = census_of(w, ANNA_UID);
	assert_int_equal(cs.masters, 0);
	cs = census_of(w, "milk-0001@example.org");
	assert_int_equal(cs.masters, 1);
	world_free(w);
}

static void test_sync_deleted_reminder_pauses_the_contact(void **state)
{
	(void)state;
	check_deleted(VDIR);
	check_deleted(FILE1);
}

/* ---- a snooze in an app is kept ---- */

static void check_snooze(enum kind kind)
{
	struct world *w = world_new(kind, 0);
	char *raw = read_data("evolution.ics");
	char *server = subst(raw, "VALUE=DATE:20260601", "VALUE=DATE:20260315");
	struct kith_sync_result *res;
	struct kith_contact *c;
	struct kith_touch *touches;
	icalcomponent *m;
	struct icaltimetype due;
	size_t nt;

	world_put_server(w, server);
	res = sync_ok(w, NULL);
	assert_int_equal(res->touches, 0);
	assert_int_equal(res->snoozed, 1);
	kith_sync_result_free(res);
	c = get_contact(w->f, w->anna);
	assert_date(c->snoozed_until, 2026, 3, 15);
	kith_contact_free(c);
	nt = touches_of(w, w->anna, &touches);
	assert_int_equal(nt, 0);
	kith_touch_list_free(touches, nt);
	m = target_master(w, ANNA_UID);
	due = icalcomponent_get_due(m);
	assert_int_equal(due.month, 3);
	assert_int_equal(due.day, 15);
	icalcomponent_free(m);
	res = sync_ok(w, NULL);
	assert_int_equal(res->wrote, 0);
	assert_int_equal(res->snoozed, 0);
	kith_sync_result_free(res);
	free(server);
	free(raw);
	world_free(w);
}

static void test_sync_snooze_in_an_app_is_kept(void **state)
{
	(void)state;
	check_snooze(VDIR);
	check_snooze(FILE1);
}

/* ---- a dry run changes nothing ---- */

static void check_dry_run(enum kind kind)
{
	struct world *w = world_new(kind, 1);
	char *server = read_data("thunderbird.ics");
	struct kith_sync_options o;
	struct kith_sync_result *res = NULL;
	struct kith_touch *touches;
	char *before, *after;
	size_t nt;

	world_put_server(w, server);
	before = snapshot(w);
	memset(&o, 0, sizeof(o));
	o.today = TODAY;
	o.tzid = "UTC";
	o.now = NOW;
	o.dry_run = 1;
	assert_ok(kith_sync(w->f->store, w->t, &o, &res));
	assert_int_equal(res->wrote, 0);
	assert_int_equal(res->created, 1);
	assert_int_equal(res->updated, 1);
	kith_sync_result_free(res);
	after = snapshot(w);
	assert_string_equal(before, after);
	nt = touches_of(w, 0, &touches);
	assert_int_equal(nt, 0);
	kith_touch_list_free(touches, nt);
	free(before);
	free(after);
	/* And the real run afterwards still sees the completion. */
	res = sync_ok(w, NULL);
	assert_int_equal(res->touches, 1);
	assert_int_equal(res->created, 1);
	kith_sync_result_free(res);
	free(server);
	world_free(w);
}

static void test_sync_dry_run_changes_nothing(void **state)
{
	(void)state;
	check_dry_run(VDIR);
	check_dry_run(FILE1);
}

/* ---- a racing writer ---- */

/*
 * The target holds tasks.org's advanced master (a tick on Feb 20).  Between
 * kith's planning and its write, a phone ticks the reminder again (Feb 21)
 * and adds a property of its own.  kith's write must lose (conflict), and
 * the retry must see the phone's change: both ticks logged, the phone's
 * property kept, the reminder due three months after the newest.
 */
static void check_race(enum kind kind)
{
	struct world *w = world_new(kind, 0);
	char *server = read_data("tasks-org.ics");
	struct hook h;
	struct kith_sync_result *res;
	struct kith_touch *touches;
	struct census cs;
	icalcomponent *m;
	size_t nt;

	world_put_server(w, server);
	memset(&h, 0, sizeof(h));
	h.race_at = "plan";
	h.race_path = kind == VDIR ? path_join(w->tpath, ANNA_FILE) : xstrdup(w->tpath);
	h.race_from = "STATUS:NEEDS-ACTION\r\n";
	h.race_to = "STATUS:COMPLETED\r\nCOMPLETED:20260221T090000Z\r\nPERCENT-COMPLETE:100\r\n"
		    "X-PHONE-EDIT:kept\r\n";
	res = sync_ok(w, &h);
	assert_true(h.raced);
	assert_true(res->retries >= 1);
	assert_int_equal(res->touches, 2);
	assert_int_equal(res->wrote, 1);
	kith_sync_result_free(res);
	nt = touches_of(w, w->anna, &touches);
	assert_int_equal(nt, 2);
	/* Newest first. */
	assert_date(touches[0].on, 2026, 2, 21);
	assert_date(touches[1].on, 2026, 2, 20);
	kith_touch_list_free(touches, nt);
	m = target_master(w, ANNA_UID);
	{
		struct icaltimetype due = icalcomponent_get_due(m);

		assert_int_equal(due.month, 5);
		assert_int_equal(due.day, 21);
	}
	assert_true(has_prop_text(m, "X-PHONE-EDIT:kept\r\n"));
	assert_int_equal(icalcomponent_get_status(m), ICAL_STATUS_NEEDSACTION);
	assert_null(icalcomponent_get_first_property(m, ICAL_COMPLETED_PROPERTY));
	icalcomponent_free(m);
	cs = census_of(w, ANNA_UID);
	assert_int_equal(cs.masters, 1);
	res = sync_ok(w, NULL);
	assert_int_equal(res->wrote, 0);
	assert_int_equal(res->touches, 0);
	kith_sync_result_free(res);
	free(h.race_path);
	free(server);
	world_free(w);
}

static void test_sync_racing_writer_is_merged_not_overwritten(void **state)
{
	(void)state;
	check_race(VDIR);
	check_race(FILE1);
}

/*
 * The same race with two more reminders that need nothing: the attempt
 * that lost is abandoned, so its plan's counts are not added to the
 * retry's (3 reminders once came out as "1 updated, 4 unchanged").
 */
static void test_sync_counts_after_a_retry_are_exact(void **state)
{
	struct world *w = world_new(VDIR, 1);
	char *server = read_data("tasks-org.ics");
	struct hook h;
	struct kith_sync_result *res;

	(void)state;
	assert_ok(kith_store_begin(w->f->store));
	add_contact(w->f, "Cara Lind", "regular", D(2026, 1, 5));
	assert_ok(kith_store_commit(w->f->store));
	res = sync_ok(w, NULL);
	assert_int_equal(res->created, 2);
	kith_sync_result_free(res);
	world_put_server(w, server);
	memset(&h, 0, sizeof(h));
	h.race_at = "plan";
	h.race_path = path_join(w->tpath, ANNA_FILE);
	h.race_from = "STATUS:NEEDS-ACTION\r\n";
	h.race_to = "STATUS:COMPLETED\r\nCOMPLETED:20260221T090000Z\r\nPERCENT-COMPLETE:100\r\n";
	res = sync_ok(w, &h);
	assert_true(h.raced);
	assert_int_equal(res->retries, 1);
	/* both ticks are logged in committed transactions: both stay counted */
	assert_int_equal(res->touches, 2);
	assert_int_equal(res->created, 0);
	assert_int_equal(res->updated, 1);
	assert_int_equal(res->deleted, 0);
	assert_int_equal(res->unchanged, 2);
	assert_int_equal(res->paused, 0);
	assert_int_equal(res->snoozed, 0);
	assert_int_equal(res->skipped, 0);
	kith_sync_result_free(res);
	free(h.race_path);
	free(server);
	world_free(w);
}

/* ---- identity is the UID, not the resource name ---- */

/*
 * An app (or vdirsyncer after a server renamed the href) re-creates the
 * reminder under another name, same UID, with a completion in it.  That is
 * the reminder moved, not deleted: the tick is logged, the contact is not
 * paused, and there is still one reminder.
 */
static void check_renamed(void)
{
	struct world *w = world_new(VDIR, 0);
	char *server = read_data("tasks-org.ics");
	char *old = path_join(w->tpath, ANNA_FILE);
	char *renamed = path_join(w->tpath, "6b1f0c2e-renamed.ics");
	struct kith_sync_result *res;
	struct kith_contact *c;
	struct kith_touch *touches;
	struct census cs;
	size_t nt;

	assert_int_equal(unlink(old), 0);
	write_path(renamed, server);
	res = sync_ok(w, NULL);
	kith_sync_result_free(res);
	c = get_contact(w->f, w->anna);
	assert_int_equal(c->paused, 0);
	kith_contact_free(c);
	nt = touches_of(w, w->anna, &touches);
	assert_int_equal(nt, 1);
	kith_touch_list_free(touches, nt);
	cs = census_of(w, ANNA_UID);
	assert_int_equal(cs.masters, 1);
	free(old);
	free(renamed);
	free(server);
	world_free(w);
}

static void test_sync_renamed_resource_is_followed_by_uid(void **state)
{
	(void)state;
	check_renamed();
}

/* ---- what kith cannot read, it leaves alone ---- */

static void check_unreadable(enum kind kind)
{
	struct world *w = world_new(kind, 0);
	struct kith_sync_result *res;
	struct kith_contact *c;
	char *path = kind == VDIR ? path_join(w->tpath, ANNA_FILE) : xstrdup(w->tpath);
	const char *garbage = kind == VDIR ? "BEGIN:VCALENDAR\r\nthis is not\r\n"
					   : "this is no calendar at all\r\n";
	char *after, *before = read_path(path);
	struct kith_held *held;
	size_t n_held;
	enum kith_status rc;

	write_path(path, garbage);
	rc = sync_with(w, NULL, &res);
	if (kind == VDIR) {
		/* A vdir item: held back with its reason, the rest of the sync goes on. */
		assert_ok(rc);
		assert_int_equal(res->paused, 0);
		assert_int_equal(res->wrote, 0);
		assert_int_equal(res->held, 1);
		assert_int_equal(count_actions(res, KITH_SYNC_HOLD), 1);
		assert_ok(kith_sync_held(w->f->store, NULL, &held, &n_held));
		assert_int_equal(n_held, 1);
		assert_int_equal(held[0].contact_id, w->anna);
		assert_non_null(strstr(held[0].reason, "cannot read this reminder"));
		assert_non_null(held[0].since);
		kith_held_list_free(held, n_held);
		/* Repaired on the target: the next sync reads it and lets it go. */
		kith_sync_result_free(res);
		write_path(path, before);
		assert_ok(sync_with(w, NULL, &res));
		assert_int_equal(res->held, 0);
		assert_ok(kith_sync_held(w->f->store, NULL, &held, &n_held));
		assert_int_equal(n_held, 0);
		kith_held_list_free(held, n_held);
		write_path(path, garbage);
	} else {
		/* A whole file kith cannot read: nothing is done to it. */
		assert_int_not_equal(rc, KITH_OK);
		kith_ctx_clear(w->f->ctx);
	}
	kith_sync_result_free(res);
	c = get_contact(w->f, w->anna);
	assert_int_equal(c->paused, 0);
	kith_contact_free(c);
	after = read_path(path);
	assert_string_equal(after, garbage);
	free(after);
	free(before);
	free(path);
	world_free(w);
}

static void test_sync_unreadable_reminder_is_left_alone(void **state)
{
	(void)state;
	check_unreadable(VDIR);
	check_unreadable(FILE1);
}

/* ---- archived contacts ---- */

static void archive(struct world *w, int64_t id)
{
	struct kith_contact *c = get_contact(w->f, id);

	c->archived = 1;
	assert_ok(kith_store_update_contact(w->f->store, c));
	kith_contact_free(c);
}

static void check_archived_unchanged(enum kind kind)
{
	struct world *w = world_new(kind, 0);
	struct kith_sync_result *res;
	struct census cs;

	archive(w, w->anna);
	res = sync_ok(w, NULL);
	assert_int_equal(res->deleted, 1);
	kith_sync_result_free(res);
	cs = census_of(w, ANNA_UID);
	assert_int_equal(cs.masters, 0);
	world_free(w);
}

static void test_sync_archived_contact_reminder_is_removed(void **state)
{
	(void)state;
	check_archived_unchanged(VDIR);
	check_archived_unchanged(FILE1);
}

/*
 * A reminder ticked in an app before the contact was archived: the tick is
 * a touch like any other (the lunch happened), and once it is read the
 * reminder is removed as for any archived contact -- read first, then
 * deleted only as just read (If-Match on the tag of that read).
 */
static void check_archived_changed(enum kind kind)
{
	struct world *w = world_new(kind, 0);
	char *server = read_data("thunderbird.ics");
	struct kith_sync_result *res;
	struct kith_touch *touches;
	struct census cs;
	size_t nt;

	world_put_server(w, server);
	archive(w, w->anna);
	res = sync_ok(w, NULL);
	assert_int_equal(res->touches, 1);
	assert_int_equal(res->deleted, 1);
	kith_sync_result_free(res);
	nt = touches_of(w, w->anna, &touches);
	assert_int_equal(nt, 1);
	assert_date(touches[0].on, 2026, 2, 20);
	kith_touch_list_free(touches, nt);
	cs = census_of(w, ANNA_UID);
	assert_int_equal(cs.masters, 0);
	free(server);
	world_free(w);
}

static void test_sync_archived_contact_ticked_reminder_is_read_then_removed(void **state)
{
	(void)state;
	check_archived_changed(VDIR);
	check_archived_changed(FILE1);
}

/* ---- rule 9: a target that suddenly lists none of kith's reminders ---- */

static void check_mass_deletion(enum kind kind)
{
	struct world *w = world_new(kind, 1);
	struct kith_sync_result *res;
	struct kith_contact *c;
	enum kith_status rc;
	int64_t carol;

	assert_ok(kith_store_begin(w->f->store));
	carol = add_contact(w->f, "Carol Reed", "outer", D(2026, 1, 5));
	assert_ok(kith_store_commit(w->f->store));
	res = sync_ok(w, NULL);
	assert_int_equal(res->created, 2);
	kith_sync_result_free(res);
	/* Everything gone (an emptied directory, a truncated file). */
	if (kind == VDIR) {
		char **names, **texts;
		size_t n = target_texts(w, &names, &texts);

		for (size_t i = 0; i < n; i++) {
			char *path = path_join(w->tpath, names[i]);

			assert_int_equal(unlink(path), 0);
			free(path);
		}
		free_texts(names, texts, n);
	} else {
		write_path(w->tpath, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
				     "END:VCALENDAR\r\n");
	}
	rc = sync_with(w, NULL, &res);
	assert_status(rc, KITH_ERR_INVALID);
	assert_contains(kith_ctx_errmsg(w->f->ctx), "--force");
	kith_sync_result_free(res);
	kith_ctx_clear(w->f->ctx);
	c = get_contact(w->f, carol);
	assert_int_equal(c->paused, 0);
	kith_contact_free(c);
	c = get_contact(w->f, w->anna);
	assert_int_equal(c->paused, 0);
	kith_contact_free(c);
	/* With --force: the user meant it; each contact is paused, none recreated. */
	sync_force = 1;
	res = sync_ok(w, NULL);
	sync_force = 0;
	assert_int_equal(res->paused, 3);
	assert_int_equal(res->created, 0);
	kith_sync_result_free(res);
	world_free(w);
}

static void test_sync_mass_deletion_needs_force(void **state)
{
	(void)state;
	check_mass_deletion(VDIR);
	check_mass_deletion(FILE1);
}

/* ---- the RRULE anchor ---- */

/*
 * Ticked on 2026-03-07: due 2026-06-07, so a week's window would start on
 * May 31.  FREQ=MONTHLY;INTERVAL=3 from May 31 has no Nov 31 or Feb 31:
 * RFC 5545 apps skip those and show the next reminder nine months later.
 * clients/README: "avoid 29-31 as a monthly anchor".
 */
static void check_anchor(enum kind kind)
{
	struct world *w = world_new(kind, 0);
	char *raw = read_data("nextcloud-tasks-0.17.ics");
	char *server = subst(raw, "COMPLETED:20260220T173000Z", "COMPLETED:20260307T120000Z");
	struct kith_sync_result *res;
	icalcomponent *m;
	struct icaltimetype start, due;

	world_put_server(w, server);
	sync_today = D(2026, 3, 8);
	sync_now = NOW + 15 * 86400;
	res = sync_ok(w, NULL);
	sync_today = TODAY;
	sync_now = NOW;
	assert_int_equal(res->touches, 1);
	kith_sync_result_free(res);
	m = target_master(w, ANNA_UID);
	due = icalcomponent_get_due(m);
	start = icalcomponent_get_dtstart(m);
	assert_int_equal(due.month, 6);
	assert_int_equal(due.day, 7);
	assert_non_null(icalcomponent_get_first_property(m, ICAL_RRULE_PROPERTY));
	if (start.day > 28)
		fail_msg("DTSTART %04d-%02d-%02d anchors a monthly RRULE on day %d", start.year,
			 start.month, start.day, start.day);
	icalcomponent_free(m);
	free(server);
	free(raw);
	world_free(w);
}

static void test_sync_rrule_anchor_avoids_month_end(void **state)
{
	(void)state;
	check_anchor(VDIR);
	check_anchor(FILE1);
}

/* ---- crash safety ---- */

static const char *const steps[] = { "fetch", "plan", "write", "flush", "confirm" };

static void check_crash(enum kind kind, const char *file, const char *step)
{
	struct world *w = world_new(kind, 1);
	char *server = read_data(file);
	struct kith_contact *bob;
	struct hook h;
	struct kith_sync_result *res = NULL;
	struct kith_touch *touches;
	struct census cs;
	enum kith_status rc;
	char *ok;
	size_t nt;
	icalcomponent *m;
	struct icaltimetype due;
	char what[160];

	snprintf(what, sizeof(what), "%s, %s, stopped after %s", kind == VDIR ? "vdir" : "file",
		 file, step);
	world_put_server(w, server);
	memset(&h, 0, sizeof(h));
	h.stop_at = step;
	rc = sync_with(w, &h, &res);
	kith_sync_result_free(res);
	if (!h.stopped)
		fail_msg("%s: the step was never reached (steps: %s)", what, h.steps);
	if (rc == KITH_OK)
		fail_msg("%s: the sync went on after the fault", what);
	kith_ctx_clear(w->f->ctx);
	world_restart(w);

	res = sync_ok(w, NULL);
	kith_sync_result_free(res);

	nt = touches_of(w, w->anna, &touches);
	if (nt != 1)
		fail_msg("%s: %zu touches for Anna", what, nt);
	assert_date(touches[0].on, 2026, 2, 20);
	kith_touch_list_free(touches, nt);
	nt = touches_of(w, w->bob, &touches);
	assert_int_equal(nt, 0);
	kith_touch_list_free(touches, nt);

	cs = census_of(w, ANNA_UID);
	if (cs.masters != 1 || cs.overrides != 0)
		fail_msg("%s: %d reminders, %d overrides for Anna", what, cs.masters, cs.overrides);
	bob = get_contact(w->f, w->bob);
	cs = census_of(w, bob->uid);
	if (cs.masters != 1)
		fail_msg("%s: %d reminders for Bob", what, cs.masters);
	kith_contact_free(bob);

	m = target_master(w, ANNA_UID);
	due = icalcomponent_get_due(m);
	if (due.year != 2026 || due.month != 5 || due.day != 20)
		fail_msg("%s: due %04d-%02d-%02d", what, due.year, due.month, due.day);
	assert_null(icalcomponent_get_first_property(m, ICAL_COMPLETED_PROPERTY));
	icalcomponent_free(m);

	ok = integrity(w->f->path);
	assert_string_equal(ok, "ok");
	free(ok);

	/* And settled: the next run has nothing to do. */
	res = sync_ok(w, NULL);
	if (res->wrote || res->touches)
		fail_msg("%s: a third run wrote %d, logged %ld", what, res->wrote, res->touches);
	kith_sync_result_free(res);
	free(server);
	world_free(w);
}

static void test_sync_crash_at_every_step_vdir(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		check_crash(VDIR, "thunderbird.ics", steps[s]);
		check_crash(VDIR, "apple-reminders.ics", steps[s]);
		check_crash(VDIR, "tasks-org.ics", steps[s]);
	}
}

static void test_sync_crash_at_every_step_file(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++) {
		check_crash(FILE1, "thunderbird.ics", steps[s]);
		check_crash(FILE1, "apple-reminders.ics", steps[s]);
		check_crash(FILE1, "tasks-org.ics", steps[s]);
	}
}

/* A CalDAV delta made complete: kept in known order, changed and gone dropped, news last. */
static void test_listing_delta_applies_to_what_was_known(void **state)
{
	const char *known_names[] = { "/c/a.ics", "/c/b.ics", "/c/c.ics", "/c/d.ics" };
	struct kith_listing known = { 0 }, l = { 0 }, empty = { 0 };

	(void)state;
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(kith_listing_add(&known, known_names[i], "\"1\""), 0);
	l.delta = 1;
	assert_int_equal(kith_listing_add(&l, "/c/e.ics", "\"1\""), 0);
	assert_int_equal(kith_listing_add(&l, "/c/b.ics", "\"2\""), 0);
	assert_int_equal(kith_listing_gone(&l, "/c/c.ics"), 0);
	assert_int_equal(kith_listing_gone(&l, "/c/never-known.ics"), 0);
	assert_int_equal(kith_listing_apply(&l, &known), 0);
	assert_int_equal(l.delta, 0);
	assert_int_equal(l.n_gone, 0);
	assert_int_equal(l.n, 4);
	assert_string_equal(l.names[0], "/c/a.ics");
	assert_string_equal(l.names[1], "/c/d.ics");
	assert_string_equal(l.names[2], "/c/e.ics");
	assert_string_equal(l.names[3], "/c/b.ics");
	assert_string_equal(l.tags[3], "\"2\"");
	assert_string_equal(l.tags[1], "\"1\"");
	kith_listing_clear(&l);

	/* An empty delta is exactly what was known. */
	empty.delta = 1;
	assert_int_equal(kith_listing_apply(&empty, &known), 0);
	assert_int_equal(empty.n, known.n);
	for (size_t i = 0; i < known.n; i++)
		assert_string_equal(empty.names[i], known.names[i]);
	kith_listing_clear(&empty);
	kith_listing_clear(&known);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_listing_delta_applies_to_what_was_known),
		cmocka_unit_test(test_sync_every_client_vdir),
		cmocka_unit_test(test_sync_every_client_file),
		cmocka_unit_test(test_sync_outlook_synchronizer),
		cmocka_unit_test(test_sync_second_cycle_on_kiths_own_reminder),
		cmocka_unit_test(test_sync_file_keeps_calendar_properties),
		cmocka_unit_test(test_sync_unchanged_reminder_logs_nothing),
		cmocka_unit_test(test_sync_deleted_reminder_pauses_the_contact),
		cmocka_unit_test(test_sync_snooze_in_an_app_is_kept),
		cmocka_unit_test(test_sync_dry_run_changes_nothing),
		cmocka_unit_test(test_sync_racing_writer_is_merged_not_overwritten),
		cmocka_unit_test(test_sync_counts_after_a_retry_are_exact),
		cmocka_unit_test(test_sync_renamed_resource_is_followed_by_uid),
		cmocka_unit_test(test_sync_unreadable_reminder_is_left_alone),
		cmocka_unit_test(test_sync_archived_contact_reminder_is_removed),
		cmocka_unit_test(test_sync_archived_contact_ticked_reminder_is_read_then_removed),
		cmocka_unit_test(test_sync_mass_deletion_needs_force),
		cmocka_unit_test(test_sync_rrule_anchor_avoids_month_end),
		cmocka_unit_test(test_sync_crash_at_every_step_vdir),
		cmocka_unit_test(test_sync_crash_at_every_step_file),
	};

	/* Far from UTC, so a zone that silently falls back to the process's shows. */
	setenv("TZ", "Pacific/Auckland", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
