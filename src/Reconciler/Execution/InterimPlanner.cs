using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Planning;

namespace HaKube.Reconciler.Execution;

/// <summary>
/// A minimal planner so plan/apply run end to end until HaKube.Reconciler.Planning.Planner (being
/// written separately, with the quorum guard and property tests) replaces it through
/// <see cref="IPlanner"/>. It plans in the kubeadm HA guide's order from the same facts and desired
/// files, one etcd membership change at a time, and refuses work on unreachable hosts.
/// </summary>
internal sealed class InterimPlanner : IPlanner
{
    public Plan Plan(HaCluster cluster, IReadOnlyList<HostFacts> facts, DesiredState desired)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(desired);
        var spec = cluster.Spec;
        var byHost = facts.ToDictionary(f => f.Host, StringComparer.Ordinal);
        var steps = new List<PlanStep>();
        var refusals = new List<Refusal>();
        var down = spec.Hosts.Where(h => !byHost.TryGetValue(h.Name, out var f) || !f.Reachable).Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var host in down)
        {
            refusals.Add(new Refusal(host, $"unreachable ({byHost.GetValueOrDefault(host)?.Error ?? "not probed"}); nothing planned for it"));
        }

        HostFacts F(string host) => byHost[host];
        IEnumerable<HostSpec> Up(IEnumerable<HostSpec> hosts) => hosts.Where(h => !down.Contains(h.Name));
        List<string> Drifted(IEnumerable<HostSpec> hosts, StepKind owner) =>
            Up(hosts).Where(h => desired.FilesOf(h.Name).Any(d => d.Owner == owner && !Matches(F(h.Name), d))).Select(h => h.Name).ToList();
        void Add(StepKind kind, IReadOnlyList<string> hosts, string reason, bool membership = false)
        {
            if (hosts.Count > 0)
            {
                steps.Add(new PlanStep(kind, hosts, reason, membership));
            }
        }

        var version = spec.KubernetesVersion;
        var prepare = Up(spec.Hosts).Where(h => NeedsPreparation(spec, h, F(h.Name), desired, version)).Select(h => h.Name).ToList();
        Add(StepKind.PrepareHost, prepare, $"prerequisites missing (swap, ip_forward, containerd, packages at {version}, or role software)");

        if (spec.LoadBalancer.Provider == LoadBalancerProvider.HAProxy)
        {
            var lbs = spec.LoadBalancer.Hosts.Select(n => spec.Hosts.First(h => h.Name == n)).ToList();
            var lb = Drifted(lbs, StepKind.ConfigureLoadBalancer)
                .Union(Up(lbs).Where(h => F(h.Name).Services.GetValueOrDefault("haproxy") != ServiceState.Active).Select(h => h.Name))
                .ToList();
            Add(StepKind.ConfigureLoadBalancer, lb, "haproxy.cfg differs from the rendered one or haproxy is not running");
        }

        if (spec.Etcd.Topology == EtcdTopology.External && !PlanExternalEtcd(spec, byHost, down, desired, Drifted, Add))
        {
            return new Plan(steps, refusals);
        }

        var controlPlanes = spec.ControlPlanes();
        Add(StepKind.DistributeCertificateAuthorities, Drifted(controlPlanes, StepKind.DistributeCertificateAuthorities), "certificate authority files missing or different from the state store's");
        var initialized = Up(controlPlanes).Where(h => F(h.Name).ControlPlaneInitialized).Select(h => h.Name).ToList();
        var first = controlPlanes[0];
        if (initialized.Count == 0 && !down.Contains(first.Name))
        {
            Add(StepKind.InitControlPlane, [first.Name], "no control plane is initialized");
        }

        foreach (var cp in Up(controlPlanes).Where(h => h.Name != first.Name && !F(h.Name).ControlPlaneInitialized))
        {
            Add(StepKind.JoinControlPlane, [cp.Name], "not yet a control plane (no admin.conf/kubelet.conf)", spec.Etcd.Topology == EtcdTopology.Stacked);
            if (spec.Etcd.Topology == EtcdTopology.Stacked)
            {
                break;
            }
        }

        Add(StepKind.InstallPodNetwork, Drifted([first], StepKind.InstallPodNetwork), $"pod network {spec.Networking.Cni} not applied with the current configuration");
        var workers = Up(spec.HostsWithRole(HostRole.Worker)).Where(h => !h.Roles.Contains(HostRole.ControlPlane) && !F(h.Name).KubeletConfigured).Select(h => h.Name).ToList();
        Add(StepKind.JoinWorker, workers, "not joined (no kubelet.conf)");
        return new Plan(steps, refusals);
    }

    // Returns false when later steps must wait for etcd (no member yet to join the control planes to).
    private static bool PlanExternalEtcd(
        HaClusterSpec spec,
        Dictionary<string, HostFacts> facts,
        HashSet<string> down,
        DesiredState desired,
        Func<IEnumerable<HostSpec>, StepKind, List<string>> drifted,
        Action<StepKind, IReadOnlyList<string>, string, bool> add)
    {
        var members = spec.EtcdMembers();
        add(StepKind.ConfigureEtcdMember, drifted(members, StepKind.ConfigureEtcdMember), "etcd certificates or unit missing or different", false);
        var healthy = members.Where(h => !down.Contains(h.Name) && facts[h.Name].Etcd is { Healthy: true }).ToList();
        var known = healthy.SelectMany(h => facts[h.Name].Etcd!.Members).Where(m => m.Name.Length > 0).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        if (healthy.Count == 0)
        {
            // Nothing answers: either a new cluster, or every member stopped. BootstrapEtcd starts the first
            // member and writes a new-cluster configuration only where there is no data.
            var firstUp = members.FirstOrDefault(h => !down.Contains(h.Name));
            if (firstUp is not null)
            {
                add(StepKind.BootstrapEtcd, [firstUp.Name], "no etcd member is healthy", false);
            }

            return false;
        }

        var stopped = members.Where(h => !down.Contains(h.Name) && known.Contains(h.Name) && facts[h.Name].Etcd is not { Healthy: true }).Select(h => h.Name).ToList();
        add(StepKind.StartEtcdMember, stopped, "etcd member of the cluster is not running or not healthy", false);
        var missing = members.FirstOrDefault(h => !down.Contains(h.Name) && !known.Contains(h.Name));
        if (missing is not null)
        {
            add(StepKind.AddEtcdMember, [missing.Name], "not a member of the etcd cluster", true);
        }

        return true;
    }

    private static bool NeedsPreparation(HaClusterSpec spec, HostSpec host, HostFacts facts, DesiredState desired, string version)
    {
        if (host.Roles.Contains(HostRole.ControlPlane) || host.Roles.Contains(HostRole.Worker))
        {
            var p = facts.Prerequisites;
            if (p is null || p.SwapOn || p.IpForward != true || !p.ContainerdInstalled)
            {
                return true;
            }

            if (facts.Versions.Kubeadm != version || facts.Versions.Kubelet != version || facts.Versions.Kubectl != version)
            {
                return true;
            }
        }

        // Role software is checked by PrepareHost itself; it is planned until the role's files are in place.
        var roleFiles = desired.FilesOf(host.Name).Where(d => d.Owner is StepKind.ConfigureLoadBalancer or StepKind.ConfigureEtcdMember);
        return (spec.LoadBalancer.Hosts.Contains(host.Name) || spec.Etcd.Hosts.Contains(host.Name)) && roleFiles.Any(d => !Matches(facts, d));
    }

    private static bool Matches(HostFacts facts, DesiredFile desired) =>
        facts.Files.TryGetValue(desired.Path, out var file) && file.Present && file.Sha256 == desired.Sha256 && file.Mode == desired.Mode;
}
