#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Make a calendar file of foreign (not kith's) VTODOs for bench/large-file.sh.

Usage: gen-large-ics.py line BYTES OUT   one VTODO with an unfolded ATTACH
                                         line of BYTES base64 characters
                                         (a scanned PDF, as Thunderbird
                                         stores an attachment inline)
       gen-large-ics.py many N OUT       N small VTODOs, as a task app
                                         keeps them: a third completed

The same arguments give the same bytes (fixed seed).
"""

import base64
import random
import sys

HEAD = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\n")
TAIL = "END:VCALENDAR\r\n"
WORDS = ("call", "send", "review", "book", "pay", "renew", "draft", "fix", "plan", "order",
         "invoice", "slides", "flights", "contract", "report", "garden", "tax", "car")


def line(rng, size, out):
    raw = rng.randbytes(size * 3 // 4 + 3)
    blob = base64.b64encode(raw)[:size]
    out.write(HEAD.encode())
    out.write(b"BEGIN:VTODO\r\nUID:attachment-0001@example.org\r\n"
              b"DTSTAMP:20260101T090000Z\r\nCREATED:20260101T090000Z\r\n"
              b"LAST-MODIFIED:20260101T090000Z\r\nSUMMARY:Sign the scanned contract\r\n"
              b"DUE;VALUE=DATE:20260701\r\nSTATUS:NEEDS-ACTION\r\n"
              b"ATTACH;ENCODING=BASE64;VALUE=BINARY;FMTTYPE=application/pdf;"
              b"X-FILENAME=contract.pdf:")
    out.write(blob)
    out.write(b"\r\nEND:VTODO\r\n")
    out.write(TAIL.encode())


def many(rng, n, out):
    out.write(HEAD.encode())
    for i in range(n):
        y, m, d = 2025 + i % 2, 1 + i % 12, 1 + i % 28
        what = " ".join(rng.choice(WORDS) for _ in range(3))
        s = ("BEGIN:VTODO\r\nUID:task-%06d@example.org\r\n"
             "DTSTAMP:20260101T090000Z\r\nCREATED:%04d%02d%02dT080000Z\r\n"
             "LAST-MODIFIED:20260101T090000Z\r\nSUMMARY:%s (%d)\r\n"
             "DESCRIPTION:Item %d of the backlog\\, carried over.\r\n"
             "CATEGORIES:%s\r\nPRIORITY:%d\r\nDUE;VALUE=DATE:%04d%02d%02d\r\n"
             % (i, y, m, d, what.capitalize(), i, i, rng.choice(WORDS), i % 10, y + 1, m, d))
        if i % 3 == 0:
            s += ("STATUS:COMPLETED\r\nCOMPLETED:%04d%02d%02dT170000Z\r\n"
                  "PERCENT-COMPLETE:100\r\n" % (y + 1, m, d))
        else:
            s += "STATUS:NEEDS-ACTION\r\n"
        out.write((s + "END:VTODO\r\n").encode())
    out.write(TAIL.encode())


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("line", "many"):
        sys.exit(__doc__)
    rng = random.Random(11)
    with open(sys.argv[3], "wb") as out:
        (line if sys.argv[1] == "line" else many)(rng, int(sys.argv[2]), out)


if __name__ == "__main__":
    main()
