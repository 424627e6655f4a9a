using HaKube.Model.Api;

namespace HaKube.Model.Facts;

/// <summary>
/// What one probe saw on one host in one cycle. An unreachable host is a value (never an exception),
/// so one dead host cannot stop the cycle for the others.
/// </summary>
public sealed record HostFacts
{
    public required string Host { get; init; }

    public required bool Reachable { get; init; }

    /// <summary>Null when the probe succeeded.</summary>
    public string? Error { get; init; }

    public ProbeErrorKind? ErrorKind { get; init; }

    /// <summary>Daemon clock.</summary>
    public DateTimeOffset ObservedAt { get; init; }

    public OsFacts? Os { get; init; }

    public NodePrerequisites? Prerequisites { get; init; }

    public KubeVersions Versions { get; init; } = KubeVersions.None;

    public IReadOnlyDictionary<string, ServiceState> Services { get; init; } = new Dictionary<string, ServiceState>();

    public IReadOnlyDictionary<string, FileFact> Files { get; init; } = new Dictionary<string, FileFact>();

    /// <summary>Which of 6443, 2379, 2380 listen on the host's address or on every address.</summary>
    public IReadOnlySet<int> ListeningPorts { get; init; } = new HashSet<int>();

    /// <summary>Kubernetes binaries, the other roles' packages and kubeadm's host tools found on the usual paths.</summary>
    public IReadOnlySet<string> Programs { get; init; } = new HashSet<string>();

    /// <summary>ca-certificates' bundle, which curl needs for pkgs.k8s.io.</summary>
    public bool CaBundlePresent { get; init; }

    public ContainerdFacts Containerd { get; init; } = ContainerdFacts.Absent;

    /// <summary>/var/lib/etcd/default: Debian's etcd-server package started its default member here once.</summary>
    public bool EtcdDefaultDataPresent { get; init; }

    /// <summary>External etcd: the SHA-256 HaKube recorded of etcd.yaml when kubeadm rendered it.</summary>
    public string? EtcdManifestRecord { get; init; }

    /// <summary>/var/lib/etcd/member exists: its data must never be bootstrapped over.</summary>
    public bool EtcdDataPresent { get; init; }

    /// <summary>Null where no etcd listens.</summary>
    public EtcdFacts? Etcd { get; init; }

    /// <summary>Static pod name to its manifest's image: the version kubeadm init, join or upgrade last wrote.</summary>
    public IReadOnlyDictionary<string, string> StaticPodImages { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// kube-apiserver's --etcd-servers, in order. With External etcd they must follow spec.etcd.hosts,
    /// since kubeadm writes them only at init or join.
    /// </summary>
    public IReadOnlyList<string>? ApiServerEtcdServers { get; init; }

    /// <summary>
    /// Servers of HAProxy's control-plane backend in forced maintenance, as its runtime API reports them
    /// on a load balancer; empty elsewhere. HaKube sets a server there only while its API server restarts.
    /// </summary>
    public IReadOnlyList<string> HaproxyServersInMaintenance { get; init; } = [];

    /// <summary>The Nodes as listed through this control plane; null unless it was the one asked this pass.</summary>
    public IReadOnlyList<ClusterNode>? Nodes { get; init; }

    /// <summary>The oldest tag among <see cref="ControlPlaneComponents"/>; null unless all three name a release.</summary>
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

    public static readonly IReadOnlyList<string> ControlPlaneComponents = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"];

    public static readonly IReadOnlyList<string> StaticPodComponents = [.. ControlPlaneComponents, "etcd"];

    public bool KubeletConfigured => IsPresent(KnownPaths.KubeletConf);

    public bool ControlPlaneInitialized => IsPresent(KnownPaths.AdminConf) && IsPresent(KnownPaths.KubeletConf) && !KubeadmInitUnfinished;

    /// <summary>kubeadm init's kubelet-finalize phase has not run (or the node predates kubeadm 1.17).</summary>
    public bool KubeletConfEmbedsClientCertificate => Files.GetValueOrDefault(KnownPaths.KubeletConf) is { Present: true, NotAfter: not null };

    /// <summary>
    /// kubeadm init stopped after writing its kubeconfigs but before upload-config. Set by the planner,
    /// which alone sees the etcd view; such a control plane is not initialized.
    /// </summary>
    public bool KubeadmInitUnfinished { get; init; }

    public DateTimeOffset? EarliestCertificateExpiry =>
        Files.Values.Where(f => f.NotAfter is not null).Select(f => f.NotAfter).Min();

    /// <summary>The text after the last colon that follows the last slash; empty when there is none.</summary>
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
    Unreachable,

    /// <summary>Not the pinned or known key; nothing ran.</summary>
    HostKeyRejected,

    /// <summary>The server refused HaKube's key, or sudo -n refused the user.</summary>
    AuthenticationFailed,

    ProbeFailed,

    Timeout,
}
