#!/usr/bin/python3
# apt-get / apt-mark / apt-cache / dpkg-query stand-in for HaKube's lab hosts (test-only),
# dispatched on the name it is called by. It never runs the real apt or dpkg and never changes
# the real machine's packages.
#
# Reproduces (as apt and the pkgs.k8s.io packages document it):
#   * `apt-get update`: reads the apt sources (/etc/apt/sources.list, sources.list.d/*.list and
#     *.sources) and makes the packages of every `https://pkgs.k8s.io/core:/stable:/v1.XX/deb/`
#     repository known; packages of a repository added later stay unknown until the next update
#     ("E: Unable to locate package kubelet", exit 100), as with apt.
#   * `apt-get install [-y] [--allow-change-held-packages] [--allow-downgrades] PKG[=VERSION]...`
#     for kubelet, kubeadm, kubectl (versions like 1.31.4-1.1, also the glob form `1.31.4-*`;
#     "E: Version '...' for 'kubelet' was not found"), their dependencies kubernetes-cni and
#     cri-tools, and containerd (Debian's); installing a held package at another version fails
#     with "E: Held packages were changed and -y was used without --allow-change-held-packages.";
#     a downgrade needs --allow-downgrades; without -y apt asks and a non-"y" answer aborts.
#     Packages the real machine has installed (haproxy, etcd-server...) are "already the newest
#     version". The dpkg frontend lock: a second apt-get on the same host fails with
#     "E: Could not get lock /var/lib/dpkg/lock-frontend..." unless -o DPkg::Lock::Timeout=N.
#   * `apt-get remove|purge [-y] PKG...`, `apt-mark hold|unhold|showhold PKG...` (messages as apt).
#   * `apt-cache madison|policy PKG`, `dpkg-query -W [-f=FORMAT] PKG` (${Package} ${Version}
#     ${Status} ${db:Status-Abbrev}; others delegated to the real read-only dpkg-query).
#   * Installing puts the stand-in binaries in /usr/local/sbin (kubelet, kubeadm, kubectl:
#     wrappers that carry the package version, so `kubeadm version -o short`, `kubelet --version`,
#     `kubectl version --client` report it) and the packages' systemd units
#     (kubelet.service with kubelet.service.d/10-kubeadm.conf; containerd.service) in
#     /var/lib/hakube-standins/lib/systemd/system, which the systemctl stand-in reads in place of
#     /usr/lib/systemd/system. Like the pkgs.k8s.io packages, kubelet is not enabled or started by
#     the install; Debian's containerd is enabled and started.
#   * on an air-gapped host (offline.py) apt reads its sources, proxy and keyrings and fetches
#     from the lab's apt mirror (aptfetch.py): `update` verifies InRelease with the real gpgv and
#     keeps the indices it fetched; `install` takes versions and dependencies from them and fetches
#     each .deb (size and SHA256 checked); packages of no index are "Unable to locate" unless installed.
# Does not reproduce:
#   * outside air-gapped hosts: no network, no signatures (the keyring file is not checked);
#   * no real dependency solver: the catalogue is a fixed list (minors 1.28-1.34, synthetic patch
#     ranges; see CATALOGUE), also what the lab mirror serves (aptmirror.py).
#   * containerd is a PLACEHOLDER (hakube-standins/containerd.py): it answers --version and
#     holds /run/containerd/containerd.sock open; it runs no containers.
#   * /etc/default/kubelet is not created (10-kubeadm.conf reads it optionally).
import fcntl
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import common  # noqa: E402
# Imported on first use (common.LazyModule): most calls need few of them.
fnmatch = common.LazyModule("fnmatch", globals())
glob = common.LazyModule("glob", globals())
subprocess = common.LazyModule("subprocess", globals())
debian = common.LazyModule("debian", globals())
offline = common.LazyModule("offline", globals())

