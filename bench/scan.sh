#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/scan.sh - `kith scan` on a 100,000-message Maildir and the same
# messages as one mbox, against notmuch, Python's mailbox module and the
# floor of reading only the header bytes (issue 12).
#
# Generates once (cached): the archive (gen-mail.py: a Maildir tree, the
# same messages as one mbox, 100 newer messages for the re-scan, 300
# contacts as vCards, the user's addresses) and a store holding those
# contacts (kith init + kith import).  Then times whole processes with
# /usr/bin/time (wall, user + system CPU, peak RSS):
#   - kith scan, first: a fresh copy of the store (copy untimed), the
#     Maildir or the mbox read for the first time;
#   - kith scan after 100 new messages: the store the first scan left
#     (a fresh copy each run), 100 messages hard-linked into INBOX/new or
#     appended to the mbox (removed or truncated after, untimed);
#   - kith scan with nothing new;
#   - the floor: kith-bench-scan-floor (bench/scan-floor.c, compiled
#     here, libc only) reads every Maildir file up to its blank line, and
#     the whole mbox counting each message's header;
#   - notmuch new on the same Maildir (a throwaway config and database;
#     it indexes bodies too: it is what a local mail index costs), first
#     and after the same 100 new messages;
#   - python3's mailbox module: every message's headers parsed with
#     email.parser.BytesHeaderParser (Maildir folders and the mbox).
# Prints a Markdown table and writes it to bench/scan-results.md.
#
# Environment:
#   KITH_BUILD_DIR        build directory (default: build)
#   KITH_BENCH_DIR        cache of generated files (default: /tmp/kith-bench-scan)
#   KITH_SCAN_MESSAGES    messages in the archive (default: 100000)
#   KITH_SCAN_NEW         messages added for the re-scan (default: 100)
#   KITH_BENCH_SEED       generator seed (default: 42)
#   KITH_BENCH_RUNS       timed runs of kith's first scans, the floor and
#                         python (default: 3)
#   KITH_SCAN_RESCAN_RUNS timed runs of the re-scans (default: 5)
#   KITH_SCAN_SLOW_RUNS   runs of notmuch new, first (default: 1; 0 skips notmuch)
#   KITH_BENCH_RESULTS    results file (default: bench/scan-results.md;
#                         /dev/null for a try-out)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=${KITH_BUILD_DIR:-$root/build}
cache=${KITH_BENCH_DIR:-/tmp/kith-bench-scan}
messages=${KITH_SCAN_MESSAGES:-100000}
extra=${KITH_SCAN_NEW:-100}
seed=${KITH_BENCH_SEED:-42}
runs=${KITH_BENCH_RUNS:-3}
rescan_runs=${KITH_SCAN_RESCAN_RUNS:-5}
slow_runs=${KITH_SCAN_SLOW_RUNS:-1}
results=${KITH_BENCH_RESULTS:-$here/scan-results.md}
today=2026-06-01
py=/usr/bin/python3

prog=scan.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

# ---- tools ----
[ -x /usr/bin/time ] || need /usr/bin/time time
need cc gcc
[ "$slow_runs" = 0 ] || need notmuch notmuch

# ---- build: a snapshot of kith, and the floor ----
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$root" >/dev/null
fi
ninja -C "$build" cli/kith >&2
work=$(mktemp -d "${TMPDIR:-/tmp}/kith-bench-scan.XXXXXX")
trap 'rm -rf "$work"' EXIT
snapshot "$build" "$work" cli/kith
kith=$work/bin/kith
floor=$work/bin/kith-bench-scan-floor
cc -std=c11 -O2 -Wall -Wextra -o "$floor" "$here/scan-floor.c"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
if ! git -C "$root" diff --quiet HEAD -- lib cli 2>/dev/null; then
	commit="$commit (+ uncommitted changes in lib/ or cli/)"
fi

# ---- inputs, generated once ----
mkdir -p "$cache"
key="$(sha256sum <"$here/gen-mail.py" | cut -c1-12) $messages $extra $seed"
data=$cache/data
if [ "$(cat "$cache/stamp" 2>/dev/null)" != "$key" ] || [ ! -s "$data/stats.txt" ]; then
	rm -rf "$data" "$data.tmp" "$cache/stamp"
	say "generating $messages messages (+ $extra) in $data"
	start=$(date +%s)
	"$py" "$here/gen-mail.py" "$data.tmp" "$messages" "$extra" "$seed"
	mv "$data.tmp" "$data"
	echo "$key" >"$cache/stamp"
	say "generated in $(($(date +%s) - start)) s"
