# Air-gapped lab hosts (test-only; FIDELITY.md "offline.*"): what a host without a route to the
# internet sees when a stand-in would reach out, and the lab's own mirrors it may reach instead.
# `lab.sh air-gap HOST` writes /var/lib/hakube-standins/air-gapped on the host; without that file
# no stand-in does any network I/O (they behave as before). Used by apt (aptfetch.py), image pulls
# (registryclient.py), kubectl apply of a URL, and curl (airgapped-curl, `offline.py curl ARGS`).
#
# Reproduces:
#   * name resolution as an air-gapped host has it: names come from the host's own /etc/hosts
#     only (no resolver answers), so a public name (pkgs.k8s.io, registry.k8s.io, deb.debian.org)
#     fails to resolve with each tool's own message; a literal address outside 127.0.0.0/8 has no
#     route ("network is unreachable");
#   * Go's proxy rules (net/http ProxyFromEnvironment, golang.org/x/net/http/httpproxy): HTTPS_PROXY
#     for https, HTTP_PROXY for http, NO_PROXY (host names, domain suffixes, ".suffix", "*", IPs and
#     CIDRs), and never a proxy for localhost or a loopback address;
#   * every network attempt of a stand-in is one line in /var/log/hakube-standins/network.log
#     (tool, method, URL, outcome) so a test can prove what a host asked for and that nothing failed.
# Does not reproduce: DNS itself (no resolver is ever asked), IPv6 mirrors, proxy authentication.
# Network rule: a connection is opened only to an address in 127.0.0.0/8; anything else fails here,
# before any socket exists.
import ipaddress
import os
import re
import socket
import time
import sys
import urllib.parse

import common

MARKER = "air-gapped"
NETLOG = "/var/log/hakube-standins/network.log"


class Unreachable(Exception):
    """A destination an air-gapped host cannot reach; kind is 'resolve' or 'route'."""

    def __init__(self, kind, host, port=None):
        super().__init__(f"{kind} {host}")
        self.kind, self.host, self.port = kind, host, port


def air_gapped():
    """`lab.sh air-gap HOST` wrote /var/lib/hakube-standins/air-gapped on this host."""
    return os.path.exists(os.path.join(common.STATE, MARKER))


def loopback(ip):
    try:
        return ipaddress.ip_address(ip) in ipaddress.ip_network("127.0.0.0/8")
    except ValueError:
        return False


def resolve(host, port=None):
    """The address a name has on an air-gapped host: a literal address, or the host's /etc/hosts.
    Raises Unreachable unless the result is a loopback (lab) address."""
    host = host.strip("[]")
    if re.match(r"^[0-9.]+$", host) or ":" in host:
        if not loopback(host):
            raise Unreachable("route", host, port)
        return common.local(host)
    try:
        with open("/etc/hosts") as f:
            for line in f:
                p = line.split("#", 1)[0].split()
                if len(p) >= 2 and host in p[1:]:
                    if not loopback(p[0]):
                        raise Unreachable("route", p[0], port)
                    return common.local(p[0])
    except OSError:
        pass
    raise Unreachable("resolve", host, port)


def _no_proxy_match(host, no_proxy):
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        entry = re.sub(r":\d+$", "", entry) if not entry.count(":") > 1 else entry
        try:
            if ipaddress.ip_address(host) in ipaddress.ip_network(entry, strict=False):
                return True
            continue
        except ValueError:
            pass
        if entry.startswith("*."):
            entry = entry[1:]
        if host == entry.lstrip(".") or (host.endswith(entry if entry.startswith(".") else "." + entry)):
            return True
    return False


def go_proxy(url, env):
    """The proxy URL Go's ProxyFromEnvironment picks for url, or None."""
    u = urllib.parse.urlsplit(url)
    host = (u.hostname or "").lower()
    if host == "localhost" or loopback(host):
        return None
    key = "HTTPS_PROXY" if u.scheme == "https" else "HTTP_PROXY"
    proxy = env.get(key) or env.get(key.lower())
    if not proxy:
        return None
    if _no_proxy_match(host, env.get("NO_PROXY") or env.get("no_proxy") or ""):
        return None
    return proxy if "://" in proxy else "http://" + proxy


