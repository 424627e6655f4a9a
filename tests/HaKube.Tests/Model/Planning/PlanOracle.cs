using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Inventory;
using HaKube.Model.Planning;

namespace HaKube.Tests.Model.Planning;

/// <summary>
/// What every plan must respect, checked from the facts alone, written apart from the planner
/// so that a bug there is not repeated here. Each method returns the violations it found.
/// </summary>
internal static class PlanOracle
{
    private static readonly StepKind[] Order =
    [
        StepKind.PrepareHost, StepKind.StartKubelet, StepKind.ConfigureLoadBalancer, StepKind.RemoveLoadBalancer,
        StepKind.RemoveStaleEtcdMember, StepKind.ResetPreviousMachine, StepKind.RemoveControlPlane, StepKind.RemoveEtcdMember, StepKind.RemoveWorker,
        StepKind.ConfigureEtcdMember, StepKind.MigrateEtcdMember, StepKind.BootstrapEtcd,
        StepKind.StartEtcdMember, StepKind.AddEtcdMember, StepKind.DistributeCertificateAuthorities, StepKind.InitControlPlane,
        StepKind.JoinControlPlane, StepKind.InstallPodNetwork, StepKind.JoinWorker,
        StepKind.RenewControlPlaneCertificates, StepKind.UseRotatingKubeletCertificate, StepKind.UpdateEtcdServers, StepKind.UpgradeEtcdMember, StepKind.UpgradeControlPlane, StepKind.UpgradeWorker, StepKind.LabelNodes,
    ];

    private static readonly HashSet<StepKind> SetsUpARole =
    [
        StepKind.ConfigureLoadBalancer, StepKind.ConfigureEtcdMember, StepKind.BootstrapEtcd, StepKind.AddEtcdMember, StepKind.StartEtcdMember,
        StepKind.DistributeCertificateAuthorities, StepKind.InitControlPlane, StepKind.JoinControlPlane, StepKind.JoinWorker, StepKind.StartKubelet,
    ];

    private static int Majority(int voting) => (voting / 2) + 1;

    /// <summary>
    /// The hosts whose roles are removed: departing ones, then spec hosts giving up old roles (as
    /// hosts with only those roles), from the roles the inventory remembers.
    /// </summary>
    private static List<HostSpec> Leaving(HaClusterSpec spec, IReadOnlyList<HostSpec>? departing, IReadOnlyDictionary<string, IReadOnlyList<HostRole>>? setUpRoles) =>
    [
        .. departing ?? [],
        .. spec.Hosts.Where(h => setUpRoles?.ContainsKey(h.Name) == true)
            .Select(h => h with { Roles = RoleChange.Between(setUpRoles![h.Name], h.Roles).Retiring })
            .Where(h => h.Roles.Count > 0),
    ];

