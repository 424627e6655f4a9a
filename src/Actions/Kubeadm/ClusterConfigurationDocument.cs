using HaKube.Model.Api;

namespace HaKube.Actions.Kubeadm;

/// <summary>The cluster-wide settings kubeadm stores in kube-system/kubeadm-config.</summary>
internal static class ClusterConfigurationDocument
{
    public static YamlMapping Render(KubeadmApiVersion api, HaCluster cluster)
    {
        var spec = cluster.Spec;
        return Yaml.Map(
            ("apiVersion", Yaml.Str(api.GroupVersion())),
            ("kind", Yaml.Str("ClusterConfiguration")),
            ("clusterName", Yaml.Str(cluster.Metadata.Name)),
            ("kubernetesVersion", Yaml.Str(spec.KubernetesVersion)),
            // Control-plane, etcd and CoreDNS images (kubeadm drops coredns/ from the path off registry.k8s.io).
            ("imageRepository", spec.Images?.Repository is { } repository ? Yaml.Str(repository) : null),
            // Set at the first init, since kubeadm cannot turn a cluster made without it into an HA one.
            ("controlPlaneEndpoint", Yaml.Str(HostAddresses.HostPort(spec.ControlPlaneEndpoint.Host, spec.ControlPlaneEndpoint.Port))),
            ("certificatesDir", Yaml.Str(KubeadmDefaults.CertificatesDir)),
            ("apiServer", Yaml.Map(
                ("certSANs", Yaml.Strings(ApiServerCertSans.For(spec))),
                // v1beta4 moved this wait to InitConfiguration.timeouts.controlPlaneComponentHealthCheck.
                ("timeoutForControlPlane", api == KubeadmApiVersion.V1Beta3 ? Yaml.Str(KubeadmDefaults.ControlPlaneHealthCheckTimeout) : null))),
            ("etcd", Etcd(spec)),
            ("networking", Yaml.Map(
                ("podSubnet", spec.Networking.PodSubnet is { } podSubnet ? Yaml.Str(podSubnet) : null),
                ("serviceSubnet", Yaml.Str(spec.Networking.ServiceSubnet)),
                ("dnsDomain", Yaml.Str(spec.Networking.DnsDomain)))));
    }

    private static YamlMapping Etcd(HaClusterSpec spec) => spec.Etcd.Topology switch
    {
        EtcdTopology.Stacked => Yaml.Map(("local", Yaml.Map(("dataDir", Yaml.Str(KubeadmDefaults.EtcdDataDir))))),
        EtcdTopology.External => Yaml.Map(("external", Yaml.Map(
            ("endpoints", Yaml.Strings(spec.EtcdClientUrls())),
            ("caFile", Yaml.Str(KubeadmDefaults.ExternalEtcdCaFile)),
            ("certFile", Yaml.Str(KubeadmDefaults.ExternalEtcdCertFile)),
            ("keyFile", Yaml.Str(KubeadmDefaults.ExternalEtcdKeyFile))))),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Etcd.Topology, "unknown etcd topology"),
    };
}
