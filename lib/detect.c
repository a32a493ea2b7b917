/* SPDX-License-Identifier: MIT */
/*
 * Completion detection: every way real calendar apps record "done" on a
 * recurring VTODO (see docs/design.md and shared clients/README):
 *   (a) the master itself completed;
 *   (b) the master advanced, on the RRULE grid or to one cadence after
 *       the day it was modified ("repeat from completion date");
 *   (c) a completed RECURRENCE-ID override (also RANGE=THISANDFUTURE, also
 *       PERCENT-COMPLETE:100 alone);
 *   (d) a completed copy under another UID, matched by X-KITH-ID or, when
 *       an app dropped our X- properties, by summary and date -- or by
 *       summary alone when it has no date at all (calcurse); one that
 *       stands in for our deleted resource is a completion, not a deletion;
 *   (e) a reverse copy: the master completed and the series continuing
 *       under a new UID (todoman), which is named for the engine to adopt.
 * Completions are grouped by the occurrence they complete, so one tick
 * seen in two shapes (Apple: master advanced and a completed copy) is one
 * touch, dated from the most precise timestamp any of them carries.
 * What a person typed into SUMMARY or DESCRIPTION, which kith owns and
 * rewrites, is handed back as a note.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "detect.h"

int kith_lines_has(const char *list, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = list; p && *p;) {
		const char *end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !memcmp(p, line, n))
			return 1;
		p = end ? end + 1 : NULL;
	}
	return 0;
}

const struct kith_todo *kith_todos_master(const struct kith_todos *todos, const char *uid)
{
	for (size_t i = 0; todos && i < todos->n; i++) {
		const struct kith_todo *t = &todos->items[i];

		if (!t->has_rid && t->uid && !strcmp(t->uid, uid))
			return t;
	}
	return NULL;
}

void kith_detection_clear(struct kith_detection *d)
{
	free(d->completions);
	free(d->copies);
	free(d->note);
	memset(d, 0, sizeof(*d));
}

/* ---- what a person wrote ---- */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_space(char c)
{
	return is_blank(c) || c == '\n' || c == '\r';
}

/*
 * Text as apps reformat it, undone: CR and CRLF are line ends, blanks at
 * either end of a line go, inner runs of blanks are one space, empty
 * lines are dropped; lines are joined by sep (a space: an app that
 * re-wraps the text changes nothing either).  Ownership: free().
 */
static char *normal_text(const char *s, char sep)
{
	struct kith_buf b = KITH_BUF_INIT;
	int in_line = 0, want_sep = 0, want_space = 0;

	kith_buf_append(&b, "");
	for (; s && *s; s++) {
		if (*s == '\n' || *s == '\r') {
			want_sep |= in_line;
			in_line = want_space = 0;
		} else if (is_blank(*s)) {
			want_space |= in_line;
		} else {
			if (want_sep)
				kith_buf_append_n(&b, &sep, 1);
			else if (want_space)
				kith_buf_append_n(&b, " ", 1);
			want_sep = want_space = 0;
			kith_buf_append_n(&b, s, 1);
			in_line = 1;
		}
	}
	return kith_buf_steal(&b);
}

/* Separators people put between kith's words and theirs. */
static int is_joint(char c)
{
	return is_space(c) || c == '-' || c == ':' || c == ';' || c == ',' || c == '|';
}

/* Appends s[0, n) without the joints at its ends, after "; ", unless b holds it already. */
static void add_part(struct kith_buf *b, const char *s, size_t n)
{
	while (n && (is_joint(*s) || *s == '.')) {
		s++;
		n--;
	}
	while (n && is_joint(s[n - 1]))
		n--;
	if (!n)
		return;
	for (const char *p = kith_buf_str(b); *p;) {
		const char *next = strstr(p, "; ");
		size_t len = next ? (size_t)(next - p) : strlen(p);

		if (len == n && !memcmp(p, s, n))
			return;
		p = next ? next + 2 : p + len;
	}
	if (b->len)
		kith_buf_append(b, "; ");
	kith_buf_append_n(b, s, n);
}

