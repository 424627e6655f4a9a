#!/usr/bin/python3
# systemctl stand-in for HaKube's lab hosts (test-only). Lab hosts have no systemd; this
# supervises services inside the host's own PID namespace.
#
# Reproduces (as systemd documents it):
#   * commands: daemon-reload, start, stop, restart, try-restart, reload-or-restart, enable [--now],
#     disable [--now], is-active, is-enabled, is-failed, status, show [-p PROP[,PROP]] [--value],
#     reset-failed, mask, unmask, cat, list-units (brief), kill; unit names without a suffix get
#     ".service"; several units per command; exit codes (is-active 0/3, status 0/3/4,
#     is-enabled 0/1, unknown unit "Unit X.service not found." exit 5).
#   * unit files from /etc/systemd/system, /run/systemd/system and the packages' unit directory
#     (see below), in that precedence; drop-ins NAME.service.d/*.conf from all of them, applied
#     in file-name order; "ExecStart=" (empty) resets the list; Environment= (quoted
#     assignments, several per line), EnvironmentFile= (with "-" = optional), $VAR (split
#     on whitespace) and ${VAR} (one word) expansion in ExecStart, %n/%N/%p/%H/%% specifiers,
#     "-" prefix on ExecStart/ExecStartPre, ExecStartPre/ExecStartPost/ExecStop, WorkingDirectory=,
#     Restart=no|always|on-failure|on-abnormal|on-abort|on-success, RestartSec= (default 100ms),
#     StartLimitIntervalSec=/StartLimitInterval= + StartLimitBurst= (defaults 10s/5:
#     "start-limit-hit" then failed), TimeoutStopSec= (SIGTERM then SIGKILL), KillSignal=.
#   * the loaded configuration is what daemon-reload saw: a unit changed on disk since then
#     keeps its old configuration and start/restart print systemd's "changed on disk" warning;
#     a unit never loaded before is loaded from disk on demand.
#   * enable/disable create/remove the [Install] WantedBy=/RequiredBy= symlinks under
#     /etc/systemd/system/TARGET.wants/ and print "Created symlink"/"Removed" like systemctl.
#   * `systemctl hakube-boot` (lab-only verb, not systemd's): what boot does - daemon-reload, then
#     start every unit enabled under /etc/systemd/system/*.target.wants; lab hosts call it at power on.
#   * states: active (running), activating (auto-restart), deactivating, failed (exit-code,
#     signal, start-limit-hit), inactive (dead); NRestarts, MainPID, ExecMainStatus.
# Does not reproduce:
#   * no cgroups: stop kills the service's session/process group (its main process starts
#     in a new session), not every process it ever forked into another session (so static pods
#     the kubelet stand-in runs in their own sessions survive a kubelet stop, as containers do).
#   * Type=notify/dbus/forking are treated like simple (no sd_notify, no PIDFile tracking);
#     start returns once the main process is spawned. User=/Group= are ignored (runs as root).
#   * no dependencies/ordering (Requires=, After=, targets are not started), no sockets, timers,
#     mounts; no journal: output goes to /run/hakube-standins/log/UNIT.log (there is no journalctl
#     stand-in; `status` shows the last lines). Units of the real machine's /lib/systemd/system are not visible; the packages'
#     units installed by the apt-get stand-in live in /var/lib/hakube-standins/lib/systemd/system
#     (standing in for /usr/lib/systemd/system, which lab hosts share with the real machine).
#   * An ExecStart program under /usr/bin or /bin that does not exist is looked up in
#     /usr/local/sbin (where the apt-get stand-in installs kubelet etc.; the lab's /usr is shared).
import fcntl
import glob
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time

ETC = "/etc/systemd/system"
RUNDIR = "/run/systemd/system"
VENDOR = "/var/lib/hakube-standins/lib/systemd/system"
SEARCH = [ETC, RUNDIR, VENDOR]
BASE = "/run/hakube-standins/systemd"
LOGDIR = "/run/hakube-standins/log"
SNAPSHOT = BASE + "/loaded.json"
SELF = os.path.abspath(__file__)


def err(msg):
    sys.stderr.write(msg + "\n")


