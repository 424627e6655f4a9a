using HaKube.Actions.Pki;

namespace HaKube.Actions.Kubeadm;

/// <summary>The fixed values HaKube writes into every kubeadm configuration, in one place.</summary>
internal static class KubeadmDefaults
{
    public const string CriSocket = "unix:///var/run/containerd/containerd.sock";

    public const int ApiServerBindPort = 6443;

    public const int EtcdClientPort = 2379;

    public const string CertificatesDir = PkiPaths.Directory;

    public const string EtcdDataDir = "/var/lib/etcd";

    // HaKube's PKI writes these on every control plane before init/join (DESIGN.md section 3);
    // they are the paths the kubeadm HA guide uses for external etcd.
    public const string ExternalEtcdCaFile = PkiPaths.EtcdCaCertificate;

    public const string ExternalEtcdCertFile = PkiPaths.ApiServerEtcdClientCertificate;

    public const string ExternalEtcdKeyFile = PkiPaths.ApiServerEtcdClientKey;

    // Go duration spelling (as kubeadm prints it), so the stored configuration reads back identically.
    // HaKube joins with fresh short-lived tokens of its own, so the init token only has to outlive
    // kubeadm init itself; kubeadm's 24 h default would leave a node-registration credential lying around.
    public const string BootstrapTokenTtl = "15m0s";

    public const string BootstrapTokenGroup = "system:bootstrappers:kubeadm:default-node-token";

    public static readonly IReadOnlyList<string> BootstrapTokenUsages = ["signing", "authentication"];

    // kubeadm's own defaults, written out so v1beta3 and v1beta4 files wait equally long whatever
    // a future kubeadm defaults to: control-plane health after init/join, and join discovery.
    public const string ControlPlaneHealthCheckTimeout = "4m0s";

    public const string DiscoveryTimeout = "5m0s";

    public const string KubeletCgroupDriver = "systemd";
}
