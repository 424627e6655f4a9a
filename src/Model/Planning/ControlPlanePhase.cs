using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Model.Planning;

/// <summary>
/// DistributeCertificateAuthorities, InitControlPlane and JoinControlPlane. Init only when every control plane
/// was probed and none is initialized (a second init would make a second cluster); joins one per plan.
/// </summary>
internal static class ControlPlanePhase
{
    /// <summary>Plans the phase and returns the control plane that cluster-wide steps run from (null if none will be initialized).</summary>
    public static string? Plan(PlanBuilder plan, EtcdOutcome etcd)
    {
        var spec = plan.Spec;
        var controlPlanes = spec.ControlPlanes().Select(h => h.Name).ToList();
        DistributeAuthorities(plan, controlPlanes);

        var initialized = controlPlanes.Where(h => plan.Reachable(h)?.ControlPlaneInitialized == true).ToList();
        var initTarget = initialized.Count == 0 ? Init(plan, etcd, controlPlanes) : null;
        var anchor = initialized.FirstOrDefault() ?? initTarget;

        var waiting = controlPlanes.Where(h => plan.Reachable(h) is { ControlPlaneInitialized: false } && h != initTarget).ToList();
        // With no anchor, init was refused, and that refusal says why the others wait too.
        if (waiting.Count > 0 && anchor is not null)
        {
            if (spec.Etcd.Topology == EtcdTopology.Stacked)
            {
                JoinStacked(plan, etcd.View, waiting, initTarget);
            }
            else
            {
                JoinExternal(plan, etcd, waiting);
            }
        }

        if (spec.Etcd.Topology == EtcdTopology.Stacked && etcd.View is { Answering: true, Disagreement: null })
        {
            foreach (var host in initialized.Where(h => etcd.View.MemberOf(h) is null))
            {
                plan.Refuse(host, RefusalCause.NeedsManualAction, $"initialized ({KnownPaths.AdminConf}, {KnownPaths.KubeletConf}) but not a member of the stacked etcd " +
                    "cluster; reset the node (kubeadm reset) so that it can join again");
            }
        }

        return anchor;
    }

    /// <summary>Why <paramref name="host"/> cannot run kubeadm init or join in this plan; empty when it can.</summary>
    private static List<Obstacle> Prerequisites(PlanBuilder plan, EtcdOutcome etcd, string host)
    {
        var problems = new List<Obstacle>();
        if (plan.IsBlocked(StepKind.PrepareHost, host))
        {
            problems.Add(new(RefusalCause.Blocked, "the host cannot be prepared"));
        }

        if (plan.IsBlocked(StepKind.DistributeCertificateAuthorities, host))
        {
            problems.Add(new(RefusalCause.Blocked, "its certificate authorities cannot be pushed"));
        }

        if (LoadBalancerPhase.EndpointProblem(plan) is { } endpoint)
        {
            problems.Add(new(RefusalCause.EndpointUnavailable, endpoint));
        }

        if (plan.Spec.Etcd.Topology == EtcdTopology.External && !etcd.Available)
        {
            problems.Add(new(RefusalCause.Degraded, $"external etcd cannot serve kube-apiserver: {etcd.Problem}"));
        }

        if (plan.Spec.Etcd.Topology == EtcdTopology.External &&
            plan.Spec.EtcdMembers().Where(h => plan.Reachable(h.Name) is { } f && HostPreparation.HasFormerUnit(f)).Select(h => h.Name).ToList() is { Count: > 0 } former)
        {
            // Their etcd is Debian's (3.4 on Debian 12), which kubeadm's ExternalEtcdVersion preflight refuses.
            problems.Add(new(RefusalCause.Blocked, $"etcd on {Wording.List(former)} still runs under HaKube's former systemd unit (the distribution's etcd, older than " +
                "kubeadm accepts): the members move to static pods first"));
        }

        if (UpgradePhase.JoinsWait(plan) is { } upgrading)
        {
            problems.Add(new(RefusalCause.VersionSkew, upgrading));
        }

        return problems;
    }

