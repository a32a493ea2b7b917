/* SPDX-License-Identifier: MIT */
/*
 * The scan job: every source in turn, every message through the rules,
 * touches logged and candidates counted, one transaction per batch with
 * the source's read position in it, so a kill loses at most a batch and
 * the next scan resumes where the last commit left off.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "ctx.h"
#include "date.h"
#include "ical.h"
#include "scan/internal.h"
#include "store/scan-state.h"
#include "store/store.h"
#include "target.h"

/*
 * Messages per transaction.  Each commit writes every page the batch
 * touched (random keys: the seen keys, file names and touches' keys
 * land all over their indexes) to the WAL and again at the checkpoint:
 * at 500 a first scan of 100,000 messages wrote 913,000 pages and
 * synced 675 times for a 29 MB store; at 5,000, 391,000 and 79: an mbox's
 * first scan 40% faster, its system time halved (bench/README.md, scan).  A kill still loses one
 * batch of reading, never a touch.
 */
#define BATCH 5000
/* Messages between two progress calls. */
#define PROGRESS_EVERY 200

struct job {
	struct kith_store *store;
	struct kith_ctx *ctx;
	const struct kith_scan_options *o;
	struct kith_scan_summary *sum;
	struct kith_mail_me me;
	const struct kith_scan_source *src;
	const char *label;    /* the source's */
	const char *found_in; /* the message's: label, or label/folder */
	struct kith_buf folder;
	struct kith_scan_state state;
	int64_t last_scanned; /* state.scanned as read: a save's is now, or an .ics's own */
	size_t in_batch;
	size_t n_read; /* messages read in this run, for progress */
};

static const char *kind_name(enum kith_scan_kind k)
{
	return k == KITH_SCAN_MBOX ? "mbox" : k == KITH_SCAN_ICS ? "ics" : "maildir";
}

static enum kith_status add_problem(struct kith_scan_summary *sum, struct kith_ctx *ctx,
				    const char *where, const char *what)
{
	struct kith_scan_problem *grown;

	if (sum->n_problems >= KITH_SCAN_PROBLEMS_MAX) {
		sum->more_problems++;
		return KITH_OK;
	}
	grown = realloc(sum->problems, (sum->n_problems + 1) * sizeof(*grown));
	if (!grown)
		return kith_nomem(ctx);
	sum->problems = grown;
	grown[sum->n_problems].where = strdup(where);
	grown[sum->n_problems].what = strdup(what);
	if (!grown[sum->n_problems].where || !grown[sum->n_problems].what) {
		free(grown[sum->n_problems].where);
		free(grown[sum->n_problems].what);
		return kith_nomem(ctx);
	}
	sum->n_problems++;
	return KITH_OK;
}

static enum kith_status on_problem(const char *where, const char *what, void *arg)
{
	struct job *j = arg;

	return add_problem(j->sum, j->ctx, where, what);
}

static int on_seen(const char *name, void *arg)
{
	struct job *j = arg;
	int seen = 0;

	/* A failed lookup reads the file again: its key makes that harmless. */
	if (kith_store_scan_file_seen(j->store, j->state.id, name, &seen) != KITH_OK)
		return 0;
	return seen;
}

/* The end of a batch: where the source stands, committed with what it found. */
static enum kith_status next_batch(struct job *j, off_t mbox_at, long mbox_line)
{
	enum kith_status rc;

	if (j->o->dry_run || ++j->in_batch < BATCH)
		return KITH_OK;
	j->in_batch = 0;
	if (j->src->kind == KITH_SCAN_MBOX) {
		/* A message start: a scan killed after this commit resumes there. */
		struct kith_mbox_mark mark = { mbox_at, mbox_line, 0 };

		rc = kith_mbox_mark_here(j->ctx, j->src->path, &mark);
		if (rc)
			return rc;
		j->state.mbox_offset = (int64_t)mark.offset;
		j->state.mbox_line = mark.line;
		j->state.mbox_check = mark.check;
	}
	rc = kith_store_scan_source_save(j->store, &j->state);
	if (!rc)
		rc = kith_store_commit(j->store);
	if (!rc)
		rc = kith_store_begin(j->store);
	return rc;
}

