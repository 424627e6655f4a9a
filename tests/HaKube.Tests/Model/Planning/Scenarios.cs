using CsCheck;
using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Inventory;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>A random cluster, what the probes saw, and what HaKube would write.</summary>
internal sealed record Scenario(HaCluster Cluster, IReadOnlyDictionary<string, HostFacts> Facts, DesiredState Desired, string Story)
{
    /// <summary>Hosts that left the spec (their facts are in <see cref="Facts"/>).</summary>
    public IReadOnlyList<HostSpec> Departing { get; init; } = [];

    /// <summary>The roles the inventory remembers for spec hosts whose roles changed.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<HostRole>> SetUpRoles { get; init; } = new Dictionary<string, IReadOnlyList<HostRole>>();

    public override string ToString() => Story;
}

/// <summary>
/// Generators for the planner's properties. A spec is random in shape (topology, 1/3/5 control
/// planes, 1/3/5 etcd hosts, workers, HAProxy or not, version; the planner does not know pause). Facts start fresh or
/// converged and then take a few random blows. "Chaos" blows include ones no plan can repair
/// (hosts down, strangers in the membership, disagreeing members, learners, upgrades);
/// "repairable" blows only ones HaKube is meant to repair on its own.
/// </summary>
internal static class Scenarios
{
    private const int Blows = 15;
    private static readonly int[] Repairable = [1, 2, 4, 5, 6, 10, 11, 13, 14];

    public static readonly Gen<HaCluster> Spec =
        Gen.Select(Gen.Bool, Gen.OneOfConst(1, 3, 5), Gen.Int[0, 3], Gen.Int[0, 2], Gen.OneOfConst(1, 3, 5), Gen.Int[30, 33])
            .Select((external, controlPlanes, workers, loadBalancers, etcd, minor) => Clusters.Spec(
                external ? EtcdTopology.External : EtcdTopology.Stacked, controlPlanes, workers, loadBalancers, etcd, $"v1.{minor}.4"));

    public static Gen<Scenario> Chaos { get; } = Make(repairable: false);

    public static Gen<Scenario> Clean { get; } = Make(repairable: true);

    private static Gen<Scenario> Make(bool repairable) =>
        Gen.Select(Spec, Gen.Bool, Gen.Select(Gen.Int[0, Blows - 1], Gen.Int[0, 99], Gen.Int[0, 99]).Array[0, 6], Gen.Int[0, 7])
            .Select((cluster, converged, blows, change) =>
            {
                var facts = converged ? Clusters.ConvergedFacts(cluster) : Clusters.FreshFacts(cluster);
                IReadOnlyList<HostSpec> departing = [];
                IReadOnlyDictionary<string, IReadOnlyList<HostRole>> setUp = new Dictionary<string, IReadOnlyList<HostRole>>();
                if (change < 2)
                {
                    // Hosts leave the spec of the cluster the facts were made for.
                    (cluster, departing) = Clusters.Shrink(cluster);
                }
                else if (change < 4)
                {
                    // Two hosts of the cluster the facts were made for swap roles, staying in the spec.
                    (cluster, setUp) = Clusters.SwapRoles(cluster, change);
                }

                var desired = Clusters.Desired(cluster);
                var story = new List<string> { $"{cluster.Spec.Etcd.Topology}, {cluster.Spec.ControlPlanes().Count} cp, {cluster.Spec.Hosts.Count} hosts, {(converged ? "converged" : "fresh")}" };
                if (departing.Count > 0)
                {
                    story.Add($"leaving: {string.Join(", ", departing.Select(h => h.Name))}");
                }

                if (setUp.Count > 0)
                {
                    story.Add("roles changed: " + string.Join(", ", setUp.Select(r => $"{r.Key} {string.Join("+", r.Value)} to {string.Join("+", cluster.Spec.Hosts.Single(h => h.Name == r.Key).Roles)}")));
                }

                foreach (var (kind, a, b) in blows)
                {
                    var blow = repairable ? Repairable[kind % Repairable.Length] : kind;
                    story.Add(Hit(cluster, desired, facts, blow, a, b, repairable, departing, setUp));
                }

                return new Scenario(cluster, facts, desired, string.Join("; ", story)) { Departing = departing, SetUpRoles = setUp };
            })
            .Where(s => !repairable || (QuorumCanReturn(s) && ClusterStaysInTheSpec(s)));

