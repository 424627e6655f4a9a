#!/usr/bin/python3
# kube-apiserver stand-in for HaKube's lab hosts (test-only). The kubelet stand-in runs it for
# /etc/kubernetes/manifests/kube-apiserver.yaml with the manifest's command line.
#
# Reproduces:
#   * TLS on --advertise-address (or a non-wildcard --bind-address):--secure-port (default 6443)
#     with --tls-cert-file/--tls-private-key-file; client certificates verified against
#     --client-ca-file (user = CN, groups = O); bootstrap tokens ("Bearer abcdef.0123456789abcdef")
#     checked against the kube-system/bootstrap-token-<id> Secrets (expiration,
#     usage-bootstrap-authentication); anonymous requests get 401 except the health endpoints,
#     /version and GET of the kube-public/cluster-info ConfigMap (what join discovery reads).
#   * /livez, /readyz, /healthz (also ?verbose, "[+]etcd ok"): 200 only while etcd answers the
#     apiserver's own check, a linearizable Get of <prefix>/health over HTTPS with
#     --etcd-cafile/--etcd-certfile/--etcd-keyfile within 2 s (--etcd-healthcheck-timeout), retried
#     while etcd is unavailable on any of --etcd-servers (the one that answered last first, as etcd's
#     client keeps to a working endpoint); at most one check a second), else 500; /version from the
#     manifest's image tag.
#   * Storage in the real etcd through its v3 JSON gateway (/v3/kv/range, /put, /deleterange,
#     base64 keys; over connections kept open between requests, as etcd's clients keep theirs)
#     under --etcd-prefix (default /registry): nodes (/registry/minions/NAME), configmaps and
#     secrets (/registry/{configmaps,secrets}/NS/NAME), so all control planes share them. Verbs:
#     GET (object, list with labelSelector=k=v / k), POST, PUT, PATCH (merge patch and strategic
#     merge patch treated as JSON merge patch; JSON patch add/replace/remove; a patch is
#     written with an etcd txn on the revision it was applied to and applied again on a newer one, so
#     concurrent patches never lose each other's changes), DELETE;
#     404 NotFound / 409 AlreadyExists / 401 / 403 as Status objects.
#   * cluster-info: the bootstrap signer's jws-kubeconfig-<token id> entries are computed on read
#     from the live signing tokens (HS256 detached JWS, as kubeadm join verifies).
#   * CSRs: POST /apis/certificates.k8s.io/v1/certificatesigningrequests by a bootstrap token or
#     node is approved and signed at once (kubelet client certs: CN system:node:NAME,
#     O system:nodes), standing in for kube-controller-manager's approver and signer, with the
#     CA key next to --client-ca-file (ca.key).
#   * graceful termination on SIGTERM (what the kubelet sends when the manifest leaves
#     /etc/kubernetes/manifests): the listener closes within 0.1 s (new connections refused), connections
#     already accepted get their TLS handshake and first request served, requests in flight finish
#     (at most 5 s), idle keep-alive connections are closed; then it exits 0.
#     No --shutdown-delay-duration (kubeadm leaves it at 0).
# Does not reproduce: RBAC/admission (any verified client certificate may do anything; bootstrap
# tokens may only create CSRs and read kube-public/cluster-info, kube-system/kubeadm-config and
# kubelet-config and nodes), watches, other resources, resourceVersion conflicts, protobuf
# storage (objects are stored as JSON), service accounts, aggregation, audit.
import copy
import datetime
import http.client
import http.server
import json
import os
import re
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import common  # noqa: E402

VERSION = os.environ.get("HAKUBE_IMAGE_VERSION", "v1.31.4")
F = {}


def parse_flags(argv):
    for a in argv:
        if a.startswith("--"):
            k, _, v = a[2:].partition("=")
            F[k] = v


