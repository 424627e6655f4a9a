using HaKube.Model.Api;
using HaKube.Model.Facts;
using HaKube.Model.Inventory;

namespace HaKube.Model.Planning;

/// <summary>
/// The planner: a pure, deterministic function from (spec, host facts, desired files) to a
/// <see cref="Model.Planning.Plan"/>, its phases in the order the kubeadm HA guide needs. Nothing is
/// planned on a host whose probe failed; a paused cluster gets no steps, only a refusal that counts them.
/// </summary>
public static class Planner
{
    /// <param name="cluster">The desired cluster.</param>
    /// <param name="facts">What the probe saw on each host.</param>
    /// <param name="desired">The files HaKube keeps on each host, by hash.</param>
    /// <param name="endpoint">A user-provided (External) load balancer as observed from HaKube; null when not observed.</param>
    /// <param name="departing">Hosts HaKube set up that left the spec (their facts are in <paramref name="facts"/>): removed by <see cref="MembershipPhase"/>.</param>
    /// <param name="setUpRoles">The roles HaKube set up on spec hosts whose spec roles now differ (from the inventory): the old roles are cleaned up first, or the change is refused.</param>
    /// <param name="previous">Previous machines of hosts replaced at a new address (their facts are in <paramref name="facts"/> under their keys): reset by <see cref="MembershipPhase"/>.</param>
    public static Plan Plan(
        HaCluster cluster, IReadOnlyDictionary<string, HostFacts> facts, DesiredState desired, EndpointFacts? endpoint = null,
        IReadOnlyList<HostSpec>? departing = null, IReadOnlyDictionary<string, IReadOnlyList<HostRole>>? setUpRoles = null,
        IReadOnlyList<PreviousMachine>? previous = null)
    {
        var spec = cluster.Spec;
        var plan = new PlanBuilder(spec, UnfinishedInit.Mark(spec, facts), desired, endpoint, departing, setUpRoles, previous);
        foreach (var host in spec.Hosts)
        {
            if (plan.Reachable(host.Name) is null)
            {
                plan.Refuse(host.Name, RefusalCause.HostUnreachable, Unreachable(plan.Observed(host.Name)));
            }
        }

        HostPreparation.Plan(plan);
        KubeletPhase.Plan(plan);
        LoadBalancerPhase.Plan(plan);
        MembershipPhase.Plan(plan);
        LoadBalancerPhase.WaitForCleanup(plan);
        var etcd = EtcdPhase.Plan(plan);
        var anchor = ControlPlanePhase.Plan(plan, etcd);
        WorkloadPhase.Plan(plan, anchor);
        CertificatePhase.Plan(plan, etcd);
        EtcdServersPhase.Plan(plan, etcd);
        UpgradePhase.Plan(plan, etcd);
        NodeLabelPhase.Plan(plan, anchor);
        return plan.Build();
    }

    private static string Unreachable(HostFacts? facts) => facts switch
    {
        null => "not probed: there are no facts for this host, so nothing is planned on it",
        { Error: { } error } => $"unreachable ({facts.ErrorKind?.ToString() ?? "probe failed"}): {error}; nothing is planned on this host",
        _ => $"unreachable ({facts.ErrorKind?.ToString() ?? "probe failed"}); nothing is planned on this host",
    };
}
