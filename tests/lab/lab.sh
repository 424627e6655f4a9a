#!/usr/bin/env bash
# lab.sh: real test hosts on this one Linux machine, for HaKube's tests and demo (DESIGN.md §4).
#
# Each lab host is a set of namespaces started with
#   unshare --mount --uts --pid --fork --kill-child --mount-proc --propagation private
# and runs a real OpenSSH sshd on its own address (127.0.10.N by default).
#
# What it reproduces of a real host:
#   - its own hostname (UTS namespace) and /etc/hostname, /etc/hosts;
#   - its own processes (PID namespace): powering off kills every process on the host at once;
#   - its own files where Kubernetes/etcd/HAProxy keep state: /etc/kubernetes, /etc/etcd,
#     /etc/haproxy, /etc/systemd/system, /etc/sysctl.d, /etc/modules-load.d, /etc/ssh,
#     /etc/sudoers.d, /var/lib/etcd, /var/lib/kubelet, /var/log, /run, /tmp, /root, /home,
#     /usr/local/sbin; they survive power off and power on (/run is emptied on power on);
#   - its own kernel knobs where HaKube prepares hosts: loaded modules (/sys/module, a tmpfs per
#     host, filled at boot from /etc/modules-load.d) and net.ipv4.ip_forward (a per-host file over
#     /proc, 0 at boot then /etc/sysctl.d applied); modprobe, sysctl and swapoff are stand-ins;
#   - enabled units start at power on (the systemctl stand-in's hakube-boot);
#   - its own users: /etc/passwd, /etc/shadow, /etc/group, /etc/gshadow add a non-root user
#     `hakube` with passwordless sudo (only inside lab hosts);
#   - a real sshd with its own ed25519 host key, public-key login for root and hakube, a clean
#     root home (no pyenv in ~/.bashrc), LogLevel VERBOSE (one "Starting session" per exec);
#   - a bastion topology (bastion-up) in network namespaces of the lab's own, 198.18.0.0/15 only,
#     where the private host is reachable only by SSH forwarding through the bastion;
#   - (strict lab, the default) a fresh Debian 12 host's commands: what the Debian packages of
#     standins/hakube-standins/debian-packages.tsv install (etcd, etcdctl, haproxy, conntrack,
#     socat, ethtool, ebtables, iptables, curl, gpg...) and the machine's kubectl are hidden on
#     every host (whiteouts in an overlay over /usr/bin and /usr/sbin, kept in the host's folder)
#     until the host's apt-get stand-in installs the package, which makes them visible on that
#     host only; /etc/haproxy and /etc/systemd/system start empty (the packages fill them);
#   - HAKUBE_LAB_LENIENT=1 at `up`/`bastion-up` keeps the former lenient lab for the whole lab
#     folder: the machine's commands visible, no maintainer-script effects, the stand-ins' newer
#     checks off (tests/lab/standins/FIDELITY.md lists what the setting switches);
#   - (air-gap HOST) a host of an air-gapped site, from its golden image: the Debian packages given
#     installed while it was built, then no Debian source, no pre-seeded pkgs.k8s.io key, and
#     /var/lib/hakube-standins/air-gapped, under which the stand-ins that would reach the internet
#     (apt, image pulls, kubectl apply of a URL, curl) reach only lab addresses (127.0.0.0/8) and
#     fail elsewhere as an air-gapped host fails, before any socket (standins/hakube-standins/offline.py);
#   - HAKUBE_LAB_TIME_SCALE (default 0.02 strict, 0 lenient) scales the real durations the
#     stand-ins take (image pulls, upgrades, drains); written to each host's
#     /var/lib/hakube-standins/time-scale, which a test may change on one host.
# What it does not reproduce:
#   - hosts share the machine's kernel, network namespace (except bastion hosts), cgroups, IPC,
#     /usr, /bin, /lib and the rest of /etc: installing packages on one host changes them all;
#   - no systemd, no init other than a reaper; kubeadm/kubelet/systemctl stand-ins go in
#     tests/lab/standins/ and are copied into each host's /usr/local/sbin (first on root's and
#     sudo's PATH) when the host is created;
#   - a powered-off or cut host refuses connections at once (a real one usually times out);
#   - /etc/passwd and friends are bind-mounted files, so useradd/passwd (rename) fail on them;
#   - power on always starts sshd again, even after cut-ssh;
#   - empty mount points such as /etc/kubernetes are created on the real machine if missing.
#
# Network rule: only 127.0.0.0/8 and, inside the lab's own network namespaces, 198.18.0.0/15.
# Every wait is bounded. Run as root. See `lab.sh --help`.
set -euo pipefail

LAB_SH=$(readlink -f "${BASH_SOURCE[0]}")
readonly LAB_SH
LAB_SRC=$(dirname "$LAB_SH")
readonly LAB_SRC
LAB_DIR=${HAKUBE_LAB_DIR:-/tmp/hakube-lab}
# The one switch between the strict lab (default) and the former lenient one; see the header.
case ${HAKUBE_LAB_LENIENT:-0} in
  0 | "") LAB_LENIENT=0 ;;
  1) LAB_LENIENT=1 ;;
  *) printf 'lab: error: HAKUBE_LAB_LENIENT must be 0 or 1, not %s\n' "$HAKUBE_LAB_LENIENT" >&2; exit 2 ;;
esac
if [ "$LAB_LENIENT" = 1 ]; then LAB_TIME_SCALE=${HAKUBE_LAB_TIME_SCALE:-0}; else LAB_TIME_SCALE=${HAKUBE_LAB_TIME_SCALE:-0.02}; fi
[[ $LAB_TIME_SCALE =~ ^[0-9]+(\.[0-9]+)?$ ]] || { printf 'lab: error: HAKUBE_LAB_TIME_SCALE must be a number, not %s\n' "$LAB_TIME_SCALE" >&2; exit 2; }
readonly NETNS_BASTION=hakube-lab-bastion
readonly NETNS_PRIVATE=hakube-lab-private
readonly LAB_NET=198.18.0.0/15
# Root side of the root<->bastion veth pair; the pair dies with the bastion namespace.
readonly VETH_ROOT=hklab-r0
readonly BASTION_OUTER=198.18.0.1 BASTION_ADDR=198.18.0.2 PRIVATE_GW=198.18.1.1 PRIVATE_ADDR=198.18.1.2
# Directories each host has of its own (bind mounts from its folder). /tmp is bound last: the lab
# folder may live under /tmp and must stay visible until every other bind is done.
readonly HOST_DIRS=(etc/kubernetes etc/etcd etc/haproxy etc/systemd/system etc/sysctl.d etc/modules-load.d
  etc/ssh etc/sudoers.d etc/apt etc/containerd var/lib/etcd var/lib/kubelet var/lib/hakube-standins var/log root home
  usr/local/sbin run tmp)
