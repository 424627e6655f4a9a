#!/usr/bin/env bash
# Steady-state benchmark (issue 14): what a converged cluster costs to keep. Converges a Stacked
# cluster (3 control planes, 2 workers, 1 HAProxy host) and an External one (3 control planes,
# 3 etcd hosts, 2 workers, 1 HAProxy host) on one lab with `hakube apply`, then runs
# `hakube run --resync 2s` on each cluster in turn (only that cluster's hosts busy, as when its
# floor is measured) and prints, per cluster, as "name value unit" lines:
#   noop_pass_median/p90   one no-op reconcile (probe, plan, status), each pass read from the
#                          daemon's hakube_reconcile_duration_seconds series (scraped once a second)
#   cpu_per_pass_per_host  the daemon's CPU over the window / passes / hosts (target <= 10 ms)
#   floor_median           the same warm probe scripts over already-open OpenSSH connections, the
#                          cluster's hosts in parallel; ratio_noop_to_floor (target <= 1.2)
#   ansible_setup_warm     `ansible -m setup` on the same hosts (forks = hosts, ControlPersist)
# and, per cluster's daemon: rss, steps run in the window (must be 0: the passes were no-ops); and
# edit_to_status (spec.paused written to the status showing phase Paused, Stacked cluster).
# The window starts after each cluster's first HAKUBE_BENCH_WARMUP passes (default 15, 30 s): the
# first pass connects and loads the PKI, and for the first minute .NET's tiered JIT recompiles the
# hot methods in the background, which is start-up cost, not what a long-running daemon pays.
# Usage: bash bench/steady.sh   (as root; HAKUBE_BENCH_WINDOW seconds of no-op passes, default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
window=${HAKUBE_BENCH_WINDOW:-60}
[[ $window =~ ^[0-9]+$ ]] && [ "$window" -ge 20 ] && [ "$window" -le 600 ] || { echo "HAKUBE_BENCH_WINDOW must be 20..600" >&2; exit 2; }
warmup=${HAKUBE_BENCH_WARMUP:-15}
[[ $warmup =~ ^[0-9]+$ ]] && [ "$warmup" -ge 2 ] && [ "$warmup" -le 100 ] || { echo "HAKUBE_BENCH_WARMUP must be 2..100" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "steady.sh: the lab needs root" >&2; exit 1; }
HAKUBE_BENCH_ANSIBLE=1 bash scripts/install-test-deps.sh
BENCH=steady BENCH_METRICS_PORT=19465
. bench/lib.sh
build_bench

fresh_lab 15 --prefix hkst --base 127.0.46 >"$work/lab.log" 2>&1 || { cat "$work/lab.log" >&2; exit 1; }
mapfile -t names < <(cut -f1 "$HAKUBE_LAB_DIR/hosts.tsv")
mapfile -t addrs < <(cut -f2 "$HAKUBE_LAB_DIR/hosts.tsv")

# manifest NAME FIRST COUNT ETCD: hosts FIRST.. as 3 control planes, ETCD etcd hosts, workers, and
# the HAProxy host last (the endpoint).
manifest() {
  local name=$1 first=$2 count=$3 etcd=$4 dir=$work/manifests/$1 lb i role
  lb=$((first + count - 1))
  lab_keys "$dir"
  for ((i = first; i < lb; i++)); do
    # The lab has no network: a keyring in place means PrepareHost never fetches the key.
    lab exec "${names[$i]}" /bin/bash --noprofile --norc -c \
      'mkdir -p /etc/apt/keyrings && echo lab > /etc/apt/keyrings/kubernetes-apt-keyring.gpg' >/dev/null
  done
  {
    printf 'apiVersion: hakube.io/v1alpha1\nkind: HaCluster\nmetadata: {name: %s}\nspec:\n' "$name"
    printf '  kubernetesVersion: v1.31.4\n'
    printf '  controlPlaneEndpoint: {host: "%s", port: 6443}\n' "${addrs[$lb]}"
    printf '  loadBalancer: {provider: HAProxy, hosts: [%s]}\n' "${names[$lb]}"
    if [ "$etcd" -gt 0 ]; then
      printf '  etcd: {topology: External, hosts: [%s, %s, %s]}\n' "${names[$((first + 3))]}" "${names[$((first + 4))]}" "${names[$((first + 5))]}"
    else
      printf '  etcd: {topology: Stacked}\n'
    fi
    printf '  networking: {podSubnet: 192.168.0.0/16, cni: Calico}\n'
    printf '  ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}\n  hosts:\n'
    for ((i = first; i <= lb; i++)); do
      if [ $((i - first)) -lt 3 ]; then role=ControlPlane
      elif [ $((i - first)) -lt $((3 + etcd)) ]; then role=Etcd
      elif [ "$i" -lt "$lb" ]; then role=Worker
      else role=LoadBalancer; fi
      printf '  - {name: %s, address: "%s", roles: [%s]}\n' "${names[$i]}" "${addrs[$i]}" "$role"
    done
  } >"$dir/cluster.yaml"
  printf '%s\n' "${addrs[@]:$first:$count}" >"$work/$name.hosts"
}
manifest steady-stacked 0 6 0
manifest steady-external 6 9 3

