# apt's acquire on an air-gapped lab host (test-only; FIDELITY.md "apt.mirror*"), used by apt.py
# only where offline.air_gapped(): outside air-gapped labs apt.py keeps its fixed catalogue and
# does no network I/O.
#
# Reproduces (apt 2.6, Debian 12: sources.list(5), apt.conf(5), apt-secure(8), Debian's
# RepositoryFormat wiki):
#   * the sources: one-line `deb [signed-by=KEYRING ...] URI SUITE [COMPONENT...]` in sources.list
#     and sources.list.d/*.list, deb822 stanzas (Types, URIs, Suites, Components, Signed-By, Enabled)
#     in *.sources; a SUITE ending in "/" is a flat repository (pkgs.k8s.io's form);
#   * the proxy: Acquire::http::Proxy / Acquire::https::Proxy (and ::HOST "DIRECT") from apt.conf
#     and apt.conf.d, else the http_proxy / https_proxy environment;
#   * `apt-get update`: InRelease of each repository, verified with the real gpgv against its
#     signed-by keyring (an ASCII-armored .asc keyring is dearmored first, as apt does); a missing or
#     other key fails as apt does (NO_PUBKEY, "is not signed", exit 100); then Packages.gz (or
#     Packages) checked against the SHA256 and size InRelease lists; a repository that cannot be
#     reached is a warning, as apt's ("Temporary failure resolving", "Some index files failed to
#     download", exit 0); 404 on InRelease is "does not have a Release file" (exit 100);
#   * `apt-get install`: each .deb fetched from the repository's Filename, its Size and SHA256
#     checked against the index ("Hash Sum mismatch").
# Does not reproduce: Release/Release.gpg without InRelease, by-hash, Valid-Until, Packages.xz,
# Translation files, pinning, trusted=yes, fingerprints in signed-by, authentication.
import base64
import glob
import gzip
import hashlib
import os
import re
import subprocess
import tempfile

import offline

GPGV = "/usr/bin/gpgv"  # apt's own dependency: present on every Debian host


class AcquireError(Exception):
    """An error apt reports as E: (exit 100); str() is apt's line without the "E: ", lines what
    apt printed before it."""

    def __init__(self, message, lines=()):
        super().__init__(message)
        self.lines = list(lines)