readonly HOST_FILES=(etc/passwd etc/shadow etc/group etc/gshadow etc/hostname etc/hosts)
# Directories copied from the real machine when a host is created, so the host looks installed.
readonly SEEDED_DIRS=(etc/haproxy etc/systemd/system etc/sysctl.d etc/modules-load.d etc/sudoers.d etc/apt usr/local/sbin)
readonly SSHD_BINARIES=(/usr/sbin/sshd /usr/lib/openssh/sshd-session /usr/lib/openssh/sshd-auth)
# Strict lab: the Debian packages whose commands a fresh host lacks (read by the apt-get stand-in too).
readonly DEBIAN_PACKAGES=$LAB_SRC/standins/hakube-standins/debian-packages.tsv
# Strict lab: where a host sees the machine's own /usr (the apt-get stand-in copies from there).
readonly MACHINE_USR=/run/hakube-lab/machine-usr
# Set by load_host from a host's host.env.
NAME="" ADDRESS="" NETNS="" HOST_DIR=""

log() { printf 'lab: %s\n' "$*" >&2; }
die() {
  printf 'lab: error: %s\n' "$*" >&2
  exit 1
}

usage() {
  cat <<EOF
Usage: lab.sh COMMAND [ARGS]   (as root; state in \$HAKUBE_LAB_DIR, default /tmp/hakube-lab)

  up N [--prefix NAME] [--base 127.A.B]
                      start N hosts NAME1..NAMEN (default prefix "lab") on 127.A.B.1.. (default
                      127.0.10; past .254 it continues on 127.A.B+1.1); fails if the lab is up
  bastion-up [--prefix NAME]
                      add NAME-bastion ($BASTION_ADDR, reachable from here) and NAME-private
                      ($PRIVATE_ADDR, reachable only through the bastion's sshd) in the lab's
                      network namespaces $NETNS_BASTION and $NETNS_PRIVATE
  down [--all]        stop every host of this lab (also leftovers of a crashed run: processes,
                      mounts, network namespaces) and delete the lab folder; --all stops the
                      hosts of every lab folder
  poweroff HOST       kill everything on HOST (files stay)
  poweron HOST        start HOST again with the same identity and files
  cut-ssh HOST        stop HOST's sshd and its sessions; other processes keep running
  restore-ssh HOST    start HOST's sshd again
  status              one line per host: name, address, power, ssh
  exec HOST CMD...    run CMD inside HOST's namespaces (root, clean environment)
  air-gap HOST [PACKAGE...]
                      make HOST an air-gapped site's host, as from a golden image: install the
                      Debian PACKAGEs (while the image is built), then remove its Debian apt
                      sources and the pre-seeded pkgs.k8s.io key, put the air-gapped curl in
                      front of curl, and mark it air-gapped (stand-ins reach 127.0.0.0/8 only)

Files: hosts.tsv (name, address, port, host key, network namespace), known_hosts, ssh_config,
client/id_ed25519 (the client key every host accepts for root and hakube),
hosts/NAME/fs (the host's own files), hosts/NAME/fs/var/log/sshd.log (its sshd log).
Example: ssh -F \$HAKUBE_LAB_DIR/ssh_config root@127.0.10.1 hostname
EOF
}

require_root() { [ "$(id -u)" = 0 ] || die "the lab needs root (namespaces, mounts, sshd)"; }

# wait_until TIMEOUT_SECONDS DESCRIPTION COMMAND...: polls COMMAND every 50 ms, bounded in count.
wait_until() {
  local timeout=$1 what=$2 i
  shift 2
  local tries=$((timeout * 20))
  for ((i = 0; i < tries; i++)); do
    if "$@"; then return 0; fi
    sleep 0.05
  done
  log "timed out after ${timeout}s waiting for $what"
  return 1
}

host_dir() { printf '%s/hosts/%s' "$LAB_DIR" "$1"; }

valid_name() { [[ $1 =~ ^[a-z][a-z0-9-]{0,40}$ ]]; }

load_host() {
  local name=$1
  valid_name "$name" || die "bad host name: $name"
  HOST_DIR=$(host_dir "$name")
  [ -f "$HOST_DIR/host.env" ] || die "no lab host $name in $LAB_DIR"
  # host.env is written by this script only: NAME, ADDRESS, NETNS, FORWARDING.
  # shellcheck source=/dev/null
  source "$HOST_DIR/host.env"
}

# The address of host number I (1-based) from a base 127.A.B: 254 hosts per /24.
host_address() {
  local base=$1 i=$2 a b
  IFS=. read -r _ a b <<<"$base"
  local third=$((b + (i - 1) / 254))
  ((third <= 255)) || die "too many hosts for base $base"
  printf '127.%d.%d.%d' "$a" "$third" $(((i - 1) % 254 + 1))
}

init_lab() {
  case $LAB_DIR in
    /*/*) ;;
    *) die "HAKUBE_LAB_DIR must be an absolute path below a folder: $LAB_DIR" ;;
  esac
  mkdir -p "$LAB_DIR/hosts" "$LAB_DIR/client"
  touch "$LAB_DIR/.hakube-lab"
  if [ ! -f "$LAB_DIR/client/id_ed25519" ]; then
    ssh-keygen -q -t ed25519 -N '' -C hakube-lab-client -f "$LAB_DIR/client/id_ed25519"
  fi
  # The real machine needs a mount point wherever a host has a folder of its own.
  local d
  for d in "${HOST_DIRS[@]}"; do
    if [ ! -d "/$d" ]; then
      mkdir -p "/$d"
      echo "/$d" >>"$LAB_DIR/created-mount-points"
    fi
  done
  make_template
  cat >"$LAB_DIR/ssh_config" <<EOF
# Client settings for lab hosts: lab key, lab known_hosts, no agent, no user config.
Host *
  IdentityFile $LAB_DIR/client/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $LAB_DIR/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  ConnectTimeout 5
EOF
}

# A uid/gid for `hakube` that the real machine does not use.
pick_hakube_id() {
  local id
  for ((id = 2501; id < 2600; id++)); do
    # grep reads a here-string: `cut | grep -q` fails under pipefail when grep stops early (SIGPIPE).
    if ! grep -qx "$id" <<<"$(cut -d: -f3 /etc/passwd /etc/group)"; then
      echo "$id"
      return 0
    fi
  done
  die "no free uid for hakube in 2501..2599"
}

# RSA-2048 keys the stand-ins use in place of making one per certificate (hakube-standins/common.py,
# KEY_POOL), made once per machine and kept: a fresh key costs ~0.2 s of CPU on these machines.
KEY_POOL=${HAKUBE_LAB_KEY_POOL:-/var/cache/hakube-lab/rsa-2048}
KEY_POOL_SIZE=64
fill_key_pool() {
  local i
  mkdir -p "$KEY_POOL"
  (
    flock 9
    for ((i = 0; i < KEY_POOL_SIZE; i++)); do
      [ -s "$KEY_POOL/$i.key" ] && continue
      openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$KEY_POOL/$i.key.new" 2>/dev/null ||
        die "openssl could not make an RSA key in $KEY_POOL"
      mv "$KEY_POOL/$i.key.new" "$KEY_POOL/$i.key"
    done
  ) 9>"$KEY_POOL/.lock"
}

# The files every host starts with, built once per lab: each host is then one `cp -a` away
# (forks are slow on these machines, and 300 hosts is a target).
make_template() {
  local t=$LAB_DIR/template d id
  [ ! -d "$t" ] || return 0
  rm -rf "$t.new"
  mkdir -p "${HOST_DIRS[@]/#/$t.new/}" "$t.new/run/sshd" "$t.new/home/hakube" "$t.new/etc/ssh/sshd_config.d"
  for d in "${SEEDED_DIRS[@]}"; do
    # A fresh Debian 12 host has no HAProxy configuration and none of the machine's units enabled.
    if [ "$LAB_LENIENT" = 0 ] && [[ $d == etc/haproxy || $d == etc/systemd/system ]]; then continue; fi
    if [ -d "/$d" ]; then cp -a "/$d/." "$t.new/$d/"; fi
  done
  if [ -d "$LAB_SRC/standins" ]; then
    cp -a "$LAB_SRC/standins/." "$t.new/usr/local/sbin/"
    # Bytecode for every stand-in, once per lab (hakube-standins/launch.py runs scripts from it):
    # otherwise each host compiles each one on its first call.
    /usr/bin/python3 -m compileall -q "$t.new/usr/local/sbin/hakube-standins" >/dev/null
    fill_key_pool
    mkdir -p "$t.new/var/lib/hakube-standins/key-pool"
    cp "$KEY_POOL"/*.key "$t.new/var/lib/hakube-standins/key-pool/"
    chmod 0600 "$t.new/var/lib/hakube-standins/key-pool/"*.key
  fi
  if [ "$LAB_LENIENT" = 1 ]; then echo "HAKUBE_LAB_LENIENT=1" >"$t.new/var/lib/hakube-standins/lab-lenient"; fi
  echo "$LAB_TIME_SCALE" >"$t.new/var/lib/hakube-standins/time-scale"
  chmod 1777 "$t.new/tmp"
  chmod 0700 "$t.new/root" "$t.new/var/lib/etcd"
  chmod 0755 "$t.new/run/sshd"

  id=$(pick_hakube_id)
  { cat /etc/passwd; echo "hakube:x:$id:$id:HaKube lab user:/home/hakube:/bin/bash"; } >"$t.new/etc/passwd"
  { cat /etc/shadow; echo "hakube:*:19000:0:99999:7:::"; } >"$t.new/etc/shadow"
  { cat /etc/group; echo "hakube:x:$id:"; } >"$t.new/etc/group"
  { cat /etc/gshadow 2>/dev/null || true; echo "hakube:!::"; } >"$t.new/etc/gshadow"
  chmod 0644 "$t.new/etc/passwd" "$t.new/etc/group"
  chmod 0640 "$t.new/etc/shadow" "$t.new/etc/gshadow"
  chgrp shadow "$t.new/etc/shadow" "$t.new/etc/gshadow" 2>/dev/null || true
  echo "hakube ALL=(ALL:ALL) NOPASSWD: ALL" >"$t.new/etc/sudoers.d/hakube"
  chmod 0440 "$t.new/etc/sudoers.d/hakube"
  # The pkgs.k8s.io signing key, as if fetched: the apt-get stand-in stands for that repository,
  # and the lab has no network to fetch it from.
  mkdir -p "$t.new/etc/apt/keyrings"
  echo "lab stand-in for the pkgs.k8s.io signing key" >"$t.new/etc/apt/keyrings/kubernetes-apt-keyring.gpg"
  # Each host appends its own name to its copy of /etc/hosts (sudo resolves the hostname).
  cp /etc/hosts "$t.new/etc/hosts"

  # A clean home: Debian's stock dot files, so a shell on the host starts without pyenv.
  cp /usr/share/base-files/dot.bashrc "$t.new/root/.bashrc"
  cp /usr/share/base-files/dot.profile "$t.new/root/.profile"
  cp -a /etc/skel/. "$t.new/home/hakube/"
  chown -R "$id:$id" "$t.new/home/hakube"

  if [ -e /etc/ssh/ssh_config ]; then cp -a /etc/ssh/ssh_config "$t.new/etc/ssh/"; fi
  if [ -d /etc/ssh/ssh_config.d ]; then cp -a /etc/ssh/ssh_config.d "$t.new/etc/ssh/"; fi
  # The moduli file (600 KB) is bind-mounted read-only from the real machine at boot.
  touch "$t.new/etc/ssh/moduli"
  cp "$LAB_DIR/client/id_ed25519.pub" "$t.new/etc/ssh/lab_authorized_keys"
  chmod 0644 "$t.new/etc/ssh/lab_authorized_keys"
  if [ "$LAB_LENIENT" = 0 ]; then make_hidden_template; fi
  mv "$t.new" "$t"
}

# Strict lab: the overlay layers every host starts with (template-hidden/{bin,sbin}/{upper,work}):
# a whiteout (character device 0:0) in an upper layer hides the machine's command of that name.
make_hidden_template() {
  local h=$LAB_DIR/template-hidden pkg version extra path f installed
  rm -rf "$h"
  mkdir -p "$h/bin/upper" "$h/bin/work" "$h/sbin/upper" "$h/sbin/work"
  [ -f "$DEBIAN_PACKAGES" ] || die "missing $DEBIAN_PACKAGES"
  local -a paths=(/usr/bin/kubectl) machine=()
  while IFS=$'\t' read -r pkg version extra; do
    [[ -z $pkg || $pkg == \#* ]] && continue
    [ "$version" = - ] && machine+=("$pkg")
    if [ "$extra" != - ]; then
      for path in $extra; do paths+=("$path"); done
    fi
  done <"$DEBIAN_PACKAGES"
  # One dpkg-query for the states of all the machine's packages and one for their files: each run
  # reads the machine's whole status database, and a suite brings up a lab per fixture.
  installed=$'\n'$(dpkg-query -W -f='${Package}\t${Status}\n' "${machine[@]}" 2>/dev/null || true)$'\n'
  for pkg in "${machine[@]}"; do
    [[ $installed == *$'\n'"$pkg"$'\t'"install ok installed"$'\n'* ]] ||
      die "the strict lab needs the Debian package $pkg on this machine (scripts/install-test-deps.sh)"
  done
  while read -r path; do paths+=("$path"); done < <(dpkg-query -L "${machine[@]}" | grep -E '^(/usr)?/s?bin/[^/]+$')
  for path in "${paths[@]}"; do
    f=${path#/usr}
    case $f in
      /bin/*) mknod "$h/bin/upper/${f#/bin/}" c 0 0 2>/dev/null || [ -c "$h/bin/upper/${f#/bin/}" ] ;;
      /sbin/*) mknod "$h/sbin/upper/${f#/sbin/}" c 0 0 2>/dev/null || [ -c "$h/sbin/upper/${f#/sbin/}" ] ;;
    esac
  done
}

# make_host NAME ADDRESS NETNS FORWARDING: creates the host's folder (identity, files) once.
make_host() {
  local name=$1 address=$2 netns=$3 forwarding=$4
  local dir fs key
  dir=$(host_dir "$name")
  [ ! -e "$dir" ] || die "host $name already exists in $LAB_DIR"
  fs=$dir/fs
  mkdir -p "$dir"
  cp -a "$LAB_DIR/template" "$fs"
  if [ -d "$LAB_DIR/template-hidden" ]; then cp -a "$LAB_DIR/template-hidden" "$dir/hidden"; fi
  printf 'NAME=%q\nADDRESS=%q\nNETNS=%q\nFORWARDING=%q\n' "$name" "$address" "$netns" "$forwarding" >"$dir/host.env"
  echo "$name" >"$fs/etc/hostname"
  printf '%s\t%s\n' "$address" "$name" >>"$fs/etc/hosts"
  ssh-keygen -q -t ed25519 -N '' -C "root@$name" -f "$fs/etc/ssh/ssh_host_ed25519_key"
  cat >"$fs/etc/ssh/sshd_config" <<EOF
# Written by tests/lab/lab.sh for lab host $name.
ListenAddress $address:22
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
AuthorizedKeysFile /etc/ssh/lab_authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
# VERBOSE logs one "Starting session" line per exec: tests count round trips with it.
LogLevel VERBOSE
# Parallel probes and action runners open many sessions and connections at once.
MaxSessions 200
MaxStartups 1000:30:2000
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding $forwarding
AllowAgentForwarding no
PermitTunnel no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server
EOF
  read -r key <"$fs/etc/ssh/ssh_host_ed25519_key.pub"
  # Type and key only: the form a manifest pins as hostKey.
  echo "${key% *}" >"$dir/host_key.pub"
}

# make_hosts NETNS FORWARDING NAME=ADDRESS...: creates host folders, a few at a time.
make_hosts() {
  local netns=$1 forwarding=$2 spec pid
  shift 2
  local -a pids=()
  for spec in "$@"; do
    make_host "${spec%%=*}" "${spec#*=}" "$netns" "$forwarding" &
    pids+=($!)
    if [ "${#pids[@]}" -ge 8 ]; then
      wait "${pids[0]}" || die "could not create host folders"
      pids=("${pids[@]:1}")
    fi
  done
  for pid in "${pids[@]}"; do wait "$pid" || die "could not create host folders"; done
  for spec in "$@"; do echo "${spec%%=*}" >>"$LAB_DIR/hosts.list"; done
}

# The kernel knobs HaKube's host preparation changes, made per host so that no lab host changes
# the real machine: /sys/module is a tmpfs of the host's own (modules "loaded" by the modprobe
# stand-in, and at boot from /etc/modules-load.d, as systemd-modules-load does), and
# net.ipv4.ip_forward is a file of the host's own bound over /proc (0 at boot, then
# /etc/sysctl.d applied, as systemd-sysctl does). A real kubectl on the machine (some images
# ship one) is hidden so that the stand-in in /usr/local/sbin is the one a host runs.
host_kernel() {
  local dir=$1 f line module key value
  mount -t tmpfs -o mode=0755,size=1m hakube-lab-modules /sys/module
  for f in "$dir"/fs/etc/modules-load.d/*.conf; do
    [ -f "$f" ] || continue
    while read -r line; do
      module=${line%%#*}
      module=${module//[[:space:]]/}
      if [[ $module =~ ^[A-Za-z0-9_-]+$ ]]; then mkdir -p "/sys/module/$module"; fi
    done <"$f"
  done
  echo 0 >"$dir/ip_forward"
  mount --bind "$dir/ip_forward" /proc/sys/net/ipv4/ip_forward
  # Strict lab: IPv6 forwarding (kubeadm's check for IPv6 addresses) is per host as well.
  local v6=/proc/sys/net/ipv6/conf/default/forwarding
  if [ -d "$dir/hidden" ] && [ -e "$v6" ]; then
    echo 0 >"$dir/ipv6_forwarding"
    mount --bind "$dir/ipv6_forwarding" "$v6"
  fi
  for f in "$dir"/fs/etc/sysctl.d/*.conf; do
    [ -f "$f" ] || continue
    while IFS='=' read -r key value; do
      key=${key//[[:space:]]/}
      value=${value//[[:space:]]/}
      [[ $value =~ ^[01]$ ]] || continue
      if [ "$key" = net.ipv4.ip_forward ]; then echo "$value" >/proc/sys/net/ipv4/ip_forward; fi
      if [ -d "$dir/hidden" ] && [ -e "$v6" ] && [[ $key == net.ipv6.conf.all.forwarding || $key == net.ipv6.conf.default.forwarding ]]; then
        echo "$value" >"$v6"
      fi
    done <"$f"
  done
  local kubectl
  kubectl=$(readlink -f /usr/bin/kubectl 2>/dev/null || true)
  if [ -n "$kubectl" ] && [ -f "$kubectl" ]; then
    : >"$dir/no-kubectl"
    chmod 0644 "$dir/no-kubectl"
    mount --bind "$dir/no-kubectl" "$kubectl"
  fi
}

# Strict lab: the machine's /usr stays reachable at $MACHINE_USR (under the host's /run, bound
# next), then /usr/bin and /usr/sbin become overlays whose upper layers (in the host's folder, so
# they survive power off) hold the whiteouts and whatever the apt-get stand-in installed.
host_hide_commands() {
  local dir=$1 d
  mkdir -p "$dir/fs$MACHINE_USR"
  mount --bind /usr "$dir/fs$MACHINE_USR"
  mount -o remount,bind,ro "$dir/fs$MACHINE_USR"
  for d in bin sbin; do
    rm -rf "$dir/hidden/$d/work"
    mkdir -p "$dir/hidden/$d/work"
    mount -t overlay hakube-lab-usr-$d -o "lowerdir=/usr/$d,upperdir=$dir/hidden/$d/upper,workdir=$dir/hidden/$d/work" "/usr/$d"
  done
}

# Runs inside the new namespaces as their PID 1: own hostname and mounts, sshd, then a reaper.
host_init() {
  local dir=$1 fs d
  # shellcheck source=/dev/null
  source "$dir/host.env"
  fs=$dir/fs
  # unshare made propagation private already; say it again so no mount below can leak out.
  mount --make-rprivate /
  echo "$NAME" >/proc/sys/kernel/hostname
  if [ -f /etc/ssh/moduli ]; then mount --bind -o ro /etc/ssh/moduli "$fs/etc/ssh/moduli"; fi
  # Files first: binding /tmp (last of HOST_DIRS) may hide the lab folder itself.
  for d in "${HOST_FILES[@]}"; do mount --bind "$fs/$d" "/$d"; done
  # Before the folders: the host's own /tmp may hide the lab folder, which the knobs live in.
  host_kernel "$dir"
  if [ -d "$dir/hidden" ]; then host_hide_commands "$dir"; fi
  for d in "${HOST_DIRS[@]}"; do mount --rbind "$fs/$d" "/$d"; done
  cd /
  rm -f /run/sshd.pid
  /usr/sbin/sshd -D -f /etc/ssh/sshd_config -E /var/log/sshd.log </dev/null >/dev/null 2>&1 &
  # What systemd does at boot: start the enabled units (the systemctl stand-in's own verb).
  if [ -x /usr/local/sbin/systemctl ]; then
    timeout 60 /usr/local/sbin/systemctl hakube-boot </dev/null >/var/log/hakube-boot.log 2>&1 &
  fi
  # PID 1 must outlive sshd (cut-ssh stops it) and reap orphans: bash's wait reaps any child.
  exec /bin/bash --noprofile --norc -c 'trap "" HUP INT TERM QUIT USR1 USR2; /bin/sleep infinity & wait'
}

# pid_is_host PID NAME: PID is a live process of this lab's host NAME (guards against pid reuse).
pid_is_host() {
  local pid=$1 name=$2
  [ -n "$pid" ] || return 1
  grep -qzxF "HAKUBE_LAB_HOST=$LAB_DIR/hosts/$name" "/proc/$pid/environ" 2>/dev/null
}

# The root-namespace pid of the host's PID 1 (the unshare's only child), or nothing.
host_init_pid() {
  local name=$1 dir upid child=""
  dir=$(host_dir "$name")
  read -r upid 2>/dev/null <"$dir/pid" || return 0
  pid_is_host "$upid" "$name" || return 0
  # The children file has no trailing newline, so read fails at its end with the pid read.
  read -r child 2>/dev/null <"/proc/$upid/task/$upid/children" || [ -n "${child:-}" ] || return 0
  child=${child%% *}
  if pid_is_host "$child" "$name"; then echo "$child"; fi
}

host_running() { [ -n "$(host_init_pid "$1")" ]; }

start_host() {
  local name=$1
  load_host "$name"
  local -a net=()
  if [ -n "$NETNS" ]; then net=(nsenter "--net=/run/netns/$NETNS"); fi
  # Like a boot, /run starts empty; sshd needs its privilege separation directory there.
  find "$HOST_DIR/fs/run" -mindepth 1 -delete
  mkdir -p "$HOST_DIR/fs/run/sshd"
  chmod 0755 "$HOST_DIR/fs/run/sshd"
  # setsid: the host must not share the caller's session or process group (Ctrl-C, test runner).
  # No descriptor of the caller may stay open in the host, or a caller reading our output hangs.
  setsid env HAKUBE_LAB_MARK="$LAB_DIR" HAKUBE_LAB_HOST="$LAB_DIR/hosts/$name" "${net[@]}" \
    unshare --mount --uts --pid --fork --kill-child --mount-proc --propagation private \
    -- /bin/bash "$LAB_SH" _init "$HOST_DIR" </dev/null >>"$HOST_DIR/boot.log" 2>&1 &
  echo $! >"$HOST_DIR/pid"
}

# sshd writes its pid file once it listens. Builtins only: this is polled for every host.
sshd_ready() {
  local dir=$LAB_DIR/hosts/$1 upid=""
  [ -s "$dir/fs/run/sshd.pid" ] && read -r upid 2>/dev/null <"$dir/pid" && kill -0 "$upid" 2>/dev/null
}

host_failed() {
  local dir=$LAB_DIR/hosts/$1 upid=""
  read -r upid 2>/dev/null <"$dir/pid" || return 0
  ! kill -0 "$upid" 2>/dev/null
}

# wait_ready NAME...: every host has its sshd listening, or the reason why not.
wait_ready() {
  local timeout=$((10 + $# / 5)) name i tries pending dir
  tries=$((timeout * 20))
  for ((i = 0; i < tries; i++)); do
    pending=0
    for name in "$@"; do
      if sshd_ready "$name"; then continue; fi
      if host_failed "$name"; then
        dir=$(host_dir "$name")
        die "host $name did not boot: $(tail -n 5 "$dir/boot.log" 2>/dev/null | tr '\n' ' ')$(tail -n 5 "$dir/fs/var/log/sshd.log" 2>/dev/null | tr '\n' ' ')"
      fi
      pending=$((pending + 1))
    done
    [ "$pending" -gt 0 ] || return 0
    sleep 0.05
  done
  for name in "$@"; do
    sshd_ready "$name" || die "host $name: sshd not ready after ${timeout}s: $(tail -n 5 "$(host_dir "$name")/fs/var/log/sshd.log" 2>/dev/null | tr '\n' ' ')"
  done
}

# hosts.tsv and known_hosts, from every host folder, in creation order.
write_index() {
  local name tsv=$LAB_DIR/hosts.tsv.new kh=$LAB_DIR/known_hosts.new
  : >"$tsv"
  : >"$kh"
  if [ -f "$LAB_DIR/hosts.list" ]; then
    while read -r name; do
      [ -f "$(host_dir "$name")/host.env" ] || continue
      load_host "$name"
      printf '%s\t%s\t22\t%s\t%s\n' "$NAME" "$ADDRESS" "$(cat "$HOST_DIR/host_key.pub")" "${NETNS:--}" >>"$tsv"
      printf '%s %s\n' "$ADDRESS" "$(cat "$HOST_DIR/host_key.pub")" >>"$kh"
    done <"$LAB_DIR/hosts.list"
  fi
  mv "$tsv" "$LAB_DIR/hosts.tsv"
  mv "$kh" "$LAB_DIR/known_hosts"
}

address_in_use() { [ -n "$(ss -Hltn "src $1 and sport = :22" 2>/dev/null)" ]; }

cmd_up() {
  local count="" prefix=lab base=127.0.10
  while [ $# -gt 0 ]; do
    case $1 in
      --prefix) prefix=${2:?--prefix needs a value}; shift 2 ;;
      --base) base=${2:?--base needs a value}; shift 2 ;;
      -*) die "up: unknown option $1" ;;
      *) [ -z "$count" ] || die "up: one count only"; count=$1; shift ;;
    esac
  done
  if ! [[ $count =~ ^[0-9]+$ ]] || ((count > 1000)); then die "up: N must be a number from 0 to 1000"; fi
  valid_name "$prefix" || die "up: bad prefix $prefix"
  if ! [[ $base =~ ^127\.([0-9]{1,3})\.([0-9]{1,3})$ ]] || ((BASH_REMATCH[1] > 255 || BASH_REMATCH[2] > 255)); then
    die "up: --base must look like 127.A.B (the lab uses 127.0.0.0/8 only)"
  fi
  require_root
  if [ -f "$LAB_DIR/hosts.list" ]; then die "a lab is already up in $LAB_DIR; run lab.sh down first"; fi
  local -a names=()
  local i name address
  for ((i = 1; i <= count; i++)); do
    address=$(host_address "$base" "$i")
    if address_in_use "$address"; then die "up: $address:22 is already in use (a lab of another folder?)"; fi
  done
  trap 'on_up_exit $?' EXIT
  init_lab
  printf 'PREFIX=%q\nBASE=%q\n' "$prefix" "$base" >"$LAB_DIR/lab.env"
  local -a specs=()
  for ((i = 1; i <= count; i++)); do
    name=$prefix$i
    specs+=("$name=$(host_address "$base" "$i")")
    names+=("$name")
  done
  touch "$LAB_DIR/hosts.list"
  if [ "$count" -gt 0 ]; then make_hosts "" no "${specs[@]}"; fi
  for name in "${names[@]}"; do start_host "$name"; done
  if [ "${#names[@]}" -gt 0 ]; then wait_ready "${names[@]}"; fi
  write_index
  trap - EXIT
  log "$count host(s) up in $LAB_DIR"
  cat "$LAB_DIR/hosts.tsv"
}

on_up_exit() {
  if [ "$1" != 0 ]; then
    log "up failed; tearing the lab down"
    cmd_down >/dev/null 2>&1 || true
  fi
}

# Every process marked as belonging to this lab folder (or to any lab with --all).
marked_pids() {
  local all=$1 pattern
  if [ "$all" = 1 ]; then pattern='^HAKUBE_LAB_MARK='; else pattern="^HAKUBE_LAB_MARK=$(printf '%s' "$LAB_DIR" | sed 's/[][\.*^$]/\\&/g')\$"; fi
  # grep -z reads environ's NUL-separated entries; processes may vanish while we read.
  grep -lzE -- "$pattern" /proc/[0-9]*/environ 2>/dev/null | sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p' |
    grep -vx -e "$$" -e "$BASHPID" || true
}

no_marked_pids() { [ -z "$(marked_pids "$1")" ]; }

kill_marked() {
  local all=$1 pids
  pids=$(marked_pids "$all")
  [ -n "$pids" ] || return 0
  # SIGKILL: unshare --fork ignores SIGTERM; killing a namespace's PID 1 kills the whole host.
  # shellcheck disable=SC2086 # one pid per word
  kill -9 $pids 2>/dev/null || true
  wait_until 15 "lab processes to exit" no_marked_pids "$all"
}

lab_netns_list() { ip netns list 2>/dev/null | awk '$1 ~ /^hakube-lab-/ {print $1}'; }

bastion_down() {
  local ns
  for ns in $(lab_netns_list); do
    # A namespace still used by a live process (another lab folder's host) is left alone.
    if [ -n "$(ip netns pids "$ns" 2>/dev/null)" ]; then
      log "network namespace $ns is still in use; left alone"
      continue
    fi
    ip netns delete "$ns"
  done
  # The pair also dies with the bastion namespace, asynchronously: gone in between is fine.
  if ip link show "$VETH_ROOT" >/dev/null 2>&1 && [ -z "$(lab_netns_list)" ]; then ip link delete "$VETH_ROOT" 2>/dev/null || true; fi
  if [ -z "$(lab_netns_list)" ]; then
    ip route del unreachable "$LAB_NET" 2>/dev/null || true
  fi
}

cmd_down() {
  local all=0
  case ${1:-} in
    --all) all=1 ;;
    "") ;;
    *) die "down: unknown argument $1" ;;
  esac
  require_root
  kill_marked "$all"
  bastion_down
  # Nothing is mounted in the root namespace by the lab; a crash in some future change could,
  # so unmount anything below the lab folder before deleting it.
  local mnt
  while read -r mnt; do
    if [ -n "$mnt" ]; then umount -l "$mnt" 2>/dev/null || true; fi
  done < <(awk -v d="$LAB_DIR/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r)
  if [ -e "$LAB_DIR" ]; then
    [ -f "$LAB_DIR/.hakube-lab" ] || die "down: $LAB_DIR is not a lab folder (no .hakube-lab); not deleting it"
    rm -rf --one-file-system "$LAB_DIR"
  fi
  log "lab down ($LAB_DIR)"
}

