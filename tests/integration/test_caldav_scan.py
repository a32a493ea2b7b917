#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""`kith scan --calendars` against real CalDAV servers (Radicale, Xandikos).

Usage: test_caldav_scan.py PATH/TO/kith [unittest options or test names]
       (meson passes build/cli/kith)

Each class starts its server once (servers.sh, as test_caldav_sync.py
does; a missing package is a skip, KITH_REQUIRE_SERVERS=1 a failure) and
plays the user's calendar app with http.client: MKCALENDAR of an event
calendar "Work" and of a calendar named "kith" (the reminders calendar's
name, here taking events too), PUT of VEVENTs.  kith runs with -v so that
the requests of each scan are counted from its log.

The one scenario, in steps: a meeting with a contact is logged (found in
"Work"), one the user declined is not, nor one in the reminders calendar;
a meeting still to come is not logged, and is when a later scan is after
it, though its resource did not change; a re-scan with nothing new is one
sync-collection REPORT per event calendar, nothing fetched; an event added
is fetched and logged.
"""

import json
import os
import shutil
import signal
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import test_caldav_sync as cs  # noqa: E402  (servers, the app's HTTP, -v log)

KITH = None
ME = "me@example.org"
TODAY = "2026-02-21"

MKCALENDAR = """<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>
<D:displayname>%s</D:displayname>
<C:supported-calendar-component-set>%s</C:supported-calendar-component-set>
</D:prop></D:set></C:mkcalendar>"""


def event(uid, start, summary, attendees, organizer=ME):
    """One VEVENT resource; attendees: [(address, PARTSTAT)]."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kith tests//app//EN",
             "BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:20260101T000000Z",
             "DTSTART:%sT100000Z" % start, "DTEND:%sT110000Z" % start,
             "SUMMARY:" + summary, "ORGANIZER:mailto:" + organizer]
    lines += ["ATTENDEE;PARTSTAT=%s:mailto:%s" % (ps, a) for a, ps in attendees]
    lines += ["END:VEVENT", "END:VCALENDAR", ""]
    return "\r\n".join(lines)


