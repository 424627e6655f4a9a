using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Model.Planning;

/// <summary>
/// UpgradeControlPlane and UpgradeWorker, as the kubeadm upgrade guide does them: one host per plan, control
/// planes first, only on a healthy cluster with nothing else planned; downgrades and skipped minors are refused.
/// </summary>
internal static class UpgradePhase
{
    /// <summary>Why kubeadm joins wait now; null when they may go.</summary>
    public static string? JoinsWait(PlanBuilder plan)
    {
        var target = plan.Spec.Version();
        var other = plan.Spec.ControlPlanes()
            .Select(h => (h.Name, Facts: plan.Reachable(h.Name)))
            .Where(x => x.Facts is { ControlPlaneInitialized: true } f && f.ControlPlaneVersion != target)
            .Select(x => $"{x.Name} runs {x.Facts!.ControlPlaneVersion?.ToString() ?? "an unreadable version"}")
            .ToList();
        return other.Count == 0
            ? null
            : $"the control planes do not all run {target} yet ({Wording.List(other)}): kubeadm joins a node at the version of the cluster's last upgrade, so joins wait " +
                $"until the upgrade to {target} is done";
    }

    public static void Plan(PlanBuilder plan, EtcdOutcome etcd)
    {
        var spec = plan.Spec;
        var target = spec.Version();
        var lacking = EtcdMembers(plan)
            .Select(h => (Host: h, Kind: StepKind.UpgradeEtcdMember, Lacks: EtcdLacks(plan.Reachable(h.Name)!, target)))
            .Concat(Joined(plan).Select(h => (Host: h, Kind: Kind(h), Lacks: Lacks(plan.Reachable(h.Name)!, h, target))))
            .Where(x => x.Lacks.Count > 0)
            .ToList();
        if (lacking.Count == 0)
        {
            return;
        }

        var prefix = $"upgrade to {target} ({Wording.List(lacking.Select(l => l.Host.Name))} to upgrade)";
        if (Downgrade(plan, target) is { } downgrade)
        {
            plan.Refuse(null, RefusalCause.VersionSkew, $"{prefix} refused: {downgrade}");
            return;
        }

        if (VersionPolicy(plan, target) is { } policy)
        {
            plan.Refuse(null, RefusalCause.VersionSkew, $"{prefix} refused: {policy}");
            return;
        }

        var degraded = Degraded(plan, etcd);
        if (degraded.Count > 0)
        {
            plan.Refuse(null, RefusalCause.Degraded, $"{prefix} waits: the cluster is degraded: {string.Join("; ", degraded)}");
            return;
        }

        if (plan.Steps.Count > 0)
        {
            foreach (var (host, kind, _) in lacking)
            {
                plan.Defer(kind, host.Name, $"the upgrade to {target} starts once the cluster is otherwise converged ({plan.Steps.Count} other step(s) in this plan)");
            }

            return;
        }

        // External etcd first (a newer kube-apiserver may want a newer etcd), then control planes:
        // workers upgrade only against API servers that already run the target.
        var (next, nextKind, lacks) = lacking.FirstOrDefault(l => l.Kind == StepKind.UpgradeEtcdMember) is { Host: not null } member ? member
            : lacking.FirstOrDefault(l => l.Kind == StepKind.UpgradeControlPlane) is { Host: not null } cp ? cp : lacking[0];
        var reason = $"{Wording.List(lacks)}; spec wants {target}: {Procedure(plan, nextKind, target)}";
        if (nextKind == StepKind.UpgradeEtcdMember)
        {
            var guard = QuorumGuard.CheckRestart(etcd.View, next.Name);
            if (!guard.Allowed)
            {
                plan.Refuse(nextKind, next.Name, RefusalCause.QuorumGuard, $"{reason}; but the member restarts and {guard.Reason}");
                return;
            }

            reason += $"; the member restarts: {guard.Reason}";
        }
        else if (nextKind == StepKind.UpgradeControlPlane && spec.Etcd.Topology == EtcdTopology.Stacked)
        {
            var guard = QuorumGuard.CheckRestart(etcd.View, next.Name);
            if (!guard.Allowed)
            {
                plan.Refuse(nextKind, next.Name, RefusalCause.QuorumGuard, $"{reason}; but its etcd member restarts and {guard.Reason}");
                return;
            }

            reason += $"; its etcd member restarts: {guard.Reason}";
        }

        plan.Step(nextKind, [next.Name], reason);
        foreach (var (host, kind, _) in lacking.Where(l => l.Host.Name != next.Name))
        {
            plan.Defer(kind, host.Name, $"one host is upgraded at a time; {next.Name} is upgraded in this " +
                $"plan{(kind == StepKind.UpgradeWorker && nextKind == StepKind.UpgradeControlPlane ? ", and workers follow the control planes" : "")}");
        }
    }

    /// <summary>External etcd hosts whose member runs as a kubeadm static pod (set up, not under HaKube's former unit).</summary>
    private static IEnumerable<HostSpec> EtcdMembers(PlanBuilder plan) =>
        plan.Spec.Etcd.Topology != EtcdTopology.External
            ? []
            : plan.Spec.EtcdMembers().Where(h => plan.Reachable(h.Name) is { } f && HostPreparation.MemberExists(f) && !HostPreparation.HasFormerUnit(f));

