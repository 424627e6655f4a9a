# Shared helpers for HaKube's lab stand-ins (test-only; see ../README.md).
#
# Lab conventions every stand-in follows:
#   * Per-host state lives in /var/lib/hakube-standins (must be a per-host mount) and
#     /run/hakube-standins (the host's own /run). The stand-ins refuse to write shared state.
#   * Loopback translation: lab hosts share one network namespace, so "127.0.0.1"/"localhost"
#     inside a host means the host's own address (its hostname's entry in its own /etc/hosts).
#     Stand-ins bind and connect to that address where the real tool would use loopback.
import importlib
import json
import os
import re
import sys
import time


class LazyModule:
    """Stands for a module until one of its attributes is first read, then imports it and takes its
    place in the namespace it was bound in. Most stand-in calls use few of the modules their script
    names, and every import costs CPU on every call, on machines where all lab hosts share two cores.
    `name = LazyModule("name", globals())`; a dotted name binds its top package ("urllib")."""

    __slots__ = ("_name", "_namespace")

    def __init__(self, name, namespace):
        self._name = name
        self._namespace = namespace

    def __getattr__(self, attr):
        importlib.import_module(self._name)
        top = self._name.partition(".")[0]
        module = sys.modules[top]
        self._namespace[top] = module
        return getattr(module, attr)


base64 = LazyModule("base64", globals())
datetime = LazyModule("datetime", globals())
hashlib = LazyModule("hashlib", globals())
socket = LazyModule("socket", globals())
subprocess = LazyModule("subprocess", globals())
tempfile = LazyModule("tempfile", globals())
urllib = LazyModule("urllib.parse", globals())

STATE = "/var/lib/hakube-standins"
RUN = "/run/hakube-standins"
SBIN = "/usr/local/sbin"
LIBDIR = os.path.dirname(os.path.realpath(__file__))
PY = "/usr/bin/python3"


def die(msg, code=1):
    sys.stderr.write(msg.rstrip("\n") + "\n")
    sys.exit(code)


def is_mountpoint(path):
    path = os.path.realpath(path)
    try:
        with open("/proc/self/mountinfo") as f:
            for line in f:
                parts = line.split()
                if len(parts) > 4 and parts[4].replace("\\040", " ") == path:
                    return True
    except OSError:
        pass
    return False


def require_private(path):
    """Refuse to touch a directory unless it is a per-host mount (never the real machine's)."""
    if os.environ.get("HAKUBE_STANDINS_UNSAFE_SHARED") == "1":
        return
    if not is_mountpoint(path):
        die(f"hakube stand-in: {path} is not a per-host mount in this lab host; refusing to write "
            f"shared state (bind-mount a per-host directory there)", 100)


def state_dir(*sub):
    require_private(STATE)
    p = os.path.join(STATE, *sub)
    os.makedirs(p, exist_ok=True)
    return p


def run_dir(*sub):
    p = os.path.join(RUN, *sub)
    os.makedirs(p, exist_ok=True)
    return p


_host_ip = None


def host_ip():
    """The lab host's own address: its hostname in its own /etc/hosts (else 127.0.0.1)."""
    global _host_ip
    if _host_ip:
        return _host_ip
    name = socket.gethostname()
    ip = None
    try:
        with open("/etc/hosts") as f:
            for line in f:
                line = line.split("#", 1)[0].split()
                if len(line) >= 2 and name in line[1:] and re.match(r"^\d+\.\d+\.\d+\.\d+$", line[0]) \
                        and line[0] not in ("127.0.0.1", "127.0.1.1"):
                    ip = line[0]
                    break
    except OSError:
        pass
    _host_ip = ip or "127.0.0.1"
    return _host_ip


def local(addr):
    """Loopback translation (see top of file)."""
    if addr in ("127.0.0.1", "localhost", "::1", "[::1]", "0.0.0.0", "", "::", "[::]"):
        return host_ip()
    return addr


def local_url(url):
    u = urllib.parse.urlsplit(url)
    if u.hostname is None:
        return url
    h = local(u.hostname)
    if h == u.hostname:
        return url
    netloc = h + (f":{u.port}" if u.port else "")
    return urllib.parse.urlunsplit((u.scheme, netloc, u.path, u.query, u.fragment))


