#!/usr/bin/python3
# kubeadm stand-in for HaKube's lab hosts (test-only). Installed by the apt-get stand-in as
# /usr/local/sbin/kubeadm; the version is the package's (`kubeadm version -o short`).
#
# Reproduces (command lines, files, modes and failures as kubeadm documents them):
#   * config: multi-document --config with InitConfiguration / ClusterConfiguration /
#     JoinConfiguration / ResetConfiguration (kubeadm.k8s.io/v1beta3 or v1beta4; v1beta4 refused by
#     kubeadm < 1.31, v1beta3 accepted with the deprecation warning; extraArgs must be a map in
#     v1beta3 and a list of {name, value} in v1beta4, else the decoding error), KubeletConfiguration;
#     unknown top-level fields are warned about (strict decoding warning); defaults as kubeadm's.
#   * `init --config FILE [--ignore-preflight-errors=...] [--skip-phases=...]`: preflight
#     (root, NumCPU, Port-6443/10259/10257/10250 and 2379/2380 for stacked etcd,
#     FileAvailable--etc-kubernetes-manifests-*.yaml, DirAvailable--var-lib-etcd,
#     FileContent--proc-sys-net-ipv4-ip_forward, CRI socket, KubeletVersion skew, InPath ip/mount/
#     nsenter, warnings for swap, Service-Kubelet, KubernetesVersion; "[ERROR X]" lines, exit 1,
#     ignorable by name or "all"); certs in certificatesDir with kubeadm's CNs, Os, key usages and
#     SANs, reusing CAs (and leaf certs signed by them) already on disk - HaKube pushes its CAs
#     first; kubeconfigs admin.conf, super-admin.conf, kubelet.conf, controller-manager.conf,
#     scheduler.conf (0600); static pod manifests kube-apiserver, kube-controller-manager,
#     kube-scheduler and (stacked) etcd (0600) with kubeadm's flags; /var/lib/kubelet/config.yaml
#     and kubeadm-flags.env; `systemctl restart kubelet`; waits for the kubelet /healthz and the
#     API server /livez (timeouts.controlPlaneComponentHealthCheck, default 4m); uploads
#     kube-system/kubeadm-config and kubelet-config; marks the control plane (label + taint);
#     creates bootstrap tokens and kube-public/cluster-info; prints the join commands.
#   * `join [ENDPOINT] --config FILE | --token T --discovery-token-ca-cert-hash H [--control-plane]`:
#     preflight (kubelet.conf / bootstrap-kubelet.conf must not exist, ca.crt must not exist on a
#     worker, control-plane ports and manifests), token discovery (cluster-info read anonymously,
#     its JWS checked with the token, the CA pinned by caCertHashes, then re-read over verified
#     TLS), file discovery, the node-name-in-use check; control plane: the shared CA files must
#     be present and match ("One or more conditions for hosting a new control plane instance is
#     not satisfied"), certs/kubeconfigs/manifests, stacked etcd: `member add` as learner through
#     the existing members, etcd.yaml with --initial-cluster-state=existing, wait, promote;
#     TLS bootstrap through the kubelet (bootstrap-kubelet.conf, waits for kubelet.conf).
#   * `reset [-f]` (asks without -f): stacked etcd member removed, kubelet stopped, static pods
#     stopped, /etc/kubernetes/manifests, /var/lib/kubelet, certificatesDir, /var/lib/etcd
#     (stacked) emptied, the kubeconfig files deleted; the CNI/iptables/$HOME/.kube notice.
#   * `token create [TOKEN] [--ttl D] [--print-join-command] [--description]`, `token list`,
#     `token delete ID`, `certs renew all|NAME`, `certs check-expiration`,
#     `certs certificate-key`, `upgrade plan`, `upgrade apply vX.Y.Z [-y] [--certificate-renewal]`
#     (kubeadm's version policy: one minor at a time, never past the kubeadm version, no target equal
#     to or below the cluster version, no kubelet more than three minors older than the target,
#     each "Can be bypassed if you pass the --force flag"; rewrites the control-plane manifests'
#     images (etcd's to the target minor's etcd) and waits, up to 5m, until the kubelet runs each
#     rewritten static pod, renews certs, updates kubeadm-config's kubernetesVersion),
#     `upgrade node` (the version kubeadm-config names; control planes' manifests as above,
#     workers only print), `version [-o short|json|yaml]`.
#   * kubelet-finalize at the end of init: kubelet.conf's embedded client pair moves to
#     /var/lib/kubelet/pki/kubelet-client-<time>.pem (+ the -current.pem link, as the kubelet stores
#     its initial certificate) and kubelet.conf names that file (kubeadm >= 1.17).
#   * lab-only setting: /var/lib/hakube-standins/kubeadm-certificate-validity (a Go duration, whole
#     days count) replaces certificateValidityPeriod for the leaf certificates and kubeconfigs that
#     init and join issue, so that the lab can make certificates that expire soon; `certs renew`
#     ignores it (renewed certificates get the default 8760h).
#   * lab-only fault: /var/lib/hakube-standins/kubeadm-init-stops-at holding "upload-config" makes
#     init stop there, once the API server is healthy, as if its SSH session were cut: everything the
#     earlier phases wrote and started stays (kubeconfigs, kubelet.conf with its embedded client
#     pair, static pods, the stacked etcd member), nothing later happens (no kube-system/kubeadm-config,
#     no kubelet-finalize).
# Does not reproduce: --upload-certs / --certificate-key (kubeadm-certs Secret), external-CA mode
# detection beyond "ca.key missing", phases (`init phase ...`), kube-proxy and CoreDNS addons
# (reported as applied, nothing runs), RBAC objects, patches, dry-run, image pulls, crictl,
# iptables/conntrack InPath checks (absent on the lab machine), memory check, the 5 min discovery
# retry loop (a bad token or CA hash fails at once; an unreachable endpoint is retried until the
# discovery timeout). Loopback: 127.0.0.1 in kubeadm's own checks means the lab host's address.
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import common  # noqa: E402
# Imported on first use (common.LazyModule): most calls need few of them.
datetime = common.LazyModule("datetime", globals())
glob = common.LazyModule("glob", globals())
hashlib = common.LazyModule("hashlib", globals())
ipaddress = common.LazyModule("ipaddress", globals())
secrets = common.LazyModule("secrets", globals())
shutil = common.LazyModule("shutil", globals())
signal = common.LazyModule("signal", globals())
socket = common.LazyModule("socket", globals())
subprocess = common.LazyModule("subprocess", globals())
images = common.LazyModule("images", globals())
kubeadm_preflight = common.LazyModule("kubeadm_preflight", globals())

VERSION = common.pkg_version()
KV = common.version_info(VERSION)
K = "/etc/kubernetes"
MANIFESTS = K + "/manifests"
KUBELET_DIR = "/var/lib/kubelet"
CRI_DEFAULT = "unix:///var/run/containerd/containerd.sock"
ETCD_IMAGES = {28: "3.5.15-0", 29: "3.5.16-0", 30: "3.5.15-0", 31: "3.5.15-0", 32: "3.5.16-0", 33: "3.5.21-0",
               34: "3.6.4-0", 35: "3.6.5-0"}
# kubeadm's PauseVersion and CoreDNSVersion per minor (cmd/kubeadm/app/constants/constants.go of each release)
PAUSE = {28: "3.9", 29: "3.9", 30: "3.9", 31: "3.10", 32: "3.10", 33: "3.10", 34: "3.10.1", 35: "3.10.1"}
COREDNS = {28: "v1.10.1", 29: "v1.11.1", 30: "v1.11.3", 31: "v1.11.3", 32: "v1.11.3", 33: "v1.12.0", 34: "v1.12.1",
           35: "v1.12.1"}
LAB_VALIDITY = "/var/lib/hakube-standins/kubeadm-certificate-validity"
LAB_INIT_STOP = "/var/lib/hakube-standins/kubeadm-init-stops-at"
KNOWN_TOP = {
    "InitConfiguration": {"apiVersion", "kind", "bootstrapTokens", "dryRun", "nodeRegistration", "localAPIEndpoint",
                          "certificateKey", "skipPhases", "patches", "timeouts"},
    "ClusterConfiguration": {"apiVersion", "kind", "etcd", "networking", "kubernetesVersion", "controlPlaneEndpoint",
                             "apiServer", "controllerManager", "scheduler", "dns", "proxy", "certificatesDir",
                             "imageRepository", "featureGates", "clusterName", "encryptionAlgorithm",
                             "certificateValidityPeriod", "caCertificateValidityPeriod"},
    "JoinConfiguration": {"apiVersion", "kind", "dryRun", "nodeRegistration", "caCertPath", "discovery", "controlPlane",
                          "skipPhases", "patches", "timeouts"},
    "ResetConfiguration": {"apiVersion", "kind", "cleanupTmpDir", "certificatesDir", "criSocket", "dryRun", "force",
                           "ignorePreflightErrors", "skipPhases", "unmountFlags", "timeouts"},
    "UpgradeConfiguration": {"apiVersion", "kind", "apply", "node", "plan", "diff", "timeouts"},
}


class Fail(Exception):
    pass


def out(msg=""):
    print(msg, flush=True)


def warn(msg):
    t = time.time()
    sys.stderr.write(time.strftime("W%m%d %H:%M:%S", time.gmtime(t)) + f".{int(t % 1 * 1e6):06d} {os.getpid():7d} "
                     f"kubeadm.go:1] {msg}\n")


def phase_error(phase, msg):
    raise Fail(f"error execution phase {phase}: {msg}\nTo see the stack trace of this error execute with --v=5 or higher")


