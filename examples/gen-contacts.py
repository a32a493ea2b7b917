#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the example address books and mail archive kith's demo uses.

    python3 examples/gen-contacts.py            # rewrites the files below

examples/outlook-contacts.csv
    What Outlook's "Export to a file > Comma Separated Values" writes:
    windows-1252, CRLF, Outlook's 92 columns in Outlook's order, non-empty
    values quoted, empty ones bare except the text columns Outlook always
    quotes, and Outlook's fillers: "0/0/00" for no birthday or
    anniversary, "Unspecified", "Normal", "False", "SMTP" beside each
    address and the display name "Given Family (address)".  No "Last
    Contacted": Outlook has no such column; when each person was last
    mailed is in the mail archive below, which `kith scan` reads.
    The header (and the shape of a row) is taken from what real exports
    carry: https://www.spstechnical.com/outlook_contacts_schema.htm (the
    field list, in this order), and the Outlook-export readers and writers
    in public repositories that spell the same 92 columns (a Python reader
    of an outlook_contacts.CSV; a 2011 Google script writing Outlook's rows
    with "0/0/00", "SMTP", "Unspecified", "Normal","False",,,"Normal"; a
    converter citing https://stackoverflow.com/questions/4847596).
    About 800 made-up people: some mailed within the last two years, some
    long ago, some never; a few duplicates (the same person twice, once
    with another email), and a few malformed rows (an unquoted comma, a
    row with no name or email, a row cut short, a quote that never closes
    at the end of the file).
examples/mail/Inbox, examples/mail/Sent
    The mail of the user, Alex Morgan <alex.morgan@example.com> (`kith scan
    --me alex.morgan@example.com`), with those people from 2023-06-01 to
    2026-06-01, as Thunderbird keeps it in Local Folders: mbox files with
    CRLF lines, its "From - Mon Jun 05 13:14:53 2023" separators (no sender,
    day zero-padded), X-Mozilla-Status/-Status2/-Keys (the keys padded with
    80 blanks), ">From " escaped in bodies; the sent copies with
    Thunderbird's headers in its order (Message-ID, Date, MIME-Version,
    User-Agent, Content-Language, To, Cc, Bcc, From, Subject, References,
    In-Reply-To, Content-Type, Content-Transfer-Encoding); received mail
    as Outlook, Apple Mail or Thunderbird sent it, with Return-Path,
    Delivered-To and Received.  In it: names in RFC 2047 B and Q words in
    UTF-8, ISO-8859-1, windows-1252 and ISO-8859-15; folded To lines; Bcc
    in sent copies (some people are reached only that way); reply threads
    (In-Reply-To, References); mail to a person's second address; eight
    mails the user copied to themself, so the same message is in both
    folders; mailing-list mail (List-Id, List-Unsubscribe, Precedence:
    list) from four contacts; no-reply senders; one mail without a
    Message-ID; twelve people who are not in the address book (candidates),
    three of them written to in the week before 2026-06-01.
    Mailed since 2024-06-01 (`--since 2y` as of 2026-06-01), by kith's
    scan rules: exactly 366 people of the address book, the ones whose
    made-up "last contacted" day (the vCards' X-ABDATE) is in those two
    years: their newest mail is on that day.  Not among them, on purpose:
    the four whose only recent mail is list mail, and the three who were
    only in Cc of someone else's mail to the user (a mail from A is a touch
    with A only).  The 366 are the contacts `kith import ... --since 2y`
    keeps once it dates records by scanned mail; the malformed CSV rows are
    never mailed.  The generator prints the count it computes.
examples/contacts.vcf
    About 50 vCard 3.0 cards as Apple Contacts and Google write them (item
    groups, X-ABLabel "last contacted", REV, escaped commas, folded lines),
    some of them people also in the CSV.

