using HaKube.Model.Api;
using HaKube.Model.Loading;
using HaKube.Model.Values;

namespace HaKube.Model.Validation;

internal static class HostRules
{
    public static void Check(ValidationScope scope)
    {
        var hosts = scope.Spec.Hosts;
        if (hosts.Count == 0)
        {
            scope.Error("spec.hosts", "no hosts; expected at least one host with role ControlPlane");
            return;
        }

        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var addresses = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < hosts.Count; i++)
        {
            var host = hosts[i];
            var path = $"spec.hosts[{i}]";
            if (!Syntax.IsDns1123Subdomain(host.Name))
            {
                scope.Error($"{path}.name", $"{Printable.Quote(host.Name)} is not a DNS-1123 subdomain (it becomes the Kubernetes node name); expected lower-case letters, digits, '-' and '.'");
            }
            else if (!names.TryAdd(host.Name, i))
            {
                scope.Error($"{path}.name", $"host name {HaKube.Model.Values.Printable.Quote(host.Name)} is already used by spec.hosts[{names[host.Name]}]; expected unique names");
            }

            if (!HostAddress.TryParse(host.Address, out _, out var addressProblem))
            {
                scope.Error($"{path}.address", addressProblem);
            }
            else if (!addresses.TryAdd(host.Address, i))
            {
                scope.Error($"{path}.address", $"address {host.Address} is already used by spec.hosts[{addresses[host.Address]}]; expected one host per address");
            }
            else if (System.Net.IPAddress.TryParse(host.Address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                // kubeadm's preflight wants net.ipv6.conf.*.forwarding on IPv6 hosts, etcd peers over
                // IPv6 and the pod network would need it too; none of that is built or tested yet.
                scope.Error($"{path}.address",
                    $"{host.Address} is an IPv6 address, which HaKube does not support yet (it prepares IPv4 forwarding only); expected the host's IPv4 address or a host name");
            }

            CheckRoles(scope, host, path);
            CheckHostKey(scope, host, path);
            CheckLabels(scope, host.Labels, $"{path}.labels");
        }
    }

    private static void CheckRoles(ValidationScope scope, HostSpec host, string path)
    {
        if (host.Roles.Count == 0)
        {
            scope.Error($"{path}.roles", "no roles; expected one or more of ControlPlane, Worker, Etcd, LoadBalancer");
            return;
        }

        var seen = new HashSet<HostRole>();
        for (var r = 0; r < host.Roles.Count; r++)
        {
            if (!seen.Add(host.Roles[r]))
            {
                scope.Error($"{path}.roles[{r}]", $"role {host.Roles[r]} is listed twice");
            }
        }

        if (seen.Contains(HostRole.ControlPlane) && seen.Contains(HostRole.Etcd))
        {
            scope.Error($"{path}.roles", "a host cannot be both ControlPlane and Etcd; for etcd on control planes use spec.etcd.topology: Stacked");
        }
    }

    private static void CheckHostKey(ValidationScope scope, HostSpec host, string path)
    {
        if (host.HostKey is { } hostKey && (SshHostKey.TryParse(hostKey, out _, out var problem) ? SshHostKey.CanonicalProblem(hostKey) : problem) is { } found)
        {
            scope.Error($"{path}.hostKey", found);
        }
    }

    internal static void CheckLabels(ValidationScope scope, IReadOnlyDictionary<string, string>? labels, string path)
    {
        foreach (var (key, value) in labels ?? new Dictionary<string, string>())
        {
            if (!LabelKey.TryParse(key, out _, out var keyProblem))
            {
                scope.Error(SourceMap.KeyPath(path, key), keyProblem);
            }

            if (!Syntax.IsLabelValue(value))
            {
                scope.Error(SourceMap.KeyPath(path, key), $"{Printable.Quote(value)} is not a valid label value; expected at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric");
            }
        }
    }
}
