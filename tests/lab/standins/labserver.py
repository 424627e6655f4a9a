# The lab mirrors' common server (test-only; registry.py, aptmirror.py): a threaded HTTP(S) server
# bound to one lab address in 127.0.0.0/8 that logs every request, one line each:
#   TIME<TAB>CLIENT<TAB>METHOD<TAB>PATH?QUERY<TAB>STATUS
# It refuses any address outside 127.0.0.0/8 and stops by itself after --max-seconds.
import argparse
import ipaddress
import os
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def arguments(description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--listen", required=True, help="ADDRESS:PORT, ADDRESS in 127.0.0.0/8")
    ap.add_argument("--log", required=True, help="request log (appended)")
    ap.add_argument("--cert", help="TLS certificate (PEM); without it, plain HTTP")
    ap.add_argument("--key", help="TLS key (PEM)")
    ap.add_argument("--max-seconds", type=float, default=3600, help="stop after this long (bounded)")
    return ap


def listen_address(text):
    host, _, port = text.rpartition(":")
    if ipaddress.ip_address(host) not in ipaddress.ip_network("127.0.0.0/8"):
        sys.exit(f"labserver: {host} is outside 127.0.0.0/8; the lab listens on loopback only")
    return host, int(port)


class LoggingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_lock = threading.Lock()
    log_path = None

    def send(self, status, body=b"", headers=None, head=False):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)
        self.record(status)

    def record(self, status):
        line = f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\t{self.client_address[0]}\t{self.command}\t{self.path}\t{status}\n"
        with self.log_lock:
            with open(self.log_path, "a") as f:
                f.write(line)

    def log_message(self, *_):
        pass


def serve(args, handler):
    host, port = listen_address(args.listen)
    handler.log_path = args.log
    httpd = ThreadingHTTPServer((host, port), handler)
    httpd.daemon_threads = True
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
    stop = threading.Timer(args.max_seconds, httpd.shutdown)
    stop.daemon = True
    stop.start()
    print(f"serving on {'https' if args.cert else 'http'}://{host}:{port}/ (pid {os.getpid()})", flush=True)
    httpd.serve_forever()
