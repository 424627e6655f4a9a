#!/usr/bin/python3
# kubelet stand-in for HaKube's lab hosts (test-only). Installed by the apt-get stand-in as
# /usr/local/sbin/kubelet and run as kubelet.service (10-kubeadm.conf flags) by the systemctl
# stand-in.
#
# Reproduces:
#   * `kubelet --version` ("Kubernetes v1.31.4", the package version).
#   * start-up failures that make it crash-loop under Restart=always like the real one: missing
#     --config file ("failed to load kubelet config file"), swap on with failSwapOn (default
#     true), container runtime socket not answering (containerRuntimeEndpoint or
#     --container-runtime-endpoint, default unix:///var/run/containerd/containerd.sock).
#   * TLS bootstrap: with no --kubeconfig file but a --bootstrap-kubeconfig, it creates a key and
#     a CSR (CN system:node:NAME, O system:nodes), sends it with the bootstrap token, writes
#     /var/lib/kubelet/pki/kubelet-client-<time>.pem and the kubelet-client-current.pem link, and
#     writes --kubeconfig pointing at it (what `kubeadm join` waits for).
#   * node registration (name = --hostname-override or the hostname, labels kubernetes.io/hostname,
#     os, arch, + --node-labels, taints from --register-with-taints, InternalIP = --node-ip or the
#     host's address, nodeInfo.kubeletVersion) and a status heartbeat every 10 s; a kubelet that
#     starts on a node already registered (restarted, e.g. after a package upgrade) posts its status,
#     with its new nodeInfo.kubeletVersion, at once.
#   * static pods from staticPodPath (config) / --pod-manifest-path, checked every second: each
#     pod runs as one process in its own session (so it outlives a kubelet stop, as containers
#     do, and is adopted again by the next kubelet); a changed manifest restarts the pod, a removed
#     one stops it (SIGTERM, SIGKILL after terminationGracePeriodSeconds, at most 10 s); a pod
#     that exits is restarted with a back-off (1 s doubling to 10 s).
#       etcd image            -> the REAL etcd 3.5.16 (/opt/hakube-lab/etcd-3.5.16/etcd, Debian 13's
#                                build, scripts/install-lab-etcd.sh) with the manifest's command and
#                                args, whatever the image tag (lenient lab: the machine's /usr/bin/etcd)
#       kube-apiserver image  -> hakube-standins/kube-apiserver.py with the manifest's flags
#       kube-controller-manager, kube-scheduler -> hakube-standins/placeholder.py (/healthz)
#     Pod output goes to /run/hakube-standins/log/pods/<manifest>.log.
#   * (strict lab) the pod's image is pulled first when the host's image store lacks it (scaled
#     real pull time, images.py); each run is a container with an ID, an attempt count and the
#     pod's labels, which the crictl stand-in lists and execs into.
#   * standalone mode (the kubeadm task "Set up a High Availability etcd cluster with kubeadm"):
#     with neither --kubeconfig nor --bootstrap-kubeconfig it runs static pods and registers no
#     node ("No API server defined - no node status update will be sent").
#   * healthz on healthzBindAddress:healthzPort (127.0.0.1:10248) and HTTPS on port 10250
#     (self-signed /var/lib/kubelet/pki/kubelet.crt, /healthz only).
# Does not reproduce: containers, images, CRI calls, cgroups, pods from the API (only static
# pods), mirror pods, probes, CNI (nodes are Ready once registered), eviction, volumes other than
# the host's own paths, client certificate rotation. Loopback addresses in pod flags (etcd's
# https://127.0.0.1:2379, http://127.0.0.1:2381) and the kubelet's own 127.0.0.1 listeners are
# translated to the lab host's address (lab hosts share one network namespace).
import glob
import hashlib
import http.server
import json
import os
import platform
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import common  # noqa: E402
import images  # noqa: E402