class ScanBase:
    SERVER = None

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(cs.PACKAGES[cls.SERVER]):
            if os.environ.get("KITH_REQUIRE_SERVERS") == "1":
                raise AssertionError("%s is not installed" % cls.SERVER)
            raise unittest.SkipTest("%s is not installed" % cls.SERVER)
        cls.server_dir, cls.url = cs.start_server(cls.SERVER)
        cls.dav = cs.Dav(cls.url)
        cls.home = cls.dav.home()

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "server_dir", None):
            cs.stop_server(cls.server_dir)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kith-caldav-scan-%s-" % self.SERVER)
        self.db = os.path.join(self.dir, "kith.db")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def kith(self, *args, today=TODAY):
        import subprocess
        e = {"KITH_URL": self.url, "KITH_USERNAME": cs.USER, "KITH_PASSWORD": cs.PASSWORD}
        p = subprocess.run([KITH, "--db", self.db, "--today", today] + list(args),
                           capture_output=True, env=cs.clean_env(self.dir, e), cwd=self.dir,
                           timeout=120, check=False)
        r = cs.Result(p.returncode, p.stdout.decode("utf-8", "replace"),
                      p.stderr.decode("utf-8", "replace"))
        self.assertNotIn(cs.PASSWORD, r.out + r.err)
        return r

    def ok(self, *args, **kw):
        r = self.kith(*args, **kw)
        self.assertEqual(r.rc, 0, r)
        return r

    def mkcalendar(self, slug, name, comps):
        href = self.home.rstrip("/") + "/" + slug + "/"
        body = MKCALENDAR % (name, "".join('<C:comp name="%s"/>' % c for c in comps))
        r = self.dav.request("MKCALENDAR", href, body)
        self.assertIn(r.status, (200, 201), r)
        return href

    def put(self, coll, uid, text):
        r = self.dav.put(coll + uid + ".ics", text, create=True)
        self.assertIn(r.status, (200, 201, 204), r)

    def touches(self, name):
        c = json.loads(self.ok("show", name, "--format", "json").out)
        return [(t["on"], t["channel"], t["source"], t["found_in"], t["note"])
                for t in c["touches"]]

    def scan(self, today=TODAY):
        r = self.ok("-v", "scan", "--calendars", "--me", ME, today=today)
        return r, [(m, u) for m, u, _ in r.requests if m == "REPORT"]

    def test_scan_calendars(self):
        self.ok("init")
        for name, addr in (("Anna Berg", "anna@example.org"), ("Bob Smith", "bob@example.org"),
                           ("Carol Jones", "carol@example.org")):
            self.ok("add", name, "--email", addr)
        work = self.mkcalendar("work-%s" % self.SERVER, "Work", ["VEVENT"])
        own = self.mkcalendar("kith-%s" % self.SERVER, "kith", ["VEVENT", "VTODO"])
        self.put(work, "anna-1", event("anna-1", "20260210", "Coffee with Anna",
                                       [("anna@example.org", "ACCEPTED"), (ME, "ACCEPTED")]))
        # Bob invited the user, who declined: not met.
        self.put(work, "bob-1", event("bob-1", "20260211", "Bob's review",
                                      [("bob@example.org", "ACCEPTED"), (ME, "DECLINED")],
                                      organizer="bob@example.org"))
        # Still to come on the first scan.
        self.put(work, "anna-2", event("anna-2", "20260301", "Anna's launch",
                                       [("anna@example.org", "ACCEPTED"), (ME, "ACCEPTED")]))
        # kith's own calendar (by name) is not read, whatever it holds.
        self.put(own, "carol-1", event("carol-1", "20260212", "Lunch with Carol",
                                       [("carol@example.org", "ACCEPTED"), (ME, "ACCEPTED")]))

        r, reports = self.scan()
        self.assertIn("1 touch logged", r.out, r)
        self.assertEqual(self.touches("Anna Berg"),
                         [("2026-02-10", "meeting", "meeting", "Work", "Coffee with Anna")])
        self.assertEqual(self.touches("Bob Smith"), [])
        self.assertEqual(self.touches("Carol Jones"), [])
        # The work calendar only: its sync-collection and one multiget.
        self.assertEqual(len(reports), 2, r)
        self.assertTrue(all(work in u for _, u in reports), r)

        # Nothing new: one sync-collection REPORT, nothing fetched.
        r, reports = self.scan()
        self.assertIn("0 touches logged", r.out, r)
        self.assertEqual(len(reports), 1, r)
        self.assertEqual(len(self.touches("Anna Berg")), 1)

        # After the launch: its resource did not change, and it is logged.
        r, reports = self.scan(today="2026-03-02")
        self.assertIn("1 touch logged", r.out, r)
        self.assertEqual([t[0] for t in self.touches("Anna Berg")],
                         ["2026-03-01", "2026-02-10"])

        # A new meeting: fetched and logged, once.
        self.put(work, "bob-2", event("bob-2", "20260302", "Bob again",
                                      [("bob@example.org", "ACCEPTED"), (ME, "ACCEPTED")]))
        r, reports = self.scan(today="2026-03-03")
        self.assertIn("1 touch logged", r.out, r)
        self.assertEqual(self.touches("Bob Smith"),
                         [("2026-03-02", "meeting", "meeting", "Work", "Bob again")])
        r, reports = self.scan(today="2026-03-03")
        self.assertIn("0 touches logged", r.out, r)
        self.assertEqual(len(reports), 1, r)


class TestRadicale(ScanBase, unittest.TestCase):
    SERVER = "radicale"


class TestXandikos(ScanBase, unittest.TestCase):
    SERVER = "xandikos"


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_caldav_scan.py PATH/TO/kith [unittest options or test names]")
    KITH = os.path.abspath(sys.argv.pop(1))
    cs.KITH = KITH
    signal.signal(signal.SIGTERM, _on_signal)
    unittest.main(verbosity=2)
