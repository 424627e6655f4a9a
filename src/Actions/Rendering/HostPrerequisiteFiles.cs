using HaKube.Model.Facts;

namespace HaKube.Actions.Rendering;

internal static class HostPrerequisiteFiles
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

    /// <summary>The CA bundle curl verifies pkgs.k8s.io with (package ca-certificates).</summary>
    public const string CaBundle = "/etc/ssl/certs/ca-certificates.crt";
}