LIB = os.path.dirname(os.path.realpath(__file__))
VERSION = common.pkg_version()
PODS = "/run/hakube-standins/pods"
ETCD_35 = "/opt/hakube-lab/etcd-3.5.16/etcd"
PODLOG = "/run/hakube-standins/log/pods"
STOP = threading.Event()


def log(level, msg):
    t = time.time()
    sys.stderr.write(time.strftime(f"{level}%m%d %H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1e6):06d} "
                     f"{os.getpid():7d} kubelet.go:1] {msg}\n")
    sys.stderr.flush()


def parse_args(argv):
    f = {}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("--"):
            if "=" in a:
                k, v = a[2:].split("=", 1)
            elif i + 1 < len(argv) and not argv[i + 1].startswith("--"):
                k, v = a[2:], argv[i + 1]
                i += 1
            else:
                k, v = a[2:], "true"
            f[k] = v
        i += 1
    return f


def node_name(f):
    return (f.get("hostname-override") or socket.gethostname()).lower()


# ---------------------------------------------------------------- static pods

def pod_argv(manifest):
    spec = manifest.get("spec", {})
    c = (spec.get("containers") or [{}])[0]
    image = c.get("image", "")
    repo, _, tag = image.rpartition(":")
    comp = repo.rsplit("/", 1)[-1]
    cmd = list(c.get("command") or []) + list(c.get("args") or [])
    env = {"HAKUBE_IMAGE_VERSION": tag, "HAKUBE_COMPONENT": comp}
    for e in c.get("env") or []:
        if "value" in e:
            env[e["name"]] = str(e["value"])
    if comp == "etcd":
        args = cmd[1:] if cmd and os.path.basename(cmd[0]) == "etcd" else cmd
        binary = "/usr/bin/etcd" if common.lenient() else ETCD_35
        return [binary, *translate_etcd(args)], env, comp
    if comp == "kube-apiserver":
        args = cmd[1:] if cmd and cmd[0] == "kube-apiserver" else cmd
        return [common.PY, "-S", os.path.join(LIB, "launch.py"), os.path.join(LIB, "kube-apiserver.py"), *args], env, comp
    if comp in ("kube-controller-manager", "kube-scheduler"):
        args = cmd[1:] if cmd and cmd[0] == comp else cmd
        return [common.PY, "-S", os.path.join(LIB, "launch.py"), os.path.join(LIB, "placeholder.py"), *args], env, comp
    return None, env, comp


URL_FLAGS = ("listen-client-urls", "listen-metrics-urls", "listen-peer-urls", "advertise-client-urls",
             "initial-advertise-peer-urls")


def translate_etcd(args):
    out = []
    for a in args:
        k, eq, v = a.partition("=")
        if eq and k.lstrip("-") in URL_FLAGS:
            urls = []
            for u in v.split(","):
                t = common.local_url(u)
                if t not in urls:
                    urls.append(t)
            a = f"{k}={','.join(urls)}"
        out.append(a)
    return out


def alive(pid, marker):
    try:
        with open(f"/proc/{pid}/environ", "rb") as fh:
            env = fh.read().split(b"\0")
        with open(f"/proc/{pid}/stat") as fh:
            if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                return False
    except OSError:
        return False
    return f"HAKUBE_POD={marker}".encode() in env


def kill_pod(rec, grace=10):
    pid = rec.get("pid")
    if not pid or not alive(pid, rec["marker"]):
        return
    try:
        os.killpg(pid, signal.SIGTERM)
    except OSError:
        pass
    deadline = time.time() + min(grace, 10)
    while time.time() < deadline and alive(pid, rec["marker"]):
        time.sleep(0.1)
    if alive(pid, rec["marker"]):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        for _ in range(50):
            if not alive(pid, rec["marker"]):
                break
            time.sleep(0.1)


class Pods:
    def __init__(self, path):
        self.path = path
        self.recs = {}
        self.parsed = {}
        os.makedirs(PODS, exist_ok=True)
        os.makedirs(PODLOG, exist_ok=True)
        for p in glob.glob(os.path.join(PODS, "*.json")):
            try:
                rec = json.load(open(p))
            except (OSError, ValueError):
                continue
            self.recs[rec["file"]] = rec  # adopted; checked on the first sync

    def save(self, rec):
        common.write_file(os.path.join(PODS, rec["file"] + ".json"), json.dumps(rec), 0o600)

    def forget(self, name):
        self.recs.pop(name, None)
        try:
            os.unlink(os.path.join(PODS, name + ".json"))
        except OSError:
            pass

    def start(self, name, text, manifest, rec=None):
        argv, env, comp = pod_argv(manifest)
        marker = f"{name}:{time.time_ns()}"
        rec = rec or {}
        pod = (manifest.get("metadata") or {}).get("name", name)
        image = ((manifest.get("spec") or {}).get("containers") or [{}])[0].get("image", "")
        digest = hashlib.sha256(text).hexdigest()
        attempt = rec.get("attempt", -1) + 1 if rec.get("hash") == digest else 0
        rec.update({"file": name, "hash": hashlib.sha256(text).hexdigest(), "marker": marker, "component": comp,
                    "pod": pod, "pid": 0, "image": image, "attempt": attempt,
                    "id": hashlib.sha256(marker.encode()).hexdigest(),
                    "pod_id": hashlib.sha256(f"{name}:{digest}:{pod}".encode()).hexdigest(),
                    "pod_name": f"{pod}-{socket.gethostname().lower()}",
                    "namespace": (manifest.get("metadata") or {}).get("namespace", "kube-system")})
        try:
            if argv is not None and image and not common.lenient() and not images.present(images.sandbox_image()):
                # containerd pulls its sandbox (pause) image for the pod's sandbox first
                log("I", f"pulling sandbox image {images.sandbox_image()} for static pod {pod}")
                images.pull(images.sandbox_image())
            if argv is not None and image and not common.lenient() and not images.present(image):
                log("I", f"pulling image {image} for static pod {pod}")
                images.pull(image)
        except images.PullError as e:
            # ErrImagePull: the pod does not start; the next sync retries after the back-off
            log("E", f"static pod {pod}: ErrImagePull: {e}")
            rec.update({"pid": 0, "started": time.time()})
            self.recs[name] = rec
            self.save(rec)
            return
        if argv is None:
            log("E", f"static pod {name}: image {comp} cannot run in the lab (no container runtime)")
            rec["unsupported"] = True
            self.recs[name] = rec
            self.save(rec)
            return
        full = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root",
                "HAKUBE_POD": marker, **env}
        for k in ("HAKUBE_LAB_MARK", "HAKUBE_LAB_HOST"):
            if k in os.environ:
                full[k] = os.environ[k]
        lg = open(os.path.join(PODLOG, name + ".log"), "ab")
        lg.write(f"--- {time.strftime('%H:%M:%S')} starting {' '.join(argv)}\n".encode())
        lg.flush()
        try:
            p = subprocess.Popen(argv, env=full, stdin=subprocess.DEVNULL, stdout=lg, stderr=lg,
                                 start_new_session=True, close_fds=True, cwd="/")
            rec["pid"] = p.pid
            threading.Thread(target=p.wait, daemon=True).start()  # reap while we live
            log("I", f"started static pod {rec['pod']} ({comp}) pid {p.pid}")
        except OSError as e:
            log("E", f"static pod {name}: {e}")
        finally:
            lg.close()
        rec["started"] = time.time()
        self.recs[name] = rec
        self.save(rec)

    def read(self, path):
        """The manifest's bytes and document, parsed again only when the file changed (the kubelet
        looks every second; parsing every manifest each time was most of a lab host's CPU)."""
        st = os.stat(path)
        key = (st.st_ino, st.st_size, st.st_mtime_ns)
        cached = self.parsed.get(path)
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        text = open(path, "rb").read()
        manifest = common.load_yaml(text) or {}
        self.parsed[path] = (key, text, manifest)
        return text, manifest

    def sync(self):
        import yaml
        seen = set()
        files = sorted(glob.glob(os.path.join(self.path, "*"))) if self.path and os.path.isdir(self.path) else []
        for p in files:
            name = os.path.basename(p)
            if name.startswith(".") or not os.path.isfile(p):
                continue
            try:
                text, manifest = self.read(p)
            except (OSError, ValueError, yaml.YAMLError) as e:
                log("E", f"could not process manifest file {p}: {e}")
                continue
            if not isinstance(manifest, dict) or manifest.get("kind") != "Pod":
                continue
            seen.add(name)
            h = hashlib.sha256(text).hexdigest()
            rec = self.recs.get(name)
            if rec is None:
                self.start(name, text, manifest)
                continue
            if rec.get("hash") != h:
                log("I", f"static pod manifest {name} changed; restarting the pod")
                kill_pod(rec, manifest.get("spec", {}).get("terminationGracePeriodSeconds", 30))
                self.start(name, text, manifest)
                continue
            if rec.get("unsupported") or alive(rec.get("pid"), rec.get("marker", "")):
                rec.pop("backoff_until", None)
                continue
            # the pod's process is gone: CrashLoopBackOff
            now = time.time()
            if "backoff_until" not in rec:
                up = now - rec.get("started", now)
                delay = 1.0 if up > 60 else min(10.0, rec.get("backoff", 0.5) * 2)
                rec["backoff"], rec["backoff_until"] = delay, now + delay
                log("W", f"static pod {rec['pod']} exited; restarting in {delay:.0f}s")
            if now >= rec["backoff_until"]:
                rec.pop("backoff_until", None)
                self.start(name, text, manifest, rec)
        for name in [n for n in self.recs if n not in seen]:
            log("I", f"static pod manifest {name} removed; stopping the pod")
            kill_pod(self.recs[name])
            self.forget(name)


