#!/usr/bin/python3
# kubectl stand-in for HaKube's lab hosts (test-only). Installed by the apt-get stand-in as
# /usr/local/sbin/kubectl; talks to the kube-apiserver stand-in.
#
# Reproduces:
#   * kubeconfig selection: --kubeconfig, else $KUBECONFIG (first file), else ~/.kube/config, else
#     (lab convenience, see below) /etc/kubernetes/admin.conf; --server/-s overrides the server;
#     client certificate or token auth; TLS verified against the kubeconfig's CA (and the name).
#   * `get nodes|node|no [NAME...] [-o json|yaml|wide|name|jsonpath=...] [-l k=v]`
#     (table NAME STATUS ROLES AGE VERSION, "Ready,SchedulingDisabled" when cordoned, wide adds
#     INTERNAL-IP ...), `get configmap|cm|secret NAME -n NS -o json|yaml|jsonpath`,
#     `get --raw PATH`; "Error from server (NotFound): nodes "x" not found" (exit 1).
#   * `label node NAME k=v... [k-] [--overwrite]` ("already has a value" without --overwrite),
#     `annotate node`, `taint node NAME k[=v]:Effect[-]`, `cordon`/`uncordon NAME`
#     ("node/x cordoned"), `drain NAME [--ignore-daemonsets] [--delete-emptydir-data] [--force]
#     [--timeout]` (cordons; there are no pods to evict in the lab), `delete node NAME...
#     [--ignore-not-found]`, `wait --for=condition=Ready node/NAME|nodes --all [--timeout]`.
#   * `patch node|configmap NAME [-n NS] [--type merge|strategic|json] -p JSON|--patch-file FILE`
#     (sent as that patch type; "configmap/NAME patched", "(no change)" when nothing changed).
#   * `apply|create -f FILE|URL|-` (also -k is refused): every document is recorded, with the
#     file name and time, under /var/lib/hakube-standins/applied/ (one numbered YAML per call,
#     and index.tsv); output "<kind>.<group>/<name> created|configured" per object; create of an
#     object that exists is an AlreadyExists error, after the other objects (exit 1).
#   * `version [--client] [-o json|yaml]`, `cluster-info`, `config view`.
# Does not reproduce: any other resource or verb, server-side apply, watches, pods (drain
# evicts nothing), URLs are recorded, not fetched (the lab has no network; on an air-gapped
# host, offline.py, a URL is fetched: a lab address answers, anything else fails as Go's
# net/http fails without a route or a resolver, before any socket), plugins. Falling
# back to /etc/kubernetes/admin.conf when no kubeconfig is set is a lab convenience; real
# kubectl would talk to http://localhost:8080 and fail.
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import common  # noqa: E402
# Imported on first use (common.LazyModule): most calls need few of them.
datetime = common.LazyModule("datetime", globals())

VERSION = common.pkg_version()


class Fail(Exception):
    pass


def parse(argv):
    flags, pos, multi = {}, [], {"f": [], "l": []}
    takes = {"kubeconfig", "server", "s", "o", "output", "n", "namespace", "f", "filename", "l", "selector", "timeout",
             "for", "raw", "grace-period", "context", "request-timeout", "p", "patch", "patch-file", "type"}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            pos += argv[i + 1:]
            break
        if a.startswith("--") or (a.startswith("-") and len(a) >= 2 and not a[1].isdigit() and a != "-"):
            k = a.lstrip("-")
            v = None
            if "=" in k:
                k, v = k.split("=", 1)
            elif not a.startswith("--") and len(k) > 1 and k[0] in "onfls" and k not in takes:
                k, v = k[0], k[1:]
            if v is None and k in takes and i + 1 < len(argv):
                v = argv[i + 1]
                i += 1
            k = {"output": "o", "namespace": "n", "filename": "f", "selector": "l", "s": "server", "patch": "p"}.get(k, k)
            if k in multi:
                multi[k].append(v)
            else:
                flags[k] = v if v is not None else "true"
        else:
            pos.append(a)
        i += 1
    flags["_f"], flags["_l"] = multi["f"], multi["l"]
    return flags, pos


def kubeconfig_path(flags):
    if flags.get("kubeconfig"):
        return flags["kubeconfig"]
    env = os.environ.get("KUBECONFIG")
    if env:
        for pth in env.split(":"):
            if pth and os.path.exists(pth):
                return pth
    home = os.path.expanduser("~/.kube/config")
    if os.path.exists(home):
        return home
    return "/etc/kubernetes/admin.conf"


