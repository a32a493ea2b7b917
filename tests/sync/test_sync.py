#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of `kith sync` through the kith program.

Usage: test_sync.py PATH/TO/kith [unittest options]   (meson passes build/cli/kith)

Without further arguments the five test classes run in parallel processes
(SYNC_TEST_SERIAL=1: one after the other); with test names, only those, e.g.
test_sync.py build/cli/kith TestVdir.test_2_phone_thunderbird

Every test works in a fresh temporary directory: --db there, HOME there, a
fixed --today, TZ=UTC (unless a test says otherwise) and SOURCE_DATE_EPOCH
for stable DTSTAMPs.  Each scenario runs against the three kinds of local
target: a single .ics file (--target DIR/cal.ics), a vdir directory
(--target DIR/vdir/) and the embedded default (no --target: reminders.ics
next to the store).

TestTodoman drives the real todoman (Debian's package; skipped when it is
missing, a failure with KITH_REQUIRE_SERVERS=1) on a vdir target: `todo
done`, then kith sync, twice, and todoman must list one open task per
contact.

"The phone" is played by this script: it edits the live target the way a
real calendar app would, using the examples in tests/data/clients/ as
templates (rewritten for the live UID and dates, the app's own properties
kept).  Targets are read back with python3-icalendar, a parser independent
of libical; edits are made on the raw text so that every byte kith did not
own can be compared afterwards.
"""

import base64
import datetime
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import icalendar

KITH = None
HERE = os.path.dirname(os.path.abspath(__file__))
CLIENTS_DIR = os.path.join(HERE, "..", "data", "clients")
EPOCH = "1764576000"  # 2025-12-01T08:00:00Z

T0 = "2025-12-01"     # init, add, first sync
T1 = "2026-02-21"     # the sync after the phone ticked Anna off
DONE = datetime.date(2026, 2, 20)  # ... at 2026-02-20T17:30:00Z

# Anna is the quarterly ("regular") contact the phone completes.
PEOPLE = [
    ["Anna Berg", "--email", "anna@x.org", "--tier", "regular", "--via", "email"],
    ["Bob Smith", "--tier", "core", "--phone", "+1 555 0100", "--via", "phone"],
    ["Carol Jones", "--tier", "outer", "--email", "carol@y.org", "--met", "2025-10-01"],
    ["Dan Ek", "--tier", "annual", "--email", "dan@z.org"],
]
NAMES = [p[0] for p in PEOPLE]
# Due dates after the first sync, as of T0 (added T0 unless --met).
DUE0 = {
    "Anna Berg": datetime.date(2026, 3, 1),
    "Bob Smith": datetime.date(2026, 2, 1),
    "Carol Jones": datetime.date(2026, 4, 1),
    "Dan Ek": datetime.date(2026, 12, 1),
}
RRULE0 = {
    "Anna Berg": ("MONTHLY", 3),
    "Bob Smith": ("MONTHLY", 2),
    "Carol Jones": ("MONTHLY", 6),
    "Dan Ek": ("YEARLY", 1),
}
TIER0 = {"Anna Berg": "regular", "Bob Smith": "core", "Carol Jones": "outer",
         "Dan Ek": "annual"}
WINDOW = 7  # DTSTART is this many days before DUE

CLIENTS = ["nextcloud-tasks-0.17", "tasks-org", "evolution", "thunderbird", "jtx-board",
           "opentasks-davx5", "apple-reminders"]

# Properties kith owns on its reminder (lib/ical.c kith_ical_rewrite); all
# others on the master are the app's or the user's and must survive.
KITH_OWNED = {"UID", "DTSTART", "DUE", "DURATION", "RRULE", "EXDATE", "RDATE", "STATUS",
              "COMPLETED", "PERCENT-COMPLETE", "SUMMARY", "DESCRIPTION", "URL", "DTSTAMP",
              "LAST-MODIFIED", "SEQUENCE", "CATEGORIES", "X-KITH-ID", "X-KITH-CADENCE"}


# ---------------------------------------------------------------- running kith

class Result:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")

    def __repr__(self):
        return "rc=%d\n--- stdout\n%s--- stderr\n%s" % (self.rc, self.out, self.err)


def clean_env(home, extra=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KITH_", "XDG_")) and k not in ("NO_COLOR", "SOURCE_DATE_EPOCH",
                                                                  "TZ")}
    env["HOME"] = home
    env["XDG_CONFIG_HOME"] = os.path.join(home, ".config")
    env["XDG_DATA_HOME"] = os.path.join(home, ".local", "share")
    env["LC_ALL"] = "C.UTF-8"
    env["TZ"] = "UTC"
    env["SOURCE_DATE_EPOCH"] = EPOCH
    if extra:
        env.update(extra)
    return env


def kith_cmd(db, args, today):
    cmd = [KITH, "--db", db]
    if today:
        cmd += ["--today", today]
    return cmd + list(args)


# ---------------------------------------------------------------- raw iCalendar

class Comp:
    """A component kept as raw lines: untouched lines keep their bytes."""

    def __init__(self, name):
        self.name = name
        self.items = []  # raw logical lines (folds kept, no final CRLF) or Comp

    # properties
    @staticmethod
    def unfold(raw):
        return re.sub(r"\r?\n[ \t]", "", raw)

    @staticmethod
    def prop_name(raw):
        return re.match(r"[^;:]*", Comp.unfold(raw)).group(0).upper()

    @staticmethod
    def prop_value(raw):
        line = Comp.unfold(raw)
        quoted = False
        for i, ch in enumerate(line):
            if ch == '"':
                quoted = not quoted
            elif ch == ":" and not quoted:
                return line[i + 1:]
        return ""

    def lines(self, name=None):
        return [i for i in self.items
                if isinstance(i, str) and (name is None or self.prop_name(i) == name)]

    def get(self, name):
        ls = self.lines(name)
        return self.prop_value(ls[0]) if ls else None

    def remove(self, name):
        self.items = [i for i in self.items if not (isinstance(i, str) and
                                                     self.prop_name(i) == name)]

    def set(self, name, raw):
        """Replace every `name` line by `raw` (in place of the first), else append."""
        for k, i in enumerate(self.items):
            if isinstance(i, str) and self.prop_name(i) == name:
                self.items[k] = raw
                self.items = [x for j, x in enumerate(self.items)
                              if j <= k or not (isinstance(x, str) and self.prop_name(x) == name)]
                return
        self.add(raw)

    def add(self, raw):
        """Add a property line before the first sub-component."""
        for k, i in enumerate(self.items):
            if isinstance(i, Comp):
                self.items.insert(k, raw)
                return
        self.items.append(raw)

    # sub-components
    def comps(self, name=None):
        return [i for i in self.items if isinstance(i, Comp) and (name is None or i.name == name)]

    @property
    def uid(self):
        return self.get("UID")

    @property
    def is_override(self):
        return bool(self.lines("RECURRENCE-ID"))

    def serialize(self):
        out = ["BEGIN:" + self.name]
        for i in self.items:
            out.append(i.serialize()[:-2] if isinstance(i, Comp) else i)
        out.append("END:" + self.name)
        return "\r\n".join(out) + "\r\n"


def parse_raw(text):
    """Top-level components of an iCalendar text, as Comp trees."""
    physical = re.split(r"\r?\n", text)
    logical = []
    for line in physical:
        if line[:1] in (" ", "\t") and logical:
            logical[-1] += "\r\n" + line
        elif line:
            logical.append(line)
    top, stack = [], []
    for raw in logical:
        u = Comp.unfold(raw)
        if u.upper().startswith("BEGIN:"):
            c = Comp(u[6:].strip().upper())
            (stack[-1].items if stack else top).append(c)
            stack.append(c)
        elif u.upper().startswith("END:"):
            stack.pop()
        elif stack:
            stack[-1].items.append(raw)
    return top


def ical_escape(text):
    """TEXT as RFC 5545 writes it (backslash, semicolon, comma, newline)."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def ical_unescape(value):
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1),
                  value)


def ical_fold(line, width=75):
    """One content line folded at `width` octets (never inside a UTF-8 sequence)."""
    data, out = line.encode("utf-8"), []
    while len(data) > width:
        cut = width
        while cut and (data[cut] & 0xC0) == 0x80:
            cut -= 1
        out.append(data[:cut])
        data = data[cut:]
        width = 74  # the continuation's leading space counts
    out.append(data)
    return "\r\n ".join(x.decode("utf-8") for x in out)


def ical_date(s):
    return datetime.date(int(s[0:4]), int(s[4:6]), int(s[6:8]))


def fmt_date(d):
    return d.strftime("%Y%m%d")


def add_months(d, n):
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    last = [31, 29 if y % 4 == 0 and (y % 100 or y % 400 == 0) else 28, 31, 30, 31, 30, 31,
            31, 30, 31, 30, 31][m - 1]
    return datetime.date(y, m, min(d.day, last))


def is_done(t):
    return str(t.get("STATUS", "")).upper() == "COMPLETED" or "COMPLETED" in t


# ---------------------------------------------------------------- targets

class Target:
    """One local target and the phone's view of it."""

    def __init__(self, kind, d):
        self.kind = kind
        self.dir = d
        if kind == "file":
            self.path = os.path.join(d, "cal.ics")
            self.args = ["--target", self.path]
        elif kind == "vdir":
            self.path = os.path.join(d, "vdir")
            self.args = ["--target", self.path + "/"]
        else:
            self.path = os.path.join(d, "reminders.ics")
            self.args = []

    @property
    def single(self):
        return self.kind != "vdir"

    # reading
    def files(self):
        """{name: path} of the calendar files the target consists of."""
        if self.single:
            return {"": self.path} if os.path.exists(self.path) else {}
        if not os.path.isdir(self.path):
            return {}
        return {n: os.path.join(self.path, n) for n in sorted(os.listdir(self.path))
                if n.endswith(".ics") and not n.startswith(".")}

    def snapshot(self):
        """Bytes, inode and mtime of every file: equal snapshots mean nothing was written."""
        snap = {}
        for name, p in self.files().items():
            st = os.stat(p)
            with open(p, "rb") as f:
                snap[name] = (f.read(), st.st_ino, st.st_mtime_ns)
        return snap

    def texts(self):
        out = {}
        for name, p in self.files().items():
            with open(p, "rb") as f:
                out[name] = f.read().decode("utf-8")
        return out

    def todos(self):
        """[(resource, icalendar VTODO)] over the whole target."""
        out = []
        for name, text in self.texts().items():
            try:
                cals = icalendar.Calendar.from_ical(text, multiple=True)
            except ValueError:
                if self.single:
                    raise
                continue  # not a calendar (a test's garbage): not a reminder either
            for cal in cals:
                for t in cal.walk("VTODO"):
                    out.append((name, t))
        return out

    def masters(self):
        """{UID: VTODO} of the reminders (no RECURRENCE-ID); asserts no UID twice."""
        seen = {}
        for name, t in self.todos():
            if "RECURRENCE-ID" in t:
                continue
            uid = str(t["UID"])
            assert uid not in seen, "UID %s twice in the target" % uid
            seen[uid] = t
        return seen

    # raw resources (what a CalDAV server would hold)
    def resources(self):
        """{UID: (VCALENDAR Comp holding that UID's VTODOs, file name)}."""
        out = {}
        for name, text in self.texts().items():
            for cal in parse_raw(text):
                groups = {}
                for t in cal.comps("VTODO"):
                    groups.setdefault(t.uid, []).append(t)
                for uid, todos in groups.items():
                    c = Comp("VCALENDAR")
                    c.items = [i for i in cal.items if isinstance(i, str)] + todos
                    out[uid] = (c, name)
        return out

    def resource_text(self, uid):
        """The raw text of one resource: the vdir file, or its VTODO blocks in the file."""
        if self.single:
            cal = parse_raw(self.texts()[""])[0]
            return "".join(t.serialize() for t in cal.comps("VTODO") if t.uid == uid)
        for name, text in self.texts().items():
            if any(t.uid == uid for cal in parse_raw(text) for t in cal.comps("VTODO")):
                return text
        return None

    # writing, as an app does
    def _write(self, path, text):
        tmp = path + ".phone-tmp"
        with open(tmp, "wb") as f:
            f.write(text.encode("utf-8"))
        os.rename(tmp, path)

    def replace(self, uid, new_cals):
        """Put the resource(s) an app wrote in place of resource `uid`.

        new_cals: VCALENDAR Comps; the first holds `uid` (or None: deleted).
        The single file gets their VTODOs and the app's PRODID; a vdir gets
        one file each, the first one replacing the reminder's file.
        """
        if self.single:
            cal = parse_raw(self.texts()[""])[0]
            pos = next((k for k, i in enumerate(cal.items)
                        if isinstance(i, Comp) and i.uid == uid), len(cal.items))
            cal.items = [i for i in cal.items if not (isinstance(i, Comp) and i.uid == uid)]
            new = [t for c in new_cals for t in c.comps("VTODO")]
            cal.items[pos:pos] = new
            if new_cals and new_cals[0].get("PRODID"):
                cal.set("PRODID", new_cals[0].lines("PRODID")[0])
            self._write(self.path, cal.serialize())
            return
        _, name = self.resources()[uid]
        p = os.path.join(self.path, name)
        if not new_cals:
            os.unlink(p)
            return
        self._write(p, new_cals[0].serialize())
        for c in new_cals[1:]:
            other = c.comps("VTODO")[0].uid
            self._write(os.path.join(self.path, other + ".ics"), c.serialize())

    def delete(self, uid):
        self.replace(uid, [])

    def edit_master(self, uid, fn):
        """Let fn change the master VTODO of resource uid (raw Comp) in place."""
        cal, _ = self.resources()[uid]
        master = next(t for t in cal.comps("VTODO") if not t.is_override and t.uid == uid)
        fn(master)
        self.replace(uid, [cal])

    def write_garbage(self, data):
        if self.single:
            self._write(self.path, data)
        else:
            os.makedirs(self.path, exist_ok=True)
            self._write(os.path.join(self.path, "garbage.ics"), data)