/* Someone a mail or a meeting was with, as log_touch() records it. */
struct party {
	const char *addr, *name;
	struct kith_date on;
	time_t at; /* the instant (0: a date only) */
	enum kith_direction direction;
	const char *channel; /* "email", "meeting" */
	enum kith_source source;
	const char *note; /* NULL: none */
	const char *key;  /* the message's or meeting's (scan_seen's) */
};

static enum kith_status log_touch(struct job *j, const struct party *p)
{
	struct kith_scan_found f;
	struct kith_touch touch;
	struct kith_evidence ev;
	char *key, *name = NULL;
	char at[32];
	struct tm tm;
	int64_t id = 0;
	enum kith_status rc;

	at[0] = '\0';
	if (p->at && gmtime_r(&p->at, &tm))
		strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%SZ", &tm);
	rc = kith_store_contact_by_email(j->store, p->addr, &id, &name);
	if (rc == KITH_ERR_NOT_FOUND) {
		/* Kept mail by mail: adding the person later makes these its touches. */
		memset(&ev, 0, sizeof(ev));
		ev.address = p->addr;
		ev.name = p->name;
		ev.msg_key = p->key;
		ev.on = p->on;
		ev.at = at[0] ? at : NULL;
		ev.direction = p->direction;
		ev.channel = p->channel;
		ev.found_in = j->found_in;
		ev.note = p->note;
		j->sum->candidates++;
		return kith_store_candidate_add(j->store, &ev);
	}
	if (rc)
		return rc;
	key = kith_store_scan_touch_key(p->key, id);
	if (!key) {
		free(name);
		return kith_nomem(j->ctx);
	}
	memset(&touch, 0, sizeof(touch));
	touch.contact_id = id;
	touch.on = p->on;
	touch.channel = (char *)p->channel;
	touch.direction = p->direction;
	touch.note = (char *)p->note;
	touch.source = p->source;
	touch.at = at[0] ? at : NULL;
	touch.source_key = key;
	touch.found_in = (char *)j->found_in;
	rc = kith_store_add_touch(j->store, &touch);
	if (rc == KITH_OK) {
		j->sum->touches++;
		if (j->o->found) {
			memset(&f, 0, sizeof(f));
			f.contact_id = id;
			f.contact_name = name;
			f.address = p->addr;
			f.on = p->on;
			f.direction = p->direction;
			f.channel = p->channel;
			f.note = p->note;
			f.found_in = j->found_in;
			j->o->found(&f, j->o->arg);
		}
	} else if (rc == KITH_ERR_EXISTS) {
		rc = KITH_OK; /* already logged: what keys are for */
	}
	free(key);
	free(name);
	return rc;
}

static enum kith_status handle(struct job *j, const struct kith_scan_msg *m,
			       const struct kith_mail_header *h, int *done)
{
	struct kith_mail_verdict v;
	char date[KITH_DATE_BUFSZ];
	char what[128];
	enum kith_status rc;
	int seen = 0;

	*done = 1; /* a file is read for good unless it must be read again */
	rc = kith_mail_rules(j->ctx, h, &j->me, j->o->tzid, &v);
	if (rc)
		return rc;
	if (kith_date_is_set(j->o->today) && kith_date_cmp(v.on, j->o->today) > 0) {
		j->sum->not_in_since++;
		*done = 0;
		snprintf(what, sizeof(what), "dated %s, in the future: not logged",
			 kith_date_format(v.on, date));
		rc = add_problem(j->sum, j->ctx, m->where, what);
		goto out;
	}
	if (kith_date_is_set(j->o->since) && kith_date_cmp(v.on, j->o->since) < 0) {
		j->sum->not_in_since++;
		goto out;
	}
	rc = kith_store_scan_take(j->store, v.key, &seen);
	if (rc)
		goto out;
	if (seen) {
		j->sum->seen++;
		goto out;
	}
	j->sum->messages++;
	if (v.skip) {
		if (kith_mail_bulk_reason(h))
			j->sum->bulk++;
		goto out;
	}
	for (size_t i = 0; i < v.n && !rc; i++) {
		if (v.touches[i].direction == KITH_INBOUND && j->o->skip_inbound) {
			j->sum->inbound_skipped++;
			continue;
		}
		struct party p = { v.touches[i].who->addr,
				   v.touches[i].who->name,
				   v.on,
				   h->date,
				   v.touches[i].direction,
				   "email",
				   KITH_SOURCE_MAIL,
				   v.note[0] ? v.note : NULL,
				   v.key };

		rc = log_touch(j, &p);
	}
out:
	kith_mail_verdict_clear(&v);
	return rc;
}

