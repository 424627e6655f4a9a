# kubeadm's preflight checks for the strict lab's kubeadm stand-in (test-only; FIDELITY.md).
#
# Follows kubernetes/kubernetes cmd/kubeadm/app/preflight/checks.go and checks_linux.go
# (InitNodeChecks, JoinNodeChecks, addCommonChecks, addExecChecks, addIPv4Checks, addIPv6Checks,
# RunChecks): the same checks in the same order, with their names, messages and severities, and
# --ignore-preflight-errors / nodeRegistration.ignorePreflightErrors turning a check's errors into
# warnings (case-insensitive, "all" for every check). Version differences reproduced:
#   * crictl: a mandatory InPathCheck up to kubeadm 1.30, a warning in 1.31 (kubeadm uses the CRI
#     API since kubernetes#124685), no check from 1.32 (kubernetes/kubeadm#3064);
#   * conntrack: mandatory in every kubeadm before 1.32; from 1.32 only when the Kubernetes version
#     being deployed is older than 1.32 (kubernetes#126952), which for a join (no version) is never;
#   * ExternalEtcdVersion: every external endpoint's /version over TLS with the configured CA and
#     client pair, 3 retries 5 s apart (scaled), refused below MinExternalEtcdVersion (the minimum
#     of kubeadm's SupportedEtcdVersion map; 3.5.24-0 from 1.31.14, 1.32.10 and 1.33.6).
# Not reproduced: SystemVerification (kernel, cgroups: the lab machine's own kernel passes them),
# HTTPProxy/HTTPProxyCIDR (no proxy variables in the lab), Firewalld (no firewalld), the memory
# check's machine (the lab machine's RAM is what every host reports).
import json
import os
import shutil
import socket
import subprocess
import sys
import time

import common

KUBERNETES_DIR = "/etc/kubernetes"
MANIFESTS = KUBERNETES_DIR + "/manifests"
IPV4_FORWARD = "/proc/sys/net/ipv4/ip_forward"
IPV6_FORWARD = "/proc/sys/net/ipv6/conf/default/forwarding"
CONTROL_PLANE_MEM_MB = 1700
# SupportedEtcdVersion as the lab's kubeadm stand-in pins it (kubeadm.py ETCD_IMAGES), for the
# minimum: kubeadm's map covers the minors around its own (N-2 .. N+1).
RAISED_MIN = {31: 14, 32: 10, 33: 6}  # first patch with MinExternalEtcdVersion 3.5.24-0


def semver(v):
    """(major, minor, patch, has-no-prerelease, prerelease) for comparing like versionutil.Semantic."""
    core, _, pre = v.lstrip("v").partition("-")
    parts = [int(x) for x in core.split(".")[:3]]
    while len(parts) < 3:
        parts.append(0)
    return (*parts, 0 if pre else 1, pre)


def min_external_etcd(kv, etcd_images):
    if kv[1] in RAISED_MIN and kv[2] >= RAISED_MIN[kv[1]]:
        return "3.5.24-0"
    near = [etcd_images[m] for m in range(kv[1] - 2, kv[1] + 2) if m in etcd_images]
    return min(near, key=semver) if near else "3.5.15-0"


