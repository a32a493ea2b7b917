#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Real task clients tick kith's reminders off through a real CalDAV server.

Usage: test_clients.py PATH/TO/kith [unittest options or test names]
       (meson passes build/cli/kith)

- TestTodomanRadicale, TestTodomanXandikos: todoman on a vdir that
  vdirsyncer keeps in step with the calendar kith syncs (`todo done`,
  vdirsyncer, kith, vdirsyncer, twice): todoman must list one open task
  per contact and each tick is one touch.
- TestCalcurseRadicale: calcurse's TUI (driven on a pseudo-terminal) flags
  a task done, calcurse-caldav deletes kith's reminder and uploads a
  completed copy without dates: one touch, the contact NOT paused, the
  reminder written again and pulled back into calcurse.
- TestPyCaldav{Radicale,Xandikos,Davical}: python-caldav's Todo.complete()
  in its three modes (plain, handle_rrule "safe", "thisandfuture"), one
  contact each, twice, and on overdue reminders: one touch per tick, due
  a quarter on, one open reminder per contact, no pause, no snooze, and
  a second sync writes nothing.
- TestEvolutionRadicale: Evolution's mark-complete, libecal's own
  (eds_mark_complete.py on a private D-Bus session), on the server's
  bytes, PUT back: the master advanced on its RRULE, twice.

