namespace HaKube.Model.Facts;

/// <summary>Paths on the hosts that HaKube manages or reads; kubeadm's defaults.</summary>
public static class KnownPaths
{
    public const string Kubernetes = "/etc/kubernetes";
    public const string Pki = "/etc/kubernetes/pki";
    public const string Manifests = "/etc/kubernetes/manifests";
    public const string HaKubeConfig = "/etc/kubernetes/hakube";
    public const string AdminConf = "/etc/kubernetes/admin.conf";
    public const string SuperAdminConf = "/etc/kubernetes/super-admin.conf";
    public const string KubeletConf = "/etc/kubernetes/kubelet.conf";
    public const string ControllerManagerConf = "/etc/kubernetes/controller-manager.conf";
    public const string SchedulerConf = "/etc/kubernetes/scheduler.conf";
    public const string HaproxyConfig = "/etc/haproxy/haproxy.cfg";
    /// <summary>HaKube's former systemd etcd unit: a member still to move to a static pod.</summary>
    public const string EtcdUnit = "/etc/systemd/system/etcd.service";

    public const string EtcdInitialEnvironment = "/etc/etcd/hakube-initial-cluster.env";

    public const string EtcdDataDirectory = "/var/lib/etcd";

    /// <summary>Not a file: the etcd key of kube-system/kubeadm-config, written by kubeadm init's upload-config phase.</summary>
    public const string KubeadmConfigKey = "/registry/configmaps/kube-system/kubeadm-config";

    /// <summary>Where Debian's etcd-server postinst starts its default member.</summary>
    public const string EtcdDefaultData = EtcdDataDirectory + "/default";

    public const string EtcdManifest = Manifests + "/etcd.yaml";

    public const string ModulesLoad = "/etc/modules-load.d/hakube-kubernetes.conf";

    public const string Sysctl = "/etc/sysctl.d/99-hakube-kubernetes.conf";

    public const string AptSource = "/etc/apt/sources.list.d/kubernetes.list";

    public const string AptKeyring = "/etc/apt/keyrings/kubernetes-apt-keyring.gpg";

    public const string ContainerdConfig = "/etc/containerd/config.toml";

    public const string ContainerdCertsDirectory = "/etc/containerd/certs.d";

    /// <summary>A user-given signing key, ASCII-armored as apt reads a .asc keyring.</summary>
    public const string AptKeyringArmored = "/etc/apt/keyrings/kubernetes-apt-keyring.asc";

    public const string AptProxy = "/etc/apt/apt.conf.d/90hakube-proxy";

    public const string ContainerdProxyDropIn = "/etc/systemd/system/containerd.service.d/hakube-proxy.conf";

    /// <summary>External etcd: runs the kubelet standalone, managing static pods only (kubeadm's HA etcd setup).</summary>
    public const string EtcdKubeletDropIn = "/etc/systemd/system/kubelet.service.d/20-etcd-service-manager.conf";

    public const string EtcdKubeletConfig = HaKubeConfig + "/etcd-kubelet.yaml";

    /// <summary>External etcd: input of `kubeadm init phase etcd local`.</summary>
    public const string EtcdKubeadmConfig = HaKubeConfig + "/etcd-kubeadm.yaml";

    /// <summary>External etcd: SHA-256 of etcd.yaml as kubeadm last rendered it; a differing etcd.yaml was edited.</summary>
    public const string EtcdManifestRecord = HaKubeConfig + "/etcd-manifest.sha256";

    /// <summary>The kubelet's rotating client pair, which kubelet.conf should point at.</summary>
    public const string KubeletClientCurrent = "/var/lib/kubelet/pki/kubelet-client-current.pem";

    /// <summary>What `kubeadm certs renew all` renews with Stacked etcd: never the CAs, never kubelet.conf.</summary>
    public static readonly IReadOnlyList<string> KubeadmRenewable =
    [
        AdminConf, SuperAdminConf, ControllerManagerConf, SchedulerConf,
        Pki + "/apiserver.crt", Pki + "/apiserver-kubelet-client.crt", Pki + "/front-proxy-client.crt",
        Pki + "/apiserver-etcd-client.crt", Pki + "/etcd/server.crt", Pki + "/etcd/peer.crt", Pki + "/etcd/healthcheck-client.crt",
    ];

    /// <summary>
    /// External etcd: kube-apiserver's client pair, issued by HaKube. A running control plane gets it
    /// only through certificate renewal, which restarts kube-apiserver; a plain push would go unused.
    /// </summary>
    public static readonly IReadOnlyList<string> ApiServerEtcdClientPair =
        [Pki + "/apiserver-etcd-client.crt", Pki + "/apiserver-etcd-client.key"];

    public static readonly IReadOnlyList<string> ExternalEtcdIssued =
    [
        Pki + "/apiserver-etcd-client.crt", Pki + "/etcd/server.crt", Pki + "/etcd/peer.crt", Pki + "/etcd/healthcheck-client.crt",
    ];

    /// <summary>
    /// Present from an upgrade's drain until its uncordon: a host lost mid-upgrade comes back cordoned
    /// and is upgraded again, whatever its package versions say.
    /// </summary>
    public const string UpgradeMarker = HaKubeConfig + "/upgrade-in-progress.yaml";

    public static readonly IReadOnlyList<string> KubeConfigs =
        [AdminConf, SuperAdminConf, KubeletConf, ControllerManagerConf, SchedulerConf];

    /// <summary>Everything under /etc/kubernetes/pki that kubeadm (or HaKube, for external etcd) writes.</summary>
    public static readonly IReadOnlyList<string> PkiFiles =
    [
        Pki + "/ca.crt", Pki + "/ca.key",
        Pki + "/apiserver.crt", Pki + "/apiserver.key",
        Pki + "/apiserver-kubelet-client.crt", Pki + "/apiserver-kubelet-client.key",
        Pki + "/apiserver-etcd-client.crt", Pki + "/apiserver-etcd-client.key",
        Pki + "/front-proxy-ca.crt", Pki + "/front-proxy-ca.key",
        Pki + "/front-proxy-client.crt", Pki + "/front-proxy-client.key",
        Pki + "/sa.key", Pki + "/sa.pub",
        Pki + "/etcd/ca.crt", Pki + "/etcd/ca.key",
        Pki + "/etcd/server.crt", Pki + "/etcd/server.key",
        Pki + "/etcd/peer.crt", Pki + "/etcd/peer.key",
        Pki + "/etcd/healthcheck-client.crt", Pki + "/etcd/healthcheck-client.key",
    ];

    public static readonly IReadOnlyList<string> StaticPods =
    [
        Manifests + "/kube-apiserver.yaml", Manifests + "/kube-controller-manager.yaml",
        Manifests + "/kube-scheduler.yaml", Manifests + "/etcd.yaml",
    ];

    /// <summary>PrepareHost's files; the keyring is checked for presence only, its content being the publisher's.</summary>
    public static readonly IReadOnlyList<string> NodeFiles = [ModulesLoad, Sysctl, AptSource, AptKeyring, AptKeyringArmored, AptProxy, ContainerdProxyDropIn];

    public static readonly IReadOnlyList<string> EtcdMemberFiles = [EtcdKubeletDropIn, EtcdKubeletConfig, EtcdKubeadmConfig];

    public static readonly IReadOnlyList<string> Managed = [.. PkiFiles, .. KubeConfigs, .. StaticPods, HaproxyConfig, EtcdUnit, .. NodeFiles, .. EtcdMemberFiles];
}
