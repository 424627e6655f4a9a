using System.ComponentModel;

namespace HaKube.Model.Status;

/// <summary>One certificate the probe read on a host: where it is, and when it expires.</summary>
public sealed record CertificateStatus
{
    [Description("Absolute path on the host: a certificate file, or a kubeconfig with an embedded client certificate.")]
    public required string Path { get; init; }

    [Description("The certificate's notAfter.")]
    public required DateTimeOffset NotAfter { get; init; }
}