Debian's packages: todoman, vdirsyncer, calcurse (+ python3-httplib2 for
calcurse-caldav), python3-caldav, evolution-data-server + gir1.2-ecal-2.0
+ python3-gi + dbus, radicale, xandikos, davical;
`scripts/deps --test` installs them.
A missing one skips its class (KITH_REQUIRE_SERVERS=1: a failure instead).
The clients run on the real clock, so kith runs on today's date (UTC);
HOME and the XDG directories are in each test's temporary directory.
"""

import base64
import datetime
import glob
import http.client
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

import icalendar

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "sync"))
import test_sync as ts  # noqa: E402  (Result, is_done, the store, the parallel runner)

KITH = None
SERVERS_SH = os.path.join(HERE, "servers.sh")
USER = "kith"
PASSWORD = "kith-test-pass"
SERVERS = {
    "radicale": "/usr/lib/python3/dist-packages/radicale/__init__.py",
    "xandikos": "/usr/lib/python3/dist-packages/xandikos/__init__.py",
    "davical": "/usr/share/davical/htdocs/caldav.php",
}
# Where MKCALENDAR may make a calendar: the user's calendar home.
HOMES = {"radicale": "/kith/", "xandikos": "/kith/calendars/", "davical": "/caldav.php/kith/"}
PEOPLE = [
    ["Anna Berg", "--email", "anna@x.org", "--tier", "regular"],
    ["Bob Smith", "--tier", "core", "--phone", "+1 555 0100"],
]
NAMES = [p[0] for p in PEOPLE]
SUMMARY = "Keep in touch: "


def require(path, what):
    if os.path.exists(path):
        return
    if os.environ.get("KITH_REQUIRE_SERVERS") == "1":
        raise AssertionError("%s is not installed" % what)
    raise unittest.SkipTest("%s is not installed (scripts/deps --test installs it)" % what)


class ClientBase:
    """A server for the class, a calendar, a store and a home for each test."""

    SERVER = None
    CLIENTS = []   # (path, package) that must be installed
    PEOPLE = PEOPLE

    @classmethod
    def setUpClass(cls):
        require(SERVERS[cls.SERVER], cls.SERVER)
        for path, pkg in cls.CLIENTS:
            require(path, pkg)
        cls.srv = tempfile.mkdtemp(prefix="kith-clients-%s-" % cls.SERVER)
        r = subprocess.run(["bash", SERVERS_SH, "start", cls.SERVER, cls.srv],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=120,
                           check=False)
        if r.returncode:
            cls.tearDownClass()
            raise AssertionError("servers.sh start %s failed:\n%s" % (cls.SERVER, r))
        with open(os.path.join(cls.srv, "url"), encoding="utf-8") as f:
            cls.url = f.read().strip()
        u = urllib.parse.urlsplit(cls.url)
        cls.host, cls.port = u.hostname, u.port

    @classmethod
    def tearDownClass(cls):
        subprocess.run(["bash", SERVERS_SH, "stop", cls.srv], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, timeout=60, check=False)
        if not os.environ.get("KITH_KEEP_SERVER_DIRS"):
            shutil.rmtree(cls.srv, ignore_errors=True)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kith-clients-")
        self.db = os.path.join(self.dir, "kith.db")
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("KITH_", "XDG_")) and k != "SOURCE_DATE_EPOCH"}
        self.env.update({
            "HOME": self.dir, "TZ": "UTC", "LC_ALL": "C.UTF-8",
            "XDG_CONFIG_HOME": os.path.join(self.dir, ".config"),
            "XDG_DATA_HOME": os.path.join(self.dir, ".local", "share"),
            "XDG_CACHE_HOME": os.path.join(self.dir, ".cache"),
        })
        # A calendar of the test's own, for tasks.
        self.coll = "%s%s/" % (HOMES[self.SERVER], self._testMethodName[5:30].replace("_", "-"))
        status, body = self.request("MKCALENDAR", self.coll, (
            '<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" '
            'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><C:supported-calendar-'
            'component-set><C:comp name="VTODO"/></C:supported-calendar-component-set>'
            '</D:prop></D:set></C:mkcalendar>'))
        self.assertEqual(status, 201, body)
        self.today = ts.real_clock_store(self.ok, self.PEOPLE)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    # the server, as a plain HTTP client
    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        h = {"Authorization": "Basic " + base64.b64encode(
            ("%s:%s" % (USER, PASSWORD)).encode()).decode()}
        if body is not None:
            h["Content-Type"] = "application/xml; charset=utf-8"
        h.update(headers or {})
        try:
            conn.request(method, path, body=body.encode() if body else None, headers=h)
            resp = conn.getresponse()
            return resp.status, resp.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def server_todos(self):
        """{href: VTODO} of the test's calendar (calendar-query, python3-icalendar)."""
        status, body = self.request("REPORT", self.coll, (
            '<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" '
            'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data/></D:prop>'
            '<C:filter><C:comp-filter name="VCALENDAR"/></C:filter></C:calendar-query>'),
            {"Depth": "1"})
        self.assertEqual(status, 207, body)
        out = {}
        for resp in ET.fromstring(body).iter("{DAV:}response"):
            href = resp.findtext("{DAV:}href")
            data = resp.find(".//{urn:ietf:params:xml:ns:caldav}calendar-data")
            if data is None or not data.text:
                continue
            for t in icalendar.Calendar.from_ical(data.text).walk("VTODO"):
                out[href] = t
        return out

    def open_on_server(self, name):
        return [t for t in self.server_todos().values()
                if str(t.get("SUMMARY")) == SUMMARY + name and not ts.is_done(t)]

    # kith
    def kith(self, *args, today=None):
        proc = subprocess.run([KITH, "--db", self.db, "--today",
                               (today or self.today).isoformat()] + list(args),
                              capture_output=True, cwd=self.dir, timeout=120, check=False,
                              env=dict(self.env, KITH_USERNAME=USER, KITH_PASSWORD=PASSWORD))
        return ts.Result(proc)

    def ok(self, *args, today=None):
        r = self.kith(*args, today=today)
        self.assertEqual(r.rc, 0, r)
        return r

    def sync(self):
        return self.ok("sync", "--target", self.url.rstrip("/") + self.coll)

    def show(self, who):
        return json.loads(self.ok("show", who, "--format", "json").out)

    def counts(self, r):
        m = re.search(r"(\d+) touch(?:es)? logged, (\d+) created, (\d+) rewritten, "
                      r"(\d+) removed", r.out)
        self.assertTrue(m, r)
        return tuple(int(x) for x in m.groups())

    # the clients
    def client(self, *cmd, timeout=120):
        proc = subprocess.run(list(cmd), capture_output=True, env=self.env, cwd=self.dir,
                              stdin=subprocess.DEVNULL, timeout=timeout, check=False)
        self.assertEqual(proc.returncode, 0, "%s: %r" % (" ".join(cmd), ts.Result(proc)))
        return proc.stdout.decode("utf-8", "replace")


