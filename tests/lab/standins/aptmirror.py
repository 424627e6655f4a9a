#!/usr/bin/python3
# Lab apt mirror (test-only; FIDELITY.md "aptmirror"): stands for the user's package mirrors in
# air-gapped tests. Run by tests on a lab address (never installed on hosts):
#   aptmirror.py --listen 127.A.B.C:PORT --log FILE --gnupghome DIR [--cert CRT --key KEY]
#
# Reproduces pkgs.k8s.io's flat repositories as apt reads them (Debian's RepositoryFormat wiki),
# at the same paths: /core:/stable:/v1.XX/deb/{InRelease,Packages,Packages.gz,Release.key}, InRelease
# clear-signed with the key in --gnupghome (made by the test with the real gpg), listing kubelet,
# kubeadm, kubectl (1.XX.0 to the catalogue's last patch), cri-tools and kubernetes-cni at the
# versions of apt.py's catalogue, with kubeadm's Depends by minor; and the packages themselves
# (pool files) with the Size and SHA256 the index lists. Their content is synthetic: the apt-get
# stand-in installs its own payloads after checking them.
# Every request is a line of the log (labserver.py); unknown paths answer 404.
# Does not reproduce: a Debian archive (HaKube's spec.packages covers only the Kubernetes
# repository; the air-gapped test's hosts have their Debian packages from their golden image),
# by-hash paths, Packages.xz, Translation and Contents files, Release.gpg, other architectures.
import gzip
import hashlib
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "hakube-standins"))
import labserver  # noqa: E402
import apt  # noqa: E402

K8S_DEPENDS = {"kubelet": "kubernetes-cni", "kubectl": "", "kubernetes-cni": "", "cri-tools": ""}


def k8s_packages(minor):
    out = []
    for patch in range(apt.CATALOGUE[minor] + 1):
        for name in apt.K8S:
            depends = ", ".join(apt.kubeadm_depends(minor)) if name == "kubeadm" else K8S_DEPENDS[name]
            out.append((name, f"1.{minor}.{patch}-1.1", depends))
    out.append(("cri-tools", f"1.{minor}.0-1.1", ""))
    out.append(("kubernetes-cni", apt.CNI[minor], ""))
    return out


def deb_payload(name, version):
    return f"!<arch>\nhakube-lab-package {name} {version} amd64\n".encode()


class Repository:
    """One repository's files: {path: bytes} under its base path."""

    def __init__(self, base, index_dir, pool, packages, suite_fields, gnupghome):
        self.files = {}
        stanzas = []
        for name, version, depends in packages:
            data = deb_payload(name, version)
            first = name[:4] if name.startswith("lib") else name[0]
            filename = f"{pool}/{first}/{name}/{name}_{version}_amd64.deb"
            self.files[f"{base}{filename}"] = data
            stanza = [f"Package: {name}", f"Version: {version}", "Architecture: amd64",
                      "Maintainer: HaKube lab <lab@hakube.invalid>", f"Filename: {filename}", f"Size: {len(data)}",
                      f"SHA256: {hashlib.sha256(data).hexdigest()}", f"Description: {name} (lab mirror)"]
            if depends:
                stanza.insert(3, f"Depends: {depends}")
            stanzas.append("\n".join(stanza) + "\n")
        text = "\n".join(stanzas).encode()
        index = {f"{index_dir}Packages": text, f"{index_dir}Packages.gz": gzip.compress(text, mtime=0)}
        for rel, data in index.items():
            self.files[base + rel] = data
        release = suite_fields + [f"Date: {time.strftime('%a, %d %b %Y %H:%M:%S UTC', time.gmtime())}", "SHA256:"]
        suite_dir = index_dir.split("main/")[0] if index_dir else ""
        release += [f" {hashlib.sha256(d).hexdigest()} {len(d):>8} {rel[len(suite_dir):]}" for rel, d in sorted(index.items())]
        signed = subprocess.run(["gpg", "--homedir", gnupghome, "--batch", "--yes", "--digest-algo", "SHA512",
                                 "--clearsign"], input="\n".join(release).encode() + b"\n", capture_output=True,
                                check=True).stdout
        inrelease = base + suite_dir + "InRelease"
        self.files[inrelease] = signed


def build(gnupghome):
    files = {}
    key = subprocess.run(["gpg", "--homedir", gnupghome, "--batch", "--armor", "--export"], capture_output=True,
                         check=True).stdout
    for minor in sorted(apt.CATALOGUE):
        base = f"/core:/stable:/v1.{minor}/deb/"
        repo = Repository(base, "", "pool", k8s_packages(minor),
                          ["Origin: obs://build.opensuse.org/isv:kubernetes:core:stable:v1." + str(minor) + "/deb",
                           "Label: isv:kubernetes:core:stable:v1." + str(minor), "Architectures: amd64"], gnupghome)
        files.update(repo.files)
        files[base + "Release.key"] = key
    return files


FILES = {}


class Handler(labserver.LoggingHandler):
    def do_HEAD(self):
        self.answer(True)

    def do_GET(self):
        self.answer(False)

    def answer(self, head):
        path = self.path.split("?", 1)[0]
        data = FILES.get(path)
        if data is None:
            return self.send(404, b"Not Found\n", {"Content-Type": "text/plain"}, head)
        self.send(200, data, {"Content-Type": "application/octet-stream"}, head)


def main():
    global FILES
    ap = labserver.arguments("Lab apt mirror (test-only)")
    ap.add_argument("--gnupghome", required=True, help="GnuPG home whose secret key signs InRelease")
    ap.add_argument("--list", action="store_true", help="print the paths it serves and exit")
    args = ap.parse_args()
    FILES = build(args.gnupghome)
    if args.list:
        print("\n".join(sorted(FILES)))
        return 0
    labserver.serve(args, Handler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
