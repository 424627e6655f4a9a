#!/usr/bin/env bash
# The README's first command: HaKube's main job on the lab, needing nothing outside this machine.
# It starts six lab hosts (real sshd, each in its own namespaces on 127.0.10.x), writes an
# HaCluster manifest for them (three stacked control planes, two workers, one HAProxy host),
# validates it, probes every host in one SSH round trip each, shows the plan, applies it until
# the cluster converges, and shows that a second plan is empty. Real sshd, etcd and HAProxy run
# on the lab hosts; kubeadm, kubelet and kube-apiserver are the lab's stand-ins (tests/lab/standins).
# With --keep the lab stays up afterwards (tear it down with: HAKUBE_LAB_DIR=/tmp/hakube-demo-lab
# bash tests/lab/lab.sh down).
set -euo pipefail
cd "$(dirname "$0")/.."
keep=0
[ "${1:-}" = "--keep" ] && keep=1
if [ "$(id -u)" != 0 ]; then
  echo "demo.sh: the lab needs root (namespaces, sshd on 127.0.x.y); run as root" >&2
  exit 1
fi
bash scripts/install-test-deps.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export HAKUBE_LAB_DIR=${HAKUBE_LAB_DIR:-/tmp/hakube-demo-lab}
lab() { bash tests/lab/lab.sh "$@"; }
cleanup() { [ "$keep" = 1 ] || lab down >/dev/null 2>&1 || true; }
trap cleanup EXIT

echo "== building hakube"
dotnet build src/Reconciler -c Release --nologo -v quiet
hakube=src/Reconciler/bin/Release/net10.0/hakube

echo "== starting 6 lab hosts"
lab down >/dev/null 2>&1 || true
lab up 6 --prefix demo --base 127.0.10 >/dev/null
lab status

workdir=$HAKUBE_LAB_DIR/manifests
mkdir -p "$workdir/keys"
cp "$HAKUBE_LAB_DIR/client/id_ed25519" "$workdir/keys/id_ed25519"
cp "$HAKUBE_LAB_DIR/known_hosts" "$workdir/keys/known_hosts"
chmod 600 "$workdir/keys/id_ed25519"
address() { awk -v n="$1" '$1 == n { print $2 }' "$HAKUBE_LAB_DIR/hosts.tsv"; }
cat >"$workdir/demo.yaml" <<YAML
apiVersion: hakube.io/v1alpha1
kind: HaCluster
metadata:
  name: demo
spec:
  kubernetesVersion: v1.31.4
  controlPlaneEndpoint: {host: $(address demo6), port: 6443}
  loadBalancer: {provider: HAProxy, hosts: [demo6]}
  etcd: {topology: Stacked}
  networking: {podSubnet: 192.168.0.0/16, serviceSubnet: 10.96.0.0/12, cni: Calico}
  ssh:
    user: root
    privateKeyFile: keys/id_ed25519
    knownHostsFile: keys/known_hosts
  hosts:
  - {name: demo1, address: $(address demo1), roles: [ControlPlane]}
  - {name: demo2, address: $(address demo2), roles: [ControlPlane]}
  - {name: demo3, address: $(address demo3), roles: [ControlPlane]}
  - {name: demo4, address: $(address demo4), roles: [Worker], labels: {zone: a}}
  - {name: demo5, address: $(address demo5), roles: [Worker], labels: {zone: b}}
  - {name: demo6, address: $(address demo6), roles: [LoadBalancer]}
YAML
echo "== the manifest: $workdir/demo.yaml"
cat "$workdir/demo.yaml"

echo "== hakube validate"
"$hakube" validate "$workdir/demo.yaml"

state=$HAKUBE_LAB_DIR/state
echo "== hakube probe (one SSH exec per host)"
"$hakube" probe -f "$workdir/demo.yaml"

echo "== hakube plan (what apply would do, and why)"
"$hakube" plan -f "$workdir/demo.yaml" --state-dir "$state" || [ $? = 2 ]

echo "== hakube apply"
"$hakube" apply -f "$workdir/demo.yaml" --yes --state-dir "$state"

echo "== hakube plan again: nothing to do"
"$hakube" plan -f "$workdir/demo.yaml" --state-dir "$state"

echo "== the cluster, through the admin kubeconfig HaKube keeps (hakube kubeconfig demo)"
"$hakube" kubeconfig demo --state-dir "$state" | grep -E '^\s+server:'
lab exec demo1 kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o wide
# As on a real kubeadm host: etcdctl is in the etcd container, not on the host.
lab exec demo1 sh -c 'c=$(crictl ps --name etcd --state running -q | head -n 1) && crictl exec "$c" etcdctl --endpoints=https://127.0.10.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key member list -w table'