class Etcd:
    def __init__(self):
        self.servers = [common.local_url(s) for s in F.get("etcd-servers", "https://127.0.0.1:2379").split(",") if s]
        self.ctx = common.ssl_context(ca_file=F.get("etcd-cafile"), cert_file=F.get("etcd-certfile"),
                                      key_file=F.get("etcd-keyfile"), verify=bool(F.get("etcd-cafile")))
        self.prefix = F.get("etcd-prefix", "/registry").rstrip("/")
        self.lock = threading.Lock()
        self.cached = (0.0, False)
        self.checking = False
        self.working = None
        self.idle = {}  # server -> connections kept open for the next request (etcd's clients keep theirs)

    def request(self, server, path, method, body, timeout):
        """One request to etcd, on a connection left open by an earlier one when there is one: a TLS
        handshake per request was the largest part of this stand-in's CPU. etcd may have closed an idle
        connection (or restarted): a request that finds it closed before any answer goes once more, on
        a new connection, as Go's HTTP client retries on a connection that was reused."""
        data = None if body is None else json.dumps(body).encode()
        headers = {} if body is None else {"Content-Type": "application/json"}
        while True:
            with self.lock:
                pool = self.idle.get(server) or []
                conn = pool.pop() if pool else None
            reused = conn is not None
            try:
                if conn is None:
                    conn = self.connect(server, timeout)
                else:
                    conn.sock.settimeout(timeout)
                conn.request(method, path, body=data, headers=headers)
                r = conn.getresponse()
                answer = r.status, r.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                if conn is not None:
                    conn.close()
                if reused:
                    continue
                raise
            except BaseException:
                if conn is not None:
                    conn.close()
                raise
            if r.will_close:
                conn.close()
            else:
                with self.lock:
                    pool = self.idle.setdefault(server, [])
                    if len(pool) < 8:
                        pool.append(conn)
                        conn = None
                if conn is not None:
                    conn.close()
            return answer

    def connect(self, server, timeout):
        u = urllib.parse.urlsplit(server)
        ip = common.resolve(u.hostname)
        if u.scheme != "https":
            return http.client.HTTPConnection(ip, u.port or 2379, timeout=timeout)
        return common.https_connection(u.hostname, ip, u.port or 2379, self.ctx, timeout)

    def ordered(self):
        """The servers, the one that last answered first (etcd's client keeps to a working endpoint)."""
        with self.lock:
            first = self.working
        return [first] + [s for s in self.servers if s != first] if first in self.servers else list(self.servers)

    def answered(self, server):
        with self.lock:
            self.working = server

    def post(self, path, body, timeout=3.0):
        last = None
        for s in self.ordered():
            try:
                st, data = self.request(s, path, "POST", body, timeout)
                if st == 200:
                    self.answered(s)
                    return json.loads(data)
                last = RuntimeError(f"etcd {s}{path}: {st} {data[:200]!r}")
            except Exception as e:  # noqa: BLE001
                last = e
        raise last

    def healthy(self):
        """The apiserver's etcd check (storagebackend/factory/etcd3.go): a linearizable Get of
        <prefix>/health within --etcd-healthcheck-timeout (2 s), which etcd's client retries while etcd
        answers Unavailable (leader changed, no leader, refused) until the deadline; at most one check a
        second (rate.Every(timeout/2)), callers in between get the last result. Not etcd's own /health,
        which in 3.4 proposes a quorum get through raft with a 1 s bound and fails on a leader transfer
        a real apiserver rides out."""
        with self.lock:
            t, ok = self.cached
            if time.time() - t < 1.0 or self.checking:
                return ok
            self.checking = True
        try:
            ok = self.get_health(2.0)
        finally:
            with self.lock:
                self.cached = (time.time(), ok)
                self.checking = False
        return ok

    def get_health(self, timeout):
        deadline = time.monotonic() + timeout
        body = {"key": common.b64(self.prefix + "/health")}
        while True:
            for s in self.ordered():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                try:
                    st, _ = self.request(s, "/v3/kv/range", "POST", body, left)
                except Exception:  # noqa: BLE001
                    continue  # refused, reset or timed out: unavailable
                if st == 200:
                    self.answered(s)
                    return True
                if st != 503:  # the gateway's Unavailable; the client gives up on any other error
                    return False
            if deadline - time.monotonic() <= 0.025:
                return False
            time.sleep(0.025)  # the client's backoff between retries

    def key(self, resource, ns, name):
        parts = [self.prefix, resource] + ([ns] if ns else []) + ([name] if name else [])
        return "/".join(parts)

    def get(self, key):
        r = self.post("/v3/kv/range", {"key": common.b64(key)})
        kvs = r.get("kvs") or []
        if not kvs:
            return None
        obj = json.loads(common.unb64(kvs[0]["value"]))
        obj.setdefault("metadata", {})["resourceVersion"] = str(kvs[0].get("mod_revision", "1"))
        return obj

    def list(self, prefix):
        prefix = prefix.rstrip("/") + "/"
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        r = self.post("/v3/kv/range", {"key": common.b64(prefix), "range_end": common.b64(end)})
        out = []
        for kv in r.get("kvs") or []:
            obj = json.loads(common.unb64(kv["value"]))
            obj.setdefault("metadata", {})["resourceVersion"] = str(kv.get("mod_revision", "1"))
            out.append(obj)
        return out, str(r.get("header", {}).get("revision", "1"))

    def put(self, key, obj):
        o = copy.deepcopy(obj)
        o.get("metadata", {}).pop("resourceVersion", None)
        r = self.post("/v3/kv/put", {"key": common.b64(key), "value": common.b64(json.dumps(o))})
        obj.setdefault("metadata", {})["resourceVersion"] = str(r.get("header", {}).get("revision", "1"))
        return obj

    def put_if_unchanged(self, key, obj, revision):
        """put only while the key's mod_revision is still REVISION (an etcd txn, as the apiserver's
        GuaranteedUpdate); None when another writer came first."""
        o = copy.deepcopy(obj)
        o.get("metadata", {}).pop("resourceVersion", None)
        r = self.post("/v3/kv/txn", {
            "compare": [{"key": common.b64(key), "target": "MOD", "result": "EQUAL", "mod_revision": str(revision)}],
            "success": [{"request_put": {"key": common.b64(key), "value": common.b64(json.dumps(o))}}]})
        if not r.get("succeeded"):
            return None
        obj.setdefault("metadata", {})["resourceVersion"] = str(r.get("header", {}).get("revision", "1"))
        return obj

    def delete(self, key):
        r = self.post("/v3/kv/deleterange", {"key": common.b64(key)})
        return int(r.get("deleted", "0") or 0)


