#!/usr/bin/python3
"""Tick off a kith reminder in a calendar file the way Thunderbird does.

    tick.py CALENDAR.ics NAME [YYYY-MM-DDTHH:MM:SSZ]

Adds a completed RECURRENCE-ID override for the reminder's current
occurrence, as Thunderbird writes when you tick a recurring task, so the
demo can show `kith sync` reading a completion back.  Needs
python3-icalendar (Debian).
"""
import datetime
import sys

import icalendar


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    path, name = sys.argv[1], sys.argv[2]
    when = datetime.datetime.now(datetime.timezone.utc)
    if len(sys.argv) == 4:
        when = datetime.datetime.strptime(sys.argv[3], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=datetime.timezone.utc)
    with open(path, "rb") as f:
        cal = icalendar.Calendar.from_ical(f.read())
    master = None
    for todo in cal.walk("VTODO"):
        if name.lower() in str(todo.get("SUMMARY", "")).lower() and "RECURRENCE-ID" not in todo:
            master = todo
            break
    if master is None:
        sys.exit(f"tick.py: no reminder for '{name}' in {path}")
    done = icalendar.Todo()
    for key in ("UID", "SUMMARY", "DTSTART", "DUE"):
        done.add(key, master.decoded(key))
    done.add("RECURRENCE-ID", master.decoded("DTSTART"))
    done.add("STATUS", "COMPLETED")
    done.add("COMPLETED", when)
    done.add("PERCENT-COMPLETE", 100)
    done.add("DTSTAMP", when)
    done.add("LAST-MODIFIED", when)
    cal.add_component(done)
    master["X-MOZ-GENERATION"] = str(int(master.get("X-MOZ-GENERATION", 0)) + 1)
    with open(path, "wb") as f:
        f.write(cal.to_ical())
    print(f"Ticked off '{master['SUMMARY']}' in {path} (as Thunderbird would)")


if __name__ == "__main__":
    main()
