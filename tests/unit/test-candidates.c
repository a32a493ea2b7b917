/* SPDX-License-Identifier: MIT */
/*
 * Candidates (store/scan-state.c): the evidence kith scan keeps of people
 * who are not contacts, how it is counted, and how it becomes a
 * contact's touches once (kith_store_claim_evidence).
 */
#include "helpers.h"

#include "store/scan-state.h"
#include "store/store.h"

static void evidence(struct fixture *f, const char *addr, const char *name, const char *key,
		     struct kith_date on, enum kith_direction dir, const char *channel)
{
	struct kith_evidence ev;

	memset(&ev, 0, sizeof(ev));
	ev.address = addr;
	ev.name = name;
	ev.msg_key = key;
	ev.on = on;
	ev.at = "2026-05-12T07:14:03Z";
	ev.direction = dir;
	ev.channel = channel;
	ev.found_in = "~/Mail/Sent";
	ev.note = "The paper draft";
	assert_ok(kith_store_candidate_add(f->store, &ev));
}

/* Eve: two sent, one received, one meeting; Bob: one received, later. */
static void two_strangers(struct fixture *f)
{
	evidence(f, "eve@x.org", "Eve Old", "mail:1@x", D(2026, 5, 1), KITH_OUTBOUND, "email");
	evidence(f, "Eve@X.org", "Eve Stone", "mail:2@x", D(2026, 5, 12), KITH_OUTBOUND, "email");
	evidence(f, "eve@x.org", NULL, "mail:3@x", D(2026, 5, 13), KITH_INBOUND, "email");
	evidence(f, "eve@x.org", NULL, "event:9", D(2026, 5, 14), KITH_OUTBOUND, "meeting");
	evidence(f, "bob@y.org", "Bob", "mail:4@y", D(2026, 5, 20), KITH_INBOUND, "email");
	/* The same message read again (another folder): kept once. */
	evidence(f, "eve@x.org", "Eve Stone", "mail:2@x", D(2026, 5, 12), KITH_OUTBOUND, "email");
}

static void test_candidates_counted_from_the_evidence(void **state)
{
	struct fixture *f = *state;
	struct kith_candidate *c = NULL;
	size_t n = 0;

	two_strangers(f);
	assert_ok(kith_store_list_candidates(f->store, NULL, &c, &n));
	assert_int_equal(n, 2);
	/* Most exchanges first. */
	assert_string_equal(c[0].address, "eve@x.org");
	assert_string_equal(c[0].name, "Eve Stone"); /* the newest name given */
	assert_date(c[0].first, 2026, 5, 1);
	assert_date(c[0].last, 2026, 5, 14);
	assert_int_equal(c[0].mails_out, 2);
	assert_int_equal(c[0].mails_in, 1);
	assert_int_equal(c[0].meetings, 1);
	assert_int_equal(c[0].exchanges, 4);
	assert_string_equal(c[1].address, "bob@y.org");
	assert_int_equal(c[1].exchanges, 1);
	kith_candidate_list_free(c, n);
}

static void test_candidates_filters(void **state)
{
	struct fixture *f = *state;
	struct kith_candidate_filter flt;
	struct kith_candidate *c = NULL;
	size_t n = 0;
	const char *me[] = { "EVE@x.org" };

	two_strangers(f);
	/* --since: on the last date. */
	memset(&flt, 0, sizeof(flt));
	flt.since = D(2026, 5, 15);
	assert_ok(kith_store_list_candidates(f->store, &flt, &c, &n));
	assert_int_equal(n, 1);
	assert_string_equal(c[0].address, "bob@y.org");
	kith_candidate_list_free(c, n);
	/* --min: on the exchanges. */
	memset(&flt, 0, sizeof(flt));
	flt.min = 2;
	assert_ok(kith_store_list_candidates(f->store, &flt, &c, &n));
	assert_int_equal(n, 1);
	assert_string_equal(c[0].address, "eve@x.org");
	kith_candidate_list_free(c, n);
	/* A window (the review's week) counts only what is in it. */
	memset(&flt, 0, sizeof(flt));
	flt.from = D(2026, 5, 12);
	flt.to = D(2026, 5, 13);
	assert_ok(kith_store_list_candidates(f->store, &flt, &c, &n));
	assert_int_equal(n, 1);
	assert_int_equal(c[0].exchanges, 2);
	assert_date(c[0].first, 2026, 5, 12);
	kith_candidate_list_free(c, n);
	/* The user's own addresses never appear. */
	memset(&flt, 0, sizeof(flt));
	flt.exclude = me;
	flt.n_exclude = 1;
	assert_ok(kith_store_list_candidates(f->store, &flt, &c, &n));
	assert_int_equal(n, 1);
	assert_string_equal(c[0].address, "bob@y.org");
	kith_candidate_list_free(c, n);
}