# ---------------------------------------------------------------- API: bootstrap, registration

def tls_bootstrap(f):
    kubeconfig, bootstrap = f.get("kubeconfig"), f.get("bootstrap-kubeconfig")
    if not kubeconfig or os.path.exists(kubeconfig):
        return True
    if not bootstrap or not os.path.exists(bootstrap):
        return False
    name = node_name(f)
    certdir = f.get("cert-dir", "/var/lib/kubelet/pki")
    os.makedirs(certdir, exist_ok=True)
    kc = common.Kubeconfig(bootstrap)
    api = common.ApiClient(kc.server, kc.ca_data, token=kc.token)
    keyp = os.path.join(certdir, "kubelet-client.key.tmp")
    common.new_key(keyp, "ECDSA-P256")
    csr = common.openssl("req", "-new", "-key", keyp, "-subj", f"/O=system:nodes/CN=system:node:{name}")
    st, obj = api.call("POST", "/apis/certificates.k8s.io/v1/certificatesigningrequests",
                       {"apiVersion": "certificates.k8s.io/v1", "kind": "CertificateSigningRequest",
                        "metadata": {"generateName": "csr-"},
                        "spec": {"request": common.b64(csr), "signerName": "kubernetes.io/kube-apiserver-client-kubelet",
                                 "usages": ["digital signature", "client auth"]}})
    if st != 201:
        log("E", f"TLS bootstrap failed: {st} {obj.get('message', obj)}")
        return False
    cert = common.unb64(obj["status"]["certificate"])
    stamp = time.strftime("%Y-%m-%d-%H-%M-%S")
    pem = os.path.join(certdir, f"kubelet-client-{stamp}.pem")
    common.write_file(pem, cert + open(keyp, "rb").read(), 0o600)
    os.unlink(keyp)
    cur = os.path.join(certdir, "kubelet-client-current.pem")
    if os.path.lexists(cur):
        os.unlink(cur)
    os.symlink(pem, cur)
    common.write_file(kubeconfig, common.kubeconfig_yaml("default-cluster", kc.server, kc.ca_data, "default-auth",
                                                         cert_file=cur, key_file=cur).replace(
        "default-auth@default-cluster", "default-context"), 0o600)
    log("I", f"TLS bootstrap done: client certificate {pem}")
    return True


