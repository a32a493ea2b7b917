#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A small authenticating reverse proxy for test servers without auth.

Usage: authproxy.py --listen 127.0.0.1:PORT --upstream UNIX-SOCKET-PATH|HOST:PORT
                    --user USER --password PASSWORD [--realm REALM]
                    [--busy-first METHOD] [--faults FILE]

Xandikos has no authentication of its own (it expects a reverse proxy to do
it), so the integration tests put this in front of it: every request must
carry "Authorization: Basic" with the one user and password, else it gets
401 with a WWW-Authenticate challenge (answered by the proxy itself, never
forwarded).  Everything else is forwarded as it came: method, target,
headers (Authorization included, hop-by-hop headers dropped) and body; the
upstream's status, reason, headers and body come back unchanged.

Connections are HTTP/1.1 and keep-alive on both sides: one upstream
connection per client connection, reopened if the upstream closed it.
Request bodies are read whole (Content-Length or chunked) and forwarded with
a Content-Length; response bodies are read whole and sent back with a
Content-Length (a chunked upstream response is de-chunked, nothing else is
changed).  "Expect: 100-continue" is answered by the proxy: 100 only after
the credentials are checked, else the 401 straight away.

With --busy-first METHOD the first authorised request with that method is
answered by the proxy itself with 503 and "Retry-After: 1" (a busy server,
for kith's retry), never forwarded; the later ones go through.

With --faults FILE the proxy plays a hostile server, as the JSON object in
FILE says when a request arrives (re-read each time; a missing file means no
faults), each key optional:
  "etag_crlf": [S, ...]     in a 207 listing (PROPFIND, sync-collection), the
                            getetag of a response whose href contains S gets
                            CR LF and more appended
  "extra_hrefs": true       a 207 answer to PROPFIND or sync-collection also
                            lists hrefs outside the collection (a relative
                            "../", an encoded "%2e%2e%2f", another collection,
                            another host), cloned from a real member
  "huge": [S, ...]          in a multiget answer, the calendar-data of a
                            response whose href contains S grows by 33 MiB
                            (an attachment larger than kith reads)
  "garbage": [S, ...]       in a multiget answer, the calendar-data of a
                            response whose href contains S is not iCalendar
  "refuse_create": [S, ...] a PUT with If-None-Match: * to a path containing
                            S gets 409, as Nextcloud answers for a UID in its
                            trash bin
  "fail_put": {S: STATUS}   a PUT to a path containing S gets STATUS
  "record": PATH            every REPORT's path and body are appended to PATH

Python 3 standard library only.
"""

import argparse
import base64
import hmac
import http.client
import http.server
import json
import re
import socket
import sys
import threading

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te",
              "trailer", "upgrade", "proxy-authorization", "proxy-authenticate", "expect"}


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=60):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


RESPONSE = re.compile(rb"<(?:[\w-]+:)?response\b.*?</(?:[\w-]+:)?response>", re.S)
HREF = re.compile(rb"(<(?:[\w-]+:)?href\b[^>]*>)(.*?)(</(?:[\w-]+:)?href>)", re.S)
ETAG = re.compile(rb"(<(?:[\w-]+:)?getetag\b[^>]*>)(.*?)(</(?:[\w-]+:)?getetag>)", re.S)
CALDATA = re.compile(rb"(<(?:[\w-]+:)?calendar-data\b[^>]*>)(.*?)(</(?:[\w-]+:)?calendar-data>)",
                     re.S)


def _matching(block, subs):
    m = HREF.search(block)
    return m is not None and any(x.encode() in m.group(2) for x in subs)


def hostile_207(data, faults, listing, multiget):
    """The 207 body with the faults applied."""
    def each(m):
        block = m.group(0)
        if listing and _matching(block, faults.get("etag_crlf", [])):
            block = ETAG.sub(lambda e: e.group(1) + e.group(2) + b"&#13;&#10;X-Injected: 1"
                             + e.group(3), block)
        if multiget and _matching(block, faults.get("huge", [])):
            pad = b"X-PADDING:" + b"A" * (33 * 1024 * 1024) + b"\n"
            block = CALDATA.sub(lambda e: e.group(1) + e.group(2).replace(
                b"END:VTODO", pad + b"END:VTODO", 1) + e.group(3), block)
        if multiget and _matching(block, faults.get("garbage", [])):
            block = CALDATA.sub(lambda e: e.group(1) + b"this is no calendar at all"
                                + e.group(3), block)
        return block
    data = RESPONSE.sub(each, data)
    if listing and faults.get("extra_hrefs"):
        member = next((m.group(0) for m in RESPONSE.finditer(data)
                       if HREF.search(m.group(0)).group(2).strip().endswith(b".ics")), None)
        if member is not None:
            href = HREF.search(member).group(2).strip()
            coll = href[:href.rfind(b"/") + 1]
            bad = [b"../escaped-relative.ics", coll + b"%2e%2e%2fescaped-encoded.ics",
                   coll + b"../other-calendar/x.ics", b"http://evil.example" + coll + b"x.ics"]
            extra = b"".join(HREF.sub(lambda h, b=b: h.group(1) + b + h.group(3), member,
                                      count=1) for b in bad)
            end = data.rfind(b"</")
            data = data[:end] + extra + data[end:]
    return data


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kith-authproxy/1"
    upstream = None    # set on the class by main()
    expected = None    # b"Basic ..." credential, set by main()
    realm = "kith-test"
    busy_first = None  # a method whose first request gets 503, set by main()
    busy_lock = threading.Lock()
    faults_file = None  # --faults FILE, set by main()

    def _faults(self):
        if not self.faults_file:
            return {}
        try:
            with open(self.faults_file, encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return {}

    def _send_status(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    def _authorised(self):
        got = self.headers.get("Authorization", "")
        parts = got.split(None, 1)
        if len(parts) != 2 or parts[0].lower() != "basic":
            return False
        try:
            creds = base64.b64decode(parts[1].strip(), validate=True)
        except ValueError:
            return False
        return hmac.compare_digest(creds, self.expected)

    def _send_401(self):
        body = b"401 Unauthorized: wrong or missing credentials\n"
        self.send_response(401, "Unauthorized")
        self.send_header("WWW-Authenticate", 'Basic realm="%s"' % self.realm)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_502(self):
        body = b"502 Bad Gateway: the upstream server did not answer\n"
        self.close_connection = True
        self.send_response(502, "Bad Gateway")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _send_503(self):
        body = b"503 Service Unavailable: busy, try again in a second\n"
        self.send_response(503, "Service Unavailable")
        self.send_header("Retry-After", "1")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_expect_100(self):
        if not self._authorised():
            # The client may or may not send its body now: the connection's
            # state is unknown, so close it after the answer.
            self.close_connection = True
            self._send_401()
            return False
        return super().handle_expect_100()

    def _read_body(self):
        te = self.headers.get("Transfer-Encoding", "")
        if "chunked" in te.lower():
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
            return b"".join(chunks)
        n = self.headers.get("Content-Length")
        if n is None:
            return None
        return self.rfile.read(int(n))

    def _connect(self):
        target = self.upstream
        if "/" in target:
            return UnixHTTPConnection(target)
        host, port = target.rsplit(":", 1)
        return http.client.HTTPConnection(host, int(port), timeout=60)

    def _forward(self):
        try:
            body = self._read_body()
        except (ValueError, OSError):
            self.close_connection = True
            self.send_error(400, "Bad request body")
            return
        if not self._authorised():
            self._send_401()
            return
        with Handler.busy_lock:
            busy = self.command == Handler.busy_first
            if busy:
                Handler.busy_first = None
        if busy:
            return self._send_503()
        faults = self._faults()
        if faults.get("record") and self.command == "REPORT":
            with open(faults["record"], "ab") as f:
                f.write(b"REPORT " + self.path.encode() + b"\n" + (body or b"") + b"\n")
        if self.command == "PUT":
            for sub, status in faults.get("fail_put", {}).items():
                if sub in self.path:
                    return self._send_status(int(status), b"injected failure\n")
            if self.headers.get("If-None-Match", "").strip() == "*" and any(
                    sub in self.path for sub in faults.get("refuse_create", [])):
                return self._send_status(409, b'<?xml version="1.0" encoding="utf-8"?>\n'
                                         b'<d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns">'
                                         b"<s:message>Calendar object with uid already exists in "
                                         b"this calendar collection.</s:message></d:error>\n")
        headers = []
        for k, v in self.headers.items():
            if k.lower() in HOP_BY_HOP or k.lower() == "content-length":
                continue
            headers.append((k, v))
        if body is not None:
            headers.append(("Content-Length", str(len(body))))
        resp = None
        while resp is None:
            conn = getattr(self, "_upstream_conn", None)
            reused = conn is not None
            if conn is None:
                conn = self._upstream_conn = self._connect()
            try:
                conn.putrequest(self.command, self.path, skip_host=True,
                                skip_accept_encoding=True)
                for k, v in headers:
                    conn.putheader(k, v)
                conn.endheaders(body)
                resp = conn.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                conn.close()
                self._upstream_conn = None
                if reused:
                    continue  # a kept-alive upstream connection had been closed
                return self._send_502()
            except OSError:
                conn.close()
                self._upstream_conn = None
                return self._send_502()
        data = resp.read()
        if resp.status == 207 and faults:
            req = body or b""
            data = hostile_207(data, faults,
                               listing=self.command == "PROPFIND" or b"sync-collection" in req,
                               multiget=b"calendar-multiget" in req)
        self.send_response_only(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() in HOP_BY_HOP or k.lower() == "content-length":
                continue
            self.send_header(k, v)
        if self.command != "HEAD" and resp.status not in (204, 304) and resp.status >= 200:
            self.send_header("Content-Length", str(len(data)))
        elif self.command == "HEAD" and resp.getheader("Content-Length") is not None:
            self.send_header("Content-Length", resp.getheader("Content-Length"))
        if resp.will_close:
            self._upstream_conn.close()
            self._upstream_conn = None
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()

    def finish(self):
        conn = getattr(self, "_upstream_conn", None)
        if conn is not None:
            conn.close()
        super().finish()

    def __getattr__(self, name):
        # Every method, including the WebDAV/CalDAV ones (PROPFIND, REPORT,
        # MKCALENDAR, ...), is forwarded the same way.
        if name.startswith("do_"):
            return self._forward
        raise AttributeError(name)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--listen", required=True, help="HOST:PORT")
    ap.add_argument("--upstream", required=True, help="unix socket path or HOST:PORT")
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--realm", default="kith-test")
    ap.add_argument("--busy-first", metavar="METHOD",
                    help="answer the first METHOD request with 503 and Retry-After: 1")
    ap.add_argument("--faults", metavar="FILE", help="play a hostile server (see above)")
    args = ap.parse_args()
    Handler.faults_file = args.faults
    Handler.busy_first = args.busy_first
    Handler.upstream = args.upstream
    Handler.expected = ("%s:%s" % (args.user, args.password)).encode("utf-8")
    Handler.realm = args.realm
    host, port = args.listen.rsplit(":", 1)
    srv = Server((host, int(port)), Handler)
    sys.stderr.write("authproxy listening on %s:%d, upstream %s\n"
                     % (host, srv.server_address[1], args.upstream))
    sys.stderr.flush()
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":
    main()