/* Adds to b the words `now` adds to `base`; -1 when out of memory. */
static int added_to(struct kith_buf *b, const char *base, const char *now)
{
	char *lb = normal_text(base, '\n'), *ln = normal_text(now, '\n');
	char *fb = normal_text(base, ' '), *fn = normal_text(now, ' ');
	size_t nb, nn, pre = 0, suf = 0, end;
	int rc = -1;

	if (!lb || !ln || !fb || !fn)
		goto out;
	rc = 0;
	if (!now || !strcmp(fb, fn))
		goto out;
	nb = strlen(lb);
	nn = strlen(ln);
	while (pre < nb && pre < nn && lb[pre] == ln[pre])
		pre++;
	while (suf < nb - pre && suf < nn - pre && lb[nb - 1 - suf] == ln[nn - 1 - suf])
		suf++;
	end = nn - suf;
	/* Whole words: an address changed inside kith's line is the new address. */
	while (pre > 0 && pre < nn && !is_space(ln[pre]) && !is_space(ln[pre - 1]))
		pre--;
	while (end < nn && end > 0 && !is_space(ln[end]) && !is_space(ln[end - 1]))
		end++;
	for (size_t i = pre; i < end;) {
		const char *nl = memchr(ln + i, '\n', end - i);
		size_t len = nl ? (size_t)(nl - (ln + i)) : end - i;
		size_t ls = i, le = i + len;
		char save;

		/* A line kith wrote, kept or moved, is not the person's (also in part). */
		while (ls > 0 && ln[ls - 1] != '\n')
			ls--;
		while (ln[le] && ln[le] != '\n')
			le++;
		save = ln[le];
		ln[le] = '\0';
		if (!kith_lines_has(lb, ln + ls))
			add_part(b, ln + i, len);
		ln[le] = save;
		i += len + 1;
	}
out:
	free(lb);
	free(ln);
	free(fb);
	free(fn);
	return rc;
}

enum kith_status kith_text_added(const char *base, const char *now, char **out)
{
	struct kith_buf b = KITH_BUF_INIT;

	*out = NULL;
	if (added_to(&b, base, now) < 0) {
		kith_buf_free(&b);
		return KITH_ERR_NOMEM;
	}
	if (!b.len && !b.failed) {
		kith_buf_free(&b);
		return KITH_OK;
	}
	*out = kith_buf_steal(&b);
	return *out ? KITH_OK : KITH_ERR_NOMEM;
}

/*
 * A renamed reminder: the words around kith's title when it is still
 * there ("Keep in touch: Anna - ask about Berlin"), else the whole new title.
 */
static void renamed_to(struct kith_buf *b, const char *base, const char *now)
{
	const char *at = base && *base ? strstr(now, base) : NULL;

	if (!at) {
		add_part(b, now, strlen(now));
		return;
	}
	add_part(b, now, (size_t)(at - now));
	at += strlen(base);
	add_part(b, at, strlen(at));
}

/* When a VTODO says it was done, from the best evidence it carries. */
static void when_done(const struct kith_todo *t, int completed_counts, time_t now, const char *tzid,
		      struct kith_completion *c)
{
	if (completed_counts && t->has_completed && kith_date_is_set(t->completed_date)) {
		c->on = t->completed_date;
		c->at = t->completed;
		c->source = KITH_TIME_COMPLETED;
	} else if (t->last_modified) {
		c->at = t->last_modified;
		c->source = KITH_TIME_LAST_MODIFIED;
	} else if (t->dtstamp) {
		c->at = t->dtstamp;
		c->source = KITH_TIME_DTSTAMP;
	} else {
		c->at = now;
		c->source = KITH_TIME_NOTICED;
	}
	if (c->source != KITH_TIME_COMPLETED)
		c->on = kith_ical_local_date(c->at, tzid);
}

/* 1 when the occurrence is not logged yet. */
static int is_new(const char *processed, struct kith_date occurrence)
{
	char key[KITH_DATE_BUFSZ];

	return !kith_lines_has(processed, kith_date_format(occurrence, key));
}

