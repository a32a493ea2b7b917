#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gen-vcards.py N FILE: N made-up vCard 3.0 cards (fixed seed), Apple/Google style.

Each card: N, FN, ORG, TITLE, one or two emails (example.com/.org/.net),
a phone, a note, categories, an item-grouped last-contacted date for
about half, UID and REV.  Used by bench/import.sh.
"""
import random
import sys

rng = random.Random(10000)
GIVEN = ["Anna", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hugo", "Ines",
         "Jonas", "Kira", "Liam", "Maya", "Nils", "Olga", "Zoë", "Håkon", "Renée"]
SYL1 = ["Bran", "Cal", "Dorn", "Ell", "Fen", "Gar", "Hol", "Kest", "Marn", "Ost", "Rav"]
SYL2 = ["ock", "wick", "mere", "vale", "by", "stead", "holt", "ridge", "quist", "berg"]


def card(i):
    g, f = rng.choice(GIVEN), rng.choice(SYL1) + rng.choice(SYL2)
    dom = rng.choice(["example.com", "example.org", "example.net"])
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{f};{g};;;", f"FN:{g} {f}",
             f"ORG:Northwind\\, Unit {i % 97};", "TITLE:Engineer",
             f"item1.EMAIL;type=INTERNET;type=pref:p{i}.{f.lower()}@{dom}",
             "item1.X-ABLabel:_$!<Other>!$_",
             f"TEL;type=CELL;type=VOICE:+44 20 7946 {i % 1000:04d}",
             "NOTE:Met at a meetup\\, then worked together on a migration.\\nLikes "
             "long lunches and short meetings.",
             "CATEGORIES:Clients,Conference"]
    if rng.random() < 0.3:
        lines.append(f"EMAIL;type=INTERNET;type=WORK:{g.lower()}.{i}@{dom}")
    if rng.random() < 0.5:
        lines += [f"item2.X-ABDATE:20{rng.randrange(15, 26)}-{rng.randrange(1, 13):02d}-"
                  f"{rng.randrange(1, 29):02d}", "item2.X-ABLabel:last contacted"]
    lines += [f"UID:{rng.getrandbits(128):032x}", "REV:2025-10-16T09:00:00Z", "END:VCARD"]
    return "\r\n".join(lines)


n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w", encoding="utf-8", newline="") as out:
    out.write("\r\n".join(card(i) for i in range(n)) + "\r\n")