def unit_name(n):
    if n.endswith((".service", ".target", ".socket", ".timer", ".mount")):
        return n
    return n + ".service"


def udir(name):
    d = os.path.join(BASE, "units", name)
    os.makedirs(d, exist_ok=True)
    return d


# ---------------------------------------------------------------- unit files

def find_fragment(name):
    for d in SEARCH:
        p = os.path.join(d, name)
        if os.path.islink(p) and os.readlink(p) == "/dev/null":
            return p, True
        if os.path.isfile(p):
            # symlinks into directories this host cannot see (the real machine's /lib) do not count
            rp = os.path.realpath(p)
            if rp.startswith(("/lib/systemd", "/usr/lib/systemd")):
                continue
            return p, False
    return None, False


def find_dropins(name):
    seen = {}
    for d in reversed(SEARCH):  # higher precedence directories override the same file name
        for p in glob.glob(os.path.join(d, name + ".d", "*.conf")):
            seen[os.path.basename(p)] = p
    return [seen[k] for k in sorted(seen)]


def parse_ini(path, sections):
    cur = None
    lines = open(path, errors="replace").read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        i += 1
        while line.endswith("\\") and i < len(lines):
            line = line[:-1] + " " + lines[i].strip()
            i += 1
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            cur = sections.setdefault(line[1:-1], [])
            continue
        if "=" in line and cur is not None:
            k, v = line.split("=", 1)
            cur.append((k.strip(), v.strip()))


def specifiers(s, name):
    prefix = name.rsplit(".", 1)[0]
    host = open("/proc/sys/kernel/hostname").read().strip()
    out, i = [], 0
    while i < len(s):
        if s[i] == "%" and i + 1 < len(s):
            c = s[i + 1]
            out.append({"n": name, "N": prefix, "p": prefix.split("@")[0], "i": prefix.split("@", 1)[1] if "@" in prefix else "",
                        "H": host, "%": "%"}.get(c, "%" + c))
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def load_unit(name):
    frag, masked = find_fragment(name)
    if masked:
        return {"name": name, "load": "masked", "fragment": frag}
    if not frag:
        return None
    files = [frag] + find_dropins(name)
    sections = {}
    for f in files:
        parse_ini(f, sections)
    u = {"name": name, "load": "loaded", "fragment": frag, "dropins": files[1:],
         "mtimes": {f: os.stat(f).st_mtime_ns for f in files}, "exec": {}, "env": [], "envfiles": [],
         "service": {}, "unit": {}, "install": {}}
    for k, v in sections.get("Unit", []):
        u["unit"][k] = v
    for k, v in sections.get("Install", []):
        u["install"].setdefault(k, []).extend(v.split())
    for k, v in sections.get("Service", []):
        v = specifiers(v, name)
        if k in ("ExecStart", "ExecStartPre", "ExecStartPost", "ExecStop", "ExecReload"):
            if v == "":
                u["exec"][k] = []
            else:
                u["exec"].setdefault(k, []).append(v)
        elif k == "Environment":
            if v == "":
                u["env"] = []
            else:
                for a in shlex.split(v):
                    if "=" in a:
                        u["env"].append(a)
        elif k == "EnvironmentFile":
            if v == "":
                u["envfiles"] = []
            else:
                u["envfiles"].append(v)
        else:
            u["service"][k] = v
    return u


def all_unit_names():
    names = set()
    for d in SEARCH:
        for p in glob.glob(os.path.join(d, "*.service")):
            names.add(os.path.basename(p))
    return sorted(names)


def load_snapshot():
    try:
        with open(SNAPSHOT) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def save_snapshot(snap):
    os.makedirs(BASE, exist_ok=True)
    tmp = SNAPSHOT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(snap, f)
    os.replace(tmp, SNAPSHOT)


def changed_on_disk(u):
    cur = load_unit(u["name"])
    if cur is None:
        return True
    if u.get("load") != "loaded":
        return cur.get("load") != u.get("load")
    return cur.get("mtimes") != u.get("mtimes")


