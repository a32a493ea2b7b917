/* SPDX-License-Identifier: MIT */
/*
 * kith-bench-gen: fill a fresh store with a large, plausible, made-up
 * network for the benchmarks, using only the public libkith API.
 *
 *   kith-bench-gen DB N_CONTACTS N_TOUCHES [SEED]
 *
 * Contacts are spread over the four default tiers (core, regular, outer,
 * annual); about 10% have a cadence override, 3% are archived, 1% are
 * snoozed and their `added` dates span 2019-2025.  Touches fall between
 * 2020-01-01 (or the day the contact was added, if later) and 2026-05-31,
 * more often on the closer tiers.  Names are syllable soup and every
 * address is under the reserved example.* domains: no real people.
 *
 * Everything is written in one transaction.  The same seed gives the same
 * contacts and touches (the store's random tag and the `logged`/`updated`
 * timestamps differ).  Progress and timing go to stderr.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <kith/kith.h>

#define N_TIERS 4
#define CONTACT_PROGRESS 10000
#define TOUCH_PROGRESS 100000

/* ---- a small deterministic PRNG (xorshift64*), never rand() ---- */

struct rng {
	uint64_t s;
};

static void rng_seed(struct rng *r, uint64_t seed)
{
	/* splitmix64 once, so that small seeds give well-mixed states */
	uint64_t z = seed + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	r->s = z ? z : 0x2545f4914f6cdd1dULL;
}

static uint64_t rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n); n > 0.  The modulo bias is irrelevant here. */
static uint64_t rng_below(struct rng *r, uint64_t n)
{
	return (rng_next(r) >> 11) % n;
}

/* 1 with probability per_mille / 1000. */
static int rng_chance(struct rng *r, unsigned per_mille)
{
	return rng_below(r, 1000) < per_mille;
}

#define PICK(r, arr) ((arr)[rng_below((r), sizeof(arr) / sizeof((arr)[0]))])

/* ---- made-up data ---- */

static const char *const tier_names[N_TIERS] = { "core", "regular", "outer", "annual" };
/* Share of contacts per tier, per mille: a few close ones, many distant. */
static const unsigned tier_share[N_TIERS] = { 50, 200, 350, 400 };
/* Relative weight of a touch landing on a contact of each tier. */
static const unsigned tier_touch_weight[N_TIERS] = { 12, 5, 2, 1 };

static const char *const onsets[] = { "b",  "br", "d",  "dr", "f", "g", "h", "j",
				      "k",  "kl", "l",  "m",  "n", "p", "r", "s",
				      "st", "t",  "tr", "v",  "w", "z", "",  "" };
static const char *const vowels[] = { "a", "e", "i", "o", "u", "ai", "ei", "ou", "y" };
static const char *const codas[] = { "", "", "n", "r", "l", "s", "th", "m", "x", "nd", "rk" };
static const char *const org_words[] = { "Acme",   "Northwind", "Globex", "Initech",  "Umbrel",
					 "Vandel", "Tessar",    "Quill",  "Orbis",    "Lumen",
					 "Harbor", "Cobalt",    "Fjord",  "Meridian", "Juniper" };
static const char *const org_kinds[] = { "Labs",     "Systems",    "GmbH",       "Ltd",
					 "Partners", "Consulting", "Foundation", "University",
					 "Media",    "AG" };
static const char *const domains[] = { "example.com", "example.org", "example.net" };
static const char *const channels[] = { "email",   "email",   "email",   "phone",  "meeting",
					"meeting", "message", "message", "social", "other" };
static const char *const vias[] = { "email", "phone", "message", "meeting" };
static const char *const overrides[] = { "2w", "6w", "90d", "4m", "1y", "18m" };
static const char *const tags[] = { "conference", "alumni",    "client", "mentor",
				    "investor",   "recruiter", "oss",    "former-colleague" };
static const char *const notes[] = { "coffee",
				     "quick catch-up",
				     "intro to a colleague",
				     "congratulated on the new role",
				     "sent the paper",
				     "talked about the conference",
				     "birthday",
				     "lunch" };

/* A capitalised made-up word of 2-3 syllables. */
static void make_word(struct rng *r, char *buf, size_t size)
{
	int syllables = 2 + (int)rng_below(r, 2);
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < syllables; i++) {
		const char *onset = PICK(r, onsets);
		int n;

		/* A bare vowel only starts a word: "Aro", never "Aoi". */
		while (i > 0 && !*onset)
			onset = PICK(r, onsets);
		n = snprintf(buf + len, size - len, "%s%s%s", onset, PICK(r, vowels),
			     i == syllables - 1 ? PICK(r, codas) : "");

		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
}

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* ---- helpers ---- */

struct member {
	int64_t id;
	struct kith_date first; /* its first possible touch day */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_count(const char *text, const char *what, long *out)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < 0) {
		fprintf(stderr, "kith-bench-gen: bad %s '%s': use a whole number >= 0\n", what,
			text);
		return -1;
	}
	*out = v;
	return 0;
}

static struct kith_date date_of(struct kith_ctx *ctx, const char *text)
{
	struct kith_date d = { 0, 0, 0 };