LIB = os.path.dirname(os.path.realpath(__file__))
# latest patch per minor (synthetic, close to pkgs.k8s.io at the time of writing)
CATALOGUE = {28: 15, 29: 15, 30: 14, 31: 13, 32: 9, 33: 5, 34: 2}
CNI = {28: "1.2.0-2.1", 29: "1.3.0-1.1", 30: "1.4.0-1.1", 31: "1.5.1-1.1", 32: "1.6.0-1.1", 33: "1.6.0-1.1",
       34: "1.7.1-1.1"}
CONTAINERD = "1.6.20~ds1-1+b1"
K8S = ("kubelet", "kubeadm", "kubectl")
PROG = os.path.basename(sys.argv[0])


def err(msg):
    sys.stderr.write(msg + "\n")


def db_path():
    return os.path.join(common.state_dir(), "dpkg.json")


def load_db():
    try:
        with open(db_path()) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {"installed": {}, "held": [], "lists": []}


def save_db(db):
    common.write_file(db_path(), json.dumps(db, indent=1, sort_keys=True), 0o644)


def sources():
    """Minors of the pkgs.k8s.io repositories configured in the apt sources."""
    files = ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")) + \
        sorted(glob.glob("/etc/apt/sources.list.d/*.sources"))
    minors = set()
    for p in files:
        try:
            text = open(p).read()
        except OSError:
            continue
        for line in text.splitlines():
            line = line.split("#", 1)[0]
            for m in re.finditer(r"https?://pkgs\.k8s\.io/core:/stable:/v1\.(\d+)/deb/?", line):
                minors.add(int(m.group(1)))
    return sorted(minors)


def candidates(db, name):
    """[(version, origin)] newest first, from the lists fetched by the last update."""
    out = []
    if offline.air_gapped():
        return [(r["version"], r["origin"]) for r in db.get("index", []) if r["name"] == name]
    if name in K8S or name in ("kubernetes-cni", "cri-tools"):
        for minor in sorted(db.get("lists", []), reverse=True):
            if minor not in CATALOGUE:
                continue
            origin = f"https://pkgs.k8s.io/core:/stable:/v1.{minor}/deb"
            if name in K8S:
                for patch in range(CATALOGUE[minor], -1, -1):
                    out.append((f"1.{minor}.{patch}-1.1", origin))
            elif name == "kubernetes-cni":
                out.append((CNI[minor], origin))
            else:
                out.append((f"1.{minor}.0-1.1", origin))
    elif name == "containerd":
        out.append((CONTAINERD, "http://deb.debian.org/debian bookworm/main"))
    elif debian.known(name):
        v = debian.version(name)
        if v:
            out.append((v, debian.ORIGIN))
    return out


def kubeadm_depends(minor):
    """kubeadm's Depends by version (kubernetes/release cmd/krel/templates/latest/metadata.yaml):
    1.28-1.29 kubelet, kubectl, kubernetes-cni, cri-tools; 1.30-1.31 cri-tools; 1.32+ nothing."""
    if minor < 30:
        return ["kubelet", "kubectl", "kubernetes-cni", "cri-tools"]
    if minor < 32:
        return ["cri-tools"]
    return []


def vkey(v):
    return [int(x) if x.isdigit() else x for x in re.split(r"[.\-~+]", v)]


def real_installed(name):
    r = subprocess.run(["/usr/bin/dpkg-query", "-W", "-f=${Status}\t${Version}", name], capture_output=True, text=True)
    if r.returncode == 0 and r.stdout.startswith("install ok installed"):
        return r.stdout.split("\t", 1)[1]
    return None


class AptLock:
    def __init__(self, timeout):
        self.path = os.path.join(common.state_dir(), "lock-frontend")
        self.f = open(self.path, "a+")
        deadline = time.time() + timeout
        while True:
            try:
                fcntl.flock(self.f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.time() >= deadline:
                    try:
                        self.f.seek(0)
                        holder = self.f.read().strip()
                    except OSError:
                        holder = "?"
                    err(f"E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process {holder} (apt-get)")
                    err("E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), "
                        "is another process using it?")
                    sys.exit(100)
                time.sleep(0.2)
        self.f.seek(0)
        self.f.truncate()
        self.f.write(str(os.getpid()))
        self.f.flush()


# ---------------------------------------------------------------- package payloads

WRAPPER = """#!/bin/sh
# {name} {version}: lab stand-in installed by the apt-get stand-in (tests/lab/standins).
{fast}HAKUBE_PKG_VERSION={version} exec /usr/bin/python3 -S {lib}/launch.py {lib}/{script} "$@"
"""

# The version queries HaKube's probe and host preparation ask on every pass, answered in the shell
# with exactly what the Python stand-in prints: Python's start-up and imports cost ~0.2 s of CPU a
# call, which over a suite of thousands of calls is minutes of a 2-core machine.
VERSION_FAST_PATHS = {
    "kubeadm": [("version -o short", "v{v}")],
    "kubelet": [("--version", "Kubernetes v{v}")],
    "kubectl": [("version --client", "Client Version: v{v}\nKustomize Version: v5.4.2")],
}


def wrapper(name, version):
    upstream = version.split("-")[0]
    cases = ""
    for args, text in VERSION_FAST_PATHS.get(name, []):
        lines = " ".join(shell_quote(line) for line in text.format(v=upstream).split("\n"))
        cases += f"  {shell_quote(args)}) printf '%s\\n' {lines}; exit 0 ;;\n"
    fast = f'case "$*" in\n{cases}esac\n' if cases else ""
    return WRAPPER.format(name=name, version=version, lib=LIB, script=name + ".py", fast=fast)


def shell_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


KUBELET_UNIT = """[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
"""

KUBEADM_DROPIN = """# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort.
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
"""

CONTAINERD_UNIT = """[Unit]
Description=containerd container runtime (HaKube lab PLACEHOLDER: runs no containers)
Documentation=https://containerd.io
After=network.target local-fs.target

[Service]
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/bin/containerd
Type=notify
Delegate=yes
KillMode=process
Restart=always
RestartSec=5
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
OOMScoreAdjust=-999

[Install]
WantedBy=multi-user.target
"""


def vendor_dir():
    return common.state_dir("lib", "systemd", "system")


def install_files(name, version):
    if name in K8S or name == "containerd":
        common.require_private(common.SBIN)
        common.write_file(os.path.join(common.SBIN, name),
                          wrapper(name, version), 0o755)
    if name == "cri-tools":
        common.require_private(common.SBIN)
        common.write_file(os.path.join(common.SBIN, "crictl"), wrapper("crictl", version), 0o755)
    if name == "kubelet":
        v = vendor_dir()
        common.write_file(os.path.join(v, "kubelet.service"), KUBELET_UNIT)
        if common.lenient():
            common.write_file(os.path.join(v, "kubelet.service.d", "10-kubeadm.conf"), KUBEADM_DROPIN)
        elif not os.path.exists("/etc/default/kubelet"):
            # kubelet.env, a conffile of the kubelet package (kubernetes/release kubelet.spec)
            common.write_file("/etc/default/kubelet", "KUBELET_EXTRA_ARGS=\n")
        os.makedirs("/etc/kubernetes/manifests", exist_ok=True)
    if name == "kubeadm" and not common.lenient():
        # 10-kubeadm.conf is the kubeadm package's file (kubernetes/release kubeadm.spec)
        common.write_file(os.path.join(vendor_dir(), "kubelet.service.d", "10-kubeadm.conf"), KUBEADM_DROPIN)
    if name == "containerd":
        common.write_file(os.path.join(vendor_dir(), "containerd.service"), CONTAINERD_UNIT)


def remove_files(name):
    if name in K8S or name == "containerd":
        p = os.path.join(common.SBIN, name)
        if os.path.exists(p):
            os.unlink(p)
    if name == "cri-tools" and os.path.exists(os.path.join(common.SBIN, "crictl")):
        os.unlink(os.path.join(common.SBIN, "crictl"))
    if name == "kubeadm" and not common.lenient():
        try:
            os.unlink(os.path.join(vendor_dir(), "kubelet.service.d/10-kubeadm.conf"))
        except OSError:
            pass
    if name == "kubelet":
        for p in (("kubelet.service.d/10-kubeadm.conf", "kubelet.service") if common.lenient() else ("kubelet.service",)):
            try:
                os.unlink(os.path.join(vendor_dir(), p))
            except OSError:
                pass
    if name == "containerd":
        try:
            os.unlink(os.path.join(vendor_dir(), "containerd.service"))
        except OSError:
            pass


def systemctl(*args):
    subprocess.run([os.path.join(common.SBIN, "systemctl"), *args], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


# ---------------------------------------------------------------- apt-get

def apt_get(argv):
    opts, args, lock_timeout = set(), [], 0
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "-o":
            k, _, v = argv[i + 1].partition("=")
            if k.lower() == "dpkg::lock::timeout":
                lock_timeout = float(v)
            if k.lower() == "apt::install-recommends" and v.lower() in ("false", "0", "no"):
                opts.add("--no-install-recommends")
            i += 2
            continue
        if a.startswith("-") and not a.startswith("--") and len(a) > 2:
            opts.update("-" + c for c in a[1:])
        elif a.startswith("-"):
            opts.add(a)
        else:
            args.append(a)
        i += 1
    yes = bool({"-y", "--yes", "--assume-yes"} & opts)
    if not args:
        err("E: No command given")
        return 100
    cmd, names = args[0], args[1:]
    if cmd in ("install", "remove", "purge", "update", "upgrade", "autoremove") and os.geteuid() != 0:
        err("E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)")
        return 100
    _lock = AptLock(lock_timeout)  # noqa: F841
    db = load_db()
    if cmd == "update" and offline.air_gapped():
        return update_from_mirrors(db)
    if cmd == "update":
        minors = sources()
        n = 0
        for line in ["http://deb.debian.org/debian bookworm InRelease",
                     "http://deb.debian.org/debian bookworm-updates InRelease"]:
            n += 1
            print(f"Hit:{n} {line}")
        for m in minors:
            n += 1
            print(f"Get:{n} https://pkgs.k8s.io/core:/stable:/v1.{m}/deb  InRelease [1,189 B]")
        db["lists"] = minors
        save_db(db)
        print("Reading package lists...")
        return 0
    print("Reading package lists...\nBuilding dependency tree...\nReading state information...")
    if cmd == "install":
        return install(db, names, yes, opts)
    if cmd in ("remove", "purge"):
        return remove(db, names, yes, opts, cmd == "purge")
    if cmd in ("upgrade", "dist-upgrade", "autoremove", "clean", "autoclean"):
        print("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.")
        return 0
    err(f"E: Invalid operation {cmd}")
    return 100


def update_from_mirrors(db):
    """apt-get update on an air-gapped host: the sources' repositories, through aptfetch."""
    import aptfetch
    try:
        records, lines, warnings = aptfetch.update(1)
    except aptfetch.AcquireError as e:
        print("\n".join(line for line in e.lines if not line.startswith("W: ")))
        print("Reading package lists...")
        for line in e.lines:
            if line.startswith("W: "):
                err(line)
        err(f"E: {e}")
        return 100
    if lines:
        print("\n".join(lines))
    print("Reading package lists...")
    for w in warnings:
        err(w)
    db["index"] = records
    db["lists"] = []
    save_db(db)
    return 0


def record_of(db, name, version):
    return next((r for r in db.get("index", []) if r["name"] == name and r["version"] == version), None)


def install(db, names, yes, opts, no_recommends=False):
    plan = {}  # name -> version
    for spec in names:
        name, _, want = spec.partition("=")
        name = name.strip()
        cands = candidates(db, name)
        if not cands and offline.air_gapped():
            cur = db["installed"].get(name, {}).get("version")
            if cur:
                print(f"{name} is already the newest version ({cur}).")
                continue
            err(f"E: Unable to locate package {name}")
            return 100
        if not cands and not debian.known(name):
            real = real_installed(name)
            if real:
                print(f"{name} is already the newest version ({real}).")
                db["installed"].setdefault(name, {"version": real, "real": True})
                continue
            err(f"E: Unable to locate package {name}")
            return 100
        if want:
            match = [v for v, _ in cands if fnmatch.fnmatchcase(v, want)]
            if not match:
                err(f"E: Version '{want}' for '{name}' was not found")
                return 100
            ver = max(match, key=vkey)
            if ver != want:
                origin = next(o for v, o in cands if v == ver)
                print(f"Selected version '{ver}' ({origin} [amd64]) for '{name}'")
        else:
            ver = max((v for v, _ in cands), key=vkey)
        plan[name] = ver
    # dependencies (kubelet -> kubernetes-cni, kubeadm -> cri-tools, kubelet/kubectl/kubernetes-cni)
    deps = {}
    if common.lenient():
        for name, ver in list(plan.items()):
            minor = int(ver.split(".")[1]) if name in K8S else None
            if name == "kubelet" and "kubernetes-cni" not in db["installed"]:
                deps["kubernetes-cni"] = CNI.get(minor, "1.5.1-1.1")
            if name == "kubeadm":
                if "cri-tools" not in db["installed"]:
                    deps["cri-tools"] = f"1.{minor}.0-1.1"
    else:
        # pkgs.k8s.io's Depends/Recommends (kubernetes/release cmd/krel/templates/latest): kubelet
        # depends on kubernetes-cni and recommends iptables (installed unless --no-install-recommends);
        # kubeadm's dependencies change with its version (kubeadm_depends).
        recommends = "--no-install-recommends" not in opts and not no_recommends
        for name, ver in list(plan.items()):
            minor = int(ver.split(".")[1]) if name in K8S else None
            wanted = []
            if name == "kubelet":
                wanted = [("kubernetes-cni", CNI.get(minor, "1.5.1-1.1"))]
                if recommends:
                    wanted.append(("iptables", debian.version("iptables")))
            elif name == "kubeadm":
                for d in kubeadm_depends(minor):
                    best = max((v for v, _ in candidates(db, d)), key=vkey, default=None)
                    wanted.append((d, f"1.{minor}.0-1.1" if d == "cri-tools" else best))
            for d, v in wanted:
                if v and d not in db["installed"] and d not in plan:
                    if offline.air_gapped() and record_of(db, d, v) is None:
                        if d == "iptables":
                            continue  # a Recommends no index has is left out, as apt does
                        err("Some packages could not be installed. This may mean that you have\n"
                            "requested an impossible situation or if you are using the unstable\n"
                            "distribution that some required packages have not yet been created\n"
                            "or been moved out of Incoming.")
                        err(f"The following packages have unmet dependencies:\n {name} : Depends: {d} but it is not installable")
                        err("E: Unable to correct problems, you have held broken packages.")
                        return 100
                    deps[d] = v
    for d, v in deps.items():
        plan.setdefault(d, v)
    changes, held_changed, downgrades = [], [], []
    for name, ver in plan.items():
        cur = db["installed"].get(name, {}).get("version")
        if cur == ver:
            print(f"{name} is already the newest version ({ver}).")
            continue
        if name in db["held"]:
            held_changed.append(name)
        if cur and vkey(ver) < vkey(cur):
            downgrades.append(name)
        changes.append((name, cur, ver))
    if not changes:
        print("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.")
        return 0
    new = [n for n, c, _ in changes if not c]
    up = [n for n, c, v in changes if c and n not in downgrades]
    extra = [n for n in new if n in deps and n not in [s.partition("=")[0] for s in names]]
    if extra:
        print("The following additional packages will be installed:\n  " + " ".join(sorted(extra)))
    if held_changed:
        print("The following held packages will be changed:\n  " + " ".join(sorted(held_changed)))
    if new:
        print("The following NEW packages will be installed:\n  " + " ".join(sorted(new)))
    if up:
        print("The following packages will be upgraded:\n  " + " ".join(sorted(up)))
    if downgrades:
        print("The following packages will be DOWNGRADED:\n  " + " ".join(sorted(downgrades)))
    print(f"{len(up)} upgraded, {len(new)} newly installed, {len(downgrades)} downgraded, 0 to remove and 0 not upgraded.")
    if held_changed and yes and "--allow-change-held-packages" not in opts:
        err("E: Held packages were changed and -y was used without --allow-change-held-packages.")
        return 100
    if downgrades and yes and "--allow-downgrades" not in opts:
        err("E: Packages were downgraded and -y was used without --allow-downgrades.")
        return 100
    if not yes and (extra or held_changed or downgrades):
        sys.stdout.write("Do you want to continue? [Y/n] ")
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line or line.strip().lower() not in ("", "y", "yes"):
            print("Abort.")
            return 1
    if offline.air_gapped():
        import aptfetch
        for i, (name, cur, ver) in enumerate(changes, 1):
            rec = record_of(db, name, ver)
            try:
                size = aptfetch.download(rec)
            except aptfetch.AcquireError as e:
                err(f"E: {e}")
                return 100
            print(f"Get:{i} {rec['origin']} {name} amd64 {ver} [{size:,} B]")
    else:
        for name, cur, ver in changes:
            print(f"Get: {name} {ver} [stand-in]")
    for name, cur, ver in changes:
        if cur:
            print(f"Preparing to unpack .../{name}_{ver}_amd64.deb ...\nUnpacking {name} ({ver}) over ({cur}) ...")
        else:
            print(f"Selecting previously unselected package {name}.\nUnpacking {name} ({ver}) ...")
        if debian.known(name):
            debian.install_commands(name)
            debian.unpack(name)
        else:
            install_files(name, ver)
        db["installed"][name] = {"version": ver}
        save_db(db)
    for name, cur, ver in changes:
        print(f"Setting up {name} ({ver}) ...")
        if debian.known(name) and not cur:
            debian.postinst(name, systemctl)
    if any(n == "containerd" for n, c, _ in changes):
        systemctl("daemon-reload")
        if not any(n == "containerd" and c for n, c, _ in changes):
            systemctl("enable", "containerd")
        systemctl("restart", "containerd")
    elif any(n == "kubelet" for n, _, _ in changes):
        systemctl("daemon-reload")
    return 0


def remove(db, names, yes, opts, purge):
    gone = []
    for spec in names:
        name = spec.partition("=")[0]
        if name not in db["installed"] or db["installed"][name].get("real"):
            if not candidates(db, name) and not real_installed(name) and name not in db["installed"]:
                err(f"E: Unable to locate package {name}")
                return 100
            print(f"Package '{name}' is not installed, so not removed")
            continue
        gone.append(name)
    if not gone:
        print("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.")
        return 0
    held = [n for n in gone if n in db["held"]]
    print("The following packages will be REMOVED:\n  " + " ".join(sorted(gone)))
    if held:
        print("The following held packages will be changed:\n  " + " ".join(sorted(held)))
    print(f"0 upgraded, 0 newly installed, {len(gone)} to remove and 0 not upgraded.")
    if held and yes and "--allow-change-held-packages" not in opts:
        err("E: Held packages were changed and -y was used without --allow-change-held-packages.")
        return 100
    if not yes:
        sys.stdout.write("Do you want to continue? [Y/n] ")
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line or line.strip().lower() not in ("y", "yes", ""):
            print("Abort.")
            return 1
    for n in gone:
        if n in ("kubelet", "containerd"):
            systemctl("stop", n)
        print(f"Removing {n} ({db['installed'][n]['version']}) ...")
        if debian.known(n):
            debian.prerm(n, systemctl)
            debian.remove_commands(n)
            debian.postrm(n, purge, systemctl)
        else:
            remove_files(n)
        del db["installed"][n]
        if n in db["held"]:
            db["held"].remove(n)
    save_db(db)
    return 0


# ---------------------------------------------------------------- apt-mark, apt-cache, dpkg-query

def apt_mark(argv):
    args = [a for a in argv if not a.startswith("-")]
    if not args:
        err("E: No command given")
        return 100
    cmd, names = args[0], args[1:]
    db = load_db()
    if cmd == "showhold":
        for n in sorted(db["held"]):
            print(n)
        return 0
    if cmd in ("hold", "unhold"):
        if os.geteuid() != 0:
            err("E: Could not create temporary file for /var/lib/apt/extended_states - mkstemp (13: Permission denied)")
            return 100
        for n in names:
            if n not in db["installed"] and not candidates(db, n):
                err(f"E: Unable to locate package {n}")
                return 100
        for n in names:
            if cmd == "hold":
                if n in db["held"]:
                    print(f"{n} was already set on hold.")
                else:
                    db["held"].append(n)
                    print(f"{n} set on hold.")
            else:
                if n in db["held"]:
                    db["held"].remove(n)
                    print(f"Canceled hold on {n}.")
                else:
                    print(f"{n} was already not on hold.")
        save_db(db)
        return 0
    if cmd in ("showmanual", "showauto", "manual", "auto"):
        return 0
    err(f"E: Invalid operation {cmd}")
    return 100


def apt_cache(argv):
    args = [a for a in argv if not a.startswith("-")]
    if not args:
        err("E: No command given")
        return 100
    cmd, names = args[0], args[1:]
    db = load_db()
    if cmd == "madison":
        for n in names:
            for v, o in sorted(candidates(db, n), key=lambda x: vkey(x[0]), reverse=True):
                print(f"{n:>10} | {v:>12} | {o}  Packages")
        return 0
    if cmd == "policy":
        for n in names:
            c = candidates(db, n)
            inst = db["installed"].get(n, {}).get("version", "(none)")
            best = max((v for v, _ in c), key=vkey) if c else "(none)"
            print(f"{n}:\n  Installed: {inst}\n  Candidate: {best}\n  Version table:")
            for v, o in sorted(c, key=lambda x: vkey(x[0]), reverse=True):
                print(f" {'***' if v == inst else '   '} {v} 500\n        500 {o}  Packages")
        return 0
    if cmd == "show":
        for n in names:
            c = candidates(db, n)
            if not c:
                err(f"E: No packages found")
                return 100
            print(f"Package: {n}\nVersion: {max((v for v, _ in c), key=vkey)}\n")
        return 0
    err(f"E: Invalid operation {cmd}")
    return 100


def dpkg_query(argv):
    fmt, names, show = "${Package}\t${Version}\n", [], False
    delegate = False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-W", "--show"):
            show = True
        elif a.startswith("-f=") or a.startswith("--showformat="):
            fmt = a.split("=", 1)[1]
        elif a in ("-f", "--showformat"):
            fmt = argv[i + 1]
            i += 1
        elif a.startswith("-"):
            delegate = True
        else:
            names.append(a)
        i += 1
    if not show or delegate:
        os.execv("/usr/bin/dpkg-query", ["dpkg-query", *argv])
    db = load_db()
    rc = 0
    for n in names:
        rec = db["installed"].get(n)
        if debian.known(n):
            ver = rec["version"] if rec else None
        else:
            ver = rec["version"] if rec and not rec.get("real") else (real_installed(n) if n not in K8S else None)
        if ver is None:
            err(f"dpkg-query: no packages found matching {n}")
            rc = 1
            continue
        out = fmt.replace("${Package}", n).replace("${binary:Package}", n).replace("${Version}", ver) \
            .replace("${Status}", "install ok installed").replace("${db:Status-Abbrev}", "ii ") \
            .replace("\\n", "\n").replace("\\t", "\t")
        sys.stdout.write(out)
    return rc


def main():
    argv = sys.argv[1:]
    if PROG == "apt-mark":
        return apt_mark(argv)
    if PROG == "apt-cache":
        return apt_cache(argv)
    if PROG == "dpkg-query":
        return dpkg_query(argv)
    return apt_get(argv)


if __name__ == "__main__":
    sys.exit(main())
