#!/usr/bin/env bash
# Probe-cycle benchmark (DESIGN.md section 5): for each size (default 9 and 50 lab hosts) it
# starts a lab, probes every host with HaKube (one cold cycle, then warm cycles on open
# connections) and, in the same run against the same hosts, times `ansible -m setup`.
# Prints the figures and the ratio. Usage: bash bench/probe.sh [SIZE...]   (as root)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ "${#sizes[@]}" -gt 0 ] || sizes=(9 50)
cycles=${HAKUBE_BENCH_CYCLES:-20}
[ "$(id -u)" = 0 ] || { echo "probe.sh: the lab needs root" >&2; exit 1; }
HAKUBE_BENCH_ANSIBLE=1 bash scripts/install-test-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export HAKUBE_LAB_DIR=${HAKUBE_LAB_DIR:-/tmp/hakube-bench-lab}
lab() { bash tests/lab/lab.sh "$@"; }
work=$(mktemp -d)
trap 'lab down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

dotnet build bench/ProbeBench -c Release --nologo -v quiet
bench=bench/ProbeBench/bin/Release/net10.0/ProbeBench

sessions() { cat "$HAKUBE_LAB_DIR"/hosts/*/fs/var/log/sshd.log 2>/dev/null | grep -c "Starting session" || true; }

for n in "${sizes[@]}"; do
  [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 3 ] && [ "$n" -le 300 ] || { echo "size must be 3..300: $n" >&2; exit 2; }
  echo "== $n lab hosts"
  lab down >/dev/null 2>&1 || true
  lab up "$n" --prefix bench --base 127.0.40 >/dev/null
  mkdir -p "$work/$n/keys"
  cp "$HAKUBE_LAB_DIR/client/id_ed25519" "$work/$n/keys/id_ed25519"
  cp "$HAKUBE_LAB_DIR/known_hosts" "$work/$n/keys/known_hosts"
  {
    printf 'apiVersion: hakube.io/v1alpha1\nkind: HaCluster\nmetadata: {name: bench}\nspec:\n'
    printf '  kubernetesVersion: v1.31.4\n  controlPlaneEndpoint: {host: api.bench.internal}\n  networking: {cni: None}\n'
    printf '  ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}\n  hosts:\n'
    awk '{ role = (NR <= 3) ? "ControlPlane" : "Worker"; printf "  - {name: %s, address: %s, roles: [%s]}\n", $1, $2, role }' "$HAKUBE_LAB_DIR/hosts.tsv"
  } >"$work/$n/bench.yaml"

  before=$(sessions)
  "$bench" "$work/$n/bench.yaml" "$cycles" | tee "$work/$n/hakube.txt"
  after=$(sessions)
  execs=$((after - before))
  per_host=$(awk -v e="$execs" -v n="$n" -v c="$cycles" 'BEGIN { printf "%.2f", e / (n * (c + 1)) }')
  echo "ssh_execs_per_host_per_cycle $per_host count"

  printf '[all]\n' >"$work/$n/inventory"
  awk '{ printf "%s ansible_host=%s ansible_user=root\n", $1, $2 }' "$HAKUBE_LAB_DIR/hosts.tsv" >>"$work/$n/inventory"
  cat >"$work/$n/ansible.cfg" <<CFG
[defaults]
host_key_checking = True
forks = $n
interpreter_python = /usr/bin/python3
stdout_callback = minimal
[ssh_connection]
ssh_args = -F $HAKUBE_LAB_DIR/ssh_config -o ControlMaster=auto -o ControlPersist=60s
control_path_dir = $work/$n/cp
CFG
  ansible_run() {
    local start end
    start=$(date +%s%N)
    ANSIBLE_CONFIG=$work/$n/ansible.cfg timeout 300 ansible all -i "$work/$n/inventory" -m setup >"$work/$n/ansible.out" 2>&1 \
      || { echo "ansible failed:" >&2; tail -20 "$work/$n/ansible.out" >&2; exit 1; }
    end=$(date +%s%N)
    echo $(((end - start) / 1000000))
  }
  ansible_cold=$(ansible_run)
  ansible_warm=$(ansible_run)
  echo "ansible_setup_cold $ansible_cold ms"
  echo "ansible_setup_warm $ansible_warm ms"
  median=$(awk '$1 == "warm_cycle_median" { print $2 }' "$work/$n/hakube.txt")
  awk -v a="$ansible_warm" -v h="$median" 'BEGIN { printf "ratio_ansible_warm_to_hakube_warm %.1f x\n", a / h }'
  lab down >/dev/null
done
