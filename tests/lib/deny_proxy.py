# deny_proxy.py: a proxy in front of an Alertmanager that refuses every
# write (403) and passes reads through, as a read-only gateway does.
#
#   python3 deny_proxy.py UPSTREAM_URL PORT_FILE
#
# Listens on a free port of 127.0.0.1 and writes it to PORT_FILE once it
# accepts connections (atomically: through PORT_FILE.tmp).
import os, sys, urllib.error, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UP = sys.argv[1]


class H(BaseHTTPRequestHandler):
    def answer(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def deny(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(n)
        self.answer(403, b'"writes are not allowed through this gateway"')

    do_POST = do_DELETE = do_PUT = deny

    def do_GET(self):
        try:
            with urllib.request.urlopen(UP + self.path, timeout=5) as r:
                self.answer(r.status, r.read())
        except urllib.error.HTTPError as e:
            self.answer(e.code, e.read())

    def log_message(self, *a):
        pass


srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
srv.serve_forever()
