using HaKube.Model.Api;

namespace HaKube.Model.Facts;

/// <summary>
/// What one probe saw on one host in one cycle. An unreachable host is a value too
/// (<see cref="Reachable"/> false, <see cref="Error"/> says why), never an exception, so one
/// dead host cannot stop the cycle for the others.
/// </summary>
public sealed record HostFacts
{
    /// <summary>The host's name in the spec.</summary>
    public required string Host { get; init; }

    public required bool Reachable { get; init; }

    /// <summary>Why the host could not be probed; null when the probe succeeded.</summary>
    public string? Error { get; init; }

    public ProbeErrorKind? ErrorKind { get; init; }

    /// <summary>When the probe result arrived (daemon clock).</summary>
    public DateTimeOffset ObservedAt { get; init; }

    public OsFacts? Os { get; init; }

    public NodePrerequisites? Prerequisites { get; init; }

    public KubeVersions Versions { get; init; } = KubeVersions.None;

    /// <summary>systemd unit name (kubelet, etcd, haproxy, containerd) to its state.</summary>
    public IReadOnlyDictionary<string, ServiceState> Services { get; init; } = new Dictionary<string, ServiceState>();

    /// <summary>Absolute path to what the probe found there, for every file HaKube manages.</summary>
    public IReadOnlyDictionary<string, FileFact> Files { get; init; } = new Dictionary<string, FileFact>();

    /// <summary>Which of 6443, 2379, 2380 listen on the host's address or on every address.</summary>
    public IReadOnlySet<int> ListeningPorts { get; init; } = new HashSet<int>();

    /// <summary>Programs found on the usual paths: kubelet, kubeadm, kubectl, the packages of the other roles (containerd, etcd, haproxy, crictl) and kubeadm's host tools (curl, gpg, conntrack, socat, ethtool, ebtables).</summary>
    public IReadOnlySet<string> Programs { get; init; } = new HashSet<string>();

    /// <summary>The CA bundle of the ca-certificates package is there (curl needs it for pkgs.k8s.io).</summary>
    public bool CaBundlePresent { get; init; }

    /// <summary>containerd's configuration as far as kubeadm cares (cgroup driver, pause image).</summary>
    public ContainerdFacts Containerd { get; init; } = ContainerdFacts.Absent;

    /// <summary>/var/lib/etcd/default exists: Debian's etcd-server package started its default member here once.</summary>
    public bool EtcdDefaultDataPresent { get; init; }

    /// <summary>External etcd: the SHA-256 HaKube recorded of etcd.yaml when kubeadm rendered it; null when there is no record.</summary>
    public string? EtcdManifestRecord { get; init; }

    /// <summary>/var/lib/etcd/member exists: an etcd member was created here and its data must never be bootstrapped over.</summary>
    public bool EtcdDataPresent { get; init; }

    /// <summary>Membership and health as the local etcd reports them; null where no etcd listens.</summary>
    public EtcdFacts? Etcd { get; init; }

