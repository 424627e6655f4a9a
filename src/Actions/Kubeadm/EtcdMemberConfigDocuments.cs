using HaKube.Actions.Etcd;
using HaKube.Model.Api;

namespace HaKube.Actions.Kubeadm;

/// <summary>
/// The configuration of an external etcd member for <c>kubeadm init phase etcd local</c>, as the
/// kubeadm task "Set up a High Availability etcd cluster with kubeadm" writes it: the node's name and
/// address, and ClusterConfiguration.etcd.local with the member's SANs and etcd's flags as extraArgs
/// (kubeadm merges them over its defaults). kubernetesVersion picks the etcd image kubeadm pins for
/// that release, so the member's etcd always satisfies the kubeadm of the control planes.
/// </summary>
internal static class EtcdMemberConfigDocuments
{
    public static IReadOnlyList<YamlMapping> Render(KubeadmApiVersion api, HaCluster cluster, HostSpec member, EtcdMemberStart start) =>
    [
        Yaml.Map(
            ("apiVersion", Yaml.Str(api.GroupVersion())),
            ("kind", Yaml.Str("InitConfiguration")),
            ("localAPIEndpoint", LocalApiEndpointSection.Render(member)),
            ("nodeRegistration", Yaml.Map(("name", Yaml.Str(member.Name)), ("criSocket", Yaml.Str(KubeadmDefaults.CriSocket))))),
        Yaml.Map(
            ("apiVersion", Yaml.Str(api.GroupVersion())),
            ("kind", Yaml.Str("ClusterConfiguration")),
            ("clusterName", Yaml.Str(cluster.Metadata.Name)),
            ("kubernetesVersion", Yaml.Str(cluster.Spec.KubernetesVersion)),
            ("imageRepository", cluster.Spec.Images?.Repository is { } repository ? Yaml.Str(repository) : null),
            ("certificatesDir", Yaml.Str(KubeadmDefaults.CertificatesDir)),
            ("etcd", Yaml.Map(("local", Yaml.Map(
                ("dataDir", Yaml.Str(KubeadmDefaults.EtcdDataDir)),
                ("serverCertSANs", Yaml.Strings([member.Address])),
                ("peerCertSANs", Yaml.Strings([member.Address])),
                ("extraArgs", ExtraArgs.Render(api, Arguments(member, start)))))))),
    ];

    private static List<KeyValuePair<string, string>> Arguments(HostSpec member, EtcdMemberStart start)
    {
        var client = HaClusterExtensions.EtcdClientUrl(member);
        var peer = EtcdGatewayShell.PeerUrl(member);
        return
        [
            new("name", member.Name),
            new("listen-client-urls", client),
            new("advertise-client-urls", client),
            new("listen-peer-urls", peer),
            new("initial-advertise-peer-urls", peer),
            new("initial-cluster", string.Join(',', start.InitialCluster.Select(m => $"{m.Key}={m.Value}"))),
            new("initial-cluster-state", start.Existing ? "existing" : "new"),
        ];
    }
}

/// <summary>
/// How a member starts the first time: the initial cluster it is told (name to peer URL, itself
/// included) and whether it joins an existing cluster. etcd reads both only when its data directory
/// is empty.
/// </summary>
/// <param name="InitialCluster">name=peerURL of every member the new member must know, itself included.</param>
/// <param name="Existing">false only for the first member of a new cluster.</param>
public sealed record EtcdMemberStart(IReadOnlyList<KeyValuePair<string, string>> InitialCluster, bool Existing)
{
    /// <summary>
    /// The configuration a member keeps once it exists: itself alone, state existing. A member with
    /// data ignores both; one whose data is gone cannot start from it (it finds no cluster to join)
    /// rather than founding a new one-member cluster beside the real one.
    /// </summary>
    public static EtcdMemberStart Kept(HostSpec member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new([new(member.Name, EtcdGatewayShell.PeerUrl(member))], Existing: true);
    }
}
