/* SPDX-License-Identifier: MIT */
/*
 * davxml.c: multistatus bodies captured from Radicale 3.1.8 and Xandikos
 * 0.2.8 (tests/data/dav/, see its README), hostile bodies, and the request
 * bodies checked with libxml2 directly (an independent reader, not
 * davxml.c's own code).
 */
#include "helpers.h"

#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "davxml.h"

static void parse_file(const char *name, struct kith_dav_multistatus *ms)
{
	size_t n;
	char *body = slurp("dav", name, &n);
	struct kith_ctx *ctx = NULL;

	assert_ok(kith_ctx_new(&ctx));
	if (kith_davxml_parse_multistatus(ctx, body, n, ms) != KITH_OK)
		fail_msg("%s: %s", name, kith_ctx_errmsg(ctx));
	kith_ctx_free(ctx);
	free(body);
}

/* Parse a string that must be refused; returns the message. */
static void refuse(const char *body, size_t len, const char *want_in_msg)
{
	struct kith_ctx *ctx = NULL;
	struct kith_dav_multistatus ms;

	memset(&ms, 0, sizeof(ms));
	assert_ok(kith_ctx_new(&ctx));
	assert_status(kith_davxml_parse_multistatus(ctx, body, len, &ms), KITH_ERR_PARSE);
	assert_null(ms.items);
	assert_int_equal(ms.n, 0);
	assert_null(ms.sync_token);
	if (want_in_msg)
		assert_contains(kith_ctx_errmsg(ctx), want_in_msg);
	kith_ctx_free(ctx);
}

static const struct kith_dav_item *find(const struct kith_dav_multistatus *ms, const char *href)
{
	for (size_t i = 0; i < ms->n; i++)
		if (strcmp(ms->items[i].href, href) == 0)
			return &ms->items[i];
	fail_msg("no item %s", href);
	return NULL;
}

/* ---- captured bodies ---- */

static void test_davxml_radicale_sync_reports(void **state)
{
	struct kith_dav_multistatus ms;
	const struct kith_dav_item *it;

	(void)state;
	parse_file("radicale-3.1.8-06-sync-initial.xml", &ms);
	assert_int_equal(ms.n, 3);
	assert_string_equal(ms.sync_token,
			    "http://radicale.org/ns/sync/"
			    "49a46160bb436221b9fe39c9cfeebd268bca0d8c350813918ff7a647664b2e3c");
	it = find(&ms, "/alice/kith-tasks/kith-fixture-1.ics");
	assert_string_equal(it->etag,
			    "\"57ecec280ddb5e6576d62196c20ece2858fbac6984b627d6d44562367bb44318\"");
	assert_int_equal(it->status, 0);
	assert_int_equal(it->prop_status, 200);
	assert_null(it->calendar_data);
	kith_dav_multistatus_clear(&ms);

	parse_file("radicale-3.1.8-07-sync-delta.xml", &ms);
	assert_int_equal(ms.n, 2);
	assert_string_equal(ms.sync_token,
			    "http://radicale.org/ns/sync/"
			    "3d40fe91b330a446dcf5bed8f5228005bd24b85b54be93197563d0bd3292b92f");
	it = find(&ms, "/alice/kith-tasks/kith-fixture-2.ics");
	assert_int_equal(it->status, 404);
	assert_int_equal(it->prop_status, 0);
	assert_null(it->etag);
	it = find(&ms, "/alice/kith-tasks/kith-fixture-3.ics");
	assert_int_equal(it->status, 0);
	assert_string_equal(it->etag,
			    "\"d5688705d52e225bf9f7229e59a8862dc11f06c563e0859f4d3cfe271a7f9b50\"");
	kith_dav_multistatus_clear(&ms);
	/* clear is idempotent and leaves an empty value */
	kith_dav_multistatus_clear(&ms);
	kith_dav_multistatus_clear(NULL);
}

static void test_davxml_xandikos_sync_reports(void **state)
{
	struct kith_dav_multistatus ms;
	const struct kith_dav_item *it;

	(void)state;
	parse_file("xandikos-0.2.8-06-sync-initial.xml", &ms);
	assert_int_equal(ms.n, 3);
	/* the token comes after the responses here */
	assert_string_equal(ms.sync_token, "9d3ee3401909bd08828ff808df068ed23b26cdf7");
	it = find(&ms, "/user/calendars/kith-tasks/kith-fixture-2.ics");
	assert_string_equal(it->etag, "\"d903fba73105f4164b7793ad1639dc7e450de53b\"");
	assert_int_equal(it->prop_status, 200);
	kith_dav_multistatus_clear(&ms);

	parse_file("xandikos-0.2.8-07-sync-delta.xml", &ms);
	assert_int_equal(ms.n, 2);
	assert_string_equal(ms.sync_token, "40af5f585712968ef4c0b8f6918261ab6b13f0bf");
	it = find(&ms, "/user/calendars/kith-tasks/kith-fixture-2.ics");
	assert_int_equal(it->status, 404);
	assert_null(it->etag);
	it = find(&ms, "/user/calendars/kith-tasks/kith-fixture-3.ics");
	assert_string_equal(it->etag, "\"b16049d2ef204ce75457b448252fe8d8e9cd5bed\"");
	kith_dav_multistatus_clear(&ms);
}