Everyone is invented: given names are common ones, family names are made
from syllables, companies are made up or Microsoft's sample names, and
every email is at example.com, example.org or example.net.  The seed is
fixed, so the output never changes unless this script does.  Dates are
relative to 2026-06-01, the day the demo runs as (`--today 2026-06-01`).
"""
import datetime
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
ANCHOR = datetime.date(2026, 6, 1)
rng = random.Random(20260601)

GIVEN = [
    "Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jonas",
    "Kira", "Liam", "Maya", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Sami", "Tara",
    "Umar", "Vera", "Wendell", "Xenia", "Yusuf", "Zoë", "Håkon", "François", "Jürgen",
    "Chloé", "Siân", "Ólafur", "Björn", "Renée", "Matías", "Noémie", "Aoife", "Dara",
    "Emeka", "Fatima", "Giulia", "Hiro", "Isak", "Jana", "Kofi", "Lena", "Marco",
    "Nadia", "Oskar", "Priya", "Rafael", "Sofia", "Tomás", "Ulla", "Viktor", "Wiebke",
]
SYL1 = ["Bran", "Cal", "Dorn", "Ell", "Fen", "Gar", "Hol", "Ister", "Jarl", "Kest",
        "Lorr", "Marn", "Nor", "Ost", "Pell", "Quar", "Rav", "Sel", "Thorn", "Uld",
        "Vess", "Wend", "Yarr", "Zell", "Ash", "Birch", "Cor", "Dun"]
SYL2 = ["ock", "wick", "mere", "vale", "by", "stead", "holt", "ridge", "ton", "ford",
        "lin", "ow", "ett", "gard", "worth", "ley", "hurst", "quist", "berg", "ain"]
COMPANY_A = ["Northwind", "Contoso", "Fabrikam", "Tailspin", "Wingtip", "Litware",
             "Adatum", "Proseware", "Lucerne", "Alpine", "Blue Yonder", "Coho"]
COMPANY_B = ["Traders", "Ltd", "Inc.", "Systems", "Airlines", "Toys", "Publishing",
             "Winery", "Ski House", "Consulting", "Labs", "Partners"]
TITLES = ["Engineer", "Head of Sales", "Product Manager", "CTO", "Designer",
          "Account Director", "Researcher", "Recruiter", "Founder", "Analyst", ""]
DOMAINS = ["example.com", "example.org", "example.net"]
CATEGORIES = ["Clients", "Conference", "Former colleagues", "Suppliers", "Alumni",
              "Mentors", "Investors"]
NOTES = [
    "Met at the spring conference.",
    "Introduced by a former colleague; interested in the data platform.",
    'Said "call me after the summer", then went quiet.',
    "Worked together on the 2019 migration.\r\nStill owes me a coffee.",
    "Runs a meetup, about 40 people, every second Tuesday.",
    "",
]

ASCII = str.maketrans("ëåçüéâóöéáíñ", "eacueaooeain")


def surname():
    return rng.choice(SYL1) + rng.choice(SYL2)


def email_for(given, family, n=0):
    local = f"{given}.{family}".lower().translate(ASCII).replace("ö", "o")
    local = "".join(ch for ch in local if ch.isascii() and (ch.isalnum() or ch == "."))
    return f"{local}{n or ''}@{rng.choice(DOMAINS)}"


def phone():
    return "+44 20 7946 " + f"{rng.randrange(1000):04d}"  # Ofcom's drama range


def company():
    return f"{rng.choice(COMPANY_A)} {rng.choice(COMPANY_B)}"


def last_contacted(kind):
    if kind == "recent":
        return ANCHOR - datetime.timedelta(days=rng.randrange(1, 720))
    if kind == "old":
        return ANCHOR - datetime.timedelta(days=rng.randrange(760, 4000))
    return None


def us_date(d):
    return f"{d.month}/{d.day}/{d.year}" if d else ""


def people(n):
    seen = set()
    out = []
    while len(out) < n:
        g, f = rng.choice(GIVEN), surname()
        if (g, f) in seen:
            continue
        seen.add((g, f))
        kind = rng.choices(["recent", "old", "none"], weights=[45, 33, 22])[0]
        out.append({
            "given": g, "family": f, "email": email_for(g, f),
            "email2": email_for(g, f, 2) if rng.random() < 0.15 else "",
            "mobile": phone() if rng.random() < 0.6 else "",
            "business": phone() if rng.random() < 0.3 else "",
            "company": company() if rng.random() < 0.8 else "",
            "title": rng.choice(TITLES),
            "birthday": datetime.date(rng.randrange(1955, 2000), rng.randrange(1, 13),
                                      rng.randrange(1, 29)) if rng.random() < 0.2 else None,
            "notes": rng.choice(NOTES) if rng.random() < 0.3 else "",
            "categories": ";".join(sorted(rng.sample(CATEGORIES, rng.randrange(0, 3)))),
            "last": last_contacted(kind),
        })
    return out


# Outlook's header, every column in its order (see the docstring for where
# it comes from).
HEADER = [
    "Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company", "Department",
    "Job Title", "Business Street", "Business Street 2", "Business Street 3", "Business City",
    "Business State", "Business Postal Code", "Business Country/Region", "Home Street",
    "Home Street 2", "Home Street 3", "Home City", "Home State", "Home Postal Code",
    "Home Country/Region", "Other Street", "Other Street 2", "Other Street 3", "Other City",
    "Other State", "Other Postal Code", "Other Country/Region", "Assistant's Phone",
    "Business Fax", "Business Phone", "Business Phone 2", "Callback", "Car Phone",
    "Company Main Phone", "Home Fax", "Home Phone", "Home Phone 2", "ISDN", "Mobile Phone",
    "Other Fax", "Other Phone", "Pager", "Primary Phone", "Radio Phone", "TTY/TDD Phone",
    "Telex", "Account", "Anniversary", "Assistant's Name", "Billing Information", "Birthday",
    "Business Address PO Box", "Categories", "Children", "Directory Server", "E-mail Address",
    "E-mail Type", "E-mail Display Name", "E-mail 2 Address", "E-mail 2 Type",
    "E-mail 2 Display Name", "E-mail 3 Address", "E-mail 3 Type", "E-mail 3 Display Name",
    "Gender", "Government ID Number", "Hobby", "Home Address PO Box", "Initials",
    "Internet Free Busy", "Keywords", "Language", "Location", "Manager's Name", "Mileage",
    "Notes", "Office Location", "Organizational ID Number", "Other Address PO Box", "Priority",
    "Private", "Profession", "Referred By", "Sensitivity", "Spouse", "User 1", "User 2",
    "User 3", "User 4", "Web Page",
]
# Outlook writes these as "" when empty and leaves the others bare (,,).
QUOTED_EMPTY = {"Title", "First Name", "Middle Name", "Last Name", "Suffix", "Company",
                "Department", "Job Title", "Account", "Initials", "Keywords", "Language",
                "Location"}
# What Outlook writes for a field nobody filled in.
DEFAULTS = {"Anniversary": "0/0/00", "Birthday": "0/0/00", "Gender": "Unspecified",
            "Priority": "Normal", "Private": "False", "Sensitivity": "Normal"}
COUNTRY = {"London": "United Kingdom", "Berlin": "Germany", "Lyon": "France", "Oslo": "Norway"}


def quote(v):
    return '"' + v.replace('"', '""') + '"'


def outlook_fields(p, fixed=False):
    """A person as Outlook's columns, in order: [(column, value)].

    fixed: no title or city, and no draw from rng, so the hand-made rows
    leave the random sequence (and so contacts.vcf) as it was."""
    values = dict(DEFAULTS)
    values.update({
        "First Name": p["given"], "Last Name": p["family"],
        "Title": "" if fixed else rng.choice(["", "", "Ms.", "Mr.", "Dr."]),
        "Business Phone": p["business"], "Mobile Phone": p["mobile"],
        "Company": p["company"], "Job Title": p["title"],
        "Notes": p["notes"], "Categories": p["categories"],
    })
    city = "" if fixed else rng.choice(["London", "Berlin", "Lyon", "Oslo", ""])
    if city:
        values["Business City"] = city
        values["Business Country/Region"] = COUNTRY[city]
    if p["birthday"]:
        values["Birthday"] = us_date(p["birthday"])
    # Outlook fills the type and a display name "Name (address)" beside every address.
    for n, key in (("", "email"), (" 2", "email2")):
        if p[key]:
            values[f"E-mail{n} Address"] = p[key]
            values[f"E-mail{n} Type"] = "SMTP"
            values[f"E-mail{n} Display Name"] = f"{p['given']} {p['family']} ({p[key]})"
    initials = p["given"][0] + "." + p["family"][0] + "."
    values["Initials"] = initials
    values["Web Page"] = p.get("web", "")
    return [(h, values.get(h, "")) for h in HEADER]


def outlook_cell(h, v):
    return quote(v) if v or h in QUOTED_EMPTY else ""


def outlook_row(p):
    return ",".join(outlook_cell(h, v) for h, v in outlook_fields(p))


def write_csv(everyone):
    rows = [",".join(quote(h) for h in HEADER)]
    for i, p in enumerate(everyone):
        rows.append(outlook_row(p))
        # Duplicates: the same person again, with another address or a phone added.
        if i % 53 == 7:
            twin = dict(p, email=p["email"].upper(), email2=email_for(p["given"], p["family"], 3),
                        mobile=phone())
            rows.append(outlook_row(twin))
    ada = dict(everyone[0], given="Ada", family="Marnock", email="ada.marnock@example.com",
               email2="", mobile="", business="", company="Contoso, Ltd", title="",
               birthday=None, notes="", categories="", web="www.example.com/ada")
    # Malformed rows, at fixed places.  An unquoted comma, as a hand edit leaves
    # it.  The importer sees it only because the last column (Web Page) is
    # filled: the extra field it pushes out is not empty.
    rows.insert(120, ",".join(v if h == "Company" else outlook_cell(h, v)
                              for h, v in outlook_fields(ada, True)))
    rows.insert(333, "," * (len(HEADER) - 1))  # blank, as a spreadsheet leaves it: ignored
    nobody = [(h, "+44 20 7946 0000" if h == "Mobile Phone" else DEFAULTS.get(h, ""))
              for h in HEADER]
    rows.insert(334, ",".join(outlook_cell(h, v) for h, v in nobody))  # a phone, nobody's
    ivo = dict(ada, given="Ivo", family="Selby", email="ivo.selby@example.org", company="",
               web="")
    # A row cut short after the address (fewer fields than the header).
    rows.insert(600, ",".join(outlook_cell(h, v) for h, v in outlook_fields(ivo, True)[:60]))
    tess = dict(ada, given="Tess", family="Pellridge", email="tess.pellridge@example.net",
                company="", notes="", web="")
    cells = [outlook_cell(h, v) for h, v in outlook_fields(tess, True)]
    notes = HEADER.index("Notes")
    # The file ends inside a quoted field: a quote that never closes.
    rows.append(",".join(cells[:notes]) + ',"She said ""see you at')
    data = "\r\n".join(rows) + "\r\n"
    with open(os.path.join(HERE, "outlook-contacts.csv"), "wb") as f:
        f.write(data.encode("cp1252"))
    return len(rows) - 1


def vcard_escape(s):
    return s.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def fold(line):
    out, cur = [], ""
    for ch in line:
        if len((cur + ch).encode()) > 75:
            out.append(cur)
            cur = " "
        cur += ch
    out.append(cur)
    return "\r\n".join(out)


def write_vcf(everyone):
    cards = []
    picks = everyone[:20] + [p for p in people(30)]
    for i, p in enumerate(picks):
        lines = ["BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Apple Inc.//macOS 14.5//EN",
                 f"N:{vcard_escape(p['family'])};{vcard_escape(p['given'])};;;",
                 f"FN:{vcard_escape(p['given'] + ' ' + p['family'])}"]
        if p["company"]:
            lines.append(f"ORG:{vcard_escape(p['company'])};")
        if p["title"]:
            lines.append(f"TITLE:{vcard_escape(p['title'])}")
        lines.append(f"item1.EMAIL;type=INTERNET;type=pref:{p['email'].lower()}")
        lines.append("item1.X-ABLabel:_$!<Other>!$_")
        if p["mobile"]:
            lines.append(f"TEL;type=CELL;type=VOICE;type=pref:{p['mobile']}")
        if p["last"]:
            lines.append(f"item2.X-ABDATE:{p['last'].isoformat()}")
            lines.append("item2.X-ABLabel:last contacted")
        if p["notes"]:
            lines.append(fold("NOTE:" + vcard_escape(p["notes"].replace("\r\n", "\n"))))
        if p["categories"]:
            lines.append("CATEGORIES:" + ",".join(vcard_escape(c)
                                                  for c in p["categories"].split(";")))
        lines.append(f"UID:{rng.getrandbits(128):032x}")
        lines.append(f"REV:{(ANCHOR - datetime.timedelta(days=rng.randrange(1, 900))).isoformat()}"
                     "T09:00:00Z")
        lines.append("END:VCARD")
        cards.append("\r\n".join(lines))
    with open(os.path.join(HERE, "contacts.vcf"), "w", encoding="utf-8", newline="") as f:
        f.write("\r\n".join(cards) + "\r\n")
    return len(cards)


# --- The mail archive ---------------------------------------------------------

ME_NAME, ME = "Alex Morgan", "alex.morgan@example.com"
ARCHIVE_START = ANCHOR - datetime.timedelta(days=1095)  # three years of mail
SINCE = datetime.date(2024, 6, 1)                       # --since 2y as of ANCHOR
mrng = random.Random(20260602)  # its own sequence: the address books stay as they were
KEYS_PAD = " " * 80             # Thunderbird reserves room for tags it may add later
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
CHARSETS = ["UTF-8", "ISO-8859-1", "windows-1252", "ISO-8859-15"]
SUBJECTS = ["Coffee next week?", "The slides from Tuesday", "Quick question about the migration",
            "Intro: two people you should meet", "Congratulations on the new role!",
            "Following up on our call", "Your talk at the meetup", "Catching up",
            "Références pour le projet", "Grüße aus Berlin", "Lunch in Oslo?",
            "That article I mentioned"]
BODIES = ["Good to hear from you. Are you free for a coffee one of these days?",
          "Here is the link I promised. Let me know what you think.",
          "Thanks again for your time today, it was really useful.",
          "How are things at your end? It has been a while.",
          "From what I remember you were looking into this too.",
          "Short one: could you send me the name of that contact?"]


def enc_word(text, charset):
    """RFC 2047 for a display name: as-is when ASCII, else B or Q in charset."""
    if text.isascii():
        return text
    raw = text.encode(charset)
    if mrng.random() < 0.5:
        import base64
        return f"=?{charset}?B?{base64.b64encode(raw).decode()}?="
    q = "".join(chr(b) if 33 <= b < 127 and chr(b) not in "=?_\"()<>,;:@" else
                "_" if b == 32 else f"={b:02X}" for b in raw)
    return f"=?{charset}?Q?{q}?="


def addr(name, email, charset="UTF-8"):
    return f"{enc_word(name, charset)} <{email}>" if name else email


def fold_addrs(field, addrs):
    """A header of addresses, folded after a comma as mail programs do."""
    out, line = [], field + ": "
    for i, a in enumerate(addrs):
        piece = a + ("," if i < len(addrs) - 1 else "")
        if len(line) + len(piece) > 76 and line.strip() != field + ":":
            out.append(line.rstrip())
            line = " "
        line += piece + " "
    out.append(line.rstrip())
    return out


def rfc2822(dt, offset):
    sign = "+" if offset >= 0 else "-"
    h, m = divmod(abs(offset), 60)
    return (f"{DAYS[dt.weekday()]}, {dt.day} {MONTHS[dt.month - 1]} {dt.year} "
            f"{dt:%H:%M:%S} {sign}{h:02d}{m:02d}")


def separator(utc):
    """Thunderbird's: no sender, the time it stored the mail (day zero-padded)."""
    return (f"From - {DAYS[utc.weekday()]} {MONTHS[utc.month - 1]} {utc.day:02d} "
            f"{utc:%H:%M:%S} {utc.year}")