static enum kith_status add(struct kith_detection *d, const char *processed,
			    struct kith_date occurrence, const struct kith_todo *t,
			    int completed_counts, const char *shape, const char *copy, time_t now,
			    const char *tzid)
{
	struct kith_completion c;
	struct kith_completion *p;

	if (!is_new(processed, occurrence))
		return KITH_OK;
	memset(&c, 0, sizeof(c));
	c.occurrence = occurrence;
	c.shape = shape;
	c.copy = copy;
	when_done(t, completed_counts, now, tzid, &c);
	for (size_t i = 0; i < d->n_completions; i++) {
		if (kith_date_cmp(d->completions[i].occurrence, occurrence))
			continue;
		/* The same tick seen twice: keep the most precise time. */
		if (c.source > d->completions[i].source)
			d->completions[i] = c;
		return KITH_OK;
	}
	p = realloc(d->completions, (d->n_completions + 1) * sizeof(*p));
	if (!p)
		return KITH_ERR_NOMEM;
	d->completions = p;
	d->completions[d->n_completions++] = c;
	return KITH_OK;
}

static enum kith_status note_copy(struct kith_detection *d, const char *name)
{
	const char **p;

	for (size_t i = 0; i < d->n_copies; i++)
		if (!strcmp(d->copies[i], name))
			return KITH_OK;
	p = realloc(d->copies, (d->n_copies + 1) * sizeof(*p));
	if (!p)
		return KITH_ERR_NOMEM;
	d->copies = p;
	d->copies[d->n_copies++] = name;
	return KITH_OK;
}

/* Summaries compared without the white space apps like to add or trim. */
static int same_text(const char *a, const char *b)
{
	size_t la, lb;

	if (!a || !b)
		return 0;
	while (*a == ' ')
		a++;
	while (*b == ' ')
		b++;
	la = strlen(a);
	lb = strlen(b);
	while (la && a[la - 1] == ' ')
		la--;
	while (lb && b[lb - 1] == ' ')
		lb--;
	return la == lb && !memcmp(a, b, la);
}

/* The due date of an occurrence described by a VTODO (DUE, else DTSTART + offset). */
static struct kith_date due_of(const struct kith_todo *t, long offset)
{
	if (kith_date_is_set(t->due))
		return t->due;
	if (kith_date_is_set(t->dtstart))
		return kith_date_add_days(t->dtstart, offset);
	return t->due;
}

/* 1 when due is an occurrence of the agreed series (its due date or on its grid). */
static int is_occurrence(const struct kith_detect_base *b, struct kith_date due, long offset)
{
	if (!kith_date_is_set(due))
		return 0;
	if (!kith_date_cmp(due, b->due))
		return 1;
	return b->rrule &&
	       kith_ical_rrule_hits(b->rrule, b->dtstart, kith_date_add_days(due, -offset));
}

/*
 * How close to the completion a continuation must have been written.
 * todoman writes both in one go (the same second); vdirsyncer and the
 * servers keep the timestamps as the app wrote them.
 */
#define CONTINUATION_SLACK (10 * 60)

/* When a VTODO was last written, as it says itself; 0: it does not say. */
static time_t written_at(const struct kith_todo *t)
{
	return t->last_modified ? t->last_modified : t->dtstamp;
}

/*
 * 1 when t carries the agreed series on: an open master under another UID,
 * our summary, not another reminder's X-KITH-ID, due after the agreed
 * occurrence, and written with the completion of our master (done_at).
 * Its CREATED proves nothing: todoman copies it from the original.
 */
static int continues(const struct kith_detect_base *b, const struct kith_todo *t, long offset,
		     time_t done_at)
{
	struct kith_date due = due_of(t, offset);
	time_t at = written_at(t);

	if (!done_at || !at || t->has_rid || kith_todo_is_done(t))
		return 0;
	if (!t->uid || !strcmp(t->uid, b->uid) || !same_text(t->summary, b->summary))
		return 0;
	if (t->x_kith_id && (!b->x_kith_id || strcmp(t->x_kith_id, b->x_kith_id)))
		return 0;
	if (!kith_date_is_set(due) || kith_date_cmp(due, b->due) <= 0)
		return 0;
	return (at > done_at ? at - done_at : done_at - at) <= CONTINUATION_SLACK;
}

