using System.Net;
using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Model.Planning;

/// <summary>
/// Hosts leaving the cluster, or giving up a role: stale etcd members, previous machines, load
/// balancers, control planes, external etcd members and workers removed, each behind the guards that keep
/// the cluster serving. Planned before the etcd and control-plane phases so a removal takes the plan's one membership change.
/// </summary>
internal static class MembershipPhase
{
    private static readonly string[] ResetUnits = ["kubelet", "etcd"];

    public static void Plan(PlanBuilder plan)
    {
        var view = EtcdView.Observe(plan.EtcdMemberHosts(), plan.Reachable);
        var anchor = plan.Spec.ControlPlanes().Select(h => h.Name).FirstOrDefault(h => plan.Reachable(h)?.ControlPlaneInitialized == true);
        RefusedRoleChanges(plan);
        LoadBalancers(plan, anchor);
        Stale(plan, view);
        PreviousMachines(plan, view);
        ControlPlanes(plan, view, anchor);
        EtcdMembers(plan, view, anchor);
        Workers(plan, anchor);
    }

    /// <summary>Role changes HaKube does not make in place: refused on the host, which is left as it runs.</summary>
    private static void RefusedRoleChanges(PlanBuilder plan)
    {
        foreach (var (host, change) in plan.RoleChanges.Where(c => c.Value.Unsupported is not null))
        {
            var wanted = plan.Spec.Hosts.First(h => h.Name == host).Roles;
            plan.Refuse(host, RefusalCause.NeedsManualAction, $"roles {Roles(plan.SetUpRoles(host) ?? [])} in the spec became {Roles(wanted)}; this change is not made in place: {change.Unsupported}");
        }
    }

    private static string Roles(IEnumerable<HostRole> roles) => "[" + string.Join(", ", roles) + "]";

    /// <summary>How a host leaving <paramref name="role"/> is said: "left the spec", or, for a host that stays, which role it gives up.</summary>
    private static string Leaves(PlanBuilder plan, string host, HostRole role) =>
        plan.Spec.Hosts.FirstOrDefault(h => h.Name == host) is { } kept
            ? $"stays in the spec as {Wording.List(kept.Roles.Select(r => r.ToString()))} and gives up its {role} role"
            : "left the spec";