def msgid(domain):
    u = mrng.getrandbits(128)
    h = f"{u:032x}"
    return f"<{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}@{domain}>"


class Archive:
    """Inbox and Sent as Thunderbird's Local Folders mbox files."""

    def __init__(self):
        self.inbox, self.sent = [], []
        self.touches = []  # (email, date, direction) by kith's rules, to count the subset

    @staticmethod
    def moment(day, mine=False):
        # Office hours in the sender's zone; every zone here keeps the UTC day.
        # The user is in London: BST from April to October, roughly.
        offset = (60 if 4 <= day.month <= 10 else 0) if mine else \
            mrng.choice([0, 60, 60, 120, -240, -300])
        local = datetime.datetime.combine(day, datetime.time(mrng.randrange(9, 18),
                                                             mrng.randrange(60),
                                                             mrng.randrange(60)))
        return local, offset, local - datetime.timedelta(minutes=offset)

    def send(self, day, to, cc=(), bcc=(), subject=None, reply_to=None, also_inbox=False):
        """A mail from the user (Thunderbird).  to/cc/bcc: [(name, email, charset)]."""
        subject = subject or mrng.choice(SUBJECTS)
        local, offset, utc = self.moment(day, mine=True)
        mid = msgid("example.com")
        head = [f"Message-ID: {mid}", f"Date: {rfc2822(local, offset)}", "MIME-Version: 1.0",
                "User-Agent: Mozilla Thunderbird", "Content-Language: en-GB"]
        head += fold_addrs("To", [addr(n, e, "UTF-8") for n, e, _ in to])
        if cc:
            head += fold_addrs("Cc", [addr(n, e, "UTF-8") for n, e, _ in cc])
        if bcc:  # Thunderbird keeps the Bcc in the copy it files in Sent
            head += fold_addrs("Bcc", [addr(n, e, "UTF-8") for n, e, _ in bcc])
        head += [f"From: {addr(ME_NAME, ME)}", "Subject: " + self.subject(subject, reply_to)]
        head += self.thread(reply_to)
        head += ["Content-Type: text/plain; charset=UTF-8; format=flowed",
                 "Content-Transfer-Encoding: 7bit"]
        body = self.body(reply_to)
        status2 = "00800000"  # a sent copy asks for no return receipt
        self.sent.append((utc, ["X-Mozilla-Status: 0001", f"X-Mozilla-Status2: {status2}",
                                f"X-Mozilla-Keys:{KEYS_PAD}"] + head, body))
        if also_inbox:  # the user was in Cc: the same message arrives in the Inbox too
            self.inbox.append((utc, self.mozilla("0001") + self.received(utc, "example.com") +
                               head, body))
        for _, e, _ in list(to) + list(cc) + list(bcc):
            self.touches.append((e.lower(), day, "out"))
        return (mid, subject, reply_to)

    def receive(self, day, sender, cc=(), subject=None, reply_to=None, bulk=None, status="0001",
                no_id=False):
        """A mail to the user from sender (name, email, charset), by its own program."""
        name, email, charset = sender
        subject = subject or mrng.choice(SUBJECTS)
        local, offset, utc = self.moment(day)
        domain = email.split("@")[1]
        mid = msgid(domain)
        agent = mrng.choice(["outlook", "apple", "thunderbird"])
        head = self.received(utc, domain)
        if not no_id:
            head.append(f"Message-ID: {mid}")
        head.append(f"Date: {rfc2822(local, offset)}")
        if agent == "apple":
            head.append("Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.500.171.1.1\\))")
        else:
            head.append("MIME-Version: 1.0")
        if agent == "thunderbird":
            head += ["User-Agent: Mozilla Thunderbird", "Content-Language: en-US"]
        elif agent == "outlook":
            head += ["X-Mailer: Microsoft Outlook 16.0", "Content-Language: en-gb",
                     "Thread-Index: " + f"{mrng.getrandbits(96):024x}"]
        else:
            head.append("X-Mailer: Apple Mail (2.3774.500.171.1.1)")
        if bulk:
            head += bulk
        to = [addr(ME_NAME, ME)] if not bulk else ["<meetup@lists.example.org>"]
        head += fold_addrs("To", to)
        if cc:
            head += fold_addrs("Cc", [addr(n, e, cs) for n, e, cs in cc])
        head += [f"From: {addr(name, email, charset)}", "Subject: " +
                 self.subject(subject, reply_to)]
        head += self.thread(reply_to)
        cs = "utf-8" if charset == "UTF-8" else charset.lower()
        head += [f"Content-Type: text/plain; charset={cs}", "Content-Transfer-Encoding: 8bit"]
        self.inbox.append((utc, self.mozilla(status) + head, self.body(reply_to)))
        if not bulk and not email.lower().startswith(("no-reply", "noreply")):
            self.touches.append((email.lower(), day, "in"))
        return (mid, subject, reply_to)

    @staticmethod
    def mozilla(status):
        return [f"X-Mozilla-Status: {status}", "X-Mozilla-Status2: 00000000",
                f"X-Mozilla-Keys:{KEYS_PAD}"]

    @staticmethod
    def received(utc, domain):
        when = rfc2822(utc + datetime.timedelta(seconds=mrng.randrange(2, 40)), 0)
        return [f"Return-Path: <bounces+{mrng.getrandbits(32):08x}@{domain}>",
                "Delivered-To: " + ME,
                f"Received: from mail.{domain} (mail.{domain} [192.0.2.{mrng.randrange(1, 254)}])",
                f"\tby mx.example.com (Postfix) with ESMTPS id {mrng.getrandbits(40):010X}",
                f"\tfor <{ME}>; {when}"]

    @staticmethod
    def subject(subject, reply_to):
        s = ("Re: " + reply_to[1]) if reply_to else subject
        return s if s.isascii() else enc_word(s, "UTF-8")

    @staticmethod
    def thread(reply_to):
        if not reply_to:
            return []
        refs = []
        r = reply_to
        while r:
            refs.insert(0, r[0])
            r = r[2]
        return ["References: " + " ".join(refs[-3:]), "In-Reply-To: " + reply_to[0]]

    @staticmethod
    def body(reply_to):
        text = mrng.choice(BODIES)
        lines = [text[:72], ""]
        if text.startswith("From "):  # Thunderbird escapes a body's "From " line
            lines[0] = ">" + lines[0]
        if reply_to:
            lines += ["> Thanks, that helps.", ""]
        return lines + ["-- ", "Alex"] if not reply_to else lines

    def write(self):
        os.makedirs(os.path.join(HERE, "mail"), exist_ok=True)
        for name, box in (("Inbox", self.inbox), ("Sent", self.sent)):
            out = []
            for utc, head, body in sorted(box, key=lambda m: m[0]):
                out += [separator(utc)] + head + [""] + body + [""]
            with open(os.path.join(HERE, "mail", name), "wb") as f:
                f.write(("\r\n".join(out) + "\r\n").encode("ascii"))
        return len(self.inbox), len(self.sent)


