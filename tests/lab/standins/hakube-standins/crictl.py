#!/usr/bin/python3
# crictl stand-in for HaKube's strict lab (test-only). Installed with the cri-tools package by the
# apt-get stand-in as /usr/local/sbin/crictl. Follows kubernetes-sigs/cri-tools cmd/crictl
# (container.go, image.go, exec.go, info.go, version.go, main.go).
#
# Reproduces:
#   * the runtime endpoint: --runtime-endpoint/-r, else /etc/crictl.yaml `runtime-endpoint:`, else
#     the default endpoints with crictl's deprecation warning; a runtime socket that does not
#     answer fails every command with crictl's "validate service connection" fatal message.
#   * `ps [-a] [-q] [--name REGEX] [--state created|running|exited|unknown] [--no-trunc]
#     [--image IMAGE]`: the static pods the kubelet stand-in runs, one container each, newest first,
#     with the table columns CONTAINER IMAGE CREATED STATE NAME ATTEMPT POD ID POD NAMESPACE
#     (13-character IDs unless --no-trunc; running only unless -a or --state).
#   * `exec [-i] [-t] [-s] CONTAINER CMD...` (CONTAINER: an ID or a unique ID prefix): runs CMD in
#     the container's view: for etcd, the image's own tools only (etcd, etcdctl, etcdutl of etcd
#     3.5.16, /bin/sh and /bin/cp as in the etcd image of kubernetes cluster/images/etcd) with the
#     pod's host-path mounts (the host's /etc/kubernetes/pki/etcd and /var/lib/etcd); other images
#     (distroless kube-apiserver...) have no command to run, as their images have none; a
#     command the image lacks fails with runc's "executable file not found in $PATH"; exit code of
#     the command; stdin only with -i. Unknown or exited containers fail as crictl does.
#   * `images [-q]` (IMAGE TAG IMAGE ID SIZE), `pull IMAGE` (scaled real pull time),
#     `info` (status conditions and containerd's sandboxImage from /etc/containerd/config.toml,
#     Debian's default registry.k8s.io/pause:3.6 when unset), `version`, `--version`.
# Does not reproduce: pods (`pods`, `inspectp`), logs, stats, create/run/stop/rm, port-forward,
# JSON/YAML output, image digests, a container's own filesystem (absolute paths outside the
# image's tools reach the host), the CRI itself (this reads the kubelet stand-in's records).
# Lab translation: etcdctl in the etcd container reaches https://127.0.0.1:2379 as the host's own
# address (the etcd member listens there; lab hosts share one network namespace).
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import common  # noqa: E402
# Imported on first use (common.LazyModule): most calls need few of them.
glob = common.LazyModule("glob", globals())
socket = common.LazyModule("socket", globals())
subprocess = common.LazyModule("subprocess", globals())
images = common.LazyModule("images", globals())

VERSION = common.pkg_version()
PODS = "/run/hakube-standins/pods"
DEFAULT_ENDPOINTS = ["unix:///run/containerd/containerd.sock", "unix:///run/crio/crio.sock",
                     "unix:///var/run/cri-dockerd.sock"]
ETCD_DIR = "/opt/hakube-lab/etcd-3.5.16"
CTR_BIN = "/run/hakube-standins/containers/etcd-bin"


def fatal(msg, code=1):
    sys.stderr.write(f'time="{common.now_rfc3339()}" level=fatal msg="{msg}"\n')
    sys.exit(code)


def endpoint(flag):
    if flag:
        return flag
    try:
        with open("/etc/crictl.yaml") as f:
            for line in f:
                m = re.match(r"\s*runtime-endpoint\s*:\s*\"?([^\"\s]+)", line)
                if m:
                    return m.group(1)
    except OSError:
        pass
    sys.stderr.write(f'time="{common.now_rfc3339()}" level=warning msg="runtime connect using default endpoints: '
                     f'[{" ".join(DEFAULT_ENDPOINTS)}]. As the default settings are now deprecated, you should set the '
                     f'endpoint instead."\n')
    return DEFAULT_ENDPOINTS[0]