# ---------------------------------------------------------------- todoman + vdirsyncer

class TodomanBase(ClientBase):
    CLIENTS = [("/usr/bin/todoman", "todoman"), ("/usr/bin/vdirsyncer", "vdirsyncer")]

    def setUp(self):
        super().setUp()
        self.vdir = os.path.join(self.dir, "vdir")
        os.makedirs(self.vdir)
        conf = os.path.join(self.env["XDG_CONFIG_HOME"], "todoman")
        os.makedirs(conf)
        with open(os.path.join(conf, "config.py"), "w", encoding="utf-8") as f:
            f.write('path = "%s"\ndate_format = "%%Y-%%m-%%d"\ntime_format = "%%H:%%M"\n'
                    % self.vdir)
        self.vconf = os.path.join(self.dir, "vdirsyncer.conf")
        with open(self.vconf, "w", encoding="utf-8") as f:
            f.write('[general]\nstatus_path = "%s/vdirsyncer-status/"\n\n'
                    '[pair kith]\na = "local"\nb = "server"\ncollections = null\n\n'
                    '[storage local]\ntype = "filesystem"\npath = "%s"\nfileext = ".ics"\n\n'
                    '[storage server]\ntype = "caldav"\nurl = "%s"\nusername = "%s"\n'
                    'password = "%s"\nitem_types = ["VTODO"]\n'
                    % (self.dir, self.vdir, self.url.rstrip("/") + self.coll, USER, PASSWORD))

    def vdirsyncer(self):
        self.client("/usr/bin/vdirsyncer", "-c", self.vconf, "sync")

    def todo_open(self):
        out = {}
        for t in json.loads(self.client("/usr/bin/todoman", "--porcelain", "list")):
            out.setdefault(t["summary"], []).append(t["id"])
        return out

    def test_todo_done_through_vdirsyncer(self):
        self.assertEqual(self.counts(self.sync())[1], 2)
        self.client("/usr/bin/vdirsyncer", "-c", self.vconf, "discover")
        self.vdirsyncer()
        anna = str(self.show("anna")["id"])
        for cycle in (1, 2):
            ids = self.todo_open()[SUMMARY + "Anna Berg"]
            self.assertEqual(len(ids), 1, ids)
            self.client("/usr/bin/todoman", "done", str(ids[0]))
            self.vdirsyncer()
            r = self.sync()
            self.assertEqual(self.counts(r)[:3], (1, 0, 1), r)
            # one open reminder on the server: the continuation, made kith's
            got = self.open_on_server("Anna Berg")
            self.assertEqual(len(got), 1, got)
            self.assertEqual(str(got[0]["X-KITH-ID"]), anna)
            self.assertEqual(got[0]["DUE"].dt, ts.add_months(self.today, 3))
            self.vdirsyncer()
            self.assertEqual({k: len(v) for k, v in self.todo_open().items()},
                             {SUMMARY + n: 1 for n in NAMES})
            touches = self.show("anna")["touches"]
            self.assertEqual(len(touches), cycle, touches)
            self.assertEqual({t["on"] for t in touches}, {self.today.isoformat()})
            # nothing left to do: no write, and vdirsyncer has nothing to carry
            self.assertEqual(self.counts(self.sync()), (0, 0, 0, 0))
        self.assertEqual(self.show("bob")["touches"], [])
        self.assertFalse(self.show("anna")["paused"])