static enum kith_status on_message(const struct kith_scan_msg *m, void *arg)
{
	struct job *j = arg;
	struct kith_mail_header h;
	char what[KITH_ERRMSG_MAX + 16];
	enum kith_status rc;
	int done = 0;

	if (j->o->progress && ++j->n_read % PROGRESS_EVERY == 0)
		j->o->progress(j->n_read, j->label, j->o->arg);
	if (m->name) {
		/* A Maildir tree: the touch names its folder ("~/Mail/Sent"), not the tree. */
		const char *slash = strrchr(m->name, '/');
		size_t n = slash ? (size_t)(slash - m->name) : 0;

		kith_buf_reset(&j->folder);
		kith_buf_append(&j->folder, j->label);
		if (n > 2 && !strncmp(m->name, "./", 2))
			kith_buf_printf(&j->folder, "/%.*s", (int)(n - 2), m->name + 2);
		if (j->folder.failed)
			return kith_nomem(j->ctx);
		j->found_in = kith_buf_str(&j->folder);
	}
	rc = kith_mail_parse_header(j->ctx, m->header, m->header_len, &h);
	if (rc == KITH_ERR_PARSE) {
		snprintf(what, sizeof(what), "skipped: %s", kith_ctx_errmsg(j->ctx));
		rc = add_problem(j->sum, j->ctx, m->where, what);
	} else if (rc == KITH_OK) {
		rc = handle(j, m, &h, &done);
	}
	kith_mail_header_clear(&h);
	if (!rc && done && m->name)
		rc = kith_store_scan_file_add(j->store, j->state.id, m->name);
	if (!rc)
		rc = next_batch(j, m->offset, m->line);
	return rc;
}

/*
 * The instant meetings must have started by.  Under a --today other than
 * the clock's day (tests, what-ifs), the end of that day in UTC: a zone
 * east of UTC may see the next morning, which the day check drops.
 */
static time_t scan_now(const struct job *j)
{
	time_t now = time(NULL);

	if (kith_date_is_set(j->o->today) &&
	    kith_date_cmp(kith_ical_local_date(now, j->o->tzid), j->o->today) != 0)
		now = (time_t)(kith_date_day_number(j->o->today) + 1) * 86400 - 1;
	return now;
}

/* One occurrence that happened (ical.c's rules): a touch with each contact on it. */
static enum kith_status on_meeting(struct job *j, const struct kith_meetings *ms,
				   const struct kith_meeting *m)
{
	struct kith_buf key = KITH_BUF_INIT;
	char note[KITH_MAIL_NOTE_MAX * 4 + 4];
	enum kith_status rc;
	int seen = 0;

	if (kith_date_is_set(j->o->today) && kith_date_cmp(m->date, j->o->today) > 0)
		return KITH_OK; /* not yet happened: the next scan reads it */
	if (kith_date_is_set(j->o->since) && kith_date_cmp(m->date, j->o->since) < 0) {
		j->sum->not_in_since++;
		return KITH_OK;
	}
	/* UID + RECURRENCE-ID name an occurrence in every copy of the calendar. */
	kith_buf_printf(&key, "event:%s:%s", m->uid, m->rid);
	if (key.failed)
		return kith_nomem(j->ctx);
	rc = kith_store_scan_take(j->store, kith_buf_str(&key), &seen);
	if (!rc && seen)
		j->sum->seen++;
	if (rc || seen)
		goto out;
	j->sum->meetings++;
	kith_scan_shorten(m->summary, note, sizeof(note));
	for (size_t i = m->first_person; i < m->first_person + m->n_people && !rc; i++) {
		const struct kith_meeting_person *who = &ms->people[i];
		/* A meeting is the user's doing as much as theirs: outbound, never skipped. */
		struct party p = { who->email,
				   who->name,
				   m->date,
				   m->all_day ? 0 : m->start,
				   KITH_OUTBOUND,
				   "meeting",
				   KITH_SOURCE_MEETING,
				   note[0] ? note : NULL,
				   kith_buf_str(&key) };

		/* Who declined was not met. */
		if (who->me || who->partstat == KITH_PARTSTAT_DECLINED)
			continue;
		rc = log_touch(j, &p);
	}
	if (!rc)
		rc = next_batch(j, 0, 0);
out:
	kith_buf_free(&key);
	return rc;
}