    private static void LoadBalancers(PlanBuilder plan, string? anchor)
    {
        foreach (var host in plan.Leaving.Where(h => h.Roles.Contains(HostRole.LoadBalancer)))
        {
            var kept = plan.IsKept(host.Name);
            var leaves = Leaves(plan, host.Name, HostRole.LoadBalancer);
            var onlyLoadBalancer = host.Roles.All(r => r == HostRole.LoadBalancer);
            if (plan.Reachable(host.Name) is not { } facts)
            {
                // A host that stays in the spec is cleaned up once it answers (its unreachability is refused already).
                if (onlyLoadBalancer && !kept)
                {
                    plan.Step(StepKind.RemoveLoadBalancer, [host.Name], $"{host.Name} left the spec and is unreachable " +
                        $"({plan.Observed(host.Name)?.Error ?? "not probed"}): HAProxy cannot be stopped there, the host is gone; it is forgotten");
                }

                continue;
            }

            var running = facts.Services.TryGetValue("haproxy", out var state) && state is ServiceState.Active or ServiceState.Activating or ServiceState.Reloading;
            var configured = facts.IsPresent(KnownPaths.HaproxyConfig);
            if (!running)
            {
                // Nothing serves there: stopping it cannot cost the endpoint anything.
                if (onlyLoadBalancer || configured || kept)
                {
                    plan.Step(StepKind.RemoveLoadBalancer, [host.Name], $"{host.Name} {leaves}: haproxy {Wording.State(facts, "haproxy")} there; it is " +
                        $"disabled{(configured ? " and its HaKube-written haproxy.cfg moved aside" : "")}");
                }

                continue;
            }

            var endpoint = plan.Spec.ControlPlaneEndpoint;
            if (IPAddress.TryParse(endpoint.Host, out var endpointAddress) && IPAddress.TryParse(host.Address, out var address) && endpointAddress.Equals(address))
            {
                plan.Refuse(StepKind.RemoveLoadBalancer, host.Name, RefusalCause.NeedsManualAction, $"{leaves}, but spec.controlPlaneEndpoint.host {endpoint.Host} is its " +
                    $"address: every kubeconfig and join reaches the API there, so HAProxy keeps running on it; " +
                        $"{(kept ? "keep its LoadBalancer role" : "put it back in the spec")}, or give the endpoint an address that stays (a DNS name or virtual IP on the remaining load balancers)");
                continue;
            }

            var serving = plan.Spec.LoadBalancer.Hosts.Where(lb => Serves(plan, lb)).ToList();
            if (serving.Count > 0)
            {
                plan.Step(StepKind.RemoveLoadBalancer, [host.Name], $"{host.Name} {leaves}: HAProxy there is stopped and disabled and its HaKube-written haproxy.cfg " +
                    $"moved aside; {Wording.List(serving)} {(serving.Count == 1 ? "serves" : "serve")} the endpoint {endpoint.Host}:{endpoint.Port}");
                continue;
            }

            var starting = plan.Spec.LoadBalancer.Hosts.Where(lb => plan.IsPlanned(StepKind.ConfigureLoadBalancer, lb)).ToList();
            // A new load balancer that first gives up an old role of its own is set up in a later plan.
            var later = plan.Spec.LoadBalancer.Hosts
                .Where(lb => plan.AwaitsCleanup(lb, LoadBalancerPhase.HoldsTheEndpointPort) && plan.Reachable(lb) is not null && CanBeCleanedUp(plan, lb, anchor))
                .ToList();
            if (starting.Count > 0 || later.Count > 0)
            {
                var which = string.Join(" or ", new[]
                {
                    starting.Count > 0 ? $"{Wording.List(starting)} (configured in this plan)" : null,
                    later.Count > 0 ? $"{Wording.List(later)} (set up once its old role is cleaned up)" : null,
                }.OfType<string>());
                plan.Defer(StepKind.RemoveLoadBalancer, host.Name, $"{leaves}; HAProxy keeps running there until a probe sees {which} serve the endpoint: the endpoint moves first");
            }
            else
            {
                plan.Refuse(StepKind.RemoveLoadBalancer, host.Name, RefusalCause.WouldBreakCluster, $"{leaves}, but no load balancer of the spec " +
                    $"({Wording.List(plan.Spec.LoadBalancer.Hosts)}) serves the endpoint {endpoint.Host}:{endpoint.Port} (reachable, configured by HaKube and haproxy " +
                        "active), so HAProxy keeps running there and the API keeps its endpoint");
            }
        }
    }

    /// <summary>
    /// A load balancer of the spec that serves the endpoint: reachable, haproxy active when probed,
    /// and its files as HaKube keeps them - or reconfigured earlier in this plan, whose step fails
    /// the plan unless haproxy is then active and listening.
    /// </summary>
    private static bool Serves(PlanBuilder plan, string host) =>
        plan.Reachable(host) is { } facts && Wording.IsActive(facts, "haproxy") &&
        (plan.IsPlanned(StepKind.ConfigureLoadBalancer, host) || FileDrift.Describe(facts, plan.DesiredFiles(host, StepKind.ConfigureLoadBalancer)).Count == 0);

    /// <summary>A departing host whose HAProxy is not stopped yet keeps its other removals waiting: they forget it.</summary>
    private static bool WaitsForLoadBalancer(PlanBuilder plan, StepKind kind, string host)
    {
        if (!plan.IsBlocked(StepKind.RemoveLoadBalancer, host))
        {
            return false;
        }

        plan.Defer(kind, host, plan.IsKept(host)
            ? "its LoadBalancer role is cleaned up first (RemoveLoadBalancer waits), and this removal comes after it"
            : "left the spec; HAProxy there is stopped first (RemoveLoadBalancer waits), and this removal forgets the host");
        return true;
    }