ETCD = None
RESOURCES = {"nodes": ("minions", False, "Node"), "configmaps": ("configmaps", True, "ConfigMap"),
             "secrets": ("secrets", True, "Secret")}


def status_obj(code, reason, message, name=None, kind=None):
    d = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message,
         "reason": reason, "code": code}
    if name or kind:
        d["details"] = {k: v for k, v in (("name", name), ("kind", kind)) if v}
    return d


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return patch
    if not isinstance(target, dict):
        target = {}
    for k, v in patch.items():
        if k.startswith("$"):
            continue
        if v is None:
            target.pop(k, None)
        elif isinstance(v, dict):
            target[k] = merge_patch(target.get(k), v)
        else:
            target[k] = v
    return target


def json_patch(target, ops):
    for op in ops:
        path = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].lstrip("/").split("/")]
        parent = target
        for p in path[:-1]:
            parent = parent[int(p)] if isinstance(parent, list) else parent.setdefault(p, {})
        last = path[-1]
        if op["op"] in ("add", "replace"):
            if isinstance(parent, list):
                if last == "-":
                    parent.append(op["value"])
                elif op["op"] == "add":
                    parent.insert(int(last), op["value"])
                else:
                    parent[int(last)] = op["value"]
            else:
                parent[last] = op["value"]
        elif op["op"] == "remove":
            if isinstance(parent, list):
                parent.pop(int(last))
            else:
                parent.pop(last, None)
        elif op["op"] == "test":
            pass
    return target


def bootstrap_tokens():
    items, _ = ETCD.list(ETCD.key("secrets", "kube-system", None))
    out = {}
    now = time.time()
    for s in items:
        if s.get("type") != "bootstrap.kubernetes.io/token":
            continue
        d = {k: common.unb64(v).decode() for k, v in (s.get("data") or {}).items()}
        d.update(s.get("stringData") or {})
        exp = d.get("expiration")
        if exp:
            try:
                if datetime.datetime.strptime(exp, "%Y-%m-%dT%H:%M:%SZ").replace(
                        tzinfo=datetime.timezone.utc).timestamp() < now:
                    continue
            except ValueError:
                continue
        if d.get("token-id"):
            out[d["token-id"]] = d
    return out


