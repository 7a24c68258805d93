#!/usr/bin/python3
"""httpd.py: a hostile HTTP test server for sitrep's tests.

Listens on 127.0.0.1 only, on ports the kernel picks, and writes them to a
file as "name=port" lines (written whole, then renamed into place):

  http   the main listener
  other  a second listener, the target of cross-port redirects
  https  with --tls-dir: TLS with a certificate from a CA generated with
         openssl in that directory (ca.pem, server.pem/key, client.pem/key);
         client certificates from the same CA are asked for but optional.
  https-self  with --tls-dir: TLS with a self-signed leaf certificate
         (not a CA) for 127.0.0.1/localhost, self.pem/key in that
         directory: a client trusts it only with self.pem as its CA file
         or with verification off.

Every listener serves the same routes (GET, POST, PUT, PATCH, DELETE):

  /json              a small Prometheus-like JSON document
  /echo              JSON: method, path, request headers, body, client
                     cert, and the SHA-256 of each header's value (a
                     client may scrub the values it gets back)
  /hang              reads the request, never answers
  /trickle           promises 60 bytes, sends one a second
  /big?n=N           N bytes with a Content-Length
  /big-stream?n=N    N bytes, no Content-Length, closed at the end
  /truncated         promises 1000 bytes, sends 10, closes
  /malformed         JSON cut off in the middle
  /hostile           invalid UTF-8, terminal escapes and a NUL byte
  /gzip              the /json document gzip-encoded (if asked for)
  /gzip-bomb?n=N     N zero bytes, gzip-encoded (tiny on the wire)
  /gzip-bomb-stream?n=N  the same made as it is sent, without a length
                     (N may be many GB: the server holds one block)
  /half?n=N          promises 2N bytes, sends N, then never the rest
  /retry-after/NNN?n=S      status NNN with "Retry-After: S" (seconds)
  /retry-after-date/NNN?n=S status NNN, Retry-After an HTTP-date S
                     seconds from now
  /redirect-other    302 to /echo on the "other" listener
  /redirect-same     302 to /echo on this listener
  /redirect-plain    302 to /echo on the plain "http" listener
  /redirect-loop     302 to itself
  /status/NNN        that status, with a JSON error body
  /reflect-401...    401 whose text/plain body reflects every header, the
                     request line and the URL (any path under the prefix)
  /reflect-200...    the same reflection with 200, text/plain
  /reflect-json...   the same reflection with 200, inside a JSON document
  /hop-other/P       302 to /hop-land/P on the "other" listener
  /hop-same/P        302 to /hop-land/P on this listener
  /hop-land/P        the /json document

Under /x/N/ any route answers with n=N whatever follows its own segments,
so a source's base URL can name one: http://127.0.0.1:PORT/x/60/retry-
after/429 answers every API path below it as /retry-after/429?n=60.

With --log FILE, each request is appended to FILE as one JSON line
(t: when, in seconds of the epoch; method, path with its query, headers
with lower-cased names) before it is answered, so a test can check what
a client sent and when.  A test that overrides
Handler.route keeps the log.

Many requests at once: one thread each, so a hang never blocks the rest.
Uses only the standard library; run it with python3.
"""

import argparse
import gzip
import hashlib
import json
import os
import struct
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import zlib
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PORTS = {}
JSON_DOC = json.dumps({
    "status": "success",
    "data": {"resultType": "vector", "result": [
        {"metric": {"job": "api"}, "value": [1700000000, "1"]}]},
}).encode()
FOREVER = threading.Event()
LOG = {"path": None, "lock": threading.Lock()}


