#!/usr/bin/env python3
"""Writes the field tree of kubeadm's configuration documents from kubeadm's own Go types.

What it reads: the Go files listed in SOURCES below (kubeadm's v1beta3 and v1beta4 API types, the
bootstrap token type, kubelet's KubeletConfiguration v1beta1, kube-proxy's KubeProxyConfiguration
v1alpha1, and the core/v1, meta/v1, resource and component-base types they use), laid out under one
directory as <repository>/<path>, for example SRC/kubelet/config/v1beta1/types.go for
kubernetes/kubelet's config/v1beta1/types.go. SOURCES names the upstream repository, tag or commit
of each file; the sha256 of every file read goes into the output, so a reader can tell which files
made it.

What it writes (JSON, see README.md): per apiVersion the kinds kubeadm accepts in a configuration
file and their root struct; per struct its JSON field names as Go's encoding/json sees them (json
tags, untagged fields by their Go name, embedded structs flattened, shallower fields winning) and
each field's type: string, bool, int (bits, signed), float, list of X, map of X, struct X, or one
of the custom-decoded kinds (duration, time, quantity, bootstrapToken, durationOrNanoseconds).

How to regenerate: fetch the files of SOURCES at the refs given there into SRC, then
    python3 tests/tools/kubeadm-schema/extract.py SRC > tests/HaKube.Tests/Data/kubeadm-schema/kubeadm-types.json
Python 3 standard library only. It stops with an error on any type it cannot resolve or any
custom JSON decoder it does not know, so nothing reachable is silently typed as "any".
"""

import hashlib
import json
import os
import re
import sys

STAGING_TAG = "v0.31.14"  # the staging repositories' tag for Kubernetes v1.31.14

# (package key, Go import path, repository, ref, commit, file paths in the repository)
SOURCES = [
    ("kubeadm/v1beta3", "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/v1beta3", "kubernetes/kubernetes", None,
     "008b3652959ca58af8be3fb5b6ecfe9ae7638282", ["cmd/kubeadm/app/apis/kubeadm/v1beta3/types.go"]),
    ("kubeadm/v1beta4", "k8s.io/kubernetes/cmd/kubeadm/app/apis/kubeadm/v1beta4", "kubernetes/kubernetes", None,
     "1329935739c3aa007d23cb9a4dadfee9d59ff79b", ["cmd/kubeadm/app/apis/kubeadm/v1beta4/types.go"]),
    ("bootstraptoken/v1", "k8s.io/kubernetes/cmd/kubeadm/app/apis/bootstraptoken/v1", "kubernetes/kubernetes", None,
     "2d350a359e7b251ffa047415af6bf64350f41888", ["cmd/kubeadm/app/apis/bootstraptoken/v1/types.go"]),
    ("kubelet/v1beta1", "k8s.io/kubelet/config/v1beta1", "kubernetes/kubelet", STAGING_TAG,
     "94cce52da03ee041b5b9c435395ab82b6e1261fc", ["config/v1beta1/types.go"]),
    ("kubeproxy/v1alpha1", "k8s.io/kube-proxy/config/v1alpha1", "kubernetes/kube-proxy", STAGING_TAG,
     "f27126ceff6daca986849627322b458f08b7bf41", ["config/v1alpha1/types.go"]),
    ("core/v1", "k8s.io/api/core/v1", "kubernetes/api", STAGING_TAG,
     "127bb9f2b1d94d1cfaa7b04e9b0bdfb63b578420", ["core/v1/types.go"]),
    ("meta/v1", "k8s.io/apimachinery/pkg/apis/meta/v1", "kubernetes/apimachinery", STAGING_TAG,
     "a8f449e276fe566efddb149992049c78f0088492",
     ["pkg/apis/meta/v1/types.go", "pkg/apis/meta/v1/duration.go", "pkg/apis/meta/v1/time.go"]),
    ("resource", "k8s.io/apimachinery/pkg/api/resource", "kubernetes/apimachinery", STAGING_TAG,
     "a8f449e276fe566efddb149992049c78f0088492", ["pkg/api/resource/quantity.go"]),
    ("componentbase/config/v1alpha1", "k8s.io/component-base/config/v1alpha1", "kubernetes/component-base", STAGING_TAG,
     "24fba76ef9c5f68821882cb5d84a14b0cf7908d6", ["config/v1alpha1/types.go"]),
    ("logs/v1", "k8s.io/component-base/logs/api/v1", "kubernetes/component-base", STAGING_TAG,
     "24fba76ef9c5f68821882cb5d84a14b0cf7908d6", ["logs/api/v1/types.go"]),
    ("tracing/v1", "k8s.io/component-base/tracing/api/v1", "kubernetes/component-base", STAGING_TAG,
     "24fba76ef9c5f68821882cb5d84a14b0cf7908d6", ["tracing/api/v1/types.go"]),
]

