#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the example address books kith's import demo uses.

    python3 examples/gen-contacts.py            # rewrites the two files below

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


def main():
    everyone = people(790)
    n_rows = write_csv(everyone)
    n_cards = write_vcf(everyone)
    print(f"examples/outlook-contacts.csv: {n_rows} rows; examples/contacts.vcf: {n_cards} cards")


if __name__ == "__main__":
    main()