def _source_files():
    return ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")) + \
        sorted(glob.glob("/etc/apt/sources.list.d/*.sources"))


def sources():
    """[(uri, suite, components, signed_by)] of the deb lines, in apt's file order."""
    out = []
    for path in _source_files():
        try:
            text = open(path).read()
        except OSError:
            continue
        if path.endswith(".sources"):
            for stanza in re.split(r"\n\s*\n", text):
                fields = {}
                for line in stanza.splitlines():
                    if line.startswith("#") or ":" not in line or line[:1].isspace():
                        continue
                    k, _, v = line.partition(":")
                    fields[k.strip().lower()] = v.strip()
                if "deb" not in fields.get("types", "").split() or fields.get("enabled", "yes").lower() == "no":
                    continue
                for uri in fields.get("uris", "").split():
                    for suite in fields.get("suites", "").split():
                        out.append((uri, suite, fields.get("components", "").split(), fields.get("signed-by")))
            continue
        for line in text.splitlines():
            line = line.split("#", 1)[0].strip()
            m = re.match(r"^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$", line)
            if not m:
                continue
            opts = dict(o.split("=", 1) for o in (m.group(1) or "").split() if "=" in o)
            out.append((m.group(2), m.group(3), m.group(4).split(), opts.get("signed-by")))
    return out


def _apt_config():
    """apt.conf's scalar options as {lower-case name: value} (the `A::B::C "v";` form HaKube writes)."""
    conf = {}
    for path in ["/etc/apt/apt.conf"] + sorted(glob.glob("/etc/apt/apt.conf.d/*")):
        try:
            text = open(path).read()
        except OSError:
            continue
        text = re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)
        for m in re.finditer(r'([A-Za-z0-9:._-]+)\s+"([^"]*)"\s*;', text):
            conf[m.group(1).lower()] = m.group(2)
    return conf


def proxy_for(url):
    """The proxy apt's http method uses for url, or None (DIRECT or none set)."""
    scheme = url.split("://", 1)[0]
    host = re.sub(r"^[a-z]+://([^/:]+).*$", r"\1", url)
    conf = _apt_config()
    specific = conf.get(f"acquire::{scheme}::proxy::{host.lower()}")
    if specific is not None:
        return None if specific.upper() == "DIRECT" else specific
    proxy = conf.get(f"acquire::{scheme}::proxy") or os.environ.get(f"{scheme}_proxy")
    return None if not proxy or proxy.upper() == "DIRECT" else proxy


def fetch(url):
    """(status, body) of one GET as apt's http method makes it; raises offline.Unreachable."""
    status, _, body = offline.fetch("apt", url, proxy=proxy_for(url), ca_file=_ca_bundle())
    return status, body


def _ca_bundle():
    path = "/etc/ssl/certs/ca-certificates.crt"
    return path if os.path.exists(path) else None


def unreachable_text(e):
    """apt's reason for a host it cannot reach."""
    if e.kind == "resolve":
        return f"Temporary failure resolving '{e.host}'"
    return f"Could not connect to {e.host}:{e.port} ({e.host}). - connect (101: Network is unreachable)"


def dearmor(text):
    """The binary packets of an ASCII-armored OpenPGP block (RFC 4880 section 6.2)."""
    lines = text.strip().splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----"))
        blank = next(i for i in range(start + 1, len(lines)) if not lines[i].strip())
        end = next(i for i in range(blank, len(lines)) if lines[i].startswith("-----END PGP"))
    except StopIteration:
        return b""
    body = [line.strip() for line in lines[blank + 1:end] if not line.startswith("=")]
    return base64.b64decode("".join(body))


def verify(inrelease, keyring):
    """None when gpgv accepts inrelease with the keyring, else apt's reason."""
    with tempfile.TemporaryDirectory() as home:
        ring = os.path.join(home, "keyring.gpg")
        data = b""
        if keyring and os.path.isfile(keyring):
            raw = open(keyring, "rb").read()
            data = dearmor(raw.decode(errors="replace")) if keyring.endswith(".asc") else raw
        with open(ring, "wb") as f:
            f.write(data)
        signed = os.path.join(home, "InRelease")
        with open(signed, "wb") as f:
            f.write(inrelease)
        r = subprocess.run([GPGV, "--homedir", home, "--status-fd", "1", "--keyring", ring, signed],
                           capture_output=True, text=True)
    status = r.stdout
    if r.returncode == 0 and "[GNUPG:] GOODSIG" in status and "[GNUPG:] VALIDSIG" in status:
        return None
    m = re.search(r"\[GNUPG:\] NO_PUBKEY ([0-9A-F]+)", status)
    if m:
        return f"The following signatures couldn't be verified because the public key is not available: NO_PUBKEY {m.group(1)}"
    m = re.search(r"\[GNUPG:\] BADSIG ([0-9A-F]+)", status)
    if m:
        return f"The following signatures were invalid: BADSIG {m.group(1)}"
    return "The following signatures were invalid: " + (status.strip().replace("\n", " ") or r.stderr.strip())


def signed_text(inrelease):
    """The clear-signed Release text (dash-escaping undone)."""
    text = inrelease.decode(errors="replace")
    head, _, rest = text.partition("\n\n")
    body = rest.split("\n-----BEGIN PGP SIGNATURE-----", 1)[0]
    return "\n".join(line[2:] if line.startswith("- ") else line for line in body.splitlines())


def release_hashes(text):
    """{relative path: (sha256, size)} of the Release's SHA256 field."""
    out, inside = {}, False
    for line in text.splitlines():
        if not line[:1].isspace():
            inside = line.startswith("SHA256:")
            continue
        p = line.split()
        if inside and len(p) == 3:
            out[p[2]] = (p[0], int(p[1]))
    return out


def stanzas(text):
    for block in re.split(r"\n\s*\n", text.strip()):
        fields, key = {}, None
        for line in block.splitlines():
            if line[:1].isspace() and key:
                fields[key] += "\n" + line.strip()
                continue
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        if fields.get("Package"):
            yield fields


class Repository:
    """One source line's repository: where InRelease and its indices are."""

    def __init__(self, uri, suite, components, signed_by):
        self.uri, self.suite, self.components, self.signed_by = uri.rstrip("/") + "/", suite, components, signed_by
        self.flat = suite.endswith("/")
        self.base = self.uri + ("" if suite == "/" else suite) if self.flat else f"{self.uri}dists/{suite}/"
        # apt's progress names: "URI SUITE" for an archive, "URI " (suite "/" shown as nothing) for a flat one
        self.label = f"{self.uri.rstrip('/')} {'' if suite == '/' else suite}" if self.flat else f"{self.uri.rstrip('/')} {suite}"
        self.origin = self.uri.rstrip("/") if self.flat else f"{self.uri.rstrip('/')} {suite}/{' '.join(components)}"

    def index_paths(self):
        if self.flat:
            return [""]
        return [f"{c}/binary-amd64/" for c in self.components]

    def files_root(self):
        """What a Packages Filename is relative to: the flat repository, or the archive root."""
        return self.base if self.flat else self.uri


def update(number):
    """apt-get update's acquire: (index records, printed lines, warnings); raises AcquireError.
    number is the first progress number."""
    records, lines, warnings, failed = [], [], [], False
    for uri, suite, components, signed_by in sources():
        repo = Repository(uri, suite, components, signed_by)
        url = repo.base + "InRelease"
        try:
            status, inrelease = fetch(url)
        except offline.Unreachable as e:
            why = unreachable_text(e)
            lines += [f"Err:{number} {repo.label} InRelease", f"  {why}"]
            warnings.append(f"W: Failed to fetch {url}  {why}")
            failed = True
            number += 1
            continue
        if status != 200:
            lines += [f"Err:{number} {repo.label} InRelease", f"  {status}  Not Found"]
            raise AcquireError(f"The repository '{repo.label} Release' does not have a Release file.", lines)
        lines.append(f"Get:{number} {repo.label} InRelease [{len(inrelease):,} B]")
        number += 1
        why = verify(inrelease, repo.signed_by)
        if why:
            lines += [f"Err:{number - 1} {repo.label} InRelease", f"  {why}"]
            lines.append(f"W: GPG error: {repo.label} InRelease: {why}")
            raise AcquireError(f"The repository '{repo.label} InRelease' is not signed.", lines)
        hashes = release_hashes(signed_text(inrelease))
        for index in repo.index_paths():
            name = next((index + n for n in ("Packages.gz", "Packages") if index + n in hashes), None)
            if name is None:
                continue  # a component the Release does not list: apt ignores it likewise
            purl = repo.base + name
            try:
                status, data = fetch(purl)
            except offline.Unreachable as e:
                raise AcquireError(f"Failed to fetch {purl}  {unreachable_text(e)}", lines)
            want_sha, want_size = hashes[name]
            if status != 200 or len(data) != want_size or hashlib.sha256(data).hexdigest() != want_sha:
                raise AcquireError(f"Failed to fetch {purl}  " + ("Hash Sum mismatch" if status == 200 else f"{status}  Not Found"), lines)
            lines.append(f"Get:{number} {repo.label} {index}Packages [{len(data):,} B]")
            number += 1
            text = (gzip.decompress(data) if name.endswith(".gz") else data).decode()
            for f in stanzas(text):
                records.append({"name": f["Package"], "version": f["Version"], "depends": f.get("Depends", ""),
                                "url": repo.files_root() + f["Filename"], "sha256": f.get("SHA256", ""),
                                "size": int(f.get("Size", "0")), "origin": repo.origin})
    if failed:
        warnings.append("W: Some index files failed to download. They have been ignored, or old ones used instead.")
    return records, lines, warnings


def download(record):
    """Fetches one package as apt-get install does; raises AcquireError."""
    url = record["url"]
    try:
        status, data = fetch(url)
    except offline.Unreachable as e:
        raise AcquireError(f"Failed to fetch {url}  {unreachable_text(e)}", [])
    if status != 200:
        raise AcquireError(f"Failed to fetch {url}  {status}  Not Found", [])
    if len(data) != record["size"] or hashlib.sha256(data).hexdigest() != record["sha256"]:
        raise AcquireError(f"Failed to fetch {url}  Hash Sum mismatch", [])
    return len(data)