def os_image():
    try:
        for line in open("/etc/os-release"):
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return "Linux"


def node_object(f, cfg):
    name = node_name(f)
    labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
              "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
    for kv in [x for x in f.get("node-labels", "").split(",") if x]:
        k, _, v = kv.partition("=")
        labels[k] = v
    taints = []
    for t in [x for x in f.get("register-with-taints", "").split(",") if x]:
        kv, _, effect = t.partition(":")
        k, _, v = kv.partition("=")
        taints.append({"key": k, "effect": effect, **({"value": v} if v else {})})
    ip = f.get("node-ip") or common.host_ip()
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels, "annotations": {
        "node.alpha.kubernetes.io/ttl": "0", "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
        "spec": {"taints": taints} if taints else {},
        "status": {"addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                   "nodeInfo": {"kubeletVersion": VERSION, "kubeProxyVersion": "", "osImage": os_image(),
                                "kernelVersion": platform.release(), "operatingSystem": "linux",
                                "architecture": "amd64", "containerRuntimeVersion": "containerd://1.6.20"},
                   "conditions": conditions(),
                   "daemonEndpoints": {"kubeletEndpoint": {"Port": int(cfg.get("port", 10250))}}}}


def conditions():
    now = common.now_rfc3339()
    c = [("MemoryPressure", "False", "KubeletHasSufficientMemory"), ("DiskPressure", "False", "KubeletHasNoDiskPressure"),
         ("PIDPressure", "False", "KubeletHasSufficientPID"), ("Ready", "True", "KubeletReady")]
    return [{"type": t, "status": s, "reason": r, "lastHeartbeatTime": now, "lastTransitionTime": now,
             "message": "kubelet is posting ready status" if t == "Ready" else r} for t, s, r in c]