for name in steady-stacked steady-external; do
  echo "== converging $name"
  s=$(date +%s)
  timeout 900 "$hakube" apply -f "$work/manifests/$name/cluster.yaml" --yes --state-dir "$work/state" >"$work/$name.apply" 2>&1 \
    || { echo "apply failed ($name):" >&2; tail -30 "$work/$name.apply" >&2; exit 1; }
  echo "apply_$name $(($(date +%s) - s)) s"
done

: >"$work/daemon.txt"
for name in steady-external steady-stacked; do
echo "== $name: hakube run --resync 2s, ${window} s of no-op passes"
# As the chart runs the daemon: without tiered compilation (charts/hakube/templates/deployment.yaml).
DOTNET_TieredCompilation=0 "$hakube" run --manifests "$work/manifests/$name" --state-dir "$work/state" --resync 2s \
  --metrics-address "$metrics" --log-format json >"$work/daemon.log" 2>&1 &
daemon=$!
# The sampler scrapes /metrics once a second: passes start 2 s apart, so a cluster's count growing by
# one is one pass and its sum's growth that pass's duration. Not faster: a scrape costs the daemon
# ~0.7 ms of CPU, and every 50 ms (as this did before) added ~29 ms to each 6-host pass's CPU and
# ~50 ms to its duration. It also reads the daemon's CPU ticks at the window's ends.
python3 - "$metrics" "$daemon" "$window" "$work" "$warmup" <<'PY' >"$work/$name.daemon.txt"
import os, re, sys, time, urllib.request
address, pid, window, work, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
hz = os.sysconf("SC_CLK_TCK")
def scrape():
    try:
        text = urllib.request.urlopen(f"http://{address}/metrics", timeout=2).read().decode()
    except OSError:
        return None
    series = {}
    for kind in ("sum", "count"):
        for m in re.finditer(r'^hakube_reconcile_duration_seconds_%s\{([^}]*)\} (\S+)$' % kind, text, re.M):
            c = re.search(r'hakube_cluster="([^"]*)"', m.group(1)).group(1)
            series.setdefault(c, [0.0, 0.0])[0 if kind == "sum" else 1] += float(m.group(2))
    steps = sum(float(v) for v in re.findall(r'^hakube_steps_run_total\{[^}]*\} (\S+)$', text, re.M))
    return series, steps
def ticks():
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])
deadline = time.monotonic() + 600
while True:  # the first passes (connections, PKI load, tiered JIT) are start-up: wait them out
    s = scrape()
    if s and len(s[0]) == 1 and all(v[1] >= warmup for v in s[0].values()):
        break
    if time.monotonic() > deadline:
        sys.exit(f"the daemon did not finish {warmup} passes of each cluster within 600 s")
    time.sleep(0.2)
last, steps0 = s
t0, k0 = time.monotonic(), ticks()
passes = {c: [] for c in last}
while time.monotonic() - t0 < window:
    time.sleep(1)
    s = scrape()
    if not s:
        continue
    now, steps1 = s
    for c, (total, count) in now.items():
        if count > last[c][1]:
            # Two passes in one second (a requeue after a slow one) count twice, at their mean.
            n = int(count - last[c][1])
            passes[c].extend([(total - last[c][0]) / n * 1000] * n)
    last = now
