namespace HaKube.Actions.Rendering;

/// <summary>The small configuration files PrepareHost writes on Kubernetes nodes, and where.</summary>
public static class HostPrerequisiteFiles
{
    public const string ModulesPath = "/etc/modules-load.d/hakube-kubernetes.conf";

    public const string SysctlPath = "/etc/sysctl.d/99-hakube-kubernetes.conf";

    public const string AptSourcePath = "/etc/apt/sources.list.d/kubernetes.list";

    public const string AptKeyringPath = "/etc/apt/keyrings/kubernetes-apt-keyring.gpg";

    public const string ContainerdConfigPath = "/etc/containerd/config.toml";

    /// <summary>overlay for containerd's snapshotter; br_netfilter so bridged pod traffic passes iptables.</summary>
    public static readonly IReadOnlyList<string> KernelModules = ["overlay", "br_netfilter"];

    /// <summary>modules-load.d: one module a line.</summary>
    public static readonly string Modules = ConfigLines.ModulesLoad("Kernel modules for Kubernetes, written by HaKube.", KernelModules);

    // ip_forward is the one setting kubeadm's preflight still checks (1.30+).
    public static readonly string Sysctl = ConfigLines.SysctlD("Kernel settings for Kubernetes, written by HaKube.", [new("net.ipv4.ip_forward", "1")]);

    /// <summary>The pkgs.k8s.io repository of one minor release (one repository per minor).</summary>
    public static string RepositoryUrl(string minorTag) => $"https://pkgs.k8s.io/core:/stable:/{minorTag}/deb/";

    public static string AptSource(string minorTag) =>
        $"deb [signed-by={AptKeyringPath}] {RepositoryUrl(minorTag)} /\n";
}
