#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# bench/import.sh - how fast is importing 10,000 vCards into a fresh store?
#
# Generates (once, cached) 10,000 made-up vCard 3.0 cards with
# gen-vcards.py, then times, RUNS times each, and reports the median:
#   - kith: kith-bench-import (open a new store, default tiers,
#     kith_import(), commit: parse, dedupe, spread, write, fsync);
#   - python3-vobject parsing the same file (readComponents, touching
#     every card's FN and EMAIL): a widely used vCard parser, no storage;
#   - the sqlite3 CLI inserting the same 10,000 people (contact, email,
#     phone rows) in one transaction with kith's pragmas: the floor for
#     storing them at all.
# Prints a Markdown table and writes it to bench/import-results.md.
#
# Environment:
#   KITH_BUILD_DIR      build directory (default: build)
#   KITH_BENCH_DIR      cache of generated files (default: /tmp/kith-bench-import)
#   KITH_BENCH_CARDS    cards (default: 10000)
#   KITH_BENCH_RUNS     timed runs per scenario (default: 5)
#   KITH_BENCH_RESULTS  results file (default: bench/import-results.md;
#                       /dev/null for a try-out)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
build=${KITH_BUILD_DIR:-$root/build}
cache=${KITH_BENCH_DIR:-/tmp/kith-bench-import}
cards=${KITH_BENCH_CARDS:-10000}
runs=${KITH_BENCH_RUNS:-5}
results=${KITH_BENCH_RESULTS:-$here/import-results.md}
py=/usr/bin/python3

prog=import.sh
# shellcheck source=bench/lib.sh
. "$here/lib.sh"

ninja -C "$build" bench/kith-bench-import >/dev/null
mkdir -p "$cache"
vcf=$cache/cards-$cards.vcf
if [ ! -s "$vcf" ]; then
	say "generating $cards cards in $vcf"
	"$py" "$here/gen-vcards.py" "$cards" "$vcf"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/kith-bench-import.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ---- kith ----
say "kith: $runs runs"
"$build/bench/kith-bench-import" "$vcf" "$runs" "$work" >"$work/kith.txt"
imported=$(awk 'NR == 1 { print $3 }' "$work/kith.txt")
[ "$imported" = "$cards" ] || { say "kith imported $imported of $cards"; exit 1; }
say "kith, reading only: $runs runs"
"$build/bench/kith-bench-import" "$vcf" "$runs" "$work" read-only >"$work/kith-read.txt"

# ---- python3-vobject ----
vobject_version=""
if "$py" -c 'import vobject' 2>/dev/null; then
	vobject_version=$("$py" -c 'import importlib.metadata as m; print(m.version("vobject"))' 2>/dev/null || echo "?")
	say "python3-vobject $vobject_version: $runs runs"
	"$py" - "$vcf" "$runs" >"$work/vobject.txt" <<'PY'
import sys, time, vobject
path, runs = sys.argv[1], int(sys.argv[2])
text = open(path, encoding="utf-8").read()
for _ in range(runs):
    t0, c0 = time.perf_counter(), time.process_time()
    n = 0
    for card in vobject.readComponents(text):
        card.fn.value
        getattr(card, "email", None)
        n += 1
    t1, c1 = time.perf_counter(), time.process_time()
    assert n == len(text.split("BEGIN:VCARD")) - 1
    print(f"{(t1 - t0) * 1e3:.1f} {(c1 - c0) * 1e3:.1f}")
PY
else
	say "python3-vobject is not installed (apt-get install python3-vobject): skipped"
fi

# ---- sqlite3: the floor ----
sql=$cache/floor-$cards.sql
if [ ! -s "$sql" ]; then
	"$py" - "$vcf" "$sql" <<'PY'
import sys
path, out = sys.argv[1], sys.argv[2]
rows = []
name = email = phone = org = None
for line in open(path, encoding="utf-8"):
    line = line.rstrip("\r\n")
    if line.startswith("FN:"): name = line[3:]
    elif ".EMAIL" in line and email is None: email = line.split(":", 1)[1]
    elif line.startswith("TEL"): phone = line.split(":", 1)[1]
    elif line.startswith("ORG:"): org = line[4:]
    elif line == "END:VCARD":
        rows.append((name, email, phone, org)); name = email = phone = org = None
