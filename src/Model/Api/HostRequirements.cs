namespace HaKube.Model.Api;

/// <summary>What a host must have before kubeadm or an etcd member runs on it: asked by the planner, installed by PrepareHost.</summary>
public static class HostRequirements
{
    /// <summary>
    /// Tools a Kubernetes node needs that a minimal Debian lacks, as (program, Debian package):
    /// curl and gpg fetch and check the repository key (with ca-certificates), curl also reads etcd's
    /// gateway; kubeadm's preflight wants conntrack (an error before 1.32, and recent kubelet packages
    /// no longer depend on it) and iptables (an error; the kubelet package only recommends it), and
    /// warns without socat, ethtool and ebtables (checks_linux.go addExecChecks).
    /// </summary>
    public static readonly IReadOnlyList<(string Program, string Package)> NodeTools =
        [("curl", "curl"), ("gpg", "gpg"), ("conntrack", "conntrack"), ("iptables", "iptables"), ("socat", "socat"), ("ethtool", "ethtool"), ("ebtables", "ebtables")];

    /// <summary>Tools an external etcd host needs: the repository key, and curl for etcd's gateway.</summary>
    public static readonly IReadOnlyList<(string Program, string Package)> EtcdHostTools = [("curl", "curl"), ("gpg", "gpg")];

    /// <summary>
    /// The pause image kubeadm expects for <paramref name="version"/> (constants.go PauseVersion of
    /// that release: 3.9 for 1.30, 3.10 for 1.31 to 1.33, 3.10.1 from 1.34), which containerd must use
    /// as its sandbox image: Debian 12's containerd names pause:3.6, a warning in kubeadm's preflight
    /// online and a pod sandbox that cannot start offline.
    /// </summary>
    public static string PauseImage(KubernetesVersion version, string? repository = null)
    {
        var tag = version.Minor switch
        {
            <= 30 => "3.9",
            <= 33 => "3.10",
            _ => "3.10.1",
        };
        return $"{repository ?? ImagesSpec.DefaultRepository}/pause:{tag}";
    }

    /// <summary>The pause image of the spec's version, under spec.images.repository when it names one (kubeadm expects it there too).</summary>
    public static string PauseImage(HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return PauseImage(spec.Version(), spec.Images?.Repository);
    }
}