	/* Constant, known-good dates: failure here is a bug. */
	if (kith_date_parse(ctx, text, &d) != KITH_OK) {
		fprintf(stderr, "kith-bench-gen: %s\n", kith_ctx_errmsg(ctx));
		exit(1);
	}
	return d;
}

static int fail(struct kith_ctx *ctx, const char *doing)
{
	fprintf(stderr, "kith-bench-gen: %s: %s\n", doing, kith_ctx_errmsg(ctx));
	return 1;
}

/* Fill c (already zeroed) with a made-up contact.  Returns its tier index. */
static int make_contact(struct kith_ctx *ctx, struct rng *r, struct kith_contact *c,
			struct kith_date added_from, long added_span, struct kith_date snooze_from)
{
	char first[32], last[40], name[80], buf[128];
	unsigned roll = (unsigned)rng_below(r, 1000), acc = 0;
	int tier = N_TIERS - 1;

	for (int i = 0; i < N_TIERS; i++) {
		acc += tier_share[i];
		if (roll < acc) {
			tier = i;
			break;
		}
	}
	make_word(r, first, sizeof(first));
	make_word(r, last, sizeof(last));
	snprintf(name, sizeof(name), "%s %s", first, last);
	c->name = strdup(name);
	c->tier = strdup(tier_names[tier]);
	if (!c->name || !c->tier)
		goto nomem;

	lower(first);
	lower(last);
	snprintf(buf, sizeof(buf), "%s.%s%u@%s", first, last, (unsigned)rng_below(r, 100),
		 PICK(r, domains));
	if (kith_strlist_add(&c->emails, buf))
		goto nomem;
	if (rng_chance(r, 250)) {
		snprintf(buf, sizeof(buf), "%c%s@%s", first[0], last, PICK(r, domains));
		if (kith_strlist_add(&c->emails, buf))
			goto nomem;
	}
	if (rng_chance(r, 400)) {
		/* +1-555-01xx: the range reserved for fiction */
		snprintf(buf, sizeof(buf), "+1 555 01%02u", (unsigned)rng_below(r, 100));
		if (kith_strlist_add(&c->phones, buf))
			goto nomem;
	}
	for (int i = (int)rng_below(r, 3); i > 0; i--)
		if (kith_strlist_add(&c->tags, PICK(r, tags)))
			goto nomem;
	if (rng_chance(r, 600)) {
		snprintf(buf, sizeof(buf), "%s %s", PICK(r, org_words), PICK(r, org_kinds));
		c->org = strdup(buf);
		if (!c->org)
			goto nomem;
	}
	if (rng_chance(r, 300) && !(c->via = strdup(PICK(r, vias))))
		goto nomem;
	if (rng_chance(r, 100) && kith_cadence_parse(ctx, PICK(r, overrides), &c->cadence)) {
		fprintf(stderr, "kith-bench-gen: %s\n", kith_ctx_errmsg(ctx));
		exit(1);
	}
	c->added = kith_date_add_days(added_from, (long)rng_below(r, (uint64_t)added_span));
	c->archived = rng_chance(r, 30);
	if (rng_chance(r, 10))
		c->snoozed_until = kith_date_add_days(snooze_from, (long)rng_below(r, 120));
	return tier;
nomem:
	fprintf(stderr, "kith-bench-gen: out of memory\n");
	exit(1);
}

