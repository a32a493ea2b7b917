/* SPDX-License-Identifier: MIT */
/*
 * The sync plan on rows built by hand: no store, no target.  Each test
 * sets up a few contacts, their reminder rows and what the target listed,
 * and checks the writes, row changes and actions kith_sync_plan_make()
 * decides.  The engine around it is tested in test-sync.c.
 */
#include "helpers.h"

#include "ctx.h"
#include "sync/plan.h"

#define TODAY D(2026, 2, 21)
#define NOW ((time_t)1771675200) /* 2026-02-21T12:00:00Z */
#define MAX 4

struct scene {
	struct kith_ctx *ctx;
	struct kith_contact contacts[MAX];
	size_t n_contacts;
	struct kith_tier tier;
	struct kith_touch last[MAX];
	size_t n_last;
	struct kith_rstate rows[MAX];
	size_t n_rows;
	long listed[MAX];
	char gone[MAX];
	int skip[MAX];
	char *names[MAX], *tags[MAX];
	struct kith_listing listing;
	struct kith_fetched fetched[MAX];
	struct kith_sync_options o;
	struct kith_sync_plan_input in;
	struct kith_sync_plan plan;
};

static int setup(void **state)
{
	struct scene *s = calloc(1, sizeof(*s));

	assert_non_null(s);
	assert_ok(kith_ctx_new(&s->ctx));
	s->tier.name = (char *)"regular";
	s->tier.cadence = CAD(3, MONTH);
	for (size_t i = 0; i < MAX; i++)
		s->listed[i] = -1;
	s->o.today = TODAY;
	s->o.tzid = "UTC";
	s->o.reminder.dtstamp = NOW;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct scene *s = *state;

	kith_sync_plan_clear(&s->plan);
	for (size_t i = 0; i < s->n_rows; i++) {
		free(s->rows[i].base);
		free(s->rows[i].fingerprint);
	}
	kith_ctx_free(s->ctx);
	free(s);
	return 0;
}

static struct kith_contact *scene_contact(struct scene *s, int64_t id, const char *name,
					  const char *uid)
{
	struct kith_contact *c = &s->contacts[s->n_contacts++];

	c->id = id;
	c->name = (char *)name;
	c->tier = (char *)"regular";
	c->uid = (char *)uid;
	c->added = D(2025, 12, 1);
	return c;
}

/* A row kith agreed with the target about: bytes, the tag, the fingerprint. */
static struct kith_rstate *scene_row(struct scene *s, const struct kith_contact *c,
				     const char *resource, const char *bytes, const char *tag,
				     const char *fingerprint)
{
	struct kith_rstate *r = &s->rows[s->n_rows++];

	r->contact_id = c->id;
	r->resource = (char *)resource;
	r->uid = c->uid;
	r->base = bytes ? strdup(bytes) : NULL;
	r->etag = (char *)tag;
	r->state = (char *)"ok";
	r->fingerprint = fingerprint ? strdup(fingerprint) : NULL;
	return r;
}

/* The target lists the row's resource with this tag (NULL: the listing lacks it). */
static void scene_list(struct scene *s, size_t row, const char *tag)
{
	size_t li = s->listing.n++;

	s->names[li] = s->rows[row].resource;
	s->tags[li] = (char *)tag;
	s->listed[row] = (long)li;
}

static enum kith_status make_plan(struct scene *s)
{
	struct kith_sync_plan_input *in = &s->in;

	kith_sync_plan_clear(&s->plan);
	s->listing.names = s->names;
	s->listing.tags = s->tags;
	memset(in, 0, sizeof(*in));
	in->contacts = s->contacts;
	in->n_contacts = s->n_contacts;
	in->tiers = &s->tier;
	in->n_tiers = 1;
	in->last = s->last;
	in->n_last = s->n_last;
	in->rows = s->rows;
	in->n_rows = in->n_sorted = s->n_rows;
	in->listed = s->listed;
	in->gone = s->gone;
	in->skip = s->skip;
	in->listing = &s->listing;
	in->fetched = s->fetched;
	in->o = &s->o;
	in->now = NOW;
	in->target_url = "/tmp/test-plan/";
	kith_sync_plan_count_missing(s->rows, s->n_rows, s->listed, &in->expected, &in->missing);
	return kith_sync_plan_make(s->ctx, in, &s->plan);
}

