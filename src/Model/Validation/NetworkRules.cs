using System.Net;
using HaKube.Model.Api;

namespace HaKube.Model.Validation;

/// <summary>Pod and service networks.</summary>
internal static class NetworkRules
{
    // kube-apiserver refuses service ranges with more than 20 host bits (a /12 in IPv4).
    private const int MaxServiceHostBits = 20;

    public static void Check(ValidationScope scope)
    {
        var networking = scope.Spec.Networking;
        var service = ParseCidr(scope, networking.ServiceSubnet, "spec.networking.serviceSubnet");
        IPNetwork? pod = null;
        if (networking.PodSubnet is null)
        {
            if (networking.Cni != CniPlugin.None)
            {
                scope.Error("spec.networking.podSubnet", $"required by cni {networking.Cni}; expected a CIDR such as 192.168.0.0/16");
            }
        }
        else
        {
            pod = ParseCidr(scope, networking.PodSubnet, "spec.networking.podSubnet");
        }

        if (service is { } s && (s.BaseAddress.GetAddressBytes().Length * 8) - s.PrefixLength > MaxServiceHostBits)
        {
            scope.Error("spec.networking.serviceSubnet", $"{networking.ServiceSubnet} is too large; kube-apiserver allows at most {MaxServiceHostBits} host bits (a /12 for IPv4)");
        }

        if (pod is { } p && service is { } sv && Overlaps(p, sv))
        {
            scope.Error("spec.networking.podSubnet", $"{networking.PodSubnet} overlaps serviceSubnet {networking.ServiceSubnet}; expected disjoint ranges");
        }

        for (var i = 0; i < scope.Spec.Hosts.Count; i++)
        {
            if (!IPAddress.TryParse(scope.Spec.Hosts[i].Address, out var address))
            {
                continue;
            }

            foreach (var (network, field) in new[] { (pod, "podSubnet"), (service, "serviceSubnet") })
            {
                if (network is { } n && n.Contains(address))
                {
                    scope.Error($"spec.hosts[{i}].address", $"{address} lies inside networking.{field} {n}; expected host addresses outside the cluster's networks");
                }
            }
        }

        if (!Syntax.IsDns1123Subdomain(networking.DnsDomain))
        {
            scope.Error("spec.networking.dnsDomain", $"\"{networking.DnsDomain}\" is not a DNS domain");
        }
    }

    private static IPNetwork? ParseCidr(ValidationScope scope, string text, string field)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !IPNetwork.TryParse(text, out var network) || !IPAddress.TryParse(text[..slash], out var address))
        {
            scope.Error(field, $"\"{text}\" is not a CIDR; expected for example 10.96.0.0/12");
            return null;
        }

        // IPNetwork masks host bits silently; kubeadm rejects them, so say so here.
        if (!address.Equals(network.BaseAddress))
        {
            scope.Error(field, $"{text} has host bits set; expected the network address {network}");
            return null;
        }

        return network;
    }

    private static bool Overlaps(IPNetwork a, IPNetwork b) =>
        a.BaseAddress.AddressFamily == b.BaseAddress.AddressFamily && (a.Contains(b.BaseAddress) || b.Contains(a.BaseAddress));
}
