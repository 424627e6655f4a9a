using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Model.Planning;

/// <summary>
/// The etcd cluster as the probes saw it: the membership, which members are healthy voters, and
/// whether the members agree. Built only from facts, so the quorum guard is a pure function of them.
/// </summary>
/// <param name="Members">The membership the healthy members agree on; with no healthy member, every member any host reported (enough to restart members, never to change the membership).</param>
/// <param name="Answering">At least one member's host is reachable and its etcd answered a health check.</param>
/// <param name="Disagreement">How the healthy members' lists differ; null when they agree.</param>
/// <param name="HostOfMember">Member ID to its host: by name when it peers at that host's address (or has no peer URL yet), else by
/// peer URL. A member named like a host but peering elsewhere is the host's previous machine and matches nothing.</param>
/// <param name="HealthyMembers">IDs of members whose host is reachable and reports etcd healthy.</param>
/// <param name="Running">Reachable member hosts where etcd runs (its unit is active, it listens, or it answered).</param>
public sealed record EtcdView(
    IReadOnlyList<EtcdMember> Members,
    bool Answering,
    string? Disagreement,
    IReadOnlyDictionary<ulong, string> HostOfMember,
    IReadOnlySet<ulong> HealthyMembers,
    IReadOnlyList<string> Running)
{
    /// <summary>Whether the data holds kube-system/kubeadm-config (kubeadm init got as far as upload-config); null when no healthy member answered that.</summary>
    public bool? KubeadmConfigStored { get; init; }

    /// <summary>Members that vote (learners do not).</summary>
    public int Voting => Members.Count(m => !m.IsLearner);

    /// <summary>Voting members whose host says etcd is healthy.</summary>
    public int HealthyVoting => Members.Count(m => !m.IsLearner && HealthyMembers.Contains(m.Id));

    /// <summary>The member running on <paramref name="host"/>, if the membership has one.</summary>
    public EtcdMember? MemberOf(string host) =>
        Members.FirstOrDefault(m => HostOfMember.TryGetValue(m.Id, out var h) && h == host);

    /// <summary>Members that match no spec host: left over, or from elsewhere.</summary>
    public IEnumerable<EtcdMember> Strangers => Members.Where(m => !HostOfMember.ContainsKey(m.Id));

    /// <summary>The healthy voters agree on the membership and are a majority of it.</summary>
    public bool HasQuorum => Answering && Disagreement is null && HealthyVoting >= QuorumGuard.Majority(Voting);

    /// <summary>Reads the view from the facts of the hosts that should run members.</summary>
    /// <param name="memberHosts">The spec's etcd member hosts (control planes when Stacked).</param>
    /// <param name="reachable">Facts of a reachable host, null otherwise.</param>
    public static EtcdView Observe(IReadOnlyList<HostSpec> memberHosts, Func<string, HostFacts?> reachable)
    {
        var reports = memberHosts
            .Select(h => (Host: h.Name, Facts: reachable(h.Name)))
            .Where(r => r.Facts?.Etcd is { Members.Count: > 0 })
            .Select(r => (r.Host, r.Facts!.Etcd!))
            .ToList();
        var healthyReports = reports.Where(r => r.Item2.Healthy).ToList();
        string? disagreement = null;
        IReadOnlyList<EtcdMember> members;
        if (healthyReports.Count > 0)
        {
            members = healthyReports[0].Item2.Members.OrderBy(m => m.Id).ToList();
            var distinct = healthyReports.Select(r => Signature(r.Item2.Members)).Distinct(StringComparer.Ordinal).Count();
            if (distinct > 1)
            {
                disagreement = string.Join("; ", healthyReports.Select(r => $"{r.Host} lists {Names(r.Item2.Members)}"));
            }
        }
        else
        {
            // Nobody healthy: whatever anyone remembers, so that stopped members can be started again.
            members = reports.SelectMany(r => r.Item2.Members).GroupBy(m => m.Id).Select(g => g.First()).OrderBy(m => m.Id).ToList();
        }

        var hostOf = new Dictionary<ulong, string>();
        foreach (var member in members)
        {
            var host = memberHosts.FirstOrDefault(h => h.Name == member.Name && (member.PeerUrls.Count == 0 || PeersAt(member, h.Address)))
                ?? memberHosts.FirstOrDefault(h => PeersAt(member, h.Address));
            if (host is not null)
            {
                hostOf[member.Id] = host.Name;
            }
        }

        var healthy = members
            .Where(m => hostOf.TryGetValue(m.Id, out var host) && reachable(host)?.Etcd is { Healthy: true })
            .Select(m => m.Id)
            .ToHashSet();
        var running = memberHosts
            .Where(h => reachable(h.Name) is { } f && (f.Etcd is not null || Wording.IsActive(f, "etcd") || f.ListeningPorts.Contains(2379) || f.ListeningPorts.Contains(2380)))
            .Select(h => h.Name)
            .ToList();
        // Any healthy member that finds kubeadm-config is enough: the cluster was initialized.
        var said = healthyReports.Select(r => r.Item2.KubeadmConfigStored).OfType<bool>().ToList();
        return new EtcdView(members, healthyReports.Count > 0, disagreement, hostOf, healthy, running)
        {
            KubeadmConfigStored = said.Count == 0 ? null : said.Contains(true),
        };
    }

    private static string Signature(IEnumerable<EtcdMember> members) =>
        string.Join(",", members.OrderBy(m => m.Id).Select(m => $"{m.Id:x}{(m.IsLearner ? "L" : "")}"));

    private static string Names(IEnumerable<EtcdMember> members) => "{" + Wording.List(members.OrderBy(m => m.Id).Select(Wording.Member)) + "}";

    private static bool PeersAt(EtcdMember member, string address) =>
        member.PeerUrls.Any(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) &&
            string.Equals(uri.Host.Trim('[', ']'), address.Trim('[', ']'), StringComparison.OrdinalIgnoreCase));
}
