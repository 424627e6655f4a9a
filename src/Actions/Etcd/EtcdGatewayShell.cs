using HaKube.Actions.Pki;
using HaKube.Actions.Ssh;
using HaKube.Model.Api;
using HaKube.Model.Values;

namespace HaKube.Actions.Etcd;

/// <summary>
/// Shell functions that reach etcd through its JSON gateway with curl and the host's etcd client
/// certificate (kubeadm's healthcheck-client; HaKube issues one to external members too). A real
/// kubeadm host has no etcdctl (etcd and its tools live in the etcd image), but every etcd since
/// 3.4 serves the gateway on its client URL, so one curl reaches member list, health, membership
/// changes and leadership. Needs the step prelude (fail). Request bodies come from
/// <see cref="EtcdGatewayJson"/> and are quoted in here.
/// </summary>
public static class EtcdGatewayShell
{
    /// <summary>
    /// <c>eg URL PATH [BODY]</c>: GET (no body) or POST to the gateway; the answer in <c>$out</c>,
    /// the HTTP status in <c>$code</c>, 0 only on 200 (curl's own error in <c>$out</c> when it reached
    /// nothing). <c>healthy URL</c>: /health says true. <c>wait_healthy SECONDS</c>: this host's member
    /// (<c>$EP</c>, <paramref name="member"/>'s client URL) healthy, bounded. <c>member_listed TEXT</c>:
    /// this member's list, read through <c>$EP</c>, contains TEXT.
    /// </summary>
    public static string Functions(HostSpec member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return $$"""
            EP={{ShellQuote.Quote(member.EtcdClientUrl())}}
            P={{PkiPaths.EtcdDirectory}}
            if [ -r "$P/healthcheck-client.crt" ]; then C=healthcheck-client; else C=server; fi
            eg() {
              if [ $# -ge 3 ]; then
                out=$(curl -s --cacert "$P/ca.crt" --cert "$P/$C.crt" --key "$P/$C.key" --connect-timeout 2 --max-time 10 -H 'Content-Type: application/json' --data-binary "$3" -w '\n@@%{http_code} %{errormsg}' "$1$2") || :
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

    /// <summary>
    /// <c>move_leader_away</c>: if the member behind <c>$EP</c> leads, leadership moves to
    /// <paramref name="target"/> first (MoveLeader, which only the leader takes), so that the cluster
    /// does not wait out an election while this member restarts. Best effort: a failed move is said
    /// and the restart goes on (the quorum guard allowed it; etcd elects a leader itself). No target
    /// (no other started voter): nothing to do.
    /// </summary>
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

    /// <summary>
    /// <c>hand_over_leadership</c>: before member <paramref name="leaving"/> (reached at
    /// <paramref name="leavingUrl"/>) is removed, leadership moves from it to <paramref name="target"/>
    /// if it leads, through its own endpoint. Removing the leader makes the cluster elect after the
    /// removal, a gap in which reads fail. Best effort, like <see cref="MoveLeaderAway"/>.
    /// </summary>
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