/* The earlier of two bounds, unset being "everything". */
static struct kith_date later_bound(struct kith_date a, struct kith_date b)
{
	if (!kith_date_is_set(a))
		return b;
	if (!kith_date_is_set(b))
		return a;
	return kith_date_cmp(a, b) > 0 ? a : b;
}

/*
 * The meetings of one calendar's bytes (a file, a CalDAV resource) that
 * q lets through, each judged by on_meeting(); what ical.c could not read
 * is a problem named `where` (and the line).  *next: when the first
 * meeting still to come starts (0: none).
 */
static enum kith_status read_meetings(struct job *j, const char *bytes, size_t len,
				      const struct kith_meeting_query *q, const char *where_label,
				      time_t *next)
{
	struct kith_meetings ms;
	struct kith_buf where = KITH_BUF_INIT, what = KITH_BUF_INIT;
	enum kith_status rc;

	memset(&ms, 0, sizeof(ms));
	rc = kith_ical_parse_meetings(j->ctx, bytes, len, q, &ms);
	for (size_t i = 0; i < ms.n_problems && rc != KITH_ERR_NOMEM; i++) {
		const struct kith_meeting_problem *pr = &ms.problems[i];
		enum kith_status prc;

		kith_buf_reset(&where);
		kith_buf_reset(&what);
		kith_buf_append(&where, where_label);
		if (pr->line > 0)
			kith_buf_printf(&where, ":%d", pr->line);
		kith_buf_printf(&what, "event %s: %s", pr->uid ? pr->uid : "without a UID",
				pr->message);
		if (where.failed || what.failed)
			prc = kith_nomem(j->ctx);
		else
			prc = add_problem(j->sum, j->ctx, kith_buf_str(&where),
					  kith_buf_str(&what));
		if (prc)
			rc = prc;
	}
	for (size_t i = 0; i < ms.n && !rc; i++) {
		if (j->o->progress && ++j->n_read % PROGRESS_EVERY == 0)
			j->o->progress(j->n_read, j->label, j->o->arg);
		rc = on_meeting(j, &ms, &ms.items[i]);
	}
	*next = ms.next;
	kith_buf_free(&where);
	kith_buf_free(&what);
	kith_meetings_clear(&ms);
	return rc;
}

/* The query of a scan now: the user's zone and addresses, up to now. */
static void meeting_query(const struct job *j, time_t now, struct kith_meeting_query *q)
{
	memset(q, 0, sizeof(*q));
	q->tzid = j->o->tzid;
	q->now = now;
	q->me = j->me.addrs;
	q->n_me = j->me.n;
	/* A day early for the zones; the day check in on_meeting is exact. */
	if (kith_date_is_set(j->o->since))
		q->since = (time_t)(kith_date_day_number(j->o->since) - 1) * 86400;
	if (q->since <= 0)
		q->since = 0;
}

/*
 * A calendar file, whole.  One that is as the last scan left it (size,
 * mtime, hash) is read only for what started since then: a weekly
 * series in an export made once still gains an occurrence each week.
 */
static enum kith_status scan_ics(struct job *j)
{
	struct kith_ics_mark was = { j->state.mbox_offset, j->state.mbox_line,
				     j->state.mbox_check };
	struct kith_meeting_query q;
	struct kith_ics_file f;
	time_t now = scan_now(j), next = 0;
	enum kith_status rc;