fi
mail=$data/Mail
mbox=$data/all.mbox
new_dir=$data/extra/INBOX/new
me=()
while read -r a; do me+=(--me "$a"); done <"$data/me.txt"

home=$work/home
mkdir -p "$home"
kith_env=(env -i PATH=/usr/bin:/bin HOME="$home" XDG_CONFIG_HOME="$home/.config"
	XDG_DATA_HOME="$home/.local/share" TZ=UTC LC_ALL=C.UTF-8)
k() { "${kith_env[@]}" "$kith" --today "$today" "$@"; }
base=$work/base.db
k --db "$base" init >/dev/null
k --db "$base" import "$data/contacts.vcf" >"$work/import.txt"
grep -q '300 added\|Added 300\|300 new' "$work/import.txt" ||
	grep -q '300' "$work/import.txt" || { cat "$work/import.txt" >&2; die "the import did not add 300 contacts"; }

raw=$work/raw.tsv
: >"$raw"

copy_db() { # FROM TO: a store with its WAL, if any
	rm -f "$2" "$2-wal" "$2-shm"
	cp "$1" "$2"
	[ ! -e "$1-wal" ] || cp "$1-wal" "$2-wal"
}

# scanned WANT: kith's summary says WANT messages were read (new + already seen).
scanned() {
	local n seen
	n=$(sed -n 's/^Scanned \([0-9]*\) new messages\{0,1\}:.*/\1/p' "$work/out")
	seen=$(sed -n 's/^ *\([0-9]*\) already seen.*/\1/p' "$work/out")
	[ -n "$n" ] || { cat "$work/out" "$work/err" >&2; die "no summary line"; }
	echo "$n ${seen:-0}" >"$work/counts"
	[ "$1" = any ] || [ "$((n + ${seen:-0}))" = "$1" ] || [ "$n" = "$1" ] ||
		{ cat "$work/out" >&2; die "kith read $n new + ${seen:-0} seen messages, not $1"; }
}

# Warm the page cache: every row reads the archive from memory.
say "warming the page cache ($(du -sh "$data" | cut -f1))"
find "$mail" -type f -exec cat {} + >/dev/null
cat "$mbox" >/dev/null
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the floor ----
say "floor: $runs runs each"
for _ in $(seq "$runs"); do
	timed maildir floor "$floor" maildir "$mail"
	timed mbox floor "$floor" mbox "$mbox"
done
read -r n_mbox _ <"$work/out"
"$floor" maildir "$mail" >"$work/floor-maildir"
read -r n_maildir hdr_maildir <"$work/floor-maildir"
[ "$n_maildir" = "$messages" ] || die "the floor finds $n_maildir files in the Maildir, not $messages"
[ "$n_mbox" = "$messages" ] || die "the floor finds $n_mbox messages in the mbox, not $messages"

