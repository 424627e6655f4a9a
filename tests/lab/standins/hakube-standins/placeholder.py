#!/usr/bin/python3
# Placeholder for kube-controller-manager and kube-scheduler static pods in HaKube's lab
# (test-only); the kubelet stand-in runs it for those manifests.
#
# Reproduces: a process per pod that serves /healthz, /livez and /readyz (200 "ok") over HTTPS
# on the component's --secure-port (10257 controller-manager, 10259 scheduler) and --bind-address
# (default 127.0.0.1, translated to the lab host's address), with a self-signed certificate
# like the components' own when no --tls-cert-file is given; `--version`.
# Does not reproduce: any controller or scheduling work, leader election, metrics, authn/authz
# of health endpoints (all anonymous), or configuration validation of its flags.
import http.server
import os
import ssl
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import common  # noqa: E402


def flags(argv):
    out = {}
    for a in argv:
        if a.startswith("--") and "=" in a:
            k, v = a[2:].split("=", 1)
            out[k] = v
    return out


class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?")[0]
        if path in ("/healthz", "/livez", "/readyz"):
            body, code = b"ok", 200
        else:
            body, code = b"404 page not found\n", 404
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def main(argv):
    component = os.environ.get("HAKUBE_COMPONENT", "kube-component")
    version = os.environ.get("HAKUBE_IMAGE_VERSION", "v0.0.0")
    if "--version" in argv:
        print(f"Kubernetes {version}")
        return 0
    f = flags(argv)
    port = int(f.get("secure-port", "10259" if "scheduler" in component else "10257"))
    addr = common.local(f.get("bind-address", "127.0.0.1"))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if f.get("tls-cert-file") and f.get("tls-private-key-file"):
        ctx.load_cert_chain(f["tls-cert-file"], f["tls-private-key-file"])
    else:
        d = common.run_dir("tmp")
        crt, key = os.path.join(d, f"{component}.crt"), os.path.join(d, f"{component}.key")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", key, "-out", crt, "-days", "365", "-subj", f"/CN={addr}@self-signed",
                        "-addext", f"subjectAltName=IP:{addr}"], check=True, capture_output=True)
        ctx.load_cert_chain(crt, key)
    srv = http.server.ThreadingHTTPServer((addr, port), H)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print(f"{component} placeholder ({version}) serving /healthz on https://{addr}:{port}", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
