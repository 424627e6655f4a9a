# containerd's image pull as an air-gapped lab host makes it (test-only; FIDELITY.md "images.*").
# Follows containerd 1.6/1.7: docs/hosts.md, remotes/docker/config/hosts.go (ConfigureHosts),
# remotes/docker/resolver.go and the CRI plugin's registry config.
#
# Reproduces:
#   * reference normalisation (distribution/reference): "calico/node:v3" is docker.io/calico/node,
#     "busybox" docker.io/library/busybox, the tag "latest" by default;
#   * where containerd looks: `config_path` of [plugins."io.containerd.grpc.v1.cri".registry] in the
#     config.toml containerd STARTED with (containerd.py keeps a copy at start: a changed config.toml
#     needs a restart, as with containerd), then the first folder of <config_path>/<host>_<port>_,
#     <config_path>/<host>, <config_path>/_default that exists (config/hosts.go hostPaths) and its
#     hosts.toml; without any, the registry itself (docker.io is https://registry-1.docker.io,
#     localhost and loopback addresses plain http, anything else https);
#   * hosts.toml: `server`, `[host."URL"]` tried in file order before the server, `capabilities`
#     (resolve: the tag's manifest; pull: manifests by digest and blobs; default all), `ca` (a path
#     or a list, relative to the hosts.toml's folder), `skip_verify`, `override_path`; requests to a
#     mirror carry `?ns=<registry>`; a host that fails or answers 404 passes to the next one;
#   * containerd's HTTPS proxy: HTTPS_PROXY/NO_PROXY of the running containerd's environment (its
#     unit's Environment= and drop-ins, as systemd started it), Go's rules (offline.go_proxy);
#   * the pull: HEAD of the tag, the index and the linux/amd64 manifest by digest, the config and
#     every layer, each checked against its digest and size; the image ID is the config's digest;
#   * errors in containerd's words (failed to resolve reference, not found, dial tcp lookup).
# Does not reproduce: registry authentication (401 and tokens), client certificates, `header`,
# docker-style certs.d without hosts.toml, unpacking layers, other platforms.
import hashlib
import json
import os
import ssl
import tomllib

import common
import offline

STARTED_CONFIG = "/run/hakube-standins/containerd/config.toml"
ACCEPT = ", ".join(["application/vnd.oci.image.index.v1+json",
                    "application/vnd.docker.distribution.manifest.list.v2+json",
                    "application/vnd.oci.image.manifest.v1+json",
                    "application/vnd.docker.distribution.manifest.v2+json", "*/*"])
INDEX_TYPES = ("application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json")


class PullError(Exception):
    """containerd's error for one image; str() is its message."""


def normalize(image):
    """(registry host, repository path, reference) as distribution/reference reads image."""
    name, ref = image, "latest"
    if "@" in name:
        name, ref = name.split("@", 1)
    else:
        slash, colon = name.rfind("/"), name.rfind(":")
        if colon > slash:
            name, ref = name[:colon], name[colon + 1:]
    first, _, rest = name.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        host, path = first, rest
    else:
        host, path = "docker.io", name
    if host == "docker.io" and "/" not in path:
        path = "library/" + path
    return host, path, ref