def resolve(host):
    """Name resolution through the host's own /etc/hosts, then the resolver."""
    host = host.strip("[]")
    if re.match(r"^\d+\.\d+\.\d+\.\d+$", host):
        return local(host)
    try:
        with open("/etc/hosts") as f:
            for line in f:
                p = line.split("#", 1)[0].split()
                if len(p) >= 2 and host in p[1:]:
                    return local(p[0])
    except OSError:
        pass
    return local(socket.gethostbyname(host))


def _yaml_loader():
    # libyaml's loader reads the same YAML 1.1 as PyYAML's pure-Python SafeLoader, ten times faster.
    import yaml
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text):
    """One YAML document, as yaml.safe_load reads it."""
    import yaml
    return yaml.load(text, Loader=_yaml_loader())


def load_yaml_all(text):
    """Every document of a YAML stream, as yaml.safe_load_all reads them."""
    import yaml
    return list(yaml.load_all(text, Loader=_yaml_loader()))


def read_yaml_docs(path):
    import yaml
    with open(path, "rb") as f:
        return [d for d in yaml.load_all(f, Loader=_yaml_loader()) if d is not None]


def dump_yaml(obj):
    import yaml
    return yaml.safe_dump(obj, default_flow_style=False, sort_keys=False)


def write_file(path, data, mode=0o644):
    d = os.path.dirname(path)
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def b64(data):
    return base64.b64encode(data if isinstance(data, bytes) else data.encode()).decode()


def unb64(s):
    return base64.b64decode(s)