def get_unit(name, warn=False):
    """The loaded configuration of a unit (loading it on demand when never loaded)."""
    snap = load_snapshot()
    u = snap.get(name)
    if u is None or u.get("load") == "not-found":
        u = load_unit(name)
        if u is None:
            return None
        snap[name] = u
        save_snapshot(snap)
    elif warn and changed_on_disk(u):
        err(f"Warning: The unit file, source configuration file or drop-ins of {name} changed on disk. "
            f"Run 'systemctl daemon-reload' to reload units.")
    return u


def daemon_reload():
    snap = {}
    for n in all_unit_names():
        u = load_unit(n)
        if u:
            snap[n] = u
    old = load_snapshot()
    for n in old:  # units that were loaded and are still running keep a (not-found) record
        if n not in snap and read_state(n).get("active") in ("active", "activating"):
            o = dict(old[n])
            o["load"] = "not-found"
            snap[n] = o
    save_snapshot(snap)


# ---------------------------------------------------------------- runtime state

def read_state(name):
    try:
        with open(os.path.join(BASE, "units", name, "state.json")) as f:
            st = json.load(f)
    except (OSError, ValueError):
        return {"active": "inactive", "sub": "dead"}
    sp = st.get("supervisor")
    if st.get("active") in ("active", "activating", "deactivating") and not supervisor_alive(sp, name):
        st["active"], st["sub"] = "failed", "failed"
        st["result"] = st.get("result") or "signal"
    return st


def write_state(name, **kv):
    d = udir(name)
    p = os.path.join(d, "state.json")
    try:
        with open(p) as f:
            st = json.load(f)
    except (OSError, ValueError):
        st = {}
    st.update(kv)
    with open(p + ".tmp", "w") as f:
        json.dump(st, f)
    os.replace(p + ".tmp", p)


def supervisor_alive(pid, name):
    if not pid:
        return False
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().split(b"\0")
        with open(f"/proc/{pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                return False
    except OSError:
        return False
    return b"__supervise" in cmd and name.encode() in cmd


def lock(name):
    f = open(os.path.join(udir(name), "lock"), "w")
    fcntl.flock(f, fcntl.LOCK_EX)
    return f


# ---------------------------------------------------------------- supervisor

def unit_env(u):
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8",
           "HOME": "/root", "USER": "root", "LOGNAME": "root", "SHELL": "/bin/sh",
           "INVOCATION_ID": os.urandom(16).hex()}
    for k in ("HAKUBE_LAB_MARK", "HAKUBE_LAB_HOST"):  # the lab's process marks (teardown)
        if k in os.environ:
            env[k] = os.environ[k]
    for a in u["env"]:
        k, v = a.split("=", 1)
        env[k] = v
    for ef in u["envfiles"]:
        optional = ef.startswith("-")
        ef = ef.lstrip("-")
        try:
            with open(ef) as f:
                for line in f:
                    line = line.strip()
                    if not line or line[0] in "#;" or "=" not in line:
                        continue
                    k, v = line.split("=", 1)
                    v = v.strip()
                    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
                        v = v[1:-1]
                    env[k.strip()] = v
        except OSError:
            if not optional:
                raise RuntimeError(f"Failed to load environment files: {ef}")
    return env


def expand_cmd(line, env):
    flags = ""
    while line and line[0] in "-@+!:":
        flags += line[0]
        line = line[1:]
    words = []
    for w in shlex.split(line):
        m = re.fullmatch(r"\$([A-Za-z_][A-Za-z0-9_]*)", w)
        if m:
            words.extend(env.get(m.group(1), "").split())
            continue
        w = re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", lambda mm: env.get(mm.group(1), ""), w)
        words.append(w)
    if words and words[0].startswith(("/usr/bin/", "/bin/")) and not os.path.exists(words[0]):
        alt = os.path.join("/usr/local/sbin", os.path.basename(words[0]))
        if os.path.exists(alt):
            words[0] = alt
    return flags, words


def seconds(v, default):
    if v is None or v == "":
        return default
    if v in ("infinity",):
        return 1e9
    total, found = 0.0, False
    for num, unit in re.findall(r"([0-9.]+)\s*(ms|min|s|m|h|us)?", v):
        found = True
        total += float(num) * {"ms": 0.001, "us": 1e-6, "s": 1, "min": 60, "m": 60, "h": 3600, None: 1, "": 1}[unit]
    return total if found else default