def client(flags):
    path = kubeconfig_path(flags)
    if not os.path.exists(path):
        raise Fail("The connection to the server localhost:8080 was refused - did you specify the right host or port?")
    kc = common.Kubeconfig(path)
    server = flags.get("server") or kc.server
    return common.ApiClient(server, kc.ca_data, kc.cert_data, kc.key_data, kc.token,
                            verify=flags.get("insecure-skip-tls-verify") != "true")


def call(api, method, path, body=None, ctype=None):
    try:
        return api.call(method, path, body, ctype, timeout=10)
    except OSError as e:
        host = api.server.split("://", 1)[1]
        raise Fail(f"Unable to connect to the server: dial tcp {host}: connect: {getattr(e, 'strerror', e) or e}")


def server_error(st, obj):
    reason = obj.get("reason") or {401: "Unauthorized", 403: "Forbidden", 404: "NotFound"}.get(st, "InternalError")
    if st == 401:
        return Fail("error: You must be logged in to the server (Unauthorized)")
    return Fail(f"Error from server ({reason}): {obj.get('message', obj)}")


def age(ts):
    if not ts:
        return "<unknown>"
    t = datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    s = int((datetime.datetime.now(datetime.timezone.utc) - t).total_seconds())
    if s < 120:
        return f"{s}s"
    if s < 600:
        return f"{s // 60}m{s % 60}s"
    if s < 3 * 3600:
        return f"{s // 60}m"
    if s < 48 * 3600:
        return f"{s // 3600}h"
    return f"{s // 86400}d"


def node_status(n):
    ready = next((c for c in n.get("status", {}).get("conditions", []) if c.get("type") == "Ready"), None)
    st = "Ready" if ready and ready.get("status") == "True" else ("NotReady" if ready else "Unknown")
    if n.get("spec", {}).get("unschedulable"):
        st += ",SchedulingDisabled"
    return st


def roles(n):
    r = sorted(k.split("/", 1)[1] for k in (n["metadata"].get("labels") or {})
               if k.startswith("node-role.kubernetes.io/"))
    return ",".join(r) or "<none>"


def jsonpath(obj, expr):
    expr = expr.strip()
    if expr.startswith("{") and expr.endswith("}"):
        expr = expr[1:-1]
    parts = re.findall(r"\.?([^.\[\]]+)|\[(\*|\d+)\]", expr.lstrip("."))
    cur = [obj]
    for name, idx in parts:
        nxt = []
        for c in cur:
            if idx == "*":
                nxt += list(c) if isinstance(c, list) else []
            elif idx:
                if isinstance(c, list) and int(idx) < len(c):
                    nxt.append(c[int(idx)])
            elif isinstance(c, dict) and name in c:
                nxt.append(c[name])
            elif isinstance(c, list) and name != "items":
                nxt += [x[name] for x in c if isinstance(x, dict) and name in x]
        cur = nxt
    return " ".join(x if isinstance(x, str) else json.dumps(x) for x in cur)


def emit(obj, o, kind_plural, items=None):
    if o == "json":
        print(json.dumps(obj, indent=4))
    elif o == "yaml":
        sys.stdout.write(common.dump_yaml(obj))
    elif o and o.startswith("jsonpath="):
        sys.stdout.write(jsonpath(obj, o.split("=", 1)[1]))
    elif o == "name":
        for i in items if items is not None else [obj]:
            print(f"{kind_plural[:-1] if kind_plural.endswith('s') else kind_plural}/{i['metadata']['name']}")
    else:
        return False
    return True