class TestTodomanRadicale(TodomanBase, unittest.TestCase):
    SERVER = "radicale"


class TestTodomanXandikos(TodomanBase, unittest.TestCase):
    SERVER = "xandikos"


# ---------------------------------------------------------------- calcurse

CALCURSE_CALDAV = "/usr/bin/calcurse-caldav"


def drive_calcurse(datadir, keys, env, timeout=30):
    """Runs calcurse's TUI on a pseudo-terminal, types `keys`, waits for its exit."""
    import fcntl
    import pty
    import struct
    import termios
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.clear()
        os.environ.update(env)
        os.environ["TERM"] = "xterm"
        os.execv("/usr/bin/calcurse", ["calcurse", "-D", datadir])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    screen = b""

    def read_for(seconds):
        nonlocal screen
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    return True
                if not data:
                    return True
                screen += data
        return False

    try:
        # A loaded CI machine starts calcurse slowly: a key typed before its
        # screen is up is lost, and then it never quits.
        read_for(4.0)
        for k in keys:
            os.write(fd, k.encode())
            read_for(1.0)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not read_for(0.5):
            pass
        for _ in range(int(timeout * 10)):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status, screen
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise AssertionError("calcurse did not exit:\n%r" % screen[-2000:])
    finally:
        os.close(fd)