q = lambda s: "NULL" if s is None else "'" + s.replace("'", "''") + "'"
with open(out, "w", encoding="utf-8") as f:
    f.write("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;\n"
            "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, org TEXT, "
            "tier TEXT NOT NULL, added TEXT NOT NULL, first_due TEXT);\n"
            "CREATE TABLE contact_emails (contact_id INTEGER, pos INTEGER, email TEXT, "
            "PRIMARY KEY (contact_id, pos)) WITHOUT ROWID;\n"
            "CREATE INDEX contact_emails_email ON contact_emails(email COLLATE NOCASE);\n"
            "CREATE TABLE contact_phones (contact_id INTEGER, pos INTEGER, phone TEXT, "
            "PRIMARY KEY (contact_id, pos)) WITHOUT ROWID;\nBEGIN;\n")
    for i, (n, e, p, o) in enumerate(rows, 1):
        f.write(f"INSERT INTO contacts VALUES ({i}, {q(n)}, {q(o)}, 'regular', '2026-06-01', "
                f"'2026-06-02');\nINSERT INTO contact_emails VALUES ({i}, 0, {q(e)});\n"
                f"INSERT INTO contact_phones VALUES ({i}, 0, {q(p)});\n")
    f.write("COMMIT;\n")
PY
fi
sqlite_version=$(sqlite3 --version | cut -d' ' -f1)
say "sqlite3 $sqlite_version: $runs runs"
"$py" - "$sql" "$work/floor.db" "$runs" >"$work/sqlite.txt" <<'PY'
import os, resource, subprocess, sys, time
sql, db, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
for _ in range(runs):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.unlink(db + suffix)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(sql, "rb") as f:
        subprocess.run(["sqlite3", db], stdin=f, stdout=subprocess.DEVNULL, check=True)
    t1 = time.perf_counter()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(f"{(t1 - t0) * 1e3:.1f} {cpu * 1e3:.1f}")
PY

# ---- the command a user runs: kith import, a whole process ----
say "kith import (the CLI): $runs runs"
ninja -C "$build" cli/kith >/dev/null
"$py" - "$build/cli/kith" "$vcf" "$work/cli" "$runs" "$cards" >"$work/cli.txt" <<'PY'
import os, resource, shutil, subprocess, sys, time
kith, vcf, home, runs, cards = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
env = dict(os.environ, HOME=home, XDG_DATA_HOME=home, XDG_CONFIG_HOME=home)
env.pop("KITH_DB", None)
db = os.path.join(home, "kith.db")
for _ in range(runs):
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home)
    subprocess.run([kith, "--db", db, "init"], env=env, stdout=subprocess.DEVNULL, check=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run([kith, "--db", db, "--today", "2026-06-01", "import", vcf], env=env,
                         stdout=subprocess.PIPE, check=True, text=True).stdout
    t1 = time.perf_counter()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if f"{cards} new contacts" not in out:
        sys.exit("kith import did not report %s new contacts:\n%s" % (cards, out))
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    print(f"{(t1 - t0) * 1e3:.1f} {cpu * 1e3:.1f}")
PY

# ---- the table ----
table=$("$py" - "$work" "$cards" "$runs" "$vobject_version" "$sqlite_version" <<'PY'
import os, statistics, sys
work, cards, runs, vov, sqv = sys.argv[1:6]
def load(name):
    p = os.path.join(work, name)
    if not os.path.exists(p) or not os.path.getsize(p):
        return None
    rows = [line.split() for line in open(p) if line.strip()]
    return [float(r[0]) for r in rows], [float(r[1]) for r in rows]
kith = load("kith.txt")
rows = [("kith: `kith_import()` into a new store: read, dedupe, spread, write, commit", kith),
        ("kith: `kith import FILE`, the whole command (start, open, import, commit, summary)",
         load("cli.txt")),
        ("kith: the same import keeping nobody (read, convert, filter; no writes)",
         load("kith-read.txt")),
        (f"python3-vobject {vov}: parse only", load("vobject.txt")),
        (f"sqlite3 {sqv} CLI: insert the same people in one transaction (floor)",
         load("sqlite.txt"))]
k = statistics.median(kith[0])
print(f"| {cards} vCards, median of {runs} runs | wall | CPU | kith wall ÷ this |")
print("|---|---:|---:|---:|")
for label, v in rows:
    if v is None:
        print(f"| {label} | not installed | | |")
        continue
    wall, cpu = statistics.median(v[0]), statistics.median(v[1])
    print(f"| {label} | {wall:.0f} ms | {cpu:.0f} ms | {k / wall:.2f} |")
PY
)
printf '%s\n' "$table"
{
	echo "# Import benchmark: $cards vCards into a fresh store"
	echo
	echo "Run by \`bench/import.sh\` on $(date -u +%Y-%m-%d), $(nproc) CPU(s):"
	echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ;"
	echo "build type $(meson introspect "$build" --buildoptions 2>/dev/null | "$py" -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="buildtype"))' 2>/dev/null || echo '?')."
	echo
	printf '%s\n' "$table"
	echo
	echo "kith's time includes creating the store, SQLite's fsync on commit"
	echo "(synchronous = FULL) and everything kith_import() does per card; the"
	echo "vobject row is parsing alone, the sqlite3 row storing alone.  Wall"
	echo "times on a shared machine vary; CPU time is the steadier measure."
	echo "Load average when run: $(cut -d' ' -f1-3 /proc/loadavg)."
} >"$results"
say "wrote $results"