def cmd_get(api, flags, pos):
    if flags.get("raw"):
        st, obj = call(api, "GET", flags["raw"])
        if st >= 400:
            raise Fail(f"Error from server ({obj.get('reason', 'InternalError')}): {obj.get('message', obj.get('raw', obj))}")
        print(obj.get("raw") if "raw" in obj else json.dumps(obj))
        return 0
    if not pos:
        raise Fail("error: you must specify the type of resource to get.")
    res = pos[0].lower()
    names = pos[1:]
    if "/" in res:
        res, n = res.split("/", 1)
        names = [n] + names
    res = {"node": "nodes", "no": "nodes", "nodes": "nodes", "configmap": "configmaps", "cm": "configmaps",
           "configmaps": "configmaps", "secret": "secrets", "secrets": "secrets"}.get(res)
    if not res:
        raise Fail(f"error: the server doesn't have a resource type \"{pos[0]}\"")
    o = flags.get("o", "")
    ns = flags.get("n", "default")
    base = "/api/v1/nodes" if res == "nodes" else f"/api/v1/namespaces/{ns}/{res}"
    if names:
        items, errors = [], []
        for n in names:
            st, obj = call(api, "GET", f"{base}/{n}")
            if st == 200:
                items.append(obj)
            elif st == 404:
                errors.append(f"Error from server (NotFound): {res} \"{n}\" not found")
            else:
                raise server_error(st, obj)
        if len(names) == 1 and items:
            doc = items[0]
        else:
            doc = {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}
    else:
        q = ""
        if flags["_l"]:
            q = "?labelSelector=" + ",".join(flags["_l"])
        st, doc = call(api, "GET", base + q)
        if st != 200:
            raise server_error(st, doc)
        items = doc.get("items", [])
        errors = []
        doc = {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}
    if not emit(doc, o, res, items):
        if res == "nodes":
            wide = o == "wide"
            rows = [["NAME", "STATUS", "ROLES", "AGE", "VERSION"] +
                    (["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"] if wide else [])]
            for n in items:
                s = n.get("status", {})
                info = s.get("nodeInfo", {})
                ip = next((a["address"] for a in s.get("addresses", []) if a["type"] == "InternalIP"), "<none>")
                rows.append([n["metadata"]["name"], node_status(n), roles(n), age(n["metadata"].get("creationTimestamp")),
                             info.get("kubeletVersion", "")] +
                            ([ip, "<none>", info.get("osImage", ""), info.get("kernelVersion", ""),
                              info.get("containerRuntimeVersion", "")] if wide else []))
        else:
            rows = [["NAME", "DATA", "AGE"]] + [[i["metadata"]["name"], str(len(i.get("data") or {})),
                                                  age(i["metadata"].get("creationTimestamp"))] for i in items]
        if len(rows) > 1:
            widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
            for r in rows:
                print("   ".join(v.ljust(widths[c]) for c, v in enumerate(r)).rstrip())
        elif not errors:
            sys.stderr.write("No resources found\n" if res == "nodes" else f"No resources found in {ns} namespace.\n")
    for e in errors:
        sys.stderr.write(e + "\n")
    return 1 if errors else 0


def patch_node(api, name, body):
    st, obj = call(api, "PATCH", f"/api/v1/nodes/{name}", body, "application/merge-patch+json")
    if st != 200:
        if st == 404:
            raise Fail(f"Error from server (NotFound): nodes \"{name}\" not found")
        raise server_error(st, obj)
    return obj


def get_node(api, name):
    st, obj = call(api, "GET", f"/api/v1/nodes/{name}")
    if st == 404:
        raise Fail(f"Error from server (NotFound): nodes \"{name}\" not found")
    if st != 200:
        raise server_error(st, obj)
    return obj


def node_arg(pos, verb):
    if not pos:
        raise Fail(f"error: resource(s) were provided, but no name was specified")
    if pos[0] in ("node", "nodes", "no"):
        return pos[1], pos[2:]
    if pos[0].startswith(("node/", "nodes/")):
        return pos[0].split("/", 1)[1], pos[1:]
    if verb in ("cordon", "uncordon", "drain"):
        return pos[0], pos[1:]
    raise Fail(f"error: the server doesn't have a resource type \"{pos[0]}\"")


def cmd_label(api, flags, pos, field="labels"):
    name, changes = node_arg(pos, "label")
    node = get_node(api, name)
    cur = node["metadata"].get(field) or {}
    patch = {}
    for c in changes:
        if c.endswith("-") and "=" not in c:
            patch[c[:-1]] = None
            continue
        k, _, v = c.partition("=")
        if k in cur and cur[k] != v and flags.get("overwrite") != "true":
            raise Fail(f"error: '{k}' already has a value ({cur[k]}), and --overwrite is false")
        patch[k] = v
    if not patch:
        raise Fail("error: at least one label update is required")
    patch_node(api, name, {"metadata": {field: patch}})
    print(f"node/{name} {'labeled' if field == 'labels' else 'annotated'}")
    return 0