cmd_poweroff() {
  local name=${1:?poweroff HOST}
  require_root
  load_host "$name"
  local init upid
  init=$(host_init_pid "$name")
  upid=$(cat "$HOST_DIR/pid" 2>/dev/null || true)
  if [ -n "$init" ]; then kill -9 "$init" 2>/dev/null || true; fi
  if [ -n "$upid" ] && pid_is_host "$upid" "$name"; then kill -9 "$upid" 2>/dev/null || true; fi
  wait_until 10 "$name to power off" host_is_gone "$name" "$init" "$upid"
  rm -f "$HOST_DIR/pid" "$HOST_DIR/ssh-cut"
  log "$name powered off"
}

host_is_gone() {
  local name=$1 p
  shift
  for p in "$@"; do
    if [ -n "$p" ] && pid_is_host "$p" "$name"; then return 1; fi
  done
  return 0
}

cmd_poweron() {
  local name=${1:?poweron HOST}
  require_root
  load_host "$name"
  if host_running "$name"; then
    log "$name is already on"
    return 0
  fi
  start_host "$name"
  wait_ready "$name"
  rm -f "$HOST_DIR/ssh-cut"
  log "$name powered on"
}

# host_nsenter NAME CMD...: CMD in the host's namespaces, clean environment, cwd /.
host_nsenter() {
  local name=$1 init
  shift
  load_host "$name"
  init=$(host_init_pid "$name")
  [ -n "$init" ] || die "$name is powered off"
  nsenter --target "$init" --mount --uts --pid --net --wd=/ -- \
    env -i HOME=/root LOGNAME=root USER=root SHELL=/bin/bash LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HAKUBE_LAB_MARK="$LAB_DIR" HAKUBE_LAB_HOST="$LAB_DIR/hosts/$name" "$@"
}

