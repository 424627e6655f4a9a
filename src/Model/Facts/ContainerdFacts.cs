namespace HaKube.Model.Facts;

/// <summary>
/// What containerd's configuration (/etc/containerd/config.toml) says about the two settings kubeadm
/// depends on; read by the probe, since PrepareHost edits them in place (the file is the package's).
/// </summary>
/// <param name="ConfigPresent">The configuration file exists.</param>
/// <param name="SystemdCgroup">runc's SystemdCgroup option; null where the file has none.</param>
/// <param name="SandboxImage">The pause image (sandbox_image, or sandbox in a version 3 file); null where the file names none.</param>
public sealed record ContainerdFacts(bool ConfigPresent, bool? SystemdCgroup, string? SandboxImage)
{
    /// <summary>The registry hosts folder (config_path, where hosts.toml files are read); null where the file names none or leaves it empty.</summary>
    public string? ConfigPath { get; init; }

    public static readonly ContainerdFacts Absent = new(false, null, null);
}