def api_loop(f, cfg):
    registered = False
    last_beat = 0.0
    api = None  # read again only when the kubeconfig or a file it names changes
    while not STOP.is_set():
        try:
            if tls_bootstrap(f) and f.get("kubeconfig") and os.path.exists(f["kubeconfig"]):
                if api is None or api.files_changed():
                    api = common.ApiClient.from_kubeconfig(f["kubeconfig"])
                name = node_name(f)
                if not registered:
                    st, obj = api.call("POST", "/api/v1/nodes", node_object(f, cfg))
                    if st in (201, 409):
                        registered = True
                        # Like the kubelet, a node already registered (a restarted kubelet) gets its
                        # status, nodeInfo.kubeletVersion included, at once, not a heartbeat later.
                        last_beat = time.time() if st == 201 else 0.0
                        log("I", f"Successfully registered node {name}" if st == 201 else f"node {name} already registered")
                    else:
                        log("E", f"Unable to register node with API server: {st} {obj.get('message', '')}")
                elif time.time() - last_beat >= 10:
                    st, obj = api.call("PATCH", f"/api/v1/nodes/{name}",
                                       {"status": {"conditions": conditions(),
                                                   "nodeInfo": {"kubeletVersion": VERSION}}},
                                       "application/merge-patch+json")
                    if st == 404:
                        registered = False  # deleted: the real kubelet re-registers too
                        continue
                    last_beat = time.time()
        except Exception as e:  # noqa: BLE001
            log("E", f"API: {e}")
        STOP.wait(2 if not registered else 1)


# ---------------------------------------------------------------- servers