	rc = kith_ics_load(j->ctx, j->src->path, &f);
	if (rc)
		return rc;
	meeting_query(j, now, &q);
	if (kith_ics_unchanged(&was, &f.mark) && j->last_scanned > 0 && j->last_scanned <= now) {
		/* A day back: what the last scan parsed before it saved, and zones. */
		q.since = (time_t)j->last_scanned - 86400;
		j->sum->unchanged++;
	}
	rc = read_meetings(j, f.bytes, f.len, &q, j->label, &next);
	if (!rc) {
		j->state.mbox_offset = f.mark.size;
		j->state.mbox_line = (long)f.mark.mtime;
		j->state.mbox_check = f.mark.check;
		j->state.scanned = (int64_t)now;
	}
	kith_ics_file_clear(&f);
	return rc;
}

/* ---- the CalDAV account's event calendars ---- */

struct cal_job {
	struct job *j;
	struct kith_meeting_query q;
	time_t last_scanned; /* 0: never, or read again whole */
	int store_failed;    /* a callback's error is the store's, not the server's */
	struct kith_buf where;
};

static enum kith_status on_event(const char *href, const char *bytes, size_t len, int changed,
				 void *arg)
{
	struct cal_job *cj = arg;
	struct job *j = cj->j;
	struct kith_meeting_query q = cj->q;
	enum kith_status rc;
	time_t next = 0;

	kith_buf_reset(&cj->where);
	kith_buf_printf(&cj->where, "%s: %s", j->label, href);
	if (cj->where.failed)
		return kith_nomem(j->ctx);
	/* Asked for again only for its meetings to come: those since the last scan. */
	if (!changed && cj->last_scanned > 0 && cj->last_scanned - 86400 > q.since)
		q.since = (time_t)cj->last_scanned - 86400;
	rc = read_meetings(j, bytes, len, &q, kith_buf_str(&cj->where), &next);
	if (rc == KITH_ERR_PARSE || rc == KITH_ERR_ICAL) {
		/* One resource that is no calendar: the others are read. */
		next = 0;
		rc = add_problem(j->sum, j->ctx, kith_buf_str(&cj->where), kith_ctx_errmsg(j->ctx));
	}
	/* The token moves on: a meeting still to come is asked for by name once it is due. */
	if (!rc)
		rc = kith_store_scan_pending_set(j->store, j->state.id, href, (int64_t)next);
	cj->store_failed = rc != KITH_OK;
	return rc;
}

static enum kith_status on_unreadable(const char *href, const char *why, void *arg)
{
	struct cal_job *cj = arg;
	struct job *j = cj->j;
	enum kith_status rc;

	kith_buf_reset(&cj->where);
	kith_buf_printf(&cj->where, "%s: %s", j->label, href);
	if (cj->where.failed)
		return kith_nomem(j->ctx);
	rc = add_problem(j->sum, j->ctx, kith_buf_str(&cj->where), why);
	/* Read again next time, whatever the token says. */
	if (!rc)
		rc = kith_store_scan_pending_set(j->store, j->state.id, href, 1);
	cj->store_failed = rc != KITH_OK;
	return rc;
}

static enum kith_status on_gone(const char *href, void *arg)
{
	struct cal_job *cj = arg;
	enum kith_status rc = kith_store_scan_pending_set(cj->j->store, cj->j->state.id, href, 0);

	cj->store_failed = rc != KITH_OK;
	return rc;
}

/*
 * One event calendar, in one transaction with its token: from the token,
 * what changed, and by name what had meetings still to come; under an
 * earlier --since than it was read for, all of it again.
 */
static enum kith_status scan_calendar(struct job *j, const struct kith_calendar *cal)
{
	struct kith_event_reader rd = { on_event, on_unreadable, on_gone, NULL };
	struct cal_job cj;
	char *token = NULL, **pending = NULL;
	size_t n_pending = 0;
	time_t now = scan_now(j);
	enum kith_status rc;