class Supervisor:
    def __init__(self, name):
        self.name = name
        self.u = get_unit(name)
        self.stop_requested = False
        self.child = None
        self.stop_timeout = 20

    def run_aux(self, key, env, log):
        for line in self.u["exec"].get(key, []):
            flags, argv = expand_cmd(line, env)
            try:
                rc = subprocess.call(argv, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                     cwd=self.u["service"].get("WorkingDirectory", "/").lstrip("-") or "/")
            except OSError as e:
                log.write(f"{key}: {e}\n".encode())
                rc = 203
            if rc != 0 and "-" not in flags:
                return rc
        return 0

    def on_alarm(self, *_):
        if self.child:
            try:
                os.killpg(self.child.pid, signal.SIGKILL)
            except OSError:
                pass

    def on_term(self, *_):
        if self.stop_requested:
            return
        self.stop_requested = True
        signal.alarm(max(1, int(self.stop_timeout)))
        write_state(self.name, active="deactivating", sub="stop-sigterm")
        if self.child and self.child.poll() is None:
            sig = getattr(signal, self.u["service"].get("KillSignal", "SIGTERM"), signal.SIGTERM)
            try:
                os.killpg(self.child.pid, sig)
            except OSError:
                pass

    def main(self):
        signal.signal(signal.SIGTERM, self.on_term)
        signal.signal(signal.SIGALRM, self.on_alarm)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        os.makedirs(LOGDIR, exist_ok=True)
        log = open(os.path.join(LOGDIR, self.name + ".log"), "ab", buffering=0)
        svc = self.u["service"]
        restart = svc.get("Restart", "no")
        restart_sec = seconds(svc.get("RestartSec"), 0.1)
        interval = seconds(svc.get("StartLimitIntervalSec", self.u["unit"].get("StartLimitIntervalSec",
                                                                             svc.get("StartLimitInterval"))), 10)
        burst = int(svc.get("StartLimitBurst", self.u["unit"].get("StartLimitBurst", "5")))
        self.stop_timeout = min(seconds(svc.get("TimeoutStopSec"), 90), 20)
        starts = []
        nrestarts = 0
        while True:
            now = time.time()
            starts = [t for t in starts if interval and now - t < interval]
            if interval and len(starts) >= burst:
                log.write(f"{self.name}: Start request repeated too quickly.\n".encode())
                write_state(self.name, active="failed", sub="failed", result="start-limit-hit", main_pid=0)
                return
            starts.append(now)
            try:
                env = unit_env(self.u)
            except RuntimeError as e:
                log.write((str(e) + "\n").encode())
                write_state(self.name, active="failed", sub="failed", result="resources", main_pid=0)
                return
            rc = self.run_aux("ExecStartPre", env, log)
            code, status = None, None
            if rc != 0:
                code, status = "exited", rc
            else:
                lines = self.u["exec"].get("ExecStart", [])
                if not lines:
                    write_state(self.name, active="failed", sub="failed", result="resources", main_pid=0)
                    log.write(f"{self.name} has no ExecStart= setting. Refusing.\n".encode())
                    return
                flags, argv = expand_cmd(lines[-1], env)
                log.write(f"-- {time.strftime('%b %d %H:%M:%S')} Started {self.name}: {' '.join(argv)}\n".encode())
                try:
                    self.child = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                                  start_new_session=True, close_fds=True,
                                                  cwd=svc.get("WorkingDirectory", "/").lstrip("-") or "/")
                except OSError as e:
                    log.write(f"{self.name}: Failed to execute {argv[0] if argv else ''}: {e}\n".encode())
                    code, status = "exited", 203
                else:
                    write_state(self.name, active="active", sub="running", main_pid=self.child.pid,
                                since=time.time(), result="success", n_restarts=nrestarts)
                    self.run_aux("ExecStartPost", env, log)
                    while True:
                        try:
                            _, ws = os.waitpid(self.child.pid, 0)
                            rc = os.waitstatus_to_exitcode(ws)
                            break
                        except ChildProcessError:
                            rc = 0
                            break
                    signal.alarm(0)
                    # the rest of the service's process group goes with it
                    try:
                        os.killpg(self.child.pid, signal.SIGKILL)
                    except OSError:
                        pass
                    if rc < 0:
                        code, status = "killed", -rc
                    else:
                        code, status = "exited", rc
                    if "-" in flags and code == "exited":
                        status = 0
            if self.stop_requested:
                self.run_aux("ExecStop", env, log)
                write_state(self.name, active="inactive", sub="dead", main_pid=0, result="success",
                            exit_code=code, exit_status=status)
                return
            clean = code == "exited" and status == 0 or (code == "killed" and status in (signal.SIGTERM, signal.SIGHUP,
                                                                                       signal.SIGINT, signal.SIGPIPE))
            do = {"always": True, "on-failure": not clean, "on-abnormal": code == "killed" and not clean,
                  "on-abort": code == "killed" and not clean, "on-success": clean}.get(restart, False)
            result = "success" if clean else ("signal" if code == "killed" else "exit-code")
            log.write(f"{self.name}: Main process {code}, status={status}\n".encode())
            if not do:
                write_state(self.name, active="inactive" if clean else "failed", sub="dead" if clean else "failed",
                            main_pid=0, result=result, exit_code=code, exit_status=status)
                return
            write_state(self.name, active="activating", sub="auto-restart", main_pid=0, result=result,
                        exit_code=code, exit_status=status)
            deadline = time.time() + restart_sec
            while time.time() < deadline and not self.stop_requested:
                time.sleep(min(0.05, max(0.0, deadline - time.time())))
            if self.stop_requested:
                write_state(self.name, active="inactive", sub="dead", main_pid=0)
                return
            nrestarts += 1
            write_state(self.name, n_restarts=nrestarts)


