#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Characterisation tests of the real CalDAV servers kith syncs with.

Usage: test_servers.py [PATH/TO/kith] [unittest options]   (meson passes build/cli/kith)

For each of Radicale, Xandikos and DAViCal (Debian's packages, started by
servers.sh on 127.0.0.1 with a throwaway directory) this checks with plain
HTTP (http.client) what the CalDAV target relies on, step by step on one
fresh calendar:

  discovery from the bare root (/.well-known/caldav, current-user-principal,
  calendar-home-set), MKCALENDAR of a VTODO calendar, PUT with
  If-None-Match: *, PUT with If-Match (current and stale), sync-collection
  (initial, delta with a deleted item, invalid token), calendar-multiget,
  DELETE with If-Match, wrong and missing credentials, keep-alive and
  Expect: 100-continue.

What differs between the servers is written down in EXPECT below (and in
README.md beside this file): a test asserts what kith relies on, and that
each server still behaves as documented.

A server whose package is not installed is skipped (scripts/deps installs
them; KITH_REQUIRE_SERVERS=1 turns the skip into a failure).  The servers
start in parallel at the beginning and are always stopped at the end
(tearDownModule, atexit, and on SIGTERM/SIGINT).

KITH_DAV_CAPTURE=DIR writes the interesting response bodies to
DIR/<server>/ (how tests/data/dav/ was made; see its README.md).
KITH_DAV_SERVERS=radicale,xandikos limits the servers tested.
"""

import atexit
import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
SERVERS_SH = os.path.join(HERE, "servers.sh")
USER = "kith"
PASSWORD = "kith-test-pass"
CAPTURE = os.environ.get("KITH_DAV_CAPTURE")
ALL_SERVERS = ["radicale", "xandikos", "davical"]
SERVERS = [s for s in os.environ.get("KITH_DAV_SERVERS", ",".join(ALL_SERVERS)).split(",") if s]

D = "DAV:"
C = "urn:ietf:params:xml:ns:caldav"
CS = "http://calendarserver.org/ns/"

CALENDAR = "kith-reminders"   # the collection made with MKCALENDAR

# What each server does where they differ.  None: not asserted.
EXPECT = {
    "radicale": {
        "package": "/usr/lib/python3/dist-packages/radicale/__init__.py",
        "wellknown": (301, "/"),
        "wellknown_needs_auth": False,
        "root_propfind": 207,            # PROPFIND on / gives current-user-principal
        "principal": "/kith/",
        "home": "/kith/",
        "mkcalendar": 201,
        "mkcalendar_again": 409,
        "honours_comp_set": True,        # reports only VTODO after MKCALENDAR
        "vevent_in_vtodo_calendar": 201,  # PUT of a VEVENT there
        "put_create": 201,
        "put_create_etag": True,
        "put_exists_if_none_match": 412,
        "put_update": 201,
        "put_update_etag": True,
        "stale_if_match": 412,
        "token_scheme": r"^http://radicale\.org/ns/sync/[0-9a-f]+$",
        "ctag": True,
        "initial_lists_deleted": True,
        "invalid_token": 403,
        "invalid_token_valid_sync_token": True,
        "garbage_token": 403,
        "delta_deleted_status": 404,     # per-response <status> of a deleted member
        "multiget_missing": 404,
        "delete_stale": 412,
        "delete": 200,
        "wrong_password": 401,
        "keepalive": False,              # HTTP/1.0, closes after each answer
        "expect_100": False,             # never answers Expect: 100-continue
    },
    "xandikos": {
        "package": "/usr/lib/python3/dist-packages/xandikos/__init__.py",
        "wellknown": (302, "/"),
        "wellknown_needs_auth": True,    # the proxy asks for credentials everywhere
        "root_propfind": 207,
        "principal": "/kith/",
        "home": "/kith/calendars/",
        "mkcalendar": 201,
        "mkcalendar_again": 207,
        "honours_comp_set": False,
        "vevent_in_vtodo_calendar": 201,
        "put_create": 201,
        "put_create_etag": True,
        "put_exists_if_none_match": 412,
        "put_update": 204,
        "put_update_etag": True,
        "stale_if_match": 412,
        "token_scheme": r"^[0-9a-f]{40}$",
        "ctag": True,
        "initial_lists_deleted": False,
        "invalid_token": 500,
        "invalid_token_valid_sync_token": False,
        "garbage_token": 500,
        "delta_deleted_status": 404,
        "multiget_missing": 404,
        "delete_stale": 412,
        "delete": 204,
        "wrong_password": 401,
        "keepalive": True,
        "expect_100": True,
    },
    "davical": {
        "package": "/usr/share/davical/htdocs/caldav.php",
        "wellknown": (301, "/caldav.php/"),
        "wellknown_needs_auth": False,
        "root_propfind": 207,
        "principal": "/caldav.php/kith/",
        "home": "/caldav.php/kith/",
        "mkcalendar": 201,
        "mkcalendar_again": 405,
        "honours_comp_set": True,
        "vevent_in_vtodo_calendar": 201,
        "put_create": 201,
        "put_create_etag": True,
        "put_exists_if_none_match": 412,
        "put_update": 204,
        "put_update_etag": True,
        "stale_if_match": 412,
        "token_scheme": r"^data:,\d+$",
        "ctag": True,
        "initial_lists_deleted": False,
        "invalid_token": 207,
        "invalid_token_valid_sync_token": False,
        "garbage_token": 207,
        "delta_deleted_status": 404,
        "multiget_missing": None,
        "delete_stale": 412,
        "delete": 204,
        "wrong_password": 401,
        "keepalive": True,
        "expect_100": True,
    },
}

# What was seen, per server, for the report at the end (KITH_DAV_REPORT=FILE
# writes it as JSON).
SEEN = {}

_started = {}   # server -> (dir, Popen of "servers.sh start" or None)
_tmp_root = None


def _stop_all():
    for name, (d, proc) in list(_started.items()):
        if proc is not None and proc.poll() is None:
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
        subprocess.run([SERVERS_SH, "stop", d], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=sys.stderr, timeout=60, check=False)
        del _started[name]
    if _tmp_root and os.path.isdir(_tmp_root) and not os.environ.get("KITH_KEEP_SERVER_DIRS"):
        shutil.rmtree(_tmp_root, ignore_errors=True)


def _on_signal(signum, frame):
    raise SystemExit(128 + signum)


def package_version(name):
    pkg = {"radicale": "radicale", "xandikos": "xandikos", "davical": "davical"}[name]
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True, text=True)
    return r.stdout.strip() or "?"


def installed(name):
    return os.path.exists(EXPECT[name]["package"])


def setUpModule():
    global _tmp_root
    atexit.register(_stop_all)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    _tmp_root = tempfile.mkdtemp(prefix="kith-dav-servers-")
    # DAViCal's PostgreSQL and Apache children run as other users (when
    # root): they must be able to traverse down to their directories.
    os.chmod(_tmp_root, 0o711)
    for name in SERVERS:
        if not installed(name):
            continue
        d = os.path.join(_tmp_root, name)
        os.mkdir(d)
        with open(os.path.join(_tmp_root, name + ".start.log"), "wb") as log:
            proc = subprocess.Popen([SERVERS_SH, "start", name, d], stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT)
        _started[name] = (d, proc)


def tearDownModule():
    _stop_all()
    report = os.environ.get("KITH_DAV_REPORT")
    if report:
        with open(report, "w") as f:
            json.dump(SEEN, f, indent=1, sort_keys=True)


# ---------------------------------------------------------------- HTTP

class Response:
    def __init__(self, r, body, elapsed):
        self.status = r.status
        self.reason = r.reason
        self.version = r.version
        self.headers = r.getheaders()
        self.msg = r.msg
        self.body = body
        self.elapsed = elapsed

    def header(self, name):
        return self.msg.get(name)

    def xml(self):
        return ET.fromstring(self.body)

    def __repr__(self):
        return "<%d %s %r>" % (self.status, self.reason, self.body[:600])


class Client:
    """One keep-alive connection (reopened whenever the server closed it)."""

    def __init__(self, base, user=USER, password=PASSWORD):
        u = urllib.parse.urlsplit(base)
        self.base = base
        self.host, self.port = u.hostname, u.port
        self.auth = "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        self.conn = None
        self.connections = 0

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None

    def request(self, method, path, body=None, headers=None, auth=True):
        h = {"User-Agent": "kith-integration-test"}
        if auth:
            h["Authorization"] = self.auth
        if body is not None:
            if isinstance(body, str):
                body = body.encode("utf-8")
            h.setdefault("Content-Type", "application/xml; charset=utf-8")
        h.update(headers or {})
        path = urllib.parse.urlsplit(urllib.parse.urljoin(self.base, path)).path
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.conn.connect()
                self.connections += 1
                fresh = True
            else:
                fresh = False
            try:
                t0 = time.monotonic()
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                elapsed = time.monotonic() - t0
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if fresh or attempt:
                    raise
        if r.will_close:
            self.close()
        return Response(r, data, elapsed)

    def propfind(self, path, props, depth="0"):
        body = ('<?xml version="1.0" encoding="utf-8"?>\n'
                '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" '
                'xmlns:CS="http://calendarserver.org/ns/"><D:prop>%s</D:prop></D:propfind>'
                % "".join(props))
        return self.request("PROPFIND", path, body, {"Depth": depth})

    def report(self, path, body, depth="0"):
        return self.request("REPORT", path, body, {"Depth": depth})


def sync_body(token, props=("<D:getetag/>",)):
    tok = "<D:sync-token>%s</D:sync-token>" % xml_escape(token) if token else "<D:sync-token/>"
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<D:sync-collection xmlns:D="DAV:">%s<D:sync-level>1</D:sync-level>'
            '<D:prop>%s</D:prop></D:sync-collection>' % (tok, "".join(props)))


def multiget_body(hrefs):
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
            '<D:prop><D:getetag/><C:calendar-data/></D:prop>%s</C:calendar-multiget>'
            % "".join("<D:href>%s</D:href>" % xml_escape(h) for h in hrefs))


MKCALENDAR_BODY = (
    '<?xml version="1.0" encoding="utf-8"?>\n'
    '<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>'
    '<D:displayname>kith reminders</D:displayname>'
    '<C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set>'
    '</D:prop></D:set></C:mkcalendar>')


def xml_escape(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def vtodo(uid, summary, due="20260301", seq=0):
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kith//integration test//EN",
        "BEGIN:VTODO", "UID:" + uid, "DTSTAMP:20251201T080000Z",
        "SUMMARY:" + summary, "DTSTART;VALUE=DATE:20260222", "DUE;VALUE=DATE:" + due,
        "RRULE:FREQ=MONTHLY;INTERVAL=3", "STATUS:NEEDS-ACTION", "SEQUENCE:%d" % seq,
        "END:VTODO", "END:VCALENDAR", ""]
    return "\r\n".join(lines)


def vevent(uid):
    return "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//kith//integration test//EN",
        "BEGIN:VEVENT", "UID:" + uid, "DTSTAMP:20251201T080000Z",
        "DTSTART;VALUE=DATE:20260301", "SUMMARY:an event", "END:VEVENT", "END:VCALENDAR", ""])


def responses(ms):
    """{href path: (status or None, {prop tag: element}, [propstat statuses])} of a multistatus."""
    out = {}
    for resp in ms.findall("{DAV:}response"):
        href = urllib.parse.unquote(urllib.parse.urlsplit(resp.findtext("{DAV:}href").strip()).path)
        st = resp.findtext("{DAV:}status")
        props = {}
        pstats = []
        for ps in resp.findall("{DAV:}propstat"):
            code = status_code(ps.findtext("{DAV:}status"))
            pstats.append(code)
            for p in ps.find("{DAV:}prop"):
                if code == 200:
                    props[p.tag] = p
        out[href] = (status_code(st) if st else None, props, pstats)
    return out


def status_code(line):
    m = re.match(r"\s*HTTP/\d\.\d\s+(\d{3})", line or "")
    return int(m.group(1)) if m else None


def href_of(el):
    h = el.find("{DAV:}href") if el is not None else None
    if h is None or not (h.text or "").strip():
        return None
    return urllib.parse.urlsplit(h.text.strip()).path


# ---------------------------------------------------------------- tests

class ServerCase:
    """The characterisation steps, in order, on one server (state in the class)."""

    server = None

    @classmethod
    def setUpClass(cls):
        name = cls.server
        cls.exp = EXPECT[name]
        cls.seen = SEEN.setdefault(name, {})
        cls.capture_index = []
        if name not in SERVERS:
            raise unittest.SkipTest("%s not selected (KITH_DAV_SERVERS)" % name)
        if not installed(name):
            if os.environ.get("KITH_REQUIRE_SERVERS") == "1":
                raise AssertionError("%s is not installed" % name)
            raise unittest.SkipTest("%s is not installed (scripts/deps installs it)" % name)
        d, proc = _started[name]
        try:
            rc = proc.wait(timeout=150)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = "timeout"
        with open(os.path.join(_tmp_root, name + ".start.log"), "rb") as f:
            log = f.read().decode("utf-8", "replace")
        if rc != 0:
            raise AssertionError("servers.sh start %s failed (%s):\n%s" % (name, rc, log))
        with open(os.path.join(d, "url")) as f:
            cls.base = f.read().strip()
        cls.dir = d
        cls.c = Client(cls.base)
        cls.state = {}

    @classmethod
    def tearDownClass(cls):
        c = getattr(cls, "c", None)
        if c:
            c.close()
        if CAPTURE and cls.capture_index:
            d = os.path.join(CAPTURE, cls.server)
            os.makedirs(d, exist_ok=True)
            with open(os.path.join(d, "INDEX.txt"), "w") as f:
                f.write("%s %s (Debian package), on %s\n"
                        "The request behind each captured body, and the answer's status and\n"
                        "headers; written by tests/integration/test_servers.py "
                        "(KITH_DAV_CAPTURE).\n\n"
                        % (cls.server, package_version(cls.server), cls.base))
                f.write("".join(cls.capture_index))
        if cls.server in _started:
            d, proc = _started.pop(cls.server)
            subprocess.run([SERVERS_SH, "stop", d], stdin=subprocess.DEVNULL, timeout=60,
                           check=False)

    # -- helpers

    def note(self, key, value):
        self.seen[key] = value

    def capture(self, name, resp, what):
        if not CAPTURE:
            return
        d = os.path.join(CAPTURE, self.server)
        os.makedirs(d, exist_ok=True)
        if resp.body:
            ext = ".xml" if resp.body.lstrip().startswith(b"<") else ".txt"
            fn = name + ext
            with open(os.path.join(d, fn), "wb") as f:
                f.write(resp.body)
        else:
            fn = name + " (empty body: no file)"
        heads = "".join("    %s: %s\n" % (k, v) for k, v in resp.headers
                        if k.lower() in ("content-type", "etag", "location", "dav",
                                         "www-authenticate", "content-length"))
        self.capture_index.append("%s\n  request: %s\n  response: HTTP/%s %d %s\n%s\n" % (
            fn, what, "1.1" if resp.version == 11 else "1.0", resp.status, resp.reason, heads))

    def expect(self, key, got, msg=""):
        self.note(key, got)
        want = self.exp[key]
        if want is not None:
            self.assertEqual(got, want, "%s: %s %s" % (self.server, key, msg))

    @property
    def cal(self):
        return self.state["calendar"]

    def put(self, name, body, headers):
        h = {"Content-Type": "text/calendar; charset=utf-8"}
        h.update(headers)
        return self.c.request("PUT", self.cal + name, body, h)

    def sync(self, token, capture=None):
        r = self.c.report(self.cal, sync_body(token))
        if capture:
            self.capture(capture, r, "REPORT %s Depth: 0, sync-collection, sync-token %r, "
                         "sync-level 1, prop getetag" % (self.cal, token or ""))
        return r

    # -- the steps

    def test_01_wellknown(self):
        r = self.c.request("GET", "/.well-known/caldav", auth=False)
        self.note("wellknown_noauth", r.status)
        self.expect("wellknown_needs_auth", r.status == 401)
        r = self.c.request("PROPFIND", "/.well-known/caldav", headers={"Depth": "0"})
        loc = r.header("Location")
        self.expect("wellknown", (r.status, urllib.parse.urlsplit(loc or "").path or None),
                    repr(r))
        self.assertIn(r.status, (301, 302, 303, 307, 308))
        self.state["context"] = urllib.parse.urljoin(self.base, loc)
        self.note("wellknown_location", loc)

    def test_02_principal(self):
        props = ["<D:current-user-principal/>", "<D:principal-URL/>", "<D:resourcetype/>"]
        r = self.c.propfind("/", props)
        self.expect("root_propfind", r.status)
        self.capture("propfind-root-current-user-principal", r,
                     "PROPFIND / Depth: 0, prop current-user-principal principal-URL resourcetype")
        if r.status == 207:
            (_, p, _), = responses(r.xml()).values()
            self.note("root_current_user_principal", href_of(p.get("{DAV:}current-user-principal")))
        r = self.c.propfind(self.state["context"], props)
        self.assertEqual(r.status, 207, repr(r))
        self.capture("propfind-context-current-user-principal", r,
                     "PROPFIND %s Depth: 0, prop current-user-principal principal-URL "
                     "resourcetype (the target of /.well-known/caldav)"
                     % urllib.parse.urlsplit(self.state["context"]).path)
        (_, props, _), = responses(r.xml()).values()
        principal = href_of(props.get("{DAV:}current-user-principal"))
        self.expect("principal", principal)
        self.state["principal"] = principal

    def test_03_home(self):
        r = self.c.propfind(self.state["principal"], [
            "<C:calendar-home-set/>", "<D:displayname/>", "<D:resourcetype/>",
            "<D:principal-URL/>", "<C:calendar-user-address-set/>"])
        self.assertEqual(r.status, 207, repr(r))
        self.capture("propfind-principal-calendar-home-set", r,
                     "PROPFIND %s Depth: 0, prop calendar-home-set displayname resourcetype "
                     "principal-URL calendar-user-address-set" % self.state["principal"])
        (_, props, _), = responses(r.xml()).values()
        home = href_of(props.get("{%s}calendar-home-set" % C))
        self.expect("home", home)
        self.state["home"] = home

    def test_04_mkcalendar(self):
        cal = self.state["home"] + CALENDAR + "/"
        r = self.c.request("MKCALENDAR", cal, MKCALENDAR_BODY)
        self.capture("mkcalendar-vtodo", r, "MKCALENDAR %s, displayname and "
                     "supported-calendar-component-set VTODO" % cal)
        self.expect("mkcalendar", r.status, repr(r))
        self.note("mkcalendar_body", r.body.decode("utf-8", "replace")[:300])
        self.state["calendar"] = cal
        r = self.c.request("MKCALENDAR", cal, MKCALENDAR_BODY)
        self.capture("mkcalendar-existing", r, "MKCALENDAR %s again (it exists)" % cal)
        self.expect("mkcalendar_again", r.status, repr(r))

    def test_05_list_calendars(self):
        r = self.c.propfind(self.state["home"], [
            "<D:resourcetype/>", "<D:displayname/>", "<C:supported-calendar-component-set/>",
            "<D:sync-token/>", "<CS:getctag/>", "<D:current-user-privilege-set/>"], depth="1")
        self.assertEqual(r.status, 207, repr(r))
        self.capture("propfind-home-calendars-depth1", r,
                     "PROPFIND %s Depth: 1, prop resourcetype displayname "
                     "supported-calendar-component-set sync-token getctag "
                     "current-user-privilege-set" % self.state["home"])
        res = responses(r.xml())
        self.assertIn(self.cal, res, "%s: %s" % (self.server, sorted(res)))
        _, props, _ = res[self.cal]
        rt = props["{DAV:}resourcetype"]
        self.assertIsNotNone(rt.find("{%s}calendar" % C))
        comps = sorted(c.get("name") for c in
                       props.get("{%s}supported-calendar-component-set" % C, []))
        self.note("comp_set_after_mkcalendar", comps)
        self.expect("honours_comp_set", comps == ["VTODO"])
        self.assertIn("{DAV:}sync-token", props, "%s: no sync-token on the calendar" % self.server)
        self.expect("ctag", "{%s}getctag" % CS in props)
        self.note("other_collections", sorted(h for h in res if h != self.cal))

    def test_06_put_create(self):
        r = self.put("a.ics", vtodo("kith-test-a@example.org", "Call Anna"), {"If-None-Match": "*"})
        self.expect("put_create", r.status, repr(r))
        self.expect("put_create_etag", r.header("ETag") is not None)
        self.note("put_create_etag_value", r.header("ETag"))
        self.state["etag_a"] = r.header("ETag")
        r = self.put("c.ics", vtodo("kith-test-c@example.org", "Call Carol"), {"If-None-Match": "*"})
        self.assertEqual(r.status, self.exp["put_create"], repr(r))
        # The same name again with If-None-Match: * must not overwrite.
        r = self.put("a.ics", vtodo("kith-test-a@example.org", "Overwritten"), {"If-None-Match": "*"})
        self.expect("put_exists_if_none_match", r.status, repr(r))
        # A VEVENT into the VTODO calendar.
        r = self.put("event.ics", vevent("kith-test-event@example.org"), {"If-None-Match": "*"})
        if r.status < 300:
            r2 = self.c.request("DELETE", self.cal + "event.ics")
            self.assertLess(r2.status, 300, repr(r2))
        self.expect("vevent_in_vtodo_calendar", r.status, repr(r))
        if self.state["etag_a"] is None:
            r = self.c.propfind(self.cal + "a.ics", ["<D:getetag/>"])
            (_, props, _), = responses(r.xml()).values()
            self.state["etag_a"] = props["{DAV:}getetag"].text

    def test_07_put_update(self):
        old = self.state["etag_a"]
        r = self.put("a.ics", vtodo("kith-test-a@example.org", "Call Anna", seq=1), {"If-Match": old})
        self.expect("put_update", r.status, repr(r))
        self.expect("put_update_etag", r.header("ETag") is not None)
        new = r.header("ETag")
        if new is None:
            r2 = self.c.propfind(self.cal + "a.ics", ["<D:getetag/>"])
            (_, props, _), = responses(r2.xml()).values()
            new = props["{DAV:}getetag"].text
        self.assertNotEqual(new, old)
        self.state["etag_a_old"], self.state["etag_a"] = old, new
        # GET gives the same ETag.
        r = self.c.request("GET", self.cal + "a.ics")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("ETag"), new)
        self.assertIn(b"SEQUENCE:1", r.body)

    def test_08_stale_if_match(self):
        r = self.put("a.ics", vtodo("kith-test-a@example.org", "Lost update", seq=2),
                     {"If-Match": self.state["etag_a_old"]})
        self.capture("put-stale-if-match", r, "PUT %sa.ics with If-Match: the ETag it had "
                     "before the last update" % self.cal)
        self.expect("stale_if_match", r.status, repr(r))
        self.note("stale_if_match_body", r.body.decode("utf-8", "replace")[:300])
        r = self.c.request("GET", self.cal + "a.ics")
        self.assertNotIn(b"Lost update", r.body)

    def test_09_sync_initial(self):
        r = self.sync("", capture="sync-collection-initial")
        self.assertEqual(r.status, 207, repr(r))
        ms = r.xml()
        token = ms.findtext("{DAV:}sync-token")
        self.assertTrue(token, "%s: no sync-token in %r" % (self.server, r))
        self.note("token_initial", token)
        self.assertRegex(token, self.exp["token_scheme"])
        res = responses(ms)
        names = sorted(h.rsplit("/", 1)[1] for h, v in res.items()
                       if h != self.cal and v[0] is None and 200 in v[2])
        self.assertEqual(names, ["a.ics", "c.ics"], "%s: %r" % (self.server, r))
        self.note("initial_lists_collection_itself", self.cal in res)
        # event.ics was created and deleted before: is it listed, as 404?
        gone = sorted(h.rsplit("/", 1)[1] for h, v in res.items() if v[0] == 404)
        self.expect("initial_lists_deleted", gone == ["event.ics"], repr(r))
        _, props, _ = res[self.cal + "a.ics"]
        self.assertEqual(props["{DAV:}getetag"].text, self.state["etag_a"])
        self.state["token1"] = token

    def test_10_sync_delta(self):
        # Changes since token1: b created, a updated, c deleted.
        r = self.put("b.ics", vtodo("kith-test-b@example.org", "Call Bob"), {"If-None-Match": "*"})
        self.assertEqual(r.status, self.exp["put_create"], repr(r))
        r = self.put("a.ics", vtodo("kith-test-a@example.org", "Call Anna", seq=3),
                     {"If-Match": self.state["etag_a"]})
        self.assertEqual(r.status, self.exp["put_update"], repr(r))
        self.state["etag_a"] = r.header("ETag") or self.state["etag_a"]
        r = self.c.request("DELETE", self.cal + "c.ics")
        self.assertLess(r.status, 300, repr(r))
        r = self.sync(self.state["token1"], capture="sync-collection-delta-with-404")
        self.assertEqual(r.status, 207, repr(r))
        ms = r.xml()
        token2 = ms.findtext("{DAV:}sync-token")
        self.assertTrue(token2)
        self.assertNotEqual(token2, self.state["token1"])
        res = responses(ms)
        items = {h.rsplit("/", 1)[1]: v for h, v in res.items() if h != self.cal}
        self.note("delta_items", {k: [v[0], v[2]] for k, v in items.items()})
        self.assertEqual(sorted(items), ["a.ics", "b.ics", "c.ics"], "%s: %r" % (self.server, r))
        self.expect("delta_deleted_status", items["c.ics"][0], repr(r))
        self.assertEqual(items["a.ics"][1]["{DAV:}getetag"].text, self.state["etag_a"])
        self.state["token2"] = token2
        # Nothing changed since token2: an empty delta (no members).
        r = self.sync(token2, capture="sync-collection-no-changes")
        self.assertEqual(r.status, 207, repr(r))
        ms = r.xml()
        res = responses(ms)
        self.note("unchanged_delta", sorted(res))
        self.note("unchanged_same_token", ms.findtext("{DAV:}sync-token") == token2)
        self.assertEqual([h for h in res if h != self.cal], [], "%s: %r" % (self.server, r))

    def test_11_sync_invalid_token(self):
        t = self.state["token1"]
        # A token of the server's own shape that it never issued.
        if t.startswith("data:,"):
            bogus = "data:,999999"
        elif re.match(r"^[0-9a-f]{40}$", t):
            bogus = "0" * 40
        else:
            bogus = re.sub(r"[0-9a-f]+$", "0" * 40, t)
        r = self.sync(bogus, capture="sync-collection-invalid-token")
        self.expect("invalid_token", r.status, repr(r))
        self.note("invalid_token_body", r.body.decode("utf-8", "replace")[:600])
        self.note("invalid_token_content_type", r.header("Content-Type"))
        has_vst = b"valid-sync-token" in r.body
        self.expect("invalid_token_valid_sync_token", has_vst, repr(r))
        # Something that is no token at all.
        r = self.sync("not-a-token", capture="sync-collection-garbage-token")
        self.note("garbage_token", [r.status, r.body.decode("utf-8", "replace")[:300]])
        self.expect("garbage_token", r.status, repr(r))

    def test_12_multiget(self):
        hrefs = [self.cal + "a.ics", self.cal + "b.ics", self.cal + "missing.ics"]
        r = self.c.report(self.cal, multiget_body(hrefs), depth="1")
        self.capture("calendar-multiget", r, "REPORT %s Depth: 1, calendar-multiget of "
                     "a.ics b.ics missing.ics, prop getetag calendar-data" % self.cal)
        self.assertEqual(r.status, 207, repr(r))
        res = responses(r.xml())
        self.note("multiget_hrefs", sorted(res))
        st, props, _ = res[self.cal + "a.ics"]
        data = props["{%s}calendar-data" % C].text
        self.assertIn("UID:kith-test-a@example.org", data)
        self.assertIn("SEQUENCE:3", data)
        self.assertEqual(props["{DAV:}getetag"].text, self.state["etag_a"])
        self.note("multiget_calendar_data_crlf", b"\r\n" in r.body or b"&#13;" in r.body
                  or b"&#xd;" in r.body.lower())
        missing = res.get(self.cal + "missing.ics")
        got = None
        if missing is not None:
            got = missing[0] if missing[0] is not None else (missing[2] or [None])[0]
        self.expect("multiget_missing", got, repr(r))

    def test_13_delete_if_match(self):
        r = self.c.request("DELETE", self.cal + "a.ics", headers={"If-Match": self.state["etag_a_old"]})
        self.expect("delete_stale", r.status, repr(r))
        r = self.c.request("DELETE", self.cal + "a.ics", headers={"If-Match": self.state["etag_a"]})
        self.expect("delete", r.status, repr(r))
        r = self.c.request("GET", self.cal + "a.ics")
        self.assertEqual(r.status, 404)
        r = self.c.request("DELETE", self.cal + "a.ics")
        self.note("delete_missing", r.status)
        self.assertEqual(r.status, 404)

    def test_14_wrong_password(self):
        bad = Client(self.base, password="wrong-password")
        try:
            r = bad.propfind(self.cal, ["<D:getetag/>"], depth="1")
            self.capture("propfind-wrong-password", r, "PROPFIND %s Depth: 1 with a wrong "
                         "password" % self.cal)
            self.expect("wrong_password", r.status, repr(r))
            self.note("wrong_password_www_authenticate", r.header("WWW-Authenticate"))
            self.assertTrue((r.header("WWW-Authenticate") or "").lower().startswith("basic"))
            r = bad.request("PUT", self.cal + "x.ics", vtodo("x@example.org", "x"),
                            {"Content-Type": "text/calendar", "If-None-Match": "*"})
            self.assertEqual(r.status, 401, repr(r))
            r = bad.request("PROPFIND", self.cal, auth=False, headers={"Depth": "0"})
            self.note("no_credentials", r.status)
            self.assertEqual(r.status, 401, repr(r))
        finally:
            bad.close()
        r = self.c.request("GET", self.cal + "x.ics")
        self.assertEqual(r.status, 404)

    def test_15_keepalive(self):
        c = Client(self.base)
        try:
            for _ in range(3):
                r = c.propfind(self.cal, ["<D:getetag/>"])
                self.assertEqual(r.status, 207)
            self.note("http_version", "HTTP/1.1" if r.version == 11 else "HTTP/1.0")
            self.expect("keepalive", c.connections == 1)
        finally:
            c.close()

    def test_16_expect_100(self):
        """Does the server answer "Expect: 100-continue" before the body?"""
        u = urllib.parse.urlsplit(self.base)
        body = vtodo("kith-test-e@example.org", "Expect").encode()
        s = socket.create_connection((u.hostname, u.port), timeout=10)
        try:
            s.sendall(("PUT %se.ics HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: %s\r\n"
                       "Content-Type: text/calendar\r\nContent-Length: %d\r\n"
                       "Expect: 100-continue\r\n\r\n"
                       % (self.cal, u.hostname, u.port, self.c.auth, len(body))).encode())
            s.settimeout(0.5)
            try:
                first = s.recv(4096)
            except socket.timeout:
                first = b""
            self.expect("expect_100", first.startswith(b"HTTP/1.1 100"), repr(first[:80]))
            s.settimeout(10)
            s.sendall(body)
            rest = first
            while b"\r\n\r\n" not in rest.split(b"\r\n\r\n", 1)[-1] and not re.search(
                    rb"HTTP/1\.[01] [2-5]\d\d", rest):
                chunk = s.recv(4096)
                if not chunk:
                    break
                rest += chunk
            m = re.search(rb"HTTP/1\.[01] ([2-5]\d\d)", rest)
            self.assertTrue(m, repr(rest[:200]))
            self.assertEqual(int(m.group(1)), self.exp["put_create"], repr(rest[:200]))
        finally:
            s.close()
        r = self.c.request("DELETE", self.cal + "e.ics")
        self.assertLess(r.status, 300)


def _make(name):
    cls = type("Test" + name.capitalize(), (ServerCase, unittest.TestCase), {"server": name})
    globals()[cls.__name__] = cls


for _n in ALL_SERVERS:
    _make(_n)
del _n


if __name__ == "__main__":
    if len(sys.argv) > 1 and os.path.isfile(sys.argv[1]) and os.access(sys.argv[1], os.X_OK):
        sys.argv.pop(1)   # the kith program: not used (yet) by these tests
    unittest.main(verbosity=2)