static void test_claim_moves_evidence_once(void **state)
{
	struct fixture *f = *state;
	const char *emails[] = { "EVE@x.org", NULL };
	struct kith_candidate *c = NULL;
	struct kith_touch *t = NULL;
	struct kith_touch_filter tf;
	struct kith_contact *got;
	char *key;
	size_t n = 0, moved = 9;
	int64_t id;

	two_strangers(f);
	id = add_contact_full(f, "Eve Stone", "regular", D(2026, 1, 1), emails, NULL, NULL);
	assert_ok(kith_store_claim_evidence(f->store, id, &moved));
	assert_int_equal(moved, 4);
	memset(&tf, 0, sizeof(tf));
	tf.contact_id = id;
	assert_ok(kith_store_list_touches(f->store, &tf, &t, &n));
	assert_int_equal(n, 4);
	/* Newest first: the meeting, then the received mail. */
	assert_string_equal(t[0].channel, "meeting");
	assert_int_equal(t[0].source, KITH_SOURCE_MEETING); /* as kith scan logs a meeting */
	assert_int_equal(t[1].direction, KITH_INBOUND);
	assert_string_equal(t[1].found_in, "~/Mail/Sent");
	assert_string_equal(t[1].note, "The paper draft");
	assert_string_equal(t[1].at, "2026-05-12T07:14:03Z");
	/* Keyed as a scan keys it: a re-scan of the message finds it logged. */
	key = kith_store_scan_touch_key("mail:3@x", id);
	assert_string_equal(t[1].source_key, key);
	free(key);
	kith_touch_list_free(t, n);
	got = get_contact(f, id);
	assert_date(got->first_due, 0, 0, 0);
	kith_contact_free(got);
	/* It left the candidates; Bob is still one. */
	assert_ok(kith_store_list_candidates(f->store, NULL, &c, &n));
	assert_int_equal(n, 1);
	assert_string_equal(c[0].address, "bob@y.org");
	kith_candidate_list_free(c, n);
	/* Claimed again: nothing left, nothing logged twice. */
	assert_ok(kith_store_claim_evidence(f->store, id, &moved));
	assert_int_equal(moved, 0);
	/* The same message found again as evidence (a copy read later) logs nothing new. */
	evidence(f, "eve@x.org", "Eve Stone", "mail:2@x", D(2026, 5, 12), KITH_OUTBOUND, "email");
	assert_ok(kith_store_claim_evidence(f->store, id, &moved));
	assert_int_equal(moved, 0);
	assert_ok(kith_store_list_touches(f->store, &tf, &t, &n));
	assert_int_equal(n, 4);
	kith_touch_list_free(t, n);
}

static void test_newest_scanned_either_direction(void **state)
{
	struct fixture *f = *state;
	const char *emails[] = { "anna@x.org", NULL };
	struct kith_touch t;
	struct kith_date d;
	int64_t id;

	two_strangers(f);
	assert_ok(kith_store_newest_scanned(f->store, "BOB@y.org", &d));
	assert_date(d, 2026, 5, 20); /* received */
	assert_ok(kith_store_newest_scanned(f->store, "nobody@y.org", &d));
	assert_false(kith_date_is_set(d));
	id = add_contact_full(f, "Anna Berg", "regular", D(2026, 1, 1), emails, NULL, NULL);
	/* A typed touch is no scanned evidence; a scanned one is. */
	add_touch(f, id, D(2026, 5, 30), "phone", NULL);
	memset(&t, 0, sizeof(t));
	t.contact_id = id;
	t.on = D(2026, 4, 2);
	t.channel = (char *)"email";
	t.source = KITH_SOURCE_MAIL;
	t.source_key = (char *)"mail:a@x#1";
	assert_ok(kith_store_add_touch(f->store, &t));
	assert_ok(kith_store_newest_scanned(f->store, "Anna@X.org", &d));
	assert_date(d, 2026, 4, 2);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)
	const struct CMUnitTest tests[] = {
		T(test_candidates_counted_from_the_evidence),
		T(test_candidates_filters),
		T(test_claim_moves_evidence_once),
		T(test_newest_scanned_either_direction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
