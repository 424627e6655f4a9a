using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Model.Planning;

/// <summary>What the etcd phase leaves for the control-plane phase.</summary>
/// <param name="View">The cluster as observed.</param>
/// <param name="Available">External etcd will serve kube-apiserver once this plan ran: it has quorum now, or this plan bootstraps it.</param>
/// <param name="Problem">Why it is not available; null when it is.</param>
internal sealed record EtcdOutcome(EtcdView View, bool Available, string? Problem);

/// <summary>
/// External etcd's steps, in plan order: ConfigureEtcdMember, MigrateEtcdMember, BootstrapEtcd, StartEtcdMember,
/// AddEtcdMember. Restarts and membership changes go one per plan behind the quorum guard; starting a stopped
/// member never costs quorum, so it is planned even without one (it is how quorum comes back).
/// </summary>
internal static class EtcdPhase
{
    public static EtcdOutcome Plan(PlanBuilder plan)
    {
        var spec = plan.Spec;
        var hosts = spec.EtcdMembers();
        var view = EtcdView.Observe(plan.EtcdMemberHosts(), plan.Reachable);
        ReportStrangers(plan, view);
        if (spec.Etcd.Topology == EtcdTopology.Stacked)
        {
            return new EtcdOutcome(view, view.HasQuorum, view.HasQuorum ? null : QuorumGuard.CheckAdd(view).Reason);
        }

        Configure(plan, view, hosts);
        Migrate(plan, view, hosts);
        if (Bootstrap(plan, view, hosts))
        {
            return new EtcdOutcome(view, true, null);
        }

        Start(plan, view, hosts);
        Add(plan, view, hosts);
        return view.HasQuorum
            ? new EtcdOutcome(view, true, null)
            : new EtcdOutcome(view, false, QuorumGuard.CheckAdd(view).Reason);
    }

    /// <summary>The member's HaKube files are in place once this plan ran.</summary>
    public static bool Configured(PlanBuilder plan, string host) =>
        !plan.IsBlocked(StepKind.ConfigureEtcdMember, host) && !plan.IsBlocked(StepKind.PrepareHost, host) && !plan.IsBlocked(StepKind.MigrateEtcdMember, host);

    /// <summary>Debian's etcd-server default member runs (or left data) on the host, and PrepareHost stops it first.</summary>
    public static bool StrayDefault(HostFacts facts) =>
        !HostPreparation.HasFormerUnit(facts) && (Wording.IsActive(facts, "etcd") || facts.EtcdDefaultDataPresent);

    private static void Configure(PlanBuilder plan, EtcdView view, IReadOnlyList<HostSpec> hosts)
    {
        foreach (var host in hosts.Select(h => h.Name))
        {
            if (plan.Reachable(host) is not { } facts || plan.WaitsForCleanup(StepKind.ConfigureEtcdMember, host))
            {
                continue;
            }

            var desired = plan.DesiredFiles(host, StepKind.ConfigureEtcdMember);
            if (desired.Count == 0)
            {
                plan.Refuse(StepKind.ConfigureEtcdMember, host, RefusalCause.MissingDesiredState, "the desired state has no etcd configuration (certificates, kubelet and " +
                    "kubeadm files) for this member, so it cannot be set up");
                continue;
            }

            var exists = HostPreparation.MemberExists(facts);
            if (exists && UpgradeDue(plan.Spec, facts))
            {
                // The configuration names the version; moving it is UpgradeEtcdMember's, behind the upgrade's checks.
                desired = desired.Where(d => d.Path != KnownPaths.EtcdKubeadmConfig).ToList();
            }

            var drift = FileDrift.Describe(facts, desired).ToList();
            var edited = facts.IsPresent(KnownPaths.EtcdManifest) && facts.EtcdManifestRecord is { } record &&
                !string.Equals(facts.Files[KnownPaths.EtcdManifest].Sha256, record, StringComparison.OrdinalIgnoreCase);
            if (edited)
            {
                drift.Add($"{KnownPaths.EtcdManifest} is not the one kubeadm rendered for HaKube (edited): rendered again");
            }

            if (drift.Count == 0)
            {
                continue;
            }

            var reason = CertificatePhase.Renewal(plan.Spec, facts, desired) + string.Join("; ", drift);
            var restarts = facts.IsPresent(KnownPaths.EtcdManifest) && view.Running.Contains(host) && !HostPreparation.HasFormerUnit(facts) &&
                (edited || desired.Any(d =>
                    (d.Path.StartsWith(KnownPaths.Pki + "/etcd/", StringComparison.Ordinal) || d.Path == KnownPaths.EtcdKubeadmConfig) && FileDrift.Describe(facts, [d]).Count > 0));
            if (restarts)
            {
                if (RestartSlotTaken(plan, host, view, StepKind.ConfigureEtcdMember, reason, "etcd restarts", out var guardReason))
                {
                    continue;
                }

                reason += $"; its static pod restarts: {guardReason}";
            }

            plan.Step(StepKind.ConfigureEtcdMember, [host], reason);
        }
    }