# ---------------------------------------------------------------- commands

def start(name, no_block=False):
    u = get_unit(name, warn=True)
    if u is None or u.get("load") == "not-found":
        err(f"Failed to start {name}: Unit {name} not found.")
        return 5
    if u["load"] == "masked":
        err(f"Failed to start {name}: Unit {name} is masked.")
        return 1
    with lock(name):
        st = read_state(name)
        if st.get("active") in ("active", "activating") and supervisor_alive(st.get("supervisor"), name):
            return 0
        write_state(name, active="activating", sub="start", result="", main_pid=0, supervisor=0, n_restarts=0)
        os.makedirs(LOGDIR, exist_ok=True)
        with open(os.devnull, "rb") as dn, open(os.path.join(LOGDIR, name + ".log"), "ab") as lg:
            p = subprocess.Popen(["/usr/bin/python3", "-S", os.path.join(os.path.dirname(SELF), "launch.py"), SELF, "__supervise", name], stdin=dn, stdout=lg, stderr=lg,
                                 start_new_session=True, close_fds=True, cwd="/")
        write_state(name, supervisor=p.pid)
    if no_block:
        return 0
    for _ in range(200):  # bounded: 10 s
        st = read_state(name)
        if st.get("main_pid") or st.get("active") in ("failed", "inactive") or st.get("sub") == "auto-restart":
            break
        time.sleep(0.05)
    st = read_state(name)
    if st.get("active") == "failed" and st.get("result") in ("resources", "start-limit-hit"):
        err(f"Job for {name} failed because " + ("the control process exited with error code."
            if st.get("result") == "resources" else "start of the service was attempted too often.") +
            f"\nSee \"systemctl status {name}\" and \"journalctl -xeu {name}\" for details.")
        return 1
    return 0