/* The one foreign resource that continues the series; NULL if none, or if two could. */
static const char *find_continuation(const struct kith_detect_base *b,
				     const struct kith_detect_other *others, size_t n_others,
				     long offset, time_t done_at)
{
	const char *found = NULL;

	for (size_t i = 0; done_at && i < n_others; i++) {
		const struct kith_todos *todos = others[i].todos;

		if (!todos || todos->n != 1 || !continues(b, &todos->items[0], offset, done_at))
			continue;
		if (found)
			return NULL; /* which one goes on is a guess: adopt neither */
		found = others[i].name;
	}
	return found;
}

static int compare_occurrence(const void *x, const void *y)
{
	const struct kith_completion *a = x, *b = y;

	return kith_date_cmp(a->occurrence, b->occurrence);
}

static enum kith_status detect_copies(const struct kith_detect_base *b,
				      const struct kith_detect_other *others, size_t n_others,
				      const char *processed, long offset, time_t now,
				      const char *tzid, struct kith_detection *d,
				      struct kith_buf *notes)
{
	for (size_t i = 0; i < n_others; i++) {
		const struct kith_todos *todos = others[i].todos;

		if (d->continuation && !strcmp(others[i].name, d->continuation))
			continue;
		for (size_t j = 0; todos && j < todos->n; j++) {
			const struct kith_todo *t = &todos->items[j];
			struct kith_date due = due_of(t, offset);
			int match;

			if (t->uid && !strcmp(t->uid, b->uid))
				continue;
			/*
			 * X- properties are a hint; without them, summary and date.
			 * A completed copy with no date at all (calcurse has none
			 * for tasks) can only be of the occurrence that was open.
			 */
			if (t->x_kith_id && b->x_kith_id)
				match = !strcmp(t->x_kith_id, b->x_kith_id);
			else
				match = same_text(t->summary, b->summary) &&
					(is_occurrence(b, due, offset) ||
					 (!kith_date_is_set(due) && !t->has_rid &&
					  kith_todo_is_done(t)));
			if (!match)
				continue;
			if (note_copy(d, others[i].name) != KITH_OK)
				return KITH_ERR_NOMEM;
			if (!kith_todo_is_done(t))
				continue;
			if (!kith_date_is_set(due))
				due = b->due;
			/* A note typed into the completed copy belongs to its touch. */
			if (is_new(processed, due) &&
			    added_to(notes, b->description, t->description))
				return KITH_ERR_NOMEM;
			if (add(d, processed, due, t, 1, "copy", others[i].name, now, tzid) !=
			    KITH_OK)
				return KITH_ERR_NOMEM;
		}
	}
	return KITH_OK;
}

enum kith_status kith_detect(const struct kith_detect_base *b, const struct kith_todos *ours,
			     const struct kith_detect_other *others, size_t n_others,
			     const char *processed, time_t now, const char *tzid,
			     struct kith_detection *out)
{
	struct kith_detection d;
	struct kith_buf notes = KITH_BUF_INIT;
	const struct kith_todo *m;
	time_t done_at = 0;
	long offset;

