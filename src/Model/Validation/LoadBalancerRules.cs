using HaKube.Model.Api;

namespace HaKube.Model.Validation;

internal static class LoadBalancerRules
{
    public static void Check(ValidationScope scope)
    {
        var spec = scope.Spec;
        var loadBalancer = spec.LoadBalancer;
        if (loadBalancer.Provider == LoadBalancerProvider.External)
        {
            if (loadBalancer.Hosts.Count > 0)
            {
                scope.Error("spec.loadBalancer.hosts", "an External load balancer is not configured by HaKube; expected no hosts, or provider: HAProxy");
            }

            foreach (var host in spec.HostsWithRole(HostRole.LoadBalancer))
            {
                scope.Error($"spec.hosts[{scope.HostIndex(host.Name)}].roles",
                    $"host {HaKube.Model.Values.Printable.Quote(host.Name)} has role LoadBalancer but spec.loadBalancer.provider is External; expected provider: HAProxy");
            }

            return;
        }

        if (loadBalancer.Hosts.Count == 0)
        {
            scope.Error("spec.loadBalancer.hosts", "HAProxy needs a host to run on; expected at least one host with role LoadBalancer");
            return;
        }

        ReferenceRules.CheckReferences(scope, loadBalancer.Hosts, "spec.loadBalancer.hosts", HostRole.LoadBalancer);

        // kube-apiserver owns 6443 on a control plane, so HAProxy beside it must listen elsewhere.
        foreach (var name in loadBalancer.Hosts)
        {
            var host = spec.Hosts.FirstOrDefault(h => h.Name == name);
            if (host is not null && host.Roles.Contains(HostRole.ControlPlane) && spec.ControlPlaneEndpoint.Port == 6443)
            {
                scope.Error("spec.controlPlaneEndpoint.port",
                    $"HAProxy on control plane {HaKube.Model.Values.Printable.Quote(name)} cannot listen on 6443, where kube-apiserver listens; expected another port, for example 8443");
            }
        }
    }
}
