using HaKube.Model.Api;
using HaKube.Model.Facts;

namespace HaKube.Actions.Rendering;

public static class HostPrerequisiteFiles
{
    public const string ModulesPath = KnownPaths.ModulesLoad;

    public const string SysctlPath = KnownPaths.Sysctl;

    public const string AptSourcePath = KnownPaths.AptSource;

    public const string AptKeyringPath = KnownPaths.AptKeyring;

    public const string ContainerdConfigPath = KnownPaths.ContainerdConfig;

    /// <summary>pkgs.k8s.io's key, the same for every minor; a downloaded Release.key with another is refused.</summary>
    public const string SigningKeyFingerprint = "DE15B14486CD377B9E876E1A234654DA9A296436";

    /// <summary>overlay for containerd's snapshotter; br_netfilter so bridged pod traffic passes iptables.</summary>
    public static readonly IReadOnlyList<string> KernelModules = ["overlay", "br_netfilter"];

    public static readonly string Modules = ConfigLines.ModulesLoad("Kernel modules for Kubernetes, written by HaKube.", KernelModules);

    // ip_forward is the one setting kubeadm's preflight still checks (1.30+) for IPv4 hosts; IPv6
    // host addresses are refused by validation until they are supported end to end.
    public static readonly string Sysctl = ConfigLines.SysctlD("Kernel settings for Kubernetes, written by HaKube.", [new("net.ipv4.ip_forward", "1")]);

    /// <summary>kubeadm's preflight fails without conntrack (before 1.32) and iptables, and warns without socat, ethtool, ebtables.</summary>
    public static readonly IReadOnlyList<(string Program, string Package)> NodeTools =
        [("curl", "curl"), ("gpg", "gpg"), ("conntrack", "conntrack"), ("iptables", "iptables"), ("socat", "socat"), ("ethtool", "ethtool"), ("ebtables", "ebtables")];

    public static readonly IReadOnlyList<(string Program, string Package)> EtcdHostTools = [("curl", "curl"), ("gpg", "gpg")];

    public const string CaBundle = "/etc/ssl/certs/ca-certificates.crt";

    /// <summary>kubeadm's PauseVersion: Debian 12's containerd names pause:3.6, which cannot start a sandbox offline.</summary>
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

    /// <summary>Under spec.images.repository when set, where kubeadm expects it too.</summary>
    public static string PauseImage(HaClusterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return PauseImage(spec.Version(), spec.Images?.Repository);
    }
}
