using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Reconciler.Snapshots;

/// <summary>
/// Which member a snapshot is taken from, from the facts alone: a healthy member, within a quorum the healthy
/// members agree on, with the tool the snapshot runs with. Null, with the reason, otherwise.
/// </summary>
internal static class SnapshotSource
{
    public static (HostSpec? Host, string Reason) Pick(HaClusterSpec spec, IReadOnlyList<HostFacts> facts)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(facts);
        var byHost = facts.Where(f => f.Reachable).ToDictionary(f => f.Host, StringComparer.Ordinal);
        var members = spec.EtcdMembers();
        var view = EtcdView.Observe(members, name => byHost.GetValueOrDefault(name));
        if (!view.Answering)
        {
            // The probe asks etcd's gateway with curl: on a host without it etcd cannot answer.
            var running = view.Running;
            return running.Count > 0 && running.All(h => !byHost[h].Programs.Contains("curl"))
                ? (null, $"etcd runs on {string.Join(", ", running)} but curl is not installed there; HaKube reads etcd through its gateway with curl")
                : (null, "no etcd member answered a health check");
        }

        if (!view.HasQuorum)
        {
            return (null, view.Disagreement is { } disagreement
                ? $"the etcd members disagree on the membership ({disagreement})"
                : $"etcd has no healthy quorum ({view.HealthyVoting} of {view.Voting} voting members healthy)");
        }

        var healthy = members.Where(h => view.MemberOf(h.Name) is { } member && view.HealthyMembers.Contains(member.Id)).ToList();
        var host = healthy.FirstOrDefault(h => byHost[h.Name].Programs.Contains("crictl") || byHost[h.Name].Programs.Contains("etcdctl"));
        return host is null
            ? (null, healthy.Count == 0
                ? "no member host of the spec reports a healthy member"
                : $"the healthy members' hosts ({string.Join(", ", healthy.Select(h => h.Name))}) have neither crictl (for the etcd container's etcdctl) nor etcdctl")
            : (host, $"member {host.Name} is healthy and {view.HealthyVoting} of {view.Voting} voting members are");
    }
}
