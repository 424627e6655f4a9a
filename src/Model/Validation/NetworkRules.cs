using HaKube.Model.Api;
using HaKube.Model.Values;

namespace HaKube.Model.Validation;

/// <summary>Canonical CIDRs only: what kubeadm and Calico get is exactly their print.</summary>
internal static class NetworkRules
{
    // kube-apiserver refuses service ranges with more than 20 host bits (a /12 in IPv4).
    private const int MaxServiceHostBits = 20;

    public static void Check(ValidationScope scope)
    {
        var networking = scope.Spec.Networking;
        var service = ParseCidr(scope, networking.ServiceSubnet, "spec.networking.serviceSubnet");
        Cidr? pod = null;
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

        if (service is { HostBits: > MaxServiceHostBits })
        {
            scope.Error("spec.networking.serviceSubnet", $"{service} is too large; kube-apiserver allows at most {MaxServiceHostBits} host bits (a /12 for IPv4)");
        }

        if (pod is { } p && service is { } sv && p.Overlaps(sv))
        {
            scope.Error("spec.networking.podSubnet", $"{p} overlaps serviceSubnet {sv}; expected disjoint ranges");
        }

        for (var i = 0; i < scope.Spec.Hosts.Count; i++)
        {
            if (!IpLiteral.TryParse(scope.Spec.Hosts[i].Address, out var address, out _))
            {
                continue;
            }

            foreach (var (network, field) in new[] { (pod, "podSubnet"), (service, "serviceSubnet") })
            {
                if (network is { } n && n.Contains(address!.Address))
                {
                    scope.Error($"spec.hosts[{i}].address", $"{address} lies inside networking.{field} {n}; expected host addresses outside the cluster's networks");
                }
            }
        }

        if (!Syntax.IsDns1123Subdomain(networking.DnsDomain))
        {
            scope.Error("spec.networking.dnsDomain", $"{Printable.Quote(networking.DnsDomain)} is not a DNS domain; expected lower-case letters, digits, '-' and '.'");
        }
    }

    private static Cidr? ParseCidr(ValidationScope scope, string text, string field)
    {
        if (Cidr.TryParse(text, out var cidr, out var problem))
        {
            return cidr;
        }

        scope.Error(field, problem);
        return null;
    }
}
