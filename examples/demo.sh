#!/bin/sh
# The main job on the bundled example network: create a throwaway store,
# add the people in network.tsv, log the touches in touches.tsv, then show
# who has gone quiet as of 2026-06-01, the weekly review, and export the
# reminders as an iCalendar file any calendar app opens.
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
k list

echo
echo "== logging the touches in examples/touches.tsv"
grep -v '^#' "$here/touches.tsv" | while IFS="$tab" read -r who on via note; do
	k touch "$who" --on "$on" --via "$via" --note "$note"
done

echo
echo "== kith report   (who has gone quiet, as of $today)"
k report

echo
echo "== kith review   (the weekly review)"
k review

echo
echo "== kith export --ics"
k export --ics "$work/kith.ics"
echo "Open $work/kith.ics in Thunderbird, Evolution or any calendar app."