# ---- kith ----
for s in maildir mbox; do
	src=(--maildir "$mail")
	[ $s = maildir ] || src=(--mbox "$mbox")
	say "$s: kith scan, first: $runs runs"
	for _ in $(seq "$runs"); do
		copy_db "$base" "$work/run.db"
		timed $s first "${kith_env[@]}" "$kith" --db "$work/run.db" --today "$today" \
			scan "${src[@]}" "${me[@]}"
		scanned "$messages"
		cp "$work/out" "$work/first-$s.txt"
	done
	copy_db "$work/run.db" "$work/scanned-$s.db"
	du -k "$work/scanned-$s.db" | cut -f1 >"$work/db-kb-$s"
	say "$s: kith scan after $extra new messages, and with nothing new: $rescan_runs runs each"
	size=$(stat -c %s "$mbox")
	for _ in $(seq "$rescan_runs"); do
		copy_db "$work/scanned-$s.db" "$work/run.db"
		if [ $s = maildir ]; then
			ln "$new_dir"/* "$mail/INBOX/new/"
		else
			cat "$data/extra.mbox" >>"$mbox"
		fi
		timed $s rescan "${kith_env[@]}" "$kith" --db "$work/run.db" --today "$today" \
			scan "${src[@]}" "${me[@]}"
		scanned "$extra"
		[ "$(cut -d' ' -f1 "$work/counts")" = "$extra" ] ||
			{ cat "$work/out" >&2; die "$s: the re-scan read more than the $extra new messages"; }
		cp "$work/out" "$work/rescan-$s.txt"
		if [ $s = maildir ]; then
			(cd "$new_dir" && for f in *; do rm -f "$mail/INBOX/new/$f"; done)
		else
			truncate -s "$size" "$mbox"
		fi
		copy_db "$work/scanned-$s.db" "$work/run.db"
		timed $s noop "${kith_env[@]}" "$kith" --db "$work/run.db" --today "$today" \
			scan "${src[@]}" "${me[@]}"
		scanned any
		[ "$(cut -d' ' -f1 "$work/counts")" = 0 ] || die "$s: a scan with nothing new read something"
	done
done

# ---- python3 mailbox ----
pyscan='import email.parser, mailbox, os, sys
p = email.parser.BytesHeaderParser()
n = 0
if sys.argv[1] == "maildir":
    for d, subs, _ in os.walk(sys.argv[2]):
        if "cur" in subs or "new" in subs:
            md = mailbox.Maildir(d, factory=None, create=False)
            for key in md.iterkeys():
                with md.get_file(key) as f:
                    h = p.parse(f)
                    h["From"], h["Date"], h["Message-ID"]
                n += 1
        subs[:] = [s for s in subs if s not in ("cur", "new", "tmp")]
else:
    mb = mailbox.mbox(sys.argv[2], factory=None, create=False)
    for key in mb.iterkeys():
        with mb.get_file(key) as f:
            h = p.parse(f)
            h["From"], h["Date"], h["Message-ID"]
        n += 1
print(n)'
say "python3 mailbox + BytesHeaderParser: $runs runs each"
for _ in $(seq "$runs"); do
	timed maildir python "$py" -c "$pyscan" maildir "$mail"
	[ "$(cat "$work/out")" = "$messages" ] || die "python read $(cat "$work/out") Maildir messages"
	timed mbox python "$py" -c "$pyscan" mbox "$mbox"
	[ "$(cat "$work/out")" = "$messages" ] || die "python read $(cat "$work/out") mbox messages"
done

# ---- notmuch ----
nm_version=""
if [ "$slow_runs" -gt 0 ]; then
	nm_version=$(notmuch --version | cut -d' ' -f2)
	nmconf=$work/notmuch-config
	printf '[database]\npath=%s\nmail_root=%s\n[new]\ntags=unread;inbox;\n[maildir]\nsynchronize_flags=true\n[user]\nname=Alex Morgan\nprimary_email=%s\n' \
		"$work/notmuch-db" "$mail" "$(head -1 "$data/me.txt")" >"$nmconf"
	say "notmuch new, first: $slow_runs runs"
	for _ in $(seq "$slow_runs"); do
		rm -rf "$work/notmuch-db"
		mkdir -p "$work/notmuch-db"
		timed maildir notmuch env NOTMUCH_CONFIG="$nmconf" notmuch new --quiet
		[ "$(NOTMUCH_CONFIG=$nmconf notmuch count --output=files '*')" = "$messages" ] ||
			die "notmuch counts $(NOTMUCH_CONFIG=$nmconf notmuch count --output=files '*') files"
	done
	say "notmuch new after $extra new messages: $rescan_runs runs"
	for _ in $(seq "$rescan_runs"); do
		ln "$new_dir"/* "$mail/INBOX/new/"
		timed maildir notmuch-rescan env NOTMUCH_CONFIG="$nmconf" notmuch new --quiet
		(cd "$new_dir" && for f in *; do rm -f "$mail/INBOX/new/$f"; done)
		NOTMUCH_CONFIG=$nmconf notmuch new --quiet >/dev/null
	done
	du -sk "$work/notmuch-db" | cut -f1 >"$work/nm-kb"
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the table ----
gmime_version=$(pkg-config --modversion gmime-3.0 2>/dev/null || echo "?")
table=$("$py" - "$raw" "$messages" "$extra" "$nm_version" <<'PY'
import collections, statistics, sys
raw, n, extra, nmv = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
m = collections.defaultdict(list)
for line in open(raw):
    s, row, wall, cpu, rss = line.rstrip("\n").split("\t")
    m[s, row].append((float(wall), float(cpu), int(rss) / 1024))
label = {
    "first": "**kith scan, first**",
    "rescan": f"**kith scan after {extra} new messages**",
    "noop": "kith scan, nothing new",
    "floor": "floor: read the header bytes only (C, libc)",
    "python": "python3 mailbox + BytesHeaderParser",
    "notmuch": f"notmuch {nmv} new, first (indexes bodies too)",
    "notmuch-rescan": f"notmuch {nmv} new after {extra} new messages",
}
def med(v, i):
    return statistics.median(x[i] for x in v)
def target(s, row, v):
    fl, py, nm = m.get((s, "floor")), m.get((s, "python")), m.get((s, "notmuch"))
    w, rss, out = med(v, 0), med(v, 2), []
    if row == "first":
        r = w / med(fl, 0)
        out.append(f"≤ 2× floor: {'met' if r <= 2 else 'missed'} ({r:.1f}×)")
        peers = [("python", py)] + ([("notmuch", nm)] if nm else [])
        for name, p in peers:
            out.append(f"faster than {name}: {'met' if w < med(p, 0) else 'missed'}")
    if row == "rescan":
        out.append(f"≤ 0.2 s: {'met' if w <= 0.2 else 'missed'}"
                   + ("" if s == "maildir" else " (target is the Maildir's)"))
    if row in ("first", "rescan", "noop"):
        out.append(f"RSS < 64 MB: {'met' if rss < 64 else 'missed'}")
    return "; ".join(out)
print("| archive | what runs | runs | median s | min s | max s | CPU s | peak RSS MB "
      "| wall ÷ floor | CPU ÷ floor | target |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for s, name in (("maildir", f"Maildir, {n} files"), ("mbox", f"mbox, {n} messages")):
    fl = m[s, "floor"]
    fw, fc = med(fl, 0), statistics.mean(x[1] for x in fl)
    for row in ("first", "rescan", "noop", "floor", "python", "notmuch", "notmuch-rescan"):
        v = m.get((s, row))
        if not v:
            continue
        w = [x[0] for x in v]
        cpu = statistics.mean(x[1] for x in v)
        print(f"| {name} | {label[row]} | {len(v)} | {statistics.median(w):.2f} | {min(w):.2f} "
              f"| {max(w):.2f} | {cpu:.2f} | {med(v, 2):.1f} | {statistics.median(w) / fw:.2f}× "
              + (f"| {cpu / fc:.2f}× " if fc >= 0.05 else "| – ")
              + f"| {target(s, row, v)} |")
        name = ""
PY
)
printf '%s\n' "$table"
stats=$(awk -F'\t' '{ printf "%s %s, ", $1, $2 }' "$data/stats.txt" | sed 's/, $//')
{
	echo "# kith scan: a $messages-message archive against notmuch, Python and the floor"
	echo
	echo "Run by \`bench/scan.sh\` on $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) CPU(s)"
	echo "($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), kith $commit,"
	echo "build type $(meson introspect "$build" --buildoptions 2>/dev/null | "$py" -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="buildtype"))' 2>/dev/null || echo '?'), GMime $gmime_version."
	echo
	printf '%s\n' "$table"
	echo
	echo "The archive (bench/gen-mail.py, seed $seed): $messages messages, $(du -sh "$mail" | cut -f1) as a"
	echo "Maildir and $(du -sh "$mbox" | cut -f1) as one mbox ($stats); headers"
	echo "$((hdr_maildir / messages)) bytes a message on average ($((hdr_maildir / 1048576)) MiB in all, what the floor reads"
	echo "of the Maildir). The store: 300 contacts; the first scan of the Maildir"
	echo "reported: $(head -1 "$work/first-maildir.txt" | sed 's/^Scanned //'), the store then $(($(cat "$work/db-kb-maildir") / 1024)) MB."
	[ -z "$nm_version" ] || echo "notmuch's database after its first run: $(($(cat "$work/nm-kb") / 1024)) MB."
	echo
	echo "Whole processes under /usr/bin/time (10 ms resolution), warm page cache."
	echo "Wall times are medians; CPU is the mean user + system time; peak RSS the"
	echo "median maximum resident set.  Ratios divide by the floor of the same"
	echo "archive (wall by its median, CPU by its mean).  Each kith run starts from"
	echo "a fresh copy of its store (untimed): the first scans from the 300"
	echo "contacts, the re-scans from the store the first scan left.  The $extra new"
	echo "messages are hard-linked into INBOX/new or appended to the mbox before"
	echo "each re-scan and taken away after it.  Load average before the run:"
	echo "$load_before; after: $load_after (on $(nproc) CPUs)."
} >"$results"
say "wrote $results"
