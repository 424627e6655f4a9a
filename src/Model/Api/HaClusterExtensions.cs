namespace HaKube.Model.Api;

/// <summary>Questions about a cluster's spec that every layer asks.</summary>
public static class HaClusterExtensions
{
    /// <summary>Hosts that have <paramref name="role"/>, in spec order.</summary>
    public static IReadOnlyList<HostSpec> HostsWithRole(this HaClusterSpec spec, HostRole role) =>
        spec.Hosts.Where(h => h.Roles.Contains(role)).ToList();

    /// <summary>The control-plane hosts, in spec order; the first is the one kubeadm init runs on.</summary>
    public static IReadOnlyList<HostSpec> ControlPlanes(this HaClusterSpec spec) => spec.HostsWithRole(HostRole.ControlPlane);

    /// <summary>The hosts that run etcd members: control planes when Stacked, etcd.hosts when External.</summary>
    public static IReadOnlyList<HostSpec> EtcdMembers(this HaClusterSpec spec) =>
        spec.Etcd.Topology == EtcdTopology.Stacked
            ? spec.ControlPlanes()
            : spec.Etcd.Hosts.Select(name => spec.Hosts.First(h => h.Name == name)).ToList();

    /// <summary>spec.drainTimeout as a span (the spec must have been validated): the one bound of every drain HaKube runs.</summary>
    public static TimeSpan DrainTimeout(this HaClusterSpec spec) =>
        Duration.TryParse(spec.DrainTimeout, out var timeout)
            ? timeout
            : throw new ArgumentException($"spec.drainTimeout \"{spec.DrainTimeout}\" is not a duration; the spec was not validated", nameof(spec));

    /// <summary>The parsed Kubernetes version (the spec must have been validated).</summary>
    public static KubernetesVersion Version(this HaClusterSpec spec) => KubernetesVersion.Parse(spec.KubernetesVersion);
}