cmd_exec() {
  local name=${1:?exec HOST CMD...}
  shift
  [ $# -gt 0 ] || die "exec: no command"
  require_root
  host_nsenter "$name" "$@"
}

# The golden image of an air-gapped site (see the header): its Debian packages come with the image,
# the site has no Debian mirror in the lab, and nothing on the host reaches beyond the lab.
cmd_air_gap() {
  local name=${1:?air-gap HOST [PACKAGE...]}
  shift
  require_root
  if [ $# -gt 0 ]; then
    host_nsenter "$name" apt-get install -y -q "$@" >/dev/null || die "air-gap: apt-get install $* failed on $name"
  fi
  # shellcheck disable=SC2016 # expanded inside the host
  host_nsenter "$name" /bin/sh -c '
    rm -f /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources /etc/apt/keyrings/kubernetes-apt-keyring.gpg
    : > /etc/apt/sources.list
    if [ -x /usr/bin/curl ]; then cp /usr/local/sbin/hakube-standins/airgapped-curl /usr/local/sbin/curl && chmod 0755 /usr/local/sbin/curl; fi
    mkdir -p /var/lib/hakube-standins && : > /var/lib/hakube-standins/air-gapped' || die "air-gap: could not mark $name"
}

# Runs inside a host: SIGKILL every sshd process (listener and sessions), bounded wait.
# shellcheck disable=SC2016 # expanded by the shell inside the host, not here
readonly KILL_SSHD_SCRIPT='
kill_all() {
  found=0
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    for b in '"${SSHD_BINARIES[*]}"'; do
      if [ "$exe" = "$b" ]; then kill -9 "${p#/proc/}" 2>/dev/null || true; found=1; fi
    done
  done
  return $found
}
for i in $(seq 1 100); do
  if kill_all; then rm -f /run/sshd.pid; exit 0; fi
  sleep 0.05
done
echo "sshd processes survived SIGKILL" >&2
exit 1'

cmd_cut_ssh() {
  local name=${1:?cut-ssh HOST}
  require_root
  host_nsenter "$name" /bin/bash --noprofile --norc -c "$KILL_SSHD_SCRIPT"
  touch "$HOST_DIR/ssh-cut"
  log "$name: ssh cut"
}

cmd_restore_ssh() {
  local name=${1:?restore-ssh HOST}
  require_root
  load_host "$name"
  if sshd_ready "$name" && [ ! -e "$HOST_DIR/ssh-cut" ]; then
    log "$name: sshd already running"
    return 0
  fi
  rm -f "$HOST_DIR/fs/run/sshd.pid"
  # sshd runs in the background and is adopted by the host's PID 1 when this shell exits.
  host_nsenter "$name" /bin/bash --noprofile --norc -c \
    'setsid /usr/sbin/sshd -D -f /etc/ssh/sshd_config -E /var/log/sshd.log </dev/null >/dev/null 2>&1 &'
  wait_ready "$name"
  rm -f "$HOST_DIR/ssh-cut"
  log "$name: ssh restored"
}

cmd_status() {
  require_root
  [ -f "$LAB_DIR/hosts.list" ] || {
    log "no lab in $LAB_DIR"
    return 0
  }
  local name power sshd_state
  while read -r name; do
    [ -f "$(host_dir "$name")/host.env" ] || continue
    load_host "$name"
    if host_running "$name"; then power=on; else power=off; fi
    if [ "$power" = off ]; then sshd_state="-"; elif sshd_ready "$name" && [ ! -e "$HOST_DIR/ssh-cut" ]; then sshd_state=up; else sshd_state=down; fi
    printf '%s\t%s\t%s\t%s\n' "$NAME" "$ADDRESS" "$power" "$sshd_state"
  done <"$LAB_DIR/hosts.list"
}

netns_exec() {
  local ns=$1
  shift
  ip netns exec "$ns" "$@"
}

# A lab network namespace: loopback up, no IPv6 (no link-local chatter), no forwarding.
make_netns() {
  local ns=$1
  ip netns add "$ns"
  # New namespaces may inherit ip_forward=1 from the real machine; the lab never forwards.
  netns_exec "$ns" sysctl -q -w net.ipv4.ip_forward=0 net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$ns" link set lo up
}

cmd_bastion_up() {
  local prefix=""
  while [ $# -gt 0 ]; do
    case $1 in
      --prefix) prefix=${2:?--prefix needs a value}; shift 2 ;;
      *) die "bastion-up: unknown argument $1" ;;
    esac
  done
  require_root
  if [ -z "$prefix" ] && [ -f "$LAB_DIR/lab.env" ]; then
    # shellcheck source=/dev/null
    prefix=$(sed -n 's/^PREFIX=//p' "$LAB_DIR/lab.env")
  fi
  prefix=${prefix:-lab}
  valid_name "$prefix" || die "bastion-up: bad prefix $prefix"
  [ -z "$(lab_netns_list)" ] || die "bastion-up: network namespaces $(lab_netns_list | tr '\n' ' ')exist; run lab.sh down first"
  if ip link show "$VETH_ROOT" >/dev/null 2>&1; then die "bastion-up: link $VETH_ROOT exists; run lab.sh down first"; fi
  trap 'on_bastion_exit $? '"$prefix" EXIT
  init_lab
  [ -f "$LAB_DIR/lab.env" ] || printf 'PREFIX=%q\nBASE=\n' "$prefix" >"$LAB_DIR/lab.env"
  touch "$LAB_DIR/hosts.list"

  # The root namespace must never route 198.18.0.0/15 out of the machine: anything in the
  # range that is not the bastion's link is unreachable here (fails locally, sends nothing).
  ip route replace unreachable "$LAB_NET"
  make_netns "$NETNS_BASTION"
  make_netns "$NETNS_PRIVATE"
  ip link add "$VETH_ROOT" type veth peer name hklab-b0 netns "$NETNS_BASTION"
  sysctl -q -w "net.ipv6.conf.$VETH_ROOT.disable_ipv6=1" 2>/dev/null || true
  ip addr add "$BASTION_OUTER/30" dev "$VETH_ROOT"
  ip link set "$VETH_ROOT" up
  ip -n "$NETNS_BASTION" addr add "$BASTION_ADDR/30" dev hklab-b0
  ip -n "$NETNS_BASTION" link set hklab-b0 up
  ip -n "$NETNS_BASTION" link add hklab-b1 type veth peer name hklab-p0 netns "$NETNS_PRIVATE"
  ip -n "$NETNS_BASTION" addr add "$PRIVATE_GW/30" dev hklab-b1
  ip -n "$NETNS_BASTION" link set hklab-b1 up
  ip -n "$NETNS_PRIVATE" addr add "$PRIVATE_ADDR/30" dev hklab-p0
  ip -n "$NETNS_PRIVATE" link set hklab-p0 up

  make_hosts "$NETNS_BASTION" yes "$prefix-bastion=$BASTION_ADDR"
  make_hosts "$NETNS_PRIVATE" no "$prefix-private=$PRIVATE_ADDR"
  start_host "$prefix-bastion"
  start_host "$prefix-private"
  wait_ready "$prefix-bastion" "$prefix-private"
  write_index
  trap - EXIT
  log "bastion $prefix-bastion ($BASTION_ADDR) and private $prefix-private ($PRIVATE_ADDR) up"
  grep -E "^$prefix-(bastion|private)	" "$LAB_DIR/hosts.tsv"
}

on_bastion_exit() {
  local rc=$1 prefix=$2 name dir upid
  [ "$rc" != 0 ] || return 0
  log "bastion-up failed; removing the bastion topology"
  for name in "$prefix-bastion" "$prefix-private"; do
    dir=$(host_dir "$name")
    upid=$(cat "$dir/pid" 2>/dev/null || true)
    if [ -n "$upid" ] && pid_is_host "$upid" "$name"; then kill -9 "$upid" 2>/dev/null || true; fi
    wait_until 10 "$name to stop" host_is_gone "$name" "$upid" || true
    rm -rf "$dir"
    if [ -f "$LAB_DIR/hosts.list" ]; then sed -i "/^$name\$/d" "$LAB_DIR/hosts.list"; fi
  done
  bastion_down || true
  write_index || true
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    poweroff) cmd_poweroff "$@" ;;
    poweron) cmd_poweron "$@" ;;
    cut-ssh) cmd_cut_ssh "$@" ;;
    restore-ssh) cmd_restore_ssh "$@" ;;
    status) cmd_status "$@" ;;
    exec) cmd_exec "$@" ;;
    air-gap) cmd_air_gap "$@" ;;
    bastion-up) cmd_bastion_up "$@" ;;
    _init) host_init "$@" ;;
    -h | --help | help) usage ;;
    "") usage >&2; exit 2 ;;
    *) usage >&2; die "unknown command: $cmd" ;;
  esac
}

main "$@"
