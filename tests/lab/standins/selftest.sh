#!/usr/bin/env bash
# selftest.sh: proves the lab stand-ins (tests/lab/standins) with real runs, as root.
#
# Brings up four throw-away hosts (namespaces: mount, UTS, PID; own /etc/kubernetes,
# /var/lib/etcd, /var/lib/kubelet, /etc/systemd/system, /etc/haproxy, /run, /root, /usr/local/sbin,
# /var/lib/hakube-standins, /etc/apt/sources.list.d, /etc/hosts) on 127.0.200.0/24 only:
#   lb  127.0.200.10  real HAProxy (haproxy.service) in front of the API servers, and a real etcd
#                     as etcd.service for the systemctl checks
#   cp1 127.0.200.1   kubeadm init (stacked etcd: real etcd run by the kubelet stand-in)
#   cp2 127.0.200.2   kubeadm join --control-plane (real etcd member added)
#   w1  127.0.200.3   kubeadm join (worker)
# and asserts what the stand-ins promise; beside it, and at the same time, lab.sh's strict lab (st1..st3
# on the next /24), a lenient host (on the one after) and an air-gapped host (`lab.sh air-gap`, on the
# /24 after that, with the lab registry and apt mirror on .200 and .201 of it). Everything is torn down by a trap (SIGKILL of each
# host's PID namespace, then of anything still carrying this run's mark); every wait is bounded.
# Prints "N passed, M failed"; exit 0 only when nothing failed.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_SH=$HERE/../lab.sh
[ "$(id -u)" = 0 ] || { echo "selftest: needs root" >&2; exit 2; }
WORK=$(mktemp -d /tmp/hakube-standins-selftest.XXXXXX)
NET=${HAKUBE_SELFTEST_NET:-127.0.200}
# lab.sh labs of this run (the strict and the lenient one) on the next two /24s
IFS=. read -r _ NET_A NET_B <<<"$NET"
NET2=127.$NET_A.$((NET_B + 1))
NET3=127.$NET_A.$((NET_B + 2))
NET4=127.$NET_A.$((NET_B + 3))
declare -A ADDR=([lb]=$NET.10 [cp1]=$NET.1 [cp2]=$NET.2 [w1]=$NET.3)
declare -A UPID=()
PART_PIDS=()
PASS=0
FAIL=0
T0=$(date +%s)
HOST_DIRS=(etc/kubernetes var/lib/etcd var/lib/kubelet etc/systemd/system etc/haproxy run root usr/local/sbin
  var/lib/hakube-standins etc/apt/sources.list.d)
TOKEN=abcdef.0123456789abcdef

