#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Start and stop real CalDAV servers from their Debian packages for tests
# and benchmarks, each on 127.0.0.1 on a free port with a throwaway data
# directory and one user.
#
#   servers.sh start radicale|xandikos|davical DIR
#   servers.sh stop DIR
#   servers.sh url DIR
#
# start: DIR is created if missing (it should be empty or a previous,
#   stopped run of the same server); everything the server writes goes
#   below it.  Waits (bounded, KITH_SERVER_WAIT seconds, default 30) until
#   the server answers HTTP; on failure prints the server's log, stops what
#   was started and exits 1.  On success writes
#     DIR/url     the base URL, e.g. http://127.0.0.1:40123/  (one line)
#     DIR/pids    the PIDs of the processes started, one a line
#     DIR/server  the server's name
#   and prints the URL.
# stop: stops every PID in DIR/pids (TERM, then KILL after a bounded wait),
#   also if already dead, also on a second call; exits 0.
# url: prints DIR/url.
#
# The user is "kith" with password "kith-test-pass" (KITH_DAV_USER,
# KITH_DAV_PASSWORD override them).  What each server is and where its
# calendar home is: tests/integration/README.md.
#
#   radicale  /usr/bin/python3 -m radicale, config DIR/radicale.conf,
#             htpasswd auth (plain), storage DIR/collections, owner_only
#             rights (the user owns /kith/).
#   xandikos  xandikos on a unix socket DIR/xandikos.sock with
#             --current-user-principal /kith/ --autocreate, data in
#             DIR/xandikos; Xandikos has no auth of its own, so the URL
#             handed out is that of authproxy.py (Basic auth, forwards
#             everything else unchanged).
#   davical   a private PostgreSQL cluster (DIR/pg, unix socket only), the
#             DAViCal schema from create-database.sh, the user and its
#             principal inserted with SQL, and a private Apache (prefork +
#             mod_php, apache2 -f DIR/httpd.conf) serving DAViCal's htdocs
#             at the root; /.well-known/ is rewritten to caldav.php.
#             A second port serves DAViCal below /davical/ with nothing
#             at the root and no /.well-known/ (a server set up without
#             the redirect its docs prescribe): its URL is in DIR/url-bare.
#             As root, PostgreSQL runs as user postgres and Apache's
#             children as www-data: DIR is made world-traversable.
#
# Processes stay in the caller's process group, so a test runner that kills
# its test's group also kills the servers; except Apache (-D NO_DETACH), which
# must have a group of its own (it signals its whole group when it stops), so
# a caller must always call "stop".
set -euo pipefail

PY=/usr/bin/python3
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DAV_USER="${KITH_DAV_USER:-kith}"
DAV_PASSWORD="${KITH_DAV_PASSWORD:-kith-test-pass}"
WAIT="${KITH_SERVER_WAIT:-30}"

die() { echo "servers.sh: $*" >&2; exit 1; }

usage() {
	echo "usage: servers.sh start radicale|xandikos|davical DIR | stop DIR | url DIR" >&2
	exit 2
}

free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL SECONDS PID... : until URL answers with an HTTP status other
# than 502/503 (any other status, 401 included, means the server is up);
# fails early if one of the PIDs has died.
wait_http() {
	"$PY" - "$@" <<'EOF'
import base64, http.client, os, sys, time, urllib.parse
url, secs, pids = sys.argv[1], float(sys.argv[2]), [int(p) for p in sys.argv[3:]]
u = urllib.parse.urlsplit(url)
auth = base64.b64encode(("%s:%s" % (os.environ["DAV_USER"], os.environ["DAV_PASSWORD"])).encode()).decode()
deadline = time.monotonic() + secs
last = "no answer"
while time.monotonic() < deadline:
    for p in pids:
        try:
            os.kill(p, 0)
            with open("/proc/%d/stat" % p) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    raise ProcessLookupError
        except (ProcessLookupError, FileNotFoundError):
            print("process %d exited before the server answered (%s)" % (p, last), file=sys.stderr)
            sys.exit(1)
    try:
        c = http.client.HTTPConnection(u.hostname, u.port, timeout=2)
        c.request("GET", u.path or "/", headers={"Authorization": "Basic " + auth})
        r = c.getresponse()
        r.read()
        c.close()
        if r.status not in (502, 503):
            sys.exit(0)
        last = "HTTP %d" % r.status
    except OSError as e:
        last = str(e)
    time.sleep(0.05)
print("no answer from %s within %g s (%s)" % (url, secs, last), file=sys.stderr)
sys.exit(1)
EOF
}

alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^[0-9]* (.*) Z' "/proc/$1/stat" 2>/dev/null; }

# stop_pids PID... : TERM, wait up to 10 s, then KILL; reap our children.
stop_pids() {
	local p n
	for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; done
	for n in $(seq 100); do
		local any=0
		for p in "$@"; do alive "$p" && any=1; done
		[ $any = 0 ] && break
		sleep 0.1
	done
	for p in "$@"; do
		if alive "$p"; then
			echo "servers.sh: pid $p did not stop on TERM, killing it" >&2
			kill -KILL "$p" 2>/dev/null || true
		fi
		wait "$p" 2>/dev/null || true
	done
}

do_stop() {
	local dir="$1" pids=()
	[ -f "$dir/pids" ] || return 0
	mapfile -t pids < <(grep -E '^[0-9]+$' "$dir/pids" || true)
	# Stop in reverse order of start: front ends before back ends.
	local rev=() i pm=""
	# PostgreSQL: ask for a fast shutdown (TERM waits for clients).
	[ -f "$dir/pg/data/postmaster.pid" ] && pm="$(head -n 1 "$dir/pg/data/postmaster.pid" 2>/dev/null || true)"
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do rev+=("${pids[$i]}"); done
	for i in "${rev[@]}"; do
		[ "$i" = "$pm" ] && kill -INT "$i" 2>/dev/null || true
	done
	if [ ${#rev[@]} -gt 0 ]; then stop_pids "${rev[@]}"; fi
	# Apache's prefork children (reparented if their parent was killed).
	if [ -f "$dir/apache/httpd.pid" ]; then
		local ap; ap="$(cat "$dir/apache/httpd.pid" 2>/dev/null || true)"
		[ -n "$ap" ] && alive "$ap" && stop_pids "$ap"
	fi
	rm -f "$dir/pids" "$dir/url"
}

# fail LOG... : print the logs, stop what was started, exit 1.
fail() {
	local msg="$1"; shift
	echo "servers.sh: $SERVER: $msg" >&2
	local f
	for f in "$@"; do
		[ -f "$f" ] || continue
		echo "---- $f (last 60 lines) ----" >&2
		tail -n 60 "$f" >&2
	done
	do_stop "$DIR"
	exit 1
}

record_pid() { echo "$1" >>"$DIR/pids"; }

start_radicale() {
	local port="$1"
	mkdir -p "$DIR/collections"
	printf '%s:%s\n' "$DAV_USER" "$DAV_PASSWORD" >"$DIR/htpasswd"
	cat >"$DIR/radicale.conf" <<EOF
# Written by tests/integration/servers.sh
[server]
hosts = 127.0.0.1:$port
[auth]
type = htpasswd
htpasswd_filename = $DIR/htpasswd
# Debian's 3.1.8 reads plain, md5 (APR1) and bcrypt; bcrypt needs
# python3-bcrypt, which is not installed: plain it is.
htpasswd_encryption = plain
# The default delays every failed login by about one second.
delay = 0
realm = kith-test
[rights]
type = owner_only
[storage]
filesystem_folder = $DIR/collections
[web]
type = none
[logging]
level = info
mask_passwords = True
EOF
	"$PY" -m radicale -C "$DIR/radicale.conf" </dev/null >>"$DIR/radicale.log" 2>&1 &
	record_pid $!
	LOGS=("$DIR/radicale.log")
	URL="http://127.0.0.1:$port/"
	WAITPIDS=($!)
}

start_xandikos() {
	local port="$1" upstream
	command -v xandikos >/dev/null || die "xandikos is not installed (apt-get install xandikos)"
	mkdir -p "$DIR/xandikos"
	upstream="$DIR/xandikos.sock"
	local xargs=(-l "$upstream")
	if [ ${#upstream} -gt 100 ]; then
		# Too long for a unix socket path: a second TCP port instead.
		local xport; xport="$(free_port)"
		upstream="127.0.0.1:$xport"
		xargs=(-l 127.0.0.1 -p "$xport")
	else
		rm -f "$upstream"
	fi
	"$PY" /usr/bin/xandikos -d "$DIR/xandikos" "${xargs[@]}" \
		--current-user-principal "/$DAV_USER/" --autocreate \
		</dev/null >>"$DIR/xandikos.log" 2>&1 &
	local xpid=$!
	record_pid $xpid
	"$PY" "$HERE/authproxy.py" --listen "127.0.0.1:$port" --upstream "$upstream" \
		--user "$DAV_USER" --password "$DAV_PASSWORD" \
		</dev/null >>"$DIR/authproxy.log" 2>&1 &
	record_pid $!
	LOGS=("$DIR/xandikos.log" "$DIR/authproxy.log")
	URL="http://127.0.0.1:$port/"
	WAITPIDS=($xpid $!)
}

pg_bindir() {
	local d
	d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
	[ -n "$d" ] && [ -x "$d/initdb" ] || die "PostgreSQL server binaries not found (apt-get install postgresql)"
	echo "$d"
}

# as_pg CMD... : run as the postgres user when root (initdb refuses root).
AS_PG=()
if [ "$(id -u)" -eq 0 ]; then AS_PG=(setpriv --reuid=postgres --regid=postgres --init-groups --); fi
as_pg() { "${AS_PG[@]}" "$@"; }

# pg_start BINDIR: start the postmaster on DIR/pg/data (socket in DIR/pg,
# no TCP; durability off: throwaway data), wait until it accepts connections.
pg_start() {
	# Not through the as_pg function: $! must be the postmaster itself.
	"${AS_PG[@]}" "$1/postgres" -D "$DIR/pg/data" -k "$DIR/pg" -p 5432 \
		-c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
		</dev/null >>"$DIR/postgres.log" 2>&1 &
	PGPID=$!
	record_pid $PGPID
	local i
	for i in $(seq $((WAIT * 10))); do
		"$1/pg_isready" -q -h "$DIR/pg" -p 5432 && return 0
		alive $PGPID || fail "postgres exited" "${LOGS[@]}"
		sleep 0.1
	done
	fail "postgres did not accept connections within $WAIT s" "${LOGS[@]}"
}

# pg_stop: fast shutdown of the postmaster pg_start started.
pg_stop() {
	kill -INT "$PGPID" 2>/dev/null || true
	stop_pids "$PGPID"
	grep -vx "$PGPID" "$DIR/pids" >"$DIR/pids.new" || true
	mv "$DIR/pids.new" "$DIR/pids"
}

start_davical() {
	local port="$1" pgbin php_so mods=/usr/lib/apache2/modules bare_port
	[ -f /usr/share/davical/htdocs/caldav.php ] || die "davical is not installed (apt-get install davical)"
	command -v apache2 >/dev/null || [ -x /usr/sbin/apache2 ] || die "apache2 is not installed"
	php_so="$(ls "$mods"/libphp*.so 2>/dev/null | sort -V | tail -n 1)"
	[ -n "$php_so" ] || die "mod_php not found (apt-get install libapache2-mod-php)"
	pgbin="$(pg_bindir)"

	LOGS=("$DIR/postgres.log" "$DIR/davical-setup.log" "$DIR/apache/error.log")
	chmod a+x "$DIR"
	mkdir -p "$DIR/pg" "$DIR/apache" "$DIR/apache/empty"
	if [ "$(id -u)" -eq 0 ]; then chown postgres: "$DIR/pg"; fi
	chmod 755 "$DIR/pg"
	: >"$DIR/postgres.log"
	if [ "$(id -u)" -eq 0 ]; then chown postgres: "$DIR/postgres.log"; fi

	export PGHOST="$DIR/pg" PGPORT=5432 PGUSER=postgres
	local tpl=""
	if [ -n "${KITH_DAVICAL_CACHE:-}" ]; then
		# A cluster with the database and the user made once, copied for
		# every start (about 1 s instead of 5-12 s).
		local key
		key="$(printf '%s\n' "$(dpkg-query -W -f='${Version}' davical 2>/dev/null)" \
			"$("$pgbin/postgres" --version)" "$DAV_USER" "$DAV_PASSWORD" | md5sum | cut -c1-12)"
		tpl="$KITH_DAVICAL_CACHE/davical-pgdata-$key"
	fi

	if [ -f "$DIR/pg/ready" ] && [ -f "$DIR/pg/data/PG_VERSION" ]; then
		# A DIR that was set up before (and stopped): keep its data.
		pg_start "$pgbin"
	elif [ -n "$tpl" ] && [ -f "$tpl/PG_VERSION" ]; then
		rm -rf "$DIR/pg/data"
		cp -a "$tpl" "$DIR/pg/data" || fail "copying the cached cluster $tpl failed" "${LOGS[@]}"
		pg_start "$pgbin"
	else
		rm -rf "$DIR/pg/data"
		# 1. PostgreSQL: private cluster, no TCP, unix socket in DIR/pg.
		as_pg "$pgbin/initdb" -D "$DIR/pg/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
			--no-sync >>"$DIR/davical-setup.log" 2>&1 || fail "initdb failed" "${LOGS[@]}"
		pg_start "$pgbin"

		# 2. DAViCal's database, then the user and its principal.
		(cd /usr/share/davical/dba && ./create-database.sh davical "admin-$DAV_PASSWORD") \
			</dev/null >>"$DIR/davical-setup.log" 2>&1 || fail "create-database.sh failed" "${LOGS[@]}"
		local sqlpw="${DAV_PASSWORD//\'/\'\'}" sqluser="${DAV_USER//\'/\'\'}"
		psql -qXAt -v ON_ERROR_STOP=1 -d davical >>"$DIR/davical-setup.log" 2>&1 <<EOF || fail "creating the user failed" "${LOGS[@]}"
BEGIN;
INSERT INTO usr (active, email_ok, updated, username, password, fullname, email)
  VALUES (TRUE, current_date, current_date, '$sqluser', '**$sqlpw', 'kith test user', 'kith@example.net');
INSERT INTO principal (type_id, user_no, displayname, default_privileges)
  SELECT 1, user_no, 'kith test user', privilege_to_bits(ARRAY['read-free-busy','schedule-query-freebusy'])
  FROM usr WHERE username = '$sqluser';
COMMIT;
EOF
		if [ -n "$tpl" ]; then
			# Save a cleanly shut down copy, then start again.
			pg_stop
			mkdir -p "$KITH_DAVICAL_CACHE"
			rm -rf "$tpl.tmp.$$"
			if cp -a "$DIR/pg/data" "$tpl.tmp.$$" && rm -f "$tpl.tmp.$$/postmaster.pid" \
				&& mv -T "$tpl.tmp.$$" "$tpl" 2>/dev/null; then
				echo "servers.sh: cached the DAViCal cluster in $tpl" >&2
			else
				rm -rf "$tpl.tmp.$$"
			fi
			pg_start "$pgbin"
		fi
	fi
	touch "$DIR/pg/ready"

	# 3. Apache: prefork + mod_php, DAViCal's htdocs at the root.
	bare_port="$(free_port)"
	while [ "$bare_port" = "$port" ]; do bare_port="$(free_port)"; done
	local run_as=""
	if [ "$(id -u)" -eq 0 ]; then run_as="User www-data
Group www-data"; fi
	cat >"$DIR/httpd.conf" <<EOF
# Written by tests/integration/servers.sh
ServerRoot /etc/apache2
ServerName 127.0.0.1
Listen 127.0.0.1:$port
Listen 127.0.0.1:$bare_port
PidFile $DIR/apache/httpd.pid
Mutex file:$DIR/apache default
ErrorLog $DIR/apache/error.log
LogLevel warn
$run_as
LoadModule mpm_prefork_module $mods/mod_mpm_prefork.so
LoadModule authz_core_module $mods/mod_authz_core.so
LoadModule mime_module $mods/mod_mime.so
LoadModule dir_module $mods/mod_dir.so
LoadModule env_module $mods/mod_env.so
LoadModule rewrite_module $mods/mod_rewrite.so
LoadModule alias_module $mods/mod_alias.so
LoadModule php_module $php_so
StartServers 2
MinSpareServers 2
MaxSpareServers 8
MaxRequestWorkers 16
KeepAlive On
MaxKeepAliveRequests 1000
KeepAliveTimeout 15
TypesConfig /etc/mime.types
LogFormat "%h %u %t \"%r\" %>s %b %D" kith
CustomLog $DIR/apache/access.log kith
DocumentRoot /usr/share/davical/htdocs
SetEnv PGHOST $DIR/pg
SetEnv PGPORT 5432
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory /usr/share/davical/htdocs>
  DirectoryIndex index.php
  AllowOverride None
  AcceptPathInfo On
  Require all granted
</Directory>
<FilesMatch "\.php$">
  SetHandler application/x-httpd-php
</FilesMatch>
RewriteEngine On
RewriteRule ^/\.well-known/(.*)$ /caldav.php/.well-known/\$1 [NC,PT]
# Rewrite rules are not inherited by a virtual host: no well-known here,
# and DAViCal below /davical/, as a server that is not DAV at its root.
<Directory $DIR/apache/empty>
  Require all granted
</Directory>
<VirtualHost 127.0.0.1:$bare_port>
  DocumentRoot $DIR/apache/empty
  Alias /davical /usr/share/davical/htdocs
</VirtualHost>
EOF
	# libpq in the PHP children reads PGHOST/PGPORT from the process
	# environment, which SetEnv does not reach: export them as well.
	# -D NO_DETACH, not FOREGROUND: Apache stays our child (its PID is $!)
	# but in a process group of its own.  On shutdown prefork signals its
	# whole process group, which with FOREGROUND is the caller's: the test
	# runner itself would get the SIGTERM.
	env -u PGUSER PGHOST="$DIR/pg" PGPORT=5432 \
		/usr/sbin/apache2 -f "$DIR/httpd.conf" -D NO_DETACH \
		</dev/null >>"$DIR/apache/error.log" 2>&1 &
	record_pid $!
	URL="http://127.0.0.1:$port/"
	echo "http://127.0.0.1:$bare_port/" >"$DIR/url-bare"
	WAITPIDS=($PGPID $!)
}

do_start() {
	local kind="$1" attempt port
	case "$kind" in radicale|xandikos|davical) ;; *) usage ;; esac
	mkdir -p "$DIR"
	DIR="$(cd "$DIR" && pwd)"
	if [ -f "$DIR/pids" ]; then
		local p
		for p in $(cat "$DIR/pids"); do
			alive "$p" && die "$DIR is in use by a running server (pid $p): stop it first"
		done
		rm -f "$DIR/pids"
	fi
	SERVER="$kind"
	export DAV_USER DAV_PASSWORD
	for attempt in 1 2 3; do
		port="$(free_port)"
		: >"$DIR/pids"
		rm -f "$DIR/url"
		"start_$kind" "$port"
		if wait_http "$URL" "$WAIT" "${WAITPIDS[@]}" 2>"$DIR/wait.err"; then
			echo "$kind" >"$DIR/server"
			echo "$URL" >"$DIR/url"
			echo "$URL"
			return 0
		fi
		# Another process may have taken the port between free_port and
		# the bind: retry on a new port.
		if [ $attempt -lt 3 ] && cat "${LOGS[@]}" 2>/dev/null | grep -qi 'address already in use'; then
			do_stop "$DIR"
			continue
		fi
		fail "$(cat "$DIR/wait.err")" "${LOGS[@]}"
	done
}

[ $# -ge 1 ] || usage
case "$1" in
start)
	[ $# -eq 3 ] || usage
	DIR="$3"
	do_start "$2"
	;;
stop)
	[ $# -eq 2 ] || usage
	DIR="$2"
	[ -d "$DIR" ] || exit 0
	do_stop "$DIR"
	;;
url)
	[ $# -eq 2 ] || usage
	[ -f "$2/url" ] || die "no server started in $2"
	cat "$2/url"
	;;
*)
	usage
	;;
esac
