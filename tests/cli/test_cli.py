#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Golden tests of the kith program: run it on a temporary store.

Usage: test_cli.py PATH/TO/kith   (meson passes build/cli/kith)

Every run uses --db in a fresh temporary directory and a fixed --today,
with HOME and the XDG variables pointed into that directory, so nothing
outside it is read or written.  The iCalendar output is checked with
python3-icalendar, a parser independent of libical.
"""

import csv
import datetime
import io
import json
import os
import pty
import re
import select
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

import icalendar

KITH = None
TODAY = "2026-06-01"

# The network every test starts from: five people in three tiers.
#   core 2m:    Anna (touched by email 2026-02-20), Carol (never touched)
#   regular 3m: Bob (touched by phone 2026-01-15), Eve (own cadence 6w,
#               inbound message 2026-05-20)
#   outer 6m:   Dan (meeting 2025-12-05)
PEOPLE = [
    ["Anna Berg", "--email", "anna@x.org", "--tier", "core", "--via", "email",
     "--met", "2026-01-05", "--org", "ACME"],
    ["Bob Smith", "--phone", "+1 555 0100", "--via", "phone", "--met", "2025-12-01"],
    ["Carol Jones", "--email", "carol@y.org", "--tier", "core", "--met", "2026-03-20"],
    ["Dan Ek", "--tier", "outer", "--via", "meeting", "--email", "dan@z.org",
     "--met", "2025-06-01"],
    ["Eve Ng", "--every", "6w", "--via", "message", "--email", "eve@w.org",
     "--met", "2026-01-01"],
]
TOUCHES = [
    ["anna", "--via", "email", "--on", "2026-02-20", "--note", "sent the paper"],
    ["bob", "--on", "2026-01-15"],
    ["dan", "--on", "2025-12-05"],
    ["eve", "--on", "2026-05-20", "--inbound"],
]

# Worked out by hand as of 2026-06-01.
#   Anna:  2026-02-20 + 2m = 2026-04-20, 42 days overdue, 101 days quiet
#   Bob:   2026-01-15 + 3m = 2026-04-15, 47 days overdue, 137 days quiet
#   Carol: added 2026-03-20 + 2m = 2026-05-20, 12 days overdue, 73 days
#   Dan:   2025-12-05 + 6m = 2026-06-05, due in 4 days (window 7)
#   Eve:   2026-05-20 + 6w = 2026-07-01, not due
DUE = {
    "Anna Berg": "2026-04-20",
    "Bob Smith": "2026-04-15",
    "Carol Jones": "2026-05-20",
    "Dan Ek": "2026-06-05",
    "Eve Ng": "2026-07-01",
}
CADENCE_DAYS = {"2m": 61, "3m": 91, "6m": 182, "6w": 42}
QUIET = {  # name: (days since last touch or added, cadence)
    "Anna Berg": (101, "2m"),
    "Bob Smith": (137, "3m"),
    "Carol Jones": (73, "2m"),
}
# Overdue first, quietest (days / cadence) first: Anna 1.66, Bob 1.51,
# Carol 1.20 -- Bob is further past his due date, Anna quieter for her
# cadence.  Then the due-soon ones by due date: Dan.
REPORT_ORDER = ["Anna Berg", "Bob Smith", "Carol Jones", "Dan Ek"]

REPORT_KEYS = ["id", "name", "tier", "cadence", "last_touch", "last_channel",
               "days_since", "due", "days_overdue", "state", "via", "email", "phone"]


class Result:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.out = proc.stdout.decode("utf-8")
        self.err = proc.stderr.decode("utf-8")

    def __repr__(self):
        return "rc=%d\n--- stdout\n%s--- stderr\n%s" % (self.rc, self.out, self.err)


class KithTest(unittest.TestCase):
    """Base: a private directory per test, a copy of the fixture store."""

    fixture_dir = None
    fixture_db = None
    setup_output = {}

    @classmethod
    def setUpClass(cls):
        cls.fixture_dir = tempfile.mkdtemp(prefix="kith-cli-fixture-")
        cls.fixture_db = os.path.join(cls.fixture_dir, "kith.db")
        out = {}
        r = kith_run(cls.fixture_dir, cls.fixture_db, "init")
        assert r.rc == 0, r
        out["init"] = r.out
        for p in PEOPLE:
            r = kith_run(cls.fixture_dir, cls.fixture_db, "add", *p)
            assert r.rc == 0, r
            out["add " + p[0]] = r.out
        for t in TOUCHES:
            r = kith_run(cls.fixture_dir, cls.fixture_db, "touch", *t)
            assert r.rc == 0, r
            out["touch " + t[0]] = r.out
        cls.setup_output = out

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.fixture_dir, ignore_errors=True)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kith-cli-")
        self.db = os.path.join(self.dir, "kith.db")
        shutil.copy(self.fixture_db, self.db)

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def kith(self, *args, **kw):
        return kith_run(self.dir, self.db, *args, **kw)

    def ok(self, *args, **kw):
        r = self.kith(*args, **kw)
        self.assertEqual(r.rc, 0, r)
        return r

    def fails(self, rc, *args, **kw):
        r = self.kith(*args, **kw)
        self.assertEqual(r.rc, rc, r)
        self.assertEqual(r.out, "", r)
        self.assertTrue(r.err.startswith("kith"), r)
        return r

    def report_json(self, *args):
        return json.loads(self.ok("report", "--format", "json", *args).out)


def clean_env(home, extra=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KITH_", "XDG_")) and k not in ("NO_COLOR", "SOURCE_DATE_EPOCH")}
    env["HOME"] = home
    env["LC_ALL"] = "C.UTF-8"
    if extra:
        env.update(extra)
    return env


def kith_run(home, db, *args, today=TODAY, env=None, use_db=True):
    cmd = [KITH]
    if use_db:
        cmd += ["--db", db]
    if today:
        cmd += ["--today", today]
    cmd += list(args)
    # bytes, so that CRLF line ends (CSV, iCalendar) arrive untranslated
    proc = subprocess.run(cmd, capture_output=True, env=clean_env(home, env), timeout=60,
                          check=False)
    return Result(proc)


class TestGlobal(KithTest):
    def test_version(self):
        r = self.ok("--version", today=None)
        self.assertRegex(r.out, r"^kith \d+\.\d+\.\d+\n$")

    def test_help_lists_every_command(self):
        r = self.ok("--help", today=None)
        for cmd in ["init", "add", "edit", "archive", "list", "show", "touch", "snooze",
                    "tier", "report", "review", "export", "sync", "import", "calendars",
                    "check"]:
            self.assertRegex(r.out, r"\n  %s +\S" % cmd)

    def test_command_help_and_help_command_agree(self):
        for cmd in ["init", "add", "edit", "archive", "list", "show", "touch", "snooze",
                    "tier", "report", "review", "export", "sync"]:
            a = self.ok(cmd, "--help")
            b = self.ok("help", cmd)
            self.assertEqual(a.out, b.out)
            self.assertTrue(a.out.startswith("Usage: kith " + cmd), a.out)
        self.assertIn("--window N", self.ok("report", "--help").out)

    def test_no_command_is_a_usage_error(self):
        r = self.kith(today=None)
        self.assertEqual(r.rc, 2, r)
        self.assertIn("Usage: kith", r.err)

    def test_unknown_command(self):
        r = self.fails(2, "frobnicate")
        self.assertIn("'frobnicate' is not a kith command", r.err)

    def test_server_commands_need_a_caldav_url(self):
        for cmd in ["calendars", "check"]:
            r = self.fails(2, cmd)
            self.assertIn("no CalDAV server", r.err)

    def test_global_options_after_the_command(self):
        before = self.kith("--today", "2026-06-01", "report", today=None)
        after = self.kith("report", "--today", "2026-06-01", today=None)
        self.assertEqual(before.rc, 0, before)
        self.assertEqual(before.out, after.out)
        self.assertIn("Report as of 2026-06-01", after.out)
        # --db after the command too
        r = kith_run(self.dir, self.db, "list", "--db", self.db, "--format", "csv",
                     use_db=False)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(len(r.out.splitlines()), 6)

    def test_today_changes_the_report_date(self):
        r = self.ok("report", today="2026-07-15")
        self.assertTrue(r.out.startswith("Report as of 2026-07-15\n"), r.out)

    def test_bad_today_is_a_usage_error(self):
        r = self.fails(2, "report", today="2026-02-30")
        self.assertIn("2026-02-30", r.err)

    def test_no_store_exits_1_and_creates_nothing(self):
        missing = os.path.join(self.dir, "sub", "none.db")
        for args in (["report"], ["list"], ["add", "X"], ["touch", "x"], ["export", "--ics", "-"]):
            r = kith_run(self.dir, missing, *args)
            self.assertEqual(r.rc, 1, r)
            self.assertEqual(r.err, "kith: no store at %s; run 'kith init' first\n" % missing)
            self.assertFalse(os.path.exists(missing))
            self.assertFalse(os.path.exists(os.path.dirname(missing)))

    def test_store_path_from_environment(self):
        # KITH_DB
        path = os.path.join(self.dir, "env.db")
        r = kith_run(self.dir, None, "init", use_db=False, env={"KITH_DB": path})
        self.assertEqual(r.rc, 0, r)
        self.assertIn("Initialised kith store at %s\n" % path, r.out)
        self.assertTrue(os.path.exists(path))
        # XDG_DATA_HOME
        xdg = os.path.join(self.dir, "xdg")
        r = kith_run(self.dir, None, "init", use_db=False, env={"XDG_DATA_HOME": xdg})
        self.assertEqual(r.rc, 0, r)
        db = os.path.join(xdg, "kith", "kith.db")
        self.assertEqual(os.stat(db).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(os.path.dirname(db)).st_mode & 0o777, 0o700)
        # HOME
        r = kith_run(self.dir, None, "init", use_db=False)
        self.assertEqual(r.rc, 0, r)
        self.assertTrue(os.path.exists(os.path.join(self.dir, ".local/share/kith/kith.db")))
        # --db wins over KITH_DB
        r = kith_run(self.dir, self.db, "list", "--format", "csv", env={"KITH_DB": path})
        self.assertEqual(len(r.out.splitlines()), 6)

    def test_quiet(self):
        r = self.ok("-q", "touch", "anna")
        self.assertEqual(r.out, "")
        r = self.ok("add", "Quiet Person", "-q")
        self.assertEqual(r.out, "")

    def test_colour_only_on_a_terminal_without_no_color(self):
        plain = self.ok("report")
        self.assertNotIn("\033[", plain.out)
        tty = run_on_pty(self.dir, self.db, ["report"], {})
        self.assertIn("\033[31m", tty)  # overdue rows in red
        self.assertIn("Anna Berg", tty)
        no = run_on_pty(self.dir, self.db, ["report"], {"NO_COLOR": "1"})
        self.assertNotIn("\033[", no)
        self.assertIn("Anna Berg", no)
        empty = run_on_pty(self.dir, self.db, ["report"], {"NO_COLOR": ""})
        self.assertIn("\033[", empty)


def run_on_pty(home, db, args, env):
    master, slave = pty.openpty()
    proc = subprocess.Popen([KITH, "--db", db, "--today", TODAY] + args, stdout=slave,
                            stderr=subprocess.DEVNULL, env=clean_env(home, env))
    os.close(slave)
    data = b""
    while True:
        ready, _, _ = select.select([master], [], [], 10)
        if not ready:
            break
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    proc.wait(timeout=10)
    os.close(master)
    return data.decode()


class TestInitAddTouch(KithTest):
    def test_init_prints_the_default_tiers(self):
        out = self.setup_output["init"]
        self.assertTrue(out.startswith("Initialised kith store at %s\n" % self.fixture_db), out)
        for line in ["core     every 2 months", "regular  every 3 months",
                     "outer    every 6 months", "annual   every year"]:
            self.assertIn(line, out)

    def test_init_twice_is_harmless(self):
        r = self.ok("init")
        self.assertEqual(r.out, "kith store at %s is already initialised\n" % self.db)
        self.assertEqual(len(self.ok("list", "--format", "csv").out.splitlines()), 6)

    def test_add_prints_the_next_due_date(self):
        out = self.setup_output
        self.assertEqual(out["add Anna Berg"],
                         "Added #1 Anna Berg (core, every 2 months; next due 2026-03-05)\n")
        # no --tier: regular
        self.assertEqual(out["add Bob Smith"],
                         "Added #2 Bob Smith (regular, every 3 months; next due 2026-03-01)\n")
        self.assertEqual(out["add Eve Ng"],
                         "Added #5 Eve Ng (regular, every 6 weeks; next due 2026-02-12)\n")

    def test_add_without_met_starts_today(self):
        r = self.ok("add", "Fay Wu", "--tier", "annual")
        self.assertEqual(r.out, "Added #6 Fay Wu (annual, every year; next due 2027-06-01)\n")

    def test_add_uses_the_default_tier_from_the_store(self):
        self.ok("tier", "set", "friends", "2w", "--default")
        r = self.ok("add", "Gus Lee")
        self.assertIn("(friends, every 2 weeks; next due 2026-06-15)", r.out)

    def test_add_refuses_a_known_email(self):
        r = self.fails(2, "add", "Anna Again", "--email", "ANNA@x.org")
        self.assertIn("already known as #1 Anna Berg; use 'kith edit'", r.err)
        self.assertNotIn("Anna Again", self.ok("list", "--all").out)

    def test_add_future_met_is_refused(self):
        r = self.fails(2, "add", "Later", "--met", "2026-06-02")
        self.assertIn("future", r.err)

    def test_add_with_spaces_in_name_needs_quotes(self):
        r = self.fails(2, "add", "Fay", "Wu")
        self.assertIn("unexpected argument 'Wu'", r.err)

    def test_touch_messages(self):
        out = self.setup_output
        self.assertEqual(out["touch anna"],
                         "Logged email with Anna Berg on 2026-02-20; next due 2026-04-20\n")
        # default channel: the contact's preferred one
        self.assertEqual(out["touch dan"],
                         "Logged meeting with Dan Ek on 2025-12-05; next due 2026-06-05\n")

    def test_touch_resets_the_clock_from_that_day(self):
        r = self.ok("touch", "anna@x.org", "--via", "lunch", "--on", "yesterday")
        self.assertEqual(r.out, "Logged lunch with Anna Berg on 2026-05-31; next due 2026-07-31\n")
        r = self.ok("touch", "Carol", "--on", "today", "--via", "phone")
        self.assertEqual(r.out, "Logged phone with Carol Jones on 2026-06-01; next due 2026-08-01\n")
        names = [row["name"] for row in self.report_json()]
        self.assertEqual(names, ["Bob Smith", "Dan Ek"])

    def test_touch_without_any_channel(self):
        r = self.ok("touch", "carol")
        self.assertEqual(r.out, "Logged a touch with Carol Jones on 2026-06-01; next due 2026-08-01\n")

    def test_touch_in_the_future_is_refused(self):
        r = self.fails(2, "touch", "anna", "--on", "2026-06-02")
        self.assertIn("--on 2026-06-02 is in the future", r.err)
        self.assertEqual(len(json.loads(self.ok("show", "anna", "--format", "json").out)["touches"]), 1)


class TestReport(KithTest):
    def test_expected_order_is_the_quiet_ratio(self):
        # The hand-computed order above, derived again from the numbers.
        overdue = sorted(QUIET, key=lambda n: QUIET[n][0] / CADENCE_DAYS[QUIET[n][1]],
                         reverse=True)
        self.assertEqual(overdue + ["Dan Ek"], REPORT_ORDER)
        names = [row["name"] for row in self.report_json()]
        self.assertEqual(names, REPORT_ORDER)

    def test_table(self):
        r = self.ok("report")
        expected = (
            "Report as of 2026-06-01\n"
            "\n"
            "NAME         TIER     CADENCE  LAST TOUCH                         OVERDUE        VIA\n"
            "Anna Berg    core     2m       2026-02-20 email (3 months ago)    42 days        email\n"
            "Bob Smith    regular  3m       2026-01-15 phone (4 months ago)    47 days        phone\n"
            "Carol Jones  core     2m       never                              12 days        -\n"
            "Dan Ek       outer    6m       2025-12-05 meeting (5 months ago)  due in 4 days  meeting\n"
            "\n"
            "core: 2 contacts, 2 overdue, 0 due soon, 1 never touched\n"
            "regular: 2 contacts, 1 overdue, 0 due soon, 0 never touched\n"
            "outer: 1 contact, 0 overdue, 1 due soon, 0 never touched\n"
        )
        self.assertEqual(r.out, expected)
        self.assertEqual(r.err, "")

    def test_all_lists_everyone(self):
        names = [row["name"] for row in self.report_json("--all")]
        self.assertEqual(names, REPORT_ORDER + ["Eve Ng"])
        r = self.ok("report", "--all")
        self.assertRegex(r.out, r"\nEve Ng +regular +6w +2026-05-20 message \(12 days ago\) +- +message\n")

    def test_tier_filter(self):
        names = [row["name"] for row in self.report_json("--tier", "core")]
        self.assertEqual(names, ["Anna Berg", "Carol Jones"])
        r = self.fails(2, "report", "--tier", "gold")
        self.assertIn("unknown tier 'gold'", r.err)
        self.assertIn("core, regular, outer, annual", r.err)

    def test_window(self):
        names = [row["name"] for row in self.report_json("--window", "3")]
        self.assertEqual(names, REPORT_ORDER[:3])
        names = [row["name"] for row in self.report_json("--window", "31")]
        self.assertEqual(names, REPORT_ORDER + ["Eve Ng"])

    def test_csv(self):
        r = self.ok("report", "--all", "--format", "csv")
        self.assertIn("\r\n", r.out)
        rows = list(csv.reader(io.StringIO(r.out, newline="")))
        self.assertEqual(rows[0], REPORT_KEYS)
        by_name = {row[1]: dict(zip(REPORT_KEYS, row)) for row in rows[1:]}
        self.assertEqual([row[1] for row in rows[1:]], REPORT_ORDER + ["Eve Ng"])
        self.assertEqual(by_name["Anna Berg"], {
            "id": "1", "name": "Anna Berg", "tier": "core", "cadence": "2m",
            "last_touch": "2026-02-20", "last_channel": "email", "days_since": "101",
            "due": "2026-04-20", "days_overdue": "42", "state": "overdue", "via": "email",
            "email": "anna@x.org", "phone": ""})
        carol = by_name["Carol Jones"]
        self.assertEqual((carol["last_touch"], carol["last_channel"], carol["days_since"]),
                         ("", "", ""))
        self.assertEqual(by_name["Dan Ek"]["state"], "soon")
        self.assertEqual(by_name["Dan Ek"]["days_overdue"], "-4")
        self.assertEqual(by_name["Eve Ng"]["state"], "ok")
        self.assertEqual(by_name["Eve Ng"]["cadence"], "6w")
        self.assertEqual(by_name["Bob Smith"]["phone"], "+1 555 0100")
        for name, due in DUE.items():
            self.assertEqual(by_name[name]["due"], due, name)

    def test_json(self):
        rows = self.report_json("--all")
        self.assertEqual(len(rows), 5)
        for row in rows:
            self.assertEqual(list(row.keys()), REPORT_KEYS)
            self.assertIsInstance(row["id"], int)
            self.assertIsInstance(row["days_overdue"], int)
            self.assertEqual(row["due"], DUE[row["name"]])
        anna, bob, carol, dan, eve = rows
        self.assertEqual(anna["days_since"], 101)
        self.assertEqual(anna["days_overdue"], 42)
        self.assertEqual(anna["phone"], None)
        self.assertEqual(bob["days_overdue"], 47)
        self.assertEqual(bob["email"], None)
        self.assertEqual(carol["last_touch"], None)
        self.assertEqual(carol["days_since"], None)
        self.assertEqual(carol["via"], None)
        self.assertEqual(dan["state"], "soon")
        self.assertEqual(dan["cadence"], "6m")
        self.assertEqual(eve["cadence"], "6w")
        self.assertEqual(eve["last_channel"], "message")

    def test_machine_formats_have_no_summary(self):
        r = self.ok("report", "--format", "csv")
        self.assertEqual(len(r.out.splitlines()), 5)
        self.assertNotIn("contacts,", r.out)

    def test_age_phrasing(self):
        self.ok("touch", "anna", "--on", "2026-05-31")      # 1 day
        self.ok("touch", "carol", "--on", "2026-05-19")     # 13 days
        self.ok("touch", "bob", "--on", "2026-05-18")       # 14 days: weeks
        self.ok("touch", "dan", "--on", "today")
        self.ok("add", "Old Friend", "--tier", "annual", "--met", "2023-01-01")
        self.ok("touch", "old friend", "--on", "2024-06-01")  # 730 days: years
        self.ok("add", "Mid Way", "--tier", "annual", "--met", "2024-01-01")
        self.ok("touch", "mid way", "--on", "2024-06-02")    # 729 days: months
        last = {}
        for line in self.ok("report", "--all").out.splitlines():
            for name in ["Anna Berg", "Carol Jones", "Bob Smith", "Dan Ek", "Old Friend",
                         "Mid Way"]:
                if line.startswith(name + " "):
                    last[name] = line
        self.assertIn("2026-05-31 email (1 day ago)", last["Anna Berg"])
        self.assertIn("2026-05-19 (13 days ago)", last["Carol Jones"])
        self.assertIn("2026-05-18 phone (2 weeks ago)", last["Bob Smith"])
        self.assertIn("2026-06-01 meeting (today)", last["Dan Ek"])
        self.assertIn("2024-06-01 (2 years ago)", last["Old Friend"])
        self.assertIn("2024-06-02 (24 months ago)", last["Mid Way"])

    def test_nobody_due(self):
        d = tempfile.mkdtemp(prefix="kith-cli-empty-", dir=self.dir)
        db = os.path.join(d, "k.db")
        self.assertEqual(kith_run(d, db, "init", "-q").rc, 0)
        self.assertEqual(kith_run(d, db, "add", "Solo Person").rc, 0)
        r = kith_run(d, db, "report")
        self.assertEqual(r.out, "Report as of 2026-06-01\n\nNobody is due. (1 active contact)\n")
        r = kith_run(d, db, "report", "--format", "json")
        self.assertEqual(json.loads(r.out), [])


class TestReview(KithTest):
    def test_sections(self):
        self.ok("add", "Fay Wu", "--met", "2026-05-30", "--tier", "annual")
        self.ok("touch", "eve", "--on", "2026-05-28", "--via", "coffee", "--note", "new job")
        r = self.ok("review")
        lines = r.out.splitlines()
        heads = ["Added in the last 7 days", "Touches logged in the last 7 days", "Overdue",
                 "Due in the next 7 days"]
        pos = [lines.index(h) for h in heads]
        self.assertEqual(pos, sorted(pos))
        added = lines[pos[0] + 1:pos[1]]
        self.assertRegex(added[0], r"^  2026-05-30  #6 Fay Wu +annual$")
        touches = lines[pos[1] + 1:pos[2]]
        self.assertRegex(touches[0], r"^  2026-05-28  Eve Ng +coffee +outbound +new job$")
        overdue = [l.split("  ")[1] for l in lines[pos[2] + 1:pos[3]] if l.strip()]
        self.assertEqual(overdue, ["Anna Berg", "Bob Smith", "Carol Jones"])
        soon = [l for l in lines[pos[3] + 1:] if l.startswith("  ")]
        self.assertEqual(len(soon), 1)
        self.assertIn("Dan Ek", soon[0])
        self.assertIn("due in 4 days (2026-06-05)", soon[0])
        self.assertEqual(lines[-1], "Log a touch: kith touch CONTACT --via CHANNEL")

    def test_many_added_are_counted_not_listed(self):
        # An import's hundreds of people would bury the rest of the review.
        for i in range(19):
            self.ok("add", "Batch Person %02d" % i, "--met", "2026-05-31", "--tier", "outer")
        self.ok("add", "Fay Wu", "--met", "2026-05-30", "--tier", "annual")
        lines = self.ok("review").out.splitlines()
        self.assertEqual(len([l for l in lines if re.match(r"^  2026-05-30  #\d+ Fay Wu +annual$", l)]),
                         1)
        self.assertEqual(len([l for l in lines if "Batch Person" in l]), 19)
        self.ok("add", "Batch Person 19", "--met", "2026-05-31", "--tier", "outer")
        lines = self.ok("review").out.splitlines()
        i = lines.index("Added in the last 7 days")
        self.assertRegex(lines[i + 1], r"^  2026-05-31  20 people +outer$")
        self.assertRegex(lines[i + 2], r"^  2026-05-30  1 person +annual$")
        self.assertIn("21 in all", lines[i + 3])
        self.assertNotIn("Batch Person", "\n".join(lines))
        rv = json.loads(self.ok("review", "--format", "json").out)
        self.assertEqual(len(rv["added"]), 21)

    def test_empty_sections_say_none(self):
        r = self.ok("review")
        lines = r.out.splitlines()
        i = lines.index("Added in the last 7 days")
        self.assertEqual(lines[i + 1], "  (none)")
        i = lines.index("Touches logged in the last 7 days")
        self.assertEqual(lines[i + 1], "  (none)")

    def test_days(self):
        r = self.ok("review", "--days", "14")
        self.assertIn("Touches logged in the last 14 days", r.out)
        self.assertRegex(r.out, r"  2026-05-20  Eve Ng +message +inbound")
        self.fails(2, "review", "--days", "zero")

    def test_json(self):
        rv = json.loads(self.ok("review", "--format", "json", "--days", "14").out)
        self.assertEqual(rv["as_of"], TODAY)
        self.assertEqual([t["name"] for t in rv["touches"]], ["Eve Ng"])
        self.assertEqual([r["name"] for r in rv["overdue"]], REPORT_ORDER[:3])
        self.assertEqual([r["name"] for r in rv["due_soon"]], ["Dan Ek"])
        self.assertEqual(list(rv["overdue"][0].keys()), REPORT_KEYS)


class TestShowListEdit(KithTest):
    def test_show(self):
        self.ok("touch", "anna", "--via", "phone", "--on", "2026-03-10", "--note", "quick call")
        r = self.ok("show", "anna")
        self.assertTrue(r.out.startswith("#1 Anna Berg\n"), r.out)
        for line in ["  Email:        anna@x.org", "  Organisation: ACME",
                     "  Cadence:      every 2 months (tier default)",
                     "  Last touch:   2026-03-10 phone (2 months ago)",
                     "  Next due:     2026-05-10 (overdue by 22 days)"]:
            self.assertIn(line + "\n", r.out)
        hist = r.out[r.out.index("History (newest first):"):].splitlines()
        self.assertRegex(hist[2], r"^  2026-03-10  phone +outbound +manual +quick call$")
        self.assertRegex(hist[3], r"^  2026-02-20  email +outbound +manual +sent the paper$")
        self.assertEqual(len(hist), 4)
        self.assertIn("(override)", self.ok("show", "eve").out)
        self.assertIn("History: no touches yet.", self.ok("show", "carol").out)

    def test_show_json(self):
        c = json.loads(self.ok("show", "5", "--format", "json").out)
        self.assertEqual(c["name"], "Eve Ng")
        self.assertEqual(c["cadence"], "6w")
        self.assertTrue(c["cadence_override"])
        self.assertEqual(c["due"], "2026-07-01")
        self.assertEqual([(t["on"], t["direction"]) for t in c["touches"]],
                         [("2026-05-20", "inbound")])

    def test_list(self):
        r = self.ok("list")
        lines = r.out.splitlines()
        self.assertRegex(lines[0], r"^ID +NAME +TIER +CADENCE +EMAIL +PHONE +ORG +VIA +ADDED +ARCHIVED$")
        self.assertEqual([l.split("  ")[1] for l in lines[1:]],
                         ["Anna Berg", "Bob Smith", "Carol Jones", "Dan Ek", "Eve Ng"])
        rows = list(csv.DictReader(io.StringIO(self.ok("list", "--format", "csv").out, newline="")))
        self.assertEqual(list(rows[0].keys()), ["id", "name", "tier", "cadence", "email", "phone",
                                                 "org", "via", "added", "archived"])
        self.assertEqual(rows[0]["org"], "ACME")
        self.assertEqual(rows[4]["cadence"], "6w")
        self.assertEqual(rows[1]["cadence"], "3m")
        js = json.loads(self.ok("list", "--format", "json", "--tier", "core").out)
        self.assertEqual([c["name"] for c in js], ["Anna Berg", "Carol Jones"])
        self.assertIs(js[0]["archived"], False)

    def test_text_that_needs_escaping(self):
        name = 'Zoë "Zed", Jr.\\'
        self.ok("add", name, "--note", "line one\nline two\ttab", "--org", "A, B \"C\"")
        js = json.loads(self.ok("list", "--format", "json").out)
        self.assertEqual(js[-1]["name"], name)
        self.assertEqual(js[-1]["org"], "A, B \"C\"")
        rows = list(csv.reader(io.StringIO(self.ok("list", "--format", "csv").out, newline="")))
        self.assertEqual(rows[-1][1], name)
        self.assertEqual(rows[-1][6], "A, B \"C\"")
        c = json.loads(self.ok("show", "Zed", "--format", "json").out)
        self.assertEqual(c["notes"], "line one\nline two\ttab")

    def test_edit(self):
        r = self.ok("edit", "bob", "--tier", "core", "--email", "bob@b.org", "--tag", "golf",
                    "--name", "Robert Smith")
        self.assertEqual(r.out,
                         "Updated #2 Robert Smith (core, every 2 months; next due 2026-03-15)\n")
        c = json.loads(self.ok("show", "2", "--format", "json").out)
        self.assertEqual(c["emails"], ["bob@b.org"])
        self.assertEqual(c["tags"], ["golf"])
        self.ok("edit", "2", "--email", "rob@b.org", "--remove-email", "bob@b.org", "--every", "1y")
        c = json.loads(self.ok("show", "2", "--format", "json").out)
        self.assertEqual(c["emails"], ["rob@b.org"])
        self.assertEqual(c["cadence"], "1y")
        self.ok("edit", "2", "--no-cadence")
        c = json.loads(self.ok("show", "2", "--format", "json").out)
        self.assertEqual(c["cadence"], "2m")
        self.assertFalse(c["cadence_override"])
        self.fails(2, "edit", "2", "--remove-email", "nobody@b.org")
        self.fails(2, "edit", "2")
        r = self.fails(2, "edit", "2", "--email", "anna@x.org")
        self.assertIn("already known as #1 Anna Berg", r.err)

    def test_archive_and_resume(self):
        r = self.ok("archive", "dan")
        self.assertEqual(r.out, "Archived #4 Dan Ek; its history is kept\n")
        self.assertNotIn("Dan Ek", self.ok("list").out)
        self.assertRegex(self.ok("list", "--all").out, r"Dan Ek .* yes\n")
        self.assertEqual([r["name"] for r in self.report_json("--all")],
                         ["Anna Berg", "Bob Smith", "Carol Jones", "Eve Ng"])
        self.assertEqual(count_vtodos(self.ok("export", "--ics", "-").out), 4)
        r = self.ok("edit", "dan", "--resume")
        self.assertEqual(r.out, "Updated #4 Dan Ek (outer, every 6 months; next due 2026-06-05)\n")
        self.assertIn("Dan Ek", self.ok("list").out)
        self.assertEqual(count_vtodos(self.ok("export", "--ics", "-").out), 5)

    def test_resume_clears_a_snooze(self):
        self.ok("snooze", "anna", "--until", "2026-09-01")
        self.ok("edit", "anna", "--resume")
        c = json.loads(self.ok("show", "anna", "--format", "json").out)
        self.assertIsNone(c["snoozed_until"])
        self.assertEqual(c["due"], "2026-04-20")


def count_vtodos(text):
    return len(icalendar.Calendar.from_ical(text).walk("VTODO"))


class TestSnoozeTier(KithTest):
    def test_snooze_for(self):
        r = self.ok("snooze", "carol", "--for", "2w")
        self.assertEqual(r.out, "Snoozed Carol Jones until 2026-06-15; next due 2026-06-15\n")
        self.assertNotIn("Carol Jones", [r["name"] for r in self.report_json()])
        c = json.loads(self.ok("show", "carol", "--format", "json").out)
        self.assertEqual(c["snoozed_until"], "2026-06-15")

    def test_snooze_until(self):
        r = self.ok("snooze", "anna", "--until", "2026-07-01")
        self.assertIn("until 2026-07-01; next due 2026-07-01", r.out)

    def test_snooze_errors(self):
        r = self.fails(2, "snooze", "anna", "--until", "2026-06-01")
        self.assertIn("not after today", r.err)
        self.fails(2, "snooze", "anna", "--until", "2026-07-01", "--for", "2w")
        self.fails(2, "snooze", "anna")
        self.fails(2, "snooze", "anna", "--for", "soon")

    def test_tier_list(self):
        r = self.ok("tier", "list")
        self.assertRegex(r.out, r"\ncore +every 2 months +.* +2\n")
        self.assertRegex(r.out, r"\nannual +every year +.* +0\n")
        js = json.loads(self.ok("tier", "list", "--format", "json").out)
        self.assertEqual({t["name"]: t["contacts"] for t in js},
                         {"core": 2, "regular": 2, "outer": 1, "annual": 0})

    def test_tier_set_changes_due_dates(self):
        r = self.ok("tier", "set", "core", "1m", "--description", "monthly lunch")
        self.assertEqual(r.out, "Updated tier core: every month\n")
        rows = {r["name"]: r for r in self.report_json("--all")}
        self.assertEqual(rows["Anna Berg"]["due"], "2026-03-20")
        self.assertEqual(rows["Anna Berg"]["cadence"], "1m")
        js = json.loads(self.ok("tier", "list", "--format", "json").out)
        self.assertIn({"name": "core", "cadence": "1m", "description": "monthly lunch",
                       "contacts": 2}, js)
        r = self.ok("tier", "set", "vip", "P2W")
        self.assertEqual(r.out, "Created tier vip: every 2 weeks\n")
        r = self.fails(2, "tier", "set", "vip", "often")
        self.assertIn("quarterly", r.err)
        self.fails(2, "tier", "set", "vip")

    def test_tier_rm(self):
        r = self.fails(2, "tier", "rm", "core")
        self.assertIn("tier 'core' still has 2 contacts; move them first", r.err)
        # archived contacts count too
        self.ok("archive", "dan")
        r = self.fails(2, "tier", "rm", "outer")
        self.assertIn("tier 'outer' still has 1 contact; move them first", r.err)
        r = self.fails(2, "tier", "rm", "gold")
        self.assertIn("unknown tier 'gold'", r.err)
        r = self.ok("tier", "rm", "annual")
        self.assertEqual(r.out, "Removed tier annual\n")
        names = [t["name"] for t in json.loads(self.ok("tier", "list", "--format", "json").out)]
        self.assertNotIn("annual", names)
        self.assertIn("core", names)


class TestExport(KithTest):
    EPOCH = "1780000000"

    def export_ics(self, *args):
        return self.ok("export", "--ics", "-", *args, env={"SOURCE_DATE_EPOCH": self.EPOCH}).out

    def test_ics(self):
        text = self.export_ics()
        cal = icalendar.Calendar.from_ical(text)
        todos = cal.walk("VTODO")
        report = {r["id"]: r for r in self.report_json("--all")}
        self.assertEqual(len(todos), 5)
        self.assertEqual(sorted(int(t["X-KITH-ID"]) for t in todos), sorted(report))
        rrule = {"2m": ("MONTHLY", 2), "3m": ("MONTHLY", 3), "6m": ("MONTHLY", 6),
                 "6w": ("WEEKLY", 6)}
        iso = {"2m": "P2M", "3m": "P3M", "6m": "P6M", "6w": "P6W"}
        uids = set()
        for t in todos:
            row = report[int(t["X-KITH-ID"])]
            uids.add(str(t["UID"]))
            self.assertEqual(str(t["SUMMARY"]), "Keep in touch: " + row["name"])
            due, start = t["DUE"].dt, t["DTSTART"].dt
            self.assertIs(type(due), datetime.date)
            self.assertEqual(t["DUE"].params.get("VALUE"), "DATE")
            self.assertGreater(due, start)
            # A week's window, opened up to three days earlier so that a
            # monthly RRULE is never anchored on the 29th-31st.
            if row["cadence"].endswith("m"):
                self.assertLessEqual(start.day, 28)
                self.assertIn((due - start).days, (7, 8, 9, 10))
            else:
                self.assertEqual((due - start).days, 7)
            self.assertEqual(due.isoformat(), row["due"])
            freq, interval = rrule[row["cadence"]]
            self.assertEqual(t["RRULE"]["FREQ"], [freq])
            self.assertEqual(t["RRULE"]["INTERVAL"], [interval])
            self.assertEqual([str(c) for c in t["CATEGORIES"].cats], [row["tier"]])
            self.assertIn(str(t["X-KITH-CADENCE"]), (row["cadence"], iso[row["cadence"]]))
            self.assertEqual(str(t["STATUS"]), "NEEDS-ACTION")
            self.assertEqual(int(t["DTSTAMP"].dt.timestamp()), int(self.EPOCH))
        self.assertEqual(len(uids), 5)
        self.assertIn("\r\n", text)

    def test_ics_is_stable(self):
        a = self.export_ics()
        self.ok("touch", "anna")
        b = self.export_ics()
        uid = lambda text: {int(t["X-KITH-ID"]): str(t["UID"])
                            for t in icalendar.Calendar.from_ical(text).walk("VTODO")}
        self.assertEqual(uid(a), uid(b))
        self.assertEqual(self.export_ics(), b)  # byte for byte with SOURCE_DATE_EPOCH

    def test_ics_plain_and_window(self):
        cal = icalendar.Calendar.from_ical(self.export_ics("--plain", "--window", "3"))
        todos = cal.walk("VTODO")
        self.assertEqual(len(todos), 5)
        for t in todos:
            self.assertNotIn("RRULE", t)
            self.assertEqual((t["DUE"].dt - t["DTSTART"].dt).days, 3)

    def test_ics_file_is_written_atomically(self):
        path = os.path.join(self.dir, "out", "reminders.ics")
        os.mkdir(os.path.dirname(path))
        r = self.ok("export", "--ics", path)
        self.assertEqual(r.out, "Wrote 5 reminders to %s\n" % path)
        self.assertEqual(os.listdir(os.path.dirname(path)), ["reminders.ics"])
        with open(path, "rb") as f:
            self.assertEqual(len(icalendar.Calendar.from_ical(f.read()).walk("VTODO")), 5)
        os.chmod(path, 0o640)
        self.ok("export", "--ics", path)
        self.assertEqual(os.stat(path).st_mode & 0o777, 0o640)
        r = self.fails(1, "export", "--ics", os.path.join(self.dir, "missing", "x.ics"))
        self.assertIn("cannot write", r.err)

    def test_json(self):
        self.ok("archive", "dan")
        path = os.path.join(self.dir, "all.json")
        r = self.ok("export", "--json", path)
        self.assertEqual(r.out, "Wrote 5 contacts to %s\n" % path)
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        self.assertEqual(doc["version"], 1)
        self.assertEqual(doc["exported"], TODAY)
        self.assertEqual([t["name"] for t in doc["tiers"]], ["core", "regular", "outer", "annual"])
        self.assertEqual(doc["tiers"][0]["cadence"], "2m")
        cs = {c["name"]: c for c in doc["contacts"]}
        self.assertEqual(len(cs), 5)
        keys = ["id", "uid", "name", "emails", "phones", "org", "tier", "cadence", "via", "notes",
                "how_met", "tags", "added", "snoozed_until", "archived", "paused", "touches"]
        for c in cs.values():
            self.assertEqual(list(c.keys()), keys)
        self.assertTrue(cs["Dan Ek"]["archived"])
        self.assertIsNone(cs["Anna Berg"]["cadence"])
        self.assertEqual(cs["Eve Ng"]["cadence"], "6w")
        self.assertEqual(cs["Bob Smith"]["phones"], ["+1 555 0100"])
        self.assertEqual(cs["Anna Berg"]["added"], "2026-01-05")
        t = cs["Anna Berg"]["touches"]
        self.assertEqual(len(t), 1)
        self.assertEqual({k: t[0][k] for k in ("on", "channel", "direction", "note", "source")},
                         {"on": "2026-02-20", "channel": "email", "direction": "outbound",
                          "note": "sent the paper", "source": "manual"})
        self.assertEqual(cs["Eve Ng"]["touches"][0]["direction"], "inbound")
        self.assertEqual(cs["Carol Jones"]["touches"], [])
        # stdout
        self.assertEqual(json.loads(self.ok("export", "--json", "-").out), doc)

    def test_export_errors(self):
        self.fails(2, "export")
        self.fails(2, "export", "--vcard", "")
        self.fails(2, "export", "--vcard", "-", "--ics", "-")
        self.fails(2, "export", "--ics", "-", "--json", "-")
        self.fails(2, "export", "--json", "-", "--plain")

    def test_export_through_a_symlink_keeps_the_link(self):
        real = os.path.join(self.dir, "calendars", "kith.ics")
        os.mkdir(os.path.dirname(real))
        link = os.path.join(self.dir, "kith.ics")
        os.symlink(real, link)
        self.ok("export", "--ics", link)
        self.ok("export", "--ics", link)
        self.assertTrue(os.path.islink(link))
        with open(real, "rb") as f:
            self.assertEqual(len(icalendar.Calendar.from_ical(f.read()).walk("VTODO")), 5)
        self.assertEqual(os.listdir(os.path.dirname(real)), ["kith.ics"])

    def test_export_to_a_link_to_stdout_on_a_pipe_is_a_stream(self):
        # As /dev/stdout is: a link into /proc that realpath() cannot follow
        # to a pipe.  A link of our own, so that a regression replaces only it.
        out = os.path.join(self.dir, "stdout")
        os.symlink("/proc/self/fd/1", out)
        r = self.ok("export", "--json", out)
        self.assertEqual(json.loads(r.out.split("Wrote ")[0])["version"], 1)
        self.assertTrue(os.path.islink(out))

    def test_export_to_a_directory_is_refused(self):
        r = self.fails(1, "export", "--json", self.dir)
        self.assertIn("is a directory, not a regular file", r.err)


class TestScheduleAgrees(KithTest):
    """kith touch, kith show, kith report and the reminder's DUE give one date.

    They used to compute it in different places: after an import, `kith
    touch` printed the spread first date while `kith show` a second later
    said last touch + cadence.
    """

    DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "import")

    def dues(self, cid):
        """The due date of contact cid as show, report and export say it."""
        show = json.loads(self.ok("show", str(cid), "--format", "json").out)["due"]
        report = {r["id"]: r["due"] for r in self.report_json("--all")}[cid]
        cal = icalendar.Calendar.from_ical(self.ok("export", "--ics", "-").out)
        todo = [t["DUE"].dt.isoformat() for t in cal.walk("VTODO")
                if int(t["X-KITH-ID"]) == cid]
        return show, report, todo

    def touch_due(self, cid, *args):
        r = self.ok("touch", str(cid), *args)
        m = re.search(r"; next due (\d{4}-\d{2}-\d{2})$", r.out.strip())
        self.assertIsNotNone(m, r)
        return m.group(1)

    def assert_agree(self, cid, reminder=True):
        show, report, todo = self.dues(cid)
        self.assertEqual(show, report)
        self.assertEqual(todo, [show] if reminder else [])
        return show

    def test_imported(self):
        self.ok("import", os.path.join(self.DATA, "outlook.csv"), "--since", "20y",
                "--tier", "regular")
        listed = json.loads(self.ok("list", "--format", "json").out)
        cid = max(c["id"] for c in listed)
        # The import's spread first date stands until a touch clears it.
        self.assert_agree(cid)
        printed = self.touch_due(cid)
        self.assertEqual(printed, "2026-09-01")  # today + 3 months, not the spread date
        self.assertEqual(self.assert_agree(cid), printed)

    def test_snoozed(self):
        self.ok("snooze", "eve", "--until", "2026-09-15")
        self.assertEqual(self.assert_agree(5), "2026-09-15")
        # A touch before the snooze ends leaves it standing: it only postpones.
        printed = self.touch_due(5, "--on", "2026-05-30")
        self.assertEqual(printed, "2026-09-15")
        self.assertEqual(self.assert_agree(5), printed)
        printed = self.touch_due(5)
        self.assertEqual(printed, "2026-09-15")
        self.assertEqual(self.assert_agree(5), printed)

    def test_paused(self):
        target = os.path.join(self.dir, "cal.ics")
        self.ok("sync", "--target", target)
        with open(target, "rb") as f:
            cal = icalendar.Calendar.from_ical(f.read())
        cal.subcomponents = [c for c in cal.subcomponents
                             if not (c.name == "VTODO" and int(c["X-KITH-ID"]) == 2)]
        with open(target, "wb") as f:
            f.write(cal.to_ical())
        self.ok("sync", "--target", target)
        show = json.loads(self.ok("show", "2", "--format", "json").out)
        self.assertEqual(show["state"], "paused")
        # Paused: no reminder, and the date the others agree on moves with a touch.
        printed = self.touch_due(2)
        self.assertEqual(printed, "2026-09-01")
        self.assertEqual(self.assert_agree(2, reminder=False), printed)

    def test_own_cadence_and_default_tier(self):
        # No --tier: the store's default tier; --every overrides any tier.
        self.ok("add", "Fay Lo", "--met", "2026-05-01")
        self.ok("add", "Gil Ma", "--every", "10d", "--met", "2026-05-01")
        self.assertEqual(self.assert_agree(6), "2026-08-01")
        self.assertEqual(self.assert_agree(7), "2026-05-11")
        self.assertEqual(self.touch_due(6), "2026-09-01")
        self.assertEqual(self.touch_due(7), "2026-06-11")
        self.assertEqual(self.assert_agree(6), "2026-09-01")
        self.assertEqual(self.assert_agree(7), "2026-06-11")


class TestReadOnlyStore(KithTest):
    """report, list, show and export on a store the user may read but not write."""

    def run_reader(self, *args):
        """kith as a user without write permission on the store (nobody, when root)."""
        os.chmod(self.db, 0o444)
        if os.geteuid() == 0:
            os.chmod(self.dir, 0o755)

            def drop():
                os.setgid(65534)
                os.setuid(65534)
            proc = subprocess.run([KITH, "--db", self.db, "--today", TODAY] + list(args),
                                  capture_output=True, env=clean_env(self.dir), timeout=60,
                                  check=False, preexec_fn=drop)
            return Result(proc)
        os.chmod(self.dir, 0o555)
        try:
            return self.kith(*args)
        finally:
            os.chmod(self.dir, 0o755)

    def test_readers_work_and_leave_no_file(self):
        before = sorted(os.listdir(self.dir))
        for args in (["report"], ["list"], ["show", "anna"], ["review"],
                     ["export", "--json", "-"]):
            r = self.run_reader(*args)
            self.assertEqual(r.rc, 0, r)
        self.assertIn("Anna Berg", self.run_reader("list").out)
        # No -wal or -shm of the reader's next to the owner's store.
        self.assertEqual(sorted(os.listdir(self.dir)), before)

    def test_a_reader_sees_what_the_owner_has_not_checkpointed(self):
        # While the owner has the store open, a change may sit in its -wal:
        # the reader goes through the -wal then, not around it.  (SQLite
        # gives -wal and -shm the store's mode: shared for reading here.)
        os.chmod(self.db, 0o644)
        owner = sqlite3.connect(self.db)
        try:
            owner.execute("PRAGMA wal_autocheckpoint = 0")
            owner.execute("UPDATE contacts SET notes = 'written by the owner' WHERE id = 1")
            owner.commit()
            self.assertTrue(os.path.exists(self.db + "-wal"))
            r = self.run_reader("show", "1", "--format", "json")
            self.assertEqual(r.rc, 0, r)
            self.assertEqual(json.loads(r.out)["notes"], "written by the owner")
        finally:
            owner.close()

    def test_a_change_is_refused_with_a_reason(self):
        r = self.run_reader("touch", "anna")
        self.assertEqual(r.rc, 1, r)
        self.assertIn("read-only for you", r.err)


class TestImportNotes(KithTest):
    DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "import")

    def test_invalid_utf8_is_read_and_named_by_line(self):
        path = os.path.join(self.DATA, "invalid-utf8.vcf")
        r = self.ok("import", path)
        self.assertIn("%s:3: FN is not valid UTF-8; its stray bytes were read as "
                      "Windows-1252" % path, r.err)
        self.assertIn("Ren\u00e9e", self.ok("list").out)

    def test_two_apps_exports_of_one_person_are_merged_and_said(self):
        cards = os.path.join(self.dir, "two.vcf")
        with open(cards, "w", encoding="utf-8") as f:
            f.write("BEGIN:VCARD\nVERSION:3.0\nUID:apple-1\nFN:Zoe Park\nEMAIL:zoe@p.org\n"
                    "END:VCARD\nBEGIN:VCARD\nVERSION:3.0\nUID:google-7\nFN:Zoe Park\n"
                    "EMAIL:zoe@p.org\nTEL:+1 555 0199\nEND:VCARD\n")
        r = self.ok("import", cards)
        self.assertIn("1 new contact imported", r.out)
        self.assertIn("(1 of these by a shared email, although their vCard UIDs differ", r.out)


class TestErrors(KithTest):
    """Every documented usage error exits 2 with a clear message."""

    def test_bad_cadence_names_the_accepted_forms(self):
        r = self.fails(2, "add", "X", "--every", "fortnight-ish")
        self.assertIn("fortnight-ish", r.err)
        for form in ["2w", "90d", "3m", "1y", "P3M", "quarterly"]:
            self.assertIn(form, r.err)

    def test_bad_date(self):
        r = self.fails(2, "touch", "anna", "--on", "2026-13-01")
        self.assertTrue(r.err.startswith("kith touch: bad date '2026-13-01'"), r.err)
        r = self.fails(2, "add", "X", "--met", "last spring")
        self.assertIn("'last spring'", r.err)

    def test_unknown_contact(self):
        r = self.fails(2, "show", "zed")
        self.assertIn("no contact matches 'zed'", r.err)
        self.fails(2, "touch", "999")

    def test_ambiguous_contact_lists_the_candidates(self):
        r = self.fails(2, "touch", "an")
        lines = r.err.splitlines()
        self.assertEqual(lines[0], "kith: 'an' matches 2 contacts:")
        self.assertEqual(lines[1], "  1  Anna Berg <anna@x.org>")
        self.assertEqual(lines[2], "  4  Dan Ek <dan@z.org>")
        # nothing was logged
        c = json.loads(self.ok("show", "1", "--format", "json").out)
        self.assertEqual(len(c["touches"]), 1)

    def test_unknown_option(self):
        r = self.fails(2, "report", "--foo")
        self.assertEqual(r.err, "kith report: unknown option '--foo'\nTry 'kith report --help'.\n")
        r = self.fails(2, "--bar", "report")
        self.assertIn("unknown option '--bar'", r.err)

    def test_missing_argument(self):
        r = self.fails(2, "touch", "anna", "--via")
        self.assertIn("option '--via' needs an argument", r.err)
        r = self.fails(2, "touch")
        self.assertIn("missing CONTACT", r.err)
        r = self.fails(2, "add")
        self.assertIn("missing NAME", r.err)

    def test_unknown_tier(self):
        r = self.fails(2, "add", "X", "--tier", "gold")
        self.assertIn("unknown tier 'gold'", r.err)
        self.assertIn("core, regular, outer, annual", r.err)
        self.fails(2, "edit", "anna", "--tier", "gold")
        self.fails(2, "list", "--tier", "gold")

    def test_bad_format(self):
        r = self.fails(2, "report", "--format", "xml")
        self.assertIn("unknown format 'xml'", r.err)
        self.fails(2, "review", "--format", "csv")

    def test_busy_store_exits_1_and_writes_nothing(self):
        import sqlite3
        holder = sqlite3.connect(self.db, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            r = self.kith("touch", "anna", "--note", "while busy")
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.out, "")
        self.assertIn("another kith", r.err)
        c = json.loads(self.ok("show", "anna", "--format", "json").out)
        self.assertEqual(len(c["touches"]), 1)

    def test_failed_command_changes_nothing(self):
        before = self.ok("export", "--json", "-").out
        self.fails(2, "add", "X", "--email", "x@x.org", "--tier", "gold")
        self.fails(2, "edit", "anna", "--email", "new@x.org", "--remove-email", "none@x.org")
        self.assertEqual(self.ok("export", "--json", "-").out, before)

    def test_unreachable_server_exits_1_and_says_so(self):
        # Nothing listens on port 1 here: refused at once, no network touched.
        # A server out of reach is a runtime failure (1), not bad usage (2).
        url = "http://127.0.0.1:1/"
        before = self.ok("export", "--json", "-").out
        for args in (["sync", "--target", url], ["calendars", "--target", url],
                     ["check", "--target", url]):
            r = self.fails(1, *args)
            self.assertIn("cannot connect to 127.0.0.1:1", r.err)
        self.assertEqual(self.ok("export", "--json", "-").out, before)


class CountingServer:
    """A server that refuses every request with 401 and counts them: a
    password_command that fails must not lead to a login attempt."""

    def __init__(self):
        import http.server
        import threading
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def __getattr__(self, name):
                if name.startswith("do_"):
                    return self.refuse
                raise AttributeError(name)

            def refuse(self):
                outer.requests.append((self.command, self.path))
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="kith"')
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/" % self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def process_gone(pid):
    """Dead: no such process, or a zombie waiting for its reaper."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