def connect(ep):
    path = ep.split("://", 1)[-1]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(path)
    except OSError as e:
        why = "no such file or directory" if isinstance(e, FileNotFoundError) else (e.strerror or str(e)).lower()
        fatal(f'validate service connection: validate CRI v1 runtime API for endpoint \\"{ep}\\": rpc error: '
              f'code = Unavailable desc = connection error: desc = \\"transport: Error while dialing: dial unix '
              f'{path}: connect: {why}\\"')
    finally:
        s.close()


def alive(rec):
    pid = rec.get("pid")
    if not pid:
        return False
    try:
        with open(f"/proc/{pid}/environ", "rb") as fh:
            env = fh.read().split(b"\0")
        with open(f"/proc/{pid}/stat") as fh:
            if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                return False
    except OSError:
        return False
    return f"HAKUBE_POD={rec.get('marker')}".encode() in env


def containers():
    out = []
    for p in glob.glob(os.path.join(PODS, "*.json")):
        try:
            rec = json.load(open(p))
        except (OSError, ValueError):
            continue
        if not rec.get("id") or rec.get("unsupported"):
            continue
        rec["state"] = "Running" if alive(rec) else "Exited"
        out.append(rec)
    out.sort(key=lambda r: r.get("started", 0), reverse=True)
    return out


