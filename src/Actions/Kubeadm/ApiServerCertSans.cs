using HaKube.Model.Api;

namespace HaKube.Actions.Kubeadm;

/// <summary>
/// The extra names and addresses in every kube-apiserver serving certificate
/// (<c>apiServer.certSANs</c>). kubeadm already adds the node's own name and advertise address and
/// the controlPlaneEndpoint host; but the list is cluster-wide (stored in kubeadm-config and used by
/// every control-plane join), so naming every control plane and load balancer gives all apiservers
/// the same certificate shape, and lets a client or a health check reach any one of them by name or
/// address (for example while the load balancer is down) without turning verification off.
/// </summary>
internal static class ApiServerCertSans
{
    /// <summary>The endpoint host first (the name everyone uses), then the rest sorted and without duplicates.</summary>
    public static IReadOnlyList<string> For(HaClusterSpec spec)
    {
        var endpoint = spec.ControlPlaneEndpoint.Host;
        var others = spec.ControlPlanes().SelectMany(h => new[] { h.Name, h.Address });
        if (spec.LoadBalancer.Provider == LoadBalancerProvider.HAProxy)
        {
            others = others.Concat(spec.HostsWithRole(HostRole.LoadBalancer).SelectMany(h => new[] { h.Name, h.Address }));
        }

        return others
            .Where(s => !string.Equals(s, endpoint, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.Ordinal)
            .Prepend(endpoint)
            .ToList();
    }
}
