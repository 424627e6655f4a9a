using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Actions.Rendering;

/// <summary>The small configuration files PrepareHost writes, where, and the host tools kubeadm wants.</summary>
public static class HostPrerequisiteFiles
{
    public const string ModulesPath = KnownPaths.ModulesLoad;

    public const string SysctlPath = KnownPaths.Sysctl;

    public const string AptSourcePath = KnownPaths.AptSource;

    public const string AptKeyringPath = KnownPaths.AptKeyring;

    public const string ContainerdConfigPath = KnownPaths.ContainerdConfig;

    /// <summary>
    /// The fingerprint of the key that signs every pkgs.k8s.io repository ("isv:kubernetes OBS
    /// Project"; the same key for every minor, re-signed when it nears expiry). A downloaded
    /// Release.key with another primary key is refused.
    /// </summary>
    public const string SigningKeyFingerprint = "DE15B14486CD377B9E876E1A234654DA9A296436";

    /// <summary>overlay for containerd's snapshotter; br_netfilter so bridged pod traffic passes iptables.</summary>
    public static readonly IReadOnlyList<string> KernelModules = ["overlay", "br_netfilter"];

    /// <summary>modules-load.d: one module a line.</summary>
    public static readonly string Modules = ConfigLines.ModulesLoad("Kernel modules for Kubernetes, written by HaKube.", KernelModules);

    // ip_forward is the one setting kubeadm's preflight still checks (1.30+) for IPv4 hosts; IPv6
    // host addresses are refused by validation until they are supported end to end.
    public static readonly string Sysctl = ConfigLines.SysctlD("Kernel settings for Kubernetes, written by HaKube.", [new("net.ipv4.ip_forward", "1")]);

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

    /// <summary>The CA bundle curl verifies pkgs.k8s.io with (package ca-certificates).</summary>
    public const string CaBundle = "/etc/ssl/certs/ca-certificates.crt";

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
