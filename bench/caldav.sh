#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/caldav.sh - how fast is `kith sync` against real CalDAV servers?
#
# For each server (Radicale, Xandikos, DAViCal; started on 127.0.0.1 by
# tests/integration/servers.sh, a fresh data directory for every tool and
# run) and a store of N generated contacts (kith-bench-gen), measures
#   first   the first upload of every reminder to an empty calendar;
#   noop1   the sync right after it (nothing changed);
#   noop2   one more sync with nothing changed (the steady state);
#   change  a sync after 5 "phone" completions (a Thunderbird-shaped
#           completed override PUT with If-Match by curl, untimed);
# with
#   kith         `kith sync`;
#   vdirsyncer   the Debian package, a filesystem storage holding the same
#                VTODO files kith writes (`kith sync --target DIR/vdir/` on
#                a copy of the store) paired with the calendar;
#   curl serial  one curl process uploading the same files one by one
#                (one kept-alive connection where the server allows it);
#   curl -Z 8    the same with --parallel --parallel-max 8 (the floor of
#                the first upload);
#   curl REPORT  one sync-collection REPORT from the current token (the
#                floor of a no-op sync), on kith's calendar after noop2.
# Wall time, user+system CPU and peak RSS of the client process come from
# /usr/bin/time; every tool's HTTP requests are counted in the server's log
# (Radicale's info log, Xandikos's aiohttp access log, DAViCal's Apache
# access log).
# The calendar is made by kith itself (discovery + MKCALENDAR are part of
# its first sync) and by one untimed curl MKCALENDAR for the peers.
#
# Every measurement is appended to a raw TSV; the table (medians over the
# runs, ratios kith ÷ peer) is made from it, so an interrupted run still
# gives a table: `bench/caldav.sh --table RAW.tsv`, and several raw files
# (e.g. one server each) one results file:
# `bench/caldav.sh --report RAW.tsv N ITEMS LOAD-BEFORE LOAD-AFTER`.
#
# Environment:
#   KITH_BUILD_DIR        build directory (default: build)
#   KITH_CALDAV_N         contacts (default: 800)
#   KITH_CALDAV_RUNS      fresh-server runs per tool (default: 3)
#   KITH_CALDAV_FIRST_RUN number of the first run (default: 1); with
#                         KITH_CALDAV_DIR, more runs can be added later to
#                         the same raw.tsv and the table covers them all
#   KITH_CALDAV_REPEAT    no-op (noop2), curl REPORT and change measured this
#                         many times on each filled calendar (default: 1;
#                         rows "RUN.I"): medians of several without paying
#                         for another first upload
#   KITH_CALDAV_SERVERS   (default: "radicale xandikos"; davical works too)
#   KITH_CALDAV_TOOLS     (default: "kith vdirsyncer curl-serial curl-parallel")
#   KITH_CALDAV_DIR       work directory (default: a new mktemp -d, removed
#                         at the end unless KITH_CALDAV_KEEP=1)
#   KITH_CALDAV_NOTE      a paragraph put above the table
#   KITH_CALDAV_KITH_REV  the kith revision named in the header (default:
#                         the source tree's HEAD)
#   KITH_CALDAV_RESULTS   results file (default: bench/caldav-results.md;
#                         /dev/null for a try-out)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=${KITH_BUILD_DIR:-$root/build}
servers_sh=$root/tests/integration/servers.sh
n=${KITH_CALDAV_N:-800}
runs=${KITH_CALDAV_RUNS:-3}
repeat=${KITH_CALDAV_REPEAT:-1}
servers=${KITH_CALDAV_SERVERS:-radicale xandikos}
tools=${KITH_CALDAV_TOOLS:-kith vdirsyncer curl-serial curl-parallel}
results=${KITH_CALDAV_RESULTS:-$here/caldav-results.md}
today=2026-06-01
user=kith
pass=kith-test-pass

prog=caldav.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