# What is known of a file's release where no tag names it (kubernetes/kubernetes is too large to
# clone here: its files were read one by one at the commit given).
NOTES = {
    "kubernetes/kubernetes/cmd/kubeadm/app/apis/kubeadm/v1beta4/types.go":
        "Kubernetes 1.31 level: v1beta4 as first released (timeouts, upgrade/reset configurations, "
        "extraEnvs, encryptionAlgorithm, certificate validity periods, imagePullSerial, dns/proxy "
        "disabled; UpgradeApplyConfiguration.SkipPhases still without a json tag)",
    "kubernetes/kubernetes/cmd/kubeadm/app/apis/kubeadm/v1beta3/types.go":
        "the v1beta3 that kubeadm 1.30 reads (Discovery.timeout, APIServer.timeoutForControlPlane, "
        "map extraArgs); the exact release of this stored version is not pinned",
    "kubernetes/kubernetes/cmd/kubeadm/app/apis/bootstraptoken/v1/types.go":
        "BootstrapToken and BootstrapTokenString; the exact release of this stored version is not pinned",
}

# The kinds a kubeadm configuration file may hold. For kubeadm's own groups every type marked as a
# runtime.Object in types.go is a kind; of kubelet's and kube-proxy's groups kubeadm takes only its
# component configuration (other kinds of those groups are refused), so those lists are explicit.
DOCUMENT_GROUPS = [
    ("kubeadm.k8s.io/v1beta3", "kubeadm/v1beta3", None),
    ("kubeadm.k8s.io/v1beta4", "kubeadm/v1beta4", None),
    ("kubelet.config.k8s.io/v1beta1", "kubelet/v1beta1", ["KubeletConfiguration"]),
    ("kubeproxy.config.k8s.io/v1alpha1", "kubeproxy/v1alpha1", ["KubeProxyConfiguration"]),
]

# Types whose UnmarshalJSON decides what JSON they take, and the kind the checker models it as:
#   duration: a JSON string time.ParseDuration accepts (meta/v1 duration.go; null fails unless a pointer)
#   time: null, or a JSON string time.Parse(time.RFC3339) accepts (meta/v1 time.go)
#   quantity: null, a JSON string or a bare number resource.ParseQuantity accepts (quantity.go)
#   bootstrapToken: a JSON string matching [a-z0-9]{6}.[a-z0-9]{16} after every '"' is removed
#     (bootstraptoken/v1 utils.go, not read here: its UnmarshalJSON lives outside types.go)
#   durationOrNanoseconds: a duration string, or a JSON integer of nanoseconds (logs/api/v1 types.go)
CUSTOM_DECODERS = {
    "meta/v1.Duration": ("duration", True),
    "meta/v1.Time": ("time", True),
    "resource.Quantity": ("quantity", True),
    "bootstraptoken/v1.BootstrapTokenString": ("bootstrapToken", False),
    "logs/v1.TimeOrMetaDuration": ("durationOrNanoseconds", True),
}

# Named types from packages not read here.
EXTERNAL_TYPES = {
    "time.Duration": {"kind": "int", "bits": 64, "signed": True},
    "types.UID": {"kind": "string"},
}

BUILTINS = {
    "string": {"kind": "string"},
    "bool": {"kind": "bool"},
    "float32": {"kind": "float"},
    "float64": {"kind": "float"},
    "int": {"kind": "int", "bits": 64, "signed": True},
    "int8": {"kind": "int", "bits": 8, "signed": True},
    "int16": {"kind": "int", "bits": 16, "signed": True},
    "int32": {"kind": "int", "bits": 32, "signed": True},
    "int64": {"kind": "int", "bits": 64, "signed": True},
    "uint": {"kind": "int", "bits": 64, "signed": False},
    "uint8": {"kind": "int", "bits": 8, "signed": False},
    "uint16": {"kind": "int", "bits": 16, "signed": False},
    "uint32": {"kind": "int", "bits": 32, "signed": False},
    "uint64": {"kind": "int", "bits": 64, "signed": False},
}