# ---------------------------------------------------------------- the phone

def fixture(client):
    with open(os.path.join(CLIENTS_DIR, client + ".ics"), "rb") as f:
        return f.read().decode("utf-8")


def phone_complete(target, uid, client, done_at=None):
    """Apply `client`'s completion of reminder `uid` to the live target.

    The example in tests/data/clients/ is the template: its UID, X-KITH-ID,
    SUMMARY and dates are rewritten for the live reminder (the example's
    occurrence 2026-03-01 becomes the live DTSTART/DUE, its next occurrence
    2026-06-01 the next one on the RRULE grid); the app's own properties
    stay as they are.  kith's DESCRIPTION/CATEGORIES/URL, absent from the
    examples' initial.ics, are carried over to the master (apps keep what
    they do not understand) and to copies that copy everything.
    Returns (new calendar Comps, {UID of each completed copy}).
    """
    cal, _ = target.resources()[uid]
    live = next(t for t in cal.comps("VTODO") if not t.is_override and t.uid == uid)
    start, due = ical_date(live.get("DTSTART")), ical_date(live.get("DUE"))
    rrule = live.get("RRULE")  # None in plain mode: kith's cadence, then
    interval = int(re.search(r"(?:INTERVAL=|P)(\d+)",
                             rrule or live.get("X-KITH-CADENCE")).group(1))
    nstart = add_months(start, interval)
    ndue = nstart + (due - start)
    dates = {("DTSTART", "20260301"): start, ("DUE", "20260301"): due,
             ("RECURRENCE-ID", "20260301"): start,
             ("DTSTART", "20260601"): nstart, ("DUE", "20260601"): ndue}
    kith_lines = {n: live.lines(n) for n in ("DESCRIPTION", "CATEGORIES", "URL")}
    cals = parse_raw(fixture(client))
    copies = set()
    for c in cals:
        for t in c.comps("VTODO"):
            new = []
            for raw in t.items:
                if not isinstance(raw, str):
                    new.append(raw)
                    continue
                n, v = Comp.prop_name(raw), Comp.prop_value(raw)
                if n == "UID" and v == "kith-anna-0042@kith.example":
                    raw = "UID:" + uid
                elif n == "X-KITH-ID":
                    raw = "X-KITH-ID:" + live.get("X-KITH-ID")
                elif n == "SUMMARY":
                    raw = live.lines("SUMMARY")[0]
                elif (n, v) in dates:
                    raw = "%s:%s" % (raw.split(":")[0], fmt_date(dates[(n, v)]))
                elif n == "COMPLETED" and done_at:
                    raw = "COMPLETED:" + done_at
                elif n == "RRULE" and not rrule:
                    continue  # a plain reminder stays plain
                new.append(raw)
            t.items = new
            if t.uid == uid and not t.is_override:
                for n, ls in kith_lines.items():
                    if not t.lines(n):
                        for raw in ls:
                            t.add(raw)
            elif t.uid != uid:
                copies.add(t.uid)
                everything = bool(t.lines("X-KITH-ID"))
                for n, ls in kith_lines.items():
                    if not t.lines(n) and (everything or n == "DESCRIPTION"):
                        for raw in ls:
                            t.add(raw)
    assert cals[0].comps("VTODO")[0].uid == uid, client
    return cals, copies


def stamp(cals, when):
    """Date an app's edit: its COMPLETED, LAST-MODIFIED and DTSTAMP become `when`."""
    for c in cals:
        for t in c.comps("VTODO"):
            for n in ("COMPLETED", "LAST-MODIFIED", "DTSTAMP"):
                if t.lines(n):
                    t.set(n, "%s:%s" % (n, when))


def app_properties(client):
    """Properties of the example's master that are the app's own, and its PRODID."""
    cals = parse_raw(fixture(client))
    master = next(t for c in cals for t in c.comps("VTODO")
                  if t.uid == "kith-anna-0042@kith.example" and not t.is_override)
    props = {}
    for raw in master.lines():
        n = Comp.prop_name(raw)
        if n not in KITH_OWNED:
            props[n] = Comp.prop_value(raw)
    return props, cals[0].get("PRODID")


# ---------------------------------------------------------------- the tests

