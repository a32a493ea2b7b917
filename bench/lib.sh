# SPDX-License-Identifier: MIT
#
# bench/lib.sh - what the benchmark scripts share.  Sourced, not run; the
# script sets `prog` (its name, for messages) first.

say() { printf '%s\n' "$*" >&2; }
die() { say "$prog: $*"; exit 1; }

# need COMMAND DEBIAN-PACKAGE: installs the package when the command is
# missing (as root, with apt-get), else says what to install.
need() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "installing $2 for $1"
		apt-get install -y "$2" >/dev/null 2>&1 ||
			{ apt-get update >/dev/null 2>&1 && apt-get install -y "$2" >/dev/null; } ||
			die "cannot install $2"
	else
		die "$1 is missing: apt-get install $2"
	fi
}

# The median of the numbers on stdin, one a line (empty when there are none).
median() {
	sort -g | awk '{ a[NR] = $1 }
		END { if (NR == 0) print ""; else if (NR % 2) print a[(NR + 1) / 2];
		      else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# snapshot BUILD DIR FILE...: copies FILEs (paths in the build directory)
# to DIR/bin and libkith to DIR/lib (their RUNPATH is $ORIGIN/../lib), so a
# build running in the same tree meanwhile cannot swap what is measured.
snapshot() {
	local build=$1 dir=$2 f
	shift 2
	mkdir -p "$dir/bin" "$dir/lib"
	for f in "$@"; do
		[ -e "$build/$f" ] || die "no $build/$f (configure with -Dbench=true; does the CLI build?)"
		cp "$build/$f" "$dir/bin/"
	done
	cp -L "$build/lib/libkith.so.0" "$dir/lib/"
}

# timed SCENARIO ROW COMMAND...: one run under /usr/bin/time; appends
# "SCENARIO ROW wall cpu rss_kb" to $raw.  Output in $work/out and
# $work/err; a failed command ends the script.
timed() {
	local scenario=$1 row=$2
	shift 2
	if ! /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$work/out" 2>"$work/err"; then
		cat "$work/err" >&2
		die "$scenario/$row failed: $*"
	fi
	awk -v s="$scenario" -v r="$row" '{ printf "%s\t%s\t%s\t%.2f\t%s\n", s, r, $1, $2 + $3, $4 }' \
		"$work/time" >>"$raw"
}
