namespace HaKube.Model.Facts;

/// <summary>Versions reported by the installed binaries ("v1.31.4"); null where the binary is absent.</summary>
public sealed record KubeVersions(string? Kubelet, string? Kubeadm, string? Kubectl)
{
    public static readonly KubeVersions None = new(null, null, null);
}
