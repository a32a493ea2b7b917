#!/bin/sh
# The main job on the bundled example data: create a throwaway store,
# scan the user's mail archive (Thunderbird's Inbox and Sent mbox files;
# a second scan finds nothing new), import an 800-person Outlook address
# book keeping those mailed in the last two years (re-importing changes
# nothing), add the closer people of
# network.tsv and log the touches in touches.tsv, show who has gone quiet
# as of 2026-06-01 and the weekly review, then sync the
# reminders to the embedded default calendar file, tick one off the way
# Thunderbird does, and sync again: the completion comes back as a touch
# and the reminder moves one cadence past that day.
#
#   sh examples/demo.sh PATH/TO/kith
set -eu

kith=${1:-kith}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/kith-demo.XXXXXX")
KITH_DB="$work/kith.db"
export KITH_DB
today=2026-06-01
tab=$(printf '\t')

k() { "$kith" --today "$today" "$@"; }

echo "== kith init   (store: $KITH_DB)"
k init

me=alex.morgan@example.com
scan() { k scan --mbox "$here/mail/Inbox" --mbox "$here/mail/Sent" --me "$me"; }

echo
echo "== kith scan --mbox examples/mail/Inbox --mbox examples/mail/Sent --me $me"
echo "   (three years of the user's mail, as Thunderbird keeps it; nobody is a"
echo "   contact yet, so everyone mailed is kept as a candidate, never added)"
scan
echo
echo "== the same scan again: nothing new"
scan

echo
echo "== kith import examples/outlook-contacts.csv --since 2y --tier regular"
echo "   (800 Outlook contacts; an Outlook export has no last-contact column, so"
echo "   a record is dated by the newest mail the scan found with any of its"
echo "   addresses: 366 of them were mailed in the last two years; their mail"
echo "   becomes their touches)"
k import "$here/outlook-contacts.csv" --since 2y --tier regular
echo
echo "== the same import again: nothing new"
k import "$here/outlook-contacts.csv" --since 2y --tier regular 2>/dev/null | grep "new contacts"

echo
echo "== adding the people in examples/network.tsv"
grep -v '^#' "$here/network.tsv" | while IFS="$tab" read -r name email phone tier every via org met; do
	# One option per line so values with spaces stay whole.
	set -- --email "$email" --tier "$tier" --via "$via" --met "$met"
	[ "$phone" = "-" ] || set -- "$@" --phone "$phone"
	[ "$every" = "-" ] || set -- "$@" --every "$every"
	[ "$org" = "-" ] || set -- "$@" --org "$org"
	k -q add "$name" "$@"
done
k list --tier core

echo
echo "== logging the touches in examples/touches.tsv"
grep -v '^#' "$here/touches.tsv" | while IFS="$tab" read -r who on via note; do
	k touch "$who" --on "$on" --via "$via" --note "$note"
done

echo
echo "== kith report   (who has gone quiet, as of $today; the first 25 lines)"
echo "   (the imported people's first reminders are spread over the quarter)"
k report | head -n 25

echo
echo "== kith review   (the weekly review: what falls due in the next 7 days)"
k review | sed -n '/^Due/,$p' | head -n 30

echo
echo "== kith -q sync   (no target configured: the local calendar file next to the store)"
k -q sync
cal="$work/reminders.ics"

echo
echo "== on 2026-06-03 Anna's reminder is ticked off in a calendar app"
/usr/bin/python3 "$here/tick.py" "$cal" "Anna Berg" 2026-06-03T12:30:00Z

echo
echo "== kith sync   (reads the completion back: a touch, and the next reminder a cadence later)"
"$kith" --today 2026-06-04 sync
"$kith" --today 2026-06-04 show anna.berg@example.org

echo
echo "== kith sync again: nothing changed, nothing written"
"$kith" --today 2026-06-04 sync

echo
echo "== kith export --ics"
k export --ics "$work/kith.ics"
echo "Open $cal (kept in sync) or $work/kith.ics in Thunderbird, Evolution or any calendar app."