# ---- the table, from the raw TSV ----
# Raw columns: server tool scenario run wall_s cpu_s rss_kb requests note
table() {
	local raw=$1
	awk -F'\t' '{print $1}' "$raw" | awk '!s[$0]++' >"$raw.servers"
	local srv sc tool
	printf '| server | scenario | tool | runs | wall s | CPU s | peak RSS MB | HTTP requests | kith ÷ this (wall) | kith ÷ this (CPU) |\n'
	printf '|---|---|---|---|---|---|---|---|---|---|\n'
	while read -r srv; do
		for sc in first noop1 noop2 noop2x10 change; do
			local kw="" kc=""
			for tool in kith vdirsyncer curl-serial curl-parallel curl-report; do
				local rows
				rows=$(awk -F'\t' -v s="$srv" -v t="$tool" -v c="$sc" '$1 == s && $2 == t && $3 == c' "$raw")
				[ -n "$rows" ] || continue
				local k w c m q
				k=$(wc -l <<<"$rows")
				w=$(cut -f5 <<<"$rows" | median)
				c=$(cut -f6 <<<"$rows" | median)
				m=$(cut -f7 <<<"$rows" | median)
				q=$(cut -f8 <<<"$rows" | median)
				if [ "$tool" = kith ]; then kw=$w; kc=$c; fi
				local rw="" rc=""
				if [ "$tool" != kith ] && [ -n "$kw" ]; then
					rw=$(awk -v a="$kw" -v b="$w" 'BEGIN { if (b > 0) printf "%.2f×", a / b }')
					rc=$(awk -v a="$kc" -v b="$c" 'BEGIN { if (b > 0) printf "%.2f×", a / b }')
				fi
				printf '| %s | %s | %s | %s | %.2f | %.2f | %.1f | %s | %s | %s |\n' \
					"$srv" "$sc" "$tool" "$k" "$w" "$c" "$(awk -v m="$m" 'BEGIN{print m/1024}')" "$q" "$rw" "$rc"
			done
		done
	done <"$raw.servers"
	rm -f "$raw.servers"
}

# report RAW: the results file (header, table, kith's result lines, raw rows)
report() {
	local raw=$1
	{
		printf '# kith sync against CalDAV servers: N = %s contacts (%s reminders)\n\n' "$n" "$items"
		printf 'bench/caldav.sh, finished %s; %s run(s) per tool (column "runs"), each on a fresh server; medians.\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(cut -f4 "$raw" | cut -d. -f1 | sort -u | wc -l)"
		printf 'Machine: %s cores, load average %s before, %s after. kith %s, %s, vdirsyncer %s, Radicale %s, Xandikos %s.\n\n' \
			"$(nproc)" "$load0" "$load1" "${KITH_CALDAV_KITH_REV:-$(git -C "$root" rev-parse --short HEAD)}" "$(curl --version | sed -n 1p | cut -d' ' -f1-2)" \
			"$(dpkg-query -W -f='${Version}' vdirsyncer 2>/dev/null)" "$(dpkg-query -W -f='${Version}' radicale 2>/dev/null)" \
			"$(dpkg-query -W -f='${Version}' xandikos 2>/dev/null)"
		[ -z "${KITH_CALDAV_NOTE:-}" ] || printf '%s\n\n' "$KITH_CALDAV_NOTE"
		table "$raw"
		printf '\nkith result lines (last run):\n\n'
		awk -F'\t' '$2 == "kith" && $9 != "" { last[$1 " " $3] = $9 } END { for (k in last) print "    " k ": " last[k] }' "$raw" | sort
		printf '\nRaw measurements (server, tool, scenario, run, wall s, CPU s, peak RSS kB, requests, note):\n\n'
		sed 's/^/    /' "$raw"
	}
}

if [ "${1:-}" = --report ]; then
	# --report RAW N ITEMS LOAD0 LOAD1: the results file from a raw TSV
	n=$3 items=$4 load0=$5 load1=$6
	report "$2"
	exit 0
fi
if [ "${1:-}" = --table ]; then
	[ -f "${2:-}" ] || die "usage: caldav.sh --table RAW.tsv"
	table "$2"
	exit 0
fi

# ---- tools ----
need curl curl
need vdirsyncer vdirsyncer
need radicale radicale
need xandikos xandikos
[ -x /usr/bin/time ] || need /usr/bin/time time
need hyperfine hyperfine
need jq jq

if [ ! -f "$build/build.ninja" ]; then meson setup "$build" "$root" >/dev/null; fi
ninja -C "$build" cli/kith bench/kith-bench-gen >&2