class TestPassword(KithTest):
    """The password for a CalDAV server: never hangs, leaks or guesses.
    kith runs in a session of its own (no terminal to prompt on)."""

    def setUp(self):
        super().setUp()
        self.server = CountingServer()

    def tearDown(self):
        self.server.close()
        super().tearDown()

    def config(self, *lines):
        d = os.path.join(self.dir, ".config", "kith")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "config"), "w") as f:
            f.write("[sync]\n" + "".join(l + "\n" for l in lines))

    def script(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write("import os, sys, time\n" + text)
        return path

    def cmd(self, *args, env=None, preexec=None):
        return [KITH, "--db", self.db, "--today", TODAY] + list(args), \
            dict(env=clean_env(self.dir, env), stdin=subprocess.DEVNULL,
                 stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                 start_new_session=True, preexec_fn=preexec)

    def run_kith(self, *args, env=None, preexec=None):
        argv, kw = self.cmd(*args, env=env, preexec=preexec)
        return Result(subprocess.run(argv, timeout=60, check=False, **kw))

    def sync_remote(self, **kw):
        return self.run_kith("sync", "--target", self.server.url, **kw)

    def test_a_hanging_command_is_stopped_and_holds_no_lock(self):
        pids = os.path.join(self.dir, "pids")
        hang = self.script("hang.py", (
            "import subprocess\n"
            "child = subprocess.Popen(['sleep', '1000'])\n"
            "open(%r + '.tmp', 'w').write('%%d %%d' %% (os.getpid(), child.pid))\n"
            "os.rename(%r + '.tmp', %r)\n"
            "time.sleep(1000)\n") % (pids, pids, pids))
        self.config("username = anna", "password_timeout = 5",
                    "password_command = /usr/bin/python3 " + hang)
        argv, kw = self.cmd("sync", "--target", self.server.url)
        started = time.monotonic()
        waiting = subprocess.Popen(argv, **kw)
        try:
            while not os.path.exists(pids) and waiting.poll() is None:
                time.sleep(0.05)
            self.assertIsNone(waiting.poll(), "kith did not wait for the command")
            # Meanwhile another sync of the same store (to its local file) is not blocked.
            other = self.run_kith("sync")
            self.assertEqual(other.rc, 0, other)
            self.assertIn("Synced with", other.out)
            self.assertIsNone(waiting.poll(), "the other sync waited for the first")
            out, err = waiting.communicate(timeout=30)
        finally:
            if waiting.poll() is None:
                waiting.kill()
                waiting.wait()
        elapsed = time.monotonic() - started
        err = err.decode()
        self.assertEqual(waiting.returncode, 1, err)
        self.assertEqual(err, "kith: password_command '/usr/bin/python3' did not finish "
                              "within 5 seconds and was stopped (set password_timeout "
                              "in [sync] to wait longer)\n")
        self.assertEqual(out, b"")
        self.assertLess(elapsed, 25)
        # The command and what it started are gone: its process group was ended.
        with open(pids) as f:
            leader, child = (int(x) for x in f.read().split())
        for pid in (leader, child):
            for _ in range(100):
                if process_gone(pid):
                    break
                time.sleep(0.05)
            self.assertTrue(process_gone(pid), "process %d still runs" % pid)
        self.assertEqual(self.server.requests, [])
        # And the next sync goes ahead at once.
        r = self.run_kith("sync")
        self.assertEqual(r.rc, 0, r)

    def test_password_timeout_must_be_a_number_of_seconds(self):
        for bad in ("0", "-1", "3601", "30s", ""):
            self.config("password_timeout = " + bad)
            r = self.sync_remote()
            self.assertEqual(r.rc, 2, r)
            self.assertIn("password_timeout must be 1 to 3600 seconds", r.err)

    def test_a_failing_command_names_its_status_and_nothing_else(self):
        self.config("username = anna",
                    "password_command = sh -c 'echo pinentry went away >&2; exit 3'")
        r = self.sync_remote()
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.out, "")
        # Its own stderr passes through; kith's line is clean (it once read freed memory).
        self.assertEqual(r.err, "pinentry went away\n"
                                "kith: password_command 'sh' failed (exit status 3)\n")
        self.assertEqual(self.server.requests, [])
        for cmd in ("calendars", "check"):
            r = self.run_kith(cmd, "--target", self.server.url)
            self.assertEqual(r.rc, 1, r)
            self.assertTrue(r.err.endswith(
                "kith: password_command 'sh' failed (exit status 3)\n"), r)
        self.assertEqual(self.server.requests, [])

    def test_a_command_killed_by_a_signal_says_so(self):
        self.config("username = anna", "password_command = sh -c 'kill -9 $$'")
        r = self.sync_remote()
        self.assertEqual(r.rc, 1, r)
        self.assertEqual(r.err, "kith: password_command 'sh' was killed by signal 9\n")
        self.assertEqual(self.server.requests, [])

    def test_a_command_that_prints_nothing_is_an_error(self):
        for command in ("true", "printf '\\n'"):
            self.config("username = anna", "password_command = " + command)
            r = self.sync_remote()
            self.assertEqual(r.rc, 1, r)
            self.assertEqual(r.err, "kith: password_command '%s' printed no password\n"
                             % command.split()[0], r)
            self.assertEqual(self.server.requests, [])   # no login with an empty password

    def test_no_password_source_and_no_terminal(self):
        self.config("username = anna")
        for env in ({}, {"KITH_PASSWORD": ""}):
            r = self.sync_remote(env=env)
            self.assertEqual(r.rc, 1, r)
            self.assertEqual(
                r.err, "kith: no password available: set password_command or KITH_PASSWORD\n")
            self.assertEqual(self.server.requests, [])

    def test_kith_is_undumpable_while_it_holds_the_password(self):
        import resource
        seen = os.path.join(self.dir, "seen")
        probe = self.script("probe.py", (
            "parent = os.getppid()\n"
            "limits = open('/proc/%%d/limits' %% parent).read()\n"
            "owner = os.stat('/proc/%%d' %% parent).st_uid\n"
            "open(%r, 'w').write('%%d\\n%%s' %% (owner, limits))\n"
            "print('probe-secret-4711')\n") % seen)
        self.config("username = anna", "password_command = /usr/bin/python3 " + probe)
        hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
        if hard == 0:
            self.skipTest("core dumps are disabled for this test run")

        def allow_cores():
            resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))

        r = self.sync_remote(preexec=allow_cores)
        self.assertEqual(r.rc, 1, r)   # the counting server refuses every login
        self.assertTrue(self.server.requests, r)
        self.assertNotIn("probe-secret-4711", r.out + r.err)
        with open(seen) as f:
            owner, limits = f.read().split("\n", 1)
        self.assertRegex(limits, r"(?m)^Max core file size\s+0\s+0\s")
        if os.geteuid() != 0:
            # An undumpable process's /proc entries belong to root.
            self.assertEqual(int(owner), 0)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_cli.py PATH/TO/kith [unittest options]")
    KITH = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