	memset(&cj, 0, sizeof(cj));
	cj.j = j;
	rd.arg = &cj;
	rc = kith_store_scan_source(j->store, "caldav", cal->url, &j->state);
	if (rc)
		return rc;
	cj.last_scanned = (time_t)j->state.scanned;
	if (!j->state.is_new && kith_date_is_set(j->state.since) &&
	    (!kith_date_is_set(j->o->since) || kith_date_cmp(j->o->since, j->state.since) < 0)) {
		/* What the later --since left out: no token, so all of it. */
		j->state.since = j->o->since;
		cj.last_scanned = 0;
		rc = kith_store_scan_token_set(j->store, j->state.id, NULL);
		if (!rc)
			rc = kith_store_scan_source_reset(j->store, j->state.id);
	} else if (j->state.is_new) {
		j->state.since = j->o->since;
	} else {
		j->state.since = later_bound(j->state.since, j->o->since);
	}
	if (!rc)
		rc = kith_store_scan_token(j->store, j->state.id, &token);
	if (!rc && token)
		rc = kith_store_scan_pending_due(j->store, j->state.id, (int64_t)now, &pending,
						 &n_pending);
	meeting_query(j, now, &cj.q);
	if (!rc) {
		rc = kith_target_events(j->o->calendars, cal->url, &token,
					(const char *const *)pending, n_pending, &rd);
		if (rc && rc != KITH_ERR_NOMEM && !cj.store_failed) {
			/* The server, not the store: say so and go on with the others. */
			j->sum->failed_sources++;
			rc = add_problem(j->sum, j->ctx, j->label, kith_ctx_errmsg(j->ctx));
			goto out;
		}
	}
	if (!rc)
		rc = kith_store_scan_token_set(j->store, j->state.id, token);
	if (!rc) {
		j->state.scanned = (int64_t)now;
		rc = kith_store_scan_source_save(j->store, &j->state);
	}
	if (!rc)
		j->sum->calendars++;
out:
	for (size_t i = 0; i < n_pending; i++)
		free(pending[i]);
	free(pending);
	free(token);
	kith_buf_free(&cj.where);
	return rc;
}

/* Every event calendar of opts->calendars, each a transaction of its own. */
static enum kith_status scan_calendars(struct job *j)
{
	struct kith_calendar *cals = NULL;
	struct kith_scan_source src;
	size_t n = 0;
	enum kith_status rc;

	rc = kith_target_event_calendars(j->o->calendars, &cals, &n);
	if (rc && rc != KITH_ERR_NOMEM) {
		j->sum->failed_sources++;
		return add_problem(j->sum, j->ctx, kith_target_url(j->o->calendars),
				   kith_ctx_errmsg(j->ctx));
	}
	for (size_t i = 0; i < n && !rc; i++) {
		memset(&src, 0, sizeof(src));
		src.kind = KITH_SCAN_ICS; /* a calendar: meetings, batches without a mark */
		src.path = cals[i].url;
		src.label = cals[i].name && *cals[i].name ? cals[i].name : cals[i].url;
		j->src = &src;
		j->label = src.label;
		j->found_in = src.label;
		j->in_batch = 0;
		if (!j->o->dry_run && (rc = kith_store_begin(j->store)))
			break;
		rc = scan_calendar(j, &cals[i]);
		if (!j->o->dry_run) {
			if (!rc)
				rc = kith_store_commit(j->store);
			else
				kith_store_rollback(j->store);
		}
	}
	j->src = NULL;
	kith_calendar_list_free(cals, n);
	return rc;
}

static enum kith_status scan_source(struct job *j)
{
	const struct kith_scan_source *src = j->src;
	struct kith_scan_reader rd = { on_message, on_problem, NULL, j };
	struct kith_date since = j->o->since;
	struct kith_mbox_mark mark;
	enum kith_status rc;
	int again = 0, fits;

