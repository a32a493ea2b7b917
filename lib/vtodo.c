/* SPDX-License-Identifier: MIT */
/*
 * What a reminder says: computed from the store as plain data.  Turning
 * it into iCalendar is ical.c's job.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "ctx.h"
#include "ical.h"
#include "store/store.h"
#include "vtodo.h"

void kith_reminder_free(struct kith_reminder *r)
{
	if (!r)
		return;
	free(r->uid);
	free(r->summary);
	free(r->description);
	free(r->url);
	free(r->category);
	free(r);
}

enum kith_status kith_cadence_rrule(struct kith_ctx *ctx, struct kith_cadence c, char **out)
{
	return kith_ical_rrule(ctx, c, out);
}

static int is_one_of(const char *s, const char *const *words)
{
	for (; *words; words++)
		if (!strcasecmp(s, *words))
			return 1;
	return 0;
}

static const char *const phone_channels[] = { "phone",    "call",   "sms",      "text", "message",
					      "whatsapp", "signal", "telegram", NULL };
static const char *const email_channels[] = { "email", "e-mail", "mail", NULL };

/* How to reach them: the address for the preferred channel, as a URL. */
static char *contact_url(const struct kith_contact *c, const char **out_addr, const char **out_kind)
{
	struct kith_buf b = KITH_BUF_INIT;
	const char *email = c->emails.n ? c->emails.items[0] : NULL;
	const char *phone = c->phones.n ? c->phones.items[0] : NULL;
	int want_phone = c->via && is_one_of(c->via, phone_channels);
	int want_email = c->via && is_one_of(c->via, email_channels);

	*out_addr = NULL;
	if (want_phone && phone) {
		*out_addr = phone;
	} else if ((want_email || !c->via || !want_phone) && email) {
		*out_addr = email;
	} else if (phone) {
		*out_addr = phone;
	}
	if (!*out_addr)
		return NULL;
	*out_kind = *out_addr == email ? "email" : "phone";
	if (*out_addr == email) {
		kith_buf_printf(&b, "mailto:%s", email);
	} else {
		/*
		 * RFC 3966: visual separators are dropped from a tel: URI, and
		 * so is the "(0)" trunk prefix of "+44 (0)20 ...", which is
		 * dialled only from inside the country.
		 */
		int global = 0;

		kith_buf_append(&b, "tel:");
		for (const char *p = phone; *p; p++) {
			if (global && !strncmp(p, "(0)", 3)) {
				p += 2;
				continue;
			}
			if (*p == '+')
				global = 1;
			if (isdigit((unsigned char)*p) || *p == '+')
				kith_buf_append_n(&b, p, 1);
		}
	}
	return kith_buf_steal(&b);
}

static char *describe(const struct kith_contact *c, const struct kith_standing *s, const char *addr,
		      const char *kind)
{
	struct kith_buf b = KITH_BUF_INIT;
	char date[KITH_DATE_BUFSZ], cad[KITH_CADENCE_BUFSZ];

	if (kith_date_is_set(s->last_touch)) {
		/*
		 * No "3 months ago": the text would change every day, and a
		 * sync would rewrite every reminder daily for nothing.
		 */
		kith_buf_printf(&b, "Last touch: %s", kith_date_format(s->last_touch, date));
		if (s->last_channel)
			kith_buf_printf(&b, " by %s", s->last_channel);
		if (s->last_note)
			kith_buf_printf(&b, ": %s", s->last_note);
		kith_buf_append(&b, "\n");
	} else {
		kith_buf_printf(&b, "Last touch: never (added %s)\n",
				kith_date_format(c->added, date));
	}
	if (addr) {
		kith_buf_printf(&b, "Reach %s by %s: %s", c->name, kind, addr);
		/* "by meeting: anna@x.org" would be nonsense; say both. */
		if (c->via && strcasecmp(c->via, kind))
			kith_buf_printf(&b, " (prefers %s)", c->via);
		kith_buf_append(&b, "\n");
	} else if (c->via)
		kith_buf_printf(&b, "Preferred channel: %s\n", c->via);
	kith_buf_printf(&b, "Cadence: %s (tier %s)\n", kith_cadence_describe(s->cadence, cad),
			c->tier);
	if (c->how_met)
		kith_buf_printf(&b, "Met: %s\n", c->how_met);
	/* Something concrete to start from beats a blank message. */
	if (s->last_note)
		kith_buf_printf(&b, "Opener: Last time it was \"%s\" - ask how that turned out.",
				s->last_note);
	else if (kith_date_is_set(s->last_touch))
		kith_buf_append(&b, "Opener: Share something you came across that made you think "
				    "of them, and ask what they are working on.");
	else
		kith_buf_append(&b, "Opener: It has been a while - say hello and ask what they "
				    "are working on these days.");
	return kith_buf_steal(&b);
}