    /// <summary>
    /// Static pod (kube-apiserver, kube-controller-manager, kube-scheduler, etcd) to the image
    /// of its manifest (registry.k8s.io/kube-apiserver:v1.31.4): the version this
    /// control plane runs, which kubeadm init, join and upgrade write.
    /// </summary>
    public IReadOnlyDictionary<string, string> StaticPodImages { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The etcd endpoints in this control plane's kube-apiserver manifest (--etcd-servers), in their
    /// order; null without the manifest or the flag. With External etcd they must follow
    /// spec.etcd.hosts, since kubeadm writes them once, at init or join, from kubeadm-config.
    /// </summary>
    public IReadOnlyList<string>? ApiServerEtcdServers { get; init; }

    /// <summary>
    /// The cluster's Nodes as this control plane's kube-apiserver listed them (kubectl with admin.conf);
    /// null unless this host was asked to list them in this probe and kubectl succeeded. One control
    /// plane per pass is asked.
    /// </summary>
    public IReadOnlyList<ClusterNode>? Nodes { get; init; }

    /// <summary>
    /// The version this control plane's static pods run: the oldest image tag of kube-apiserver,
    /// kube-controller-manager and kube-scheduler; null unless all three manifests name a release.
    /// </summary>
    public KubernetesVersion? ControlPlaneVersion
    {
        get
        {
            KubernetesVersion? oldest = null;
            foreach (var component in ControlPlaneComponents)
            {
                if (!StaticPodImages.TryGetValue(component, out var image) || !KubernetesVersion.TryParse(ImageTag(image), out var version))
                {
                    return null;
                }

                oldest = oldest is { } o && o < version ? o : version;
            }

            return oldest;
        }
    }

    /// <summary>The static pods whose images make up <see cref="ControlPlaneVersion"/>.</summary>
    public static readonly IReadOnlyList<string> ControlPlaneComponents = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"];

    /// <summary>Every static pod whose image the probe reads: the control plane's and etcd's.</summary>
    public static readonly IReadOnlyList<string> StaticPodComponents = [.. ControlPlaneComponents, "etcd"];

    /// <summary>kubeadm's marker for a joined or initialized node.</summary>
    public bool KubeletConfigured => IsPresent(KnownPaths.KubeletConf);

    /// <summary>kubeadm init (or a control-plane join) has run here.</summary>
    public bool ControlPlaneInitialized => IsPresent(KnownPaths.AdminConf) && IsPresent(KnownPaths.KubeletConf) && !KubeadmInitUnfinished;

    /// <summary>
    /// kubelet.conf embeds its client certificate: kubeadm init's kubelet-finalize phase (which points
    /// it at the kubelet's rotating certificate file) has not run, or the node predates kubeadm 1.17.
    /// </summary>
    public bool KubeletConfEmbedsClientCertificate => Files.GetValueOrDefault(KnownPaths.KubeletConf) is { Present: true, NotAfter: not null };

    /// <summary>
    /// kubeadm init ran here and wrote its kubeconfigs, but stopped before its upload-config phase:
    /// kubelet.conf still embeds its client certificate and the cluster's etcd answers without
    /// kube-system/kubeadm-config. Set by the planner, which alone sees the etcd view (a cluster-wide
    /// fact); such a control plane is not initialized.
    /// </summary>
    public bool KubeadmInitUnfinished { get; init; }

    /// <summary>The earliest notAfter among the certificates the probe read.</summary>
    public DateTimeOffset? EarliestCertificateExpiry =>
        Files.Values.Where(f => f.NotAfter is not null).Select(f => f.NotAfter).Min();

    /// <summary>The tag of an image reference (after the last colon that follows the last slash); empty when it has none.</summary>
    public static string ImageTag(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var name = image[(image.LastIndexOf('/') + 1)..];
        var colon = name.LastIndexOf(':');
        return colon < 0 ? "" : name[(colon + 1)..];
    }

    public bool IsPresent(string path) => Files.TryGetValue(path, out var file) && file.Present;

    public static HostFacts Unreachable(string host, ProbeErrorKind kind, string error, DateTimeOffset observedAt) =>
        new() { Host = host, Reachable = false, ErrorKind = kind, Error = error, ObservedAt = observedAt };
}

/// <summary>Why a probe produced no facts.</summary>
public enum ProbeErrorKind
{
    /// <summary>No TCP connection or SSH session (refused, timed out, dropped).</summary>
    Unreachable,

    /// <summary>The host presented a key that is not the pinned or known one; nothing ran.</summary>
    HostKeyRejected,

    /// <summary>The server refused HaKube's key, or sudo -n refused the user.</summary>
    AuthenticationFailed,

    /// <summary>The probe ran but failed or printed something unreadable.</summary>
    ProbeFailed,

    /// <summary>The probe did not finish in time.</summary>
    Timeout,
}