def stop(name):
    u = get_unit(name)
    if u is None:
        err(f"Failed to stop {name}: Unit {name} not loaded.")
        return 5
    with lock(name):
        st = read_state(name)
        sp = st.get("supervisor")
        if not supervisor_alive(sp, name):
            if st.get("active") not in ("failed",):
                write_state(name, active="inactive", sub="dead", main_pid=0)
            return 0
        os.kill(sp, signal.SIGTERM)
        for _ in range(500):  # bounded: 25 s (the supervisor SIGKILLs after TimeoutStopSec, at most 20 s)
            if not supervisor_alive(sp, name):
                break
            time.sleep(0.05)
        if supervisor_alive(sp, name):
            os.kill(sp, signal.SIGKILL)
        st = read_state(name)
        if st.get("active") != "inactive":
            write_state(name, active="inactive", sub="dead", main_pid=0)
    return 0


def unit_file_state(name):
    u = get_unit(name)
    frag, masked = find_fragment(name)
    if masked:
        return "masked"
    if not frag:
        return None
    wants = []
    for d in SEARCH[:2]:
        wants += glob.glob(os.path.join(d, "*.wants", name)) + glob.glob(os.path.join(d, "*.requires", name))
    if wants:
        return "enabled"
    inst = (u or load_unit(name) or {}).get("install", {})
    if not any(inst.get(k) for k in ("WantedBy", "RequiredBy", "Also", "Alias")):
        return "static"
    return "disabled"


def enable(name):
    u = load_unit(name)
    if u is None:
        err(f"Failed to enable unit: Unit file {name} does not exist.")
        return 1
    if u["load"] == "masked":
        err(f"Failed to enable unit: Unit file {u['fragment']} is masked.")
        return 1
    targets = [(t, "wants") for t in u["install"].get("WantedBy", [])] + \
              [(t, "requires") for t in u["install"].get("RequiredBy", [])]
    if not targets:
        err(f"The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\nAlias= settings in the "
            f"[Install] section, and DefaultInstance= for template units).\nThis means they are not meant to be "
            f"enabled or disabled using systemctl.")
        return 0
    for t, kind in targets:
        d = os.path.join(ETC, f"{t}.{kind}")
        os.makedirs(d, exist_ok=True)
        link = os.path.join(d, name)
        if os.path.islink(link) and os.readlink(link) == u["fragment"]:
            continue
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(u["fragment"], link)
        err(f"Created symlink {link} \u2192 {u['fragment']}.")
    return 0


def disable(name):
    if find_fragment(name)[0] is None:
        err(f"Failed to disable unit: Unit file {name} does not exist.")
        return 1
    for p in sorted(glob.glob(os.path.join(ETC, "*.wants", name)) + glob.glob(os.path.join(ETC, "*.requires", name))):
        os.unlink(p)
        err(f"Removed \"{p}\".")
    return 0


def fmt_time(t):
    return time.strftime("%a %Y-%m-%d %H:%M:%S UTC", time.gmtime(t)) if t else ""


def ago(t):
    s = int(time.time() - t)
    if s < 60:
        return f"{s}s ago"
    if s < 3600:
        return f"{s // 60}min {s % 60}s ago"
    return f"{s // 3600}h {(s % 3600) // 60}min ago"


def status(name):
    u = get_unit(name)
    if u is None:
        err(f"Unit {name} could not be found.")
        return 4
    st = read_state(name)
    desc = u.get("unit", {}).get("Description", name)
    ufs = unit_file_state(name) or "bad"
    a, sub = st.get("active", "inactive"), st.get("sub", "dead")
    dot = "\u25cf" if a == "active" else ("\u00d7" if a == "failed" else "\u25cb")
    print(f"{dot} {name} - {desc}")
    if u["load"] == "masked":
        print("     Loaded: masked (Reason: Unit %s is masked.)" % name)
    else:
        print(f"     Loaded: {u['load']} ({u['fragment']}; {ufs}; preset: enabled)")
    if u.get("dropins"):
        groups = {}
        for p in u["dropins"]:
            groups.setdefault(os.path.dirname(p), []).append(os.path.basename(p))
        first = True
        for d, fs in groups.items():
            print(("    Drop-In: " if first else "             ") + d)
            print("             \u2514\u2500" + ", ".join(fs))
            first = False
    line = f"     Active: {a} ({sub})"
    if a == "active" and st.get("since"):
        line += f" since {fmt_time(st['since'])}; {ago(st['since'])}"
    elif a == "failed":
        line += f" (Result: {st.get('result', 'exit-code')})"
    print(line)
    if st.get("main_pid"):
        exe = ""
        try:
            exe = os.path.basename(open(f"/proc/{st['main_pid']}/cmdline", "rb").read().split(b"\0")[0].decode())
        except OSError:
            pass
        print(f"   Main PID: {st['main_pid']} ({exe})")
    elif st.get("exit_code"):
        print(f"    Process: ExecStart ({'code=' + st['exit_code']}, status={st.get('exit_status')})")
    try:
        with open(os.path.join(LOGDIR, name + ".log"), "rb") as f:
            f.seek(0, 2)
            f.seek(max(0, f.tell() - 4000))
            tail = f.read().decode(errors="replace").splitlines()[-10:]
        if tail:
            print()
            for t in tail:
                print(t)
    except OSError:
        pass
    return 0 if a == "active" else 3


