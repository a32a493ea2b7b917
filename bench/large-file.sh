#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/large-file.sh - `kith sync` on a calendar file that holds one 20 MB
# line, and on one that holds 50,000 foreign VTODOs, against libical and
# python3-icalendar reading the same file (issue 11).
#
# Generates once (cached): a store of KITH_LARGE_CONTACTS contacts
# (kith-bench-gen) and two calendar files of foreign items
# (gen-large-ics.py): "line", one VTODO with an unfolded base64 ATTACH of
# KITH_LARGE_LINE_BYTES characters; "many", KITH_LARGE_ITEMS VTODOs.  Then,
# for each file, times whole processes with /usr/bin/time (wall, user +
# system CPU, peak RSS):
#   - kith sync, first: a fresh copy of the store and of the foreign file;
#     kith reads it, adds one reminder per contact, rewrites the file;
#   - kith sync, no-op: the store and file that sync left; nothing to do;
#   - libical 3 on the file the first sync wrote (foreign items and kith's
#     reminders): icalparser_parse() fed by fgets() (the floor), the same
#     plus writing the calendar back (serialize, fsync, rename), and
#     icalparser_parse_string() on the whole text, as one would write it
#     (kith-bench-ical-peer, bench/ical-peer.c, compiled here);
#   - python3-icalendar: Calendar.from_ical() on the same file.
# Prints a Markdown table and writes it to bench/large-file-results.md.
#
# Environment:
#   KITH_BUILD_DIR         build directory (default: build)
#   KITH_BENCH_DIR         cache of generated files (default: /tmp/kith-bench-large)
#   KITH_LARGE_LINE_BYTES  characters of the long line (default: 20000000)
#   KITH_LARGE_ITEMS       foreign VTODOs (default: 50000)
#   KITH_LARGE_CONTACTS    contacts in the store (default: 100)
#   KITH_LARGE_SCENARIOS   which files (default: "line many")
#   KITH_BENCH_RUNS        timed runs of kith and the libical stream peers (default: 5)
#   KITH_LARGE_SLOW_RUNS   runs of the slow peers: parse_string, python (default: 3;
#                          0 skips them)
#   KITH_BENCH_RESULTS     results file (default: bench/large-file-results.md;
#                          /dev/null for a try-out)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=${KITH_BUILD_DIR:-$root/build}
cache=${KITH_BENCH_DIR:-/tmp/kith-bench-large}
line_bytes=${KITH_LARGE_LINE_BYTES:-20000000}
items=${KITH_LARGE_ITEMS:-50000}
contacts=${KITH_LARGE_CONTACTS:-100}
scenarios=${KITH_LARGE_SCENARIOS:-line many}
runs=${KITH_BENCH_RUNS:-5}
slow_runs=${KITH_LARGE_SLOW_RUNS:-3}
results=${KITH_BENCH_RESULTS:-$here/large-file-results.md}
today=2026-06-01
py=/usr/bin/python3

prog=large-file.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

# ---- tools ----
[ -x /usr/bin/time ] || need /usr/bin/time time
need cc gcc
need pkg-config pkg-config
pkg-config --exists libical || die "libical's headers are missing: apt-get install libical-dev"

# ---- build: a snapshot of kith, and the libical peer ----
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$root" >/dev/null
fi
ninja -C "$build" cli/kith bench/kith-bench-gen >&2
work=$(mktemp -d "${TMPDIR:-/tmp}/kith-bench-large.XXXXXX")
trap 'rm -rf "$work"' EXIT
snapshot "$build" "$work" bench/kith-bench-gen cli/kith
kith=$work/bin/kith
peer=$work/bin/kith-bench-ical-peer
# shellcheck disable=SC2046 # pkg-config's flags are words
cc -std=c11 -O2 -Wall -Wextra -o "$peer" "$here/ical-peer.c" $(pkg-config --cflags --libs libical)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$root" diff --quiet HEAD -- lib cli 2>/dev/null; then
	commit="$commit (+ uncommitted changes in lib/ or cli/)"
fi

