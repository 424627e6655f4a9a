using HaKube.Model.Values;

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

    /// <summary>The client URLs of the cluster's etcd members in spec order: kubeadm's etcd.external.endpoints and kube-apiserver's --etcd-servers.</summary>
    public static IReadOnlyList<string> EtcdClientUrls(this HaClusterSpec spec) => spec.EtcdMembers().Select(EtcdClientUrl).ToList();

    /// <summary>An etcd member's client URL (https://ADDRESS:2379).</summary>
    public static string EtcdClientUrl(this HostSpec member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return UrlHost.Https(member.Address, EtcdPorts.Client);
    }

    /// <summary>The apt repository of one minor release: spec.packages.repository (pkgs.k8s.io's layout) or pkgs.k8s.io.</summary>
    public static string PackageRepositoryUrl(this HaClusterSpec spec, string minorTag)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return $"{spec.Packages?.Repository ?? PackagesSpec.DefaultRepository}/core:/stable:/{minorTag}/deb/";
    }

    /// <summary>The spec gives its own package signing key (written from the manifest's file or Secret, not downloaded).</summary>
    public static bool HasOwnPackageKey(this HaClusterSpec spec) =>
        spec?.Packages is { } p && (p.KeyFile is not null || p.KeySecretRef is not null);
}