RUNTIME_OBJECT_MARKER = "+k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object"


class ExtractError(Exception):
    pass


# ---------------------------------------------------------------- Go tokens

TOKEN_RE = re.compile(r"""
    (?P<ws>[ \t\r]+)
  | (?P<nl>\n)
  | (?P<linecomment>//[^\n]*)
  | (?P<blockcomment>/\*.*?\*/)
  | (?P<raw>`[^`]*`)
  | (?P<str>"(?:\\.|[^"\\\n])*")
  | (?P<char>'(?:\\.|[^'\\\n])+')
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>[0-9][0-9A-Za-z_.]*|\.[0-9][0-9A-Za-z_]*)
  | (?P<op>\.\.\.|<-|&&|\|\||[-+*/%&|^<>=!:]=|<<=?|>>=?|&\^=?|\+\+|--|[{}()\[\];,.*&|^+\-/%<>=!:~])
""", re.VERBOSE | re.DOTALL)

SEMICOLON_AFTER = {"ident", "num", "str", "raw", "char"}
SEMICOLON_AFTER_OPS = {")", "]", "}", "++", "--"}


def tokenize(text):
    """Go tokens with automatic semicolons; markers are the runtime.Object comments, kept as tokens."""
    tokens = []
    pos = 0
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m:
            raise ExtractError(f"cannot tokenize at {text[pos:pos + 40]!r}")
        pos = m.end()
        kind = m.lastgroup
        value = m.group()
        if kind == "ws":
            continue
        if kind in ("nl", "blockcomment") and ("\n" in value):
            if tokens and (tokens[-1][0] in SEMICOLON_AFTER or (tokens[-1][0] == "op" and tokens[-1][1] in SEMICOLON_AFTER_OPS)):
                tokens.append(("op", ";"))
            continue
        if kind == "blockcomment":
            continue
        if kind == "linecomment":
            if value[2:].strip() == RUNTIME_OBJECT_MARKER:
                tokens.append(("marker", value))
            continue
        tokens.append((kind, value))
    tokens.append(("op", ";"))
    tokens.append(("eof", ""))
    return tokens


# ---------------------------------------------------------------- Go declarations