    /// <summary>
    /// With every control plane of the spec rebuilt while one that left the spec may still hold the
    /// cluster, the planner rightly refuses kubeadm init (it would start a second cluster): only a
    /// person can say which is right, so such damage is not "repairable".
    /// </summary>
    private static bool ClusterStaysInTheSpec(Scenario s) =>
        !s.Departing.Where(h => h.Roles.Contains(HostRole.ControlPlane)).Select(h => h.Name)
            .Concat(s.SetUpRoles.Where(r => RoleChange.Between(r.Value, s.Cluster.Spec.Hosts.Single(h => h.Name == r.Key).Roles).Retiring.Contains(HostRole.ControlPlane)).Select(r => r.Key))
            .Any(h => s.Facts.GetValueOrDefault(h) is not { Reachable: true, ControlPlaneInitialized: false })
        || s.Cluster.Spec.ControlPlanes().Any(c => s.Facts.GetValueOrDefault(c.Name) is { ControlPlaneInitialized: true });

    /// <summary>
    /// Whether the members that can still vote are a majority: a departing host that is down never
    /// comes back (nor does the member of a host giving up that role once it is down or rebuilt), so with dead departing voters at half the membership or more, quorum is lost for
    /// good and only a person can recover it (no generated blow alone does that, but several do).
    /// </summary>
    private static bool QuorumCanReturn(Scenario s)
    {
        var role = s.Cluster.Spec.Etcd.Topology == EtcdTopology.Stacked ? HostRole.ControlPlane : HostRole.Etcd;
        // A spec host giving up its member is no member host of the spec: nothing restarts its etcd either.
        var retiring = s.SetUpRoles.Where(r => r.Value.Contains(role) && !s.Cluster.Spec.EtcdMembers().Any(h => h.Name == r.Key)).Select(r => r.Key).ToList();
        var hosts = s.Cluster.Spec.EtcdMembers().Concat(s.Departing.Where(h => h.Roles.Contains(role))).Concat(s.Cluster.Spec.Hosts.Where(h => retiring.Contains(h.Name))).ToList();
        var members = hosts
            .SelectMany(h => s.Facts.GetValueOrDefault(h.Name)?.Etcd?.Members ?? [])
            .Where(m => !m.IsLearner)
            .Select(m => m.Name)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var dead = s.Departing.Count(h => members.Contains(h.Name) && s.Facts.GetValueOrDefault(h.Name) is not { Reachable: true })
            + retiring.Count(h => members.Contains(h) && s.Facts.GetValueOrDefault(h) is not { Reachable: true, EtcdDataPresent: true });
        return members.Count - dead >= (members.Count / 2) + 1;
    }

