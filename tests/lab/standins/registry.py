#!/usr/bin/python3
# Lab container registry (test-only; FIDELITY.md "registry"): stands for the user's registry mirror
# in air-gapped tests. Run by tests on a lab address (never installed on hosts):
#   registry.py --listen 127.A.B.C:PORT --cert CRT --key KEY --log FILE [--serve-as PREFIX=UPSTREAM]
#
# Reproduces the part of the OCI distribution API (opencontainers/distribution-spec spec.md) that
# containerd's pull uses: `GET /v2/` (200, Docker-Distribution-API-Version: registry/2.0),
# `HEAD|GET /v2/<name>/manifests/<tag or digest>` (an OCI image index for linux/amd64 by tag, the
# manifest by digest, Docker-Content-Digest and Content-Type), `GET /v2/<name>/blobs/<digest>`;
# unknown names, tags and digests answer 404 with the spec's error codes (NAME_UNKNOWN,
# MANIFEST_UNKNOWN, BLOB_UNKNOWN). As a mirror it reads containerd's `?ns=<registry>` to know which
# upstream a name belongs to; `--serve-as k8s=registry.k8s.io` also serves registry.k8s.io's images
# under k8s/ as kubeadm names them with `imageRepository` (CoreDNS as k8s/coredns). Every request is
# a line of the log (labserver.py).
# The images it knows: every image kubeadm lists for the lab's Kubernetes catalogue (apt.py's
# minors and patches; kubeadm.py's pause, CoreDNS and etcd tags) and Debian containerd's default
# pause 3.6. Their content is synthetic: one small layer per image, digests computed as a
# registry does.
# Does not reproduce: authentication, pushes, tag listing, range requests, other platforms.
import gzip
import hashlib
import io
import json
import os
import re
import sys
import tarfile
import threading
import urllib.parse

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "hakube-standins"))
import labserver  # noqa: E402
import apt  # noqa: E402
import kubeadm  # noqa: E402

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def known_images():
    refs = {"registry.k8s.io/pause:3.6"}
    for minor, last in apt.CATALOGUE.items():
        for patch in range(last + 1):
            v = f"v1.{minor}.{patch}"
            refs.update(kubeadm.control_plane_images({"kubernetesVersion": v, "etcd": {"local": {}}}))
    return sorted(refs)


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def layer(ref):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w") as tar:
        content = f"{ref}\n".encode()
        info = tarfile.TarInfo("etc/hakube-lab-image")
        info.size, info.mtime = len(content), 0
        tar.addfile(info, io.BytesIO(content))
    return gzip.compress(raw.getvalue(), mtime=0)


class Store:
    """The known images; each one's blobs and manifests are made when its tag is first asked for
    (a pull always resolves the tag before it asks for digests)."""

    def __init__(self):
        self.tags = {}       # "host/name" -> {tag: index digest or None until made}
        self.manifests = {}  # digest -> (media type, bytes)
        self.blobs = {}      # digest -> bytes
        self.lock = threading.Lock()
        for ref in known_images():
            repo, tag = ref.rsplit(":", 1)
            self.tags.setdefault(repo, {})[tag] = None

    def tag(self, repo, tag):
        """The index digest of repo:tag, or None when the image is unknown."""
        with self.lock:
            if tag not in self.tags.get(repo, {}):
                return None
            if self.tags[repo][tag] is None:
                self.tags[repo][tag] = self.add(f"{repo}:{tag}")
            return self.tags[repo][tag]

    def add(self, ref):
        lay = layer(ref)
        cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Labels": {"hakube.lab/image": ref}},
                          "rootfs": {"type": "layers", "diff_ids": [digest(gzip.decompress(lay))]}},
                         sort_keys=True).encode()
        self.blobs[digest(lay)] = lay
        self.blobs[digest(cfg)] = cfg
        man = json.dumps({"schemaVersion": 2, "mediaType": MANIFEST,
                          "config": {"mediaType": CONFIG, "digest": digest(cfg), "size": len(cfg)},
                          "layers": [{"mediaType": LAYER, "digest": digest(lay), "size": len(lay)}]},
                         sort_keys=True).encode()
        self.manifests[digest(man)] = (MANIFEST, man)
        idx = json.dumps({"schemaVersion": 2, "mediaType": INDEX,
                          "manifests": [{"mediaType": MANIFEST, "digest": digest(man), "size": len(man),
                                         "platform": {"architecture": "amd64", "os": "linux"}}]},
                         sort_keys=True).encode()
        self.manifests[digest(idx)] = (INDEX, idx)
        return digest(idx)


STORE = None
SERVE_AS = {}


def upstream_name(name, ns):
    """The image's upstream repository ("registry.k8s.io/pause") for a request's name and ns."""
    if ns:
        return f"{ns}/{name}"
    for prefix, upstream in SERVE_AS.items():
        if name.startswith(prefix + "/"):
            rest = name[len(prefix) + 1:]
            if upstream == "registry.k8s.io" and rest == "coredns":
                rest = "coredns/coredns"  # kubeadm's GetDNSImage: a custom repository has CoreDNS as coredns
            return f"{upstream}/{rest}"
    return None


def error(code, message):
    return json.dumps({"errors": [{"code": code, "message": message}]}).encode()


class Handler(labserver.LoggingHandler):
    def do_HEAD(self):
        self.answer(head=True)

    def do_GET(self):
        self.answer(head=False)

    def answer(self, head):
        u = urllib.parse.urlsplit(self.path)
        ns = (urllib.parse.parse_qs(u.query).get("ns") or [None])[0]
        json_type = {"Content-Type": "application/json", "Docker-Distribution-API-Version": "registry/2.0"}
        if u.path in ("/v2", "/v2/"):
            return self.send(200, b"{}", json_type, head)
        m = re.match(r"^/v2/(.+)/(manifests|blobs)/([^/]+)$", u.path)
        if not m:
            return self.send(404, error("NAME_UNKNOWN", "repository name not known to registry"), json_type, head)
        name, kind, ref = m.groups()
        repo = upstream_name(name, ns)
        if repo is None or repo not in STORE.tags:
            return self.send(404, error("NAME_UNKNOWN", "repository name not known to registry"), json_type, head)
        if kind == "blobs":
            data = STORE.blobs.get(ref)
            if data is None:
                return self.send(404, error("BLOB_UNKNOWN", "blob unknown to registry"), json_type, head)
            return self.send(200, data, {"Content-Type": "application/octet-stream", "Docker-Content-Digest": ref}, head)
        dgst = ref if ref.startswith("sha256:") else STORE.tag(repo, ref)
        if dgst is None or dgst not in STORE.manifests:
            return self.send(404, error("MANIFEST_UNKNOWN", "manifest unknown"), json_type, head)
        media, body = STORE.manifests[dgst]
        self.send(200, body, {"Content-Type": media, "Docker-Content-Digest": dgst}, head)


def main():
    global STORE
    ap = labserver.arguments("Lab OCI registry (test-only)")
    ap.add_argument("--serve-as", action="append", default=[], help="PREFIX=UPSTREAM, e.g. k8s=registry.k8s.io")
    ap.add_argument("--list", action="store_true", help="print the images it serves and exit")
    args = ap.parse_args()
    if args.list:
        print("\n".join(known_images()))
        return 0
    for item in args.serve_as:
        prefix, _, upstream = item.partition("=")
        SERVE_AS[prefix.strip("/")] = upstream
    STORE = Store()
    labserver.serve(args, Handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