# ---- inputs, generated once ----
mkdir -p "$cache"
key=$(cat "$here/gen-large-ics.py" "$here/gen.c" | sha256sum | cut -c1-12)
if [ "$(cat "$cache/stamp" 2>/dev/null)" != "$key" ]; then
	rm -f "$cache"/*.ics "$cache"/store-*
	echo "$key" >"$cache/stamp"
fi
store=$cache/store-$contacts.db
if [ ! -s "$store" ]; then
	say "generating a store of $contacts contacts in $store"
	"$work/bin/kith-bench-gen" "$store" "$contacts" $((contacts * 4)) 42 >/dev/null
fi
src_line=$cache/line-$line_bytes.ics
src_many=$cache/many-$items.ics
[ -s "$src_line" ] || "$py" "$here/gen-large-ics.py" line "$line_bytes" "$src_line"
[ -s "$src_many" ] || "$py" "$here/gen-large-ics.py" many "$items" "$src_many"

# ---- measuring ----
home=$work/home
mkdir -p "$home"
kith_env=(env -i PATH=/usr/bin:/bin HOME="$home" XDG_CONFIG_HOME="$home/.config"
	XDG_DATA_HOME="$home/.local/share" TZ=UTC LC_ALL=C.UTF-8)
raw=$work/raw.tsv
: >"$raw"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# fresh DIR SRC: a store that never synced with DIR/cal.ics, a copy of SRC.
fresh() {
	rm -rf "$1"
	mkdir -p "$1"
	cp "$store" "$1/kith.db"
	cp "$2" "$1/cal.ics"
}

check_counts() { # WHAT WANT-REGEX: the last kith's summary line
	grep -Eq "$2" "$work/out" || { cat "$work/out" "$work/err" >&2; die "$1: not $2"; }
}

for s in $scenarios; do
	case $s in
	line) src=$src_line foreign=1 ;;
	many) src=$src_many foreign=$items ;;
	*) die "unknown scenario $s (line, many)" ;;
	esac
	dir=$work/$s
	say "$s: $(du -h "$src" | cut -f1) of foreign items; kith sync, first: $runs runs"
	for _ in $(seq "$runs"); do
		fresh "$dir/run" "$src"
		timed "$s-given" first "${kith_env[@]}" "$kith" --db "$dir/run/kith.db" --today "$today" \
			sync --target "$dir/run/cal.ics"
		check_counts "first sync" " 0 touches logged, [1-9][0-9]* created, 0 rewritten, 0 removed"
	done
	created=$(sed -n 's/.* \([0-9]*\) created,.*/\1/p' "$work/out")
	mv "$dir/run" "$dir/synced"
	cp "$src" "$dir/given.ics"
	sum=$(sha256sum <"$dir/synced/cal.ics")
	"$peer" stream "$dir/given.ics" >"$work/count-given"
	"$peer" stream "$dir/synced/cal.ics" >"$work/count-synced"
	read -r todos _ <"$work/count-synced"
	[ "$todos" = $((foreign + created)) ] ||
		die "$s: libical sees $todos VTODOs after the sync, not $foreign foreign + $created kith's"
	for f in given synced; do
		p=$dir/given.ics
		[ $f = given ] || p=$dir/synced/cal.ics
		echo "$s-$f	$(stat -c %s "$p")	$(tr ' ' '\t' <"$work/count-$f")	$(awk '{ if (length > n) n = length } END { print n - 1 }' "$p")" >>"$work/sizes"
	done

	say "$s: kith sync, no-op: $runs runs"
	for _ in $(seq "$runs"); do
		timed "$s-synced" noop "${kith_env[@]}" "$kith" --db "$dir/synced/kith.db" --today "$today" \
			sync --target "$dir/synced/cal.ics"
		check_counts "no-op sync" " 0 touches logged, 0 created, 0 rewritten, 0 removed"
		[ "$(sha256sum <"$dir/synced/cal.ics")" = "$sum" ] || die "$s: the no-op sync wrote the file"
	done

	# The peers read what each sync read: the file as the app left it (the
	# first sync's input) and the file as kith wrote it (the no-op's).
	for f in given synced; do
		p=$dir/given.ics
		[ $f = given ] || p=$dir/synced/cal.ics
		say "$s, the $f file: libical, stream and rewrite: $runs runs each"
		for _ in $(seq "$runs"); do
			timed "$s-$f" stream "$peer" stream "$p"
			timed "$s-$f" rewrite "$peer" rewrite "$p"
		done
		[ "$slow_runs" -gt 0 ] || continue
		say "$s, the $f file: libical parse_string and python3-icalendar: $slow_runs runs each"
		read -r n _ <"$work/count-$f"
		for _ in $(seq "$slow_runs"); do
			timed "$s-$f" string "$peer" string "$p"
			cmp -s "$work/out" "$work/count-$f" || die "$s: parse_string read another calendar"
			timed "$s-$f" python "$py" -c 'import icalendar, sys
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
print(len(cal.walk("VTODO")))' "$p"
			[ "$(cat "$work/out")" = "$n" ] || die "$s: python3-icalendar read another calendar"
		done
	done
	rm -rf "$dir"