    private static void DistributeAuthorities(PlanBuilder plan, List<string> controlPlanes)
    {
        foreach (var host in controlPlanes)
        {
            // A host that first gives up an old role is reset, which would take the files with it.
            if (plan.Reachable(host) is not { } facts || plan.WaitsForCleanup(StepKind.DistributeCertificateAuthorities, host))
            {
                continue;
            }

            var desired = plan.DesiredFiles(host, StepKind.DistributeCertificateAuthorities);
            if (facts.ControlPlaneInitialized)
            {
                // A reissued apiserver-etcd-client pair replaces the running one through renewal, which restarts kube-apiserver.
                desired = desired.Where(d => !CertificatePhase.RenewedInPlace.Contains(d.Path)).ToList();
            }

            if (desired.Count == 0)
            {
                // An initialized control plane already has its CAs; only a host that still has to init or join needs them from HaKube.
                if (!facts.ControlPlaneInitialized)
                {
                    plan.Refuse(StepKind.DistributeCertificateAuthorities, host, RefusalCause.MissingDesiredState, "the desired state has no certificate authorities for " +
                        "this control plane, and kubeadm needs them to init or join");
                }

                continue;
            }

            // On a running control plane, a CA file that differs from HaKube's is drift when another
            // running control plane still holds HaKube's version; when none does, the cluster runs on
            // another authority (a different state store, a CA rotated by hand), and replacing it would
            // break every kubelet, token and etcd peer signed by it. Missing files are always restored.
            var foreign = facts.ControlPlaneInitialized
                ? desired.Where(d => Differs(facts, d) && !HeldByARunningControlPlane(plan, controlPlanes, d)).Select(d => d.Path).ToList()
                : [];
            if (foreign.Count > 0)
            {
                plan.Refuse(StepKind.DistributeCertificateAuthorities, host, RefusalCause.NeedsManualAction,
                    $"{Wording.List(foreign)} on this running control plane differ from the authorities in HaKube's state store: HaKube does not replace a live cluster's " +
                        "CA; check --state-dir, or restore the files by hand");
                continue;
            }

            var drift = FileDrift.Describe(facts, desired);
            if (drift.Count > 0)
            {
                plan.Step(StepKind.DistributeCertificateAuthorities, [host], string.Join("; ", drift));
            }
        }
    }

    private static bool Differs(HostFacts facts, DesiredFile desired) =>
        facts.Files.TryGetValue(desired.Path, out var file) && file.Present && file.Sha256 != desired.Sha256;

    private static bool HeldByARunningControlPlane(PlanBuilder plan, List<string> controlPlanes, DesiredFile desired) =>
        controlPlanes.Any(c => plan.Reachable(c) is { ControlPlaneInitialized: true } f && f.Files.TryGetValue(desired.Path, out var file) && file.Present && file.Sha256 == desired.Sha256);