def day_between(lo, hi):
    """A random day lo..hi days before ANCHOR."""
    return ANCHOR - datetime.timedelta(days=mrng.randrange(lo, hi + 1))


def person_ref(p, use2=False):
    name = f"{p['given']} {p['family']}"
    email = p["email2"] if use2 and p["email2"] else p["email"].lower()
    return (name, email, mrng.choice(CHARSETS))


def write_mail(everyone):
    """The user's mail with everyone, as of ANCHOR; returns the subset mailed since SINCE."""
    a = Archive()
    recent = [p for p in everyone if p["last"] and p["last"] >= SINCE]
    old = [p for p in everyone if p["last"] and ARCHIVE_START < p["last"] < SINCE]
    for i, p in enumerate(recent):
        who = person_ref(p, use2=i % 9 == 4)
        last = p["last"]
        # Earlier mail first, then the newest exchange on the day of p["last"].
        for _ in range(mrng.randrange(0, 3)):
            d = day_between((ANCHOR - last).days + 1, 1090)
            if mrng.random() < 0.5:
                a.send(d, [who])
            else:
                a.receive(d, who)
        shape = i % 7
        if shape == 0:    # a reply thread: out, in, out again
            first = a.send(last - datetime.timedelta(days=3), [who])
            reply = a.receive(last - datetime.timedelta(days=2), who, reply_to=first,
                              status="0003")
            a.send(last, [who], reply_to=reply)
        elif shape == 1:  # they wrote, the user has not answered
            a.receive(last, who, status="0000")
        elif shape == 2:  # reached only through a Bcc in the sent copy
            other = person_ref(recent[(i + 1) % len(recent)])
            a.send(last, [other], bcc=[who])
        elif shape == 3:  # one of several recipients, the To line folded
            others = [person_ref(q) for q in recent[i + 1:i + 4]]
            a.send(last, [who] + others[:1], cc=others[1:])
        elif shape == 4 and i < 60:  # the user copied themself: in Sent and in the Inbox
            a.send(last, [who], cc=[(ME_NAME, ME, "UTF-8")], also_inbox=True)
        elif i % 2:
            a.send(last, [who])
        else:
            a.receive(last, who)
    for i, p in enumerate(old):
        if i % 2:
            a.receive(p["last"], person_ref(p))
        else:
            a.send(p["last"], [person_ref(p)])
    long_ago = [p for p in everyone if p["last"] and p["last"] < SINCE]
    # Not evidence, by kith's rules: list mail from a contact, and being in Cc
    # of someone else's mail to the user (the other recipients wrote nothing).
    listed = long_ago[:4]
    for i, p in enumerate(listed):
        for k in range(2):
            a.receive(day_between(20, 400), person_ref(p), status="0000", bulk=[
                "List-Id: Data Platform Meetup <meetup.lists.example.org>",
                "List-Unsubscribe: <mailto:meetup-leave@lists.example.org>",
                "Precedence: list", "Sender: meetup-bounces@lists.example.org"])
    for i, p in enumerate(long_ago[4:7]):
        a.receive(day_between(30, 300), person_ref(recent[i]), cc=[person_ref(p)])
    # Robots.
    for k in range(12):
        a.receive(day_between(1, 1000), ("Contoso Events", "no-reply@example.com", "UTF-8"),
                  status="0000")
    a.receive(day_between(1, 60), ("Fabrikam Billing", "noreply@billing.example.net", "UTF-8"))
    # People who are not contacts: candidates, three of them this week.
    strangers = people_not_in(everyone, 12)
    for i, s_ in enumerate(strangers):
        d = day_between(1, 6) if i < 3 else day_between(8, 1000)
        ref = (s_[0], s_[1], mrng.choice(CHARSETS))
        if i % 2:
            a.receive(d, ref)
        else:
            a.send(d, [ref])
    # One old mail without a Message-ID (kith keys it by Date, From and Subject).
    a.receive(day_between(400, 700), person_ref(recent[5]), no_id=True)
    n_in, n_out = a.write()
    return a, n_in, n_out


