#!/bin/sh
# The import main job on the bundled example address book: a new user's
# 800 Outlook contacts, of whom only those contacted in the last two years
# still matter.  Creates a throwaway store, imports, shows the spread
# schedule and the weekly review as of 2026-06-01, then imports again to
# show that nothing changes.
#
#   sh examples/import-demo.sh PATH/TO/kith
#
# (examples/outlook-contacts.csv and contacts.vcf come from gen-contacts.py.)
set -eu

kith=${1:-kith}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/kith-import-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
KITH_DB="$work/kith.db"
export KITH_DB
today=2026-06-01

k() { "$kith" --today "$today" "$@"; }

echo "== kith init   (store: $KITH_DB)"
k init

echo
echo "== kith import examples/outlook-contacts.csv --since 2y --tier regular"
k import "$here/outlook-contacts.csv" --since 2y --tier regular

echo
echo "== kith import examples/contacts.vcf --since 2y   (Apple/Google vCards; some people again)"
k import "$here/contacts.vcf" --since 2y

echo
echo "== kith report   (the first reminders are spread over the quarter)"
k report

echo
echo "== kith review --days 14"
k review --days 14 | sed -n '/^Due/,$p'

echo
echo "== the same import again: nothing new"
k import "$here/outlook-contacts.csv" --since 2y --tier regular 2>/dev/null
