#!/usr/bin/python3
"""A small HTTP/1.1 file server for `strato model pull` tests (standard library only).

Unlike `python3 -m http.server` it honours Range (206 + Content-Range, 416 past
the end) and can misbehave on purpose. It serves one file, FILE, under these paths:

  /files/NAME                 plain: Range, strong ETag, Last-Modified
  /withsum/NAME[.sha256]      plain, plus a sha256sum-style sibling file
  /badsum/NAME[.sha256]       plain, plus a sibling file with a WRONG sum
  /cut/N/NAME                 the first GET of this path stops after N bytes (connection closed)
  /stall/N/NAME               the first GET of this path sends N bytes, then goes silent for 30 s
  /norange/N/NAME             ignores Range (always 200 + whole file); first GET cut after N bytes
  /hf/OWNER/REPO/resolve/REV/NAME   like the Hugging Face Hub: 302 to /files/NAME with
                              X-Linked-Etag = the file's sha256 (a wrong one when OWNER is "badsum")

Every request is appended to LOG as one JSON line: method, path, range, if_range.
Prints "PORT <n>" on stdout once listening (port 0 picks a free port).
With --tls-cert and --tls-key it speaks HTTPS instead.
"""
import argparse
import hashlib
import json
import os
import re
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
DATA = b""
SHA = ""
SEEN = set()  # paths whose first GET already misbehaved
LOCK = threading.Lock()


def first_time(path):
    with LOCK:
        if path in SEEN:
            return False
        SEEN.add(path)
        return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def record(self):
        entry = {"method": self.command, "path": self.path,
                 "range": self.headers.get("Range"), "if_range": self.headers.get("If-Range")}
        with LOCK, open(ARGS.log, "a") as f:
            f.write(json.dumps(entry) + "\n")

    def send_text(self, code, text, extra=()):
        body = text.encode()
        self.send_response(code)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_file(self, honour_range=True, stop_after=None, stall_after=None):
        start = 0
        code = 200
        rng = self.headers.get("Range") if honour_range else None
        if rng:
            m = re.fullmatch(r"bytes=(\d+)-", rng.strip())
            if m:
                start = int(m.group(1))
                if start >= len(DATA):
                    self.send_text(416, "range not satisfiable",
                                   [("Content-Range", "bytes */%d" % len(DATA))])
                    return
                code = 206
        body = DATA[start:]
        self.send_response(code)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes" if honour_range else "none")
        self.send_header("ETag", '"v1-%d"' % len(DATA))
        self.send_header("Last-Modified", "Tue, 01 Jan 2030 00:00:00 GMT")
        if code == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(DATA) - 1, len(DATA)))
        self.end_headers()
        if stop_after is not None:
            self.wfile.write(body[:stop_after])
            self.wfile.flush()
            self.close_connection = True
            return
        if stall_after is not None:
            self.wfile.write(body[:stall_after])
            self.wfile.flush()
            time.sleep(30)
            self.close_connection = True
            return
        self.wfile.write(body)

    def do_GET(self):
        self.record()
        name = os.path.basename(ARGS.file)
        path = self.path.split("?")[0]
        parts = path.strip("/").split("/")
        if path == "/files/" + name:
            return self.send_file()
        if len(parts) == 2 and parts[0] in ("withsum", "badsum"):
            if parts[1] == name:
                return self.send_file()
            if parts[1] == name + ".sha256":
                digest = SHA if parts[0] == "withsum" else "0" * 64
                return self.send_text(200, "%s  %s\n" % (digest, name))
        if len(parts) == 3 and parts[0] in ("cut", "stall", "norange") and parts[2] == name:
            n = int(parts[1])
            first = first_time(path)
            if parts[0] == "cut":
                return self.send_file(stop_after=n if first else None)
            if parts[0] == "stall":
                return self.send_file(stall_after=n if first else None)
            return self.send_file(honour_range=False, stop_after=n if first else None)
        if len(parts) == 6 and parts[0] == "hf" and parts[3] == "resolve" and parts[5] == name:
            linked = "0" * 64 if parts[1] == "badsum" else SHA
            return self.send_text(302, "redirecting", [("Location", "/files/" + name),
                                                       ("X-Linked-Etag", '"%s"' % linked),
                                                       ("X-Linked-Size", str(len(DATA)))])
        self.send_text(404, "Entry not found")


def main():
    global ARGS, DATA, SHA
    p = argparse.ArgumentParser()
    p.add_argument("--file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    ARGS = p.parse_args()
    with open(ARGS.file, "rb") as f:
        DATA = f.read()
    SHA = hashlib.sha256(DATA).hexdigest()
    server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    server.daemon_threads = True
    if ARGS.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
