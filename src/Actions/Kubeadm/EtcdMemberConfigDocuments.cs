using HaKube.Actions.Etcd;
using HaKube.Model.Api;

namespace HaKube.Actions.Kubeadm;

/// <summary>
/// An external member's input to <c>kubeadm init phase etcd local</c>, as kubeadm's HA etcd task
/// writes it. kubernetesVersion picks the etcd image kubeadm pins, so the member always satisfies
/// the control planes' kubeadm.
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

/// <summary>A member's initial cluster (itself included) and whether it joins; etcd reads both only with an empty data directory.</summary>
internal sealed record EtcdMemberStart(IReadOnlyList<KeyValuePair<string, string>> InitialCluster, bool Existing)
{
    /// <summary>Itself alone, state existing: a member whose data is gone fails rather than founding a second cluster.</summary>
    public static EtcdMemberStart Kept(HostSpec member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new([new(member.Name, EtcdGatewayShell.PeerUrl(member))], Existing: true);
    }
}
