# Debian 12 packages for the strict lab's apt-get stand-in (test-only; FIDELITY.md).
#
# Reproduces:
#   * which commands a package brings: the real machine's `dpkg-query -L PACKAGE` under /usr/bin
#     and /usr/sbin, plus the update-alternatives links its postinst makes (debian-packages.tsv);
#     installing copies them from the machine (seen at /run/hakube-lab/machine-usr) into the
#     host's own /usr overlay, removing deletes them again (lab.sh's whiteouts come back);
#   * the maintainer scripts' effects that matter (read with `dpkg-deb -e` from Debian 12's
#     etcd-server 3.4.23-4+b4 and haproxy 2.6.12-1+deb12u4): etcd-server's postinst makes
#     /var/lib/etcd (0700), enables etcd.service and starts it with the package's unit
#     (ETCD_NAME=%H, ETCD_DATA_DIR=/var/lib/etcd/default, EnvironmentFile=-/etc/default/etcd);
#     haproxy's postinst enables haproxy.service and starts it with the package's unit and
#     default /etc/haproxy/haproxy.cfg (no frontend); prerm stops the service on removal;
#     conffiles (/etc/default/etcd, /etc/haproxy/haproxy.cfg, /etc/default/haproxy) are written
#     only when absent and kept by remove (purge deletes them).
# Does not reproduce: dependencies among these packages (none of them needs another one of the
# list), the etcd and haproxy system users (the machine's /etc/passwd already has them), the
# configuration files of ca-certificates (/etc/ssl/certs is the machine's), man pages, debconf.
# Lab translation: Debian's etcd listens on localhost:2379/2380 by default; lab hosts share one
# network namespace, so the package's unit here sets the same URLs on the host's own address.
import json
import os
import shutil
import subprocess

import common

LIB = os.path.dirname(os.path.realpath(__file__))
MACHINE_USR = "/run/hakube-lab/machine-usr"
ORIGIN = "http://deb.debian.org/debian bookworm/main"

_table = None


def table():
    """{package: (version or None = the machine's, [extra command paths])} from debian-packages.tsv."""
    global _table
    if _table is None:
        _table = {}
        with open(os.path.join(LIB, "debian-packages.tsv")) as f:
            for line in f:
                if not line.strip() or line.startswith("#"):
                    continue
                pkg, version, extra = (line.rstrip("\n").split("\t") + ["-", "-"])[:3]
                _table[pkg] = (None if version == "-" else version, [] if extra == "-" else extra.split())
    return _table


def known(name):
    return not common.lenient() and name in table()


_machine = None


def machine_versions():
    """{package: version} of the table's packages that come from the machine and are installed on it.

    One dpkg-query run for all of them, kept in the host's /run while dpkg's status file stays the
    same: asked one at a time they were a dpkg-query run each (~25 ms of CPU reading the machine's
    whole status file), over a thousand in a suite, for answers that do not change during it."""
    global _machine
    if _machine is not None:
        return _machine
    try:
        st = os.stat("/var/lib/dpkg/status")
        key = f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        key = None
    cache = os.path.join(common.RUN, "machine-packages.json")
    if key:
        try:
            with open(cache) as f:
                saved = json.load(f)
            if saved.get("key") == key:
                _machine = saved["versions"]
                return _machine
        except (OSError, ValueError, AttributeError, KeyError):
            pass
    names = sorted(n for n, (fixed, _) in table().items() if fixed is None)
    r = subprocess.run(["/usr/bin/dpkg-query", "-W", "-f=${Package}\t${Status}\t${Version}\n", *names],
                       capture_output=True, text=True)
    versions = {}
    for line in r.stdout.splitlines():
        pkg, status, version = (line.split("\t") + ["", ""])[:3]
        if status == "install ok installed":
            versions[pkg] = version
    _machine = versions
    if key:
        try:
            tmp = os.path.join(common.run_dir(), f".machine-packages.{os.getpid()}")
            with open(tmp, "w") as f:
                json.dump({"key": key, "versions": versions}, f)
            os.replace(tmp, cache)
        except OSError:
            pass
    return versions


def machine_version(name):
    return machine_versions().get(name)


def version(name):
    fixed, _ = table()[name]
    return fixed or machine_version(name)


def commands(name):
    fixed, extra = table()[name]
    paths = list(extra)
    if fixed is None:
        r = subprocess.run(["/usr/bin/dpkg-query", "-L", name], capture_output=True, text=True)
        for p in r.stdout.splitlines():
            parts = p.split("/")
            if len(parts) == 3 and parts[1] in ("bin", "sbin") or len(parts) == 4 and parts[1] == "usr" \
                    and parts[2] in ("bin", "sbin"):
                paths.append(p if p.startswith("/usr/") else "/usr" + p)
    return sorted(set(paths))


def _copy_in(path):
    src = MACHINE_USR + path[len("/usr"):]
    if not os.path.lexists(src):
        return
    tmp = os.path.join(os.path.dirname(path), f".hakube-apt-{os.getpid()}-{os.path.basename(path)}")
    if os.path.lexists(tmp):
        os.unlink(tmp)
    if os.path.islink(src):
        os.symlink(os.readlink(src), tmp)
    else:
        shutil.copy2(src, tmp)
    os.replace(tmp, path)


def install_commands(name):
    if not os.path.isdir(MACHINE_USR + "/bin"):
        # a host without lab.sh's overlay (selftest.sh's own hosts) sees the machine's commands anyway
        if all(os.path.lexists(p) for p in commands(name)):
            return
        common.die(f"E: the strict lab's package store {MACHINE_USR} is missing on this host (lab.sh)", 100)
    for p in commands(name):
        _copy_in(p)