# Graceful termination, as the real server's: on SIGTERM the listener closes (new connections are
# refused, which a load balancer retries elsewhere), requests in flight finish, and keep-alive
# connections waiting for their next request are closed (clients retry those on a new connection).
STOPPING = threading.Event()
CONN_LOCK = threading.Lock()
IDLE = set()
BUSY = [0]  # connections in their TLS handshake or first request, and requests being served
LOCAL = threading.local()  # LOCAL.counted: this thread's new connection is still counted in BUSY


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def handle_one_request(self):
        # A new connection's first request is busy from the accept on (finish_request counted it);
        # later ones are idle keep-alive connections until a request line arrives.
        first = getattr(LOCAL, "counted", False)
        if not first:
            with CONN_LOCK:
                IDLE.add(self.connection)
        try:
            self.raw_requestline = self.rfile.readline(65537)
        except OSError:
            self.close_connection = True
            return
        finally:
            if not first:
                with CONN_LOCK:
                    IDLE.discard(self.connection)
        if not first:
            with CONN_LOCK:
                BUSY[0] += 1
        LOCAL.counted = False  # the count is released when this request ends
        try:
            if len(self.raw_requestline) > 65536:
                self.send_error(414)
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                return
            method = getattr(self, "do_" + self.command, None)
            if method is None:
                self.send_error(501, f"Unsupported method ({self.command!r})")
                return
            method()
            self.wfile.flush()
        except (TimeoutError, OSError):
            self.close_connection = True
        finally:
            with CONN_LOCK:
                BUSY[0] -= 1
            if STOPPING.is_set():
                self.close_connection = True

    def send(self, code, obj, ctype="application/json"):
        body = obj if isinstance(obj, bytes) else (json.dumps(obj) + "\n").encode() if ctype == "application/json" \
            else obj.encode()
        self.send_response(code)
        if STOPPING.is_set():
            self.send_header("Connection", "close")
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def who(self):
        cert = self.connection.getpeercert()
        if cert:
            subj = {}
            for rdn in cert.get("subject", ()):
                for k, v in rdn:
                    subj.setdefault(k, []).append(v)
            return {"user": (subj.get("commonName") or [""])[0], "groups": subj.get("organizationName", []),
                    "kind": "cert"}
        auth = self.headers.get("Authorization", "")
        m = re.fullmatch(r"Bearer ([a-z0-9]{6})\.([a-z0-9]{16})", auth)
        if m:
            toks = bootstrap_tokens()
            t = toks.get(m.group(1))
            if t and t.get("token-secret") == m.group(2) and t.get("usage-bootstrap-authentication") == "true":
                groups = ["system:bootstrappers"] + [g for g in t.get("auth-extra-groups", "").split(",") if g]
                return {"user": "system:bootstrap:" + m.group(1), "groups": groups, "kind": "bootstrap"}
            return {"kind": "invalid"}
        if auth:
            return {"kind": "invalid"}
        return None

    def health(self, path, q):
        ok = ETCD.healthy()
        name = path.strip("/")
        if "verbose" in q:
            lines = ["[+]ping ok", "[+]log ok", "[+]etcd ok" if ok else "[-]etcd failed: reason withheld"]
            if name == "readyz":
                lines.append("[+]etcd-readiness ok" if ok else "[-]etcd-readiness failed: reason withheld")
            lines.append(f"{name} check passed" if ok else f"{name} check failed")
            self.send(200 if ok else 500, "\n".join(lines) + "\n", "text/plain; charset=utf-8")
        else:
            self.send(200 if ok else 500, "ok" if ok else f"[-]etcd failed: reason withheld\n{name} check failed\n",
                      "text/plain; charset=utf-8")

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(n) if n else b""
        return json.loads(data) if data else {}

    def handle_any(self, method):
        u = urllib.parse.urlsplit(self.path)
        path, q = u.path.rstrip("/") or "/", urllib.parse.parse_qs(u.query, keep_blank_values=True)
        try:
            if path in ("/livez", "/readyz", "/healthz") or path.startswith(("/livez/", "/readyz/", "/healthz/")):
                return self.health(path.split("/")[1], q)
            if path == "/version":
                m = re.match(r"v(\d+)\.(\d+)", VERSION)
                return self.send(200, {"major": m.group(1), "minor": m.group(2), "gitVersion": VERSION,
                                       "gitCommit": "hakube-standin", "gitTreeState": "clean",
                                       "buildDate": "2024-12-10T00:00:00Z", "goVersion": "go1.22.9",
                                       "compiler": "gc", "platform": "linux/amd64"})
            who = self.who()
            if who and who.get("kind") == "invalid":
                return self.send(401, status_obj(401, "Unauthorized", "Unauthorized"))
            m = re.fullmatch(r"/api/v1(?:/namespaces/([^/]+))?/(nodes|configmaps|secrets)(?:/([^/]+))?", path)
            csr = re.fullmatch(r"/apis/certificates\.k8s\.io/v1/certificatesigningrequests(?:/([^/]+))?", path)
            if path in ("/api", "/apis", "/api/v1"):
                if who is None:
                    return self.send(401, status_obj(401, "Unauthorized", "Unauthorized"))
                return self.send(200, {"kind": "APIVersions", "versions": ["v1"]})
            if csr:
                return self.csr(method, who)
            if not m:
                if who is None:
                    return self.send(401, status_obj(401, "Unauthorized", "Unauthorized"))
                return self.send(404, status_obj(404, "NotFound", "the server could not find the requested resource"))
            ns, res, name = m.group(1), m.group(2), m.group(3)
            if not self.allowed(who, method, ns, res, name):
                if who is None:
                    return self.send(401, status_obj(401, "Unauthorized", "Unauthorized"))
                return self.send(403, status_obj(403, "Forbidden",
                                                 f"{res} is forbidden: User \"{who['user']}\" cannot {method.lower()} "
                                                 f"resource \"{res}\"", name, res))
            if not ETCD.healthy():
                return self.send(500, status_obj(500, "InternalError", "etcdserver: request timed out"))
            return self.resource(method, ns, res, name, q)
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as e:  # noqa: BLE001
            try:
                self.send(500, status_obj(500, "InternalError", f"Internal error occurred: {e}"))
            except Exception:  # noqa: BLE001
                pass

    def allowed(self, who, method, ns, res, name):
        if who is None:
            return method == "GET" and ns == "kube-public" and res == "configmaps" and name == "cluster-info"
        if who["kind"] == "cert":
            return True
        if method != "GET":
            return False
        if res == "configmaps" and (ns, name) in (("kube-public", "cluster-info"), ("kube-system", "kubeadm-config"),
                                                   ("kube-system", "kubelet-config")):
            return True
        return res == "nodes"

    def resource(self, method, ns, res, name, q):
        rkey, namespaced, kind = RESOURCES[res]
        if namespaced and not ns:
            if method != "GET" or name:
                return self.send(404, status_obj(404, "NotFound", "the server could not find the requested resource"))
        key = ETCD.key(rkey, ns, name)
        if method == "GET" and not name:
            items, rev = ETCD.list(ETCD.key(rkey, ns, None) if (ns or not namespaced) else f"{ETCD.prefix}/{rkey}")
            sel = q.get("labelSelector", [""])[0]
            for term in [t for t in sel.split(",") if t]:
                k, _, v = term.partition("=")
                k, neg = (k[:-1], True) if k.endswith("!") else (k, False)
                if "=" in term:
                    items = [i for i in items if ((i["metadata"].get("labels") or {}).get(k) == v.lstrip("=")) != neg]
                else:
                    items = [i for i in items if k.lstrip("!") in (i["metadata"].get("labels") or {})] \
                        if not k.startswith("!") else \
                        [i for i in items if k[1:] not in (i["metadata"].get("labels") or {})]
            items.sort(key=lambda i: (i["metadata"].get("namespace", ""), i["metadata"]["name"]))
            return self.send(200, {"kind": kind + "List", "apiVersion": "v1", "metadata": {"resourceVersion": rev},
                                   "items": items})
        if method == "GET":
            obj = ETCD.get(key)
            if obj is None:
                return self.send(404, status_obj(404, "NotFound", f"{res} \"{name}\" not found", name, res))
            if res == "configmaps" and ns == "kube-public" and name == "cluster-info":
                obj = self.sign_cluster_info(obj)
            return self.send(200, obj)
        if method == "POST":
            obj = self.body()
            nm = (obj.get("metadata") or {}).get("name") or name
            if not nm:
                return self.send(422, status_obj(422, "Invalid", f"{kind} \"\" is invalid: metadata.name: Required value"))
            key = ETCD.key(rkey, ns, nm)
            if ETCD.get(key) is not None:
                return self.send(409, status_obj(409, "AlreadyExists", f"{res} \"{nm}\" already exists", nm, res))
            md = obj.setdefault("metadata", {})
            md.update({"name": nm, "uid": str(uuid.uuid4()), "creationTimestamp": common.now_rfc3339()})
            if ns:
                md["namespace"] = ns
            obj["kind"], obj["apiVersion"] = kind, "v1"
            if res == "secrets" and obj.get("stringData"):
                obj.setdefault("data", {}).update({k: common.b64(v) for k, v in obj.pop("stringData").items()})
            return self.send(201, ETCD.put(key, obj))
        if method in ("PUT", "PATCH"):
            body = self.body()
            # A patch is applied to the object as stored and written only if nobody wrote it meanwhile,
            # else applied again to the newer object (the apiserver's GuaranteedUpdate): a kubelet's
            # status patch and a label patch at the same moment both land.
            for _ in range(20):
                cur = ETCD.get(key)
                if cur is None:
                    return self.send(404, status_obj(404, "NotFound", f"{res} \"{name}\" not found", name, res))
                revision = cur["metadata"]["resourceVersion"]
                keep = {k: cur["metadata"].get(k) for k in ("uid", "creationTimestamp", "name", "namespace") if
                        k in cur["metadata"]}
                if method == "PUT":
                    obj = body
                elif "json-patch" in (self.headers.get("Content-Type") or ""):
                    obj = json_patch(cur, copy.deepcopy(body))
                else:
                    obj = merge_patch(cur, copy.deepcopy(body))
                obj.setdefault("metadata", {}).update(keep)
                obj["kind"], obj["apiVersion"] = kind, "v1"
                if method == "PUT":
                    return self.send(200, ETCD.put(key, obj))
                written = ETCD.put_if_unchanged(key, obj, revision)
                if written is not None:
                    return self.send(200, written)
            return self.send(409, status_obj(409, "Conflict", f"Operation cannot be fulfilled on {res} \"{name}\": "
                                             "the object has been modified; please apply your changes to the latest "
                                             "version and try again", name, res))
        if method == "DELETE":
            cur = ETCD.get(key)
            if cur is None:
                return self.send(404, status_obj(404, "NotFound", f"{res} \"{name}\" not found", name, res))
            ETCD.delete(key)
            return self.send(200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                                   "details": {"name": name, "kind": res, "uid": cur["metadata"].get("uid")}})
        return self.send(405, status_obj(405, "MethodNotAllowed", "the server does not allow this method"))

    def sign_cluster_info(self, obj):
        obj = copy.deepcopy(obj)
        data = obj.setdefault("data", {})
        for k in [k for k in data if k.startswith("jws-kubeconfig-")]:
            del data[k]
        kc = data.get("kubeconfig", "")
        for tid, t in bootstrap_tokens().items():
            if t.get("usage-bootstrap-signing") == "true":
                data["jws-kubeconfig-" + tid] = common.jws_detached(kc, tid, t["token-secret"])
        return obj

    def csr(self, method, who):
        if method != "POST":
            return self.send(405, status_obj(405, "MethodNotAllowed", "the server does not allow this method"))
        if who is None:
            return self.send(401, status_obj(401, "Unauthorized", "Unauthorized"))
        if not ETCD.healthy():
            return self.send(500, status_obj(500, "InternalError", "etcdserver: request timed out"))
        obj = self.body()
        req = common.unb64(obj["spec"]["request"])
        ca_crt = F.get("client-ca-file", "/etc/kubernetes/pki/ca.crt")
        ca_key = os.path.join(os.path.dirname(ca_crt), "ca.key")
        if not os.path.exists(ca_key):
            return self.send(500, status_obj(500, "InternalError", "CSR signing: no CA key on this control plane"))
        r = subprocess.run(["openssl", "req", "-noout", "-subject", "-nameopt", "RFC2253"], input=req,
                           capture_output=True, text=False)
        subject = r.stdout.decode()
        m = re.search(r"CN=(system:node:[^,\n]+)", subject)
        if not m or "O=system:nodes" not in subject:
            return self.send(403, status_obj(403, "Forbidden", "CSR subject must be CN=system:node:NAME, O=system:nodes"))
        if who["kind"] == "cert" and who["user"].startswith("system:node:") and who["user"] != m.group(1):
            return self.send(403, status_obj(403, "Forbidden", "a node may only renew its own certificate"))
        cert = common.sign_cert(None, None, ca_crt, ca_key, m.group(1), ["system:nodes"], client=True, csr=req)
        name = obj.get("metadata", {}).get("name") or obj.get("metadata", {}).get("generateName", "csr-") + \
            uuid.uuid4().hex[:5]
        out = {"kind": "CertificateSigningRequest", "apiVersion": "certificates.k8s.io/v1",
               "metadata": {"name": name, "creationTimestamp": common.now_rfc3339()},
               "spec": obj.get("spec", {}) | {"username": who["user"], "groups": who["groups"]},
               "status": {"conditions": [{"type": "Approved", "status": "True",
                                          "reason": "AutoApproved", "message": "Auto approving kubelet client certificate"}],
                          "certificate": common.b64(cert)}}
        return self.send(201, out)

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_DELETE(self):
        self.handle_any("DELETE")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, ctx):
        self.ctx = ctx
        super().__init__(addr, Handler)

    def get_request(self):
        sock, addr = self.socket.accept()
        return sock, addr

    def process_request(self, request, client_address):
        with CONN_LOCK:  # counted before the thread starts, so that a termination waits for it
            BUSY[0] += 1
        super().process_request(request, client_address)

    def finish_request(self, request, client_address):
        LOCAL.counted = True
        try:
            try:
                request.settimeout(10)
                tls = self.ctx.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                request.close()
                return
            try:
                Handler(tls, client_address, self)
            finally:
                try:
                    tls.close()
                except OSError:
                    pass
        finally:
            if LOCAL.counted:
                LOCAL.counted = False
                with CONN_LOCK:
                    BUSY[0] -= 1


