/* SPDX-License-Identifier: MIT */
/*
 * What a sync reports (its actions and result) and the content tag of a
 * reminder: plain data, shared by the pure plan and the engine.
 */
#include <stdio.h>
#include <stdlib.h>

#include "plan.h"

const char *kith_sync_action_str(enum kith_sync_action_kind kind)
{
	switch (kind) {
	case KITH_SYNC_CREATE: return "create";
	case KITH_SYNC_UPDATE: return "update";
	case KITH_SYNC_DELETE: return "delete";
	case KITH_SYNC_TOUCH: return "touch";
	case KITH_SYNC_SNOOZE: return "snooze";
	case KITH_SYNC_RESCHEDULE: return "reschedule";
	case KITH_SYNC_PAUSE: return "pause";
	case KITH_SYNC_COPY: return "copy";
	case KITH_SYNC_SKIP: return "skip";
	case KITH_SYNC_HOLD: return "held";
	case KITH_SYNC_NOTE: return "note";
	case KITH_SYNC_ADOPT: return "adopt";
	}
	return "unknown";
}

void kith_sync_result_free(struct kith_sync_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_actions; i++) {
		free(r->actions[i].name);
		free(r->actions[i].resource);
		free(r->actions[i].detail);
	}
	free(r->actions);
	free(r);
}

enum kith_status kith_sync_action_vadd(struct kith_ctx *ctx, struct kith_sync_action **list,
				       size_t *n, enum kith_sync_action_kind kind,
				       const struct kith_contact *c, const char *resource,
				       struct kith_date date, const char *fmt, va_list ap)
{
	struct kith_sync_action *a, *p;
	struct kith_buf b = KITH_BUF_INIT;

	p = realloc(*list, (*n + 1) * sizeof(*p));
	if (!p)
		return kith_nomem(ctx);
	*list = p;
	a = &p[*n];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->contact_id = c ? c->id : 0;
	a->name = c ? kith_strdup0(c->name) : NULL;
	a->resource = kith_strdup0(resource);
	a->date = date;
	if (fmt) {
		char line[512];

		vsnprintf(line, sizeof(line), fmt, ap);
		kith_buf_append(&b, line);
		a->detail = kith_buf_steal(&b);
	}
	(*n)++;
	if ((c && !a->name) || (resource && !a->resource) || (fmt && !a->detail))
		return kith_nomem(ctx);
	return KITH_OK;
}

char *kith_sync_tag_of_buf(struct kith_buf *b)
{
	char *tag = b->failed || !b->data ? NULL : kith_content_tag(b->data, b->len);

	kith_buf_free(b);
	return tag;
}

char *kith_sync_fingerprint(const struct kith_reminder *r)
{
	struct kith_buf b = KITH_BUF_INIT;
	char due[KITH_DATE_BUFSZ], start[KITH_DATE_BUFSZ], cad[KITH_CADENCE_BUFSZ];

	kith_buf_printf(&b, "%s|%s|%s|%d|%s|%s|%s|%s", kith_date_format(r->due, due),
			kith_date_format(r->dtstart, start), kith_cadence_format(r->cadence, cad),
			r->recurring, r->summary, r->description, r->url ? r->url : "",
			r->category ? r->category : "");
	return kith_sync_tag_of_buf(&b);
}