done

# ---- the table ----
libical_version=$(pkg-config --modversion libical)
pyical_version=$("$py" -c 'import importlib.metadata as m; print(m.version("icalendar"))' 2>/dev/null || echo "?")
table=$("$py" - "$raw" "$work/sizes" "$libical_version" "$pyical_version" <<'PY'
import collections, statistics, sys
raw, sizes, libv, pyv = sys.argv[1:5]
m = collections.defaultdict(list)
for line in open(raw):
    f, row, wall, cpu, rss = line.split("\t")
    m[f, row].append((float(wall), float(cpu), int(rss) / 1024))
info = {l.split("\t")[0]: l.split("\t")[1:] for l in open(sizes)}
label = {
    "first": "kith sync, first: reads it, adds the reminders, rewrites the file",
    "noop": "kith sync, no-op: reads it, nothing to do",
    "stream": f"libical {libv}: icalparser_parse() fed by fgets()",
    "rewrite": f"libical {libv}: the same, then writes it back (serialize, fsync, rename)",
    "string": f"libical {libv}: icalparser_parse_string() on the whole text",
    "python": f"python3-icalendar {pyv}: Calendar.from_ical()",
}
# What a sync must do at least: the first sync reads and rewrites the file,
# the no-op reads it.
floors = {"given": ("first", "rewrite"), "synced": ("noop", "stream")}
title = {"line": "one long line", "many": "many foreign VTODOs"}
state = {"given": "as the app left it (foreign items only)",
         "synced": "as the first sync wrote it (with kith's reminders)"}
def size(n):
    return f"{n / 1e6:.1f} MB" if n >= 100000 else f"{n} bytes"
print("| file | what runs | runs | median s | min s | max s | CPU s | peak RSS MB "
      "| wall ÷ floor | RSS ÷ floor |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for s in ("line", "many"):
    for f in ("given", "synced"):
        key = f"{s}-{f}"
        if key not in info:
            continue
        nbytes, todos, longest_value, longest_line = (int(x) for x in info[key])
        name = (f"{title[s]}, {state[f]}: {size(nbytes)}, {todos} VTODO{'s' if todos != 1 else ''}, "
                f"longest line {size(longest_line)}")
        kith_row, floor_row = floors[f]
        floor = m[key, floor_row]
        fw = statistics.median(x[0] for x in floor)
        fr = statistics.median(x[2] for x in floor)
        for row in (kith_row, "stream", "rewrite", "string", "python"):
            v = m.get((key, row))
            if not v:
                continue
            w = [x[0] for x in v]
            mw, rss = statistics.median(w), statistics.median(x[2] for x in v)
            what = label[row] + (" (floor)" if row == floor_row else "")
            if row == kith_row:
                what = "**" + what + "**"
            print(f"| {name} | {what} | {len(v)} | {mw:.2f} | {min(w):.2f} | {max(w):.2f} "
                  f"| {statistics.mean(x[1] for x in v):.2f} | {rss:.0f} "
                  f"| {mw / fw if fw else float('inf'):.2f}x | {rss / fr:.2f}x |")
            name = ""
PY
)
printf '%s\n' "$table"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
{
	echo "# Large calendar files: kith sync against libical on the same file"
	echo
	echo "Run by \`bench/large-file.sh\` on $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) CPU(s)"
	echo "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), kith $commit,"
	echo "build type $(meson introspect "$build" --buildoptions 2>/dev/null | "$py" -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="buildtype"))' 2>/dev/null || echo '?');"
	echo "a store of $contacts contacts (kith-bench-gen, seed 42), \`--today $today\`."
	echo
	printf '%s\n' "$table"
	echo
	echo "Whole processes under /usr/bin/time (10 ms resolution), warm page cache."
	echo "Wall times are medians; CPU is the mean user + system time; peak RSS the"
	echo "median maximum resident set.  Each file is the one a sync reads: the"
	echo "first sync reads the file as the app left it and rewrites it (its floor:"
	echo "libical parsing it and writing it back); the no-op reads the file as the"
	echo "first sync wrote it, folded at 75 octets (its floor: libical parsing it)."
	echo "Both ratios divide the row's median by its floor's.  The first sync starts"
	echo "from a fresh copy of the store and of the app's file each run (copies"
	echo "untimed).  Load average before the run: $load_before; after: $load_after."
} >"$results"
say "wrote $results"