/*
 * Plans a contact alone with no row and takes its create: the bytes and
 * fingerprint a row agreed with the target would hold.
 */
static void first_write(struct scene *s, char **bytes, char **fp)
{
	assert_ok(make_plan(s));
	assert_int_equal(s->plan.n_writes, 1);
	*bytes = strdup(s->plan.writes[0].bytes);
	*fp = strdup(s->plan.writes[0].fingerprint);
	assert_non_null(*bytes);
	assert_non_null(*fp);
}

static void test_plan_new_contact_is_created_if_none_match(void **state)
{
	struct scene *s = *state;

	scene_contact(s, 1, "Anna Berg", "kith-anna@kith.example");
	assert_ok(make_plan(s));
	assert_int_equal(s->plan.n_writes, 1);
	assert_int_equal(s->plan.writes[0].op, KITH_SYNC_OP_CREATE);
	assert_null(s->plan.writes[0].if_match);
	assert_non_null(strstr(s->plan.writes[0].bytes, "UID:kith-anna@kith.example"));
	assert_non_null(s->plan.writes[0].fingerprint);
	/* A new row, named when the plan is applied: the first after the input's. */
	assert_int_equal(s->plan.n_new_rows, 1);
	assert_int_equal(s->plan.new_rows[0], 0);
	assert_int_equal(s->plan.writes[0].row, s->n_rows);
	assert_int_equal(s->plan.n_actions, 0);
	assert_int_equal(s->plan.n_edits, 0);
}

static void test_plan_unchanged_fingerprint_writes_nothing(void **state)
{
	struct scene *s = *state;
	struct kith_contact *c = scene_contact(s, 1, "Anna Berg", "kith-anna@kith.example");
	char *bytes, *fp;

	first_write(s, &bytes, &fp);
	scene_row(s, c, "anna.ics", bytes, "t1", fp);
	scene_list(s, 0, "t1");
	assert_ok(make_plan(s));
	assert_int_equal(s->plan.n_writes, 0);
	assert_int_equal(s->plan.n_new_rows, 0);
	assert_int_equal(s->plan.n_edits, 0);
	assert_int_equal(s->plan.unchanged, 1);
	free(bytes);
	free(fp);
}

static void test_plan_agreeing_target_only_refreshes_the_fingerprint(void **state)
{
	struct scene *s = *state;
	struct kith_contact *c = scene_contact(s, 1, "Anna Berg", "kith-anna@kith.example");
	char *bytes, *fp;

	first_write(s, &bytes, &fp);
	/* Written by an older kith: another fingerprint, the same content. */
	scene_row(s, c, "anna.ics", bytes, "t1", "older");
	scene_list(s, 0, "t1");
	assert_ok(make_plan(s));
	assert_int_equal(s->plan.n_writes, 0);
	assert_int_equal(s->plan.unchanged, 1);
	assert_int_equal(s->plan.n_edits, 1);
	assert_int_equal(s->plan.edits[0].kind, KITH_SYNC_EDIT_FINGERPRINT);
	assert_int_equal(s->plan.edits[0].row, 0);
	assert_string_equal(s->plan.edits[0].fingerprint, fp);
	free(bytes);
	free(fp);
}

static void test_plan_changed_contact_is_updated_if_match_last_tag(void **state)
{
	struct scene *s = *state;
	struct kith_contact *c = scene_contact(s, 1, "Anna Berg", "kith-anna@kith.example");
	char *bytes, *fp;

	first_write(s, &bytes, &fp);
	scene_row(s, c, "anna.ics", bytes, "t1", fp);
	scene_list(s, 0, "t7");
	/* A touch since: the reminder comes back a cadence later. */
	s->last[s->n_last].contact_id = 1;
	s->last[s->n_last++].on = D(2026, 2, 20);
	assert_ok(make_plan(s));
	assert_int_equal(s->plan.n_writes, 1);
	assert_int_equal(s->plan.writes[0].op, KITH_SYNC_OP_UPDATE);
	assert_int_equal(s->plan.writes[0].row, 0);
	assert_string_equal(s->plan.writes[0].if_match, "t7");
	assert_non_null(strstr(s->plan.writes[0].bytes, "DUE;VALUE=DATE:20260520"));
	assert_string_not_equal(s->plan.writes[0].fingerprint, fp);
	assert_int_equal(s->plan.n_new_rows, 0);
	free(bytes);
	free(fp);
}

