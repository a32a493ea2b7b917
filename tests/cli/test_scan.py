#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of `kith scan` on generated mail archives.

Usage: test_scan.py PATH/TO/kith   (meson passes build/cli/kith)

Each test builds a Maildir tree and an mbox in a fresh temporary HOME
with the headers real mail programs write (Thunderbird's sent copies keep
Bcc; mailing lists add List-Id and List-Unsubscribe), and a store with
three contacts.  ExampleArchiveTest scans the README's example data
(examples/mail) and checks the count examples/gen-contacts.py documents.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

from test_cli import Result  # the same output capture as the other CLI tests

KITH = None
TODAY = "2026-06-01"
ME = "me@example.org"

# Thunderbird's sent copy: Bcc kept, an encoded name in Cc.
SENT = """\
Message-ID: <3f1c2a9e-1b7d-4c55-9b1e-0a6d2b7c8e11@example.org>
Date: Tue, 12 May 2026 09:14:03 +0200
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Content-Language: en-US
To: Anna Berg <anna@x.org>
Cc: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>
Bcc: Dan Ek <dan@z.org>
From: Me Myself <me@example.org>
Subject: The paper draft
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 7bit

Here it is.
"""

# Anna's reply, as it arrives (and as it is also filed in Archive).
REPLY = """\
Return-Path: <anna@x.org>
Delivered-To: me@example.org
From: Anna Berg <anna@x.org>
To: Me Myself <me@example.org>
Subject: Re: The paper draft
Date: Wed, 13 May 2026 18:02:11 +0000
Message-ID: <CAF8x2p1Qm@mail.x.org>
In-Reply-To: <3f1c2a9e-1b7d-4c55-9b1e-0a6d2b7c8e11@example.org>
References: <3f1c2a9e-1b7d-4c55-9b1e-0a6d2b7c8e11@example.org>
MIME-Version: 1.0
Content-Type: text/plain; charset="UTF-8"

Thanks!
"""

# Carol's post to a mailing list the user is on: not a touch.
LIST = """\
From: Carol Jones <carol@y.org>
To: dev@lists.example.org
Date: Thu, 14 May 2026 08:00:00 +0000
Message-ID: <list-1@y.org>
Subject: [dev] release plan
List-Id: Developers <dev.lists.example.org>
List-Unsubscribe: <mailto:dev-leave@lists.example.org>
Precedence: list

Plan.
"""


# A weekly series as Thunderbird/Outlook export it: the user declined one
# instance, the organizer cancelled another, the last is next week.  Zed
# is no contact; the room is no one.
SERIES = """\
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN
BEGIN:VEVENT
UID:weekly-anna-1
DTSTAMP:20260401T000000Z
DTSTART:20260504T100000Z
DTEND:20260504T103000Z
RRULE:FREQ=WEEKLY;COUNT=6
SUMMARY:Anna / me weekly
ORGANIZER;CN=Anna Berg:mailto:anna@x.org
ATTENDEE;CN=Me Myself;PARTSTAT=ACCEPTED:mailto:me@example.org
ATTENDEE;CN=Zed Stranger;PARTSTAT=ACCEPTED:mailto:zed@q.org
ATTENDEE;CUTYPE=ROOM;CN=Room 4:mailto:room4@x.org
END:VEVENT
BEGIN:VEVENT
UID:weekly-anna-1
DTSTAMP:20260401T000000Z
RECURRENCE-ID:20260511T100000Z
DTSTART:20260511T100000Z
DTEND:20260511T103000Z
SUMMARY:Anna / me weekly
ORGANIZER;CN=Anna Berg:mailto:anna@x.org
ATTENDEE;CN=Me Myself;PARTSTAT=DECLINED:mailto:me@example.org
ATTENDEE;CN=Zed Stranger;PARTSTAT=ACCEPTED:mailto:zed@q.org
END:VEVENT
BEGIN:VEVENT
UID:weekly-anna-1
DTSTAMP:20260401T000000Z
RECURRENCE-ID:20260518T100000Z
DTSTART:20260518T100000Z
DTEND:20260518T103000Z
STATUS:CANCELLED
SUMMARY:Anna / me weekly
ORGANIZER;CN=Anna Berg:mailto:anna@x.org
ATTENDEE;CN=Me Myself;PARTSTAT=ACCEPTED:mailto:me@example.org
END:VEVENT
BEGIN:VEVENT
UID:broken-rule
DTSTAMP:20260401T000000Z
DTSTART:20260505T100000Z
RRULE:FREQ=SOMETIMES
SUMMARY:never read
ORGANIZER:mailto:anna@x.org
ATTENDEE:mailto:me@example.org
END:VEVENT
BEGIN:VEVENT
UID:carol-declined
DTSTAMP:20260401T000000Z
DTSTART:20260506T100000Z
SUMMARY:Carol could not come
ORGANIZER:mailto:me@example.org
ATTENDEE;PARTSTAT=DECLINED:mailto:carol@y.org
ATTENDEE;PARTSTAT=ACCEPTED:mailto:dan@z.org
END:VEVENT
END:VCALENDAR
"""