    /// <summary>The member's kubeadm and kubelet are not at the spec's version: an etcd upgrade is due (or a downgrade refused) there.</summary>
    public static bool UpgradeDue(HaClusterSpec spec, HostFacts facts) =>
        !(facts.Versions.Kubeadm is { } kubeadm && HostPreparation.SameVersion(kubeadm, spec.KubernetesVersion));

    /// <summary>
    /// A running member restarts in this plan (configuration, move to a static pod): the one restart
    /// per plan, behind the guard. True when this one may not (deferred or refused, said so); else
    /// the guard's reason.
    /// </summary>
    private static bool RestartSlotTaken(PlanBuilder plan, string host, EtcdView view, StepKind kind, string reason, string what, out string guardReason)
    {
        guardReason = "";
        if (plan.EtcdRestart is { } other)
        {
            plan.Defer(kind, host, $"{reason}; {what}, and etcd on {other} restarts in this plan: running members restart one at a time");
            return true;
        }

        var guard = QuorumGuard.CheckRestart(view, host);
        if (!guard.Allowed)
        {
            plan.Refuse(kind, host, RefusalCause.QuorumGuard, $"{reason}, but {guard.Reason}");
            return true;
        }

        guardReason = guard.Reason;
        plan.EtcdRestart = host;
        return false;
    }

    private static void Migrate(PlanBuilder plan, EtcdView view, IReadOnlyList<HostSpec> hosts)
    {
        foreach (var host in hosts.Select(h => h.Name))
        {
            if (plan.Reachable(host) is not { } facts || !HostPreparation.HasFormerUnit(facts))
            {
                continue;
            }

            var what = $"etcd on {host} runs under HaKube's former systemd unit ({KnownPaths.EtcdUnit}), not as a kubeadm static pod";
            if (!facts.EtcdDataPresent)
            {
                plan.Refuse(StepKind.MigrateEtcdMember, host, RefusalCause.NeedsManualAction, $"{what}, but the host holds no member data " +
                    $"({KnownPaths.EtcdDataDirectory}/member): remove the unit by hand, then HaKube adds the host as a new member");
                continue;
            }

            if (!Configured(plan, host))
            {
                plan.Refuse(StepKind.MigrateEtcdMember, host, RefusalCause.Blocked, $"{what}, and the host cannot be set up for the static pod (see its other refusals)");
                continue;
            }

            if (RestartSlotTaken(plan, host, view, StepKind.MigrateEtcdMember, what, "moving it restarts it", out var guardReason))
            {
                continue;
            }

            var member = view.MemberOf(host) is { } m ? $"member {Wording.Member(m)}" : "its member";
            plan.Step(StepKind.MigrateEtcdMember, [host], $"{what}: {member} moves to /etc/kubernetes/manifests/etcd.yaml with its data and ID, the unit is stopped and " +
                $"removed; etcd restarts: {guardReason}");
        }
    }

    private static bool Bootstrap(PlanBuilder plan, EtcdView view, IReadOnlyList<HostSpec> hosts)
    {
        var strays = hosts.Where(h => plan.Reachable(h.Name) is { } f && StrayDefault(f)).Select(h => h.Name).ToList();
        if (view.Running.Except(strays).Any() || view.Members.Count > 0)
        {
            return false;
        }

        if (strays.Count > 0)
        {
            plan.Defer(StepKind.BootstrapEtcd, hosts[0].Name, $"Debian's default etcd member runs on {Wording.List(strays)} (or left its data) and is stopped first (PrepareHost)");
            return true;
        }

        // Departing member hosts count too: until they are removed they may hold the cluster's data.
        var unseen = plan.EtcdMemberHosts().Where(h => plan.Reachable(h.Name) is null).Select(h => h.Name).ToList();
        if (unseen.Count > 0)
        {
            plan.Refuse(null, RefusalCause.HostUnreachable, $"etcd runs on none of the reachable members and {Wording.List(unseen)} cannot be probed: no new cluster is " +
                "bootstrapped beside one that may run there");
            return false;
        }

        var withData = hosts.Where(h => plan.Reachable(h.Name) is { EtcdDataPresent: true }).Select(h => h.Name).ToList();
        if (withData.Count > 0)
        {
            foreach (var host in withData.Where(h => Configured(plan, h)))
            {
                plan.Step(StepKind.StartEtcdMember, [host], $"etcd runs on no member but {host} holds etcd data: the stopped cluster restarts from its data, never bootstrapped over it");
            }

            return true;
        }

        var first = hosts[0].Name;
        if (!Configured(plan, first))
        {
            plan.Refuse(StepKind.BootstrapEtcd, first, RefusalCause.Blocked, "the first etcd member cannot be set up (see its other refusals)");
            return false;
        }

        plan.Step(StepKind.BootstrapEtcd, [first], $"etcd runs on none of {Wording.List(hosts.Select(h => h.Name))}: a new one-member cluster starts on {first}");
        foreach (var other in hosts.Skip(1))
        {
            plan.Defer(StepKind.AddEtcdMember, other.Name, $"joins the cluster once it runs on {first}: one membership change at a time");
        }

        return true;
    }