static void test_plan_paused_contact_writes_nothing(void **state)
{
	struct scene *s = *state;
	struct kith_contact *c = scene_contact(s, 1, "Anna Berg", "kith-anna@kith.example");
	char *bytes, *fp;

	first_write(s, &bytes, &fp);
	scene_row(s, c, "anna.ics", bytes, "t1", "older");
	scene_list(s, 0, "t7");
	c->paused = 1;
	scene_contact(s, 2, "Bob Smith", "kith-bob@kith.example")->paused = 1;
	assert_ok(make_plan(s));
	assert_int_equal(s->plan.n_writes, 0);
	assert_int_equal(s->plan.n_new_rows, 0);
	assert_int_equal(s->plan.n_edits, 0);
	assert_int_equal(s->plan.n_actions, 0);
	assert_int_equal(s->plan.paused, 2);
	free(bytes);
	free(fp);
}

static void test_plan_unreadable_reminder_is_left_alone(void **state)
{
	struct scene *s = *state;
	struct kith_contact *c = scene_contact(s, 1, "Anna Berg", "kith-anna@kith.example");
	char *bytes, *fp;

	first_write(s, &bytes, &fp);
	scene_row(s, c, "anna.ics", bytes, "t1", "older");
	scene_list(s, 0, "t7");
	s->skip[0] = 1;
	assert_ok(make_plan(s));
	assert_int_equal(s->plan.n_writes, 0);
	assert_int_equal(s->plan.n_edits, 0);
	assert_int_equal(s->plan.unchanged, 0);
	free(bytes);
	free(fp);
}

static void test_plan_resumed_contact_is_created_again_on_its_row(void **state)
{
	struct scene *s = *state;
	struct kith_contact *c = scene_contact(s, 1, "Anna Berg", "kith-anna@kith.example");
	char *bytes, *fp;

	first_write(s, &bytes, &fp);
	/* Deleted in an app (the contact was paused), then resumed in kith. */
	scene_row(s, c, "anna.ics", bytes, "t1", fp)->state = (char *)"deleted";
	assert_ok(make_plan(s));
	assert_int_equal(s->plan.n_writes, 1);
	assert_int_equal(s->plan.writes[0].op, KITH_SYNC_OP_CREATE);
	assert_int_equal(s->plan.writes[0].row, 0);
	assert_null(s->plan.writes[0].if_match);
	assert_int_equal(s->plan.n_new_rows, 0);
	free(bytes);
	free(fp);
}

/* The plan deletes the archived contact's reminder (row 0) if it still has `tag`. */
static void assert_plans_one_delete(struct scene *s, const char *tag)
{
	assert_ok(make_plan(s));
	assert_int_equal(s->plan.n_writes, 1);
	assert_int_equal(s->plan.writes[0].op, KITH_SYNC_OP_DELETE);
	assert_int_equal(s->plan.writes[0].row, 0);
	assert_string_equal(s->plan.writes[0].if_match, tag);
	assert_null(s->plan.writes[0].bytes);
	assert_int_equal(s->plan.n_actions, 0);
}

/* The plan leaves Anna's archived reminder in place and says so. */
static void assert_plans_left_in_place(struct scene *s)
{
	assert_ok(make_plan(s));
	assert_int_equal(s->plan.n_writes, 0);
	assert_int_equal(s->plan.n_actions, 1);
	assert_int_equal(s->plan.actions[0].kind, KITH_SYNC_SKIP);
	assert_string_equal(s->plan.actions[0].resource, "anna.ics");
	assert_string_equal(s->plan.actions[0].name, "Anna Berg");
	assert_non_null(strstr(s->plan.actions[0].detail, "'kith sync --force' removes it"));
}

