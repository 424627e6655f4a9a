using HaKube.Model.Api;
using HaKube.Model.Planning;

namespace HaKube.Reconciler.Planning;

/// <summary>What the etcd phase leaves for the control-plane phase.</summary>
/// <param name="View">The cluster as observed.</param>
/// <param name="Available">External etcd will serve kube-apiserver once this plan ran: it has quorum now, or this plan bootstraps it.</param>
/// <param name="Problem">Why it is not available; null when it is.</param>
internal sealed record EtcdOutcome(EtcdView View, bool Available, string? Problem);

/// <summary>
/// The etcd steps, in plan order: ConfigureEtcdMember, BootstrapEtcd, StartEtcdMember,
/// AddEtcdMember (External only; Stacked etcd is kubeadm's and changes only through control-plane
/// joins). Rules:
/// <list type="bullet">
/// <item>ConfigureEtcdMember where the member's HaKube files differ. Where etcd runs, rewriting
/// them restarts it: behind the guard, one running member per plan.</item>
/// <item>BootstrapEtcd on the first member (spec order) only when every member host was probed,
/// etcd runs on none and none holds etcd data: a new cluster beside one that may run on a host
/// nobody can see would split the data, and one bootstrapped over a stopped cluster's data would
/// lose it. A cluster stopped everywhere is restarted from its data instead (StartEtcdMember on
/// every member host that has data: starting members never costs quorum).</item>
/// <item>StartEtcdMember where the membership has the host's member but its etcd is not active.
/// Starting a member never costs quorum, so it is planned even when quorum is lost (it is how
/// quorum comes back).</item>
/// <item>AddEtcdMember for the first spec member missing from the membership, behind the guard;
/// the others are deferred (one membership change per plan). Never in the plan that bootstraps.</item>
/// <item>Members that match no host are removed by <see cref="MembershipPhase"/>, which runs first
/// and may take the plan's one membership change: an add then waits. Learners are refused, not
/// promoted: they count against quorum until a person acts.</item>
/// </list>
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
        !plan.IsBlocked(StepKind.ConfigureEtcdMember, host) && !plan.IsBlocked(StepKind.PrepareHost, host);

    private static void Configure(PlanBuilder plan, EtcdView view, IReadOnlyList<HostSpec> hosts)
    {
        string? restarting = null;
        foreach (var host in hosts.Select(h => h.Name))
        {
            if (plan.Reachable(host) is not { } facts || plan.WaitsForCleanup(StepKind.ConfigureEtcdMember, host))
            {
                continue;
            }

            var desired = plan.DesiredFiles(host, StepKind.ConfigureEtcdMember);
            if (desired.Count == 0)
            {
                plan.Refuse(StepKind.ConfigureEtcdMember, host, "the desired state has no etcd configuration (certificates, unit) for this member, so it cannot be set up");
                continue;
            }

            var drift = FileDrift.Describe(facts, desired);
            if (drift.Count == 0)
            {
                continue;
            }

            var reason = CertificatePhase.Renewal(plan.Spec, facts, desired) + string.Join("; ", drift);
            if (Wording.IsActive(facts, "etcd"))
            {
                if (restarting is not null)
                {
                    plan.Defer(StepKind.ConfigureEtcdMember, host, $"{reason}; etcd on {restarting} restarts in this plan, and running members restart one at a time");
                    continue;
                }

                var guard = QuorumGuard.CheckRestart(view, host);
                if (!guard.Allowed)
                {
                    plan.Refuse(StepKind.ConfigureEtcdMember, host, $"{reason}, but {guard.Reason}");
                    continue;
                }

                restarting = host;
                reason += $"; etcd restarts: {guard.Reason}";
            }

            plan.Step(StepKind.ConfigureEtcdMember, [host], reason);
        }
    }

    private static bool Bootstrap(PlanBuilder plan, EtcdView view, IReadOnlyList<HostSpec> hosts)
    {
        if (view.Running.Count > 0 || view.Members.Count > 0)
        {
            return false;
        }

        // Departing member hosts count too: until they are removed they may hold the cluster's data.
        var unseen = plan.EtcdMemberHosts().Where(h => plan.Reachable(h.Name) is null).Select(h => h.Name).ToList();
        if (unseen.Count > 0)
        {
            plan.Refuse(null, $"etcd runs on none of the reachable members and {Wording.List(unseen)} cannot be probed: no new cluster is bootstrapped beside one that may run there");
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
            plan.Refuse(StepKind.BootstrapEtcd, first, "the first etcd member cannot be set up (see its other refusals)");
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
            if (plan.Reachable(host) is not { } facts || view.MemberOf(host) is not { } member || Wording.IsActive(facts, "etcd") || plan.AwaitsCleanup(host))
            {
                continue;
            }

            if (Configured(plan, host))
            {
                plan.Step(StepKind.StartEtcdMember, [host], $"etcd {Wording.State(facts, "etcd")} on {host}, which the cluster lists as member {Wording.Member(member)}");
            }
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
            if (plan.MembershipChange is { } change && Configured(plan, host) && !Wording.IsActive(facts, "etcd") && facts.Etcd is null)
            {
                // The guard is judged again on the next plan's view, once this change is made.
                plan.Defer(StepKind.AddEtcdMember, host, $"{host} is not an etcd member; {change} in this plan, one membership change at a time");
            }
            else if (!guard.Allowed)
            {
                plan.Refuse(StepKind.AddEtcdMember, host, $"{host} is not an etcd member, but {guard.Reason}");
            }
            else if (Wording.IsActive(facts, "etcd") || facts.Etcd is not null)
            {
                plan.Refuse(StepKind.AddEtcdMember, host,
                    $"etcd runs on {host} but the cluster does not list it as a member: a member of another cluster, or a failed add; stop it and clear its data directory before HaKube adds it");
            }
            else if (!Configured(plan, host))
            {
                plan.Refuse(StepKind.AddEtcdMember, host, $"{host} is not an etcd member and cannot be set up (see its other refusals)");
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
            plan.Refuse(view.HostOfMember[member.Id],
                $"etcd member {Wording.Member(member)} is a learner (not voting): a join stopped half-way; promote it (etcdctl member promote {member.Id:x}) or remove it");
        }
    }
}