def cmd_taint(api, flags, pos):
    name, changes = node_arg(pos, "taint")
    node = get_node(api, name)
    taints = list(node.get("spec", {}).get("taints") or [])
    for c in changes:
        remove = c.endswith("-")
        c = c.rstrip("-")
        kv, _, effect = c.partition(":")
        k, _, v = kv.partition("=")
        if remove:
            taints = [t for t in taints if not (t["key"] == k and (not effect or t["effect"] == effect))]
        else:
            taints = [t for t in taints if not (t["key"] == k and t["effect"] == effect)]
            taints.append({"key": k, "effect": effect, **({"value": v} if v else {})})
    patch_node(api, name, {"spec": {"taints": taints or None}})
    print(f"node/{name} {'untainted' if all(c.endswith('-') for c in changes) else 'tainted'}")
    return 0


def cmd_patch(api, flags, pos):
    """kubectl patch (node|configmap) NAME [-n NS] [--type merge|strategic|json] (-p JSON | --patch-file FILE)."""
    if len(pos) == 1 and "/" in pos[0]:
        pos = pos[0].split("/", 1)
    if len(pos) != 2:
        raise Fail("error: resource(s) were provided, but no name was specified")
    res = {"node": "nodes", "no": "nodes", "nodes": "nodes", "configmap": "configmaps", "cm": "configmaps",
           "configmaps": "configmaps"}.get(pos[0].lower())
    if not res:
        raise Fail(f"error: the server doesn't have a resource type \"{pos[0]}\" (lab stand-in: nodes and configmaps)")
    if flags.get("p") is not None and flags.get("patch-file") is not None:
        raise Fail("error: both patch and patch-file cannot be specified")
    text = flags.get("p")
    if flags.get("patch-file") is not None:
        with open(flags["patch-file"]) as f:
            text = f.read()
    if text is None:
        raise Fail("error: must specify --patch or --patch-file containing the contents of the patch")
    try:
        body = json.loads(text)
    except ValueError as e:
        raise Fail(f"error: unable to parse \"{text[:40]}\": {e}")
    kind = flags.get("type", "strategic")
    ctype = {"merge": "application/merge-patch+json", "strategic": "application/strategic-merge-patch+json",
             "json": "application/json-patch+json"}.get(kind)
    if ctype is None:
        raise Fail(f"error: --type must be one of [json merge strategic], not \"{kind}\"")
    path = f"/api/v1/nodes/{pos[1]}" if res == "nodes" else f"/api/v1/namespaces/{flags.get('n', 'default')}/{res}/{pos[1]}"
    st, before = call(api, "GET", path)
    if st != 200:
        if st == 404:
            raise Fail(f"Error from server (NotFound): {res} \"{pos[1]}\" not found")
        raise server_error(st, before)
    st, after = call(api, "PATCH", path, body, ctype)
    if st != 200:
        raise server_error(st, after)
    changed = {k: v for k, v in after.items() if k != "metadata"} != {k: v for k, v in before.items() if k != "metadata"}
    print(f"{res[:-1]}/{pos[1]} {'patched' if changed else 'patched (no change)'}")
    return 0


def cmd_cordon(api, flags, pos, on):
    name, _ = node_arg(pos, "cordon")
    node = get_node(api, name)
    if bool(node.get("spec", {}).get("unschedulable")) == on:
        print(f"node/{name} already {'cordoned' if on else 'uncordoned'}")
        return 0
    patch_node(api, name, {"spec": {"unschedulable": True if on else None}})
    print(f"node/{name} {'cordoned' if on else 'uncordoned'}")
    return 0


def cmd_drain(api, flags, pos):
    name, _ = node_arg(pos, "drain")
    cmd_cordon(api, flags, [name], True)
    if not common.lenient():
        common.real_wait("drain")  # the evictions of the node's pods (scaled; FIDELITY.md)
    patch_node(api, name, {"metadata": {"annotations": {"hakube.io/standin-drained": common.now_rfc3339()}}})
    print(f"node/{name} drained")
    return 0


