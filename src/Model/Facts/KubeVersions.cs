namespace HaKube.Model.Facts;

/// <summary>Versions the installed binaries report ("v1.31.4"); null where absent.</summary>
public sealed record KubeVersions(string? Kubelet, string? Kubeadm, string? Kubectl)
{
    public static readonly KubeVersions None = new(null, null, null);
}