def people_not_in(everyone, n):
    known = {(p["given"], p["family"]) for p in everyone}
    out = []
    while len(out) < n:
        g = mrng.choice(GIVEN)
        f = mrng.choice(SYL1) + mrng.choice(SYL2)
        if (g, f) in known:
            continue
        known.add((g, f))
        local = f"{g}.{f}".lower().translate(ASCII)
        local = "".join(ch for ch in local if ch.isascii() and (ch.isalnum() or ch == "."))
        out.append((f"{g} {f}", f"{local}@{mrng.choice(DOMAINS)}"))
    return out


def mailed_since(a, everyone, since):
    """The people of the address book the archive shows were mailed since `since`:
    a touch by kith's rules (either direction, any of their addresses)."""
    seen = {e for e, d, _ in a.touches if d >= since}
    out = []
    for p in everyone:
        if any(x and x.lower() in seen for x in (p["email"], p["email2"])):
            out.append(p)
    return out


def main():
    everyone = people(790)
    n_rows = write_csv(everyone)
    n_cards = write_vcf(everyone)
    archive, n_in, n_out = write_mail(everyone)
    kept = mailed_since(archive, everyone, SINCE)
    print(f"examples/outlook-contacts.csv: {n_rows} rows; examples/contacts.vcf: {n_cards} cards")
    print(f"examples/mail: Inbox {n_in} messages, Sent {n_out}; "
          f"{len(kept)} of the address book mailed since {SINCE}")


if __name__ == "__main__":
    main()