def go_quote(text):
    """text inside a Go %q-quoted log field (logrus' msg="..."): backslashes and quotes escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


def now_rfc3339():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_duration(s):
    """Go duration ("24h", "1h30m", "0s", "90s") to seconds."""
    if s in (None, ""):
        return None
    if isinstance(s, (int, float)):
        return float(s)
    total = 0.0
    for num, unit in re.findall(r"([0-9.]+)(ms|h|m|s)", s):
        total += float(num) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[unit]
    if not re.fullmatch(r"([0-9.]+(ms|h|m|s))+", s):
        raise ValueError(f"time: invalid duration \"{s}\"")
    return total


# ---------------------------------------------------------------- kubeconfig / HTTPS client

class Kubeconfig:
    def __init__(self, path):
        self.path = path
        self.files = [path]  # every file it was read from (the kubeconfig and the files it names)
        with open(path, "rb") as f:
            self.doc = load_yaml(f.read())
        ctxname = self.doc.get("current-context")
        ctx = next((c["context"] for c in self.doc.get("contexts", []) if c["name"] == ctxname), None)
        if ctx is None:
            raise ValueError(f"context was not found for specified context: {ctxname}")
        cluster = next(c["cluster"] for c in self.doc["clusters"] if c["name"] == ctx["cluster"])
        user = next((u["user"] for u in self.doc.get("users", []) if u["name"] == ctx.get("user")), {}) or {}
        self.server = cluster["server"]
        self.ca_data = self._data(cluster, "certificate-authority")
        self.cert_data = self._data(user, "client-certificate")
        self.key_data = self._data(user, "client-key")
        self.token = user.get("token")

    def _data(self, obj, key):
        if obj.get(key + "-data"):
            return unb64(obj[key + "-data"])
        if obj.get(key):
            p = obj[key]
            if not os.path.isabs(p):
                p = os.path.join(os.path.dirname(self.path), p)
            self.files.append(p)
            with open(p, "rb") as f:
                return f.read()
        return None


def files_signature(paths):
    """Identity and change time of each file (symlinks followed), None for a missing one."""
    out = []
    for p in paths:
        try:
            st = os.stat(p)
            out.append((st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append(None)
    return tuple(out)


def _tmpfile(data):
    fd, p = tempfile.mkstemp(prefix="hk-", dir=run_dir("tmp"))
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return p


def ssl_context(ca_data=None, cert_data=None, key_data=None, ca_file=None, cert_file=None, key_file=None,
                verify=True):
    import ssl  # here, not at the top: most stand-in calls never open a TLS connection (~10 ms a start)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if verify and (ca_data or ca_file):
        if ca_data:
            ctx.load_verify_locations(cadata=ca_data.decode())
        else:
            ctx.load_verify_locations(cafile=ca_file)
        ctx.check_hostname = True
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if cert_data and key_data:
        c, k = _tmpfile(cert_data), _tmpfile(key_data)
        try:
            ctx.load_cert_chain(c, k)
        finally:
            os.unlink(c)
            os.unlink(k)
    elif cert_file and key_file:
        ctx.load_cert_chain(cert_file, key_file)
    return ctx


def https_connection(hostname, ip, port, ctx, timeout):
    """An HTTPS connection to IP, already through the TLS handshake, verified against HOSTNAME."""
    import http.client  # here, not at the top, as ssl above
    sock = socket.create_connection((ip, port), timeout=timeout)
    try:
        tls = ctx.wrap_socket(sock, server_hostname=hostname)
    except BaseException:
        sock.close()
        raise
    # The context given, though the socket is already wrapped: without one, HTTPSConnection makes
    # a default context and loads the system's CA store into it (~20 ms of CPU a call, unused).
    conn = http.client.HTTPSConnection(hostname, port, timeout=timeout, context=ctx)
    conn.sock = tls
    return conn


def https_request(url, method="GET", body=None, ctx=None, headers=None, timeout=5.0):
    """One HTTPS request; the host is resolved through the lab host's /etc/hosts, while TLS
    verification still uses the name from the URL. Returns (status, body bytes)."""
    import http.client  # here, not at the top, as ssl above
    u = urllib.parse.urlsplit(url)
    port = u.port or (443 if u.scheme == "https" else 80)
    ip = resolve(u.hostname)
    path = u.path + ("?" + u.query if u.query else "")
    hdrs = dict(headers or {})
    if body is not None and not isinstance(body, bytes):
        body = json.dumps(body).encode()
        hdrs.setdefault("Content-Type", "application/json")
    if u.scheme == "https":
        conn = https_connection(u.hostname, ip, port, ctx, timeout)
    else:
        conn = http.client.HTTPConnection(ip, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=hdrs)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


class ApiClient:
    """A tiny client for the kube-apiserver stand-in, from a kubeconfig or a bearer token."""

    def __init__(self, server, ca_data=None, cert_data=None, key_data=None, token=None, verify=True):
        self.server = server.rstrip("/")
        self.token = token
        self.ctx = ssl_context(ca_data, cert_data, key_data, verify=verify)

    @classmethod
    def from_kubeconfig(cls, path):
        kc = Kubeconfig(path)
        client = cls(kc.server, kc.ca_data, kc.cert_data, kc.key_data, kc.token)
        client.files = kc.files
        client.signature = files_signature(kc.files)
        return client

    def files_changed(self):
        """True when a file it was read from changed since (a new kubeconfig or a rotated client pair)."""
        return files_signature(getattr(self, "files", [])) != getattr(self, "signature", None)

    def call(self, method, path, body=None, ctype=None, timeout=5.0):
        headers = {}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        if body is not None:
            headers["Content-Type"] = ctype or "application/json"
        st, data = https_request(self.server + path, method, body, self.ctx, headers, timeout)
        try:
            obj = json.loads(data) if data else {}
        except ValueError:
            obj = {"raw": data.decode(errors="replace")}
        return st, obj


# ---------------------------------------------------------------- certificates (openssl CLI for keys and CAs, cryptography for leaves)

def openssl(*args, inp=None):
    r = subprocess.run(["openssl", *args], input=inp, capture_output=True)
    if r.returncode != 0:
        raise RuntimeError("openssl " + " ".join(args[:2]) + ": " + r.stderr.decode(errors="replace").strip())
    return r.stdout


# RSA-2048 keys made ahead, once per machine (lab.sh copies them into every host's KEY_POOL): a fresh
# RSA key costs ~0.2 s of CPU, and kubeadm makes about forty for a five-host cluster. Each host
# takes them in turn from a random start, so two certificates share a key only after the pool has
# gone round; kubeadm would make a new one each time (FIDELITY.md, "Keys").
KEY_POOL = os.path.join(STATE, "key-pool")


def _pooled_rsa_key():
    try:
        names = sorted(n for n in os.listdir(KEY_POOL) if n.endswith(".key"))
    except OSError:
        return None
    if not names:
        return None
    counter = os.path.join(STATE, "key-pool.next")
    try:
        with open(counter) as f:
            index = int(f.read().strip() or "0")
    except (OSError, ValueError):
        index = int.from_bytes(os.urandom(2), "big")
    write_file(counter, f"{index + 1}\n".encode(), 0o600)
    with open(os.path.join(KEY_POOL, names[index % len(names)]), "rb") as f:
        return f.read()


def new_key(path, algorithm="RSA-2048"):
    if algorithm.startswith("ECDSA"):
        key = openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
    elif algorithm in ("RSA-2048", "RSA") and (pooled := _pooled_rsa_key()) is not None:
        key = pooled
    else:
        bits = algorithm.split("-")[1] if "-" in algorithm else "2048"
        key = openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", f"rsa_keygen_bits:{bits}")
    write_file(path, key, 0o600)


def _subj(cn, orgs=()):
    s = "".join(f"/O={o}" for o in orgs) + f"/CN={cn}"
    return s


def make_ca(crt, key, cn, days=3650, algorithm="RSA-2048"):
    new_key(key, algorithm)
    cert = openssl("req", "-x509", "-new", "-key", key, "-subj", _subj(cn), "-days", str(days), "-sha256",
                   "-addext", "basicConstraints=critical,CA:TRUE",
                   "-addext", "keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign",
                   "-addext", f"subjectAltName=DNS:{cn}")
    write_file(crt, cert, 0o644)


def sign_cert(crt, key, ca_crt, ca_key, cn, orgs=(), dns=(), ips=(), server=False, client=False, days=365,
              algorithm="RSA-2048", reuse_key=False, csr=None):
    """Leaf cert like kubeadm's: KeyUsage digitalSignature+keyEncipherment, given EKUs and SANs.

    Signed in this process with the cryptography module, with what `openssl x509 -req -extfile` gave
    (subject O.../CN, a random 64-bit serial, not before now, the extensions in this order, then the
    subject and authority key identifiers OpenSSL 3 adds): a request and a signature as two openssl
    runs cost ~50 ms of CPU a certificate, and kubeadm makes about twenty per control plane."""
    import ipaddress
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    if csr is None:
        if not (reuse_key and os.path.exists(key)):
            new_key(key, algorithm)
        with open(key, "rb") as f:
            public = serialization.load_pem_private_key(f.read(), None).public_key()
    else:
        request = x509.load_pem_x509_csr(csr if isinstance(csr, bytes) else csr.encode())
        if not request.is_signature_valid:  # openssl x509 -req refuses a request whose signature fails
            raise RuntimeError("openssl x509: certificate request self-signature verification failed")
        public = request.public_key()
    with open(ca_crt, "rb") as f:
        issuer = x509.load_pem_x509_certificate(f.read())
    with open(ca_key, "rb") as f:
        signer = serialization.load_pem_private_key(f.read(), None)
    name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, o) for o in orgs]
                     + [x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer.subject).public_key(public)
               .serial_number(int.from_bytes(os.urandom(8), "big") or 1)
               .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=True, content_commitment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                            crl_sign=False, encipher_only=False, decipher_only=False), critical=True))
    usages = [oid for oid, on in ((ExtendedKeyUsageOID.SERVER_AUTH, server), (ExtendedKeyUsageOID.CLIENT_AUTH, client)) if on]
    if usages:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    sans = [x509.DNSName(d) for d in dns] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    try:
        issuer_id = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        authority = x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_id)
    except x509.ExtensionNotFound:
        authority = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.public_key())
    builder = builder.add_extension(authority, critical=False)
    cert = builder.sign(signer, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)
    if crt:
        write_file(crt, cert, 0o644)
    return cert


def cert_info(path_or_pem):
    """(subject CN, orgs, sans(dns, ips), notAfter datetime, issuer CN) via the cryptography module."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID
    data = path_or_pem
    if isinstance(path_or_pem, str) and not path_or_pem.startswith("-----"):
        with open(path_or_pem, "rb") as f:
            data = f.read()
    if isinstance(data, str):
        data = data.encode()
    c = x509.load_pem_x509_certificate(data)
    cn = [a.value for a in c.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
    orgs = [a.value for a in c.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    icn = [a.value for a in c.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)]
    dns, ips = [], []
    try:
        san = c.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        dns = san.get_values_for_type(x509.DNSName)
        ips = [str(i) for i in san.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        pass
    na = c.not_valid_after.replace(tzinfo=datetime.timezone.utc)
    return {"cn": cn[0] if cn else "", "orgs": orgs, "dns": dns, "ips": ips, "not_after": na,
            "issuer": icn[0] if icn else "", "cert": c}


def spki_sha256(pem):
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    if isinstance(pem, str):
        pem = pem.encode()
    c = x509.load_pem_x509_certificate(pem)
    der = c.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "sha256:" + hashlib.sha256(der).hexdigest()


def verify_signed_by(cert_pem, ca_pem):
    ca = _tmpfile(ca_pem if isinstance(ca_pem, bytes) else ca_pem.encode())
    try:
        r = subprocess.run(["openssl", "verify", "-CAfile", ca], input=cert_pem, capture_output=True)
        return r.returncode == 0
    finally:
        os.unlink(ca)


def kubeconfig_yaml(cluster, server, ca_pem, user, cert_pem=None, key_pem=None, token=None,
                    cert_file=None, key_file=None):
    u = {}
    if cert_pem:
        u["client-certificate-data"] = b64(cert_pem)
        u["client-key-data"] = b64(key_pem)
    if cert_file:
        u["client-certificate"] = cert_file
        u["client-key"] = key_file
    if token:
        u["token"] = token
    ctx = f"{user}@{cluster}"
    doc = {"apiVersion": "v1", "clusters": [{"cluster": {"certificate-authority-data": b64(ca_pem), "server": server},
                                              "name": cluster}],
           "contexts": [{"context": {"cluster": cluster, "user": user}, "name": ctx}],
           "current-context": ctx, "kind": "Config", "preferences": {}, "users": [{"name": user, "user": u}]}
    return dump_yaml(doc)


# ---------------------------------------------------------------- bootstrap-token JWS (HS256, detached)

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jws_detached(payload, token_id, token_secret):
    import hmac
    header = b64url(json.dumps({"alg": "HS256", "kid": token_id}, separators=(",", ":")).encode())
    signing = (header + "." + b64url(payload.encode())).encode()
    sig = b64url(hmac.new(f"{token_id}.{token_secret}".encode(), signing, hashlib.sha256).digest())
    return header + ".." + sig


def version_info(v):
    m = re.match(r"^v?(\d+)\.(\d+)\.(\d+)", v or "")
    return tuple(int(x) for x in m.groups()) if m else None


def pkg_version():
    """The upstream version (v1.31.4) of the stand-in binary running, set by its package's wrapper."""
    v = os.environ.get("HAKUBE_PKG_VERSION", "")
    return "v" + v.split("-")[0] if v else "v0.0.0"


# ---------------------------------------------------------------- strict lab, time scale

def lenient():
    """The former lenient lab (lab.sh HAKUBE_LAB_LENIENT=1): the stand-ins' newer checks and
    side effects are off. Strict is the default (FIDELITY.md)."""
    return os.path.exists(os.path.join(STATE, "lab-lenient"))


def time_scale():
    """How much of a real duration the stand-ins wait: /var/lib/hakube-standins/time-scale on the
    host (lab.sh writes HAKUBE_LAB_TIME_SCALE there), else the environment, else 0.02 (strict) or
    0 (lenient). 1 waits as long as the real tool typically takes."""
    try:
        with open(os.path.join(STATE, "time-scale")) as f:
            return max(0.0, float(f.read().strip()))
    except (OSError, ValueError):
        pass
    try:
        return max(0.0, float(os.environ["HAKUBE_LAB_TIME_SCALE"]))
    except (KeyError, ValueError):
        return 0.0 if lenient() else 0.02


# The real durations the stand-ins reproduce, in seconds of an unscaled run: real-durations.json
# (one list for the stand-ins and for tests that check budgets against them; FIDELITY.md).
with open(os.path.join(LIBDIR, "real-durations.json")) as _f:
    REAL_SECONDS = {k: float(v) for k, v in json.load(_f).items() if not k.startswith("_")}


def real_wait(what, count=1):
    """Sleeps the scaled real duration of `what` (count times); returns the seconds waited."""
    seconds = REAL_SECONDS[what] * count * time_scale()
    if seconds > 0:
        time.sleep(seconds)
    return seconds
