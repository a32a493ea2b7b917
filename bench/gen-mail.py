#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""bench/gen-mail.py - a made-up mail archive for bench/scan.sh.

    gen-mail.py OUT N_MESSAGES N_EXTRA [SEED]

Writes, deterministically (the same seed gives the same bytes):
  OUT/Mail/       a Maildir tree (INBOX, Sent, Archive, Lists/*; cur/,
                  new/ and tmp/ each) holding the first N_MESSAGES, with
                  file names as mbsync, offlineimap and Dovecot write them;
  OUT/all.mbox    the same messages, in the same order, as one mbox (a
                  Takeout-style "From " line, body lines starting "From "
                  quoted as ">From ", as Thunderbird and mutt write them);
  OUT/extra/      N_EXTRA newer messages, bound for INBOX/new (file names
                  without ":2,"), and OUT/extra.mbox, the same as mbox;
  OUT/contacts.vcf  the 300 contacts (vCard 3.0) whose addresses appear;
  OUT/me.txt      the user's three addresses, one a line;
  OUT/stats.txt   counts and sizes.

What the messages look like: headers as Gmail, Thunderbird and mutt write
them (Received chains, DKIM-Signature and ARC-* folded over many lines,
Authentication-Results, Message-ID, In-Reply-To/References for threads,
names encoded in RFC 2047 words in UTF-8, ISO-8859-1, windows-1252,
KOI8-R, ISO-8859-7, ISO-2022-JP and GB2312, some raw 8-bit UTF-8);
about 12% mailing-list mail (List-Id, List-Unsubscribe, Precedence: list;
some from contacts) and 4% automated mail (no-reply senders,
Auto-Submitted); most bodies a few KiB, 5% with an attachment of
10-200 KiB and 0.4% with one of 1-5 MiB, base64 in 76-column lines.
Dates run from 2019-01-01 to 2026-05-29 (the extra ones: 2026-05-30/31).
"""
import base64
import hashlib
import os
import random
import sys
import time

OUT, N, N_EXTRA = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
SEED = int(sys.argv[4]) if len(sys.argv) > 4 else 42
rng = random.Random(SEED)

ME = ["alex.morgan@example.org", "alex@morgan.example.net", "alex.morgan.1987@gmail.com"]
ME_NAME = "Alex Morgan"
START = time.mktime((2019, 1, 1, 0, 0, 0, 0, 0, 0)) - time.timezone
END = time.mktime((2026, 5, 29, 23, 0, 0, 0, 0, 0)) - time.timezone
EXTRA_START = END + 3600

# (given, family, charset): names in the scripts mail really carries.
GIVEN = {
    "latin": ["Anna", "Jonas", "Maria", "Peter", "Sarah", "David", "Laura", "Tom", "Emma",
              "Lukas", "Sophie", "Daniel", "Julia", "Marc", "Nina", "Oliver", "Clara", "Ben"],
    "latin1": ["Jürgen", "Zoë", "José", "Françoise", "Søren", "Björn", "Inês", "Agnès",
               "Mårten", "Chloé", "Renée", "Łukasz"],
    "cyrillic": ["Иван", "Ольга", "Дмитрий", "Наталья", "Сергей", "Анна"],
    "greek": ["Αλέξανδρος", "Ελένη", "Νίκος", "Μαρία"],
    "japanese": ["太郎", "花子", "健", "由美"],
    "chinese": ["伟", "芳", "娜", "强"],
}
FAMILY = {
    "latin": ["Berg", "Smith", "Jones", "Miller", "Brown", "Wilson", "Taylor", "Clark",
              "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Green", "Baker"],
    "latin1": ["Müller", "García", "Noël", "Ødegaard", "Åberg", "Gonçalves", "Lefèvre",
               "Núñez", "Brontë", "Wałęsa"],
    "cyrillic": ["Петров", "Иванова", "Смирнов", "Кузнецова"],
    "greek": ["Παπαδόπουλος", "Γεωργίου", "Νικολάου"],
    "japanese": ["田中", "鈴木", "佐藤", "高橋"],
    "chinese": ["王", "李", "张", "刘"],
}
ASCII = {"Jürgen": "juergen", "Zoë": "zoe", "José": "jose", "Françoise": "francoise",
         "Søren": "soren", "Björn": "bjoern", "Inês": "ines", "Agnès": "agnes",
         "Mårten": "marten", "Chloé": "chloe", "Renée": "renee", "Łukasz": "lukasz",
         "Müller": "mueller", "García": "garcia", "Noël": "noel", "Ødegaard": "odegaard",
         "Åberg": "aberg", "Gonçalves": "goncalves", "Lefèvre": "lefevre", "Núñez": "nunez",
         "Brontë": "bronte", "Wałęsa": "walesa"}
DOMAINS = ["gmail.com", "outlook.com", "yahoo.co.uk", "posteo.de", "fastmail.com",
           "uni-heidelberg.de", "cs.example.edu", "acme.example.com", "initech.example",
           "globex.example.net", "mail.ru", "yandex.ru", "otenet.gr", "docomo.ne.jp",
           "qq.com", "web.de", "protonmail.com", "icloud.com"]
SCRIPT_DOMAINS = {"cyrillic": ["mail.ru", "yandex.ru"], "greek": ["otenet.gr"],
                  "japanese": ["docomo.ne.jp"], "chinese": ["qq.com"]}
# The charset each script's name is encoded in: (charset, B or Q).
CHARSETS = {"latin1": [("UTF-8", "Q"), ("ISO-8859-1", "Q"), ("windows-1252", "Q"),
                       ("utf-8", "B"), ("UTF-8", "raw")],
            "cyrillic": [("KOI8-R", "B"), ("UTF-8", "B"), ("windows-1251", "B")],
            "greek": [("ISO-8859-7", "Q"), ("UTF-8", "B")],
            "japanese": [("ISO-2022-JP", "B"), ("UTF-8", "B")],
            "chinese": [("GB2312", "B"), ("UTF-8", "B")]}
WORDS = ("the draft paper meeting lunch next week budget review results slides talk "
         "conference travel visa dinner project release deadline grant proposal data "
         "notes code patch question quick update thanks call tomorrow Berlin Lisbon "
         "Kyoto workshop hiring offer feedback intro coffee").split()
AGENTS = ["Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101 Thunderbird/115.6.0",
          "Mutt/2.2.9 (2022-11-12)", "Mozilla Thunderbird 128.3.1",
          "Microsoft Outlook 16.0"]
LISTS = [("rust-dev", "lists.rust-lang.example"), ("debian-devel", "lists.debian.org"),
         ("ietf-calext", "ietf.org"), ("kde-devel", "kde.org"), ("lwn", "lwn.net"),
         ("python-dev", "python.org")]
ROBOTS = ["noreply@github.com", "notifications@github.com", "no-reply@accounts.google.com",
          "no-reply@zoom.us", "mailer-daemon@googlemail.com", "newsletter@acme.example.com",
          "do-not-reply@booking.example", "calendar-notification@google.com"]
HOSTS = ["mx.example.org", "mx1.morgan.example.net", "mx.google.com"]


def encode_word(text, charset, how):
    """An RFC 2047 encoded word (or raw UTF-8, as some programs send)."""
    if how == "raw":
        return text
    data = text.encode(charset.lower().replace("iso-2022-jp", "iso2022_jp"))
    if how == "B":
        return "=?%s?B?%s?=" % (charset, base64.b64encode(data).decode())
    q = "".join(chr(b) if chr(b).isalnum() and b < 128 else ("_" if b == 32 else "=%02X" % b)
                for b in data)
    return "=?%s?Q?%s?=" % (charset, q)


class Person:
    def __init__(self, idx, contact):
        script = rng.choices(["latin", "latin1", "cyrillic", "greek", "japanese", "chinese"],
                             [55, 25, 7, 4, 5, 4])[0]
        fam_script = "latin" if script == "latin1" and rng.random() < 0.5 else script
        if script == "latin" and rng.random() < 0.3:
            fam_script = "latin1"
        self.given = rng.choice(GIVEN[script])
        self.family = rng.choice(FAMILY[fam_script])
        self.script = script if script != "latin" else fam_script
        if self.script in ("japanese", "chinese"):
            self.name = self.family + " " + self.given
        else:
            self.name = self.given + " " + self.family
        local = ("%s.%s" % (ASCII.get(self.given, self.given), ASCII.get(self.family, self.family))
                 if self.script in ("latin", "latin1") else "user%d" % idx)
        local = local.lower() + ("" if rng.random() < 0.7 else str(idx % 100))
        doms = SCRIPT_DOMAINS.get(self.script, DOMAINS)
        self.emails = [local + "@" + rng.choice(doms)]
        if contact and rng.random() < 0.25:
            self.emails.append(local.split(".")[0] + "@" + rng.choice(DOMAINS))
        self.charset = rng.choice(CHARSETS[self.script]) if self.script != "latin" else None
        try:
            encode_word(self.name, *self.charset) if self.charset else None
        except UnicodeEncodeError:  # Łukasz is not in ISO-8859-1: a sender picks UTF-8
            self.charset = ("UTF-8", "Q")
        self.contact = contact

    def addr(self):
        email = rng.choice(self.emails)
        if rng.random() < 0.03:  # some programs keep the case a person typed
            email = email.capitalize()
        if rng.random() < 0.08:
            return email
        if self.charset:
            return "%s <%s>" % (encode_word(self.name, *self.charset), email)
        return '"%s" <%s>' % (self.name, email) if rng.random() < 0.3 else "%s <%s>" % (self.name, email)


contacts = [Person(i, True) for i in range(300)]
others = [Person(1000 + i, False) for i in range(3000)]
# Who one writes to is skewed: a few people get most of the mail.
c_weights = [1.0 / (1 + i) ** 0.8 for i in range(len(contacts))]
o_weights = [1.0 / (1 + i) ** 1.1 for i in range(len(others))]
blob = base64.b64encode(rng.randbytes(6 * 1024 * 1024)).decode()
blob_lines = [blob[i:i + 76] for i in range(0, len(blob), 76)]


def rfc2822(t, off):
    sign = "+" if off >= 0 else "-"
    lt = time.gmtime(t + (1 if off >= 0 else -1) * (abs(off) // 100 * 3600 + abs(off) % 100 * 60))
    return time.strftime("%a, %d %b %Y %H:%M:%S ", lt) + "%s%04d" % (sign, abs(off))


def b64(n):
    return base64.b64encode(rng.randbytes(n)).decode()


def folded(name, value, width=78):
    """Fold a long structured value (DKIM b=, References) as the senders do."""
    out, line = [], name + ": "
    for tok in value.split(" "):
        if len(line) + len(tok) + 1 > width and line.strip():
            out.append(line.rstrip())
            line = "\t"
        line += tok + " "
    out.append(line.rstrip())
    return "\n".join(out) + "\n"


def dkim(domain, t):
    sig = b64(256)
    sig = " ".join(sig[i:i + 70] for i in range(0, len(sig), 70))
    return folded("DKIM-Signature",
                  "v=1; a=rsa-sha256; c=relaxed/relaxed; d=%s; s=20230601; t=%d; x=%d; "
                  "darn=example.org; h=to:subject:message-id:date:from:mime-version:from:to:"
                  "cc:subject:date:message-id:reply-to; bh=%s; b=%s" % (
                      domain, t, t + 604800, b64(32), sig))


def received(t, sender_dom, n):
    out = []
    for i in range(n):
        ip = "%d.%d.%d.%d" % (rng.randint(1, 223), rng.randint(0, 255), rng.randint(0, 255),
                              rng.randint(1, 254))
        out.append("Received: from mail-%s.%s (mail-%s.%s [%s])\n\tby %s (Postfix) with "
                   "ESMTPS id %s\n\tfor <%s>; %s (UTC)\n" % (
                       rng.choice(["sor-f41", "lf1-f54", "wr1-f48", "out"]), sender_dom,
                       rng.choice(["sor-f41", "lf1-f54"]), sender_dom, ip,
                       HOSTS[i % len(HOSTS)], b64(9).replace("/", "x").replace("+", "y"),
                       ME[0], rfc2822(t - 2 * i, 0)))
    return "".join(out)


def body_text(lines):
    out = []
    for _ in range(lines):
        out.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14))))
    if rng.random() < 0.02:
        out.append("From the minutes of the meeting: nothing new.")  # quoted in mbox
    return "\n".join(out) + "\n"


def attachment(size):
    """A base64 part of about `size` bytes: slices of one random blob."""
    n = max(1, size // 77)
    start = rng.randrange(0, max(1, len(blob_lines) - n))
    return "\n".join(blob_lines[start:start + n]) + "\n"


threads = []  # [subject, [message ids]]
counter = [0]


def message_id(t, dom):
    counter[0] += 1
    h = hashlib.sha1(("%d-%d-%d" % (SEED, counter[0], t)).encode()).hexdigest()
    if dom == "gmail.com":
        return "<CA%s@mail.gmail.com>" % base64.b64encode(bytes.fromhex(h)).decode().rstrip("=")
    return "<%s.%d@%s>" % (h[:16], counter[0], dom)


def subject_for(thread):
    s = thread[0]
    return s if not thread[1] else ("Re: " + s if not s.startswith("Re:") else s)


def make(t):
    """One message at time t: (folder, text)."""
    kind = rng.choices(["sent", "in", "list", "robot"], [38, 46, 12, 4])[0]
    off = rng.choice([0, 100, 200, -500, -400, 900, 530])
    date = rfc2822(t, off)
    h = []
    thread = None
    if kind in ("sent", "in") and threads and rng.random() < 0.45:
        thread = rng.choice(threads[-200:])
    if thread is None and kind in ("sent", "in"):
        subj = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 7))).capitalize()
        if rng.random() < 0.06:
            subj = encode_word(subj + " — übermorgen", "UTF-8", "Q")
        thread = [subj, []]
        threads.append(thread)
    if kind == "sent":
        me = rng.choices(ME, [70, 20, 10])[0]
        dom = me.split("@")[1]
        nto = rng.choices([1, 2, 3], [75, 18, 7])[0]
        pool = [rng.choices(contacts, c_weights)[0] if rng.random() < 0.6
                else rng.choices(others, o_weights)[0] for _ in range(nto + 2)]
        mid = message_id(t, dom)
        h.append("Message-ID: %s\n" % mid)
        h.append("Date: %s\n" % date)
        h.append("MIME-Version: 1.0\n")
        h.append("User-Agent: %s\n" % rng.choice(AGENTS))
        h.append("Content-Language: en-GB\n")
        h.append("To: %s\n" % ", ".join(p.addr() for p in pool[:nto]))
        if rng.random() < 0.2:
            h.append("Cc: %s\n" % pool[nto].addr())
        if rng.random() < 0.05:
            h.append("Bcc: %s\n" % pool[nto + 1].addr())
        h.append("From: %s <%s>\n" % (ME_NAME, me))
        folder = "Sent"
    elif kind == "in":
        p = (rng.choices(contacts, c_weights)[0] if rng.random() < 0.55
             else rng.choices(others, o_weights)[0])
        dom = p.emails[0].split("@")[1]
        h.append("Return-Path: <%s>\n" % p.emails[0])
        h.append("Delivered-To: %s\n" % ME[0])
        h.append(received(t, dom, rng.randint(2, 5)))
        if dom in ("gmail.com", "outlook.com", "fastmail.com", "icloud.com"):
            h.append(folded("ARC-Seal", "i=1; a=rsa-sha256; t=%d; cv=none; d=google.com; "
                            "s=arc-20160816; b=%s" % (t, b64(256))))
            h.append(folded("ARC-Authentication-Results", "i=1; mx.google.com; dkim=pass "
                            "header.i=@%s header.s=20230601 header.b=%s; spf=pass "
                            "(google.com: domain of %s designates 209.85.220.41 as permitted "
                            "sender) smtp.mailfrom=%s; dmarc=pass (p=NONE sp=QUARANTINE "
                            "dis=NONE) header.from=%s" % (dom, b64(6), p.emails[0],
                                                          p.emails[0], dom)))
        h.append("Authentication-Results: mx.example.org; dkim=pass header.d=%s; spf=pass\n" % dom)
        h.append(dkim(dom, int(t)))
        if dom == "gmail.com":
            h.append("X-Google-Smtp-Source: %s\n" % b64(60))
            h.append("X-Received: by 2002:a05:6512:3d8f:b0:52c:8c4d:de1f with SMTP id "
                     "%s;\n        %s\n" % (b64(6), date))
        h.append("MIME-Version: 1.0\n")
        h.append("From: %s\n" % p.addr())
        h.append("Date: %s\n" % date)
        mid = message_id(t, dom)
        h.append("Message-ID: %s\n" % mid)
        to = [rng.choices(ME, [70, 20, 10])[0]]
        if rng.random() < 0.2:
            to.append(rng.choices(contacts, c_weights)[0].addr())
        h.append("To: %s\n" % ", ".join(to))
        if rng.random() < 0.15:
            h.append("Cc: %s\n" % rng.choices(others, o_weights)[0].addr())
        folder = "INBOX" if t > END - 120 * 86400 or rng.random() < 0.2 else "Archive"
    elif kind == "list":
        name, ldom = rng.choice(LISTS)
        p = (rng.choices(contacts, c_weights)[0] if rng.random() < 0.15
             else rng.choices(others, o_weights)[0])
        h.append("Return-Path: <%s-bounces@%s>\n" % (name, ldom))
        h.append(received(t, ldom, rng.randint(2, 4)))
        h.append(dkim(ldom, int(t)))
        h.append("From: %s\n" % p.addr())
        h.append("To: %s@%s\n" % (name, ldom))
        h.append("Date: %s\n" % date)
        mid = message_id(t, p.emails[0].split("@")[1])
        h.append("Message-ID: %s\n" % mid)
        thread = [" ".join(rng.choice(WORDS) for _ in range(4)), []]
        h.append("List-Id: %s discussion <%s.%s>\n" % (name, name, ldom))
        h.append("List-Unsubscribe: <mailto:%s-request@%s?subject=unsubscribe>,\n <https://%s/"
                 "mailman/options/%s>\n" % (name, ldom, ldom, name))
        h.append("List-Archive: <https://%s/pipermail/%s/>\n" % (ldom, name))
        h.append("List-Post: <mailto:%s@%s>\n" % (name, ldom))
        h.append("Precedence: list\n")
        h.append("MIME-Version: 1.0\n")
        folder = "Lists/" + name
    else:
        robot = rng.choice(ROBOTS)
        dom = robot.split("@")[1]
        h.append("Return-Path: <bounces+%s@%s>\n" % (b64(9).replace("/", "x"), dom))
        h.append(received(t, dom, 2))
        h.append(dkim(dom, int(t)))
        h.append("From: %s <%s>\n" % (dom.split(".")[0].capitalize(), robot))
        h.append("To: %s\n" % ME[0])
        h.append("Date: %s\n" % date)
        mid = message_id(t, dom)
        h.append("Message-ID: %s\n" % mid)
        h.append("Auto-Submitted: auto-generated\n" if rng.random() < 0.5 else
                 "List-Unsubscribe: <https://%s/unsubscribe?u=%s>\n" % (dom, b64(12)))
        h.append("MIME-Version: 1.0\n")
        thread = ["[%s] Notification %d" % (dom, rng.randint(1, 99999)), []]
        folder = "Archive"
    refs = thread[1]
    h.append("Subject: %s\n" % subject_for(thread))
    if refs:
        h.append("In-Reply-To: %s\n" % refs[-1])
        h.append(folded("References", " ".join(refs[-10:])))
    refs.append(mid)
    r = rng.random()
    text = body_text(rng.randint(2, 40))
    if r < 0.004:
        att = attachment(rng.randint(1024 * 1024, 5 * 1024 * 1024))
    elif r < 0.054:
        att = attachment(rng.randint(10 * 1024, 200 * 1024))
    else:
        att = None
    if att is None and rng.random() < 0.5:
        h.append("Content-Type: text/plain; charset=UTF-8; format=flowed\n")
        h.append("Content-Transfer-Encoding: 7bit\n")
        body = text
    else:
        bnd = "------------%s" % hashlib.md5(mid.encode()).hexdigest()[:24]
        h.append('Content-Type: multipart/%s;\n boundary="%s"\n'
                 % ("mixed" if att else "alternative", bnd))
        body = ("This is a multi-part message in MIME format.\n--%s\n"
                "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 7bit\n\n%s"
                % (bnd, text))
        if att:
            body += ("--%s\nContent-Type: application/pdf; name=\"report.pdf\"\n"
                     "Content-Disposition: attachment;\n filename*=UTF-8''Bericht%%20%%C3%%9C"
                     "bersicht.pdf\nContent-Transfer-Encoding: base64\n\n%s" % (bnd, att))
        else:
            body += ("--%s\nContent-Type: text/html; charset=UTF-8\n"
                     "Content-Transfer-Encoding: 7bit\n\n<div>%s</div>\n" % (bnd, text))
        body += "--%s--\n" % bnd
    if kind == "in" and rng.random() < 0.005:
        folder = "dup:" + folder  # the same mail in INBOX and Archive
    return folder, "".join(h) + "\n" + body, kind


def maildir_name(t, i, folder, new, text):
    # One sync program per folder, as when accounts are set up over the years.
    style = ["mbsync", "offlineimap", "dovecot"][sum(map(ord, folder)) % 3]
    if style == "mbsync":
        base = "%d.%d_%d.laptop,U=%d" % (t, 20000 + i % 9000, i, i + 1)
    elif style == "offlineimap":
        base = "%d_%d.%d.laptop,U=%d,FMD5=%s" % (t, i, 3000 + i % 500, i + 1,
                                                 hashlib.md5(folder.encode()).hexdigest())
    else:
        size = len(text)
        base = "%d.M%dP%d.mail,S=%d,W=%d" % (t, i * 37 % 999999, 4000 + i % 700, size,
                                              size + text.count("\n"))
    if new:
        return base
    return base + ":2," + rng.choices(["S", "RS", "FS", "", "PS"], [70, 18, 4, 6, 2])[0]


def mbox_from(t):
    return "From %d@xxx %s\n" % (rng.randint(10 ** 18, 10 ** 19),
                                 time.strftime("%a %b %d %H:%M:%S +0000 %Y", time.gmtime(t)))


def mbox_body(text):
    # Thunderbird and mutt quote a body line that would read as a separator.
    return text.replace("\nFrom ", "\n>From ") + "\n"


def write(n, t0, t1, mail_root, mbox_path, force_new_folder, stats):
    made = set()
    step = (t1 - t0) / max(1, n)
    with open(mbox_path, "w", encoding="utf-8", newline="\n") as mbox:
        i = 0
        while i < n:
            t = int(t0 + i * step + rng.random() * step)
            folder, text, kind = make(t)
            folders = [folder]
            if folder.startswith("dup:"):
                folders = ["INBOX", "Archive"] if not force_new_folder else ["INBOX"]
            for f in folders:
                if i >= n:
                    break
                if force_new_folder:
                    f, new = force_new_folder, True
                else:
                    new = f == "INBOX" and (t > END - 14 * 86400 or rng.random() < 0.03)
                d = os.path.join(mail_root, f)
                if d not in made:
                    for sub in ("cur", "new", "tmp"):
                        os.makedirs(os.path.join(d, sub), exist_ok=True)
                    made.add(d)
                name = maildir_name(t, counter[0] * 10 + len(folders), f, new, text)
                with open(os.path.join(d, "new" if new else "cur", name), "w",
                          encoding="utf-8", newline="\n") as fh:
                    fh.write(text)
                mbox.write(mbox_from(t) + mbox_body(text))
                stats[kind] = stats.get(kind, 0) + 1
                stats["bytes"] = stats.get("bytes", 0) + len(text.encode())
                i += 1


def main():
    os.makedirs(OUT, exist_ok=True)
    stats = {}
    write(N, START, END, os.path.join(OUT, "Mail"), os.path.join(OUT, "all.mbox"), None, stats)
    extra = {}
    write(N_EXTRA, EXTRA_START, EXTRA_START + 86400, os.path.join(OUT, "extra"),
          os.path.join(OUT, "extra.mbox"), "INBOX", extra)
    with open(os.path.join(OUT, "contacts.vcf"), "w", encoding="utf-8") as f:
        for i, p in enumerate(contacts):
            f.write("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:bench-contact-%d\r\nFN:%s\r\n"
                    "N:%s;%s;;;\r\n" % (i, p.name, p.family, p.given))
            for e in p.emails:
                f.write("EMAIL;TYPE=INTERNET:%s\r\n" % e)
            f.write("END:VCARD\r\n")
    with open(os.path.join(OUT, "me.txt"), "w") as f:
        f.write("\n".join(ME) + "\n")
    with open(os.path.join(OUT, "stats.txt"), "w") as f:
        for k in sorted(stats):
            f.write("%s\t%s\n" % (k, stats[k]))
        f.write("extra\t%d\n" % sum(v for k, v in extra.items() if k != "bytes"))


main()
