#!/usr/bin/python3
# containerd PLACEHOLDER for HaKube's lab hosts (test-only). Installed by the apt-get stand-in
# as /usr/local/sbin/containerd and run by the systemctl stand-in as containerd.service.
#
# Reproduces: `containerd --version` (Debian's package version), `containerd config default`
# (a short default config, config version 2: the sandbox image, the runc SystemdCgroup option and
# the CRI registry section with its empty config_path, as containerd 1.6's `config default`), and the
# CRI socket /run/containerd/containerd.sock (= /var/run/...) existing and accepting
# connections while the service runs, so prerequisite checks (kubeadm preflight, kubelet
# start-up) see a running runtime. At start it keeps a copy of /etc/containerd/config.toml as it
# read it (/run/hakube-standins/containerd/config.toml): containerd reads its config only at start,
# and the air-gapped pulls (registryclient.py) follow the registry settings it started with.
# Does not reproduce: everything else. It runs no containers, answers no CRI/gRPC call (it
# accepts and closes connections), pulls no images itself (registryclient.py does, in the caller).
import os
import shutil
import signal
import socket
import sys

VERSION = os.environ.get("HAKUBE_PKG_VERSION", "1.6.20~ds1-1+b1")
SOCK = "/run/containerd/containerd.sock"
STARTED_CONFIG = "/run/hakube-standins/containerd/config.toml"

DEFAULT_CONFIG = """disabled_plugins = []
imports = []
oom_score = 0
root = "/var/lib/containerd"
state = "/run/containerd"
version = 2

[grpc]
  address = "/run/containerd/containerd.sock"

[plugins]

  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "registry.k8s.io/pause:3.6"

    [plugins."io.containerd.grpc.v1.cri".containerd]
      default_runtime_name = "runc"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes]

        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
          runtime_type = "io.containerd.runc.v2"

          [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
            SystemdCgroup = false

    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = ""

      [plugins."io.containerd.grpc.v1.cri".registry.auths]

      [plugins."io.containerd.grpc.v1.cri".registry.configs]

      [plugins."io.containerd.grpc.v1.cri".registry.headers]

      [plugins."io.containerd.grpc.v1.cri".registry.mirrors]
"""


def main(argv):
    if argv[:1] in (["--version"], ["-v"], ["version"]):
        print(f"containerd github.com/containerd/containerd {VERSION.split('-')[0]} {VERSION}")
        return 0
    if argv[:2] == ["config", "default"]:
        sys.stdout.write(DEFAULT_CONFIG)
        return 0
    os.makedirs(os.path.dirname(STARTED_CONFIG), exist_ok=True)
    try:
        shutil.copyfile("/etc/containerd/config.toml", STARTED_CONFIG)
    except OSError:
        if os.path.exists(STARTED_CONFIG):
            os.unlink(STARTED_CONFIG)
    os.makedirs(os.path.dirname(SOCK), exist_ok=True)
    try:
        os.unlink(SOCK)
    except OSError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(SOCK)
    os.chmod(SOCK, 0o660)
    s.listen(64)

    def bye(*_):
        try:
            os.unlink(SOCK)
        finally:
            os._exit(0)
    signal.signal(signal.SIGTERM, bye)
    signal.signal(signal.SIGINT, bye)
    print("containerd placeholder: serving (no containers) on " + SOCK, flush=True)
    while True:
        c, _ = s.accept()
        c.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
