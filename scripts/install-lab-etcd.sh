#!/usr/bin/env bash
# etcd 3.5.16 for the lab: Debian 13 ("trixie") builds etcd-server and etcd-client 3.5.16-4, whose
# binaries run on Debian 12. They are fetched by name and version with apt, through a source list
# and state folders of this script's own (the machine's sources are not changed), checked against
# the SHA-256 sums pinned below, and etcd, etcdctl and etcdutl are unpacked into
# /opt/hakube-lab/etcd-3.5.16. The lab's kubelet stand-in runs that etcd for every
# registry.k8s.io/etcd image. No fallback: without these packages the lab cannot run.
set -euo pipefail
readonly VERSION=3.5.16-4
readonly DEST=/opt/hakube-lab/etcd-3.5.16
readonly -A SHA256=(
  [etcd-server_3.5.16-4_amd64.deb]=0875921bb0d023f2af9b8e15cdfbe417a03e65731345fb832c40f9c2dd72967b
  [etcd-client_3.5.16-4_amd64.deb]=7eb67e305ba2ce523a5a0b29bf88750ded3f724769c7111a83382b7909f9977b
)
fail() {
  echo "install-lab-etcd: $* (needed: Debian 13 packages etcd-server=$VERSION and etcd-client=$VERSION, amd64)" >&2
  exit 1
}
have_all() {
  local b
  for b in etcd etcdctl etcdutl; do [ -x "$DEST/$b" ] || return 1; done
  [ "$(cat "$DEST/.version" 2>/dev/null)" = "$VERSION" ]
}
if have_all; then exit 0; fi
[ "$(dpkg --print-architecture)" = amd64 ] || fail "this machine is not amd64"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/sources" "$work/lists/partial" "$work/archives/partial" "$work/etc"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || fail "no Debian archive keyring at $keyring"
cat >"$work/sources/trixie.sources" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: $keyring
SRC
apt_opts=(-o Dir::Etc::sourcelist=/dev/null -o "Dir::Etc::sourceparts=$work/sources"
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::Archives=$work/archives"
  -o Dir::State::status=/dev/null -o APT::Architecture=amd64 -o Debug::NoLocking=1)
echo "install-lab-etcd: fetching etcd-server and etcd-client $VERSION from Debian 13" >&2
apt-get "${apt_opts[@]}" -qq update >/dev/null 2>"$work/update.err" || fail "apt-get update for trixie failed: $(tail -n 3 "$work/update.err" | tr '\n' ' ')"
(cd "$work/archives" && apt-get "${apt_opts[@]}" -qq download "etcd-server=$VERSION" "etcd-client=$VERSION" >/dev/null 2>"$work/download.err") ||
  fail "apt-get download failed: $(tail -n 3 "$work/download.err" | tr '\n' ' ')"
for deb in "${!SHA256[@]}"; do
  [ -f "$work/archives/$deb" ] || fail "$deb was not downloaded"
  sum=$(sha256sum "$work/archives/$deb" | cut -d' ' -f1)
  [ "$sum" = "${SHA256[$deb]}" ] || fail "$deb has SHA-256 $sum, expected ${SHA256[$deb]}"
  dpkg-deb -x "$work/archives/$deb" "$work/root"
done
mkdir -p "$DEST.new"
for b in etcd etcdctl etcdutl; do
  [ -x "$work/root/usr/bin/$b" ] || fail "$b is not in the packages"
  install -m 0755 "$work/root/usr/bin/$b" "$DEST.new/$b"
done
echo "$VERSION" >"$DEST.new/.version"
# The output is captured whole: `etcd --version | grep -q` under pipefail fails whenever grep exits
# at its match before etcd has written its last lines (SIGPIPE), which happened on a fresh machine.
reported=$("$DEST.new/etcd" --version) || fail "the unpacked etcd does not run"
grep -qx 'etcd Version: 3\.5\.16' <<<"$reported" || fail "the unpacked etcd does not report 3.5.16"
rm -rf "$DEST"
mv "$DEST.new" "$DEST"
echo "install-lab-etcd: etcd 3.5.16 in $DEST" >&2