    private static void Stale(PlanBuilder plan, EtcdView view)
    {
        var stale = view.Strangers.OrderBy(m => m.Id).ToList();
        if (stale.Count == 0)
        {
            return;
        }

        var where = plan.Spec.Etcd.Topology == EtcdTopology.Stacked ? "control plane" : "host in spec.etcd.hosts";
        var through = Through(plan, view);
        foreach (var member in stale)
        {
            var what = $"etcd member {Wording.Member(member)} at {Wording.List(member.PeerUrls)} runs on no {where} and on no departing host (its host is gone or was replaced)";
            var guard = QuorumGuard.CheckRemove(view, member.Id);
            if (!guard.Allowed)
            {
                plan.Refuse(null, RefusalCause.QuorumGuard, $"{what}; it is not removed: {guard.Reason}");
            }
            else if (through is null)
            {
                plan.Refuse(null, RefusalCause.Degraded, $"{what}; it is not removed: no reachable spec member is healthy to remove it through");
            }
            else if (plan.MembershipChange is { } change)
            {
                plan.Defer(StepKind.RemoveStaleEtcdMember, through, $"{what}; {change} in this plan, one membership change at a time");
            }
            else if (Follow(plan, view, member) is { } follow)
            {
                plan.Defer(StepKind.RemoveStaleEtcdMember, through, $"{what}; {follow}");
            }
            else if (Stranded(plan, view, member) is { } stranded)
            {
                plan.Refuse(StepKind.RemoveStaleEtcdMember, through, RefusalCause.WouldBreakCluster, $"{what}; {stranded}");
            }
            else
            {
                plan.Step(StepKind.RemoveStaleEtcdMember, [through], $"{what}: removed through {through}; {guard.Reason}", changesEtcdMembership: true, etcdMember: member.Id);
            }
        }
    }

