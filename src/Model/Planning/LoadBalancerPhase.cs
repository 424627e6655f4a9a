using HaKube.Model.Api;

namespace HaKube.Model.Planning;

/// <summary>
/// ConfigureLoadBalancer on each reachable HAProxy host whose HaKube-written files differ, whose
/// haproxy is not active or keeps a control plane in maintenance; and the question every join asks: will the control-plane endpoint answer?
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
            // A host that gives up a control plane first is configured after that (see WaitForCleanup).
            if (plan.Reachable(host) is not { } facts || plan.AwaitsCleanup(host, HoldsTheEndpointPort))
            {
                continue;
            }

            var desired = plan.DesiredFiles(host, StepKind.ConfigureLoadBalancer);
            if (desired.Count == 0)
            {
                plan.Refuse(StepKind.ConfigureLoadBalancer, host, RefusalCause.MissingDesiredState, "the desired state has no HAProxy configuration for this host, so " +
                    "there is nothing to compare or write");
                continue;
            }

            var reasons = FileDrift.Describe(facts, desired).ToList();
            if (!Wording.IsActive(facts, "haproxy"))
            {
                reasons.Add($"haproxy {Wording.State(facts, "haproxy")}");
            }

            if (facts.HaproxyServersInMaintenance.Count > 0)
            {
                reasons.Add($"HAProxy keeps {Wording.List(facts.HaproxyServersInMaintenance)} in maintenance, where a restart HaKube began and did not finish left them");
            }

            if (reasons.Count > 0)
            {
                plan.Step(StepKind.ConfigureLoadBalancer, [host], string.Join("; ", reasons));
            }
        }
    }

    /// <summary>
    /// HAProxy hosts of the spec that first give up a control plane (kube-apiserver may hold the
    /// endpoint's port there until its reset): configured once that is done. Planned after
    /// <see cref="MembershipPhase"/>, which plans the cleanup.
    /// </summary>
    public static void WaitForCleanup(PlanBuilder plan)
    {
        if (plan.Spec.LoadBalancer.Provider != LoadBalancerProvider.HAProxy)
        {
            return;
        }

        foreach (var host in plan.Spec.LoadBalancer.Hosts.Where(h => plan.Reachable(h) is not null))
        {
            plan.WaitsForCleanup(StepKind.ConfigureLoadBalancer, host, HoldsTheEndpointPort);
        }
    }

    /// <summary>
    /// The old role whose cleanup HAProxy waits for: only a control plane's kube-apiserver can hold
    /// the endpoint's port. A retiring worker or etcd member shares the host with HAProxy until its
    /// own cleanup, which must not wait for the load balancer in turn: a worker is drained through
    /// a control plane, and the first control plane may need this very endpoint to initialize.
    /// </summary>
    internal static bool HoldsTheEndpointPort(HostRole role) => role == HostRole.ControlPlane;

    /// <summary>
    /// Why kubeadm could not reach the control-plane endpoint once this plan ran; null when it can. A user's
    /// (External) load balancer is taken as HaKube observed it, or on trust when not observed.
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

        var serving = spec.LoadBalancer.Hosts.Where(h => plan.Reachable(h) is not null && !plan.AwaitsCleanup(h, HoldsTheEndpointPort) && !plan.IsBlocked(StepKind.ConfigureLoadBalancer, h));
        // A load balancer on its way out keeps serving until one of the spec does (its removal waits for that).
        var leaving = plan.Leaving.Where(h =>
            h.Roles.Contains(HostRole.LoadBalancer) && !plan.IsPlanned(StepKind.RemoveLoadBalancer, h.Name) && plan.Reachable(h.Name) is { } f && Wording.IsActive(f, "haproxy"));
        return serving.Any() || leaving.Any()
            ? null
            : $"the control-plane endpoint {spec.ControlPlaneEndpoint.Host}:{spec.ControlPlaneEndpoint.Port} is served by HAProxy on " +
                $"{Wording.List(spec.LoadBalancer.Hosts)}, and none of them is reachable and configurable";
    }
}