def systemctl(*args, check=False):
    r = subprocess.run(["systemctl", *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise Fail(r.stderr.strip())
    return r


# ---------------------------------------------------------------- configuration

def args_of(v, where, api):
    """extraArgs/kubeletExtraArgs as an ordered list of (name, value), checking the API's shape."""
    if v is None:
        return []
    if api == "v1beta4":
        if not isinstance(v, list):
            raise Fail(f"error unmarshaling configuration schema.GroupVersionKind{{Group:\"kubeadm.k8s.io\", "
                       f"Version:\"v1beta4\", Kind:\"{where[0]}\"}}: json: cannot unmarshal object into Go struct "
                       f"field {where[1]} of type []v1beta4.Arg")
        return [(str(a["name"]), str(a.get("value", ""))) for a in v]
    if not isinstance(v, dict):
        raise Fail(f"error unmarshaling configuration schema.GroupVersionKind{{Group:\"kubeadm.k8s.io\", "
                   f"Version:\"v1beta3\", Kind:\"{where[0]}\"}}: json: cannot unmarshal array into Go struct "
                   f"field {where[1]} of type map[string]string")
    return [(str(k), str(val)) for k, val in v.items()]


def load_config(path, wanted):
    try:
        docs = common.read_yaml_docs(path)
    except OSError as e:
        raise Fail(f"unable to read config from \"{path}\" : open {path}: {e.strerror.lower()}")
    except Exception as e:  # noqa: BLE001
        raise Fail(f"unable to decode config from \"{path}\": {e}")
    found = {}
    for d in docs:
        if not isinstance(d, dict):
            continue
        av, kind = d.get("apiVersion", ""), d.get("kind", "")
        if av.startswith("kubeadm.k8s.io/"):
            ver = av.split("/", 1)[1]
            if ver not in ("v1beta3", "v1beta4") or (ver == "v1beta4" and KV < (1, 31, 0)) or kind not in KNOWN_TOP:
                raise Fail(f"no kind \"{kind}\" is registered for version \"{av}\" in scheme "
                           f"\"k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/scheme/scheme.go:31\"")
            if ver == "v1beta3" and KV >= (1, 31, 0):
                warn(f"your configuration file uses a deprecated API spec: \"{av}\" (kind: \"{kind}\"). Please use "
                     f"'kubeadm config migrate --old-config old.yaml --new-config new.yaml', which will write the "
                     f"new, similar spec using a newer API version.")
            for k in d:
                if k not in KNOWN_TOP[kind]:
                    warn(f"error unmarshaling configuration schema.GroupVersionKind{{Group:\"kubeadm.k8s.io\", "
                         f"Version:\"{ver}\", Kind:\"{kind}\"}}: strict decoding error: unknown field \"{k}\"")
            d = dict(d)
            d["_api"] = ver
            found[kind] = d
        elif kind in ("KubeletConfiguration", "KubeProxyConfiguration"):
            found[kind] = d
        else:
            warn(f"[config] WARNING: Ignored configuration document with GroupVersionKind {av}, Kind={kind}")
    if not any(k in found for k in wanted):
        raise Fail(f"no {' or '.join(wanted)} found in {path}")
    return found


def cluster_defaults(cc):
    cc = dict(cc or {})
    cc.setdefault("apiVersion", "kubeadm.k8s.io/v1beta4")
    cc["kind"] = "ClusterConfiguration"
    cc.setdefault("kubernetesVersion", VERSION)
    if cc["kubernetesVersion"] in ("stable", "stable-1", "latest"):
        warn(f"could not fetch a Kubernetes version from the internet: unable to get URL; falling back to the "
             f"local client version: {VERSION}")
        cc["kubernetesVersion"] = VERSION
    cc.setdefault("certificatesDir", K + "/pki")
    cc.setdefault("clusterName", "kubernetes")
    cc.setdefault("imageRepository", "registry.k8s.io")
    net = dict(cc.get("networking") or {})
    net.setdefault("serviceSubnet", "10.96.0.0/12")
    net.setdefault("dnsDomain", "cluster.local")
    cc["networking"] = net
    etcd = dict(cc.get("etcd") or {})
    if not etcd.get("external"):
        local = dict(etcd.get("local") or {})
        local.setdefault("dataDir", "/var/lib/etcd")
        etcd = {"local": local}
    cc["etcd"] = etcd
    cc.setdefault("encryptionAlgorithm", "RSA-2048")
    for k in ("apiServer", "controllerManager", "scheduler", "dns", "proxy"):
        cc[k] = dict(cc.get(k) or {})
    return cc


def node_defaults(nr):
    nr = dict(nr or {})
    nr.setdefault("name", socket.gethostname().lower())
    nr.setdefault("criSocket", CRI_DEFAULT)
    return nr


class Ctx:
    """Everything the phases need, from the config documents and flags."""

    def __init__(self, docs, flags, join=False):
        self.flags = flags
        self.init = docs.get("InitConfiguration") or {"_api": docs.get("ClusterConfiguration", {}).get("_api", "v1beta4")}
        self.joincfg = docs.get("JoinConfiguration")
        base = self.joincfg if join else self.init
        self.api = (docs.get("ClusterConfiguration") or base or {}).get("_api", "v1beta4")
        self.cc = cluster_defaults(docs.get("ClusterConfiguration"))
        self.cc_api = (docs.get("ClusterConfiguration") or {}).get("_api", self.api)
        self.kubelet_cfg = docs.get("KubeletConfiguration") or {}
        self.nr = node_defaults((base or {}).get("nodeRegistration"))
        self.kubelet_args = args_of(self.nr.get("kubeletExtraArgs"), (
            "JoinConfiguration" if join else "InitConfiguration", "nodeRegistration.kubeletExtraArgs"), self.api)
        if join:
            cp = (self.joincfg or {}).get("controlPlane")
            self.control_plane = cp is not None or flags.get("control-plane") == "true"
            lae = dict((cp or {}).get("localAPIEndpoint") or {})
        else:
            self.control_plane = True
            lae = dict(self.init.get("localAPIEndpoint") or {})
        self.adv = lae.get("advertiseAddress") or flags.get("apiserver-advertise-address") or common.host_ip()
        self.port = int(lae.get("bindPort") or flags.get("apiserver-bind-port") or 6443)
        self.name = self.nr["name"]
        ign = set(x.lower() for x in self.nr.get("ignorePreflightErrors") or [])
        ign |= set(x.strip().lower() for x in flags.get("ignore-preflight-errors", "").split(",") if x.strip())
        self.ignore = ign
        self.skip = set((base or {}).get("skipPhases") or []) | set(
            x for x in flags.get("skip-phases", "").split(",") if x)
        self.timeouts = dict((base or {}).get("timeouts") or {})
        self.pki = self.cc["certificatesDir"]
        self.stacked = "local" in self.cc["etcd"]
        self.alg = self.cc.get("encryptionAlgorithm", "RSA-2048")
        self.days = int((common.parse_duration(self.cc.get("certificateValidityPeriod", "8760h")) or 31536000) // 86400)
        for comp in ("apiServer", "controllerManager", "scheduler", "etcd"):
            self.extra(comp)  # decoding errors surface at load time, as kubeadm's
        self.ca_days = int((common.parse_duration(self.cc.get("caCertificateValidityPeriod", "87600h")) or 315360000)
                           // 86400)
        if os.path.exists(LAB_VALIDITY):  # lab-only: short-lived certificates from init/join, to exercise renewal
            self.days = max(1, int(common.parse_duration(open(LAB_VALIDITY).read().strip()) // 86400))

    def timeout(self, key, default):
        v = self.timeouts.get(key)
        if v is None and key == "controlPlaneComponentHealthCheck":
            v = self.cc.get("apiServer", {}).get("timeoutForControlPlane")
        return common.parse_duration(v) if v else default

    def cpe(self):
        ep = self.cc.get("controlPlaneEndpoint")
        if not ep:
            return f"{self.adv}:{self.port}"
        if re.search(r":\d+$", ep) and not ep.endswith("]"):
            return ep
        return f"{ep}:{self.port}"

    def extra(self, comp):
        src = self.cc.get(comp, {}) if comp != "etcd" else self.cc["etcd"].get("local", {})
        return args_of(src.get("extraArgs"), ("ClusterConfiguration", f"{comp}.extraArgs"), self.cc_api)


# ---------------------------------------------------------------- preflight

def port_in_use(port, addr=None):
    addr = addr or common.host_ip()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((addr, port))
        return False
    except OSError:
        return True
    finally:
        s.close()


def preflight(ctx, checks, phase="preflight"):
    errors, warns = [], []
    for name, ok, msg, fatal in checks:
        if ok:
            continue
        if fatal and name.lower() not in ctx.ignore and "all" not in ctx.ignore:
            errors.append(f"\t[ERROR {name}]: {msg}")
        else:
            warns.append(f"\t[WARNING {name}]: {msg}")
    for w in warns:
        sys.stderr.write(w + "\n")
    if errors:
        raise Fail(f"error execution phase {phase}: [preflight] Some fatal errors occurred:\n" + "\n".join(errors) +
                   "\n[preflight] If you know what you are doing, you can make a check non-fatal with "
                   "`--ignore-preflight-errors=...`\nTo see the stack trace of this error execute with --v=5 or higher")


def cri_ok(sock):
    path = sock.split("://", 1)[-1]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def kubelet_version():
    r = subprocess.run(["kubelet", "--version"], capture_output=True, text=True) if shutil.which("kubelet") else None
    if r is None or r.returncode != 0:
        return None
    m = re.search(r"v(\d+\.\d+\.\d+)", r.stdout)
    return common.version_info(m.group(1)) if m else None


def common_checks(ctx, k8s_version):
    checks = []
    checks.append(("IsPrivilegedUser", os.geteuid() == 0, "user is not running as root", True))
    try:
        fwd = open("/proc/sys/net/ipv4/ip_forward").read().strip() == "1"
    except OSError:
        fwd = False
    checks.append(("FileContent--proc-sys-net-ipv4-ip_forward", fwd,
                   "/proc/sys/net/ipv4/ip_forward contents are not set to 1", True))
    try:
        swap = len(open("/proc/swaps").read().strip().splitlines()) > 1
    except OSError:
        swap = False
    checks.append(("Swap", not swap, "swap is supported for cgroup v2 only. The kubelet must be properly configured "
                                     "to use swap. Please refer to https://kubernetes.io/docs/concepts/architecture/"
                                     "nodes/#swap-memory, or disable swap on the node", False))
    for exe in ("ip", "mount", "nsenter"):
        checks.append((f"FileExisting-{exe}", shutil.which(exe) is not None, f"{exe} not found in system path", True))
    for exe in ("ethtool", "socat"):
        checks.append((f"FileExisting-{exe}", shutil.which(exe) is not None, f"{exe} not found in system path", False))
    sock = ctx.nr.get("criSocket", CRI_DEFAULT)
    checks.append(("CRI", cri_ok(sock), f"container runtime is not running: output: time=\"{common.now_rfc3339()}\" "
                                        f"level=fatal msg=\"validate service connection: validate CRI v1 runtime API for "
                                        f"endpoint \\\"{sock}\\\": rpc error: code = Unavailable desc = connection "
                                        f"error\"\n, error: exit status 1", True))
    kv = kubelet_version()
    if kv is None:
        checks.append(("KubeletVersion", False, "couldn't get kubelet version: cannot execute 'kubelet --version': "
                                                "executable file not found in $PATH", True))
    else:
        cp = common.version_info(k8s_version)
        checks.append(("KubeletVersion", not (kv[:2] > cp[:2]),
                       f"the kubelet version is higher than the control plane version. This is not a supported version "
                       f"skew and may lead to a malfunctional cluster. Kubelet version: \"{'.'.join(map(str, kv))}\" "
                       f"Control plane version: \"{'.'.join(map(str, cp))}\"", True))
        checks.append(("KubeletVersion", kv[1] >= KV[1] - 3,
                       f"Kubelet version \"{'.'.join(map(str, kv))}\" is lower than kubeadm can support. Please upgrade "
                       f"kubelet", True))
    en = systemctl("is-enabled", "kubelet.service").stdout.strip() == "enabled"
    checks.append(("Service-Kubelet", en, "kubelet service is not enabled, please run 'systemctl enable "
                                          "kubelet.service'", False))
    checks.append(("Port-10250", not port_in_use(10250), "Port 10250 is in use", True))
    return checks


def control_plane_checks(ctx):
    checks = [("NumCPU", (os.cpu_count() or 1) >= 2, f"the number of available CPUs {os.cpu_count()} is less than "
                                                       f"the required 2", True)]
    for port in (ctx.port, 10259, 10257):
        checks.append((f"Port-{port}", not port_in_use(port), f"Port {port} is in use", True))
    comps = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"] + (["etcd"] if ctx.stacked else [])
    for c in comps:
        p = f"{MANIFESTS}/{c}.yaml"
        checks.append(("FileAvailable-" + p.replace("/", "-"), not os.path.exists(p), f"{p} already exists", True))
    if ctx.stacked:
        for port in (2379, 2380):
            checks.append((f"Port-{port}", not port_in_use(port), f"Port {port} is in use", True))
        dd = ctx.cc["etcd"]["local"]["dataDir"]
        checks.append(("DirAvailable-" + dd.replace("/", "-"), not (os.path.isdir(dd) and os.listdir(dd)),
                       f"{dd} is not empty", True))
    else:
        ext = ctx.cc["etcd"]["external"]
        for k in ("caFile", "certFile", "keyFile"):
            if ext.get(k):
                checks.append(("ExternalEtcdClientCertificates", os.path.exists(ext[k]),
                               f"{ext[k]} doesn't exist", True))
    return checks


def version_gate(k8s):
    v = common.version_info(k8s)
    if v is None:
        raise Fail(f"couldn't parse Kubernetes version \"{k8s}\"")
    if v[:2] < (KV[0], KV[1] - 1):
        raise Fail(f"this version of kubeadm only supports deploying clusters with the control plane version >= "
                   f"{KV[0]}.{KV[1] - 1}.0. Current version: {k8s}")
    if v[:2] > KV[:2]:
        sys.stderr.write(f"\t[WARNING KubernetesVersion]: Kubernetes version is greater than kubeadm version. Please "
                         f"consider to upgrade kubeadm. Kubernetes version: {k8s.lstrip('v')}. Kubeadm version: "
                         f"{KV[0]}.{KV[1]}.x\n")


# ---------------------------------------------------------------- certificates

def p(ctx, *parts):
    return os.path.join(ctx.pki, *parts)


def ensure_ca(ctx, base, cn, required_existing=False):
    crt, key = p(ctx, base + ".crt"), p(ctx, base + ".key")
    label = {"ca": "ca", "front-proxy-ca": "front-proxy-ca", "etcd/ca": "etcd/ca"}[base]
    if os.path.exists(crt):
        if not os.path.exists(key):
            raise Fail(f"failure loading {label} certificate authority: couldn't load the private key file {key}: "
                       f"open {key}: no such file or directory")
        out(f"[certs] Using existing {label} certificate authority")
        return
    if required_existing:
        raise Fail(f"missing {crt}")
    out(f"[certs] Generating \"{label}\" certificate and key")
    common.make_ca(crt, key, {"ca": "kubernetes", "front-proxy-ca": "front-proxy-ca", "etcd/ca": "etcd-ca"}[base],
                   ctx.ca_days, ctx.alg)


def ensure_leaf(ctx, base, ca, cn, orgs=(), dns=(), ips=(), server=False, client=False):
    crt, key = p(ctx, base + ".crt"), p(ctx, base + ".key")
    ca_crt, ca_key = p(ctx, ca + ".crt"), p(ctx, ca + ".key")
    label = base.replace("etcd/", "etcd/")
    if os.path.exists(crt) and os.path.exists(key):
        if not common.verify_signed_by(open(crt, "rb").read(), open(ca_crt, "rb").read()):
            raise Fail(f"[certs] certificate {base} not signed by CA certificate {ca}: crypto/rsa: verification error")
        info = common.cert_info(crt)
        missing = [d for d in dns if d not in info["dns"]] + [i for i in ips if str(ipaddress.ip_address(i))
                                                               not in info["ips"]]
        if missing:
            raise Fail(f"failure loading {base} certificate: the certificate {crt} is missing SANs {missing}; "
                       f"remove it to let kubeadm generate a new one")
        out(f"[certs] Using existing {label} certificate and key on disk")
        return
    out(f"[certs] Generating \"{label.replace('/', '-') if base.startswith('etcd/') else label}\" certificate and key")
    if dns or ips:
        out(f"[certs] {label} serving cert is signed for DNS names [{' '.join(dns)}] and IPs [{' '.join(ips)}]")
    common.sign_cert(crt, key, ca_crt, ca_key, cn, orgs, dns, ips, server, client, ctx.days, ctx.alg)


def sans_split(values):
    dns, ips = [], []
    for v in values:
        try:
            ips.append(str(ipaddress.ip_address(v)))
        except ValueError:
            dns.append(v)
    return dns, ips


def apiserver_sans(ctx):
    svc = ipaddress.ip_network(ctx.cc["networking"]["serviceSubnet"].split(",")[0], strict=False)
    dom = ctx.cc["networking"]["dnsDomain"]
    extra = list(ctx.cc["apiServer"].get("certSANs") or [])
    cpe = ctx.cc.get("controlPlaneEndpoint")
    if cpe:
        extra.append(re.sub(r":\d+$", "", cpe).strip("[]"))
    d, i = sans_split(extra)
    dns = [ctx.name, "kubernetes", "kubernetes.default", "kubernetes.default.svc", f"kubernetes.default.svc.{dom}"]
    ips = [str(svc.network_address + 1), ctx.adv]
    for x in d:
        if x not in dns:
            dns.append(x)
    for x in i:
        if x not in ips:
            ips.append(x)
    return dns, ips


def etcd_sans(ctx, extra):
    d, i = sans_split(extra or [])
    dns = [ctx.name, "localhost"] + [x for x in d if x not in (ctx.name, "localhost")]
    ips = [ctx.adv, "127.0.0.1", "0:0:0:0:0:0:0:1"] + [x for x in i if x not in (ctx.adv, "127.0.0.1")]
    return dns, ips


def certs_phase(ctx, cas_required=False):
    out(f"[certs] Using certificateDir folder \"{ctx.pki}\"")
    os.makedirs(ctx.pki, exist_ok=True)
    ensure_ca(ctx, "ca", "kubernetes", cas_required)
    dns, ips = apiserver_sans(ctx)
    ensure_leaf(ctx, "apiserver", "ca", "kube-apiserver", (), dns, ips, server=True)
    ensure_leaf(ctx, "apiserver-kubelet-client", "ca", "kube-apiserver-kubelet-client",
                ("kubeadm:cluster-admins",) if KV >= (1, 29, 0) else ("system:masters",), client=True)
    ensure_ca(ctx, "front-proxy-ca", "front-proxy-ca", cas_required)
    ensure_leaf(ctx, "front-proxy-client", "front-proxy-ca", "front-proxy-client", client=True)
    if ctx.stacked:
        ensure_ca(ctx, "etcd/ca", "etcd-ca", cas_required)
        local = ctx.cc["etcd"]["local"]
        d, i = etcd_sans(ctx, local.get("serverCertSANs"))
        ensure_leaf(ctx, "etcd/server", "etcd/ca", ctx.name, (), d, i, server=True, client=True)
        d, i = etcd_sans(ctx, local.get("peerCertSANs"))
        ensure_leaf(ctx, "etcd/peer", "etcd/ca", ctx.name, (), d, i, server=True, client=True)
        ensure_leaf(ctx, "etcd/healthcheck-client", "etcd/ca", "kube-etcd-healthcheck-client", ("system:masters",),
                    client=True)
        ensure_leaf(ctx, "apiserver-etcd-client", "etcd/ca", "kube-apiserver-etcd-client", ("system:masters",),
                    client=True)
    else:
        out("[certs] External etcd mode: Skipping etcd/ca certificate authority generation")
        out("[certs] External etcd mode: Skipping etcd/server certificate generation")
        out("[certs] External etcd mode: Skipping etcd/peer certificate generation")
        out("[certs] External etcd mode: Skipping etcd/healthcheck-client certificate generation")
        out("[certs] External etcd mode: Skipping apiserver-etcd-client certificate generation")
    sa_key, sa_pub = p(ctx, "sa.key"), p(ctx, "sa.pub")
    if os.path.exists(sa_key):
        if not os.path.exists(sa_pub):
            raise Fail(f"failure loading sa key: couldn't load the public key file {sa_pub}")
        out("[certs] Using the existing \"sa\" key")
    elif cas_required:
        raise Fail(f"missing {sa_key}")
    else:
        out("[certs] Generating \"sa\" key and public key")
        common.new_key(sa_key, "RSA-2048")
        common.write_file(sa_pub, common.openssl("pkey", "-in", sa_key, "-pubout"), 0o600)


# ---------------------------------------------------------------- kubeconfigs

KUBECONFIGS = {
    "admin.conf": ("kubernetes-admin", ("kubeadm:cluster-admins",)),
    "super-admin.conf": ("kubernetes-super-admin", ("system:masters",)),
    "controller-manager.conf": ("system:kube-controller-manager", ()),
    "scheduler.conf": ("system:kube-scheduler", ()),
}


def write_kubeconfig(ctx, fname, cn, orgs, server):
    path = os.path.join(K, fname)
    ca_pem = open(p(ctx, "ca.crt"), "rb").read()
    if os.path.exists(path):
        try:
            kc = common.Kubeconfig(path)
        except Exception as e:  # noqa: BLE001
            raise Fail(f"failed to load kubeconfig file {path}: {e}")
        if kc.ca_data.strip() != ca_pem.strip():
            raise Fail(f"a kubeconfig file \"{path}\" exists already but has got the wrong CA cert")
        if kc.server != server:
            warn(f"[kubeconfig] a kubeconfig file \"{path}\" exists already but has an unexpected API Server URL: "
                 f"expected: {server}, got: {kc.server}")
        out(f"[kubeconfig] Using existing kubeconfig file: \"{path}\"")
        return
    out(f"[kubeconfig] Writing \"{fname}\" kubeconfig file")
    tmpkey = os.path.join(common.run_dir("tmp"), f"kc-{fname}.key")
    cert = common.sign_cert(None, tmpkey, p(ctx, "ca.crt"), p(ctx, "ca.key"), cn, orgs, client=True, days=ctx.days,
                            algorithm=ctx.alg)
    key = open(tmpkey, "rb").read()
    os.unlink(tmpkey)
    user = cn if not cn.startswith("system:node:") else cn
    common.write_file(path, common.kubeconfig_yaml(ctx.cc["clusterName"], server, ca_pem, user, cert, key), 0o600)


def kubeconfig_phase(ctx, include_kubelet=True):
    server = f"https://{ctx.cpe()}"
    local = f"https://{ctx.adv}:{ctx.port}"
    write_kubeconfig(ctx, "admin.conf", *KUBECONFIGS["admin.conf"], server)
    if not hasattr(ctx, "joining"):
        write_kubeconfig(ctx, "super-admin.conf", *KUBECONFIGS["super-admin.conf"], server)
    if include_kubelet:
        write_kubeconfig(ctx, "kubelet.conf", f"system:node:{ctx.name}", ("system:nodes",), server)
    write_kubeconfig(ctx, "controller-manager.conf", *KUBECONFIGS["controller-manager.conf"], local)
    write_kubeconfig(ctx, "scheduler.conf", *KUBECONFIGS["scheduler.conf"], local)


# ---------------------------------------------------------------- static pod manifests

def merged_flags(base, extra):
    d = dict(base)
    for k, v in extra:
        d[k] = v
    return [f"--{k}={d[k]}" for k in sorted(d)]


def host_path_volume(name, path, typ="DirectoryOrCreate"):
    return {"hostPath": {"path": path, "type": typ}, "name": name}


def pod(ctx, comp, image, command, volumes, mounts, probe_port, probe_path, probe_scheme, probe_host, annotations=None,
        priority=True, requests=None):
    c = {"command": command, "image": image, "imagePullPolicy": "IfNotPresent",
         "livenessProbe": {"failureThreshold": 8, "httpGet": {"host": probe_host, "path": probe_path,
                                                              "port": probe_port, "scheme": probe_scheme},
                           "initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 15},
         "name": comp, "resources": {"requests": requests or {"cpu": "100m"}},
         "startupProbe": {"failureThreshold": 24, "httpGet": {"host": probe_host, "path": probe_path,
                                                              "port": probe_port, "scheme": probe_scheme},
                          "initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 15},
         "volumeMounts": mounts}
    md = {"labels": {"component": comp, "tier": "control-plane"}, "name": comp, "namespace": "kube-system"}
    if annotations:
        md["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": md,
            "spec": {"containers": [c], "hostNetwork": True, "priority": 2000001000,
                     "priorityClassName": "system-node-critical",
                     "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "volumes": volumes},
            "status": {}}


def ca_volumes():
    vols = [host_path_volume("ca-certs", "/etc/ssl/certs", "DirectoryOrCreate"),
            host_path_volume("etc-ca-certificates", "/etc/ca-certificates", "DirectoryOrCreate"),
            host_path_volume("usr-local-share-ca-certificates", "/usr/local/share/ca-certificates", "DirectoryOrCreate"),
            host_path_volume("usr-share-ca-certificates", "/usr/share/ca-certificates", "DirectoryOrCreate")]
    mounts = [{"mountPath": v["hostPath"]["path"], "name": v["name"], "readOnly": True} for v in vols]
    return vols, mounts


def write_manifest(name, obj):
    path = f"{MANIFESTS}/{name}.yaml"
    common.write_file(path, common.dump_yaml(obj), 0o600)
    return path


def image(ctx, comp, version=None):
    return f"{ctx.cc['imageRepository']}/{comp}:{version or ctx.cc['kubernetesVersion']}"


def control_plane_manifests(ctx, version=None):
    os.makedirs(MANIFESTS, exist_ok=True)
    out(f"[control-plane] Using manifest folder \"{MANIFESTS}\"")
    net = ctx.cc["networking"]
    pk = ctx.pki
    if ctx.stacked:
        etcd_flags = {"etcd-cafile": f"{pk}/etcd/ca.crt", "etcd-certfile": f"{pk}/apiserver-etcd-client.crt",
                      "etcd-keyfile": f"{pk}/apiserver-etcd-client.key", "etcd-servers": "https://127.0.0.1:2379"}
    else:
        ext = ctx.cc["etcd"]["external"]
        etcd_flags = {"etcd-servers": ",".join(ext.get("endpoints") or [])}
        for k, f in (("caFile", "etcd-cafile"), ("certFile", "etcd-certfile"), ("keyFile", "etcd-keyfile")):
            if ext.get(k):
                etcd_flags[f] = ext[k]
    api = {"advertise-address": ctx.adv, "allow-privileged": "true", "authorization-mode": "Node,RBAC",
           "client-ca-file": f"{pk}/ca.crt", "enable-admission-plugins": "NodeRestriction",
           "enable-bootstrap-token-auth": "true", **etcd_flags,
           "kubelet-client-certificate": f"{pk}/apiserver-kubelet-client.crt",
           "kubelet-client-key": f"{pk}/apiserver-kubelet-client.key",
           "kubelet-preferred-address-types": "InternalIP,ExternalIP,Hostname",
           "proxy-client-cert-file": f"{pk}/front-proxy-client.crt", "proxy-client-key-file": f"{pk}/front-proxy-client.key",
           "requestheader-allowed-names": "front-proxy-client",
           "requestheader-client-ca-file": f"{pk}/front-proxy-ca.crt",
           "requestheader-extra-headers-prefix": "X-Remote-Extra-", "requestheader-group-headers": "X-Remote-Group",
           "requestheader-username-headers": "X-Remote-User", "secure-port": str(ctx.port),
           "service-account-issuer": f"https://kubernetes.default.svc.{net['dnsDomain']}",
           "service-account-key-file": f"{pk}/sa.pub", "service-account-signing-key-file": f"{pk}/sa.key",
           "service-cluster-ip-range": net["serviceSubnet"], "tls-cert-file": f"{pk}/apiserver.crt",
           "tls-private-key-file": f"{pk}/apiserver.key"}
    vols, mounts = ca_volumes()
    vols.append(host_path_volume("k8s-certs", pk))
    mounts.append({"mountPath": pk, "name": "k8s-certs", "readOnly": True})
    out("[control-plane] Creating static Pod manifest for \"kube-apiserver\"")
    write_manifest("kube-apiserver", pod(
        ctx, "kube-apiserver", image(ctx, "kube-apiserver", version),
        ["kube-apiserver"] + merged_flags(api, ctx.extra("apiServer")), vols, mounts, ctx.port, "/livez", "HTTPS",
        ctx.adv, {"kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint": f"{ctx.adv}:{ctx.port}"},
        requests={"cpu": "250m"}))
    kcm = {"authentication-kubeconfig": f"{K}/controller-manager.conf",
           "authorization-kubeconfig": f"{K}/controller-manager.conf", "bind-address": "127.0.0.1",
           "client-ca-file": f"{pk}/ca.crt", "cluster-name": ctx.cc["clusterName"],
           "cluster-signing-cert-file": f"{pk}/ca.crt", "cluster-signing-key-file": f"{pk}/ca.key",
           "controllers": "*,bootstrapsigner,tokencleaner", "kubeconfig": f"{K}/controller-manager.conf",
           "leader-elect": "true", "requestheader-client-ca-file": f"{pk}/front-proxy-ca.crt",
           "root-ca-file": f"{pk}/ca.crt", "service-account-private-key-file": f"{pk}/sa.key",
           "service-cluster-ip-range": net["serviceSubnet"], "use-service-account-credentials": "true"}
    if net.get("podSubnet"):
        kcm["allocate-node-cidrs"] = "true"
        kcm["cluster-cidr"] = net["podSubnet"]
    vols, mounts = ca_volumes()
    vols += [host_path_volume("flexvolume-dir", "/usr/libexec/kubernetes/kubelet-plugins/volume/exec"),
             host_path_volume("k8s-certs", pk), host_path_volume("kubeconfig", f"{K}/controller-manager.conf", "FileOrCreate")]
    mounts += [{"mountPath": "/usr/libexec/kubernetes/kubelet-plugins/volume/exec", "name": "flexvolume-dir"},
               {"mountPath": pk, "name": "k8s-certs", "readOnly": True},
               {"mountPath": f"{K}/controller-manager.conf", "name": "kubeconfig", "readOnly": True}]
    out("[control-plane] Creating static Pod manifest for \"kube-controller-manager\"")
    write_manifest("kube-controller-manager", pod(
        ctx, "kube-controller-manager", image(ctx, "kube-controller-manager", version),
        ["kube-controller-manager"] + merged_flags(kcm, ctx.extra("controllerManager")), vols, mounts, 10257,
        "/healthz", "HTTPS", "127.0.0.1", requests={"cpu": "200m"}))
    sch = {"authentication-kubeconfig": f"{K}/scheduler.conf", "authorization-kubeconfig": f"{K}/scheduler.conf",
           "bind-address": "127.0.0.1", "kubeconfig": f"{K}/scheduler.conf", "leader-elect": "true"}
    out("[control-plane] Creating static Pod manifest for \"kube-scheduler\"")
    write_manifest("kube-scheduler", pod(
        ctx, "kube-scheduler", image(ctx, "kube-scheduler", version),
        ["kube-scheduler"] + merged_flags(sch, ctx.extra("scheduler")),
        [host_path_volume("kubeconfig", f"{K}/scheduler.conf", "FileOrCreate")],
        [{"mountPath": f"{K}/scheduler.conf", "name": "kubeconfig", "readOnly": True}], 10259, "/livez", "HTTPS",
        "127.0.0.1"))


def etcd_manifest(ctx, initial_cluster=None, state="new", version=None):
    local = ctx.cc["etcd"]["local"]
    pk = ctx.pki
    adv = ctx.adv
    flags = {"advertise-client-urls": f"https://{adv}:2379", "cert-file": f"{pk}/etcd/server.crt",
             "client-cert-auth": "true", "data-dir": local["dataDir"], "experimental-initial-corrupt-check": "true",
             "experimental-watch-progress-notify-interval": "5s", "initial-advertise-peer-urls": f"https://{adv}:2380",
             "initial-cluster": initial_cluster or f"{ctx.name}=https://{adv}:2380", "key-file": f"{pk}/etcd/server.key",
             "listen-client-urls": f"https://127.0.0.1:2379,https://{adv}:2379",
             "listen-metrics-urls": "http://127.0.0.1:2381", "listen-peer-urls": f"https://{adv}:2380",
             "name": ctx.name, "peer-cert-file": f"{pk}/etcd/peer.crt", "peer-client-cert-auth": "true",
             "peer-key-file": f"{pk}/etcd/peer.key", "peer-trusted-ca-file": f"{pk}/etcd/ca.crt",
             "snapshot-count": "10000", "trusted-ca-file": f"{pk}/etcd/ca.crt"}
    if state == "existing":
        flags["initial-cluster-state"] = "existing"
    minor = common.version_info(version or ctx.cc["kubernetesVersion"])[1]
    tag = local.get("imageTag") or ETCD_IMAGES.get(minor, "3.5.15-0")
    repo = local.get("imageRepository") or ctx.cc["imageRepository"]
    vols = [host_path_volume("etcd-certs", f"{pk}/etcd"), host_path_volume("etcd-data", local["dataDir"])]
    mounts = [{"mountPath": local["dataDir"], "name": "etcd-data"}, {"mountPath": f"{pk}/etcd", "name": "etcd-certs"}]
    out(f"[etcd] Creating static Pod manifest for local etcd in \"{MANIFESTS}\"")
    os.makedirs(local["dataDir"], mode=0o700, exist_ok=True)
    return write_manifest("etcd", pod(
        ctx, "etcd", f"{repo}/etcd:{tag}", ["etcd"] + merged_flags(flags, ctx.extra("etcd")), vols, mounts, 2381,
        "/health?exclude=NOSPACE&serializable=true", "HTTP", "127.0.0.1",
        {"kubeadm.kubernetes.io/etcd.advertise-client-urls": f"https://{adv}:2379"},
        requests={"cpu": "100m", "memory": "100Mi"}))


# ---------------------------------------------------------------- kubelet

def kubelet_config(ctx, base=None):
    cfg = {"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration",
           "authentication": {"anonymous": {"enabled": False}, "webhook": {"cacheTTL": "0s", "enabled": True},
                              "x509": {"clientCAFile": f"{ctx.pki}/ca.crt"}},
           "authorization": {"mode": "Webhook", "webhook": {"cacheAuthorizedTTL": "0s", "cacheUnauthorizedTTL": "0s"}},
           "cgroupDriver": "systemd", "clusterDNS": [str(ipaddress.ip_network(
               ctx.cc["networking"]["serviceSubnet"].split(",")[0], strict=False).network_address + 10)],
           "clusterDomain": ctx.cc["networking"]["dnsDomain"], "containerRuntimeEndpoint": "",
           "cpuManagerReconcilePeriod": "0s", "evictionPressureTransitionPeriod": "0s", "fileCheckFrequency": "0s",
           "healthzBindAddress": "127.0.0.1", "healthzPort": 10248, "httpCheckFrequency": "0s",
           "imageMaximumGCAge": "0s", "imageMinimumGCAge": "0s", "logging": {"flushFrequency": 0, "options": {
               "json": {"infoBufferSize": "0"}, "text": {"infoBufferSize": "0"}}, "verbosity": 0},
           "memorySwap": {}, "nodeStatusReportFrequency": "0s", "nodeStatusUpdateFrequency": "0s",
           "rotateCertificates": True, "runtimeRequestTimeout": "0s", "shutdownGracePeriod": "0s",
           "shutdownGracePeriodCriticalPods": "0s", "staticPodPath": MANIFESTS, "streamingConnectionIdleTimeout": "0s",
           "syncFrequency": "0s", "volumeStatsAggPeriod": "0s"}
    for k, v in (base if base is not None else ctx.kubelet_cfg).items():
        cfg[k] = v
    return cfg


def kubelet_start(ctx, cfg_obj, bootstrap_kubeconfig=None):
    out(f"[kubelet-start] Writing kubelet environment file with flags to file \"{KUBELET_DIR}/kubeadm-flags.env\"")
    flags = {"container-runtime-endpoint": ctx.nr.get("criSocket", CRI_DEFAULT),
             "pod-infra-container-image": f"{ctx.cc['imageRepository']}/pause:3.10"}
    if ctx.name != socket.gethostname().lower():
        flags["hostname-override"] = ctx.name
    taints = ctx.nr.get("taints")
    for k, v in ctx.kubelet_args:
        flags[k] = v
    line = " ".join(f"--{k}={v}" for k, v in flags.items())
    common.write_file(f"{KUBELET_DIR}/kubeadm-flags.env", f"KUBELET_KUBEADM_ARGS=\"{line}\"\n", 0o644)
    out(f"[kubelet-start] Writing kubelet configuration to file \"{KUBELET_DIR}/config.yaml\"")
    common.write_file(f"{KUBELET_DIR}/config.yaml", common.dump_yaml(cfg_obj), 0o644)
    if bootstrap_kubeconfig:
        common.write_file(f"{K}/bootstrap-kubelet.conf", bootstrap_kubeconfig, 0o600)
    out("[kubelet-start] Starting the kubelet")
    systemctl("restart", "kubelet")
    return taints


def wait_http(url, timeout, ctx_ssl=None, what="", accept=(200,)):
    deadline = time.time() + timeout
    start = time.time()
    while time.time() < deadline:
        try:
            st, _ = common.https_request(url, "GET", None, ctx_ssl or common.ssl_context(verify=False), timeout=2)
            if st in accept:
                return time.time() - start
        except Exception:  # noqa: BLE001
            pass
        time.sleep(0.25)
    return None


def wait_kubelet(ctx):
    t = ctx.timeout("kubeletHealthCheck", 240)
    url = f"http://{common.host_ip()}:10248/healthz"
    out(f"[kubelet-check] Waiting for a healthy kubelet at http://127.0.0.1:10248/healthz. This can take up to "
        f"{int(t // 60)}m{int(t % 60)}s")
    took = wait_http(url, t)
    if took is None:
        phase_error("wait-control-plane", "The HTTP call equal to 'curl -sSL http://127.0.0.1:10248/healthz' "
                                          "returned error: Get \"http://127.0.0.1:10248/healthz\": context deadline "
                                          "exceeded\n\nUnfortunately, an error has occurred, likely caused by:\n"
                                          "\t- The kubelet is not running\n\t- The kubelet is unhealthy due to a "
                                          "misconfiguration of the node in some way (required cgroups disabled)")
    out(f"[kubelet-check] The kubelet is healthy after {took:.6f}s")


def wait_apiserver(ctx):
    t = ctx.timeout("controlPlaneComponentHealthCheck", 240)
    out(f"[api-check] Waiting for a healthy API server. This can take up to {int(t // 60)}m{int(t % 60)}s")
    took = wait_http(f"https://{ctx.adv}:{ctx.port}/livez", t)
    if took is None:
        phase_error("wait-control-plane", "could not initialize a Kubernetes cluster: the API server is not healthy "
                                          f"after {int(t // 60)}m{int(t % 60)}s")
    out(f"[api-check] The API server is healthy after {took:.6f}s")


class RetryingApi:
    """kubeadm's API calls retry transient failures (connection refused/reset, 5xx) with a deadline."""

    def __init__(self, api, timeout=60):
        self.api, self.timeout = api, timeout

    def call(self, method, path, body=None, ctype=None, timeout=5.0):
        deadline = time.time() + self.timeout
        while True:
            try:
                st, obj = self.api.call(method, path, body, ctype, timeout)
                if st < 500 or time.time() >= deadline:
                    return st, obj
            except Exception as e:  # noqa: BLE001
                if time.time() >= deadline:
                    raise Fail(f"{method} {path}: {e}")
            time.sleep(0.5)


def api_retry(api, method, path, body=None, ok=(200, 201), timeout=60, ctype=None):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            st, obj = api.call(method, path, body, ctype)
            if st in ok:
                return st, obj
            last = f"{st} {obj.get('message', obj)}"
            if st in (400, 401, 403, 409, 422):
                break
        except Exception as e:  # noqa: BLE001
            last = str(e)
        time.sleep(0.5)
    raise Fail(f"{method} {path}: {last}")


def upsert_configmap(api, ns, name, data):
    st, _ = api.call("GET", f"/api/v1/namespaces/{ns}/configmaps/{name}")
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}, "data": data}
    if st == 200:
        api_retry(api, "PUT", f"/api/v1/namespaces/{ns}/configmaps/{name}", body)
    else:
        api_retry(api, "POST", f"/api/v1/namespaces/{ns}/configmaps", body, ok=(201,))


def mark_control_plane(ctx, api):
    out(f"[mark-control-plane] Marking the node {ctx.name} as control-plane by adding the labels: "
        f"[node-role.kubernetes.io/control-plane node.kubernetes.io/exclude-from-external-load-balancers]")
    taints = ctx.nr.get("taints")
    if taints is None:
        taints = [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]
    out(f"[mark-control-plane] Marking the node {ctx.name} as control-plane by adding the taints "
        f"[{' '.join(t['key'] + ':' + t['effect'] for t in taints)}]")
    deadline = time.time() + ctx.timeout("kubernetesAPICall", 60) * 2
    while time.time() < deadline:
        st, node = api.call("GET", f"/api/v1/nodes/{ctx.name}")
        if st == 200:
            have = (node.get("spec") or {}).get("taints") or []
            for t in taints:
                if not any(h.get("key") == t["key"] and h.get("effect") == t["effect"] for h in have):
                    have.append(t)
            api_retry(api, "PATCH", f"/api/v1/nodes/{ctx.name}",
                      {"metadata": {"labels": {"node-role.kubernetes.io/control-plane": "",
                                               "node.kubernetes.io/exclude-from-external-load-balancers": ""}},
                       "spec": {"taints": have}}, ctype="application/merge-patch+json")
            return
        time.sleep(0.5)
    phase_error("mark-control-plane", f"error patching node \"{ctx.name}\" through apiserver: timed out waiting for "
                                      f"the condition")


def new_token():
    alpha = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(secrets.choice(alpha) for _ in range(6)) + "." + "".join(secrets.choice(alpha) for _ in range(16))


def token_secret(token, ttl="24h", description="", usages=("signing", "authentication"), groups=None):
    tid, tsec = token.split(".")
    data = {"token-id": tid, "token-secret": tsec}
    if description:
        data["description"] = description
    secs = common.parse_duration(ttl) if ttl is not None else 86400
    if secs:
        data["expiration"] = (datetime.datetime.now(datetime.timezone.utc) +
                              datetime.timedelta(seconds=secs)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for u in usages:
        data[f"usage-bootstrap-{u}"] = "true"
    data["auth-extra-groups"] = ",".join(groups or ["system:bootstrappers:kubeadm:default-node-token"])
    return {"apiVersion": "v1", "kind": "Secret", "type": "bootstrap.kubernetes.io/token",
            "metadata": {"name": f"bootstrap-token-{tid}", "namespace": "kube-system"},
            "data": {k: common.b64(v) for k, v in data.items()}}


def create_token(api, token, ttl="24h", description="", usages=("signing", "authentication"), groups=None):
    if not re.fullmatch(r"[a-z0-9]{6}\.[a-z0-9]{16}", token):
        raise Fail(f"the bootstrap token \"{token}\" was not of the form \"^([a-z0-9]{{6}})\\.([a-z0-9]{{16}})$\"")
    body = token_secret(token, ttl, description, usages, groups)
    st, _ = api.call("POST", "/api/v1/namespaces/kube-system/secrets", body)
    if st == 409:
        api_retry(api, "PUT", f"/api/v1/namespaces/kube-system/secrets/{body['metadata']['name']}", body)
    elif st != 201:
        api_retry(api, "POST", "/api/v1/namespaces/kube-system/secrets", body, ok=(201,))


def ca_hash(ctx_or_path):
    path = ctx_or_path if isinstance(ctx_or_path, str) else p(ctx_or_path, "ca.crt")
    return common.spki_sha256(open(path, "rb").read())


# ---------------------------------------------------------------- init

def parse_flags(argv, bool_flags=()):
    flags, pos = {}, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a.startswith("--"):
            if "=" in a:
                k, v = a[2:].split("=", 1)
            elif a[2:] in bool_flags:
                k, v = a[2:], "true"
            elif i + 1 < len(argv):
                k, v = a[2:], argv[i + 1]
                i += 1
            else:
                raise Fail(f"flag needs an argument: {a}")
            flags[k] = v
        elif a.startswith("-") and len(a) == 2:
            short = {"-f": "force", "-y": "yes", "-o": "output", "-v": "v"}
            k = short.get(a, a[1:])
            if k in ("output", "v") and i + 1 < len(argv):
                flags[k] = argv[i + 1]
                i += 1
            else:
                flags[k] = "true"
        elif a.startswith("-v=") or a.startswith("-o="):
            flags[{"v": "v", "o": "output"}[a[1]]] = a[3:]
        else:
            pos.append(a)
        i += 1
    return flags, pos


def strict():
    return not common.lenient()


def control_plane_images(cc, version=None):
    """images.GetControlPlaneImages: what `kubeadm config images list` prints and preflight pulls."""
    version = version or cc["kubernetesVersion"]
    minor = common.version_info(version)[1]
    repo = cc.get("imageRepository", "registry.k8s.io")
    out_list = [f"{repo}/{c}:{version}" for c in ("kube-apiserver", "kube-controller-manager", "kube-scheduler",
                                                   "kube-proxy")]
    out_list.append(dns_image(cc, minor))
    out_list.append(f"{repo}/pause:{PAUSE.get(minor, '3.10')}")
    local = (cc.get("etcd") or {}).get("local")
    if local is not None:
        out_list.append(f"{local.get('imageRepository') or repo}/etcd:{local.get('imageTag') or ETCD_IMAGES.get(minor, '3.5.15-0')}")
    return out_list


def dns_image(cc, minor):
    """images.GetDNSImage: dns.imageRepository, else imageRepository; only the default registry
    (registry.k8s.io) keeps CoreDNS under coredns/coredns, a custom repository has it as coredns."""
    dns = cc.get("dns") or {}
    repo = dns.get("imageRepository") or cc.get("imageRepository") or "registry.k8s.io"
    if repo == "registry.k8s.io":
        repo += "/coredns"
    return f"{repo}/coredns:{dns.get('imageTag') or COREDNS.get(minor, 'v1.11.3')}"


def pull_images(cc, prefix="[preflight]", version=None):
    """RunPullImagesCheck / `config images pull`: each image takes the scaled real pull time once."""
    if prefix == "[preflight]":
        # checks.go ImagePullCheck: the runtime's sandbox image against kubeadm's pause image
        minor = common.version_info(version or cc["kubernetesVersion"])[1]
        wanted = f"{cc.get('imageRepository', 'registry.k8s.io')}/pause:{PAUSE.get(minor, '3.10')}"
        if images.sandbox_image() != wanted:
            warn(f"detected that the sandbox image \"{images.sandbox_image()}\" of the container runtime is "
                 f"inconsistent with that used by kubeadm. It is recommended to use \"{wanted}\" as the CRI sandbox "
                 f"image.")
        out("[preflight] Pulling images required for setting up a Kubernetes cluster")
        out("[preflight] This might take a minute or two, depending on the speed of your internet connection")
        out("[preflight] You can also perform this action beforehand using 'kubeadm config images pull'")
    for img in control_plane_images(cc, version):
        try:
            images.pull(img)
        except images.PullError as e:
            # checks.go ImagePullCheck (preflight) and `config images pull`: the CRI's error, as kubeadm wraps it
            if prefix == "[preflight]":
                raise Fail("[preflight] Some fatal errors occurred:\n"
                           f"\t[ERROR ImagePull]: failed to pull image {img}: rpc error: code = Unknown desc = {e}\n"
                           "[preflight] If you know what you are doing, you can make a check non-fatal with "
                           "`--ignore-preflight-errors=...`")
            raise Fail(f"failed to pull image \"{img}\": rpc error: code = Unknown desc = {e}")
        if prefix != "[preflight]":
            out(f"{prefix} Pulled {img}")


def lab_init_stop(phase):
    """The lab-only fault (see the header): init ends here, as a cut session would end it."""
    try:
        stop = open(LAB_INIT_STOP).read().strip()
    except OSError:
        return
    if stop == phase:
        raise Fail(f"lab fault: kubeadm init stopped before its {phase} phase ({LAB_INIT_STOP})")


def strict_init_preflight(ctx):
    kubeadm_preflight.run(kubeadm_preflight.init_checks(ctx, KV, ETCD_IMAGES, systemctl), ctx.ignore, Fail)


def cmd_init(argv):
    flags, pos = parse_flags(argv, ("upload-certs", "dry-run", "skip-token-print", "skip-certificate-key-print"))
    if flags.get("upload-certs") == "true":
        raise Fail("--upload-certs is not supported by the lab stand-in (HaKube pushes the shared CAs itself)")
    docs = load_config(flags["config"], ("InitConfiguration", "ClusterConfiguration")) if flags.get("config") else {}
    ctx = Ctx(docs, flags)
    k8s = ctx.cc["kubernetesVersion"]
    version_gate(k8s)
    out(f"[init] Using Kubernetes version: {k8s}")
    out("[preflight] Running pre-flight checks")
    if strict():
        strict_init_preflight(ctx)
        pull_images(ctx.cc)
    else:
        preflight(ctx, common_checks(ctx, k8s) + control_plane_checks(ctx))
        out("[preflight] Pulling images required for setting up a Kubernetes cluster")
        out("[preflight] This might take a minute or two, depending on the speed of your internet connection")
    certs_phase(ctx)
    out(f"[kubeconfig] Using kubeconfig folder \"{K}\"")
    kubeconfig_phase(ctx)
    if ctx.stacked:
        etcd_manifest(ctx)
    control_plane_manifests(ctx)
    kcfg = kubelet_config(ctx)
    kubelet_start(ctx, kcfg)
    out(f"[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "
        f"\"{MANIFESTS}\"")
    wait_kubelet(ctx)
    wait_apiserver(ctx)
    api = RetryingApi(common.ApiClient.from_kubeconfig(f"{K}/super-admin.conf"), ctx.timeout("kubernetesAPICall", 60))
    lab_init_stop("upload-config")
    out("[upload-config] Storing the configuration used in ConfigMap \"kubeadm-config\" in the \"kube-system\" Namespace")
    stored = {k: v for k, v in ctx.cc.items() if not k.startswith("_")}
    stored["apiVersion"] = "kubeadm.k8s.io/v1beta4" if KV >= (1, 31, 0) else "kubeadm.k8s.io/v1beta3"
    upsert_configmap(api, "kube-system", "kubeadm-config", {"ClusterConfiguration": common.dump_yaml(stored)})
    out("[kubelet] Creating a ConfigMap \"kubelet-config\" in namespace kube-system with the configuration for the "
        "kubelets in the cluster")
    upsert_configmap(api, "kube-system", "kubelet-config", {"kubelet": common.dump_yaml(kcfg)})
    out("[upload-certs] Skipping phase. Please see --upload-certs")
    mark_control_plane(ctx, api)
    tokens = ctx.init.get("bootstrapTokens") or [{"token": new_token()}]
    for t in tokens:
        out(f"[bootstrap-token] Using token: {t['token']}")
        create_token(api, t["token"], t.get("ttl", "24h"), t.get("description", ""),
                     t.get("usages") or ("signing", "authentication"), t.get("groups"))
    out("[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles")
    out("[bootstrap-token] Creating the \"cluster-info\" ConfigMap in the \"kube-public\" namespace")
    ca_pem = open(p(ctx, "ca.crt"), "rb").read()
    info = common.kubeconfig_yaml("", f"https://{ctx.cpe()}", ca_pem, "x")
    ki = common.load_yaml(info)
    ki = {"apiVersion": "v1", "clusters": [{"cluster": ki["clusters"][0]["cluster"], "name": ""}], "contexts": None,
          "current-context": "", "kind": "Config", "preferences": {}, "users": None}
    upsert_configmap(api, "kube-public", "cluster-info", {"kubeconfig": common.dump_yaml(ki)})
    out("[kubelet-finalize] Updating \"/etc/kubernetes/kubelet.conf\" to point to a rotatable kubelet client "
        "certificate and key")
    kubelet_finalize()
    if "addon/coredns" not in ctx.skip and not ctx.cc["dns"].get("disabled"):
        out("[addons] Applied essential addon: CoreDNS")
    if "addon/kube-proxy" not in ctx.skip and not ctx.cc["proxy"].get("disabled"):
        out("[addons] Applied essential addon: kube-proxy")
    h = ca_hash(ctx)
    tok = tokens[0]["token"]
    out("\nYour Kubernetes control-plane has initialized successfully!\n")
    out("To start using your cluster, you need to run the following as a regular user:\n\n"
        "  mkdir -p $HOME/.kube\n  sudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config\n"
        "  sudo chown $(id -u):$(id -g) $HOME/.kube/config\n")
    out("Alternatively, if you are the root user, you can run:\n\n  export KUBECONFIG=/etc/kubernetes/admin.conf\n")
    out("You should now deploy a pod network to the cluster.\nRun \"kubectl apply -f [podnetwork].yaml\" with one of "
        "the options listed at:\n  https://kubernetes.io/docs/concepts/cluster-administration/addons/\n")
    if ctx.cc.get("controlPlaneEndpoint"):
        out("You can now join any number of control-plane nodes by copying certificate authorities\n"
            "and service account keys on each node and then running the following as root:\n")
        out(f"  kubeadm join {ctx.cpe()} --token {tok} \\\n\t--discovery-token-ca-cert-hash {h} \\\n\t--control-plane \n")
    out("Then you can join any number of worker nodes by running the following on each as root:\n")
    out(f"kubeadm join {ctx.cpe()} --token {tok} \\\n\t--discovery-token-ca-cert-hash {h} ")
    return 0


# ---------------------------------------------------------------- join

def kubelet_finalize():
    """kubelet-finalize/experimental-cert-rotation: kubelet.conf names the rotating client certificate file
    instead of embedding the pair. The file is what the kubelet's certificate manager stores at start-up
    from the kubeconfig's pair (the kubelet stand-in does not rotate), written here."""
    path = f"{K}/kubelet.conf"
    kc = common.Kubeconfig(path)
    user = next((u.get("user") or {} for u in kc.doc.get("users", [])), {})
    if not user.get("client-certificate-data"):
        return
    pki = f"{KUBELET_DIR}/pki"
    current = f"{pki}/kubelet-client-current.pem"
    if not os.path.exists(current):
        os.makedirs(pki, exist_ok=True)
        pem = f"{pki}/kubelet-client-{time.strftime('%Y-%m-%d-%H-%M-%S')}.pem"
        common.write_file(pem, kc.cert_data + kc.key_data, 0o600)
        if os.path.lexists(current):
            os.unlink(current)
        os.symlink(pem, current)
    for u in kc.doc.get("users", []):
        u = u.get("user") or {}
        if u.pop("client-certificate-data", None) is not None:
            u["client-certificate"] = current
        if u.pop("client-key-data", None) is not None:
            u["client-key"] = current
    common.write_file(path, common.dump_yaml(kc.doc), 0o600)


def discovery(ctx, flags, endpoint_arg):
    d = (ctx.joincfg or {}).get("discovery") or {}
    bt = dict(d.get("bootstrapToken") or {})
    if flags.get("token"):
        bt.setdefault("token", flags["token"])
    if flags.get("discovery-token"):
        bt["token"] = flags["discovery-token"]
    if endpoint_arg:
        bt["apiServerEndpoint"] = endpoint_arg
    if flags.get("discovery-token-ca-cert-hash"):
        bt["caCertHashes"] = flags["discovery-token-ca-cert-hash"].split(",")
    if flags.get("discovery-token-unsafe-skip-ca-verification") == "true":
        bt["unsafeSkipCAVerification"] = True
    tls_token = d.get("tlsBootstrapToken") or flags.get("tls-bootstrap-token") or bt.get("token")
    timeout = ctx.timeout("discovery", None) or common.parse_duration(d.get("timeout")) or 300
    fpath = (d.get("file") or {}).get("kubeConfigPath") or flags.get("discovery-file")
    if fpath:
        kc = common.Kubeconfig(fpath)
        out(f"[discovery] Using file \"{fpath}\" for discovery")
        return kc.server, kc.ca_data, tls_token
    if not bt.get("token") or not bt.get("apiServerEndpoint"):
        raise Fail("discovery: Invalid value: \"\": bootstrapToken or file must be set")
    if not bt.get("caCertHashes") and not bt.get("unsafeSkipCAVerification"):
        raise Fail("discovery.bootstrapToken.caCertHashes: Invalid value: \"\": using token-based discovery without "
                   "caCertHashes can be unsafe. Set unsafeSkipCAVerification as true in your kubeadm config file or "
                   "pass --discovery-token-unsafe-skip-ca-verification flag to continue")
    token = bt["token"]
    if not re.fullmatch(r"[a-z0-9]{6}\.[a-z0-9]{16}", token):
        raise Fail(f"discovery.bootstrapToken.token: Invalid value: \"{token}\": the bootstrap token is invalid")
    tid, tsec = token.split(".")
    ep = bt["apiServerEndpoint"]
    url = f"https://{ep}/api/v1/namespaces/kube-public/configmaps/cluster-info"
    insecure = common.ssl_context(verify=False)
    deadline = time.time() + timeout
    obj = None
    while time.time() < deadline:
        try:
            st, body = common.https_request(url, "GET", None, insecure, timeout=5)
            if st == 200:
                obj = json.loads(body)
                break
            out(f"[discovery] Failed to request cluster-info, will try again: status {st}")
        except Exception as e:  # noqa: BLE001
            out(f"[discovery] Failed to request cluster-info, will try again: {e}")
        time.sleep(min(1.0, max(0.0, deadline - time.time())))
    if obj is None:
        phase_error("preflight", f"couldn't validate the identity of the API Server: failed to request the "
                                 f"cluster-info ConfigMap: client rate limiter Wait returned an error: context deadline "
                                 f"exceeded")
    data = obj.get("data") or {}
    kc_text = data.get("kubeconfig", "")
    sig = data.get("jws-kubeconfig-" + tid)
    if not sig:
        phase_error("preflight", f"couldn't validate the identity of the API Server: there is no JWS signed token in "
                                 f"the cluster-info ConfigMap. This token id \"{tid}\" is invalid for this cluster, it "
                                 f"can't be used for trust")
    if common.jws_detached(kc_text, tid, tsec) != sig:
        phase_error("preflight", "couldn't validate the identity of the API Server: failed to verify JWS signature of "
                                 "received cluster info object, can't trust this API Server")
    kc = common.load_yaml(kc_text)
    cluster = kc["clusters"][0]["cluster"]
    ca_pem = common.unb64(cluster["certificate-authority-data"])
    server = cluster["server"]
    if not bt.get("unsafeSkipCAVerification"):
        got = common.spki_sha256(ca_pem)
        pins = [h.lower() for h in bt.get("caCertHashes") or []]
        if got not in pins:
            phase_error("preflight", f"couldn't validate the identity of the API Server: cluster CA found in "
                                     f"cluster-info ConfigMap is invalid: none of the public keys \"{got}\" are pinned")
    out(f"[discovery] Cluster info signature and contents are valid and {'no TLS pinning was specified' if bt.get('unsafeSkipCAVerification') else 'TLS certificate validates against pinned roots'}, will use API Server \"{ep}\"")
    verified = common.ssl_context(ca_data=ca_pem)
    try:
        st, _ = common.https_request(url, "GET", None, verified, timeout=5)
    except Exception as e:  # noqa: BLE001
        phase_error("preflight", f"couldn't validate the identity of the API Server: Get \"{url}\": tls: failed to "
                                 f"verify certificate: {e}")
    return server, ca_pem, tls_token


def check_shared_certs(ctx, cluster_ca):
    missing = []
    for base, what in (("ca", "CA"), ("front-proxy-ca", "front-proxy CA")) + \
            ((("etcd/ca", "etcd CA"),) if ctx.stacked else ()):
        for ext in ("crt", "key"):
            f = p(ctx, f"{base}.{ext}")
            if not os.path.exists(f):
                kind = "certificate" if ext == "crt" else "private key"
                missing.append(f"failure loading certificate for {what}: couldn't load the {kind} file {f}: open {f}: "
                               f"no such file or directory" if ext == "crt" else
                               f"failure loading key for {what}: couldn't load the private key file {f}: open {f}: no "
                               f"such file or directory")
    for ext in ("key", "pub"):
        f = p(ctx, f"sa.{ext}")
        if not os.path.exists(f):
            missing.append(f"failure loading key for service account: couldn't load the {'private' if ext == 'key' else 'public'} "
                           f"key file {f}: open {f}: no such file or directory")
    if not missing and open(p(ctx, "ca.crt"), "rb").read().strip() != cluster_ca.strip():
        missing.append(f"a certificate authority file {p(ctx, 'ca.crt')} exists but does not match the cluster CA")
    if missing:
        raise Fail("error execution phase preflight: \nOne or more conditions for hosting a new control plane instance "
                   "is not satisfied.\n\n[" + ", ".join(missing) + "]\n\nPlease ensure that:\n* The cluster has a "
                   "stable controlPlaneEndpoint address.\n* The certificates that must be shared among control plane "
                   "instances are provided.\n\n\nTo see the stack trace of this error execute with --v=5 or higher")


# kubeadm talks to etcd with the Go client built into its binary (app/util/etcd/etcd.go), never a
# host etcdctl, which a real control plane does not have: the stand-in's "built-in client" is the
# lab's etcdctl 3.5.16 (the former lenient lab, without it, used the machine's).
ETCD_CLIENT = "/opt/hakube-lab/etcd-3.5.16/etcdctl"


def etcd_client():
    return ETCD_CLIENT if os.path.exists(ETCD_CLIENT) or not common.lenient() else "/usr/bin/etcdctl"


def etcdctl(ctx, endpoints, *args, timeout=10):
    cmd = [etcd_client(), f"--endpoints={','.join(endpoints)}", f"--cacert={ctx.pki}/etcd/ca.crt",
           f"--cert={ctx.pki}/apiserver-etcd-client.crt", f"--key={ctx.pki}/apiserver-etcd-client.key",
           "--dial-timeout=3s", "--command-timeout=5s", "-w", "json", *args]
    r = subprocess.run(cmd, capture_output=True, text=True, env={"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"},
                       timeout=timeout)
    if r.returncode != 0:
        raise Fail(f"etcdctl {' '.join(args)}: {r.stderr.strip()}")
    return json.loads(r.stdout) if r.stdout.strip() else {}


def member_hex(i):
    return format(int(i), "x")


def cluster_etcd_endpoints(api):
    st, nodes = api.call("GET", "/api/v1/nodes?labelSelector=node-role.kubernetes.io/control-plane")
    eps = []
    for n in nodes.get("items", []) if st == 200 else []:
        for a in n.get("status", {}).get("addresses", []):
            if a["type"] == "InternalIP":
                eps.append(f"https://{a['address']}:2379")
    return eps


def join_stacked_etcd(ctx, api):
    eps = [e for e in cluster_etcd_endpoints(api) if f"//{ctx.adv}:" not in e]
    if not eps:
        phase_error("etcd-join", "error creating local etcd static pod manifest file: no etcd endpoints found in the "
                                 "cluster")
    peer = f"https://{ctx.adv}:2380"
    deadline = time.time() + ctx.timeout("etcdAPICall", 120)
    members = None
    while time.time() < deadline:
        try:
            ml = etcdctl(ctx, eps, "member", "list")
            members = ml.get("members", [])
            mine = [m for m in members if peer in (m.get("peerURLs") or [])]
            if not mine:
                res = etcdctl(ctx, eps, "member", "add", ctx.name, f"--peer-urls={peer}", "--learner")
                members = res.get("members", members)
            break
        except Fail as e:
            last = e
            time.sleep(1)
    if members is None:
        phase_error("etcd-join", f"error creating local etcd static pod manifest file: {last}")
    out("[etcd] Announced new etcd member joining to the existing etcd cluster")
    parts = []
    for m in members:
        name = m.get("name") or (ctx.name if peer in (m.get("peerURLs") or []) else "")
        if not name:
            continue  # another learner added but not started yet: not part of the initial cluster
        for u in m.get("peerURLs") or []:
            parts.append(f"{name}={u}")
    if f"{ctx.name}={peer}" not in parts:
        parts.append(f"{ctx.name}={peer}")
    etcd_manifest(ctx, ",".join(parts), "existing")
    out("[etcd] Waiting for the new etcd member to join the cluster. This can take up to 40s")
    deadline = time.time() + max(40, ctx.timeout("etcdAPICall", 120))
    while time.time() < deadline:
        try:
            ml = etcdctl(ctx, eps, "member", "list")
            me = next((m for m in ml.get("members", []) if peer in (m.get("peerURLs") or [])), None)
            if me and not me.get("isLearner"):
                return
            if me:
                etcdctl(ctx, eps, "member", "promote", member_hex(me["ID"]))
                out(f"[etcd] Promoted the learner member {ctx.name} to a voting member")
                return
        except Fail:
            pass
        time.sleep(1)
    phase_error("etcd-join", "error creating local etcd static pod manifest file: timeout waiting for etcd cluster to "
                             "be available")


def cmd_join(argv):
    flags, pos = parse_flags(argv, ("control-plane", "discovery-token-unsafe-skip-ca-verification", "dry-run"))
    if flags.get("certificate-key"):
        raise Fail("--certificate-key is not supported by the lab stand-in (HaKube pushes the shared CAs itself)")
    docs = load_config(flags["config"], ("JoinConfiguration",)) if flags.get("config") else {}
    if flags.get("config") and any(k in flags for k in ("token", "discovery-token-ca-cert-hash", "control-plane")):
        raise Fail("can not mix '--config' with arguments [control-plane discovery-token-ca-cert-hash token]")
    ctx = Ctx(docs, flags, join=True)
    ctx.joining = True
    out("[preflight] Running pre-flight checks")
    ca_path = (ctx.joincfg or {}).get("caCertPath") or f"{ctx.pki}/ca.crt"
    if strict():
        bt = ((ctx.joincfg or {}).get("discovery") or {}).get("bootstrapToken") or {}
        endpoint = bt.get("apiServerEndpoint") or (pos[0] if pos else None)
        if (ctx.joincfg or {}).get("discovery", {}).get("file"):
            endpoint = None
        kubeadm_preflight.run(kubeadm_preflight.join_checks(ctx, KV, systemctl, ca_path, endpoint), ctx.ignore, Fail)
    else:
        checks = common_checks(ctx, VERSION)
        for f in (f"{K}/kubelet.conf", f"{K}/bootstrap-kubelet.conf"):
            checks.append(("FileAvailable-" + f.replace("/", "-"), not os.path.exists(f), f"{f} already exists", True))
        if not ctx.control_plane:
            checks.append(("FileAvailable-" + ca_path.replace("/", "-"), not os.path.exists(ca_path),
                           f"{ca_path} already exists", True))
        preflight(ctx, checks)
    server, cluster_ca, tls_token = discovery(ctx, flags, pos[0] if pos else None)
    boot = RetryingApi(common.ApiClient(server, cluster_ca, token=tls_token), ctx.timeout("kubernetesAPICall", 60))
    out("[preflight] Reading configuration from the cluster...")
    out("[preflight] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'")
    st, cm = boot.call("GET", "/api/v1/namespaces/kube-system/configmaps/kubeadm-config")
    if st != 200:
        phase_error("preflight", f"unable to fetch the kubeadm-config ConfigMap: {cm.get('message', st)}")
    cc = common.load_yaml(cm["data"]["ClusterConfiguration"])
    ctx.cc = cluster_defaults(cc)
    ctx.cc_api = cc.get("apiVersion", "kubeadm.k8s.io/v1beta4").split("/")[-1]
    ctx.stacked = "local" in ctx.cc["etcd"]
    ctx.pki = ctx.cc["certificatesDir"]
    st, kcm = boot.call("GET", "/api/v1/namespaces/kube-system/configmaps/kubelet-config")
    kubelet_cfg = common.load_yaml(kcm["data"]["kubelet"]) if st == 200 else kubelet_config(ctx)
    st, node = boot.call("GET", f"/api/v1/nodes/{ctx.name}")
    if st == 200 and any(c.get("type") == "Ready" and c.get("status") == "True"
                         for c in node.get("status", {}).get("conditions", [])):
        phase_error("kubelet-start", f"a Node with name \"{ctx.name}\" and status \"Ready\" already exists in the "
                                     f"cluster. You must delete the existing Node or change the name of this new "
                                     f"joining Node")
    if ctx.control_plane:
        out("[preflight] Running pre-flight checks before initializing the new control plane instance")
        if strict():
            kubeadm_preflight.run(kubeadm_preflight.init_checks(ctx, KV, ETCD_IMAGES, systemctl, secondary=True),
                                  ctx.ignore, Fail)
            pull_images(ctx.cc)
        else:
            preflight(ctx, control_plane_checks(ctx))
        check_shared_certs(ctx, cluster_ca)
        certs_phase(ctx, cas_required=True)
        out(f"[kubeconfig] Generating kubeconfig files\n[kubeconfig] Using kubeconfig folder \"{K}\"")
        kubeconfig_phase(ctx, include_kubelet=False)
        control_plane_manifests(ctx)
    else:
        common.write_file(ca_path, cluster_ca, 0o644)
    out("[kubelet-start] Writing kubelet configuration to file \"/var/lib/kubelet/config.yaml\"")
    bk = common.kubeconfig_yaml(ctx.cc["clusterName"], server, cluster_ca, f"tls-bootstrap-token-user",
                                token=tls_token)
    if ctx.control_plane and ctx.stacked:
        # the API on this node is not up yet: the kubelet bootstraps through the endpoint (the etcd join below
        # starts the local etcd, then the local kube-apiserver comes up)
        pass
    kubelet_start(ctx, kubelet_cfg, bk)
    out("[kubelet-start] Waiting for the kubelet to perform the TLS Bootstrap")
    wait_kubelet(ctx)
    deadline = time.time() + ctx.timeout("tlsBootstrap", 300)
    while time.time() < deadline and not os.path.exists(f"{K}/kubelet.conf"):
        time.sleep(0.25)
    if not os.path.exists(f"{K}/kubelet.conf"):
        phase_error("kubelet-start", "timed out waiting for the condition: the kubelet did not write "
                                     "/etc/kubernetes/kubelet.conf (TLS Bootstrap)")
    try:
        os.unlink(f"{K}/bootstrap-kubelet.conf")
    except OSError:
        pass
    if ctx.control_plane:
        api = RetryingApi(common.ApiClient.from_kubeconfig(f"{K}/admin.conf"), ctx.timeout("kubernetesAPICall", 60))
        if ctx.stacked:
            join_stacked_etcd(ctx, api)
        wait_apiserver(ctx)
        mark_control_plane(ctx, api)
        out("\nThis node has joined the cluster and a new control plane instance was created:\n\n"
            "* Certificate signing request was sent to apiserver and approval was received.\n"
            "* The Kubelet was informed of the new secure connection details.\n"
            "* Control plane label and taint were applied to the new node.\n"
            "* The Kubernetes control plane instances scaled up.\n" +
            ("* A new etcd member was added to the local/stacked etcd cluster.\n" if ctx.stacked else "") +
            "\nTo start administering your cluster from this node, you need to run the following as a regular user:"
            "\n\n\tmkdir -p $HOME/.kube\n\tsudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config\n"
            "\tsudo chown $(id -u):$(id -g) $HOME/.kube/config\n\nRun 'kubectl get nodes' to see this node join the "
            "cluster.\n")
    else:
        out("\nThis node has joined the cluster:\n* Certificate signing request was sent to apiserver and a response "
            "was received.\n* The Kubelet was informed of the new secure connection details.\n\nRun 'kubectl get "
            "nodes' on the control-plane to see this node join the cluster.\n")
    return 0


# ---------------------------------------------------------------- reset

def kill_static_pods():
    for rec_path in glob.glob("/run/hakube-standins/pods/*.json"):
        try:
            rec = json.load(open(rec_path))
        except (OSError, ValueError):
            continue
        pid, marker = rec.get("pid"), rec.get("marker", "")
        for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            if not pod_alive(pid, marker):
                break
            try:
                os.killpg(pid, sig)
            except OSError:
                pass
            deadline = time.time() + wait
            while time.time() < deadline and pod_alive(pid, marker):
                time.sleep(0.1)
        try:
            os.unlink(rec_path)
        except OSError:
            pass


def pod_alive(pid, marker):
    if not pid:
        return False
    try:
        env = open(f"/proc/{pid}/environ", "rb").read().split(b"\0")
        if open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] == "Z":
            return False
    except OSError:
        return False
    return f"HAKUBE_POD={marker}".encode() in env


def clean_dir(d):
    if not os.path.isdir(d):
        return
    for e in os.listdir(d):
        path = os.path.join(d, e)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                os.unlink(path)
            except OSError:
                pass


def remove_etcd_member(etcd_yaml):
    try:
        manifest = common.load_yaml(open(etcd_yaml))
        cmd = manifest["spec"]["containers"][0]["command"]
    except Exception:  # noqa: BLE001
        return None
    f = {}
    for a in cmd[1:]:
        k, _, v = a.lstrip("-").partition("=")
        f[k] = v
    peer = f.get("initial-advertise-peer-urls", "")
    local_eps = [common.local_url(u) for u in f.get("advertise-client-urls", "").split(",") if u]
    ca, cert, key = f.get("trusted-ca-file"), f.get("cert-file"), f.get("key-file")
    hc = os.path.join(os.path.dirname(cert or ""), "healthcheck-client.crt")
    if os.path.exists(hc):
        cert, key = hc, hc[:-4] + ".key"
    base = [etcd_client(), f"--cacert={ca}", f"--cert={cert}", f"--key={key}", "--dial-timeout=3s",
            "--command-timeout=5s", "-w", "json"]
    env = {"ETCDCTL_API": "3", "PATH": "/usr/bin:/bin"}
    try:
        r = subprocess.run(base + [f"--endpoints={','.join(local_eps)}", "member", "list"], capture_output=True,
                           text=True, env=env, timeout=15)
        members = json.loads(r.stdout).get("members", []) if r.returncode == 0 else None
        if members is None:
            return f"member list: {r.stderr.strip()}"
        me = next((m for m in members if peer in (m.get("peerURLs") or [])), None)
        if me is None:
            return None
        others = [u for m in members if m is not me for u in (m.get("clientURLs") or [])]
        eps = others or local_eps
        # like kubeadm's etcd client: retry with a back-off (etcd refuses while a peer is freshly connected)
        deadline = time.time() + 30
        while True:
            r = subprocess.run(base + [f"--endpoints={','.join(eps)}", "member", "remove", member_hex(me["ID"])],
                               capture_output=True, text=True, env=env, timeout=15)
            if r.returncode == 0 or "member not found" in r.stderr:
                return None
            if time.time() >= deadline:
                return r.stderr.strip()
            time.sleep(1)
    except Exception as e:  # noqa: BLE001
        return str(e)


def cmd_reset(argv):
    flags, _ = parse_flags(argv, ("force", "cleanup-tmp-dir", "dry-run"))
    docs = load_config(flags["config"], ("ResetConfiguration",)) if flags.get("config") else {}
    rc = docs.get("ResetConfiguration") or {}
    force = flags.get("force") == "true" or rc.get("force")
    pki = rc.get("certificatesDir") or K + "/pki"
    if os.path.exists(f"{K}/admin.conf"):
        out("[reset] Reading configuration from the cluster...")
    out("[reset] WARNING: Changes made to this host by 'kubeadm init' or 'kubeadm join' will be reverted.")
    if not force:
        sys.stdout.write("[reset] Are you sure you want to proceed? [y/N]: ")
        sys.stdout.flush()
        if sys.stdin.readline().strip().lower() != "y":
            raise Fail("error execution phase preflight: aborted reset operation\nTo see the stack trace of this "
                       "error execute with --v=5 or higher")
    out("[preflight] Running pre-flight checks")
    etcd_yaml = f"{MANIFESTS}/etcd.yaml"
    data_dir = None
    if os.path.exists(etcd_yaml):
        try:
            cmd = common.load_yaml(open(etcd_yaml))["spec"]["containers"][0]["command"]
            data_dir = next((a.split("=", 1)[1] for a in cmd if a.startswith("--data-dir=")), "/var/lib/etcd")
        except Exception:  # noqa: BLE001
            data_dir = "/var/lib/etcd"
        e = remove_etcd_member(etcd_yaml)
        if e:
            warn(f"[reset] Failed to remove etcd member: {e}\n.Please manually remove this etcd member using etcdctl")
    else:
        out("[reset] No etcd config found. Assuming external etcd")
        out("[reset] Please, manually reset etcd to prevent further issues")
    out("[reset] Stopping the kubelet service")
    systemctl("stop", "kubelet")
    out("[reset] Unmounting mounted directories in \"/var/lib/kubelet\"")
    out("[reset] Deleting contents of directories: [/etc/kubernetes/manifests /var/lib/kubelet " + pki + "]")
    clean_dir(MANIFESTS)
    kill_static_pods()
    if data_dir:
        clean_dir(data_dir)
        out(f"[reset] Deleted contents of the etcd data directory: {data_dir}")
    clean_dir(KUBELET_DIR)
    clean_dir(pki)
    files = [f"{K}/{n}" for n in ("admin.conf", "super-admin.conf", "kubelet.conf", "bootstrap-kubelet.conf",
                                   "controller-manager.conf", "scheduler.conf")]
    out("[reset] Deleting files: [" + " ".join(files) + "]")
    for f in files:
        try:
            os.unlink(f)
        except OSError:
            pass
    out("\nThe reset process does not clean CNI configuration. To do so, you must remove /etc/cni/net.d\n\n"
        "The reset process does not reset or clean up iptables rules or IPVS tables.\nIf you wish to reset iptables, "
        "you must do so manually by using the \"iptables\" command.\n\nIf your cluster was setup to utilize IPVS, run "
        "ipvsadm --clear (or similar)\nto reset your system's IPVS tables.\n\nThe reset process does not clean your "
        "kubeconfig files and you must remove them manually.\nPlease, check the contents of the $HOME/.kube/config "
        "file.")
    return 0


# ---------------------------------------------------------------- token, certs, upgrade, version

def admin_api(flags):
    path = flags.get("kubeconfig") or f"{K}/admin.conf"
    if not os.path.exists(path):
        raise Fail(f"failed to load admin kubeconfig: open {path}: no such file or directory\nTo see the stack trace "
                   f"of this error execute with --v=5 or higher")
    return RetryingApi(common.ApiClient.from_kubeconfig(path), 30), path


def cmd_token(argv):
    flags, pos = parse_flags(argv, ("print-join-command",))
    sub = pos[0] if pos else ""
    if sub == "generate":
        out(new_token())
        return 0
    api, path = admin_api(flags)
    if sub == "create":
        token = pos[1] if len(pos) > 1 else new_token()
        create_token(api, token, flags.get("ttl", "24h"), flags.get("description", ""),
                     flags.get("usages", "signing,authentication").split(","),
                     flags.get("groups").split(",") if flags.get("groups") else None)
        if flags.get("print-join-command") == "true":
            kc = common.Kubeconfig(path)
            ep = kc.server.split("://", 1)[1]
            out(f"kubeadm join {ep} --token {token} --discovery-token-ca-cert-hash "
                f"{common.spki_sha256(kc.ca_data)} ")
        else:
            out(token)
        return 0
    if sub == "list":
        st, secs = api.call("GET", "/api/v1/namespaces/kube-system/secrets")
        out(f"{'TOKEN':24}{'TTL':8}{'EXPIRES':22}{'USAGES':32}{'DESCRIPTION':32}EXTRA GROUPS")
        for s in secs.get("items", []):
            if s.get("type") != "bootstrap.kubernetes.io/token":
                continue
            d = {k: common.unb64(v).decode() for k, v in (s.get("data") or {}).items()}
            exp = d.get("expiration", "<forever>")
            ttl = "<forever>"
            if "expiration" in d:
                left = datetime.datetime.strptime(exp, "%Y-%m-%dT%H:%M:%SZ").replace(
                    tzinfo=datetime.timezone.utc) - datetime.datetime.now(datetime.timezone.utc)
                ttl = f"{max(0, int(left.total_seconds() // 3600))}h"
            usages = ",".join(k[len("usage-bootstrap-"):] for k in sorted(d) if k.startswith("usage-bootstrap-"))
            out(f"{d['token-id'] + '.' + d['token-secret']:24}{ttl:8}{exp:22}{usages:32}"
                f"{d.get('description', '<none>'):32}{d.get('auth-extra-groups', '')}")
        return 0
    if sub == "delete":
        for t in pos[1:]:
            tid = t.split(".")[0]
            st, _ = api.call("DELETE", f"/api/v1/namespaces/kube-system/secrets/bootstrap-token-{tid}")
            if st != 200:
                raise Fail(f"failed to delete bootstrap token \"{tid}\": secrets \"bootstrap-token-{tid}\" not found")
            out(f"bootstrap token \"{tid}\" deleted")
        return 0
    raise Fail(f"unknown command \"{sub}\" for \"kubeadm token\"")


def cert_table(pki):
    """(name, file, ca name, kind) for kubeadm's renewable certs present on this node."""
    rows = [("admin.conf", f"{K}/admin.conf", "ca", "kubeconfig"),
            ("apiserver", f"{pki}/apiserver.crt", "ca", "cert"),
            ("apiserver-etcd-client", f"{pki}/apiserver-etcd-client.crt", "etcd/ca", "cert"),
            ("apiserver-kubelet-client", f"{pki}/apiserver-kubelet-client.crt", "ca", "cert"),
            ("controller-manager.conf", f"{K}/controller-manager.conf", "ca", "kubeconfig"),
            ("etcd-healthcheck-client", f"{pki}/etcd/healthcheck-client.crt", "etcd/ca", "cert"),
            ("etcd-peer", f"{pki}/etcd/peer.crt", "etcd/ca", "cert"),
            ("etcd-server", f"{pki}/etcd/server.crt", "etcd/ca", "cert"),
            ("front-proxy-client", f"{pki}/front-proxy-client.crt", "front-proxy-ca", "cert"),
            ("scheduler.conf", f"{K}/scheduler.conf", "ca", "kubeconfig"),
            ("super-admin.conf", f"{K}/super-admin.conf", "ca", "kubeconfig")]
    return [r for r in rows if os.path.exists(r[1])]


def kubeconfig_cert(path):
    kc = common.Kubeconfig(path)
    return kc.cert_data, kc.key_data, kc


def renew_one(pki, name, path, ca, kind):
    ca_crt, ca_key = f"{pki}/{ca}.crt", f"{pki}/{ca}.key"
    if not os.path.exists(ca_key):
        return f"certificate {name} not renewed: CA key {ca_key} missing (external CA)"
    if kind == "cert":
        info = common.cert_info(path)
        c = info["cert"]
        from cryptography import x509
        eku = []
        try:
            eku = [u._name for u in c.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value]
        except x509.ExtensionNotFound:
            pass
        common.sign_cert(path, path[:-4] + ".key", ca_crt, ca_key, info["cn"], info["orgs"], info["dns"], info["ips"],
                         server="serverAuth" in eku, client="clientAuth" in eku, reuse_key=True)
    else:
        cert, key, kc = kubeconfig_cert(path)
        info = common.cert_info(cert)
        tmpkey = os.path.join(common.run_dir("tmp"), "renew.key")
        common.write_file(tmpkey, key, 0o600)
        new = common.sign_cert(None, tmpkey, ca_crt, ca_key, info["cn"], info["orgs"], client=True, reuse_key=True)
        os.unlink(tmpkey)
        doc = kc.doc
        for u in doc.get("users", []):
            if u.get("user", {}).get("client-certificate-data"):
                u["user"]["client-certificate-data"] = common.b64(new)
        common.write_file(path, common.dump_yaml(doc), 0o600)
    return None


RENEW_MSG = {"admin.conf": "certificate embedded in the kubeconfig file for the admin to use and for kubeadm itself",
             "apiserver": "certificate for serving the Kubernetes API",
             "apiserver-etcd-client": "certificate the apiserver uses to access etcd",
             "apiserver-kubelet-client": "certificate for the API server to connect to kubelet",
             "controller-manager.conf": "certificate embedded in the kubeconfig file for the controller manager to use",
             "etcd-healthcheck-client": "certificate for liveness probes to healthcheck etcd",
             "etcd-peer": "certificate for etcd nodes to communicate with each other",
             "etcd-server": "certificate for serving etcd",
             "front-proxy-client": "certificate for the front proxy client",
             "scheduler.conf": "certificate embedded in the kubeconfig file for the scheduler manager to use",
             "super-admin.conf": "certificate embedded in the kubeconfig file for the super-admin"}


def renew_all(pki, only=None):
    done = []
    for name, path, ca, kind in cert_table(pki):
        if only and name not in only:
            continue
        e = renew_one(pki, name, path, ca, kind)
        if e:
            warn(e)
        else:
            out(f"{RENEW_MSG[name]} renewed")
            done.append(name)
    return done


def cmd_certs(argv):
    flags, pos = parse_flags(argv)
    sub = pos[0] if pos else ""
    pki = K + "/pki"
    if flags.get("config"):
        docs = load_config(flags["config"], ("ClusterConfiguration", "InitConfiguration"))
        pki = cluster_defaults(docs.get("ClusterConfiguration"))["certificatesDir"]
    if sub == "certificate-key":
        out(secrets.token_hex(32))
        return 0
    if sub == "renew":
        what = pos[1] if len(pos) > 1 else ""
        if not what:
            raise Fail("missing subcommand; \"renew\" is not meant to be run on its own")
        if os.path.exists(f"{K}/admin.conf"):
            out("[renew] Reading configuration from the cluster...")
            out("[renew] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -o yaml'")
        names = [r[0] for r in cert_table(pki)]
        if what != "all" and what not in RENEW_MSG:
            raise Fail(f"unknown command \"{what}\" for \"kubeadm certs renew\"")
        renew_all(pki, None if what == "all" else [what])
        if what == "all":
            out("\nDone renewing certificates. You must restart the kube-apiserver, kube-controller-manager, "
                "kube-scheduler and etcd, so that they can use the new certificates.")
        elif what not in names:
            raise Fail(f"{what} not found on this node")
        return 0
    if sub == "check-expiration":
        if os.path.exists(f"{K}/admin.conf"):
            out("[check-expiration] Reading configuration from the cluster...")
            out("[check-expiration] FYI: You can look at this config file with 'kubectl -n kube-system get cm "
                "kubeadm-config -o yaml'\n")
        now = datetime.datetime.now(datetime.timezone.utc)

        def residual(na):
            d = na - now
            days = d.days
            if days >= 365:
                return f"{days // 365}y"
            if days >= 1:
                return f"{days}d"
            return f"{max(0, int(d.total_seconds() // 3600))}h"
        out(f"{'CERTIFICATE':27}{'EXPIRES':25}{'RESIDUAL TIME':16}{'CERTIFICATE AUTHORITY':24}EXTERNALLY MANAGED")
        for name, path, ca, kind in cert_table(pki):
            pem = kubeconfig_cert(path)[0] if kind == "kubeconfig" else open(path, "rb").read()
            na = common.cert_info(pem)["not_after"]
            ext = "no" if os.path.exists(f"{pki}/{ca}.key") else "yes"
            out(f"{name:27}{na.strftime('%b %d, %Y %H:%M UTC'):25}{residual(na):16}{ca.replace('/', '-') if ca != 'etcd/ca' else 'etcd-ca':24}{ext}")
        out(f"\n{'CERTIFICATE AUTHORITY':24}{'EXPIRES':25}{'RESIDUAL TIME':16}EXTERNALLY MANAGED")
        for ca, label in (("ca", "ca"), ("etcd/ca", "etcd-ca"), ("front-proxy-ca", "front-proxy-ca")):
            path = f"{pki}/{ca}.crt"
            if os.path.exists(path):
                na = common.cert_info(path)["not_after"]
                ext = "no" if os.path.exists(f"{pki}/{ca}.key") else "yes"
                out(f"{label:24}{na.strftime('%b %d, %Y %H:%M UTC'):25}{residual(na):16}{ext}")
        return 0
    raise Fail(f"unknown command \"{sub}\" for \"kubeadm certs\"")


def rewrite_manifest_images(version, etcd=True):
    changed = []
    for comp in ("kube-apiserver", "kube-controller-manager", "kube-scheduler") + (("etcd",) if etcd else ()):
        path = f"{MANIFESTS}/{comp}.yaml"
        if not os.path.exists(path):
            continue
        m = common.load_yaml(open(path))
        c = m["spec"]["containers"][0]
        repo = c["image"].rsplit(":", 1)[0]
        if comp == "etcd":
            minor = common.version_info(version)[1]
            tag = ETCD_IMAGES.get(minor, c["image"].rsplit(":", 1)[1])
        else:
            tag = version
        new = f"{repo}:{tag}"
        if new != c["image"]:
            backup = f"{K}/tmp/kubeadm-backup-manifests-{time.strftime('%Y-%m-%d-%H-%M-%S')}"
            os.makedirs(backup, exist_ok=True)
            shutil.copy2(path, os.path.join(backup, f"{comp}.yaml"))
            c["image"] = new
            text = common.dump_yaml(m)
            common.write_file(path, text, 0o600)
            changed.append(comp)
            out(f"[upgrade/staticpods] Moving new manifest to \"{path}\" and backing up old manifest to \"{backup}/{comp}.yaml\"")
            wait_static_pod(comp, text)
    return changed


def wait_static_pod(comp, text, timeout=300):
    """As kubeadm upgrade does, wait (timeouts.upgradeManifests, 5m) until the kubelet runs the new manifest: the
    kubelet stand-in records the hash of the manifest each pod was started from."""
    out(f"[upgrade/staticpods] Waiting for the kubelet to restart the component\n[upgrade/staticpods] This can take up "
        f"to {timeout // 60}m0s")
    if strict():
        # the kubelet notices the new manifest and restarts the pod: the scaled real time per component
        common.real_wait("static-pod-restart")
    want = hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()
    rec = f"/run/hakube-standins/pods/{comp}.yaml.json"
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if json.load(open(rec)).get("hash") == want:
                out(f"[apiclient] Found 1 Pods for label selector component={comp}\n[upgrade/staticpods] Component "
                    f"\"{comp}\" upgraded successfully!")
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.25)
    raise Fail(f"[upgrade/apply] FATAL: couldn't upgrade control plane. kubeadm has tried to recover everything into "
               f"the earlier state. Errors faced: timed out waiting for the condition: static Pod hash for component "
               f"{comp} on Node did not change after {timeout // 60}m0s")


def cluster_version(api):
    st, cm = api.call("GET", "/api/v1/namespaces/kube-system/configmaps/kubeadm-config")
    if st != 200:
        raise Fail("unable to fetch the kubeadm-config ConfigMap: " + str(cm.get("message", st)))
    return common.load_yaml(cm["data"]["ClusterConfiguration"]), cm


def cmd_upgrade(argv):
    flags, pos = parse_flags(argv, ("yes", "force", "dry-run", "etcd-upgrade", "certificate-renewal", "allow-experimental-upgrades"))
    sub = pos[0] if pos else ""
    api, _ = admin_api(flags) if sub in ("apply", "plan") or os.path.exists(f"{K}/admin.conf") else (None, None)
    if sub == "plan":
        out("[preflight] Running pre-flight checks.\n[upgrade/config] Reading configuration from the cluster...")
        cc, _ = cluster_version(api)
        out(f"[upgrade] Running cluster health checks\n[upgrade] Fetching available versions to upgrade to\n"
            f"[upgrade/versions] Cluster version: {cc['kubernetesVersion']}\n[upgrade/versions] kubeadm version: {VERSION}")
        return 0
    if sub == "apply":
        if not pos[1:]:
            raise Fail("missing one or more required arguments. Required arguments: [version]")
        target = pos[1] if pos[1].startswith("v") else "v" + pos[1]
        tv = common.version_info(target)
        out("[preflight] Running pre-flight checks.\n[upgrade/config] Reading configuration from the cluster...")
        cc, cm = cluster_version(api)
        cur = common.version_info(cc["kubernetesVersion"])
        if tv[:3] > KV[:3]:
            raise Fail(f"[upgrade/version] FATAL: the --version argument is invalid due to these fatal errors:\n\n\t- "
                       f"Specified version to upgrade to \"{target}\" is higher than the kubeadm version \"{VERSION}\". "
                       f"Upgrade kubeadm first using the tool you used to install kubeadm\n\nCan be bypassed if you "
                       f"pass the --force flag")
        if tv[1] > cur[1] + 1:
            raise Fail(f"[upgrade/version] FATAL: the --version argument is invalid due to these fatal errors:\n\n\t- "
                       f"Specified version to upgrade to \"{target}\" is too high; kubeadm can upgrade only 1 minor "
                       f"version at a time\n\nCan be bypassed if you pass the --force flag")
        if tv[:2] < cur[:2] and flags.get("force") != "true":
            raise Fail(f"[upgrade/version] FATAL: the --version argument is invalid due to these fatal errors:\n\n\t- "
                       f"Specified version to downgrade to \"{target}\" is not supported\n\nCan be bypassed if you pass "
                       f"the --force flag")
        if tv[:3] <= cur[:3] and flags.get("force") != "true":
            raise Fail(f"[upgrade/version] FATAL: the --version argument is invalid due to these fatal errors:\n\n\t- "
                       f"Specified version to upgrade to \"{target}\" is equal to or lower than the cluster version "
                       f"\"{cc['kubernetesVersion']}\". Downgrades are not supported yet\n\nCan be bypassed if you pass "
                       f"the --force flag")
        st, nodes = api.call("GET", "/api/v1/nodes")
        old_kubelets = sorted({n["status"]["nodeInfo"]["kubeletVersion"] for n in (nodes.get("items") or []) if st == 200
                               and common.version_info((n.get("status") or {}).get("nodeInfo", {}).get("kubeletVersion", "v0.0.0"))[1] + 3 < tv[1]})
        if old_kubelets:
            raise Fail(f"[upgrade/version] FATAL: the --version argument is invalid due to these fatal errors:\n\n\t- "
                       f"There are kubelets in this cluster that are too old that have these versions {old_kubelets}"
                       f"\n\nCan be bypassed if you pass the --force flag")
        kv = kubelet_version()
        out(f"[upgrade] Running cluster health checks")
        if flags.get("yes") != "true":
            sys.stdout.write(f"[upgrade] Are you sure you want to proceed? [y/N]: ")
            sys.stdout.flush()
            if sys.stdin.readline().strip().lower() != "y":
                raise Fail("won't proceed; the user didn't answer (Y|y) in order to continue")
        if strict():
            out("[upgrade/prepull] Pulling images required for setting up a Kubernetes cluster")
            pull_images(cc, "[upgrade/prepull]", target)
        out(f"[upgrade/apply] Upgrading your Static Pod-hosted control plane to version \"{target}\"...")
        rewrite_manifest_images(target, flags.get("etcd-upgrade", "true") == "true")
        if flags.get("certificate-renewal", "true") == "true":
            out("[upgrade/staticpods] Renewing certificates")
            renew_all(cc.get("certificatesDir", K + "/pki"))
        cc["kubernetesVersion"] = target
        upsert_configmap(api, "kube-system", "kubeadm-config", {"ClusterConfiguration": common.dump_yaml(cc)})
        out("[upgrade] Backing up kubelet config file to /etc/kubernetes/tmp/kubeadm-kubelet-config.yaml")
        out("[upgrade/addons] Applied essential addon: CoreDNS\n[upgrade/addons] Applied essential addon: kube-proxy")
        out(f"\n[upgrade/successful] SUCCESS! Your cluster was upgraded to \"{target}\". Enjoy!\n\n[upgrade/kubelet] "
            f"Now that your control plane is upgraded, please proceed with upgrading your kubelets if you haven't "
            f"already done so.")
        return 0
    if sub == "node":
        out("[upgrade] Reading configuration from the cluster...")
        if not os.path.exists(f"{K}/kubelet.conf"):
            raise Fail("couldn't create a Kubernetes client from file \"/etc/kubernetes/kubelet.conf\": open "
                       "/etc/kubernetes/kubelet.conf: no such file or directory")
        cli = api or RetryingApi(common.ApiClient.from_kubeconfig(f"{K}/kubelet.conf"), 30)
        cc, _ = cluster_version(cli)
        target = cc["kubernetesVersion"]
        if common.version_info(target)[:3] > KV[:3]:
            raise Fail(f"the cluster version \"{target}\" is higher than the kubeadm version \"{VERSION}\"")
        if os.path.exists(f"{MANIFESTS}/kube-apiserver.yaml"):
            if strict():
                pull_images(cc, "[upgrade/prepull]", target)
            out(f"[upgrade] Upgrading your Static Pod-hosted control plane instance to version \"{target}\"...")
            rewrite_manifest_images(target, flags.get("etcd-upgrade", "true") == "true")
            if flags.get("certificate-renewal", "true") == "true":
                renew_all(cc.get("certificatesDir", K + "/pki"))
        else:
            out("[upgrade] Skipping phase. Not a control plane node.")
        out("[upgrade] The configuration for this node was successfully updated!\n[upgrade] Now you should go ahead and "
            "upgrade the kubelet package using your package manager.")
        return 0
    raise Fail(f"unknown command \"{sub}\" for \"kubeadm upgrade\"")


def cmd_init_phase(argv):
    """`kubeadm init phase preflight|etcd local --config FILE` (cmd/kubeadm/app/cmd/phases/init)."""
    flags, pos = parse_flags(argv, ("dry-run",))
    docs = load_config(flags["config"], ("InitConfiguration", "ClusterConfiguration")) if flags.get("config") else {}
    ctx = Ctx(docs, flags)
    if pos[:1] == ["preflight"]:
        version_gate(ctx.cc["kubernetesVersion"])
        out("[preflight] Running pre-flight checks")
        strict_init_preflight(ctx)
        pull_images(ctx.cc)
        return 0
    if pos[:2] == ["etcd", "local"]:
        # phases/init/etcd.go runEtcdPhaseLocal, phases/etcd/local.go CreateLocalEtcdStaticPodManifestFile
        if "external" in ctx.cc["etcd"]:
            return 0  # "[etcd] External etcd mode. Skipping the creation of a manifest for local etcd" (--v=1)
        local = ctx.cc["etcd"]["local"]
        os.makedirs(local["dataDir"], mode=0o700, exist_ok=True)
        etcd_manifest(ctx)  # extraArgs (initial-cluster, initial-cluster-state, URLs...) merged over the defaults
        return 0
    raise Fail(f"unknown phase \"{' '.join(pos)}\" for \"kubeadm init phase\" (the lab stand-in has preflight and "
               f"etcd local)")


def cmd_config(argv):
    """`kubeadm config images list|pull [--config FILE] [--kubernetes-version V] [--image-repository R]`
    (cmd/config.go: --image-repository sets the ClusterConfiguration's imageRepository)."""
    flags, pos = parse_flags(argv)
    if pos[:1] != ["images"] or pos[1:2] not in (["list"], ["pull"]):
        raise Fail(f"unknown command \"{' '.join(pos)}\" for \"kubeadm config\" (the lab stand-in has images list|pull)")
    docs = load_config(flags["config"], ("InitConfiguration", "ClusterConfiguration")) if flags.get("config") else {}
    cc = cluster_defaults(docs.get("ClusterConfiguration"))
    if flags.get("kubernetes-version"):
        v = flags["kubernetes-version"]
        cc["kubernetesVersion"] = v if v.startswith("v") else "v" + v
    if flags.get("image-repository"):
        cc["imageRepository"] = flags["image-repository"]
    if pos[1] == "list":
        for img in control_plane_images(cc):
            out(img)
        return 0
    if common.lenient():
        for img in control_plane_images(cc):
            out(f"[config/images] Pulled {img}")
        return 0
    pull_images(cc, "[config/images]")
    return 0


def cmd_version(argv):
    flags, _ = parse_flags(argv)
    o = flags.get("output", "")
    v = VERSION
    info = {"major": str(KV[0]), "minor": str(KV[1]), "gitVersion": v, "gitCommit": "hakube-standin",
            "gitTreeState": "clean", "buildDate": "2024-12-10T00:00:00Z", "goVersion": "go1.22.9", "compiler": "gc",
            "platform": "linux/amd64"}
    if o == "short":
        out(v)
    elif o == "json":
        out(json.dumps({"clientVersion": info}, indent=2))
    elif o == "yaml":
        out(common.dump_yaml({"clientVersion": info}).rstrip())
    elif o:
        raise Fail(f"invalid output format: {o}")
    else:
        out("kubeadm version: &version.Info{" + ", ".join(f"{k[0].upper() + k[1:]}:\"{val}\"" for k, val in info.items())
            + "}")
    return 0


def main(argv):
    if not argv or argv[0] in ("-h", "--help", "help"):
        out("Usage:\n  kubeadm [command]\n\nAvailable Commands:\n  certs, init, join, reset, token, upgrade, version")
        return 0 if argv else 1
    cmd, rest = argv[0], argv[1:]
    handlers = {"init": cmd_init, "join": cmd_join, "reset": cmd_reset, "token": cmd_token, "certs": cmd_certs,
                "upgrade": cmd_upgrade, "version": cmd_version, "config": cmd_config}
    if cmd == "init" and rest[:1] == ["phase"] and strict():
        cmd, rest = "init phase", rest[1:]
        handlers["init phase"] = cmd_init_phase
    if cmd not in handlers:
        sys.stderr.write(f"unknown command \"{cmd}\" for \"kubeadm\"\nRun 'kubeadm --help' for usage.\n")
        return 1
    if cmd in ("init", "init phase", "join", "reset", "upgrade") and os.geteuid() != 0:
        sys.stderr.write("[preflight] Some fatal errors occurred:\n\t[ERROR IsPrivilegedUser]: user is not running as "
                         "root\n")
        return 1
    try:
        return handlers[cmd](rest)
    except Fail as e:
        sys.stderr.write(str(e).rstrip("\n") + "\n")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