def ago(t):
    d = max(0, time.time() - t)
    if d < 1:
        return "Less than a second ago"
    if d < 60:
        return f"{int(d)} seconds ago"
    if d < 3600:
        m = int(d // 60)
        return "About a minute ago" if m == 1 else f"{m} minutes ago"
    h = int(d // 3600)
    return "About an hour ago" if h == 1 else f"{h} hours ago"


def table(rows):
    # text/tabwriter as crictl sets it up: minimum width 20, padding 3
    widths = [max(20, max(len(r[i]) for r in rows) + 3) for i in range(len(rows[0]))]
    for r in rows:
        print("".join(c.ljust(w) for c, w in zip(r[:-1], widths[:-1])) + r[-1])


def parse(argv, bool_flags, value_flags):
    opts, rest = {}, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if rest or not a.startswith("-") or a == "-":
            rest.append(a)
        elif a == "--":
            rest.extend(argv[i + 1:])
            break
        else:
            k, eq, v = a.lstrip("-").partition("=")
            if k in bool_flags:
                opts[k] = True
            elif k in value_flags:
                if not eq:
                    i += 1
                    if i >= len(argv):
                        fatal(f"flag needs an argument: {a}")
                    v = argv[i]
                opts[k] = v
            elif len(k) > 1 and not a.startswith("--") and all(c in bool_flags for c in k):
                for c in k:
                    opts[c] = True
            else:
                fatal(f"flag provided but not defined: -{k}")
        i += 1
    return opts, rest


def cmd_ps(argv):
    o, _ = parse(argv, {"a", "all", "q", "quiet", "no-trunc", "v", "verbose"},
                 {"name", "state", "image", "id", "pod", "p", "o", "output"})
    state = (o.get("state") or "").lower()
    if state and state not in ("created", "running", "exited", "unknown"):
        fatal("list containers: --state should be one of created, running, exited or unknown")
    rows = [["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD", "NAMESPACE"]]
    name_re = re.compile(o["name"]) if o.get("name") else None
    for c in containers():
        if state:
            if c["state"].lower() != state:
                continue
        elif not (o.get("a") or o.get("all")) and c["state"] != "Running":
            continue
        if name_re and not name_re.search(c["component"]):
            continue
        if o.get("image") and o["image"] not in (c.get("image"), images.image_id(c.get("image", ""))):
            continue
        if o.get("id") and not c["id"].startswith(o["id"]):
            continue
        if o.get("q") or o.get("quiet"):
            print(c["id"])
            continue
        full = o.get("no-trunc")
        img = images.image_id(c.get("image", ""))
        rows.append([c["id"] if full else c["id"][:13], img if full else img[7:20], ago(c.get("started", 0)),
                     c["state"], c["component"], str(c.get("attempt", 0)),
                     c["pod_id"] if full else c["pod_id"][:13], c.get("pod_name", c["pod"]),
                     c.get("namespace", "kube-system")])
    if not (o.get("q") or o.get("quiet")):
        table(rows)
    return 0


def etcd_container_bin():
    """The etcd image's commands: etcd, etcdctl, etcdutl, sh, cp (cluster/images/etcd/Dockerfile)."""
    if os.path.exists(os.path.join(CTR_BIN, "etcdctl")):
        return CTR_BIN
    os.makedirs(CTR_BIN, exist_ok=True)
    ip = common.host_ip()
    wrapper = f"""#!/bin/bash
# Lab translation (crictl stand-in): etcdctl's loopback endpoints mean this host's address.
args=() seen=
for a in "$@"; do
  case $a in --endpoints=*|--endpoints) seen=1 ;; esac
  case $a in *127.0.0.1*|*localhost*) a=${{a//127.0.0.1/{ip}}}; a=${{a//localhost/{ip}}} ;; esac
  args+=("$a")
done
if [ -n "${{ETCDCTL_ENDPOINTS:-}}" ]; then
  ETCDCTL_ENDPOINTS=${{ETCDCTL_ENDPOINTS//127.0.0.1/{ip}}}; export ETCDCTL_ENDPOINTS=${{ETCDCTL_ENDPOINTS//localhost/{ip}}}
elif [ -z "$seen" ]; then
  export ETCDCTL_ENDPOINTS={ip}:2379
fi
exec {ETCD_DIR}/etcdctl "${{args[@]}}"
"""
    tmp = os.path.join(CTR_BIN, ".etcdctl.tmp")
    with open(tmp, "w") as f:
        f.write(wrapper)
    os.chmod(tmp, 0o755)
    for name, target in (("etcd", f"{ETCD_DIR}/etcd"), ("etcdutl", f"{ETCD_DIR}/etcdutl"), ("sh", "/bin/bash"),
                         ("cp", "/bin/cp")):
        link = os.path.join(CTR_BIN, name)
        if not os.path.lexists(link):
            os.symlink(target, link)
    os.replace(tmp, os.path.join(CTR_BIN, "etcdctl"))
    return CTR_BIN


def cmd_exec(argv):
    o, rest = parse(argv, {"i", "interactive", "t", "tty", "s", "sync", "q", "quiet", "transport"},
                    {"timeout", "e", "env"})
    if len(rest) < 2:
        fatal("execing command in container: command is required" if rest else "ID cannot be empty")
    cid, cmd = rest[0], rest[1:]
    found = [c for c in containers() if c["id"].startswith(cid)]
    if len(found) != 1:
        why = "not found" if not found else "ambiguous"
        fatal(f'execing command in container: rpc error: code = NotFound desc = an error occurred when try to find '
              f'container \\"{cid}\\": {why}')
    c = found[0]
    if c["state"] != "Running":
        fatal(f'execing command in container: rpc error: code = Unknown desc = container {c["id"]} is in '
              f'CONTAINER_EXITED state')
    oci = ('execing command in container: rpc error: code = Unknown desc = failed to exec in container: failed to '
           'start exec \\"{x}\\": OCI runtime exec failed: exec failed: unable to start container process: exec: '
           '\\"{cmd}\\": executable file not found in $PATH: unknown')
    if c["component"] != "etcd" or common.lenient() and not os.path.isdir(ETCD_DIR):
        fatal(oci.format(x=os.urandom(32).hex(), cmd=cmd[0]))
    path = etcd_container_bin()
    prog = cmd[0]
    if "/" in prog:
        if os.path.dirname(prog) in ("/usr/local/bin", "/bin", "/usr/bin") and \
                os.path.exists(os.path.join(path, os.path.basename(prog))):
            prog = os.path.join(path, os.path.basename(prog))
    elif os.path.exists(os.path.join(path, prog)):
        prog = os.path.join(path, prog)
    else:
        fatal(oci.format(x=os.urandom(32).hex(), cmd=prog))
    env = {"PATH": path, "HOSTNAME": socket.gethostname()}
    stdin = None if (o.get("i") or o.get("interactive")) else subprocess.DEVNULL
    try:
        return subprocess.run([prog, *cmd[1:]], env=env, cwd="/", stdin=stdin).returncode
    except OSError:
        fatal(oci.format(x=os.urandom(32).hex(), cmd=cmd[0]))


def cmd_images(argv):
    o, _ = parse(argv, {"q", "quiet", "a", "all", "digests", "no-trunc", "v", "verbose"}, {"o", "output"})
    store = images.load()
    if o.get("q") or o.get("quiet"):
        for rec in store.values():
            print(rec["id"])
        return 0
    rows = [["IMAGE", "TAG", "IMAGE ID", "SIZE"]]
    for image in sorted(store):
        repo, tag = images.split(image)
        rid = store[image]["id"]
        rows.append([repo, tag, rid if o.get("no-trunc") else rid[7:20], f"{store[image]['size_mb']:.3g}MB"])
    table(rows)
    return 0


def cmd_pull(argv):
    _, rest = parse(argv, set(), {"creds", "auth", "u", "username", "p", "pod-config", "pull-timeout"})
    if len(rest) != 1:
        fatal("Incorrect Usage: pull requires exactly one image")
    try:
        images.pull(rest[0])
    except images.PullError as e:
        fatal(f"pulling image: rpc error: code = Unknown desc = {common.go_quote(str(e))}")
    print(f"Image is up to date for {images.load()[rest[0]]['id']}")
    return 0


def cmd_info(_argv):
    info = {"status": {"conditions": [
        {"type": "RuntimeReady", "status": True, "reason": "", "message": ""},
        {"type": "NetworkReady", "status": False, "reason": "NetworkPluginNotReady",
         "message": "Network plugin returns error: cni plugin not initialized"}]},
        "config": {"sandboxImage": images.sandbox_image(), "containerd": {"defaultRuntimeName": "runc"}}}
    print(json.dumps(info, indent=2))
    return 0


def cmd_version(_argv):
    ver = "1.6.20~ds1"
    try:
        with open(os.path.join(common.STATE, "dpkg.json")) as f:
            ver = json.load(f)["installed"]["containerd"]["version"].split("-")[0]
    except (OSError, ValueError, KeyError):
        pass
    print("Version:  0.1.0")
    print("RuntimeName:  containerd")
    print(f"RuntimeVersion:  {ver}")
    print("RuntimeApiVersion:  v1")
    return 0


COMMANDS = {"ps": cmd_ps, "exec": cmd_exec, "images": cmd_images, "img": cmd_images, "pull": cmd_pull,
            "info": cmd_info, "version": cmd_version}


def main(argv):
    ep = None
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        a = argv[i]
        if a in ("--version", "-v"):
            print(f"crictl version {VERSION}")
            return 0
        if a in ("-r", "--runtime-endpoint", "-i", "--image-endpoint", "-t", "--timeout", "-c", "--config"):
            if a in ("-r", "--runtime-endpoint"):
                ep = argv[i + 1] if i + 1 < len(argv) else fatal(f"flag needs an argument: {a}")
            i += 2
            continue
        if a.startswith("--runtime-endpoint="):
            ep = a.split("=", 1)[1]
        elif a in ("-D", "--debug"):
            pass
        elif not a.startswith(("--image-endpoint=", "--timeout=", "--config=")):
            fatal(f"flag provided but not defined: {a}")
        i += 1
    if i >= len(argv):
        print("NAME:\n   crictl - client for CRI\n\nUSAGE:\n   crictl [global options] command [command options]")
        return 0
    sub = argv[i]
    if sub not in COMMANDS:
        fatal(f"No help topic for '{sub}'", 3)
    connect(endpoint(ep))
    return COMMANDS[sub](argv[i + 1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
