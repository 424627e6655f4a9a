using HaKube.Model.Api;

namespace HaKube.Model.Planning;

/// <summary>
/// StartKubelet on each reachable joined node whose kubelet is not active: without it a node runs no static
/// pods. Restarting a member's process is no membership change, so the quorum guard is not involved.
/// </summary>
internal static class KubeletPhase
{
    public static void Plan(PlanBuilder plan)
    {
        foreach (var host in plan.Spec.Hosts.Where(h => h.Roles.Contains(HostRole.ControlPlane) || h.Roles.Contains(HostRole.Worker)))
        {
            // A node that gives up its old kind (worker or control plane) is reset before it joins again.
            if (plan.Reachable(host.Name) is not { KubeletConfigured: true } facts || Wording.IsActive(facts, "kubelet") || plan.AwaitsCleanup(host.Name))
            {
                continue;
            }

            if (plan.IsBlocked(StepKind.PrepareHost, host.Name))
            {
                plan.Refuse(StepKind.StartKubelet, host.Name, RefusalCause.Blocked, $"kubelet {Wording.State(facts, "kubelet")}, but the host cannot be prepared, so it is not started");
                continue;
            }

            var what = host.Roles.Contains(HostRole.ControlPlane) && plan.Spec.Etcd.Topology == EtcdTopology.Stacked
                ? "its static pods (the stacked etcd member, the API server) are not kept running"
                : "its static pods and the node's heartbeat are not kept running";
            plan.Step(StepKind.StartKubelet, [host.Name], $"kubelet {Wording.State(facts, "kubelet")} on a joined node: {what}");
        }
    }
}