def openssl(*args, cwd):
    """Run openssl quietly in cwd; raise if it fails."""
    subprocess.run(["openssl"] + list(args), cwd=cwd, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_certs(d):
    """A CA, a server certificate for 127.0.0.1/localhost, a client one;
    and a self-signed certificate for 127.0.0.1/localhost."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
          "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "2", "-subj", "/CN=sitrep test CA", cwd=d)
    for name, ext in (
            ("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                       "extendedKeyUsage=serverAuth\n"),
            ("client", "extendedKeyUsage=clientAuth\n")):
        with open(os.path.join(d, name + ".ext"), "w") as f:
            f.write("basicConstraints=CA:FALSE\n" + ext)
        openssl("req", *ec, "-keyout", name + ".key", "-out",
                name + ".csr", "-subj", "/CN=sitrep-test-" + name, cwd=d)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem",
                "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
                "-extfile", name + ".ext", "-out", name + ".pem", cwd=d)
    openssl("req", "-x509", *ec, "-keyout", "self.key", "-out", "self.pem",
            "-days", "2", "-subj", "/CN=sitrep-test-self",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-addext", "basicConstraints=critical,CA:FALSE",
            "-addext", "extendedKeyUsage=serverAuth", cwd=d)


class Handler(BaseHTTPRequestHandler):
    """Every route, for every listener."""

    protocol_version = "HTTP/1.1"
    server_version = "httpd-test"
    sys_version = ""

    def log_message(self, *args):
        pass

    def setup(self):
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            try:
                self.request.do_handshake()
            except (ssl.SSLError, OSError):
                self.request.close()
                raise ConnectionAbortedError("handshake failed")
            self.request.settimeout(None)
        super().setup()

    def send(self, status, body, ctype="application/json", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, where):
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def route(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        q = parse_qs(url.query)
        n = int(q.get("n", ["1000"])[0])
        path = url.path
        if path.startswith("/x/"):
            parts = path.split("/")
            n = int(parts[2])
            keep = 2 if parts[3] in ("status", "retry-after",
                                     "retry-after-date") else 1
            path = "/" + "/".join(parts[3:3 + keep])

        if path == "/json":
            self.send(200, JSON_DOC)
        elif path == "/echo":
            cert = None
            if isinstance(self.connection, ssl.SSLSocket):
                peer = self.connection.getpeercert()
                if peer:
                    cert = dict(x[0] for x in peer["subject"])["commonName"]
            doc = {"method": self.command, "path": self.path,
                   "headers": {k.lower(): v for k, v in
                               self.headers.items()},
                   "body": body.decode("utf-8", "replace"),
                   "client_cert": cert,
                   "sha256": {k.lower(): hashlib.sha256(v.encode())
                              .hexdigest() for k, v in
                              self.headers.items()}}
            self.send(200, json.dumps(doc).encode())
        elif path == "/hang":
            FOREVER.wait()
        elif path == "/trickle":
            self.send_response(200)
            self.send_header("Content-Length", "60")
            self.end_headers()
            for _ in range(60):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(1)
        elif path == "/big":
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            self.stream(n)
        elif path == "/big-stream":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            self.stream(n)
        elif path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"status":')
            self.wfile.flush()
            self.close_connection = True
        elif path == "/malformed":
            self.send(200, b'{"status": "success", "data": {"result": [')
        elif path == "/hostile":
            self.send(200, b'\xff\xfe\x1b[31mred\x1b]0;title\x07\x00tail'
                           b'\xc3', "text/plain; charset=utf-8")
        elif path == "/gzip":
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                self.send(200, gzip.compress(JSON_DOC), extra=(
                    ("Content-Encoding", "gzip"),))
            else:
                self.send(200, JSON_DOC, extra=(("X-Plain", "yes"),))
        elif path == "/gzip-bomb":
            self.send(200, gzip.compress(b"\0" * n), "text/plain",
                      extra=(("Content-Encoding", "gzip"),))
        elif path == "/gzip-bomb-stream":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            self.gzip_zeros(n)
        elif path == "/half":
            self.send_response(200)
            self.send_header("Content-Length", str(2 * n))
            self.end_headers()
            self.stream(n)
            self.wfile.flush()
            FOREVER.wait()
        elif path.startswith("/retry-after/"):
            code = int(path.split("/")[2])
            self.send(code, json.dumps({"status": "error",
                                        "error": "slow down"}).encode(),
                      extra=(("Retry-After", str(n)),))
        elif path.startswith("/retry-after-date/"):
            code = int(path.split("/")[2])
            self.send(code, json.dumps({"status": "error",
                                        "error": "slow down"}).encode(),
                      extra=(("Retry-After",
                              formatdate(time.time() + n, usegmt=True)),))
        elif path == "/redirect-other":
            self.redirect("http://127.0.0.1:%d/echo" % PORTS["other"])
        elif path == "/redirect-same":
            self.redirect("/echo")
        elif path == "/redirect-plain":
            self.redirect("http://127.0.0.1:%d/echo" % PORTS["http"])
        elif path == "/redirect-loop":
            self.redirect("/redirect-loop")
        elif path.startswith(("/reflect-401", "/reflect-200")):
            self.send(401 if path.startswith("/reflect-401") else 200,
                      self.reflection().encode(), "text/plain")
        elif path.startswith("/reflect-json"):
            self.send(200, json.dumps({"status": "success", "data": {
                "resultType": "vector", "result": [{"metric": {
                    "job": "api", "echo": self.reflection()},
                    "value": [1700000000, "1"]}]}}).encode())
        elif path.startswith("/hop-other/"):
            self.redirect("http://127.0.0.1:%d/hop-land/%s" % (
                PORTS["other"], self.path[len("/hop-other/"):]))
        elif path.startswith("/hop-same/"):
            self.redirect("/hop-land/" + self.path[len("/hop-same/"):])
        elif path.startswith("/hop-land/"):
            self.send(200, JSON_DOC)
        elif path.startswith("/status/"):
            code = int(path[len("/status/"):])
            self.send(code, json.dumps({"status": "error",
                                        "error": "status %d" % code}).encode())
        else:
            self.send(404, b'{"status":"error","error":"no such route"}')

    def reflection(self):
        """Every header, the request line and the URL, as text."""
        return "%s%s %s\nurl: http://%s%s\n" % (
            "".join("%s: %s\n" % kv for kv in self.headers.items()),
            self.command, self.path, self.headers.get("Host", ""),
            self.path)

    def serve(self):
        """Log the request (with --log), then answer it."""
        if LOG["path"] is not None:
            line = json.dumps({"t": time.time(), "method": self.command,
                               "path": self.path,
                               "headers": {k.lower(): v for k, v in
                                           self.headers.items()}})
            with LOG["lock"], open(LOG["path"], "a") as f:
                f.write(line + "\n")
        self.route()

    def gzip_zeros(self, n):
        """n zero bytes as one gzip member, a 1 MiB block at a time."""
        block = b"\0" * (1 << 20)
        c = zlib.compressobj(9, zlib.DEFLATED, 31)
        # After a full flush the compressor starts afresh, so every later
        # block compresses to the same bytes: make them once.
        first = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
        again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
        crc, left = 0, n
        try:
            while left > 0:
                size = min(left, len(block))
                if size < len(block):
                    c = zlib.compressobj(9, zlib.DEFLATED, -15)
                    data = c.compress(block[:size]) + c.flush(
                        zlib.Z_FULL_FLUSH)
                else:
                    data = first if left == n else again
                if left == n and size < len(block):
                    data = gzip.compress(b"\0" * size)[:10] + data
                crc = zlib.crc32(block[:size], crc)
                self.wfile.write(data)
                left -= size
            # The last block: empty and final; then CRC-32 and size.
            self.wfile.write(b"\x03\x00" + struct.pack(
                "<II", crc, n & 0xffffffff))
        except OSError:
            pass

    def stream(self, n):
        chunk = b"x" * 65536
        try:
            while n > 0:
                self.wfile.write(chunk[:min(n, len(chunk))])
                n -= min(n, len(chunk))
        except OSError:
            pass

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = serve


class Server(ThreadingHTTPServer):
    """Quiet about clients that give up; threads never block exit."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        pass


def serve(name, server):
    PORTS[name] = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--tls-dir")
    ap.add_argument("--log", help="append each request to this file")
    ap.add_argument("--lifetime", type=float, default=300,
                    help="seconds before exiting on its own")
    args = ap.parse_args()

    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    LOG["path"] = args.log
    serve("http", Server(("127.0.0.1", 0), Handler))
    serve("other", Server(("127.0.0.1", 0), Handler))
    if args.tls_dir:
        make_certs(args.tls_dir)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(args.tls_dir, "server.pem"),
                            os.path.join(args.tls_dir, "server.key"))
        ctx.load_verify_locations(os.path.join(args.tls_dir, "ca.pem"))
        ctx.verify_mode = ssl.CERT_OPTIONAL
        tls = Server(("127.0.0.1", 0), Handler)
        tls.socket = ctx.wrap_socket(tls.socket, server_side=True,
                                     do_handshake_on_connect=False)
        serve("https", tls)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(args.tls_dir, "self.pem"),
                            os.path.join(args.tls_dir, "self.key"))
        tls = Server(("127.0.0.1", 0), Handler)
        tls.socket = ctx.wrap_socket(tls.socket, server_side=True,
                                     do_handshake_on_connect=False)
        serve("https-self", tls)

    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        for k, v in PORTS.items():
            f.write("%s=%d\n" % (k, v))
    os.rename(tmp, args.port_file)
    # Stop when the test that started us goes away, or after --lifetime.
    parent, deadline = os.getppid(), time.monotonic() + args.lifetime
    while os.getppid() == parent and time.monotonic() < deadline:
        time.sleep(0.2)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