t1, k1 = time.monotonic(), ticks()
with open(f"/proc/{pid}/status") as f:
    rss = next(int(l.split()[1]) // 1024 for l in f if l.startswith("VmRSS"))
hosts = {c: sum(1 for _ in open(f"{work}/{c}.hosts")) for c in passes}
cpu_ms = (k1 - k0) / hz * 1000
host_passes = sum(len(p) * hosts[c] for c, p in passes.items())
for c, p in sorted(passes.items()):
    p.sort()
    print(f"{c} noop_passes {len(p)} count")
    print(f"{c} noop_pass_median {p[len(p) // 2]:.1f} ms")
    print(f"{c} noop_pass_p90 {p[min(len(p) - 1, int(len(p) * 0.9))]:.1f} ms")
c = next(iter(passes))
print(f"{c} cpu_per_pass_per_host {cpu_ms / host_passes:.2f} ms (target <= 10)")
print(f"{c} daemon_cpu_share {cpu_ms / ((t1 - t0) * 1000) * 100:.1f} % of one core")
print(f"{c} daemon_rss {rss} MiB")
print(f"{c} steps_run_in_window {int(steps1 - steps0)} count (0: every pass was a no-op)")
PY
tee -a "$work/daemon.txt" <"$work/$name.daemon.txt"
[ "$name" = steady-stacked ] || { kill "$daemon"; wait "$daemon" 2>/dev/null || true; daemon=; }
done

# A manifest edit: spec.paused written, to the status file showing phase Paused.
status=$work/state/status/steady-stacked.json
s=$(date +%s%N)
sed -i 's/^spec:$/spec:\n  paused: true/' "$work/manifests/steady-stacked/cluster.yaml"
until python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["status"].get("phase") == "Paused" else 1)' "$status" 2>/dev/null; do
  [ $((($(date +%s%N) - s) / 1000000)) -lt 30000 ] || { echo "the status did not show Paused within 30 s" >&2; exit 1; }
  sleep 0.02
done
echo "daemon edit_to_status $((($(date +%s%N) - s) / 1000000)) ms (resync 2s, debounce included)"
kill "$daemon"; wait "$daemon" 2>/dev/null || true; daemon=

# The floor and ansible, per cluster, on the same hosts.
sed -i '/^  paused: true$/d' "$work/manifests/steady-stacked/cluster.yaml"
"$probebench" --write-scripts "$work/manifests" "$work/scripts"
ssh_to() { ssh -F "$HAKUBE_LAB_DIR/ssh_config" -o ControlMaster=auto -o ControlPersist=120 -o "ControlPath=$work/cp-%h" "root@$1" "${@:2}"; }
for name in steady-stacked steady-external; do
  dir=$work/scripts/$name
  while read -r _ address; do ssh_to "$address" true; done <"$dir/hosts"
  runs=()
  for _ in $(seq 1 11); do
    s=$(date +%s%N)
    while read -r host address; do ssh_to "$address" sh -s <"$dir/$host.sh" >/dev/null & done <"$dir/hosts"
    wait
    runs+=($((($(date +%s%N) - s) / 1000)))
  done
  floor=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 6p)
  echo "$name floor_median $(awk -v f="$floor" 'BEGIN { printf "%.1f", f / 1000 }') ms"
  median=$(awk -v c="$name" '$1 == c && $2 == "noop_pass_median" { print $3 }' "$work/daemon.txt")
  awk -v c="$name" -v f="$floor" -v m="$median" 'BEGIN { printf "%s ratio_noop_to_floor %.2f x (target <= 1.2)\n", c, m / (f / 1000) }'

  n=$(wc -l <"$dir/hosts")
  printf '[all]\n' >"$work/$name.inventory"
  awk '{ printf "%s ansible_host=%s ansible_user=root\n", $1, $2 }' "$dir/hosts" >>"$work/$name.inventory"
  mkdir -p "$work/acp-$name"
  printf '[defaults]\nhost_key_checking = True\nforks = %s\ninterpreter_python = /usr/bin/python3\nstdout_callback = minimal\n[ssh_connection]\nssh_args = -F %s -o ControlMaster=auto -o ControlPersist=60s\ncontrol_path_dir = %s\n' \
    "$n" "$HAKUBE_LAB_DIR/ssh_config" "$work/acp-$name" >"$work/$name.ansible.cfg"
  ANSIBLE_CONFIG=$work/$name.ansible.cfg timeout 300 ansible all -i "$work/$name.inventory" -m setup >/dev/null 2>&1 || true
  s=$(date +%s%N)
  ANSIBLE_CONFIG=$work/$name.ansible.cfg timeout 300 ansible all -i "$work/$name.inventory" -m setup >"$work/$name.ansible.out" 2>&1 \
    || { echo "ansible failed ($name):" >&2; tail -20 "$work/$name.ansible.out" >&2; exit 1; }
  a=$((($(date +%s%N) - s) / 1000000))
  echo "$name ansible_setup_warm $a ms"
  awk -v c="$name" -v a="$a" -v m="$median" 'BEGIN { printf "%s ratio_ansible_to_noop %.1f x\n", c, a / m }'
done
echo "load_average_1m $(cut -d' ' -f1 /proc/loadavg)"
