#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Marks the first VTODO of an iCalendar file complete the way Evolution does.

Usage: dbus-run-session -- eds_mark_complete.py IN.ics OUT.ics

Evolution's task list marks a task done with libecal's
e_cal_util_mark_task_complete_sync() (evolution-data-server 3.46,
Debian's gir1.2-ecal-2.0): a recurring task's DTSTART/DUE move to the next
occurrence of its RRULE, still NEEDS-ACTION. That call needs a connected
ECalClient (for time zones), so this makes an empty local task list in
the evolution-data-server services that the private D-Bus session starts
(their files go under HOME and the XDG directories, the caller's).
"""

import sys
import time

import gi

gi.require_version("ECal", "2.0")
gi.require_version("EDataServer", "1.2")
gi.require_version("ICalGLib", "3.0")
from gi.repository import ECal, EDataServer, ICalGLib  # noqa: E402


def main(src_path, out_path):
    registry = EDataServer.SourceRegistry.new_sync(None)
    source = EDataServer.Source.new(None, None)
    source.set_parent("local-stub")
    source.set_display_name("kith-test")
    source.get_extension(EDataServer.SOURCE_EXTENSION_TASK_LIST).set_backend_name("local")
    registry.commit_source_sync(source, None)
    # (guint32)-1: do not wait for "connected", which a local task list
    # never reports (a wait of 30 s is 30 s; 0 waits for ever).
    client = ECal.Client.connect_sync(source, ECal.ClientSourceType.TASKS, 0xFFFFFFFF, None)
    with open(src_path, encoding="utf-8") as f:
        cal = ICalGLib.Component.new_from_string(f.read())
    todo = cal.get_first_component(ICalGLib.ComponentKind.VTODO_COMPONENT)
    if todo is None:
        sys.exit("%s: no VTODO" % src_path)
    if not ECal.util_mark_task_complete_sync(todo, int(time.time()), client, None):
        sys.exit("%s: e_cal_util_mark_task_complete_sync failed" % src_path)
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(cal.as_ical_string())


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: eds_mark_complete.py IN.ics OUT.ics")
    main(sys.argv[1], sys.argv[2])
