using HaKube.Model.Api;
using HaKube.Model.Planning;

namespace HaKube.Reconciler.Planning;

/// <summary>
/// ConfigureLoadBalancer on each reachable HAProxy host whose HaKube-written files differ or whose
/// haproxy is not active; and the question every join asks: will the control-plane endpoint answer?
/// </summary>
internal static class LoadBalancerPhase
{
    public static void Plan(PlanBuilder plan)
    {
        var spec = plan.Spec;
        if (spec.LoadBalancer.Provider != LoadBalancerProvider.HAProxy)
        {
            return;
        }

        foreach (var host in spec.LoadBalancer.Hosts)
        {
            if (plan.Reachable(host) is not { } facts)
            {
                continue;
            }

            var desired = plan.DesiredFiles(host, StepKind.ConfigureLoadBalancer);
            if (desired.Count == 0)
            {
                plan.Refuse(StepKind.ConfigureLoadBalancer, host, "the desired state has no HAProxy configuration for this host, so there is nothing to compare or write");
                continue;
            }

            var reasons = FileDrift.Describe(facts, desired).ToList();
            if (!Wording.IsActive(facts, "haproxy"))
            {
                reasons.Add($"haproxy {Wording.State(facts, "haproxy")}");
            }

            if (reasons.Count > 0)
            {
                plan.Step(StepKind.ConfigureLoadBalancer, [host], string.Join("; ", reasons));
            }
        }
    }

    /// <summary>
    /// Why kubeadm could not reach the control-plane endpoint once this plan ran, or null when it
    /// can: with HAProxy, at least one load balancer host must be reachable and configurable. A
    /// user-provided (External) load balancer, as HaKube observed it: its name must resolve, and
    /// once a control plane is initialized it must accept connections (before that, "connection
    /// refused" is what the kubeadm guide expects). Not observed: taken on trust.
    /// </summary>
    public static string? EndpointProblem(PlanBuilder plan)
    {
        var spec = plan.Spec;
        if (spec.LoadBalancer.Provider != LoadBalancerProvider.HAProxy)
        {
            return plan.Endpoint switch
            {
                { Resolves: false } e => $"the control-plane endpoint (External load balancer) does not resolve: {e.Error}",
                { Answers: false } e when spec.ControlPlanes().Any(c => plan.Reachable(c.Name)?.ControlPlaneInitialized == true) =>
                    $"the control-plane endpoint (External load balancer) does not answer, so kubeadm join cannot reach kube-apiserver through it: {e.Error}",
                _ => null,
            };
        }

        var serving = spec.LoadBalancer.Hosts.Where(h => plan.Reachable(h) is not null && !plan.IsBlocked(StepKind.ConfigureLoadBalancer, h));
        return serving.Any()
            ? null
            : $"the control-plane endpoint {spec.ControlPlaneEndpoint.Host}:{spec.ControlPlaneEndpoint.Port} is served by HAProxy on {Wording.List(spec.LoadBalancer.Hosts)}, and none of them is reachable and configurable";
    }
}
