namespace HaKube.Model.Api;

public static class HaClusterExtensions
{
    public static IReadOnlyList<HostSpec> HostsWithRole(this HaClusterSpec spec, HostRole role) =>
        spec.Hosts.Where(h => h.Roles.Contains(role)).ToList();

    /// <summary>In spec order; kubeadm init runs on the first.</summary>
    public static IReadOnlyList<HostSpec> ControlPlanes(this HaClusterSpec spec) => spec.HostsWithRole(HostRole.ControlPlane);

    /// <summary>Control planes when Stacked, etcd.hosts when External.</summary>
    public static IReadOnlyList<HostSpec> EtcdMembers(this HaClusterSpec spec) =>
        spec.Etcd.Topology == EtcdTopology.Stacked
            ? spec.ControlPlanes()
            : spec.Etcd.Hosts.Select(name => spec.Hosts.First(h => h.Name == name)).ToList();

    /// <summary>The one bound of every drain HaKube runs; the spec must be validated.</summary>
    public static TimeSpan DrainTimeout(this HaClusterSpec spec) =>
        Duration.TryParse(spec.DrainTimeout, out var timeout)
            ? timeout
            : throw new ArgumentException($"spec.drainTimeout \"{spec.DrainTimeout}\" is not a duration; the spec was not validated", nameof(spec));

    /// <summary>The spec must be validated.</summary>
    public static KubernetesVersion Version(this HaClusterSpec spec) => KubernetesVersion.Parse(spec.KubernetesVersion);
}
