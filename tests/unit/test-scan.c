/* SPDX-License-Identifier: MIT */
/*
 * kith scan's parts: the header reader (mail.c: encoded names in several
 * charsets, groups, folded headers, bad dates), the rules (rules.c) and
 * the readers (maildir.c, mbox.c: a truncated mbox, unescaped "From "
 * lines, a body far bigger than the line buffer), and the meeting rules
 * through kith_scan() on a store.
 */
#include "helpers.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "ctx.h"
#include "mail.h"
#include "store/scan-state.h"
#include "scan/internal.h"

static struct kith_ctx *ctx;

static int setup(void **state)
{
	(void)state;
	return kith_ctx_new(&ctx) == KITH_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	kith_ctx_free(ctx);
	return 0;
}

static enum kith_status parse(const char *text, struct kith_mail_header *h)
{
	return kith_mail_parse_header(ctx, text, strlen(text), h);
}

static void test_encoded_names_in_several_charsets(void **state)
{
	struct kith_mail_header h;

	(void)state;
	assert_ok(parse("From: =?ISO-8859-1?Q?Andr=E9_Gr=FCn?= <Andre@Example.ORG>\n"
			"To: =?UTF-8?B?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <ivan@example.ru>,\n"
			" =?iso-2022-jp?b?GyRCRURDZhsoQg==?= <taro@example.jp>,\n"
			" =?KOI8-R?B?8MXU0g==?= <petr@example.ru>\n"
			"Date: Tue, 12 May 2026 09:14:03 +0200\n"
			"Subject: =?UTF-8?Q?Caf=C3=A9?= =?UTF-8?Q?_tomorrow?=\n"
			"Message-ID: <abc@example.org>\n",
			&h));
	assert_string_equal(h.from.name, "André Grün");
	/* The domain is lower-cased, the local part kept. */
	assert_string_equal(h.from.addr, "Andre@example.org");
	assert_int_equal(h.to.n, 3);
	assert_string_equal(h.to.items[0].name, "Иван Петров");
	assert_string_equal(h.to.items[1].name, "田中");
	assert_string_equal(h.to.items[2].name, "Петр");
	assert_string_equal(h.subject, "Café tomorrow");
	assert_string_equal(h.message_id, "abc@example.org");
	assert_int_equal((long long)h.date, 1778570043LL);
	kith_mail_header_clear(&h);
}

static void test_groups_and_folded_headers(void **state)
{
	struct kith_mail_header h;

	(void)state;
	assert_ok(parse("From: me@example.org\n"
			"To: project: Anna Berg <anna@x.org>,\n"
			"\tcarol@y.org;, undisclosed-recipients:;\n"
			"Cc: \"Berg, Anna\"\n"
			"   <anna2@x.org>\n"
			"Subject: a long\n"
			" folded subject\n"
			"Date: Wed, 13 May 2026\n"
			" 10:00:00 +0000\n",
			&h));
	assert_int_equal(h.to.n, 2);
	assert_string_equal(h.to.items[0].addr, "anna@x.org");
	assert_string_equal(h.to.items[1].addr, "carol@y.org");
	assert_int_equal(h.cc.n, 1);
	assert_string_equal(h.cc.items[0].name, "Berg, Anna");
	assert_string_equal(h.subject, "a long folded subject");
	assert_int_equal((long long)h.date, 1778666400LL);
	assert_null(h.message_id);
	kith_mail_header_clear(&h);
}

static void test_raw_8bit_header_is_utf8(void **state)
{
	struct kith_mail_header h;

	(void)state;
	/* windows-1252 bytes, as old Windows mail programs wrote them unencoded. */
	assert_ok(parse("From: Ren\xe9 <rene@example.fr>\nDate: Wed, 13 May 2026 10:00:00 "
			"+0000\nSubject: r\xe9union\n",
			&h));
	assert_string_equal(h.from.name, "René");
	assert_string_equal(h.subject, "réunion");
	kith_mail_header_clear(&h);
}