class Parser:
    def __init__(self, tokens):
        self.tokens = tokens
        self.i = 0

    def peek(self, offset=0):
        return self.tokens[self.i + offset]

    def next(self):
        token = self.tokens[self.i]
        self.i += 1
        return token

    def at(self, value):
        return self.peek()[1] == value and self.peek()[0] in ("op", "ident")

    def expect(self, value):
        token = self.next()
        if token[1] != value:
            raise ExtractError(f"expected {value!r}, found {token[1]!r}")

    def skip_balanced(self):
        """Skips one bracketed group starting at the current ( [ or {."""
        pairs = {"(": ")", "[": "]", "{": "}"}
        stack = [pairs[self.next()[1]]]
        while stack:
            token = self.next()
            if token[0] == "eof":
                raise ExtractError("unbalanced brackets")
            if token[0] == "op" and token[1] in pairs:
                stack.append(pairs[token[1]])
            elif token[0] == "op" and token[1] == stack[-1]:
                stack.pop()

    def skip_to_semicolon(self):
        while not (self.peek()[0] == "op" and self.peek()[1] == ";"):
            if self.peek()[0] == "op" and self.peek()[1] in "([{":
                self.skip_balanced()
            else:
                self.next()
        self.next()

    def parse_file(self):
        """Returns (package name, imports {alias: path}, types {name: (type expr, is runtime object)})."""
        imports = {}
        types = {}
        marker = False
        self.expect("package")
        package = self.next()[1]
        self.expect(";")
        while self.peek()[0] != "eof":
            token = self.peek()
            if token[0] == "marker":
                self.next()
                marker = True
                continue
            if token[1] == ";":
                self.next()
                continue
            if token[1] == "import":
                self.next()
                if self.at("("):
                    self.next()
                    while not self.at(")"):
                        if self.at(";"):
                            self.next()
                            continue
                        self.parse_import(imports)
                    self.next()
                else:
                    self.parse_import(imports)
                continue
            if token[1] == "type":
                self.next()
                if self.at("("):
                    self.next()
                    while not self.at(")"):
                        if self.peek()[0] == "marker":
                            self.next()
                            marker = True
                            continue
                        if self.at(";"):
                            self.next()
                            continue
                        self.parse_type_spec(types, marker)
                        marker = False
                    self.next()
                else:
                    self.parse_type_spec(types, marker)
                marker = False
                continue
            if token[1] == "func":
                self.next()
                if self.at("("):
                    self.skip_balanced()  # receiver
                self.next()  # name
                if self.at("["):
                    self.skip_balanced()
                self.skip_balanced()  # parameters
                while not (self.at("{") or self.at(";")):
                    if self.peek()[0] == "op" and self.peek()[1] in "([":
                        self.skip_balanced()
                    elif self.at("interface") or self.at("struct"):
                        self.next()
                        self.skip_balanced()  # a result type's braces, not the body
                    else:
                        self.next()
                if self.at("{"):
                    self.skip_balanced()
                marker = False
                continue
            if token[1] in ("const", "var"):
                self.next()
                if self.at("("):
                    self.skip_balanced()
                else:
                    self.skip_to_semicolon()
                marker = False
                continue
            raise ExtractError(f"unexpected top-level token {token[1]!r}")
        return package, imports, types

    def parse_import(self, imports):
        alias = None
        if self.peek()[0] in ("ident",) or self.at(".") or self.at("_"):
            alias = self.next()[1]
        path = self.next()[1].strip('"')
        self.expect(";")
        imports[alias or path.rsplit("/", 1)[-1]] = path

    def parse_type_spec(self, types, marker):
        name = self.next()[1]
        if self.at("[") and self.peek(1)[0] == "ident" and self.peek(2)[1] != "]":
            raise ExtractError(f"generic type {name} is not supported")
        if self.at("="):
            self.next()
        types[name] = (self.parse_type(), marker)
        self.expect(";")

    def parse_type(self):
        token = self.next()
        value = token[1]
        if value == "*":
            return ("pointer", self.parse_type())
        if value == "[":
            if self.at("]"):
                self.next()
                return ("slice", self.parse_type())
            while not self.at("]"):
                self.next()
            self.next()
            return ("array", self.parse_type())
        if value == "map":
            self.expect("[")
            key = self.parse_type()
            self.expect("]")
            return ("map", key, self.parse_type())
        if value == "struct":
            return ("struct", self.parse_fields())
        if value == "interface":
            if not self.at("{"):
                raise ExtractError("interface without body")
            self.skip_balanced()
            return ("interface",)
        if value == "func":
            self.skip_balanced()
            while not (self.at(";") or self.at("}") or self.at(")") or self.peek()[0] == "raw"):
                if self.peek()[0] == "op" and self.peek()[1] in "([":
                    self.skip_balanced()
                else:
                    self.next()
            return ("func",)
        if value == "chan":
            return ("chan", self.parse_type())
        if token[0] != "ident":
            raise ExtractError(f"unexpected token {value!r} in a type")
        if self.at("."):
            self.next()
            return ("named", value, self.next()[1])
        return ("named", None, value)

    def parse_fields(self):
        """Struct fields as (names or None when embedded, type, tag)."""
        self.expect("{")
        fields = []
        while not self.at("}"):
            if self.at(";") or self.peek()[0] == "marker":
                self.next()
                continue
            start = self.i
            embedded = False
            names = []
            if self.at("*"):
                embedded = True
            elif self.peek()[0] == "ident":
                after = self.peek(1)
                if after[1] in (";", "}") or after[0] in ("raw", "str") or after[1] == ".":
                    embedded = True
            if not embedded:
                names.append(self.next()[1])
                while self.at(","):
                    self.next()
                    names.append(self.next()[1])
            else:
                self.i = start
            field_type = self.parse_type()
            tag = ""
            if self.peek()[0] in ("raw", "str"):
                raw = self.next()[1]
                tag = raw[1:-1]
            fields.append((names or None, field_type, tag))
            if self.at(";"):
                self.next()
        self.next()
        return fields


# ---------------------------------------------------------------- JSON view of the types

TAG_RE = re.compile(r'(\w+):"((?:\\.|[^"\\])*)"')


def json_tag(tag):
    for key, value in TAG_RE.findall(tag):
        if key == "json":
            parts = value.split(",")
            return parts[0], set(parts[1:])
    return None, set()