    /// <summary>What on this etcd host is not at the target: its kubelet and kubeadm (the kubeadm that renders the member's etcd).</summary>
    private static List<string> EtcdLacks(HostFacts facts, KubernetesVersion target) =>
        BinaryLacks(facts, target, ("kubelet", facts.Versions.Kubelet), ("kubeadm", facts.Versions.Kubeadm));

    /// <summary>The binaries not at the target, in words.</summary>
    private static List<string> BinaryLacks(HostFacts facts, KubernetesVersion target, params (string Name, string? Have)[] binaries)
    {
        var lacks = new List<string>();
        foreach (var (name, have) in binaries)
        {
            if (have is null && facts.Programs.Contains(name))
            {
                // Present, but its version was not read this cycle (the binary changed under the probe):
                // the next probe asks again; an upgrade is never started on a guess.
                continue;
            }

            if (have is null)
            {
                lacks.Add($"{name} not installed");
            }
            else if (!HostPreparation.SameVersion(have, target.ToString()))
            {
                lacks.Add($"{name} {have}");
            }
        }

        return lacks;
    }

    /// <summary>Nodes kubeadm has set up: joined workers and initialized control planes.</summary>
    private static IEnumerable<HostSpec> Joined(PlanBuilder plan) => plan.Spec.Hosts.Where(h =>
        plan.Reachable(h.Name) is { } f && (h.Roles.Contains(HostRole.ControlPlane)
            ? f.ControlPlaneInitialized
            : h.Roles.Contains(HostRole.Worker) && f.KubeletConfigured));

    private static StepKind Kind(HostSpec host) =>
        host.Roles.Contains(HostRole.ControlPlane) ? StepKind.UpgradeControlPlane : StepKind.UpgradeWorker;

    /// <summary>What on this node is not at the target, in words; empty when nothing.</summary>
    private static List<string> Lacks(HostFacts facts, HostSpec host, KubernetesVersion target)
    {
        var lacks = new List<string>();
        if (host.Roles.Contains(HostRole.ControlPlane) && facts.ControlPlaneVersion != target)
        {
            lacks.Add(facts.ControlPlaneVersion is { } v ? $"control plane {v}" : "control plane version unreadable (no release tag in its static pod manifests)");
        }

        lacks.AddRange(BinaryLacks(facts, target, ("kubelet", facts.Versions.Kubelet), ("kubeadm", facts.Versions.Kubeadm), ("kubectl", facts.Versions.Kubectl)));

        if (facts.IsPresent(KnownPaths.UpgradeMarker))
        {
            lacks.Add($"an earlier upgrade of this node did not finish ({KnownPaths.UpgradeMarker}: it may still be cordoned)");
        }

        return lacks;
    }

    /// <summary>Every version running on the joined nodes: control planes, kubelets and kubeadm.</summary>
    private static IEnumerable<(string What, KubernetesVersion Version)> Running(PlanBuilder plan)
    {
        foreach (var host in Joined(plan).Concat(EtcdMembers(plan)))
        {
            var facts = plan.Reachable(host.Name)!;
            if (facts.ControlPlaneVersion is { } cp)
            {
                yield return ($"{host.Name} control plane {cp}", cp);
            }

            foreach (var (name, have) in new[] { ("kubelet", facts.Versions.Kubelet), ("kubeadm", facts.Versions.Kubeadm) })
            {
                if (Release(have) is { } v)
                {
                    yield return ($"{host.Name} {name} {v}", v);
                }
            }
        }
    }

    private static string? Downgrade(PlanBuilder plan, KubernetesVersion target)
    {
        var newer = Running(plan).Where(r => r.Version > target).ToList();
        if (newer.Count == 0)
        {
            return null;
        }

        var newest = newer.Max(r => r.Version);
        return $"a downgrade: {Wording.List(newer.Select(r => r.What))} newer than spec.kubernetesVersion {target}; kubeadm does not downgrade a cluster and neither does " +
            $"HaKube: set spec.kubernetesVersion to {newest} or newer";
    }