class SyncBase:
    """The scenarios; mixed into one TestCase per kind of target."""

    KIND = None
    fixture_dir = None

    @classmethod
    def setUpClass(cls):
        # One store with the people, never synced, copied for every test.
        cls.fixture_dir = tempfile.mkdtemp(prefix="kith-sync-fixture-")
        db = os.path.join(cls.fixture_dir, "kith.db")
        r = subprocess.run(kith_cmd(db, ["init"], T0), capture_output=True,
                           env=clean_env(cls.fixture_dir), check=False)
        assert r.returncode == 0, r
        cls.add_output = {}
        for p in PEOPLE:
            r = subprocess.run(kith_cmd(db, ["add"] + p, T0), capture_output=True,
                               env=clean_env(cls.fixture_dir), check=False)
            assert r.returncode == 0, r
            cls.add_output[p[0]] = r.stdout.decode()
        r = subprocess.run(kith_cmd(db, ["export", "--json", "-"], T0), capture_output=True,
                           env=clean_env(cls.fixture_dir), check=False)
        assert r.returncode == 0, r
        cls.people = {c["name"]: c for c in json.loads(r.stdout)["contacts"]}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.fixture_dir, ignore_errors=True)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kith-sync-%s-" % self.KIND)
        self.db = os.path.join(self.dir, "kith.db")
        shutil.copy(os.path.join(self.fixture_dir, "kith.db"), self.db)
        self.t = Target(self.KIND, self.dir)
        self.started = time.monotonic()

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)
        if os.environ.get("SYNC_TEST_TIMING"):
            sys.stderr.write("%6.2fs %s\n" % (time.monotonic() - self.started, self.id()))

    # running
    def kith(self, *args, today=T1, env=None, cwd=None, timeout=60):
        proc = subprocess.run(kith_cmd(self.db, args, today), capture_output=True,
                              env=clean_env(self.dir, env), cwd=cwd or self.dir,
                              timeout=timeout, check=False)
        return Result(proc)

    def ok(self, *args, **kw):
        r = self.kith(*args, **kw)
        self.assertEqual(r.rc, 0, r)
        return r

    def sync(self, *args, today=T1, env=None, **kw):
        return self.ok("sync", *(self.t.args + list(args)), today=today, env=env, **kw)

    def sync_raw(self, *args, today=T1, env=None, **kw):
        return self.kith("sync", *(self.t.args + list(args)), today=today, env=env, **kw)

    def show(self, who="anna", today=T1):
        return json.loads(self.ok("show", who, "--format", "json", today=today).out)

    def touches(self, who="anna", today=T1):
        return self.show(who, today)["touches"]

    def report(self, today=T1):
        return {r["name"]: r for r in
                json.loads(self.ok("report", "--all", "--format", "json", today=today).out)}

    def export(self, today=T1):
        return self.ok("export", "--json", "-", today=today).out

    def integrity(self):
        con = sqlite3.connect("file:%s?mode=ro" % self.db, uri=True)
        try:
            return con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()

    # looking at the target
    def contact(self, name):
        if name in self.people:  # ids and UIDs are stable: ask kith once
            return self.people[name]
        return self.show(name.split()[0].lower(), today=None)

    def uid_of(self, name):
        return self.contact(name)["uid"]

    def master(self, name):
        ms = self.t.masters()
        uid = self.uid_of(name)
        self.assertIn(uid, ms, "no reminder for %s" % name)
        return ms[uid]

    def open_reminders(self, name):
        """VTODOs that are an open reminder for `name` (by summary or X-KITH-ID)."""
        cid = str(self.contact(name)["id"])
        out = []
        for _, t in self.t.todos():
            ours = str(t.get("SUMMARY")) == "Keep in touch: " + name or \
                str(t.get("X-KITH-ID", "")) == cid
            if ours and not is_done(t) and "RECURRENCE-ID" not in t:
                out.append(t)
        return out

    def assert_one_reminder_each(self, names=NAMES):
        """I2: exactly one reminder per active contact, nothing else of kith's."""
        ms = self.t.masters()
        kith_uids = {u for u, t in ms.items()
                     if ("X-KITH-ID" in t or u.startswith("kith-")) and not is_done(t)}
        self.assertEqual(kith_uids, {self.uid_of(n) for n in names})
        for n in names:
            self.assertEqual(len(self.open_reminders(n)), 1, n)

    def assert_summary(self, r, touches=0, created=0, rewritten=0, removed=None):
        m = re.search(r"(\d+) touch(?:es)? logged, (\d+) created, (\d+) rewritten, "
                      r"(\d+) removed", r.out)
        self.assertTrue(m, r)
        got = tuple(int(x) for x in m.groups())
        want = (touches, created, rewritten, got[3] if removed is None else removed)
        self.assertEqual(got, want, r)

    def first_sync(self):
        r = self.sync(today=T0)
        self.assert_summary(r, created=4, rewritten=0)
        return r

    # ------------------------------------------------------------ 1. create, no-op

    def test_1_first_sync_creates_one_vtodo_per_contact(self):
        r = self.first_sync()
        if self.KIND == "embedded":
            self.assertIn("No sync target is configured: using the local calendar file %s"
                          % self.t.path, r.out)
            self.assertTrue(os.path.exists(self.t.path))
        for n in NAMES:
            self.assertRegex(r.out, r"create +%s +new reminder, due %s" % (n, DUE0[n]))
        ms = self.t.masters()
        self.assertEqual(len(ms), 4)
        ids = set()
        for n in NAMES:
            c = self.show(n.split()[0].lower(), today=T0)
            self.assertEqual(c["uid"], self.uid_of(n))
            t = ms[c["uid"]]
            ids.add(str(t["X-KITH-ID"]))
            self.assertEqual(str(t["X-KITH-ID"]), str(c["id"]))
            self.assertEqual(str(t["SUMMARY"]), "Keep in touch: " + n)
            self.assertIs(type(t["DUE"].dt), datetime.date)
            self.assertEqual(t["DUE"].dt, DUE0[n])
            self.assertEqual(t["DTSTART"].dt, DUE0[n] - datetime.timedelta(days=WINDOW))
            freq, interval = RRULE0[n]
            self.assertEqual(t["RRULE"]["FREQ"], [freq])
            self.assertEqual(t["RRULE"].get("INTERVAL", [1]), [interval])
            self.assertEqual(str(t["STATUS"]), "NEEDS-ACTION")
            self.assertEqual([str(x) for x in t["CATEGORIES"].cats], [TIER0[n]])
            self.assertEqual(int(t["DTSTAMP"].dt.timestamp()), int(EPOCH))
        self.assertEqual(len(ids), 4)
        if self.KIND == "vdir":
            # one .ics per reminder
            self.assertEqual(len(self.t.files()), 4)
            for name, text in self.t.texts().items():
                self.assertEqual(len(icalendar.Calendar.from_ical(text).walk("VTODO")), 1)
        # the store knows the reminders' due dates
        rep = self.report(today=T0)
        for n in NAMES:
            self.assertEqual(rep[n]["due"], DUE0[n].isoformat())

    def test_1_second_sync_writes_nothing(self):
        self.first_sync()
        before = self.t.snapshot()
        time.sleep(1.1)
        r = self.sync(today=T0)
        self.assert_summary(r, 0, 0, 0, 0)
        self.assertIn("4 unchanged", r.out)
        self.assertEqual(self.t.snapshot(), before)
        # and later, with nothing due to change either
        r = self.sync(today="2026-01-10")
        self.assert_summary(r, 0, 0, 0, 0)
        self.assertEqual(self.t.snapshot(), before)

    # ------------------------------------------------------------ 2. the phone

    def phone(self, client, done_at=None, env=None, check_done=DONE):
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        others = {n: self.t.resource_text(self.uid_of(n)) for n in NAMES[1:]}
        cals, copies = phone_complete(self.t, uid, client, done_at)
        self.t.replace(uid, cals)
        copy_text = {c: self.t.resource_text(c) for c in copies}
        props, prodid = app_properties(client)

        r = self.sync(env=env)
        self.assert_summary(r, touches=1, created=0, rewritten=1, removed=0)
        self.assertRegex(r.out, r"touch +Anna Berg +completed on %s" % check_done)
        # exactly one touch, dated when it was done, from the calendar
        ts = self.touches()
        self.assertEqual(len(ts), 1, ts)
        self.assertEqual(ts[0]["on"], check_done.isoformat())
        self.assertEqual(ts[0]["source"], "calendar")
        hist = self.ok("show", "anna").out.split("History")[1]
        self.assertRegex(hist, r"\n  %s .* calendar" % check_done)
        # the reminder rewritten in place, one cadence after the day it was done
        due = add_months(check_done, 3)
        m = self.master("Anna Berg")
        self.assertEqual(m["DUE"].dt, due)
        self.assertEqual(m["DTSTART"].dt, due - datetime.timedelta(days=WINDOW))
        self.assertEqual(str(m["STATUS"]), "NEEDS-ACTION")
        self.assertNotIn("COMPLETED", m)
        self.assertIn(str(m.get("PERCENT-COMPLETE", "0")), ("0",))
        self.assertEqual(m["RRULE"]["FREQ"], ["MONTHLY"])
        self.assertEqual(m["RRULE"]["INTERVAL"], [3])
        self.assertEqual(str(m["UID"]), uid)
        self.assertFalse([t for _, t in self.t.todos()
                          if str(t["UID"]) == uid and "RECURRENCE-ID" in t], "override left")
        # the app's own properties survive
        for n, v in props.items():
            self.assertIn(n, m, "%s lost (%s)" % (n, client))
            self.assertEqual(m[n].to_ical().decode(), v, "%s changed (%s)" % (n, client))
        if not self.t.single:
            # the resource's own calendar properties (the file's: see
            # test_2_calendar_properties_survive)
            cal, _ = self.t.resources()[uid]
            self.assertEqual(cal.get("PRODID"), prodid)
        # the completed copy left alone, byte for byte; no duplicate
        for c, text in copy_text.items():
            self.assertEqual(self.t.resource_text(c), text, "copy %s changed" % c)
        self.assertEqual(len(self.open_reminders("Anna Berg")), 1)
        self.assert_one_reminder_each()
        # the other reminders untouched
        for n, text in others.items():
            self.assertEqual(self.t.resource_text(self.uid_of(n)), text, n)
        # the report knows the new due date
        rep = self.report()
        self.assertEqual(rep["Anna Berg"]["due"], due.isoformat())
        self.assertEqual(rep["Anna Berg"]["last_touch"], check_done.isoformat())
        # a further sync is a no-op
        before = self.t.snapshot()
        r = self.sync(env=env)
        self.assert_summary(r, 0, 0, 0, 0)
        self.assertEqual(self.t.snapshot(), before)
        r = self.sync(today="2026-03-15", env=env)
        self.assert_summary(r, 0, 0, 0, 0)
        self.assertEqual(self.t.snapshot(), before)
        self.assertEqual(len(self.touches(today="2026-03-15")), 1)
        return m

    def test_2_phone_nextcloud_tasks_0_17(self):
        self.phone("nextcloud-tasks-0.17")

    def test_2_phone_tasks_org(self):
        self.phone("tasks-org")

    def test_2_phone_evolution(self):
        self.phone("evolution")

    def test_2_phone_thunderbird(self):
        self.phone("thunderbird")

    def test_2_phone_jtx_board(self):
        self.phone("jtx-board")

    def test_2_phone_opentasks_davx5(self):
        self.phone("opentasks-davx5")

    def test_2_phone_apple_reminders(self):
        self.phone("apple-reminders")

    def test_2_completion_with_a_four_mib_attachment(self):
        # Real calendars carry attachments of several MiB: the reminder is
        # read and rewritten like any other, attachment and all (issue 11).
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        cals, _ = phone_complete(self.t, uid, "thunderbird")
        blob = base64.b64encode(os.urandom(3 * 1024 * 1024)).decode()
        master = next(t for t in cals[0].comps("VTODO") if t.uid == uid and not t.is_override)
        master.add("ATTACH;ENCODING=BASE64;VALUE=BINARY;FMTTYPE=application/pdf:" + blob)
        self.t.replace(uid, cals)
        r = self.sync()
        self.assert_summary(r, touches=1, created=0, rewritten=1, removed=0)
        self.assertEqual(len(self.touches()), 1)
        m = self.master("Anna Berg")
        self.assertEqual(str(m["STATUS"]), "NEEDS-ACTION")
        self.assertIn("ATTACH", m)
        r = self.sync()
        self.assert_summary(r, touches=0, created=0, rewritten=0, removed=0)

    def test_2_phone_completion_dated_in_the_users_zone(self):
        # Done on Feb 20 at 00:00 in Berlin: COMPLETED is 2026-02-19T23:00Z.
        self.phone("thunderbird", done_at="20260219T230000Z", env={"TZ": "Europe/Berlin"})

    def test_2_all_clients_apply_in_turn(self):
        # Every app on the same reminder, one after the other; one touch each.
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        today = datetime.date(2026, 2, 21)
        for k, client in enumerate(CLIENTS):
            cals, _ = phone_complete(self.t, uid, client)
            when = datetime.datetime.combine(today - datetime.timedelta(days=1),
                                             datetime.time(17, 30))
            stamp(cals, when.strftime("%Y%m%dT%H%M%SZ"))
            self.t.replace(uid, cals)
            r = self.sync(today=today.isoformat())
            self.assert_summary(r, touches=1, created=0, rewritten=1, removed=0)
            ts = self.touches(today=today.isoformat())
            self.assertEqual(len(ts), k + 1, (client, ts))
            self.assertEqual(ts[0]["on"], (today - datetime.timedelta(days=1)).isoformat())
            due = add_months(today - datetime.timedelta(days=1), 3)
            self.assertEqual(self.master("Anna Berg")["DUE"].dt, due, client)
            self.assertEqual(len(self.open_reminders("Anna Berg")), 1, client)
            # the next app ticks it off the day before it falls due
            today = due
        self.assert_one_reminder_each()

    def test_2_dry_run_with_a_pending_completion_changes_nothing(self):
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        cals, _ = phone_complete(self.t, uid, "thunderbird")
        self.t.replace(uid, cals)
        before, store = self.t.snapshot(), self.export()
        r = self.sync("--dry-run")
        self.assertRegex(r.out, r"touch +Anna Berg")
        self.assertRegex(r.out, r"update +Anna Berg +would rewrite, due 2026-05-20")
        self.assertIn("Dry run against", r.out)
        self.assertEqual(self.t.snapshot(), before)
        self.assertEqual(self.export(), store)
        self.assertEqual(self.touches(), [])
        r = self.sync()
        self.assert_summary(r, touches=1, rewritten=1)
        self.assertEqual(len(self.touches()), 1)

    def test_2_copy_without_x_properties_for_a_name_that_needs_escaping(self):
        # Apple drops X-KITH-*: the copy is matched by SUMMARY and date, so
        # the escaped text (, ; \\ and non-ASCII) must compare equal.
        name = 'Zoë Ng, Jr.; "Z" \\ Ünal'
        self.ok("add", name, "--tier", "regular", "--email", "zoe@x.org", today=T0)
        r = self.sync(today=T0)
        self.assert_summary(r, created=5)
        uid = self.uid_of(name)
        self.assertEqual(str(self.t.masters()[uid]["SUMMARY"]), "Keep in touch: " + name)
        cals, _ = phone_complete(self.t, uid, "apple-reminders")
        self.t.replace(uid, cals)
        r = self.sync()
        self.assert_summary(r, touches=1, created=0, rewritten=1)
        c = json.loads(self.ok("show", "zoe@x.org", "--format", "json").out)
        self.assertEqual([(t["on"], t["source"]) for t in c["touches"]],
                         [(DONE.isoformat(), "calendar")])
        self.assertEqual(self.t.masters()[uid]["DUE"].dt, datetime.date(2026, 5, 20))
        self.assertEqual(len(self.open_reminders(name)), 1)
        self.assertEqual(self.touches(), [])  # not Anna's

    def test_2_calendar_properties_survive(self):
        # The calendar-level properties of the file an app wrote (its
        # PRODID, the calendar's name) are not kith's to drop.
        if not self.t.single:
            self.skipTest("a vdir item's own VCALENDAR: see test_2_phone_*")
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        cals, _ = phone_complete(self.t, uid, "thunderbird")
        cals[0].set("CALSCALE", "CALSCALE:GREGORIAN")
        cals[0].set("X-WR-CALNAME", "X-WR-CALNAME:My network")
        self.t.replace(uid, cals)
        cal = parse_raw(self.t.texts()[""])[0]
        cal.set("X-WR-CALNAME", "X-WR-CALNAME:My network")
        cal.set("CALSCALE", "CALSCALE:GREGORIAN")
        self.t._write(self.t.path, cal.serialize())
        r = self.sync()
        self.assert_summary(r, touches=1, created=0, rewritten=1)
        cal = parse_raw(self.t.texts()[""])[0]
        self.assertEqual(cal.get("X-WR-CALNAME"), "My network")
        self.assertEqual(cal.get("CALSCALE"), "GREGORIAN")
        self.assertEqual(cal.get("PRODID"), "-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN")

    def test_2_plain_mode(self):
        # No RRULE: the app can only complete the task itself; kith
        # regenerates it one cadence after the day it was done.
        r = self.sync("--plain", today=T0)
        self.assert_summary(r, created=4)
        self.assertFalse([t for _, t in self.t.todos() if "RRULE" in t])
        uid = self.uid_of("Anna Berg")
        cals, _ = phone_complete(self.t, uid, "nextcloud-tasks-0.17")
        self.t.replace(uid, cals)
        r = self.sync("--plain")
        self.assert_summary(r, touches=1, created=0, rewritten=1)
        m = self.master("Anna Berg")
        self.assertNotIn("RRULE", m)
        self.assertEqual(m["DUE"].dt, datetime.date(2026, 5, 20))
        self.assertEqual(str(m["STATUS"]), "NEEDS-ACTION")
        self.assertNotIn("COMPLETED", m)
        self.assertEqual(len(self.touches()), 1)
        r = self.sync("--plain")
        self.assert_summary(r, 0, 0, 0, 0)
        # back to recurring reminders: every one rewritten, none duplicated
        r = self.sync()
        self.assert_summary(r, 0, 0, rewritten=4, removed=0)
        self.assertEqual(self.master("Anna Berg")["RRULE"]["INTERVAL"], [3])
        self.assert_one_reminder_each()
        self.assertEqual(len(self.touches()), 1)

    def test_2_completion_and_a_kith_edit_in_one_sync(self):
        # Ticked off on the phone; meanwhile moved to the core tier in kith.
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        cals, _ = phone_complete(self.t, uid, "evolution")
        self.t.replace(uid, cals)
        self.ok("edit", "anna", "--tier", "core")
        r = self.sync()
        self.assert_summary(r, touches=1, created=0, rewritten=1)
        m = self.master("Anna Berg")
        self.assertEqual(m["DUE"].dt, datetime.date(2026, 4, 20))  # 2026-02-20 + 2 months
        self.assertEqual(m["RRULE"]["INTERVAL"], [2])
        self.assertEqual([str(x) for x in m["CATEGORIES"].cats], ["core"])
        self.assertEqual(len(self.touches()), 1)
        self.assert_one_reminder_each()

    # ------------------------------------------------------------ 3. snooze

    def test_3_moved_later_by_hand_is_a_snooze(self):
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        moved = DUE0["Anna Berg"] + datetime.timedelta(days=10)  # off the RRULE grid

        def snooze(m):
            m.set("DTSTART", "DTSTART;VALUE=DATE:" + fmt_date(moved - datetime.timedelta(WINDOW)))
            m.set("DUE", "DUE;VALUE=DATE:" + fmt_date(moved))
            m.set("LAST-MODIFIED", "LAST-MODIFIED:20260221T090000Z")
            m.set("DTSTAMP", "DTSTAMP:20260221T090000Z")
            m.set("SEQUENCE", "SEQUENCE:1")
        self.t.edit_master(uid, snooze)
        r = self.sync()
        self.assertRegex(r.out, r"snooze +Anna Berg +moved to %s" % moved)
        self.assertIn("1 snoozed", r.out)
        self.assert_summary(r, touches=0, created=0)
        c = self.show()
        self.assertEqual(c["snoozed_until"], moved.isoformat())
        self.assertEqual(c["due"], moved.isoformat())
        self.assertEqual(c["touches"], [])
        self.assertRegex(self.ok("show", "anna").out, r"Snoozed: +until %s" % moved)
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, moved)
        self.assertEqual(self.report()["Anna Berg"]["due"], moved.isoformat())
        # it stays put, and is not snoozed again
        r = self.sync()
        self.assertNotIn("snooze", r.out)
        self.assert_summary(r, 0, 0, 0, 0)
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, moved)
        self.assertEqual(self.touches(), [])
        self.assert_one_reminder_each()

    def test_3_snoozed_then_completed(self):
        # Moved to 2026-03-11 by hand, then ticked off (tasks.org) on 2026-03-09.
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        moved = datetime.date(2026, 3, 11)

        def snooze(m):
            m.set("DTSTART", "DTSTART;VALUE=DATE:" + fmt_date(moved - datetime.timedelta(WINDOW)))
            m.set("DUE", "DUE;VALUE=DATE:" + fmt_date(moved))
            m.set("LAST-MODIFIED", "LAST-MODIFIED:20260221T090000Z")
        self.t.edit_master(uid, snooze)
        r = self.sync()
        self.assertIn("1 snoozed", r.out)
        cals, _ = phone_complete(self.t, uid, "tasks-org")
        stamp(cals, "20260309T120000Z")
        self.t.replace(uid, cals)
        r = self.sync(today="2026-03-10")
        self.assertNotIn("snooze", r.out)
        self.assert_summary(r, touches=1, created=0, rewritten=1)
        self.assertEqual([t["on"] for t in self.touches(today="2026-03-10")], ["2026-03-09"])
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, datetime.date(2026, 6, 9))
        self.assertEqual(self.show(today="2026-03-10")["due"], "2026-06-09")


    def test_3_moved_earlier_by_hand_is_kept(self):
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        moved = DUE0["Anna Berg"] - datetime.timedelta(days=10)

        def earlier(m):
            m.set("DTSTART", "DTSTART;VALUE=DATE:" + fmt_date(moved - datetime.timedelta(WINDOW)))
            m.set("DUE", "DUE;VALUE=DATE:" + fmt_date(moved))
            m.set("LAST-MODIFIED", "LAST-MODIFIED:20260210T090000Z")
        self.t.edit_master(uid, earlier)
        r = self.sync(today="2026-02-10")
        self.assertRegex(r.out, r"reschedule +Anna Berg +moved earlier to %s" % moved)
        self.assert_summary(r, touches=0, created=0)
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, moved)
        self.assertEqual(self.show(today="2026-02-10")["due"], moved.isoformat())
        self.assertEqual(self.touches(today="2026-02-10"), [])
        r = self.sync(today="2026-02-11")
        self.assert_summary(r, 0, 0, 0, 0)
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, moved)

    # ------------------------------------------------------------ 4. delete

    def test_4_deleted_in_the_app_pauses_the_contact(self):
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        self.t.delete(uid)
        r = self.sync()
        self.assertRegex(r.out, r"pause +Anna Berg +the reminder was deleted")
        self.assertIn("1 paused", r.out)
        self.assertIn("kith edit CONTACT --resume", r.out)
        self.assert_summary(r, 0, 0, 0)
        self.assertTrue(self.show()["paused"])
        self.assertRegex(self.ok("show", "anna").out, r"Status: +paused")
        rep = self.report()
        self.assertEqual(rep["Anna Berg"]["state"], "paused")
        self.assertRegex(self.ok("report", "--all").out, r"Anna Berg.*paused")
        self.assertEqual(self.touches(), [])
        # not recreated; the sync still says so
        for _ in range(2):
            r = self.sync()
            self.assert_summary(r, 0, 0, 0, 0)
            self.assertIn("1 paused", r.out)
            self.assertNotIn(uid, self.t.masters())
        self.assert_one_reminder_each(NAMES[1:])
        # resumed: back on the next sync
        self.ok("edit", "anna", "--resume")
        self.assertFalse(self.show()["paused"])
        r = self.sync()
        self.assert_summary(r, 0, created=1, rewritten=0, removed=0)
        self.assertNotIn("paused", r.out)
        self.assertIn(uid, self.t.masters())
        self.assert_one_reminder_each()
        r = self.sync()
        self.assert_summary(r, 0, 0, 0, 0)

    def test_4_all_reminders_gone_needs_force(self):
        # RELIABILITY rule 9, `kith sync --help`: a target that suddenly
        # lacks all of kith's reminders stops the sync; nothing is paused
        # without --force.
        self.first_sync()
        if self.t.single:
            self.t._write(self.t.path, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//y//EN\r\n"
                                       "END:VCALENDAR\r\n")
        else:
            for p in self.t.files().values():
                os.unlink(p)
        before, store = self.t.snapshot(), self.export()
        r = self.sync_raw()
        self.assertEqual(r.rc, 1, r)
        self.assertIn("--force", r.err)
        self.assertEqual(self.t.snapshot(), before)
        self.assertEqual(self.export(), store)
        self.assertFalse(self.show()["paused"])
        r = self.sync("--force")
        self.assertIn("4 paused", r.out)
        self.assertTrue(self.show()["paused"])

    def test_4_renamed_resource_is_not_a_deletion(self):
        # DAVx5 and vdirsyncer may store an item under another name: the
        # UID, not the file name, is the identity.
        if self.t.single:
            self.skipTest("a single file has no resource names")
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        _, name = self.t.resources()[uid]
        os.rename(os.path.join(self.t.path, name),
                  os.path.join(self.t.path, "3f0c9b1e-5d2a-4c77-9a41-0b6e2f8d9c15.ics"))
        r = self.sync()
        self.assertNotIn("paused", r.out)
        self.assert_summary(r, 0, 0, 0, 0)
        self.assertFalse(self.show()["paused"])
        self.assert_one_reminder_each()
        # and a completion there is read and written back under that name
        cals, _ = phone_complete(self.t, uid, "tasks-org")
        self.t.replace(uid, cals)
        r = self.sync()
        self.assert_summary(r, touches=1, created=0, rewritten=1, removed=0)
        self.assertEqual(self.t.resources()[uid][1], "3f0c9b1e-5d2a-4c77-9a41-0b6e2f8d9c15.ics")
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, datetime.date(2026, 5, 20))
        self.assert_one_reminder_each()

    def test_4_second_resource_with_our_uid_is_reported(self):
        # Rules 5 and 23: two resources with one reminder's UID (an app that
        # duplicated it) is reported on every sync, never "fixed": kith keeps
        # syncing its own, leaves the other alone, pauses nobody.
        if self.t.single:
            self.skipTest("a single file has no resource names")
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        _, name = self.t.resources()[uid]
        dup = os.path.join(self.t.path, "0d9e7c2a-duplicate.ics")
        shutil.copyfile(os.path.join(self.t.path, name), dup)
        with open(dup, "rb") as f:
            dup_bytes = f.read()
        self.ok("touch", "Bob Smith", "--on", "2026-02-20")
        for _ in range(2):
            r = self.sync()
            self.assertRegex(r.out, r"skip +Anna Berg +a second resource carries the UID", r)
            self.assertNotIn("paused", r.out)
            self.assertFalse(self.show()["paused"])
            with open(dup, "rb") as f:
                self.assertEqual(f.read(), dup_bytes)
        os.remove(dup)
        r = self.sync()
        self.assertNotIn("second resource", r.out)
        self.assert_one_reminder_each()
        # Bob's touch went out while the duplicate was there.
        self.assertEqual(self.master("Bob Smith")["DUE"].dt, add_months(DONE, 2))

    # ------------------------------------------------------------ 5. kith -> calendar

    def test_5_touch_edit_and_archive_flow_out(self):
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        # The user's own additions on another client: an alarm, a property.
        alarm = Comp("VALARM")
        alarm.items = ["ACTION:DISPLAY", "DESCRIPTION:Anna!", "TRIGGER:-PT15M"]

        def personalise(m):
            m.add("X-USER-NOTE:bring the book")
            m.add("PRIORITY:1")
            m.items.append(alarm)
        self.t.edit_master(uid, personalise)
        r = self.sync(today="2026-01-15")
        self.assert_summary(r, 0, 0, 0, 0)

        self.ok("touch", "anna", "--on", "2026-01-10", "--via", "phone", "--note", "lunch",
                today="2026-01-15")
        r = self.sync(today="2026-01-15")
        self.assert_summary(r, 0, 0, rewritten=1, removed=0)
        m = self.master("Anna Berg")
        self.assertEqual(m["DUE"].dt, datetime.date(2026, 4, 10))
        self.assertEqual(m["DTSTART"].dt, datetime.date(2026, 4, 3))
        self.assertIn("2026-01-10", str(m["DESCRIPTION"]))
        self.assertEqual(str(m["X-USER-NOTE"]), "bring the book")
        self.assertEqual(str(m["PRIORITY"]), "1")
        self.assertEqual(len(m.walk("VALARM")), 1)
        self.assertEqual(str(m.walk("VALARM")[0]["DESCRIPTION"]), "Anna!")
        self.assertEqual(len(self.touches(today="2026-01-15")), 1)  # not counted twice

        self.ok("edit", "anna", "--email", "anna@new.org", "--remove-email", "anna@x.org",
                "--tier", "core", today="2026-01-15")
        r = self.sync(today="2026-01-15")
        self.assert_summary(r, 0, 0, rewritten=1, removed=0)
        m = self.master("Anna Berg")
        self.assertEqual(m["DUE"].dt, datetime.date(2026, 3, 10))
        self.assertEqual(m["RRULE"]["INTERVAL"], [2])
        self.assertEqual([str(x) for x in m["CATEGORIES"].cats], ["core"])
        self.assertIn("anna@new.org", str(m["DESCRIPTION"]))
        self.assertNotIn("anna@x.org", str(m["DESCRIPTION"]))
        self.assertEqual(str(m["URL"]), "mailto:anna@new.org")
        self.assertEqual(str(m["X-USER-NOTE"]), "bring the book")
        self.assertEqual(len(m.walk("VALARM")), 1)
        self.assert_one_reminder_each()

        others = {n: self.t.resource_text(self.uid_of(n)) for n in NAMES[1:]}
        self.ok("archive", "anna", today="2026-01-15")
        r = self.sync(today="2026-01-15")
        self.assert_summary(r, 0, 0, 0, removed=1)
        self.assertRegex(r.out, r"delete +Anna Berg")
        self.assertNotIn(uid, self.t.masters())
        self.assert_one_reminder_each(NAMES[1:])
        for n, text in others.items():
            self.assertEqual(self.t.resource_text(self.uid_of(n)), text, n)
        # history kept, nothing recreated
        self.assertEqual(len(self.touches(today="2026-01-15")), 1)
        r = self.sync(today="2026-01-16")
        self.assert_summary(r, 0, 0, 0, 0)
        self.assertNotIn(uid, self.t.masters())

    def test_5_archived_and_brought_back(self):
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        self.ok("archive", "anna", today="2026-01-10")
        r = self.sync(today="2026-01-10")
        self.assert_summary(r, 0, 0, 0, removed=1)
        self.assertNotIn(uid, self.t.masters())
        self.ok("edit", "anna", "--resume", today="2026-01-20")
        r = self.sync(today="2026-01-20")
        self.assert_summary(r, 0, created=1, rewritten=0, removed=0)
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, DUE0["Anna Berg"])
        self.assert_one_reminder_each()
        # and it works as before: a completion comes back
        cals, _ = phone_complete(self.t, uid, "thunderbird")
        self.t.replace(uid, cals)
        r = self.sync()
        self.assert_summary(r, touches=1, created=0, rewritten=1)
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, datetime.date(2026, 5, 20))


    def test_5_new_contact_and_tier_change_flow_out(self):
        self.first_sync()
        self.ok("add", "Fay Wu", "--tier", "core", "--email", "fay@w.org", today="2026-01-05")
        self.ok("tier", "set", "outer", "4m", today="2026-01-05")
        r = self.sync(today="2026-01-05")
        self.assert_summary(r, 0, created=1, rewritten=1, removed=0)
        self.assertEqual(self.master("Fay Wu")["DUE"].dt, datetime.date(2026, 3, 5))
        m = self.master("Carol Jones")
        self.assertEqual(m["DUE"].dt, datetime.date(2026, 2, 1))
        self.assertEqual(m["RRULE"]["INTERVAL"], [4])
        self.assert_one_reminder_each(NAMES + ["Fay Wu"])

    def test_5_archive_with_a_pending_completion(self):
        # Ticked off on the phone on Feb 20, archived in kith on Feb 21
        # before any sync: the lunch happened and belongs in the history.
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        cals, _ = phone_complete(self.t, uid, "nextcloud-tasks-0.17")
        self.t.replace(uid, cals)
        self.ok("archive", "anna")
        self.sync()
        ts = self.touches()
        self.assertEqual(len(ts), 1, ts)
        self.assertEqual(ts[0]["on"], DONE.isoformat())
        self.assertEqual(ts[0]["source"], "calendar")
        self.assertEqual(self.open_reminders("Anna Berg"), [])
        self.assert_one_reminder_each(NAMES[1:])

    def test_5_items_that_are_not_kiths_are_left_alone(self):
        own = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mozilla.org/NONSGML Mozilla "
               "Calendar V1.1//EN\r\nBEGIN:VTODO\r\nUID:own-task-1\r\nDTSTAMP:20251101T000000Z"
               "\r\nSUMMARY:Buy milk\r\nDUE;VALUE=DATE:20260301\r\nSTATUS:NEEDS-ACTION\r\n"
               "END:VTODO\r\nEND:VCALENDAR\r\n")
        if self.t.single:
            self.t._write(self.t.path, own)
        else:
            os.makedirs(self.t.path)
            self.t._write(os.path.join(self.t.path, "own-task-1.ics"), own)
        before = self.t.resource_text("own-task-1")
        self.first_sync()
        self.ok("touch", "anna", "--on", "2026-02-01")
        self.ok("archive", "bob")
        r = self.sync()
        self.assert_summary(r, 0, 0, rewritten=1, removed=1)
        self.assertEqual(self.t.resource_text("own-task-1"), before)
        self.assert_one_reminder_each(["Anna Berg", "Carol Jones", "Dan Ek"])
        self.assertIn("own-task-1", self.t.masters())

    def test_5_a_rewritten_file_keeps_its_mode_and_owner(self):
        # A calendar file shared with a calendar app (0644, or another
        # user's) must stay readable to it after kith replaces it; a file
        # kith creates holds contacts' addresses and is the user's only.
        self.first_sync()
        files = self.t.files()
        for p in files.values():
            self.assertEqual(os.stat(p).st_mode & 0o7777, 0o600, p)
        owner = (4242, 4343) if os.geteuid() == 0 else (os.geteuid(), os.getegid())
        for p in files.values():
            os.chmod(p, 0o644)
            os.chown(p, *owner)
        name = "" if self.t.single else self.t.resources()[self.uid_of("Anna Berg")][1]
        before = os.stat(files[name]).st_ino
        self.ok("touch", "anna", "--on", "2026-02-01")
        r = self.sync()
        self.assert_summary(r, 0, 0, rewritten=1, removed=0)
        st = os.stat(self.t.files()[name])
        self.assertNotEqual(st.st_ino, before, "the file was not replaced")
        self.assertEqual(oct(st.st_mode & 0o7777), oct(0o644))
        self.assertEqual((st.st_uid, st.st_gid), owner)

    # ------------------------------------------------------------ 6. dry run

    def test_6_dry_run_creates_nothing(self):
        store = self.export()
        r = self.sync("--dry-run", today=T0)
        for n in NAMES:
            self.assertRegex(r.out, r"create +%s +would create, due %s" % (n, DUE0[n]))
        self.assertIn("Dry run against", r.out)
        self.assertEqual(self.t.files(), {})
        if self.t.single:
            self.assertFalse(os.path.exists(self.t.path))
        self.assertEqual(self.export(), store)
        self.first_sync()

    def test_6_dry_run_rewrite_changes_nothing(self):
        self.first_sync()
        self.ok("touch", "bob", "--on", "2026-02-01")
        self.ok("edit", "dan", "--tier", "outer")
        before, store = self.t.snapshot(), self.export()
        r = self.sync("--dry-run")
        self.assertRegex(r.out, r"update +Bob Smith +would rewrite, due 2026-04-01")
        self.assertRegex(r.out, r"update +Dan Ek +would rewrite, due 2026-06-01")
        self.assert_summary(r, 0, 0, rewritten=2, removed=0)
        self.assertEqual(self.t.snapshot(), before)
        self.assertEqual(self.export(), store)
        # dry run twice: same plan
        self.assertEqual(self.sync("--dry-run").out, r.out)
        r = self.sync()
        self.assert_summary(r, 0, 0, rewritten=2, removed=0)

    def test_6_dry_run_does_not_create_the_target(self):
        r = self.sync("--dry-run", today=T0)
        self.assertIn("Dry run against", r.out)
        self.assertFalse(os.path.exists(self.t.path), os.listdir(self.dir))

    # ------------------------------------------------------------ 7. crash safety

    def crash(self, fault, today=T1):
        r = self.sync_raw(today=today, env={"KITH_TEST_FAULT": fault})
        self.assertEqual(r.rc, -signal.SIGKILL, "%s: %r" % (fault, r))
        self.assertEqual(self.integrity(), "ok")
        return r

    def check_after_crash(self, fault):
        self.assertEqual(self.integrity(), "ok")
        ts = self.touches()
        self.assertEqual(len(ts), 1, (fault, ts))
        self.assertEqual(ts[0]["on"], DONE.isoformat())
        self.assertEqual(len(self.touches("bob")), 1, fault)
        self.assert_one_reminder_each()
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, datetime.date(2026, 5, 20), fault)
        self.assertNotIn("COMPLETED", self.master("Anna Berg"))
        self.assertFalse([t for _, t in self.t.todos() if "RECURRENCE-ID" in t], fault)
        self.assertEqual(self.master("Bob Smith")["DUE"].dt, datetime.date(2026, 4, 1), fault)
        for n in ("Carol Jones", "Dan Ek"):
            self.assertEqual(self.master(n)["DUE"].dt, DUE0[n], fault)
        rep = self.report()
        self.assertEqual(rep["Anna Berg"]["due"], "2026-05-20")
        # and it stays that way
        before = self.t.snapshot()
        r = self.sync()
        self.assert_summary(r, 0, 0, 0, 0)
        self.assertEqual(self.t.snapshot(), before)
        self.assertEqual(len(self.touches()), 1)

    def crash_during_completion_setup(self):
        # Two writes pending: Anna ticked off in Thunderbird, Bob touched in kith.
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        cals, _ = phone_complete(self.t, uid, "thunderbird")
        self.t.replace(uid, cals)
        self.ok("touch", "bob", "--on", "2026-02-01")

    def crash_during_completion(self, fault):
        self.crash_during_completion_setup()
        self.crash(fault)
        self.sync()
        self.check_after_crash(fault)

    def test_7_crash_at_plan(self):
        self.crash_during_completion("plan")

    def test_7_crash_after_first_write(self):
        self.crash_during_completion("write")

    def test_7_crash_after_second_write(self):
        self.crash_during_completion("write:2")

    def test_7_crash_after_flush(self):
        self.crash_during_completion("flush")

    def test_7_crash_after_confirm(self):
        self.crash_during_completion("confirm")

    def phone_after_crash(self, fault, client):
        # kith wrote the rewritten reminder, then died before it recorded
        # that; the phone completes the new occurrence before the next run.
        self.crash_during_completion_setup()
        self.crash(fault)
        uid = self.uid_of("Anna Berg")
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, datetime.date(2026, 5, 20),
                         "the write did not reach the target before the crash")
        cals, _ = phone_complete(self.t, uid, client)
        stamp(cals, "20260518T100000Z")
        self.t.replace(uid, cals)
        r = self.sync(today="2026-05-19")
        self.assertNotIn("snooze", r.out)
        ts = self.touches(today="2026-05-19")
        self.assertEqual([t["on"] for t in ts], ["2026-05-18", "2026-02-20"], r)
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, datetime.date(2026, 8, 18), r)
        self.assertIsNone(self.show(today="2026-05-19")["snoozed_until"])
        self.assert_one_reminder_each()

    def test_7_phone_after_crash_at_confirm_tasks_org(self):
        self.phone_after_crash("confirm", "tasks-org")

    def test_7_phone_after_crash_at_confirm_thunderbird(self):
        self.phone_after_crash("confirm", "thunderbird")

    def test_7_phone_after_crash_after_flush_tasks_org(self):
        self.phone_after_crash("flush", "tasks-org")

    def test_7_phone_after_crash_after_flush_thunderbird(self):
        self.phone_after_crash("flush", "thunderbird")

    def test_7_phone_after_crash_after_flush_apple_reminders(self):
        self.phone_after_crash("flush", "apple-reminders")

    def test_7_phone_after_crash_after_first_write_tasks_org(self):
        if self.t.single:
            self.skipTest("the single file is written at the flush")
        self.phone_after_crash("write", "tasks-org")


    def test_7_crash_twice_in_a_row(self):
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        cals, _ = phone_complete(self.t, uid, "thunderbird")
        self.t.replace(uid, cals)
        self.ok("touch", "bob", "--on", "2026-02-01")
        self.crash("write:2")
        self.crash("flush")
        self.sync()
        self.check_after_crash("write:2 then flush")

    def crash_first_sync(self, fault):
        self.crash(fault, today=T0)
        r = self.sync(today=T0)
        self.assertEqual(self.integrity(), "ok")
        self.assert_one_reminder_each()
        for n in NAMES:
            self.assertEqual(self.master(n)["DUE"].dt, DUE0[n], fault)
        before = self.t.snapshot()
        r = self.sync(today=T0)
        self.assert_summary(r, 0, 0, 0, 0)
        self.assertEqual(self.t.snapshot(), before)
        return r

    def test_7_crash_first_sync_at_plan(self):
        self.crash_first_sync("plan")

    def test_7_crash_first_sync_after_first_write(self):
        self.crash_first_sync("write")

    def test_7_crash_first_sync_after_second_write(self):
        self.crash_first_sync("write:2")

    def test_7_crash_first_sync_after_flush(self):
        self.crash_first_sync("flush")

    def test_7_crash_first_sync_after_confirm(self):
        self.crash_first_sync("confirm")

    # ------------------------------------------------------------ 8. concurrency

    def test_8_two_syncs_at_once(self):
        for round_ in range(3):
            if round_ == 0:
                today = T0      # both create
            else:
                today = T1
                if round_ == 1:
                    uid = self.uid_of("Anna Berg")
                    cals, _ = phone_complete(self.t, uid, "tasks-org")
                    self.t.replace(uid, cals)
            procs = [subprocess.Popen(kith_cmd(self.db, ["sync"] + self.t.args, today),
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      env=clean_env(self.dir), cwd=self.dir)
                     for _ in range(2)]
            outs = [p.communicate(timeout=60) for p in procs]
            for p, (out, err) in zip(procs, outs):
                self.assertEqual(p.returncode, 0, (round_, out, err))
            created = sum(int(re.search(rb"(\d+) created", o).group(1)) for o, _ in outs)
            touched = sum(int(re.search(rb"(\d+) touch", o).group(1)) for o, _ in outs)
            self.assertEqual(created, 4 if round_ == 0 else 0, outs)
            self.assertEqual(touched, 1 if round_ == 1 else 0, outs)
            self.assertEqual(self.integrity(), "ok")
            self.assert_one_reminder_each()
        self.assertEqual(len(self.touches()), 1)
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, datetime.date(2026, 5, 20))

    def test_8_touch_while_syncing(self):
        # A `kith touch` during a sync waits for the store or fails cleanly;
        # it is never lost half-way, and the next sync carries it out.
        self.first_sync()
        sync = subprocess.Popen(kith_cmd(self.db, ["sync"] + self.t.args, T1),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=clean_env(self.dir), cwd=self.dir)
        touch = self.kith("touch", "anna", "--on", "2026-02-10")
        out, err = sync.communicate(timeout=60)
        self.assertEqual(sync.returncode, 0, (out, err))
        self.assertIn(touch.rc, (0, 1), touch)
        if touch.rc:
            self.assertIn("another kith", touch.err)
            self.ok("touch", "anna", "--on", "2026-02-10")
        self.sync()
        self.assertEqual([t["on"] for t in self.touches()], ["2026-02-10"])
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, datetime.date(2026, 5, 10))
        self.assertEqual(self.integrity(), "ok")


    # ------------------------------------------------------------ 10. nothing to do
    #
    # A sync that finds the store and the target as the last complete sync
    # left them plans nothing (lib/sync/quiet.c, try_quiet).  Each test makes one
    # change after such a sync and checks that it still flows out.

    def settled(self):
        self.first_sync()
        before = self.t.snapshot()
        r = self.sync(today=T0)
        self.assert_summary(r, 0, 0, 0, 0)
        self.assertIn("4 unchanged", r.out)
        self.assertEqual(self.t.snapshot(), before)
        # a dry run on the quiet path plans nothing either
        r = self.sync("--dry-run", today=T0)
        self.assert_summary(r, 0, 0, 0, 0)
        self.assertIn("Dry run against", r.out)
        self.assertIn("4 unchanged", r.out)
        self.assertEqual(self.t.snapshot(), before)

    def test_10_tier_cadence_after_a_quiet_sync(self):
        self.settled()
        self.ok("tier", "set", "outer", "4m", today=T0)
        r = self.sync(today=T0)
        self.assert_summary(r, 0, 0, rewritten=1, removed=0)
        self.assertEqual(self.master("Carol Jones")["RRULE"]["INTERVAL"], [4])

    def test_10_snooze_after_a_quiet_sync(self):
        self.settled()
        self.ok("snooze", "bob", "--until", "2026-03-15", today=T0)
        r = self.sync(today=T0)
        self.assert_summary(r, 0, 0, rewritten=1, removed=0)
        self.assertEqual(self.master("Bob Smith")["DUE"].dt, datetime.date(2026, 3, 15))

    def test_10_edit_and_touch_after_a_quiet_sync(self):
        self.settled()
        self.ok("edit", "dan", "--every", "6m", today=T0)
        r = self.sync(today=T0)
        self.assert_summary(r, 0, 0, rewritten=1, removed=0)
        self.assertEqual(self.master("Dan Ek")["RRULE"]["INTERVAL"], [6])
        self.sync(today=T0)
        self.ok("touch", "dan", "--on", "2025-12-01", "--via", "lunch", today=T0)
        r = self.sync(today=T0)
        self.assert_summary(r, 0, 0, rewritten=1, removed=0)
        self.assertIn("lunch", str(self.master("Dan Ek")["DESCRIPTION"]))

    def test_10_options_after_a_quiet_sync(self):
        self.settled()
        conf = os.path.join(self.dir, ".config", "kith")
        os.makedirs(conf, exist_ok=True)
        with open(os.path.join(conf, "config"), "a") as f:
            f.write("\n[reminders]\nwindow = 14\n")
        r = self.sync(today=T0)
        self.assert_summary(r, 0, 0, rewritten=4, removed=0)
        m = self.master("Anna Berg")
        self.assertEqual(m["DUE"].dt - m["DTSTART"].dt, datetime.timedelta(days=14))

    def test_10_phone_after_a_quiet_sync(self):
        self.settled()
        uid = self.uid_of("Anna Berg")
        cals, _ = phone_complete(self.t, uid, "tasks-org")
        self.t.replace(uid, cals)
        r = self.sync()
        self.assert_summary(r, touches=1, created=0, rewritten=1, removed=0)
        r = self.sync()
        self.assert_summary(r, 0, 0, 0, 0)

    def test_10_change_while_a_sync_writes_is_not_lost(self):
        # Anna is touched after the sync planned (and before it confirmed its
        # writes): that sync must not record "all planned", or the next one
        # would find nothing to do and Anna's reminder would never move.
        self.settled()
        self.ok("touch", "bob", "--on", "2025-12-01", today=T0)
        flag = os.path.join(self.dir, "pause")
        env = {"KITH_TEST_PAUSE": "plan:" + flag}
        sync = subprocess.Popen(kith_cmd(self.db, ["sync"] + self.t.args, T0),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=clean_env(self.dir, env), cwd=self.dir)
        for _ in range(600):
            if os.path.exists(flag + ".ready") or sync.poll() is not None:
                break
            time.sleep(0.05)
        self.assertTrue(os.path.exists(flag + ".ready"), "the sync never paused")
        self.ok("touch", "anna", "--on", "2025-12-01", "--via", "coffee", today=T0)
        os.unlink(flag + ".ready")
        out, err = sync.communicate(timeout=60)
        self.assertEqual(sync.returncode, 0, (out, err))
        r = self.sync(today=T0)
        self.assert_summary(r, 0, 0, rewritten=1, removed=0)
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, datetime.date(2026, 3, 1))
        self.assertIn("coffee", str(self.master("Anna Berg")["DESCRIPTION"]))
        r = self.sync(today=T0)
        self.assert_summary(r, 0, 0, 0, 0)

    # ------------------------------------------------------------ 11. edits on the phone
    #
    # kith owns SUMMARY and DESCRIPTION, but what a person typed into them on
    # another device is theirs: kept in the store (the touch's note when the
    # reminder was completed, else the contact's notes), said in the sync's
    # output, and then kith's own text is written again.

    NOTE = "call about the offsite"

    def phone_note(self, uid, note=NOTE, cals=None, summary=None):
        """The phone appends `note` to the master's DESCRIPTION (as a new
        paragraph, the way a notes field is typed into), optionally renames
        it; cals: an app's completion to edit instead of the live resource."""
        def edit(m):
            text = ical_unescape(m.get("DESCRIPTION") or "")
            if note:
                m.set("DESCRIPTION", ical_fold("DESCRIPTION:" + ical_escape(
                    text + "\n\n" + note)))
            if summary:
                m.set("SUMMARY", ical_fold("SUMMARY:" + ical_escape(summary)))
            m.set("LAST-MODIFIED", "LAST-MODIFIED:20260220T173000Z")
        if cals is None:
            self.t.edit_master(uid, edit)
            return
        edit(next(t for t in cals[0].comps("VTODO") if t.uid == uid and not t.is_override))
        self.t.replace(uid, cals)

    def note_and_completion(self, client):
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        cals, _ = phone_complete(self.t, uid, client)
        self.phone_note(uid, cals=cals)
        r = self.sync()
        self.assert_summary(r, touches=1, created=0, rewritten=1, removed=0)
        self.assertRegex(r.out, r"touch +Anna Berg +completed on %s.*; kept the note "
                         r"'%s' as the touch's note" % (DONE, self.NOTE))
        ts = self.touches()
        self.assertEqual([(t["on"], t["note"]) for t in ts], [(DONE.isoformat(), self.NOTE)])
        self.assertIsNone(self.show()["notes"])
        hist = self.ok("show", "anna").out.split("History")[1]
        self.assertRegex(hist, r"%s .* calendar +%s" % (DONE, self.NOTE))
        # kith's description again, which now names the touch's note
        m = self.master("Anna Berg")
        self.assertEqual(str(m["SUMMARY"]), "Keep in touch: Anna Berg")
        desc = str(m["DESCRIPTION"])
        self.assertTrue(desc.startswith("Last touch: %s: %s\n" % (DONE, self.NOTE)), desc)
        self.assertEqual(desc.count(self.NOTE), 2, desc)  # the line, the opener
        r = self.sync()
        self.assert_summary(r, 0, 0, 0, 0)
        self.assertNotIn("kept", r.out)
        self.assertEqual(len(self.touches()), 1)

    def test_11_note_added_and_completed_is_the_touch_note(self):
        self.note_and_completion("nextcloud-tasks-0.17")

    def test_11_note_added_and_advanced_is_the_touch_note(self):
        self.note_and_completion("tasks-org")

    def test_11_note_added_not_completed_goes_to_the_contact(self):
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        self.phone_note(uid)
        r = self.sync()
        self.assert_summary(r, touches=0, created=0, rewritten=1, removed=0)
        self.assertRegex(r.out, r"note +Anna Berg +kept the note '%s' in the contact's "
                         r"notes" % self.NOTE)
        self.assertEqual(self.show()["notes"], "%s: %s" % (T1, self.NOTE))
        self.assertEqual(self.touches(), [])
        self.assertRegex(self.ok("show", "anna").out, r"Notes: +%s: %s" % (T1, self.NOTE))
        # kith's text is back, and the note is not taken twice
        m = self.master("Anna Berg")
        self.assertNotIn(self.NOTE, str(m["DESCRIPTION"]))
        self.assertEqual(m["DUE"].dt, DUE0["Anna Berg"])
        for today in (T1, "2026-02-22"):
            r = self.sync(today=today)
            self.assert_summary(r, 0, 0, 0, 0)
            self.assertNotIn("note", r.out)
        self.assertEqual(self.show()["notes"], "%s: %s" % (T1, self.NOTE))
        # a second note is added below the first, with its own date
        self.phone_note(uid, "she moved to Berlin")
        r = self.sync(today="2026-02-23")
        self.assertEqual(self.show()["notes"], "%s: %s\n2026-02-23: she moved to Berlin"
                         % (T1, self.NOTE))

    def test_11_an_app_that_reformats_the_description_adds_no_note(self):
        # Re-folded, \\N for newlines, trailing blanks and blank lines: no
        # word was added, so nothing is a note.
        self.first_sync()
        uid = self.uid_of("Anna Berg")

        def reformat(m):
            text = ical_unescape(m.get("DESCRIPTION"))
            text = "\n".join(line + "  " for line in text.split("\n")) + "\n\n"
            value = ical_escape(text).replace("\\n", "\\N")
            m.set("DESCRIPTION", ical_fold("DESCRIPTION:" + value, 40))
            m.set("LAST-MODIFIED", "LAST-MODIFIED:20260220T173000Z")
        self.t.edit_master(uid, reformat)
        r = self.sync()
        self.assertNotIn("note", r.out)
        self.assertIsNone(self.show()["notes"])
        r = self.sync()
        self.assert_summary(r, 0, 0, 0, 0)

    def test_11_renamed_reminder_is_kept_as_a_note(self):
        # kith owns the title (the contact's name; copies without kith's
        # X- properties are recognised by it): the words the person added
        # are kept as a note, and the title is kith's again.
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        self.phone_note(uid, note=None, summary="Keep in touch: Anna Berg - ask about Berlin")
        r = self.sync()
        self.assertRegex(r.out, r"note +Anna Berg +kept the note 'ask about Berlin' in the "
                         r"contact's notes \(the reminder was renamed 'Keep in touch: Anna "
                         r"Berg - ask about Berlin'\)")
        self.assertEqual(self.show()["notes"], "%s: ask about Berlin" % T1)
        self.assertEqual(str(self.master("Anna Berg")["SUMMARY"]), "Keep in touch: Anna Berg")
        r = self.sync()
        self.assert_summary(r, 0, 0, 0, 0)
        # a title replaced outright is kept whole, with the note of the same edit
        self.phone_note(uid, summary="Lunch with Anna")
        r = self.sync()
        self.assertEqual(self.show()["notes"], "%s: ask about Berlin\n%s: Lunch with Anna; %s"
                         % (T1, T1, self.NOTE))
        self.assertEqual(str(self.master("Anna Berg")["SUMMARY"]), "Keep in touch: Anna Berg")

    def sync_paused(self, step, on_pause, *args):
        """A sync stopped at STEP (KITH_TEST_PAUSE) while on_pause() plays the
        phone; later stops at STEP pass.  Returns its Result."""
        flag = os.path.join(self.dir, "pause")
        env = clean_env(self.dir, {"KITH_TEST_PAUSE": step + ":" + flag})
        proc = subprocess.Popen(kith_cmd(self.db, ["sync"] + self.t.args + list(args), T1),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                cwd=self.dir)
        deadline = time.monotonic() + 60
        while not os.path.exists(flag + ".ready"):
            self.assertIsNone(proc.poll(), "the sync did not stop at " + step)
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.02)
        on_pause()
        os.unlink(flag + ".ready")
        stop = threading.Event()

        def release():  # the attempts after the conflict stop there too
            while not stop.is_set():
                if os.path.exists(flag + ".ready"):
                    os.unlink(flag + ".ready")
                time.sleep(0.02)
        th = threading.Thread(target=release)
        th.start()
        try:
            out, err = proc.communicate(timeout=60)
        finally:
            stop.set()
            th.join()
        return Result(subprocess.CompletedProcess(proc.args, proc.returncode, out, err))

    KEPT = (r"skip +Anna Berg +archived, but its reminder was changed in a calendar app "
            r"since; left in place; 'kith sync --force' removes it")

    def test_11_archive_racing_an_edit_keeps_the_reminder(self):
        # kith plans the DELETE of an archived contact's reminder; before it
        # is sent the phone adds a note.  The DELETE loses the race; read
        # again, the reminder is an edit that is neither kith's nor a
        # completion: it stays, and the sync says why.
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        self.ok("archive", "anna")
        r = self.sync_paused("plan", lambda: self.phone_note(uid))
        self.assertEqual(r.rc, 0, r)
        self.assertIn("read again (1 time)", r.out)
        self.assertRegex(r.out, self.KEPT)
        self.assertNotRegex(r.out, r"delete +Anna Berg")
        self.assert_summary(r, 0, 0, 0, removed=0)
        self.assertIn(self.NOTE, str(self.master("Anna Berg")["DESCRIPTION"]))
        self.assertEqual(self.show()["notes"], "%s: %s" % (T1, self.NOTE))
        # it stays on the next syncs, and the note is not kept twice
        r = self.sync()
        self.assert_summary(r, 0, 0, 0, removed=0)
        self.assertIn(uid, self.t.masters())
        # --force removes it
        r = self.sync("--force")
        self.assertRegex(r.out, r"delete +Anna Berg")
        self.assert_summary(r, 0, 0, 0, removed=1)
        self.assertNotIn(uid, self.t.masters())
        self.assert_one_reminder_each(NAMES[1:])
        self.assertEqual(self.show()["notes"], "%s: %s" % (T1, self.NOTE))
        r = self.sync()
        self.assert_summary(r, 0, 0, 0, 0)

    def test_11_archive_after_an_edit_keeps_the_reminder(self):
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        moved = DUE0["Anna Berg"] + datetime.timedelta(days=10)

        def snooze(m):
            m.set("DUE", "DUE;VALUE=DATE:" + fmt_date(moved))
        self.t.edit_master(uid, snooze)
        self.ok("archive", "anna")
        r = self.sync()
        self.assertRegex(r.out, self.KEPT)
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, moved)
        self.assert_summary(r, 0, 0, 0, removed=0)

    def test_11_archive_racing_a_completion_removes_the_reminder(self):
        # A completion is logged first; it is no reason to keep the reminder.
        self.first_sync()
        uid = self.uid_of("Anna Berg")
        self.ok("archive", "anna")

        def tick():
            cals, _ = phone_complete(self.t, uid, "nextcloud-tasks-0.17")
            self.t.replace(uid, cals)
        r = self.sync_paused("plan", tick)
        self.assertEqual(r.rc, 0, r)
        self.assertIn("read again (1 time)", r.out)
        self.assertRegex(r.out, r"touch +Anna Berg +completed on %s" % DONE)
        self.assertRegex(r.out, r"delete +Anna Berg")
        self.assertNotIn(uid, self.t.masters())
        self.assertEqual(len(self.touches()), 1)

    # ------------------------------------------------------------ 9. bad input

    def test_9_a_relative_target_is_resolved_against_cwd(self):
        if self.KIND == "embedded":
            # --db relative: the default target is next to it, in cwd
            sub = os.path.join(self.dir, "sub")
            os.mkdir(sub)
            shutil.move(self.db, os.path.join(sub, "kith.db"))
            r = subprocess.run([KITH, "--db", "kith.db", "--today", T0, "sync"],
                               capture_output=True, env=clean_env(self.dir), cwd=sub,
                               check=False)
            self.assertEqual(r.returncode, 0, r)
            self.assertTrue(os.path.exists(os.path.join(sub, "reminders.ics")))
            self.assertIn(os.path.join(sub, "reminders.ics").encode(), r.stdout)
            return
        rel = "cal.ics" if self.KIND == "file" else "vdir/"
        r = self.ok("sync", "--target", rel, today=T0, cwd=self.dir)
        self.assertIn("Synced with " + os.path.join(self.dir, rel), r.out)
        self.assert_one_reminder_each()
        # the same target as the absolute path: nothing new
        r = self.sync(today=T0)
        self.assert_summary(r, 0, 0, 0, 0)
        self.assert_one_reminder_each()

    def test_9_the_same_target_spelled_another_way(self):
        self.first_sync()
        before = self.t.snapshot()
        if self.KIND == "vdir":
            other = ["--target", self.t.path]               # no trailing slash
        else:
            other = ["--target", "file://" + self.t.path]
        r = self.ok("sync", *other, today=T0)
        self.assert_summary(r, 0, 0, 0, 0)
        self.assertEqual(self.t.snapshot(), before)
        self.assert_one_reminder_each()

    def other_spelling(self):
        """The same target, written differently (as KITH_URL or a config might)."""
        if self.KIND == "vdir":
            return ["--target", self.t.path]                # no trailing slash
        return ["--target", os.path.join(self.dir, ".", os.path.basename(self.t.path))]

    def test_9_alternating_spellings_of_the_same_target(self):
        # Synced as one spelling, then the other: kith's own rewrite is not an
        # app's move, and a completion is read whichever spelling comes next.
        self.first_sync()
        r = self.ok("sync", *self.other_spelling(), today=T0)
        self.assert_summary(r, 0, 0, 0, 0)
        uid = self.uid_of("Anna Berg")
        cals, _ = phone_complete(self.t, uid, "thunderbird")
        self.t.replace(uid, cals)
        r = self.sync()
        self.assert_summary(r, touches=1, created=0, rewritten=1)
        # tasks.org completes the new occurrence on 2026-05-18
        cals, _ = phone_complete(self.t, uid, "tasks-org")
        stamp(cals, "20260518T100000Z")
        self.t.replace(uid, cals)
        r = self.ok("sync", *self.other_spelling(), today="2026-05-19")
        self.assertNotIn("snooze", r.out)
        self.assertEqual([t["on"] for t in self.touches(today="2026-05-19")],
                         ["2026-05-18", "2026-02-20"], r)
        self.assertEqual(self.master("Anna Berg")["DUE"].dt, datetime.date(2026, 8, 18))
        self.assertIsNone(self.show(today="2026-05-19")["snoozed_until"])
        self.assert_one_reminder_each()

    def test_9_garbage_target(self):
        garbage = "this is not a calendar\r\nBEGIN:nothing\r\n"
        self.t.write_garbage(garbage)
        before, store = self.t.snapshot(), self.export(today=T0)
        r = self.sync_raw(today=T0)
        if self.t.single:
            self.assertEqual(r.rc, 1, r)
            self.assertRegex(r.err, r"^kith")
            self.assertIn(self.t.path, r.err)
            self.assertIn("is not a calendar kith can read", r.err)
            self.assertIn("left untouched", r.err)
            self.assertEqual(self.t.snapshot(), before)
            self.assertEqual(self.export(today=T0), store)
        else:
            # a vdir: an unreadable item is not kith's; it is left alone
            self.assertEqual(r.rc, 0, r)
            self.assert_one_reminder_each()
            self.assertEqual(self.t.snapshot()["garbage.ics"], before["garbage.ics"])

    def test_9_unknown_option(self):
        r = self.kith("sync", "--frobnicate", *self.t.args, today=T0)
        self.assertEqual(r.rc, 2, r)
        self.assertIn("unknown option '--frobnicate'", r.err)
        self.assertEqual(r.out, "")
        self.assertEqual(self.t.files(), {})
        r = self.kith("sync", "extra", today=T0)
        self.assertEqual(r.rc, 2, r)
        r = self.kith("sync", "--target", today=T0)
        self.assertEqual(r.rc, 2, r)


