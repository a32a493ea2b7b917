/* SPDX-License-Identifier: MIT */
/* Opening targets: which backend a URL or path names, and its one canonical spelling. */
/* realpath() is XSI. */
#define _XOPEN_SOURCE 700

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "ctx.h"
#include "target.h"

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/*
 * The canonical spelling of a local target: symlinks, "." and ".." and
 * repeated or trailing slashes resolved.  The last component need not
 * exist yet (a calendar file or vdir created by the first sync).
 */
static char *canonical_path(const char *path)
{
	char *copy = strdup(path), *base, *real, *out = NULL;
	struct kith_buf b = KITH_BUF_INIT;
	size_t n;

	if (!copy)
		return NULL;
	n = strlen(copy);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	real = realpath(copy, NULL);
	if (real) {
		free(copy);
		return real;
	}
	base = strrchr(copy, '/');
	*base = '\0';
	real = realpath(*copy ? copy : "/", NULL);
	if (!real) {
		/* Nothing to resolve against: keep what was written. */
		*base = '/';
		return copy;
	}
	kith_buf_printf(&b, "%s/%s", strcmp(real, "/") ? real : "", base + 1);
	out = kith_buf_steal(&b);
	free(real);
	free(copy);
	return out;
}

static enum kith_status open_caldav(struct kith_ctx *ctx, const char *url,
				    const struct kith_target_options *opts,
				    struct kith_target **out)
{
	struct kith_target *t = calloc(1, sizeof(*t));
	enum kith_status rc;

	if (!t)
		return kith_nomem(ctx);
	t->ctx = ctx;
	/*
	 * The sync state belongs to the calendar, not just the server: another
	 * calendar on the same server is another target.
	 */
	if (opts && (opts->create_calendar || opts->calendar)) {
		struct kith_buf b = KITH_BUF_INIT;

		kith_buf_printf(&b, "%s#%s", url,
				opts->create_calendar ? opts->create_calendar : opts->calendar);
		t->url = kith_buf_steal(&b);
	} else {
		t->url = strdup(url);
	}
	rc = t->url ? kith_target_caldav_open(ctx, url, opts, t) : kith_nomem(ctx);
	if (rc) {
		free(t->url);
		free(t);
		return rc;
	}
	*out = t;
	return KITH_OK;
}

enum kith_status kith_target_open_with(struct kith_ctx *ctx, const char *url,
				       const struct kith_target_options *opts,
				       struct kith_target **out)
{
	if (url && (!strncmp(url, "http://", 7) || !strncmp(url, "https://", 8)))
		return open_caldav(ctx, url, opts, out);
	return kith_target_open(ctx, url, out);
}

enum kith_status kith_target_open(struct kith_ctx *ctx, const char *url, struct kith_target **out)
{
	struct kith_target *t;
	const char *path = url, *given;
	struct stat st;
	enum kith_status rc;

	if (!url || !*url)
		return kith_fail(ctx, KITH_ERR_INVALID, "no sync target given");
	if (!strncmp(url, "file://", 7))
		path = url + 7;
	else if (strstr(url, "://"))
		return kith_fail(ctx, KITH_ERR_INVALID,
				 "sync target '%.*s%s': use a .ics file, a vdir directory, or an "
				 "http:// or https:// CalDAV URL",
				 KITH_ECHO(url));
	if (*path != '/')
		return kith_fail(ctx, KITH_ERR_INVALID,
				 "sync target '%.*s%s' must be an absolute path", KITH_ECHO(path));
	t = calloc(1, sizeof(*t));
	if (!t)
		return kith_nomem(ctx);
	t->ctx = ctx;
	/* One target, one spelling: the store keys its state by this. */
	t->url = canonical_path(path);
	if (!t->url) {
		free(t);
		return kith_nomem(ctx);
	}
	given = path;
	path = t->url;
	if (has_suffix(path, ".ics") && !has_suffix(given, "/") &&
	    !(stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
		rc = kith_target_file_open(ctx, path, t);
	else if (has_suffix(given, "/") || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
		rc = kith_target_vdir_open(ctx, path, t);
	else
		rc = kith_fail(ctx, KITH_ERR_INVALID,
			       "sync target '%.*s%s' is neither a .ics file nor a directory "
			       "(end a new vdir path with '/')",
			       KITH_ECHO(path));
	if (rc) {
		free(t->url);
		free(t);
		return rc;
	}
	*out = t;
	return KITH_OK;
}

/* What the server-only calls answer for a local target. */
static enum kith_status not_a_server(struct kith_target *target)
{
	return kith_fail(target->ctx, KITH_ERR_INVALID, "%s is not a CalDAV server", target->url);
}

enum kith_status kith_target_calendars(struct kith_target *target, struct kith_calendar **out,
				       size_t *out_n)
{
	if (!target->ops || !target->ops->calendars)
		return not_a_server(target);
	return target->ops->calendars(target, out, out_n);
}

enum kith_status kith_target_event_calendars(struct kith_target *t, struct kith_calendar **out,
					     size_t *out_n)
{
	if (!t->ops || !t->ops->event_calendars)
		return not_a_server(t);
	return t->ops->event_calendars(t, out, out_n);
}

enum kith_status kith_target_events(struct kith_target *t, const char *url, char **token,
				    const char *const *also, size_t n_also,
				    const struct kith_event_reader *rd)
{
	if (!t->ops || !t->ops->events)
		return not_a_server(t);
	return t->ops->events(t, url, token, also, n_also, rd);
}

enum kith_status kith_target_check(struct kith_target *target, struct kith_server_check *out)
{
	if (!target->ops || !target->ops->check)
		return not_a_server(target);
	return target->ops->check(target, out);
}

long kith_target_request_count(const struct kith_target *target)
{
	if (!target->ops || !target->ops->request_count)
		return 0;
	return target->ops->request_count(target);
}

void kith_target_free(struct kith_target *target)
{
	if (!target)
		return;
	if (target->ops)
		target->ops->close(target);
	free(target->url);
	free(target);
}

const char *kith_target_kind(const struct kith_target *target)
{
	return target->ops->kind;
}

const char *kith_target_url(const struct kith_target *target)
{
	return target->url;
}