    private static string? Init(PlanBuilder plan, EtcdOutcome etcd, List<string> controlPlanes)
    {
        var unseen = controlPlanes.Where(h => plan.Reachable(h) is null).ToList();
        if (unseen.Count > 0)
        {
            plan.Refuse(null, RefusalCause.HostUnreachable, $"no reachable control plane is initialized and {Wording.List(unseen)} cannot be probed: kubeadm init waits, " +
                "since a control plane may already be initialized there");
            return null;
        }

        // A departing control plane that is initialized (or cannot be seen) may be where the cluster
        // lives now: a new cluster beside it would split it. Replace control planes while at least
        // one of the current ones stays in the spec.
        var leaving = plan.Leaving.Where(h => h.Roles.Contains(HostRole.ControlPlane) && plan.Reachable(h.Name) is not { ControlPlaneInitialized: false }).Select(h => h.Name).ToList();
        if (leaving.Count > 0)
        {
            plan.Refuse(StepKind.InitControlPlane, controlPlanes[0], RefusalCause.WouldBreakCluster,
                $"no control plane of the spec is initialized, but {Wording.List(leaving)}, which left the spec, may be (initialized or unreachable): the cluster may " +
                    "live there, and kubeadm init would start a second one; keep one of the current control planes in the spec until the new ones have joined");
            return null;
        }

        var first = controlPlanes[0];
        if (plan.WaitsForCleanup(StepKind.InitControlPlane, first))
        {
            return null;
        }

        var unfinished = controlPlanes.Where(h => plan.Reachable(h) is { KubeadmInitUnfinished: true }).ToList();
        if (!ResetUnfinished(plan, etcd.View, unfinished))
        {
            plan.Refuse(StepKind.InitControlPlane, first, RefusalCause.Blocked, $"kubeadm init waits until the unfinished init on {Wording.List(unfinished)} is reset (see why it is not)");
            return null;
        }

        var problems = Prerequisites(plan, etcd, first);
        var leftovers = unfinished.Contains(first) ? null : Leftovers(plan.Reachable(first)!, etcd.View, first);
        if (leftovers is not null)
        {
            problems.Add(new(RefusalCause.NeedsManualAction, leftovers));
        }

        if (problems.Count > 0)
        {
            plan.Refuse(StepKind.InitControlPlane, first, problems[0].Cause, $"no control plane is initialized, but kubeadm init cannot run: {Obstacle.Join(problems)}");
            return null;
        }

        plan.Step(StepKind.InitControlPlane, [first], unfinished.Count > 0
            ? $"no control plane initialized (the unfinished init on {Wording.List(unfinished)} is reset first)"
            : $"no control plane initialized (no {KnownPaths.AdminConf} on {Wording.List(controlPlanes)})");
        return first;
    }

    /// <summary>
    /// Plans ResetUnfinishedInit on each control plane where kubeadm init stopped half-way, as long
    /// as nothing can depend on what it started: no other spec host has joined (or cannot be seen),
    /// the stacked etcd cluster has no other member, and the API lists no other Node. Otherwise the
    /// reset is refused with what stands in the way. False when any reset is refused.
    /// </summary>
    private static bool ResetUnfinished(PlanBuilder plan, EtcdView view, List<string> unfinished)
    {
        var allPlanned = true;
        foreach (var host in unfinished)
        {
            var others = plan.Spec.Hosts.Where(h => h.Name != host && (h.Roles.Contains(HostRole.ControlPlane) || h.Roles.Contains(HostRole.Worker))).Select(h => h.Name).ToList();
            var problems = new List<Obstacle>();
            if (others.Where(h => plan.Reachable(h) is null).ToList() is { Count: > 0 } unseen)
            {
                problems.Add(new(RefusalCause.HostUnreachable, $"{Wording.List(unseen)} cannot be probed, and may have joined it"));
            }

            if (others.Where(h => plan.Reachable(h) is { KubeletConfigured: true }).ToList() is { Count: > 0 } joined)
            {
                problems.Add(new(RefusalCause.NeedsManualAction, $"{Wording.List(joined)} {(joined.Count == 1 ? "has" : "have")} {KnownPaths.KubeletConf} (joined or set up by hand)"));
            }

            if (plan.Spec.Etcd.Topology == EtcdTopology.Stacked &&
                view.Members.Where(m => !view.HostOfMember.TryGetValue(m.Id, out var h) || h != host).ToList() is { Count: > 0 } members)
            {
                problems.Add(new(RefusalCause.NeedsManualAction, $"the etcd cluster has other members ({Wording.List(members.Select(Wording.Member))})"));
            }

            if (plan.ListedNodes is { } nodes &&
                nodes.Where(n => n.Name != host).Select(n => n.Name).ToList() is { Count: > 0 } strangers)
            {
                problems.Add(new(RefusalCause.NeedsManualAction, $"the API lists other Nodes ({Wording.List(strangers)})"));
            }

            var what = $"kubeadm init on {host} stopped before it finished ({KnownPaths.KubeletConf} still embeds its client certificate, and etcd holds no kube-system/kubeadm-config)";
            if (problems.Count > 0)
            {
                plan.Refuse(StepKind.ResetUnfinishedInit, host, problems[0].Cause, $"{what}, but it is not reset: {Obstacle.Join(problems)}; finish or reset it by hand (kubeadm reset -f)");
                allPlanned = false;
            }
            else
            {
                plan.Step(StepKind.ResetUnfinishedInit, [host], $"{what}; nothing else has joined, so it is reset (kubeadm reset -f) and init runs again");
            }
        }

        return allPlanned;
    }

