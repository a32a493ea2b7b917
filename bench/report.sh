#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/report.sh - how fast is `kith report` on a large network?
#
# Builds, generates (once, cached) a store of 100,000 contacts and
# 1,000,000 touches with kith-bench-gen, then times with hyperfine:
#   - kith report (table), --format json, --all --format csv;
#   - the library alone (kith-bench-report-lib: open + kith_report_build);
#   - the peers: the sqlite3 CLI producing the rows kith reads in one
#     query (the floor: what SQLite needs to produce them) and a naive
#     GROUP BY max(on_date) query.
# Prints a Markdown table (median/min/max wall time, peak RSS, ratio to
# the sqlite3 floor) and writes it to bench/report-results.md and into
# bench/README.md.  See bench/README.md.
#
# Environment:
#   KITH_BUILD_DIR       build directory (default: build)
#   KITH_BENCH_DIR       cache of generated stores (default: /tmp/kith-bench)
#   KITH_BENCH_CONTACTS  contacts (default: 100000)
#   KITH_BENCH_TOUCHES   touches (default: 1000000)
#   KITH_BENCH_SEED      generator seed (default: 42)
#   KITH_BENCH_RUNS      timed runs per scenario (default: 20)
#   KITH_BENCH_RESULTS   results file (default: bench/report-results.md;
#                        set to /dev/null for a try-out run)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=${KITH_BUILD_DIR:-$root/build}
cache=${KITH_BENCH_DIR:-/tmp/kith-bench}
contacts=${KITH_BENCH_CONTACTS:-100000}
touches=${KITH_BENCH_TOUCHES:-1000000}
seed=${KITH_BENCH_SEED:-42}
runs=${KITH_BENCH_RUNS:-20}
results=${KITH_BENCH_RESULTS:-$here/report-results.md}
readme=$here/README.md
today=2026-06-01

prog=report.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

# ---- tools ----
need hyperfine hyperfine
need sqlite3 sqlite3
need jq jq
[ -x /usr/bin/time ] || need /usr/bin/time time

# ---- build ----
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$root" >/dev/null
fi
ninja -C "$build" >&2
# Measure a snapshot: a build running in the same tree meanwhile must not
# swap the binaries under hyperfine.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kith-report-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
snapshot "$build" "$tmp" bench/kith-bench-gen bench/kith-bench-report-lib cli/kith
gen=$tmp/bin/kith-bench-gen
lib=$tmp/bin/kith-bench-report-lib
kith=$tmp/bin/kith
ldd "$kith" | grep -q "libkith.so.0 => $tmp/" || die "the snapshot of kith does not load its own libkith"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$root" diff --quiet HEAD -- lib cli 2>/dev/null; then
	commit="$commit (+ uncommitted changes in lib/ or cli/)"
fi

