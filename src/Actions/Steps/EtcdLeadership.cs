using HaKube.Actions.Ssh;

namespace HaKube.Actions.Steps;

/// <summary>
/// Before a planned restart of an etcd member: if it leads, leadership moves to another started
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
}
