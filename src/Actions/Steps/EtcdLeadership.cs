using HaKube.Actions.Pki;
using HaKube.Actions.Ssh;

namespace HaKube.Actions.Steps;

/// <summary>
/// Before a planned restart or removal of an etcd member: if it leads, leadership moves to another started
/// voting member first (etcdctl move-leader), so that the cluster never waits out an election
/// timeout without a leader while the member is down. Best effort: if the move fails, the restart
/// still goes ahead (the quorum guard already allowed it) and etcd elects a new leader itself.
/// </summary>
internal static class EtcdLeadership
{
    /// <summary>Shell function <c>move_leader_away</c>; needs <see cref="ShellSnippets.Etcdctl"/>'s <c>ec</c> for the member named <paramref name="member"/>.</summary>
    public static string MoveAwayFunction(string member) => $$"""
        move_leader_away() {
          if ec endpoint status 2>/dev/null | awk -F', ' '{ exit !($5 == "true") }'; then
            t=$(ec member list 2>/dev/null | awk -F', ' -v me={{ShellQuote.Quote(member)}} '$2 == "started" && $3 != me && $6 == "false" { print $1; exit }')
            if [ -n "$t" ]; then ec move-leader "$t" >/dev/null 2>&1 || echo "hakube: etcd move-leader to $t failed; etcd elects a new leader itself" >&2; fi
          fi
          return 0
        }

        """;

    /// <summary>
    /// Shell function <c>hand_over_leadership HEXID</c>: if member HEXID leads (asked of every member's
    /// endpoint), leadership moves to the member <c>ec</c> talks to, through the leader's own endpoint
    /// (etcd only takes move-leader from the leader). Removing the leader without this makes the
    /// cluster elect a new one after the removal, a gap in which reads fail and kube-apiserver
    /// reports etcd unhealthy. Best effort, like <see cref="MoveAwayFunction"/>. Needs
    /// <see cref="ShellSnippets.Etcdctl"/>.
    /// </summary>
    public const string HandOverFunction = $$"""
        hand_over_leadership() {
          lead=$(ec endpoint status --cluster 2>/dev/null | awk -F', ' '$5 == "true" { print $2 " " $1; exit }')
          [ "${lead%% *}" = "$1" ] || return 0
          me=$(ec endpoint status 2>/dev/null | awk -F', ' '{ print $2; exit }')
          [ -n "$me" ] && [ "$me" != "$1" ] || return 0
          ETCDCTL_API=3 etcdctl --endpoints="${lead#* }" --cacert={{PkiPaths.EtcdCaCertificate}} --cert={{PkiPaths.EtcdHealthcheckClientCertificate}} --key={{PkiPaths.EtcdHealthcheckClientKey}} --dial-timeout=2s --command-timeout=5s move-leader "$me" >/dev/null 2>&1 \
            || echo "hakube: etcd move-leader to $me failed; etcd elects a new leader itself" >&2
          return 0
        }

        """;
}