# ---- the store, generated once ----
# The cache key: sizes, seed, the generator's source and the schema the
# library writes.  Anything else changed is measured on the same data.
mkdir -p "$cache"
schema=$(sed -n 's/^#define KITH_SCHEMA_VERSION \([0-9]*\).*/\1/p' "$root/lib/include/kith/store.h")
key=$(sha256sum <"$here/gen.c" | cut -c1-12)
db=$cache/store-$contacts-$touches-s$seed.db
stamp="schema=$schema gen=$key"
if [ ! -f "$db" ] || [ "$(cat "$db.stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -f "$db" "$db-wal" "$db-shm" "$db.stamp" "$db.gen" "$db".bak-v*
	say "generating $db ($contacts contacts, $touches touches); this is done once"
	/usr/bin/time -f '%e %M' -o "$db.gen.time" \
		"$gen" "$db" "$contacts" "$touches" "$seed" 2> >(tee "$db.gen.log" >&2)
	wait # for tee
	read -r gen_s gen_kb <"$db.gen.time"
	printf '%s %s\n' "$gen_s" "$gen_kb" >"$db.gen"
	rm -f "$db.gen.time"
	printf '%s\n' "$stamp" >"$db.stamp"
fi
read -r gen_s gen_kb <"$db.gen"
db_mb=$(du -m "$db" | cut -f1)

# ---- the scenarios ----
# The floor: the sqlite3 CLI producing the rows kith reads, in one query
# as one would write it: active contacts with their tier's cadence, their
# newest touch (kept on the contact since schema v5) and first email and
# phone.  kith reads the same columns (kith_store_scan() in lib/store/scan.c);
# the check below fails if a column named here is gone.
floor_sql="SELECT c.id, c.name, c.tier, coalesce(c.cadence, t.cadence), c.via,
  c.added, c.snoozed_until, c.paused, c.last_on, c.last_channel, c.last_note, c.first_due,
  (SELECT email FROM contact_emails e WHERE e.contact_id = c.id ORDER BY pos LIMIT 1),
  (SELECT phone FROM contact_phones p WHERE p.contact_id = c.id ORDER BY pos LIMIT 1)
FROM contacts c JOIN tiers t ON t.name = c.tier
WHERE c.archived = 0;"
for col in last_on last_channel last_note first_due; do
	grep -q "c\.$col" "$root/lib/store/scan.c" || die "kith_store_scan() no longer reads c.$col: update floor_sql"
done
# What one would write first: aggregate every touch, then join.
naive_sql="SELECT c.id, c.name, c.tier, coalesce(c.cadence, t.cadence), c.added,
  c.snoozed_until, m.last
FROM contacts c JOIN tiers t ON t.name = c.tier
LEFT JOIN (SELECT contact_id, max(on_date) AS last FROM touches GROUP BY contact_id) m
  ON m.contact_id = c.id
WHERE c.archived = 0;"

names=(
	"kith report"
	"kith report --format json"
	"kith report --all --format csv"
	"library only: open + kith_report_build"
	"library only: open + kith_report_build (all)"
	"peer: sqlite3, the same rows (floor)"
	"peer: sqlite3, naive GROUP BY max(on_date)"
)
floor=5

set_argv() { # set_argv INDEX: the command of scenario INDEX into the array A
	case $1 in
	0) A=("$kith" --db "$db" --today "$today" report) ;;
	1) A=("$kith" --db "$db" --today "$today" report --format json) ;;
	2) A=("$kith" --db "$db" --today "$today" report --all --format csv) ;;
	3) A=("$lib" "$db" "$today") ;;
	4) A=("$lib" "$db" "$today" --all) ;;
	5) A=(sqlite3 -readonly "$db" "${floor_sql//$'\n'/ }") ;;
	6) A=(sqlite3 -readonly "$db" "${naive_sql//$'\n'/ }") ;;
	*) die "no scenario $1" ;;
	esac
}

# One command line for hyperfine -N, which splits it like a POSIX shell.
quoted() {
	local out="" a
	for a in "$@"; do
		out+="'${a//\'/\'\\\'\'}' "
	done
	printf '%s' "${out% }"
}

# The CLI reads its configuration from $HOME and XDG: keep the user's out.
export HOME=$cache/home XDG_CONFIG_HOME=$cache/home/.config XDG_DATA_HOME=$cache/home/.local
mkdir -p "$HOME"
unset KITH_DB NO_COLOR

# Sanity: every scenario works, and they agree on the rows.
for i in "${!names[@]}"; do
	set_argv "$i"
	"${A[@]}" >"$tmp/out.$i" || die "scenario failed: ${names[$i]}"
done
field() { sed -n "s/.*\\b$1=\\([0-9.]*\\).*/\\1/p" <<<"$2"; }
lib_due=$(cat "$tmp/out.3")
lib_all=$(cat "$tmp/out.4")
rows_due=$(field rows "$lib_due")
rows_all=$(field rows "$lib_all")
active=$(field active "$lib_all")
rows_json=$(jq length "$tmp/out.1")
rows_csv=$(($(wc -l <"$tmp/out.2") - 1))
rows_floor=$(wc -l <"$tmp/out.5")
rows_naive=$(wc -l <"$tmp/out.6")
[ "$rows_json" = "$rows_due" ] || die "kith report --format json: $rows_json rows, the library: $rows_due"
[ "$rows_csv" = "$rows_all" ] || die "kith report --all: $rows_csv rows, the library: $rows_all"
[ "$rows_floor" = "$active" ] || die "sqlite3 floor: $rows_floor rows, kith: $active active contacts"
[ "$rows_naive" = "$active" ] || die "sqlite3 naive: $rows_naive rows, kith: $active active contacts"
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
table_mb=$(mb "$(wc -c <"$tmp/out.0")")
json_mb=$(mb "$(wc -c <"$tmp/out.1")")
csv_mb=$(mb "$(wc -c <"$tmp/out.2")")
# Inside one process: 10 builds after the first, with a warm SQLite cache.
inproc_due=$("$lib" "$db" "$today" --repeat 10)
inproc_all=$("$lib" "$db" "$today" --all --repeat 10)