def main(argv):
    global ETCD
    if "--version" in argv:
        print(f"Kubernetes {VERSION}")
        return 0
    parse_flags(argv)
    for req in ("tls-cert-file", "tls-private-key-file", "client-ca-file"):
        if not F.get(req):
            print(f"E: --{req} is required by the lab stand-in", file=sys.stderr)
            return 1
    ETCD = Etcd()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(F["tls-cert-file"], F["tls-private-key-file"])
    ctx.load_verify_locations(cafile=F["client-ca-file"])
    ctx.verify_mode = ssl.CERT_OPTIONAL
    bind = F.get("bind-address", "")
    addr = bind if bind not in ("", "0.0.0.0", "::") else F.get("advertise-address", "")
    addr = common.local(addr)
    port = int(F.get("secure-port", "6443"))
    srv = None
    for _ in range(50):  # bounded: the previous instance may still hold the port
        try:
            srv = Server((addr, port), ctx)
            break
        except OSError as e:
            err = e
            time.sleep(0.2)
    if srv is None:
        print(f"failed to listen on {addr}:{port}: {err}", file=sys.stderr)
        return 1
    print(f"kube-apiserver stand-in {VERSION} serving on https://{addr}:{port}, etcd {ETCD.servers}", flush=True)

    def terminate(*_):
        STOPPING.set()
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, terminate)
    srv.serve_forever(poll_interval=0.1)
    # Connections the kernel completed since the last accept would be reset by the close: serve them.
    srv.socket.setblocking(False)
    while True:
        try:
            conn, peer = srv.socket.accept()
        except OSError:
            break
        conn.setblocking(True)
        srv.process_request(conn, peer)
    srv.server_close()
    with CONN_LOCK:
        idle = list(IDLE)
    for conn in idle:
        try:
            conn.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
    deadline = time.time() + 5  # bounded, well inside the kubelet's grace period
    while BUSY[0] and time.time() < deadline:
        time.sleep(0.05)
    print("kube-apiserver stand-in: terminated gracefully", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