static void test_bad_from_or_date_skips_the_message(void **state)
{
	struct kith_mail_header h;

	(void)state;
	assert_status(parse("To: me@example.org\nDate: Wed, 13 May 2026 10:00:00 +0000\n", &h),
		      KITH_ERR_PARSE);
	assert_string_equal(kith_ctx_errmsg(ctx), "no From header");
	kith_mail_header_clear(&h);
	assert_status(parse("From: someone\nDate: Wed, 13 May 2026 10:00:00 +0000\n", &h),
		      KITH_ERR_PARSE);
	assert_string_equal(kith_ctx_errmsg(ctx), "no address in From");
	kith_mail_header_clear(&h);
	assert_status(parse("From: a@x.org\nDate: sometime last week\n", &h), KITH_ERR_PARSE);
	assert_string_equal(kith_ctx_errmsg(ctx), "the Date 'sometime last week' cannot be read");
	kith_mail_header_clear(&h);
	assert_status(parse("From: a@x.org\n", &h), KITH_ERR_PARSE);
	assert_string_equal(kith_ctx_errmsg(ctx), "no Date header");
	kith_mail_header_clear(&h);
	assert_status(parse("From: a@x.org\nDate: Mon, 1 Jan 1968 00:00:00 +0000\n", &h),
		      KITH_ERR_PARSE);
	assert_string_equal(kith_ctx_errmsg(ctx),
			    "the Date 'Mon, 1 Jan 1968 00:00:00 +0000' cannot be read");
	kith_mail_header_clear(&h);
	/* A broken other header is ignored. */
	assert_ok(parse("From: a@x.org\nDate: Wed, 13 May 2026 10:00:00 +0000\n"
			"To: <<<\nCc: =?bogus-charset?Q?x?= <c@y.org>\n",
			&h));
	assert_int_equal(h.to.n, 0);
	kith_mail_header_clear(&h);
}

static const char *const my_addrs[] = { "me@example.org", "Me@Work.example" };
static const struct kith_mail_me me = { my_addrs, 2 };

static void rules(const char *text, struct kith_mail_header *h, struct kith_mail_verdict *v)
{
	assert_ok(parse(text, h));
	assert_ok(kith_mail_rules(ctx, h, &me, "UTC", v));
}

/*
 * mail.c hands GMime only the fields the rules read: a real-shaped Gmail
 * header (Received chain, folded DKIM and ARC, Content-Type) reads the
 * same as it did whole, whatever the case or spacing of the names, and a
 * name that only starts like a wanted one is not taken for it.
 */
static void test_only_the_fields_read_reach_gmime(void **state)
{
	struct kith_mail_header h;

	(void)state;
	assert_ok(parse("Return-Path: <anna@gmail.com>\n"
			"Received: from mail-sor-f41.google.com (mail-sor-f41.google.com\n"
			"\t[209.85.220.41]) by mx.example.org (Postfix) with ESMTPS id 4Xyz\n"
			"\tfor <me@example.org>; Tue, 12 May 2026 07:14:05 +0000 (UTC)\n"
			"DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=gmail.com;\n"
			"\ts=20230601; h=to:subject:message-id:date:from;\n"
			"\tb=O4O3U2MDF0tXjFUge4iaojG8aAy1vopQ/d2pIyyRw/dQYRf5Gawy+sQDCZdmL7\n"
			"X-Original-From: Spammer <spam@evil.example>\n"
			"Resent-From: other@evil.example\n"
			"From-Address: third@evil.example\n"
			"from : Anna Berg <anna@gmail.com>\n"
			"ARC-Seal: i=1; a=rsa-sha256; t=1778570043; cv=none;\n"
			"        d=google.com; s=arc-20160816;\n"
			"TO: me@example.org,\n"
			" =?UTF-8?B?0JjQstCw0L0g0J/QtdGC0YDQvtCy?= <ivan@example.ru>\n"
			"X-Received: by 2002:a05:6512:3d8f with SMTP id x;\n"
			"        Tue, 12 May 2026 00:14:03 -0700 (PDT)\n"
			"Cc: carol@y.org\n"
			"Bcc-Count: 3\n"
			"Date: Tue, 12 May 2026\n"
			" 09:14:03 +0200\n"
			"Message-Id: <CAabc@mail.gmail.com>\n"
			"Subject:\tRe: the\n"
			" draft\n"
			"Content-Type: multipart/alternative;\n"
			" boundary=\"000000000000b1c2\"\n"
			"List-Id: Team <team.lists.example.org>\n"
			"Precedence:  list\n",
			&h));
	assert_string_equal(h.from.name, "Anna Berg");
	assert_string_equal(h.from.addr, "anna@gmail.com");
	assert_int_equal(h.to.n, 2);
	assert_string_equal(h.to.items[0].addr, "me@example.org");
	assert_string_equal(h.to.items[1].name, "Иван Петров");
	assert_int_equal(h.cc.n, 1);
	assert_string_equal(h.cc.items[0].addr, "carol@y.org");
	assert_int_equal(h.bcc.n, 0);
	assert_int_equal((long long)h.date, 1778570043LL);
	assert_string_equal(h.message_id, "CAabc@mail.gmail.com");
	assert_string_equal(h.subject, "Re: the draft");
	assert_non_null(h.list_id);
	assert_non_null(strstr(h.list_id, "team.lists.example.org"));
	assert_non_null(h.precedence);
	assert_non_null(strstr(h.precedence, "list"));
	assert_null(h.list_unsubscribe);
	assert_null(h.auto_submitted);
	kith_mail_header_clear(&h);

	/* A line that is no field: the header reads as it did unfiltered. */
	assert_ok(parse("Received: by mx.example.org\n"
			"not a header line\n"
			"From: anna@x.org\n"
			"Date: Tue, 12 May 2026 09:14:03 +0200\n",
			&h));
	assert_string_equal(h.from.addr, "anna@x.org");
	assert_int_equal((long long)h.date, 1778570043LL);
	kith_mail_header_clear(&h);
}