def show(name, props, value_only):
    u = get_unit(name)
    st = read_state(name)
    if u is None:
        vals = {"Id": name, "Names": name, "LoadState": "not-found", "ActiveState": "inactive", "SubState": "dead",
                "UnitFileState": "", "MainPID": "0", "NRestarts": "0", "Result": "success", "FragmentPath": "",
                "Description": name}
    else:
        exec_lines = u["exec"].get("ExecStart", [])
        vals = {"Id": name, "Names": name, "LoadState": u["load"], "ActiveState": st.get("active", "inactive"),
                "SubState": st.get("sub", "dead"), "UnitFileState": unit_file_state(name) or "",
                "MainPID": str(st.get("main_pid") or 0), "NRestarts": str(st.get("n_restarts") or 0),
                "Result": st.get("result") or "success", "FragmentPath": u.get("fragment") or "",
                "DropInPaths": " ".join(u.get("dropins", [])), "Description": u.get("unit", {}).get("Description", name),
                "ExecMainStatus": str(st.get("exit_status") or 0),
                "ExecMainStartTimestamp": fmt_time(st.get("since")) if st.get("active") == "active" else "",
                "ActiveEnterTimestamp": fmt_time(st.get("since")) if st.get("since") else "",
                "Restart": u["service"].get("Restart", "no"), "Type": u["service"].get("Type", "simple"),
                "Environment": " ".join(u.get("env", [])),
                "ExecStart": "{ path=%s ; argv[]=%s }" % (exec_lines[-1].split()[0] if exec_lines else "",
                                                          exec_lines[-1] if exec_lines else ""),
                "NeedDaemonReload": "yes" if changed_on_disk(u) else "no"}
    keys = props or list(vals)
    for k in keys:
        v = vals.get(k, "")
        print(v if value_only else f"{k}={v}")
    return 0