class Healthz(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path.split("?")[0] == "/healthz"
        body = b"ok" if ok else b"404 page not found\n"
        self.send_response(200 if ok else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def serve(addr, port, tls_files=None):
    for _ in range(50):  # bounded: a previous kubelet may still hold the port
        try:
            srv = http.server.ThreadingHTTPServer((addr, port), Healthz)
            break
        except OSError:
            time.sleep(0.2)
    else:
        log("E", f"failed to listen on {addr}:{port}")
        return
    if tls_files:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*tls_files)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()


def serving_cert(addr):
    d = "/var/lib/kubelet/pki"
    crt, key = os.path.join(d, "kubelet.crt"), os.path.join(d, "kubelet.key")
    if not os.path.exists(crt):
        os.makedirs(d, exist_ok=True)
        host = socket.gethostname()
        common.new_key(key, "RSA-2048")
        pem = common.openssl("req", "-x509", "-new", "-key", key, "-subj", f"/CN={host}-ca@{int(time.time())}",
                             "-days", "365", "-addext", f"subjectAltName=DNS:{host},IP:{addr}")
        common.write_file(crt, pem, 0o644)
    return crt, key


def main(argv):
    if "--version" in argv or "--version=true" in argv:
        print(f"Kubernetes {VERSION}")
        return 0
    f = parse_args(argv)
    cfg = {}
    if f.get("config"):
        try:
            cfg = common.load_yaml(open(f["config"], "rb").read()) or {}
        except OSError as e:
            log("E", f"\"Failed to load kubelet config file\" err=\"failed to load Kubelet config file "
                     f"{f['config']}, error failed to read kubelet config file \\\"{f['config']}\\\", error: "
                     f"open {f['config']}: {e.strerror.lower()}\" path=\"{f['config']}\"")
            return 1
    if cfg.get("failSwapOn", True) and f.get("fail-swap-on", "true") != "false":
        try:
            if len(open("/proc/swaps").read().strip().splitlines()) > 1:
                log("E", "\"Failed to run kubelet\" err=\"failed to run Kubelet: running with swap on is not "
                         "supported, please disable swap or set --fail-swap-on flag to false\"")
                return 1
        except OSError:
            pass
    endpoint = f.get("container-runtime-endpoint") or cfg.get("containerRuntimeEndpoint") or \
        "unix:///var/run/containerd/containerd.sock"
    sock_path = endpoint.split("://", 1)[-1]
    try:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(2)
        s.connect(sock_path)
        s.close()
    except OSError as e:
        log("E", f"\"Failed to run kubelet\" err=\"failed to run Kubelet: validate service connection: validate CRI "
                 f"v1 runtime API for endpoint \\\"{endpoint}\\\": rpc error: code = Unavailable desc = connection "
                 f"error: desc = \\\"transport: Error while dialing: dial unix {sock_path}: connect: {e.strerror.lower()}\\\"\"")
        return 1
    addr = common.local(cfg.get("healthzBindAddress", "127.0.0.1"))
    serve(addr, int(cfg.get("healthzPort", 10248)))
    kaddr = common.local(cfg.get("address", "0.0.0.0"))
    serve(kaddr, int(cfg.get("port", 10250)), serving_cert(kaddr))
    static = cfg.get("staticPodPath") or f.get("pod-manifest-path")
    pods = Pods(static)
    signal.signal(signal.SIGTERM, lambda *_: STOP.set())
    signal.signal(signal.SIGINT, lambda *_: STOP.set())
    log("I", f"kubelet stand-in {VERSION} started; static pods from {static}; node {node_name(f)}")
    if not f.get("kubeconfig") and not f.get("bootstrap-kubeconfig"):
        log("I", "No API server defined - no node status update will be sent")
    threading.Thread(target=api_loop, args=(f, cfg), daemon=True).start()
    while not STOP.is_set():
        try:
            pods.sync()
        except Exception as e:  # noqa: BLE001
            log("E", f"static pods: {e}")
        STOP.wait(1.0)
    log("I", "kubelet stopping; static pods keep running (as containers do)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