def remove_commands(name):
    if not os.path.isdir(MACHINE_USR + "/bin"):
        return  # the machine's own commands, not this host's (see install_commands)
    for p in commands(name):
        if os.path.lexists(p):
            os.unlink(p)


def vendor_dir():
    return common.state_dir("lib", "systemd", "system")


def _conffile(path, text, mode=0o644):
    if not os.path.exists(path):
        common.write_file(path, text, mode)


ETCD_UNIT = """[Unit]
Description=etcd - highly-available key value store
Documentation=https://etcd.io/docs
Documentation=man:etcd
After=network.target
Wants=network-online.target

[Service]
Environment=DAEMON_ARGS=
Environment=ETCD_NAME=%H
Environment=ETCD_DATA_DIR=/var/lib/etcd/default
# Lab translation (not in Debian's unit): etcd's default localhost URLs, on this host's address.
Environment=ETCD_LISTEN_CLIENT_URLS=http://{ip}:2379 ETCD_ADVERTISE_CLIENT_URLS=http://{ip}:2379
Environment=ETCD_LISTEN_PEER_URLS=http://{ip}:2380 ETCD_INITIAL_ADVERTISE_PEER_URLS=http://{ip}:2380
EnvironmentFile=-/etc/default/%p
Type=notify
User=etcd
PermissionsStartOnly=true
ExecStart=/usr/bin/etcd $DAEMON_ARGS
Restart=on-abnormal
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
Alias=etcd2.service
"""

ETCD_DEFAULT = """## etcd(1) daemon options (Debian's etcd-server conffile: comments only)
## Use environment to override, for example: ETCD_NAME=default
"""

HAPROXY_UNIT = """[Unit]
Description=HAProxy Load Balancer
Documentation=man:haproxy(1)
After=network-online.target rsyslog.service
Wants=network-online.target

[Service]
EnvironmentFile=-/etc/default/haproxy
EnvironmentFile=-/etc/sysconfig/haproxy
Environment="CONFIG=/etc/haproxy/haproxy.cfg" "PIDFILE=/run/haproxy.pid" "EXTRAOPTS=-S /run/haproxy-master.sock"
# Lab only: systemd-tmpfiles (haproxy.conf) makes /run/haproxy at boot on a real host.
ExecStartPre=/bin/mkdir -p /run/haproxy
ExecStart=/usr/sbin/haproxy -Ws -f $CONFIG -p $PIDFILE $EXTRAOPTS
ExecReload=/usr/sbin/haproxy -Ws -f $CONFIG -c -q $EXTRAOPTS
ExecReload=/bin/kill -USR2 $MAINPID
KillMode=mixed
Restart=always
SuccessExitStatus=143
Type=notify

[Install]
WantedBy=multi-user.target
"""

# Debian's default haproxy.cfg: process settings and HTTP defaults, no frontend or backend.
HAPROXY_CFG = """global
\tlog /dev/log\tlocal0
\tlog /dev/log\tlocal1 notice
\tchroot /var/lib/haproxy
\tstats socket /run/haproxy/admin.sock mode 660 level admin
\tstats timeout 30s
\tuser haproxy
\tgroup haproxy
\tdaemon

defaults
\tlog\tglobal
\tmode\thttp
\toption\thttplog
\toption\tdontlognull
\ttimeout connect 5000
\ttimeout client  50000
\ttimeout server  50000
"""

HAPROXY_DEFAULT = """# Defaults file for HAProxy (Debian's conffile: comments only)
#CONFIG="/etc/haproxy/haproxy.cfg"
#EXTRAOPTS="-de -m 16"
"""


def unpack(name):
    """The package's files besides its commands (dpkg's unpack)."""
    if name == "etcd-server":
        common.write_file(os.path.join(vendor_dir(), "etcd.service"), ETCD_UNIT.format(ip=common.host_ip()))
        _conffile("/etc/default/etcd", ETCD_DEFAULT)
    elif name == "haproxy":
        common.write_file(os.path.join(vendor_dir(), "haproxy.service"), HAPROXY_UNIT)
        _conffile("/etc/haproxy/haproxy.cfg", HAPROXY_CFG)
        _conffile("/etc/default/haproxy", HAPROXY_DEFAULT)


def postinst(name, systemctl):
    """configure: what the package's postinst does on a first installation."""
    if name == "etcd-server":
        os.makedirs("/var/lib/etcd", exist_ok=True)
        os.chmod("/var/lib/etcd", 0o700)
        systemctl("daemon-reload")
        systemctl("enable", "etcd.service")
        systemctl("start", "etcd.service")
    elif name == "haproxy":
        os.makedirs("/run/haproxy", exist_ok=True)
        systemctl("daemon-reload")
        systemctl("enable", "haproxy.service")
        systemctl("start", "haproxy.service")


def prerm(name, systemctl):
    unit = {"etcd-server": "etcd.service", "haproxy": "haproxy.service"}.get(name)
    if unit:
        systemctl("stop", unit)


def postrm(name, purge, systemctl):
    unit = {"etcd-server": "etcd.service", "haproxy": "haproxy.service"}.get(name)
    if unit:
        systemctl("disable", unit)
        try:
            os.unlink(os.path.join(vendor_dir(), unit))
        except OSError:
            pass
        systemctl("daemon-reload")
    if purge:
        for p in {"etcd-server": ["/etc/default/etcd"],
                  "haproxy": ["/etc/haproxy/haproxy.cfg", "/etc/default/haproxy"]}.get(name, []):
            try:
                os.unlink(p)
            except OSError:
                pass