def cmd_delete(api, flags, pos):
    if flags["_f"]:
        raise Fail("error: delete -f is not supported by the lab stand-in")
    if not pos:
        raise Fail("error: You must provide one or more resources by argument or filename.")
    names = pos[1:] if pos[0] in ("node", "nodes", "no") else [p.split("/", 1)[1] for p in pos if "/" in p]
    if pos[0] not in ("node", "nodes", "no") and not all(p.startswith(("node/", "nodes/")) for p in pos):
        raise Fail(f"error: the server doesn't have a resource type \"{pos[0]}\"")
    rc = 0
    for n in names:
        st, obj = call(api, "DELETE", f"/api/v1/nodes/{n}")
        if st == 200:
            print(f"node \"{n}\" deleted")
        elif st == 404:
            if flags.get("ignore-not-found") != "true":
                sys.stderr.write(f"Error from server (NotFound): nodes \"{n}\" not found\n")
                rc = 1
        else:
            raise server_error(st, obj)
    return rc


def fetch_url(src):
    """None outside air-gapped labs (the URL is recorded only); the body of the URL on an air-gapped
    host (cli-runtime's resource builder: http.Get, a non-200 status refused)."""
    import offline
    if not offline.air_gapped():
        return None
    try:
        status, _, body = offline.fetch("kubectl", src, proxy=offline.go_proxy(src, os.environ))
    except offline.Unreachable as e:
        why = f"dial tcp: lookup {e.host}: no such host" if e.kind == "resolve" else \
            f"dial tcp {e.host}:{e.port}: connect: network is unreachable"
        raise Fail(f"error: Get \"{src}\": {why}")
    except OSError as e:
        raise Fail(f"error: Get \"{src}\": {e}")
    if status != 200:
        raise Fail(f"error: unable to read URL \"{src}\", server reported {status}, status code={status}")
    return body.decode()


def cmd_apply(api, flags, pos, verb):
    if flags.get("k"):
        raise Fail("error: -k (kustomize) is not supported by the lab stand-in")
    if not flags["_f"]:
        raise Fail("error: must specify one of -f and -k")
    import yaml
    d = common.state_dir("applied")
    texts = []
    for src in flags["_f"]:
        if src == "-":
            texts.append((src, sys.stdin.read()))
        elif re.match(r"^https?://", src):
            texts.append((src, fetch_url(src)))
        else:
            if not os.path.exists(src):
                raise Fail(f"error: the path \"{src}\" does not exist")
            if os.path.isdir(src):
                for fn in sorted(os.listdir(src)):
                    if fn.endswith((".yaml", ".yml", ".json")):
                        texts.append((os.path.join(src, fn), open(os.path.join(src, fn)).read()))
            else:
                texts.append((src, open(src).read()))
    n = len([x for x in os.listdir(d) if x.endswith(".yaml")]) + 1
    stamp = common.now_rfc3339()
    errors = []
    with open(os.path.join(d, "index.tsv"), "a") as idx:
        for src, text in texts:
            rec = os.path.join(d, f"{n:04d}.yaml")
            n += 1
            if text is None:
                common.write_file(rec, f"# {verb} -f {src} (URL recorded, not fetched: the lab has no network)\n")
                idx.write(f"{stamp}\t{verb}\t{src}\t{rec}\t-\n")
                print(f"(lab stand-in) recorded {src}")
                continue
            try:
                docs = [x for x in common.load_yaml_all(text) if x]
            except yaml.YAMLError as e:
                raise Fail(f"error: error parsing {src}: {e}")
            common.write_file(rec, f"# {verb} -f {src}\n" + text)
            idx.write(f"{stamp}\t{verb}\t{src}\t{rec}\t{len(docs)}\n")
            for doc in docs:
                if not isinstance(doc, dict) or "kind" not in doc:
                    raise Fail(f"error: error validating \"{src}\": error validating data: kind not set")
                items = doc.get("items") if doc["kind"].endswith("List") else [doc]
                for it in items or []:
                    grp = it.get("apiVersion", "v1").split("/")[0] if "/" in it.get("apiVersion", "v1") else ""
                    kind = it["kind"].lower() + (f".{grp}" if grp else "")
                    name = (it.get("metadata") or {}).get("name", "")
                    ns = (it.get("metadata") or {}).get("namespace", "")
                    key = f"{kind}/{ns}/{name}"
                    seen_path = os.path.join(d, "objects.json")
                    try:
                        seen = json.load(open(seen_path))
                    except (OSError, ValueError):
                        seen = {}
                    if key in seen and verb == "create":
                        # create goes on with the other objects (cli-runtime's ContinueOnError) and
                        # fails at the end with every error.
                        errors.append(f"Error from server (AlreadyExists): error when creating \"{src}\": "
                                      f"{it['kind']} \"{name}\" already exists")
                        continue
                    state = "configured" if key in seen else "created"
                    seen[key] = rec
                    common.write_file(seen_path, json.dumps(seen, indent=1), 0o644)
                    print(f"{kind}/{name} {state}")
    if errors:
        raise Fail("\n".join(errors))
    return 0


