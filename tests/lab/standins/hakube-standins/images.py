# The container runtime's image store for the strict lab (test-only; FIDELITY.md), shared by the
# kubelet, kubeadm (`config images pull`, preflight's image pull) and crictl stand-ins.
#
# Reproduces: an image is pulled once per host and then present (containerd keeps its store in
# /var/lib/containerd across reboots); a pull takes the scaled real time of one image
# (common.REAL_SECONDS["image-pull"]); `crictl images` lists repository, tag, a stable image ID and
# a size. Does not reproduce: digests and sizes of the real images, garbage collection.
# Outside air-gapped labs there is no network: any image name "pulls" (no registry to refuse a tag).
# On an air-gapped host (offline.py) a pull is a real one, through registry.py (containerd's resolver,
# below): it reaches the lab registry a hosts.toml names, or fails as containerd fails there.
import fcntl
import hashlib
import json
import os

import common
import offline
import registryclient

SIZES_MB = {"etcd": 57.0, "kube-apiserver": 28.3, "kube-controller-manager": 26.2, "kube-scheduler": 20.6,
            "kube-proxy": 30.2, "coredns": 18.6, "pause": 0.32}


def _path():
    return os.path.join(common.state_dir(), "images.json")


def load():
    try:
        with open(_path()) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def split(image):
    """(repository, tag) of an image reference without a digest."""
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        return image[:colon], image[colon + 1:]
    return image, "latest"


def image_id(image):
    """The stored image's ID (an air-gapped pull keeps the config digest), else a stable synthetic one."""
    rec = load().get(image)
    if rec and rec.get("id"):
        return rec["id"]
    return "sha256:" + hashlib.sha256(("hakube-lab-image:" + image).encode()).hexdigest()


def present(image):
    return image in load()


PullError = registryclient.PullError


def pull(image):
    """Pulls one image (scaled real time) unless present; returns True if it pulled. Raises
    PullError (containerd's message) when an air-gapped host cannot get it."""
    if present(image):
        return False
    record = None
    if offline.air_gapped():
        record = registryclient.pull(image)
    common.real_wait("image-pull")
    with open(_path() + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the kubelet and kubeadm may pull at once
        store = load()
        repo, _ = split(image)
        # an air-gapped pull keeps the registry's config digest as the ID (sizes stay nominal: the lab
        # registry's layers are a few bytes)
        store[image] = {"id": record["id"] if record else "sha256:" + hashlib.sha256(("hakube-lab-image:" + image).encode()).hexdigest(),
                        "size_mb": SIZES_MB.get(repo.rsplit("/", 1)[-1], 40.0)}
        common.write_file(_path(), json.dumps(store, indent=1, sort_keys=True))
    return True


def sandbox_image():
    """containerd's sandbox image: sandbox_image in /etc/containerd/config.toml, else Debian 12's
    containerd 1.6.20 default registry.k8s.io/pause:3.6."""
    import re
    try:
        with open("/etc/containerd/config.toml") as f:
            m = re.search(r'^\s*sandbox_image\s*=\s*"([^"]+)"', f.read(), re.M)
            if m:
                return m.group(1)
    except OSError:
        pass
    return "registry.k8s.io/pause:3.6"