static void test_plan_archived_contact_reminder_is_deleted_if_match(void **state)
{
	struct scene *s = *state;
	struct kith_contact *c = scene_contact(s, 1, "Anna Berg", "kith-anna@kith.example");
	char *bytes, *fp;

	first_write(s, &bytes, &fp);
	scene_row(s, c, "anna.ics", bytes, "t1", fp);
	scene_list(s, 0, "t1");
	c->archived = 1;
	assert_plans_one_delete(s, "t1");
	free(bytes);
	free(fp);
}

static void test_plan_archived_contact_edited_in_app_is_left_in_place(void **state)
{
	struct scene *s = *state;
	struct kith_contact *c = scene_contact(s, 1, "Anna Berg", "kith-anna@kith.example");
	char *bytes, *fp;

	first_write(s, &bytes, &fp);
	scene_row(s, c, "anna.ics", bytes, "t1", fp);
	scene_list(s, 0, "t2");
	c->archived = 1;
	assert_plans_left_in_place(s);
	free(bytes);
	free(fp);
}

/* Read after a phone's edit (also one that won a race with the DELETE): kept unless forced. */
static void test_plan_archived_contact_kept_after_an_edit_until_forced(void **state)
{
	struct scene *s = *state;
	struct kith_contact *c = scene_contact(s, 1, "Anna Berg", "kith-anna@kith.example");
	struct kith_rstate *r;
	char *bytes, *fp;

	first_write(s, &bytes, &fp);
	r = scene_row(s, c, "anna.ics", bytes, "t2", fp);
	r->state = (char *)"kept";
	scene_list(s, 0, "t2");
	c->archived = 1;
	assert_plans_left_in_place(s);
	s->o.force = 1;
	assert_plans_one_delete(s, "t2");
	free(bytes);
	free(fp);
}

static void test_plan_archived_contact_reminder_gone_forgets_the_row(void **state)
{
	struct scene *s = *state;
	struct kith_contact *c = scene_contact(s, 1, "Anna Berg", "kith-anna@kith.example");
	char *bytes, *fp;

	first_write(s, &bytes, &fp);
	scene_row(s, c, "anna.ics", bytes, "t1", fp);
	c->archived = 1;
	assert_ok(make_plan(s));
	assert_int_equal(s->plan.n_writes, 0);
	assert_int_equal(s->plan.n_edits, 1);
	assert_int_equal(s->plan.edits[0].kind, KITH_SYNC_EDIT_REMOVE);
	assert_int_equal(s->plan.edits[0].row, 0);
	free(bytes);
	free(fp);
}

static void test_plan_deleting_many_needs_force(void **state)
{
	struct scene *s = *state;
	struct kith_contact *c = scene_contact(s, 1, "Anna Berg", "kith-anna@kith.example");
	char *bytes, *fp;

	first_write(s, &bytes, &fp);
	/* Three agreed reminders, none of them listed any more. */
	scene_row(s, c, "anna.ics", bytes, "t1", fp);
	scene_row(s, scene_contact(s, 2, "Bob Smith", "kith-bob@kith.example"), "bob.ics", bytes,
		  "t1", fp);
	scene_row(s, scene_contact(s, 3, "Cleo Dunn", "kith-cleo@kith.example"), "cleo.ics", bytes,
		  "t1", fp);
	assert_status(make_plan(s), KITH_ERR_INVALID);
	assert_non_null(strstr(kith_ctx_errmsg(s->ctx), "--force"));
	s->o.force = 1;
	assert_ok(make_plan(s));
	free(bytes);
	free(fp);
}

