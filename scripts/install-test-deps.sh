#!/usr/bin/env bash
# Installs the Debian packages the lab and the tests use: real sshd, etcd, HAProxy, openssl,
# ansible (for the probe benchmark), sudo (non-root SSH users) and iproute2 (bastion namespaces),
# plus the tools a kubeadm host gets from its packages (conntrack, socat, ethtool, ebtables,
# iptables, curl, gpg, ca-certificates): lab hosts see them only once their own apt stand-in has
# installed the package that brings them (tests/lab/standins/FIDELITY.md).
# Then etcd 3.5.16 from Debian 13's archive (the etcd that the lab's static pods run), unpacked into
# /opt/hakube-lab/etcd-3.5.16; Debian 12's own etcd 3.4 stays installed (what a Debian 12 host gets).
# Idempotent; services are not started by the packages (policy-rc.d), the lab starts its own.
set -euo pipefail
packages=(openssh-server openssh-client etcd-server etcd-client haproxy openssl sudo iproute2 python3-yaml python3-cryptography util-linux procps
  time conntrack socat ethtool ebtables iptables curl gpg ca-certificates)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-test-deps: installing ${missing[*]}"
  # Keep package post-install scripts from starting services on this machine.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; created_policy=1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [ "$created_policy" = 1 ]; then rm -f "$policy"; fi
fi
if [ "${HAKUBE_BENCH_ANSIBLE:-0}" = 1 ] && ! command -v ansible >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ansible >/dev/null
fi
bash "$(dirname "$0")/install-lab-etcd.sh"
