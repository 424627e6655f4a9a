#!/usr/bin/env bash
# Fleet benchmark (issue 14, DESIGN.md section 5): one daemon keeping many clusters. Starts
# CLUSTERS x HOSTS lab hosts (default 30 x 10 = 300) as that many HaCluster manifests in one
# directory, runs `hakube run --dry-run --resync 60s` on them (probe, plan and status every pass;
# the hosts are fresh, so nothing is changed) and prints, as "name value unit" lines:
#   cold_start            daemon start to every cluster's status written, with the daemon's CPU
#                         in that time and the whole machine's busy share (the hosts share it)
#   warm_pass_median/p90  one reconcile of one cluster after its first (the daemon's histogram)
#   floor_median          the same warm probe scripts over already-open OpenSSH connections, one
#                         cluster's hosts in parallel (median over clusters), and the ratio
#   passes_per_minute     reconciles finished per minute at --resync 60s (target: one per cluster)
#   rss, rss_peak         the daemon's resident memory
#   idle_cpu_share        the daemon's CPU over the steady window, in % of one core
# with the targets beside them. Usage: bash bench/fleet.sh [CLUSTERS [HOSTS]]   (as root)
# HAKUBE_BENCH_WINDOW (seconds, a whole number of minutes, default 120) is the steady window; it
# starts just after the first resync, a minute after the daemon began watching, so that it holds whole resync
# periods: each cluster's passes are spread over the period, and a window starting mid-period
# counted fewer passes than ran a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
clusters=${1:-30}
per=${2:-10}
window=${HAKUBE_BENCH_WINDOW:-120}
[ "$(id -u)" = 0 ] || { echo "fleet.sh: the lab needs root" >&2; exit 1; }
[[ $clusters =~ ^[0-9]+$ ]] && [ "$clusters" -ge 1 ] && [ "$clusters" -le 30 ] || { echo "clusters must be 1..30" >&2; exit 2; }
[[ $per =~ ^[0-9]+$ ]] && [ "$per" -ge 1 ] && [ "$per" -le 10 ] || { echo "hosts per cluster must be 1..10" >&2; exit 2; }
[[ $window =~ ^[0-9]+$ ]] && [ "$window" -ge 60 ] && [ "$window" -le 900 ] && [ $((10#$window % 60)) = 0 ] || { echo "HAKUBE_BENCH_WINDOW must be 60..900, whole minutes" >&2; exit 2; }
total=$((clusters * per))
bash scripts/install-test-deps.sh
BENCH=fleet BENCH_METRICS_PORT=19464
. bench/lib.sh
build_bench

echo "== $total lab hosts as $clusters clusters of $per"
up_start=$(date +%s%N)
fresh_lab "$total" --prefix fleet --base 127.0.44 >/dev/null
echo "lab_up $((($(date +%s%N) - up_start) / 1000000)) ms"

# One manifest folder per cluster: control planes first, then workers; the endpoint is a loopback
# address where nothing listens (the dry run only observes it).
mkdir -p "$work/manifests" "$work/state" "$work/cp"
for c in $(seq 1 "$clusters"); do
  folder=$work/manifests/fleet$c
  lab_keys "$folder"
  {
    printf 'apiVersion: hakube.io/v1alpha1\nkind: HaCluster\nmetadata: {name: fleet%s}\nspec:\n' "$c"
    printf '  kubernetesVersion: v1.31.4\n  controlPlaneEndpoint: {host: 127.0.43.%s}\n  networking: {cni: None}\n' "$c"
    printf '  allowNonHighlyAvailable: true\n  ssh: {privateKeyFile: keys/id_ed25519, knownHostsFile: keys/known_hosts}\n  hosts:\n'
    awk -v c="$c" -v per="$per" 'NR > (c - 1) * per && NR <= c * per {
      role = (NR - (c - 1) * per <= 3) ? "ControlPlane" : "Worker"
      printf "  - {name: %s, address: %s, roles: [%s]}\n", $1, $2, role }' "$HAKUBE_LAB_DIR/hosts.tsv"
  } >"$folder/cluster.yaml"
done
"$hakube" validate "$work/manifests" >/dev/null

statuses() { find "$work/state/status" -maxdepth 1 -name 'fleet*.json' 2>/dev/null | wc -l; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$daemon/stat"; }
scrape() { curl -sf "http://$metrics/metrics"; }

echo "== hakube run --dry-run --resync 60s"
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
machine0=$(machine_ticks)
start=$(date +%s%N)
# As the chart runs the daemon: without tiered compilation (charts/hakube/templates/deployment.yaml).
DOTNET_TieredCompilation=0 "$hakube" run --manifests "$work/manifests" --state-dir "$work/state" --resync 60s --dry-run \
  --metrics-address "$metrics" --log-format json >"$work/daemon.log" 2>&1 &
daemon=$!
deadline=$((SECONDS + 300))
watching=
until [ "$(statuses)" -ge "$clusters" ]; do
  # The daemon's resync ticks start when it logs that it watches the folder (after the leader lock).
  [ -n "$watching" ] || ! grep -q 'Watching' "$work/daemon.log" || watching=$(date +%s%N)
  kill -0 "$daemon" 2>/dev/null || { echo "the daemon exited:" >&2; tail -20 "$work/daemon.log" >&2; exit 1; }
  [ $SECONDS -lt $deadline ] || { echo "not every cluster got a status within 300 s ($(statuses)/$clusters)" >&2; exit 1; }
  sleep 0.1
done
cold_ms=$((($(date +%s%N) - start) / 1000000))
cold_daemon_ms=$(($(cpu_ticks) * 1000 / $(getconf CLK_TCK)))
cold_machine_ms=$((($(machine_ticks) - machine0) * 1000 / $(getconf CLK_TCK)))
echo "cold_start $cold_ms ms (target <= 20000)"
# Where the cold start went: the daemon's CPU, and the whole machine's busy share (hosts included).
echo "cold_start_daemon_cpu $cold_daemon_ms ms"
echo "cold_start_machine_busy $(awk -v b="$cold_machine_ms" -v w="$cold_ms" -v n="$(nproc)" 'BEGIN { printf "%.0f", 100 * b / (w * n) }') % of $(nproc) cores"

# The steady window starts once every first pass has ended (each cluster's count is 1) ...
first_passes_done() { scrape | python3 -c '
import re, sys
n = sum(float(m.group(1)) for m in re.finditer(r"^hakube_reconcile_duration_seconds_count\{[^}]*\} (\S+)$", sys.stdin.read(), re.M))
sys.exit(0 if n >= int(sys.argv[1]) else 1)' "$clusters"; }
until first_passes_done; do
  [ $SECONDS -lt $deadline ] || { echo "first passes did not all end within 300 s" >&2; exit 1; }
  sleep 0.2
done
# ... and a second after the first resync tick, a period after the daemon began watching: the
# window then holds whole periods (each cluster's passes, spread over the period, counted once per
# minute), whatever the slot-0 pass at its very edge does.
[ -n "$watching" ] || watching=$(date +%s%N)
window_start=$((watching + 61000000000))
[ "$(date +%s%N)" -lt "$window_start" ] || { echo "the first passes took longer than the 60 s resync: no whole-period window" >&2; exit 1; }
until [ "$(date +%s%N)" -ge "$window_start" ]; do sleep 0.05; done
scrape >"$work/metrics.0"
ticks0=$(cpu_ticks)
t0=$(date +%s%N)
sleep "$window"
scrape >"$work/metrics.1"
ticks1=$(cpu_ticks)
t1=$(date +%s%N)
rss=$(awk '/^VmRSS/ { print int($2 / 1024) }' "/proc/$daemon/status")
peak=$(awk '/^VmHWM/ { print int($2 / 1024) }' "/proc/$daemon/status")
hz=$(getconf CLK_TCK)

# Warm passes: the histogram's growth over the window, per cluster (a pass's duration is the mean
# of that cluster's passes in the window; median and p90 across clusters).
python3 - "$work/metrics.0" "$work/metrics.1" "$t0" "$t1" "$ticks0" "$ticks1" "$hz" "$clusters" >"$work/daemon.txt" <<'PY'
import re, sys
def series(path):
    text = open(path).read()
    out = {}
    for kind in ("sum", "count"):
        for m in re.finditer(r'^hakube_reconcile_duration_seconds_%s\{([^}]*)\} (\S+)$' % kind, text, re.M):
            cluster = re.search(r'hakube_cluster="([^"]*)"', m.group(1)).group(1)
            out.setdefault(cluster, {"sum": 0.0, "count": 0.0})[kind] += float(m.group(2))
    return out
a, b = series(sys.argv[1]), series(sys.argv[2])
t0, t1, k0, k1, hz, clusters = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
means, passes = [], 0
for c, v in b.items():
    dc = v["count"] - a.get(c, {"count": 0})["count"]
    ds = v["sum"] - a.get(c, {"sum": 0})["sum"]
    passes += dc
    if dc > 0:
        means.append(ds / dc * 1000)
means.sort()
minutes = (t1 - t0) / 60e9
if not means:
    sys.exit("no warm pass in the window: make HAKUBE_BENCH_WINDOW longer than the resync")
print(f"warm_pass_median {means[len(means) // 2]:.1f} ms")
print(f"warm_pass_p90 {means[min(len(means) - 1, int(len(means) * 0.9))]:.1f} ms")
print(f"clusters_with_warm_passes {len(means)} count (of {clusters})")
print(f"passes_per_minute {passes / minutes:.1f} count (target {clusters}: every cluster once a minute)")
print(f"idle_cpu_share {(k1 - k0) / hz / ((t1 - t0) / 1e9) * 100:.2f} % (target <= 2)")
PY
cat "$work/daemon.txt"
echo "rss $rss MiB (target <= 300)"
echo "rss_peak $peak MiB"

# The floor: the warm probe scripts of each cluster over open OpenSSH connections, its hosts in
# parallel, three times; a cluster's floor is its median, the figure the median over clusters.
kill "$daemon"; wait "$daemon" 2>/dev/null || true; daemon=
"$probebench" --write-scripts "$work/manifests" "$work/scripts"
ssh_to() { ssh -F "$HAKUBE_LAB_DIR/ssh_config" -o ControlMaster=auto -o ControlPersist=120 -o "ControlPath=$work/cp/%h" "root@$1" "${@:2}"; }
floors=()
for c in $(seq 1 "$clusters"); do
  dir=$work/scripts/fleet$c
  while read -r _ address; do ssh_to "$address" true; done <"$dir/hosts"
  runs=()
  for _ in 1 2 3; do
    s=$(date +%s%N)
    while read -r name address; do ssh_to "$address" sh -s <"$dir/$name.sh" >/dev/null & done <"$dir/hosts"
    wait
    runs+=($((($(date +%s%N) - s) / 1000)))
  done
  floors+=("$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)")
done
floor_us=$(printf '%s\n' "${floors[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
echo "floor_median $(awk -v f="$floor_us" 'BEGIN { printf "%.1f", f / 1000 }') ms"
awk -v f="$floor_us" -v w="$(awk '$1 == "warm_pass_median" { print $2 }' "$work/daemon.txt")" \
  'BEGIN { printf "ratio_warm_pass_to_floor %.2f x (target <= 1.3)\n", w / (f / 1000) }'
echo "load_average_1m $(cut -d' ' -f1 /proc/loadavg)"