    /// <summary>kubeadm upgrade apply's version policy: one minor at a time, kubelets at most three minors older than the target.</summary>
    private static string? VersionPolicy(PlanBuilder plan, KubernetesVersion target)
    {
        var controlPlanes = plan.Spec.ControlPlanes().Select(h => plan.Reachable(h.Name)).Where(f => f is { ControlPlaneInitialized: true }).ToList();
        var unreadable = controlPlanes.Where(f => f!.ControlPlaneVersion is null).Select(f => f!.Host).ToList();
        if (unreadable.Count > 0)
        {
            return $"the version of {Wording.List(unreadable)} is unreadable (no release tag in the static pod manifests), so the upgrade cannot be checked against kubeadm's version policy";
        }

        if (controlPlanes.Count > 0)
        {
            var cluster = controlPlanes.Min(f => f!.ControlPlaneVersion!.Value);
            if (target.Major != cluster.Major || target.Minor > cluster.Minor + 1)
            {
                var next = new KubernetesVersion(cluster.Major, cluster.Minor + 1, 0);
                return $"{cluster} to {target} skips a minor: kubeadm upgrades one minor at a time; set spec.kubernetesVersion to a {next.MinorTag} release first, then to {target}";
            }
        }

        var old = Joined(plan)
            .Select(h => (h.Name, Version: Release(plan.Reachable(h.Name)!.Versions.Kubelet)))
            .Where(k => k.Version is { } v && (v.Major != target.Major || v.Minor + 3 < target.Minor))
            .Select(k => $"{k.Name} kubelet {k.Version}")
            .ToList();
        return old.Count == 0
            ? null
            : $"kubeadm cannot upgrade to {target} with kubelets more than three minors older ({Wording.List(old)}); upgrade those nodes through the minors in between first";
    }

    /// <summary>Why the cluster is not healthy enough to take nodes out one by one; empty when it is.</summary>
    private static List<string> Degraded(PlanBuilder plan, EtcdOutcome etcd)
    {
        var spec = plan.Spec;
        var problems = new List<string>();
        var unreachable = spec.Hosts.Where(h => plan.Reachable(h.Name) is null).Select(h => h.Name).ToList();
        if (unreachable.Count > 0)
        {
            problems.Add($"{Wording.List(unreachable)} unreachable");
        }

        var view = etcd.View;
        if (!view.Answering)
        {
            problems.Add("etcd does not answer");
        }
        else if (view.Disagreement is { } disagreement)
        {
            problems.Add($"etcd members disagree on the membership ({disagreement})");
        }
        else
        {
            var unhealthy = view.Members.Where(m => m.IsLearner || !view.HealthyMembers.Contains(m.Id)).Select(Wording.Member).ToList();
            if (unhealthy.Count > 0)
            {
                problems.Add($"etcd members not all healthy voters ({Wording.List(unhealthy)})");
            }
        }

        foreach (var host in spec.ControlPlanes())
        {
            if (plan.Reachable(host.Name) is not { ControlPlaneInitialized: true } facts)
            {
                continue;
            }

            if (plan.IsPlanned(StepKind.StartKubelet, host.Name))
            {
                // Being repaired by this plan: the upgrade is deferred behind that step, not refused.
                continue;
            }

            if (!Wording.IsActive(facts, "kubelet"))
            {
                problems.Add($"the kubelet on control plane {host.Name} is {Wording.State(facts, "kubelet")}");
            }
            else if (!facts.ListeningPorts.Contains(6443))
            {
                problems.Add($"kube-apiserver on control plane {host.Name} does not listen on 6443");
            }
        }

        if (LoadBalancerPhase.EndpointProblem(plan) is { } endpoint)
        {
            problems.Add(endpoint);
        }

        // Refusals about hosts still waiting to join do not hold the upgrade back (they wait for it).
        var others = plan.Refusals.Where(r => r.Host is null || !WaitsToJoin(plan, r.Host)).ToList();
        if (others.Count > 0)
        {
            problems.Add($"{others.Count} other refusal(s) in this plan ({string.Join(" | ", others)})");
        }

        return problems;
    }

    private static bool WaitsToJoin(PlanBuilder plan, string host) =>
        plan.Reachable(host) is { KubeletConfigured: false } && plan.Spec.Hosts.Any(h => h.Name == host && (h.Roles.Contains(HostRole.ControlPlane) || h.Roles.Contains(HostRole.Worker)));

    private static string Procedure(PlanBuilder plan, StepKind kind, KubernetesVersion target)
    {
        if (kind == StepKind.UpgradeEtcdMember)
        {
            return $"kubelet and kubeadm {target}, the etcd image kubeadm {target} pins, etcd.yaml rendered again (kubeadm init phase etcd local), the member restarted, one at a time";
        }

        var drain = Wording.Drain(plan.Spec);
        if (kind == StepKind.UpgradeWorker)
        {
            return $"{drain}, kubeadm {target}, kubeadm upgrade node, kubelet and kubectl {target}, kubelet restarted, uncordon";
        }

        var started = plan.Spec.ControlPlanes().Any(h => plan.Reachable(h.Name)?.ControlPlaneVersion == target);
        return started
            ? $"kubeadm {target}, kubeadm upgrade node, then {drain}, kubelet and kubectl {target}, kubelet restarted, uncordon"
            : $"kubeadm {target}, kubeadm upgrade plan and kubeadm upgrade apply {target} (the first control plane to upgrade), then {drain}, kubelet and kubectl " +
                $"{target}, kubelet restarted, uncordon";
    }

    /// <summary>The release a binary reported ("v1.31.4+abc" is v1.31.4); null when none.</summary>
    private static KubernetesVersion? Release(string? reported)
    {
        if (reported is null)
        {
            return null;
        }

        var end = reported.IndexOfAny(['+', '-']);
        return KubernetesVersion.TryParse(end < 0 ? reported : reported[..end], out var v) ? v : null;
    }
}