def calcurse_todos(datadir):
    """[(completed, summary)] from calcurse's own todo file."""
    out = []
    with open(os.path.join(datadir, "todo"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\[(-?)(\d+)\](?:>\S+)? (.*)$", line.rstrip("\n"))
            if m:
                out.append((m.group(1) == "-", m.group(3)))
    return out


class TestCalcurseRadicale(ClientBase, unittest.TestCase):
    SERVER = "radicale"
    CLIENTS = [("/usr/bin/calcurse", "calcurse"), (CALCURSE_CALDAV, "calcurse"),
               ("/usr/lib/python3/dist-packages/httplib2/__init__.py", "python3-httplib2")]

    def setUp(self):
        super().setUp()
        self.data = os.path.join(self.dir, "calcurse")
        os.makedirs(self.data)
        conf = os.path.join(self.env["XDG_CONFIG_HOME"], "calcurse", "caldav")
        os.makedirs(conf)
        os.makedirs(os.path.join(self.env["XDG_DATA_HOME"], "calcurse", "caldav"))
        with open(os.path.join(conf, "config"), "w", encoding="utf-8") as f:
            f.write("[General]\nBinary = calcurse\nHostname = %s:%d\nPath = %s\nHTTPS = No\n"
                    "DryRun = No\nSyncFilter = todo\n[Auth]\nUsername = %s\nPassword = %s\n"
                    % (self.host, self.port, self.coll, USER, PASSWORD))

    def caldav(self, *args):
        # /usr/bin/python3: the script says `env python3`, which may not be Debian's
        return self.client("/usr/bin/python3", CALCURSE_CALDAV, "--datadir", self.data, *args)

    def test_flagged_done_in_calcurse_is_a_touch_not_a_pause(self):
        self.assertEqual(self.counts(self.sync())[1], 2)
        self.caldav("--init", "keep-remote")
        self.assertEqual(sorted(calcurse_todos(self.data)),
                         [(False, SUMMARY + n) for n in NAMES])
        # Tab, Tab: the task panel; '!': flag the selected task done; q, y: save, quit.
        status, screen = drive_calcurse(self.data, "\t\t!qy", self.env)
        self.assertEqual(status, 0, screen[-2000:])
        done = [s for c, s in calcurse_todos(self.data) if c]
        self.assertEqual(len(done), 1, calcurse_todos(self.data))
        name = done[0][len(SUMMARY):]
        who = name.split()[0].lower()
        self.caldav()
        # What calcurse-caldav left: ours gone, a completed copy with no date at all.
        todos = self.server_todos()
        copy = [t for t in todos.values() if str(t["SUMMARY"]) == SUMMARY + name]
        self.assertEqual(len(copy), 1, todos)
        self.assertTrue(ts.is_done(copy[0]))
        self.assertFalse({"DUE", "DTSTART", "X-KITH-ID"} & set(copy[0].keys()), copy[0])
        self.assertNotIn(self.show(who)["uid"], {str(t["UID"]) for t in todos.values()})

        r = self.sync()
        self.assertEqual(self.counts(r)[:2], (1, 1), r)   # one touch, the reminder again
        c = self.show(who)
        self.assertFalse(c["paused"], r)
        self.assertEqual([t["on"] for t in c["touches"]], [self.today.isoformat()])
        self.assertEqual([t["source"] for t in c["touches"]], ["calendar"])
        got = self.open_on_server(name)
        self.assertEqual(len(got), 1, got)
        self.assertEqual(str(got[0]["UID"]), c["uid"])
        self.assertEqual(c["due"], got[0]["DUE"].dt.isoformat())
        # calcurse gets it back: one open task per contact (and the one it completed)
        self.caldav()
        todos = calcurse_todos(self.data)
        self.assertEqual(sorted(s for d, s in todos if not d), [SUMMARY + n for n in NAMES])
        self.assertEqual([s for d, s in todos if d], [SUMMARY + name])
        # and nothing happens twice
        self.assertEqual(self.counts(self.sync()), (0, 0, 0, 0))
        self.assertFalse(self.show(who)["paused"])
        self.assertEqual(len(self.show(who)["touches"]), 1)


# ---------------------------------------------------------------- python-caldav

CALDAV_LIB = "/usr/lib/python3/dist-packages/caldav/__init__.py"
# complete()'s modes in python-caldav 0.11 (caldav/objects.py, Todo.complete):
# plain ends the series on the master (shape a); rrule_mode "safe" saves a
# completed copy under a new UID and moves the master's DTSTART/DUE on
# (shape d); "thisandfuture" adds a completed RECURRENCE-ID override and a
# RANGE=THISANDFUTURE one starting one cadence after the tick (shape c; a
# chain of such overrides, shape e, if kith did not rewrite it in between).
MODES = {
    "plain": {},
    "safe": {"handle_rrule": True},
    "thisandfuture": {"handle_rrule": True, "rrule_mode": "thisandfuture"},
}
# One contact a mode, all on the regular tier (a quarter): each mode's
# result is told apart by whose touch it is.
CALDAV_PEOPLE = [["Anna Berg", "--email", "anna@x.org"],
                 ["Bob Smith", "--phone", "+1 555 0100"],
                 ["Cleo Park", "--email", "cleo@x.org"],
                 ["Dan Roe", "--email", "dan@x.org"]]
WHO = {"plain": "anna", "safe": "bob", "thisandfuture": "cleo"}


class PyCaldavBase(ClientBase):
    """python-caldav (Debian's python3-caldav 0.11) completes kith's reminders
    with each mode of Todo.complete(); kith reads each as one touch."""

    CLIENTS = [(CALDAV_LIB, "python3-caldav")]
    PEOPLE = CALDAV_PEOPLE

    def setUp(self):
        super().setUp()
        import caldav  # pylint: disable=import-outside-toplevel
        self.dav = caldav.DAVClient(self.url, username=USER, password=PASSWORD)
        self.addCleanup(self.dav.close)

    def calendar(self):
        """kith's calendar as python-caldav finds it: principal, then home."""
        cals = [c for c in self.dav.principal().calendars()
                if urllib.parse.unquote(c.url.path).rstrip("/") == self.coll.rstrip("/")]
        self.assertEqual(len(cals), 1, [str(c.url) for c in self.dav.principal().calendars()])
        return cals[0]

    def complete(self, who, mode):
        todo = self.calendar().todo_by_uid(self.show(who)["uid"])
        todo.complete(**MODES[mode])

    def pending(self):
        """{SUMMARY: [Todo]} of what python-caldav lists as pending (todos())."""
        out = {}
        for t in self.calendar().todos():
            out.setdefault(str(t.icalendar_component["SUMMARY"]), []).append(t)
        return out

    def open_reminders(self, name):
        """The open VTODO masters of `name` on the server, read by python-caldav
        (every resource, the completed ones too)."""
        out = []
        for t in self.calendar().todos(include_completed=True):
            for c in t.icalendar_instance.walk("VTODO"):
                if ("RECURRENCE-ID" not in c and str(c.get("SUMMARY")) == SUMMARY + name
                        and not ts.is_done(c)):
                    out.append(c)
        return out

    def check_done(self, who, mode, cycle):
        """`cycle` ticks of `who`, each one touch today; due a quarter on; one
        open reminder, kith's; neither paused nor snoozed."""
        c = self.show(who)
        self.assertFalse(c["paused"], (mode, c))
        self.assertIsNone(c["snoozed_until"], (mode, c))
        self.assertEqual([t["on"] for t in c["touches"]], [self.today.isoformat()] * cycle,
                         (mode, c["touches"]))
        self.assertEqual({t["source"] for t in c["touches"]}, {"calendar"}, mode)
        self.assertEqual(c["due"], ts.add_months(self.today, 3).isoformat(), (mode, c))
        got = self.open_reminders(c["name"])
        self.assertEqual(len(got), 1, (mode, got))
        self.assertEqual(str(got[0]["UID"]), c["uid"], mode)
        self.assertEqual(got[0]["DUE"].dt, ts.add_months(self.today, 3), mode)

    def test_each_mode_of_complete_twice(self):
        self.assertEqual(self.counts(self.sync())[1], len(CALDAV_PEOPLE))
        for cycle in (1, 2):
            # the second time on what kith rewrote after the first tick
            for mode, who in WHO.items():
                self.complete(who, mode)
            r = self.sync()
            self.assertEqual(self.counts(r)[:3], (len(MODES), 0, len(MODES)), (cycle, r))
            for mode, who in WHO.items():
                self.check_done(who, mode, cycle)
            self.assertEqual(self.show("dan")["touches"], [])
            # python-caldav's own pending list: one task per contact
            self.assertEqual({k: len(v) for k, v in self.pending().items()},
                             {SUMMARY + p[0]: 1 for p in CALDAV_PEOPLE}, cycle)
            # nothing left to do: a second sync writes nothing
            self.assertEqual(self.counts(self.sync()), (0, 0, 0, 0), cycle)

    def test_overdue_reminder_ticked_in_each_mode(self):
        # added 100 days ago: each reminder is overdue when it is ticked off
        added = self.today - datetime.timedelta(days=100)
        late = {"plain": "Eva Lind", "safe": "Finn Holm", "thisandfuture": "Gus Vik"}
        for name in late.values():
            self.ok("add", name, today=added)
        self.sync()
        for mode, name in late.items():
            who = name.split()[0].lower()
            self.assertLess(self.show(who)["due"], self.today.isoformat())
            self.complete(who, mode)
        r = self.sync()
        self.assertEqual(self.counts(r)[:3], (len(late), 0, len(late)), r)
        for mode, name in late.items():
            self.check_done(name.split()[0].lower(), mode, 1)
        self.assertEqual(self.counts(self.sync()), (0, 0, 0, 0))


class TestPyCaldavRadicale(PyCaldavBase, unittest.TestCase):
    SERVER = "radicale"


class TestPyCaldavXandikos(PyCaldavBase, unittest.TestCase):
    SERVER = "xandikos"


class TestPyCaldavDavical(PyCaldavBase, unittest.TestCase):
    SERVER = "davical"


# ---------------------------------------------------------------- Evolution

EDS_MARK = os.path.join(HERE, "eds_mark_complete.py")
# in the architecture's own directory
ECAL_TYPELIB = (glob.glob("/usr/lib/*/girepository-1.0/ECal-2.0.typelib")
                or ["/usr/lib/x86_64-linux-gnu/girepository-1.0/ECal-2.0.typelib"])[0]


class EvolutionBase(ClientBase):
    """Evolution's mark-complete (libecal's e_cal_util_mark_task_complete_sync,
    run by eds_mark_complete.py on the server's bytes, PUT back with If-Match):
    the master advanced on its RRULE, no COMPLETED, LAST-MODIFIED left as kith
    wrote it."""

    CLIENTS = [(ECAL_TYPELIB, "gir1.2-ecal-2.0"),
               ("/usr/libexec/evolution-calendar-factory", "evolution-data-server"),
               ("/usr/bin/dbus-run-session", "dbus")]

    def resource(self, uid):
        """(href, ETag, bytes) of the reminder `uid` (plain HTTP)."""
        href = [h for h, t in self.server_todos().items() if str(t["UID"]) == uid]
        self.assertEqual(len(href), 1, href)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            conn.request("GET", href[0], headers={"Authorization": "Basic " + base64.b64encode(
                ("%s:%s" % (USER, PASSWORD)).encode()).decode()})
            resp = conn.getresponse()
            body = resp.read()
            self.assertEqual(resp.status, 200, body)
            return href[0], resp.getheader("ETag"), body
        finally:
            conn.close()

    def mark_complete(self, who):
        href, etag, body = self.resource(self.show(who)["uid"])
        src, out = os.path.join(self.dir, "in.ics"), os.path.join(self.dir, "out.ics")
        with open(src, "wb") as f:
            f.write(body)
        self.client("/usr/bin/dbus-run-session", "--", "/usr/bin/python3", EDS_MARK, src, out)
        with open(out, encoding="utf-8") as f:
            data = f.read()
        status, resp = self.request("PUT", href, data, {
            "If-Match": etag, "Content-Type": "text/calendar; charset=utf-8"})
        self.assertIn(status, (200, 201, 204), resp)
        return data

    def test_mark_complete_twice(self):
        self.assertEqual(self.counts(self.sync())[1], 2)
        for cycle in (1, 2):
            before = self.show("anna")["due"]
            data = self.mark_complete("anna")
            t = icalendar.Calendar.from_ical(data).walk("VTODO")[0]
            self.assertFalse(ts.is_done(t), data)       # Evolution's shape (b)
            self.assertGreater(t["DUE"].dt.isoformat(), before, data)
            r = self.sync()
            self.assertEqual(self.counts(r)[:3], (1, 0, 1), (cycle, r))
            c = self.show("anna")
            self.assertFalse(c["paused"], c)
            self.assertIsNone(c["snoozed_until"], c)
            self.assertEqual([x["on"] for x in c["touches"]], [self.today.isoformat()] * cycle)
            self.assertEqual(c["due"], ts.add_months(self.today, 3).isoformat(), c)
            got = self.open_on_server("Anna Berg")
            self.assertEqual(len(got), 1, got)
            self.assertEqual(got[0]["DUE"].dt, ts.add_months(self.today, 3))
            self.assertEqual(self.counts(self.sync()), (0, 0, 0, 0), cycle)
        self.assertEqual(self.show("bob")["touches"], [])


class TestEvolutionRadicale(EvolutionBase, unittest.TestCase):
    SERVER = "radicale"


PARALLEL = ["TestTodomanRadicale", "TestTodomanXandikos", "TestCalcurseRadicale",
            "TestPyCaldavRadicale", "TestPyCaldavXandikos", "TestPyCaldavDavical",
            "TestEvolutionRadicale"]


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_clients.py PATH/TO/kith [unittest options or test names]")
    KITH = os.path.abspath(sys.argv.pop(1))
    if len(sys.argv) == 1:
        sys.exit(ts.run_classes_in_parallel(__file__, KITH, PARALLEL))
    unittest.main(verbosity=2)