def started_config():
    """containerd's config as it started (containerd.py copies it), {} when it had none."""
    try:
        with open(STARTED_CONFIG, "rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def config_path():
    cfg = started_config()
    cri = (cfg.get("plugins") or {}).get("io.containerd.grpc.v1.cri") or {}
    return (cri.get("registry") or {}).get("config_path") or ""


def default_server(host):
    """config/hosts.go's default: docker.io is registry-1.docker.io; localhost and loopback
    addresses are plain http (docker.IsLocalhost); anything else https."""
    if host == "docker.io":
        return "https://registry-1.docker.io"
    bare = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return f"http://{host}" if bare == "localhost" or offline.loopback(bare) else f"https://{host}"


def host_dir(host):
    """config/hosts.go hostPaths: <root>/<host>_<port>_ (with a port), <root>/<host>, <root>/_default;
    the first that exists is the host's folder."""
    for root in (p for p in config_path().split(":") if p):
        names = [host]
        if ":" in host:
            i = host.rindex(":")
            names.insert(0, f"{host[:i]}_{host[i + 1:]}_")
        for name in names + ["_default"]:
            d = os.path.join(root, name)
            if os.path.isdir(d):
                return d
    return None


def hosts_for(host):
    """[(url, capabilities, ca_files, skip_verify, override_path)] in the order containerd tries them."""
    folder = host_dir(host)
    doc = None
    f = os.path.join(folder, "hosts.toml") if folder else None
    if f and os.path.isfile(f):
        with open(f, "rb") as fh:
            try:
                doc = tomllib.load(fh)
            except tomllib.TOMLDecodeError as e:
                raise PullError(f"failed to load hosts config {f}: {e}")
    out = []
    if doc:
        for url, h in (doc.get("host") or {}).items():
            out.append(_entry(url, h, folder))
        server = doc.get("server") or default_server(host)
        top = {k: doc[k] for k in ("ca", "skip_verify", "override_path") if k in doc}
        out.append(_entry(server, top, folder, all_caps=True))
    else:
        out.append((default_server(host), {"pull", "resolve"}, [], False, False))
    return out


def is_mirror(base, host):
    """resolver.go isProxy: a host other than the image's registry gets ?ns=<registry>
    (registry-1.docker.io is docker.io's own)."""
    netloc = base.split("://", 1)[-1].split("/", 1)[0]
    return netloc != host and not (host == "docker.io" and netloc == "registry-1.docker.io")


def _entry(url, h, folder, all_caps=False):
    caps = {"pull", "resolve", "push"} if all_caps or "capabilities" not in h else set(h["capabilities"])
    ca = h.get("ca") or []
    ca = [ca] if isinstance(ca, str) else list(ca)
    ca = [c if os.path.isabs(c) else os.path.join(folder, c) for c in ca]
    url = url if "://" in url else "https://" + url
    return url.rstrip("/"), caps, ca, bool(h.get("skip_verify")), bool(h.get("override_path"))


def containerd_env():
    """The environment of the running containerd (the placeholder process in this host's PID
    namespace), as systemd gave it from the unit and its drop-ins."""
    for pid in (p for p in os.listdir("/proc") if p.isdigit()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            if not any(a.endswith(b"containerd.py") for a in argv):
                continue
            with open(f"/proc/{pid}/environ", "rb") as f:
                pairs = [e.decode(errors="replace").split("=", 1) for e in f.read().split(b"\0") if b"=" in e]
            return dict(pairs)
        except OSError:
            continue
    return None


def _request(url, method, ca, skip, env, accept=None):
    headers = {"Accept": accept} if accept else {}
    proxy = offline.go_proxy(url, env)
    return offline.fetch("containerd", url, method=method, headers=headers, ca_file=ca[0] if ca else None,
                         skip_verify=skip, proxy=proxy)


def _go_error(method, url, e):
    verb = "Head" if method == "HEAD" else "Get"
    if isinstance(e, offline.Unreachable):
        why = f"dial tcp: lookup {e.host}: no such host" if e.kind == "resolve" else \
            f"dial tcp {e.host}:{e.port or 443}: connect: network is unreachable"
    elif isinstance(e, ssl.SSLCertVerificationError):
        why = "tls: failed to verify certificate: x509: certificate signed by unknown authority"
    else:
        why = str(e)
    return f"failed to do request: {verb} \"{url}\": {why}"


def _url(base, override, path, kind, ref, host, is_mirror):
    url = f"{base}/{kind}/{ref}" if override else f"{base}/v2/{path}/{kind}/{ref}"
    return url + (f"?ns={host}" if is_mirror else "")


def pull(image):
    """Pulls image through containerd's hosts; returns the image store record. Raises PullError."""
    env = containerd_env()
    if env is None:
        raise PullError("rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while "
                        "dialing: dial unix /run/containerd/containerd.sock: connect: no such file or directory\"")
    host, path, ref = normalize(image)
    hosts = hosts_for(host)
    first_err, digest, via = None, None, None
    for base, caps, ca, skip, override in hosts:
        if "resolve" not in caps:
            continue
        url = _url(base, override, path, "manifests", ref, host, is_mirror(base, host))
        try:
            st, hdr, _ = _request(url, "HEAD", ca, skip, env, ACCEPT)
        except (offline.Unreachable, OSError) as e:
            first_err = first_err or _go_error("HEAD", url, e)
            continue
        if st == 200 and hdr.get("docker-content-digest"):
            digest, via = hdr["docker-content-digest"], (base, caps, ca, skip, override)
            break
        if st != 404:
            first_err = first_err or f"unexpected status from HEAD request to {url}: {st}"
    if digest is None:
        why = first_err or f"{host}/{path}:{ref}: not found"
        raise PullError(f"failed to pull and unpack image \"{_full(host, path, ref)}\": failed to resolve reference "
                        f"\"{_full(host, path, ref)}\": {why}")
    pullers = [h for h in hosts if "pull" in h[1]] or [via]

    def get(kind, dgst, accept=None):
        err = None
        for base, _caps, ca, skip, override in pullers:
            url = _url(base, override, path, kind, dgst, host, is_mirror(base, host))
            try:
                st, hdr, body = _request(url, "GET", ca, skip, env, accept)
            except (offline.Unreachable, OSError) as e:
                err = err or _go_error("GET", url, e)
                continue
            if st != 200:
                err = err or f"unexpected status from GET request to {url}: {st}"
                continue
            if "sha256:" + hashlib.sha256(body).hexdigest() != dgst:
                raise PullError(f"failed to pull and unpack image \"{_full(host, path, ref)}\": failed to copy: "
                                f"unexpected commit digest {dgst}")
            return hdr, body
        raise PullError(f"failed to pull and unpack image \"{_full(host, path, ref)}\": {err}")

    hdr, body = get("manifests", digest, ACCEPT)
    doc = json.loads(body)
    if doc.get("mediaType") in INDEX_TYPES or "manifests" in doc:
        m = next((m for m in doc.get("manifests", []) if (m.get("platform") or {}).get("os") == "linux"
                  and (m.get("platform") or {}).get("architecture") == "amd64"), None)
        if m is None:
            raise PullError(f"failed to pull and unpack image \"{_full(host, path, ref)}\": no match for platform in manifest: not found")
        _, body = get("manifests", m["digest"], ACCEPT)
        doc = json.loads(body)
    size = 0
    for blob in [doc["config"]] + list(doc.get("layers") or []):
        _, data = get("blobs", blob["digest"])
        if len(data) != blob["size"]:
            raise PullError(f"failed to pull and unpack image \"{_full(host, path, ref)}\": short read of {blob['digest']}")
        size += len(data)
    return {"id": doc["config"]["digest"], "size_mb": round(size / 1e6, 3), "digest": digest}


def _full(host, path, ref):
    return f"{host}/{path}" + (f"@{ref}" if ref.startswith("sha256:") else f":{ref}")