	rc = kith_store_scan_source(j->store, kind_name(src->kind), src->path, &j->state);
	if (rc)
		return rc;
	j->last_scanned = j->state.scanned;
	j->state.scanned = 0;
	/* Read under a later --since than this one: what was left out is read now. */
	if (!j->state.is_new && kith_date_is_set(j->state.since) &&
	    (!kith_date_is_set(since) || kith_date_cmp(since, j->state.since) < 0))
		again = 1;
	if (again || j->state.is_new) {
		j->state.since = since;
		j->state.mbox_offset = 0;
		j->state.mbox_line = 1;
		j->state.mbox_check = 0;
		rc = kith_store_scan_source_reset(j->store, j->state.id);
		if (rc)
			return rc;
	} else {
		/* New mail is read from this --since on: the source is whole from the later one. */
		j->state.since = later_bound(j->state.since, since);
	}
	if (src->kind == KITH_SCAN_ICS) {
		rc = scan_ics(j);
	} else if (src->kind == KITH_SCAN_MAILDIR) {
		rd.seen = on_seen;
		rc = kith_maildir_read(j->ctx, src->path, &rd);
	} else {
		mark.offset = (off_t)j->state.mbox_offset;
		mark.line = j->state.mbox_line;
		mark.check = j->state.mbox_check;
		if (mark.offset > 0) {
			rc = kith_mbox_check(j->ctx, src->path, &mark, &fits);
			if (!rc && !fits) {
				/* Rewritten (compacted, shortened): read whole; keys count nothing
				 * twice. */
				j->sum->reread++;
				mark.offset = 0;
				mark.line = 1;
			}
		}
		if (!rc)
			rc = kith_mbox_read(j->ctx, src->path, &mark, &rd);
		if (!rc) {
			j->state.mbox_offset = (int64_t)mark.offset;
			j->state.mbox_line = mark.line;
			j->state.mbox_check = mark.check;
		}
	}
	if (rc == KITH_ERR_IO || rc == KITH_ERR_PARSE) {
		/* The source, not the store: say so and go on with the others. */
		j->sum->failed_sources++;
		return add_problem(j->sum, j->ctx, src->path, kith_ctx_errmsg(j->ctx));
	}
	if (!rc)
		rc = kith_store_scan_source_save(j->store, &j->state);
	return rc;
}

enum kith_status kith_scan(struct kith_store *store, const struct kith_scan_options *opts,
			   struct kith_scan_summary *out)
{
	struct kith_ctx *ctx = kith_store_ctx(store);
	enum kith_status rc = KITH_OK;
	struct job j;

	memset(out, 0, sizeof(*out));
	if ((opts->n_sources > 0 || opts->calendars) && opts->n_me == 0)
		return kith_fail(ctx, KITH_ERR_INVALID,
				 "scanning needs your own addresses, to tell sent mail from "
				 "received and the meetings you declined");
	memset(&j, 0, sizeof(j));
	j.store = store;
	j.ctx = ctx;
	j.o = opts;
	j.sum = out;
	j.me.addrs = opts->me;
	j.me.n = opts->n_me;
	/* A dry run is one transaction, rolled back: what it takes is forgotten. */
	if (opts->dry_run && (rc = kith_store_begin(store)))
		return rc;
	for (size_t i = 0; i < opts->n_sources && !rc; i++) {
		j.src = &opts->sources[i];
		j.label = j.src->label ? j.src->label : j.src->path;
		j.found_in = j.label;
		j.in_batch = 0;
		if (!opts->dry_run && (rc = kith_store_begin(store)))
			break;
		rc = scan_source(&j);
		if (!opts->dry_run) {
			if (!rc)
				rc = kith_store_commit(store);
			else
				kith_store_rollback(store);
		}
	}
	if (!rc && opts->calendars)
		rc = scan_calendars(&j);
	if (opts->dry_run)
		kith_store_rollback(store);
	kith_buf_free(&j.folder);
	if (!rc && opts->progress && j.n_read >= PROGRESS_EVERY)
		opts->progress(j.n_read, NULL, opts->arg);
	return rc;
}

void kith_scan_summary_clear(struct kith_scan_summary *s)
{
	for (size_t i = 0; i < s->n_problems; i++) {
		free(s->problems[i].where);
		free(s->problems[i].what);
	}
	free(s->problems);
	memset(s, 0, sizeof(*s));
}