static void test_rules_outbound_to_every_recipient(void **state)
{
	struct kith_mail_header h;
	struct kith_mail_verdict v;

	(void)state;
	rules("From: Me <ME@EXAMPLE.ORG>\nTo: anna@x.org, me@work.example\n"
	      "Cc: carol@y.org, Anna@X.org\nBcc: dan@z.org, noreply@z.org\n"
	      "Date: Tue, 12 May 2026 23:30:00 -0200\nSubject: hello\n"
	      "Message-ID: <m1@example.org>\n",
	      &h, &v);
	assert_null(v.skip);
	assert_int_equal(v.n, 3); /* the user and a no-reply address left out, Anna once */
	assert_string_equal(v.touches[0].who->addr, "anna@x.org");
	assert_string_equal(v.touches[1].who->addr, "carol@y.org");
	assert_string_equal(v.touches[2].who->addr, "dan@z.org");
	assert_int_equal(v.touches[2].direction, KITH_OUTBOUND);
	/* Dated in the user's zone: 23:30 at -0200 is the 13th in UTC. */
	assert_date(v.on, 2026, 5, 13);
	assert_string_equal(v.key, "mail:m1@example.org");
	assert_string_equal(v.note, "hello");
	kith_mail_verdict_clear(&v);
	kith_mail_header_clear(&h);
}

static void test_rules_inbound_only_from_the_sender(void **state)
{
	struct kith_mail_header h;
	struct kith_mail_verdict v;

	(void)state;
	rules("From: anna@x.org\nTo: carol@y.org\nCc: me@work.example\n"
	      "Date: Tue, 12 May 2026 10:00:00 +0000\n",
	      &h, &v);
	assert_null(v.skip);
	assert_int_equal(v.n, 1);
	assert_string_equal(v.touches[0].who->addr, "anna@x.org");
	assert_int_equal(v.touches[0].direction, KITH_INBOUND);
	/* No Message-ID: a hash of Date, From and Subject, the same wherever the copy is. */
	assert_true(!strncmp(v.key, "mail:h:", 7));
	kith_mail_verdict_clear(&v);
	kith_mail_header_clear(&h);
	rules("From: anna@x.org\nTo: list@example.org\nDate: Tue, 12 May 2026 10:00:00 +0000\n", &h,
	      &v);
	assert_string_equal(v.skip, "neither from nor to you");
	kith_mail_verdict_clear(&v);
	kith_mail_header_clear(&h);
}