    private static string Hit(HaCluster cluster, DesiredState desired, Dictionary<string, HostFacts> facts, int blow, int a, int b, bool repairable, IReadOnlyList<HostSpec> departing, IReadOnlyDictionary<string, IReadOnlyList<HostRole>> setUp)
    {
        var spec = cluster.Spec;
        var host = spec.Hosts[a % spec.Hosts.Count].Name;
        var members = spec.EtcdMembers().Select(h => h.Name).ToList();
        // Departing members, and spec hosts giving up their member, run etcd until removed: they see membership changes like the others.
        var everyone = members.Concat(departing.Where(h => h.Roles.Contains(stackedRole(spec))).Select(h => h.Name))
            .Concat(setUp.Where(r => r.Value.Contains(stackedRole(spec)) && !members.Contains(r.Key)).Select(r => r.Key)).ToList();
        static HostRole stackedRole(HaClusterSpec s) => s.Etcd.Topology == EtcdTopology.Stacked ? HostRole.ControlPlane : HostRole.Etcd;
        var member = members[a % members.Count];
        var stacked = spec.Etcd.Topology == EtcdTopology.Stacked;
        var f = facts[host];
        switch (blow)
        {
            case 0:
                facts[host] = HostFacts.Unreachable(host, ProbeErrorKind.Unreachable, "connection refused", default);
                return $"{host} down";
            case 1 or 2:
                var files = desired.FilesOf(host);
                if (files.Count == 0 || !f.Reachable)
                {
                    return "-";
                }

                var file = files[b % files.Count];
                // A CA file that differs on a running control plane is repaired only while another
                // running control plane still holds HaKube's; otherwise the planner refuses (it cannot
                // tell drift from another cluster's authority), so "repairable" damage removes it instead.
                var drift = blow == 1 && !(repairable && file.Owner == StepKind.DistributeCertificateAuthorities);
                facts[host] = f with { Files = f.Files.With(file.Path, drift ? Clusters.Present(Clusters.Sha("drift" + b), file.Mode) : null) };
                return $"{file.Path} on {host} {(drift ? "drifted" : "missing")}";
            case 3 when f.Reachable:
                facts[host] = f with { Versions = new KubeVersions("v1.29.9", f.Versions.Kubeadm, null) };
                return $"{host} at another version";
            case 4 when f.Reachable:
                facts[host] = f with { Prerequisites = new NodePrerequisites(true, b % 2 == 0, true, true), Services = f.Services.With("containerd", ServiceState.Failed) };
                return $"{host} swap on, containerd failed";
            case 5 when facts[member].Reachable && !(repairable && stacked):
                facts[member] = facts[member] with { Services = facts[member].Services.With("etcd", ServiceState.Inactive), Etcd = null, ListeningPorts = new HashSet<int>() };
                return $"etcd stopped on {member}";
            case 6:
                var gone = Clusters.Member(spec, member).Id;
                Rewrite(facts, everyone, list => list.Where(m => m.Id != gone).ToList());
                facts[member] = Clusters.Fresh(member);
                return $"{member} rebuilt and out of the membership";
            case 7:
                var ghost = new EtcdMember(0x9000UL + (ulong)b, $"ghost{b}", [$"https://10.9.9.{b}:2380"], [$"https://10.9.9.{b}:2379"], false);
                Rewrite(facts, b % 2 == 0 ? everyone : [member], list => [.. list, ghost]);
                return $"stranger member ghost{b} ({(b % 2 == 0 ? "everywhere" : "on " + member)})";
            case 8 when facts[member] is { Reachable: true, Etcd: not null }:
                facts[member] = facts[member] with { Etcd = facts[member].Etcd! with { Healthy = false } };
                return $"etcd on {member} unhealthy";
            case 9:
                var learner = Clusters.Member(spec, member).Id;
                Rewrite(facts, everyone, list => list.Select(m => m.Id == learner ? m with { IsLearner = true } : m).ToList());
                return $"{member} a learner";
            // A rebuilt stacked member (a spec control plane, or one giving up the role) takes its member's data with it.
            case 10 when !(repairable && stacked && everyone.Contains(host)):
                facts[host] = Clusters.Fresh(host);
                return $"{host} rebuilt";
            case 11 when f.Reachable:
                facts[host] = f with { Services = f.Services.With("haproxy", ServiceState.Inactive) };
                return $"haproxy stopped on {host}";
            case 12 when f.Reachable:
                facts[host] = f with { Files = f.Files.With(KnownPaths.AdminConf, null) };
                return $"{host} lost admin.conf";
            case 13 when f is { Reachable: true, KubeletConfigured: true }:
                // Nothing runs a node's static pods without its kubelet: a stacked member stops with it.
                var staticEtcd = stacked && spec.ControlPlanes().Any(c => c.Name == host) && f.Etcd is not null;
                facts[host] = f with
                {
                    Services = f.Services.With("kubelet", ServiceState.Inactive),
                    Etcd = staticEtcd ? null : f.Etcd,
                    ListeningPorts = staticEtcd ? new HashSet<int>() : f.ListeningPorts,
                };
                return $"kubelet stopped on {host}{(staticEtcd ? " (its etcd member with it)" : "")}";
            // Repairable only while the spec still has the cluster: with no control plane of the spec
            // initialized, a dead departing one may be where the cluster lived, and init is refused.
            case 14 when departing.Count > 0 && !(repairable && !spec.ControlPlanes().Any(c => facts[c.Name].ControlPlaneInitialized)):
                // A host that left the spec dies: it is removed all the same (it is gone).
                var leaving = departing[b % departing.Count].Name;
                facts[leaving] = HostFacts.Unreachable(leaving, ProbeErrorKind.Unreachable, "connection refused", default);
                return $"{leaving} (leaving) down";
            default:
                return "-";
        }
    }

    private static void Rewrite(Dictionary<string, HostFacts> facts, IEnumerable<string> hosts, Func<IReadOnlyList<EtcdMember>, IReadOnlyList<EtcdMember>> change)
    {
        foreach (var host in hosts)
        {
            if (facts[host] is { Etcd: { } etcd } f)
            {
                facts[host] = f with { Etcd = etcd with { Members = change(etcd.Members) } };
            }
        }
    }
}
