#!/usr/bin/env bash
# Bring-up benchmark (DESIGN.md section 5): for each topology it starts fresh lab hosts, runs one
# apply (bench/BringupBench: the ApplyLoop `hakube apply` runs) and prints its wall time and the
# share of it spent outside remote commands (orchestration overhead; target under 10 %).
#   Stacked:  3 control planes, 2 workers, 1 HAProxy host              (127.0.91.x)
#   External: 3 control planes, 3 etcd hosts, 2 workers, 1 HAProxy host (127.0.92.x)
# Remote time is the union of the intervals during which at least one SSH exec was running on any
# host (not the sum: commands run in parallel); overhead = wall - remote. Figures are printed as
# "name value unit" lines under "== TOPOLOGY". Usage: bash bench/bringup.sh [Stacked] [External]  (as root)
set -euo pipefail
cd "$(dirname "$0")/.."
topologies=("$@")
[ "${#topologies[@]}" -gt 0 ] || topologies=(Stacked External)
[ "$(id -u)" = 0 ] || { echo "bringup.sh: the lab needs root" >&2; exit 1; }
bash scripts/install-test-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export HAKUBE_LAB_DIR=${HAKUBE_LAB_DIR:-/tmp/hakube-bench-bringup}
lab() { bash tests/lab/lab.sh "$@"; }
work=$(mktemp -d)
trap 'lab down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

out=$work/build
dotnet build bench/BringupBench -c Release --nologo -v quiet -o "$out" >/dev/null
bench=$out/BringupBench

sessions() { cat "$HAKUBE_LAB_DIR"/hosts/*/fs/var/log/sshd.log 2>/dev/null | grep -c "Starting session" || true; }

for topology in "${topologies[@]}"; do
  case $topology in
    Stacked) count=6 base=127.0.91 prefix=hkbus etcd=0 ;;
    External) count=9 base=127.0.92 prefix=hkbue etcd=3 ;;
    *) echo "unknown topology: $topology (Stacked or External)" >&2; exit 2 ;;
  esac
  echo "== $topology"
  # Everything here shares the machine's cores: a busy machine stretches local work (PKI, planning) most.
  echo "load_average_1m $(cut -d' ' -f1 /proc/loadavg) count"
  lab down >/dev/null 2>&1 || true
  lab up "$count" --prefix "$prefix" --base "$base" >"$work/lab.log" 2>&1 || { cat "$work/lab.log" >&2; exit 1; }
  dir=$work/$topology
  mkdir -p "$dir/keys"
  cp "$HAKUBE_LAB_DIR/client/id_ed25519" "$dir/keys/id_ed25519"
  cp "$HAKUBE_LAB_DIR/known_hosts" "$dir/keys/known_hosts"
  # hosts.tsv order: control planes 1-3, then the etcd hosts, then 2 workers, the HAProxy host last.
  mapfile -t names < <(cut -f1 "$HAKUBE_LAB_DIR/hosts.tsv")
  mapfile -t addrs < <(cut -f2 "$HAKUBE_LAB_DIR/hosts.tsv")
  lb=$((count - 1))
  for ((i = 0; i < lb; i++)); do
    # The lab has no network: a keyring in place means PrepareHost never fetches the key.
    lab exec "${names[$i]}" /bin/bash --noprofile --norc -c \
      'mkdir -p /etc/apt/keyrings && echo lab > /etc/apt/keyrings/kubernetes-apt-keyring.gpg' >/dev/null
  done
  {
    printf 'apiVersion: hakube.io/v1alpha1\nkind: HaCluster\nmetadata: {name: bringup-%s}\nspec:\n' "${topology,,}"
    printf '  kubernetesVersion: v1.31.4\n'
    printf '  controlPlaneEndpoint: {host: "%s", port: 6443}\n' "${addrs[$lb]}"
    printf '  loadBalancer: {provider: HAProxy, hosts: [%s]}\n' "${names[$lb]}"
    if [ "$etcd" -gt 0 ]; then
      printf '  etcd: {topology: External, hosts: [%s, %s, %s]}\n' "${names[3]}" "${names[4]}" "${names[5]}"
    else
      printf '  etcd: {topology: Stacked}\n'
    fi
    printf '  networking: {podSubnet: 192.168.0.0/16, cni: Calico}\n'
    printf '  ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}\n  hosts:\n'
    for ((i = 0; i < count; i++)); do
      if [ "$i" -lt 3 ]; then role=ControlPlane
      elif [ "$i" -lt $((3 + etcd)) ]; then role=Etcd
      elif [ "$i" -lt "$lb" ]; then role=Worker
      else role=LoadBalancer; fi
      printf '  - {name: %s, address: "%s", roles: [%s]}\n' "${names[$i]}" "${addrs[$i]}" "$role"
    done
  } >"$dir/cluster.yaml"
  before=$(sessions)
  timeout 900 "$bench" "$dir/cluster.yaml" "$dir/state" 2>"$dir/progress.txt" \
    || { echo "bringup failed ($topology):" >&2; tail -30 "$dir/progress.txt" >&2; exit 1; }
  # Cross-check of the instrumentation: every exec sshd saw, less the one probe per host of the
  # bench's closing plan, should equal remote_commands.
  echo "ssh_execs_seen_by_sshd $(($(sessions) - before - count)) count"
  [ -z "${HAKUBE_BENCH_VERBOSE:-}" ] || cat "$dir/progress.txt" >&2
  lab down >/dev/null 2>&1
done