# ---- time ----
declare -a med mn mx cpu rss
load_before=$(cut -d' ' -f1 /proc/loadavg)
for i in "${!names[@]}"; do
	say "timing: ${names[$i]}"
	set_argv "$i"
	hyperfine -N --style none --warmup 3 --runs "$runs" \
		--export-json "$tmp/hf.$i.json" "$(quoted "${A[@]}")" >/dev/null
	read -r "med[i]" "mn[i]" "mx[i]" "cpu[i]" < <(jq -r '.results[0] |
		"\(.median * 1000) \(.min * 1000) \(.max * 1000) \((.user + .system) * 1000)"' \
		"$tmp/hf.$i.json")
	# Peak RSS: the largest of 3 runs.
	rss[i]=0
	for _ in 1 2 3; do
		/usr/bin/time -f '%M' -o "$tmp/rss" "${A[@]}" >/dev/null
		kb=$(tail -n1 "$tmp/rss")
		[ "$kb" -gt "${rss[i]}" ] && rss[i]=$kb
	done
done

load_after=$(cut -d' ' -f1 /proc/loadavg)

# ---- report ----
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
mem_gb=$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)
buildtype=$(meson introspect --buildoptions "$build" 2>/dev/null |
	jq -r '.[] | select(.name == "buildtype") | .value' 2>/dev/null || echo unknown)

table() {
	printf '| scenario | median ms | min ms | max ms | CPU ms | peak RSS MB | ratio to floor |\n'
	printf '|---|---:|---:|---:|---:|---:|---:|\n'
	for i in "${!names[@]}"; do
		awk -v n="${names[$i]}" -v md="${med[i]}" -v lo="${mn[i]}" -v hi="${mx[i]}" \
			-v c="${cpu[i]}" -v kb="${rss[i]}" -v fl="${med[floor]}" 'BEGIN {
			printf "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.2fx |\n",
				n, md, lo, hi, c, kb / 1024, md / fl }'
	done
}

notes() {
	cat <<NOTES
Store: $contacts contacts ($active active), $touches touches, seed $seed,
$db_mb MB; \`--today $today\`; $runs runs after 3 warm-ups each, warm page cache.
Wall times are medians of whole processes; CPU is the mean user + system time;
the ratio is of the medians.  Load average $load_before before, $load_after after
(on $(nproc) CPUs): wall times above CPU times mean the machine was busy.
Rows: \`report\` $rows_due (table $table_mb MB, json $json_mb MB),
\`--all\` $rows_all (csv $csv_mb MB); the sqlite3 queries each return $active rows.

- Library in one process, 10 warm builds: due: $(field build_median_ms "$inproc_due") ms median
  ($(field build_min_ms "$inproc_due") min), all: $(field build_median_ms "$inproc_all") ms median
  ($(field build_min_ms "$inproc_all") min); first build in a fresh process:
  $(field build_ms "$lib_due") / $(field build_ms "$lib_all") ms; opening the store: $(field open_ms "$lib_due") ms;
  freeing the --all report: $(field free_ms "$lib_all") ms.
- Generating the store (kith-bench-gen, once, cached): $gen_s s, peak RSS $((gen_kb / 1024)) MB.
NOTES
}

machine="$(nproc) CPUs ($cpu_model), $mem_gb GB RAM, $(uname -sr), SQLite $(sqlite3 --version | cut -d' ' -f1)"
body=$(
	printf '%s\n\n' "Run $(date -u '+%Y-%m-%d %H:%M UTC') on $machine; kith $commit, $buildtype build."
	table
	printf '\n'
	notes
)

printf '%s\n' "$body"
{
	printf '# kith report benchmark: latest results\n\n'
	printf 'Written by bench/report.sh; see bench/README.md.\n\n'
	printf '%s\n' "$body"
} >"$results"

# The README carries the same table between its two markers.
if [ "$results" != /dev/null ] && grep -q '^<!-- results:begin -->$' "$readme" 2>/dev/null; then
	BODY=$body awk '
		/^<!-- results:begin -->$/ { print; print ENVIRON["BODY"]; skip = 1; next }
		/^<!-- results:end -->$/ { skip = 0 }
		!skip' "$readme" >"$tmp/README.md"
	cat "$tmp/README.md" >"$readme"
fi