def mbox_message(sender, date_line, header):
    return "From %s %s\n%s\n" % (sender, date_line, header)


CAROL_DIRECT = """\
From: Carol Jones <carol@y.org>
To: me@example.org
Date: Fri, 15 May 2026 12:00:00 +0000
Message-ID: <c1@y.org>
Subject: lunch?

From what I hear you are back in town.
"""

CAROL_AGAIN = """\
From: Carol Jones <carol@y.org>
To: me@example.org
Date: Sat, 16 May 2026 12:00:00 +0000
Message-ID: <c2@y.org>
Subject: lunch, take two
"""

NO_DATE = """\
From: Carol Jones <carol@y.org>
To: me@example.org
Subject: undated
"""


class ScanTest(unittest.TestCase):
    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="kith-scan-")
        self.db = os.path.join(self.home, "kith.db")
        self.ok("init")
        self.ok("add", "Anna Berg", "--email", "anna@x.org", "--met", "2026-01-01")
        self.ok("add", "Carol Jones", "--email", "carol@y.org", "--met", "2026-01-01")
        self.ok("add", "Dan Ek", "--email", "Dan@Z.org", "--met", "2026-01-01")
        self.mail = os.path.join(self.home, "Mail")
        for folder in ["Sent", "INBOX", "Archive"]:
            for sub in ["cur", "new", "tmp"]:
                os.makedirs(os.path.join(self.mail, folder, sub))
        self.put("Sent/cur/1778570043.M1P10.host:2,S", SENT)
        self.put("INBOX/new/1778695331.M2P11.host", REPLY)
        self.put("Archive/cur/1778695331.M9P12.host:2,RS", REPLY)
        self.put("INBOX/cur/1778745600.M3P13.host:2,", LIST)
        self.mbox = os.path.join(self.home, "carol.mbox")
        with open(self.mbox, "w") as f:
            f.write(mbox_message("carol@y.org", "Fri May 15 12:00:00 2026", CAROL_DIRECT))

    def tearDown(self):
        shutil.rmtree(self.home)

    def put(self, rel, text):
        with open(os.path.join(self.mail, rel), "w") as f:
            f.write(text)

    def run_kith(self, *args):
        env = {"HOME": self.home, "PATH": "/usr/bin:/bin", "TZ": "UTC", "LC_ALL": "C.UTF-8",
               "XDG_CONFIG_HOME": os.path.join(self.home, ".config")}
        proc = subprocess.run([KITH, "--db", self.db, "--today", TODAY] + list(args),
                              capture_output=True, env=env, timeout=60, check=False)
        return Result(proc)

    def ok(self, *args):
        r = self.run_kith(*args)
        self.assertEqual(r.rc, 0, r)
        return r

    def scan(self, *extra):
        return self.ok("scan", "--maildir", self.mail, "--mbox", self.mbox, "--me", ME, *extra)

    def test_nothing_configured_is_nothing_to_do(self):
        # The timer runs 'kith -q scan' before every sync, sources or not.
        r = self.ok("scan")
        self.assertIn("nothing to scan", r.err)
        self.assertEqual(r.out, "")
        r = self.ok("-q", "scan")
        self.assertEqual((r.out, r.err), ("", ""))

    def touches(self, who):
        r = self.ok("show", who, "--format", "json")
        return [(t["on"], t["channel"], t["direction"], t["source"], t["found_in"], t["note"])
                for t in json.loads(r.out)["touches"]]

    def test_sent_reply_bcc_list_and_duplicate(self):
        r = self.scan()
        self.assertIn("Scanned 4 new messages: 4 touches logged\n", r.out)
        self.assertIn("1 already seen", r.out)       # the reply's copy in Archive
        self.assertIn("1 bulk or automated", r.out)  # Carol's list mail
        self.assertIn("1 with people who are not contacts", r.out)
        anna = self.touches("anna")
        # Logged once, from whichever copy was read first.
        self.assertIn(anna[0][4], ["~/Mail/INBOX", "~/Mail/Archive"])
        self.assertEqual([t[:4] + t[5:] for t in anna], [
            ("2026-05-13", "email", "inbound", "mail", "Re: The paper draft"),
            ("2026-05-12", "email", "outbound", "mail", "The paper draft"),
        ])
        self.assertEqual(anna[1][4], "~/Mail/Sent")
        # Bcc in the sent copy is a person written to; the address matches in any case.
        self.assertEqual(self.touches("dan"), [
            ("2026-05-12", "email", "outbound", "mail", "~/Mail/Sent", "The paper draft")])
        # The list mail does not count; the direct mail in the mbox does.
        self.assertEqual(self.touches("carol"), [
            ("2026-05-15", "email", "inbound", "mail", "~/carol.mbox", "lunch?")])
        r = self.ok("show", "anna")
        self.assertIn("mail in ~/Mail/Sent", r.out)
        # Jürgen is no contact: kept as a candidate, not added.
        r = self.ok("list")
        self.assertNotIn("Jürgen", r.out)

    def test_rescan_logs_nothing(self):
        self.scan()
        r = self.scan()
        self.assertIn("Scanned 0 new messages: 0 touches logged\n", r.out)
        self.assertEqual(len(self.touches("anna")), 2)

    def test_dry_run_lists_and_writes_nothing(self):
        r = self.scan("--dry-run")
        self.assertIn("2026-05-12  to       Dan Ek <dan@z.org>: The paper draft  (~/Mail/Sent)\n",
                      r.out)
        self.assertIn("Would scan 4 new messages: 4 touches to log", r.out)
        self.assertEqual(self.touches("anna"), [])
        r = self.scan()
        self.assertIn("4 touches logged", r.out)

    def test_mbox_appended_then_rewritten_shorter(self):
        self.scan()
        with open(self.mbox, "a") as f:
            f.write(mbox_message("carol@y.org", "Sat May 16 12:00:00 2026", CAROL_AGAIN))
        r = self.scan()
        self.assertIn("Scanned 1 new message: 1 touch logged\n", r.out)
        self.assertEqual([t[0] for t in self.touches("carol")], ["2026-05-16", "2026-05-15"])
        # Compacted by the mail program: the first message gone, the file shorter.
        with open(self.mbox, "w") as f:
            f.write(mbox_message("carol@y.org", "Sat May 16 12:00:00 2026", CAROL_AGAIN))
        r = self.scan()
        self.assertIn("1 mbox file changed since the last scan: read again from the start", r.out)
        self.assertIn("0 touches logged", r.out)
        self.assertEqual(len(self.touches("carol")), 2)

    def test_bad_message_is_named_and_skipped(self):
        self.put("INBOX/new/1778800000.M4P14.host", NO_DATE)
        r = self.scan()
        self.assertEqual(r.rc, 0, r)
        self.assertIn("kith scan: %s/INBOX/new/1778800000.M4P14.host: skipped: no Date header\n"
                      % os.path.realpath(self.mail), r.err)
        self.assertIn("4 touches logged", r.out)

    def test_since_bounds_this_run_only(self):
        r = self.scan("--since", "2026-05-14")
        self.assertIn("1 touch logged", r.out)  # only Carol's of the 15th
        self.assertEqual(self.touches("anna"), [])
        r = self.scan()  # no --since: what was left out is found now
        self.assertIn("3 touches logged", r.out)
        self.assertEqual(len(self.touches("anna")), 2)

    def test_archive_of_several_batches(self):
        # More messages than one transaction takes (lib/scan/scan.c, BATCH):
        # every batch commits its touches with the mbox's position, so an
        # append after them is read alone and a re-scan reads nothing.
        n = 5200
        with open(self.mbox, "w") as f:
            for i in range(n):
                day = 1 + i % 28
                f.write(mbox_message("carol@y.org", "Fri May %02d 12:00:00 2026" % day,
                                     "From: Carol Jones <carol@y.org>\nTo: me@example.org\n"
                                     "Date: %02d May 2026 12:%02d:%02d +0000\n"
                                     "Message-ID: <batch%d@y.org>\nSubject: note %d\n\nbody\n"
                                     % (day, i // 60 % 60, i % 60, i, i)))
        r = self.ok("scan", "--mbox", self.mbox, "--me", ME)
        self.assertIn("Scanned %d new messages: %d touches logged\n" % (n, n), r.out)
        with open(self.mbox, "a") as f:
            f.write(mbox_message("carol@y.org", "Sat May 30 12:00:00 2026", CAROL_AGAIN))
        r = self.ok("scan", "--mbox", self.mbox, "--me", ME)
        self.assertIn("Scanned 1 new message: 1 touch logged\n", r.out)
        r = self.ok("scan", "--mbox", self.mbox, "--me", ME)
        self.assertIn("Scanned 0 new messages: 0 touches logged\n", r.out)
        self.assertEqual(len(self.touches("carol")), n + 1)

    def test_without_my_address_mail_is_refused(self):
        r = self.run_kith("scan", "--maildir", self.mail)
        self.assertEqual(r.rc, 2, r)
        self.assertIn("which addresses are yours?", r.err)

    def test_config_sources_and_me(self):
        cfg = os.path.join(self.home, ".config", "kith")
        os.makedirs(cfg)
        with open(os.path.join(cfg, "config"), "w") as f:
            f.write("[scan]\nmaildir = ~/Mail\nmbox = ~/carol.mbox\n[me]\nemail = other@x.org, %s\n"
                    % ME)
        r = self.ok("scan")
        self.assertIn("4 touches logged", r.out)

    def write_calendar(self):
        path = os.path.join(self.home, "work.ics")
        with open(path, "w", newline="\r\n") as f:
            f.write(SERIES)
        return path

    def candidate_rows(self):
        rows = json.loads(self.ok("candidates", "--format", "json").out)
        return sorted((c["address"], c["name"], c["first"], c["last"], c["mails_in"],
                       c["mails_out"], c["meetings"]) for c in rows)

    def test_meetings_series_declined_cancelled_future_and_rescan(self):
        ics = self.write_calendar()
        r = self.ok("scan", "--ics", ics, "--me", ME)
        self.assertIn("Scanned 4 new meetings: 4 touches logged\n", r.out)
        # The broken series is named (file, line, UID) and skipped; the rest is read.
        self.assertIn("~/work.ics:38: event broken-rule:", r.err)
        note = "Anna / me weekly"
        self.assertEqual(self.touches("Anna"), [
            ("2026-06-01", "meeting", "outbound", "meeting", "~/work.ics", note),
            ("2026-05-25", "meeting", "outbound", "meeting", "~/work.ics", note),
            ("2026-05-04", "meeting", "outbound", "meeting", "~/work.ics", note)])
        # Carol declined: not met; Dan came.
        self.assertEqual([t for t in self.touches("Carol")], [])
        self.assertEqual(self.touches("Dan"), [
            ("2026-05-06", "meeting", "outbound", "meeting", "~/work.ics", "Carol could not come")])
        # Zed: the three meetings the user had with him; the room is no one.
        self.assertEqual(self.candidate_rows(),
                         [("zed@q.org", "Zed Stranger", "2026-05-04", "2026-06-01", 0, 0, 3)])
        r = self.ok("scan", "--ics", ics, "--me", ME)
        self.assertIn("Scanned 0 new meetings: 0 touches logged\n", r.out)
        self.assertIn("1 calendar file unchanged", r.out)
        self.assertEqual(len(self.touches("Anna")), 3)
        self.assertEqual(self.candidate_rows()[0][6], 3)

    def test_unchanged_calendar_still_gains_what_has_happened_since(self):
        ics = self.write_calendar()
        self.ok("scan", "--ics", ics, "--me", ME)
        r = self.run_kith("--today", "2026-06-10", "scan", "--ics", ics, "--me", ME)
        self.assertEqual(r.rc, 0, r)
        self.assertIn("Scanned 1 new meeting: 1 touch logged\n", r.out)
        self.assertEqual(self.touches("Anna")[0][0], "2026-06-08")

    def test_meetings_need_my_address_and_config_ics(self):
        ics = self.write_calendar()
        r = self.run_kith("scan", "--ics", ics)
        self.assertEqual(r.rc, 2, r)
        self.assertIn("which addresses are yours?", r.err)
        cfg = os.path.join(self.home, ".config", "kith")
        os.makedirs(cfg)
        with open(os.path.join(cfg, "config"), "w") as f:
            f.write("[scan]\nics = ~/work.ics, ~/absent.ics\n[me]\nemail = %s\n" % ME)
        r = self.run_kith("scan", "--dry-run")
        self.assertEqual(r.rc, 1, r)  # one source could not be read at all
        self.assertIn("absent.ics", r.err)
        self.assertIn("2026-05-04  met      Anna Berg <anna@x.org>: Anna / me weekly  (~/work.ics)",
                      r.out)
        self.assertIn("Would scan 4 new meetings: 4 touches to log", r.out)

    def test_unreadable_source_exits_1_and_reads_the_others(self):
        r = self.run_kith("scan", "--mbox", os.path.join(self.home, "missing.mbox"),
                          "--maildir", self.mail, "--me", ME)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("missing.mbox: cannot read", r.err)
        self.assertIn("3 touches logged", r.out)


# This week's mail with people who are not contacts (TODAY is 2026-06-01).
EVE_OUT = """\
Message-ID: <eve-1@example.org>
Date: Thu, 28 May 2026 10:00:00 +0000
From: Me Myself <me@example.org>
To: Eve Stone <eve@q.org>
Subject: intro
"""

EVE_IN = """\
Message-ID: <eve-2@q.org>
Date: Fri, 29 May 2026 10:00:00 +0000
From: Eve Stone <eve@q.org>
To: me@example.org
Subject: Re: intro
"""

# A name a shell would trip over, unquoted or in double quotes.
ODD = """\
Message-ID: <odd-1@r.org>
Date: Sat, 30 May 2026 10:00:00 +0000
From: "Pat O'Neil $HOME `x`" <pat@r.org>
To: me@example.org
Subject: hello
"""

# Three years ago: outside --since 2y.
OLD = """\
Message-ID: <old-1@example.org>
Date: Mon, 01 May 2023 10:00:00 +0000
From: me@example.org
To: Olga Old <olga@s.org>
Subject: long ago
"""


class CandidatesTest(ScanTest):
    """Candidates: kept mail by mail, moved to the contact that gains the address."""

    # ScanTest's own tests run once, in ScanTest.
    for name in [n for n in dir(ScanTest) if n.startswith("test_")]:
        locals()[name] = None

    def setUp(self):
        super().setUp()
        self.put("Sent/cur/1779962400.M4P14.host:2,S", EVE_OUT)
        self.put("INBOX/cur/1780048800.M5P15.host:2,S", EVE_IN)
        self.put("INBOX/cur/1780135200.M6P16.host:2,S", ODD)
        self.put("Sent/cur/1682935200.M7P17.host:2,S", OLD)

    def candidates(self, *args):
        return json.loads(self.ok("candidates", "--format", "json", *args).out)

    def test_candidates_listed_most_frequent_first(self):
        self.scan()
        got = [(c["address"], c["name"], c["first"], c["last"], c["mails_in"], c["mails_out"],
                c["meetings"]) for c in self.candidates()]
        self.assertEqual(got, [
            ("eve@q.org", "Eve Stone", "2026-05-28", "2026-05-29", 1, 1, 0),
            ("pat@r.org", "Pat O'Neil $HOME `x`", "2026-05-30", "2026-05-30", 1, 0, 0),
            ("juergen@example.de", "Jürgen Müller", "2026-05-12", "2026-05-12", 0, 1, 0),
            ("olga@s.org", "Olga Old", "2023-05-01", "2023-05-01", 0, 1, 0),
        ])
        self.assertEqual([c["address"] for c in self.candidates("--since", "2026-05-29")],
                         ["eve@q.org", "pat@r.org"])
        self.assertEqual([c["address"] for c in self.candidates("--min", "2")], ["eve@q.org"])
        r = self.ok("candidates")
        self.assertIn("Eve Stone", r.out)
        self.assertNotIn(ME, r.out)
        r = self.ok("candidates", "--format", "csv")
        self.assertTrue(r.out.startswith("name,address,first,last,mails_in,mails_out,meetings\r\n"))

    def test_add_moves_the_scanned_mail_and_a_rescan_adds_nothing(self):
        self.scan()
        r = self.ok("add", "Eve Stone", "--email", "EVE@q.org")
        self.assertIn("2 touches found by kith scan moved to Eve Stone\n", r.out)
        self.assertEqual(self.touches("eve"), [
            ("2026-05-29", "email", "inbound", "mail", "~/Mail/INBOX", "Re: intro"),
            ("2026-05-28", "email", "outbound", "mail", "~/Mail/Sent", "intro"),
        ])
        self.assertNotIn("eve@q.org", [c["address"] for c in self.candidates()])
        r = self.scan()
        self.assertIn("Scanned 0 new messages: 0 touches logged\n", r.out)
        self.assertEqual(len(self.touches("eve")), 2)

    def test_edit_adding_an_email_moves_the_scanned_mail(self):
        self.scan()
        r = self.ok("edit", "anna", "--email", "pat@r.org")
        self.assertIn("1 touch found by kith scan moved to Anna Berg\n", r.out)
        self.assertEqual(self.touches("anna")[0],
                         ("2026-05-30", "email", "inbound", "mail", "~/Mail/INBOX", "hello"))
        r = self.ok("edit", "anna", "--note", "again")
        self.assertNotIn("moved", r.out)
        # Dan already has the mail that also went to Jürgen: keyed per message and
        # contact, it is not logged twice, and it leaves the candidates all the same.
        r = self.ok("edit", "dan", "--email", "juergen@example.de")
        self.assertNotIn("moved", r.out)
        self.assertEqual(len(self.touches("dan")), 1)
        self.assertNotIn("juergen@example.de", [c["address"] for c in self.candidates()])

    def test_review_lists_the_weeks_new_people_with_a_line_to_paste(self):
        self.scan()
        r = self.ok("review", "--days", "7")
        section = r.out.split("Met or mailed this week, not in kith\n")[1].split("\n\n")[0]
        lines = section.splitlines()
        # Most frequent first; Jürgen (two weeks ago) and Olga are not this week's.
        self.assertEqual(len(lines), 2, r.out)
        self.assertTrue(lines[0].lstrip().startswith("Eve Stone"), lines)
        adds = [shlex.split(line[line.index("kith add"):]) for line in lines]
        self.assertEqual(adds, [
            ["kith", "add", "Eve Stone", "--email", "eve@q.org"],
            ["kith", "add", "Pat O'Neil $HOME `x`", "--email", "pat@r.org"],
        ])
        r = self.ok("review", "--days", "30")
        self.assertIn("Met or mailed in the last 30 days, not in kith\n", r.out)
        self.assertIn("juergen@example.de", r.out)
        rv = json.loads(self.ok("review", "--format", "json").out)
        self.assertEqual([c["address"] for c in rv["not_in_kith"]], ["eve@q.org", "pat@r.org"])
        # Pasting the line adds the person with what was found.
        r = self.ok(*adds[1][1:])
        self.assertIn("1 touch found by kith scan moved to", r.out)

    def test_import_since_dates_records_by_the_scanned_mail(self):
        self.scan()
        csv_path = os.path.join(self.home, "outlook.csv")
        with open(csv_path, "w", newline="") as f:
            f.write("First Name,Last Name,E-mail Address,E-mail 2 Address\r\n"
                    "Eve,Stone,eve@q.org,\r\n"          # mailed this week: candidate
                    "Jürgen,Müller,other@example.de,JUERGEN@example.de\r\n"  # second email
                    "Anna,Berg,anna@x.org,\r\n"         # a contact with scanned touches
                    "Olga,Old,olga@s.org,\r\n"          # mailed three years ago
                    "Nina,Never,nina@t.org,\r\n")       # never mailed
        r = self.ok("import", csv_path, "--since", "2y")
        self.assertIn("3 dated by mail found by kith scan", r.out)
        self.assertIn("1 skipped: last contacted before 2024-06-01", r.out)
        self.assertIn("1 skipped: no last-contact date", r.out)
        self.assertIn("3 touches found by kith scan moved to 2 contacts", r.out)
        names = [c["name"] for c in json.loads(self.ok("list", "--format", "json").out)]
        self.assertIn("Eve Stone", names)
        self.assertIn("Jürgen Müller", names)
        self.assertNotIn("Olga Old", names)
        self.assertNotIn("Nina Never", names)
        self.assertEqual(len(self.touches("Eve")), 2)
        self.assertEqual(self.touches("Jürgen"), [
            ("2026-05-12", "email", "outbound", "mail", "~/Mail/Sent", "The paper draft")])
        # Olga stays a candidate: nothing was lost.
        self.assertEqual([c["address"] for c in self.candidates()],
                         ["pat@r.org", "olga@s.org"])


EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")


class ExampleArchiveTest(unittest.TestCase):
    """The README's example data: the people examples/mail shows were mailed
    in two years are the 366 that examples/gen-contacts.py documents."""

    def setUp(self):
        self.home = tempfile.mkdtemp(prefix="kith-scan-")
        self.db = os.path.join(self.home, "kith.db")
        self.ok("init")
        # Everyone, undated: the count below comes from the scan alone.
        self.ok("import", os.path.join(EXAMPLES, "outlook-contacts.csv"), "--tier", "regular")

    def scan_examples(self):
        return self.ok("scan", "--mbox", os.path.join(EXAMPLES, "mail", "Inbox"),
                       "--mbox", os.path.join(EXAMPLES, "mail", "Sent"),
                       "--me", "alex.morgan@example.com")

    def test_mailed_in_two_years_then_nothing_new(self):
        r = self.scan_examples()
        self.assertEqual(r.err, "")  # nothing in the archive is skipped as unreadable
        self.assertIn("8 already seen", r.out)  # the copies in both folders
        out = os.path.join(self.home, "all.json")
        self.ok("export", "--json", out)
        with open(out, encoding="utf-8") as f:
            contacts = json.load(f)["contacts"]
        mailed = [c["name"] for c in contacts
                  if any(t["source"] == "mail" and t["on"] >= "2024-06-01"
                         for t in c["touches"])]
        self.assertEqual(len(mailed), 366)
        self.assertIn("Scanned 0 new messages: 0 touches logged", self.scan_examples().out)

    def test_the_readme_path_scan_then_import_since_2y(self):
        # The quick start: scan first, then import keeping those mailed in
        # two years.  Their mail becomes their touches, and the spread first
        # reminders survive it: nobody comes out hundreds of days overdue.
        shutil.rmtree(self.home)
        self.setUp_empty()
        self.scan_examples()
        r = self.ok("import", os.path.join(EXAMPLES, "outlook-contacts.csv"), "--since", "2y",
                    "--tier", "regular")
        self.assertRegex(r.out, r"\b366 new contacts imported")
        self.assertRegex(r.out, r"touches found by kith scan moved to 366 contacts")
        rows = json.loads(self.ok("report", "--all", "--format", "json").out)
        self.assertEqual(len(rows), 366)
        late = [(c["name"], c["due"]) for c in rows if c["due"] < TODAY]
        self.assertEqual(late, [])
        self.assertLessEqual(max(c["due"] for c in rows), "2026-09-01")

    def setUp_empty(self):
        self.home = tempfile.mkdtemp(prefix="kith-scan-")
        self.db = os.path.join(self.home, "kith.db")
        self.ok("init")

    tearDown = ScanTest.tearDown
    run_kith = ScanTest.run_kith
    ok = ScanTest.ok


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_scan.py PATH/TO/kith [unittest options]")
    KITH = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