/* Three contacts at once, in the order the engine sends and the CLI prints. */
static void mixed_scene(struct scene *s)
{
	struct kith_contact *anna, *bob;
	char *abytes, *afp, *bbytes, *bfp;

	scene_contact(s, 2, "Bob Smith", "kith-bob@kith.example");
	first_write(s, &bbytes, &bfp);
	s->n_contacts = 0;
	anna = scene_contact(s, 1, "Anna Berg", "kith-anna@kith.example");
	first_write(s, &abytes, &afp);
	bob = scene_contact(s, 2, "Bob Smith", "kith-bob@kith.example");
	scene_contact(s, 3, "Cleo Dunn", "kith-cleo@kith.example");
	scene_row(s, anna, "anna.ics", abytes, "t1", afp);
	scene_list(s, 0, "t1");
	anna->archived = 1;
	scene_row(s, bob, "bob.ics", bbytes, "t3", bfp);
	scene_list(s, 1, "t3");
	s->last[s->n_last].contact_id = 2;
	s->last[s->n_last++].on = D(2026, 2, 20);
	free(abytes);
	free(afp);
	free(bbytes);
	free(bfp);
}

static void assert_mixed_plan(const struct kith_sync_plan *p, size_t n_rows)
{
	assert_int_equal(p->n_writes, 3);
	assert_int_equal(p->writes[0].op, KITH_SYNC_OP_DELETE);
	assert_int_equal(p->writes[0].row, 0);
	assert_string_equal(p->writes[0].if_match, "t1");
	assert_int_equal(p->writes[1].op, KITH_SYNC_OP_UPDATE);
	assert_int_equal(p->writes[1].row, 1);
	assert_string_equal(p->writes[1].if_match, "t3");
	assert_non_null(strstr(p->writes[1].bytes, "Bob Smith"));
	assert_int_equal(p->writes[2].op, KITH_SYNC_OP_CREATE);
	assert_int_equal(p->writes[2].row, n_rows);
	assert_null(p->writes[2].if_match);
	assert_int_equal(p->n_new_rows, 1);
	assert_int_equal(p->new_rows[0], 2);
}

static void test_plan_writes_follow_the_contacts(void **state)
{
	struct scene *s = *state;

	mixed_scene(s);
	assert_ok(make_plan(s));
	assert_mixed_plan(&s->plan, s->n_rows);
}

static void test_plan_dry_run_is_the_same_plan(void **state)
{
	struct scene *s = *state;
	struct kith_sync_plan wet;

	mixed_scene(s);
	assert_ok(make_plan(s));
	wet = s->plan;
	memset(&s->plan, 0, sizeof(s->plan));
	s->o.dry_run = 1;
	assert_ok(make_plan(s));
	assert_mixed_plan(&s->plan, s->n_rows);
	assert_int_equal(s->plan.n_writes, wet.n_writes);
	for (size_t i = 0; i < wet.n_writes; i++) {
		const struct kith_sync_write *a = &wet.writes[i], *b = &s->plan.writes[i];

		assert_int_equal(a->op, b->op);
		assert_int_equal(a->row, b->row);
		if (a->bytes)
			assert_string_equal(a->bytes, b->bytes);
		else
			assert_null(b->bytes);
		if (a->if_match)
			assert_string_equal(a->if_match, b->if_match);
		else
			assert_null(b->if_match);
	}
	assert_int_equal(s->plan.n_edits, wet.n_edits);
	assert_int_equal(s->plan.n_actions, wet.n_actions);
	assert_int_equal(s->plan.unchanged, wet.unchanged);
	kith_sync_plan_clear(&wet);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_plan_new_contact_is_created_if_none_match),
		T(test_plan_unchanged_fingerprint_writes_nothing),
		T(test_plan_agreeing_target_only_refreshes_the_fingerprint),
		T(test_plan_changed_contact_is_updated_if_match_last_tag),
		T(test_plan_paused_contact_writes_nothing),
		T(test_plan_unreadable_reminder_is_left_alone),
		T(test_plan_resumed_contact_is_created_again_on_its_row),
		T(test_plan_archived_contact_reminder_is_deleted_if_match),
		T(test_plan_archived_contact_edited_in_app_is_left_in_place),
		T(test_plan_archived_contact_kept_after_an_edit_until_forced),
		T(test_plan_archived_contact_reminder_gone_forgets_the_row),
		T(test_plan_deleting_many_needs_force),
		T(test_plan_writes_follow_the_contacts),
		T(test_plan_dry_run_is_the_same_plan),
	};

#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
