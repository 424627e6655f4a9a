using System.ComponentModel;

namespace HaKube.Model.Status;

/// <summary>What HaKube observed on one host.</summary>
public sealed record HostStatus
{
    [Description("Host name from the spec.")]
    public required string Name { get; init; }

    [Description("Whether the last probe reached the host.")]
    public bool Reachable { get; init; }

    [Description("Why the host was not reachable, when it was not.")]
    public string? Error { get; init; }

    [Description("Roles from the spec.")]
    public IReadOnlyList<string> Roles { get; init; } = [];

    [Description("Installed kubelet version.")]
    public string? KubeletVersion { get; init; }

    [Description("Installed kubeadm version.")]
    public string? KubeadmVersion { get; init; }

    [Description("The etcd member this host runs, if any.")]
    public string? EtcdMember { get; init; }

    [Description("The earliest notAfter of the certificates on the host.")]
    public DateTimeOffset? CertificatesNotAfter { get; init; }

    [Description("Every certificate the probe read on the host, with its notAfter, by path.")]
    public IReadOnlyList<CertificateStatus> Certificates { get; init; } = [];
}