    /// <summary>Property 1: one membership change at most, and only where healthy voters stay a majority through it.</summary>
    public static IEnumerable<string> QuorumViolations(HaCluster cluster, IReadOnlyDictionary<string, HostFacts> facts, Plan plan, IReadOnlyList<HostSpec>? departing = null, IReadOnlyDictionary<string, IReadOnlyList<HostRole>>? setUpRoles = null)
    {
        var spec = cluster.Spec;
        departing = Leaving(spec, departing, setUpRoles);
        var stacked = spec.Etcd.Topology == EtcdTopology.Stacked;
        var hosts = spec.EtcdMembers().Concat(departing.Where(h => h.Roles.Contains(stacked ? HostRole.ControlPlane : HostRole.Etcd))).ToList();
        var healthyReports = hosts.Select(h => facts.GetValueOrDefault(h.Name)).Where(f => f is { Reachable: true, Etcd: { Healthy: true, Members.Count: > 0 } }).Select(f => f!.Etcd!).ToList();
        var members = healthyReports.FirstOrDefault()?.Members ?? [];
        var voting = members.Where(m => !m.IsLearner).ToList();
        bool Runs(EtcdMember m, HostSpec h) => m.PeerUrls.Contains($"https://{h.Address}:2380") || (m.Name == h.Name && m.PeerUrls.Count == 0);
        bool IsHealthy(EtcdMember m) => hosts.Any(h => Runs(m, h) && facts.GetValueOrDefault(h.Name) is { Reachable: true, Etcd.Healthy: true });
        EtcdMember? MemberOf(string host) => departing.FirstOrDefault(h => h.Name == host) is { } d ? members.FirstOrDefault(m => Runs(m, d)) : null;
        EtcdMember? Removed(PlanStep step) => step.Kind switch
        {
            StepKind.RemoveStaleEtcdMember => members.FirstOrDefault(m => m.Id == step.EtcdMemberId),
            StepKind.RemoveEtcdMember => MemberOf(step.Hosts[0]),
            StepKind.RemoveControlPlane when stacked => MemberOf(step.Hosts[0]),
            _ => null,
        };
        var changes = plan.Steps.Where(s => s.ChangesEtcdMembership).ToList();
        if (changes.Count > 1)
        {
            yield return $"{changes.Count} membership changes in one plan";
        }

        foreach (var step in plan.Steps)
        {
            var shouldChange = step.Kind == StepKind.AddEtcdMember || (stacked && step.Kind == StepKind.JoinControlPlane) || Removed(step) is not null;
            if (shouldChange != step.ChangesEtcdMembership)
            {
                yield return $"{step}: ChangesEtcdMembership is {step.ChangesEtcdMembership}";
            }
        }

        var healthy = voting.Count(IsHealthy);
        var agree = healthyReports.Select(e => string.Join(",", e.Members.Select(m => $"{m.Id}{m.IsLearner}").Order())).Distinct().Count() == 1;
        foreach (var change in changes)
        {
            if (!agree)
            {
                yield return $"{change}: planned without one agreed membership among healthy members";
            }
            else if (Removed(change) is { } removed)
            {
                // After the removal: the voters left, and the healthy ones among them.
                var votingAfter = voting.Count(m => m.Id != removed.Id);
                var healthyAfter = voting.Count(m => m.Id != removed.Id && IsHealthy(m));
                if (votingAfter == 0 || healthyAfter < Majority(votingAfter) || healthy < Majority(voting.Count))
                {
                    yield return $"{change}: removing {removed.Name} leaves {healthyAfter} of {votingAfter} voters healthy";
                }
            }
            else if (healthy < Majority(voting.Count) || (healthy < Majority(voting.Count + 1) && !(voting.Count == 1 && healthy == 1)))
            {
                yield return $"{change}: {healthy} of {voting.Count} healthy voters cannot carry {voting.Count + 1}";
            }
        }

        // A stacked control plane's renewal restarts its etcd pod: a member restart like a reconfiguration.
        // An external member's configuration restarts it when its certificates or kubeadm configuration
        // change (the step says so); its kubelet's files alone restart only the kubelet.
        var restarts = plan.Steps.Where(s => ((s.Kind == StepKind.ConfigureEtcdMember && s.Reason.Contains("static pod restarts", StringComparison.Ordinal)) ||
            s.Kind is StepKind.MigrateEtcdMember or StepKind.UpgradeEtcdMember || (stacked && s.Kind == StepKind.RenewControlPlaneCertificates)) && IsHealthyRunningVoter(s.Hosts[0])).ToList();
        if (restarts.Count > 1 || (restarts.Count == 1 && voting.Count > 1 && (!agree || healthy - 1 < Majority(voting.Count))))
        {
            yield return $"restarts of running members break quorum: {string.Join(" | ", restarts)}";
        }

        // A stacked control plane's upgrade restarts its etcd member (new manifest): one at a time, and never below a majority.
        var upgrades = plan.Steps.Where(s => stacked && s.Kind == StepKind.UpgradeControlPlane && facts[s.Hosts[0]].Etcd is { Healthy: true }).ToList();
        if (upgrades.Count > 1 || (upgrades.Count == 1 && voting.Count > 1 && (!agree || healthy - 1 < Majority(voting.Count))))
        {
            yield return $"upgrades restart members below quorum: {string.Join(" | ", upgrades)}";
        }

        if (plan.Steps.Any(s => s.Kind == StepKind.BootstrapEtcd) &&
            hosts.Any(h => facts.GetValueOrDefault(h.Name) is not { Reachable: true } f || f.Etcd is not null || f.Services.GetValueOrDefault("etcd") == ServiceState.Active || f.ListeningPorts.Contains(2379)))
        {
            yield return "BootstrapEtcd while etcd may run somewhere";
        }

        if (plan.Steps.Any(s => s.Kind == StepKind.InitControlPlane) &&
            spec.ControlPlanes().Any(h => facts.GetValueOrDefault(h.Name) is not { Reachable: true } f || f.ControlPlaneInitialized))
        {
            yield return "InitControlPlane while a control plane may be initialized";
        }

        bool IsHealthyRunningVoter(string host) =>
            (facts[host].Services.GetValueOrDefault("etcd") == ServiceState.Active || stacked || facts[host].IsPresent(KnownPaths.EtcdManifest)) && facts[host].Etcd is { Healthy: true } &&
            voting.Any(m => m.Name == host);
    }