static void test_rules_bulk_never_counts(void **state)
{
	static const char *const marks[][2] = {
		{ "List-Id: Dev <dev.lists.example.org>\n", "a mailing list (List-Id)" },
		{ "List-Unsubscribe: <mailto:u@x.org>\n", "bulk mail (List-Unsubscribe)" },
		{ "Precedence: bulk\n", "bulk mail (Precedence)" },
		{ "Precedence: List\n", "bulk mail (Precedence)" },
		{ "Precedence: junk\n", "bulk mail (Precedence)" },
		{ "Auto-Submitted: auto-replied; owner=x\n", "automated mail (Auto-Submitted)" },
	};
	struct kith_mail_header h;
	struct kith_mail_verdict v;
	char text[512];

	(void)state;
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		snprintf(text, sizeof(text),
			 "From: anna@x.org\nTo: me@example.org\n%sDate: Tue, 12 May 2026 "
			 "10:00:00 +0000\n",
			 marks[i][0]);
		rules(text, &h, &v);
		assert_non_null(v.skip);
		assert_string_equal(v.skip, marks[i][1]);
		kith_mail_verdict_clear(&v);
		kith_mail_header_clear(&h);
	}
	rules("From: anna@x.org\nTo: me@example.org\nAuto-Submitted: no\nPrecedence: first-class\n"
	      "Date: Tue, 12 May 2026 10:00:00 +0000\n",
	      &h, &v);
	assert_null(v.skip);
	kith_mail_verdict_clear(&v);
	kith_mail_header_clear(&h);
	rules("From: No Reply <no-reply@accounts.example.com>\nTo: me@example.org\n"
	      "Date: Tue, 12 May 2026 10:00:00 +0000\n",
	      &h, &v);
	assert_string_equal(v.skip, "a no-reply sender");
	kith_mail_verdict_clear(&v);
	kith_mail_header_clear(&h);
}

static void test_rules_note_is_the_subject_shortened(void **state)
{
	struct kith_mail_header h;
	struct kith_mail_verdict v;
	char text[1024];

	(void)state;
	snprintf(text, sizeof(text),
		 "From: me@example.org\nTo: anna@x.org\nDate: Tue, 12 May 2026 10:00:00 +0000\n"
		 "Subject: %s\n",
		 "Über die Ergebnisse der letzten Woche und was wir daraus für das nächste "
		 "Quartal lernen");
	rules(text, &h, &v);
	assert_string_equal(v.note, "Über die Ergebnisse der letzten Woche und was wir daraus für "
				    "das nächste Quartal...");
	kith_mail_verdict_clear(&v);
	kith_mail_header_clear(&h);
}

/* ---- the readers ---- */

struct seen {
	char where[32][128];
	char first[32][128]; /* the first header line of each message */
	size_t n;
	char problems[8][256];
	size_t n_problems;
};

static enum kith_status on_msg(const struct kith_scan_msg *m, void *arg)
{
	struct seen *s = arg;
	const char *nl = memchr(m->header, '\n', m->header_len);

	if (s->n < 32) {
		snprintf(s->where[s->n], 128, "%s", strrchr(m->where, '/') + 1);
		snprintf(s->first[s->n], 128, "%.*s", (int)(nl - m->header), m->header);
	}
	s->n++;
	return KITH_OK;
}

static enum kith_status on_problem(const char *where, const char *what, void *arg)
{
	struct seen *s = arg;

	if (s->n_problems < 8)
		snprintf(s->problems[s->n_problems], 256, "%s: %s", strrchr(where, '/') + 1, what);
	s->n_problems++;
	return KITH_OK;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_mbox_separators_truncation_and_resume(void **state)
{
	struct kith_scan_reader rd = { on_msg, on_problem, NULL, NULL };
	struct kith_mbox_mark mark = { 0, 1, 0 };
	char dir[] = "/tmp/kith-test-mbox-XXXXXX", path[64];
	struct seen s;
	FILE *f;
	int fits;

	(void)state;
	memset(&s, 0, sizeof(s));
	rd.arg = &s;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/box", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("From anna@x.org Tue May 12 10:00:00 2026\nFrom: anna@x.org\nSubject: one\n\n"
	      "Body.\n\nFrom the start, I said so.\n\n"
	      /* An unescaped From line that looks like a separator, then body text. */
	      "From me Tue May 12 10:00:00 2026\nand then more body\n\n",
	      f);
	/* A body longer than the line buffer several times over, in one line and in many. */
	for (int i = 0; i < 4 * KITH_LINES_BUFSZ; i++)
		fputc('x', f);
	fputs("\n\nFrom bob@y.org Wed May 13 11:00:00 2026\nFrom: bob@y.org\n\n", f);
	fputs("From carol@z.org Thu May 14 12:00:00 2026\nFrom: carol@z.org\nSubj", f);
	fclose(f);
	assert_ok(kith_mbox_read(ctx, path, &mark, &rd));
	assert_int_equal(s.n, 2);
	assert_string_equal(s.where[0], "box:1");
	assert_string_equal(s.first[0], "From: anna@x.org");
	assert_string_equal(s.where[1], "box:14");
	assert_string_equal(s.first[1], "From: bob@y.org");
	/* The cut-off last message is reported and is where the next read starts. */
	assert_int_equal(s.n_problems, 1);
	assert_true(strstr(s.problems[0], "box:17: the file ends inside this message's header"));
	assert_int_equal(mark.line, 17);
	assert_ok(kith_mbox_check(ctx, path, &mark, &fits));
	assert_true(fits);