def cmd_wait(api, flags, pos):
    cond = flags.get("for", "")
    m = re.fullmatch(r"condition=(\w+)(?:=(\w+))?", cond)
    if not m:
        raise Fail(f"error: unrecognized condition: \"{cond}\"")
    want = m.group(2) or "True"
    timeout = common.parse_duration(flags.get("timeout", "30s")) or 30
    targets = []
    for p in pos:
        if p.startswith(("node/", "nodes/")):
            targets.append(p.split("/", 1)[1])
    if flags.get("all") == "true" or not targets:
        st, doc = call(api, "GET", "/api/v1/nodes")
        targets = [n["metadata"]["name"] for n in doc.get("items", [])]
    deadline = time.time() + timeout
    pending = list(targets)
    while True:
        for name in list(pending):
            st, n = call(api, "GET", f"/api/v1/nodes/{name}")
            if st == 200 and any(c.get("type") == m.group(1) and c.get("status") == want
                                 for c in n.get("status", {}).get("conditions", [])):
                print(f"node/{name} condition met")
                pending.remove(name)
        if not pending:
            return 0
        if time.time() >= deadline:
            for name in pending:
                sys.stderr.write(f"error: timed out waiting for the condition on nodes/{name}\n")
            return 1
        time.sleep(0.5)


def cmd_version(flags):
    info = {"major": VERSION.lstrip("v").split(".")[0], "minor": VERSION.split(".")[1], "gitVersion": VERSION,
            "gitCommit": "hakube-standin", "gitTreeState": "clean", "buildDate": "2024-12-10T00:00:00Z",
            "goVersion": "go1.22.9", "compiler": "gc", "platform": "linux/amd64"}
    doc = {"clientVersion": info, "kustomizeVersion": "v5.4.2"}
    server = None
    if flags.get("client") != "true":
        try:
            api = client(flags)
            st, server = call(api, "GET", "/version")
            doc["serverVersion"] = server
        except Fail as e:
            server = e
    o = flags.get("o", "")
    if o == "json":
        print(json.dumps(doc, indent=2))
    elif o == "yaml":
        sys.stdout.write(common.dump_yaml(doc))
    else:
        print(f"Client Version: {VERSION}\nKustomize Version: v5.4.2")
        if isinstance(server, dict):
            print(f"Server Version: {server.get('gitVersion')}")
        elif isinstance(server, Fail):
            sys.stderr.write(str(server) + "\n")
            return 1
    return 0


def main(argv):
    flags, pos = parse(argv)
    if not pos:
        print("kubectl controls the Kubernetes cluster manager (lab stand-in).")
        return 0
    verb, rest = pos[0], pos[1:]
    try:
        if verb == "version":
            return cmd_version(flags)
        if verb == "config" and rest[:1] == ["view"]:
            sys.stdout.write(open(kubeconfig_path(flags)).read())
            return 0
        api = client(flags)
        if verb == "get":
            return cmd_get(api, flags, rest)
        if verb == "label":
            return cmd_label(api, flags, rest)
        if verb == "annotate":
            return cmd_label(api, flags, rest, "annotations")
        if verb == "taint":
            return cmd_taint(api, flags, rest)
        if verb in ("cordon", "uncordon"):
            return cmd_cordon(api, flags, rest, verb == "cordon")
        if verb == "patch":
            return cmd_patch(api, flags, rest)
        if verb == "drain":
            return cmd_drain(api, flags, rest)
        if verb == "delete":
            return cmd_delete(api, flags, rest)
        if verb in ("apply", "create", "replace"):
            return cmd_apply(api, flags, rest, verb)
        if verb == "wait":
            return cmd_wait(api, flags, rest)
        if verb == "cluster-info":
            st, _ = call(api, "GET", "/readyz")
            print(f"Kubernetes control plane is running at {api.server}")
            return 0
        raise Fail(f"error: unknown command \"{verb}\" for \"kubectl\" (lab stand-in)")
    except Fail as e:
        sys.stderr.write(str(e) + "\n")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
