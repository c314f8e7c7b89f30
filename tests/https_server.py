#!/usr/bin/python3
"""A static HTTPS server for sealmail's key lookup tests (WKD and VKS trees).

Usage: https_server.py ADDR PORT CERT KEY DOCROOT

GET /some/path serves DOCROOT/some/path (the query string is ignored). Next to a file:
  PATH.status  holds an HTTP status to answer instead (e.g. 500)
  PATH.sleep   holds seconds to wait before answering (a stalled server)
PORT 0 picks a free port. Prints "READY PORT" when listening; exits when stdin closes.
"""
import http.server
import os
import ssl
import sys
import threading
import time
import urllib.parse

addr, port, cert, key, docroot = sys.argv[1:6]


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        full = os.path.normpath(os.path.join(docroot, path.lstrip("/")))
        if not full.startswith(os.path.abspath(docroot)):
            self.send_error(403)
            return
        if os.path.exists(full + ".sleep"):
            time.sleep(float(open(full + ".sleep").read().strip() or "30"))
        if os.path.exists(full + ".status"):
            self.send_error(int(open(full + ".status").read().strip()))
            return
        if not os.path.isfile(full):
            self.send_error(404)
            return
        data = open(full, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = http.server.ThreadingHTTPServer((addr, int(port)), Handler)
server.daemon_threads = True
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
print("READY", server.server_address[1], flush=True)
sys.stdin.read()
server.shutdown()