    private static void PreviousMachines(PlanBuilder plan, EtcdView view)
    {
        var specAddresses = plan.Spec.Hosts.Select(h => h.Address).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var machine in plan.Previous)
        {
            var name = machine.Name;
            var key = machine.Key;
            if (specAddresses.Contains(machine.Address))
            {
                // The inventory never yields these; the planner checks once more, as resetting a spec host's machine cannot be undone.
                plan.Refuse(StepKind.ResetPreviousMachine, key, RefusalCause.WouldBreakCluster, $"{machine.Address} is the address of a host in the spec: that machine is " +
                    "never reset as a previous one");
                continue;
            }

            var what = $"{name} now lives at {plan.Spec.Hosts.FirstOrDefault(h => h.Name == name)?.Address ?? "no address (it left the spec)"}; its previous machine at {machine.Address}";
            if (plan.Reachable(key) is not { } facts)
            {
                var error = plan.Observed(key) is { } seen ? $"{seen.ErrorKind?.ToString() ?? "probe failed"}: {seen.Error}" : "not probed";
                plan.Step(StepKind.ResetPreviousMachine, [key], $"{what} is unreachable ({error}): nothing is done on it, it is forgotten (the machine is gone, or another one answers there)");
                continue;
            }

            if (view.Members.FirstOrDefault(m => m.PeerUrls.Any(u => PeersAt(u, machine.Address))) is { } member)
            {
                plan.Defer(StepKind.ResetPreviousMachine, key, $"{what} still runs etcd member {Wording.Member(member)}, which is removed first by ID as a stale member; " +
                    "kubeadm reset would remove it outside the quorum guard");
                continue;
            }

            if (plan.Spec.LoadBalancer.Provider == LoadBalancerProvider.HAProxy)
            {
                var stuck = plan.Spec.LoadBalancer.Hosts.Where(lb => plan.Reachable(lb) is not null && plan.IsBlocked(StepKind.ConfigureLoadBalancer, lb)).ToList();
                if (stuck.Count > 0)
                {
                    plan.Refuse(StepKind.ResetPreviousMachine, key, RefusalCause.Blocked, $"{what} is reset only once the HAProxy backends are configured from the spec, " +
                        $"and HAProxy on {Wording.List(stuck)} cannot be reconfigured");
                    continue;
                }
            }

            var running = ResetUnits.Where(unit => Wording.IsActive(facts, unit)).ToList();
            var left = facts.KubeletConfigured || facts.ControlPlaneInitialized || facts.StaticPodImages.Count > 0 || facts.EtcdDataPresent || facts.Etcd is not null || running.Count > 0
                ? $"still holds {(running.Count > 0 ? Wording.List(running) + " running and " : "")}kubeadm or etcd state: kubeadm reset -f there, kubelet and etcd " +
                    "stopped and disabled, static pods gone"
                : "holds nothing of the cluster any more: checked and forgotten";
            plan.Step(StepKind.ResetPreviousMachine, [key], $"{what} {left}; the Node {name} is kept (it is the new machine's) and no etcd member is touched");
        }
    }

    private static bool PeersAt(string url, string address) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && string.Equals(uri.Host.Trim('[', ']'), address.Trim('[', ']'), StringComparison.OrdinalIgnoreCase);

    private static void ControlPlanes(PlanBuilder plan, EtcdView view, string? anchor)
    {
        string? removing = null;
        foreach (var host in plan.Leaving.Where(h => h.Roles.Contains(HostRole.ControlPlane)).Select(h => h.Name))
        {
            // A host that stays in the spec is cleaned up once it answers: it is not gone.
            if ((plan.IsKept(host) && plan.Reachable(host) is null) || WaitsForLoadBalancer(plan, StepKind.RemoveControlPlane, host))
            {
                continue;
            }

            var leaves = Leaves(plan, host, HostRole.ControlPlane);

            var problems = new List<Obstacle>();
            if (anchor is null)
            {
                problems.Add(new(RefusalCause.Degraded, "no initialized control plane of the spec is reachable to drain it and delete its Node from"));
            }

            if (plan.Spec.LoadBalancer.Provider == LoadBalancerProvider.HAProxy)
            {
                var stuck = plan.Spec.LoadBalancer.Hosts.Where(lb => plan.Reachable(lb) is not null && plan.IsBlocked(StepKind.ConfigureLoadBalancer, lb)).ToList();
                if (stuck.Count > 0)
                {
                    problems.Add(new(RefusalCause.Blocked, $"HAProxy on {Wording.List(stuck)} cannot be reconfigured, and a departing control plane leaves the backends before it is reset"));
                }
            }

            var member = plan.Spec.Etcd.Topology == EtcdTopology.Stacked ? view.MemberOf(host) : null;
            var membership = "";
            if (member is not null)
            {
                var guard = QuorumGuard.CheckRemove(view, member.Id);
                if (!guard.Allowed)
                {
                    problems.Add(new(RefusalCause.QuorumGuard, $"its etcd member cannot be removed: {guard.Reason}"));
                }
                else if (Through(plan, view) is null)
                {
                    problems.Add(new(RefusalCause.Degraded, "no reachable spec member is healthy to remove its etcd member through"));
                }
                else if (plan.MembershipChange is { } change)
                {
                    plan.Defer(StepKind.RemoveControlPlane, host, $"{leaves}; {change} in this plan, one membership change at a time");
                    continue;
                }

                membership = $"; its etcd member {Wording.Member(member)} is removed: {guard.Reason}";
            }

            if (problems.Count > 0)
            {
                plan.Refuse(StepKind.RemoveControlPlane, host, problems[0].Cause, $"{leaves}, but {Obstacle.Join(problems)}");
            }
            else if (removing is not null)
            {
                plan.Defer(StepKind.RemoveControlPlane, host, $"{leaves}; {removing} is removed in this plan, control planes leave one at a time");
            }
            else
            {
                removing = host;
                var backends = plan.Spec.LoadBalancer.Provider == LoadBalancerProvider.HAProxy ? "; it has left the HAProxy backends (configured from the spec) before this step" : "";
                plan.Step(StepKind.RemoveControlPlane, [host], $"{host} {leaves}: {Wording.Drained(plan.Spec)}{backends}{membership}; {Reset(plan, host)}; its Node is deleted through {anchor}",
                    changesEtcdMembership: member is not null);
            }
        }
    }

    private static void EtcdMembers(PlanBuilder plan, EtcdView view, string? anchor)
    {
        if (plan.Spec.Etcd.Topology != EtcdTopology.External)
        {
            return;
        }

        foreach (var host in plan.Leaving.Where(h => h.Roles.Contains(HostRole.Etcd) && !h.Roles.Contains(HostRole.ControlPlane)).Select(h => h.Name))
        {
            if ((plan.IsKept(host) && plan.Reachable(host) is null) || WaitsForLoadBalancer(plan, StepKind.RemoveEtcdMember, host))
            {
                continue;
            }

            var leaves = Leaves(plan, host, HostRole.Etcd);
            if (view.MemberOf(host) is not { } member)
            {
                var leftovers = plan.Reachable(host) is { } facts && (Wording.IsActive(facts, "etcd") || facts.EtcdDataPresent || facts.IsPresent(KnownPaths.EtcdManifest))
                    ? "etcd is stopped and its data moved aside"
                    : plan.Reachable(host) is null ? "it is unreachable, so nothing is done on it" : "nothing is left on it";
                plan.Step(StepKind.RemoveEtcdMember, [host], $"{host} {leaves} and is no longer an etcd member: {leftovers}");
                continue;
            }

            var guard = QuorumGuard.CheckRemove(view, member.Id);
            var through = Through(plan, view);
            if (!guard.Allowed)
            {
                plan.Refuse(StepKind.RemoveEtcdMember, host, RefusalCause.QuorumGuard, $"{leaves}, but {guard.Reason}");
            }
            else if (through is null)
            {
                plan.Refuse(StepKind.RemoveEtcdMember, host, RefusalCause.Degraded, $"{leaves}, but no reachable spec member is healthy to remove it through");
            }
            else if (plan.MembershipChange is { } change)
            {
                plan.Defer(StepKind.RemoveEtcdMember, host, $"{leaves}; {change} in this plan, one membership change at a time");
            }
            else if (view.HealthyMembers.Contains(member.Id) && Joining(plan, view, anchor) is { Count: > 0 } joining)
            {
                plan.Defer(StepKind.RemoveEtcdMember, host, $"{leaves}; {Wording.List(joining)} join(s) the cluster first, so that replacing members never shrinks it " +
                    "below its size (a healthy member leaves only once its replacement is in)");
            }
            else if (Follow(plan, view, member) is { } follow)
            {
                plan.Defer(StepKind.RemoveEtcdMember, host, $"{leaves}; {follow}");
            }
            else if (Stranded(plan, view, member) is { } stranded)
            {
                plan.Refuse(StepKind.RemoveEtcdMember, host, RefusalCause.WouldBreakCluster, $"{leaves}, but {stranded}");
            }
            else
            {
                var after = plan.Reachable(host) is null ? "it is unreachable, so etcd is not stopped there (it is gone)" : "then etcd is stopped there and its data moved aside";
                plan.Step(StepKind.RemoveEtcdMember, [host], $"{host} {leaves}: member {Wording.Member(member)} removed through {through}, {guard.Reason}; {after}", changesEtcdMembership: true);
            }
        }
    }

    private static void Workers(PlanBuilder plan, string? anchor)
    {
        var workers = plan.Leaving
            .Where(h => h.Roles.Contains(HostRole.Worker) && !h.Roles.Contains(HostRole.ControlPlane))
            .Select(h => h.Name)
            .Where(h => !(plan.IsKept(h) && plan.Reachable(h) is null) && !WaitsForLoadBalancer(plan, StepKind.RemoveWorker, h))
            .ToList();
        if (workers.Count == 0)
        {
            return;
        }

        if (anchor is null)
        {
            foreach (var host in workers)
            {
                plan.Refuse(StepKind.RemoveWorker, host, RefusalCause.Degraded, $"{Leaves(plan, host, HostRole.Worker)}, but no initialized control plane of the spec is " +
                    "reachable to drain it and delete its Node from");
            }

            return;
        }

        var departed = workers.Where(h => !plan.IsKept(h)).ToList();
        var who = string.Join("; ", new[] { departed.Count > 0 ? $"{Wording.List(departed)} left the spec" : null }
            .Concat(workers.Where(plan.IsKept).Select(h => $"{h} {Leaves(plan, h, HostRole.Worker)}"))
            .OfType<string>());
        plan.Step(StepKind.RemoveWorker, workers, $"{who}: cordoned and {Wording.Drained(plan.Spec)} through {anchor}; " +
            $"{string.Join("; ", workers.Select(h => Reset(plan, h)))}; their Nodes are deleted");
    }

    /// <summary>
    /// Spec etcd hosts (External) that are not members yet and can join now (reachable, host
    /// preparation not refused, the guard allows an add), or once their old role is cleaned up when
    /// that can be done (a worker node's reset needs a control plane to drain through; a load
    /// balancer's removal is planned already): they are added before a healthy departing member
    /// leaves. One that cannot join does not hold the removal up.
    /// </summary>
    private static List<string> Joining(PlanBuilder plan, EtcdView view, string? anchor) =>
        QuorumGuard.CheckAdd(view).Allowed
            ? plan.Spec.EtcdMembers().Select(h => h.Name)
                .Where(h => view.MemberOf(h) is null && plan.Reachable(h) is not null && !plan.IsBlocked(StepKind.PrepareHost, h))
                .Where(h => !plan.AwaitsCleanup(h) || CanBeCleanedUp(plan, h, anchor))
                .ToList()
            : [];

    /// <summary>
    /// Whether the old roles of <paramref name="host"/> (a spec host whose roles changed) can be
    /// cleaned up in this plan, as far as can be told before their rules run: a worker node's or
    /// control plane's reset needs a control plane to drain through, a load balancer's removal must
    /// be planned already. An etcd member's removal depends on the guard: not counted on.
    /// </summary>
    private static bool CanBeCleanedUp(PlanBuilder plan, string host, string? anchor) =>
        plan.RoleChanges[host].Retiring.All(r => r switch
        {
            HostRole.LoadBalancer => plan.IsPlanned(StepKind.RemoveLoadBalancer, host),
            HostRole.Etcd => false,
            _ => anchor is not null,
        });

    /// <summary>
    /// External etcd: the control planes that still name a healthy leaving <paramref name="member"/>
    /// in --etcd-servers and can be pointed at spec.etcd.hosts now (every spec host is a member, etcd
    /// has quorum, their kubelet runs): they move first, in this plan, so that an API server never
    /// leans on fewer members than the spec has (worded as a reason to wait); null otherwise.
    /// </summary>
    private static string? Follow(PlanBuilder plan, EtcdView view, EtcdMember member)
    {
        if (plan.Spec.Etcd.Topology != EtcdTopology.External || !view.HealthyMembers.Contains(member.Id) || !view.HasQuorum
            || plan.Spec.EtcdMembers().Any(h => view.MemberOf(h.Name) is null))
        {
            return null;
        }

        var urls = member.ClientUrls.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var naming = EtcdServersPhase.ApiServers(plan)
            .Where(a => a.Servers.Any(urls.Contains) && Wording.IsActive(a.Facts, "kubelet"))
            .Select(a => a.Facts.Host)
            .ToList();
        return naming.Count == 0
            ? null
            : $"kube-apiserver on {Wording.List(naming)} still names it in --etcd-servers, and UpdateEtcdServers points the control planes at spec.etcd.hosts first";
    }

    /// <summary>
    /// External etcd: the control planes whose kube-apiserver would be left with no healthy member in
    /// its --etcd-servers once <paramref name="member"/> is gone (worded as a reason to wait for
    /// UpdateEtcdServers); null when none would, the member is not healthy (nobody reaches etcd
    /// through it now), or etcd is stacked.
    /// </summary>
    private static string? Stranded(PlanBuilder plan, EtcdView view, EtcdMember member)
    {
        if (plan.Spec.Etcd.Topology != EtcdTopology.External || !view.HealthyMembers.Contains(member.Id))
        {
            return null;
        }

        var others = view.Members
            .Where(m => m.Id != member.Id && view.HealthyMembers.Contains(m.Id))
            .SelectMany(m => m.ClientUrls)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var stranded = EtcdServersPhase.ApiServers(plan)
            .Where(a => !a.Servers.Any(others.Contains))
            .Select(a => a.Facts.Host)
            .ToList();
        return stranded.Count == 0
            ? null
            : $"kube-apiserver on {Wording.List(stranded)} reaches etcd only through {Wording.Member(member)} (--etcd-servers names no other healthy member), so it stays " +
                "until UpdateEtcdServers points the control planes at spec.etcd.hosts";
    }

    /// <summary>A reachable spec member whose etcd is healthy, to run etcdctl member remove on.</summary>
    private static string? Through(PlanBuilder plan, EtcdView view) =>
        plan.Spec.EtcdMembers().Select(h => h.Name).FirstOrDefault(h => view.MemberOf(h) is { } m && view.HealthyMembers.Contains(m.Id));

    private static string Reset(PlanBuilder plan, string host) => plan.Reachable(host) switch
    {
        null => $"{host} is unreachable ({plan.Observed(host)?.Error ?? "not probed"}): kubeadm reset is skipped there, the host is gone",
        { KubeletConfigured: false, ControlPlaneInitialized: false } => $"{host} holds no kubeadm state: nothing to reset",
        _ => $"kubeadm reset -f on {host}",
    };
}
