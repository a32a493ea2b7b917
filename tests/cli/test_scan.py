#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of `kith scan` on generated mail archives.

Usage: test_scan.py PATH/TO/kith   (meson passes build/cli/kith)

Each test builds a Maildir tree and an mbox in a fresh temporary HOME
with the headers real mail programs write (Thunderbird's sent copies keep
Bcc; mailing lists add List-Id and List-Unsubscribe), and a store with
three contacts.
"""

import json
import os
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

    def test_unreadable_source_exits_1_and_reads_the_others(self):
        r = self.run_kith("scan", "--mbox", os.path.join(self.home, "missing.mbox"),
                          "--maildir", self.mail, "--me", ME)
        self.assertEqual(r.rc, 1, r)
        self.assertIn("missing.mbox: cannot read", r.err)
        self.assertIn("3 touches logged", r.out)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: test_scan.py PATH/TO/kith [unittest options]")
    KITH = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