    /// <summary>Property 2: every step on reachable hosts its kind is for, in plan order.</summary>
    public static IEnumerable<string> ScopeViolations(HaCluster cluster, IReadOnlyDictionary<string, HostFacts> facts, Plan plan, IReadOnlyList<HostSpec>? departing = null, IReadOnlyDictionary<string, IReadOnlyList<HostRole>>? setUpRoles = null)
    {
        var spec = cluster.Spec;
        // Departing hosts are removed even when dead; a spec host gives up an old role only while it answers.
        var leaving = (departing ?? []).Select(h => h.Name).ToHashSet();
        departing = Leaving(spec, departing, setUpRoles);
        var controlPlanes = spec.ControlPlanes().Select(h => h.Name).ToHashSet();
        var etcd = spec.Etcd.Topology == EtcdTopology.External ? spec.Etcd.Hosts.ToHashSet() : [];
        var lbs = spec.LoadBalancer.Provider == LoadBalancerProvider.HAProxy ? spec.LoadBalancer.Hosts.ToHashSet() : [];
        var workers = spec.Hosts.Where(h => h.Roles.Contains(HostRole.Worker) && !h.Roles.Contains(HostRole.ControlPlane)).Select(h => h.Name).ToHashSet();
        var last = -1;
        foreach (var step in plan.Steps)
        {
            var allowed = step.Kind switch
            {
                StepKind.PrepareHost => spec.Hosts.Select(h => h.Name).ToHashSet(),
                StepKind.ConfigureLoadBalancer => lbs,
                StepKind.ConfigureEtcdMember or StepKind.BootstrapEtcd or StepKind.AddEtcdMember or StepKind.StartEtcdMember or StepKind.MigrateEtcdMember or StepKind.UpgradeEtcdMember => etcd,
                StepKind.PullImages => controlPlanes.Union(workers).ToHashSet(),
                StepKind.JoinWorker or StepKind.UpgradeWorker => workers,
                StepKind.StartKubelet => controlPlanes.Union(workers).ToHashSet(),
                StepKind.RemoveStaleEtcdMember => spec.EtcdMembers().Select(h => h.Name).ToHashSet(),
                StepKind.RemoveControlPlane => departing.Where(h => h.Roles.Contains(HostRole.ControlPlane)).Select(h => h.Name).ToHashSet(),
                StepKind.RemoveEtcdMember => departing.Where(h => h.Roles.Contains(HostRole.Etcd)).Select(h => h.Name).ToHashSet(),
                StepKind.RemoveWorker => departing.Where(h => h.Roles.Contains(HostRole.Worker)).Select(h => h.Name).ToHashSet(),
                StepKind.RemoveLoadBalancer => departing.Where(h => h.Roles.Contains(HostRole.LoadBalancer)).Select(h => h.Name).ToHashSet(),
                StepKind.UseRotatingKubeletCertificate => [.. controlPlanes, .. workers],
                _ => controlPlanes,
            };
            if (step.Hosts.Count == 0 || step.Hosts.Distinct().Count() != step.Hosts.Count || (step.Kind is not (StepKind.JoinWorker or StepKind.RemoveWorker or StepKind.UseRotatingKubeletCertificate or StepKind.UpdateEtcdServers or StepKind.PullImages) && step.Hosts.Count != 1))
            {
                yield return $"{step}: bad host list";
            }

            // Departing hosts are removed whether they answer or not: a dead host is gone all the same.
            foreach (var host in step.Hosts.Where(h => !allowed.Contains(h) || (!leaving.Contains(h) && facts.GetValueOrDefault(h) is not { Reachable: true })))
            {
                yield return $"{step}: {host} is not a reachable host of its kind";
            }

            // PullImages goes right before the first init or join, wherever that is.
            var at = step.Kind == StepKind.PullImages ? last : Array.IndexOf(Order, step.Kind);
            if (at < last)
            {
                yield return $"{step}: out of order";
            }

            last = at;
            var f = step.Hosts.Count > 0 ? facts.GetValueOrDefault(step.Hosts[0]) : null;
            var needless = step.Kind switch
            {
                StepKind.InitControlPlane => step.Hosts[0] != spec.ControlPlanes()[0].Name,
                StepKind.JoinControlPlane => f?.ControlPlaneInitialized == true,
                StepKind.JoinWorker => step.Hosts.Any(h => facts[h].KubeletConfigured),
                StepKind.StartEtcdMember => f is not null && (f.Etcd is not null || f.ListeningPorts.Contains(2379)) && f.Services.GetValueOrDefault("kubelet") == ServiceState.Active,
                StepKind.UpgradeControlPlane or StepKind.UpgradeWorker => plan.Steps.Count > 1 || (f is not null && f.Versions == new KubeVersions(spec.KubernetesVersion, spec.KubernetesVersion, spec.KubernetesVersion) &&
                    !f.IsPresent(KnownPaths.UpgradeMarker) && (step.Kind == StepKind.UpgradeWorker || f.ControlPlaneVersion?.ToString() == spec.KubernetesVersion)),
                StepKind.StartKubelet => f is not { KubeletConfigured: true } || f.Services.GetValueOrDefault("kubelet") == ServiceState.Active,
                StepKind.UpdateEtcdServers => spec.Etcd.Topology != EtcdTopology.External
                    || step.Hosts.Any(h => facts[h] is not { ControlPlaneInitialized: true, ApiServerEtcdServers: { } servers } || servers.ToHashSet().SetEquals(spec.EtcdClientUrls())),
                _ => false,
            };
            if (needless)
            {
                yield return $"{step}: not needed on that host";
            }

            // HAProxy may start beside a retiring worker or etcd member: only a control plane's kube-apiserver holds the endpoint's port.
            if (SetsUpARole.Contains(step.Kind) && step.Hosts.FirstOrDefault(h => departing.Any(d => d.Name == h && spec.Hosts.Any(s => s.Name == h)
                    && (step.Kind != StepKind.ConfigureLoadBalancer || d.Roles.Contains(HostRole.ControlPlane)))) is { } unclean)
            {
                yield return $"{step}: sets up a role on {unclean} before its old roles are cleaned up";
            }
        }
    }

    /// <summary>The facts one step can change on a host, as text, to tell whether it changed anything.</summary>
    public static string Fingerprint(HostFacts f) => string.Join("|",
        f.Reachable, f.Prerequisites, f.Versions, string.Join(",", f.Programs.Order(StringComparer.Ordinal)), f.EtcdDataPresent,
        f.CaBundlePresent, f.Containerd, f.EtcdDefaultDataPresent, f.EtcdManifestRecord,
        string.Join(",", f.Services.OrderBy(s => s.Key).Select(s => $"{s.Key}={s.Value}")),
        string.Join(",", f.Files.Where(p => p.Value.Present).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{p.Value.Sha256}:{p.Value.Mode}:{p.Value.NotAfter:O}")),
        string.Join(",", f.ListeningPorts.Order()),
        string.Join(",", f.StaticPodImages.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => i.Value)),
        string.Join(",", f.ApiServerEtcdServers ?? []),
        f.Etcd is null ? "-" : $"{f.Etcd.Healthy}:{string.Join(",", f.Etcd.Members.Select(m => $"{m.Id}{m.IsLearner}").Order())}");
}