	memset(&d, 0, sizeof(d));
	memset(out, 0, sizeof(*out));
	offset = kith_date_is_set(b->dtstart) ? kith_date_diff_days(b->dtstart, b->due) : 0;
	if (!ours) {
		d.deleted = 1;
		goto copies;
	}
	m = kith_todos_master(ours, b->uid);
	if (!m) {
		d.unreadable = 1;
		*out = d;
		return KITH_OK;
	}
	/* What a person wrote into kith's title and text, kept as a note. */
	if (m->summary && b->summary && !same_text(m->summary, b->summary)) {
		d.renamed = m->summary;
		renamed_to(&notes, b->summary, m->summary);
	}
	if (added_to(&notes, b->description, m->description))
		goto nomem;
	/* (a) the master completed (Nextcloud Tasks <= 0.17, jtx, Evolution, todoman). */
	if (kith_todo_is_done(m)) {
		if (add(&d, processed, b->due, m, 1, "completed", NULL, now, tzid) != KITH_OK)
			goto nomem;
		done_at = m->has_completed ? m->completed : written_at(m);
	}
	/* (c) completed overrides (Thunderbird, eM Client, jtx Board, python-caldav). */
	for (size_t i = 0; i < ours->n; i++) {
		const struct kith_todo *t = &ours->items[i];
		struct kith_date occ;

		if (!t->has_rid || !t->uid || strcmp(t->uid, b->uid))
			continue;
		occ = kith_date_add_days(t->rid, offset);
		if (kith_todo_is_done(t)) {
			if (is_new(processed, occ) &&
			    added_to(&notes, b->description, t->description))
				goto nomem;
			if (add(&d, processed, occ, t, 1, "override", NULL, now, tzid) != KITH_OK)
				goto nomem;
		} else if (kith_date_is_set(t->due) && kith_date_cmp(t->due, occ) &&
			   !kith_date_cmp(occ, b->due)) {
			d.moved = 1;
			d.moved_to = t->due;
		}
	}
	/* (b) the master moved: advanced by the app, or moved by hand. */
	if (!kith_todo_is_done(m)) {
		struct kith_date due = due_of(m, offset);
		struct kith_date start = kith_date_is_set(m->dtstart)
						 ? m->dtstart
						 : kith_date_add_days(due, -offset);

		if (kith_date_is_set(due) && kith_date_cmp(due, b->due)) {
			struct kith_date lm = m->last_modified
						      ? kith_ical_local_date(m->last_modified, tzid)
						      : due;

			/*
			 * On the grid of DTSTART (as RFC 5545 means it), or of DUE
			 * (tasks.org applies the rule to DUE and keeps the window).
			 */
			if (b->rrule && kith_date_cmp(due, b->due) > 0 &&
			    (kith_ical_rrule_hits(b->rrule, b->dtstart, start) ||
			     kith_ical_rrule_hits(b->rrule, b->due, due))) {
				if (add(&d, processed, b->due, m, 0, "advanced", NULL, now, tzid) !=
				    KITH_OK)
					goto nomem;
			} else if (m->last_modified &&
				   !kith_date_cmp(due, kith_cadence_add(b->cadence, lm))) {
				if (add(&d, processed, b->due, m, 0, "regenerated", NULL, now,
					tzid) != KITH_OK)
					goto nomem;
			} else {
				d.moved = 1;
				d.moved_to = due;
			}
		}
	}
copies:
	/* (e) the series carried on under a new UID, then (d) copies under other UIDs. */
	d.continuation = find_continuation(b, others, n_others, offset, done_at);
	if (detect_copies(b, others, n_others, processed, offset, now, tzid, &d, &notes) != KITH_OK)
		goto nomem;
	/*
	 * Gone once the occurrence that was open is done -- a completed copy
	 * of it stands in its place (calcurse-caldav), or it was logged
	 * already (a sync replayed after a crash, when that copy has been
	 * counted) -- is the end of that occurrence, not a wish to stop.
	 */
	if (d.deleted) {
		char key[KITH_DATE_BUFSZ];

		d.replaced = kith_lines_has(processed, kith_date_format(b->due, key));
		for (size_t i = 0; i < d.n_completions; i++)
			d.replaced |= d.completions[i].copy &&
				      !kith_date_cmp(d.completions[i].occurrence, b->due);
		d.deleted = !d.replaced;
	}
	if (d.n_completions > 1)
		qsort(d.completions, d.n_completions, sizeof(*d.completions), compare_occurrence);
	/* A completion explains the move; only a bare move is a snooze. */
	if (d.n_completions)
		d.moved = 0;
	if (notes.failed)
		goto nomem;
	if (notes.len)
		d.note = kith_buf_steal(&notes);
	d.edited = d.moved || d.renamed || d.note;
	*out = d;
	return KITH_OK;
nomem:
	kith_buf_free(&notes);
	kith_detection_clear(&d);
	return KITH_ERR_NOMEM;
}