class Universe:
    def __init__(self, src):
        self.packages = {}  # key -> {"path", "types", "imports" per type}
        self.by_path = {}
        self.sources = {}
        self.custom_methods = set()
        for key, import_path, repo, ref, commit, paths in SOURCES:
            package = self.packages.setdefault(key, {"path": import_path, "types": {}, "objects": set()})
            self.by_path[import_path] = key
            for path in paths:
                local = os.path.join(src, repo.split("/", 1)[1], path)
                with open(local, "rb") as f:
                    data = f.read()
                text = data.decode("utf-8")
                self.sources[f"{repo}/{path}"] = {
                    "repository": repo,
                    "path": path,
                    "ref": ref,
                    "commit": commit,
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
                if f"{repo}/{path}" in NOTES:
                    self.sources[f"{repo}/{path}"]["note"] = NOTES[f"{repo}/{path}"]
                for m in re.finditer(r"^func \(\w+ \*?(\w+)\) UnmarshalJSON\(", text, re.MULTILINE):
                    self.custom_methods.add(f"{key}.{m.group(1)}")
                parser = Parser(tokenize(text))
                try:
                    _, imports, types = parser.parse_file()
                except ExtractError as error:
                    context = " ".join(t[1] for t in parser.tokens[max(0, parser.i - 12):parser.i + 3])
                    raise ExtractError(f"{repo}/{path}: {error} (near: {context})") from error
                for name, (expr, marker) in types.items():
                    package["types"][name] = (expr, imports)
                    if marker:
                        package["objects"].add(name)
        self.structs = {}
        for name, (_, method_in_sources) in CUSTOM_DECODERS.items():
            if method_in_sources and name not in self.custom_methods:
                raise ExtractError(f"{name} is listed as custom-decoded but no UnmarshalJSON was found for it")
        self.unknown_custom = self.custom_methods - set(CUSTOM_DECODERS)

    def resolve_named(self, package_key, imports, qualifier, name):
        """(package key, type name) of a named type, or a BUILTINS / EXTERNAL_TYPES entry."""
        if qualifier is None:
            if name in BUILTINS and name not in self.packages[package_key]["types"]:
                return None, BUILTINS[name]
            return package_key, name
        path = imports.get(qualifier)
        if path is None:
            raise ExtractError(f"unknown package qualifier {qualifier} in {package_key}")
        target = self.by_path.get(path)
        if target is None:
            external = EXTERNAL_TYPES.get(f"{qualifier}.{name}") or EXTERNAL_TYPES.get(f"{path.rsplit('/', 1)[-1]}.{name}")
            if external is None:
                raise ExtractError(f"{qualifier}.{name} ({path}) is in no source read and not in EXTERNAL_TYPES")
            return None, external
        return target, name

    def type_of(self, package_key, imports, expr):
        """The checker's view of a Go type expression."""
        kind = expr[0]
        if kind == "pointer":
            result = dict(self.type_of(package_key, imports, expr[1]))
            result["pointer"] = True
            return result
        if kind == "slice":
            inner = expr[1]
            if inner == ("named", None, "byte") or inner == ("named", None, "uint8"):
                return {"kind": "bytes"}
            return {"kind": "list", "items": self.type_of(package_key, imports, inner)}
        if kind == "array":
            return {"kind": "list", "items": self.type_of(package_key, imports, expr[1])}
        if kind == "map":
            key = self.type_of(package_key, imports, expr[1])
            if key["kind"] != "string":
                raise ExtractError(f"map key of kind {key['kind']} in {package_key} is not supported")
            return {"kind": "map", "values": self.type_of(package_key, imports, expr[2])}
        if kind == "interface":
            return {"kind": "any"}
        if kind in ("func", "chan"):
            raise ExtractError(f"a {kind} type cannot be decoded from JSON ({package_key})")
        if kind == "struct":
            raise ExtractError(f"anonymous struct types are not supported ({package_key})")
        target, name_or_type = self.resolve_named(package_key, imports, expr[1], expr[2])
        if target is None:
            return dict(name_or_type)
        return self.named_type(target, name_or_type)

    def named_type(self, package_key, name):
        qualified = f"{package_key}.{name}"
        if qualified in CUSTOM_DECODERS:
            return {"kind": CUSTOM_DECODERS[qualified][0], "goType": qualified}
        if qualified in self.unknown_custom:
            raise ExtractError(f"{qualified} has its own UnmarshalJSON; add it to CUSTOM_DECODERS")
        entry = self.packages[package_key]["types"].get(name)
        if entry is None:
            raise ExtractError(f"type {qualified} is not declared in the sources read")
        expr, imports = entry
        if expr[0] == "struct":
            promoted = self.promoted_decoder(package_key, imports, expr)
            if promoted is not None:
                return {"kind": promoted, "goType": qualified}
            self.struct_fields(package_key, name)
            return {"kind": "struct", "ref": qualified}
        result = dict(self.type_of(package_key, imports, expr))
        result["goType"] = qualified
        return result

    def promoted_decoder(self, package_key, imports, expr):
        """The custom decoder a struct gets from an embedded custom-decoded type (Go promotes UnmarshalJSON)."""
        for names, field_type, tag in expr[1]:
            if names is not None or json_tag(tag)[0]:
                continue
            base = field_type[1] if field_type[0] == "pointer" else field_type
            target, resolved = self.resolve_named(package_key, imports, base[1], base[2])
            if target is not None and f"{target}.{resolved}" in CUSTOM_DECODERS:
                return CUSTOM_DECODERS[f"{target}.{resolved}"][0]
        return None

    def struct_fields(self, package_key, name):
        """Fills self.structs[package.Name] with the JSON fields of a struct, following encoding/json."""
        qualified = f"{package_key}.{name}"
        if qualified in self.structs:
            return
        self.structs[qualified] = None  # in progress (recursive types)
        candidates = []  # (json name, depth, tagged, type)
        self.collect(package_key, name, 0, candidates, set())
        by_name = {}
        for json_name, depth, tagged, field_type in candidates:
            by_name.setdefault(json_name, []).append((depth, tagged, field_type))
        fields = {}
        for json_name, entries in by_name.items():
            shallowest = min(e[0] for e in entries)
            top = [e for e in entries if e[0] == shallowest]
            if len(top) > 1:
                tagged = [e for e in top if e[1]]
                if len(tagged) != 1:
                    continue  # Go drops ambiguous fields
                top = tagged
            fields[json_name] = top[0][2]
        self.structs[qualified] = {"fields": fields}

    def collect(self, package_key, name, depth, out, visiting):
        qualified = f"{package_key}.{name}"
        if qualified in visiting:
            return
        visiting = visiting | {qualified}
        expr, imports = self.packages[package_key]["types"][name]
        if expr[0] != "struct":
            raise ExtractError(f"{qualified} is embedded but is not a struct")
        for names, field_type, tag in expr[1]:
            tag_name, options = json_tag(tag)
            if tag_name == "-" and not options:
                continue
            if "string" in options:
                raise ExtractError(f"{qualified}: the json ',string' option is not supported")
            if names is None:
                base = field_type[1] if field_type[0] == "pointer" else field_type
                if base[0] != "named":
                    raise ExtractError(f"{qualified}: unexpected embedded field type")
                type_name = base[2]
                if not tag_name:
                    target, resolved = self.resolve_named(package_key, imports, base[1], type_name)
                    if target is not None and f"{target}.{resolved}" not in CUSTOM_DECODERS:
                        target_expr = self.packages[target]["types"].get(resolved)
                        if target_expr is not None and target_expr[0][0] == "struct":
                            self.collect(target, resolved, depth + 1, out, visiting)
                            continue
                if not type_name[0].isupper() and not tag_name:
                    continue
                out.append((tag_name or type_name, depth, bool(tag_name), self.type_of(package_key, imports, field_type)))
                continue
            for field_name in names:
                if not field_name[0].isupper():
                    continue
                json_name = tag_name or field_name
                field = self.type_of(package_key, imports, field_type)
                out.append((json_name, depth, bool(tag_name), field))


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        print("\nusage: extract.py SRC_DIR > kubeadm-types.json", file=sys.stderr)
        return 2
    universe = Universe(argv[1])
    documents = {}
    for api_version, package_key, kinds in DOCUMENT_GROUPS:
        objects = universe.packages[package_key]["objects"]
        chosen = kinds if kinds is not None else sorted(objects)
        for kind in chosen:
            if kind not in objects:
                raise ExtractError(f"{package_key}.{kind} is not marked as a runtime.Object")
            universe.named_type(package_key, kind)
        documents[api_version] = {kind: f"{package_key}.{kind}" for kind in chosen}
    output = {
        "format": 1,
        "generatedBy": "tests/tools/kubeadm-schema/extract.py",
        "sources": universe.sources,
        "documents": documents,
        "structs": dict(sorted(universe.structs.items())),
    }
    json.dump(output, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (ExtractError, OSError) as error:
        print(f"extract.py: {error}", file=sys.stderr)
        sys.exit(1)
