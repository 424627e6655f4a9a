namespace HaKube.Model.Facts;

/// <summary>
/// The two settings kubeadm depends on in /etc/containerd/config.toml; probed because PrepareHost
/// edits the package's file in place. Null where the file has no value.
/// </summary>
public sealed record ContainerdFacts(bool ConfigPresent, bool? SystemdCgroup, string? SandboxImage)
{
    /// <summary>The registry hosts folder (config_path); null where absent or empty.</summary>
    public string? ConfigPath { get; init; }

    public static readonly ContainerdFacts Absent = new(false, null, null);
}