log() { printf '\n== %s (at %ss)\n' "$*" "$(($(date +%s) - T0))"; }
ok() { PASS=$((PASS + 1)); printf '  ok   %s\n' "$1"; }
bad() { FAIL=$((FAIL + 1)); printf '  FAIL %s\n' "$1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -n 30 | sed 's/^/       | /'; }

marked_pids() {
  grep -lzx "HAKUBE_LAB_MARK=$WORK" /proc/[0-9]*/environ 2>/dev/null | sed -n 's|^/proc/\([0-9]*\)/environ$|\1|p' |
    grep -vx -e "$$" -e "$BASHPID" || true
}

teardown() {
  local rc=$? h i pids d
  trap - EXIT INT TERM
  for d in "$WORK/strict-lab" "$WORK/lenient-lab" "$WORK/airgap-lab"; do
    if [ -e "$d" ]; then HAKUBE_LAB_DIR=$d bash "$LAB_SH" down >/dev/null 2>&1 || echo "selftest: WARNING: lab.sh down $d failed" >&2; fi
  done
  for i in "${PART_PIDS[@]}"; do kill -9 "$i" 2>/dev/null || true; done
  if [ -f "$WORK/host-pids" ]; then
    while read -r i; do kill -9 "$i" 2>/dev/null || true; done <"$WORK/host-pids"
  fi
  for i in $(seq 1 100); do
    pids=$(marked_pids)
    [ -z "$pids" ] && break
    # shellcheck disable=SC2086
    kill -9 $pids 2>/dev/null || true
    sleep 0.1
  done
  [ -n "$(marked_pids)" ] && echo "selftest: WARNING: processes left: $(marked_pids | tr '\n' ' ')" >&2
  if awk -v d="$WORK/" 'index($2, d) == 1' /proc/mounts | grep -q .; then
    echo "selftest: WARNING: mounts left below $WORK" >&2
  else
    rm -rf --one-file-system "$WORK"
  fi
  printf '\n%d passed, %d failed (%ss)\n' "$PASS" "$FAIL" "$(($(date +%s) - T0))"
  if [ "$FAIL" -gt 0 ] || [ "$PASS" -eq 0 ] || [ "$rc" -ne 0 ]; then exit 1; fi
  exit 0
}
trap teardown EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- hosts

make_host() {
  local h=$1 fs=$WORK/$1 d
  for d in "${HOST_DIRS[@]}"; do mkdir -p "$fs/$d"; done
  cp -a "$HERE/." "$fs/usr/local/sbin/"
  rm -f "$fs/usr/local/sbin/selftest.sh"
  chmod 0700 "$fs/var/lib/etcd" "$fs/root"
  echo "$h" >"$fs/hostname"
  { echo "127.0.0.1 localhost"; printf '%s\t%s\n' "${ADDR[$h]}" "$h"; for o in "${!ADDR[@]}"; do
      [ "$o" = "$h" ] || printf '%s\t%s\n' "${ADDR[$o]}" "$o"; done; } >"$fs/hosts"
  cat >"$fs/init.sh" <<EOF
mount --make-rprivate /
hostname $h
mount --bind $fs/hosts /etc/hosts
for d in ${HOST_DIRS[*]}; do mount --bind $fs/\$d /\$d; done
trap "" HUP INT TERM
/bin/sleep infinity & wait
EOF
  setsid env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HAKUBE_LAB_MARK="$WORK" \
    unshare --mount --uts --pid --fork --kill-child --mount-proc --propagation private \
    /bin/bash --noprofile --norc "$fs/init.sh" </dev/null >"$WORK/$h.boot.log" 2>&1 &
  UPID[$h]=$!
  echo "$!" >>"$WORK/host-pids"
  disown "$!"
}

init_pid() {
  local c
  c=$(cat "/proc/${UPID[$1]}/task/${UPID[$1]}/children" 2>/dev/null) || return 1
  echo "${c%% *}"
}

# on HOST CMD: a login-like clean environment inside the host's namespaces
on() {
  local h=$1 pid
  shift
  pid=$(init_pid "$h") || { echo "host $h is down" >&2; return 99; }
  timeout 300 nsenter --target "$pid" --mount --uts --pid --wd=/ -- \
    env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    HAKUBE_LAB_MARK="$WORK" /bin/bash --noprofile --norc -c "$*"
}

# check NAME CMD: passes when CMD (run here) succeeds
check() {
  local name=$1 out
  shift
  if out=$("$@" 2>&1); then ok "$name"; else bad "$name" "$out"; fi
}
# expect_fail NAME PATTERN CMD: CMD must fail and print PATTERN (extended regex)
expect_fail() {
  local name=$1 pat=$2 out
  shift 2
  if out=$("$@" 2>&1); then bad "$name (succeeded)" "$out"; elif grep -qE -- "$pat" <<<"$out"; then ok "$name"; else
    bad "$name (wrong error)" "$out"; fi
}
# eventually SECONDS NAME CMD: retries CMD every 0.25 s
eventually() {
  local secs=$1 name=$2 i out
  shift 2
  for ((i = 0; i < secs * 4; i++)); do
    if out=$("$@" 2>&1); then ok "$name"; return 0; fi
    sleep 0.25
  done
  bad "$name (after ${secs}s)" "$out"
  return 1
}

# Mount points the hosts need on the real machine, created empty and left there as lab.sh leaves
# its own: removing one would detach it in every other lab's hosts that run at the same time.
for d in "${HOST_DIRS[@]}"; do
  [ -d "/$d" ] || mkdir -p "/$d"
done
for h in lb cp1 cp2 w1; do
  if ss -Hltn "src ${ADDR[$h]}" | grep -q .; then echo "selftest: ${ADDR[$h]} already has listeners; aborting" >&2; exit 2; fi
done
part_standalone() {
log "hosts"
for h in lb cp1 cp2 w1; do make_host "$h"; done
for h in lb cp1 cp2 w1; do
  eventually 10 "$h boots with its own hostname and mounts" on "$h" \
    "[ \$(hostname) = $h ] && mountpoint -q /var/lib/hakube-standins && [ \$\$ != 1 ]"
done

# ---------------------------------------------------------------- systemctl: real etcd and HAProxy

# The lb host's services and the other hosts' packages share nothing: they go side by side, and
# kubeadm init (which needs lb's HAProxy) waits for both.
lb_services() {
log "systemctl (host lb)"
on lb "cat > /etc/systemd/system/etcd.service" <<EOF
[Unit]
Description=etcd (selftest)
[Service]
Environment=NODE_NAME=wrong
ExecStart=/usr/bin/etcd --name \${NODE_NAME} --data-dir /var/lib/etcd/lb --listen-client-urls http://${ADDR[lb]}:12379 --advertise-client-urls http://${ADDR[lb]}:12379 --listen-peer-urls http://${ADDR[lb]}:12380 --initial-advertise-peer-urls http://${ADDR[lb]}:12380 --initial-cluster lb=http://${ADDR[lb]}:12380
Restart=always
RestartSec=0.5
[Install]
WantedBy=multi-user.target
EOF
on lb "mkdir -p /etc/systemd/system/etcd.service.d && printf '[Service]\nEnvironment=NODE_NAME=lb\n' > /etc/systemd/system/etcd.service.d/10-name.conf"
check "daemon-reload" on lb systemctl daemon-reload
check "is-enabled etcd = disabled (exit 1)" on lb '[ "$(systemctl is-enabled etcd)" = disabled ] && ! systemctl is-enabled -q etcd'
check "[systemctl.units] enable --now etcd creates the WantedBy symlink" on lb \
  'systemctl enable --now etcd 2>&1 | grep -q "Created symlink /etc/systemd/system/multi-user.target.wants/etcd.service" && [ "$(systemctl is-enabled etcd)" = enabled ]'
eventually 15 "real etcd runs under etcd.service (drop-in Environment= wins)" on lb \
  "systemctl is-active -q etcd && ETCDCTL_API=3 etcdctl --endpoints=http://${ADDR[lb]}:12379 member list | grep -q ', lb, '"
check "show -p ActiveState,SubState" on lb '[ "$(systemctl show -p ActiveState,SubState etcd)" = "$(printf "ActiveState=active\nSubState=running")" ]'
check "status exit 0 and lists the drop-in" on lb 'systemctl status etcd | grep -q "10-name.conf"'
pid1=$(on lb systemctl show -p MainPID --value etcd)
on lb "kill -9 $pid1"
eventually 15 "[systemctl.restart] Restart=always restarts a killed etcd (NRestarts=1, new MainPID)" on lb \
  "[ \"\$(systemctl show -p NRestarts --value etcd)\" = 1 ] && [ \"\$(systemctl show -p MainPID --value etcd)\" != $pid1 ] && systemctl is-active -q etcd && ETCDCTL_API=3 etcdctl --endpoints=http://${ADDR[lb]}:12379 endpoint health"
on lb "printf '[Service]\nRestart=no\n' > /etc/systemd/system/etcd.service.d/20-norestart.conf"
check "a changed unit without daemon-reload warns" on lb 'systemctl restart etcd 2>&1 | grep -q "changed on disk. Run .systemctl daemon-reload."'
check "stop: inactive, exit 3, port closed" on lb \
  "systemctl stop etcd; [ \"\$(systemctl is-active etcd)\" = inactive ] && ! systemctl is-active -q etcd && ! ss -Hltn 'src ${ADDR[lb]} and sport = :12379' | grep -q ."
check "is-active of an unknown unit: inactive, exit 3" on lb '[ "$(systemctl is-active nosuch; echo $?)" = "$(printf "inactive\n3")" ]'
check "status of an unknown unit: exit 4" on lb 'systemctl status nosuch >/dev/null 2>&1; [ $? = 4 ]'
on lb "cat > /etc/systemd/system/crash.service" <<'EOF'
[Service]
ExecStart=/bin/false
Restart=on-failure
RestartSec=0.05
EOF
on lb systemctl start crash >/dev/null 2>&1
eventually 10 "crash loop hits the start limit: failed" on lb \
  '[ "$(systemctl show -p ActiveState,Result --value crash | tr "\n" " ")" = "failed start-limit-hit " ]'

on lb "cat > /etc/haproxy/haproxy.cfg" <<EOF
global
    maxconn 256
defaults
    mode tcp
    timeout connect 2s
    timeout client 30s
    timeout server 30s
frontend apiserver
    bind ${ADDR[lb]}:6443
    default_backend apiserver
backend apiserver
    option httpchk GET /readyz
    http-check expect status 200
    balance roundrobin
    server cp1 ${ADDR[cp1]}:6443 check check-ssl verify none inter 1s
    server cp2 ${ADDR[cp2]}:6443 check check-ssl verify none inter 1s
EOF
on lb "cat > /etc/systemd/system/haproxy.service" <<'EOF'
[Unit]
Description=HAProxy Load Balancer
[Service]
Environment="CONFIG=/etc/haproxy/haproxy.cfg"
ExecStartPre=/usr/sbin/haproxy -Ws -f $CONFIG -c -q
ExecStart=/usr/sbin/haproxy -Ws -f $CONFIG
Restart=always
[Install]
WantedBy=multi-user.target
EOF
check "enable --now haproxy" on lb "systemctl daemon-reload && systemctl enable --now haproxy 2>/dev/null"
eventually 10 "real HAProxy listens on ${ADDR[lb]}:6443 under haproxy.service" on lb \
  "systemctl is-active -q haproxy && ss -Hltn 'src ${ADDR[lb]} and sport = :6443' | grep -q ."

}
lb_services &
lb_pid=$!

# ---------------------------------------------------------------- packages

log "apt-get / apt-mark"
for h in cp1 cp2 w1; do
  on "$h" "echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.31/deb/ /' > /etc/apt/sources.list.d/kubernetes.list"
done
expect_fail "[apt.update-sources] install before apt-get update: Unable to locate package" "E: Unable to locate package kubelet" \
  on cp1 apt-get install -y kubelet=1.31.4-1.1
install_pids=()
for h in cp1 cp2 w1; do
  check "$h: apt-get update + install kubelet/kubeadm/kubectl 1.31.4, containerd" on "$h" \
    "apt-get update -q >/dev/null && apt-get install -y kubelet=1.31.4-1.1 'kubeadm=1.31.4-*' kubectl=1.31.4-1.1 containerd >/dev/null && apt-mark hold kubelet kubeadm kubectl >/dev/null" &
  install_pids+=("$!")
done
wait "${install_pids[@]}"
check "versions: kubeadm version -o short, kubelet --version, kubectl version --client" on cp1 \
  '[ "$(kubeadm version -o short)" = v1.31.4 ] && [ "$(kubelet --version)" = "Kubernetes v1.31.4" ] && kubectl version --client | grep -qx "Client Version: v1.31.4"'
check "the wrappers' shell answers to version queries equal the Python stand-ins' own" on cp1 \
  'for q in "kubeadm version -o short" "kubelet --version" "kubectl version --client"; do set -- $q; b=$1; shift
     [ "$("$b" "$@")" = "$(HAKUBE_PKG_VERSION=1.31.4-1.1 /usr/bin/python3 /usr/local/sbin/hakube-standins/$b.py "$@")" ] || exit 1
   done'
check "binaries installed in the host's /usr/local/sbin only" on cp1 '[ -x /usr/local/sbin/kubeadm ] && [ ! -e /usr/bin/kubeadm ] && [ ! -e /usr/bin/kubelet ]'
check "apt-mark showhold" on cp1 '[ "$(apt-mark showhold | tr "\n" " ")" = "kubeadm kubectl kubelet " ]'
expect_fail "[apt.pin-hold] held package at another version fails like apt" "E: Held packages were changed and -y was used without --allow-change-held-packages" \
  on cp1 apt-get install -y kubelet=1.31.5-1.1
expect_fail "unknown version" "E: Version '1.31.99-1.1' for 'kubelet' was not found" on cp1 apt-get install -y kubelet=1.31.99-1.1
check "dpkg-query -W reports the installed version" on cp1 '[ "$(dpkg-query -W -f="\${Version}" kubeadm)" = 1.31.4-1.1 ]'
check "[containerd.socket] containerd.service (placeholder) active, CRI socket present" on cp1 \
  'systemctl is-active -q containerd && [ -S /run/containerd/containerd.sock ] && containerd --version | grep -q 1.6.20'
check "kubelet.service installed, not enabled (as pkgs.k8s.io)" on cp1 \
  '[ "$(systemctl is-enabled kubelet)" = disabled ] && systemctl cat kubelet | grep -q 10-kubeadm.conf'
for h in cp1 cp2 w1; do on "$h" systemctl enable kubelet >/dev/null 2>&1; done

# ---------------------------------------------------------------- kubeadm init (stacked)

wait "$lb_pid"
log "kubeadm init on cp1"
# HaKube pushes its own cluster CA before init: kubeadm must use it, not make one.
on cp1 "mkdir -p /etc/kubernetes/pki && cd /etc/kubernetes/pki && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj /CN=kubernetes -days 3650 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign 2>/dev/null && chmod 600 ca.key"
ca_before=$(on cp1 sha256sum /etc/kubernetes/pki/ca.crt)
on cp1 "cat > /root/kubeadm.yaml" <<EOF
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
bootstrapTokens:
- token: $TOKEN
  ttl: 2h
localAPIEndpoint:
  advertiseAddress: ${ADDR[cp1]}
  bindPort: 6443
nodeRegistration:
  name: cp1
  criSocket: unix:///var/run/containerd/containerd.sock
  ignorePreflightErrors: [FileContent--proc-sys-net-ipv4-ip_forward]
  kubeletExtraArgs:
  - name: node-ip
    value: ${ADDR[cp1]}
timeouts:
  controlPlaneComponentHealthCheck: 1m
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.4
controlPlaneEndpoint: ${ADDR[lb]}:6443
networking:
  podSubnet: 192.168.0.0/16
  serviceSubnet: 10.96.0.0/12
apiServer:
  certSANs: [api.selftest.internal]
etcd:
  local:
    dataDir: /var/lib/etcd
---
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
cgroupDriver: systemd
EOF
on cp1 "mkdir -p /etc/kubernetes/manifests && touch /etc/kubernetes/manifests/kube-apiserver.yaml"
expect_fail "[kubeadm.preflight.file-available] init preflight: existing kube-apiserver.yaml" \
  "\[ERROR FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml\]: /etc/kubernetes/manifests/kube-apiserver.yaml already exists" \
  on cp1 kubeadm init --config /root/kubeadm.yaml
on cp1 "rm /etc/kubernetes/manifests/kube-apiserver.yaml"
on cp1 "cat > /root/bad.yaml" <<'EOF2'
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
apiServer:
  extraArgs:
    audit-log-maxage: "3"
EOF2
expect_fail "v1beta4 extraArgs as a map is a decoding error" "cannot unmarshal object into Go struct field apiServer.extraArgs of type \[\]v1beta4.Arg" \
  on cp1 kubeadm init --config /root/bad.yaml
on cp1 "grep -v 'ignorePreflightErrors' /root/kubeadm.yaml > /root/noignore.yaml"
expect_fail "[kubeadm.preflight.ip-forward] init phase preflight: ip_forward 0 is an error" \
  "\[ERROR FileContent--proc-sys-net-ipv4-ip_forward\]: /proc/sys/net/ipv4/ip_forward contents are not set to 1" \
  on cp1 kubeadm init phase preflight --config /root/noignore.yaml
check "[kubeadm.preflight.ignore] --ignore-preflight-errors (any case) turns the error into a warning" on cp1 \
  "kubeadm init phase preflight --config /root/noignore.yaml --ignore-preflight-errors=FILECONTENT--PROC-SYS-NET-IPV4-IP_FORWARD 2>&1 | grep -q 'WARNING FileContent--proc-sys-net-ipv4-ip_forward'"
check "[kubeadm.phase-preflight] init phase preflight passes and pre-pulls the control-plane images" on cp1 \
  "kubeadm init phase preflight --config /root/kubeadm.yaml >/dev/null 2>&1 && crictl images | grep -qE '^registry.k8s.io/kube-apiserver +v1.31.4 '"
if out=$(on cp1 kubeadm init --config /root/kubeadm.yaml 2>&1); then ok "[kubeadm.init] kubeadm init succeeds"; else bad "kubeadm init" "$out"; exit 1; fi
grep -q "Your Kubernetes control-plane has initialized successfully!" <<<"$out" && ok "init prints success and join commands" || bad "init output" "$out"
check "pushed CA kept" on cp1 "[ \"\$(sha256sum /etc/kubernetes/pki/ca.crt)\" = '$ca_before' ]"
check "files and modes (kubeconfigs 600, manifests 600, pki, kubelet config)" on cp1 '
  for f in admin.conf super-admin.conf kubelet.conf controller-manager.conf scheduler.conf manifests/etcd.yaml manifests/kube-apiserver.yaml manifests/kube-controller-manager.yaml manifests/kube-scheduler.yaml pki/ca.key pki/apiserver.key pki/sa.key pki/etcd/ca.key; do
    [ "$(stat -c %a /etc/kubernetes/$f)" = 600 ] || { echo "mode of $f: $(stat -c %a /etc/kubernetes/$f)"; exit 1; }; done
  for f in ca apiserver apiserver-kubelet-client front-proxy-ca front-proxy-client apiserver-etcd-client etcd/ca etcd/server etcd/peer etcd/healthcheck-client; do
    [ -s /etc/kubernetes/pki/$f.crt ] || { echo "missing $f.crt"; exit 1; }; done
  [ -s /etc/kubernetes/pki/sa.pub ] && [ -s /var/lib/kubelet/config.yaml ] && grep -q KUBELET_KUBEADM_ARGS /var/lib/kubelet/kubeadm-flags.env'
check "kubelet-finalize: kubelet.conf names the rotating kubelet-client-current.pem" on cp1 \
  'grep -q "client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem" /etc/kubernetes/kubelet.conf && ! grep -q client-certificate-data /etc/kubernetes/kubelet.conf && openssl x509 -noout -in /var/lib/kubelet/pki/kubelet-client-current.pem'
check "apiserver cert SANs as kubeadm's" on cp1 \
  'openssl x509 -noout -ext subjectAltName -in /etc/kubernetes/pki/apiserver.crt | tr -d " " | grep -q "DNS:cp1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:api.selftest.internal,IPAddress:10.96.0.1,IPAddress:'"${ADDR[cp1]}"',IPAddress:'"${ADDR[lb]}"'"'
check "etcd server cert SANs and EKUs" on cp1 \
  'x=$(openssl x509 -noout -ext subjectAltName,extendedKeyUsage -in /etc/kubernetes/pki/etcd/server.crt | tr -d " "); grep -q "DNS:cp1,DNS:localhost,IPAddress:'"${ADDR[cp1]}"',IPAddress:127.0.0.1,IPAddress:0:0:0:0:0:0:0:1" <<<"$x" && grep -q "TLSWebServerAuthentication,TLSWebClientAuthentication" <<<"$x"'
check "[kubelet.static-pods] kubelet runs the REAL etcd from etcd.yaml" on cp1 'pgrep -x etcd >/dev/null && tr "\0" " " < /proc/$(pgrep -x etcd)/cmdline | grep -q -- "--name=cp1"'
check "[kubelet.etcd35] the stacked member is the real etcd 3.5.16 (/version)" on cp1 \
  "curl -s --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key https://${ADDR[cp1]}:2379/version | grep -q '\"etcdserver\":\"3.5.16\"'"
eventually 10 "[placeholder.health] kube-controller-manager and kube-scheduler answer /healthz" bash -c \
  "curl -ksf https://${ADDR[cp1]}:10257/healthz && curl -ksf https://${ADDR[cp1]}:10259/healthz"
check "readyz 200 on ${ADDR[cp1]}:6443 (curl -k)" curl -ksf -o /dev/null "https://${ADDR[cp1]}:6443/readyz"
check "readyz 200 through HAProxy ${ADDR[lb]}:6443" curl -ksf -o /dev/null "https://${ADDR[lb]}:6443/readyz"
check "API anonymous request 401" bash -c "[ \"\$(curl -ks -o /dev/null -w '%{http_code}' https://${ADDR[cp1]}:6443/api/v1/nodes)\" = 401 ]"
eventually 20 "kubectl get nodes lists cp1 as control-plane" on cp1 \
  "kubectl get nodes | grep -E '^cp1 +Ready +control-plane +[0-9]+s +v1.31.4'"
check "control-plane taint applied" on cp1 \
  "kubectl get node cp1 -o jsonpath='{.spec.taints[0].key}' | grep -qx node-role.kubernetes.io/control-plane"
check "etcdctl member list: 1 member" on cp1 \
  "[ \$(ETCDCTL_API=3 etcdctl --endpoints=https://${ADDR[cp1]}:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key member list | wc -l) = 1 ]"
expect_fail "[kubeadm.preflight.ports] second init fails preflight" "ERROR (Port-6443|FileAvailable--etc-kubernetes-manifests)" on cp1 kubeadm init --config /root/kubeadm.yaml

# ---------------------------------------------------------------- control-plane join

log "kubeadm join --control-plane on cp2"
HASH=$(on cp1 "openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl rsa -pubin -outform der 2>/dev/null | openssl dgst -sha256 -hex | sed 's/^.* //'")
join_cfg() { # HOST [controlPlane]
  cat <<EOF
apiVersion: kubeadm.k8s.io/v1beta4
kind: JoinConfiguration
discovery:
  bootstrapToken:
    apiServerEndpoint: ${ADDR[lb]}:6443
    token: ${3:-$TOKEN}
    caCertHashes: [sha256:${4:-$HASH}]
timeouts:
  discovery: 20s
  tlsBootstrap: 60s
nodeRegistration:
  name: $1
  ignorePreflightErrors: [FileContent--proc-sys-net-ipv4-ip_forward]
  kubeletExtraArgs:
  - name: node-ip
    value: ${ADDR[$1]}
EOF
  if [ "${2:-}" = cp ]; then printf 'controlPlane:\n  localAPIEndpoint:\n    advertiseAddress: %s\n    bindPort: 6443\n' "${ADDR[$1]}"; fi
}
join_cfg cp2 cp | on cp2 "cat > /root/join.yaml"
expect_fail "control-plane join without the shared CA files fails like kubeadm" \
  "One or more conditions for hosting a new control plane instance is not satisfied" on cp2 kubeadm join --config /root/join.yaml
for f in ca.crt ca.key sa.key sa.pub front-proxy-ca.crt front-proxy-ca.key etcd/ca.crt etcd/ca.key; do
  on cp1 "cat /etc/kubernetes/pki/$f" | on cp2 "mkdir -p /etc/kubernetes/pki/etcd && cat > /etc/kubernetes/pki/$f && chmod 600 /etc/kubernetes/pki/$f"
done
on cp2 "mkdir -p /var/lib/hakube-standins && echo 480h > /var/lib/hakube-standins/kubeadm-certificate-validity"
if out=$(on cp2 kubeadm join --config /root/join.yaml 2>&1); then ok "[kubeadm.join] control-plane join succeeds"; else bad "control-plane join" "$out"; exit 1; fi
check "lab-only validity setting: cp2's certificates expire in 20 days" on cp2 \
  "! openssl x509 -noout -checkend $((21 * 86400)) -in /etc/kubernetes/pki/apiserver.crt >/dev/null && openssl x509 -noout -checkend $((19 * 86400)) -in /etc/kubernetes/pki/apiserver.crt >/dev/null"
etcd_members() {
  on cp1 "ETCDCTL_API=3 etcdctl --endpoints=https://${ADDR[cp1]}:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt --key=/etc/kubernetes/pki/etcd/healthcheck-client.key member list"
}
two_voters() {
  local out
  out=$(etcd_members) || return 1
  echo "$out"
  [ "$(grep -c ', started, ' <<<"$out")" = 2 ] && grep -q ", cp2, https://${ADDR[cp2]}:2380, https://${ADDR[cp2]}:2379, false" <<<"$out"
}
both_see() {
  [ "$(on cp2 'kubectl get nodes -o name' | tr '\n' ' ')" = "node/cp1 node/cp2 " ] && on cp1 'kubectl get nodes -o name' | grep -q node/cp2
}
one_member() { [ "$(etcd_members | wc -l)" = 1 ]; }
check "etcdctl member list: cp1 and cp2 started voters" two_voters
check "etcd.yaml on cp2 joins an existing cluster" on cp2 "grep -q -- '--initial-cluster-state=existing' /etc/kubernetes/manifests/etcd.yaml && grep -q -- '--initial-cluster=.*cp1=https://${ADDR[cp1]}:2380' /etc/kubernetes/manifests/etcd.yaml"
eventually 20 "readyz 200 on ${ADDR[cp2]}:6443" curl -ksf -o /dev/null "https://${ADDR[cp2]}:6443/readyz"
eventually 20 "both control planes see cp1 and cp2 (nodes stored in etcd)" both_see

# ---------------------------------------------------------------- worker join

log "kubeadm join (worker) on w1"
join_cfg w1 "" "" 0000000000000000000000000000000000000000000000000000000000000000 | on w1 "cat > /root/bad-hash.yaml"
expect_fail "worker join with a wrong CA hash" "none of the public keys \"sha256:$HASH\" are pinned" on w1 kubeadm join --config /root/bad-hash.yaml
join_cfg w1 "" zzzzzz.0123456789abcdef | on w1 "cat > /root/bad-token.yaml"
expect_fail "worker join with an unknown token" 'token id "zzzzzz" is invalid for this cluster' on w1 kubeadm join --config /root/bad-token.yaml
join_cfg w1 | on w1 "cat > /root/join.yaml"
if out=$(on w1 kubeadm join --config /root/join.yaml 2>&1); then ok "worker join succeeds"; else bad "worker join" "$out"; exit 1; fi
check "[kubelet.tls-bootstrap] worker: kubelet.conf via TLS bootstrap, bootstrap-kubelet.conf gone, ca.crt written" on w1 \
  '[ -s /etc/kubernetes/kubelet.conf ] && [ ! -e /etc/kubernetes/bootstrap-kubelet.conf ] && [ -s /etc/kubernetes/pki/ca.crt ] && [ -L /var/lib/kubelet/pki/kubelet-client-current.pem ] && [ "$(stat -c %a /etc/kubernetes/kubelet.conf)" = 600 ]'
eventually 20 "kubectl get nodes -o wide lists w1 with its InternalIP" on cp1 "kubectl get nodes -o wide | grep -E '^w1 +Ready +<none> .* v1.31.4 +${ADDR[w1]} '"
expect_fail "join again fails: kubelet.conf exists" "\[ERROR FileAvailable--etc-kubernetes-kubelet.conf\]" on w1 kubeadm join --config /root/join.yaml

# ---------------------------------------------------------------- kubectl

log "kubectl"
check "[kubectl.nodes] label node" on cp1 "kubectl label node w1 zone=a | grep -qx 'node/w1 labeled' && [ \"\$(kubectl get node w1 -o jsonpath='{.metadata.labels.zone}')\" = a ]"
expect_fail "label without --overwrite" "already has a value \(a\), and --overwrite is false" on cp1 kubectl label node w1 zone=b
check "cordon shows SchedulingDisabled" on cp1 "kubectl cordon w1 >/dev/null && kubectl get nodes | grep -qE '^w1 +Ready,SchedulingDisabled'"
check "kubelet upgraded to 1.31.5 on w1 and restarted" on w1 \
  "apt-get install -y -q --allow-change-held-packages kubelet=1.31.5-1.1 >/dev/null && systemctl restart kubelet"
eventually 6 "the restarted kubelet reports v1.31.5 at once (not a heartbeat later)" on cp1 \
  "kubectl get node w1 -o jsonpath='{.status.nodeInfo.kubeletVersion}' | grep -qx v1.31.5"
check "upgrade node on a worker skips the control-plane phase" on w1 "kubeadm upgrade node | grep -q 'Skipping phase. Not a control plane node.'"
check "[kubectl.drain-duration] drain takes the scaled drain time (scale 0.1: at least 3 s), then uncordon" on cp1 \
  "echo 0.1 > /var/lib/hakube-standins/time-scale; t0=\$(date +%s%N); kubectl drain w1 --ignore-daemonsets --delete-emptydir-data --force | grep -q 'node/w1 drained'; t=\$(( (\$(date +%s%N) - t0) / 1000000 )); echo 0.02 > /var/lib/hakube-standins/time-scale; [ \$t -ge 3000 ] && kubectl uncordon w1 | grep -qx 'node/w1 uncordoned' || { echo took \${t}ms; false; }"
check "get nodes -o json" on cp2 "kubectl get nodes -o json | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert sorted(i[\"metadata\"][\"name\"] for i in d[\"items\"])==[\"cp1\",\"cp2\",\"w1\"]'"
on cp1 "cat > /root/calico.yaml" <<'EOF'
apiVersion: operator.tigera.io/v1
kind: Installation
metadata:
  name: default
spec:
  calicoNetwork:
    ipPools:
    - cidr: 192.168.0.0/16
EOF
check "apply -f records the manifest" on cp1 "kubectl apply -f /root/calico.yaml | grep -qx 'installation.operator.tigera.io/default created' && grep -q 192.168.0.0/16 /var/lib/hakube-standins/applied/0001.yaml && kubectl apply -f /root/calico.yaml | grep -qx 'installation.operator.tigera.io/default configured'"
check "token create --print-join-command" on cp1 "kubeadm token create --ttl 1h --print-join-command | grep -qE '^kubeadm join ${ADDR[lb]}:6443 --token [a-z0-9]{6}\.[a-z0-9]{16} --discovery-token-ca-cert-hash sha256:$HASH'"
check "certs check-expiration" on cp1 "kubeadm certs check-expiration | grep -qE '^apiserver +[A-Z][a-z]{2} [0-9]{2}, [0-9]{4}.* +(364d|365d) +ca +no'"
check "certs renew all changes the apiserver cert" on cp2 \
  "a=\$(openssl x509 -noout -serial -in /etc/kubernetes/pki/apiserver.crt); kubeadm certs renew all | grep -q 'Done renewing certificates' && [ \"\$(openssl x509 -noout -serial -in /etc/kubernetes/pki/apiserver.crt)\" != \"\$a\" ] && openssl x509 -noout -checkend $((300 * 86400)) -in /etc/kubernetes/pki/apiserver.crt >/dev/null"
expect_fail "[kubeadm.upgrade] upgrade apply past the kubeadm version" 'is higher than the kubeadm version "v1.31.4"' on cp1 kubeadm upgrade apply v1.32.0 -y
expect_fail "upgrade apply to the cluster's own version" 'is equal to or lower than the cluster version "v1.31.4"' on cp1 kubeadm upgrade apply v1.31.4 -y
expect_fail "upgrade apply below the cluster's version" 'Downgrades are not supported yet' on cp1 kubeadm upgrade apply v1.31.3 -y
check "[kubeadm.upgrade-durations] upgrade apply v1.31.5 pre-pulls its 4 new images and waits per rewritten static pod: at least (4 x 15 + 3 x 30) x scale" on cp1 \
  "apt-get install -y -q --allow-change-held-packages kubeadm=1.31.5-1.1 >/dev/null && s=\$(cat /var/lib/hakube-standins/time-scale) && t0=\$(date +%s%N) && kubeadm upgrade apply v1.31.5 -y > /root/upgrade.log 2>&1 && t=\$(( (\$(date +%s%N) - t0) / 1000000 )) && grep -q 'SUCCESS! Your cluster was upgraded to \"v1.31.5\"' /root/upgrade.log && python3 -c \"import sys; t, s = int(sys.argv[1]), float(sys.argv[2]); sys.exit(0 if t >= (4 * 15 + 3 * 30) * s * 1000 else 1)\" \$t \$s || { echo took \${t}ms at scale \$s; tail -5 /root/upgrade.log; false; }"
eventually 30 "cp1 readyz 200 after the upgrade" curl -ksf -o /dev/null "https://${ADDR[cp1]}:6443/readyz"

# ---------------------------------------------------------------- etcd health and the manifest shuffle

log "health follows etcd; moving a manifest out and back restarts the pod"
on cp2 "mv /etc/kubernetes/manifests/etcd.yaml /root/etcd.yaml"
eventually 20 "cp2's etcd stopped: 2-member cluster lost quorum, cp1 readyz 500" bash -c \
  "[ \"\$(curl -ks -o /dev/null -w '%{http_code}' https://${ADDR[cp1]}:6443/readyz)\" = 500 ]"
on cp2 "mv /root/etcd.yaml /etc/kubernetes/manifests/etcd.yaml"
eventually 30 "[kube-apiserver.health] etcd back: cp1 readyz 200 again" curl -ksf -o /dev/null "https://${ADDR[cp1]}:6443/readyz"
on cp2 "mv /etc/kubernetes/manifests/kube-apiserver.yaml /root/kube-apiserver.yaml"
apiserver_gone() { ! curl -ks -o /dev/null "https://${ADDR[cp2]}:6443/livez" && on cp2 "grep -q 'terminated gracefully' /run/hakube-standins/log/pods/kube-apiserver.yaml.log"; }
eventually 20 "kube-apiserver manifest out: the pod terminates gracefully, 6443 refused" apiserver_gone
on cp2 "mv /root/kube-apiserver.yaml /etc/kubernetes/manifests/kube-apiserver.yaml"
eventually 30 "kube-apiserver manifest back: cp2 readyz 200 again" curl -ksf -o /dev/null "https://${ADDR[cp2]}:6443/readyz"
on lb "systemctl stop haproxy && systemctl hakube-boot"
eventually 10 "[systemctl.boot] hakube-boot starts enabled units (power-on)" on lb "systemctl is-active -q haproxy"
check "kubelet stop leaves static pods running (as containers)" on cp1 "systemctl stop kubelet && sleep 1 && pgrep -x etcd >/dev/null && curl -ksf -o /dev/null https://${ADDR[cp1]}:6443/livez && systemctl start kubelet"

# ---------------------------------------------------------------- reset

log "kubeadm reset"
check "[kubeadm.reset] reset -f on the worker" on w1 "kubeadm reset -f >/dev/null 2>&1; [ ! -e /etc/kubernetes/kubelet.conf ] && [ -z \"\$(ls -A /var/lib/kubelet)\" ] && ! systemctl is-active -q kubelet"
check "kubectl delete node w1" on cp1 "kubectl delete node w1 | grep -qx 'node \"w1\" deleted'"
check "reset -f on cp2 removes its etcd member" on cp2 "kubeadm reset -f >/root/reset.log 2>&1 || cat /root/reset.log; grep -q \"Failed to remove etcd member\" /root/reset.log && cat /root/reset.log && exit 1; [ -z \"\$(ls -A /etc/kubernetes/manifests)\" ] && [ -z \"\$(ls -A /var/lib/etcd)\" ] && ! pgrep -x etcd >/dev/null"
eventually 10 "etcdctl member list: only cp1" one_member
eventually 20 "cp1 healthy again with one member" curl -ksf -o /dev/null "https://${ADDR[cp1]}:6443/readyz"


}

part_strict() {
# ---------------------------------------------------------------- the strict lab (lab.sh hosts)

log "strict lab: lab.sh hosts st1..st3 on $NET2.0/24"
export -n HAKUBE_LAB_LENIENT HAKUBE_LAB_TIME_SCALE
export WORK LAB_SH
if ! out=$(HAKUBE_LAB_DIR=$WORK/strict-lab HAKUBE_LAB_LENIENT=0 bash "$LAB_SH" up 3 --prefix st --base "$NET2" 2>&1); then
  bad "lab.sh up (strict)" "$out"
  exit 1
fi
# lon HOST CMD: CMD in a lab.sh host (root, clean environment)
lon() {
  local h=$1
  shift
  HAKUBE_LAB_DIR=$WORK/strict-lab timeout 300 bash "$LAB_SH" exec "$h" /bin/bash --noprofile --norc -c "$*"
}
S1=$NET2.1 S2=$NET2.2 S3=$NET2.3
check "[lab.hidden-commands] a fresh host has none of the packages' commands" lon st1 \
  'for c in etcd etcdctl haproxy conntrack socat ethtool ebtables iptables ip6tables curl gpg kubectl crictl; do if command -v $c; then exit 1; fi; done; command -v ip mount nsenter tc touch >/dev/null'
check "[lab.fresh-etc] /etc/haproxy and /etc/systemd/system start empty" lon st1 '[ -z "$(ls -A /etc/haproxy)" ] && [ -z "$(ls -A /etc/systemd/system)" ]'
check "[lab.time-scale] the default time scale 0.02 is on each host" lon st2 '[ "$(cat /var/lib/hakube-standins/time-scale)" = 0.02 ]'
check "[apt.debian-commands] installing conntrack shows it on that host only" bash -c \
  "$(declare -f lon); lon st1 'apt-get install -y conntrack >/dev/null 2>&1 && [ \"\$(command -v conntrack)\" = /usr/sbin/conntrack ] && conntrack --version >/dev/null' && ! lon st2 'command -v conntrack'"
check "[apt.lock] a second apt-get waits for the frontend lock, then fails like apt" lon st1 \
  'rm -f /root/lock-held /root/lock-done; (flock /var/lib/hakube-standins/lock-frontend sh -c "touch /root/lock-held; for i in \$(seq 1 300); do [ -e /root/lock-done ] && exit 0; sleep 0.1; done" &); for i in $(seq 1 300); do [ -e /root/lock-held ] && break; sleep 0.1; done; apt-get install -y socat 2>&1 | grep -q "E: Could not get lock /var/lib/dpkg/lock-frontend"; r=$?; touch /root/lock-done; sleep 0.5; exit $r'
check "[apt.etcd-postinst] etcd-server starts Debian's default member (enabled, /var/lib/etcd/default, named after the host)" lon st2 \
  "apt-get install -y etcd-server etcd-client >/dev/null 2>&1; for i in \$(seq 1 40); do etcdctl --endpoints=http://$S2:2379 member list 2>/dev/null | grep -q ', st2, http://$S2:2380' && break; sleep 0.25; done; systemctl is-active -q etcd && [ \"\$(systemctl is-enabled etcd)\" = enabled ] && [ -d /var/lib/etcd/default/member ] && [ \"\$(stat -c %a /var/lib/etcd)\" = 700 ] && etcdctl --endpoints=http://$S2:2379 endpoint status -w json | grep -q '\"version\":\"3.4.23\"'"
check "[apt.haproxy-postinst] haproxy starts with Debian's default configuration (enabled)" lon st3 \
  'apt-get install -y haproxy >/dev/null 2>&1; for i in $(seq 1 40); do systemctl is-active -q haproxy && break; sleep 0.25; done; systemctl is-active -q haproxy && [ "$(systemctl is-enabled haproxy)" = enabled ] && grep -q "chroot /var/lib/haproxy" /etc/haproxy/haproxy.cfg && ! grep -q frontend /etc/haproxy/haproxy.cfg'
check "[apt.debian-commands] removing conntrack hides it again" lon st1 'apt-get remove -y conntrack >/dev/null 2>&1 && ! command -v conntrack'
HAKUBE_LAB_DIR=$WORK/strict-lab bash "$LAB_SH" poweroff st2 >/dev/null 2>&1
HAKUBE_LAB_DIR=$WORK/strict-lab bash "$LAB_SH" poweron st2 >/dev/null 2>&1
eventually 20 "[lab.hidden-power-cycle] after power off and on: installed etcd still there and started at boot, others still hidden" bash -c \
  "$(declare -f lon); lon st2 'command -v etcd etcdctl >/dev/null && systemctl is-active -q etcd && ! command -v haproxy' && ! lon st1 'command -v etcd'"
check "[lab.ipv6-forwarding] IPv6 forwarding is 0 at boot and per host; sysctl net.ipv6.conf.all.forwarding=1 sets default" bash -c \
  "$(declare -f lon); lon st3 '[ \$(cat /proc/sys/net/ipv6/conf/default/forwarding) = 0 ] && sysctl -q -w net.ipv6.conf.all.forwarding=1 && [ \$(cat /proc/sys/net/ipv6/conf/default/forwarding) = 1 ]' && lon st1 '[ \$(cat /proc/sys/net/ipv6/conf/default/forwarding) = 0 ]' && lon st3 'sysctl -q -w net.ipv6.conf.all.forwarding=0'"
check "[modprobe.modules] modprobe loads into the host's own /sys/module" lon st1 'modprobe br_netfilter && [ -d /sys/module/br_netfilter ]'
check "[sysctl.keys] sysctl -w net.ipv4.ip_forward=1 sets the host's own ip_forward" lon st1 'sysctl -w net.ipv4.ip_forward=1 | grep -qx "net.ipv4.ip_forward = 1" && [ $(cat /proc/sys/net/ipv4/ip_forward) = 1 ] && sysctl -q -w net.ipv4.ip_forward=0'
check "[swapoff.noop] swapoff -a exits 0" lon st1 'swapoff -a'

log "strict lab: packages of pkgs.k8s.io"
lon st1 "echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.31/deb/ /' > /etc/apt/sources.list.d/kubernetes.list && apt-get update -q >/dev/null"
lon st3 "echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/v1.32/deb/ /' > /etc/apt/sources.list.d/kubernetes.list && apt-get update -q >/dev/null"
check "[apt.k8s-depends] kubeadm 1.31 brings cri-tools (crictl); kubelet brings kubernetes-cni and recommends iptables" lon st1 \
  'apt-get install -y containerd kubelet=1.31.4-1.1 kubeadm=1.31.4-1.1 >/dev/null 2>&1 && [ "$(command -v crictl)" = /usr/local/sbin/crictl ] && command -v iptables >/dev/null && dpkg-query -W kubernetes-cni cri-tools iptables >/dev/null'
check "[apt.kubeadm-dropin] kubelet alone runs without 10-kubeadm.conf; /etc/default/kubelet comes with kubelet" lon st3 \
  'apt-get install -y --no-install-recommends containerd kubelet=1.32.2-1.1 >/dev/null 2>&1 && ! systemctl cat kubelet | grep -q 10-kubeadm.conf && grep -qx "KUBELET_EXTRA_ARGS=" /etc/default/kubelet'
check "[apt.k8s-depends] kubeadm 1.32 brings nothing; --no-install-recommends leaves iptables out" lon st3 \
  'apt-get install -y --no-install-recommends kubeadm=1.32.2-1.1 >/dev/null 2>&1 && ! command -v crictl && ! command -v iptables && ! dpkg-query -W cri-tools 2>/dev/null'
check "[apt.kubeadm-dropin] 10-kubeadm.conf comes with kubeadm (seen after daemon-reload)" lon st3 'systemctl daemon-reload && systemctl cat kubelet | grep -q 10-kubeadm.conf'

log "strict lab: kubeadm preflight"
lon st1 "cat > /root/stacked.yaml" <<EOF
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
localAPIEndpoint: {advertiseAddress: $S1}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.4
EOF
lon st1 "mkdir -p /var/lib/etcd && touch /var/lib/etcd/leftover"
out=$(lon st1 kubeadm init phase preflight --config /root/stacked.yaml 2>&1)
grep -q "\[ERROR FileExisting-conntrack\]: conntrack not found in system path" <<<"$out" &&
  ok "[kubeadm.preflight.conntrack] kubeadm 1.31 without conntrack: ERROR FileExisting-conntrack" || bad "[kubeadm.preflight.conntrack] kubeadm 1.31" "$out"
grep -q "\[ERROR DirAvailable--var-lib-etcd\]: /var/lib/etcd is not empty" <<<"$out" &&
  ok "[kubeadm.preflight.dir-available] a non-empty /var/lib/etcd: ERROR DirAvailable--var-lib-etcd" || bad "[kubeadm.preflight.dir-available]" "$out"
grep -q "\[WARNING FileExisting-socat\]: socat not found in system path" <<<"$out" && grep -q "\[WARNING FileExisting-ebtables\]" <<<"$out" &&
  grep -q "\[WARNING FileExisting-ethtool\]" <<<"$out" && ! grep -q "FileExisting-iptables" <<<"$out" &&
  ok "[kubeadm.preflight.exec] socat, ebtables, ethtool missing: warnings; iptables present: no message" || bad "[kubeadm.preflight.exec] warnings" "$out"
grep -q "\[WARNING Service-Kubelet\]: kubelet service is not enabled, please run 'systemctl enable kubelet.service'" <<<"$out" &&
  ok "[kubeadm.preflight.kubelet] kubelet not enabled: WARNING Service-Kubelet" || bad "[kubeadm.preflight.kubelet]" "$out"
lon st1 "rm -f /var/lib/etcd/leftover"
check "[kubeadm.preflight.sandbox-image] checks passed, the image pull warns: Debian's containerd sandbox pause:3.6 is not kubeadm 1.31's pause:3.10" lon st1 \
  'kubeadm init phase preflight --config /root/stacked.yaml --ignore-preflight-errors=all 2>&1 | grep -q "detected that the sandbox image \"registry.k8s.io/pause:3.6\" of the container runtime is inconsistent with that used by kubeadm. It is recommended to use \"registry.k8s.io/pause:3.10\" as the CRI sandbox image."'
check "[kubeadm.preflight.crictl] kubeadm 1.31 without crictl: a warning, not an error" lon st1 \
  'mv /usr/local/sbin/crictl /root/crictl; o=$(kubeadm init phase preflight --config /root/stacked.yaml 2>&1); mv /root/crictl /usr/local/sbin/crictl; grep -q "\[WARNING FileExisting-crictl\]: crictl not found in system path" <<<"$o" && ! grep -q "ERROR FileExisting-crictl" <<<"$o"'
lon st3 "cat > /root/v132.yaml" <<EOF
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.32.2
networking: {podSubnet: "fd00:10::/56", serviceSubnet: "fd00:20::/112"}
EOF
out=$(lon st3 kubeadm init phase preflight --config /root/v132.yaml 2>&1)
! grep -q "FileExisting-conntrack" <<<"$out" && ! grep -q "FileExisting-crictl" <<<"$out" &&
  ok "[kubeadm.preflight.crictl] kubeadm 1.32 deploying 1.32: neither conntrack nor crictl is checked" || bad "[kubeadm.preflight.crictl] 1.32" "$out"
grep -q "\[ERROR FileExisting-iptables\]: iptables not found in system path" <<<"$out" &&
  ok "[kubeadm.preflight.exec] no iptables: ERROR FileExisting-iptables" || bad "[kubeadm.preflight.exec] iptables" "$out"
grep -q "\[ERROR FileContent--proc-sys-net-ipv6-conf-default-forwarding\]: /proc/sys/net/ipv6/conf/default/forwarding contents are not set to 1" <<<"$out" &&
  ok "[kubeadm.preflight.ip-forward] IPv6 subnets need IPv6 forwarding" || bad "[kubeadm.preflight.ip-forward] IPv6" "$out"
check "[kubeadm.preflight.conntrack] kubeadm 1.32 deploying Kubernetes 1.31: ERROR FileExisting-conntrack (init only)" lon st3 \
  'sed "s/v1.32.2/v1.31.4/" /root/v132.yaml > /root/v131.yaml; kubeadm init phase preflight --config /root/v131.yaml 2>&1 | grep -q "\[ERROR FileExisting-conntrack\]"'

log "strict lab: standalone kubelet, kubeadm init phase etcd local, crictl (st3: kubeadm 1.32)"
check "[crictl.images] cri-tools installed by name on 1.32" lon st3 'apt-get install -y cri-tools >/dev/null 2>&1 && crictl --version | grep -q "crictl version v1.32.0"'
lon st3 "mkdir -p /etc/kubernetes/pki/etcd && cd /etc/kubernetes/pki/etcd && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj /CN=etcd-ca -days 30 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,digitalSignature,keyCertSign 2>/dev/null &&
  for leaf in server peer healthcheck-client apiserver-etcd-client; do openssl req -newkey rsa:2048 -nodes -keyout \$leaf.key -out \$leaf.csr -subj /CN=\$leaf 2>/dev/null &&
    printf 'subjectAltName=DNS:st3,DNS:localhost,IP:$S3,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n' > \$leaf.ext &&
    openssl x509 -req -in \$leaf.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile \$leaf.ext -out \$leaf.crt 2>/dev/null; done"
lon st3 "mkdir -p /etc/systemd/system/kubelet.service.d && cat > /etc/systemd/system/kubelet.service.d/kubelet.conf" <<'EOF'
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication: {anonymous: {enabled: false}, webhook: {enabled: false}}
authorization: {mode: AlwaysAllow}
cgroupDriver: systemd
address: 127.0.0.1
containerRuntimeEndpoint: unix:///var/run/containerd/containerd.sock
staticPodPath: /etc/kubernetes/manifests
EOF
lon st3 "printf '[Service]\nExecStart=\nExecStart=/usr/bin/kubelet --config=/etc/systemd/system/kubelet.service.d/kubelet.conf\nRestart=always\n' > /etc/systemd/system/kubelet.service.d/20-etcd-service-manager.conf && systemctl daemon-reload && systemctl enable --now kubelet >/dev/null 2>&1"
lon st3 "cat > /root/etcd.yaml" <<EOF
apiVersion: kubeadm.k8s.io/v1beta4
kind: InitConfiguration
nodeRegistration: {name: st3}
localAPIEndpoint: {advertiseAddress: $S3}
---
apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
etcd:
  local:
    serverCertSANs: [$S3]
    peerCertSANs: [$S3]
    extraArgs:
    - {name: initial-cluster, value: "st3=https://$S3:2380"}
    - {name: initial-cluster-state, value: new}
    - {name: name, value: st3}
    - {name: listen-peer-urls, value: "https://$S3:2380"}
    - {name: listen-client-urls, value: "https://$S3:2379"}
    - {name: advertise-client-urls, value: "https://$S3:2379"}
    - {name: initial-advertise-peer-urls, value: "https://$S3:2380"}
EOF
check "[kubeadm.phase-etcd-local] init phase etcd local writes etcd.yaml with kubeadm's pinned image and the extraArgs" lon st3 \
  "kubeadm init phase etcd local --config /root/etcd.yaml | grep -q 'Creating static Pod manifest for local etcd' && grep -q 'image: registry.k8s.io/etcd:3.5.16-0' /etc/kubernetes/manifests/etcd.yaml && grep -q -- '--initial-cluster-state=new' /etc/kubernetes/manifests/etcd.yaml && grep -q -- '--cert-file=/etc/kubernetes/pki/etcd/server.crt' /etc/kubernetes/manifests/etcd.yaml && [ \"\$(stat -c %a /var/lib/etcd)\" = 700 ]"
eventually 20 "[crictl.ps] crictl ps lists the etcd container with crictl's columns" lon st3 \
  "crictl ps 2>/dev/null | head -1 | grep -qE '^CONTAINER +IMAGE +CREATED +STATE +NAME +ATTEMPT +POD ID +POD +NAMESPACE$' && crictl ps --name etcd 2>/dev/null | grep -qE '^[0-9a-f]{13} +[0-9a-f]{13} +.* Running +etcd +0 +[0-9a-f]{13} +etcd-st3 +kube-system$'"
check "[kubelet.image-pull] the kubelet pulled the sandbox image and the etcd image first" lon st3 "crictl images 2>/dev/null | grep -qE '^registry.k8s.io/etcd +3.5.16-0 ' && crictl images 2>/dev/null | grep -qE '^registry.k8s.io/pause +3.6 '"
check "[kubelet.standalone] standalone kubelet: static pods, no API server" lon st3 "grep -q 'No API server defined - no node status update will be sent' /run/hakube-standins/log/kubelet.service.log && [ ! -e /etc/kubernetes/kubelet.conf ]"
eventually 20 "[crictl.exec] etcdctl in the etcd container lists the member (https://127.0.0.1:2379 is the host)" lon st3 \
  "crictl exec \$(crictl ps -q --name etcd 2>/dev/null) etcdctl --endpoints=https://127.0.0.1:2379 --cacert /etc/kubernetes/pki/etcd/ca.crt --cert /etc/kubernetes/pki/etcd/healthcheck-client.crt --key /etc/kubernetes/pki/etcd/healthcheck-client.key member list 2>/dev/null | grep -q ', started, st3, https://$S3:2380, https://$S3:2379, false'"
expect_fail "[crictl.exec] the etcd image has no ls" 'exec: \\"ls\\": executable file not found in \$PATH' lon st3 'crictl exec $(crictl ps -q --name etcd 2>/dev/null) ls /'
check "[crictl.exec] sh -c runs the image's etcdctl; the exit code is the command's" lon st3 \
  'id=$(crictl ps -q --name etcd 2>/dev/null); crictl exec $id sh -c "etcdctl version" 2>/dev/null | grep -q "etcdctl version: 3.5.16" && { crictl exec $id sh -c "exit 3" 2>/dev/null; [ $? = 3 ]; }'
check "[crictl.images] info names containerd's sandbox image (Debian's pause:3.6 by default)" lon st3 'crictl info 2>/dev/null | grep -q "\"sandboxImage\": \"registry.k8s.io/pause:3.6\""'
check "[crictl.images] crictl pull takes the scaled pull time (scale 0.1: at least 1.5 s)" lon st3 \
  'echo 0.1 > /var/lib/hakube-standins/time-scale; t0=$(date +%s%N); crictl pull registry.k8s.io/pause:3.10 2>/dev/null | grep -q "Image is up to date for sha256:"; t=$(( ($(date +%s%N) - t0) / 1000000 )); echo 0.02 > /var/lib/hakube-standins/time-scale; [ $t -ge 1500 ]'
check "[kubeadm.config-images] config images list: kubeadm 1.31's images, etcd for local etcd" lon st1 \
  '[ "$(kubeadm config images list --kubernetes-version v1.31.4 | tr "\n" " ")" = "registry.k8s.io/kube-apiserver:v1.31.4 registry.k8s.io/kube-controller-manager:v1.31.4 registry.k8s.io/kube-scheduler:v1.31.4 registry.k8s.io/kube-proxy:v1.31.4 registry.k8s.io/coredns/coredns:v1.11.3 registry.k8s.io/pause:3.10 registry.k8s.io/etcd:3.5.15-0 " ]'
check "[kubeadm.config-images] config images pull, then crictl images lists them" lon st1 \
  'systemctl start containerd; kubeadm config images pull --kubernetes-version v1.31.4 > /root/pull.log && grep -q "\[config/images\] Pulled registry.k8s.io/kube-scheduler:v1.31.4" /root/pull.log && crictl images 2>/dev/null | grep -qE "^registry.k8s.io/coredns/coredns +v1.11.3 "'

log "strict lab: ExternalEtcdVersion"
for f in ca.crt apiserver-etcd-client.crt apiserver-etcd-client.key; do
  lon st3 "cat /etc/kubernetes/pki/etcd/$f" | lon st1 "mkdir -p /etc/etcd-client && cat > /etc/etcd-client/$f"
done
external_cfg() { # ENDPOINT [CAFILE]
  printf 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.31.4\netcd:\n  external:\n    endpoints: ["%s"]\n    caFile: %s\n    certFile: /etc/etcd-client/apiserver-etcd-client.crt\n    keyFile: /etc/etcd-client/apiserver-etcd-client.key\n' "$1" "${2:-/etc/etcd-client/ca.crt}"
}
external_cfg "http://$S2:2379" | lon st1 "cat > /root/ext34.yaml"
external_cfg "https://$S3:2379" | lon st1 "cat > /root/ext35.yaml"
external_cfg "https://$S3:2379" /etc/etcd-client/missing-ca.crt | lon st1 "cat > /root/extmissing.yaml"
expect_fail "[kubeadm.preflight.external-etcd-version] kubeadm init against Debian 12's etcd 3.4 member: kubeadm's refusal" \
  "\[ERROR ExternalEtcdVersion\]: this version of kubeadm only supports external etcd version >= 3.5.15-0. Current version: 3.4.23" \
  lon st1 kubeadm init --config /root/ext34.yaml
check "[kubeadm.preflight.external-etcd-version] a 3.5.16 member (TLS, the configured client pair) passes" lon st1 \
  '! kubeadm init phase preflight --config /root/ext35.yaml 2>&1 | grep -q ExternalEtcdVersion'
expect_fail "[kubeadm.preflight.external-etcd-certs] a missing caFile: ERROR ExternalEtcdClientCertificates" \
  "\[ERROR ExternalEtcdClientCertificates\]: /etc/etcd-client/missing-ca.crt doesn't exist" lon st1 kubeadm init phase preflight --config /root/extmissing.yaml
check "[crictl.runtime] containerd stopped: crictl fails to validate the service connection" lon st3 \
  'systemctl stop containerd; o=$(crictl ps 2>&1); r=$?; systemctl start containerd; [ $r = 1 ] && grep -q "validate service connection: validate CRI v1 runtime API for endpoint" <<<"$o"'

}

part_airgap() {
log "air-gapped lab: lab.sh air-gap ag1 on $NET4.0/24, the lab registry and apt mirror"
# The mirrors carry this run's mark, so the teardown stops them with everything else.
local A=$NET4.1 REG=$NET4.200:5000 APT=http://$NET4.201:8080 d=$WORK/airgap
mkdir -p "$d/gnupg" "$d/other" && chmod 700 "$d/gnupg" "$d/other"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/ca.key" -out "$d/ca.crt" -subj "/CN=lab registry CA" -days 1 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/reg.key" -out "$d/reg.csr" -subj "/CN=lab registry" 2>/dev/null
printf 'subjectAltName=IP:%s\n' "$NET4.200" >"$d/ext"
openssl x509 -req -in "$d/reg.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial -out "$d/reg.crt" -days 1 -extfile "$d/ext" 2>/dev/null
for g in gnupg other; do gpg --homedir "$d/$g" --batch --quiet --passphrase '' --quick-gen-key "lab $g <lab@hakube.invalid>" ed25519 sign 1d 2>/dev/null; done
gpg --homedir "$d/gnupg" --batch --armor --export >"$d/mirror.asc"
gpg --homedir "$d/other" --batch --armor --export >"$d/other.asc"
HAKUBE_LAB_MARK=$WORK python3 "$HERE/registry.py" --listen "$REG" --log "$d/registry.log" --cert "$d/reg.crt" --key "$d/reg.key" --serve-as k8s=registry.k8s.io --max-seconds 1800 >"$d/registry.out" 2>&1 &
HAKUBE_LAB_MARK=$WORK python3 "$HERE/aptmirror.py" --listen "$NET4.201:8080" --log "$d/apt.log" --gnupghome "$d/gnupg" --max-seconds 1800 >"$d/apt.out" 2>&1 &
if ! out=$(HAKUBE_LAB_DIR=$WORK/airgap-lab bash "$LAB_SH" up 1 --prefix ag --base "$NET4" 2>&1) ||
  ! out=$(HAKUBE_LAB_DIR=$WORK/airgap-lab bash "$LAB_SH" air-gap ag1 containerd curl gpg iptables 2>&1); then
  bad "lab.sh up / air-gap (air-gapped lab)" "$out"
  return 0
fi
aon() {
  local h=$1
  shift
  HAKUBE_LAB_DIR=$WORK/airgap-lab timeout 300 bash "$LAB_SH" exec "$h" /bin/bash --noprofile --norc -c "$*"
}
local i
for i in $(seq 1 240); do grep -q serving "$d/registry.out" && grep -q serving "$d/apt.out" && break; sleep 0.25; done
cp "$d/mirror.asc" "$d/other.asc" "$d/ca.crt" "$WORK/airgap-lab/hosts/ag1/fs/root/"
check "[lab.air-gap] the golden image: its packages installed, no Debian source, no pre-seeded key, the air-gapped mark" aon ag1 \
  '[ -e /var/lib/hakube-standins/air-gapped ] && command -v containerd gpg >/dev/null && [ ! -s /etc/apt/sources.list ] && ! ls /etc/apt/sources.list.d/*.sources /etc/apt/keyrings/kubernetes-apt-keyring.gpg 2>/dev/null'
check "[apt.unreachable] a deb.debian.org source: apt's warnings, exit 0, the refused attempt logged" aon ag1 \
  "echo 'deb http://deb.debian.org/debian bookworm main' > /etc/apt/sources.list; o=\$(apt-get update 2>&1); r=\$?; : > /etc/apt/sources.list; [ \$r = 0 ] && grep -qF \"W: Failed to fetch http://deb.debian.org/debian/dists/bookworm/InRelease  Temporary failure resolving 'deb.debian.org'\" <<<\"\$o\" && grep -q 'W: Some index files failed to download' <<<\"\$o\" && grep -qP '\\tapt\\tGET\\thttp://deb.debian.org/debian/dists/bookworm/InRelease\\tresolve:deb.debian.org\$' /var/log/hakube-standins/network.log"
expect_fail "[apt.mirror-signature] InRelease signed by a key the signed-by keyring lacks: NO_PUBKEY, not signed, exit 100" \
  "NO_PUBKEY [0-9A-F]{16}.*|is not signed" aon ag1 \
  "echo 'deb [signed-by=/root/other.asc] $APT/core:/stable:/v1.31/deb/ /' > /etc/apt/sources.list.d/kubernetes.list; apt-get update"
check "[apt.mirror] update verifies InRelease with gpgv and reads the mirror's index; install fetches the package" aon ag1 \
  "echo 'deb [signed-by=/root/mirror.asc] $APT/core:/stable:/v1.31/deb/ /' > /etc/apt/sources.list.d/kubernetes.list && apt-get update >/dev/null && apt-cache madison kubeadm | grep -q '1.31.4-1.1 | $APT/core:/stable:/v1.31/deb' && apt-get install -y kubeadm=1.31.4-1.1 kubectl=1.31.4-1.1 >/dev/null && [ \"\$(kubeadm version -o short)\" = v1.31.4 ] && ! apt-cache madison kubeadm | grep -q 1.32"
check "[aptmirror.repository] the mirror logged InRelease, Packages.gz and the .deb, asked by the host's address" \
  grep -qP "^\\S+\\t$A\\tGET\\t/core:/stable:/v1.31/deb/pool/k/kubeadm/kubeadm_1.31.4-1.1_amd64.deb\\t200\$" "$d/apt.log"
check "[aptmirror.repository] InRelease is clear-signed by the test's key (real gpgv)" bash -c \
  "curl -fsS '$APT/core:/stable:/v1.31/deb/InRelease' > '$d/InRelease' && gpg --homedir '$d/gnupg' --batch --verify '$d/InRelease' 2>/dev/null"
check "[containerd.registry-hosts] config_path and hosts.toml: crictl pull goes to the mirror with ?ns=, its CA trusted" aon ag1 \
  "mkdir -p /etc/containerd/certs.d/registry.k8s.io && cp /root/ca.crt /etc/containerd/certs.d/registry.k8s.io/ca.crt && printf 'server = \"https://registry.k8s.io\"\\n[host.\"https://$REG\"]\\n  capabilities = [\"pull\", \"resolve\"]\\n  ca = \"/etc/containerd/certs.d/registry.k8s.io/ca.crt\"\\n' > /etc/containerd/certs.d/registry.k8s.io/hosts.toml && containerd config default | sed 's#config_path = \"\"#config_path = \"/etc/containerd/certs.d\"#' > /etc/containerd/config.toml && systemctl restart containerd && for i in \$(seq 50); do [ -S /run/containerd/containerd.sock ] && break; sleep 0.2; done && o=\$(crictl pull registry.k8s.io/pause:3.10 2>&1); echo \"\$o\"; grep -q 'Image is up to date for sha256:' <<<\"\$o\""
check "[registry.distribution] the registry logged the tag's HEAD with ?ns=, then the index, manifest and blobs by digest" bash -c \
  "grep -qP '\\t$A\\tHEAD\\t/v2/pause/manifests/3.10\\?ns=registry.k8s.io\\t200\$' '$d/registry.log' && [ \$(grep -cP '\\t$A\\tGET\\t/v2/pause/(manifests|blobs)/sha256:[0-9a-f]{64}\\?ns=registry.k8s.io\\t200\$' '$d/registry.log') = 4 ]"
expect_fail "[crictl.pull-unknown] an image the mirror lacks: the mirror's 404, then the upstream, whose error containerd reports" \
  "failed to resolve reference .*registry.k8s.io/nosuch:1.*: failed to do request: Head .*https://registry.k8s.io/v2/nosuch/manifests/1.*: dial tcp: lookup registry.k8s.io: no such host" aon ag1 "crictl pull registry.k8s.io/nosuch:1"
expect_fail "[crictl.pull-unknown] an image its own registry lacks (hosts.toml: the server with its CA): not found" \
  "failed to resolve reference .*$REG/k8s/nosuch:1.*: $REG/k8s/nosuch:1: not found" aon ag1 \
  "mkdir -p /etc/containerd/certs.d/$REG && cp /root/ca.crt /etc/containerd/certs.d/$REG/ca.crt && printf 'server = \"https://$REG\"\\nca = \"/etc/containerd/certs.d/$REG/ca.crt\"\\n' > /etc/containerd/certs.d/$REG/hosts.toml && crictl pull $REG/k8s/nosuch:1"
check "[registry.distribution] unknown names answer 404 (NAME_UNKNOWN)" grep -qP "\\t$A\\tHEAD\\t/v2/nosuch/manifests/1\\?ns=registry.k8s.io\\t404\$" "$d/registry.log"
check "[registry.distribution] its own registry's request carries no ?ns= (not a mirror: resolver.go isProxy)" grep -qP "\\t$A\\tHEAD\\t/v2/k8s/nosuch/manifests/1\\t404\$" "$d/registry.log"
expect_fail "[offline.resolve] a registry without a mirror: Go's lookup error, before any socket" "dial tcp: lookup quay.io: no such host" aon ag1 \
  "crictl pull quay.io/tigera/operator:v1.38.6"
check "[offline.resolve] the refused pull is logged on the host" aon ag1 \
  "grep -qP '\\tcontainerd\\tHEAD\\thttps://quay.io/v2/tigera/operator/manifests/v1.38.6\\tresolve:quay.io\$' /var/log/hakube-standins/network.log"
check "[kubeadm.image-repository] --image-repository: every image under it, CoreDNS without coredns/ (GetDNSImage)" aon ag1 \
  "[ \"\$(kubeadm config images list --kubernetes-version v1.31.4 --image-repository $REG/k8s | tr '\\n' ' ')\" = '$REG/k8s/kube-apiserver:v1.31.4 $REG/k8s/kube-controller-manager:v1.31.4 $REG/k8s/kube-scheduler:v1.31.4 $REG/k8s/kube-proxy:v1.31.4 $REG/k8s/coredns:v1.11.3 $REG/k8s/pause:3.10 $REG/k8s/etcd:3.5.15-0 ' ]"
expect_fail "[offline.curl] curl of pkgs.k8s.io's Release.key: curl's (6), exit 6" "^curl: \\(6\\) Could not resolve host: pkgs.k8s.io" aon ag1 \
  "curl -fsSL -o /dev/null https://pkgs.k8s.io/core:/stable:/v1.31/deb/Release.key"
expect_fail "[offline.curl] through an outside proxy: curl's (5)" "^curl: \\(5\\) Could not resolve proxy: proxy.example.internal" aon ag1 \
  "https_proxy=http://proxy.example.internal:3128 curl -fsS -o /dev/null https://$REG/v2/"
check "[offline.curl] a lab address: the real curl fetches it" aon ag1 "curl -fsS -o /dev/null $APT/core:/stable:/v1.31/deb/Release.key"
expect_fail "[kubectl.apply-url] kubectl apply of a URL outside the lab: Go's lookup error" \
  'error: Get "https://raw.githubusercontent.com/x/y.yaml": dial tcp: lookup raw.githubusercontent.com: no such host' aon ag1 \
  "printf 'apiVersion: v1\\nkind: Config\\nclusters: [{name: c, cluster: {server: \"https://$A:6443\"}}]\\ncontexts: [{name: c, context: {cluster: c, user: u}}]\\ncurrent-context: c\\nusers: [{name: u, user: {token: t}}]\\n' > /root/kc && kubectl --kubeconfig /root/kc apply -f https://raw.githubusercontent.com/x/y.yaml"

}

part_lenient() {
log "lenient lab: HAKUBE_LAB_LENIENT=1"
if out=$(HAKUBE_LAB_DIR=$WORK/lenient-lab HAKUBE_LAB_LENIENT=1 bash "$LAB_SH" up 1 --prefix len --base "$NET3" 2>&1); then
  check "[lab.lenient] a lenient host sees the machine's etcd, etcdctl and haproxy" bash -c \
    "HAKUBE_LAB_DIR=$WORK/lenient-lab bash '$LAB_SH' exec len1 /bin/bash -c 'command -v etcd etcdctl haproxy >/dev/null && [ -e /var/lib/hakube-standins/lab-lenient ] && [ \"\$(cat /var/lib/hakube-standins/time-scale)\" = 0 ]'"
else
  bad "lab.sh up (lenient)" "$out"
fi

}

# The three parts share nothing (own hosts, own addresses, own lab folders): they run side by side,
# each into its own file, printed in order once all are done. A part that stops early (exit) fails.
PART_PIDS=()
# HAKUBE_SELFTEST_PARTS runs some of them (while working on one stand-in); the suite runs all.
PARTS=${HAKUBE_SELFTEST_PARTS:-standalone strict lenient airgap}
for part in $PARTS; do
  (trap - EXIT INT TERM; "part_$part") >"$WORK/part-$part.out" 2>&1 &
  PART_PIDS+=("$!")
done
i=0
for part in $PARTS; do
  wait "${PART_PIDS[$i]}"
  rc=$?
  i=$((i + 1))
  cat "$WORK/part-$part.out"
  PASS=$((PASS + $(grep -c '^  ok   ' "$WORK/part-$part.out")))
  FAIL=$((FAIL + $(grep -c '^  FAIL ' "$WORK/part-$part.out")))
  [ "$rc" = 0 ] || bad "part $part stopped early (exit $rc)"
done
PART_PIDS=()

exit 0