static void test_davxml_davical_style_pretty_printed(void **state)
{
	struct kith_dav_multistatus ms;
	const struct kith_dav_item *it;

	(void)state;
	parse_file("davical-style-07-sync-delta.xml", &ms);
	assert_int_equal(ms.n, 2);
	assert_string_equal(ms.sync_token, "data:,17");
	it = find(&ms, "/caldav.php/alice/kith-tasks/kith-fixture-3.ics");
	assert_string_equal(it->etag, "\"8d3c0a0a2c7b4f4d0b6b0d8b3fa0f0a1\"");
	assert_int_equal(find(&ms, "/caldav.php/alice/kith-tasks/kith-fixture-2.ics")->status, 404);
	kith_dav_multistatus_clear(&ms);
}

static void test_davxml_discovery_properties(void **state)
{
	struct kith_dav_multistatus ms;
	const struct kith_dav_item *it;

	(void)state;
	parse_file("radicale-3.1.8-01-principal.xml", &ms);
	assert_int_equal(ms.n, 1);
	assert_string_equal(ms.items[0].href, "/");
	assert_string_equal(ms.items[0].principal, "/alice/");
	kith_dav_multistatus_clear(&ms);
	parse_file("xandikos-0.2.8-02-home.xml", &ms);
	assert_string_equal(ms.items[0].calendar_home, "/user/calendars/");
	kith_dav_multistatus_clear(&ms);

	parse_file("radicale-3.1.8-04-calendars.xml", &ms);
	assert_int_equal(ms.n, 2);
	/* the home: a collection, and its 404 propstat gives nothing */
	it = find(&ms, "/alice/");
	assert_true(it->is_collection);
	assert_false(it->is_calendar);
	assert_int_equal(it->prop_status, 200);
	assert_null(it->displayname);
	assert_null(it->ctag);
	assert_false(it->has_component_set);
	assert_false(it->supports_sync);
	it = find(&ms, "/alice/kith-tasks/");
	assert_true(it->is_collection);
	assert_true(it->is_calendar);
	assert_string_equal(it->displayname, "kith & friends");
	assert_true(it->has_component_set);
	assert_true(it->supports_vtodo);
	assert_true(it->supports_sync);
	assert_string_equal(it->ctag,
			    "\"5f949a8e783e676281ee27388a894c8146ae9c158f5e5a395d203df30a3dcf43\"");
	assert_string_equal(it->sync_token,
			    "http://radicale.org/ns/sync/"
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	kith_dav_multistatus_clear(&ms);

	parse_file("xandikos-0.2.8-04-calendars.xml", &ms);
	assert_int_equal(ms.n, 3);
	it = find(&ms, "/user/calendars/");
	assert_false(it->is_calendar);
	/* sync-collection directly in supported-report, without <report> */
	assert_true(it->supports_sync);
	it = find(&ms, "/user/calendars/kith-tasks/");
	assert_true(it->is_calendar);
	assert_true(it->supports_vtodo);
	assert_true(it->supports_sync);
	assert_string_equal(it->ctag, "6df68654000840042ad4008ecaf0a525d3403777");
	kith_dav_multistatus_clear(&ms);
}

static void test_davxml_component_set_without_vtodo(void **state)
{
	static const char body[] =
		"<d:multistatus xmlns:d=\"DAV:\" xmlns:cal=\"urn:ietf:params:xml:ns:caldav\">"
		"<d:response><d:href>/cal/events/</d:href><d:propstat><d:prop>"
		"<d:resourcetype><d:collection/><cal:calendar/></d:resourcetype>"
		"<cal:supported-calendar-component-set><cal:comp name=\"VEVENT\"/>"
		"<cal:comp name=\"vtodo-not\"/></cal:supported-calendar-component-set>"
		"</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
		"<d:response><d:href>/cal/tasks/</d:href><d:propstat><d:prop>"
		"<cal:supported-calendar-component-set><cal:comp name=\"vtodo\"/>"
		"</cal:supported-calendar-component-set>"
		"</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
		"</d:multistatus>";
	struct kith_dav_multistatus ms;

	(void)state;
	assert_ok(kith_davxml_parse_multistatus(NULL, body, strlen(body), &ms));
	assert_int_equal(ms.n, 2);
	assert_true(ms.items[0].has_component_set);
	assert_false(ms.items[0].supports_vtodo);
	assert_true(ms.items[1].supports_vtodo);
	kith_dav_multistatus_clear(&ms);
}

static void test_davxml_multiget_calendar_data(void **state)
{
	struct kith_dav_multistatus ms;
	const struct kith_dav_item *it;
	const char *files[] = { "radicale-3.1.8-08-multiget.xml",
				"xandikos-0.2.8-08-multiget.xml" };
	const char *prefix[] = { "/alice/kith-tasks/", "/user/calendars/kith-tasks/" };
	char href[128];

	(void)state;
	for (int i = 0; i < 2; i++) {
		parse_file(files[i], &ms);
		assert_int_equal(ms.n, 3);
		snprintf(href, sizeof(href), "%skith-fixture-1.ics", prefix[i]);
		it = find(&ms, href);
		assert_int_equal(it->prop_status, 200);
		assert_non_null(it->etag);
		/*
		 * Escaped text comes back unescaped.  Both servers send raw CRLF,
		 * which XML parsing makes LF: the CRs are put back.
		 */
		assert_contains(it->calendar_data,
				"\r\nSUMMARY:Call Ana <ana@example.org> & ask about \"Q3\"\r\n");
		assert_contains(it->calendar_data,
				"DESCRIPTION:line one\\nline two\\, with comma\r\n");
		assert_true(strncmp(it->calendar_data, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30) ==
			    0);
		assert_true(strlen(it->calendar_data) >= 15);
		assert_string_equal(it->calendar_data + strlen(it->calendar_data) - 15,
				    "END:VCALENDAR\r\n");
		assert_not_contains(it->calendar_data, "\r\r");
		snprintf(href, sizeof(href), "%skith-fixture-2.ics", prefix[i]);
		it = find(&ms, href);
		assert_int_equal(it->status, 404);
		assert_null(it->calendar_data);
		kith_dav_multistatus_clear(&ms);
	}
	/* &#13; keeps the CR, and no second one is added */
	parse_file("davical-style-08-multiget.xml", &ms);
	it = find(&ms, "/caldav.php/alice/kith-tasks/kith-fixture-1.ics");
	assert_true(strncmp(it->calendar_data, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 30) == 0);
	assert_not_contains(it->calendar_data, "\r\r");
	assert_contains(it->calendar_data, "\r\nSUMMARY:Call Ana <ana@example.org> & ask");
	assert_contains(it->calendar_data, "END:VCALENDAR\r\n");
	kith_dav_multistatus_clear(&ms);
}

static void test_davxml_calendar_data_in_cdata(void **state)
{
	/* Outlook's X-ALT-DESC carries an HTML DOCTYPE: inside data it is data. */
	static const char body[] =
		"<?xml version=\"1.0\"?>\n"
		"<D:multistatus xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
		"<D:response><D:href>/c/a.ics</D:href><D:propstat><D:prop>"
		"<D:getetag>\"a\"</D:getetag>"
		"<C:calendar-data><![CDATA[BEGIN:VCALENDAR&#13;\n"
		"X-ALT-DESC;FMTTYPE=text/html:<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2//EN\">"
		"<b>&amp;</b>\nEND:VCALENDAR\n]]></C:calendar-data>"
		"</D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"
		"</D:multistatus>";
	struct kith_dav_multistatus ms;

	(void)state;
	assert_ok(kith_davxml_parse_multistatus(NULL, body, strlen(body), &ms));
	assert_int_equal(ms.n, 1);
	assert_string_equal(
		ms.items[0].calendar_data,
		"BEGIN:VCALENDAR&#13;\r\nX-ALT-DESC;FMTTYPE=text/html:<!DOCTYPE HTML "
		"PUBLIC \"-//W3C//DTD HTML 3.2//EN\"><b>&amp;</b>\r\nEND:VCALENDAR\r\n");
	kith_dav_multistatus_clear(&ms);
}

/* The same report in several prefix styles parses the same. */
static void test_davxml_namespaces_by_uri_not_prefix(void **state)
{
	static const char *const styles[] = {
		/* default namespace, as Radicale */
		"<multistatus xmlns=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
		"<response><href>/c/1.ics</href><propstat><prop><getetag>W/\"w1\"</getetag>"
		"<C:calendar-data>BEGIN:VCALENDAR</C:calendar-data></prop>"
		"<status>HTTP/1.1 200 OK</status></propstat></response>"
		"<response><href>/c/2.ics</href><status>HTTP/1.1 404 Not Found</status></response>"
		"<sync-token>tok-7</sync-token></multistatus>",
		/* D: and C: */
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<D:multistatus xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">\n"
		"  <D:response>\n    <D:href>/c/1.ics</D:href>\n    <D:propstat>\n"
		"      <D:prop><D:getetag>W/\"w1\"</D:getetag>"
		"<C:calendar-data>BEGIN:VCALENDAR</C:calendar-data></D:prop>\n"
		"      <D:status>HTTP/1.1 200 OK</D:status>\n    </D:propstat>\n  </D:response>\n"
		"  <D:response><D:href>/c/2.ics</D:href><D:status>HTTP/1.1 404 Not Found"
		"</D:status></D:response>\n  <D:sync-token>tok-7</D:sync-token>\n"
		"</D:multistatus>\n",
		/* ns0:/ns1:, as Xandikos, with the status first */
		"<ns0:multistatus xmlns:ns0=\"DAV:\" xmlns:ns1=\"urn:ietf:params:xml:ns:caldav\">"
		"<ns0:response><ns0:href>/c/1.ics</ns0:href><ns0:propstat>"
		"<ns0:status>HTTP/1.1 200 OK</ns0:status><ns0:prop>"
		"<ns0:getetag>W/\"w1\"</ns0:getetag>"
		"<ns1:calendar-data>BEGIN:VCALENDAR</ns1:calendar-data></ns0:prop></ns0:propstat>"
		"</ns0:response><ns0:response><ns0:href>/c/2.ics</ns0:href>"
		"<ns0:status>HTTP/1.1 404 Not Found</ns0:status></ns0:response>"
		"<ns0:sync-token>tok-7</ns0:sync-token></ns0:multistatus>",
		/* lower-case d:, and the caldav prefix bound to "D" in an inner scope */
		"<d:multistatus xmlns:d=\"DAV:\"><d:response><d:href>/c/1.ics</d:href>"
		"<d:propstat><d:prop><d:getetag>W/\"w1\"</d:getetag>"
		"<D:calendar-data xmlns:D=\"urn:ietf:params:xml:ns:caldav\">BEGIN:VCALENDAR"
		"</D:calendar-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>"
		"</d:response><d:response><d:href>/c/2.ics</d:href>"
		"<d:status>HTTP/1.1 404 Not Found</d:status></d:response>"
		"<d:sync-token>tok-7</d:sync-token></d:multistatus>",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(styles) / sizeof(styles[0]); i++) {
		struct kith_dav_multistatus ms;
		struct kith_ctx *ctx = NULL;

		assert_ok(kith_ctx_new(&ctx));
		if (kith_davxml_parse_multistatus(ctx, styles[i], strlen(styles[i]), &ms) !=
		    KITH_OK)
			fail_msg("style %zu: %s", i, kith_ctx_errmsg(ctx));
		kith_ctx_free(ctx);
		assert_int_equal(ms.n, 2);
		assert_string_equal(ms.sync_token, "tok-7");
		assert_string_equal(ms.items[0].href, "/c/1.ics");
		assert_string_equal(ms.items[0].etag, "W/\"w1\"");
		assert_string_equal(ms.items[0].calendar_data, "BEGIN:VCALENDAR");
		assert_int_equal(ms.items[0].prop_status, 200);
		assert_string_equal(ms.items[1].href, "/c/2.ics");
		assert_int_equal(ms.items[1].status, 404);
		kith_dav_multistatus_clear(&ms);
	}
}

static void test_davxml_wrong_namespace_is_not_dav(void **state)
{
	/* the right prefix and local names in the wrong namespace */
	static const char wrong_root[] =
		"<D:multistatus xmlns:D=\"dav:\"><D:response><D:href>/x</D:href>"
		"</D:response></D:multistatus>";
	/* a getetag in another namespace is not DAV:getetag */
	static const char wrong_prop[] =
		"<D:multistatus xmlns:D=\"DAV:\" xmlns:X=\"http://example.org/ns\">"
		"<D:response><D:href>/x</D:href><D:propstat><D:prop>"
		"<X:getetag>\"evil\"</X:getetag><D:getetag>\"good\"</D:getetag></D:prop>"
		"<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>";
	struct kith_dav_multistatus ms;

	(void)state;
	refuse(wrong_root, strlen(wrong_root), "DAV:multistatus");
	assert_ok(kith_davxml_parse_multistatus(NULL, wrong_prop, strlen(wrong_prop), &ms));
	assert_string_equal(ms.items[0].etag, "\"good\"");
	kith_dav_multistatus_clear(&ms);
}

static void test_davxml_etags_kept_exactly(void **state)
{
	static const char body[] =
		"<D:multistatus xmlns:D=\"DAV:\">"
		"<D:response><D:href>/c/weak.ics</D:href><D:propstat><D:prop>"
		"<D:getetag>W/\"1700000000-42\"</D:getetag></D:prop>"
		"<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"
		"<D:response><D:href>\n  /c/strong.ics\n</D:href><D:propstat><D:prop>"
		"<D:getetag>\n   \"a&amp;b\"  \n</D:getetag></D:prop>"
		"<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"
		"<D:response><D:href>/c/unquoted.ics</D:href><D:propstat><D:prop>"
		"<D:getetag>1234</D:getetag></D:prop>"
		"<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"
		"</D:multistatus>";
	struct kith_dav_multistatus ms;

	(void)state;
	assert_ok(kith_davxml_parse_multistatus(NULL, body, strlen(body), &ms));
	assert_int_equal(ms.n, 3);
	assert_string_equal(ms.items[0].etag, "W/\"1700000000-42\"");
	/* white space around the value is layout, not part of it */
	assert_string_equal(ms.items[1].href, "/c/strong.ics");
	assert_string_equal(ms.items[1].etag, "\"a&b\"");
	/* a server that does not quote: kept as sent */
	assert_string_equal(ms.items[2].etag, "1234");
	kith_dav_multistatus_clear(&ms);
}

static void test_davxml_propstat_statuses(void **state)
{
	static const char body[] =
		"<D:multistatus xmlns:D=\"DAV:\" xmlns:CS=\"http://calendarserver.org/ns/\">"
		/* found props in the second propstat; the 404 one is ignored */
		"<D:response><D:href>/c/</D:href>"
		"<D:propstat><D:prop><D:displayname>from 404</D:displayname><CS:getctag/></D:prop>"
		"<D:status>HTTP/1.1 404 Not Found</D:status></D:propstat>"
		"<D:propstat><D:prop><D:getetag>\"e\"</D:getetag></D:prop>"
		"<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>"
		/* nothing found: prop_status says why */
		"<D:response><D:href>/c/secret/</D:href>"
		"<D:propstat><D:prop><D:getetag/></D:prop>"
		"<D:status>HTTP/1.1 403 Forbidden</D:status></D:propstat></D:response>"
		/* the status form with two hrefs */
		"<D:response><D:href>/c/a.ics</D:href><D:href>/c/b.ics</D:href>"
		"<D:status>HTTP/1.1 404 Not Found</D:status></D:response>"
		"</D:multistatus>";
	struct kith_dav_multistatus ms;

	(void)state;
	assert_ok(kith_davxml_parse_multistatus(NULL, body, strlen(body), &ms));
	assert_int_equal(ms.n, 4);
	assert_int_equal(ms.items[0].prop_status, 200);
	assert_string_equal(ms.items[0].etag, "\"e\"");
	assert_null(ms.items[0].displayname);
	assert_null(ms.items[0].ctag);
	assert_string_equal(ms.items[1].href, "/c/secret/");
	assert_int_equal(ms.items[1].prop_status, 403);
	assert_null(ms.items[1].etag);
	assert_string_equal(ms.items[2].href, "/c/a.ics");
	assert_int_equal(ms.items[2].status, 404);
	assert_string_equal(ms.items[3].href, "/c/b.ics");
	assert_int_equal(ms.items[3].status, 404);
	kith_dav_multistatus_clear(&ms);
}

static void test_davxml_empty_multistatus_is_an_empty_listing(void **state)
{
	static const char body[] = "<multistatus xmlns=\"DAV:\"/>";
	struct kith_dav_multistatus ms;

	(void)state;
	assert_ok(kith_davxml_parse_multistatus(NULL, body, strlen(body), &ms));
	assert_int_equal(ms.n, 0);
	assert_null(ms.sync_token);
	kith_dav_multistatus_clear(&ms);
}

/* ---- hostile and broken bodies ---- */

static void test_davxml_doctype_bomb_refused_without_expansion(void **state)
{
	static const char bomb[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE lolz [\n"
		" <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		" <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
		" <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
		"]>\n"
		"<D:multistatus xmlns:D=\"DAV:\"><D:response><D:href>&lol9;</D:href>"
		"<D:status>HTTP/1.1 200 OK</D:status></D:response></D:multistatus>\n";
	static const char xxe[] =
		"<!-- a comment first --><?pi x?>\n <!doctype m [<!ENTITY x SYSTEM "
		"\"file:///etc/passwd\">]><multistatus xmlns=\"DAV:\"><response><href>&x;</href>"
		"</response></multistatus>";
	static const char external[] =
		"\xEF\xBB\xBF<!DOCTYPE multistatus SYSTEM \"http://127.0.0.1:9/dav.dtd\">"
		"<multistatus xmlns=\"DAV:\"/>";
	clock_t t0 = clock();

	(void)state;
	refuse(bomb, strlen(bomb), "DOCTYPE");
	refuse(xxe, strlen(xxe), "DOCTYPE");
	refuse(external, strlen(external), "DOCTYPE");
	assert_false(kith_davxml_error_has(bomb, strlen(bomb), KITH_NS_DAV, "valid-sync-token"));
	/* refused before parsing: no time spent expanding */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 0.5);
}

static void test_davxml_utf16_body_refused(void **state)
{
	/* "<!DOCTYPE" in UTF-16 is not a byte string search would find */
	static const char text[] = "<!DOCTYPE x [<!ENTITY a \"b\">]><multistatus xmlns=\"DAV:\"/>";
	size_t n = strlen(text);
	char *u16 = malloc(2 + 2 * n);

	(void)state;
	assert_non_null(u16);
	u16[0] = (char)0xFF;
	u16[1] = (char)0xFE;
	for (size_t i = 0; i < n; i++) {
		u16[2 + 2 * i] = text[i];
		u16[3 + 2 * i] = 0;
	}
	refuse(u16, 2 + 2 * n, "NUL");
	free(u16);
}

static void test_davxml_entity_references_refused(void **state)
{
	static const char undeclared[] =
		"<multistatus xmlns=\"DAV:\"><response><href>/a&xxe;</href></response></multistatus>";
	static const char predefined[] =
		"<multistatus xmlns=\"DAV:\"><response><href>/a&amp;b&lt;c&#x41;&#66;</href>"
		"<status>HTTP/1.1 200 OK</status></response></multistatus>";
	struct kith_dav_multistatus ms;

	(void)state;
	refuse(undeclared, strlen(undeclared), "malformed");
	/* the five predefined entities and character references are plain text */
	assert_ok(kith_davxml_parse_multistatus(NULL, predefined, strlen(predefined), &ms));
	assert_string_equal(ms.items[0].href, "/a&b<cAB");
	kith_dav_multistatus_clear(&ms);
}

static void test_davxml_truncated_multistatus_refused(void **state)
{
	size_t n, end;
	char *body = slurp("dav", "radicale-3.1.8-07-sync-delta.xml", &n);

	(void)state;
	end = n;
	while (end > 0 && body[end - 1] != '>')
		end--;
	/* every proper prefix of the document, down to nothing */
	for (size_t k = 0; k < end; k++)
		refuse(body, k, NULL);
	free(body);
	body = slurp("dav", "xandikos-0.2.8-08-multiget.xml", &n);
	refuse(body, n / 2, "malformed");
	free(body);
}

static void test_davxml_oversized_refused(void **state)
{
	static const char head[] = "<multistatus xmlns=\"DAV:\"><!-- ";
	size_t n = (size_t)KITH_DAVXML_MAX + 1;
	char *big = malloc(n);

	(void)state;
	assert_non_null(big);
	memset(big, ' ', n);
	memcpy(big, head, strlen(head));
	memcpy(big + n - 20, " --></multistatus>  ", 20);
	refuse(big, n, "larger than");
	assert_false(kith_davxml_error_has(big, n, KITH_NS_DAV, "valid-sync-token"));
	free(big);
}

static void test_davxml_broken_bodies_refused(void **state)
{
	static const char no_href[] =
		"<multistatus xmlns=\"DAV:\"><response><status>HTTP/1.1 200 OK</status></response>"
		"</multistatus>";
	static const char bad_status[] =
		"<multistatus xmlns=\"DAV:\"><response><href>/a</href><status>OK</status></response>"
		"</multistatus>";
	static const char bad_propstat[] =
		"<multistatus xmlns=\"DAV:\"><response><href>/a</href><propstat><prop/>"
		"<status>HTTP/1.1 2000 OK</status></propstat></response></multistatus>";
	static const char html[] = "<html><body>Server got itself in trouble</body></html>";
	static const char latin1[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
				     "<multistatus xmlns=\"DAV:\"><response><href>/caf\xE9</href>"
				     "</response></multistatus>";
	size_t n;
	char *text = slurp("dav", "xandikos-0.2.8-09-sync-invalid-token.txt", &n);

	(void)state;
	refuse(no_href, strlen(no_href), "without an href");
	refuse(bad_status, strlen(bad_status), "bad status line");
	refuse(bad_propstat, strlen(bad_propstat), "bad status line");
	refuse(html, strlen(html), "<html>");
	refuse(text, n, "malformed");
	refuse("", 0, "empty");
	refuse(NULL, 0, "empty");
	/* read as UTF-8 whatever the declaration says */
	refuse(latin1, strlen(latin1), "malformed");
	free(text);
	text = slurp("dav", "radicale-3.1.8-09-sync-invalid-token.xml", &n);
	refuse(text, n, "DAV:multistatus");
	free(text);
}

/* ---- DAV:error ---- */

static void test_davxml_error_has(void **state)
{
	static const char caldav[] =
		"<D:error xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">"
		"<C:supported-calendar-component/></D:error>";
	static const char sabre[] =
		"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:error xmlns:d=\"DAV:\" "
		"xmlns:s=\"http://sabredav.org/ns\">\n  <s:sabredav-version>4.6.0</s:sabredav-version>"
		"\n  <d:valid-sync-token/>\n  <s:message>Invalid or unknown sync token</s:message>\n"
		"</d:error>";
	static const char deep[] =
		"<D:error xmlns:D=\"DAV:\"><D:x><D:valid-sync-token/></D:x></D:error>";
	static const char unclosed[] = "<D:error xmlns:D=\"DAV:\"><D:valid-sync-token/>";
	size_t n;
	char *body;

	(void)state;
	body = slurp("dav", "radicale-3.1.8-09-sync-invalid-token.xml", &n);
	assert_true(kith_davxml_error_has(body, n, KITH_NS_DAV, "valid-sync-token"));
	assert_false(
		kith_davxml_error_has(body, n, KITH_NS_DAV, "number-of-matches-within-limits"));
	assert_false(kith_davxml_error_has(body, n, KITH_NS_CALDAV, "valid-sync-token"));
	free(body);
	assert_true(kith_davxml_error_has(sabre, strlen(sabre), KITH_NS_DAV, "valid-sync-token"));
	assert_true(kith_davxml_error_has(caldav, strlen(caldav), KITH_NS_CALDAV,
					  "supported-calendar-component"));
	assert_false(kith_davxml_error_has(caldav, strlen(caldav), KITH_NS_DAV,
					   "supported-calendar-component"));
	/* only a direct child names a precondition */
	assert_false(kith_davxml_error_has(deep, strlen(deep), KITH_NS_DAV, "valid-sync-token"));
	/* Xandikos' 500 for an unknown token is plain text */
	body = slurp("dav", "xandikos-0.2.8-12-sync-unknown-token.txt", &n);
	assert_false(kith_davxml_error_has(body, n, KITH_NS_DAV, "valid-sync-token"));
	free(body);
	/* a multistatus is no error body */
	body = slurp("dav", "radicale-3.1.8-07-sync-delta.xml", &n);
	assert_false(kith_davxml_error_has(body, n, KITH_NS_DAV, "sync-token"));
	free(body);
	assert_false(kith_davxml_error_has(NULL, 0, KITH_NS_DAV, "valid-sync-token"));
	/* unclosed */
	assert_false(
		kith_davxml_error_has(unclosed, strlen(unclosed), KITH_NS_DAV, "valid-sync-token"));
}

/* ---- request bodies, read back with libxml2 itself ---- */

static xmlDoc *read_back(const char *xml)
{
	xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), NULL, NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

	if (!doc)
		fail_msg("not well-formed: %s", xml);
	return doc;
}

static int el_is(const xmlNode *n, const char *ns, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns &&
	       strcmp((const char *)n->ns->href, ns) == 0 &&
	       strcmp((const char *)n->name, name) == 0;
}

static const xmlNode *next_el(const xmlNode *n)
{
	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

static const xmlNode *first_el(const xmlNode *n)
{
	return next_el(n->children);
}

#define assert_el(NODE, NS, NAME)                                          \
	do {                                                               \
		const xmlNode *n_ = (NODE);                                \
		if (!el_is(n_, (NS), (NAME)))                              \
			fail_msg("expected {%s}%s, got %s", (NS), (NAME),  \
				 n_ ? (const char *)n_->name : "nothing"); \
	} while (0)

static void assert_text(const xmlNode *n, const char *want)
{
	xmlChar *t = xmlNodeGetContent(n);

	assert_non_null(t);
	assert_string_equal((const char *)t, want);
	xmlFree(t);
}

/* root must be ns:name with one DAV:prop whose children are exactly want[] */
static void check_propfind(enum kith_dav_propfind kind, const char *const want[][2], size_t n)
{
	char *xml = NULL;
	xmlDoc *doc;
	const xmlNode *root, *prop, *p;

	assert_ok(kith_davxml_propfind(NULL, kind, &xml));
	doc = read_back(xml);
	root = xmlDocGetRootElement(doc);
	assert_el(root, "DAV:", "propfind");
	prop = first_el(root);
	assert_el(prop, "DAV:", "prop");
	assert_null(next_el(prop->next));
	p = first_el(prop);
	for (size_t i = 0; i < n; i++, p = next_el(p->next)) {
		assert_el(p, want[i][0], want[i][1]);
		assert_null(p->children);
	}
	assert_null(p);
	xmlFreeDoc(doc);
	free(xml);
}

static void test_davxml_propfind_bodies(void **state)
{
	static const char *const principal[][2] = { { "DAV:", "current-user-principal" } };
	static const char *const home[][2] = { { KITH_NS_CALDAV, "calendar-home-set" } };
	static const char *const calendars[][2] = {
		{ "DAV:", "resourcetype" },
		{ "DAV:", "displayname" },
		{ KITH_NS_CALDAV, "supported-calendar-component-set" },
		{ "DAV:", "supported-report-set" },
		{ KITH_NS_CS, "getctag" },
		{ "DAV:", "sync-token" },
	};
	static const char *const etags[][2] = { { "DAV:", "resourcetype" }, { "DAV:", "getetag" } };
	struct kith_ctx *ctx = NULL;
	char *xml = NULL;

	(void)state;
	check_propfind(KITH_PROPFIND_PRINCIPAL, principal, 1);
	check_propfind(KITH_PROPFIND_HOME, home, 1);
	check_propfind(KITH_PROPFIND_CALENDARS, calendars, 6);
	check_propfind(KITH_PROPFIND_ETAGS, etags, 2);
	assert_ok(kith_ctx_new(&ctx));
	assert_status(kith_davxml_propfind(ctx, (enum kith_dav_propfind)42, &xml),
		      KITH_ERR_INVALID);
	assert_null(xml);
	kith_ctx_free(ctx);
}

static void check_sync_collection(const char *token, const char *want_text)
{
	char *xml = NULL;
	xmlDoc *doc;
	const xmlNode *root, *n;

	assert_ok(kith_davxml_sync_collection(NULL, token, &xml));
	doc = read_back(xml);
	root = xmlDocGetRootElement(doc);
	assert_el(root, "DAV:", "sync-collection");
	n = first_el(root);
	assert_el(n, "DAV:", "sync-token");
	assert_text(n, want_text);
	n = next_el(n->next);
	assert_el(n, "DAV:", "sync-level");
	assert_text(n, "1");
	n = next_el(n->next);
	assert_el(n, "DAV:", "prop");
	assert_el(first_el(n), "DAV:", "getetag");
	assert_null(next_el(first_el(n)->next));
	assert_null(next_el(n->next));
	xmlFreeDoc(doc);
	free(xml);
}

static void test_davxml_sync_collection_bodies(void **state)
{
	char *xml = NULL;

	(void)state;
	check_sync_collection(NULL, "");
	check_sync_collection("", "");
	check_sync_collection("http://radicale.org/ns/sync/abc", "http://radicale.org/ns/sync/abc");
	check_sync_collection("data:,17&x=<1>\"'", "data:,17&x=<1>\"'");
	assert_status(kith_davxml_sync_collection(NULL, "tok\x01", &xml), KITH_ERR_INVALID);
	assert_status(kith_davxml_sync_collection(NULL, "tok\xff", &xml), KITH_ERR_INVALID);
	assert_null(xml);
}

static void test_davxml_multiget_body(void **state)
{
	const char *hrefs[] = { "/cal/a.ics", "/cal/b&c <d>.ics", "/cal/%C3%A9t%C3%A9.ics",
				"/cal/été.ics" };
	char *xml = NULL;
	xmlDoc *doc;
	const xmlNode *root, *n, *p;

	(void)state;
	assert_ok(kith_davxml_multiget(NULL, hrefs, 4, &xml));
	assert_not_contains(xml, "b&c <d>");
	doc = read_back(xml);
	root = xmlDocGetRootElement(doc);
	assert_el(root, KITH_NS_CALDAV, "calendar-multiget");
	n = first_el(root);
	assert_el(n, "DAV:", "prop");
	p = first_el(n);
	assert_el(p, "DAV:", "getetag");
	p = next_el(p->next);
	assert_el(p, KITH_NS_CALDAV, "calendar-data");
	assert_null(next_el(p->next));
	for (int i = 0; i < 4; i++) {
		n = next_el(n->next);
		assert_el(n, "DAV:", "href");
		assert_text(n, hrefs[i]);
	}
	assert_null(next_el(n->next));
	xmlFreeDoc(doc);
	free(xml);
	xml = NULL;

	assert_status(kith_davxml_multiget(NULL, hrefs, 0, &xml), KITH_ERR_INVALID);
	hrefs[1] = "/cal/\x80.ics";
	assert_status(kith_davxml_multiget(NULL, hrefs, 2, &xml), KITH_ERR_INVALID);
	hrefs[1] = "";
	assert_status(kith_davxml_multiget(NULL, hrefs, 2, &xml), KITH_ERR_INVALID);
	assert_null(xml);
}

static void test_davxml_mkcalendar_body(void **state)
{
	char *xml = NULL;
	xmlDoc *doc;
	const xmlNode *root, *n, *comps, *comp;
	xmlChar *name;

	(void)state;
	assert_ok(kith_davxml_mkcalendar(NULL, "kith & friends <3>", &xml));
	doc = read_back(xml);
	root = xmlDocGetRootElement(doc);
	assert_el(root, KITH_NS_CALDAV, "mkcalendar");
	n = first_el(root);
	assert_el(n, "DAV:", "set");
	n = first_el(n);
	assert_el(n, "DAV:", "prop");
	assert_el(first_el(n), "DAV:", "displayname");
	assert_text(first_el(n), "kith & friends <3>");
	comps = next_el(first_el(n)->next);
	assert_el(comps, KITH_NS_CALDAV, "supported-calendar-component-set");
	comp = first_el(comps);
	assert_el(comp, KITH_NS_CALDAV, "comp");
	name = xmlGetNoNsProp(comp, BAD_CAST "name");
	assert_string_equal((const char *)name, "VTODO");
	xmlFree(name);
	assert_null(next_el(comp->next));
	xmlFreeDoc(doc);
	free(xml);
	xml = NULL;

	/* no name: no displayname element */
	assert_ok(kith_davxml_mkcalendar(NULL, NULL, &xml));
	doc = read_back(xml);
	n = first_el(first_el(xmlDocGetRootElement(doc)));
	assert_el(first_el(n), KITH_NS_CALDAV, "supported-calendar-component-set");
	xmlFreeDoc(doc);
	free(xml);
	xml = NULL;
	assert_status(kith_davxml_mkcalendar(NULL, "bell\a", &xml), KITH_ERR_INVALID);
	assert_null(xml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_davxml_radicale_sync_reports),
		cmocka_unit_test(test_davxml_xandikos_sync_reports),
		cmocka_unit_test(test_davxml_davical_style_pretty_printed),
		cmocka_unit_test(test_davxml_discovery_properties),
		cmocka_unit_test(test_davxml_component_set_without_vtodo),
		cmocka_unit_test(test_davxml_multiget_calendar_data),
		cmocka_unit_test(test_davxml_calendar_data_in_cdata),
		cmocka_unit_test(test_davxml_namespaces_by_uri_not_prefix),
		cmocka_unit_test(test_davxml_wrong_namespace_is_not_dav),
		cmocka_unit_test(test_davxml_etags_kept_exactly),
		cmocka_unit_test(test_davxml_propstat_statuses),
		cmocka_unit_test(test_davxml_empty_multistatus_is_an_empty_listing),
		cmocka_unit_test(test_davxml_doctype_bomb_refused_without_expansion),
		cmocka_unit_test(test_davxml_utf16_body_refused),
		cmocka_unit_test(test_davxml_entity_references_refused),
		cmocka_unit_test(test_davxml_truncated_multistatus_refused),
		cmocka_unit_test(test_davxml_oversized_refused),
		cmocka_unit_test(test_davxml_broken_bodies_refused),
		cmocka_unit_test(test_davxml_error_has),
		cmocka_unit_test(test_davxml_propfind_bodies),
		cmocka_unit_test(test_davxml_sync_collection_bodies),
		cmocka_unit_test(test_davxml_multiget_body),
		cmocka_unit_test(test_davxml_mkcalendar_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