def journalish_cat(name):
    u = get_unit(name)
    if u is None or not u.get("fragment"):
        err(f"No files found for {name}.")
        return 1
    for p in [u["fragment"]] + u.get("dropins", []):
        print(f"# {p}")
        print(open(p).read().rstrip("\n"))
        print()
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "__supervise":
        Supervisor(argv[1]).main()
        return 0
    opts, args = set(), []
    props, value_only = [], False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-p", "--property"):
            props += argv[i + 1].split(",")
            i += 2
            continue
        if a.startswith("--property="):
            props += a.split("=", 1)[1].split(",")
        elif a.startswith("-p") and len(a) > 2:
            props += a[2:].split(",")
        elif a == "--value":
            value_only = True
        elif a.startswith("-"):
            opts.add(a)
        else:
            args.append(a)
        i += 1
    if not args:
        args = ["list-units"]
    cmd, units = args[0], [unit_name(n) for n in args[1:]]
    quiet = "-q" in opts or "--quiet" in opts
    now = "--now" in opts
    if cmd == "daemon-reload":
        daemon_reload()
        return 0
    if cmd in ("start", "stop", "restart", "try-restart", "reload-or-restart", "reload", "enable", "disable",
               "is-active", "is-enabled", "is-failed", "status", "mask", "unmask", "reset-failed", "kill",
               "cat") and not units and cmd not in ("reset-failed", "status"):
        err(f"Too few arguments.")
        return 1
    rc = 0
    if cmd == "start":
        for n in units:
            rc = start(n, "--no-block" in opts) or rc
    elif cmd == "stop":
        for n in units:
            rc = stop(n) or rc
    elif cmd in ("restart", "reload-or-restart", "reload", "try-restart"):
        for n in units:
            if cmd == "try-restart" and read_state(n).get("active") not in ("active", "activating"):
                continue
            if get_unit(n) is None:
                err(f"Failed to restart {n}: Unit {n} not found.")
                rc = 5
                continue
            stop(n)
            rc = start(n, "--no-block" in opts) or rc
    elif cmd == "enable":
        for n in units:
            rc = enable(n) or rc
            if now and rc == 0:
                rc = start(n) or rc
    elif cmd == "disable":
        for n in units:
            rc = disable(n) or rc
            if now:
                stop(n)
    elif cmd == "is-active":
        rc = 3
        for n in units:
            a = read_state(n).get("active", "inactive") if get_unit(n) else "inactive"
            if not quiet:
                print(a)
            if a == "active":
                rc = 0
    elif cmd == "is-failed":
        rc = 1
        for n in units:
            a = read_state(n).get("active", "inactive") if get_unit(n) else "inactive"
            if not quiet:
                print(a)
            if a == "failed":
                rc = 0
    elif cmd == "is-enabled":
        rc = 1
        for n in units:
            s = unit_file_state(n)
            if s is None:
                err(f"Failed to get unit file state for {n}: No such file or directory")
                continue
            if not quiet:
                print(s)
            if s in ("enabled", "static", "alias", "indirect", "generated", "enabled-runtime"):
                rc = 0
    elif cmd == "status":
        for n in units:
            rc = max(rc, status(n))
    elif cmd == "show":
        for n in units or ["-"]:
            show(n, props, value_only)
    elif cmd == "reset-failed":
        for n in units or [os.path.basename(d) for d in glob.glob(os.path.join(BASE, "units", "*"))]:
            if read_state(n).get("active") == "failed":
                write_state(n, active="inactive", sub="dead", result="success")
    elif cmd == "mask":
        for n in units:
            link = os.path.join(ETC, n)
            if os.path.exists(link) and not os.path.islink(link):
                err(f"Failed to mask unit: File {link} already exists.")
                rc = 1
                continue
            if os.path.lexists(link):
                os.unlink(link)
            os.symlink("/dev/null", link)
            err(f"Created symlink {link} \u2192 /dev/null.")
    elif cmd == "unmask":
        for n in units:
            link = os.path.join(ETC, n)
            if os.path.islink(link) and os.readlink(link) == "/dev/null":
                os.unlink(link)
                err(f"Removed \"{link}\".")
    elif cmd == "kill":
        for n in units:
            st = read_state(n)
            if st.get("main_pid"):
                try:
                    os.killpg(st["main_pid"], signal.SIGTERM)
                except OSError:
                    pass
    elif cmd == "cat":
        for n in units:
            rc = journalish_cat(n) or rc
    elif cmd in ("list-units", "list-unit-files"):
        for n in sorted(set(all_unit_names()) | set(load_snapshot())):
            st = read_state(n)
            if cmd == "list-units":
                u = get_unit(n)
                print(f"{n:40} {(u or {}).get('load', 'not-found'):9} {st.get('active', 'inactive'):9} "
                      f"{st.get('sub', 'dead'):12} {(u or {}).get('unit', {}).get('Description', '')}")
            else:
                print(f"{n:40} {unit_file_state(n) or ''}")
    elif cmd == "hakube-boot":
        # lab-only verb: what systemd does at boot - start every enabled unit (multi-user.target wants)
        daemon_reload()
        for link in sorted(glob.glob(os.path.join(ETC, "*.target.wants", "*.service"))):
            n = os.path.basename(link)
            u = get_unit(n)
            if u and u.get("load") == "loaded":
                start(n, no_block=True)
    elif cmd in ("--version", "version"):
        print("systemd 252 (252-hakube-standin)")
    else:
        err(f"Unknown command verb '{cmd}'.")
        return 1
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