if [ -n "${KITH_CALDAV_DIR:-}" ]; then
	work=$KITH_CALDAV_DIR
	mkdir -p "$work"
else
	work=$(mktemp -d /tmp/kith-caldav-bench.XXXXXX)
fi
work=$(cd "$work" && pwd)
# DAViCal's PostgreSQL and Apache run as other users: they must reach it.
chmod 711 "$work"
export KITH_DAVICAL_CACHE=${KITH_DAVICAL_CACHE:-$work/davical-cache}
live_srv=""
cleanup() {
	[ -n "$live_srv" ] && bash "$servers_sh" stop "$live_srv" >/dev/null 2>&1 || true
	[ "${KITH_CALDAV_KEEP:-0}" = 1 ] || [ -n "${KITH_CALDAV_DIR:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
say "caldav.sh: working in $work"
# Measure a snapshot: a build running in the same tree meanwhile must not
# swap the binaries of a run that takes half an hour.
rm -rf "$work/snap"
snapshot "$build" "$work/snap" cli/kith bench/kith-bench-gen
gen=$work/snap/bin/kith-bench-gen
kith=$work/snap/bin/kith

# kith reads its configuration from $HOME and XDG: keep the user's out.
export HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local
mkdir -p "$HOME"
unset KITH_DB KITH_URL KITH_USERNAME KITH_PASSWORD NO_COLOR

# ---- the store and the files kith writes ----
base=$work/base.db
if [ ! -f "$base" ]; then
	"$gen" "$base.tmp" "$n" $((n * 4)) 42 >/dev/null 2>&1
	mv "$base.tmp" "$base"
fi
if [ ! -d "$work/vdir" ]; then
	cp "$base" "$work/vdir.db"
	"$kith" --db "$work/vdir.db" --today "$today" -q sync --target "$work/vdir/" >&2
fi
items=$(find "$work/vdir" -name '*.ics' | wc -l)
[ "$items" -gt 0 ] || die "kith wrote no files into $work/vdir"
say "caldav.sh: $n contacts, $items reminders"

raw=$work/raw.tsv
: >>"$raw"

# ---- helpers ----
tm() { # tm OUT CMD...: run CMD under /usr/bin/time; OUT gets "wall cpu rss"
	local out=$1; shift
	/usr/bin/time -f '%e %U %S %M' -o "$out.t" "$@"
	awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$out.t" >"$out"
}
record() { # record SERVER TOOL SCENARIO RUN TIMEFILE REQUESTS [NOTE]
	local w c m
	read -r w c m <"$5"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$w" "$c" "$m" "$6" "${7:-}" >>"$raw"
	say "  $1 $2 $3 run $4: wall ${w}s cpu ${c}s rss ${m}kB requests $6 ${7:-}"
}
server_requests() { # requests the server has logged so far
	case $(cat "$live_srv/server") in
	radicale) grep -cE '\[INFO\] [A-Z]+ request for' "$live_srv/radicale.log" || true ;;
	davical) grep -cE '"[A-Z]+ [^ ]+ HTTP/1\.[01]"' "$live_srv/apache/access.log" || true ;;
	xandikos) grep -cE 'aiohttp.access: .*"[A-Z]+ [^ ]+ HTTP/1\.[01]"' "$live_srv/xandikos.log" || true ;;
	esac
}
start_server() { # start_server KIND: a fresh data directory; sets URL, live_srv
	live_srv=$work/srv-$1-$$-$RANDOM
	rm -rf "$live_srv"
	URL=$(bash "$servers_sh" start "$1" "$live_srv")
}
stop_server() {
	bash "$servers_sh" stop "$live_srv" >/dev/null 2>&1 || true
	rm -rf "$live_srv"
	live_srv=""
}
cal_path() { # where kith's calendar is on each server
	case $1 in
	radicale) echo "$user/kith/" ;;
	xandikos) echo "$user/calendars/kith/" ;;
	davical) echo "caldav.php/$user/kith/" ;;
	esac
}
dav() { curl -sS --max-time 120 -u "$user:$pass" -H 'Expect:' "$@"; }
mkcal() { # mkcal CALURL: a VTODO calendar named kith, as kith would make it
	local code
	code=$(dav -o /dev/null -w '%{http_code}' -X MKCALENDAR -H 'Content-Type: application/xml; charset=utf-8' \
		--data-binary '<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>
<D:displayname>kith</D:displayname><C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set>
</D:prop></D:set></C:mkcalendar>' "$1")
	[ "$code" = 201 ] || die "MKCALENDAR $1: HTTP $code"
}
# The same files kith uploads, as a curl config: one PUT each, create-only.
upload_config() { # upload_config CALURL > CONFIG
	local f name
	for f in "$work"/vdir/*.ics; do
		name=$(basename "$f")
		name=${name//@/-}
		printf 'url = "%s%s"\nupload-file = "%s"\noutput = "/dev/null"\n' "$1" "$name" "$f"
	done
}
# 5 phone completions: 5 resources (by name: the first 5 in round 1, the
# next 5 in round 2...) get a Thunderbird override (RECURRENCE-ID,
# STATUS:COMPLETED, COMPLETED, PERCENT-COMPLETE) PUT with If-Match, the way
# a phone app writes it; completed on 2026-05-(31 - ROUND).
phone5() { # phone5 CALURL [ROUND]
	local hrefs h i=0 code etag origin round=${2:-1}
	origin=${1%%/"$(cal_path "$(cat "$live_srv/server")")"}
	hrefs=$(dav -X PROPFIND -H 'Depth: 1' -H 'Content-Type: application/xml' \
		--data-binary '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>' "$1" |
		grep -oE '<[A-Za-z0-9:]*href>[^<]*\.ics</[A-Za-z0-9:]*href>' | sed -E 's/<[^>]*>//g' | sort | awk -v r="$round" 'NR > 5 * (r - 1) && NR <= 5 * r')
	[ "$(wc -l <<<"$hrefs")" = 5 ] || die "fewer than 5 resources on $1"
	while read -r h; do
		i=$((i + 1))
		dav -D "$work/ph.h" -o "$work/ph.ics" "$origin$h"
		etag=$(tr -d '\r' <"$work/ph.h" | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p' | tail -n 1)
		[ -n "$etag" ] || die "no ETag for $h"
		tr -d '\r' <"$work/ph.ics" | awk -v stamp=202605$((31 - round))T17300${i}Z '
			/^BEGIN:VTODO/ { inv = 1 }
			inv && /^(UID|SUMMARY|X-KITH-ID|X-KITH-CADENCE|DTSTART|DUE)[;:]/ { keep[++k] = $0 }
			inv && /^DTSTART/ { rid = $0; sub(/^DTSTART/, "RECURRENCE-ID", rid) }
			/^END:VTODO/ { inv = 0 }
			/^END:VCALENDAR/ {
				print "BEGIN:VTODO"
				for (j = 1; j <= k; j++) if (keep[j] ~ /^UID/) print keep[j]
				print rid
				print "DTSTAMP:" stamp; print "LAST-MODIFIED:" stamp
				for (j = 1; j <= k; j++) if (keep[j] !~ /^UID/) print keep[j]
				print "STATUS:COMPLETED"; print "COMPLETED:" stamp
				print "PERCENT-COMPLETE:100"; print "SEQUENCE:1"
				print "END:VTODO"
			}
			{ print }' | sed 's/$/\r/' >"$work/ph.new"
		code=$(dav -o /dev/null -w '%{http_code}' -X PUT -H "If-Match: $etag" \
			-H 'Content-Type: text/calendar; charset=utf-8' --data-binary @"$work/ph.new" "$origin$h")
		case $code in 2??) ;; *) die "phone PUT $h: HTTP $code" ;; esac
	done <<<"$hrefs"
}
# kith runs as a user runs it, without -v (which logs every header), and
# its requests are counted in the server's log, as the peers' are.
kith_sync() { # kith_sync DB LOG TIMEFILE: one timed kith sync; sets KITH_REQUESTS
	local q
	q=$(server_requests)
	tm "$3" env KITH_URL="$URL" KITH_USERNAME=$user KITH_PASSWORD=$pass \
		"$kith" --db "$1" --today "$today" sync >"$2.out" 2>"$2" || { tail -n 20 "$2" >&2; die "kith sync failed"; }
	KITH_REQUESTS=$(($(server_requests) - q))
}
kith_requests() { echo "$KITH_REQUESTS"; }
synced_line() { grep '^Synced' "$1" | sed 's/^Synced with [^:]*:[^:]*:[^:]*: //' | tr -d '\t'; }

# A no-op sync and its floor, each 10 times after 2 warm-ups by hyperfine:
# /usr/bin/time rounds to 10 ms, a fifth of a fast server's REPORT.
# Scenario noop2x10: the median wall time and the mean CPU of the runs.
hf_record() { # hf_record SERVER TOOL RUN NOTE CMD...
	local s=$1 tool=$2 r=$3 note=$4 q cmd="" a
	shift 4
	for a in "$@"; do cmd+="'${a//\'/\'\\\'\'}' "; done
	q=$(server_requests)
	hyperfine -N --style none --warmup 2 --runs 10 --export-json "$work/hf.json" "${cmd% }" >/dev/null ||
		die "hyperfine failed: $tool"
	jq -r '.results[0] | "\(.median) \(.user + .system) 0"' "$work/hf.json" |
		awk '{ printf "%.4f %.4f %s\n", $1, $2, $3 }' >"$work/t"
	record "$s" "$tool" noop2x10 "$r" "$work/t" $((($(server_requests) - q) / 12)) "$note"
}
noop_hf() { # noop_hf SERVER RUN CALURL TOKEN
	(
		export KITH_URL="$URL" KITH_USERNAME=$user KITH_PASSWORD=$pass
		hf_record "$1" kith "$2" "10 runs" "$kith" --db "$work/k.db" --today "$today" sync
	) || die "kith no-op under hyperfine failed"
	hf_record "$1" curl-report "$2" "10 runs" curl -sS -o /dev/null -u "$user:$pass" -X REPORT \
		-H 'Depth: 1' -H 'Content-Type: application/xml; charset=utf-8' --data-binary "$(body "$4")" "$3"
}

run_kith() { # run_kith SERVER RUN
	local s=$1 r=$2 db=$work/k.db log=$work/kith.log q
	rm -f "$db" "$db-wal" "$db-shm"
	cp "$base" "$db"
	start_server "$s"
	kith_sync "$db" "$log" "$work/t"
	record "$s" kith first "$r" "$work/t" "$(kith_requests "$log")" "$(synced_line "$log.out")"
	cp "$log" "$work/kith-$s-first-$r.log"
	# The calendar kith made is where the peers put theirs.
	local made
	made=$(dav -o /dev/null -w '%{http_code}' -X PROPFIND -H 'Depth: 0' "$URL$(cal_path "$s")")
	[ "$made" = 207 ] || die "no calendar at $URL$(cal_path "$s") after kith's first sync (cal_path; HTTP $made)"
	kith_sync "$db" "$log" "$work/t"
	record "$s" kith noop1 "$r" "$work/t" "$(kith_requests "$log")" "$(synced_line "$log.out")"
	cp "$log" "$work/kith-$s-noop1-$r.log"
	local cal="$URL$(cal_path "$s")" body tok i ri
	body() { printf '<?xml version="1.0" encoding="utf-8"?><d:sync-collection xmlns:d="DAV:"><d:sync-token>%s</d:sync-token><d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>' "$1"; }
	for i in $(seq "$repeat"); do
		ri=$r; [ "$repeat" = 1 ] || ri=$r.$i
		kith_sync "$db" "$log" "$work/t"
		record "$s" kith noop2 "$ri" "$work/t" "$(kith_requests "$log")" "$(synced_line "$log.out")"
		# The floor of a no-op: one sync-collection REPORT from the current token.
		tok=$(dav -X REPORT -H 'Depth: 1' -H 'Content-Type: application/xml; charset=utf-8' --data-binary "$(body "")" "$cal" |
			grep -oE '<[A-Za-z0-9:]*sync-token>[^<]*<' | tail -n 1 | sed -E 's/<[^>]*>//; s/<$//')
		[ -n "$tok" ] || die "no sync token from $cal"
		q=$(server_requests)
		tm "$work/t" curl -sS --max-time 120 -u "$user:$pass" -X REPORT -H 'Depth: 1' \
			-H 'Content-Type: application/xml; charset=utf-8' --data-binary "$(body "$tok")" -o "$work/report.xml" "$cal"
		record "$s" curl-report noop2 "$ri" "$work/t" $(($(server_requests) - q)) "$(wc -c <"$work/report.xml") bytes"
		[ "$i" != 1 ] || noop_hf "$s" "$r" "$cal" "$tok"
		phone5 "$cal" "$i"
		kith_sync "$db" "$log" "$work/t"
		record "$s" kith change "$ri" "$work/t" "$(kith_requests "$log")" "$(synced_line "$log.out")"
		cp "$log" "$work/kith-$s-change-$ri.log"
	done
	stop_server
}

run_vdirsyncer() { # run_vdirsyncer SERVER RUN
	local s=$1 r=$2 vs=$work/vs q sc
	rm -rf "$vs"
	mkdir -p "$vs/status"
	cp -r "$work/vdir" "$vs/vdir"
	start_server "$s"
	local cal="$URL$(cal_path "$s")"
	mkcal "$cal"
	cat >"$vs/config" <<EOF
[general]
status_path = "$vs/status/"

[pair kith]
a = "kith_local"
b = "kith_remote"
collections = null

[storage kith_local]
type = "filesystem"
path = "$vs/vdir/"
fileext = ".ics"

[storage kith_remote]
type = "caldav"
url = "$cal"
username = "$user"
password = "$pass"
item_types = ["VTODO"]
EOF
	vdirsyncer -c "$vs/config" discover </dev/null >"$vs/discover.log" 2>&1 ||
		{ cat "$vs/discover.log" >&2; die "vdirsyncer discover failed"; }
	local i ri
	for sc in first noop1 $(for i in $(seq "$repeat"); do echo noop2 change; done); do
		case $sc in first | noop1) i=0 ;; noop2) i=$((i + 1)) ;; change) phone5 "$cal" "$i" ;; esac
		ri=$r; [ "$repeat" = 1 ] || [ "$i" = 0 ] || ri=$r.$i
		q=$(server_requests)
		tm "$work/t" vdirsyncer -c "$vs/config" sync </dev/null >"$vs/$sc.log" 2>&1 ||
			{ tail -n 20 "$vs/$sc.log" >&2; die "vdirsyncer sync failed"; }
		record "$s" vdirsyncer "$sc" "$ri" "$work/t" $(($(server_requests) - q))
	done
	stop_server
}

run_curl() { # run_curl SERVER RUN serial|parallel
	local s=$1 r=$2 q bad
	start_server "$s"
	local cal="$URL$(cal_path "$s")"
	mkcal "$cal"
	upload_config "$cal" >"$work/upload.cfg"
	q=$(server_requests)
	local par=()
	[ "$3" = parallel ] && par=(--parallel --parallel-max 8)
	tm "$work/t" curl -sS --no-progress-meter --max-time 3600 -u "$user:$pass" -H 'Expect:' "${par[@]}" \
		-H 'Content-Type: text/calendar; charset=utf-8' -H 'If-None-Match: *' \
		-w '%{http_code}\n' -K "$work/upload.cfg" >"$work/codes"
	bad=$(grep -cv '^20[14]$' "$work/codes" || true)
	[ "$bad" = 0 ] || die "curl upload: $bad PUTs failed ($(sort "$work/codes" | uniq -c | tr '\n' ' '))"
	record "$s" "curl-$3" first "$r" "$work/t" $(($(server_requests) - q))
	stop_server
}

load0=$(cut -d' ' -f1-3 /proc/loadavg)
first_run=${KITH_CALDAV_FIRST_RUN:-1}
for r in $(seq "$first_run" $((first_run + runs - 1))); do
	for s in $servers; do
		for t in $tools; do
			case $t in
			kith) run_kith "$s" "$r" ;;
			vdirsyncer) run_vdirsyncer "$s" "$r" ;;
			curl-serial) run_curl "$s" "$r" serial ;;
			curl-parallel) run_curl "$s" "$r" parallel ;;
			*) die "unknown tool $t" ;;
			esac
		done
	done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)

report "$raw" >"$work/results.md"
cat "$work/results.md"
[ "$results" = /dev/null ] || cp "$work/results.md" "$results"