    /// <summary>
    /// What an earlier, unfinished init or reset left on the host that kubeadm init's preflight
    /// rejects (kubelet.conf, a running etcd member): a person decides whether to reset it.
    /// </summary>
    private static string? Leftovers(HostFacts facts, EtcdView view, string host)
    {
        var found = new List<string>();
        if (facts.KubeletConfigured)
        {
            found.Add(KnownPaths.KubeletConf);
        }

        if (view.Running.Contains(host))
        {
            found.Add("a running etcd member");
        }

        return found.Count == 0
            ? null
            : $"{host} has {string.Join(" and ", found)} but no {KnownPaths.AdminConf}: a node half initialized or half reset; reset it (kubeadm reset) if it holds nothing worth keeping";
    }

    private static void JoinExternal(PlanBuilder plan, EtcdOutcome etcd, List<string> waiting)
    {
        string? joining = null;
        foreach (var host in waiting.Where(h => !plan.WaitsForCleanup(StepKind.JoinControlPlane, h)))
        {
            var problems = Prerequisites(plan, etcd, host);
            if (problems.Count > 0)
            {
                plan.Refuse(StepKind.JoinControlPlane, host, problems[0].Cause, Obstacle.Join(problems));
            }
            else if (joining is not null)
            {
                // The kubeadm HA guide still joins control planes one at a time with external etcd.
                plan.Defer(StepKind.JoinControlPlane, host, $"not initialized; {joining} joins in this plan, and with external etcd control planes join one at a time");
            }
            else
            {
                joining = host;
                plan.Step(StepKind.JoinControlPlane, [host], $"not initialized (no {KnownPaths.AdminConf})");
            }
        }
    }

    private static void JoinStacked(PlanBuilder plan, EtcdView view, List<string> waiting, string? initTarget)
    {
        if (initTarget is not null)
        {
            foreach (var host in waiting.Where(h => !plan.WaitsForCleanup(StepKind.JoinControlPlane, h)))
            {
                plan.Defer(StepKind.JoinControlPlane, host, $"joins once {initTarget} is initialized: each stacked join adds an etcd member, one membership change at a time");
            }

            return;
        }

        var guard = QuorumGuard.CheckAdd(view);
        var etcd = new EtcdOutcome(view, true, null);
        string? joining = null;
        foreach (var host in waiting.Where(h => !plan.WaitsForCleanup(StepKind.JoinControlPlane, h)))
        {
            var problems = Prerequisites(plan, etcd, host);
            if (view.MemberOf(host) is { } stale)
            {
                plan.Refuse(StepKind.JoinControlPlane, host, RefusalCause.NeedsManualAction,
                    $"not initialized, yet the etcd cluster lists member {Wording.Member(stale)} for it (a join that failed half-way): remove it (etcdctl member remove " +
                        $"{stale.Id:x}) before it joins again");
            }
            else if (plan.MembershipChange is { } change && problems.Count == 0)
            {
                // The guard is judged again on the next plan's view, once this change is made.
                plan.Defer(StepKind.JoinControlPlane, host, $"not initialized; {change} in this plan, and a stacked join adds an etcd member: one membership change at a time");
            }
            else if (!guard.Allowed)
            {
                plan.Refuse(StepKind.JoinControlPlane, host, RefusalCause.QuorumGuard, $"not initialized, but joining adds an etcd member and {guard.Reason}");
            }
            else if (problems.Count > 0)
            {
                plan.Refuse(StepKind.JoinControlPlane, host, problems[0].Cause, Obstacle.Join(problems));
            }
            else if (joining is not null)
            {
                plan.Defer(StepKind.JoinControlPlane, host, $"not initialized; {joining} joins in this plan, and each stacked join adds an etcd member, one at a time");
            }
            else
            {
                joining = host;
                plan.Step(StepKind.JoinControlPlane, [host], $"not initialized (no {KnownPaths.AdminConf}); adds a stacked etcd member: {guard.Reason}", changesEtcdMembership: true);
            }
        }
    }
}
