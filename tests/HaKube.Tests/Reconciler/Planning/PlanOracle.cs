using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Tests.Reconciler.Planning;

/// <summary>
/// What every plan must respect, checked from the facts alone, written apart from the planner
/// so that a bug there is not repeated here. Each method returns the violations it found.
/// </summary>
internal static class PlanOracle
{
    private static readonly StepKind[] Order =
    [
        StepKind.PrepareHost, StepKind.StartKubelet, StepKind.ConfigureLoadBalancer, StepKind.ConfigureEtcdMember, StepKind.BootstrapEtcd,
        StepKind.StartEtcdMember, StepKind.AddEtcdMember, StepKind.DistributeCertificateAuthorities, StepKind.InitControlPlane,
        StepKind.JoinControlPlane, StepKind.InstallPodNetwork, StepKind.JoinWorker,
    ];

    private static int Majority(int voting) => (voting / 2) + 1;

    /// <summary>Property 1: one membership change at most, and only where healthy voters stay a majority through it.</summary>
    public static IEnumerable<string> QuorumViolations(HaCluster cluster, IReadOnlyDictionary<string, HostFacts> facts, Plan plan)
    {
        var spec = cluster.Spec;
        var stacked = spec.Etcd.Topology == EtcdTopology.Stacked;
        var changes = plan.Steps.Where(s => s.ChangesEtcdMembership).ToList();
        if (changes.Count > 1)
        {
            yield return $"{changes.Count} membership changes in one plan";
        }

        foreach (var step in plan.Steps)
        {
            var shouldChange = step.Kind == StepKind.AddEtcdMember || (stacked && step.Kind == StepKind.JoinControlPlane);
            if (shouldChange != step.ChangesEtcdMembership)
            {
                yield return $"{step}: ChangesEtcdMembership is {step.ChangesEtcdMembership}";
            }
        }

        var hosts = spec.EtcdMembers();
        var healthyReports = hosts.Select(h => facts.GetValueOrDefault(h.Name)).Where(f => f is { Reachable: true, Etcd: { Healthy: true, Members.Count: > 0 } }).Select(f => f!.Etcd!).ToList();
        var members = healthyReports.FirstOrDefault()?.Members ?? [];
        var voting = members.Where(m => !m.IsLearner).ToList();
        var healthy = voting.Count(m => hosts.Any(h =>
            (m.Name == h.Name || m.PeerUrls.Contains($"https://{h.Address}:2380")) && facts.GetValueOrDefault(h.Name) is { Reachable: true, Etcd.Healthy: true }));
        var agree = healthyReports.Select(e => string.Join(",", e.Members.Select(m => $"{m.Id}{m.IsLearner}").Order())).Distinct().Count() == 1;
        foreach (var change in changes)
        {
            if (!agree)
            {
                yield return $"{change}: planned without one agreed membership among healthy members";
            }
            else if (healthy < Majority(voting.Count) || (healthy < Majority(voting.Count + 1) && !(voting.Count == 1 && healthy == 1)))
            {
                yield return $"{change}: {healthy} of {voting.Count} healthy voters cannot carry {voting.Count + 1}";
            }
        }

        var restarts = plan.Steps.Where(s => s.Kind == StepKind.ConfigureEtcdMember && IsHealthyRunningVoter(s.Hosts[0])).ToList();
        if (restarts.Count > 1 || (restarts.Count == 1 && voting.Count > 1 && (!agree || healthy - 1 < Majority(voting.Count))))
        {
            yield return $"restarts of running members break quorum: {string.Join(" | ", restarts)}";
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
            facts[host].Services.GetValueOrDefault("etcd") == ServiceState.Active && facts[host].Etcd is { Healthy: true } &&
            voting.Any(m => m.Name == host);
    }

    /// <summary>Property 2: every step on reachable hosts its kind is for, in plan order.</summary>
    public static IEnumerable<string> ScopeViolations(HaCluster cluster, IReadOnlyDictionary<string, HostFacts> facts, Plan plan)
    {
        var spec = cluster.Spec;
        if (spec.Paused && plan.Steps.Count > 0)
        {
            yield return "steps on a paused cluster";
        }

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
                StepKind.ConfigureEtcdMember or StepKind.BootstrapEtcd or StepKind.AddEtcdMember or StepKind.StartEtcdMember => etcd,
                StepKind.JoinWorker => workers,
                StepKind.StartKubelet => controlPlanes.Union(workers).ToHashSet(),
                _ => controlPlanes,
            };
            if (step.Hosts.Count == 0 || step.Hosts.Distinct().Count() != step.Hosts.Count || (step.Kind != StepKind.JoinWorker && step.Hosts.Count != 1))
            {
                yield return $"{step}: bad host list";
            }

            foreach (var host in step.Hosts.Where(h => !allowed.Contains(h) || facts.GetValueOrDefault(h) is not { Reachable: true }))
            {
                yield return $"{step}: {host} is not a reachable host of its kind";
            }

            var at = Array.IndexOf(Order, step.Kind);
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
                StepKind.StartEtcdMember => f?.Services.GetValueOrDefault("etcd") == ServiceState.Active,
                StepKind.StartKubelet => f is not { KubeletConfigured: true } || f.Services.GetValueOrDefault("kubelet") == ServiceState.Active,
                _ => false,
            };
            if (needless)
            {
                yield return $"{step}: not needed on that host";
            }
        }
    }

    /// <summary>The facts one step can change on a host, as text, to tell whether it changed anything.</summary>
    public static string Fingerprint(HostFacts f) => string.Join("|",
        f.Reachable, f.Prerequisites, f.Versions, string.Join(",", f.Programs.Order(StringComparer.Ordinal)), f.EtcdDataPresent,
        string.Join(",", f.Services.OrderBy(s => s.Key).Select(s => $"{s.Key}={s.Value}")),
        string.Join(",", f.Files.Where(p => p.Value.Present).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{p.Value.Sha256}:{p.Value.Mode}")),
        string.Join(",", f.ListeningPorts.Order()),
        f.Etcd is null ? "-" : $"{f.Etcd.Healthy}:{string.Join(",", f.Etcd.Members.Select(m => $"{m.Id}{m.IsLearner}").Order())}");
}
