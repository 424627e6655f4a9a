using HaKube.Model.Api;

namespace HaKube.Model.Validation;

internal static class EtcdRules
{
    public static void Check(ValidationScope scope)
    {
        var spec = scope.Spec;
        var etcdRoleHosts = spec.HostsWithRole(HostRole.Etcd);
        if (spec.Etcd.Topology == EtcdTopology.Stacked)
        {
            if (spec.Etcd.Hosts.Count > 0)
            {
                scope.Error("spec.etcd.hosts", "Stacked etcd runs on the control planes; expected no etcd hosts, or topology: External");
            }

            foreach (var host in etcdRoleHosts)
            {
                scope.Error($"spec.hosts[{scope.HostIndex(host.Name)}].roles",
                    $"host {HaKube.Model.Values.Printable.Quote(host.Name)} has role Etcd but spec.etcd.topology is Stacked; expected topology: External, or no Etcd role");
            }

            var members = spec.ControlPlanes().Count;
            if (members > 1 && members % 2 == 0)
            {
                scope.Error("spec.hosts",
                    $"{members} control planes make {members} stacked etcd members, an even count that tolerates no more failures than {members - 1}; expected an odd number of control planes");
            }

            return;
        }

        if (spec.Etcd.Hosts.Count == 0)
        {
            scope.Error("spec.etcd.hosts", "External etcd needs hosts; expected an odd number (3 or 5) of hosts with role Etcd");
        }
        else if (spec.Etcd.Hosts.Count % 2 == 0)
        {
            scope.Error("spec.etcd.hosts", $"{spec.Etcd.Hosts.Count} etcd hosts is an even count, which tolerates no more failures than {spec.Etcd.Hosts.Count - 1}; expected an odd number");
        }

        ReferenceRules.CheckReferences(scope, spec.Etcd.Hosts, "spec.etcd.hosts", HostRole.Etcd);

        // etcd binds its listen URLs to addresses, never names, so an external member needs an IP.
        foreach (var name in spec.Etcd.Hosts.Distinct(StringComparer.Ordinal))
        {
            var index = scope.HostIndex(name);
            if (index >= 0 && Syntax.IsHostAddress(spec.Hosts[index].Address) && !Syntax.IsIpAddress(spec.Hosts[index].Address))
            {
                scope.Error($"spec.hosts[{index}].address",
                    $"external etcd member {HaKube.Model.Values.Printable.Quote(name)} needs an IP address, because etcd listens on addresses, not names; " +
                    $"got {HaKube.Model.Values.Printable.Quote(spec.Hosts[index].Address)}");
            }
        }
    }
}