	/* Completed later: only that message is read. */
	f = fopen(path, "a");
	fputs("ect: three\n\nbody\n", f);
	fclose(f);
	memset(&s, 0, sizeof(s));
	assert_ok(kith_mbox_check(ctx, path, &mark, &fits));
	assert_true(fits);
	assert_ok(kith_mbox_read(ctx, path, &mark, &rd));
	assert_int_equal(s.n, 1);
	assert_string_equal(s.where[0], "box:17");
	assert_int_equal(s.n_problems, 0);

	/* Rewritten shorter: the check says so. */
	write_file(path, "From anna@x.org Tue May 12 10:00:00 2026\nFrom: anna@x.org\n\n");
	assert_ok(kith_mbox_check(ctx, path, &mark, &fits));
	assert_false(fits);

	/* Not an mbox at all: the source fails, naming where. */
	write_file(path, "Hello, this is a letter.\n");
	mark.offset = 0;
	mark.line = 1;
	assert_status(kith_mbox_read(ctx, path, &mark, &rd), KITH_ERR_PARSE);
	assert_true(strstr(kith_ctx_errmsg(ctx), "box:1: not an mbox file"));
	unlink(path);
	rmdir(dir);
}

static int seen_none(const char *name, void *arg)
{
	(void)arg;
	return !strcmp(name, "./Archive/1.seen");
}

static void test_maildir_tree_and_symlinks(void **state)
{
	struct kith_scan_reader rd = { on_msg, on_problem, seen_none, NULL };
	char dir[] = "/tmp/kith-test-maildir-XXXXXX", p[256], out[] = "/tmp/kith-outside-XXXXXX";
	struct seen s;

	(void)state;
	memset(&s, 0, sizeof(s));
	rd.arg = &s;
	assert_non_null(mkdtemp(dir));
	assert_non_null(mkdtemp(out));
	const char *dirs[] = { "cur", "new", "tmp", "Archive", "Archive/cur", "Archive/new" };
	for (size_t i = 0; i < 6; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, dirs[i]);
		assert_int_equal(mkdir(p, 0700), 0);
	}
	snprintf(p, sizeof(p), "%s/cur/1.a:2,S", dir);
	write_file(p, "From: a@x.org\nSubject: in cur\n\nbody\n");
	snprintf(p, sizeof(p), "%s/new/2.b", dir);
	write_file(p, "From: b@x.org\n");
	snprintf(p, sizeof(p), "%s/tmp/3.c", dir);
	write_file(p, "From: being-delivered@x.org\n\n");
	snprintf(p, sizeof(p), "%s/Archive/cur/1.seen:2,RS", dir);
	write_file(p, "From: seen@x.org\n\n");
	snprintf(p, sizeof(p), "%s/secret", out);
	write_file(p, "From: outside@x.org\n\n");
	snprintf(p, sizeof(p), "%s/Archive/new/4.link", dir);
	char target[256];
	snprintf(target, sizeof(target), "%s/secret", out);
	assert_int_equal(symlink(target, p), 0);
	assert_ok(kith_maildir_read(ctx, dir, &rd));
	assert_int_equal(s.n, 2);
	assert_string_equal(s.first[0][6] == 'a' ? s.first[0] : s.first[1], "From: a@x.org");
	assert_int_equal(s.n_problems, 1);
	assert_string_equal(s.problems[0], "4.link: a symlink out of the tree, not followed");
	assert_status(kith_maildir_read(ctx, "/nonexistent/kith", &rd), KITH_ERR_IO);
	rm_rf(dir);
	rm_rf(out);
}

/* ---- meetings through kith_scan() ---- */

#define EVENT(uid, start, extra, people)                                            \
	"BEGIN:VEVENT\r\nUID:" uid "\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:" start \
	"\r\nSUMMARY:" uid "\r\n" extra people "END:VEVENT\r\n"