class TestFile(SyncBase, unittest.TestCase):
    KIND = "file"


class TestVdir(SyncBase, unittest.TestCase):
    KIND = "vdir"


class TestEmbedded(SyncBase, unittest.TestCase):
    KIND = "embedded"


class TestTargets(unittest.TestCase):
    """Targets kith cannot use."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kith-sync-")
        self.db = os.path.join(self.dir, "kith.db")
        r = subprocess.run(kith_cmd(self.db, ["init"], T0), capture_output=True,
                           env=clean_env(self.dir), check=False)
        self.assertEqual(r.returncode, 0, r)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def run_sync(self, *args):
        return Result(subprocess.run(kith_cmd(self.db, ["sync"] + list(args), T0),
                                     capture_output=True, env=clean_env(self.dir),
                                     cwd=self.dir, check=False))

    def test_target_from_environment_and_configuration(self):
        subprocess.run(kith_cmd(self.db, ["add", "Anna Berg"], T0), capture_output=True,
                       env=clean_env(self.dir), check=True)
        env_target = os.path.join(self.dir, "env.ics")
        r = Result(subprocess.run(kith_cmd(self.db, ["sync"], T0), capture_output=True,
                                  env=clean_env(self.dir, {"KITH_URL": env_target}),
                                  check=False))
        self.assertEqual(r.rc, 0, r)
        self.assertIn("Synced with " + env_target, r.out)
        self.assertTrue(os.path.exists(env_target))
        conf = os.path.join(self.dir, ".config", "kith")
        os.makedirs(conf)
        with open(os.path.join(conf, "config"), "w") as f:
            f.write("[sync]\nurl = ~/calendars/kith.ics\n")
        os.mkdir(os.path.join(self.dir, "calendars"))
        r = self.run_sync()
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(os.path.exists(os.path.join(self.dir, "calendars", "kith.ics")), r)
        # --target wins over both
        other = os.path.join(self.dir, "other.ics")
        r = Result(subprocess.run(kith_cmd(self.db, ["sync", "--target", other], T0),
                                  capture_output=True,
                                  env=clean_env(self.dir, {"KITH_URL": env_target}),
                                  check=False))
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(os.path.exists(other))

    def test_a_target_path_with_spaces_and_non_ascii(self):
        subprocess.run(kith_cmd(self.db, ["add", "Anna Berg"], T0), capture_output=True,
                       env=clean_env(self.dir), check=True)
        for target in (os.path.join(self.dir, "My Calendars", "Kontakte ü.ics"),
                       os.path.join(self.dir, "My Calendars", "vdir ü") + "/"):
            os.makedirs(os.path.join(self.dir, "My Calendars"), exist_ok=True)
            for _ in range(2):
                r = self.run_sync("--target", target)
                self.assertEqual(r.rc, 0, r)
            self.assertIn("0 created, 0 rewritten", r.out)
            t = Target("file" if target.endswith(".ics") else "vdir", self.dir)
            t.path = target.rstrip("/")
            self.assertEqual(len(t.masters()), 1)

    def test_no_store(self):
        r = Result(subprocess.run(kith_cmd(os.path.join(self.dir, "none.db"), ["sync"], T0),
                                  capture_output=True, env=clean_env(self.dir), check=False))
        self.assertEqual(r.rc, 1, r)
        self.assertIn("kith init", r.err)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "reminders.ics")))

    def test_neither_file_nor_directory(self):
        r = self.run_sync("--target", os.path.join(self.dir, "cal.txt"))
        self.assertEqual(r.rc, 2, r)
        self.assertIn("neither a .ics file nor a directory", r.err)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "cal.txt")))

    def test_missing_parent_directory(self):
        r = self.run_sync("--target", os.path.join(self.dir, "no", "such", "cal.ics"))
        self.assertEqual(r.rc, 1, r)
        self.assertTrue(r.err.startswith("kith"), r)

    def test_unreachable_caldav_server_fails_cleanly(self):
        # A closed port on this machine: refused at once, no network touched.
        def export():
            return subprocess.run(kith_cmd(self.db, ["export", "--json", "-"], T0),
                                  capture_output=True, env=clean_env(self.dir),
                                  check=True).stdout
        before = export()
        r = self.run_sync("--target", "http://127.0.0.1:1/cal/")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("127.0.0.1", r.err)
        self.assertEqual(export(), before)

    def test_second_tick_the_same_day_is_read_and_cleared(self):
        # Ticked twice on one day (the next occurrence done early too): two
        # touches, and the second override must be cleared from the calendar
        # although the due date kith computes does not change.
        tick = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                            "examples", "tick.py")
        cal = os.path.join(self.dir, "cal.ics")

        def kith(args, today):
            return subprocess.run(kith_cmd(self.db, args, today), capture_output=True,
                                  env=clean_env(self.dir), cwd=self.dir, check=True).stdout.decode()
        kith(["add", "Anna Berg", "--tier", "regular"], "2026-01-01")
        kith(["sync", "--target", cal], "2026-01-01")
        for at in ("2026-03-01T10:00:00Z", "2026-03-01T12:00:00Z"):
            subprocess.run(["/usr/bin/python3", tick, cal, "Anna", at], check=True,
                           capture_output=True)
            out = kith(["sync", "--target", cal], "2026-03-01")
            self.assertIn("1 touch logged", out)
            self.assertIn("1 rewritten", out)
            with open(cal, encoding="utf-8") as f:
                self.assertNotIn("RECURRENCE-ID", f.read())
        self.assertIn("0 rewritten", kith(["sync", "--target", cal], "2026-03-01"))

    @unittest.skipUnless(os.geteuid() == 0 and shutil.which("setpriv"),
                         "needs root to run kith as nobody")
    def test_a_group_kith_cannot_give_loses_its_permissions(self):
        # nobody may replace root:daemon 0664 (the directory is open to it)
        # but cannot give the new file the group: daemon's write access must
        # not pass to nobody's own group, the others' read access stays.
        cal = os.path.join(self.dir, "cal.ics")
        subprocess.run(kith_cmd(self.db, ["add", "Anna Berg"], T0), capture_output=True,
                       env=clean_env(self.dir), check=True)
        self.assertEqual(self.run_sync("--target", cal).rc, 0)
        subprocess.run(kith_cmd(self.db, ["touch", "anna"], T0), capture_output=True,
                       env=clean_env(self.dir), check=True)
        nobody = 65534
        os.chmod(self.dir, 0o777)
        for name in os.listdir(self.dir):
            os.chown(os.path.join(self.dir, name), nobody, -1)
        os.chown(cal, 0, 1)
        os.chmod(cal, 0o664)
        r = Result(subprocess.run(
            ["setpriv", "--reuid=%d" % nobody, "--regid=%d" % nobody, "--clear-groups"] +
            kith_cmd(self.db, ["sync", "--target", cal], T0),
            capture_output=True, env=clean_env(self.dir), cwd=self.dir, check=False))
        self.assertEqual(r.rc, 0, r)
        self.assertIn("1 rewritten", r.out)
        st = os.stat(cal)
        self.assertEqual((st.st_uid, st.st_gid), (nobody, nobody))
        self.assertEqual(oct(st.st_mode & 0o7777), oct(0o604))

    def test_a_link_to_a_calendar_not_made_yet_stays_a_link(self):
        # ~/cal.ics -> Dropbox/cal.ics before the first sync: the calendar
        # is made where the link points, as a shell's redirection would.
        os.mkdir(os.path.join(self.dir, "real"))
        link = os.path.join(self.dir, "cal.ics")
        os.symlink(os.path.join("real", "cal.ics"), link)
        subprocess.run(kith_cmd(self.db, ["add", "Anna Berg"], T0), capture_output=True,
                       env=clean_env(self.dir), check=True)
        r = self.run_sync("--target", link)
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(os.path.islink(link))
        self.assertIn("Keep in touch: Anna Berg",
                      open(os.path.join(self.dir, "real", "cal.ics"), encoding="utf-8").read())

    def test_help_names_the_password_timeout(self):
        r = self.run_sync("--help")
        self.assertEqual(r.rc, 0, r)
        self.assertRegex(r.out, r"'password_timeout'\s+seconds, default 30")
        self.assertIn("[sync] section", r.out)

    def test_unknown_url_scheme_is_bad_usage(self):
        r = self.run_sync("--target", "ftp://example.invalid/cal/")
        self.assertEqual(r.rc, 2, r)
        self.assertIn("CalDAV URL", r.err)


TODOMAN = "/usr/bin/todoman"


def real_clock_store(ok, people):
    """A store for a real client, which stamps its own times: kith's today is
    the real date (UTC), returned; `people` were added a month before, so the
    first occurrence is not the one a tick today leads to (a second tick of
    one occurrence is the same tick, logged once).  ok(*args, today=DATE)
    runs kith."""
    today = datetime.datetime.now(datetime.timezone.utc).date()
    added = today - datetime.timedelta(days=30)
    ok("init", today=added)
    for p in people:
        ok("add", *p, today=added)
    return today


class TestTodoman(unittest.TestCase):
    """The real todoman (Debian's package) ticks kith's reminders off in a vdir.

    todoman runs on the real clock (it stamps COMPLETED and LAST-MODIFIED
    itself), so kith runs on today's date too, in UTC; HOME, XDG_CONFIG_HOME,
    XDG_DATA_HOME and XDG_CACHE_HOME are in the test's directory.
    """

    @classmethod
    def setUpClass(cls):
        if not os.path.exists(TODOMAN):
            if os.environ.get("KITH_REQUIRE_SERVERS") == "1":
                raise AssertionError("todoman is not installed")
            raise unittest.SkipTest("todoman is not installed (apt-get install todoman; "
                                    "scripts/deps --test installs it)")

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kith-sync-todoman-")
        self.db = os.path.join(self.dir, "kith.db")
        self.vdir = os.path.join(self.dir, "vdir")
        os.makedirs(self.vdir)
        self.env = clean_env(self.dir, {"XDG_CACHE_HOME": os.path.join(self.dir, ".cache")})
        self.env.pop("SOURCE_DATE_EPOCH")  # kith's DTSTAMPs on the clock todoman uses
        conf = os.path.join(self.env["XDG_CONFIG_HOME"], "todoman")
        os.makedirs(conf)
        with open(os.path.join(conf, "config.py"), "w", encoding="utf-8") as f:
            f.write('path = "%s"\ndate_format = "%%Y-%%m-%%d"\ntime_format = "%%H:%%M"\n'
                    % self.vdir)
        self.today = real_clock_store(self.ok, PEOPLE)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def kith(self, *args, today=None, env=None):
        proc = subprocess.run([KITH, "--db", self.db, "--today",
                               (today or self.today).isoformat()] + list(args),
                              capture_output=True, env=dict(self.env, **(env or {})),
                              cwd=self.dir, timeout=60, check=False)
        return Result(proc)

    def ok(self, *args, today=None):
        r = self.kith(*args, today=today)
        self.assertEqual(r.rc, 0, r)
        return r

    def sync(self, *args):
        return self.ok("sync", "--target", self.vdir + "/", *args)

    def todo(self, *args):
        proc = subprocess.run([TODOMAN] + list(args), capture_output=True, env=self.env,
                              cwd=self.dir, timeout=60, check=False)
        self.assertEqual(proc.returncode, 0, Result(proc))
        return proc.stdout.decode("utf-8")

    def todo_open(self):
        """{summary: [todoman id, ...]} of the open tasks todoman lists."""
        out = {}
        for t in json.loads(self.todo("--porcelain", "list")):
            out.setdefault(t["summary"], []).append(t["id"])
        return out

    def todo_done(self, name):
        ids = self.todo_open()["Keep in touch: " + name]
        self.assertEqual(len(ids), 1, ids)
        self.todo("done", str(ids[0]))

    def assert_one_open_task_each(self):
        got = self.todo_open()
        self.assertEqual({k: len(v) for k, v in got.items()},
                         {"Keep in touch: " + n: 1 for n in NAMES}, got)

    def touches(self, who):
        return json.loads(self.ok("show", who, "--format", "json").out)["touches"]

    def vtodos(self):
        """{UID: VTODO} over the vdir, read with python3-icalendar."""
        out = {}
        for n in sorted(os.listdir(self.vdir)):
            if n.endswith(".ics"):
                with open(os.path.join(self.vdir, n), encoding="utf-8") as f:
                    for t in icalendar.Calendar.from_ical(f.read()).walk("VTODO"):
                        out[str(t["UID"])] = t
        return out

    def anna_open(self):
        got = [t for t in self.vtodos().values()
               if str(t.get("SUMMARY")) == "Keep in touch: Anna Berg" and not is_done(t)]
        self.assertEqual(len(got), 1, got)
        return got[0]

    def assert_summary(self, r, touches, rewritten):
        m = re.search(r"(\d+) touch(?:es)? logged, (\d+) created, (\d+) rewritten", r.out)
        self.assertTrue(m, r)
        self.assertEqual((int(m.group(1)), int(m.group(3))), (touches, rewritten), r)

    def test_todo_done_twice_leaves_one_open_task_each(self):
        r = self.sync()
        self.assert_one_open_task_each()
        anna = str(json.loads(self.ok("show", "anna", "--format", "json").out)["id"])
        for cycle in (1, 2):
            self.todo_done("Anna Berg")
            r = self.sync()
            self.assert_summary(r, touches=1, rewritten=1)
            # todoman shows one task per contact, and kith reads the next tick from it
            self.assert_one_open_task_each()
            self.assertIn("adopt", r.out)
            t = self.anna_open()
            self.assertEqual(str(t["X-KITH-ID"]), anna)
            self.assertFalse(str(t["UID"]).startswith("kith-"), "not the continuation")
            self.assertEqual(t["DUE"].dt, add_months(self.today, 3))
            self.assertEqual(t["RRULE"]["INTERVAL"], [3])
            self.assertEqual(len(self.touches("anna")), cycle)
            self.assertEqual({x["on"] for x in self.touches("anna")}, {self.today.isoformat()})
            # what todoman completed stays as its history: one done task per tick
            done = [x for x in self.vtodos().values()
                    if str(x.get("SUMMARY")) == "Keep in touch: Anna Berg" and is_done(x)]
            self.assertEqual(len(done), cycle)
            r = self.sync()
            self.assert_summary(r, touches=0, rewritten=0)
        self.assertEqual(len(self.touches("bob")), 0)

    def crash_after_adoption(self, fault):
        # I5: killed once the adoption is recorded (plan) or written (write,
        # flush, confirm); the next sync finishes it, once.
        self.sync()
        self.todo_done("Anna Berg")
        r = self.kith("sync", "--target", self.vdir + "/", env={"KITH_TEST_FAULT": fault})
        self.assertEqual(r.rc, -signal.SIGKILL, "%s: %r" % (fault, r))
        self.sync()
        self.assert_one_open_task_each()
        self.assertEqual(self.anna_open()["DUE"].dt, add_months(self.today, 3), fault)
        self.assertEqual(len(self.touches("anna")), 1, fault)
        r = self.sync()
        self.assert_summary(r, touches=0, rewritten=0)
        # and the adopted task is the one the next tick is read from
        self.todo_done("Anna Berg")
        r = self.sync()
        self.assert_summary(r, touches=1, rewritten=1)
        self.assert_one_open_task_each()

    def test_crash_after_adoption_is_planned(self):
        self.crash_after_adoption("plan")

    def test_crash_after_adoption_is_written(self):
        self.crash_after_adoption("write")

    def test_crash_after_adoption_is_confirmed(self):
        self.crash_after_adoption("confirm")

    def test_plain_mode(self):
        # Without RRULE todoman writes no continuation: kith reopens its own.
        self.sync("--plain")
        self.todo_done("Anna Berg")
        r = self.sync("--plain")
        self.assert_summary(r, touches=1, rewritten=1)
        self.assert_one_open_task_each()
        self.assertTrue(str(self.anna_open()["UID"]).startswith("kith-"))
        self.assertEqual(len(self.touches("anna")), 1)


PARALLEL = ["TestFile", "TestVdir", "TestEmbedded", "TestTargets", "TestTodoman"]


def run_classes_in_parallel(script, kith, names):
    """Each test class of `script` in its own process (also for the other test files)."""
    procs = [subprocess.Popen([sys.executable, os.path.abspath(script), kith, name],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for name in names]
    failed = []
    for name, p in zip(names, procs):
        out, _ = p.communicate()
        sys.stdout.write("==== %s\n%s" % (name, out.decode("utf-8", "replace")))
        if p.returncode:
            failed.append(name)
    sys.stdout.write("==== %s\n" % ("FAILED: " + ", ".join(failed) if failed else "all OK"))
    return 1 if failed else 0


def run_in_parallel():
    """Most of the time is spent waiting for fsync: in parallel the suite
    stays well under meson's timeout."""
    return run_classes_in_parallel(__file__, KITH, PARALLEL)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_sync.py PATH/TO/kith [unittest options or test names]")
    KITH = os.path.abspath(sys.argv.pop(1))
    if len(sys.argv) == 1 and not os.environ.get("SYNC_TEST_SERIAL"):
        sys.exit(run_in_parallel())
    unittest.main(verbosity=2)
