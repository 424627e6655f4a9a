using HaKube.Actions.Pki;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Values;

namespace HaKube.Actions.Etcd;

/// <summary>
/// Shell functions reaching etcd's JSON gateway with curl and the host's etcd client certificate.
/// A kubeadm host has no etcdctl (it lives in the etcd image), but every etcd since 3.4 serves the
/// gateway on its client URL. Needs the step prelude. See docs/design-notes.md.
/// </summary>
internal static class EtcdGatewayShell
{
    /// <summary><c>eg URL PATH [BODY]</c> (answer in <c>$out</c>, 0 only on 200), <c>healthy</c>, <c>wait_healthy</c> and <c>member_listed</c>.</summary>
    public static string Functions(HostSpec member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return $$"""
            EP={{ShellQuote.Quote(member.EtcdClientUrl())}}
            P={{PkiPaths.EtcdDirectory}}
            if [ -r "$P/healthcheck-client.crt" ]; then C=healthcheck-client; else C=server; fi
            eg() {
              if [ $# -ge 3 ]; then
                out=$(curl -s --cacert "$P/ca.crt" --cert "$P/$C.crt" --key "$P/$C.key" --connect-timeout 2 --max-time 10 \
                  -H 'Content-Type: application/json' --data-binary "$3" -w '\n@@%{http_code} %{errormsg}' "$1$2") || :
              else
                out=$(curl -s --cacert "$P/ca.crt" --cert "$P/$C.crt" --key "$P/$C.key" --connect-timeout 2 --max-time 10 -w '\n@@%{http_code} %{errormsg}' "$1$2") || :
              fi
              t=${out##*@@}; out=${out%@@*}; code=${t%% *}
              [ "$code" = 200 ] && return 0
              case $code in ''|000) out="curl: ${t#* }";; esac
              return 1
            }
            healthy() { eg "$1" /health || return 1; case $out in *'"health":"true"'*|*'"health":true'*) return 0;; esac; return 1; }
            wait_healthy() {
              n=0
              until healthy "$EP"; do
                n=$((n + 1))
                if [ "$n" -ge "$1" ]; then printf '%s\n' "$out" | tail -n 3 >&2; fail "etcd at $EP is not healthy after $1 s"; fi
                sleep 1
              done
            }
            member_listed() { eg "$EP" /v3/cluster/member/list '{}' && case $out in *"$1"*) return 0;; esac; return 1; }

            """;
    }

    /// <summary><c>move_leader_away</c>, so the cluster does not wait out an election while a leader restarts; best effort.</summary>
    public static string MoveLeaderAway(ulong? target) => target is not { } id
        ? "move_leader_away() { return 0; }\n"
        : $$"""
            move_leader_away() {
              eg "$EP" /v3/maintenance/status '{}' || return 0
              l=${out#*\"leader\":\"}; l=${l%%\"*}; m=${out#*\"member_id\":\"}; m=${m%%\"*}
              [ -n "$l" ] && [ "$l" = "$m" ] || return 0
              eg "$EP" /v3/maintenance/transfer-leadership {{ShellQuote.Quote(EtcdGatewayJson.MoveLeader(id))}} \
                || echo "hakube: etcd move-leader to {{id:x}} failed ($(printf '%s' "$out" | head -c 200)); etcd elects a new leader itself" >&2
              return 0
            }

            """;

    /// <summary><c>hand_over_leadership</c>: removing the leader forces an election, a gap in which reads fail. Best effort.</summary>
    public static string HandOver(string? leavingUrl, ulong leaving, ulong? target) => leavingUrl is null || target is not { } id
        ? "hand_over_leadership() { return 0; }\n"
        : $$"""
            hand_over_leadership() {
              eg {{ShellQuote.Quote(leavingUrl)}} /v3/maintenance/status '{}' || return 0
              l=${out#*\"leader\":\"}; l=${l%%\"*}
              [ "$l" = {{EtcdGatewayJson.Id(leaving)}} ] || return 0
              eg {{ShellQuote.Quote(leavingUrl)}} /v3/maintenance/transfer-leadership {{ShellQuote.Quote(EtcdGatewayJson.MoveLeader(id))}} \
                || echo "hakube: etcd move-leader to {{id:x}} failed ($(printf '%s' "$out" | head -c 200)); etcd elects a new leader itself" >&2
              return 0
            }

            """;

    /// <summary>The member's peer URL (https://ADDRESS:2380).</summary>
    public static string PeerUrl(HostSpec member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return UrlHost.Https(member.Address, EtcdPorts.Peer);
    }
}