enum kith_status kith_reminder_from(struct kith_ctx *ctx, const struct kith_contact *contact,
				    const struct kith_standing *s,
				    const struct kith_reminder_options *opts,
				    struct kith_reminder **out)
{
	struct kith_reminder_options defaults = { 0, KITH_MODE_RRULE, 0, 0, 0 };
	struct kith_reminder *r;
	struct kith_buf b = KITH_BUF_INIT;
	const char *addr = NULL, *kind = NULL;
	long window, period;

	if (!opts)
		opts = &defaults;
	if (!contact->uid)
		return kith_fail(ctx, KITH_ERR_INVALID, "contact '%s' is not stored yet",
				 contact->name ? contact->name : "");
	r = calloc(1, sizeof(*r));
	if (!r)
		return kith_nomem(ctx);
	r->contact_id = contact->id;
	r->cadence = s->cadence;
	r->due = s->due;
	/*
	 * RFC 5545 wants DUE after DTSTART, and the open window must not reach
	 * back to the previous occurrence, so it stays shorter than the cadence.
	 */
	window = opts->window_days > 0 ? opts->window_days : KITH_DEFAULT_WINDOW_DAYS;
	period = kith_date_diff_days(s->due, kith_cadence_add(s->cadence, s->due));
	if (window >= period)
		window = period > 1 ? period - 1 : 1;
	r->dtstart = kith_date_add_days(s->due, -window);
	r->recurring = opts->mode == KITH_MODE_RRULE;
	/*
	 * A monthly or yearly RRULE anchored on the 29th-31st skips the months
	 * without that day (RFC 5545): open the window a few days earlier.
	 */
	if (r->recurring &&
	    (s->cadence.unit == KITH_CADENCE_MONTH || s->cadence.unit == KITH_CADENCE_YEAR) &&
	    r->dtstart.day > 28)
		r->dtstart.day = 28;
	r->alarm = opts->alarm;
	r->alarm_minutes = opts->alarm_minutes;
	r->dtstamp = opts->dtstamp;
	r->uid = kith_strdup0(contact->uid);
	kith_buf_printf(&b, "Keep in touch: %s", contact->name);
	r->summary = kith_buf_steal(&b);
	r->category = kith_strdup0(contact->tier);
	r->url = contact_url(contact, &addr, &kind);
	r->description = describe(contact, s, addr, kind);
	if (!r->uid || !r->summary || !r->category || !r->description || (addr && !r->url)) {
		kith_reminder_free(r);
		return kith_nomem(ctx);
	}
	*out = r;
	return KITH_OK;
}

enum kith_status kith_reminder_build(struct kith_store *store, const struct kith_contact *contact,
				     struct kith_date today,
				     const struct kith_reminder_options *opts,
				     struct kith_reminder **out)
{
	struct kith_standing s;
	enum kith_status rc;

	rc = kith_store_standing(store, contact, today, opts ? opts->window_days : 0, &s);
	if (rc)
		return rc;
	rc = kith_reminder_from(kith_store_ctx(store), contact, &s, opts, out);
	kith_standing_clear(&s);
	return rc;
}

enum kith_status kith_reminders_to_ics(struct kith_ctx *ctx, struct kith_reminder *const *reminders,
				       size_t n, char **out)
{
	return kith_ical_render(ctx, reminders, n, out);
}

enum kith_status kith_export_ics(struct kith_store *store, struct kith_date today,
				 const struct kith_reminder_options *opts, char **out,
				 size_t *out_n)
{
	struct kith_ctx *ctx = kith_store_ctx(store);
	struct kith_contact *contacts = NULL;
	struct kith_reminder **reminders = NULL;
	size_t n = 0, k = 0;
	enum kith_status rc;

	rc = kith_store_list_contacts(store, NULL, &contacts, &n);
	if (rc)
		return rc;
	reminders = calloc(n ? n : 1, sizeof(*reminders));
	if (!reminders) {
		rc = kith_nomem(ctx);
		goto out;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		/* A paused contact's reminder was deleted on purpose. */
		if (contacts[i].paused)
			continue;
		rc = kith_reminder_build(store, &contacts[i], today, opts, &reminders[k]);
		if (!rc)
			k++;
	}
	if (!rc)
		rc = kith_ical_render(ctx, reminders, k, out);
	if (!rc && out_n)
		*out_n = k;
out:
	for (size_t i = 0; i < k; i++)
		kith_reminder_free(reminders[i]);
	free(reminders);
	kith_contact_list_free(contacts, n);
	return rc;
}