def log(tool, method, url, outcome):
    """One line per network attempt: time, tool, method, URL, outcome ('200', 'resolve', ...)."""
    try:
        os.makedirs(os.path.dirname(NETLOG), exist_ok=True)
        with open(NETLOG, "a") as f:
            f.write(f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\t{tool}\t{method}\t{url}\t{outcome}\n")
    except OSError:
        pass


def connect(host, port, timeout=10.0):
    """A TCP connection to host:port as an air-gapped host makes it (resolve() first)."""
    ip = resolve(host, port)
    # Lab translation: hosts share one network namespace, so the connection leaves from the host's
    # own address, as it would from a real host, and the mirrors' logs name the host that asked.
    me = common.host_ip()
    return socket.create_connection((ip, port), timeout=timeout, source_address=(me, 0) if me != "127.0.0.1" else None)


def fetch(tool, url, method="GET", headers=None, ca_file=None, skip_verify=False, proxy=None, timeout=30.0):
    """One HTTP(S) request as an air-gapped host makes it: (status, headers, body). Through proxy
    (http://HOST:PORT) when given: CONNECT for https, an absolute URI for http. Raises Unreachable
    (logged) when the first hop cannot be reached; never opens a socket outside 127.0.0.0/8."""
    import http.client
    import ssl
    u = urllib.parse.urlsplit(url)
    port = u.port or (443 if u.scheme == "https" else 80)
    path = (u.path or "/") + (f"?{u.query}" if u.query else "")
    if proxy:
        p = urllib.parse.urlsplit(proxy)
        hop_host, hop_port = p.hostname, p.port or 80
    else:
        hop_host, hop_port = u.hostname, port

    def opener(address, timeout_=None, source_address=None, **_):
        return connect(hop_host, hop_port, timeout)

    ctx = None
    if u.scheme == "https":
        ctx = ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()
        if skip_verify:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
    try:
        if u.scheme == "https":
            conn = http.client.HTTPSConnection(hop_host, hop_port, timeout=timeout, context=ctx)
            if proxy:
                conn.set_tunnel(u.hostname, port)
        else:
            conn = http.client.HTTPConnection(hop_host, hop_port, timeout=timeout)
            if proxy:
                path = url
        conn._create_connection = opener
        conn.request(method, path, headers=headers or {})
        r = conn.getresponse()
        body = r.read()
        conn.close()
    except Unreachable as e:
        log(tool, method, url, f"{e.kind}:{e.host}" + (" via proxy" if proxy else ""))
        raise
    except OSError as e:
        log(tool, method, url, "error:" + (getattr(e, "strerror", None) or str(e)).replace("\t", " "))
        raise
    log(tool, method, url, str(r.status) + (f" via {proxy}" if proxy else ""))
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


def _curl_no_proxy(host, no_proxy):
    """curl's NO_PROXY (lib/noproxy.c): "*", host names and domain suffixes, IPs and CIDRs."""
    return _no_proxy_match(host, no_proxy)


def curl(argv):
    """`curl ARGS` on an air-gapped host: every URL's first hop must be reachable, else curl's error."""
    env = os.environ
    silent = any(re.match(r"^-[a-zA-Z]*s", a) and not a.startswith("--") for a in argv) or "--silent" in argv
    show = any(re.match(r"^-[a-zA-Z]*S", a) and not a.startswith("--") for a in argv) or "--show-error" in argv
    proxy_arg = None
    for i, a in enumerate(argv):
        if a in ("-x", "--proxy") and i + 1 < len(argv):
            proxy_arg = argv[i + 1]
        elif a.startswith("--proxy="):
            proxy_arg = a.split("=", 1)[1]
    for url in [a for a in argv if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", a)]:
        u = urllib.parse.urlsplit(url)
        host = (u.hostname or "").lower()
        port = u.port or (443 if u.scheme == "https" else 80)
        proxy = proxy_arg or (env.get("https_proxy") or env.get("HTTPS_PROXY") if u.scheme == "https" else env.get("http_proxy")) \
            or env.get("ALL_PROXY") or env.get("all_proxy")
        if proxy and _curl_no_proxy(host, env.get("NO_PROXY") or env.get("no_proxy") or ""):
            proxy = None
        try:
            if proxy:
                p = urllib.parse.urlsplit(proxy if "://" in proxy else "http://" + proxy)
                try:
                    resolve(p.hostname or "", p.port or 1080)
                except Unreachable as e:
                    e.proxy = True
                    raise
            else:
                resolve(host, port)
        except Unreachable as e:
            log("curl", "GET", url, f"{e.kind}:{e.host}" + (" via proxy" if getattr(e, "proxy", False) else ""))
            if getattr(e, "proxy", False):
                code, msg = 5, f"Could not resolve proxy: {e.host}"
            elif e.kind == "resolve":
                code, msg = 6, f"Could not resolve host: {e.host}"
            else:
                code, msg = 7, f"Failed to connect to {e.host} port {e.port} after 0 ms: Couldn't connect to server"
            if not silent or show:
                sys.stderr.write(f"curl: ({code}) {msg}\n")
            return code
        log("curl", "GET", url, "allowed" + (f" via {proxy}" if proxy else ""))
    os.execv("/usr/bin/curl", ["curl", *argv])


if __name__ == "__main__":
    if sys.argv[1:2] == ["curl"]:
        sys.exit(curl(sys.argv[2:]))
    sys.exit("usage: offline.py curl ARGS...")
