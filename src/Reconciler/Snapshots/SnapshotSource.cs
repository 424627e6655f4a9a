using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Reconciler.Planning;

namespace HaKube.Reconciler.Snapshots;

/// <summary>
/// Which member a snapshot is taken from, decided from the facts alone: only while etcd has a
/// quorum the healthy members agree on, and only from a member whose host reports it healthy (its
/// etcdctl and PKI just answered the probe). Null, with the reason, otherwise.
/// </summary>
public static class SnapshotSource
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
            // The probe asks etcd through etcdctl: on a host without it (kubeadm does not install it) etcd cannot answer.
            var running = view.Running;
            return running.Count > 0 && running.All(h => !byHost[h].Programs.Contains("etcdctl"))
                ? (null, $"etcd runs on {string.Join(", ", running)} but etcdctl is not installed there; HaKube reads and snapshots etcd through it")
                : (null, "no etcd member answered a health check");
        }

        if (!view.HasQuorum)
        {
            return (null, view.Disagreement is { } disagreement
                ? $"the etcd members disagree on the membership ({disagreement})"
                : $"etcd has no healthy quorum ({view.HealthyVoting} of {view.Voting} voting members healthy)");
        }

        var host = members.FirstOrDefault(h => view.MemberOf(h.Name) is { } member && view.HealthyMembers.Contains(member.Id));
        return host is null
            ? (null, "no member host of the spec reports a healthy member")
            : (host, $"member {host.Name} is healthy and {view.HealthyVoting} of {view.Voting} voting members are");
    }
}