def port_in_use(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((common.host_ip(), port))
        return False
    except OSError:
        return True
    finally:
        s.close()


def on_path(exe):
    return shutil.which(exe, path=os.environ.get("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")) is not None


class Check:
    """One check: its name, warnings and errors (kubeadm's Checker)."""

    def __init__(self, name, errors=(), warnings=()):
        self.name, self.errors, self.warnings = name, list(errors), list(warnings)


def in_path(exe, mandatory):
    if on_path(exe):
        return Check(f"FileExisting-{exe}")
    msg = f"{exe} not found in system path"
    return Check(f"FileExisting-{exe}", [msg] if mandatory else [], [] if mandatory else [msg])


def file_available(path, label=None):
    name = label or "FileAvailable-" + path.replace("/", "-")
    return Check(name, [f"{path} already exists"] if os.path.exists(path) else [])


def file_existing(path, label=None):
    name = label or "FileExisting-" + path.replace("/", "-")
    return Check(name, [] if os.path.exists(path) else [f"{path} doesn't exist"])


def dir_available(path):
    name = "DirAvailable-" + path.replace("/", "-")
    try:
        empty = not os.listdir(path)
    except FileNotFoundError:
        empty = True
    except OSError as e:
        return Check(name, [f"unable to check if {path} is empty: {e}"])
    return Check(name, [] if empty else [f"{path} is not empty"])


def file_content(path, content="1"):
    name = "FileContent-" + path.replace("/", "-")
    try:
        with open(path) as f:
            data = f.read(len(content))
    except OSError:
        return Check(name, [f"{path} does not exist"])
    return Check(name, [] if data == content else [f"{path} contents are not set to {content}"])


def port_open(port):
    return Check(f"Port-{port}", [f"Port {port} is in use"] if port_in_use(port) else [])


def cri(sock):
    path = sock.split("://", 1)[-1]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(path)
        return None
    except OSError:
        return (f"container runtime is not running: output: time=\"{common.now_rfc3339()}\" level=fatal "
                f"msg=\"validate service connection: validate CRI v1 runtime API for endpoint \\\"{sock}\\\": rpc "
                f"error: code = Unavailable desc = connection error\"\n, error: exit status 1")
    finally:
        s.close()


def kubelet_version():
    exe = shutil.which("kubelet")
    if not exe:
        return None
    r = subprocess.run([exe, "--version"], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return common.version_info(r.stdout.split()[-1]) if r.stdout.split() else None


def hostname_check(name):
    warnings = []
    try:
        common.resolve(name)
    except OSError as e:
        warnings.append(f"hostname \"{name}\" could not be reached")
        warnings.append(f"hostname \"{name}\": lookup {name} on 127.0.0.53:53: no such host ({e})")
    return Check("Hostname", [], warnings)


def common_checks(kv, k8s_version, node_reg, systemctl):
    """addCommonChecks: k8s_version is the ClusterConfiguration's for init, "" for join."""
    checks = []
    sock = node_reg.get("criSocket") or "unix:///var/run/containerd/containerd.sock"
    if kv[1] <= 30 and not on_path("crictl"):
        # kubeadm <= 1.30 shells out to crictl: without it there is no runtime interface to check
        sys.stderr.write("[preflight] WARNING: Couldn't create the interface used for talking to the container "
                            "runtime: crictl is required by the container runtime: executable file not found in $PATH\n")
    else:
        err = cri(sock)
        checks.append(Check("CRI", [err] if err else []))
    try:
        swap = len(open("/proc/swaps").read().strip().splitlines()) > 1
    except OSError:
        swap = False
    checks.append(Check("Swap", [], ["swap is supported for cgroup v2 only. The kubelet must be properly configured "
                                     "to use swap. Please refer to https://kubernetes.io/docs/concepts/architecture/"
                                     "nodes/#swap-memory, or disable swap on the node"] if swap else []))
    # addExecChecks
    if kv[1] <= 30:
        checks.append(in_path("crictl", True))
    elif kv[1] == 31:
        checks.append(in_path("crictl", False))
    if kv[1] < 32:
        checks.append(in_path("conntrack", True))
    else:
        target = common.version_info(k8s_version) if k8s_version else None
        if target and target[:2] < (1, 32):
            checks.append(in_path("conntrack", True))
    for exe in ("ip", "iptables", "mount", "nsenter"):
        checks.append(in_path(exe, True))
    for exe in ("ebtables", "ethtool", "socat", "tc", "touch"):
        checks.append(in_path(exe, False))
    checks.append(Check("SystemVerification"))
    checks.append(hostname_check(node_reg.get("name") or socket.gethostname().lower()))
    kub = kubelet_version()
    if kub is None:
        checks.append(Check("KubeletVersion", ["couldn't get kubelet version: cannot execute 'kubelet --version': "
                                               "executable file not found in $PATH"]))
    else:
        errs = []
        if kub[1] < kv[1] - 3:
            errs.append(f"Kubelet version \"{'.'.join(map(str, kub))}\" is lower than kubeadm can support. Please "
                        f"upgrade kubelet")
        elif k8s_version:
            cp = common.version_info(k8s_version)
            if kub[:2] > cp[:2]:
                errs.append(f"the kubelet version is higher than the control plane version. This is not a supported "
                            f"version skew and may lead to a malfunctional cluster. Kubelet version: "
                            f"\"{'.'.join(map(str, kub))}\" Control plane version: \"{'.'.join(map(str, cp))}\"")
        checks.append(Check("KubeletVersion", errs))
    state = systemctl("is-enabled", "kubelet.service").stdout.strip()
    if state in ("", "not-found") or "not found" in state:
        checks.append(Check("Service-Kubelet", [], ["kubelet service does not exist"]))
    elif state != "enabled":
        checks.append(Check("Service-Kubelet", [], ["kubelet service is not enabled, please run 'systemctl enable "
                                                    "kubelet.service'"]))
    else:
        checks.append(Check("Service-Kubelet"))
    checks.append(port_open(10250))
    return checks


def ip_checks(ipv4, ipv6):
    checks = []
    if ipv4:
        checks.append(file_content(IPV4_FORWARD))
    if ipv6:
        checks.append(file_content(IPV6_FORWARD))
    return checks


def is_v6(value):
    return ":" in (value or "")


def init_checks(ctx, kv, etcd_images, systemctl, secondary=False, download_certs=False):
    """InitNodeChecks (also the control-plane half of a join, secondary=True)."""
    cc = ctx.cc
    checks = [Check("NumCPU", [] if (os.cpu_count() or 1) >= 2 else
                    [f"the number of available CPUs {os.cpu_count()} is less than the required 2"])]
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // (1024 * 1024)
    checks.append(Check("Mem", [] if mem >= CONTROL_PLANE_MEM_MB else
                        [f"the system RAM ({mem} MB) is less than the minimum {CONTROL_PLANE_MEM_MB} MB"]))
    target = common.version_info(cc["kubernetesVersion"])
    if target and target[:2] > kv[:2]:
        checks.append(Check("KubernetesVersion", [], [
            f"Kubernetes version is greater than kubeadm version. Please consider to upgrade kubeadm. Kubernetes "
            f"version: {cc['kubernetesVersion'].lstrip('v')}. Kubeadm version: {kv[0]}.{kv[1]}.x"]))
    for port in (ctx.port, 10259, 10257):
        checks.append(port_open(port))
    for comp in ("kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"):
        checks.append(file_available(f"{MANIFESTS}/{comp}.yaml"))
    net = cc.get("networking") or {}
    cidrs = [c for c in (net.get("serviceSubnet", "") + "," + (net.get("podSubnet") or "")).split(",") if c]
    ipv4 = any(not is_v6(c) for c in cidrs)
    ipv6 = any(is_v6(c) for c in cidrs)
    if not secondary:
        checks += common_checks(kv, cc["kubernetesVersion"], ctx.nr, systemctl)
        ipv4 = ipv4 or not is_v6(ctx.adv)
        ipv6 = ipv6 or is_v6(ctx.adv)
        checks += ip_checks(ipv4, ipv6)
        if "external" in cc["etcd"]:
            checks.append(external_etcd_version(cc["etcd"]["external"], kv, etcd_images))
    if "local" in cc["etcd"]:
        checks += [port_open(2379), port_open(2380), dir_available(cc["etcd"]["local"]["dataDir"])]
    if "external" in cc["etcd"] and not (secondary and download_certs):
        ext = cc["etcd"]["external"]
        for key in ("caFile", "certFile", "keyFile"):
            if ext.get(key):
                checks.append(file_existing(ext[key], "ExternalEtcdClientCertificates"))
    return checks


def join_checks(ctx, kv, systemctl, ca_path, endpoint):
    """JoinNodeChecks; endpoint is the discovery API server endpoint (host:port), if any."""
    checks = [file_available(f"{KUBERNETES_DIR}/kubelet.conf"),
              file_available(f"{KUBERNETES_DIR}/bootstrap-kubelet.conf")]
    checks += common_checks(kv, "", ctx.nr, systemctl)
    if not ctx.control_plane:
        checks.append(file_available(ca_path))
    if endpoint:
        host = endpoint.rsplit(":", 1)[0].strip("[]")
        if host.replace(".", "").isdigit():
            checks += ip_checks(True, False)
        elif ":" in host:
            checks += ip_checks(False, True)
    return checks


def external_etcd_version(ext, kv, etcd_images):
    """ExternalEtcdVersionCheck: GET ENDPOINT/version with the configured CA and client pair."""
    name = "ExternalEtcdVersion"
    minimum = min_external_etcd(kv, etcd_images)
    errors = []
    try:
        ctx = common.ssl_context(ca_file=ext.get("caFile") or None, cert_file=ext.get("certFile") or None,
                                 key_file=ext.get("keyFile") or None, verify=bool(ext.get("caFile")))
    except (OSError, ValueError) as e:
        return Check(name, [f"couldn't load external etcd's certificate and key pair {ext.get('certFile')}, "
                            f"{ext.get('keyFile')}: {e}"])
    for endpoint in ext.get("endpoints") or []:
        url = endpoint.rstrip("/") + "/version"
        body, err = None, None
        for attempt in range(4):  # externalEtcdRequestRetries = 3, 5 s apart
            if attempt:
                time.sleep(5 * common.time_scale())
            try:
                st, data = common.https_request(url, ctx=ctx, timeout=10)
                if 500 <= st <= 599:
                    err = f"server responded with non-successful status: {st}"
                    continue
                body, err = data, None
                break
            except (OSError, ValueError) as e:
                host = url.split("://", 1)[-1].split("/", 1)[0]
                why = "connect: connection refused" if isinstance(e, ConnectionRefusedError) else str(e)
                err = f"Get \"{url}\": dial tcp {host}: {why}"
        if body is None:
            errors.append(err)
            continue
        try:
            server = json.loads(body).get("etcdserver", "")
            have = semver(server)
        except (ValueError, AttributeError):
            errors.append(f"couldn't parse external etcd version \"{body[:40]!r}\"")
            continue
        if have < semver(minimum):
            errors.append(f"this version of kubeadm only supports external etcd version >= {minimum}. Current "
                          f"version: {server}")
    return Check(name, errors)


def run(checks, ignore, fail, phase="preflight"):
    """RunChecks: warnings printed as they come; errors collected, then the fatal message."""
    errors = []
    for c in checks:
        errs, warns = c.errors, list(c.warnings)
        if "all" in ignore or c.name.lower() in ignore:
            warns += errs
            errs = []
        for w in warns:
            sys.stderr.write(f"\t[WARNING {c.name}]: {w}\n")
        for e in errs:
            errors.append(f"\t[ERROR {c.name}]: {e}")
    if errors:
        raise fail(f"error execution phase {phase}: [preflight] Some fatal errors occurred:\n" + "\n".join(errors) +
                   "\n[preflight] If you know what you are doing, you can make a check non-fatal with "
                   "`--ignore-preflight-errors=...`\nTo see the stack trace of this error execute with --v=5 or higher")
