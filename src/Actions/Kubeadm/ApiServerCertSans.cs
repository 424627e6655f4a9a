using HaKube.Model.Api;

namespace HaKube.Actions.Kubeadm;

/// <summary>
/// apiServer.certSANs. The list is cluster-wide (kubeadm-config, used by every join), so naming every
/// control plane and load balancer gives all apiservers the same certificate shape and lets a client
/// reach any one by name or address (say, while the load balancer is down) with verification on.
/// </summary>
internal static class ApiServerCertSans
{
    /// <summary>The endpoint host first, then the rest sorted, without duplicates.</summary>
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