int main(int argc, char **argv)
{
	struct kith_ctx *ctx = NULL;
	struct kith_store *store = NULL;
	struct rng r;
	struct stat sb;
	long n_contacts, n_touches;
	uint64_t seed = 42;
	/* the contacts of each tier, with the first day they can be touched */
	struct member *members[N_TIERS] = { NULL };
	size_t n_members[N_TIERS] = { 0 };
	struct kith_date touch_from, touch_to, added_from, snooze_from;
	long touch_span, added_span;
	unsigned weight_total = 0;
	double t0, t1, t2, t_batch;
	int status = 1;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: %s DB N_CONTACTS N_TOUCHES [SEED]\n", argv[0]);
		return 2;
	}
	if (parse_count(argv[2], "contact count", &n_contacts) ||
	    parse_count(argv[3], "touch count", &n_touches))
		return 2;
	if (argc == 5) {
		long s;

		if (parse_count(argv[4], "seed", &s))
			return 2;
		seed = (uint64_t)s;
	}
	if (n_touches > 0 && n_contacts == 0) {
		fprintf(stderr, "kith-bench-gen: touches need at least one contact\n");
		return 2;
	}
	/* Never overwrite: the benchmark wants a fresh store, and a typo must not cost data. */
	if (stat(argv[1], &sb) == 0) {
		fprintf(stderr, "kith-bench-gen: %s already exists; remove it first\n", argv[1]);
		return 1;
	}
	if (kith_ctx_new(&ctx) != KITH_OK) {
		fprintf(stderr, "kith-bench-gen: out of memory\n");
		return 1;
	}
	rng_seed(&r, seed);
	added_from = date_of(ctx, "2019-01-01");
	added_span = kith_date_diff_days(added_from, date_of(ctx, "2025-12-31")) + 1;
	touch_from = date_of(ctx, "2020-01-01");
	touch_to = date_of(ctx, "2026-05-31");
	touch_span = kith_date_diff_days(touch_from, touch_to) + 1;
	snooze_from = date_of(ctx, "2026-06-02");

	for (int i = 0; i < N_TIERS; i++) {
		members[i] = calloc(n_contacts ? (size_t)n_contacts : 1, sizeof(*members[i]));
		if (!members[i]) {
			fprintf(stderr, "kith-bench-gen: out of memory\n");
			goto out;
		}
		weight_total += tier_touch_weight[i];
	}

	t0 = t_batch = now_s();
	if (kith_store_open(ctx, argv[1], &store) != KITH_OK) {
		fail(ctx, "opening the store");
		goto out;
	}
	if (kith_store_begin(store) != KITH_OK) {
		fail(ctx, "starting the transaction");
		goto out;
	}
	if (kith_store_init_defaults(store, NULL) != KITH_OK) {
		fail(ctx, "creating the default tiers");
		goto out;
	}

	fprintf(stderr, "kith-bench-gen: %ld contacts, %ld touches, seed %" PRIu64 " -> %s\n",
		n_contacts, n_touches, seed, argv[1]);
	for (long i = 0; i < n_contacts; i++) {
		struct kith_contact *c = kith_contact_new();
		struct member *m;
		int tier;

		if (!c) {
			fprintf(stderr, "kith-bench-gen: out of memory\n");
			goto out;
		}
		tier = make_contact(ctx, &r, c, added_from, added_span, snooze_from);
		if (kith_store_add_contact(store, c) != KITH_OK) {
			fail(ctx, "adding a contact");
			kith_contact_free(c);
			goto out;
		}
		m = &members[tier][n_members[tier]++];
		m->id = c->id;
		m->first = kith_date_cmp(c->added, touch_from) > 0 ? c->added : touch_from;
		kith_contact_free(c);
		if ((i + 1) % CONTACT_PROGRESS == 0) {
			double t = now_s();

			/* The rate of the last batch shows whether adding slows down as the store
			 * grows. */
			fprintf(stderr, "  %ld contacts (%.1f s; the last %d at %.0f us each)\n",
				i + 1, t - t0, CONTACT_PROGRESS,
				(t - t_batch) * 1e6 / CONTACT_PROGRESS);
			t_batch = t;
		}
	}
	t1 = now_s();
	fprintf(stderr, "  contacts done in %.2f s\n", t1 - t0);

	for (long i = 0; i < n_touches; i++) {
		struct kith_touch t;
		unsigned roll = (unsigned)rng_below(&r, weight_total), acc = 0;
		int tier = N_TIERS - 1;
		const struct member *m;
		long span;

		for (int k = 0; k < N_TIERS; k++) {
			acc += tier_touch_weight[k];
			if (roll < acc) {
				tier = k;
				break;
			}
		}
		/* An empty tier (tiny runs): fall back to any non-empty one. */
		while (n_members[tier] == 0)
			tier = (tier + 1) % N_TIERS;
		m = &members[tier][rng_below(&r, n_members[tier])];
		span = kith_date_diff_days(m->first, touch_to) + 1;
		if (span < 1 || span > touch_span)
			span = touch_span;
		memset(&t, 0, sizeof(t));
		t.contact_id = m->id;
		t.on = kith_date_add_days(m->first, (long)rng_below(&r, (uint64_t)span));
		/* Borrowed constant strings: the store only reads a caller's touch. */
		t.channel = rng_chance(&r, 50) ? NULL : (char *)PICK(&r, channels);
		t.direction = rng_chance(&r, 400) ? KITH_INBOUND : KITH_OUTBOUND;
		t.note = rng_chance(&r, 200) ? (char *)PICK(&r, notes) : NULL;
		t.source = KITH_SOURCE_MANUAL;
		if (kith_store_add_touch(store, &t) != KITH_OK) {
			fail(ctx, "adding a touch");
			goto out;
		}
		if ((i + 1) % TOUCH_PROGRESS == 0)
			fprintf(stderr, "  %ld touches (%.1f s)\n", i + 1, now_s() - t1);
	}
	t2 = now_s();
	fprintf(stderr, "  touches done in %.2f s\n", t2 - t1);

	if (kith_store_commit(store) != KITH_OK) {
		fail(ctx, "committing");
		goto out;
	}
	fprintf(stderr,
		"  commit %.2f s; total %.2f s (contacts %.2f s = %.1f us each, "
		"touches %.2f s = %.1f us each)\n",
		now_s() - t2, now_s() - t0, t1 - t0,
		n_contacts ? (t1 - t0) * 1e6 / (double)n_contacts : 0.0, t2 - t1,
		n_touches ? (t2 - t1) * 1e6 / (double)n_touches : 0.0);
	status = 0;
out:
	kith_store_close(store); /* rolls back if the commit was not reached */
	for (int i = 0; i < N_TIERS; i++)
		free(members[i]);
	kith_ctx_free(ctx);
	return status;
}