    private static void Start(PlanBuilder plan, EtcdView view, IReadOnlyList<HostSpec> hosts)
    {
        foreach (var host in hosts.Select(h => h.Name))
        {
            if (plan.Reachable(host) is not { } facts || view.MemberOf(host) is not { } member || HostPreparation.HasFormerUnit(facts) || plan.AwaitsCleanup(host))
            {
                continue;
            }

            var running = view.Running.Contains(host);
            var kubelet = Wording.IsActive(facts, "kubelet");
            if (running && kubelet)
            {
                continue;
            }

            if (!Configured(plan, host))
            {
                continue;
            }

            var why = !running
                ? $"etcd does not run on {host}, which the cluster lists as member {Wording.Member(member)}" +
                    (facts.IsPresent(KnownPaths.EtcdManifest) ? $" (kubelet {Wording.State(facts, "kubelet")})" : $" ({KnownPaths.EtcdManifest} missing: rendered again)")
                : $"the kubelet on {host} is {Wording.State(facts, "kubelet")}: nothing restarts member {Wording.Member(member)}'s static pod if it stops";
            plan.Step(StepKind.StartEtcdMember, [host], why);
        }
    }

    private static void Add(PlanBuilder plan, EtcdView view, IReadOnlyList<HostSpec> hosts)
    {
        // A host that first gives up an old role joins after that (its ConfigureEtcdMember waits and says so).
        var missing = hosts.Select(h => h.Name).Where(h => view.MemberOf(h) is null && plan.Reachable(h) is not null && !plan.AwaitsCleanup(h)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var guard = QuorumGuard.CheckAdd(view);
        string? adding = null;
        foreach (var host in missing)
        {
            var facts = plan.Reachable(host)!;
            if (StrayDefault(facts))
            {
                plan.Defer(StepKind.AddEtcdMember, host, $"{host} is not an etcd member; Debian's default etcd member runs there (or left its data) and is stopped first (PrepareHost)");
            }
            else if (plan.MembershipChange is { } change && Configured(plan, host) && !Wording.IsActive(facts, "etcd") && facts.Etcd is null)
            {
                // The guard is judged again on the next plan's view, once this change is made.
                plan.Defer(StepKind.AddEtcdMember, host, $"{host} is not an etcd member; {change} in this plan, one membership change at a time");
            }
            else if (!guard.Allowed)
            {
                plan.Refuse(StepKind.AddEtcdMember, host, RefusalCause.QuorumGuard, $"{host} is not an etcd member, but {guard.Reason}");
            }
            else if (Wording.IsActive(facts, "etcd") || facts.Etcd is not null)
            {
                plan.Refuse(StepKind.AddEtcdMember, host, RefusalCause.NeedsManualAction,
                    $"etcd runs on {host} but the cluster does not list it as a member: a member of another cluster, or a failed add; stop it and clear its data directory before HaKube adds it");
            }
            else if (!Configured(plan, host))
            {
                plan.Refuse(StepKind.AddEtcdMember, host, RefusalCause.Blocked, $"{host} is not an etcd member and cannot be set up (see its other refusals)");
            }
            else if (adding is not null)
            {
                plan.Defer(StepKind.AddEtcdMember, host, $"{host} is not an etcd member; {adding} is added in this plan, one membership change at a time");
            }
            else
            {
                adding = host;
                plan.Step(StepKind.AddEtcdMember, [host],
                    $"{host} is not an etcd member (members: {Wording.List(view.Members.Select(Wording.Member))}); {guard.Reason}", changesEtcdMembership: true);
            }
        }
    }

    private static void ReportStrangers(PlanBuilder plan, EtcdView view)
    {
        foreach (var member in view.Members.Where(m => m.IsLearner && view.HostOfMember.ContainsKey(m.Id)))
        {
            plan.Refuse(view.HostOfMember[member.Id], RefusalCause.NeedsManualAction,
                $"etcd member {Wording.Member(member)} is a learner (not voting): a join stopped half-way; promote it (etcdctl member promote {member.Id:x}) or remove it");
        }
    }
}