static const char rules_ics[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
	/* With a contact: a touch. */
	EVENT("with-anna", "20260510T090000Z", "",
	      "ORGANIZER:mailto:me@example.org\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:ANNA@X.ORG\r\n")
	/* With a stranger only: a candidate, no touch. */
	EVENT("with-zed", "20260511T090000Z", "",
	      "ORGANIZER:mailto:me@example.org\r\nATTENDEE;CN=Zed:mailto:zed@q.org\r\n")
	/* Declined by the user. */
	EVENT("declined", "20260512T090000Z", "",
	      "ORGANIZER:mailto:anna@x.org\r\nATTENDEE;PARTSTAT=DECLINED:mailto:me@example.org\r\n")
	/* Cancelled. */
	EVENT("cancelled", "20260513T090000Z", "STATUS:CANCELLED\r\n",
	      "ORGANIZER:mailto:me@example.org\r\nATTENDEE:mailto:anna@x.org\r\n")
	/* In the future. */
	EVENT("future", "20260610T090000Z", "",
	      "ORGANIZER:mailto:me@example.org\r\nATTENDEE:mailto:anna@x.org\r\n") "END:VCALENDAR\r\n";

static void test_meetings_rules_through_scan(void **state)
{
	struct fixture *f = *state;
	const char *emails[] = { "anna@x.org", NULL };
	const char *mine[] = { "me@example.org" };
	char *ics = path_join(f->dir, "cal.ics");
	struct kith_scan_source src = { KITH_SCAN_ICS, ics, "~/cal.ics" };
	struct kith_scan_options o;
	struct kith_scan_summary sum;
	struct kith_touch_filter all;
	struct kith_touch *ts = NULL;
	size_t n = 0;
	int64_t anna = add_contact_full(f, "Anna Berg", "core", D(2026, 1, 1), emails, NULL, NULL);
	int seen = 0;

	write_file(ics, rules_ics);
	memset(&o, 0, sizeof(o));
	o.sources = &src;
	o.n_sources = 1;
	o.me = mine;
	o.n_me = 1;
	o.today = D(2026, 6, 1);
	o.tzid = "UTC";
	assert_ok(kith_scan(f->store, &o, &sum));
	assert_int_equal(sum.meetings, 2);
	assert_int_equal(sum.touches, 1);
	assert_int_equal(sum.candidates, 1);
	assert_int_equal(sum.n_problems, 0);
	kith_scan_summary_clear(&sum);

	memset(&all, 0, sizeof(all));
	assert_ok(kith_store_list_touches(f->store, &all, &ts, &n));
	assert_int_equal(n, 1);
	assert_int_equal(ts[0].contact_id, anna);
	assert_date(ts[0].on, 2026, 5, 10);
	assert_string_equal(ts[0].channel, "meeting");
	assert_int_equal(ts[0].source, KITH_SOURCE_MEETING);
	assert_string_equal(ts[0].note, "with-anna");
	assert_string_equal(ts[0].found_in, "~/cal.ics");
	/* The occurrence's name, the same on every machine. */
	assert_non_null(strstr(ts[0].source_key, "event:with-anna:20260510T090000Z#"));
	kith_touch_list_free(ts, n);
	/* The future one was not taken: it counts once it has happened. */
	assert_ok(kith_store_begin(f->store));
	assert_ok(kith_store_scan_take(f->store, "event:future:20260610T090000Z", &seen));
	assert_int_equal(seen, 0);
	kith_store_rollback(f->store);

	/* Without the user's addresses, attendance is unknown: refused. */
	o.n_me = 0;
	assert_status(kith_scan(f->store, &o, &sum), KITH_ERR_INVALID);
	kith_scan_summary_clear(&sum);
	free(ics);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encoded_names_in_several_charsets),
		cmocka_unit_test(test_groups_and_folded_headers),
		cmocka_unit_test(test_raw_8bit_header_is_utf8),
		cmocka_unit_test(test_bad_from_or_date_skips_the_message),
		cmocka_unit_test(test_only_the_fields_read_reach_gmime),
		cmocka_unit_test(test_rules_outbound_to_every_recipient),
		cmocka_unit_test(test_rules_inbound_only_from_the_sender),
		cmocka_unit_test(test_rules_bulk_never_counts),
		cmocka_unit_test(test_rules_note_is_the_subject_shortened),
		cmocka_unit_test(test_mbox_separators_truncation_and_resume),
		cmocka_unit_test(test_maildir_tree_and_symlinks),
		cmocka_unit_test_setup_teardown(test_meetings_rules_through_scan, fixture_setup,
						fixture_teardown),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
