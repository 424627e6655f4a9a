using HaKube.Actions.Probe;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Actions.Steps;

/// <summary>
/// Restarts static pods as kubeadm documents it (no hot reload of certificates): manifests out, pods
/// stopped, manifests back. kube-apiserver stops first and starts last, so it never answers while its
/// local etcd is down; the steps that restart it take it out of HAProxy meanwhile (<see cref="LoadBalancerDrain"/>),
/// since it listens before it is ready.
/// Manifests left staged by an interrupted run are moved back first, and on any failure.
/// </summary>
internal static class StaticPodRestart
{
    /// <summary>On the manifests' file system, so moves are atomic.</summary>
    public const string Staging = KnownPaths.Kubernetes + "/tmp/hakube-static-pods";

    /// <summary>
    /// Shell <c>restore</c>, <c>listening</c>, <c>wait_gone HEXPORT WHAT SECONDS</c>, <c>restart_static_pods</c>,
    /// with traps that restore the manifests on exit. Needs <see cref="ShellSnippets.Prelude"/> and, for
    /// Stacked etcd, <see cref="Etcd.EtcdGatewayShell.Functions"/> and <see cref="EtcdLeadership.MoveAwayFunction"/>.
    /// </summary>
    public static string Functions(HostSpec host, bool etcdMember) => Listening(host) + $$"""
        M={{KnownPaths.Manifests}}
        S={{Staging}}
        mkdir -p "$S"
        restore() { for f in "$S"/*.yaml; do if [ -f "$f" ]; then mv -f "$f" "$M/"; fi; done; return 0; }
        trap restore EXIT
        trap 'restore; exit 1' HUP INT TERM
        restore
        wait_gone() {
          n=0
          while listening "$1"; do
            n=$((n + 1))
            [ "$n" -lt $(($3 * 5)) ] || fail "$2 still listens $3 s after its manifest left $M: the kubelet did not stop the pod"
            sleep 0.2
          done
        }
        # The kubelet reads the manifest folder periodically: a manifest back before it looked again
        # never stops its pod. So each staged pod (but etcd, watched on its port) is waited out in
        # crictl's list of running containers (crictl's --name is a regular expression).
        wait_stopped() {
          command -v crictl >/dev/null 2>&1 || return 0
          n=0
          while [ -n "$(crictl ps --name "^$1\$" --state running -q 2>/dev/null)" ]; do
            n=$((n + 1))
            [ "$n" -lt $(($2 * 5)) ] || fail "$1 still runs $2 s after its manifest left $M: the kubelet did not stop the pod"
            sleep 0.2
          done
        }
        restart_static_pods() {
          if [ -f "$M/kube-apiserver.yaml" ]; then mv -f "$M/kube-apiserver.yaml" "$S/"; fi
          wait_gone 192B kube-apiserver 120
          {{(etcdMember ? "move_leader_away" : ":")}}
          for f in "$M"/*.yaml; do if [ -f "$f" ]; then mv -f "$f" "$S/"; fi; done
          {{(etcdMember ? "wait_gone 094B etcd 120" : ":")}}
          for f in "$S"/*.yaml; do
            c=${f##*/}; c=${c%.yaml}
            case $c in kube-apiserver|etcd) ;; *) if [ -f "$f" ]; then wait_stopped "$c" 120; fi;; esac
          done
          for f in "$S"/*.yaml; do case $f in */kube-apiserver.yaml) ;; *) if [ -f "$f" ]; then mv -f "$f" "$M/"; fi;; esac; done
          {{(etcdMember ? "wait_healthy 180" : ":")}}
          if [ -f "$S/kube-apiserver.yaml" ]; then mv -f "$S/kube-apiserver.yaml" "$M/"; fi
        }

        """;

    /// <summary>From /proc/net/tcp with awk: no ss or netstat needed, and a shell read loop costs a system call per byte.</summary>
    public static string Listening(HostSpec host) => $$"""
        A={{ProbeScript.AddressPattern(host.Address)}}
        listening() {
          awk -v h="$A" -v p=":$1" '$4 == "0A" && (h == "*" ? $2 ~ (p "$") : ($2 == h p || $2 == "00000000" p || $2 == "00000000000000000000000000000000" p)) { f = 1 } END { exit !f }' \
            /proc/net/tcp /proc/net/tcp6 2>/dev/null
        }

        """;

    /// <summary>Unreadable counts as expiring; a kubeconfig without an embedded certificate as not.</summary>
    public static string DueFunction(string scratch) => $$"""
        due() {
          case $1 in
            *.conf)
              d=$(sed -n 's/^ *client-certificate-data: *//p' "$1" | head -n 1)
              [ -n "$d" ] || return 1
              printf '%s' "$d" | base64 -d > {{ShellQuote.Quote(scratch)}} 2>/dev/null || return 0
              c={{ShellQuote.Quote(scratch)}};;
            *) c=$1;;
          esac
          ! openssl x509 -noout -checkend "$WINDOW" -in "$c" >/dev/null 2>&1
        }

        """;
}
